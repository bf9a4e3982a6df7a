/**
 * Deleting a profile (`runtime.deleteProfile`, a right-to-erasure request): its instances end,
 * its state, timers and undelivered messages go, its catalog signals stay only as anonymous
 * ones (recommendations unchanged, before and after a restart), and the id can start again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, InvalidInputError, MemoryChannel, MemoryStore, SqliteStore, VirtualClock, type ChannelAdapter, type Effect, type IncrementalCatalogEngine, type Signal, type Store } from "@journey/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { HOUR, MIN, PRODUCT_CATALOG, SCHEMA, T0, ev, irOf, line } from "../engine/helpers.js";

const ir = irOf(`${SCHEMA}${PRODUCT_CATALOG}
  journey Reminder {
    on Cart as cart
    reentry never
    wait 4h
    send email { subject "cart {{cart.cartId}}" text "x" } to profile.email
  }
  journey Welcome {
    on Ping
    send email { subject "welcome" text "x" } to profile.email
  }
`);

const tmp = mkdtempSync(join(tmpdir(), "journey-erasure-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CATALOG = ["H1", "H2", "S1"].map((sku) => ({ sku, name: sku, price: 1, category: "hats", inStock: true }));

async function open(store: Store, options: { channels?: ChannelAdapter; now?: number } = {}) {
  const effects: Effect[] = [];
  const logs: string[] = [];
  const runtime = createRuntime({
    ir,
    store,
    clock: new VirtualClock(options.now ?? T0),
    channels: options.channels ?? new MemoryChannel(),
    onEffect: (e) => effects.push(e),
    logger: { info: (_o, m) => logs.push(String(m)), warn() {}, error() {} },
  });
  runtime.catalog!.upsertItems(CATALOG);
  await runtime.start();
  return { runtime, effects, logs };
}

async function storedSignals(store: Store): Promise<Signal[]> {
  return (await store.loadSignals(0, 1000)).signals;
}

const cart = (profileId: string, id: string, at: number, skus: string[]) => ev("Cart", profileId, at, { cartId: id, items: skus.map((s) => line(s)), total: 1 }, id);

describe.each([
  ["MemoryStore", () => new MemoryStore()],
  ["SqliteStore", () => new SqliteStore(join(tmp, `e-${Math.random()}.db`))],
])("deleteProfile on the %s", (_name, makeStore) => {
  it("ends the live instances (reason `deleted`), drops the state and its timers: nothing is sent later", async () => {
    const store = makeStore();
    const channel = new MemoryChannel();
    const { runtime, effects, logs } = await open(store, { channels: channel });
    await runtime.ingest([cart("p1", "c1", T0, ["H1"]), cart("p2", "c2", T0, ["H2"])]);
    expect(await runtime.deleteProfile("p1")).toEqual({ deleted: true, instancesEnded: 1 });
    expect(effects.filter((e) => e.type === "ended").map((e) => [e.profileId, e.type === "ended" && e.reason])).toEqual([["p1", "deleted"]]);
    expect(logs).toContain("profile deleted");
    expect(await runtime.profile("p1")).toBeUndefined();
    await runtime.advanceTo(T0 + 5 * HOUR);
    expect(channel.messages.map((m) => [m.profileId, m.content["subject"]])).toEqual([["p2", "cart c2"]]);
    // Unknown now: nothing to delete.
    expect(await runtime.deleteProfile("p1")).toEqual({ deleted: false, instancesEnded: 0 });
    await runtime.stop();
    await store.close();
  });

  it("an event for the id afterwards starts a new profile: `reentry never` lets it in again", async () => {
    const store = makeStore();
    const channel = new MemoryChannel();
    const { runtime } = await open(store, { channels: channel });
    await runtime.ingest(cart("p1", "c1", T0, ["H1"]));
    await runtime.advanceTo(T0 + 5 * HOUR);
    await runtime.deleteProfile("p1");
    await runtime.ingest(cart("p1", "c2", T0 + 6 * HOUR, ["H2"]));
    await runtime.advanceTo(T0 + 11 * HOUR);
    expect(channel.messages.map((m) => m.content["subject"])).toEqual(["cart c1", "cart c2"]);
    // The first event, sent again, is still a duplicate: processed ids are not personal data.
    expect(await runtime.ingest(cart("p1", "c1", T0 + 12 * HOUR, ["H1"]))).toEqual({ accepted: 0, duplicates: 1 });
    await runtime.stop();
    await store.close();
  });

  it("a message still in the outbox (its channel failing) is never delivered once its profile is deleted", async () => {
    const store = makeStore();
    let up = false;
    const delivered: string[] = [];
    const flaky: ChannelAdapter = {
      async send(m) {
        if (!up) throw new Error("smtp down");
        delivered.push(`${m.profileId} ${String(m.content["subject"])}`);
      },
    };
    const { runtime } = await open(store, { channels: flaky });
    await runtime.ingest([ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p2", T0, { n: 2 })]);
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.profileId)).toEqual(["p1", "p2"]);
    expect(await runtime.deleteProfile("p1")).toEqual({ deleted: true, instancesEnded: 0 });
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.profileId)).toEqual(["p2"]);
    up = true;
    await runtime.advanceTo(T0 + 10 * MIN);
    expect(delivered).toEqual(["p2 welcome"]);
    await runtime.stop();
    await store.close();
  });

  it("a retry pass that read the outbox before the deletion hands none of the profile's messages over", async () => {
    const store = makeStore();
    let up = false;
    const delivered: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const flaky: ChannelAdapter = {
      async send(m) {
        if (!up) throw new Error("smtp down");
        // p0's message holds the retry pass (which has read p1's too) while p1 is deleted.
        if (m.profileId === "p0") {
          holding();
          await gate;
        }
        delivered.push(m.profileId);
      },
    };
    const { runtime } = await open(store, { channels: flaky });
    await runtime.ingest(["p0", "p1"].map((p, i) => ev("Ping", p, T0, { n: i })));
    up = true;
    const retrying = runtime.advanceTo(T0 + 10 * MIN);
    await held;
    // Retries run off the runtime's queue: the deletion does not wait for the pass.
    expect(await runtime.deleteProfile("p1")).toEqual({ deleted: true, instancesEnded: 0 });
    release();
    await retrying;
    expect(delivered).toEqual(["p0"]);
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    await runtime.stop();
    await store.close();
  });

  it("a message of the profile failing at the adapter as the profile is deleted is not retried: later passes find nothing to do", async () => {
    const store = makeStore();
    let up = false;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    let release!: () => void;
    const flaky: ChannelAdapter = {
      async send(m) {
        if (!up) throw new Error("smtp down");
        // The retry pass has p1's message at the adapter while p1 is deleted; then it times out.
        holding();
        await new Promise<void>((r) => (release = r));
        throw new Error(`smtp timeout ${m.profileId}`);
      },
    };
    const { runtime } = await open(store, { channels: flaky });
    await runtime.ingest(ev("Ping", "p1", T0, { n: 1 }));
    up = true;
    const retrying = runtime.advanceTo(T0 + 10 * MIN);
    await held;
    await runtime.deleteProfile("p1");
    release();
    await retrying;
    // Nothing is left to retry: no later pass reads the outbox (a failure recorded for the
    // message would have every pass read it all, for ever, looking for it).
    let reads = 0;
    const pendingEffects = store.pendingEffects.bind(store);
    store.pendingEffects = (after, limit) => (reads++, pendingEffects(after, limit));
    for (let h = 1; h <= 3; h++) await runtime.advanceTo(T0 + h * HOUR);
    expect(reads).toBe(0);
    expect(await store.deliveryFailures()).toEqual([]);
    await runtime.stop();
    await store.close();
  });

  it("its catalog signals stay anonymous: no signal names it, recommendations are unchanged, and a restart learns the same", async () => {
    const store = makeStore();
    const { runtime } = await open(store, { now: T0 + 10 * MIN });
    await runtime.ingest([
      ev("Order", "p1", T0, { orderId: "o1", items: ["H1", "S1"].map((s) => line(s)), total: 2 }, "o1"),
      ev("View", "p1", T0 + MIN, { sku: "H2", category: "hats" }, "v1"),
      ev("Order", "p2", T0 + 2 * MIN, { orderId: "o2", items: ["H1"].map((s) => line(s)), total: 1 }, "o2"),
    ]);
    const engine = () => runtime.catalog as IncrementalCatalogEngine;
    const now = T0 + 10 * MIN;
    const ask = (e: IncrementalCatalogEngine) => ({
      popular: e.rank({ algorithm: "popular", args: [], named: {}, profileId: "p3", now }),
      boughtTogether: e.rank({ algorithm: "boughtTogether", args: ["H1"], named: {}, profileId: "p3", now }),
    });
    const before = ask(engine());
    expect(before.boughtTogether).toEqual(["S1"]);
    expect([...engine().profileKeys("p1", "purchase", now)].sort()).toEqual(["H1", "S1"]);

    await runtime.deleteProfile("p1");
    expect(ask(engine())).toEqual(before);
    expect([...engine().profileKeys("p1", "purchase", now)]).toEqual([]);
    expect([...engine().profileKeys("p1", "view", now)]).toEqual([]);
    const signals = await storedSignals(store);
    expect(signals).toHaveLength(3);
    expect(signals.some((s) => s.profileId === "p1" || s.eventId === "o1" || s.eventId === "v1")).toBe(false);
    const alias = signals[0]!.profileId;
    expect(alias).toMatch(/^erased:[0-9a-f-]{36}$/);
    expect(signals.map((s) => [s.profileId === alias ? "alias" : s.profileId, s.eventId.replace(alias, "alias")])).toEqual([
      ["alias", "alias:1"],
      ["alias", "alias:2"],
      ["p2", "o2"],
    ]);
    await runtime.stop();

    if (store instanceof SqliteStore) {
      await store.close();
      const again = new SqliteStore(store.path);
      const reopened = await open(again, { now });
      expect(ask(reopened.runtime.catalog as IncrementalCatalogEngine)).toEqual(before);
      expect(await reopened.runtime.profile("p1")).toBeUndefined();
      expect([...(reopened.runtime.catalog as IncrementalCatalogEngine).profileKeys("p1", "purchase", now)]).toEqual([]);
      await reopened.runtime.stop();
      await again.close();
    } else await store.close();
  });
});

describe("deleteProfile's mistakes", () => {
  it("before start(), and an id that is not a non-empty string", async () => {
    const runtime = createRuntime({ ir, clock: new VirtualClock(T0) });
    await expect(runtime.deleteProfile("p1")).rejects.toThrow("deleteProfile before start()");
    await runtime.start();
    for (const id of ["", 42, null]) await expect(runtime.deleteProfile(id as string)).rejects.toThrow(InvalidInputError);
    await runtime.stop();
  });
});
