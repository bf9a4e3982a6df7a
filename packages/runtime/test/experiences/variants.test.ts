/** Choosing a variant: order, conditions, defaults, unknown profiles, priorities and fall-through. */
import { describe, expect, it } from "vitest";
import { contentOf, runtimeOf, variantOf, withSchema } from "./helpers.js";

const HERO = "web://shop.example.com/#hero";

const TIERS = `
experience Hero {
  surface "${HERO}"
  format text
  variant Gold when profile.tier == "gold" { content "gold {{profile.firstName}}" }
  variant Rich when profile.points >= 1000 { content "rich" }
  variant Default { content "hello" }
}
`;

describe("variants are tried in order", async () => {
  const ir = withSchema(TIERS);
  const { one } = await runtimeOf(ir, {
    profiles: {
      gold: { tier: "gold", points: 5000, firstName: "Ana" },
      rich: { tier: "silver", points: 1500 },
      plain: { tier: "bronze", points: 10 },
    },
  });

  it("the first variant whose condition holds answers, even when a later one holds too", async () => {
    const d = await one(HERO, "gold");
    expect(d).toMatchObject({ surface: HERO, experience: "Hero", variant: "Gold", content: "gold Ana", format: "text", version: ir.experiences["Hero"]!.version });
    expect(variantOf(await one(HERO, "rich"))).toBe("Rich");
  });

  it("the default variant answers when no condition holds", async () => {
    expect(variantOf(await one(HERO, "plain"))).toBe("Default");
  });

  it("an unknown profile gets the default path (its fields take their declared defaults or are absent)", async () => {
    const d = await one(HERO, "nobody-knows-me");
    expect(d).toMatchObject({ variant: "Default", content: "hello" });
  });

  it("every decision has its own id", async () => {
    const a = await one(HERO, "plain");
    const b = await one(HERO, "plain");
    expect(a.content !== null && b.content !== null && a.decisionId !== b.decisionId).toBe(true);
  });
});

describe("without a default", async () => {
  const ir = withSchema(`
experience Hero {
  surface "${HERO}"
  format text
  variant Gold when profile.tier == "gold" { content "gold" }
}
`);
  const { one } = await runtimeOf(ir, { profiles: { p: { tier: "silver" } } });

  it("no variant applies: no content, with the reason and the experience", async () => {
    expect(await one(HERO, "p")).toEqual({ surface: HERO, content: null, reason: "no variant applies", experience: "Hero" });
  });

  it("a surface no experience claims: no content, with the reason", async () => {
    const d = await one("web://shop.example.com/cart#hero", "p");
    expect(d).toEqual({ surface: "web://shop.example.com/cart#hero", content: null, reason: expect.stringContaining("no experience") });
  });
});

describe("several experiences on one surface", async () => {
  const ir = withSchema(`
experience Seasonal {
  surface "${HERO}"
  format text
  priority 10
  variant Gold when profile.tier == "gold" { content "seasonal gold" }
}
experience Middle {
  surface "${HERO}"
  format text
  priority 5
  variant Silver when profile.tier == "silver" { content "middle silver" }
}
experience Always {
  surface "${HERO}"
  format text
  variant Default { content "always" }
}
`);
  const { one } = await runtimeOf(ir, { profiles: { gold: { tier: "gold" }, silver: { tier: "silver" }, bronze: { tier: "bronze" } } });

  it("the highest priority answers first", async () => {
    expect(await one(HERO, "gold")).toMatchObject({ experience: "Seasonal", variant: "Gold" });
  });

  it("when no variant of an experience answers, the next experience by priority is tried", async () => {
    expect(await one(HERO, "silver")).toMatchObject({ experience: "Middle", variant: "Silver" });
    expect(await one(HERO, "bronze")).toMatchObject({ experience: "Always", variant: "Default", content: "always" });
  });
});

describe("conditions that cannot be evaluated", async () => {
  const ir = withSchema(`
experience Hero {
  surface "${HERO}"
  format text
  let shout = upper(profile.firstName ?? "")
  variant Named when length(profile.firstName ?? "") > 0 { content "Hi {{profile.firstName}} ({{shout}})" }
  variant Default { content "Hi there" }
}
`);
  const { one } = await runtimeOf(ir, { profiles: { ana: { firstName: "Ana" }, anon: {} } });

  it("let bindings are evaluated per request and read by content", async () => {
    expect(contentOf(await one(HERO, "ana"))).toBe("Hi Ana (ANA)");
    expect(contentOf(await one(HERO, "anon"))).toBe("Hi there");
  });
});
