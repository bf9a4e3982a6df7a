// Runtime benchmark: 100,000 profiles through the abandoned-cart sample, on the in-memory
// store and on SQLite, beside a hand-written reference (plain maps, a timer heap, the same
// templates) measured in the same run. Run: npm run bench -w packages/runtime
// (after `npm run build`; node is started with --expose-gc for the memory figures).
// The reference and the in-memory runtime run in ROUNDS interleaved rounds (default 3) and
// their medians are compared; PROFILES, ROUNDS and STORES=memory|sqlite make it smaller.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../compiler/dist/index.js";
import * as runtime from "../dist/index.js";
import { seeded } from "./random.mjs";
import { ReferenceJourney } from "./reference.mjs";

const PROFILES = Number(process.env.PROFILES ?? 100_000);
/** Events per `ingest` call: carts for the memory figure (all at the start, so all of them wait), and events for throughput. */
const BATCH = 1000;
/** Interleaved rounds of the reference and the in-memory runtime (ROUNDS=1 for a quick look). */
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const H = 3_600_000;
const START = Date.parse("2026-03-02T00:00:00Z");

const sample = new URL("../../../samples/abandoned-cart/", import.meta.url);
const files = readdirSync(sample).filter((f) => f.endsWith(".journey")).map((f) => ({ path: f, text: readFileSync(new URL(f, sample), "utf8") }));
const compiled = compile(files);
if (!compiled.ir) throw new Error("the abandoned-cart sample does not compile");
const ir = compiled.ir;
const catalog = JSON.parse(readFileSync(new URL("catalog.json", sample), "utf8"));

// ── data ──────────────────────────────────────────────────────────────────────────────
const rand = seeded(42);
const zones = ["Europe/Stockholm", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"];
const names = ["Ana", "Jonas", "Sofia", "Marco", "Lena", "Omar", "Yuki", "Pia"];
const profiles = [];
for (let i = 0; i < PROFILES; i++) {
  const withPhone = rand() < 0.6;
  profiles.push({
    id: `p${i}`,
    email: `shopper${i}@example.com`,
    firstName: names[i % names.length],
    ...(withPhone ? { phone: `+4670${String(1000000 + i)}` } : {}),
    timezone: zones[i % zones.length],
    consent: { email: rand() < 0.9, sms: rand() < 0.5 },
  });
}
const events = [];
for (let i = 0; i < PROFILES; i++) {
  const t = START + Math.floor(rand() * 24 * H);
  const items = [];
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n; k++) {
    const c = catalog[Math.floor(rand() * catalog.length)];
    items.push({ sku: c.sku, name: c.name, price: c.price, qty: 1, category: c.category });
  }
  const total = Math.round(items.reduce((s, x) => s + x.price, 0) * 100) / 100;
  const cartId = `c${i}`;
  events.push({ id: `a${i}`, type: "CartAbandoned", profileId: `p${i}`, time: new Date(t).toISOString(), data: { cartId, items, total, cartUrl: `https://shop.example.com/cart/${cartId}` } });
  if (rand() < 0.3) {
    const o = t + Math.floor(rand() * 30 * H);
    events.push({ id: `o${i}`, type: "OrderPlaced", profileId: `p${i}`, time: new Date(o).toISOString(), data: { orderId: `o${i}`, cartId, items, total } });
  }
}
events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
const END = Date.parse(events[events.length - 1].time) + 3 * 24 * H;

/** Recommendations are not what this measures (they have their own benchmark): a fixed, cheap answer. */
const byCategory = new Map();
for (const c of catalog) if (c.inStock) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
const pick = (keys, category) => (byCategory.get(category) ?? catalog).filter((c) => !keys.includes(c.sku)).slice(0, 4);
const fixedCatalog = {
  keyField: "sku",
  upsertItems() {},
  removeItems() {},
  item: (k) => catalog.find((c) => c.sku === k),
  recordSignal() {},
  profileKeys: () => new Set(),
  recommend(req) {
    const keys = req.args[0] ?? [];
    const category = req.named.category ?? catalog.find((c) => c.sku === keys[0])?.category;
    return pick(keys, category);
  },
};

