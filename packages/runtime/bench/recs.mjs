// Recommendation engine benchmark: the incremental catalog engine with 100,000 catalog items
// and 5,000,000 signals over 200,000 profiles (30 days of visits: views, carts, orders).
// Reports ingestion (signals/second), p50/p99 latency of each algorithm, resident memory, and
// how fast the engine is rebuilt from signals stored in SQLite (start-up after a restart).
//
//   npm run bench -w packages/runtime -- recs        (after `npm run build`)
//   ITEMS=… SIGNALS=… PROFILES=… QUERIES=… RESTORE=… to change the sizes (RESTORE=0: skip).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { IncrementalCatalogEngine, SqliteStore } from "../dist/index.js";
import { seeded } from "./random.mjs";

const ITEMS = Number(process.env.ITEMS ?? 100_000);
const SIGNALS = Number(process.env.SIGNALS ?? 5_000_000);
const PROFILES = Number(process.env.PROFILES ?? 200_000);
const QUERIES = Number(process.env.QUERIES ?? 20_000);
const RESTORE = Number(process.env.RESTORE ?? 500_000);
const CATEGORIES = 200;
const DAY = 86_400_000;
const MIN = 60_000;
const START = Date.parse("2026-03-01T00:00:00Z");
const SPAN = 30 * DAY;
const END = START + SPAN;

let rand = seeded(7);
const qrand = seeded(11);
const gc = () => globalThis.gc?.();
const mb = (n) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const fmt = (n) => n.toLocaleString("en-US");

// ── catalog: 200 categories of 500 items; popularity is skewed inside each category ─────
const perCategory = Math.ceil(ITEMS / CATEGORIES);
const sku = (i) => `SKU-${String(i).padStart(6, "0")}`;
const items = Array.from({ length: ITEMS }, (_, i) => ({ sku: sku(i), name: `Product ${i}`, price: 5 + (i % 200), category: `cat-${Math.floor(i / perCategory)}`, inStock: i % 17 !== 0 }));
const category = (r = rand) => Math.floor(CATEGORIES * r() ** 1.5);
const itemIn = (c, r = rand) => Math.min(ITEMS - 1, c * perCategory + Math.floor(perCategory * r() ** 2));
const anyItem = (r = rand) => itemIn(category(r), r);
const profile = (r = rand) => `p${Math.floor(PROFILES * r() ** 1.2)}`;

