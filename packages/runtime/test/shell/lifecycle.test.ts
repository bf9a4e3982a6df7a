/**
 * The embedding API's lifecycle and its callers' mistakes: calls before `start()`, a
 * `start()` that failed, `stop()` then `start()`, callbacks that throw, arguments of the
 * wrong kind, and objects the caller goes on changing. Found in the review of December 2026.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, InvalidInputError, JsonlOutbox, MemoryChannel, MemoryStore, SqliteStore, SystemClock, VirtualClock, type Effect, type Store } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { T0, ev, withSchema } from "../engine/helpers.js";

const ir = withSchema(`
  journey J {
    on Cart as cart
    send email { subject "{{cart.cartId}}" text "x" } to profile.email
    wait 1s
    send email { subject "later {{cart.cartId}}" text "x" } to profile.email
  }
`);
const cart = (id: string, time: number) => ev("Cart", "p1", time, { cartId: id, items: [], total: 1 }, id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A promise and what settles it (Node 20 has no `Promise.withResolvers`). */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the runtime's lifecycle", () => {
  it("work before start() is refused with what to do, not run without the versions start() loads", async () => {
    const rt = createRuntime({ ir, clock: new VirtualClock(T0) });
    await expect(rt.ingest(cart("c1", T0))).rejects.toThrow("ingest before start(): call `await runtime.start()` first");
    await expect(rt.upsertProfile("p1", {})).rejects.toThrow("upsertProfile before start()");
    await expect(rt.advanceTo(T0)).rejects.toThrow("advanceTo before start()");
    await expect(rt.decide({ surfaces: [], profileId: "p1" })).rejects.toThrow("decide before start()");
    await rt.start();
    expect(await rt.ingest(cart("c1", T0))).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("a start() that failed can be called again; concurrent calls share one loading", async () => {
    const store = new MemoryStore();
    let fail = true;
    const flaky: Store = Object.assign(Object.create(store) as Store, {
      loadVersions: () => (fail ? Promise.reject(new Error("store not ready")) : store.loadVersions()),
    });
    const rt = createRuntime({ ir, store: flaky, clock: new VirtualClock(T0) });
    await expect(rt.start()).rejects.toThrow("store not ready");
    fail = false;
    await Promise.all([rt.start(), rt.start()]);
    expect(await rt.ingest(cart("c1", T0))).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("start() logs each journey the deployment brings a new version of, or adds, once; the first deployment on a store is not said", async () => {
    const store = new MemoryStore();
    const infos: string[] = [];
    const logger = { info: (_o: object, msg?: string) => void infos.push(msg ?? ""), warn() {}, error() {} };
    const deploy = async (project: typeof ir) => {
      const rt = createRuntime({ ir: project, store, clock: new VirtualClock(T0), logger });
      await rt.start();
      await rt.stop();
    };
    await deploy(ir);
    expect(infos).toEqual([]);
    const changed = withSchema(`
  journey J {
    on Cart as cart
    send email { subject "{{cart.cartId}}!" text "x" } to profile.email
  }
  journey K {
    on Cart
    end
  }
`);
    await deploy(changed);
    const v = (name: string) => changed.journeys[name]!.version.slice(0, 8);
    expect(infos).toEqual([
      `journey J: new version ${v("J")}: new instances start on it; those started before finish on the version they started on`,
      `journey K: new journey (version ${v("K")})`,
    ]);
    await deploy(changed);
    await deploy(ir);
    expect(infos).toHaveLength(2);
  });

  it("stop() then start(): the timer loop runs again and fires the timers that stayed stored", async () => {
    const channel = new MemoryChannel();
    const rt = createRuntime({ ir, clock: new SystemClock(), channels: channel });
    await rt.start();
    await rt.upsertProfile("p1", {});
    await rt.ingest(cart("c1", Date.now()));
    await rt.stop();
    await rt.start();
    await rt.start();
    for (let i = 0; i < 40 && channel.messages.length < 2; i++) await sleep(100);
    await rt.stop();
    expect(channel.messages.map((m) => m.content["subject"])).toEqual(["c1", "later c1"]);
  });

  it("stop() while start() is still loading wins: no timer loop after it, and the store is free", async () => {
    // A SIGTERM during start-up: the start that finishes after the stop must not bring the
    // runtime back (its loop would keep the process alive, on a store released to others).
    const store = new MemoryStore();
    let nextDueReads = 0;
    const counting = new Proxy(store, { get: (s, k) => (k === "nextDue" ? () => (nextDueReads++, s.nextDue()) : Reflect.get(s, k, s)) });
    const rt = createRuntime({ ir, store: counting, clock: new SystemClock() });
    const starting = rt.start();
    await rt.stop();
    await starting;
    await sleep(50);
    expect(nextDueReads).toBe(0);
    const next = createRuntime({ ir, store: counting, clock: new VirtualClock(T0) });
    await next.start();
    // And a start() after the stop starts it again.
    await next.stop();
    await rt.start();
    await sleep(50);
    expect(nextDueReads).toBeGreaterThan(0);
    await rt.stop();
  });
});

describe("stop() while start() is still at work (a SIGTERM during start-up)", () => {
  /** The deployment after `ir`: a scheduled journey, whose schedules every stored profile needs. */
  const scheduled = withSchema(`
    journey J {
      on Cart as cart
      send email { subject "{{cart.cartId}}" text "x" } to profile.email
    }
    journey Daily {
      on schedule every day at 10:00 for Everyone
      send email { subject "daily" text "x" } to profile.email
    }
  `);

  /** A store whose commits wait for `release()` once `hold` is set; `committed` counts them. */
  function gated(store: Store) {
    const gate = { hold: false, committed: 0, held: deferred(), open: deferred() };
    const wrapped = new Proxy(store, {
      get: (s, k) =>
        k === "commit"
          ? async (batch: Parameters<Store["commit"]>[0]) => {
              if (gate.hold) {
                gate.held.resolve();
                await gate.open.promise;
              }
              gate.committed++;
              return s.commit(batch);
            }
          : Reflect.get(s, k, s),
    });
    return { store: wrapped, gate };
  }

  /**
   * `profiles` profiles stored with `ir`, then a runtime of `scheduled` started on them and
   * stopped while the first commit of its loading (the schedules' re-arming) is held at the gate.
   */
  async function stoppedWhileLoading(profiles: number) {
    const memory = new MemoryStore();
    const first = createRuntime({ ir, store: memory, clock: new VirtualClock(T0) });
    await first.start();
    await first.ingest(Array.from({ length: profiles }, (_, i) => ev("Cart", `p${i + 1}`, T0, { cartId: `c${i + 1}`, items: [], total: 1 }, `c${i + 1}`)));
    await first.stop();
    const { store, gate } = gated(memory);
    gate.hold = true;
    const rt = createRuntime({ ir: scheduled, store, clock: new VirtualClock(T0 + 1000) });
    const starting = rt.start();
    await gate.held.promise;
    return { rt, store, gate, starting, stopping: rt.stop() };
  }

  it("during the recovery of a previous process's outbox: start() resolves, nothing runs on the closed store, the schedules are worked out", async () => {
    const path = join(tmpdir(), `journey-lifecycle-${process.pid}-${Date.now()}.db`);
    let store = new SqliteStore(path);
    const down = { async send() { throw new Error("smtp down"); } };
    let rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: down });
    await rt.start();
    await rt.ingest(["p1", "p2"].map((p, i) => ev("Cart", p, T0, { cartId: `c${i}`, items: [], total: 1 }, `c${i}`)));
    await rt.stop();
    await store.close();

    // The next process: the receiver hangs on the first message it recovers; the stop comes.
    store = new SqliteStore(path);
    const held = deferred();
    const answer = deferred();
    const hanging = { async send() { held.resolve(); await answer.promise; throw new Error("smtp timeout"); } };
    rt = createRuntime({ ir: scheduled, store, clock: new VirtualClock(T0 + 1000), channels: hanging });
    const starting = rt.start();
    await held.promise;
    const stopping = rt.stop();
    answer.resolve();
    await stopping;
    await store.close();
    await expect(starting).resolves.toBeUndefined();

    store = new SqliteStore(path);
    expect(await store.dueProfiles(T0 + 2 * 86_400_000, 10)).toEqual(["p1", "p2"]);
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.profileId)).toEqual(["p1", "p2"]);
    await store.close();
    rmSync(path, { force: true });
  });

  it("while it works out a new deployment's schedules: no commit after stop(), and the next start works them out for every profile", async () => {
    // More profiles than one unit of work takes.
    const { store, gate, starting, stopping } = await stoppedWhileLoading(1500);
    gate.open.resolve();
    await stopping;
    const committed = gate.committed;
    await starting;
    await sleep(10);
    expect(gate.committed).toBe(committed);

    gate.hold = false;
    const next = createRuntime({ ir: scheduled, store, clock: new VirtualClock(T0 + 2000) });
    await next.start();
    expect(await store.dueProfiles(T0 + 2 * 86_400_000, 2000)).toHaveLength(1500);
    await next.stop();
  });

  it("a start() after a stop that cut the loading short loads again, from the top", async () => {
    const { rt, store, gate, starting, stopping } = await stoppedWhileLoading(1);
    gate.hold = false;
    gate.open.resolve();
    await Promise.all([starting, stopping]);
    await rt.start();
    expect(await store.dueProfiles(T0 + 2 * 86_400_000, 10)).toEqual(["p1"]);
    expect(await rt.ingest(ev("Cart", "p2", T0 + 2000, { cartId: "c2", items: [], total: 1 }, "c2"))).toEqual({ accepted: 1, duplicates: 0 });
    await rt.stop();
  });
});

