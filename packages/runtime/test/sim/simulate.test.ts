/** The shell on a virtual clock: redeploys, duplicates, invalid input, defaults, deterministic keys. */
import { createRuntime, InvalidInputError, MemoryChannel, MemoryStore, simulate, VirtualClock, type Effect, type EventEnvelope } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MIN, T0, ev, iso, ofType, sim, withSchema, instanceId } from "../engine/helpers.js";

describe("a journey redeployed while instances wait", () => {
  const v1 = withSchema(`
    journey J {
      on Ping
      reentry always
      wait 1d
      send email { subject "v1" text "x" } to profile.email
    }
    journey Gone {
      on Ping
      wait 1d
      send email { subject "gone" text "x" } to profile.email
    }
  `);
  const v2 = withSchema(`
    journey J {
      on Ping
      reentry always
      wait 2h
      send email { subject "v2" text "x" } to profile.email
    }
  `);

  it("a waiting instance finishes on its old version; new instances start on the new version", async () => {
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const channel = new MemoryChannel();
    const timeline: Effect[] = [];
    const deploy = (ir: typeof v1) => createRuntime({ ir, store, clock, channels: channel, onEffect: (e) => timeline.push(e) });

    const rt1 = deploy(v1);
    await rt1.start();
    await rt1.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt1.stop();
    const waiting = await store.loadProfile("p1");
    expect(waiting?.instances["J"]?.version).toBe(v1.journeys["J"]!.version);
    expect(v2.journeys["J"]!.version).not.toBe(v1.journeys["J"]!.version);

    const rt2 = deploy(v2);
    await rt2.start();
    clock.set(T0 + HOUR);
    await rt2.ingest(ev("Ping", "p2", T0 + HOUR, { n: 1 }));
    // p1 is still live on v1: its Ping is ignored (one live instance), whatever the version.
    await rt2.ingest(ev("Ping", "p1", T0 + HOUR, { n: 2 }));
    await rt2.advanceTo(T0 + 3 * DAY);
    await rt2.stop();

    const sends = ofType(timeline, "send").map((s) => `${iso(s.at)} ${s.profileId} ${s.journey} ${s.content["subject"]}`);
    expect(sends.sort()).toEqual([`${iso(T0 + 3 * HOUR)} p2 J v2`, `${iso(T0 + DAY)} p1 Gone gone`, `${iso(T0 + DAY)} p1 J v1`]);
    expect(ofType(timeline, "error")).toEqual([]);
    // A journey removed by the redeploy starts no new instance.
    expect(ofType(timeline, "entered", "Gone")).toHaveLength(1);
  });

  it("after the redeploy, a profile whose old instance ended re-enters on the new version", async () => {
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const timeline: Effect[] = [];
    const rt1 = createRuntime({ ir: v1, store, clock, onEffect: (e) => timeline.push(e) });
    await rt1.start();
    await rt1.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt1.stop();
    const rt2 = createRuntime({ ir: v2, store, clock, onEffect: (e) => timeline.push(e) });
    await rt2.start();
    await rt2.advanceTo(T0 + DAY);
    clock.set(T0 + DAY + MIN);
    await rt2.ingest(ev("Ping", "p1", T0 + DAY + MIN, { n: 2 }));
    await rt2.advanceTo(T0 + 2 * DAY);
    expect(ofType(timeline, "send", "J").map((s) => s.content["subject"])).toEqual(["v1", "v2"]);
    expect(ofType(timeline, "entered", "J").map((e) => e.instanceId)).toEqual([instanceId("J", "p1", 1, T0), instanceId("J", "p1", 2, T0 + DAY + MIN)]);
  });
});

