/**
 * For random signal streams, the incremental engine ranks exactly as the brute-force
 * recomputation from the raw signals (`ScanCatalogEngine`), for every algorithm, at random
 * moments, with windows sliding, out-of-order and duplicate keys, category changes, small
 * caps and tiny candidate heaps; and an engine rebuilt from the signals a store keeps
 * (pruned as the runtime prunes them) ranks as the one that never stopped.
 *
 * More runs: `RECS_RUNS=5000 npx vitest run packages/runtime/test/recs/property.test.ts`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IncrementalCatalogEngine, ScanCatalogEngine, type RecsOptions, type Signal } from "@journey/runtime";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5);
const KEYS = ["a", "b", "c", "d", "e", "f", "g", "h"];
const PROFILES = ["p0", "p1", "p2", "p3"];
const CATEGORIES = ["x", "y", "z"];

type Op =
  | { op: "signal"; p: number; kind: Signal["kind"]; keys: number[]; dt: number }
  | { op: "item"; key: number; category: number }
  | { op: "remove"; key: number }
  | { op: "check"; later: number };

const signalOp = fc.record({
  op: fc.constant("signal" as const),
  p: fc.integer({ min: 0, max: PROFILES.length - 1 }),
  kind: fc.constantFrom<Signal["kind"]>("view", "view", "cart", "purchase"),
  keys: fc.array(fc.integer({ min: 0, max: KEYS.length - 1 }), { minLength: 1, maxLength: 5 }),
  // Mostly minutes apart; sometimes back in time (late events), sometimes days later.
  dt: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 90 * MIN }) }, { weight: 1, arbitrary: fc.integer({ min: -3 * HOUR, max: 0 }) }, { weight: 1, arbitrary: fc.integer({ min: HOUR, max: 4 * DAY }) }),
});
const ops = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: signalOp },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("item" as const), key: fc.integer({ min: 0, max: KEYS.length - 1 }), category: fc.integer({ min: 0, max: CATEGORIES.length - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("remove" as const), key: fc.integer({ min: 0, max: KEYS.length - 1 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("check" as const), later: fc.constantFrom(0, 0, 20 * MIN, 3 * HOUR, 2 * DAY) }) },
  ),
  { minLength: 1, maxLength: 80 },
);
const options = fc.record({
  bucketMs: fc.constantFrom(15 * MIN, HOUR),
  sessionMs: fc.constantFrom(30 * MIN, HOUR, 3 * HOUR),
  windows: fc.record({
    cartBased: fc.constantFrom(6 * HOUR, DAY, 3 * DAY),
    boughtTogether: fc.constantFrom(6 * HOUR, 3 * DAY),
    viewedTogether: fc.constantFrom(6 * HOUR, 2 * DAY),
    recentlyViewed: fc.constantFrom(3 * HOUR, 2 * DAY),
    popular: fc.constantFrom(2 * HOUR, DAY),
  }),
  retentionMs: fc.constantFrom(3 * DAY, 5 * DAY),
  maxGroupItems: fc.constantFrom(2, 3, 50),
  recentItems: fc.constantFrom(2, 50),
  purchasedItems: fc.constantFrom(1, 50),
  cartItems: fc.constantFrom(1, 50),
});
const heaps = fc.constantFrom(1, 2, 3, 256);

interface Query {
  algorithm: string;
  args: unknown[];
  named: Record<string, unknown>;
  profileId: string;
  now: number;
}

function queries(now: number): Query[] {
  const q: Query[] = [];
  const add = (algorithm: string, args: unknown[] = [], named: Record<string, unknown> = {}, profileId = "p0") => q.push({ algorithm, args, named, profileId, now });
  for (const p of PROFILES) add("recentlyViewed", [], {}, p);
  for (const by of ["views", "purchases", undefined]) {
    for (const category of [undefined, ...CATEGORIES]) {
      for (const window of [undefined, HOUR, 2 * DAY]) add("popular", [], { ...(by ? { by } : {}), ...(category ? { category } : {}), ...(window ? { window } : {}) });
    }
  }
  for (const k of KEYS) {
    add("boughtTogether", [k]);
    add("viewedTogether", [k]);
    add("cartBased", [[k]]);
  }
  add("cartBased", [["a", "b"]]);
  add("cartBased", [["a", "c", "e", "zzz"]]);
  return q;
}

type Ranker = { rank(q: Query, limit?: number): string[]; profileKeys(p: string, k: Signal["kind"], now?: number): Set<string> };

/** Every ranking of `a` and `b` at `now`: in full, and cut to the first few (the incremental engine's fast path). */
function compare(a: Ranker, ref: ScanCatalogEngine, now: number, context: () => string, profileKeys = true, only: (q: Query) => boolean = () => true): void {
  for (const q of queries(now)) {
    if (!only(q)) continue;
    const want = ref.rank(q);
    expect(a.rank(q), `${JSON.stringify(q)} ${context()}`).toEqual(want);
    for (const n of [1, 2, 3]) expect(a.rank(q, n), `${JSON.stringify(q)} limit ${n} ${context()}`).toEqual(want.slice(0, n));
  }
  if (!profileKeys) return;
  for (const p of PROFILES) for (const kind of ["view", "cart", "purchase"] as const) expect([...a.profileKeys(p, kind, now)].sort(), `profileKeys ${p} ${kind} ${context()}`).toEqual([...ref.profileKeys(p, kind, now)].sort());
}