describe("stop() with decisions in flight", () => {
  const xir = withSchema(`
    type Conditions { tempC: number }
    action Weather(city: string) -> Conditions { get "https://weather.example.com/{{city}}" }
    experience Hero {
      surface "web://s/#hero"
      format text
      timeout 1s
      call Weather("Oslo") as w
      variant Warm when w.tempC > 10 { content "warm" }
      variant D { content "d" }
    }
  `);
  /** A weather action that answers after 40 ms: a decision is still in flight when the stop comes. */
  const slow = { execute: async () => (await sleep(40), { tempC: 20 }) };
  it("waits for them: what they decided is committed before stop() resolves (the store is closed after it), and goes to the sink at the next start", async () => {
    const path = join(tmpdir(), `journey-stop-deciding-${process.pid}-${Date.now()}.db`);
    const recorded: string[] = [];
    let store = new SqliteStore(path);
    let rt = createRuntime({ ir: xir, store, clock: new VirtualClock(T0), actions: slow, decisions: { record: (d) => void recorded.push(d.variant) } });
    await rt.start();
    const deciding = rt.decide({ surfaces: ["web://s/#hero"], profileId: "p1" });
    await rt.stop();
    await store.close();
    expect((await deciding)[0]).toMatchObject({ variant: "Warm" });
    // Decided after the stop came: committed, and not handed to the sink (nothing begins once stopping).
    expect(recorded).toEqual([]);
    // The next start hands it over, once: the one after does not again.
    for (let i = 0; i < 2; i++) {
      store = new SqliteStore(path);
      rt = createRuntime({ ir: xir, store, clock: new VirtualClock(T0), decisions: { record: (d) => void recorded.push(d.variant) } });
      await rt.start();
      await rt.stop();
      await store.close();
      expect(recorded).toEqual(["Warm"]);
    }
  });
  it("a decision begun after stop() was called (a request in flight while the server and the runtime stop together) is committed once it resolves, before the store closes", async () => {
    const path = join(tmpdir(), `journey-stop-late-decide-${process.pid}-${Date.now()}.db`);
    const recorded: string[] = [];
    let store = new SqliteStore(path);
    let rt = createRuntime({ ir: xir, store, clock: new VirtualClock(T0), actions: slow, decisions: { record: (d) => void recorded.push(d.variant) } });
    await rt.start();
    // As `journey serve` stops: the runtime's stop and the server's close (which waits for the request calling decide) together.
    const stopping = rt.stop();
    const request = rt.decide({ surfaces: ["web://s/#hero"], profileId: "p1" });
    await Promise.all([request, stopping]);
    await store.close();
    expect((await request)[0]).toMatchObject({ variant: "Warm" });
    store = new SqliteStore(path);
    rt = createRuntime({ ir: xir, store, clock: new VirtualClock(T0), decisions: { record: (d) => void recorded.push(d.variant) } });
    await rt.start();
    await rt.stop();
    await store.close();
    rmSync(path, { force: true });
    expect(recorded).toEqual(["Warm"]);
  });
});