describe("ingest", () => {
  const ir = withSchema(`
    journey J {
      on Cart as cart
      reentry always
      send email { subject "{{cart.cartId}}" text "x" } to profile.email
    }
  `);
  const setup = async () => {
    const clock = new VirtualClock(T0);
    const store = new MemoryStore();
    const timeline: Effect[] = [];
    const runtime = createRuntime({ ir, store, clock, onEffect: (e) => timeline.push(e) });
    await runtime.start();
    return { runtime, store, timeline };
  };
  const cart = (id: string, data: Record<string, unknown> = { cartId: "c1", items: [], total: 5 }) => ev("Cart", "p1", T0, data, id);

  it("acknowledges a repeated event id and ignores it (in one batch and across calls)", async () => {
    const { runtime, timeline } = await setup();
    expect(await runtime.ingest([cart("e1"), cart("e1"), cart("e2")])).toEqual({ accepted: 2, duplicates: 1 });
    expect(await runtime.ingest(cart("e1"))).toEqual({ accepted: 0, duplicates: 1 });
    expect(await runtime.ingest([cart("e2"), cart("e3")])).toEqual({ accepted: 1, duplicates: 1 });
    expect(ofType(timeline, "entered")).toHaveLength(3);
    await runtime.stop();
  });

  it("rejects an invalid event with the path of the offending field, and changes nothing", async () => {
    const { runtime, store, timeline } = await setup();
    const bad = cart("e2", { cartId: "c2", items: [{ sku: "W1", name: "Hat", price: "cheap", category: "hats" }], total: 5 });
    const err = await runtime.ingest([cart("e1"), bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).errors).toEqual([{ path: "event[1].data.items[0].price", message: 'expected number, found the string "cheap"' }]);
    expect((err as Error).message).toContain("event[1].data.items[0].price");
    expect((err as InvalidInputError).index).toBe(1);
    // Nothing happened: not the valid event either.
    expect(timeline).toEqual([]);
    expect(await store.loadProfile("p1")).toBeUndefined();
    expect(await store.hasEvent("e1")).toBe(false);
    expect(await runtime.ingest(cart("e1"))).toEqual({ accepted: 1, duplicates: 0 });
    await runtime.stop();
  });

  it("names missing, null and undeclared fields, and envelope fields", async () => {
    const { runtime } = await setup();
    const errorsOf = async (e: unknown) => ((await runtime.ingest(e as never).catch((x: unknown) => x)) as InvalidInputError).errors;
    expect(await errorsOf(cart("m", { items: [], total: 5 }))).toEqual([{ path: "event.data.cartId", message: "is missing" }]);
    expect(await errorsOf(cart("n", { cartId: null, items: [], total: 5 }))).toEqual([{ path: "event.data.cartId", message: "must not be null" }]);
    expect(await errorsOf(cart("x", { cartId: "c", items: [], total: 5, extra: 1 }))).toEqual([{ path: "event.data.extra", message: "is not a declared field" }]);
    expect((await errorsOf({ ...cart("t"), time: "not a time" }))[0]!.path).toBe("event.time");
    expect((await errorsOf({ ...cart("p"), profileId: "" }))[0]!.path).toBe("event.profileId");
    await runtime.stop();
  });

  it("a datetime must carry a zone", async () => {
    const ir2 = withSchema(`event Booked { at: datetime }`);
    const runtime = createRuntime({ ir: ir2, clock: new VirtualClock(T0) });
    await runtime.start();
    const err = (await runtime.ingest(ev("Booked", "p1", T0, { at: "2026-01-05T10:00" })).catch((e: unknown) => e)) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.errors[0]!.path).toBe("event.data.at");
    expect(await runtime.ingest(ev("Booked", "p1", T0, { at: "2026-01-05T10:00:00+01:00" }))).toEqual({ accepted: 1, duplicates: 0 });
    await runtime.stop();
  });

  it("rejects an unknown event type", async () => {
    const { runtime, timeline } = await setup();
    const err = (await runtime.ingest(ev("Nope", "p1", T0, {}, "u1")).catch((e: unknown) => e)) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.errors[0]!.path).toBe("event.type");
    expect(err.message).toContain("`Nope` is not a declared event");
    expect(timeline).toEqual([]);
    await runtime.stop();
  });

  it("a misspelled event type names the declared one it most likely means", async () => {
    const { runtime } = await setup();
    const err = (await runtime.ingest(ev("Crat", "p1", T0, {}, "u-typo")).catch((e: unknown) => e)) as InvalidInputError;
    expect(err.errors).toEqual([{ path: "event.type", message: "`Crat` is not a declared event (did you mean `Cart`?)" }]);
    await runtime.stop();
  });

  it("an invalid event is refused with every wrong field of its envelope and its data, not the first alone", async () => {
    const { runtime, timeline } = await setup();
    const bad = { id: "", type: "Cart", profileId: "p1", time: "yesterday", data: { cartId: 1, items: [], total: 5 } } as unknown as EventEnvelope;
    const err = (await runtime.ingest([cart("ok"), bad]).catch((e: unknown) => e)) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.index).toBe(1);
    expect(err.errors.map((e) => e.path)).toEqual(["event[1].id", "event[1].time", "event[1].data.cartId"]);
    expect(err.message).toBe("invalid event[1]: event[1].id must be a non-empty string");
    expect(timeline).toEqual([]);
    await runtime.stop();
  });

  it("an event type named like a member of every object is not declared", async () => {
    const { runtime } = await setup();
    for (const type of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const err = (await runtime.ingest(ev(type, "p1", T0, {}, `u-${type}`)).catch((e: unknown) => e)) as InvalidInputError;
      expect(err, type).toBeInstanceOf(InvalidInputError);
      expect(err.errors[0]).toEqual({ path: "event.type", message: `\`${type}\` is not a declared event` });
    }
    await runtime.stop();
  });

  it("an event's time is an instant with a zone, not whatever Date.parse accepts", async () => {
    const { runtime, timeline } = await setup();
    for (const time of ["1", "2026", "March 2, 2026", "2026-03-02", "2026-03-02T10:15:00", "2026-03-02 10:15:00Z", "2026-02-30T10:00:00Z"]) {
      const err = (await runtime.ingest({ ...cart(`t-${time}`), time }).catch((e: unknown) => e)) as InvalidInputError;
      expect(err, time).toBeInstanceOf(InvalidInputError);
      expect(err.errors[0], time).toEqual({ path: "event.time", message: "must be an ISO-8601 instant with a zone, such as 2026-03-02T10:15:00Z" });
    }
    expect(timeline).toEqual([]);
    expect(await runtime.ingest({ ...cart("ok"), time: "2026-01-05T10:15+01:00" })).toEqual({ accepted: 1, duplicates: 0 });
    await runtime.stop();
  });
});

