/**
 * The `recommend` step's answer (`resolveRecommendation`) over the incremental engine:
 * inclusion rules, exclusions, limit, and the backup on short results, on provider errors
 * and on deadline misses.
 */
import { describe, expect, it } from "vitest";
import type { RecommendRequest } from "../../src/engine/state.js";
import { requestFor, resolveRecommendation, shortText } from "../../src/recs/resolve.js";
import { IncrementalCatalogEngine, type CatalogItem, type RecommendationProvider } from "@journey/runtime";
import { CATALOG, HOUR, SIGNALS, T0, loaded, sig } from "./fixtures.js";

const NOW = T0 + 10 * HOUR;
const engine = () => loaded((o) => new IncrementalCatalogEngine({ keyField: "sku", ...o }));
const algo = (name: string, args: unknown[] = [], named: Record<string, unknown> = {}) => ({ name, args, named });
const request = (r: Partial<RecommendRequest> & Pick<RecommendRequest, "algorithm">): RecommendRequest => ({ exclude: [], limit: 10, timeZone: "UTC", ...r });

function resolve(r: RecommendRequest, profileId = "p1", providers: Record<string, RecommendationProvider> = {}, deadlineMs = 200, catalog = engine()) {
  return resolveRecommendation(r, profileId, { catalog, providers, deadlineMs, now: NOW, profile: { tier: "gold" } });
}

const skus = (items: CatalogItem[]) => items.map((i) => i["sku"]);
const byKeys = (...keys: string[]): RecommendationProvider => ({ recommend: async () => keys.map((k) => CATALOG.find((i) => i.sku === k)!) });

describe("recommend: where, exclude, limit", () => {
  it("`where item.…` keeps the items for which it holds", async () => {
    const e = engine();
    // Hats by purchases: H3 (out of stock) is the most bought.
    for (let i = 0; i < 4; i++) e.recordSignal(sig(`h${i}`, "purchase", T0 + 9 * HOUR, "H3"));
    const all = await resolve(request({ algorithm: algo("popular", [], { category: "hats" }) }), "p1", {}, 200, e);
    expect(skus(all.items)).toEqual(["H3", "H1"]);
    const inStock = await resolve(request({ algorithm: algo("popular", [], { category: "hats" }), where: { path: ["item", "inStock"] } }), "p1", {}, 200, e);
    expect(skus(inStock.items)).toEqual(["H1"]);
    // `where` sees the profile and the step's bindings too; an item it cannot be evaluated on is left out.
    const cheap = await resolve(request({ algorithm: algo("popular"), where: { op: "<", args: [{ path: ["item", "price"] }, { path: ["budget"] }] }, vars: { budget: 25 } }));
    expect(skus(cheap.items)).toEqual(["BEST", "H1", "G1"]);
    const broken = await resolve(request({ algorithm: algo("popular"), where: { op: "<", args: [{ path: ["item", "nothing", "here"] }, { lit: 1 }] } }));
    expect(broken.items).toEqual([]);
  });

  it("exclude purchased, inCart, viewed, and explicit keys", async () => {
    // Popular: BEST, H1, G1, S1, S2.
    expect(skus((await resolve(request({ algorithm: algo("popular"), exclude: ["purchased"] }), "q2")).items)).toEqual(["BEST", "S2"]);
    expect(skus((await resolve(request({ algorithm: algo("popular"), exclude: ["inCart"] }), "q3")).items)).toEqual(["BEST", "H1", "G1", "S1"]);
    expect(skus((await resolve(request({ algorithm: algo("popular"), exclude: ["viewed"] }), "p1")).items)).toEqual(["BEST", "S2"]);
    expect(skus((await resolve(request({ algorithm: algo("popular"), exclude: [["BEST", "S1"], ["nothing"]] }))).items)).toEqual(["H1", "G1", "S2"]);
  });

  it("`limit` cuts, and each item says which algorithm produced it", async () => {
    const r = await resolve(request({ algorithm: algo("cartBased", [["H1"]]), limit: 2 }));
    expect(skus(r.items)).toEqual(["S1", "H2"]);
    expect(r.sources).toEqual([
      { key: "S1", source: "cartBased" },
      { key: "H2", source: "cartBased" },
    ]);
  });

  it("a `limit` from the data of 0 or less is an empty list, and no algorithm or provider is asked", async () => {
    let asked = 0;
    const counting: RecommendationProvider = { recommend: async () => (asked++, []) };
    for (const n of [0, -3]) {
      const r = requestFor({ algorithm: { name: "provider", args: [{ lit: "p" }], named: {} }, backup: { name: "popular", args: [], named: {} }, exclude: [], limit: { path: ["n"] } }, { vars: { n }, now: NOW, timeZone: "UTC" }, {});
      expect(r.limit).toBe(0);
      expect(await resolve(r, "p1", { p: counting })).toEqual({ items: [], sources: [], errors: [] });
    }
    expect(asked).toBe(0);
  });
});