describe("stop() with work queued on a virtual clock", () => {
  const cir = withSchema(`
    type Conditions { tempC: number }
    action Weather(city: string) -> Conditions { get "https://weather.example.com/{{city}}" }
    journey J {
      on Ping as ping
      exit on Stop
      call Weather("Oslo") as w
      send email { subject "warm" text "x" } to profile.email
    }
    journey T {
      on Stop
      wait 1h
      call Weather("Oslo") as w
      wait 1h
      send email { subject "later" text "x" } to profile.email
    }
  `);
  const actions = { execute: async () => ({ tempC: 20 }) };
  /** What is sent in all: a list ingested and the clock advanced, then a restart on the same store; stopped right after they are called or not. */
  async function sent(stop: boolean): Promise<{ subjects: unknown[]; refused: string[] }> {
    const store = new MemoryStore();
    const channel = new MemoryChannel();
    const refused: string[] = [];
    const list = [ev("Ping", "p1", T0, { n: 1 }, "a"), ev("Stop", "p1", T0 + 1000, { reason: "r" }, "b")];
    let rt = createRuntime({ ir: cir, store, channels: channel, clock: new VirtualClock(T0), actions });
    await rt.start();
    const ingesting = rt.ingest(list);
    if (stop) await rt.stop();
    await ingesting.catch((e: Error) => refused.push(e.message));
    await rt.start();
    // Sent again after the start, as the error says: those applied are duplicates.
    if (refused.length) await rt.ingest(list);
    const advancing = rt.advanceTo(T0 + 3 * 3_600_000);
    if (stop) await rt.stop();
    await advancing.catch((e: Error) => refused.push(e.message));
    await rt.stop();
    rt = createRuntime({ ir: cir, store, channels: channel, clock: new VirtualClock(T0 + 1000), actions });
    await rt.start();
    await rt.advanceTo(T0 + 3 * 3_600_000);
    await rt.stop();
    return { subjects: channel.messages.map((m) => m.content["subject"]), refused };
  }

  it("an ingest or advanceTo that would step on past a request the stop left unanswered stops there, saying so; sent again after start(), the outcome is the uninterrupted run's", async () => {
    const whole = await sent(false);
    expect(whole).toEqual({ subjects: ["warm", "later"], refused: [] });
    const stopped = await sent(true);
    expect(stopped.refused).toEqual([
      "ingest cut short by stop(): 1 of 2 events applied, the rest would come before the answer to a call or recommendation, which waits for the next start(); send the list again after it (the events applied are duplicates)",
      expect.stringMatching(/^advanceTo cut short by stop\(\): timers due from .* on stay stored; call it again after the next start\(\)$/),
    ]);
    expect(stopped.subjects).toEqual(whole.subjects);
  });
});

