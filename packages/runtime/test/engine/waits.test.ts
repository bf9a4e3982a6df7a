/** `wait d`, `wait until`, `wait for … within … { } timeout { }`, and events at the same instant. */
import { Program, step, withDefaults, type ProfileState } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MIN, T, T0, ev, iso, ofType, sendTimes, sim, trace, withSchema } from "./helpers.js";

describe("wait d", () => {
  it("pauses the instance for exactly d, durations compose", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        wait 4h
        send email { subject "one" text "x" } to profile.email
        wait 1h30m
        send email { subject "two" text "x" } to profile.email
        wait 2d
        send email { subject "three" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(sendTimes(timeline)).toEqual([iso(T0 + 4 * HOUR), iso(T0 + 5.5 * HOUR), iso(T0 + 5.5 * HOUR + 2 * DAY)]);
    expect(ofType(timeline, "ended").map((e) => iso(e.at))).toEqual([iso(T0 + 5.5 * HOUR + 2 * DAY)]);
  });

  it("keeps waiting profiles independent: each resumes at its own time", async () => {
    const ir = withSchema(`journey J { on Ping
      wait 1h
      send email { subject "s" text "x" } to profile.email }`);
    const { timeline } = await sim({ ir, profiles: [{ id: "a" }, { id: "b" }], events: [ev("Ping", "a", T0, { n: 1 }), ev("Ping", "b", T0 + 10 * MIN, { n: 1 })] });
    expect(ofType(timeline, "send").map((s) => [s.profileId, iso(s.at)])).toEqual([
      ["a", iso(T0 + HOUR)],
      ["b", iso(T0 + 70 * MIN)],
    ]);
  });
});

describe("a wait as the last step", () => {
  it("holds the instance until it is over: no new entry meanwhile, exits apply, then it ends", async () => {
    const ir = withSchema(`
      journey Cooldown {
        on Ping
        reentry always
        exit on Stop
        send email { subject "hello" text "x" } to profile.email
        wait 1d
      }
      journey Until {
        on Ping
        send email { subject "until" text "x" } to profile.email
        if true {
          wait until now() + 2d
        }
      }
    `);
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }, { id: "p2" }],
      events: [ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p1", T0 + HOUR, { n: 2 }), ev("Ping", "p1", T0 + DAY + HOUR, { n: 3 }), ev("Ping", "p2", T0, { n: 1 }), ev("Stop", "p2", T0 + 2 * HOUR, { reason: "test" })],
    });
    // p1: the Ping an hour later finds the instance still waiting; the one after the day enters again.
    expect(ofType(timeline, "entered", "Cooldown").map((e) => [e.profileId, iso(e.at)])).toEqual([
      ["p1", iso(T0)],
      ["p2", iso(T0)],
      ["p1", iso(T0 + DAY + HOUR)],
    ]);
    expect(ofType(timeline, "ended", "Cooldown").map((e) => [e.profileId, iso(e.at), e.reason])).toEqual([
      ["p2", iso(T0 + 2 * HOUR), "exit"],
      ["p1", iso(T0 + DAY), "end"],
      ["p1", iso(T0 + 2 * DAY + HOUR), "end"],
    ]);
    // `wait until` as the last step of a block that ends the journey: the same.
    expect(ofType(timeline, "ended", "Until").filter((e) => e.profileId === "p1").map((e) => iso(e.at))).toEqual([iso(T0 + 2 * DAY)]);
  });
});

