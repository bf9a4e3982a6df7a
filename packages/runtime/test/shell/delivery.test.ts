/**
 * Deliveries that fail, through `createRuntime` on a virtual clock: a refusal for good and a
 * failure that outlasts `deliveryGiveUpAfterMs` give the message (or the decision) up
 * (`undelivered`, out of the outbox, never tried again, also after a restart on the same
 * store); a failing channel's later messages are held back rather than attempted; a retry
 * pass reaches the due deliveries past its first page of the outbox; and a retry hanging on
 * a slow receiver does not hold `ingest` back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, MemoryStore, PermanentDeliveryError, SqliteStore, VirtualClock, type ChannelAdapter, type DecisionRecord, type Effect, type OutgoingMessage, type Store } from "@journey/runtime";
import { ServerMetrics } from "@journey/runtime/server";
import { afterAll, describe, expect, it } from "vitest";
import { T0, ev, iso, withSchema } from "../engine/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "journey-delivery-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const dbPath = () => join(dir, `store-${++files}.db`);

const HOUR = 3_600_000;

const ir = withSchema(`
  channel email { from "Shop <hello@shop.example>" }
  journey J {
    on Ping as ping
    reentry always
    send email { subject "n = {{ping.n}}" text "x" } to profile.email
  }
  journey S {
    on Stop as stop
    reentry always
    send sms { text "{{stop.reason}}" } to profile.phone ?? "+4670000"
  }
`);
const ping = (n: number, t = T0, profile = "p1") => ev("Ping", profile, t, { n }, `ping-${profile}-${n}`);

/** A store a test opens again as a new process would: the same SQLite file, or the same memory store. */
const stores: [string, () => { open(): Store; close(s: Store): Promise<void> }][] = [
  [
    "memory",
    () => {
      const store = new MemoryStore();
      return { open: () => store, close: async () => {} };
    },
  ],
  [
    "SQLite",
    () => {
      const path = dbPath();
      return { open: () => new SqliteStore(path), close: (s) => s.close() };
    },
  ],
];

/** An adapter answering each message with `answer` (throw to fail), recording every attempt. */
function scripted(answer: (m: OutgoingMessage, attempt: number) => void | Promise<void>): ChannelAdapter & { attempts: OutgoingMessage[]; delivered: string[] } {
  const attempts: OutgoingMessage[] = [];
  const delivered: string[] = [];
  return {
    attempts,
    delivered,
    async send(m) {
      attempts.push(m);
      await answer(m, attempts.length);
      if (!delivered.includes(m.key)) delivered.push(m.key);
    },
  };
}

/** A logger keeping what is logged at each level. */
function logged() {
  const errors: { obj: Record<string, unknown>; msg: string }[] = [];
  const warnings: string[] = [];
  const infos: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    info: (obj: object, msg?: string) => void infos.push({ obj: obj as Record<string, unknown>, msg: msg ?? "" }),
    warn: (_o: object, msg?: string) => void warnings.push(msg ?? ""),
    error: (obj: object, msg?: string) => void errors.push({ obj: obj as Record<string, unknown>, msg: msg ?? "" }),
  };
  return { errors, warnings, infos, logger };
}

