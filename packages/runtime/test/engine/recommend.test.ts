/** `recommend` against the built-in scan catalog engine. */
import { describe, expect, it } from "vitest";
import { createRuntime, MemoryStore, VirtualClock, type Effect } from "@journey/runtime";
import { HOUR, MIN, PRODUCT_CATALOG, SCHEMA, T0, ev, irOf, ofType, sim } from "./helpers.js";


const ir = irOf(`${SCHEMA}${PRODUCT_CATALOG}
journey CartRecs {
  on Cart as cart where cart.cartId == "mine"
  recommend recs = cartBased(cart.items.sku) where item.inStock exclude purchased limit 3 backup popular(by: purchases)
  send email { subject "{{#each recs as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
}
journey NotInCart {
  on Cart as cart where cart.cartId == "mine2"
  recommend recs = popular() exclude inCart, ["C"] limit 10
  send email { subject "{{#each recs as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
}
journey Recent {
  on Ping as p where p.n == 1
  recommend seen = recentlyViewed() limit 10
  send email { subject "{{#each seen as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
}
journey Filled {
  on Ping as p where p.n == 2
  recommend top = recentlyViewed() limit 4 backup popular(by: purchases)
  send email { subject "{{#each top as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
}
journey Hats {
  on Ping as p where p.n == 3
  recommend hats = popular(by: views, category: "hats") where item.price < 50 limit 5
  send email { subject "{{#each hats as |p|}}{{p.sku}} {{/each}}" text "{{length hats}}" } to profile.email
}
journey Empty {
  on Ping as p where p.n == 4
  recommend none = recentlyViewed() limit 3
  if length(none) == 0 { send email { subject "empty" text "x" } to profile.email }
}
`);

const item = (sku: string, category: string, price = 10, inStock = true) => ({ sku, name: `Product ${sku}`, price, category, inStock });
const catalog = [item("A", "misc"), item("B", "misc"), item("C", "misc", 10, false), item("D", "misc"), item("X1", "hats", 20), item("X2", "hats", 60), item("X3", "scarves", 30)];
const line = (sku: string) => ({ sku, name: `Product ${sku}`, price: 10, category: "misc" });
const order = (p: string, at: number, ...skus: string[]) => ev("Order", p, at, { orderId: `o-${p}-${at}`, items: skus.map(line), total: 10 });
const cart = (p: string, at: number, id: string, ...skus: string[]) => ev("Cart", p, at, { cartId: id, items: skus.map(line), total: 10 });
const view = (p: string, at: number, sku: string) => ev("View", p, at, { sku, category: "x" });

/** Shared history: other shoppers' baskets, and p1's own purchase of D. */
const history = [order("q1", T0, "A", "B"), order("q2", T0 + MIN, "A", "C"), cart("q3", T0 + 2 * MIN, "theirs", "A", "B", "D"), order("p1", T0 + 3 * MIN, "D")];

const run = (events: ReturnType<typeof ev>[]) =>
  sim({ ir, catalog, profiles: ["p1", "p2", "p3", "q1", "q2", "q3"].map((id) => ({ id })), events: [...history, ...events] });

const subjectOf = (timeline: Awaited<ReturnType<typeof run>>["timeline"], journey: string) => ofType(timeline, "send", journey).map((s) => String(s.content["subject"]).trim());

