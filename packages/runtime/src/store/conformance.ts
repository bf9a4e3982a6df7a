/**
 * The store conformance suite: what every `Store` must do, as vitest tests. A store's test
 * file calls `storeConformance(...)` once; the memory store, the SQLite store (and later
 * PostgreSQL) all run this same suite.
 *
 * Test support living in `src/` (so a store in another package can run it): it imports vitest,
 * a root devDependency, and is never imported by `index.ts`, so the runtime's public entry
 * point never loads vitest (and the package's `exports` map hides `dist/store/conformance.js`).
 */
import type { IRJourney } from "@journey/ir";
import { afterEach, describe, expect, it } from "vitest";
import { DISPATCHED, newProfileState, type Effect, type ProfileState } from "../engine/state.js";
import type { Signal } from "../recs/provider.js";
import { emptyBatch, type CommitBatch, type InstanceCount, type InstanceCountChange, type Store, type StoredItem } from "./store.js";

export interface ConformanceOptions {
  /**
   * Titles of tests this store is known to fail. They run as `it.fails`: the run stays green,
   * the failure stays visible, and once the store is fixed the test fails until it is removed
   * from this list.
   */
  knownFailures?: string[];
}

/** Titles of the tests, for `knownFailures`. */
export const CONFORMANCE = {
  atomicity: "atomicity: a commit that throws midway leaves nothing of its batch visible",
  concurrentAtomicity: "concurrent commits: each succeeds or fails on its own",
} as const;

// ── fixtures ─────────────────────────────────────────────────────────────────────────────

export function profileFixture(id: string, n = 0): ProfileState {
  const s = newProfileState(id, { email: `${id}@example.com`, n, tags: ["a", "b"], address: { city: "Lyon" } }, 500);
  s.instances["welcome"] = {
    id: `welcome:${id}:1`,
    journey: "welcome",
    version: "v1",
    startedAt: 1000,
    node: "n2",
    wait: { kind: "timer", due: 5000 + n },
    vars: { signup: { plan: "pro" }, n },
    loops: {},
    goals: [],
  };
  s.history["welcome"] = { entries: 1 };
  s.audiences = ["all"];
  s.schedules = { weekly: 9000 };
  s.sends = { email: [1000] };
  return s;
}

export function sendFixture(key: string, profileId = "p1"): Effect {
  return { type: "send", key, at: 1000, profileId, journey: "welcome", channel: "email", to: `${profileId}@example.com`, template: "hello", content: { subject: `hi ${key}` } };
}

/** One effect of every kind that is not dispatched: the outbox must never hold these. */
export function recordFixtures(profileId = "p1"): Effect[] {
  const base = { at: 1000, profileId, journey: "welcome" };
  return [
    { ...base, key: "r:entered", type: "entered" },
    { ...base, key: "r:suppressed", type: "suppressed", channel: "email", reason: "cap" },
    { ...base, key: "r:call", type: "call", action: "crm", ok: true },
    { ...base, key: "r:recommend", type: "recommend", name: "picks", items: [] },
    { ...base, key: "r:split", type: "split", experiment: "subject", arm: "A" },
    { ...base, key: "r:goal", type: "goal", goal: "bought", afterMs: 5, arms: { subject: "A" } },
    { ...base, key: "r:profile", type: "profile", set: { n: 1 } },
    { ...base, key: "r:ended", type: "ended", reason: "end" },
    { ...base, key: "r:error", type: "error", message: "boom" },
  ];
}

function requestFixtures(profileId = "p1"): Effect[] {
  return [
    {
      type: "callRequest",
      key: "q:call",
      at: 1000,
      profileId,
      request: { action: "crm", args: { id: profileId }, method: "POST", url: "https://crm.example.com", headers: {}, body: { id: profileId }, timeoutMs: 1000, retries: 2 },
    },
    {
      type: "recommendRequest",
      key: "q:recommend",
      at: 1000,
      profileId,
      request: { algorithm: { name: "trending", args: [], named: {} }, exclude: ["purchased"], limit: 3, timeZone: "UTC" },
    },
  ];
}

export function signalFixture(n: number, at = 1000 + n, profileId = "p1"): Signal {
  return { profileId, kind: (["view", "cart", "purchase"] as const)[n % 3]!, keys: n % 2 ? [`k${n}`] : [`k${n}`, "shared", `k${n + 1}`], at, eventId: `e${n}` };
}

/** Every stored signal, page by page. */
async function allSignals(s: Store, page = 1000): Promise<Signal[]> {
  const out: Signal[] = [];
  for (let after = 0; ; ) {
    const r = await s.loadSignals(after, page);
    out.push(...r.signals);
    if (r.signals.length < page) return out;
    after = r.next;
  }
}

export function itemFixture(key: string, price = 10): StoredItem {
  return { key, item: { sku: key, name: `Item ${key}`, price, tags: ["new", "sale"], stock: { warehouse: "Lyon", units: 3 }, discontinued: null } };
}

/** Every stored item, page by page. */
async function allItems(s: Store, page = 1000): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  for (let after: string | undefined; ; ) {
    const items = await s.loadItems(after, page);
    out.push(...items);
    if (items.length < page) return out;
    after = items[items.length - 1]!.key;
  }
}

export function journeyFixture(id: string, version: string): IRJourney {
  return { id, version, trigger: null, reentry: { mode: "never" }, exits: [], goals: [], entry: "n1", nodes: { n1: { kind: "end" } } };
}

/** A change of the instances at (journey, version, node), for `CommitBatch.instances`. */
function moved(journey: string, version: string, node: string, change: number): InstanceCountChange {
  return { journey, version, node, change };
}

function counted(journey: string, version: string, node: string, count: number): InstanceCount {
  return { journey, version, node, count };
}

function batch(parts: Partial<CommitBatch>): CommitBatch {
  return { ...emptyBatch(), ...parts };
}

// ── the suite ────────────────────────────────────────────────────────────────────────────