describe("messages given up", () => {
  it("a refusal for good: one attempt, an `undelivered` effect, logged once, never tried again, also after a restart", async () => {
    const path = dbPath();
    const email = scripted(() => {
      throw new PermanentDeliveryError("mail API: HTTP 422 unknown recipient");
    });
    const effects: Effect[] = [];
    const metrics = new ServerMetrics();
    const { errors, logger } = logged();
    let store = new SqliteStore(path);
    let rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: { email, sms: scripted(() => {}) }, logger, onEffect: (e) => (effects.push(e), metrics.effect(e)) });
    await rt.start();
    await rt.ingest(ping(1));
    expect(email.attempts).toHaveLength(1);
    const key = email.attempts[0]!.key;
    const undelivered = effects.filter((e) => e.type === "undelivered");
    expect(undelivered).toEqual([{ type: "undelivered", key: `${key}:undelivered`, at: T0, profileId: "p1", journey: "J", instanceId: expect.any(String), nodeId: expect.any(String), sendKey: key, channel: "email", reason: "mail API: HTTP 422 unknown recipient", permanent: true, attempts: 1, firstFailedAt: T0 }]);
    // After the send it gives up, as the timeline has it.
    expect(effects.map((e) => e.type)).toEqual(["entered", "send", "ended", "undelivered"]);
    expect(errors).toEqual([{ obj: { key, channel: "email", attempts: 1, firstFailedAt: new Date(T0).toISOString(), reason: "mail API: HTTP 422 unknown recipient" }, msg: "message undeliverable (refused for good): removed from the outbox, never tried again: mail API: HTTP 422 unknown recipient" }]);
    expect(metrics.text()).toContain('journey_messages_undeliverable_total{channel="email"} 1\n');
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    await rt.advanceTo(T0 + 48 * HOUR);
    expect(email.attempts).toHaveLength(1);
    await rt.stop();
    await store.close();

    // A new process on the same file: nothing to carry out, nothing said again.
    store = new SqliteStore(path);
    rt = createRuntime({ ir, store, clock: new VirtualClock(T0 + 48 * HOUR), channels: { email, sms: scripted(() => {}) }, logger, onEffect: (e) => void effects.push(e) });
    await rt.start();
    await rt.advanceTo(T0 + 96 * HOUR);
    await rt.stop();
    await store.close();
    expect(email.attempts).toHaveLength(1);
    expect(effects.filter((e) => e.type === "undelivered")).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it("an error of any class with `permanent: true` is a refusal for good too", async () => {
    const email = scripted(() => {
      throw Object.assign(new Error("provider: address rejected"), { permanent: true });
    });
    const effects: Effect[] = [];
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: { email, sms: scripted(() => {}) }, logger: logged().logger, onEffect: (e) => void effects.push(e) });
    await rt.start();
    await rt.ingest(ping(1));
    expect(effects.filter((e) => e.type === "undelivered").map((e) => e.type === "undelivered" && e.permanent)).toEqual([true]);
    await rt.stop();
  });

  it("a failure that lasts past deliveryGiveUpAfterMs gives the message up at the first attempt after it; the clock survives a restart", async () => {
    const path = dbPath();
    const email = scripted(() => {
      throw new Error("SMTP smtp://mail.example.com:587: connect ECONNREFUSED");
    });
    const effects: Effect[] = [];
    const { errors, logger } = logged();
    const options = { ir, channels: { email, sms: scripted(() => {}) }, logger, onEffect: (e: Effect) => void effects.push(e), deliveryGiveUpAfterMs: 10 * HOUR };
    let store = new SqliteStore(path);
    let rt = createRuntime({ ...options, store, clock: new VirtualClock(T0) });
    await rt.start();
    await rt.ingest(ping(1));
    // 2 s, then 4 s later…
    await rt.advanceTo(T0 + 2000);
    await rt.advanceTo(T0 + 6000);
    expect(email.attempts).toHaveLength(3);
    await rt.stop();
    await store.close();
    expect(effects.some((e) => e.type === "undelivered")).toBe(false);

    // Restarted 11 hours later: the first failure was at T0, so the attempt `start()` makes is the last.
    store = new SqliteStore(path);
    rt = createRuntime({ ...options, store, clock: new VirtualClock(T0 + 11 * HOUR) });
    await rt.start();
    expect(email.attempts).toHaveLength(4);
    const undelivered = effects.filter((e) => e.type === "undelivered");
    expect(undelivered).toMatchObject([{ channel: "email", permanent: false, attempts: 4, firstFailedAt: T0, at: T0 + 11 * HOUR, reason: "SMTP smtp://mail.example.com:587: connect ECONNREFUSED" }]);
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    expect(errors.at(-1)!.msg).toBe(`message undeliverable (still failing, since ${new Date(T0).toISOString()}): removed from the outbox, never tried again: SMTP smtp://mail.example.com:587: connect ECONNREFUSED`);
    await rt.advanceTo(T0 + 48 * HOUR);
    await rt.stop();
    await store.close();
    expect(email.attempts).toHaveLength(4);
  });

  it("deliveryGiveUpAfterMs must be a positive number", () => {
    expect(() => createRuntime({ ir, channels: scripted(() => {}), deliveryGiveUpAfterMs: 0 })).toThrow("createRuntime: `deliveryGiveUpAfterMs` must be a positive number of milliseconds (Infinity: never give up)");
    expect(() => createRuntime({ ir, channels: scripted(() => {}), deliveryGiveUpAfterMs: "1d" as unknown as number })).toThrow("`deliveryGiveUpAfterMs` must be a positive number");
    expect(() => createRuntime({ ir, channels: scripted(() => {}), deliveryGiveUpAfterMs: Infinity })).not.toThrow();
  });
});