// ── signals: visits of 1–8 views in one category, some with a cart, some with an order ─
const visits = Math.round(SIGNALS / 5.25);
let visit = 0;
let eventId = 0;
/** Keys arrive as fresh strings, as from parsed events (not the catalog's own string objects). */
const key = (i) => JSON.parse(`"${sku(i)}"`);
/** The next `n` signals (fewer at the end), in time order of their visits. */
function nextSignals(n) {
  const out = [];
  while (out.length < n && visit < visits) {
    const t0 = START + Math.floor((visit++ / visits) * SPAN);
    const p = profile();
    const c = category();
    const views = 1 + Math.floor(rand() * 8);
    const seen = [];
    for (let j = 0; j < views; j++) {
      const i = rand() < 0.8 ? itemIn(c) : anyItem();
      seen.push(i);
      out.push({ profileId: p, kind: "view", keys: [key(i)], at: t0 + j * MIN, eventId: `e${++eventId}` });
    }
    if (rand() < 0.5) {
      const cart = [...new Set([seen[Math.floor(rand() * seen.length)], ...Array.from({ length: Math.floor(rand() * 3) }, () => (rand() < 0.7 ? itemIn(c) : anyItem()))])];
      out.push({ profileId: p, kind: "cart", keys: cart.map(key), at: t0 + views * MIN, eventId: `e${++eventId}` });
      if (rand() < 0.5) out.push({ profileId: p, kind: "purchase", keys: cart.slice(0, 1 + Math.floor(rand() * cart.length)).map(key), at: t0 + (views + 5) * MIN, eventId: `e${++eventId}` });
    }
  }
  return out;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

console.log(`recommendation engine: ${fmt(ITEMS)} items, ${fmt(SIGNALS)} signals over ${fmt(PROFILES)} profiles and 30 days (Node ${process.version}, ${process.env.npm_config_user_agent ? "npm" : "node"})`);
gc();
const baseline = process.memoryUsage();

// ── ingestion ─────────────────────────────────────────────────────────────────────────
// As the runtime makes it for a project whose steps ask for `popular(window: 14d)` and `(window: 30d)`.
const engineOptions = { keyField: "sku", popularWindows: [14 * DAY, 30 * DAY] };
const engine = new IncrementalCatalogEngine(engineOptions);
let t = performance.now();
engine.upsertItems(items);
const upsertMs = performance.now() - t;
let recorded = 0;
let ingestMs = 0;
let ingestCpu = 0;
// Garbage collections that started while signals were being recorded.
const gcs = [];
const recording = [];
const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries().map((e) => [e.startTime, e.duration])));
gcObserver.observe({ entryTypes: ["gc"] });
const kinds = { view: 0, cart: 0, purchase: 0 };
for (;;) {
  const chunk = nextSignals(Math.min(5_000, SIGNALS - recorded));
  if (!chunk.length) break;
  const cpu = process.cpuUsage();
  t = performance.now();
  for (const s of chunk) engine.recordSignal(s);
  const end = performance.now();
  const used = process.cpuUsage(cpu);
  ingestCpu += (used.user + used.system) / 1000;
  ingestMs += end - t;
  recording.push([t, end]);
  for (const s of chunk) kinds[s.kind]++;
  recorded += chunk.length;
  if (recorded >= SIGNALS) break;
}
console.log(`\nupsert ${fmt(ITEMS)} items (validated): ${upsertMs.toFixed(0)} ms`);
await new Promise((resolve) => setTimeout(resolve, 50));
gcObserver.disconnect();
let gcMs = 0;
for (const [start, duration] of gcs) if (recording.some(([a, b]) => start >= a && start <= b)) gcMs += duration;
console.log(`ingestion: ${fmt(recorded)} signals (${fmt(kinds.view)} views, ${fmt(kinds.cart)} carts, ${fmt(kinds.purchase)} purchases) in ${(ingestMs / 1000).toFixed(2)} s (${(gcMs / 1000).toFixed(2)} s of it garbage collection): ${fmt(Math.round(recorded / (ingestMs / 1000)))} signals/s`);
console.log(`  (CPU time of the process while recording: ${(ingestCpu / 1000).toFixed(2)} s, ${fmt(Math.round(recorded / (ingestCpu / 1000)))} signals per CPU second; a busy machine shows in the gap)`);

// ── latency ───────────────────────────────────────────────────────────────────────────
const basket = () => {
  const c = category(qrand);
  return Array.from({ length: 1 + Math.floor(qrand() * 3) }, () => sku(qrand() < 0.7 ? itemIn(c, qrand) : anyItem(qrand)));
};
const algorithms = {
  "cartBased(cart.items.sku)": () => ({ algorithm: "cartBased", args: [basket()], named: {} }),
  "boughtTogether(key)": () => ({ algorithm: "boughtTogether", args: [sku(anyItem(qrand))], named: {} }),
  "viewedTogether(key)": () => ({ algorithm: "viewedTogether", args: [sku(anyItem(qrand))], named: {} }),
  "recentlyViewed()": () => ({ algorithm: "recentlyViewed", args: [], named: {} }),
  "popular()": () => ({ algorithm: "popular", args: [], named: {} }),
  "popular(by: views, window: 30d)": () => ({ algorithm: "popular", args: [], named: { by: "views", window: 30 * DAY } }),
  "popular(by: purchases, category, window: 14d)": () => ({ algorithm: "popular", args: [], named: { by: "purchases", category: `cat-${category(qrand)}`, window: 14 * DAY } }),
  "popular(by: views, window: 3d) (a window no step declared)": () => ({ algorithm: "popular", args: [], named: { by: "views", window: 3 * DAY } }),
};
console.log(`\nlatency of engine.recommend (limit 22, as a \`limit 4\` step asks), ${fmt(QUERIES)} requests each after 2,000 to warm up, at the end of the 30 days:`);
console.log(`  ${"algorithm".padEnd(48)} ${"p50".padStart(9)} ${"p99".padStart(9)} ${"max".padStart(9)} ${"items".padStart(6)}`);
const worst = [];
for (const [name, make] of Object.entries(algorithms)) {
  const first = performance.now();
  engine.recommend({ ...make(), profileId: profile(qrand), limit: 22, now: END });
  const firstMs = performance.now() - first;
  for (let i = 0; i < 2000; i++) engine.recommend({ ...make(), profileId: profile(qrand), limit: 22, now: END });
  const times = new Float64Array(QUERIES);
  let found = 0;
  for (let i = 0; i < QUERIES; i++) {
    const req = { ...make(), profileId: profile(qrand), limit: 22, now: END };
    const s = performance.now();
    const r = engine.recommend(req);
    times[i] = performance.now() - s;
    found += r.length;
  }
  times.sort();
  const p99 = percentile(times, 99);
  worst.push(p99);
  console.log(`  ${name.padEnd(48)} ${percentile(times, 50).toFixed(3).padStart(6)} ms ${p99.toFixed(3).padStart(6)} ms ${times[times.length - 1].toFixed(2).padStart(6)} ms ${(found / QUERIES).toFixed(1).padStart(6)}   (first request ${firstMs.toFixed(1)} ms)`);
}

