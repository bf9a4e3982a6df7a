// Decide benchmark: the home-experience sample's HomeHero (`web://shop.example.com/#hero`) for
// 100,000 profiles over a 10,000-item catalog, decided in-process with `runtime.decide`
// (MemoryStore, the runtime's own catalog engine, one surface per request, after warm-up),
// beside a hand-written function that
// renders the same content for the same profile, measured in the same run (the ceiling; plain
// JavaScript, as TypeScript compiles it). Run: npm run bench -w packages/runtime -- decide
// (after `npm run build`); PROFILES, ITEMS, WARMUP, DECISIONS change the sizes.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { compile } from "../../compiler/dist/index.js";
import * as runtime from "../dist/index.js";
import { seeded } from "./random.mjs";

const PROFILES = Number(process.env.PROFILES ?? 100_000);
const ITEMS = Number(process.env.ITEMS ?? 10_000);
const WARMUP = Number(process.env.WARMUP ?? 50_000);
const DECISIONS = Number(process.env.DECISIONS ?? 200_000);
const SURFACE = "web://shop.example.com/#hero";
const NOW = Date.parse("2026-03-09T12:00:00Z");
const DAY = 86_400_000;

const sample = new URL("../../../samples/home-experience/", import.meta.url);
const files = readdirSync(sample).filter((f) => f.endsWith(".journey")).map((f) => ({ path: f, text: readFileSync(new URL(f, sample), "utf8") }));
const compiled = compile(files);
if (!compiled.ir) throw new Error("the home-experience sample does not compile");
const ir = compiled.ir;
const hero = ir.experiences["HomeHero"];

// ── data ──────────────────────────────────────────────────────────────────────────────
const rand = seeded(7);
const categories = ["headwear", "jackets", "footwear", "backpacks", "rainwear", "accessories", "baselayers", "summer"];
const catalog = [];
for (let i = 0; i < ITEMS; i++) {
  const sku = `NV-${String(10000 + i)}`;
  const stock = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 80);
  catalog.push({
    sku,
    name: `Product ${i}`,
    price: Math.round(10 + rand() * 300),
    category: categories[i % categories.length],
    url: `https://shop.example.com/p/${sku.toLowerCase()}`,
    imageUrl: `https://cdn.shop.example.com/img/${sku.toLowerCase()}.jpg`,
    inStock: stock > 0,
    stock,
  });
}
const zones = ["Europe/Stockholm", "Europe/Berlin", "Europe/Madrid", "Europe/Oslo", "Europe/Amsterdam"];
const names = ["Ana", "Jonas", "Mia", "Tomás", "Ingrid", "Daan", "Zoë \"Z\"", "Lars"];
const profiles = [];
for (let i = 0; i < PROFILES; i++) {
  const r = rand();
  const tier = r < 0.1 ? "gold" : r < 0.3 ? "silver" : "bronze";
  const points = tier === "gold" ? 5000 + Math.floor(rand() * 5000) : tier === "silver" ? 1000 + Math.floor(rand() * 4000) : Math.floor(rand() * 1000);
  profiles.push({
    id: `p${i}`,
    email: `shopper${i}@example.com`,
    ...(rand() < 0.85 ? { firstName: names[i % names.length] } : {}),
    timezone: zones[i % zones.length],
    loyalty: { tier, points },
  });
}
// Recent views: 0–12 per profile over the last six days (inside `popular`'s 7-day window), a
// few popular items viewed more often.
const views = [];
for (let i = 0; i < PROFILES; i++) {
  const n = Math.floor(rand() * 13);
  for (let k = 0; k < n; k++) {
    const item = rand() < 0.3 ? catalog[Math.floor(rand() * 50)] : catalog[Math.floor(rand() * ITEMS)];
    views.push({ profileId: `p${i}`, kind: "view", keys: [item.sku], at: NOW - Math.floor(rand() * 6 * DAY), eventId: `v${views.length}` });
  }
}
views.sort((a, b) => a.at - b.at);

/**
 * The hand-written ceiling's index: plain maps with the ScanCatalogEngine's answers for the
 * two algorithms HomeHero uses: O(views of the profile) for `recentlyViewed()`, and
 * `popular()` counted once per (now, window). (ScanCatalogEngine scans every signal per
 * request: 100,000 profiles' views make that far too slow here.)
 */
class ProfileIndexEngine {
  keyField = "sku";
  items = new Map();
  byProfile = new Map();
  signals = [];
  popularCache = new Map();