describe("recommend", () => {
  it("cartBased: co-occurring items, `where item.…`, `exclude purchased`, then the backup fills the rest without duplicates", async () => {
    const { timeline } = await run([cart("p1", T0 + 10 * MIN, "mine", "A")]);
    // Co-occurring with A: B (two baskets), C and D (one each). C is out of stock, D was bought by p1.
    // The backup (best sellers: A twice, then B, C, D) adds A; B is a duplicate, C fails `where`, D is excluded.
    expect(subjectOf(timeline, "CartRecs")).toEqual(["B A"]);
    const [rec] = ofType(timeline, "recommend", "CartRecs");
    expect(rec!.name).toBe("recs");
    expect(rec!.items).toEqual([
      { key: "B", source: "cartBased" },
      { key: "A", source: "popular" },
    ]);
    const [req] = ofType(timeline, "recommendRequest", "CartRecs");
    expect(req!.request).toMatchObject({ algorithm: { name: "cartBased", args: [["A"]] }, backup: { name: "popular", named: { by: "purchases" } }, exclude: ["purchased"], limit: 3 });
  });

  it("`exclude inCart` and an explicit list of keys", async () => {
    const { timeline } = await run([cart("p1", T0 + 10 * MIN, "mine2", "B")]);
    // Best sellers: A, B, C, D; B is in p1's cart, C is excluded by key.
    expect(subjectOf(timeline, "NotInCart")).toEqual(["A D"]);
  });

  it("`exclude inCart` after the cart was emptied excludes nothing: the latest cart is empty", async () => {
    // A cart event without items is still the profile's latest cart (it records an empty cart signal).
    const { timeline } = await run([cart("p1", T0 + 10 * MIN, "before", "B"), cart("p1", T0 + 11 * MIN, "mine2")]);
    expect(subjectOf(timeline, "NotInCart")).toEqual(["A B D"]);
  });

  it("recentlyViewed: this profile's views, newest first, without duplicates", async () => {
    const { timeline } = await run([view("p1", T0 + 10 * MIN, "X1"), view("p1", T0 + 11 * MIN, "X2"), view("p2", T0 + 12 * MIN, "A"), view("p1", T0 + 13 * MIN, "X1"), view("p1", T0 + 14 * MIN, "X3"), ev("Ping", "p1", T0 + 20 * MIN, { n: 1 })]);
    expect(subjectOf(timeline, "Recent")).toEqual(["X3 X1 X2"]);
  });

  it("popular as a backup fills a short result up to the limit", async () => {
    const { timeline } = await run([view("p2", T0 + 10 * MIN, "X1"), ev("Ping", "p2", T0 + 20 * MIN, { n: 2 })]);
    expect(subjectOf(timeline, "Filled")).toEqual(["X1 A B C"]);
    expect(ofType(timeline, "recommend", "Filled")[0]!.items.map((i) => i.source)).toEqual(["recentlyViewed", "popular", "popular", "popular"]);
  });

  it("popular(by: views, category: …) with `where item.price < …`", async () => {
    const { timeline } = await run([view("p1", T0 + 10 * MIN, "X1"), view("p2", T0 + 11 * MIN, "X1"), view("p1", T0 + 12 * MIN, "X2"), view("p2", T0 + 13 * MIN, "X3"), ev("Ping", "p3", T0 + 20 * MIN, { n: 3 })]);
    // Hats viewed: X1 twice, X2 once (60, filtered out by price); X3 is a scarf.
    expect(subjectOf(timeline, "Hats")).toEqual(["X1"]);
    expect(ofType(timeline, "send", "Hats")[0]!.content["text"]).toBe("1");
  });

  it("an empty result is a valid answer, not an error", async () => {
    const { timeline } = await run([ev("Ping", "p3", T0 + 20 * MIN, { n: 4 })]);
    expect(subjectOf(timeline, "Empty")).toEqual(["empty"]);
    expect(ofType(timeline, "error")).toEqual([]);
  });

  it("recommendations see only what happened before them (signals are recorded as events arrive)", async () => {
    const { timeline } = await run([view("p1", T0 + 10 * MIN, "X1"), ev("Ping", "p1", T0 + 20 * MIN, { n: 1 }), view("p1", T0 + 30 * MIN, "X2")]);
    expect(subjectOf(timeline, "Recent")).toEqual(["X1"]);
  });
});

