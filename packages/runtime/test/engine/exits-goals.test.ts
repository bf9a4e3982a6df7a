/** `exit on` and `goal`. */
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MIN, T0, ev, iso, ofType, sim, trace, withSchema, instanceId } from "./helpers.js";

const cart = (id: string, total = 20) => ({ cartId: id, items: [], total });
const order = (id: string, cartId: string | null, total = 20) => ({ orderId: id, cartId, items: [], total });

describe("exit on", () => {
  const ir = withSchema(`
    journey J {
      on Cart as cart
      exit on Order where event.cartId == cart.cartId
      exit on Stop as s where s.reason == "bye"
      wait 4h
      send email { subject "reminder" text "x" } to profile.email
      wait for Ping as p within 1d {
        send email { subject "pinged {{p.n}}" text "x" } to profile.email
      } timeout {
        send email { subject "timeout" text "x" } to profile.email
      }
      send email { subject "after" text "x" } to profile.email
    }
  `);

  it("ends an instance waiting on a timer (`wait d`), with reason exit; nothing after it runs", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + HOUR, order("o1", "c1"))] });
    expect(trace(timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + HOUR)} ended J exit`]);
  });

  it("uses the trigger alias and `event` in `where`: a non-matching event does not exit", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + HOUR, order("o1", "other"))] });
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["reminder", "timeout", "after"]);
  });

  it("ends an instance waiting in `wait for` (the exit event does not resume it)", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [ev("Cart", "p1", T0, cart("c1")), ev("Stop", "p1", T0 + 5 * HOUR, { reason: "bye" }), ev("Ping", "p1", T0 + 6 * HOUR, { n: 1 })],
    });
    expect(trace(timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + 4 * HOUR)} send email reminder`, `${iso(T0 + 5 * HOUR)} ended J exit`]);
  });

  it("an alias-bound exit (`exit on Stop as s where s.reason …`) only matches its condition", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [ev("Cart", "p1", T0, cart("c1")), ev("Stop", "p1", T0 + 5 * HOUR, { reason: "stay" }), ev("Ping", "p1", T0 + 6 * HOUR, { n: 7 })],
    });
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["reminder", "pinged 7", "after"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("an exit event that is also the awaited `wait for` event ends the instance instead of resuming it", async () => {
    const ir2 = withSchema(`
      journey J {
        on Cart as cart
        exit on Order where event.cartId == cart.cartId
        wait for Order within 1d {
          send email { subject "resumed" text "x" } to profile.email
        }
      }
    `);
    const { timeline } = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + HOUR, order("o1", "c1"))] });
    expect(ofType(timeline, "send")).toEqual([]);
    expect(ofType(timeline, "ended").map((e) => [e.reason, iso(e.at)])).toEqual([["exit", iso(T0 + HOUR)]]);
    // Another cart's order resumes it instead.
    const other = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + HOUR, order("o2", "c2"))] });
    expect(ofType(other.timeline, "send").map((s) => s.content["subject"])).toEqual(["resumed"]);
    expect(ofType(other.timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("a late exit event (after the instance ended) changes nothing", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + 3 * DAY, order("o1", "c1"))],
    });
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });
});

describe("goal", () => {
  const ir = withSchema(`
    journey J {
      on Cart as cart
      goal purchase: Order within 7d
      goal sameCart: Order as o where o.cartId == cart.cartId within 2d
      wait 1h
      send email { subject "reminder" text "x" } to profile.email
    }
  `);

  it("records a conversion with the time to conversion, and does not end the instance", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + 30 * MIN, order("o1", "c1"))] });
    expect(ofType(timeline, "goal").map((g) => [g.goal, g.afterMs, g.instanceId, iso(g.at)])).toEqual([
      ["purchase", 30 * MIN, instanceId("J", "p1", 1, T0), iso(T0 + 30 * MIN)],
      ["sameCart", 30 * MIN, instanceId("J", "p1", 1, T0), iso(T0 + 30 * MIN)],
    ]);
    // The instance still sends and ends normally.
    expect(ofType(timeline, "send")).toHaveLength(1);
    expect(ofType(timeline, "ended").map((e) => [e.reason, iso(e.at)])).toEqual([["end", iso(T0 + HOUR)]]);
  });

  it("is recorded once per instance", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + MIN, order("o1", "x")), ev("Order", "p1", T0 + 2 * MIN, order("o2", "x"))],
    });
    expect(ofType(timeline, "goal").map((g) => g.goal)).toEqual(["purchase"]);
  });

  it("counts after the instance ended, within the window from the instance's start", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + 3 * DAY, order("o1", "c1"))] });
    // sameCart's window (2d) is over; purchase's (7d) is not.
    expect(ofType(timeline, "goal").map((g) => [g.goal, g.afterMs])).toEqual([["purchase", 3 * DAY]]);
    expect(timeline.findIndex((e) => e.type === "goal")).toBeGreaterThan(timeline.findIndex((e) => e.type === "ended"));
  });

  it("the window is inclusive of its end and nothing is recorded after it", async () => {
    const at = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + 7 * DAY, order("o1", "x"))] });
    expect(ofType(at.timeline, "goal").map((g) => g.afterMs)).toEqual([7 * DAY]);
    const after = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + 7 * DAY + 1, order("o1", "x"))] });
    expect(ofType(after.timeline, "goal")).toEqual([]);
  });

  it("an exiting event is also a goal conversion (exit and goal on the same event)", async () => {
    const ir2 = withSchema(`
      journey J {
        on Cart as cart
        exit on Order
        goal purchase: Order within 7d
        wait 1d
        send email { subject "s" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + HOUR, order("o1", null))] });
    expect(trace(timeline)).toEqual([`${iso(T0)} entered J`, `${iso(T0 + HOUR)} ended J exit`, `${iso(T0 + HOUR)} goal purchase`]);
  });

  it("goals belong to the last instance: a new instance has its own window and record", async () => {
    const ir2 = withSchema(`
      journey J {
        on Cart as cart
        reentry always
        goal purchase: Order within 7d
        send email { subject "s" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({
      ir: ir2,
      profiles: [{ id: "p1" }],
      events: [ev("Cart", "p1", T0, cart("c1")), ev("Order", "p1", T0 + HOUR, order("o1", null)), ev("Cart", "p1", T0 + 2 * HOUR, cart("c2")), ev("Order", "p1", T0 + 5 * HOUR, order("o2", null))],
    });
    expect(ofType(timeline, "goal").map((g) => [g.instanceId, g.afterMs])).toEqual([
      [instanceId("J", "p1", 1, T0), HOUR],
      [instanceId("J", "p1", 2, T0 + 2 * HOUR), 3 * HOUR],
    ]);
  });
});