describe("a failing channel", () => {
  it("an adapter's bug (a TypeError) is logged with its error, stack included, and retried as any failure", async () => {
    const email = scripted(() => {
      (undefined as unknown as { send(): void }).send();
    });
    const { errors, logger } = logged();
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: { email, sms: scripted(() => {}) }, logger });
    await rt.start();
    await rt.ingest(ping(1));
    await rt.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/^channel send failed: Cannot read properties of undefined .*; it stays in the outbox, tried again in 2 s$/);
    expect(errors[0]!.obj["err"]).toBeInstanceOf(TypeError);
    expect(errors[0]!.obj).not.toHaveProperty("error");
  });

  it("its later messages are held back, not attempted, while other channels go; its retry tries one, then the rest", async () => {
    let down = true;
    const email = scripted(() => {
      if (down) throw new Error("provider down");
    });
    const sms = scripted(() => {});
    const { errors, warnings, infos, logger } = logged();
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: { email, sms }, logger });
    await rt.start();
    await rt.ingest([ping(1, T0, "a"), ping(1, T0, "b"), ev("Stop", "a", T0, { reason: "r" }), ping(1, T0, "c")]);
    // One attempt for email: b's and c's wait; the sms went.
    expect(email.attempts.map((m) => m.profileId)).toEqual(["a"]);
    expect(sms.delivered).toHaveLength(1);
    // A later unit's email waits too: the channel is failing.
    await rt.ingest(ping(1, T0 + 500, "d"));
    expect(email.attempts).toHaveLength(1);
    // The reason and the retry's time in the line itself; the receiver's failure has no stack to show.
    expect(errors.map((e) => e.msg)).toEqual(["channel send failed: provider down; it stays in the outbox, tried again in 2 s"]);
    expect(errors[0]!.obj).toEqual({ error: "provider down", key: email.attempts[0]!.key, channel: "email", attempts: 1, retryAt: iso(T0 + 2000) });
    // The retry (2 s later) tries a again: still down, so the others wait once more, said once.
    await rt.advanceTo(T0 + 2000);
    expect(email.attempts.map((m) => m.profileId)).toEqual(["a", "a"]);
    expect(warnings).toEqual(["3 deliveries on channel `email` held back, not attempted: it is failing; they are tried when it is retried"]);
    expect(infos).toEqual([]);
    down = false;
    await rt.advanceTo(T0 + 6000);
    expect(email.attempts.map((m) => m.profileId)).toEqual(["a", "a", "a", "b", "c", "d"]);
    // The end of the outage is said once, not once per message.
    expect(infos.map((i) => i.msg)).toEqual([`channel \`email\` works again: ${email.attempts[0]!.key} went through`]);
    await rt.stop();
  });

  it("a message held back past deliveryGiveUpAfterMs is given up without an attempt of its own", async () => {
    const email = scripted(() => {
      throw new Error("provider down");
    });
    const effects: Effect[] = [];
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: { email, sms: scripted(() => {}) }, logger: logged().logger, onEffect: (e) => void effects.push(e), deliveryGiveUpAfterMs: HOUR });
    await rt.start();
    await rt.ingest([ping(1, T0, "a"), ping(1, T0, "b")]);
    await rt.advanceTo(T0 + 2 * HOUR);
    expect(email.attempts.map((m) => m.profileId)).toEqual(["a", "a"]);
    expect(effects.filter((e) => e.type === "undelivered")).toMatchObject([
      { profileId: "a", attempts: 2, reason: "provider down" },
      { profileId: "b", attempts: 0, reason: "provider down (held back: its channel kept failing)" },
    ]);
    await rt.stop();
  });
});