describe("wait until", () => {
  it("waits until an instant; an instant in the past continues at once", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        wait until 2026-01-05T08:00:00Z
        send email { subject "past" text "x" } to profile.email
        wait until 2026-01-06T12:30:00Z
        send email { subject "future" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(sendTimes(timeline)).toEqual([iso(T0), "2026-01-06T12:30:00.000Z"]);
  });

  it("`atTime(now() + 1d, \"10:00\", profile.timezone)`: the next morning in the profile's time zone", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        wait until atTime(now() + 1d, "10:00", profile.timezone)
        send email { subject "morning" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "tokyo", timezone: "Asia/Tokyo" }, { id: "la", timezone: "America/Los_Angeles" }],
      events: [ev("Ping", "tokyo", T0, { n: 1 }), ev("Ping", "la", T0, { n: 1 })],
    });
    // T0 = 2026-01-05T09:00Z is 18:00 on the 5th in Tokyo and 01:00 on the 5th in Los Angeles.
    expect(ofType(timeline, "send").map((s) => [s.profileId, iso(s.at)])).toEqual([
      ["tokyo", "2026-01-06T01:00:00.000Z"],
      ["la", "2026-01-06T18:00:00.000Z"],
    ]);
  });

  it("`wait until 09:00`: the next 09:00 in the profile's time zone, strictly after now (a loop around it runs once a day)", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        reentry always
        wait until 09:00
        send email { subject "morning" text "x" } to profile.email
      }
      journey Daily {
        on Stop
        repeat 3 {
          wait until 9:30
          send email { subject "daily" text "x" } to profile.email
        }
      }
    `);
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "tokyo", timezone: "Asia/Tokyo" }, { id: "la", timezone: "America/Los_Angeles" }, { id: "utc" }, { id: "loop", timezone: "Europe/Stockholm" }],
      events: [
        // T0 = 2026-01-05T09:00Z: 18:00 in Tokyo (tomorrow's 09:00), 01:00 in Los Angeles (today's),
        // exactly 09:00 in UTC (a profile without a time zone): the next one, tomorrow's.
        ev("Ping", "tokyo", T0, { n: 1 }),
        ev("Ping", "la", T0, { n: 1 }),
        ev("Ping", "utc", T0, { n: 1 }),
        // 10:00 in Stockholm: 09:30 on each of the next three days (UTC+1 in January).
        ev("Stop", "loop", T0, { reason: "x" }),
      ],
    });
    expect(ofType(timeline, "send").map((s) => [s.profileId, iso(s.at)])).toEqual([
      ["la", "2026-01-05T17:00:00.000Z"],
      ["tokyo", "2026-01-06T00:00:00.000Z"],
      ["loop", "2026-01-06T08:30:00.000Z"],
      ["utc", "2026-01-06T09:00:00.000Z"],
      ["loop", "2026-01-07T08:30:00.000Z"],
      ["loop", "2026-01-08T08:30:00.000Z"],
    ]);
  });

  it("`wait until 02:30` on Stockholm's change nights: the gap's comes at 03:30, the overlap's once, the second one when it is still ahead on the clock", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        reentry always
        wait until 02:30
        send email { subject "s" text "x" } to profile.email
      }
      journey Daily {
        on Stop
        repeat 2 {
          wait until 02:30
          send email { subject "daily" text "x" } to profile.email
        }
      }
    `);
    const at = (s: string) => Date.parse(s);
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "spring", timezone: "Europe/Stockholm" }, { id: "first", timezone: "Europe/Stockholm" }, { id: "second", timezone: "Europe/Stockholm" }, { id: "loop", timezone: "Europe/Stockholm" }],
      events: [
        // 01:00 on 2025-03-30: 02:30 does not exist that night, 03:30 (01:30Z) is its place.
        ev("Ping", "spring", at("2025-03-30T00:00:00Z"), { n: 1 }),
        // 02:45 the first time round (CEST): today's 02:30 has passed, tomorrow's.
        ev("Ping", "first", at("2025-10-26T00:45:00Z"), { n: 1 }),
        // 02:10 the second time round (CET): the clock shows 02:30 in twenty minutes.
        ev("Ping", "second", at("2025-10-26T01:10:00Z"), { n: 1 }),
        // 01:00 CEST: the first 02:30, then tomorrow's, not the second 02:30 an hour later.
        ev("Stop", "loop", at("2025-10-25T23:00:00Z"), { reason: "x" }),
      ],
    });
    expect(ofType(timeline, "send").map((s) => [s.profileId, iso(s.at)])).toEqual([
      ["spring", "2025-03-30T01:30:00.000Z"],
      ["loop", "2025-10-26T00:30:00.000Z"],
      ["second", "2025-10-26T01:30:00.000Z"],
      ["first", "2025-10-27T01:30:00.000Z"],
      ["loop", "2025-10-27T01:30:00.000Z"],
    ]);
  });

  it("reads a datetime from the trigger event", async () => {
    const ir = withSchema(`event Booked { at: datetime }
      journey J { on Booked as b
        wait until b.at - 1h
        send email { subject "reminder" text "x" } to profile.email }`);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Booked", "p1", T0, { at: "2026-01-08T15:00:00+01:00" })] });
    expect(sendTimes(timeline)).toEqual(["2026-01-08T13:00:00.000Z"]);
  });
});

