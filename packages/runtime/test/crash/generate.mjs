/**
 * A large, deterministic workload for the abandoned-cart sample: shoppers view products,
 * leave carts and sometimes order, spread over days and time zones. Same seed, same bytes.
 *
 *   node generate.mjs <outDir> [--profiles 1000] [--seed 1] [--days 10]
 *
 * writes `<outDir>/events.jsonl` and `<outDir>/profiles.json` (the catalog is the sample's).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SAMPLE = fileURLToPath(new URL("../../../../samples/abandoned-cart/", import.meta.url));

/** mulberry32: a small seeded PRNG, good enough to spread test data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ["Europe/Stockholm", "Europe/Rome", "Europe/Helsinki", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC"];
const NAMES = ["Ana", "Jonas", "Sofia", "Marco", "Léa", "Emma", "Lukas", "Noah", "Maja", "Elias"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * @param {{ profiles?: number, seed?: number, days?: number, start?: string }} [options]
 * @returns {{ events: object[], profiles: object[], catalog: object[] }}
 */
export function generate(options = {}) {
  const nProfiles = options.profiles ?? 1000;
  const days = options.days ?? 10;
  const rand = prng(options.seed ?? 1);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const catalog = JSON.parse(readFileSync(join(SAMPLE, "catalog.json"), "utf8"));
  const start = Date.parse(options.start ?? "2026-03-02T00:00:00Z");
  const span = days * 24 * HOUR;

  const profiles = [];
  const raw = [];
  let cart = 0;
  let order = 0;
  const lines = () => {
    const n = 1 + Math.floor(rand() * 3);
    const skus = new Set();
    const out = [];
    while (out.length < n) {
      const p = pick(catalog);
      if (skus.has(p.sku)) continue;
      skus.add(p.sku);
      out.push({ sku: p.sku, name: p.name, price: p.price, qty: 1 + Math.floor(rand() * 2), category: p.category });
    }
    return out;
  };
  const total = (items) => Math.round(items.reduce((s, l) => s + l.price * l.qty, 0) * 100) / 100;

  for (let i = 0; i < nProfiles; i++) {
    const id = `p${String(i).padStart(4, "0")}`;
    // 2 % of the shoppers are unknown to the profile store: their first event creates them.
    if (rand() >= 0.02) {
      const p = { id, email: `${id}@example.com`, timezone: pick(ZONES), consent: { email: rand() < 0.85, sms: rand() < 0.5 } };
      if (rand() < 0.7) p.firstName = pick(NAMES);
      if (rand() < 0.6) p.phone = `+4670${String(1_000_000 + i).slice(1)}`;
      profiles.push(p);
    }
    // One to three shopping sessions over the period.
    const sessions = 1 + Math.floor(rand() * (rand() < 0.3 ? 3 : 1.6));
    for (let s = 0; s < sessions; s++) {
      let t = start + Math.floor(rand() * span / MINUTE) * MINUTE;
      for (let v = Math.floor(rand() * 3); v > 0; v--) {
        const p = pick(catalog);
        raw.push({ type: "ProductViewed", profileId: id, t, data: { sku: p.sku, category: p.category } });
        t += (1 + Math.floor(rand() * 9)) * MINUTE;
      }
      if (rand() < 0.8) {
        const cartId = `c-${++cart}`;
        // A few empty carts: the trigger's `where` filters them out.
        const items = rand() < 0.03 ? [] : lines();
        raw.push({ type: "CartAbandoned", profileId: id, t, data: { cartId, items, total: total(items), cartUrl: `https://shop.example.com/cart/${cartId}` } });
        const r = rand();
        if (r < 0.35) {
          // An order for this cart: soon (exit before the email), after the email, or after the SMS.
          const after = pick([20 * MINUTE, 3 * HOUR, 6 * HOUR, 20 * HOUR, 30 * HOUR, 3 * 24 * HOUR]) + Math.floor(rand() * 50) * MINUTE;
          raw.push({ type: "OrderPlaced", profileId: id, t: t + after, data: { orderId: `o-${++order}`, cartId, items, total: total(items) } });
        } else if (r < 0.5) {
          // An order for something else (by phone: no cart id).
          const other = lines();
          raw.push({ type: "OrderPlaced", profileId: id, t: t + (1 + Math.floor(rand() * 40)) * HOUR, data: { orderId: `o-${++order}`, items: other, total: total(other) } });
        }
      } else {
        const items = lines();
        raw.push({ type: "OrderPlaced", profileId: id, t, data: { orderId: `o-${++order}`, cartId: `c-direct-${++cart}`, items, total: total(items) } });
      }
    }
  }
  // Time order; same instant: generation order. Ids follow that order.
  raw.sort((a, b) => a.t - b.t);
  const events = raw.map((e, i) => ({ id: `e${String(i + 1).padStart(6, "0")}`, type: e.type, profileId: e.profileId, time: new Date(e.t).toISOString(), data: e.data }));
  // Sources redeliver: about 1 % of the events appear twice, a little later in the file.
  const withDuplicates = [];
  for (let i = 0; i < events.length; i++) {
    withDuplicates.push(events[i]);
    if (rand() < 0.01 && i > 0) withDuplicates.push(events[i - 1]);
  }
  return { events: withDuplicates, profiles, catalog };
}

/** Write the workload; returns the paths. */
export function writeWorkload(dir, options = {}) {
  mkdirSync(dir, { recursive: true });
  const { events, profiles, catalog } = generate(options);
  const paths = { events: join(dir, "events.jsonl"), profiles: join(dir, "profiles.json"), catalog: join(dir, "catalog.json") };
  writeFileSync(paths.events, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  writeFileSync(paths.profiles, JSON.stringify(profiles, null, 1) + "\n");
  writeFileSync(paths.catalog, JSON.stringify(catalog) + "\n");
  return { ...paths, count: events.length, profileCount: profiles.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name, d) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const out = writeWorkload(args[0] ?? "crash-workload", { profiles: flag("profiles", 1000), seed: flag("seed", 1), days: flag("days", 10) });
  console.log(`wrote ${out.count} events, ${out.profileCount} profiles to ${args[0] ?? "crash-workload"}`);
}
