/** Entry: the three trigger kinds, one live instance per profile and journey, `reentry`. */
import { createRuntime, MemoryChannel, MemoryStore, VirtualClock, type Effect } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MIN, T, T0, ev, iso, ofType, sendTimes, sim, withSchema, instanceId } from "./helpers.js";

function runtimeFor(ir: ReturnType<typeof withSchema>, start = T0) {
  const clock = new VirtualClock(start);
  const timeline: Effect[] = [];
  const channel = new MemoryChannel();
  const runtime = createRuntime({ ir, clock, channels: channel, onEffect: (e) => timeline.push(e) });
  return { clock, timeline, channel, runtime };
}

describe("event trigger", () => {
  const ir = withSchema(`
    journey BigCart {
      on Cart as cart where cart.total > 10 and event.cartId != "ignored"
      reentry always
      send email { subject "cart {{cart.cartId}}" text "total {{cart.total}}" } to profile.email
    }
  `);

  it("starts an instance only when `where` holds, with the alias (and `event`) bound", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [
        ev("Cart", "p1", T0, { cartId: "small", items: [], total: 5 }),
        ev("Cart", "p1", T0 + MIN, { cartId: "ignored", items: [], total: 50 }),
        ev("Cart", "p1", T0 + 2 * MIN, { cartId: "big", items: [], total: 20 }),
      ],
    });
    expect(ofType(timeline, "entered").map((e) => iso(e.at))).toEqual([iso(T0 + 2 * MIN)]);
    const sends = ofType(timeline, "send");
    expect(sends.map((s) => s.content)).toEqual([{ subject: "cart big", text: "total 20" }]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("an event of another type or for another profile starts nothing for this profile", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }, { id: "p2" }],
      events: [ev("Order", "p1", T0, { orderId: "o1", items: [], total: 99 }), ev("Cart", "p2", T0, { cartId: "c", items: [], total: 99 })],
    });
    expect(ofType(timeline, "entered").map((e) => e.profileId)).toEqual(["p2"]);
  });
});