  upsertItems(items) {
    for (const item of items) this.items.set(String(item.sku), item);
  }
  removeItems(keys) {
    for (const k of keys) this.items.delete(k);
  }
  item(key) {
    return this.items.get(key);
  }
  recordSignal(s) {
    this.signals.push(s);
    this.popularCache.clear();
    if (s.kind !== "view") return;
    let list = this.byProfile.get(s.profileId);
    if (!list) this.byProfile.set(s.profileId, (list = []));
    list.push(s);
  }
  profileKeys(profileId, kind) {
    const out = new Set();
    if (kind === "view") for (const s of this.byProfile.get(profileId) ?? []) for (const k of s.keys) out.add(k);
    return out;
  }
  recommend(req) {
    const keys = this.rank(req);
    const out = [];
    for (const k of keys) {
      const item = this.items.get(k);
      if (item) out.push(item);
      if (out.length >= req.limit) break;
    }
    return out;
  }
  rank(req) {
    const windowMs = typeof req.named.window === "number" ? req.named.window : undefined;
    if (req.algorithm === "recentlyViewed") {
      const list = this.byProfile.get(req.profileId) ?? [];
      const seen = new Set();
      const out = [];
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i];
        if (req.now - s.at > (windowMs ?? 30 * DAY)) continue;
        for (const k of s.keys) if (!seen.has(k)) (seen.add(k), out.push(k));
      }
      return out;
    }
    if (req.algorithm === "popular" && req.named.category === undefined) {
      const kind = req.named.by === "views" ? "view" : "purchase";
      const w = windowMs ?? 7 * DAY;
      const key = `${kind}:${req.now}:${w}`;
      let ranked = this.popularCache.get(key);
      if (!ranked) {
        const counts = new Map();
        for (const s of this.signals) if (s.kind === kind && s.at <= req.now && req.now - s.at <= w) for (const k of s.keys) counts.set(k, (counts.get(k) ?? 0) + 1);
        ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
        this.popularCache.set(key, ranked);
      }
      return ranked;
    }
    throw new Error(`the benchmark's engine does not implement \`${req.algorithm}\``);
  }
}

// ── the hand-written ceiling ──────────────────────────────────────────────────────────
/**
 * HomeHero written by hand: the same content for the same profile, from plain maps (the
 * profile, its recent views, the popular ranking), the decision recorded in an array.
 */
function handWritten(engine) {
  const profilesById = new Map(profiles.map(({ id, ...attributes }) => [id, attributes]));
  const popular = engine.rank({ algorithm: "popular", named: { by: "views", window: 7 * DAY }, now: NOW });
  const points = new Intl.NumberFormat("en-US");
  const str = (s) => JSON.stringify(s).slice(1, -1);
  const recorded = [];
  return {
    decide(profileId) {
      const p = profilesById.get(profileId);
      const items = [];
      const seen = new Set();
      const list = engine.byProfile.get(profileId) ?? [];
      for (let i = list.length - 1; i >= 0 && items.length < 6; i--) {
        const s = list[i];
        if (NOW - s.at > 30 * DAY) continue;
        const item = engine.items.get(s.keys[0]);
        if (item && item.inStock && !seen.has(item.sku)) (seen.add(item.sku), items.push(item));
      }
      for (let i = 0; i < popular.length && items.length < 6; i++) {
        const item = engine.items.get(popular[i]);
        if (item && item.inStock && !seen.has(item.sku)) (seen.add(item.sku), items.push(item));
      }
      const json = JSON.stringify(items);
      const tier = p?.loyalty?.tier;
      const first = p?.firstName ? str(p.firstName) : "member";
      let variant, arm, content;
      if (tier === "gold") {
        variant = "GoldHero";
        content = `{\n  "layout": "hero-wide",\n  "title": "Welcome back, ${first}",\n  "subtitle": "Gold members ship express for free and save 15% on everything",\n  "items": ${json}\n}`;
      } else if (tier === "silver") {
        variant = "SilverHero";
        const toGold = Math.max(0, 5000 - p.loyalty.points);
        content = `{\n  "layout": "hero-wide",\n  "title": "Welcome back, ${first}",\n  "subtitle": "${points.format(p.loyalty.points)} points, ${points.format(toGold)} more to gold",\n  "items": ${json}\n}`;
      } else {
        variant = "Everyone";
        arm = runtime.splitBucket("hero-layout", profileId) < 50 ? "Grid" : "Carousel";
        content = `{"layout": "${arm === "Grid" ? "grid" : "carousel"}", "title": "Picked for you", "items": ${json} }`;
      }
      const decisionId = randomUUID();
      recorded.push({ key: decisionId, at: NOW, profileId, surface: SURFACE, experience: "HomeHero", variant, arm, version: hero.version });
      if (recorded.length >= 1024) recorded.length = 0;
      return { content, variant, arm, decisionId };
    },
  };
}

// ── measurement ───────────────────────────────────────────────────────────────────────
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const order = Array.from({ length: WARMUP + DECISIONS }, () => `p${Math.floor(rand() * PROFILES)}`);

