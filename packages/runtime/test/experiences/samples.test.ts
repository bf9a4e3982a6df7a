/**
 * Every sample's experiences are exercised by `test` blocks: the samples' own tests pass, and
 * together with the blocks below (for what a sample's tests do not reach) every experience
 * and every variant of every sample is decided at least once.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runTests, type CannedResponse, type TestResult } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { irOfFiles } from "./helpers.js";

const samples = fileURLToPath(new URL("../../../../samples/", import.meta.url));

/** Test blocks for experiences and variants the samples' own tests leave out. */
const EXTRA: Record<string, string> = {
  "brief-example": `
test "the home hero: gold members by name, everyone else what is trending" {
  start 2026-03-09T09:00:00Z
  profile "gold" {
    email: "ana@example.com"
    firstName: "Ana"
    loyalty: { tier: "gold", points: 6000 }
    consent: { email: true, sms: false }
  }
  profile "bronze" {
    email: "bo@example.com"
    loyalty: { tier: "bronze", points: 10 }
    consent: { email: true, sms: false }
  }
  catalog Product [
    { sku: "W1", name: "Wool hat", price: 20, category: "hats", url: "https://s/w1", imageUrl: "https://s/w1.png", inStock: true }
  ]
  at 0m "gold" ProductViewed { sku: "W1", category: "hats" }
  expect at 1m decide "web://shop.example.com/#hero" for "gold"
    variant Gold
    content contains "Wool hat"
    json title == "Welcome back, Ana"
  expect at 1m decide "web://shop.example.com/#hero" for "bronze"
    variant Default
    json title == "Trending now"
  expect at 1m decide "web://shop.example.com/#hero" for "nobody" variant Default
}
`,
  "home-experience": `
test "silver members see how far they are from gold" {
  start 2026-03-09T09:00:00Z
  profile "p3" {
    email: "mia.hoffmann@example.com"
    firstName: "Mia"
    timezone: "Europe/Berlin"
    loyalty: { tier: "silver", points: 4350 }
  }
  expect decide "web://shop.example.com/#hero" for "p3"
    variant SilverHero
    json subtitle == "4,350 points, 650 more to gold"
  expect decide "mobileapp://com.nordvik.shop/home#hero" for "unknown-shopper" variant Everyone
}
`,
};

interface Sample {
  name: string;
  results: TestResult[];
  experiences: Record<string, string[]>;
}

async function run(name: string): Promise<Sample | undefined> {
  const dir = `${samples}${name}/`;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".journey"))
    .map((f) => ({ path: f, text: readFileSync(dir + f, "utf8") }));
  if (!files.some((f) => /^experience /m.test(f.text))) return undefined;
  if (EXTRA[name]) files.push({ path: "extra-tests.journey", text: EXTRA[name] });
  const ir = irOfFiles(files);
  const responses = existsSync(dir + "action-responses.json") ? (JSON.parse(readFileSync(dir + "action-responses.json", "utf8")) as Record<string, CannedResponse[]>) : {};
  const results = await runTests(ir, { actionResponses: responses });
  return { name, results, experiences: Object.fromEntries(Object.values(ir.experiences).map((x) => [x.id, x.variants.map((v) => v.name)])) };
}

const all = (await Promise.all(readdirSync(samples).map(run))).filter((s): s is Sample => s !== undefined);

describe("samples with experiences", () => {
  it("are found (home-experience and brief-example at least)", () => {
    expect(all.map((s) => s.name)).toEqual(expect.arrayContaining(["brief-example", "home-experience"]));
  });

  describe.each(all.map((s) => [s.name, s] as const))("%s", (_, sample) => {
    it("every test passes, its own and the extra ones", () => {
      const failures = sample.results.flatMap((t) => t.expectations.filter((x) => !x.ok).map((x) => `${t.name}: ${x.expected}: ${x.message}`));
      expect(failures).toEqual([]);
      expect(sample.results.every((t) => t.ok)).toBe(true);
    });

    it("every experience and every variant is decided by some test", () => {
      const decided = new Set(sample.results.flatMap((t) => t.timeline.flatMap((e) => (e.type === "decision" ? [`${e.experience}/${e.variant}`] : []))));
      const expected = Object.entries(sample.experiences).flatMap(([x, vs]) => vs.map((v) => `${x}/${v}`));
      expect(expected.filter((k) => !decided.has(k))).toEqual([]);
    });
  });

  it("home-experience: the experiment arm of each test shopper is recorded with the decision", () => {
    const home = all.find((s) => s.name === "home-experience")!;
    const arms = home.results.flatMap((t) => t.timeline.flatMap((e) => (e.type === "decision" && e.variant === "Everyone" ? [e.arm] : [])));
    expect(arms.length).toBeGreaterThan(0);
    for (const a of arms) expect(["Grid", "Carousel"]).toContain(a);
  });
});