describe("recommend: why a recommendation is short", () => {
  it("says what each algorithm offered and what was left out, when fewer than the limit were found", async () => {
    const e = engine();
    for (let i = 0; i < 4; i++) e.recordSignal(sig(`h${i}`, "purchase", T0 + 9 * HOUR, "H3"));
    // Hats by purchases (H3 out of stock, H1), then the best sellers of every category.
    const r = await resolve(request({ algorithm: algo("popular", [], { category: "hats" }), backup: algo("popular"), where: { path: ["item", "inStock"] }, exclude: [["BEST"]], limit: 10 }), "p1", {}, 200, e);
    expect(r.short![0]).toEqual({ source: "popular", offered: 2, where: 1, excluded: 0, given: 0 });
    // How many the backup offers depends on how many it is asked for; what it left out does not.
    expect(r.short![1]).toMatchObject({ source: "popular (backup)", where: 1, excluded: 1, given: 1 });
    expect(r.short).toHaveLength(2);
    expect(shortText(r.short!)).toBe(`popular: 2 offered, 1 left out by where; popular (backup): ${r.short![1]!.offered} offered, 1 left out by where, 1 excluded, 1 given already`);
    expect(skus(r.items)).not.toContain("BEST");
    const none = await resolve(request({ algorithm: algo("popular", [], { category: "none" }), limit: 3 }));
    expect(shortText(none.short!)).toBe("popular: none offered");
  });

  it("says nothing when the limit is reached, nor of an algorithm that failed (`errors` has it)", async () => {
    expect((await resolve(request({ algorithm: algo("popular"), limit: 2 }))).short).toBeUndefined();
    const failed = await resolve(request({ algorithm: { ...algo("popular"), failed: "its arguments could not be evaluated" }, backup: algo("popular", [], { category: "none" }), limit: 2 }));
    expect([failed.errors, shortText(failed.short!)]).toEqual([["popular: its arguments could not be evaluated"], "popular (backup): none offered"]);
  });
});

