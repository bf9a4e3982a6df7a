/** `split` in a variant: a deterministic experiment per profile, spread as declared. */
import { splitBucket } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { runtimeOf, withSchema } from "./helpers.js";

const HERO = "web://shop.example.com/#hero";
const BANNER = "web://shop.example.com/#banner";
const PROFILES = 10_000;

const EXPERIENCES = `
experience Hero {
  surface "${HERO}"
  format json
  variant Gold when profile.tier == "gold" { content """{"layout": "gold"}""" }
  variant Everyone {
    split "hero-layout" {
      Grid 50% { content """{"layout": "grid"}""" }
      Carousel 50% { content """{"layout": "carousel"}""" }
    }
  }
}
experience Banner {
  surface "${BANNER}"
  format text
  variant Test {
    split "banner-copy" {
      Short 10% { content "short" }
      Medium 30% { content "medium" }
      Long 60% { content "long" }
    }
  }
}
`;

const ir = withSchema(EXPERIENCES);
const ids = Array.from({ length: PROFILES }, (_, i) => `shopper-${i}`);

/** Each profile's arm of one surface's experiment. */
async function arms(h: Awaited<ReturnType<typeof runtimeOf>>, surface: string): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const d = await h.one(surface, id);
    if (d.content === null || !d.arm) throw new Error(`no arm for ${id}: ${JSON.stringify(d)}`);
    out.push(d.arm);
  }
  return out;
}

const share = (list: string[], value: string) => (100 * list.filter((x) => x === value).length) / list.length;

describe("experiments", async () => {
  const h = await runtimeOf(ir);
  const hero = await arms(h, HERO);
  const banner = await arms(h, BANNER);

  it(`${PROFILES.toLocaleString("en-US")} profiles land within ±2 points of each declared percentage (50/50)`, () => {
    expect(Math.abs(share(hero, "Grid") - 50)).toBeLessThanOrEqual(2);
    expect(Math.abs(share(hero, "Carousel") - 50)).toBeLessThanOrEqual(2);
  });

  it(`${PROFILES.toLocaleString("en-US")} profiles land within ±2 points of each declared percentage (10/30/60)`, () => {
    expect(Math.abs(share(banner, "Short") - 10)).toBeLessThanOrEqual(2);
    expect(Math.abs(share(banner, "Medium") - 30)).toBeLessThanOrEqual(2);
    expect(Math.abs(share(banner, "Long") - 60)).toBeLessThanOrEqual(2);
  });

  it("two experiments are independent: each cell of the cross is within ±2 points of the product", () => {
    for (const a of ["Grid", "Carousel"])
      for (const [b, pct] of [["Short", 10], ["Medium", 30], ["Long", 60]] as const) {
        const both = ids.filter((_, i) => hero[i] === a && banner[i] === b).length;
        expect(Math.abs((100 * both) / PROFILES - (50 * pct) / 100)).toBeLessThanOrEqual(2);
      }
  });

  it("the arm is the one the profile's bucket falls in, and the content is the arm's", async () => {
    for (const id of ids.slice(0, 200)) {
      const d = await h.one(HERO, id);
      const expected = splitBucket("hero-layout", id) < 50 ? "Grid" : "Carousel";
      expect(d).toMatchObject({ variant: "Everyone", arm: expected, content: `{"layout": "${expected.toLowerCase()}"}` });
    }
  });

  it("the same profile gets the same arm on every request, in a new runtime, and after the experience changes", async () => {
    const again = await runtimeOf(ir);
    const changed = await runtimeOf(withSchema(EXPERIENCES.replace(`{"layout": "grid"}`, `{"layout": "grid", "v": 2}`)));
    expect(changed.rt.program.ir.experiences["Hero"]!.version).not.toBe(ir.experiences["Hero"]!.version);
    for (const [i, id] of ids.slice(0, 500).entries()) {
      expect((await h.one(HERO, id)) as { arm?: string }).toMatchObject({ arm: hero[i] });
      expect((await again.one(HERO, id)) as { arm?: string }).toMatchObject({ arm: hero[i] });
      expect((await changed.one(HERO, id)) as { arm?: string }).toMatchObject({ arm: hero[i] });
    }
  });

  it("a variant before the split takes its profiles out of the experiment", async () => {
    const g = await runtimeOf(ir, { profiles: { gold: { tier: "gold" } } });
    const d = await g.one(HERO, "gold");
    expect(d).toMatchObject({ variant: "Gold" });
    expect("arm" in d).toBe(false);
  });

  it("an arm chosen ahead (`forcedArms`) is the profile's, recorded with the decision; the others keep theirs, and a variant before the split still comes first", async () => {
    // Profiles whose hash says otherwise: forcing them proves the choice.
    const carousel = ids.find((_, i) => hero[i] === "Grid")!;
    const short = ids.find((id, i) => id !== carousel && banner[i] !== "Short")!;
    const g = await runtimeOf(ir, { forcedArms: { [carousel]: { "hero-layout": "Carousel" }, [short]: { "banner-copy": "Short" }, gold: { "hero-layout": "Carousel" } }, profiles: { gold: { tier: "gold" } } });
    expect(await g.one(HERO, carousel)).toMatchObject({ variant: "Everyone", arm: "Carousel", content: `{"layout": "carousel"}` });
    expect(await g.one(BANNER, short)).toMatchObject({ arm: "Short", content: "short" });
    // Only the experiment chosen: the same profile's other experiment is still its hash's.
    expect(await g.one(BANNER, carousel)).toMatchObject({ arm: banner[ids.indexOf(carousel)] });
    for (const [i, id] of ids.slice(0, 100).entries()) if (id !== carousel && id !== short) expect((await g.one(HERO, id)) as { arm?: string }, id).toMatchObject({ arm: hero[i] });
    expect(await g.one(HERO, "gold")).toMatchObject({ variant: "Gold" });
    await g.settle();
    expect(g.effects.filter((e) => e.type === "decision" && e.profileId === carousel && (e as { experience: string }).experience === "Hero")).toEqual([expect.objectContaining({ arm: "Carousel" })]);
  });

  it("the arm is recorded with the decision", async () => {
    const g = await runtimeOf(ir);
    const d = await g.one(BANNER, "shopper-7");
    await g.settle();
    const recorded = g.effects.filter((e) => e.type === "decision");
    expect(recorded).toEqual([expect.objectContaining({ type: "decision", experience: "Banner", variant: "Test", arm: banner[7], key: d.content !== null ? d.decisionId : "?" })]);
  });
});