// ── measurement ───────────────────────────────────────────────────────────────────────
const gc = globalThis.gc ?? (() => {});
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");
/** CPU seconds (user + system) since `since`: steadier than wall time on a shared machine, where other work takes turns on the cores. */
const cpuSeconds = (since) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** A runtime on `store` with every profile stored, its clock at START. */
async function freshRuntime(store, onSend) {
  const clock = new runtime.VirtualClock(START);
  const rt = runtime.createRuntime({ ir, store, clock, catalog: fixedCatalog, channels: { send: async () => void onSend() } });
  await rt.start();
  for (const p of profiles) {
    const { id, ...attributes } = p;
    await rt.upsertProfile(id, attributes);
  }
  return rt;
}

/**
 * Heap per waiting instance: every cart abandoned at the start, so every instance is waiting
 * its 4 hours. Each event carries data of its own, parsed from JSON as a service's events
 * are: what an instance keeps of it is counted, for the runtime and the reference alike.
 */
async function memoryPerInstance(makeStore) {
  const store = await makeStore();
  const rt = await freshRuntime(store, () => {});
  const carts = events.filter((e) => e.type === "CartAbandoned");
  const before = heap();
  const atStart = new Date(START).toISOString();
  for (let i = 0; i < carts.length; i += BATCH) await rt.ingest(carts.slice(i, i + BATCH).map((e) => ({ ...e, id: `m${e.id}`, time: atStart, data: fromJson(e.data) })));
  const perInstance = (heap() - before) / carts.length;
  await rt.stop();
  await store.close();
  return perInstance;
}

/** Data as a service receives it: parsed from JSON (V8 lays such objects out with their fields inside; `structuredClone` does not). */
const fromJson = (data) => JSON.parse(JSON.stringify(data));

/** Throughput: a fresh runtime, the events at their own times, every timer fired. */
async function throughput(label, makeStore, perCall) {
  const store = await makeStore();
  let sent = 0;
  const rt = await freshRuntime(store, () => sent++);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // On a virtual clock the runtime applies each event at its own time, after the timers due
  // before it, however many events one call carries: calls of PER_CALL events commit that
  // many at once (group commit) and mean the same as one event per call.
  for (let i = 0; i < events.length; i += perCall) {
    if (perCall === 1) await rt.ingest(events[i]);
    else await rt.ingest(events.slice(i, i + perCall));
  }
  await rt.advanceTo(END);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(cpu0);
  await rt.stop();
  await store.close();
  return { label, eventsPerSecond: events.length / seconds, seconds, cpu, sent };
}

function referenceMemoryPerInstance() {
  const m = referenceWithProfiles();
  const before = heap();
  for (const e of events) if (e.type === "CartAbandoned") m.event({ ...e, data: fromJson(e.data) }, START);
  const perInstance = (heap() - before) / events.filter((e) => e.type === "CartAbandoned").length;
  // Still in use after the measurement: otherwise the collector may free it before it.
  if (m.heap.a.length === 0) throw new Error("the reference holds no waiting instance");
  return perInstance;
}

function referenceThroughput() {
  const r = referenceWithProfiles();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const e of events) {
    const t = Date.parse(e.time);
    r.runUntil(t);
    r.event(e, t);
  }
  r.runUntil(END);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(cpu0);
  return { label: "hand-written reference", eventsPerSecond: events.length / seconds, seconds, cpu, sent: r.sent };
}

function referenceWithProfiles() {
  const r = new ReferenceJourney(ir, (cart) => pick(cart.items.map((i) => i.sku), cart.items[0].category));
  for (const p of profiles) {
    const { id, ...attributes } = p;
    r.upsertProfile(id, attributes);
  }
  return r;
}

/** The run with the median events/s of several, with the range of them all. */
function median(runs) {
  const sorted = [...runs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  const m = sorted[Math.floor(sorted.length / 2)];
  return { ...m, runs: runs.length, min: sorted[0].eventsPerSecond, max: sorted[sorted.length - 1].eventsPerSecond, cpuMedian: [...runs].map((r) => r.cpu).sort((a, b) => a - b)[Math.floor(runs.length / 2)] };
}

let tempDir;
async function freshSqlite() {
  tempDir ??= mkdtempSync(join(tmpdir(), "journey-bench-"));
  return new runtime.SqliteStore(join(tempDir, `bench-${Date.now()}-${Math.random()}.db`));
}

console.log(referenceThroughput());