describe("on enter Audience", () => {
  const ir = withSchema(`
    journey Welcome {
      on enter Gold
      reentry always
      send email { subject "welcome gold" text "x" } to profile.email
    }
  `);

  it("fires when upsertProfile makes the profile qualify, not while it stays qualified", async () => {
    const { runtime, clock, timeline } = runtimeFor(ir);
    await runtime.start();
    await runtime.upsertProfile("p1", { tier: "bronze" });
    expect(ofType(timeline, "entered")).toEqual([]);
    clock.set(T0 + HOUR);
    await runtime.upsertProfile("p1", { tier: "gold" });
    expect(ofType(timeline, "entered").map((e) => [e.journey, iso(e.at)])).toEqual([["Welcome", iso(T0 + HOUR)]]);
    // Still gold: no new entry although `reentry always` would allow one.
    clock.set(T0 + 2 * HOUR);
    await runtime.upsertProfile("p1", { tier: "gold", points: 3 });
    expect(ofType(timeline, "entered")).toHaveLength(1);
    // Leave and come back: a new entry.
    await runtime.upsertProfile("p1", { tier: "silver" });
    clock.set(T0 + 3 * HOUR);
    await runtime.upsertProfile("p1", { tier: "gold" });
    expect(ofType(timeline, "entered").map((e) => iso(e.at))).toEqual([iso(T0 + HOUR), iso(T0 + 3 * HOUR)]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["welcome gold", "welcome gold"]);
    await runtime.stop();
  });

  it("fires when a profile is first stored already qualifying", async () => {
    const { runtime, timeline } = runtimeFor(ir);
    await runtime.start();
    await runtime.upsertProfile("p2", { tier: "gold" });
    expect(ofType(timeline, "entered").map((e) => e.profileId)).toEqual(["p2"]);
    await runtime.stop();
  });

  it("fires when `set profile.x` inside another journey makes the profile qualify", async () => {
    const ir2 = withSchema(`
      journey Upgrade {
        on Order as order
        set profile.tier = "gold"
        send email { subject "upgraded" text "x" } to profile.email
      }
      journey Welcome {
        on enter Gold
        send email { subject "welcome {{profile.tier}}" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({
      ir: ir2,
      profiles: [{ id: "p1", tier: "silver" }],
      events: [ev("Order", "p1", T0, { orderId: "o1", items: [], total: 10 })],
    });
    expect(ofType(timeline, "entered").map((e) => e.journey)).toEqual(["Upgrade", "Welcome"]);
    expect(ofType(timeline, "profile").map((e) => e.set)).toEqual([{ tier: "gold" }]);
    // The welcome runs at once, at the same instant, and sees the updated profile.
    expect(ofType(timeline, "send").map((s) => [s.content["subject"], iso(s.at)])).toEqual([
      ["welcome gold", iso(T0)],
      ["upgraded", iso(T0)],
    ]);
  });

  // A step that resets a field and sets it again (a recount) leaves the audience and comes back
  // at one instant: the profile never was outside it, so no welcome (with `reentry always`, one
  // on every order before). And a step enters an audience once, however often it flips.
  it("`set`s that leave and come back within one step are not an entry; a step enters an audience at most once", async () => {
    const ir2 = withSchema(`
      journey Recount {
        on Order
        set profile.tier = "silver"
        set profile.tier = "gold"
        set profile.tier = "silver"
        set profile.tier = "gold"
      }
      journey Welcome {
        on enter Gold
        reentry always
        send email { subject "welcome gold" text "x" } to profile.email
      }
    `);
    const order = (at: number) => ev("Order", "p1", at, { orderId: "o", items: [], total: 10 });
    const member = await sim({ ir: ir2, profiles: [{ id: "p1", tier: "gold" }], events: [order(T0 + HOUR)] });
    // The one welcome is the profile's first storing, already gold.
    expect(ofType(member.timeline, "send").map((s) => iso(s.at))).toEqual([iso(T0 + HOUR)]);
    expect(ofType(member.timeline, "entered", "Welcome")).toHaveLength(1);
    const newcomer = await sim({ ir: ir2, profiles: [{ id: "p1", tier: "bronze" }], events: [order(T0), order(T0 + HOUR)] });
    // Entered once at the first order (not twice for its two flips), not again at the second.
    expect(ofType(newcomer.timeline, "entered", "Welcome").map((e) => iso(e.at))).toEqual([iso(T0)]);
  });
});

describe("an audience of anniversaries (`isAnniversary`)", () => {
  it("is entered on the day in the profile's time zone as time passes, once a year", async () => {
    const ir = withSchema(`
      audience Anniversary = profile.lastOrderAt != null and isAnniversary(profile.lastOrderAt)
      journey Congrats {
        on enter Anniversary
        reentry always
        let years = if profile.lastOrderAt != null then yearsSince(profile.lastOrderAt) else 0
        send email { subject "{{years}} years" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({
      ir,
      start: T("2026-03-10T12:00:00Z"),
      until: T("2027-03-13T00:00:00Z"),
      profiles: [{ id: "p1", timezone: "Europe/Stockholm", lastOrderAt: "2020-03-12" }],
      events: [],
    });
    // Local midnight of the 12th in Stockholm is 23:00 UTC on the 11th; audiences that read
    // the clock are looked at hourly.
    const entered = ofType(timeline, "entered").map((e) => iso(e.at));
    expect(entered).toHaveLength(2);
    expect(entered[0]! >= "2026-03-11T23:00:00.000Z" && entered[0]! <= "2026-03-12T00:00:00.000Z").toBe(true);
    expect(entered[1]! >= "2027-03-11T23:00:00.000Z" && entered[1]! <= "2027-03-12T00:00:00.000Z").toBe(true);
    expect(ofType(timeline, "send").map((e) => e.content["subject"])).toEqual(["6 years", "7 years"]);
  });
});

describe("on schedule every day at HH:MM for Audience", () => {
  it("fires daily at HH:MM in the profile's time zone, for audience members only", async () => {
    const ir = withSchema(`
      journey Daily {
        on schedule every day at 10:00 for Gold
        reentry always
        send email { subject "daily" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({
      ir,
      start: T0, // 09:00Z = 04:00 in New York
      until: T0 + 3 * DAY,
      profiles: [
        { id: "ny", tier: "gold", timezone: "America/New_York" },
        { id: "utc", tier: "gold" },
        { id: "out", tier: "bronze" },
      ],
      events: [],
    });
    const entered = ofType(timeline, "entered");
    expect(entered.filter((e) => e.profileId === "ny").map((e) => iso(e.at))).toEqual(["2026-01-05T15:00:00.000Z", "2026-01-06T15:00:00.000Z", "2026-01-07T15:00:00.000Z"]);
    // 10:00 UTC on the 5th is after 09:00: the first run is that same morning.
    expect(entered.filter((e) => e.profileId === "utc").map((e) => iso(e.at))).toEqual(["2026-01-05T10:00:00.000Z", "2026-01-06T10:00:00.000Z", "2026-01-07T10:00:00.000Z"]);
    expect(entered.filter((e) => e.profileId === "out")).toEqual([]);
  });

  it("a profile that joins the audience later is picked up by the next run", async () => {
    const ir = withSchema(`
      journey Daily {
        on schedule every day at 10:00 for Gold
        reentry always
        send email { subject "daily" text "x" } to profile.email
      }
    `);
    const { runtime, clock, timeline } = runtimeFor(ir);
    await runtime.start();
    await runtime.upsertProfile("p1", { tier: "bronze" });
    await runtime.advanceTo(T("2026-01-06T09:00:00Z"));
    expect(ofType(timeline, "entered")).toEqual([]);
    clock.set(T("2026-01-06T09:30:00Z"));
    await runtime.upsertProfile("p1", { tier: "gold" });
    await runtime.advanceTo(T("2026-01-06T12:00:00Z"));
    expect(ofType(timeline, "entered").map((e) => iso(e.at))).toEqual(["2026-01-06T10:00:00.000Z"]);
    await runtime.stop();
  });

  it("respects one live instance and `reentry never`", async () => {
    const ir = withSchema(`
      journey Slow {
        on schedule every day at 10:00 for Everyone
        reentry always
        wait 36h
        send email { subject "slow" text "x" } to profile.email
      }
      journey Once {
        on schedule every day at 10:00 for Everyone
        send email { subject "once" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, start: T0, until: T0 + 4 * DAY, profiles: [{ id: "p1" }], events: [] });
    // Slow: enters on the 5th at 10:00, still waiting on the 6th (skipped), ends on the 6th at 22:00,
    // enters again on the 7th; the 8th is skipped again.
    expect(ofType(timeline, "entered", "Slow").map((e) => iso(e.at))).toEqual(["2026-01-05T10:00:00.000Z", "2026-01-07T10:00:00.000Z"]);
    expect(ofType(timeline, "entered", "Once").map((e) => iso(e.at))).toEqual(["2026-01-05T10:00:00.000Z"]);
  });

  it("follows the profile to a new time zone (here set by a step; an upsert does the same): the pending run is 10:00 in the new zone on its day", async () => {
    const ir = withSchema(`
      journey Daily {
        on schedule every day at 10:00 for Everyone
        reentry always
        send email { subject "daily" text "x" } to profile.email
      }
      journey Move {
        on Ping
        set profile.timezone = "America/New_York"
      }
    `);
    // T0 is 09:00Z on the 5th; p1 moves at 12:00Z that day, after its 10:00 UTC run, when it is
    // 07:00 in New York: the pending run is the 6th's, not the 5th's again (15:00Z).
    const { timeline } = await sim({ ir, start: T0, until: T0 + 3 * DAY, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0 + 3 * HOUR, { n: 1 })] });
    expect(ofType(timeline, "entered", "Daily").map((e) => iso(e.at))).toEqual(["2026-01-05T10:00:00.000Z", "2026-01-06T15:00:00.000Z", "2026-01-07T15:00:00.000Z"]);
  });

  // Worked out from now like a daily one, a Monday digest moved on Tuesday came on Wednesday:
  // two runs in two days, and Wednesdays from then on.
  it("`every week at`: a profile moving to another zone keeps the weekday, at 10:00 in the new zone", async () => {
    const ir = withSchema(`
      journey Weekly {
        on schedule every week at 10:00 for Everyone
        reentry always
        send email { subject "weekly" text "x" } to profile.email
      }
      journey Move {
        on Ping
        set profile.timezone = "Europe/Helsinki"
      }
    `);
    // Stored on Monday the 5th at 08:00Z: runs at 10:00 Stockholm (09:00Z); moves on Tuesday.
    const start = T("2026-01-05T08:00:00Z");
    const { timeline } = await sim({ ir, start, until: start + 15 * DAY, profiles: [{ id: "p1", timezone: "Europe/Stockholm" }], events: [ev("Ping", "p1", start + DAY + 4 * HOUR, { n: 1 })] });
    expect(sendTimes(timeline)).toEqual(["2026-01-05T09:00:00.000Z", "2026-01-12T08:00:00.000Z", "2026-01-19T08:00:00.000Z"]);
  });

  describe("across daylight-saving changes (Europe/Berlin)", () => {
    const ir = withSchema(`
      journey Daily {
        on schedule every day at 10:00 for Everyone
        reentry always
        send email { subject "daily" text "x" } to profile.email
      }
    `);

    it("spring forward (2026-03-29): 09:00Z before, 08:00Z after", async () => {
      const { timeline } = await sim({ ir, start: T("2026-03-27T12:00:00Z"), until: T("2026-03-31T12:00:00Z"), profiles: [{ id: "p1", timezone: "Europe/Berlin" }], events: [] });
      expect(sendTimes(timeline)).toEqual(["2026-03-28T09:00:00.000Z", "2026-03-29T08:00:00.000Z", "2026-03-30T08:00:00.000Z", "2026-03-31T08:00:00.000Z"]);
    });

    it("fall back (2026-10-25): 08:00Z before, 09:00Z after", async () => {
      const { timeline } = await sim({ ir, start: T("2026-10-23T12:00:00Z"), until: T("2026-10-27T12:00:00Z"), profiles: [{ id: "p1", timezone: "Europe/Berlin" }], events: [] });
      expect(sendTimes(timeline)).toEqual(["2026-10-24T08:00:00.000Z", "2026-10-25T09:00:00.000Z", "2026-10-26T09:00:00.000Z", "2026-10-27T09:00:00.000Z"]);
    });
  });
});

describe("on schedule every month [on <day>] [at HH:MM] for Audience", () => {
  const monthly = (trigger: string) =>
    withSchema(`
      journey Monthly {
        on schedule ${trigger} for Everyone
        reentry always
        send email { subject "monthly" text "x" } to profile.email
      }
    `);
  const entries = (timeline: Effect[], journey = "Monthly") => ofType(timeline, "entered", journey).map((e) => iso(e.at));

  it("`on 31` runs on the last day of shorter months, and on the 31st again after them (2026, not a leap year)", async () => {
    const { timeline } = await sim({ ir: monthly("every month on 31 at 09:00"), start: T("2026-01-20T12:00:00Z"), until: T("2026-06-01T00:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(entries(timeline)).toEqual(["2026-01-31T09:00:00.000Z", "2026-02-28T09:00:00.000Z", "2026-03-31T09:00:00.000Z", "2026-04-30T09:00:00.000Z", "2026-05-31T09:00:00.000Z"]);
  });

  it("`on 30` in a leap year: February 29, then the 30th in March", async () => {
    const { timeline } = await sim({ ir: monthly("every month on 30 at 09:00"), start: T("2028-01-20T12:00:00Z"), until: T("2028-04-01T00:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(entries(timeline)).toEqual(["2028-01-30T09:00:00.000Z", "2028-02-29T09:00:00.000Z", "2028-03-30T09:00:00.000Z"]);
  });

  it("without `on`: the day of the first run (the first `at` time after the profile is stored) is kept through February", async () => {
    const { timeline } = await sim({ ir: monthly("every month at 09:00"), start: T("2026-01-31T08:00:00Z"), until: T("2026-05-01T00:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(entries(timeline)).toEqual(["2026-01-31T09:00:00.000Z", "2026-02-28T09:00:00.000Z", "2026-03-31T09:00:00.000Z", "2026-04-30T09:00:00.000Z"]);
    // Stored after 09:00 on the 31st: the first 09:00 is on February 1st, and the day is the 1st.
    const late = await sim({ ir: monthly("every month at 09:00"), start: T("2026-01-31T10:00:00Z"), until: T("2026-04-01T12:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(entries(late.timeline)).toEqual(["2026-02-01T09:00:00.000Z", "2026-03-01T09:00:00.000Z", "2026-04-01T09:00:00.000Z"]);
  });

  it("without `at`: a month after the profile is stored, at the time it was stored (to the second), on its day", async () => {
    const { timeline } = await sim({ ir: monthly("every month"), start: T("2026-01-31T08:15:30Z"), until: T("2026-04-01T00:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(entries(timeline)).toEqual(["2026-02-28T08:15:30.000Z", "2026-03-31T08:15:30.000Z"]);
    const onFirst = await sim({ ir: monthly("every month on 1"), start: T("2026-01-20T08:15:30Z"), until: T("2026-03-02T00:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(entries(onFirst.timeline)).toEqual(["2026-02-01T08:15:30.000Z", "2026-03-01T08:15:30.000Z"]);
  });

  it("`on 1 at 09:00` in Europe/Stockholm keeps 09:00 local across daylight-saving changes", async () => {
    const ir = monthly("every month on 1 at 09:00");
    const spring = await sim({ ir, start: T("2026-02-15T12:00:00Z"), until: T("2026-05-02T00:00:00Z"), profiles: [{ id: "p1", timezone: "Europe/Stockholm" }], events: [] });
    // CET (+1) until March 29, CEST (+2) after.
    expect(entries(spring.timeline)).toEqual(["2026-03-01T08:00:00.000Z", "2026-04-01T07:00:00.000Z", "2026-05-01T07:00:00.000Z"]);
    const autumn = await sim({ ir, start: T("2026-09-15T12:00:00Z"), until: T("2026-11-02T00:00:00Z"), profiles: [{ id: "p1", timezone: "Europe/Stockholm" }], events: [] });
    expect(entries(autumn.timeline)).toEqual(["2026-10-01T07:00:00.000Z", "2026-11-01T08:00:00.000Z"]);
  });

  it("a local time that does not exist (the spring-forward gap) moves forward, as for `every day`", async () => {
    // Stockholm skips 02:00–03:00 on 2026-03-29: 02:30 is 03:30 CEST (01:30Z) that day.
    const { timeline } = await sim({ ir: monthly("every month on 29 at 02:30"), start: T("2026-03-15T12:00:00Z"), until: T("2026-05-01T00:00:00Z"), profiles: [{ id: "p1", timezone: "Europe/Stockholm" }], events: [] });
    expect(entries(timeline)).toEqual(["2026-03-29T01:30:00.000Z", "2026-04-29T00:30:00.000Z"]);
  });

  it("follows the profile to a new time zone: the pending run keeps its day of the month, at `at` in the new zone", async () => {
    const ir = withSchema(`
      journey Monthly {
        on schedule every month at 10:00 for Everyone
        reentry always
        send email { subject "monthly" text "x" } to profile.email
      }
      journey First {
        on schedule every month on 1 at 10:00 for Everyone
        reentry always
        send email { subject "first" text "x" } to profile.email
      }
      journey Move {
        on Ping
        set profile.timezone = "America/New_York"
      }
    `);
    // Stored on the 15th after 10:00 UTC: `Monthly` runs on the 16th. The profile moves on the 20th.
    const { timeline } = await sim({ ir, start: T("2026-01-15T12:00:00Z"), until: T("2026-03-20T00:00:00Z"), profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T("2026-01-20T12:00:00Z"), { n: 1 })] });
    expect(entries(timeline)).toEqual(["2026-01-16T10:00:00.000Z", "2026-02-16T15:00:00.000Z", "2026-03-16T14:00:00.000Z"]);
    expect(entries(timeline, "First")).toEqual(["2026-02-01T15:00:00.000Z", "2026-03-01T15:00:00.000Z"]);
  });

  it("a move to a zone behind, just after the run, does not run it again that month", async () => {
    const ir = withSchema(`
      journey First {
        on schedule every month on 1 at 09:00 for Everyone
        reentry always
        send email { subject "first" text "x" } to profile.email
      }
      journey Move {
        on Ping
        set profile.timezone = "America/New_York"
      }
    `);
    // 09:00 in Stockholm is 08:00Z; at 10:00Z it is still 05:00 on the 1st in New York.
    const { timeline } = await sim({ ir, start: T("2026-01-20T12:00:00Z"), until: T("2026-03-02T00:00:00Z"), profiles: [{ id: "p1", timezone: "Europe/Stockholm" }], events: [ev("Ping", "p1", T("2026-02-01T10:00:00Z"), { n: 1 })] });
    expect(entries(timeline, "First")).toEqual(["2026-02-01T08:00:00.000Z", "2026-03-01T14:00:00.000Z"]);
  });

  describe("a redeploy that changes the day re-arms the pending run", () => {
    const first = monthly("every month on 1 at 09:00");
    const fifteenth = monthly("every month on 15 at 09:00");

    it("when the runtime starts: no run on the 1st, the next on the 15th", async () => {
      const store = new MemoryStore();
      const clock = new VirtualClock(T("2026-01-20T12:00:00Z"));
      const before = createRuntime({ ir: first, store, clock });
      await before.start();
      await before.upsertProfile("p1", {});
      expect((await before.profile("p1"))!.armedFor).toEqual({ Monthly: '["month","09:00",1]' });
      await before.stop();
      const timeline: Effect[] = [];
      const after = createRuntime({ ir: fifteenth, store, clock, onEffect: (e) => timeline.push(e) });
      await after.start();
      expect((await after.profile("p1"))!.armedFor).toEqual({ Monthly: '["month","09:00",15]' });
      await after.advanceTo(T("2026-03-20T00:00:00Z"));
      expect(entries(timeline)).toEqual(["2026-02-15T09:00:00.000Z", "2026-03-15T09:00:00.000Z"]);
      await after.stop();
    });

    it("a schedule without a day keeps the cadence text profiles were armed for before days existed", async () => {
      const runtime = createRuntime({ ir: monthly("every day at 09:00"), clock: new VirtualClock(T0) });
      await runtime.start();
      await runtime.upsertProfile("p1", {});
      expect((await runtime.profile("p1"))!.armedFor).toEqual({ Monthly: '["day","09:00"]' });
      await runtime.stop();
    });

    it("a redeploy that keeps the schedule keeps the pending run, and the day a monthly schedule without `on` picked", async () => {
      const store = new MemoryStore();
      const clock = new VirtualClock(T("2026-01-31T08:00:00Z"));
      const ir = monthly("every month at 09:00");
      const before = createRuntime({ ir, store, clock });
      await before.start();
      await before.upsertProfile("p1", {});
      await before.advanceTo(T("2026-02-10T00:00:00Z"));
      await before.stop();
      const timeline: Effect[] = [];
      // Another step makes another version of the journey, with the same schedule.
      const again = withSchema(`
        journey Monthly {
          on schedule every month at 09:00 for Everyone
          reentry always
          send email { subject "monthly, reworded" text "x" } to profile.email
        }
      `);
      const after = createRuntime({ ir: again, store, clock, onEffect: (e) => timeline.push(e) });
      await after.start();
      await after.upsertProfile("p1", { tier: "gold" });
      await after.advanceTo(T("2026-04-01T00:00:00Z"));
      expect(entries(timeline)).toEqual(["2026-02-28T09:00:00.000Z", "2026-03-31T09:00:00.000Z"]);
      await after.stop();
    });
  });
});

// A move can bring the pending run's `at` time into the past (east) or push it later (west).
// The run has not happened yet in its period: it is due at once rather than skipped, and a
// move just after a run, or back again, never runs it twice.
describe("a time-zone change moves the pending run to its day in the new zone", () => {
  const schedule = (trigger: string) =>
    withSchema(`
      journey Run {
        on schedule ${trigger} for Everyone
        reentry always
        send email { subject "run" text "x" } to profile.email
      }
      journey East {
        on Ping where event.n == 1
        reentry always
        set profile.timezone = "Asia/Tokyo"
      }
      journey West {
        on Ping where event.n == 2
        reentry always
        set profile.timezone = "Europe/Stockholm"
      }
    `);
  const runs = (timeline: Effect[]) => ofType(timeline, "entered", "Run").map((e) => iso(e.at));
  const east = (at: string) => ev("Ping", "p1", T(at), { n: 1 });
  const west = (at: string) => ev("Ping", "p1", T(at), { n: 2 });
  const stockholm = [{ id: "p1", timezone: "Europe/Stockholm" }];
  const tokyo = [{ id: "p1", timezone: "Asia/Tokyo" }];

  // March 31 09:00 in Stockholm is 07:00Z (CEST); at 06:30Z it is 15:30 in Tokyo, past 09:00.
  it("`every month`: moved east after its `at` time has passed there, the run is due at once, not next month", async () => {
    const { timeline } = await sim({ ir: schedule("every month on 31 at 09:00"), start: T("2026-03-20T12:00:00Z"), until: T("2026-06-01T00:00:00Z"), profiles: stockholm, events: [east("2026-03-31T06:30:00Z")] });
    expect(runs(timeline)).toEqual(["2026-03-31T06:30:00.000Z", "2026-04-30T00:00:00.000Z", "2026-05-31T00:00:00.000Z"]);
  });

  it("`every week`: the same, and the week after is on the same weekday", async () => {
    // Mondays 09:00 Stockholm (08:00Z in January); moved on Monday the 12th at 07:30Z.
    const { timeline } = await sim({ ir: schedule("every week at 09:00"), start: T("2026-01-05T07:00:00Z"), until: T("2026-01-27T00:00:00Z"), profiles: stockholm, events: [east("2026-01-12T07:30:00Z")] });
    expect(runs(timeline)).toEqual(["2026-01-05T08:00:00.000Z", "2026-01-12T07:30:00.000Z", "2026-01-19T00:00:00.000Z", "2026-01-26T00:00:00.000Z"]);
  });

  it("`every week`: due at once after midnight in the new zone, it keeps its weekday", async () => {
    // Mondays 23:00 Stockholm (22:00Z); moved at 21:30Z, 06:30 on Tuesday in Tokyo.
    const { timeline } = await sim({ ir: schedule("every week at 23:00"), start: T("2026-01-05T07:00:00Z"), until: T("2026-01-27T00:00:00Z"), profiles: stockholm, events: [east("2026-01-12T21:30:00Z")] });
    expect(runs(timeline)).toEqual(["2026-01-05T22:00:00.000Z", "2026-01-12T21:30:00.000Z", "2026-01-19T14:00:00.000Z", "2026-01-26T14:00:00.000Z"]);
  });

  it("`every day`: the same", async () => {
    const { timeline } = await sim({ ir: schedule("every day at 09:00"), start: T("2026-03-30T12:00:00Z"), until: T("2026-04-02T12:00:00Z"), profiles: stockholm, events: [east("2026-03-31T06:30:00Z")] });
    expect(runs(timeline)).toEqual(["2026-03-31T06:30:00.000Z", "2026-04-01T00:00:00.000Z", "2026-04-02T00:00:00.000Z"]);
  });

  // Tokyo's 09:00 on March 31 is 00:00Z: at 00:30Z it is 02:30 in Stockholm, before its 09:00.
  it("moved west just after a run, the next run is the next day's, not that day's again", async () => {
    const { timeline } = await sim({ ir: schedule("every day at 09:00"), start: T("2026-03-30T12:00:00Z"), until: T("2026-04-02T12:00:00Z"), profiles: tokyo, events: [west("2026-03-31T00:30:00Z")] });
    expect(runs(timeline)).toEqual(["2026-03-31T00:00:00.000Z", "2026-04-01T07:00:00.000Z", "2026-04-02T07:00:00.000Z"]);
  });

  it("moved east and back within minutes, or at one instant, each run comes once", async () => {
    for (const trigger of ["every day at 09:00", "every week at 09:00", "every month on 31 at 09:00"]) {
      for (const back of ["2026-03-31T06:35:00Z", "2026-03-31T06:30:00Z"]) {
        const { timeline } = await sim({ ir: schedule(trigger), start: T("2026-03-30T12:00:00Z"), until: T("2026-03-31T12:00:00Z"), profiles: stockholm, events: [east("2026-03-31T06:30:00Z"), west(back)] });
        expect(runs(timeline), `${trigger}, back at ${back}`).toEqual(["2026-03-31T06:30:00.000Z"]);
      }
    }
  });

  // Due at once in Tokyo, then back in the same step: the run keeps its day, not the day it is in Tokyo.
  it("moved east past midnight there and back in one step, the run neither skips its day nor changes weekday", async () => {
    const ir = (trigger: string) =>
      withSchema(`
        journey Run {
          on schedule ${trigger} for Everyone
          reentry always
          send email { subject "run" text "x" } to profile.email
        }
        journey There {
          on Ping
          reentry always
          set profile.timezone = "Asia/Tokyo"
          set profile.timezone = "Europe/Stockholm"
        }
      `);
    // Monday the 12th, 23:00 in Stockholm is 22:00Z; at 21:30Z it is Tuesday 06:30 in Tokyo.
    const at = (trigger: string) => sim({ ir: ir(trigger), start: T("2026-01-05T07:00:00Z"), until: T("2026-01-20T00:00:00Z"), profiles: stockholm, events: [east("2026-01-12T21:30:00Z")] });
    expect(runs((await at("every day at 23:00")).timeline).slice(6, 9)).toEqual(["2026-01-11T22:00:00.000Z", "2026-01-12T22:00:00.000Z", "2026-01-13T22:00:00.000Z"]);
    expect(runs((await at("every week at 23:00")).timeline)).toEqual(["2026-01-05T22:00:00.000Z", "2026-01-12T22:00:00.000Z", "2026-01-19T22:00:00.000Z"]);
  });

  it("moved across the date line just after a daily run, a day ahead: the next run is the next day's", async () => {
    const ir = withSchema(`
      journey Run {
        on schedule every day at 09:00 for Everyone
        reentry always
        send email { subject "run" text "x" } to profile.email
      }
      journey Move {
        on Ping
        set profile.timezone = "Pacific/Kiritimati"
      }
    `);
    // 09:00 in Pago Pago (UTC−11) is 20:00Z; in Kiritimati (UTC+14) it is 19:00Z the day before.
    const { timeline } = await sim({ ir, start: T("2026-03-30T12:00:00Z"), until: T("2026-04-02T00:00:00Z"), profiles: [{ id: "p1", timezone: "Pacific/Pago_Pago" }], events: [ev("Ping", "p1", T("2026-03-30T20:30:00Z"), { n: 1 })] });
    expect(runs(timeline)).toEqual(["2026-03-30T20:00:00.000Z", "2026-03-31T19:00:00.000Z", "2026-04-01T19:00:00.000Z"]);
  });

  it("an upsert moves it the same way", async () => {
    const { runtime, clock, timeline } = runtimeFor(schedule("every month on 31 at 09:00"), T("2026-03-20T12:00:00Z"));
    await runtime.start();
    await runtime.upsertProfile("p1", { timezone: "Europe/Stockholm" });
    await runtime.advanceTo(T("2026-03-31T06:30:00Z"));
    clock.set(T("2026-03-31T06:30:00Z"));
    await runtime.upsertProfile("p1", { timezone: "Asia/Tokyo" });
    await runtime.advanceTo(T("2026-05-01T00:00:00Z"));
    expect(runs(timeline)).toEqual(["2026-03-31T06:30:00.000Z", "2026-04-30T00:00:00.000Z"]);
    await runtime.stop();
  });

  it("moved west at the very instant of the run (by a step due then), it runs once, at `at` in the new zone", async () => {
    const ir = withSchema(`
      journey Run {
        on schedule every day at 09:00 for Everyone
        reentry always
        send email { subject "run" text "x" } to profile.email
      }
      journey Move {
        on Ping
        wait 1h
        set profile.timezone = "America/New_York"
      }
    `);
    // 09:00 in Stockholm is 07:00Z, when the wait ends; 09:00 in New York is 13:00Z (EDT).
    const { timeline } = await sim({ ir, start: T("2026-03-30T12:00:00Z"), until: T("2026-04-01T12:00:00Z"), profiles: stockholm, events: [ev("Ping", "p1", T("2026-03-31T06:00:00Z"), { n: 1 })] });
    expect(runs(timeline)).toEqual(["2026-03-31T13:00:00.000Z"]);
  });

  it("across a daylight-saving change: the pending run keeps its day, at `at` in the new zone that day", async () => {
    // Stockholm moves to CEST on March 29, 2026; New York moved on March 8. Moved on the 28th,
    // after Stockholm's 09:00 (08:00Z): the next run is 09:00 on the 29th in New York (13:00Z).
    const { timeline } = await sim({ ir: withSchema(`
      journey Run {
        on schedule every day at 09:00 for Everyone
        reentry always
        send email { subject "run" text "x" } to profile.email
      }
      journey Move {
        on Ping
        set profile.timezone = "America/New_York"
      }
    `), start: T("2026-03-27T12:00:00Z"), until: T("2026-03-30T14:00:00Z"), profiles: stockholm, events: [ev("Ping", "p1", T("2026-03-28T09:00:00Z"), { n: 1 })] });
    expect(runs(timeline)).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-29T13:00:00.000Z", "2026-03-30T13:00:00.000Z"]);
  });
});

describe("one live instance per profile and journey", () => {
  it("ignores triggers while an instance is live, for that profile only", async () => {
    const ir = withSchema(`
      journey J {
        on Ping as p
        reentry always
        wait 1h
        send email { subject "ping {{p.n}}" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }, { id: "p2" }],
      events: [
        ev("Ping", "p1", T0, { n: 1 }),
        ev("Ping", "p1", T0 + 30 * MIN, { n: 2 }), // p1 is live: ignored
        ev("Ping", "p2", T0 + 30 * MIN, { n: 3 }), // another profile: its own instance
        ev("Ping", "p1", T0 + 2 * HOUR, { n: 4 }), // p1's first instance ended: a new one
      ],
    });
    expect(ofType(timeline, "entered").map((e) => e.instanceId)).toEqual([instanceId("J", "p1", 1, T0), instanceId("J", "p2", 1, T0 + 30 * MIN), instanceId("J", "p1", 2, T0 + 2 * HOUR)]);
    expect(ofType(timeline, "send").map((s) => `${s.profileId} ${s.content["subject"]}`)).toEqual(["p1 ping 1", "p2 ping 3", "p1 ping 4"]);
  });
});

describe("reentry", () => {
  const journey = (clause: string) =>
    withSchema(`
      journey J {
        on Ping
        ${clause}
        wait 1h
        send email { subject "s" text "x" } to profile.email
      }
    `);
  const pings = (...times: number[]) => times.map((t, i) => ev("Ping", "p1", t, { n: i }));

  it("`never` is the default: one instance per profile, ever", async () => {
    for (const clause of ["", "reentry never"]) {
      const { timeline } = await sim({ ir: journey(clause), profiles: [{ id: "p1" }], events: pings(T0, T0 + 2 * HOUR, T0 + 30 * DAY) });
      expect(ofType(timeline, "entered")).toHaveLength(1);
    }
  });

  it("`always`: a new instance as soon as the previous one ended", async () => {
    const { timeline } = await sim({ ir: journey("reentry always"), profiles: [{ id: "p1" }], events: pings(T0, T0 + HOUR, T0 + HOUR + 1) });
    // The first instance ends at T0+1h, before the event at the same instant (timers first).
    expect(ofType(timeline, "entered").map((e) => iso(e.at))).toEqual([iso(T0), iso(T0 + HOUR)]);
  });

  it("`after d` counts from the end of the last instance: exactly d later enters, 1 ms earlier does not", async () => {
    const ended = T0 + HOUR;
    const early = await sim({ ir: journey("reentry after 1d"), profiles: [{ id: "p1" }], events: pings(T0, T0 + DAY, ended + DAY - 1) });
    expect(ofType(early.timeline, "entered").map((e) => iso(e.at))).toEqual([iso(T0)]);

    const exact = await sim({ ir: journey("reentry after 1d"), profiles: [{ id: "p1" }], events: pings(T0, ended + DAY - 1, ended + DAY) });
    expect(ofType(exact.timeline, "entered").map((e) => [e.instanceId, iso(e.at)])).toEqual([
      [instanceId("J", "p1", 1, T0), iso(T0)],
      [instanceId("J", "p1", 2, ended + DAY), iso(ended + DAY)],
    ]);
  });
});