describe("profiles", () => {
  const ir = withSchema(`
    journey J {
      on Ping
      send email { subject "{{profile.timezone}} {{profile.tier}} {{profile.points}} [{{profile.firstName}}]" text "x" } to profile.email
    }
  `);

  it("defaults are applied to upserted profiles and absent optionals are null", async () => {
    const { timeline, runtime } = await sim({ ir, profiles: [{ id: "p1", email: "a@example.com" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect((await runtime.profile("p1"))?.attributes).toEqual({
      email: "a@example.com",
      firstName: null,
      phone: null,
      timezone: "UTC",
      tier: "bronze",
      points: 0,
      flag: false,
      lastOrderAt: null,
    });
    expect(ofType(timeline, "send")[0]!.content["subject"]).toBe("UTC bronze 0 []");
  });

  it("a profile first seen in an event starts with the defaults", async () => {
    const { timeline } = await sim({ ir, events: [ev("Ping", "new", T0, { n: 1 })] });
    expect(ofType(timeline, "send").map((s) => [s.to, s.content["subject"]])).toEqual([["p@example.com", "UTC bronze 0 []"]]);
  });

  it("an invalid profile is rejected with the path of the field", async () => {
    const runtime = createRuntime({ ir, clock: new VirtualClock(T0) });
    await runtime.start();
    const err = (await runtime.upsertProfile("p1", { points: 1.5, tier: "platinum" }).catch((e: unknown) => e)) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.errors.map((e) => e.path)).toEqual(["profile.tier", "profile.points"]);
    expect(await runtime.profile("p1")).toBeUndefined();
    await runtime.stop();
  });

  it("a `timezone` that is not an IANA time zone is refused at the door (schedules and quiet hours would fail on it)", async () => {
    const runtime = createRuntime({ ir, clock: new VirtualClock(T0) });
    await runtime.start();
    // The zone meant, when there is one: a close spelling, or a city written alone.
    for (const [timezone, message] of [
      ["Europe/Stokholm", 'must be an IANA time zone, not the string "Europe/Stokholm" (did you mean "Europe/Stockholm"?)'],
      ["Oslo", 'must be an IANA time zone, not the string "Oslo" (did you mean "Europe/Oslo"?)'],
      ["", 'must be an IANA time zone such as "Europe/Stockholm", not the string ""'],
    ]) {
      const err = (await runtime.upsertProfile("p1", { timezone }).catch((e: unknown) => e)) as InvalidInputError;
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.errors).toEqual([{ path: "profile.timezone", message }]);
    }
    await runtime.upsertProfile("p1", { timezone: "America/New_York" });
    expect((await runtime.profile("p1"))!.attributes["timezone"]).toBe("America/New_York");
    const err = (await simulate({ ir, events: [], profiles: [{ id: "p2", timezone: "Mars/Base" }] }).catch((e: unknown) => e)) as InvalidInputError;
    expect(err.message).toBe('invalid profile `p2`: profiles[0].timezone must be an IANA time zone such as "Europe/Stockholm", not the string "Mars/Base"');
    await runtime.stop();
  });

  it("`set profile.timezone` to a name that is not a time zone fails the step, naming it", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        set profile.timezone = "Mars/Base"
        send email { subject "x" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(ofType(timeline, "error").map((e) => e.message)).toEqual(['`profile.timezone` must be an IANA time zone such as "Europe/Stockholm", not the string "Mars/Base"']);
    expect(ofType(timeline, "send")).toEqual([]);
  });
});

describe("simulate refuses invalid input before anything runs, naming it by its place in the input", () => {
  const ir = withSchema(`
    journey J {
      on Ping
      send email { subject "x" text "x" } to profile.email
    }
  `);

  it("an event without a valid time (it would otherwise fall outside every window, unseen)", async () => {
    for (const time of [undefined, "soon", 1_767_603_600_000]) {
      const events = [ev("Ping", "p1", T0, { n: 1 }), { ...ev("Ping", "p1", T0, { n: 2 }), time } as never];
      const err = (await simulate({ ir, events }).catch((e: unknown) => e)) as InvalidInputError;
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.index).toBe(1);
      expect(err.errors).toEqual([{ path: "event[1].time", message: "must be an ISO-8601 instant with a zone, such as 2026-03-02T10:15:00Z" }]);
    }
  });

  it("an invalid profile, and none of the profiles before it is stored", async () => {
    const store = new MemoryStore();
    const profiles = [{ id: "p1", email: "a@example.com" }, { id: "p2", points: 1.5 }];
    const err = (await simulate({ ir, store, events: [ev("Ping", "p1", T0, { n: 1 })], profiles }).catch((e: unknown) => e)) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.errors.map((e) => e.path)).toEqual(["profiles[1].points"]);
    expect(err.message).toBe("invalid profile `p2`: profiles[1].points expected int, found number 1.5");
    expect(await store.loadProfile("p1")).toBeUndefined();
  });

  it("counts the events the store had seen already", async () => {
    const store = new MemoryStore();
    const events = [ev("Ping", "p1", T0, { n: 1 }, "once"), ev("Ping", "p1", T0 + MIN, { n: 2 }, "once")];
    expect((await simulate({ ir, store, events })).duplicates).toBe(1);
    expect((await simulate({ ir, store, events })).duplicates).toBe(2);
  });
});

