/** Surfaces: exact and wildcard matches, several surfaces in one request, at most 30. */
import { decide, InvalidInputError, MAX_SURFACES } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { runtimeOf, variantOf, withSchema } from "./helpers.js";

const ir = withSchema(`
experience Hero {
  surface "web://shop.example.com/#hero"
  surface "mobileapp://com.shop.app/home#hero"
  format text
  variant Default { content "hero" }
}
experience Promo {
  surface "web://shop.example.com/*#promo"
  surface "mobileapp://com.shop.app/*#promo"
  format text
  variant Default { content "promo" }
}
experience ProductPromo {
  surface "web://shop.example.com/p/*#promo"
  format text
  priority 5
  variant Default { content "product promo" }
}
experience Reviews {
  surface "web://shop.example.com/p/*/reviews#summary"
  format text
  variant Default { content "reviews" }
}
`);
const h = await runtimeOf(ir);
const experienceOf = async (surface: string) => {
  const d = await h.one(surface, "p");
  return d.content === null ? null : d.experience;
};

describe("matching a surface", () => {
  it.each([
    ["web://shop.example.com/#hero", "Hero"],
    ["mobileapp://com.shop.app/home#hero", "Hero"],
    ["web://shop.example.com/home#hero", null], // exact: another path
    ["web://shop.example.com/#hero2", null], // exact: another slot
    ["web://other.example.com/#hero", null],
    ["web://shop.example.com/#promo", "Promo"], // `*` matches no characters too
    ["web://shop.example.com/c/jackets#promo", "Promo"],
    ["web://shop.example.com/c/jackets/page/2?sort=price#promo", "Promo"], // `*` crosses slashes
    ["mobileapp://com.shop.app/cart#promo", "Promo"],
    ["web://shop.example.com/c/jackets#promo2", null], // the slot must match exactly
    ["web://shop.example.com/p/nv-2001#promo", "ProductPromo"], // the more specific one has priority
    ["web://shop.example.com/p/#promo", "ProductPromo"],
    ["web://shop.example.com/p/nv-2001/reviews#summary", "Reviews"],
    ["web://shop.example.com/p/reviews#summary", null], // prefix and suffix may not overlap
    ["web://shop.example.com/p/nv-2001/reviews/all#summary", null],
  ])("%s → %s", async (surface, experience) => {
    expect(await experienceOf(surface)).toBe(experience);
  });
});

describe("several surfaces in one request", () => {
  it("each gets its own decision, in the order asked, with its own id", async () => {
    const surfaces = ["web://shop.example.com/c/hats#promo", "web://shop.example.com/#hero", "web://shop.example.com/#nothing", "web://shop.example.com/p/x#promo", "web://shop.example.com/#hero"];
    const ds = await h.rt.decide({ surfaces, profileId: "p" });
    expect(ds.map((d) => [d.surface, d.content === null ? null : d.experience])).toEqual([
      [surfaces[0], "Promo"],
      [surfaces[1], "Hero"],
      [surfaces[2], null],
      [surfaces[3], "ProductPromo"],
      [surfaces[4], "Hero"],
    ]);
    const ids = ds.flatMap((d) => (d.content === null ? [] : [d.decisionId]));
    expect(new Set(ids).size).toBe(4);
  });

  it("every decision of the request is recorded, with its surface", async () => {
    const r = await runtimeOf(ir);
    const ds = await r.rt.decide({ surfaces: ["web://shop.example.com/#hero", "mobileapp://com.shop.app/home#hero", "web://shop.example.com/#promo"], profileId: "p" });
    await r.settle();
    expect(r.effects.map((e) => (e.type === "decision" ? [e.key, e.surface, e.experience] : e.type))).toEqual(ds.map((d) => [d.content !== null && d.decisionId, d.surface, d.content !== null && d.experience]));
  });

  it(`at most ${MAX_SURFACES} surfaces: the runtime refuses more, and decide itself looks at the first ${MAX_SURFACES} only`, async () => {
    const surfaces = Array.from({ length: MAX_SURFACES }, (_, i) => `web://shop.example.com/c/${i}#promo`);
    expect((await h.rt.decide({ surfaces, profileId: "p" })).map(variantOf)).toEqual(surfaces.map(() => "Default"));
    const refused = await h.rt.decide({ surfaces: [...surfaces, "web://shop.example.com/#hero"], profileId: "p" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).errors).toEqual([{ path: "surfaces", message: `at most ${MAX_SURFACES}` }]);

    const recorded: unknown[] = [];
    const deps: Parameters<typeof decide>[0] = { program: h.rt.program, profile: {}, actions: { execute: async () => ({}) }, recommend: { providers: {} }, secrets: {}, record: (e) => recorded.push(...e) };
    const ds = await decide(deps, { surfaces: [...surfaces, "web://shop.example.com/#hero"], profileId: "p" }, Date.now());
    expect(ds).toHaveLength(MAX_SURFACES);
    expect(recorded).toHaveLength(MAX_SURFACES);
  });

  it("a context that is not an object is refused as such (null read as {} said a field was missing)", async () => {
    for (const context of [null, [], "sku=1"]) {
      const refused = await h.rt.decide({ surfaces: ["web://shop.example.com/#hero"], profileId: "p", context: context as never }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InvalidInputError);
      expect((refused as InvalidInputError).errors).toEqual([{ path: "context", message: "must be an object" }]);
    }
  });

  it("an empty list asks for nothing", async () => {
    expect(await h.rt.decide({ surfaces: [], profileId: "p" })).toEqual([]);
  });
});