describe("callbacks that fail", () => {
  it("more failed sends than one page of the outbox: all are delivered once the channel is back, with no other traffic", async () => {
    const sendAtOnce = withSchema(`journey J { on Cart
      reentry always
      send email { subject "x" text "x" } to profile.email }`);
    let down = true;
    const delivered = new Set<string>();
    const channel = { send: async (m: { key: string }) => { if (down) throw new Error("provider down"); delivered.add(m.key); } };
    const rt = createRuntime({ ir: sendAtOnce, clock: new SystemClock(), channels: channel, logger: { info() {}, warn() {}, error() {} } });
    await rt.start();
    const now = Date.now();
    // 1,200 profiles, one send each: more than the 1,000 a retry pass reads.
    await rt.ingest(Array.from({ length: 1200 }, (_, i) => ev("Cart", `p${i}`, now, { cartId: `c${i}`, items: [], total: 1 }, `e${i}`)));
    down = false;
    for (let i = 0; i < 100 && delivered.size < 1200; i++) await sleep(100);
    await rt.stop();
    expect(delivered.size).toBe(1200);
  });

  it("an onEffect that throws is logged; the ingest, whose work is committed, still resolves and its messages go", async () => {
    const channel = new MemoryChannel();
    const logged: string[] = [];
    const logger = { info() {}, warn() {}, error: (_o: unknown, message: string) => void logged.push(message) };
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: channel, logger, onEffect: () => { throw new Error("hook bug"); } });
    await rt.start();
    expect(await rt.ingest(cart("c1", T0))).toEqual({ accepted: 1, duplicates: 0 });
    expect(channel.messages.map((m) => m.content["subject"])).toEqual(["c1"]);
    expect(logged[0]).toBe("onEffect threw; the effect itself is unaffected");
  });

  it("a decisions sink that fails: start() still succeeds, the decision stays in the outbox and the sends after it go", async () => {
    const withExperience = withSchema(`
      experience Hero { surface "web://home#hero" format text variant Default { content "hi" } }
      journey J { on Cart
        send email { subject "sent" text "x" } to profile.email }
    `);
    const store = new MemoryStore();
    const failing = { record: async () => { throw new Error("analytics down"); } };
    const channel = new MemoryChannel();
    const first = createRuntime({ ir: withExperience, store, clock: new VirtualClock(T0), channels: channel, decisions: failing });
    await first.start();
    await first.decide({ surfaces: ["web://home#hero"], profileId: "p1" });
    await first.ingest(cart("c1", T0));
    await first.stop();
    expect(channel.messages.map((m) => m.content["subject"])).toEqual(["sent"]);
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.type)).toEqual(["decision"]);
    const recorded: Effect[] = [];
    const second = createRuntime({ ir: withExperience, store, clock: new VirtualClock(T0), channels: channel, decisions: failing });
    await second.start();
    await second.stop();
    const third = createRuntime({ ir: withExperience, store, clock: new VirtualClock(T0), channels: channel, decisions: { record: async (d) => void recorded.push(d) } });
    await third.start();
    expect(recorded.map((d) => d.type)).toEqual(["decision"]);
  });
});