describe("recommend: when it is answered", () => {
  const waiting = irOf(`${SCHEMA}${PRODUCT_CATALOG}
journey Later {
  on Ping as p
  wait 1h
  recommend top = popular(by: purchases) limit 2
  send email { subject "{{#each top as |t|}}{{t.sku}} {{/each}}" text "x" } to profile.email
}
`);

  /** Every commit a store receives, as the effect types it appends. */
  function recorded(store: MemoryStore): string[][] {
    const commits: string[][] = [];
    const commit = store.commit.bind(store);
    store.commit = async (b) => {
      commits.push(b.effects.map((e) => e.type));
      return commit(b);
    };
    return commits;
  }

  it("built-in algorithms: inside the unit of work that reaches the step, in one commit with the send", async () => {
    const store = new MemoryStore();
    const commits = recorded(store);
    const clock = new VirtualClock(T0);
    const rt = createRuntime({ ir: waiting, store, clock });
    await rt.start();
    rt.catalog!.upsertItems([{ sku: "A", name: "A", price: 1, category: "c", inStock: true }]);
    await rt.ingest(ev("Ping", "p1", T0, { n: 1 }));
    commits.length = 0;
    await rt.advanceTo(T0 + HOUR);
    expect(commits[0]).toEqual(["recommendRequest", "recommend", "send", "ended"]);
    // The request was answered, not left waiting: only the message is pending until it is marked sent.
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.type)).toEqual(["send"]);
    await rt.stop();
  });

  it("in a unit of work that carries catalog signals: in the same commit, and the answer sees them", async () => {
    const store = new MemoryStore();
    const commits = recorded(store);
    const timeline: Effect[] = [];
    const rt = createRuntime({ ir, store, clock: new VirtualClock(T0), onEffect: (e) => timeline.push(e) });
    await rt.start();
    rt.catalog!.upsertItems(["A", "B", "C"].map((sku) => ({ sku, name: sku, price: 1, category: "c", inStock: true })));
    await rt.ingest(ev("Order", "q1", T0, { orderId: "o1", items: [line("A"), line("B")], total: 2 }));
    commits.length = 0;
    await rt.ingest(ev("Cart", "p1", T0, { cartId: "mine2", items: [line("A")], total: 1 }));
    expect(commits).toEqual([["entered", "recommendRequest", "recommend", "send", "ended"]]);
    // `exclude inCart` knows the cart of the event in the same unit: A is left out.
    expect(timeline.find((e) => e.type === "send" && e.profileId === "p1")).toMatchObject({ content: { subject: "B " } });
    await rt.stop();
  });
});

describe("a failed recommendation algorithm", () => {
  it("is named in the `recommend` effect (`failed`), the backup's items beside it", async () => {
    const withProvider = irOf(`${SCHEMA}${PRODUCT_CATALOG}
      journey R {
        on Ping
        recommend picks = provider("personal") limit 2 backup popular(by: views)
        send email { subject "{{#each picks as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
      }
    `);
    const providers = { personal: { recommend: async () => Promise.reject(new Error("503 from the recommender")) } };
    const catalog = [line("A"), line("B")].map((l) => ({ ...l, inStock: true }));
    const { timeline } = await sim({ ir: withProvider, catalog, providers, profiles: [{ id: "p1" }, { id: "p2" }], events: [ev("View", "p2", T0 - MIN, { sku: "B", category: "hats" }), ev("Ping", "p1", T0, { n: 1 })] });
    const [rec] = ofType(timeline, "recommend");
    expect(rec!.failed).toEqual(["provider:personal: 503 from the recommender"]);
    expect(rec!.items).toEqual([{ key: "B", source: "popular" }]);
  });

  it("an exclusion or a limit that cannot be evaluated does not fail the journey: it is named in `failed`", async () => {
    const ir = irOf(`${SCHEMA}${PRODUCT_CATALOG}
      journey R {
        on Ping as p
        recommend picks = popular(by: views) exclude [["A"][p.n]] limit 2
        recommend none = popular(by: views) limit [1][p.n]
        send email { subject "{{#each picks as |x|}}{{x.sku}} {{/each}}" text "{{length none}}" } to profile.email
      }
    `);
    const catalog = [line("A"), line("B")].map((l) => ({ ...l, inStock: true }));
    const views = [ev("View", "p2", T0 - 2 * MIN, { sku: "A", category: "hats" }), ev("View", "p2", T0 - MIN, { sku: "B", category: "hats" })];
    const { timeline } = await sim({ ir, catalog, profiles: [{ id: "p1" }, { id: "p2" }], events: [...views, ev("Ping", "p1", T0, { n: 3 })] });
    // The exclusion excludes nothing (A stays); the limit asks for nothing (an empty list).
    expect(ofType(timeline, "send").map((x) => [String(x.content["subject"]).trim(), x.content["text"]])).toEqual([["A B", "0"]]);
    expect(ofType(timeline, "recommend").map((r) => r.failed)).toEqual([["exclude: index 3 is out of range of a list of 1"], ["limit: index 3 is out of range of a list of 1"]]);
    expect(ofType(timeline, "ended")[0]!.reason).toBe("end");
  });
});