describe("recommend: filters far down the list, arguments that fail, providers' answers (review of 6 December 2026)", () => {
  it("`where` finds the items that hold however far down the algorithm's list they are", async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ sku: `X${String(i).padStart(2, "0")}`, name: `x${i}`, price: 1, category: "x", inStock: i === 39 }));
    const e = new IncrementalCatalogEngine({ keyField: "sku" });
    e.upsertItems(items);
    // The 39 most viewed are out of stock; the one in stock is viewed least.
    items.forEach((it, i) => {
      for (let n = 0; n < (i === 39 ? 1 : 2); n++) e.recordSignal(sig(`v${i}-${n}`, "view", T0 + HOUR, it.sku));
    });
    const r = await resolve(request({ algorithm: algo("popular", [], { by: "views" }), where: { path: ["item", "inStock"] }, limit: 2 }), "p1", {}, 200, e);
    expect(skus(r.items)).toEqual(["X39"]);
  });

  it("an algorithm whose arguments could not be evaluated gives nothing and the other fills in; an unneeded backup's never matter", async () => {
    const failed = { ...algo("popular"), failed: "its arguments could not be evaluated: index 0 is out of range of a list of 0" };
    const r = await resolve(request({ algorithm: algo("popular"), backup: failed, limit: 2 }));
    expect(r.items).toHaveLength(2);
    expect(r.errors).toEqual([]);
    const backupFills = await resolve(request({ algorithm: failed, backup: algo("popular"), limit: 2 }));
    expect(backupFills.items).toHaveLength(2);
    expect(backupFills.errors).toEqual(["popular: its arguments could not be evaluated: index 0 is out of range of a list of 0"]);
    // A backup of the same algorithm that fails is named as the backup: `failed` says which one it was.
    const backupFailed = await resolve(request({ algorithm: algo("popular", [], { category: "none" }), backup: failed, limit: 2 }));
    expect(backupFailed.errors).toEqual(["popular (backup): its arguments could not be evaluated: index 0 is out of range of a list of 0"]);
  });

  it("a backup that is the same algorithm as the primary says so in its items' source", async () => {
    const r = await resolve(request({ algorithm: algo("recentlyViewed"), backup: algo("recentlyViewed"), limit: 10 }), "p3");
    expect(new Set(r.sources.map((x) => x.source))).toEqual(new Set(["recentlyViewed"]));
    const both = await resolve(request({ algorithm: algo("popular", [], { category: "hats" }), backup: algo("popular"), limit: 4 }));
    const sources = both.sources.map((x) => x.source);
    expect(sources).toHaveLength(4);
    // The primary's first, then the backup's, marked.
    expect(sources[0]).toBe("popular");
    expect(sources[3]).toBe("popular (backup)");
    expect(sources.indexOf("popular (backup)")).toBeGreaterThan(sources.lastIndexOf("popular"));
  });

  it("a provider's answer is looked up in the catalog: unknown keys left out, keyless elements an error naming where", async () => {
    const best = CATALOG.find((i) => i.sku === "BEST")!;
    const ghost: RecommendationProvider = { recommend: async () => [{ sku: "ZZ", name: "ghost", price: "free" }, { ...best, price: "changed" }] };
    const r = await resolve(request({ algorithm: algo("provider", ["ghost"]) }), "p1", { ghost });
    expect(r.items).toEqual([best]);
    const wrapped: RecommendationProvider = { recommend: async () => ({ items: ["BEST"] }) as never };
    expect((await resolve(request({ algorithm: algo("provider", ["wrapped"]) }), "p1", { wrapped })).items).toEqual([best]);
    const keyless: RecommendationProvider = { recommend: async () => [best, { name: "no key" }] };
    const bad = await resolve(request({ algorithm: algo("provider", ["keyless"]), backup: algo("popular"), limit: 1 }), "p1", { keyless });
    expect(bad.errors).toEqual(["provider:keyless: answer[1].sku: expected a catalog key (a string), found nothing"]);
    expect(bad.sources).toEqual([{ key: "BEST", source: "popular" }]);
  });

  it("an answer none of whose keys the catalog holds is a failure (a provider keyed by another field): said, and the backup fills in", async () => {
    const ids: RecommendationProvider = { recommend: async () => ["10231", "10232", "10233", "10234"] };
    const r = await resolve(request({ algorithm: algo("provider", ["ids"]), backup: algo("popular"), limit: 1 }), "p1", { ids });
    expect(r.errors).toEqual(['provider:ids: answer: none of its 4 keys is in the catalog ("10231", "10232", "10233", …): does the provider answer `sku` values?']);
    expect(r.sources).toEqual([{ key: "BEST", source: "popular" }]);
    // An empty answer is an answer: nothing to recommend, no failure.
    const none: RecommendationProvider = { recommend: async () => [] };
    expect((await resolve(request({ algorithm: algo("provider", ["none"]) }), "p1", { none })).errors).toEqual([]);
  });
});