// ── memory ────────────────────────────────────────────────────────────────────────────
gc();
const mem = process.memoryUsage();
const stats = engine.stats();
console.log(`\nmemory: resident ${mb(mem.rss)} (${mb(mem.rss - baseline.rss)} above the process before the engine), heap ${mb(mem.heapUsed)}, typed arrays ${mb(stats.arrayBytes)}`);
console.log(`  typed arrays by part: bucket logs ${mb(stats.bytes.logs)}, neighbours ${mb(stats.bytes.neighbours)}, profiles ${mb(stats.bytes.profiles)}, popular counts ${mb(stats.bytes.popular)}`);
console.log(`engine: ${fmt(stats.keys)} keys, ${fmt(stats.profiles)} profiles, ${fmt(stats.buckets)} buckets, ${fmt(stats.logEntries)} log entries, ${fmt(stats.neighbourEntries)} neighbour entries, ${stats.popularViews} popular windows`);

// ── restart: rebuilding from signals stored in SQLite ─────────────────────────────────
if (RESTORE > 0) {
  const dir = mkdtempSync(join(tmpdir(), "journey-recs-bench-"));
  try {
    const store = new SqliteStore(join(dir, "store.db"));
    const empty = { profiles: [], timers: [], events: [], effects: [], dispatched: [] };
    // The first signals of the same stream again.
    rand = seeded(7);
    visit = 0;
    const restoreSample = [];
    while (restoreSample.length < RESTORE) {
      const chunk = nextSignals(Math.min(5_000, RESTORE - restoreSample.length));
      if (!chunk.length) break;
      restoreSample.push(...chunk);
    }
    t = performance.now();
    for (let i = 0; i < restoreSample.length; i += 100) await store.commit({ ...empty, signals: restoreSample.slice(i, i + 100) });
    const writeMs = performance.now() - t;
    const fresh = new IncrementalCatalogEngine(engineOptions);
    fresh.upsertItems(items);
    t = performance.now();
    let n = 0;
    for (let after = 0; ; ) {
      const page = await store.loadSignals(after, 10_000);
      for (const s of page.signals) fresh.recordSignal(s);
      n += page.signals.length;
      if (page.signals.length < 10_000) break;
      after = page.next;
    }
    const restoreMs = performance.now() - t;
    await store.close();
    console.log(`\nrestart: ${fmt(n)} signals written to SQLite in commits of 100 (${fmt(Math.round(n / (writeMs / 1000)))}/s); read back and replayed into a new engine at ${fmt(Math.round(n / (restoreMs / 1000)))} signals/s (${fmt(Math.round((SIGNALS / (n / restoreMs)) / 1000))} s for all ${fmt(SIGNALS)})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ok = Math.max(...worst) < 2 && recorded / (ingestMs / 1000) >= 200_000;
console.log(`\ntargets (p99 < 2 ms for every algorithm, ingestion ≥ 200,000 signals/s): ${ok ? "met" : "NOT met"}`);
