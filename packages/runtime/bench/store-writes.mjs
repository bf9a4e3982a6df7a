// What a store's writes cost on their own, without the engine: the commits of the journeys
// benchmark's units of work (1,000 events each), replayed against each store with states,
// timers, event ids and messages of the same shape and size. It shows the ceiling a store
// puts on events/s, whatever the engine costs. Run: npm run bench -w packages/runtime -- store-writes
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as runtime from "../dist/index.js";
import { seeded } from "./random.mjs";

const PROFILES = Number(process.env.PROFILES ?? 100_000);
const UNITS = Number(process.env.UNITS ?? 60);
// Per unit of 1,000 events of the abandoned-cart benchmark: each event touches ~2.3 profiles
// (its own, and those whose timers fire before the next one), and ~0.8 messages are sent.
const EVENTS = 1000;
const TOUCHED = 2300;
const SENDS = 800;
const START = Date.parse("2026-03-02T00:00:00Z");

const rand = seeded(7);
const names = ["Merino Neck Gaiter", "Windproof Fleece Cap", "Waterproof Overtrousers", "Trail Runner GTX", "Down Jacket"];

/** A profile waiting in the abandoned-cart journey, as the engine keeps it (about 1 KB of JSON). */
function state(i, now) {
  const items = [];
  for (let k = 0, n = 1 + (i % 3); k < n; k++) items.push({ sku: `NV-${1000 + ((i + k) % 400)}`, name: names[(i + k) % names.length], price: 19.9 + k * 10, qty: 1, category: "hats" });
  const cart = { cartId: `c${i}`, items, total: items.reduce((s, x) => s + x.price, 0), cartUrl: `https://shop.example.com/cart/c${i}` };
  return {
    id: `p${i}`,
    attributes: { email: `shopper${i}@example.com`, firstName: "Sofia", phone: `+4670${1000000 + i}`, timezone: "Europe/Stockholm", consent: { email: true, sms: i % 2 === 0 } },
    instances: { AbandonedCart: { id: `AbandonedCart:p${i}:1`, journey: "AbandonedCart", version: "v1", startedAt: now, node: "wait:1", wait: { kind: "timer", due: now + 4 * 3_600_000 }, vars: { cart }, loops: {}, goals: [] } },
    history: { AbandonedCart: { entries: 1 } },
    audiences: [],
    schedules: {},
    sends: { email: [now] },
  };
}

function send(u, k, now) {
  const html = `<p>Hi Sofia, your cart is waiting.</p>${"<tr><td>1 × Merino Neck Gaiter</td><td>€24.90</td></tr>".repeat(12)}`;
  return { type: "send", key: `AbandonedCart:p${u}-${k}:1:send:email:CartReminder:0`, at: now, profileId: `p${k}`, journey: "AbandonedCart", instanceId: `AbandonedCart:p${k}:1`, nodeId: "send:email:CartReminder", channel: "email", to: `shopper${k}@example.com`, template: "CartReminder", content: { subject: "Your cart is still waiting", html, text: "Your cart is still waiting." } };
}

async function measure(label, store) {
  // Every profile stored, with its timer, in commits of 1,000 (not measured).
  for (let i = 0; i < PROFILES; i += 1000) {
    const profiles = [];
    for (let j = i; j < Math.min(PROFILES, i + 1000); j++) profiles.push(state(j, START));
    await store.commit({ profiles, timers: profiles.map((p) => ({ profileId: p.id, due: START + Math.floor(rand() * 86_400_000) })), events: [], effects: [], dispatched: [] });
  }
  // The units' data is made before the clock starts: only the commits are timed.
  const units = [];
  let eventId = 0;
  for (let u = 0; u < UNITS; u++) {
    const now = START + u * 600_000;
    const profiles = [];
    for (let k = 0; k < TOUCHED; k++) profiles.push(state(Math.floor(rand() * PROFILES), now));
    const effects = [];
    for (let k = 0; k < SENDS; k++) effects.push(send(u, k, now));
    const events = [];
    for (let k = 0; k < EVENTS; k++) events.push(`e${++eventId}`);
    units.push({ profiles, timers: profiles.map((p) => ({ profileId: p.id, due: now + Math.floor(rand() * 2 * 86_400_000) })), events, effects });
  }
  let previous = [];
  const t0 = performance.now();
  for (const unit of units) {
    // The messages of the unit before are marked sent with this one, as the runtime does.
    await store.commit({ ...unit, dispatched: previous });
    previous = unit.effects.map((e) => e.key);
  }
  const ms = (performance.now() - t0) / UNITS;
  return { label, ms, eventsPerSecond: (EVENTS / ms) * 1000 };
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
console.log(`store writes: ${fmt(PROFILES)} profiles; units of ${fmt(EVENTS)} events, ${fmt(TOUCHED)} profile states, ${fmt(SENDS)} messages; node ${process.version}`);
const dir = mkdtempSync(join(tmpdir(), "journey-store-writes-"));
const results = [await measure("memory", new runtime.MemoryStore())];
const sqlite = new runtime.SqliteStore(join(dir, "store.db"));
results.push(await measure("sqlite", sqlite));
await sqlite.close();
rmSync(dir, { recursive: true, force: true });
console.log("");
console.log("store       ms per unit   events/s ceiling");
for (const r of results) console.log(`${r.label.padEnd(10)} ${r.ms.toFixed(1).padStart(12)} ${fmt(r.eventsPerSecond).padStart(18)}`);
