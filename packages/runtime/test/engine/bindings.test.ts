/** A waiting instance keeps only the bindings it may still read (`Program.liveVars`). */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, T0, ev, irOfFiles, line, ofType, sim, withSchema } from "./helpers.js";

const CART = { cartId: "c1", items: [line("A")], total: 120 };

/** The bindings of `journey`'s instance for p1 once the simulation stops, with the sends' subjects. */
async function waitingVars(journey: string, horizonMs: number, events = [ev("Cart", "p1", T0, CART)]) {
  const ir = withSchema(journey);
  const { timeline, runtime } = await sim({ ir, profiles: [{ id: "p1" }], events, horizonMs });
  const state = await runtime.profile("p1");
  const subjects = ofType(timeline, "send").map((s) => String(s.content["subject"]));
  return { vars: Object.keys(state?.instances["J"]?.vars ?? {}).sort(), subjects };
}

describe("bindings of a waiting instance", () => {
  it("are dropped after their last use; those read later, or by an exit, are kept and still render", async () => {
    const journey = `
      journey J {
        on Cart as cart
        exit on Order where event.cartId == cart.cartId
        let total = cart.total
        let later = "kept"
        send email { subject "{{total}}" text "x" } to profile.email
        wait 1d
        send email { subject "{{later}}" text "x" } to profile.email
        wait 1d
        send email { subject "bye" text "x" } to profile.email
      }`;
    expect(await waitingVars(journey, 2 * HOUR)).toEqual({ vars: ["cart", "later"], subjects: ["120"] });
    // After the second send nothing reads `later`; `cart` stays for the exit.
    expect(await waitingVars(journey, DAY + 2 * HOUR)).toEqual({ vars: ["cart"], subjects: ["120", "kept"] });
  });

  it("a goal's condition keeps what it reads, also after the instance ends", async () => {
    const journey = `
      journey J {
        on Cart as cart
        goal big: Order where event.total >= cart.total within 7d
        let unused = 1
        wait 1d
        send email { subject "{{unused}}" text "x" } to profile.email
        wait 1d
        send email { subject "bye" text "x" } to profile.email
      }`;
    expect((await waitingVars(journey, DAY + 2 * HOUR)).vars).toEqual(["cart"]);
    const ir = withSchema(journey);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Cart", "p1", T0, CART), ev("Order", "p1", T0 + 2 * DAY, { orderId: "o1", items: [line("A")], total: 150 })] });
    expect(ofType(timeline, "goal").map((g) => g.goal)).toEqual(["big"]);
  });

  it("a `repeat` keeps what its body reads for every iteration", async () => {
    const journey = `
      journey J {
        on Cart
        let greeting = "hi"
        repeat 3 every 1d {
          send email { subject "{{greeting}}" text "x" } to profile.email
        }
      }`;
    expect(await waitingVars(journey, 2 * HOUR)).toEqual({ vars: ["greeting"], subjects: ["hi"] });
    expect((await waitingVars(journey, 5 * DAY)).subjects).toEqual(["hi", "hi", "hi"]);
  });

  it("a `wait for` keeps what its condition and both of its paths read", async () => {
    const journey = `
      journey J {
        on Cart as cart
        let threshold = 100
        let onTimeout = "late"
        let dropped = "x"
        send email { subject "{{dropped}}" text "x" } to profile.email
        wait for Order where event.total > threshold within 1d {
          send email { subject "thanks" text "x" } to profile.email
        } timeout {
          send email { subject "{{onTimeout}}" text "x" } to profile.email
        }
      }`;
    expect((await waitingVars(journey, 2 * HOUR)).vars).toEqual(["onTimeout", "threshold"]);
    expect((await waitingVars(journey, 2 * DAY)).subjects).toEqual(["x", "late"]);
  });

  it("the abandoned-cart sample waits a day for an order holding the cart, not the recommendations it sent", async () => {
    const dir = new URL("../../../../samples/abandoned-cart/", import.meta.url);
    const ir = irOfFiles(readdirSync(dir).filter((f) => f.endsWith(".journey")).map((f) => ({ path: f, text: readFileSync(new URL(f, dir), "utf8") })));
    const catalog = JSON.parse(readFileSync(new URL("catalog.json", dir), "utf8")) as { sku: string; name: string; price: number; category: string }[];
    const item = catalog[0]!;
    const cart = { cartId: "c1", items: [{ sku: item.sku, name: item.name, price: item.price, qty: 1, category: item.category }], total: item.price, cartUrl: "https://shop.example.com/cart/c1" };
    const profile = { id: "p1", email: "p1@example.com", timezone: "UTC", consent: { email: true, sms: false } };
    const { timeline, runtime } = await sim({ ir, catalog, profiles: [profile], events: [ev("CartAbandoned", "p1", "2026-03-02T10:00:00Z", cart)], horizonMs: 6 * HOUR });
    expect(ofType(timeline, "recommend")).toHaveLength(1);
    expect(ofType(timeline, "send").map((s) => s.template)).toEqual(["CartReminder"]);
    const waiting = (await runtime.profile("p1"))?.instances["AbandonedCart"];
    expect(waiting?.wait?.kind).toBe("event");
    expect(Object.keys(waiting?.vars ?? {})).toEqual(["cart"]);
  });
});