describe("determinism", () => {
  const ir = withSchema(`
    channel email { cap 5 per 1d quiet 22:00 to 07:00 }
    journey J {
      on Cart as cart
      reentry always
      exit on Stop
      goal bought: Order within 1d
      split "s" { A 50% { send email { subject "A" text "x" } to profile.email } B 50% { } }
      repeat 2 every 6h { send email { subject "r" text "x" } to profile.email }
      wait for Order within 1d { send email { subject "thanks" text "x" } to profile.email }
    }
  `);
  const events = () => [
    ev("Cart", "p1", T0, { cartId: "c1", items: [], total: 5 }, "a1"),
    ev("Cart", "p2", T0 + MIN, { cartId: "c2", items: [], total: 5 }, "a2"),
    ev("Order", "p1", T0 + 20 * HOUR, { orderId: "o1", items: [], total: 5 }, "a3"),
    ev("Stop", "p2", T0 + 2 * HOUR, { reason: "x" }, "a4"),
  ];

  it("two identical simulations produce identical timelines and idempotency keys", async () => {
    const a = await simulate({ ir, events: events(), profiles: [{ id: "p1" }, { id: "p2" }] });
    const b = await simulate({ ir, events: events(), profiles: [{ id: "p1" }, { id: "p2" }] });
    expect(b.timeline).toEqual(a.timeline);
    expect(b.channel.messages.map((m) => m.key)).toEqual(a.channel.messages.map((m) => m.key));
    expect(a.timeline.length).toBeGreaterThan(6);
    // Keys name the journey, the instance and the node.
    for (const e of a.timeline) expect(e.key.startsWith(`J:${e.profileId}:1`)).toBe(true);
  });
});