describe("arguments of the wrong kind", () => {
  it.each([
    [{ logger: {} }, "createRuntime: `logger` must have `info()`, `warn()`, `error()`"],
    [{ clock: 123 }, "createRuntime: `clock` must have `now()`"],
    [{ onEffect: "x" }, "createRuntime: `onEffect` must be a function"],
    [{ recommendDeadlineMs: "abc" }, "createRuntime: `recommendDeadlineMs` must be a positive number of milliseconds"],
    [{ secrets: { TOKEN: 5 } }, "createRuntime: `secrets` must be an object of strings"],
    [{ loger: console }, "createRuntime: unknown option `loger` (did you mean `logger`?)"],
    [{ channels: { sms: new MemoryChannel() } }, "createRuntime: `channels` has no adapter for `email`, which the project's journeys send on"],
  ])("createRuntime refuses %j at once, naming the option", (options, message) => {
    expect(() => createRuntime({ ir, ...(options as object) })).toThrow(new TypeError(message));
  });

  it("a JsonlOutbox in a folder that does not exist is refused when made, not at every send", () => {
    expect(() => new JsonlOutbox(join(tmpdir(), "no-such-folder-for-journey", "outbox.jsonl"))).toThrow(/^JsonlOutbox: the folder of `.*outbox\.jsonl` does not exist$/);
  });

  it("SqliteStore options that are not numbers (`maxAgeMs: \"30d\"` would turn de-duplication off)", () => {
    expect(() => new SqliteStore(":memory:", { eventRetention: { maxAgeMs: "30d" as unknown as number } })).toThrow('SqliteStore: `eventRetention.maxAgeMs` must be a number ≥ 0, not "30d"');
  });

  it("advanceTo a string or NaN is a TypeError naming what it needs", async () => {
    const rt = createRuntime({ ir, clock: new VirtualClock(T0) });
    await rt.start();
    await expect(rt.advanceTo("2026-03-03T00:00:00Z" as unknown as number)).rejects.toThrow(/^advanceTo: the time must be a number of milliseconds since 1970 .*not "2026-03-03T00:00:00Z"$/);
    await expect(rt.advanceTo(NaN)).rejects.toThrow(/not NaN$/);
    // Infinity would put the clock where no time can be written (every step after it fails),
    // and with a schedule fire timers for ever.
    await expect(rt.advanceTo(Infinity)).rejects.toThrow(/not Infinity$/);
    await expect(rt.advanceTo(8.64e15 + 1)).rejects.toThrow(/not 8640000000000001$/);
    expect(rt.clock.now()).toBe(T0);
  });

  it("advanceTo on the system clock is a TypeError (it would spin until the wall clock caught up)", async () => {
    const rt = createRuntime({ ir, clock: new SystemClock() });
    await rt.start();
    await expect(rt.advanceTo(Date.now() + 60_000)).rejects.toThrow(/^advanceTo needs a VirtualClock/);
    await rt.stop();
  });

  it("a runtime whose start() failed does not hold the store", async () => {
    const store = new MemoryStore();
    let fail = true;
    const flaky = new Proxy(store, { get: (s, k) => (k === "loadVersions" && fail ? async () => { fail = false; throw new Error("store not ready"); } : Reflect.get(s, k, s)) });
    await expect(createRuntime({ ir, store: flaky, clock: new VirtualClock(T0) }).start()).rejects.toThrow("store not ready");
    await createRuntime({ ir, store: flaky, clock: new VirtualClock(T0) }).start();
  });

  it("a second runtime on a store another runtime has not stopped is refused; after stop() it may start", async () => {
    const store = new MemoryStore();
    const first = createRuntime({ ir, store, clock: new VirtualClock(T0) });
    await first.start();
    const second = createRuntime({ ir, store, clock: new VirtualClock(T0) });
    await expect(second.start()).rejects.toThrow(/already used by another runtime/);
    await first.stop();
    await second.start();
    await expect(first.start()).rejects.toThrow(/already used by another runtime/);
  });

  it("a profile id with half of a surrogate pair is refused, in an upsert and in an event (its links could not be written)", async () => {
    const rt = createRuntime({ ir, clock: new VirtualClock(T0) });
    await rt.start();
    await expect(rt.upsertProfile("a\ud800", {})).rejects.toThrow("invalid profile id: must be well-formed Unicode text");
    await expect(rt.ingest({ ...cart("c1", T0), profileId: "\udc00b" })).rejects.toThrow("event.profileId must be well-formed Unicode text");
    // A whole pair (an emoji) is text like any other.
    await rt.upsertProfile("a\ud83c\udf92", {});
    expect(await rt.ingest({ ...cart("c2", T0), profileId: "a\ud83c\udf92" })).toEqual({ accepted: 1, duplicates: 0 });
    await rt.stop();
  });

  it("a profile id over 256 bytes is refused, in an upsert and in an event, naming the field; one stored before the bound still loads, takes events and upserts, and can be deleted", async () => {
    const store = new MemoryStore();
    const rt = createRuntime({ ir, store, clock: new VirtualClock(T0) });
    await rt.start();
    // 256 bytes of UTF-8 (128 × "é", 2 bytes each) is the most.
    await rt.upsertProfile("é".repeat(128), {});
    expect(await rt.ingest({ ...cart("c1", T0), profileId: "é".repeat(128) })).toEqual({ accepted: 1, duplicates: 0 });
    const long = `${"é".repeat(128)}x`;
    const message = "must be at most 256 bytes (UTF-8), not 257: it goes into the unsubscribe link of every message, which mail clients must be able to follow";
    const refused = (await rt.upsertProfile(long, {}).catch((e: unknown) => e)) as InvalidInputError;
    expect([refused.message, refused.errors]).toEqual([`invalid profile id: ${message}`, [{ path: "id", message }]]);
    const event = (await rt.ingest([cart("c2", T0), { ...cart("c3", T0), profileId: long }]).catch((e: unknown) => e)) as InvalidInputError;
    expect([event.message, event.errors]).toEqual([`invalid event[1]: event[1].profileId ${message}`, [{ path: "event[1].profileId", message }]]);
    expect(await store.hasEvent("c2")).toBe(false);
    // A profile a runtime without the bound stored.
    const stored = (await store.viewProfile("é".repeat(128)))!;
    await store.commit({ profiles: [{ ...structuredClone(stored), id: long }], timers: [], events: [], effects: [], dispatched: [] });
    expect((await rt.profile(long))?.id).toBe(long);
    // Its events and upserts are taken: its links went out, and an unsubscribe is an event.
    expect(await rt.ingest({ ...cart("c4", T0), profileId: long })).toEqual({ accepted: 1, duplicates: 0 });
    await rt.upsertProfile(long, { email: "long@example.com" });
    expect((await rt.profile(long))?.attributes["email"]).toBe("long@example.com");
    expect(await rt.deleteProfile(long)).toMatchObject({ deleted: true });
    // Erased, the id would make a new profile: refused again.
    await expect(rt.upsertProfile(long, {})).rejects.toThrow(message);
    expect(await rt.profile(long)).toBeUndefined();
    await rt.stop();
  });

  it("upsertProfile with an id that is not a non-empty string, or attributes that are not a record", async () => {
    const rt = createRuntime({ ir, clock: new VirtualClock(T0) });
    await rt.start();
    for (const id of ["", 42, undefined, ["a"]]) {
      const err = (await rt.upsertProfile(id as string, {}).catch((e: unknown) => e)) as InvalidInputError;
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.errors).toEqual([{ path: "id", message: "must be a non-empty string" }]);
    }
    const err = (await rt.upsertProfile("p1", null as unknown as Record<string, unknown>).catch((e: unknown) => e)) as InvalidInputError;
    expect(err.errors).toEqual([{ path: "profile", message: "expected a record, found null" }]);
  });
});

describe("objects the caller goes on changing", () => {
  it("attributes, event data and what profile() returns are the caller's: changing them later changes nothing stored", async () => {
    const rt = createRuntime({ ir, clock: new VirtualClock(T0) });
    await rt.start();
    const attributes = { email: "ana@example.com", firstName: "Ana" };
    await rt.upsertProfile("p1", attributes);
    attributes.email = "changed@example.com";
    const event = cart("c1", T0);
    await rt.ingest(event);
    event.data["cartId"] = "changed";
    const read = (await rt.profile("p1"))!;
    read.attributes["firstName"] = "changed";
    const state = (await rt.profile("p1"))!;
    expect(state.attributes).toMatchObject({ email: "ana@example.com", firstName: "Ana" });
    expect((state.instances["J"]!.vars["cart"] as { cartId: string }).cartId).toBe("c1");
  });
});
