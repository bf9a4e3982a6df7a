/**
 * The engine's state lives in the runtime's store: signals are committed with their events,
 * the engine is rebuilt from them on `start()`, and old ones are pruned. And the engine's
 * memory stays bounded however many signals flow through it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime, IncrementalCatalogEngine, MemoryStore, ScanCatalogEngine, SqliteStore, SystemClock, VirtualClock, type EventEnvelope, type Signal, type Store } from "@journey/runtime";
import { PRODUCT_CATALOG, SCHEMA, ev, irOf } from "../engine/helpers.js";
import { CATALOG, DAY, HOUR, MIN, T0, sig } from "./fixtures.js";

const ir = irOf(`${SCHEMA}${PRODUCT_CATALOG}`);

const line = (sku: string) => ({ sku, name: sku, price: 1, category: "c" });
const history = (): EventEnvelope[] => [
  ev("Order", "q1", T0, { orderId: "o1", items: ["H1", "S1"].map(line), total: 2 }),
  ev("Order", "q2", T0 + MIN, { orderId: "o2", items: ["H1", "S1", "G1"].map(line), total: 3 }),
  ev("Cart", "q3", T0 + 2 * MIN, { cartId: "c", items: ["H1", "H2"].map(line), total: 2 }),
  ev("View", "p1", T0 + 3 * MIN, { sku: "G1", category: "gloves" }),
  ev("View", "p1", T0 + 4 * MIN, { sku: "S2", category: "scarves" }),
];

/** Three orders of H2: counted once, the history's H1 (two orders) comes after H2; counted twice, before it. */
const moreOrders = (): EventEnvelope[] => [0, 1, 2].map((i) => ev("Order", `x${i}`, T0 + 5 * MIN, { orderId: `x${i}`, items: [line("H2")], total: 1 }));