describe("a slow receiver", () => {
  it("stop() during a retry pass waits for the delivery in hand, hands no more over, and the rest goes at the next start", async () => {
    const path = dbPath();
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    const email = scripted(async (_m, attempt) => {
      if (attempt === 1) throw new Error("timed out");
      // The retry's first message takes its time (a receiver slow to answer 200).
      if (attempt === 2) await answered;
    });
    let store = new SqliteStore(path);
    let rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: { email, sms: scripted(() => {}) }, logger: logged().logger });
    await rt.start();
    // The first fails; the other two are held back for the channel's retry.
    await rt.ingest([ping(1), ping(2), ping(3)]);
    expect(email.attempts).toHaveLength(1);
    const retrying = rt.advanceTo(T0 + 2000);
    for (let i = 0; i < 100 && email.attempts.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(email.attempts).toHaveLength(2);
    let stopped = false;
    const stopping = rt.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await Promise.all([retrying, stopping]);
    // The one in hand went (and is recorded); the two after it were not handed over.
    expect(email.attempts).toHaveLength(2);
    expect((await store.pendingEffects(0, 10)).effects.filter((e) => e.type === "send")).toHaveLength(2);
    await store.close();

    store = new SqliteStore(path);
    rt = createRuntime({ ir, store, clock: new VirtualClock(T0 + 3000), channels: { email, sms: scripted(() => {}) }, logger: logged().logger });
    await rt.start();
    await rt.stop();
    await store.close();
    expect(email.delivered.map((k) => email.attempts.find((m) => m.key === k)!.content["subject"])).toEqual(["n = 1", "n = 2", "n = 3"]);
    expect(email.attempts).toHaveLength(4);
  });

  it("stop() while first attempts time out: once one has failed, no other channel's is begun; they go at the next start", async () => {
    const path = dbPath();
    let down = true;
    let began!: () => void;
    const first = new Promise<void>((r) => (began = r));
    const timingOut = () =>
      scripted(async () => {
        if (!down) return;
        began();
        await new Promise((r) => setTimeout(r, 200));
        throw new Error("timed out after 200 ms");
      });
    const email = timingOut();
    const sms = timingOut();
    let store = new SqliteStore(path);
    let rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: { email, sms }, logger: logged().logger });
    await rt.start();
    const ingesting = rt.ingest([ping(1), ev("Stop", "p2", T0, { reason: "r" })]);
    await first;
    await Promise.all([rt.stop(), ingesting]);
    // One timeout, not two: the sms was not begun.
    expect([email.attempts.length, sms.attempts.length]).toEqual([1, 0]);
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.type === "send" && e.channel)).toEqual(["email", "sms"]);
    await store.close();

    down = false;
    store = new SqliteStore(path);
    rt = createRuntime({ ir, store, clock: new VirtualClock(T0 + 60_000), channels: { email, sms }, logger: logged().logger });
    await rt.start();
    await rt.stop();
    await store.close();
    expect([email.delivered.length, sms.delivered.length]).toEqual([1, 1]);
  });

  it("stop() during a slow first send that goes through: no other delivery is begun, on any channel; they go at the next start", async () => {
    const path = dbPath();
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    let began!: () => void;
    const first = new Promise<void>((r) => (began = r));
    // The first message is slow and goes through; every other would take a whole timeout.
    const email = scripted(async (_m, attempt) => {
      if (attempt === 1) {
        began();
        return answered;
      }
      await new Promise((r) => setTimeout(r, 200));
      throw new Error("timed out after 200 ms");
    });
    const sms = scripted(async () => {
      await new Promise((r) => setTimeout(r, 200));
      throw new Error("timed out after 200 ms");
    });
    let store = new SqliteStore(path);
    let rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: { email, sms }, logger: logged().logger });
    await rt.start();
    const ingesting = rt.ingest([ping(1), ping(2), ev("Stop", "p2", T0, { reason: "r" })]);
    await first;
    const stopping = rt.stop();
    release();
    await Promise.all([stopping, ingesting]);
    // The one in hand went, and is recorded; nothing was begun after it.
    expect([email.attempts.length, sms.attempts.length]).toEqual([1, 0]);
    const pending = (await store.pendingEffects(0, 10)).effects.filter((e) => e.type === "send");
    expect(pending.map((e) => e.type === "send" && e.channel)).toEqual(["email", "sms"]);
    expect((await store.deliveryFailures()).map((f) => f.key)).toEqual([]);
    await store.close();

    const working = scripted(() => {});
    store = new SqliteStore(path);
    rt = createRuntime({ ir, store, clock: new VirtualClock(T0 + 1000), channels: { email: working, sms: working }, logger: logged().logger });
    await rt.start();
    await rt.stop();
    await store.close();
    expect(working.delivered.sort()).toEqual(pending.map((e) => e.key).sort());
  });

  it("a retry waiting on a receiver that does not answer holds no ingest back; released, the message goes once", async () => {
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    const email = scripted(async (_m, attempt) => {
      if (attempt === 1) throw new Error("timed out");
      // The retry hangs until the test releases it (a receiver that does not answer).
      await answered;
    });
    const sms = scripted(() => {});
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: { email, sms }, logger: logged().logger });
    await rt.start();
    await rt.ingest(ping(1));
    let retried = false;
    const retrying = rt.advanceTo(T0 + 2000).then(() => (retried = true));
    // The retry has the adapter…
    for (let i = 0; i < 100 && email.attempts.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(email.attempts).toHaveLength(2);
    // …while events go on being applied: one sending on another channel, one on the same (held back).
    expect(await rt.ingest(ev("Stop", "p2", T0 + 2000, { reason: "later" }))).toEqual({ accepted: 1, duplicates: 0 });
    expect(await rt.ingest(ping(2, T0 + 2000))).toEqual({ accepted: 1, duplicates: 0 });
    expect(sms.delivered).toHaveLength(1);
    expect(retried).toBe(false);
    release();
    await retrying;
    // The held-back one goes with the next retry, once the channel has answered.
    await rt.advanceTo(T0 + 10_000);
    await rt.stop();
    expect(email.delivered.map((k) => email.attempts.find((m) => m.key === k)!.content["subject"])).toEqual(["n = 1", "n = 2"]);
    expect(email.attempts).toHaveLength(3);
  });
});