/**
 * Registers the conformance tests for one store. `make` returns a new, empty store for each
 * test; `reopen`, when given, closes a store and opens it again on the same data (a file, a
 * database), to check durability.
 */
export function storeConformance(name: string, make: () => Promise<Store> | Store, reopen?: (store: Store) => Promise<Store>, options: ConformanceOptions = {}): void {
  const known = new Set(options.knownFailures ?? []);
  const test = (title: string, fn: () => Promise<void>) => (known.has(title) ? it.fails : it)(title, fn);

  describe(`Store conformance: ${name}`, () => {
    let open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const s = await make();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open) await s.close().catch(() => undefined);
      open = [];
    });

    describe("profiles", () => {
      test("loading a missing profile gives undefined", async () => {
        const s = await fresh();
        expect(await s.loadProfile("nobody")).toBeUndefined();
      });

      test("a committed profile loads equal but not identical", async () => {
        const s = await fresh();
        const p = profileFixture("p1");
        await s.commit(batch({ profiles: [p] }));
        const loaded = await s.loadProfile("p1");
        expect(loaded).toEqual(p);
        expect(loaded).not.toBe(p);
        expect(await s.loadProfile("p2")).toBeUndefined();
      });

      test("a profile viewed is the committed one; a profile loaded after it is still the caller's own", async () => {
        const s = await fresh();
        await s.commit(batch({ profiles: [profileFixture("p1")] }));
        expect(await s.viewProfile("p1")).toEqual(profileFixture("p1"));
        expect(await s.viewProfile("p2")).toBeUndefined();
        const loaded = (await s.loadProfile("p1"))!;
        loaded.instances["welcome"]!.vars["n"] = 99;
        expect(await s.viewProfile("p1")).toEqual(profileFixture("p1"));
      });

      // "The caller owns the returned state" (Store.loadProfile). The engine changes a state's
      // containers (instances, vars, loops, goals, history, audiences, schedules, sends) and
      // replaces data values (attributes, event data, results) rather than changing them in
      // place, so that is what is checked: a store may share immutable values.
      test("mutating a loaded copy does not change the store", async () => {
        const s = await fresh();
        const p = profileFixture("p1");
        await s.commit(batch({ profiles: [p] }));
        const first = (await s.loadProfile("p1"))!;
        const i = first.instances["welcome"]!;
        i.node = "n9";
        i.wait = { kind: "timer", due: 1 };
        i.vars["n"] = 99;
        i.goals!.push("g");
        i.loops!["n3"] = { done: 1, count: 2, since: 0 };
        first.instances["other"] = { ...i, id: "other" };
        first.attributes = { replaced: true };
        first.history["welcome"]!.entries = 7;
        first.audiences.push("vip");
        first.schedules["weekly"] = 1;
        first.sends["email"]!.push(2000);
        const again = await s.loadProfile("p1");
        expect(again).toEqual(profileFixture("p1"));
        expect(again).not.toBe(first);
        expect(again!.instances).not.toBe(first.instances);
      });

      test("a later commit replaces the whole state", async () => {
        const s = await fresh();
        await s.commit(batch({ profiles: [profileFixture("p1", 1)] }));
        const next = newProfileState("p1", { email: "new@example.com" }, 2000);
        await s.commit(batch({ profiles: [next] }));
        expect(await s.loadProfile("p1")).toEqual(next);
        // A state stored before `createdAtSeconds` was kept loads as it was.
        const { createdAtSeconds: _, ...older } = profileFixture("p2");
        await s.commit(batch({ profiles: [older] }));
        expect(await s.loadProfile("p2")).toEqual(older);
      });

      test("many profiles in one batch", async () => {
        const s = await fresh();
        const ps = Array.from({ length: 50 }, (_, i) => profileFixture(`p${i}`, i));
        await s.commit(batch({ profiles: ps }));
        for (const p of ps) expect(await s.loadProfile(p.id)).toEqual(p);
      });

      test("profileIds pages through every stored profile in id order, and only stored ones", async () => {
        const s = await fresh();
        expect(await s.profileIds(undefined, 10)).toEqual([]);
        const ids = ["b", "a", "c10", "c2", "é", "Z"];
        await s.commit(batch({ profiles: ids.slice(0, 4).map((id, i) => profileFixture(id, i)), timers: [{ profileId: "timer-only", due: 5 }] }));
        await s.commit(batch({ profiles: ids.slice(4).map((id, i) => profileFixture(id, i)) }));
        const sorted = [...ids].sort();
        const pages: string[][] = [];
        for (let after: string | undefined, page = await s.profileIds(after, 4); page.length; after = page[page.length - 1], page = await s.profileIds(after, 4)) pages.push(page);
        expect(pages).toEqual([sorted.slice(0, 4), sorted.slice(4)]);
        expect(await s.profileIds("b", 2)).toEqual(sorted.slice(sorted.indexOf("b") + 1, sorted.indexOf("b") + 3));
        expect(await s.profileIds(undefined, 0)).toEqual([]);
      });

      test("an empty batch commits and changes nothing", async () => {
        const s = await fresh();
        await s.commit(emptyBatch());
        expect(await s.nextDue()).toBeUndefined();
        expect((await s.pendingEffects(0, 10)).effects).toEqual([]);
      });
    });

    describe("timers", () => {
      test("no timers: nextDue is undefined and nothing is due", async () => {
        const s = await fresh();
        expect(await s.nextDue()).toBeUndefined();
        expect(await s.dueProfiles(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      });

      test("set, move and clear a timer", async () => {
        const s = await fresh();
        await s.commit(batch({ timers: [{ profileId: "p1", due: 500 }] }));
        expect(await s.nextDue()).toBe(500);
        expect(await s.dueProfiles(500, 10)).toEqual(["p1"]);
        expect(await s.dueProfiles(499, 10)).toEqual([]);

        await s.commit(batch({ timers: [{ profileId: "p1", due: 800 }] }));
        expect(await s.nextDue()).toBe(800);
        expect(await s.dueProfiles(500, 10)).toEqual([]);
        expect(await s.dueProfiles(800, 10)).toEqual(["p1"]);

        await s.commit(batch({ timers: [{ profileId: "p1", due: 100 }] }));
        expect(await s.nextDue()).toBe(100);

        await s.commit(batch({ timers: [{ profileId: "p1", due: null }] }));
        expect(await s.nextDue()).toBeUndefined();
        expect(await s.dueProfiles(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      });

      test("clearing a timer that does not exist is harmless", async () => {
        const s = await fresh();
        await s.commit(batch({ timers: [{ profileId: "p1", due: 300 }, { profileId: "ghost", due: null }] }));
        expect(await s.dueProfiles(1000, 10)).toEqual(["p1"]);
      });

      test("dueProfiles: due ≤ now, earliest first, ties by profile id, at most `limit`", async () => {
        const s = await fresh();
        await s.commit(
          batch({
            timers: [
              { profileId: "c", due: 200 },
              { profileId: "b", due: 100 },
              { profileId: "a", due: 200 },
              { profileId: "d", due: 50 },
              { profileId: "e", due: 1000 },
              { profileId: "b2", due: 100 },
            ],
          }),
        );
        expect(await s.dueProfiles(999, 100)).toEqual(["d", "b", "b2", "a", "c"]);
        expect(await s.dueProfiles(1000, 100)).toEqual(["d", "b", "b2", "a", "c", "e"]);
        expect(await s.dueProfiles(999, 3)).toEqual(["d", "b", "b2"]);
        expect(await s.dueProfiles(100, 100)).toEqual(["d", "b", "b2"]);
        expect(await s.dueProfiles(49, 100)).toEqual([]);
        expect(await s.dueProfiles(999, 0)).toEqual([]);
        expect(await s.dueProfiles(999, Number.MAX_SAFE_INTEGER)).toHaveLength(5);
        expect(await s.nextDue()).toBe(50);
      });

      test("timers are independent of profiles, and the last commit wins", async () => {
        const s = await fresh();
        await s.commit(batch({ profiles: [profileFixture("p1")], timers: [{ profileId: "p1", due: 10 }, { profileId: "p2", due: 20 }] }));
        await s.commit(batch({ timers: [{ profileId: "p1", due: 30 }] }));
        expect(await s.dueProfiles(100, 10)).toEqual(["p2", "p1"]);
        expect(await s.nextDue()).toBe(20);
        expect(await s.loadProfile("p2")).toBeUndefined();
      });

      test("realistic due times (epoch milliseconds)", async () => {
        const s = await fresh();
        const t = Date.UTC(2030, 0, 1, 9, 30);
        await s.commit(batch({ timers: [{ profileId: "p1", due: t }, { profileId: "p2", due: t + 1 }] }));
        expect(await s.nextDue()).toBe(t);
        expect(await s.dueProfiles(t, 10)).toEqual(["p1"]);
      });
    });

    describe("events", () => {
      test("hasEvent is true only after the commit that processed it", async () => {
        const s = await fresh();
        expect(await s.hasEvent("e1")).toBe(false);
        await s.commit(batch({ events: ["e1", "e2"] }));
        expect(await s.hasEvent("e1")).toBe(true);
        expect(await s.hasEvent("e2")).toBe(true);
        expect(await s.hasEvent("e3")).toBe(false);
      });

      test("committing an event id again is harmless", async () => {
        const s = await fresh();
        await s.commit(batch({ events: ["e1"] }));
        await s.commit(batch({ events: ["e1", "e2"] }));
        expect(await s.hasEvent("e1")).toBe(true);
        expect(await s.hasEvent("e2")).toBe(true);
      });
    });

    describe("outbox", () => {
      test("effects of dispatched kinds are pending in commit order; other kinds never", async () => {
        const s = await fresh();
        const [call, rec] = requestFixtures();
        expect(DISPATCHED.has(call!.type) && DISPATCHED.has(rec!.type)).toBe(true);
        const records = recordFixtures();
        await s.commit(batch({ effects: [records[0]!, sendFixture("k1"), records[1]!, call!, ...records.slice(2, 5)] }));
        await s.commit(batch({ effects: [sendFixture("k2"), ...records.slice(5), rec!, sendFixture("k0")] }));
        const pending = (await s.pendingEffects(0, 100)).effects;
        expect(pending.map((e) => e.key)).toEqual(["k1", "q:call", "k2", "q:recommend", "k0"]);
        expect(pending).toEqual([sendFixture("k1"), call, sendFixture("k2"), rec, sendFixture("k0")]);
        expect((await s.pendingEffects(0, 2)).effects.map((e) => e.key)).toEqual(["k1", "q:call"]);
        expect((await s.pendingEffects(0, 0)).effects).toEqual([]);
        expect((await s.pendingEffects(0, Number.MAX_SAFE_INTEGER)).effects).toHaveLength(5);
      });

      test("dispatched keys leave the outbox; order of the rest is kept", async () => {
        const s = await fresh();
        await s.commit(batch({ effects: ["k1", "k2", "k3", "k4"].map((k) => sendFixture(k)) }));
        await s.commit(batch({ dispatched: ["k1", "k3"] }));
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k2", "k4"]);
        await s.commit(batch({ dispatched: ["k4", "unknown-key"], effects: [sendFixture("k5")] }));
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k2", "k5"]);
        await s.commit(batch({ dispatched: ["k2", "k5"] }));
        expect((await s.pendingEffects(0, 10)).effects).toEqual([]);
      });

      test("a key dispatched in the same batch that creates it is never pending", async () => {
        const s = await fresh();
        await s.commit(batch({ effects: [sendFixture("k1"), sendFixture("k2")], dispatched: ["k1"] }));
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k2"]);
      });

      test("a key waiting from an earlier batch, created again and dispatched in one batch, is done", async () => {
        const s = await fresh();
        await s.commit(batch({ effects: [sendFixture("k1")] }));
        await s.commit(batch({ effects: [sendFixture("k1")], dispatched: ["k1"] }));
        expect((await s.pendingEffects(0, 10)).effects).toEqual([]);
      });

      test("many dispatches keep the outbox right", async () => {
        const s = await fresh();
        for (let i = 0; i < 1500; i++) {
          await s.commit(batch({ effects: [sendFixture(`k${i}`)], dispatched: i > 0 ? [`k${i - 1}`] : [] }));
        }
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1499"]);
      });

      test("failure records stay with their pending effect, in commit order; a later one replaces it; others are ignored", async () => {
        const s = await fresh();
        expect(await s.deliveryFailures()).toEqual([]);
        await s.commit(batch({ effects: ["k1", "k2", "k3"].map((k) => sendFixture(k)) }));
        await s.commit(batch({ failures: [{ key: "k3", attempts: 1, firstFailedAt: 500 }, { key: "k1", attempts: 0, firstFailedAt: 700 }, { key: "unknown-key", attempts: 1, firstFailedAt: 1 }] }));
        expect(await s.deliveryFailures()).toEqual([{ key: "k1", attempts: 0, firstFailedAt: 700 }, { key: "k3", attempts: 1, firstFailedAt: 500 }]);
        await s.commit(batch({ failures: [{ key: "k3", attempts: 2, firstFailedAt: 500 }] }));
        expect(await s.deliveryFailures()).toEqual([{ key: "k1", attempts: 0, firstFailedAt: 700 }, { key: "k3", attempts: 2, firstFailedAt: 500 }]);
        // A record is the store's own: changing the one given or the one read changes nothing stored.
        const given = { key: "k2", attempts: 1, firstFailedAt: 900 };
        await s.commit(batch({ failures: [given] }));
        given.attempts = 99;
        (await s.deliveryFailures())[0]!.attempts = 99;
        expect((await s.deliveryFailures()).map((f) => f.attempts)).toEqual([0, 1, 2]);
        // A failure is no effect: the outbox is unchanged.
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1", "k2", "k3"]);
      });

      test("an effect given up (undeliverable) leaves the outbox with its failure record, even with a failure in the same batch", async () => {
        const s = await fresh();
        await s.commit(batch({ effects: ["k1", "k2", "k3"].map((k) => sendFixture(k)), failures: [{ key: "k1", attempts: 1, firstFailedAt: 500 }] }));
        expect(await s.deliveryFailures()).toEqual([{ key: "k1", attempts: 1, firstFailedAt: 500 }]);
        // The runtime gives k1 up (its effect, `undelivered`, is a record: never pending) and k2's last failure comes with it.
        const undelivered: Effect = { type: "undelivered", key: "k1:undelivered", at: 2000, profileId: "p1", sendKey: "k1", channel: "email", reason: "HTTP 400", permanent: true, attempts: 2, firstFailedAt: 500 };
        await s.commit(batch({ effects: [undelivered], dispatched: ["k1", "k2"], failures: [{ key: "k1", attempts: 2, firstFailedAt: 500 }, { key: "k2", attempts: 1, firstFailedAt: 600 }] }));
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k3"]);
        expect(await s.deliveryFailures()).toEqual([]);
        // The same key committed again later is a new effect, without the old record.
        await s.commit(batch({ effects: [sendFixture("k1")] }));
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k3", "k1"]);
        expect(await s.deliveryFailures()).toEqual([]);
      });

      test("pages after a position, in commit order, reach every effect still pending, whatever is dispatched between pages", async () => {
        const s = await fresh();
        const keys = Array.from({ length: 7 }, (_, i) => `k${i + 1}`);
        await s.commit(batch({ effects: keys.slice(0, 4).map((k) => sendFixture(k)) }));
        await s.commit(batch({ effects: [...recordFixtures().slice(0, 2), ...keys.slice(4).map((k) => sendFixture(k))] }));
        const first = await s.pendingEffects(0, 3);
        expect(first.effects.map((e) => e.key)).toEqual(["k1", "k2", "k3"]);
        // Those read are dispatched (the last one, the page's position, too) and one further on.
        await s.commit(batch({ dispatched: ["k1", "k3", "k5"] }));
        const second = await s.pendingEffects(first.next, 3);
        expect(second.effects.map((e) => e.key)).toEqual(["k4", "k6", "k7"]);
        expect(second.next).toBeGreaterThan(first.next);
        const end = await s.pendingEffects(second.next, 3);
        expect(end).toEqual({ effects: [], next: second.next });
        // From the first again: those left, in order; no limit, no page.
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k2", "k4", "k6", "k7"]);
        expect(await s.pendingEffects(first.next, 0)).toEqual({ effects: [], next: first.next });
      });

      test("paging a large outbox with dispatches between pages reaches each effect once", async () => {
        const s = await fresh();
        await s.commit(batch({ effects: Array.from({ length: 2500 }, (_, i) => sendFixture(`k${i}`)) }));
        const seen: string[] = [];
        for (let after = 0; ; ) {
          const page = await s.pendingEffects(after, 1000);
          seen.push(...page.effects.map((e) => e.key));
          // Every other one read is done, as a retry pass would leave them.
          await s.commit(batch({ dispatched: page.effects.filter((_, i) => i % 2 === 0).map((e) => e.key) }));
          if (page.effects.length < 1000) break;
          after = page.next;
        }
        expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => `k${i}`));
        expect((await s.pendingEffects(0, Number.MAX_SAFE_INTEGER)).effects).toHaveLength(1250);
      });

      test("a pending effect loads equal to the committed one", async () => {
        const s = await fresh();
        const e = sendFixture("k1");
        await s.commit(batch({ effects: [e] }));
        const [loaded] = (await s.pendingEffects(0, 1)).effects;
        expect(loaded).toEqual(sendFixture("k1"));
      });
    });

    describe("signals", () => {
      test("no signals: an empty page", async () => {
        const s = await fresh();
        expect(await s.loadSignals(0, 10)).toEqual({ signals: [], next: 0 });
      });

      test("committed signals load equal, in commit order, page by page", async () => {
        const s = await fresh();
        const all = Array.from({ length: 25 }, (_, i) => signalFixture(i));
        await s.commit(batch({ signals: all.slice(0, 10), events: ["e0"] }));
        await s.commit(batch({ signals: [] }));
        await s.commit(batch({ signals: all.slice(10) }));
        expect(await allSignals(s)).toEqual(all);
        expect(await allSignals(s, 7)).toEqual(all);
        const first = await s.loadSignals(0, 3);
        expect(first.signals).toEqual(all.slice(0, 3));
        const second = await s.loadSignals(first.next, 3);
        expect(second.signals).toEqual(all.slice(3, 6));
        expect((await s.loadSignals(second.next, 0)).signals).toEqual([]);
        const last = await s.loadSignals(0, Number.MAX_SAFE_INTEGER);
        expect(last.signals).toHaveLength(25);
        expect((await s.loadSignals(last.next, 10)).signals).toEqual([]);
      });

      test("a loaded signal is the caller's: changing it does not change the store", async () => {
        const s = await fresh();
        await s.commit(batch({ signals: [signalFixture(0)] }));
        const [loaded] = (await s.loadSignals(0, 1)).signals;
        loaded!.keys.push("changed");
        expect((await s.loadSignals(0, 1)).signals).toEqual([signalFixture(0)]);
      });

      test("keys of any text round-trip: none, an empty one, one holding a NUL or a comma", async () => {
        const s = await fresh();
        const keys = [[], [""], ["", ""], ["a\u0000b"], ["a\u0000b", "c"], ["x,y", "z"], ["å 🎒"]];
        const all = keys.map((k, i) => ({ ...signalFixture(i), keys: k }));
        await s.commit(batch({ signals: all }));
        expect(await allSignals(s)).toEqual(all);
      });

      test("pruneSignalsBefore forgets the oldest signals and keeps every later one", async () => {
        const s = await fresh();
        const all = Array.from({ length: 20 }, (_, i) => signalFixture(i, 1000 + 100 * i));
        await s.commit(batch({ signals: all.slice(0, 15) }));
        await s.commit(batch({ signals: all.slice(15), pruneSignalsBefore: 1000 + 100 * 12 }));
        expect(await allSignals(s)).toEqual(all.slice(12));
        // Positions go on from where they were.
        const r = await s.loadSignals(0, 1);
        expect(r.signals).toEqual([all[12]]);
        expect((await s.loadSignals(r.next, 100)).signals).toEqual(all.slice(13));
        await s.commit(batch({ pruneSignalsBefore: Number.MAX_SAFE_INTEGER }));
        expect(await allSignals(s)).toEqual([]);
        await s.commit(batch({ signals: [signalFixture(99)] }));
        expect(await allSignals(s)).toEqual([signalFixture(99)]);
      });
    });

    describe("erasure", () => {
      test("an erased profile's state, due time and pending effects go; others stay", async () => {
        const s = await fresh();
        const [call] = requestFixtures("p1");
        await s.commit(batch({ profiles: [profileFixture("p1"), profileFixture("p2")], timers: [{ profileId: "p1", due: 100 }, { profileId: "p2", due: 200 }], events: ["e1"], effects: [sendFixture("k1", "p1"), sendFixture("k2", "p2"), call!, sendFixture("k3", "p1")] }));
        await s.commit(batch({ failures: [{ key: "k1", attempts: 1, firstFailedAt: 50 }, { key: "k2", attempts: 2, firstFailedAt: 60 }] }));
        await s.commit(batch({ erased: [{ profileId: "p1", alias: "erased:x" }] }));
        expect(await s.loadProfile("p1")).toBeUndefined();
        expect(await s.viewProfile("p1")).toBeUndefined();
        expect(await s.loadProfile("p2")).toEqual(profileFixture("p2"));
        expect(await s.dueProfiles(1000, 10)).toEqual(["p2"]);
        expect(await s.nextDue()).toBe(200);
        expect(await s.profileIds(undefined, 10)).toEqual(["p2"]);
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k2"]);
        expect(await s.deliveryFailures()).toEqual([{ key: "k2", attempts: 2, firstFailedAt: 60 }]);
        // Processed event ids stay: an event sent again is still ignored.
        expect(await s.hasEvent("e1")).toBe(true);
      });

      test("an erased profile's signals stay under the alias, each event's id replaced, in their places", async () => {
        const s = await fresh();
        const mine = (n: number, eventId: string) => ({ ...signalFixture(n, 1000 + n, "p1"), eventId });
        const theirs = signalFixture(2, 1002, "p2");
        await s.commit(batch({ signals: [mine(0, "ev-a"), theirs, mine(1, "ev-b"), mine(3, "ev-a")] }));
        await s.commit(batch({ erased: [{ profileId: "p1", alias: "erased:x" }] }));
        expect(await allSignals(s)).toEqual([
          { ...mine(0, "erased:x:1"), profileId: "erased:x" },
          theirs,
          { ...mine(1, "erased:x:2"), profileId: "erased:x" },
          { ...mine(3, "erased:x:1"), profileId: "erased:x" },
        ]);
      });

      test("erasure comes after the rest of its batch, and an unknown id changes nothing", async () => {
        const s = await fresh();
        await s.commit(batch({ profiles: [profileFixture("p1")], timers: [{ profileId: "p1", due: 100 }], effects: [sendFixture("k1", "p1")], erased: [{ profileId: "p1", alias: "erased:x" }, { profileId: "nobody", alias: "erased:y" }] }));
        expect(await s.loadProfile("p1")).toBeUndefined();
        expect(await s.nextDue()).toBeUndefined();
        expect((await s.pendingEffects(0, 10)).effects).toEqual([]);
        // The id can be used again: a new profile.
        await s.commit(batch({ profiles: [profileFixture("p1", 7)] }));
        expect(await s.loadProfile("p1")).toEqual(profileFixture("p1", 7));
      });
    });

    describe("catalog items", () => {
      test("no items: an empty page", async () => {
        const s = await fresh();
        expect(await s.loadItems(undefined, 10)).toEqual([]);
        expect(await s.removeItems(["A"])).toEqual([]);
      });

      test("saved items load equal, in key order, page by page; a key saved again is replaced", async () => {
        const s = await fresh();
        const keys = ["b", "a", "c10", "c2", "é", "Z", "a b"];
        await s.saveItems(keys.slice(0, 4).map((k) => itemFixture(k)));
        await s.saveItems([]);
        await s.saveItems(keys.slice(4).map((k) => itemFixture(k)));
        const sorted = [...keys].sort();
        expect(await allItems(s)).toEqual(sorted.map((k) => itemFixture(k)));
        expect(await allItems(s, 3)).toEqual(sorted.map((k) => itemFixture(k)));
        expect(await s.loadItems("b", 2)).toEqual(sorted.slice(sorted.indexOf("b") + 1, sorted.indexOf("b") + 3).map((k) => itemFixture(k)));
        expect(await s.loadItems(undefined, 0)).toEqual([]);
        // The last of a key given twice in one call wins; a later call replaces the item whole.
        await s.saveItems([itemFixture("a", 1), itemFixture("a", 2)]);
        await s.saveItems([{ key: "b", item: { sku: "b", name: "only these" } }]);
        const after = await allItems(s);
        expect(after.map((i) => i.key)).toEqual(sorted);
        expect(after.find((i) => i.key === "a")).toEqual(itemFixture("a", 2));
        expect(after.find((i) => i.key === "b")).toEqual({ key: "b", item: { sku: "b", name: "only these" } });
      });

      test("removeItems removes and says which keys it held, each once, in the order given", async () => {
        const s = await fresh();
        await s.saveItems(["A", "B", "C"].map((k) => itemFixture(k)));
        expect(await s.removeItems(["C", "nope", "A", "C", "A"])).toEqual(["C", "A"]);
        expect(await allItems(s)).toEqual([itemFixture("B")]);
        expect(await s.removeItems([])).toEqual([]);
        // A removed key can come back.
        await s.saveItems([itemFixture("A", 5)]);
        expect(await allItems(s)).toEqual([itemFixture("A", 5), itemFixture("B")]);
      });

      test("items are not shared: changing a saved or a loaded item does not change the store", async () => {
        const s = await fresh();
        const given = itemFixture("A");
        await s.saveItems([given]);
        (given.item["tags"] as string[]).push("changed");
        given.item["price"] = 99;
        const [loaded] = await s.loadItems(undefined, 1);
        expect(loaded).toEqual(itemFixture("A"));
        (loaded!.item["stock"] as { units: number }).units = 0;
        expect(await s.loadItems(undefined, 1)).toEqual([itemFixture("A")]);
      });

      test("JSON of any shape round-trips: unicode, nested lists, numbers, null", async () => {
        const s = await fresh();
        const item = { sku: "🎒-1", name: "Sac à dos \"Fjäll\"\n", price: 1234.5, sizes: [[1, 2], []], meta: { a: { b: null } }, ok: false };
        await s.saveItems([{ key: "🎒-1", item }]);
        expect(await allItems(s)).toEqual([{ key: "🎒-1", item }]);
      });

      test("saveItems is all or nothing: an item that cannot be stored leaves none of its call", async () => {
        const s = await fresh();
        await s.saveItems([itemFixture("A")]);
        const bad = itemFixture("B");
        Object.defineProperty(bad.item, "name", {
          enumerable: true,
          get() {
            throw new Error("injected failure");
          },
        });
        await expect(s.saveItems([itemFixture("A", 2), bad, itemFixture("C")])).rejects.toThrow(/injected failure/);
        expect(await allItems(s)).toEqual([itemFixture("A")]);
        // The store still works after the failed call.
        await s.saveItems([itemFixture("C")]);
        expect((await allItems(s)).map((i) => i.key)).toEqual(["A", "C"]);
      });

      test("items and units of work do not touch each other", async () => {
        const s = await fresh();
        await s.saveItems([itemFixture("A")]);
        await s.commit(batch({ profiles: [profileFixture("A")], events: ["A"], signals: [signalFixture(1)] }));
        expect(await s.removeItems(["A"])).toEqual(["A"]);
        expect(await s.loadProfile("A")).toEqual(profileFixture("A"));
        expect(await s.hasEvent("A")).toBe(true);
        expect(await s.loadItems(undefined, 10)).toEqual([]);
      });
    });

    describe("instance counts", () => {
      test("counts follow the commits' changes: instances that start, move to another node and end; none listed at 0", async () => {
        const s = await fresh();
        expect(await s.instanceCounts()).toEqual([]);
        await s.commit(batch({ profiles: [profileFixture("p1"), profileFixture("p2")], instances: [moved("welcome", "v1", "n2", 2), moved("cart", "c1", "wait4h", 1)] }));
        expect(await s.instanceCounts()).toEqual([counted("cart", "c1", "wait4h", 1), counted("welcome", "v1", "n2", 2)]);
        // One moves on to n3, the cart one ends; a new version's instance starts.
        await s.commit(batch({ instances: [moved("welcome", "v1", "n2", -1), moved("welcome", "v1", "n3", 1), moved("cart", "c1", "wait4h", -1), moved("welcome", "v2", "n2", 1)] }));
        expect(await s.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 1), counted("welcome", "v1", "n3", 1), counted("welcome", "v2", "n2", 1)]);
        await s.commit(batch({ instances: [moved("welcome", "v1", "n2", -1)] }));
        await s.commit(emptyBatch());
        expect(await s.instanceCounts()).toEqual([counted("welcome", "v1", "n3", 1), counted("welcome", "v2", "n2", 1)]);
      });

      test("listed in order of journey, version, node, as JavaScript compares strings", async () => {
        const s = await fresh();
        await s.commit(batch({ instances: [moved("b", "v1", "n1", 1), moved("a", "v2", "n1", 1), moved("a", "v1", "z", 1), moved("a", "v1", "Z", 1), moved("a", "v1", "é", 1)] }));
        expect((await s.instanceCounts()).map((c) => [c.journey, c.version, c.node])).toEqual([["a", "v1", "Z"], ["a", "v1", "z"], ["a", "v1", "é"], ["a", "v2", "n1"], ["b", "v1", "n1"]]);
      });

      test("an erasure's commit takes the profile's instances with it", async () => {
        const s = await fresh();
        await s.commit(batch({ profiles: [profileFixture("p1"), profileFixture("p2")], instances: [moved("welcome", "v1", "n2", 2)] }));
        await s.commit(batch({ erased: [{ profileId: "p1", alias: "erased:x" }], instances: [moved("welcome", "v1", "n2", -1)] }));
        expect(await s.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 1)]);
        expect(await s.loadProfile("p1")).toBeUndefined();
      });

      test("the caller's changes are not kept: changing them after the commit changes no count", async () => {
        const s = await fresh();
        const change = moved("welcome", "v1", "n2", 1);
        const counts = s.commit(batch({ instances: [change] }));
        change.change = 5;
        await counts;
        const listed = await s.instanceCounts();
        listed[0]!.count = 9;
        expect(await s.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 1)]);
      });
    });

    describe("versions", () => {
      test("journey versions round-trip and accumulate", async () => {
        const s = await fresh();
        expect(await s.loadVersions()).toEqual([]);
        const a1 = journeyFixture("a", "a-v1");
        const b1 = journeyFixture("b", "b-v1");
        await s.saveVersions([a1, b1]);
        expect(await s.loadVersions()).toEqual([a1, b1]);
        const a2 = journeyFixture("a", "a-v2");
        await s.saveVersions([a2, b1]);
        const all = await s.loadVersions();
        expect(all).toHaveLength(3);
        expect([...all].sort((x, y) => (x.version < y.version ? -1 : 1))).toEqual([a1, a2, b1]);
      });
    });

    describe("atomicity", () => {
      /**
       * A batch that fails midway: its third profile throws when the store reads its id (an
       * injected failure any store meets, whether it serialises, copies or keeps the state).
       */
      function poisoned(): CommitBatch {
        const bad = profileFixture("p-bad");
        Object.defineProperty(bad, "id", {
          enumerable: true,
          get() {
            throw new Error("injected failure");
          },
        });
        return batch({
          profiles: [profileFixture("p1", 2), profileFixture("p-new"), bad],
          timers: [{ profileId: "p1", due: 1 }, { profileId: "p-new", due: 2 }],
          events: ["e-poisoned"],
          effects: [sendFixture("k-poisoned")],
          dispatched: ["k-before"],
          failures: [{ key: "k-before", attempts: 3, firstFailedAt: 100 }],
          signals: [signalFixture(7, 5000)],
          pruneSignalsBefore: Number.MAX_SAFE_INTEGER,
          instances: [moved("welcome", "v1", "n2", -1), moved("welcome", "v1", "n3", 3)],
        });
      }

      async function seeded(): Promise<Store> {
        const s = await fresh();
        await s.commit(batch({ profiles: [profileFixture("p1", 1)], timers: [{ profileId: "p1", due: 100 }], events: ["e0"], effects: [sendFixture("k-before")], signals: [signalFixture(0)], instances: [moved("welcome", "v1", "n2", 1)] }));
        return s;
      }

      async function expectSeedOnly(s: Store): Promise<void> {
        expect(await s.loadProfile("p1")).toEqual(profileFixture("p1", 1));
        expect(await s.loadProfile("p-new")).toBeUndefined();
        expect(await s.loadProfile("p-bad")).toBeUndefined();
        expect(await s.nextDue()).toBe(100);
        expect(await s.dueProfiles(1000, 10)).toEqual(["p1"]);
        expect(await s.hasEvent("e-poisoned")).toBe(false);
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k-before"]);
        expect(await s.deliveryFailures()).toEqual([]);
        expect(await allSignals(s)).toEqual([signalFixture(0)]);
        expect(await s.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 1)]);
      }

      test(CONFORMANCE.atomicity, async () => {
        const s = await seeded();
        await expect(s.commit(poisoned())).rejects.toThrow(/injected failure/);
        await expectSeedOnly(s);
        // The store still works after the failed commit.
        await s.commit(batch({ profiles: [profileFixture("p2")], events: ["e-after"] }));
        expect(await s.loadProfile("p2")).toEqual(profileFixture("p2"));
        expect(await s.hasEvent("e-after")).toBe(true);
      });

      test(CONFORMANCE.concurrentAtomicity, async () => {
        const s = await seeded();
        const results = await Promise.allSettled([
          s.commit(batch({ profiles: [profileFixture("q1")], events: ["e-q1"], effects: [sendFixture("k-q1")], signals: [signalFixture(1)], instances: [moved("welcome", "v1", "n2", 1)] })),
          s.commit(poisoned()),
          s.commit(batch({ profiles: [profileFixture("q2")], timers: [{ profileId: "q2", due: 5000 }], events: ["e-q2"], effects: [sendFixture("k-q2")], signals: [signalFixture(2)] })),
        ]);
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
        expect(await s.loadProfile("q1")).toEqual(profileFixture("q1"));
        expect(await s.loadProfile("q2")).toEqual(profileFixture("q2"));
        expect(await s.hasEvent("e-q1")).toBe(true);
        expect(await s.hasEvent("e-q2")).toBe(true);
        expect(await s.hasEvent("e-poisoned")).toBe(false);
        expect(await s.loadProfile("p-new")).toBeUndefined();
        expect(await s.loadProfile("p1")).toEqual(profileFixture("p1", 1));
        expect(await s.dueProfiles(Number.MAX_SAFE_INTEGER, 10)).toEqual(["p1", "q2"]);
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k-before", "k-q1", "k-q2"]);
        expect(await allSignals(s)).toEqual([signalFixture(0), signalFixture(1), signalFixture(2)]);
        expect(await s.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 2)]);
      });

      test("concurrent commits are all durable once they resolve", async () => {
        const s = await fresh();
        await Promise.all(Array.from({ length: 20 }, (_, i) => s.commit(batch({ profiles: [profileFixture(`c${i}`, i)], timers: [{ profileId: `c${i}`, due: 100 + i }], events: [`e${i}`] }))));
        for (let i = 0; i < 20; i++) {
          expect(await s.loadProfile(`c${i}`)).toEqual(profileFixture(`c${i}`, i));
          expect(await s.hasEvent(`e${i}`)).toBe(true);
        }
        expect(await s.dueProfiles(1000, 3)).toEqual(["c0", "c1", "c2"]);
      });
    });

    if (reopen) {
      describe("durability", () => {
        test("everything committed survives close and reopen", async () => {
          const s = await fresh();
          const p1 = profileFixture("p1", 1);
          const p2 = profileFixture("p2", 2);
          const [call] = requestFixtures("p2");
          await s.commit(batch({ profiles: [p1, p2], timers: [{ profileId: "p1", due: 700 }, { profileId: "p2", due: 300 }], events: ["e1", "e2"], effects: [sendFixture("k1"), ...recordFixtures(), call!, sendFixture("k2")], signals: [signalFixture(1), signalFixture(2)] }));
          await s.commit(batch({ timers: [{ profileId: "p2", due: null }], dispatched: ["k1"], failures: [{ key: "k2", attempts: 2, firstFailedAt: 800 }] }));
          const bad = profileFixture("p3");
          Object.defineProperty(bad, "id", {
            enumerable: true,
            get() {
              throw new Error("injected failure");
            },
          });
          await expect(s.commit(batch({ profiles: [profileFixture("p4"), bad], events: ["e-bad"], signals: [signalFixture(3)] }))).rejects.toThrow();
          const v = [journeyFixture("a", "a-v1"), journeyFixture("b", "b-v1")];
          await s.saveVersions(v);
          await s.saveItems(["A", "B", "C"].map((k) => itemFixture(k)));
          await s.removeItems(["B"]);

          const r = await reopen(s);
          open.push(r);
          expect(await r.loadProfile("p1")).toEqual(p1);
          expect(await r.loadProfile("p2")).toEqual(p2);
          expect(await r.loadProfile("p3")).toBeUndefined();
          expect(await r.loadProfile("p4")).toBeUndefined();
          expect(await r.nextDue()).toBe(700);
          expect(await r.dueProfiles(1000, 10)).toEqual(["p1"]);
          expect(await r.hasEvent("e1")).toBe(true);
          expect(await r.hasEvent("e-bad")).toBe(false);
          expect((await r.pendingEffects(0, 10)).effects).toEqual([call, sendFixture("k2")]);
          expect(await r.deliveryFailures()).toEqual([{ key: "k2", attempts: 2, firstFailedAt: 800 }]);
          expect(await r.loadVersions()).toEqual(v);
          expect(await allSignals(r)).toEqual([signalFixture(1), signalFixture(2)]);
          expect(await allItems(r)).toEqual([itemFixture("A"), itemFixture("C")]);

          // And it keeps working: outbox order continues after the reopened ones.
          await r.commit(batch({ effects: [sendFixture("k3")], dispatched: ["q:call"], signals: [signalFixture(4)] }));
          expect((await r.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k2", "k3"]);
          expect(await allSignals(r)).toEqual([signalFixture(1), signalFixture(2), signalFixture(4)]);
          // k2 given up (undeliverable): gone with its record, and still gone after another reopen.
          await r.commit(batch({ dispatched: ["k2"] }));
          const again = await reopen(r);
          open.push(again);
          expect((await again.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k3"]);
          expect(await again.deliveryFailures()).toEqual([]);
        });

        test("an erasure survives close and reopen", async () => {
          const s = await fresh();
          await s.commit(batch({ profiles: [profileFixture("p1"), profileFixture("p2")], timers: [{ profileId: "p1", due: 100 }], effects: [sendFixture("k1", "p1")], signals: [signalFixture(1, 1001, "p1")] }));
          await s.loadProfile("p1");
          await s.commit(batch({ erased: [{ profileId: "p1", alias: "erased:x" }] }));
          const r = await reopen(s);
          open.push(r);
          expect(await r.loadProfile("p1")).toBeUndefined();
          expect(await r.loadProfile("p2")).toEqual(profileFixture("p2"));
          expect(await r.nextDue()).toBeUndefined();
          expect((await r.pendingEffects(0, 10)).effects).toEqual([]);
          expect(await allSignals(r)).toEqual([{ ...signalFixture(1, 1001, "p1"), profileId: "erased:x", eventId: "erased:x:1" }]);
        });

        test("instance counts survive close and reopen, and go on from there", async () => {
          const s = await fresh();
          await s.commit(batch({ profiles: [profileFixture("p1"), profileFixture("p2")], instances: [moved("welcome", "v1", "n2", 2), moved("cart", "c1", "n1", 1)] }));
          await s.commit(batch({ instances: [moved("welcome", "v1", "n2", -1), moved("welcome", "v1", "n3", 1)] }));
          await s.commit(batch({ erased: [{ profileId: "p2", alias: "erased:x" }], instances: [moved("cart", "c1", "n1", -1)] }));
          const r = await reopen(s);
          open.push(r);
          expect(await r.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 1), counted("welcome", "v1", "n3", 1)]);
          await r.commit(batch({ instances: [moved("welcome", "v1", "n3", -1)] }));
          expect(await r.instanceCounts()).toEqual([counted("welcome", "v1", "n2", 1)]);
        });

        test("commits issued without awaiting are durable once close resolves", async () => {
          const s = await fresh();
          const commits = [s.commit(batch({ profiles: [profileFixture("p1")] })), s.commit(batch({ events: ["e1"] }))];
          const r = await reopen(s);
          open.push(r);
          await Promise.all(commits);
          expect(await r.loadProfile("p1")).toEqual(profileFixture("p1"));
          expect(await r.hasEvent("e1")).toBe(true);
        });
      });
    }
  });
}