describe("wait for … within … { } timeout { }", () => {
  const ir = withSchema(`
    journey J {
      on Cart as cart
      wait for Order as order where order.cartId == cart.cartId within 1d {
        send email { subject "thanks for {{order.orderId}} ({{order.total}})" text "x" } to profile.email
      } timeout {
        send email { subject "timed out" text "x" } to profile.email
      }
      send email { subject "after" text "x" } to profile.email
    }
  `);
  const cart = ev("Cart", "p1", T0, { cartId: "c1", items: [], total: 20 });

  it("event branch: a matching event resumes at once with the alias bound, then the steps after the block", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [cart, ev("Order", "p1", T0 + HOUR, { orderId: "wrong", cartId: "c9", items: [], total: 1 }), ev("Order", "p1", T0 + 2 * HOUR, { orderId: "o1", cartId: "c1", items: [], total: 42 })],
    });
    expect(trace(timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + 2 * HOUR)} send email thanks for o1 (42)`, `${iso(T0 + 2 * HOUR)} send email after`, `${iso(T0 + 2 * HOUR)} ended J end`]);
  });

  it("timeout branch: no matching event within d runs the timeout block at exactly start + d", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [cart, ev("Order", "p1", T0 + DAY + 1, { orderId: "late", cartId: "c1", items: [], total: 1 })] });
    expect(trace(timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + DAY)} send email timed out`, `${iso(T0 + DAY)} send email after`, `${iso(T0 + DAY)} ended J end`]);
  });

  it("without a timeout block, a timeout continues after the step", async () => {
    const ir2 = withSchema(`
      journey J {
        on Ping
        wait for Order within 2h {
          end
        }
        send email { subject "no order" text "x" } to profile.email
      }
    `);
    const none = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(trace(none.timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + 2 * HOUR)} send email no order`, `${iso(T0 + 2 * HOUR)} ended J end`]);
    const ordered = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Order", "p1", T0 + HOUR, { orderId: "o", items: [], total: 1 })] });
    expect(trace(ordered.timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + HOUR)} ended J end`]);
  });

  it("the event arriving for another profile does not resume this one", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }, { id: "p2" }],
      events: [cart, ev("Order", "p2", T0 + HOUR, { orderId: "o1", cartId: "c1", items: [], total: 1 })],
    });
    expect(ofType(timeline, "send").map((s) => [s.profileId, s.content["subject"]])).toEqual([
      ["p1", "timed out"],
      ["p1", "after"],
    ]);
  });
});

describe("events at the same instant", () => {
  const ir = withSchema(`
    journey J {
      on Ping as p
      wait for Stop within 1h {
        send email { subject "stopped" text "x" } to profile.email
      } timeout {
        send email { subject "timeout" text "x" } to profile.email
      }
    }
  `);

  it("are applied in file order", async () => {
    const ping = () => ev("Ping", "p1", T0, { n: 1 });
    const stop = () => ev("Stop", "p1", T0, { reason: "x" });
    const pingFirst = await sim({ ir, profiles: [{ id: "p1" }], events: [ping(), stop()] });
    expect(ofType(pingFirst.timeline, "send").map((s) => [s.content["subject"], iso(s.at)])).toEqual([["stopped", iso(T0)]]);
    const stopFirst = await sim({ ir, profiles: [{ id: "p1" }], events: [stop(), ping()] });
    expect(ofType(stopFirst.timeline, "send").map((s) => [s.content["subject"], iso(s.at)])).toEqual([["timeout", iso(T0 + HOUR)]]);
  });

  it("file order wins over the order of ids, and time order over file order", async () => {
    const a = ev("Stop", "p1", T("2026-01-05T08:30:00Z"), { reason: "x" }, "a");
    const z = ev("Ping", "p1", T("2026-01-05T08:30:00Z"), { n: 1 }, "z");
    const early = ev("Ping", "p1", T("2026-01-05T08:00:00Z"), { n: 0 }, "m");
    // `early` is listed last but happens first: it starts the instance, which `a` then resumes.
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [z, a, early] });
    expect(ofType(timeline, "entered").map((e) => iso(e.at))).toEqual(["2026-01-05T08:00:00.000Z"]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["stopped"]);
  });
});

describe("an event that comes after a timer was due, before the timer ran", () => {
  // On the system clock the timer loop may not have reached a due timer yet (after a
  // restart, behind a busy queue): the event must still come after it, as "timers first,
  // then the event" says.
  const ir = withSchema(`
    journey J {
      on Ping
      wait for Stop within 1h {
        send email { subject "stopped" text "x" } to profile.email
      } timeout {
        send email { subject "timeout" text "x" } to profile.email
      }
    }
  `);

  const fresh = (): ProfileState => ({ id: "p1", attributes: withDefaults({}, ir.profile) as Record<string, unknown>, instances: {}, history: {}, audiences: [], schedules: {}, sends: {} });

  it("finds the `wait for` timed out: the timeout path runs first, the event does not resume it", () => {
    const program = new Program(ir);
    let state = fresh();
    state = step(program, state, { kind: "event", event: ev("Ping", "p1", T0, { n: 1 }) }, T0).state;
    const late = T0 + 2 * HOUR;
    const { effects } = step(program, state, { kind: "event", event: ev("Stop", "p1", late, { reason: "x" }) }, late);
    const sends = effects.filter((e) => e.type === "send").map((e) => (e as { content: Record<string, unknown> }).content["subject"]);
    expect(sends).toEqual(["timeout"]);
  });

  it("before the timer is due, the event resumes the `wait for` as ever", () => {
    const program = new Program(ir);
    let state = fresh();
    state = step(program, state, { kind: "event", event: ev("Ping", "p1", T0, { n: 1 }) }, T0).state;
    const { effects } = step(program, state, { kind: "event", event: ev("Stop", "p1", T0 + HOUR - 1, { reason: "x" }) }, T0 + HOUR - 1);
    expect(effects.filter((e) => e.type === "send").map((e) => (e as { content: Record<string, unknown> }).content["subject"])).toEqual(["stopped"]);
  });
});