describe.each(stores)("more deliveries due than a retry pass reads at a time (%s store)", (_, reopenable) => {
  it("a working channel's message behind a failing channel's backlog goes at its retry; the backlog goes once its channel is back, each message once", async () => {
    const store = reopenable().open();
    let emailDown = true;
    let pendingAtLast: number | undefined;
    const email = scripted(async (m) => {
      if (emailDown) throw new Error("provider down");
      // The last one is on the pass's second page: the first page's outcomes are committed by then.
      if (m.profileId === "q1000") pendingAtLast = (await store.pendingEffects(0, 10_000)).effects.length;
    });
    const sms = scripted((_m, attempt) => {
      if (attempt === 1) throw new Error("gateway timeout");
    });
    const { warnings, logger } = logged();
    const rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: { email, sms }, logger });
    await rt.start();
    // 1,001 emails, one more than a pass reads at a time: the first fails, the others are held back…
    await rt.ingest(Array.from({ length: 1001 }, (_, i) => ping(1, T0, `q${i}`)));
    // …and an sms after them, 1,002nd in the outbox, which fails once.
    await rt.ingest(ev("Stop", "a", T0, { reason: "r" }));
    expect([email.attempts.length, sms.attempts.length]).toEqual([1, 1]);
    // The retry 2 s later reaches it on its second page: it goes. Email fails again; the rest
    // of its backlog, on both pages, is held back and said once.
    await rt.advanceTo(T0 + 2000);
    expect(sms.delivered).toHaveLength(1);
    expect(email.attempts).toHaveLength(2);
    expect(warnings).toEqual(["1000 deliveries on channel `email` held back, not attempted: it is failing; they are tried when it is retried"]);
    emailDown = false;
    // Email's next retry (4 s later): all of it, in order, each message handed over once.
    await rt.advanceTo(T0 + 6000);
    const handed = email.attempts.slice(2).map((m) => m.profileId);
    expect(handed).toEqual(Array.from({ length: 1001 }, (_, i) => `q${i}`));
    expect(new Set(email.attempts.slice(2).map((m) => m.key)).size).toBe(1001);
    expect(pendingAtLast).toBe(1);
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    await rt.advanceTo(T0 + HOUR);
    expect(email.attempts).toHaveLength(1003);
    await rt.stop();
    await store.close();
  });
});

