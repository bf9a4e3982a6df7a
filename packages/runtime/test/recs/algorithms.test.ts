/**
 * Each algorithm against the hand-computed data set of `fixtures.ts`, on both engines: the
 * brute-force reference and the incremental engine must give these exact answers.
 */
import { describe, expect, it } from "vitest";
import { CATALOG, DAY, ENGINES, HOUR, MIN, SIGNALS, T0, item, loaded, req, sig } from "./fixtures.js";

const NOW = T0 + 10 * HOUR;

describe.each(ENGINES)("%s", (_, make) => {
  describe("cartBased(keys)", () => {
    it("scores co-occurrence over √frequency: the best seller does not top the list", () => {
      // With H1: S1 in 2 baskets (freq 2) → 2/√2; H2 1 (freq 1) → 1; G1 1 (freq 2) → 0.71;
      // BEST 1 (freq 5) → 0.45. By raw co-occurrence BEST would tie second.
      expect(loaded(make).rank(req("cartBased", NOW, [["H1"]]))).toEqual(["S1", "H2", "G1", "BEST"]);
    });

    it("sums over the given keys, and never returns them", () => {
      // S1: 2 with H1 + 1 with G1 → 3/√2; H2: 1 → 1; BEST: 1 + 1 → 2/√5.
      expect(loaded(make).rank(req("cartBased", NOW, [["H1", "G1"]]))).toEqual(["S1", "H2", "BEST"]);
    });

    it("unknown keys and an empty list give nothing", () => {
      const e = loaded(make);
      expect(e.rank(req("cartBased", NOW, [["NOPE"]]))).toEqual([]);
      expect(e.rank(req("cartBased", NOW, [[]]))).toEqual([]);
    });

    it("counts only the baskets in its window (bucket-aligned: at least the window, at most one bucket more)", () => {
      const e = loaded(make, { windows: { cartBased: 5 * HOUR } });
      // From 05:00 on: baskets 5–9. With BEST: G1 (1, freq 1) → 1, S2 (1, freq 2: baskets 5 and 9) → 0.71.
      expect(e.rank(req("cartBased", NOW, [["BEST"]]))).toEqual(["G1", "S2"]);
      expect(e.rank(req("cartBased", NOW, [["H1"]]))).toEqual([]);
      // Half an hour later the window starts at 05:30, in the bucket of 05:00: basket 5 still counts.
      expect(e.rank(req("cartBased", NOW + 30 * MIN, [["BEST"]]))).toEqual(["G1", "S2"]);
      // An hour later, it does not: S2 is only in basket 9 (with no BEST).
      expect(e.rank(req("cartBased", NOW + HOUR, [["BEST"]]))).toEqual(["G1"]);
    });
  });

  describe("boughtTogether(key)", () => {
    it("purchases only: the cart with H2 does not count", () => {
      // S1 2/√2, G1 1/√2, BEST 1/√4.
      expect(loaded(make).rank(req("boughtTogether", NOW, ["H1"]))).toEqual(["S1", "G1", "BEST"]);
    });
  });

  describe("viewedTogether(key)", () => {
    it("groups views by profile session (an hour), not by profile", () => {
      // Sessions: p1@1h {H1 S1}, p1@2h {G1 H2}, p2@1h {H1 H2}, p3@3h {S1 H1}.
      // With H1: S1 twice (freq 2) → 1.41, H2 once (freq 2) → 0.71. G1 was viewed by p1, but in another session.
      expect(loaded(make).rank(req("viewedTogether", NOW, ["H1"]))).toEqual(["S1", "H2"]);
      expect(loaded(make).rank(req("viewedTogether", NOW, ["G1"]))).toEqual(["H2"]);
    });

    it("sessions of another length", () => {
      // Three-hour sessions from 00:00 and 03:00: p1 {H1 S1 G1 H2}, p2 {H1 H2}, p3 {S1 H1}.
      // With H1: H2 2 (freq 2), S1 2 (freq 2), G1 1 (freq 1): all 1.41 or 1, ties by key.
      expect(loaded(make, { sessionMs: 3 * HOUR }).rank(req("viewedTogether", NOW, ["H1"]))).toEqual(["H2", "S1", "G1"]);
    });
  });

  describe("recentlyViewed()", () => {
    it("this profile's views, newest first, without duplicates", () => {
      expect(loaded(make).rank(req("recentlyViewed", T0 + 3 * HOUR))).toEqual(["H2", "G1", "H1", "S1"]);
      expect(loaded(make).rank(req("recentlyViewed", T0 + 3 * HOUR, [], {}, "p3"))).toEqual(["H1", "S1"]);
      expect(loaded(make).rank(req("recentlyViewed", T0 + 3 * HOUR, [], {}, "nobody"))).toEqual([]);
    });

    it("over its window, and at most `recentItems` keys", () => {
      expect(loaded(make, { windows: { recentlyViewed: HOUR } }).rank(req("recentlyViewed", T0 + 3 * HOUR))).toEqual(["H2", "G1"]);
      expect(loaded(make, { recentItems: 3 }).rank(req("recentlyViewed", T0 + 3 * HOUR))).toEqual(["H2", "G1", "H1"]);
    });
  });

  describe("popular(by, category, window)", () => {
    it("purchases over 7 days by default, ties by key", () => {
      // BEST 4, H1 3, G1 2, S1 2, S2 1.
      expect(loaded(make).rank(req("popular", NOW))).toEqual(["BEST", "H1", "G1", "S1", "S2"]);
      expect(loaded(make).rank(req("popular", NOW, [], { by: "purchases" }))).toEqual(["BEST", "H1", "G1", "S1", "S2"]);
    });

    it("by views: one count per view signal", () => {
      // H1 4 (p1 twice, p2, p3), H2 2, S1 2, G1 1.
      expect(loaded(make).rank(req("popular", T0 + 4 * HOUR, [], { by: "views" }))).toEqual(["H1", "H2", "S1", "G1"]);
    });

    it("in one category (the item's `category` field, as the catalog has it now)", () => {
      const e = loaded(make);
      expect(e.rank(req("popular", NOW, [], { category: "scarves" }))).toEqual(["S1", "S2"]);
      expect(e.rank(req("popular", NOW, [], { category: "none" }))).toEqual([]);
      e.upsertItems([item("G1", "scarves")]);
      expect(e.rank(req("popular", NOW, [], { category: "scarves" }))).toEqual(["G1", "S1", "S2"]);
      e.removeItems(["S1"]);
      expect(e.rank(req("popular", NOW, [], { category: "scarves" }))).toEqual(["G1", "S2"]);
    });

    it("over the window asked for", () => {
      // From 05:00: purchases 5, 6, 8.
      expect(loaded(make).rank(req("popular", T0 + 8 * HOUR, [], { window: 3 * HOUR }))).toEqual(["BEST", "G1", "S2"]);
      // A window ends, and the ranking with it.
      expect(loaded(make).rank(req("popular", NOW + 7 * DAY + HOUR))).toEqual([]);
    });
  });

  describe("exclusions: profileKeys", () => {
    it("viewed, purchased, and the latest cart only", () => {
      const e = loaded(make);
      expect([...e.profileKeys("p1", "view", NOW)].sort()).toEqual(["G1", "H1", "H2", "S1"]);
      expect([...e.profileKeys("q2", "purchase", NOW)].sort()).toEqual(["G1", "H1", "S1"]);
      expect([...e.profileKeys("q3", "cart", NOW)]).toEqual(["S2"]);
      expect([...e.profileKeys("nobody", "cart", NOW)]).toEqual([]);
    });

    it("within the retention", () => {
      const e = loaded(make);
      expect([...e.profileKeys("q2", "purchase", NOW + 31 * DAY)]).toEqual([]);
    });

    it("an emptied cart is the latest cart: nothing is in it, and it pairs nothing", () => {
      const e = loaded(make);
      const before = e.rank(req("cartBased", NOW, [["S2"]]));
      e.recordSignal(sig("q3", "cart", NOW - MIN));
      expect([...e.profileKeys("q3", "cart", NOW)]).toEqual([]);
      expect(e.rank(req("cartBased", NOW, [["S2"]]))).toEqual(before);
    });
  });

  describe("recommend()", () => {
    it("returns catalog items, best first, skipping keys the catalog does not hold, up to `limit`", async () => {
      const e = loaded(make, undefined, [...SIGNALS, sig("q9", "purchase", T0 + 9 * HOUR, "GONE", "GONE", "GONE")]);
      e.recordSignal(sig("q10", "purchase", T0 + 9 * HOUR, "GONE"));
      e.recordSignal(sig("q11", "purchase", T0 + 9 * HOUR, "GONE"));
      const items = await e.recommend({ ...req("popular", NOW), limit: 2 });
      expect(items.map((i) => i["sku"])).toEqual(["BEST", "H1"]);
    });
  });

  describe("catalog items", () => {
    it("are checked against the declared type; invalid ones are left out with the field path", () => {
      const itemType = {
        kind: "record" as const,
        name: "Product",
        fields: [
          { name: "sku", type: { kind: "string" as const }, optional: false },
          { name: "price", type: { kind: "number" as const }, optional: false },
          { name: "category", type: { kind: "string" as const }, optional: true },
        ],
      };
      const rejected: string[] = [];
      const e = make({ itemType, onRejectedItem: (r: { message: string }) => rejected.push(r.message) } as never);
      const r = e.upsertItems([{ sku: "A", price: 1 }, { sku: "B", price: "cheap" }, { sku: "C" }, { price: 3 }, { sku: "D", price: 4, extra: true }]);
      expect(r).toMatchObject({ upserted: 2 });
      expect(rejected).toEqual([
        'catalog item `B` (items[1]): item.price expected number, found the string "cheap"',
        "catalog item `C` (items[2]): item.price is missing",
        "catalog item (items[3]): item.sku the key field must be a non-empty string, found null (and 1 more)",
      ]);
      expect(e.item("A")).toEqual({ sku: "A", price: 1 });
      expect(e.item("B")).toBeUndefined();
      // Fields the declaration does not name are allowed.
      expect(e.item("D")).toEqual({ sku: "D", price: 4, extra: true });
    });
  });

  it("an unknown algorithm is an error", () => {
    expect(() => loaded(make).rank(req("trending", NOW))).toThrow(/unknown algorithm `trending`/);
  });

  it("the catalog data set is what the tests assume", () => {
    expect(CATALOG.map((i) => i.sku)).toEqual(["H1", "H2", "H3", "S1", "S2", "G1", "BEST"]);
  });
});