describe("the timeline after the last event", () => {
  it("is in time order across profiles: every timer runs at its own due time, in time order, as between events", async () => {
    const ir = withSchema(`
      journey Daily {
        on schedule every day at 10:00 for Everyone
        reentry always
        send email { subject "daily" text "x" } to profile.email
      }
      journey Weekly {
        on schedule every week at 09:30 for Everyone
        reentry always
        send sms { text "weekly" } to profile.email
      }
    `);
    // 09:30 and 10:00 local: 08:30 and 09:00 UTC in Stockholm, 14:30 and 15:00 UTC in New York.
    const { timeline } = await simulate({
      ir,
      profiles: [
        { id: "sto", timezone: "Europe/Stockholm" },
        { id: "nyc", timezone: "America/New_York" },
      ],
      events: [],
      start: Date.parse("2026-01-05T06:00:00Z"),
      until: Date.parse("2026-01-07T00:00:00Z"),
    });
    const times = timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(ofType(timeline, "send").map((s) => `${iso(s.at)} ${s.profileId}`)).toEqual([
      "2026-01-05T08:30:00.000Z sto",
      "2026-01-05T09:00:00.000Z sto",
      "2026-01-05T14:30:00.000Z nyc",
      "2026-01-05T15:00:00.000Z nyc",
      "2026-01-06T09:00:00.000Z sto",
      "2026-01-06T15:00:00.000Z nyc",
    ]);
  });
});

describe("a virtual clock started past timers a store holds from an earlier run", () => {
  const ir = withSchema(`
    journey J {
      on Ping
      reentry always
      wait 1h
      send email { subject "first" text "x" } to profile.email
      wait 1d
      send email { subject "second" text "x" } to profile.email
    }
  `);
  const sends = (timeline: Effect[]) => ofType(timeline, "send").map((s) => `${iso(s.at)} ${s.profileId} ${s.content["subject"]}`);

  /** A store where p1 waits for its first email at T0 + 1h (and p2 at T0 + 5h when it pinged later). */
  async function storeOf(pings: [string, number][]): Promise<MemoryStore> {
    const store = new MemoryStore();
    const first = await simulate({ ir, store, events: pings.map(([p, t]) => ev("Ping", p, t, { n: 1 })), until: T0 + 4 * HOUR + 30 * MIN });
    expect(sends(first.timeline)).toEqual([`${iso(T0 + HOUR)} p1 first`]);
    return store;
  }

  it("fires the overdue ones at the clock's time, late, as the system clock does after a service was down; the clock never goes back", async () => {
    const store = new MemoryStore();
    await simulate({ ir, store, events: [ev("Ping", "p1", T0, { n: 1 })], until: T0 + 30 * MIN });
    const start = T0 + 3 * DAY;
    const { timeline } = await simulate({ ir, store, events: [], start, until: start + 3 * DAY });
    // The second wait counts from when the first email went: late, not from its due time.
    expect(sends(timeline)).toEqual([`${iso(start)} p1 first`, `${iso(start + DAY)} p1 second`]);
    expect(timeline.every((e) => e.at >= start)).toBe(true);
  });

  it("between events: the overdue timers fire at the clock's time, the others at their own due times", async () => {
    const store = await storeOf([
      ["p1", T0],
      ["p2", T0 + 4 * HOUR],
    ]);
    const clock = new VirtualClock(T0 + 2 * DAY);
    const timeline: Effect[] = [];
    const rt = createRuntime({ ir, store, clock, onEffect: (e) => timeline.push(e) });
    await rt.start();
    // p1's second email was due at T0 + 25h, p2's first at T0 + 5h: both before the clock.
    await rt.ingest(ev("Ping", "p3", T0 + 2 * DAY + HOUR, { n: 1 }));
    await rt.advanceTo(T0 + 4 * DAY);
    await rt.stop();
    const times = timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The overdue ones in the order they were due.
    expect(sends(timeline)).toEqual([
      `${iso(T0 + 2 * DAY)} p2 first`,
      `${iso(T0 + 2 * DAY)} p1 second`,
      `${iso(T0 + 2 * DAY + 2 * HOUR)} p3 first`,
      `${iso(T0 + 3 * DAY)} p2 second`,
      `${iso(T0 + 3 * DAY + 2 * HOUR)} p3 second`,
    ]);
  });

  it("a continuation that starts at the first stored timer gives what one run gives", async () => {
    const pings: [string, number][] = [
      ["p1", T0],
      ["p2", T0 + 4 * HOUR],
    ];
    const whole = await simulate({ ir, events: pings.map(([p, t]) => ev("Ping", p, t, { n: 1 })), until: T0 + 3 * DAY });
    const store = await storeOf(pings);
    const rest = await simulate({ ir, store, events: [], start: (await store.nextDue())!, until: T0 + 3 * DAY });
    expect([`${iso(T0 + HOUR)} p1 first`, ...sends(rest.timeline)]).toEqual(sends(whole.timeline));
  });
});