const tmp = mkdtempSync(join(tmpdir(), "journey-recs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function open(store: Store, now = T0 + 5 * MIN) {
  const warnings: string[] = [];
  const runtime = createRuntime({ ir, store, clock: new VirtualClock(now), logger: { info() {}, warn: (_o, m) => warnings.push(String(m)), error() {} } });
  runtime.catalog!.upsertItems(CATALOG);
  await runtime.start();
  return { runtime, warnings };
}

/** What the engine answers, for every algorithm. */
function answers(runtime: Awaited<ReturnType<typeof open>>["runtime"], now: number) {
  const e = runtime.catalog as IncrementalCatalogEngine;
  const q = (algorithm: string, args: unknown[] = [], named: Record<string, unknown> = {}) => e.rank({ algorithm, args, named, profileId: "p1", now });
  return {
    cartBased: q("cartBased", [["H1"]]),
    boughtTogether: q("boughtTogether", ["H1"]),
    recentlyViewed: q("recentlyViewed"),
    popular: q("popular"),
    viewed: [...e.profileKeys("p1", "view", now)],
    inCart: [...e.profileKeys("q3", "cart", now)],
  };
}

describe.each([
  ["MemoryStore", () => new MemoryStore(), async (s: Store) => s],
  [
    "SqliteStore",
    () => new SqliteStore(join(tmp, `s-${Math.random()}.db`)),
    async (s: Store) => {
      await s.close();
      return new SqliteStore((s as SqliteStore).path);
    },
  ],
] as const)("%s", (_, make, reopen) => {
  it("the runtime's default engine is the incremental one, and a restart restores what it learnt", async () => {
    const store = make();
    const events = history();
    const first = await open(store);
    expect(first.runtime.catalog).toBeInstanceOf(IncrementalCatalogEngine);
    await first.runtime.ingest(events);
    const before = answers(first.runtime, T0 + HOUR);
    expect(before).toEqual({ cartBased: ["S1", "G1", "H2"], boughtTogether: ["S1", "G1"], recentlyViewed: ["S2", "G1"], popular: ["H1", "S1", "G1"], viewed: ["S2", "G1"], inCart: ["H1", "H2"] });
    await first.runtime.stop();

    const reopened = await reopen(store);
    const second = await open(reopened);
    expect(answers(second.runtime, T0 + HOUR)).toEqual(before);
    // Events already processed are duplicates: they teach the engine nothing twice.
    expect(await second.runtime.ingest(events)).toEqual({ accepted: 0, duplicates: 5 });
    expect(answers(second.runtime, T0 + HOUR)).toEqual(before);
    await second.runtime.stop();
    await reopened.close();
  });

  it("items upserted through the runtime are stored and there again after a restart; removed ones are not", async () => {
    const store = make();
    const warnings: string[] = [];
    const logger = { info() {}, warn: (_o: object, m?: string) => warnings.push(String(m)), error() {} };
    const first = createRuntime({ ir, store, clock: new VirtualClock(T0), logger });
    await first.start();
    const item = (sku: string, price = 1) => ({ sku, name: sku, price, category: "c", inStock: true });
    const r = await first.upsertItems([item("A"), { ...item("X"), price: "1" }, item("B"), item("C")]);
    expect(r).toMatchObject({ upserted: 3, rejected: [{ index: 1, key: "X", errors: [{ path: "item.price" }] }] });
    expect(warnings).toEqual(['catalog item left out: catalog item `X` (items[1]): item.price expected number, found the string "1"']);
    expect(await first.upsertItems([item("A", 2)])).toEqual({ upserted: 1, rejected: [], warnings: [] });
    // Removed from the store and the engine; an item only the engine held counts as removed too.
    first.catalog!.upsertItems([item("MEM")]);
    expect(await first.removeItems(["B", "nope", "MEM", "B"])).toEqual(["B", "MEM"]);
    expect(first.catalog!.item("B")).toBeUndefined();
    await first.stop();

    const reopened = await reopen(store);
    // An item stored earlier that the declaration no longer accepts (a field added since).
    await reopened.saveItems([{ key: "OLD", item: { sku: "OLD", name: "old" } }]);
    warnings.length = 0;
    const second = createRuntime({ ir, store: reopened, clock: new VirtualClock(T0), logger });
    await second.start();
    expect(second.catalog!.item("A")).toEqual(item("A", 2));
    expect(second.catalog!.item("C")).toEqual(item("C"));
    expect(["B", "X", "MEM", "OLD"].map((k) => second.catalog!.item(k))).toEqual([undefined, undefined, undefined, undefined]);
    expect(warnings).toEqual(["stored catalog item `OLD` left out: item.price is missing (and 2 more); it stays stored"]);
    expect((await reopened.loadItems(undefined, 10)).map((i) => i.key)).toEqual(["A", "C", "OLD"]);
    // The stored items answer recommendations as before the restart.
    await second.ingest(ev("View", "p1", T0, { sku: "C", category: "c" }));
    expect((second.catalog as IncrementalCatalogEngine).recommend({ algorithm: "recentlyViewed", args: [], named: {}, profileId: "p1", limit: 3, now: T0 })).toEqual([item("C")]);
    await second.stop();
    await reopened.close();
  });

  it("signals older than the retention are pruned from the store", async () => {
    const store = make();
    const { runtime } = await open(store);
    await runtime.ingest(history());
    expect((await store.loadSignals(0, 100)).signals).toHaveLength(5);
    // 40 days later: the retention (30 days) is over for the first five.
    await runtime.ingest(ev("View", "p9", T0 + 40 * DAY, { sku: "H1", category: "hats" }));
    await runtime.ingest(ev("View", "p9", T0 + 40 * DAY + MIN, { sku: "H2", category: "hats" }));
    const kept = (await store.loadSignals(0, 100)).signals;
    expect(kept.map((s) => s.keys)).toEqual([["H1"], ["H2"]]);
    await runtime.stop();
    await store.close();
  });
});

describe("an event dated ahead of the system clock", () => {
  it("counts as of now: it does not make the store forget today's signals", async () => {
    const store = new MemoryStore();
    const runtime = createRuntime({ ir, store, clock: new SystemClock() });
    runtime.catalog!.upsertItems(CATALOG);
    await runtime.start();
    const now = Date.now();
    const at = (ms: number, e: EventEnvelope) => ({ ...e, time: new Date(ms).toISOString() });
    await runtime.ingest(history().map((e, i) => at(now - (10 - i) * MIN, e)));
    // A producer whose clock is 40 days ahead (beyond the 30-day retention).
    await runtime.ingest(at(now + 40 * DAY, ev("View", "p9", T0, { sku: "H1", category: "hats" })));
    const kept = (await store.loadSignals(0, 100)).signals;
    expect(kept).toHaveLength(6);
    expect(Math.max(...kept.map((s) => s.at))).toBeLessThanOrEqual(Date.now());
    await runtime.stop();
  });
});

describe("catalog items through the runtime", () => {
  it("are checked against the catalog declaration: an invalid one is left out and logged with the field path", async () => {
    const { runtime, warnings } = await open(new MemoryStore());
    const r = runtime.catalog!.upsertItems([{ sku: "OK", name: "ok", price: 1, category: "c", inStock: true }, { sku: "BAD", name: "bad", price: "1", category: "c", inStock: true }]);
    expect(r).toMatchObject({ upserted: 1, rejected: [{ index: 1, key: "BAD", errors: [{ path: "item.price", message: 'expected number, found the string "1"' }] }] });
    expect(warnings).toEqual(['catalog item left out: catalog item `BAD` (items[1]): item.price expected number, found the string "1"']);
    expect(runtime.catalog!.item("BAD")).toBeUndefined();
  });

  it("upsertItems and removeItems need start(), a catalog, and lists", async () => {
    const store = new MemoryStore();
    const runtime = createRuntime({ ir, store, clock: new VirtualClock(T0) });
    await expect(runtime.upsertItems([])).rejects.toThrow("upsertItems before start(): call `await runtime.start()` first");
    await runtime.start();
    await expect(runtime.upsertItems({ sku: "A" } as never)).rejects.toMatchObject({ name: "InvalidInputError", errors: [{ path: "items", message: "must be a list" }] });
    await expect(runtime.removeItems("A" as never)).rejects.toMatchObject({ name: "InvalidInputError", errors: [{ path: "keys" }] });
    await runtime.stop();
    const none = createRuntime({ ir: irOf(SCHEMA), clock: new VirtualClock(T0) });
    await none.start();
    await expect(none.upsertItems([])).rejects.toThrow("upsertItems: this runtime has no catalog engine (the project declares no `catalog`)");
    await expect(none.removeItems([])).rejects.toThrow("removeItems: this runtime has no catalog engine");
    await none.stop();
  });

  it("a store that fails to save leaves the engine as it was", async () => {
    const store = new MemoryStore();
    const runtime = createRuntime({ ir, store, clock: new VirtualClock(T0) });
    await runtime.start();
    store.saveItems = async () => {
      throw new Error("disk full");
    };
    await expect(runtime.upsertItems([{ sku: "A", name: "a", price: 1, category: "c", inStock: true }])).rejects.toThrow("disk full");
    expect(runtime.catalog!.item("A")).toBeUndefined();
    await runtime.stop();
  });

  /** Ways a unit of work fails; each returns how to repair the store. */
  const failures: [string, (store: MemoryStore) => () => void][] = [
    [
      "at its commit (disk full)",
      (store) => {
        const commit = store.commit.bind(store);
        store.commit = async () => {
          throw new Error("disk full");
        };
        return () => (store.commit = commit);
      },
    ],
    [
      "before its commit (a profile cannot be read)",
      (store) => {
        const load = store.loadProfile.bind(store);
        store.loadProfile = async (id) => {
          if (id === "p1") throw new Error("read failed");
          return load(id);
        };
        return () => (store.loadProfile = load);
      },
    ],
  ];

  it.each(failures)("a unit that fails %s: the signals it learned as it ran are not learned twice when its events come again", async (_, breakStore) => {
    const store = new MemoryStore();
    const { runtime } = await open(store);
    const events = history();
    const repair = breakStore(store);
    await expect(runtime.ingest(events)).rejects.toThrow();
    repair();
    // The source delivers the same events again.
    await runtime.ingest([...events, ...moreOrders()]);
    // Counted once: the same answers as an engine that saw the history once, and as one rebuilt from the store.
    const once = await open(new MemoryStore());
    await once.runtime.ingest([...history(), ...moreOrders()]);
    expect(answers(once.runtime, T0 + HOUR).popular[0]).toBe("H2");
    expect(answers(runtime, T0 + HOUR)).toEqual(answers(once.runtime, T0 + HOUR));
    await runtime.stop();
    const rebuilt = await open(store);
    expect(answers(rebuilt.runtime, T0 + HOUR)).toEqual(answers(once.runtime, T0 + HOUR));
  });
});

describe("bounded memory", () => {
  it("buckets, logs, profiles and neighbours stay bounded over a long stream", () => {
    const e = new IncrementalCatalogEngine({ keyField: "sku", neighbours: 8 });
    let x = 1;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const samples: ReturnType<IncrementalCatalogEngine["stats"]>[] = [];
    // 150 days, 2,000 signals a day, over 500 keys; every day brings 300 new shoppers.
    for (let day = 0; day < 150; day++) {
      for (let i = 0; i < 2000; i++) {
        const at = T0 + day * DAY + Math.floor((i / 2000) * DAY);
        const profile = `d${day}-${Math.floor(rand() * 300)}`;
        const keys = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => `k${Math.floor(rand() * rand() * 500)}`);
        e.recordSignal(sig(profile, (["view", "view", "cart", "purchase"] as const)[i % 4]!, at, ...keys));
      }
      if (day === 40 || day === 149) samples.push(e.stats());
    }
    const [early, late] = samples as [ReturnType<IncrementalCatalogEngine["stats"]>, ReturnType<IncrementalCatalogEngine["stats"]>];
    // 30 days of hourly buckets (and the current one).
    expect(late.buckets).toBeLessThanOrEqual(30 * 24 + 2);
    // Shoppers idle for longer than the retention are forgotten (31 days of 300, swept daily).
    expect(late.profiles).toBeLessThanOrEqual(33 * 300);
    // Neighbours: at most twice `neighbours` per key and algorithm.
    expect(late.neighbourEntries).toBeLessThanOrEqual(3 * 500 * 16);
    // With the window full, more signals do not mean more memory.
    expect(late.logEntries).toBeLessThanOrEqual(early.logEntries * 1.1);
    expect(late.arrayBytes).toBeLessThanOrEqual(early.arrayBytes * 1.25);
    // And it still answers: the strongest neighbours survive pruning.
    expect(e.rank({ algorithm: "cartBased", args: [["k1"]], named: {}, profileId: "x", now: T0 + 150 * DAY }).length).toBeGreaterThan(0);
    expect(e.rank({ algorithm: "cartBased", args: [["k1"]], named: {}, profileId: "x", now: T0 + 150 * DAY }).length).toBeLessThanOrEqual(16);
  });

  it("after a long stream (idle profiles forgotten, list pools compacted), answers are still the reference's", () => {
    const inc = new IncrementalCatalogEngine({ keyField: "sku", neighbours: 1_000_000 });
    const ref = new ScanCatalogEngine("sku");
    let x = 5;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const recent: string[] = [];
    let at = T0;
    for (let day = 0; day < 60; day++) {
      for (let i = 0; i < 2500; i++) {
        at = T0 + day * DAY + Math.floor((i / 2500) * DAY);
        const profile = `d${day}-${Math.floor(rand() * 400)}`;
        const kind = (["view", "view", "view", "cart", "purchase"] as const)[Math.floor(rand() * 5)]!;
        const keys = Array.from({ length: kind === "view" ? 1 : 1 + Math.floor(rand() * 3) }, () => `k${Math.floor(rand() * rand() * 300)}`);
        const s: Signal = sig(profile, kind, at, ...keys);
        inc.recordSignal(s);
        ref.recordSignal(s);
        if (day === 59 && i % 100 === 0) recent.push(profile);
      }
      if (day % 20 === 10) inc.compact();
    }
    const stats = inc.stats();
    expect(stats.defragmentations).toBeGreaterThanOrEqual(3 * 7);
    expect(stats.profiles).toBeLessThan(33 * 400);
    const now = at + HOUR;
    const q = (algorithm: string, args: unknown[] = [], named: Record<string, unknown> = {}, profileId = "x") => ({ algorithm, args, named, profileId, now });
    const queries = [
      ...recent.map((p) => q("recentlyViewed", [], {}, p)),
      q("popular"),
      q("popular", [], { by: "views", window: 2 * DAY }),
      ...["k0", "k1", "k7", "k50", "k200"].flatMap((k) => [q("cartBased", [[k, "k3"]]), q("boughtTogether", [k]), q("viewedTogether", [k])]),
    ];
    for (const query of queries) expect(inc.rank(query), JSON.stringify(query)).toEqual(ref.rank(query));
    for (const p of recent.slice(0, 5)) for (const kind of ["view", "cart", "purchase"] as const) expect([...inc.profileKeys(p, kind, now)].sort()).toEqual([...ref.profileKeys(p, kind, now)].sort());
  });

  it("a key with more co-occurring keys than it keeps forgets the weakest", () => {
    const e = new IncrementalCatalogEngine({ keyField: "sku", neighbours: 2 });
    const baskets = [...Array(5).fill(["A", "B"]), ...Array(3).fill(["A", "C"]), ["A", "D"], ["A", "E"], ["A", "F"]] as string[][];
    baskets.forEach((keys, i) => e.recordSignal(sig(`q${i}`, "purchase", T0 + i * MIN, ...keys)));
    // A had B (5), C (3), D and E (1 each) when F came: the two strongest stayed, then F joined.
    expect(e.rank({ algorithm: "boughtTogether", args: ["A"], named: {}, profileId: "x", now: T0 + HOUR })).toEqual(["B", "C", "F"]);
    // The reference keeps all of them.
    const ref = new ScanCatalogEngine("sku");
    baskets.forEach((keys, i) => ref.recordSignal(sig(`q${i}`, "purchase", T0 + i * MIN, ...keys)));
    expect(ref.rank({ algorithm: "boughtTogether", args: ["A"], named: {}, profileId: "x", now: T0 + HOUR })).toEqual(["B", "C", "D", "E", "F"]);
  });
});