describe("recommend: backup", () => {
  it("fills a short result after filtering, without duplicates", async () => {
    // recentlyViewed(p3): H1, S1 — then popular fills: BEST, (H1 is a duplicate), G1.
    const r = await resolve(request({ algorithm: algo("recentlyViewed"), backup: algo("popular"), limit: 4 }), "p3");
    expect(r.sources).toEqual([
      { key: "H1", source: "recentlyViewed" },
      { key: "S1", source: "recentlyViewed" },
      { key: "BEST", source: "popular" },
      { key: "G1", source: "popular" },
    ]);
    expect(r.errors).toEqual([]);
  });

  it("fills for a profile with no history", async () => {
    const r = await resolve(request({ algorithm: algo("recentlyViewed"), backup: algo("popular", [], { by: "views" }), limit: 3 }), "new-shopper");
    expect(r.sources.map((s) => `${s.key}:${s.source}`)).toEqual(["H1:popular", "H2:popular", "S1:popular"]);
  });

  it("is not asked when the primary filled the list", async () => {
    let asked = 0;
    const backup: RecommendationProvider = { recommend: async () => (asked++, []) };
    await resolve(request({ algorithm: algo("popular"), backup: algo("provider", ["b"]), limit: 2 }), "p1", { b: backup });
    expect(asked).toBe(0);
  });

  it("takes over when the primary fails (a provider that throws, an unknown provider)", async () => {
    const failing: RecommendationProvider = {
      recommend: async () => {
        throw new Error("HTTP 503");
      },
    };
    const r = await resolve(request({ algorithm: algo("provider", ["recs"]), backup: algo("popular"), limit: 2 }), "p1", { recs: failing });
    expect(r.sources).toEqual([
      { key: "BEST", source: "popular" },
      { key: "H1", source: "popular" },
    ]);
    expect(r.errors).toEqual(["provider:recs: HTTP 503"]);
    const unknown = await resolve(request({ algorithm: algo("provider", ["nope"]), backup: algo("popular"), limit: 1 }));
    expect(unknown.errors).toEqual(["provider:nope: no provider `nope` is registered"]);
    expect(skus(unknown.items)).toEqual(["BEST"]);
  });

  it("takes over when the primary misses its deadline (and the primary is told to stop)", async () => {
    let aborted = false;
    const slow: RecommendationProvider = {
      recommend: (req) =>
        new Promise((resolve) => {
          req.signal.addEventListener("abort", () => (aborted = true));
          setTimeout(() => resolve([CATALOG[0]!]), 1000);
        }),
    };
    const started = Date.now();
    const r = await resolve(request({ algorithm: algo("provider", ["slow"]), backup: algo("popular"), limit: 2 }), "p1", { slow }, 50);
    expect(Date.now() - started).toBeLessThan(900);
    expect(r.errors).toEqual(["provider:slow: no answer within 50 ms"]);
    expect(aborted).toBe(true);
    expect(r.sources.map((s) => s.source)).toEqual(["popular", "popular"]);
  });

  it("a provider's items go through `where` and the exclusions too, tagged `provider:name`", async () => {
    const r = await resolve(
      request({ algorithm: algo("provider", ["mine"]), backup: algo("popular"), exclude: ["purchased"], where: { path: ["item", "inStock"] }, limit: 3 }),
      "q2",
      { mine: byKeys("H3", "H1", "H2", "H2") },
    );
    // H3 is out of stock, H1 was bought by q2, H2 once; then popular: BEST, (H1, G1, S1 bought), S2.
    expect(r.sources).toEqual([
      { key: "H2", source: "provider:mine" },
      { key: "BEST", source: "popular" },
      { key: "S2", source: "popular" },
    ]);
  });

  it("an empty answer from both is an empty list, not an error", async () => {
    const r = await resolve(request({ algorithm: algo("recentlyViewed"), backup: algo("cartBased", [["NOPE"]]), limit: 3 }), "nobody");
    expect(r).toEqual({ items: [], sources: [], errors: [], short: [{ source: "recentlyViewed", offered: 0, where: 0, excluded: 0, given: 0 }, { source: "cartBased", offered: 0, where: 0, excluded: 0, given: 0 }] });
  });

  it("the data set has the signals the tests assume", () => {
    expect(SIGNALS).toHaveLength(18);
  });
});