const item = (key: number, category: number) => ({ sku: KEYS[key]!, category: CATEGORIES[category]! });

describe("the incremental engine against the brute-force reference", () => {
  it("same rankings for random signal streams", () => {
    fc.assert(
      fc.property(options, heaps, ops, (o: RecsOptions, topCandidates, program) => {
        const ref = new ScanCatalogEngine("sku", o);
        const inc = new IncrementalCatalogEngine({ keyField: "sku", ...o, topCandidates, neighbours: 10_000 });
        const initial = KEYS.slice(0, 6).map((_, i) => item(i, i % CATEGORIES.length));
        ref.upsertItems(initial);
        inc.upsertItems(initial);
        let t = T0;
        let latest = T0;
        let n = 0;
        const done: string[] = [];
        for (const step of program as Op[]) {
          if (step.op === "signal") {
            t += step.dt;
            latest = Math.max(latest, t);
            const s: Signal = { profileId: PROFILES[step.p]!, kind: step.kind, keys: step.keys.map((k) => KEYS[k]!), at: t, eventId: `e${++n}` };
            ref.recordSignal(s);
            inc.recordSignal(s);
            done.push(`${s.kind} ${s.profileId} ${s.keys.join(",")} @${(t - T0) / MIN}m`);
          } else if (step.op === "item") {
            ref.upsertItems([item(step.key, step.category)]);
            inc.upsertItems([item(step.key, step.category)]);
            done.push(`item ${KEYS[step.key]} ${CATEGORIES[step.category]}`);
          } else if (step.op === "remove") {
            ref.removeItems([KEYS[step.key]!]);
            inc.removeItems([KEYS[step.key]!]);
            done.push(`remove ${KEYS[step.key]}`);
          } else {
            const now = latest + step.later;
            compare(inc, ref, now, () => `at +${(now - T0) / MIN}m after ${done.join("; ")}`);
          }
        }
        compare(inc, ref, latest, () => `at the end, after ${done.join("; ")}`);
        // A request dated before the latest signal is answered exactly too, when its window is
        // inside the retention (older signals are forgotten).
        const c = ref.config;
        const windowOf = (q: Query) => Math.min(typeof q.named["window"] === "number" ? (q.named["window"] as number) : (c.windows as unknown as Record<string, number>)[q.algorithm]!, c.retentionMs);
        compare(inc, ref, latest - DAY / 2, () => `half a day back, after ${done.join("; ")}`, false, (q) => q.now - windowOf(q) >= latest - c.retentionMs);
      }),
      { numRuns: Number(process.env["RECS_RUNS"] ?? 300) },
    );
  }, 600_000);

  it("an engine rebuilt from the signals the store kept ranks as the one that never stopped", () => {
    fc.assert(
      fc.property(options, ops, (o: RecsOptions, program) => {
        const live = new IncrementalCatalogEngine({ keyField: "sku", ...o, topCandidates: 2 });
        const items = KEYS.map((_, i) => item(i, i % CATEGORIES.length));
        live.upsertItems(items);
        // The store: signals appended in order, the oldest pruned as the runtime asks.
        const stored: Signal[] = [];
        const all: Signal[] = [];
        let t = T0;
        let n = 0;
        for (const step of program as Op[]) {
          if (step.op === "check") {
            // Requests move the live engine's windows on (a restarted engine has not seen them).
            live.rank({ algorithm: "popular", args: [], named: {}, profileId: "p0", now: t + step.later }, 2);
            live.rank({ algorithm: "cartBased", args: [["a"]], named: {}, profileId: "p0", now: t + step.later });
          }
          if (step.op !== "signal") continue;
          t += step.dt;
          const s: Signal = { profileId: PROFILES[step.p]!, kind: step.kind, keys: step.keys.map((k) => KEYS[k]!), at: t, eventId: `e${++n}` };
          const before = live.signalsNeededSince();
          stored.push(s);
          all.push(s);
          if (before !== undefined) while (stored.length && stored[0]!.at < before) stored.shift();
          live.recordSignal(s);
        }
        const restarted = new IncrementalCatalogEngine({ keyField: "sku", ...o, topCandidates: 2 });
        restarted.upsertItems(items);
        for (const s of stored) restarted.recordSignal(s);
        const ref = new ScanCatalogEngine("sku", o);
        ref.upsertItems(items);
        for (const s of all) ref.recordSignal(s);
        const latest = Math.max(T0, ...all.map((s) => s.at));
        for (const now of [latest, latest + HOUR]) {
          compare(restarted, ref, now, () => `restarted, ${stored.length} of ${all.length} signals kept`);
          compare(live, ref, now, () => `live`);
        }
      }),
      { numRuns: Number(process.env["RECS_RUNS"] ?? 200) },
    );
  }, 600_000);
});