function summarize(label, latencies, seconds) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { label, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

async function measureRuntime(rt) {
  const run = async (from, to, latencies) => {
    for (let i = from; i < to; i++) {
      const t0 = performance.now();
      await rt.decide({ surfaces: [SURFACE], profileId: order[i] });
      if (latencies) latencies[i - from] = performance.now() - t0;
    }
  };
  await run(0, WARMUP);
  const latencies = new Float64Array(DECISIONS);
  const t0 = performance.now();
  await run(WARMUP, WARMUP + DECISIONS, latencies);
  return summarize("runtime.decide", latencies, (performance.now() - t0) / 1000);
}

function measureHandWritten(ceiling) {
  const run = (from, to, latencies) => {
    for (let i = from; i < to; i++) {
      const t0 = performance.now();
      ceiling.decide(order[i]);
      if (latencies) latencies[i - from] = performance.now() - t0;
    }
  };
  run(0, WARMUP);
  const latencies = new Float64Array(DECISIONS);
  const t0 = performance.now();
  run(WARMUP, WARMUP + DECISIONS, latencies);
  return summarize("hand-written", latencies, (performance.now() - t0) / 1000);
}

console.log(`decide benchmark: HomeHero (home-experience sample), ${fmt(PROFILES)} profiles, ${fmt(ITEMS)} catalog items, ${fmt(views.length)} views, node ${process.version}`);
console.log("recommendations: the runtime's catalog engine (IncrementalCatalogEngine); the hand-written function reads plain maps");
console.log("  with ScanCatalogEngine's answers (checked below); views are recorded into both directly, not replayed as events");

const engine = new ProfileIndexEngine();
engine.upsertItems(catalog);
for (const v of views) engine.recordSignal(v);

// The ceiling's index answers as ScanCatalogEngine does (which scans every signal per request,
// so it is checked on the views of the first 2,000 profiles only).
const CHECKED = 2000;
{
  const subset = views.filter((v) => Number(v.profileId.slice(1)) < CHECKED);
  const local = new ProfileIndexEngine();
  const scan = new runtime.ScanCatalogEngine("sku");
  for (const e of [local, scan]) {
    e.upsertItems(catalog);
    for (const v of subset) e.recordSignal(v);
  }
  const same = (req) => JSON.stringify(local.recommend(req)) === JSON.stringify(scan.recommend(req));
  for (let i = 0; i < CHECKED; i++) {
    const req = { algorithm: "recentlyViewed", args: [], named: {}, profileId: `p${i}`, now: NOW, limit: 28 };
    if (!(same(req))) throw new Error(`recentlyViewed differs from ScanCatalogEngine for p${i}`);
  }
  if (!(same({ algorithm: "popular", args: [], named: { by: "views", window: 7 * DAY }, profileId: "p0", now: NOW, limit: 28 }))) throw new Error("popular differs from ScanCatalogEngine");
}

const rt = runtime.createRuntime({ ir, store: new runtime.MemoryStore(), clock: new runtime.VirtualClock(NOW) });
rt.catalog.upsertItems(catalog);
for (const v of views) rt.catalog.recordSignal(v);
await rt.start();
for (const { id, ...attributes } of profiles) await rt.upsertProfile(id, attributes);
const ceiling = handWritten(engine);

// Both render the same content for the same profile.
const variants = new Map();
for (let i = 0; i < 2000; i++) {
  const id = order[i];
  const [d] = await rt.decide({ surfaces: [SURFACE], profileId: id });
  const h = ceiling.decide(id);
  if (d.content !== h.content || d.variant !== h.variant || d.arm !== h.arm) throw new Error(`runtime and hand-written differ for ${id}:\n${d.content}\n${h.content}`);
  variants.set(d.arm ? `${d.variant}/${d.arm}` : d.variant, (variants.get(d.arm ? `${d.variant}/${d.arm}` : d.variant) ?? 0) + 1);
}
console.log(`checked: the ceiling's index answers as ScanCatalogEngine (recentlyViewed for ${fmt(CHECKED)} profiles, popular); identical content and variant for 2,000 decisions (${[...variants].map(([v, n]) => `${v} ${n}`).join(", ")})`);

const gc = globalThis.gc ?? (() => {});
gc();
const reference = measureHandWritten(ceiling);
gc();
const measured = await measureRuntime(rt);
await rt.stop();

console.log("");
console.log(`${fmt(DECISIONS)} decisions each, after ${fmt(WARMUP)} to warm up; one surface a request, profiles drawn at random`);
console.log("                    decisions/s      p50 ms    p99 ms    max ms");
for (const r of [measured, reference]) console.log(`${r.label.padEnd(18)} ${fmt(r.perSecond).padStart(12)} ${r.p50.toFixed(4).padStart(11)} ${r.p99.toFixed(4).padStart(9)} ${r.max.toFixed(2).padStart(9)}`);
const ratio = measured.perSecond / reference.perSecond;
const verdict = (ok) => (ok ? "PASS" : "MISS");
console.log("");
console.log(`throughput: ${fmt(measured.perSecond)} decisions/s on one core (target ≥ 50,000) ${verdict(measured.perSecond >= 50_000)}`);
console.log(`p99 latency: ${measured.p99.toFixed(3)} ms (target < 1 ms) ${verdict(measured.p99 < 1)}`);
console.log(`vs hand-written: ${ratio.toFixed(2)}× its ${fmt(reference.perSecond)} decisions/s (target ≥ 0.5×) ${verdict(ratio >= 0.5)}`);