describe.each(stores)("a backlog left in the outbox at start, more than a page (%s store)", (_, reopenable) => {
  it("a channel still down costs one attempt for the whole backlog; once it is back, every message goes once, in order; never read whole", async () => {
    const at = reopenable();
    let down = true;
    const email = scripted(() => {
      if (down) throw new Error("provider down");
    });
    const limits: number[] = [];
    /** The store, its outbox reads recorded. */
    const watched = (s: Store): Store => new Proxy(s, { get: (t, k) => (k === "pendingEffects" ? (after: number, limit: number) => (limits.push(limit), t.pendingEffects(after, limit)) : Reflect.get(t, k, t)) });
    const run = async (t: number) => {
      const store = at.open();
      const rt = createRuntime({ ir, store: watched(store), clock: new VirtualClock(t), channels: { email, sms: scripted(() => {}) }, logger: logged().logger });
      await rt.start();
      return { rt, store };
    };
    let { rt, store } = await run(T0);
    await rt.ingest(Array.from({ length: 1001 }, (_, i) => ping(1, T0, `q${i}`)));
    await rt.stop();
    await at.close(store);
    expect(email.attempts).toHaveLength(1);

    // A new process, the provider still down: one attempt, the other 1,000 held back across both pages.
    ({ rt, store } = await run(T0 + HOUR));
    expect(email.attempts).toHaveLength(2);
    await rt.stop();
    await at.close(store);

    down = false;
    ({ rt, store } = await run(T0 + 2 * HOUR));
    expect(email.attempts.slice(2).map((m) => m.profileId)).toEqual(Array.from({ length: 1001 }, (_, i) => `q${i}`));
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    await rt.stop();
    await at.close(store);
    expect(Math.max(...limits)).toBeLessThanOrEqual(1000);
  });
});

describe.each(stores)("decisions the sink refuses (%s store)", (_, reopenable) => {
  const HERO = "web://shop.example.com/#hero";
  const withHero = withSchema(`experience Hero { surface "${HERO}" format text variant Default { content "hi" } }`);

  it("one still failing deliveryGiveUpAfterMs after its first failure is given up, as a message is; its count and clock survive a restart", async () => {
    const { open, close } = reopenable();
    const attempts: string[] = [];
    const decisions = {
      record: async (d: DecisionRecord) => {
        attempts.push(d.key);
        throw new Error("analytics: HTTP 503");
      },
    };
    const effects: Effect[] = [];
    const metrics = new ServerMetrics();
    const { errors, logger } = logged();
    const options = { ir: withHero, decisions, logger, onEffect: (e: Effect) => (effects.push(e), metrics.effect(e)), deliveryGiveUpAfterMs: 10 * HOUR };
    let store = open();
    let rt = createRuntime({ ...options, store, clock: new VirtualClock(T0) });
    await rt.start();
    const [d] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    const key = d!.content !== null ? d!.decisionId : "";
    await rt.ingest([]);
    await rt.advanceTo(T0 + 2000);
    await rt.advanceTo(T0 + 6000);
    expect(attempts).toEqual([key, key, key]);
    await rt.stop();
    await close(store);
    expect(effects.some((e) => e.type === "undelivered")).toBe(false);

    // Started 11 hours later: the first failure was at T0, so the attempt `start()` makes is the last.
    store = open();
    rt = createRuntime({ ...options, store, clock: new VirtualClock(T0 + 11 * HOUR) });
    await rt.start();
    expect(attempts).toHaveLength(4);
    expect(effects.filter((e) => e.type === "undelivered")).toEqual([
      { type: "undelivered", key: `${key}:undelivered`, at: T0 + 11 * HOUR, profileId: "p1", journey: "Hero", decisionKey: key, surface: HERO, experience: "Hero", reason: "analytics: HTTP 503", permanent: false, attempts: 4, firstFailedAt: T0 },
    ]);
    expect(errors.at(-1)).toEqual({
      obj: { key, surface: HERO, experience: "Hero", attempts: 4, firstFailedAt: iso(T0), reason: "analytics: HTTP 503" },
      msg: `decision undeliverable to the decisions sink (still failing, since ${iso(T0)}): removed from the outbox, never tried again: analytics: HTTP 503`,
    });
    // Counted apart from messages: a decision has no channel.
    expect(metrics.text()).toContain("\njourney_decisions_undeliverable_total 1\n");
    expect(metrics.text()).not.toContain("journey_messages_undeliverable_total{");
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    await rt.advanceTo(T0 + 48 * HOUR);
    await rt.stop();
    await close(store);
    expect(attempts).toHaveLength(4);
  });

  it("a PermanentDeliveryError from the sink gives the decision up at once; the decisions after it go", async () => {
    const store = reopenable().open();
    const accepted: string[] = [];
    let calls = 0;
    const decisions = {
      record: async (d: DecisionRecord) => {
        if (++calls === 1) throw new PermanentDeliveryError("analytics: the event schema refuses it");
        accepted.push(d.key);
      },
    };
    const effects: Effect[] = [];
    const rt = createRuntime({ ir: withHero, store, decisions, clock: new VirtualClock(T0), logger: logged().logger, onEffect: (e) => void effects.push(e) });
    await rt.start();
    const keys: string[] = [];
    for (const profileId of ["p1", "p2"]) {
      const [d] = await rt.decide({ surfaces: [HERO], profileId });
      keys.push(d!.content !== null ? d!.decisionId : "");
      await rt.ingest([]);
    }
    expect(effects.filter((e) => e.type === "undelivered")).toMatchObject([{ decisionKey: keys[0], permanent: true, attempts: 1, reason: "analytics: the event schema refuses it" }]);
    expect(accepted).toEqual([keys[1]]);
    await rt.advanceTo(T0 + 48 * HOUR);
    await rt.stop();
    expect(calls).toBe(2);
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
    await store.close();
  });
});
