/**
 * End-to-end tests of `journey decide`: the built command, run as a user would, on every
 * sample with experiences. Each experience and variant of the samples is asked for, as the
 * samples' READMEs describe, and only what a user sees is checked (exit code, stdout, stderr).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJourney, samples, temporaryFolder } from "./support.js";

const HOME = join(samples, "home-experience");
const BRIEF = join(samples, "brief-example");

const tmp = temporaryFolder("journey-decide-e2e-");

const journey = (args: string[]) => runJourney(args, tmp());

interface Decided {
  surface: string;
  content: string | null;
  format?: string;
  experience?: string;
  variant?: string;
  arm?: string;
  version?: string;
  decisionId?: string;
  reason?: string;
  items?: { key: string; source: string }[];
}

/** `journey decide <project> --json` for the surfaces; one parsed decision per surface. Nothing on stderr, unless `warning` says what. */
function decide(project: string, profile: string, surfaces: string[], extra: string[] = [], warning?: string): Decided[] {
  const r = journey(["decide", project, "--profile", profile, ...surfaces.flatMap((s) => ["--surface", s]), "--json", ...extra]);
  if (warning === undefined) expect(r.stderr).toBe("");
  else expect(r.stderr).toContain(warning);
  expect(r.status).toBe(0);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Decided);
}

const one = (project: string, profile: string, surface: string, extra: string[] = [], warning?: string): Decided => {
  const [d] = decide(project, profile, [surface], extra, warning);
  return d!;
};

const HERO = "web://shop.example.com/#hero";
const APP_HERO = "mobileapp://com.nordvik.shop/home#hero";
const WEATHER = "web://shop.example.com/#weather";
const PROMO = "web://shop.example.com/c/jackets#promo";

describe("journey decide: home-experience", () => {
  it("HomeHero: the gold hero for Ana, with what she viewed (newest first, sold out left out), then this week's most viewed", () => {
    const d = one(HOME, "p1", HERO);
    expect(d).toMatchObject({ surface: HERO, format: "json", experience: "HomeHero", variant: "GoldHero", version: expect.stringMatching(/^[0-9a-f]+$/), decisionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const hero = JSON.parse(d.content!) as { layout: string; title: string; items: { sku: string; name: string }[] };
    expect(hero).toMatchObject({ layout: "hero-wide", title: "Welcome back, Ana" });
    expect(hero.items.slice(0, 4).map((i) => i.name)).toEqual(["Waterproof Overtrousers", "Storm Shell Jacket", "UV Sunglasses", "Wide-brim Sun Hat"]);
    expect(hero.items.map((i) => i.name)).not.toContain("Down Puffer Jacket");
    expect(d.items!.slice(0, 3)).toEqual([
      { key: "NV-5002", source: "recentlyViewed" },
      { key: "NV-2001", source: "recentlyViewed" },
      { key: "NV-8002", source: "popular" },
    ]);
  });

  it("HomeHero: the silver hero counts the points to gold", () => {
    const d = one(HOME, "p3", HERO);
    expect(d).toMatchObject({ variant: "SilverHero" });
    expect(JSON.parse(d.content!)).toMatchObject({ title: "Welcome back, Mia", subtitle: "4,350 points, 650 more to gold" });
  });

  it("HomeHero: bronze shoppers are in the layout experiment, always in the same arm, on the web and in the app", () => {
    for (const profile of ["p2", "p6"]) {
      const [web, app] = decide(HOME, profile, [HERO, APP_HERO]);
      expect(web).toMatchObject({ variant: "Everyone", arm: expect.stringMatching(/^(Grid|Carousel)$/) });
      expect(app).toMatchObject({ variant: "Everyone", arm: web!.arm });
      expect(JSON.parse(web!.content!)).toMatchObject({ layout: web!.arm!.toLowerCase(), title: "Picked for you" });
      expect(one(HOME, profile, HERO).arm).toBe(web!.arm);
    }
  });

  it("HomeHero: an unknown profile gets the default path, and a warning naming it (a mistyped id?)", () => {
    expect(one(HOME, "nobody", HERO, [], "warning: --profile nobody: no such profile in")).toMatchObject({ experience: "HomeHero", variant: "Everyone" });
  });

  it("WeatherBanner: rain in Stockholm, sun in Madrid; clouds, a failing weather service or no city get the default", () => {
    expect(one(HOME, "p1", WEATHER)).toMatchObject({ experience: "WeatherBanner", variant: "Rainy", format: "html", content: expect.stringContaining("Rain in Stockholm today\n  (4 °C)? Our rainwear keeps you dry.") });
    expect(one(HOME, "p4", "mobileapp://com.nordvik.shop/home#weather")).toMatchObject({ variant: "Sunny", content: expect.stringContaining("21 °C and sunny in Madrid") });
    for (const profile of ["p3", "p6"]) expect(one(HOME, profile, WEATHER)).toMatchObject({ variant: "NoWeather", content: expect.stringContaining("New season gear is in.") });
    // The page gets the default; why is on stderr, as `serve` logs it.
    expect(one(HOME, "p5", WEATHER, [], "warning: experience `WeatherBanner` variant `Rainy`: skipped: call `w` failed: timeout\n")).toMatchObject({ variant: "NoWeather" });
  });

  it("PromoStrip all year; HolidayBanner outranks it in December, with three urgent days", () => {
    expect(one(HOME, "p2", PROMO)).toMatchObject({ experience: "PromoStrip", variant: "Shipping", content: expect.stringContaining("Free shipping on orders over €50") });
    expect(one(HOME, "p2", PROMO, ["--at", "2026-12-10T12:00:00Z"])).toMatchObject({ experience: "HolidayBanner", variant: "Holiday" });
    expect(one(HOME, "p1", "mobileapp://com.nordvik.shop/cart#promo", ["--at", "2026-12-10T12:00:00Z"])).toMatchObject({ variant: "GoldHoliday", content: expect.stringContaining("Ana, your holiday gift") });
    expect(one(HOME, "p1", "web://shop.example.com/#promo", ["--at", "2026-12-20T12:00:00Z"])).toMatchObject({ variant: "LastShippingDays" });
    expect(one(HOME, "p2", PROMO, ["--at", "2026-12-28T12:00:00Z"])).toMatchObject({ experience: "PromoStrip" });
  });

  it("HolidayBanner's period is whole local days: Stockholm is in December an hour before UTC", () => {
    expect(one(HOME, "p2", PROMO, ["--at", "2026-11-30T23:30:00Z"])).toMatchObject({ experience: "HolidayBanner" });
    expect(one(HOME, "p2", PROMO, ["--at", "2026-11-30T22:59:00Z"])).toMatchObject({ experience: "PromoStrip" });
  });

  it("StockBadge: last one, in German; a few left; plenty in stock: no badge", () => {
    const sku = (s: string, locale?: string) => ["--context", JSON.stringify({ sku: s, ...(locale ? { locale } : {}) })];
    expect(one(HOME, "p3", "web://shop.example.com/p/nv-4002#stock", sku("NV-4002"))).toMatchObject({ experience: "StockBadge", variant: "LastOne", content: expect.stringContaining("Last one in stock") });
    expect(one(HOME, "p3", "web://shop.example.com/p/nv-4002#stock", sku("NV-4002", "de"))).toMatchObject({ variant: "LastOne", content: expect.stringContaining("Nur noch 1 Stück") });
    expect(one(HOME, "p1", "web://shop.example.com/p/nv-5002#stock", sku("NV-5002"))).toMatchObject({ variant: "NoBadge", content: "" });
    // At 12:35 the Softshell Trail Jacket (4 in stock) is the newest product Mia viewed.
    expect(one(HOME, "p3", "web://shop.example.com/p/nv-2003#stock", [...sku("NV-2003"), "--at", "2026-03-09T12:35:00Z"])).toMatchObject({ variant: "FewLeft", content: expect.stringContaining("Only 4 left") });
  });

  it("StockBadge without its context: no content, the reason says which field is missing", () => {
    expect(one(HOME, "p3", "web://shop.example.com/p/nv-4002#stock", [], "warning: experience `StockBadge`: invalid context: context.sku is missing\n")).toEqual({ surface: "web://shop.example.com/p/nv-4002#stock", content: null, reason: "invalid context: context.sku is missing", experience: "StockBadge" });
  });

  it("several surfaces in one request: one decision each, in order", () => {
    const surfaces = [HERO, WEATHER, PROMO, "web://shop.example.com/p/nv-4002#stock", "web://shop.example.com/#nothing"];
    const ds = decide(HOME, "p3", surfaces, ["--context", `{"sku":"NV-4002"}`]);
    expect(ds.map((d) => [d.surface, d.experience ?? null, d.variant ?? null])).toEqual([
      [HERO, "HomeHero", "SilverHero"],
      [WEATHER, "WeatherBanner", "NoWeather"],
      [PROMO, "PromoStrip", "Shipping"],
      ["web://shop.example.com/p/nv-4002#stock", "StockBadge", "LastOne"],
      ["web://shop.example.com/#nothing", null, null],
    ]);
    expect(ds[4]).toEqual({ surface: "web://shop.example.com/#nothing", content: null, reason: "no experience claims this surface" });
    expect(new Set(ds.map((d) => d.decisionId).filter(Boolean)).size).toBe(4);
  });

  it("human output: surface, experience / variant (arm), version, decision and the content indented", () => {
    const r = journey(["decide", HOME, "--profile", "p2", "--surface", HERO, "--surface", "web://shop.example.com/#nothing"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^web:\/\/shop\.example\.com\/#hero {2}HomeHero \/ Everyone \(arm (Grid|Carousel)\) {2}json, version [0-9a-f]+, decision [0-9a-f-]{36}\n {2}items: /);
    expect(r.stdout).toContain(`\n  {"layout": `);
    expect(r.stdout).toContain("web://shop.example.com/#nothing\n  nothing: no experience claims this surface\n");
    expect(r.stdout).not.toContain("\x1b[");
  });
});

describe("journey decide: brief-example", () => {
  it("HomeHero: gold by name with the items viewed; everyone else, and unknown profiles, what is trending", () => {
    const profiles = join(tmp(), "brief-profiles.json");
    writeFileSync(profiles, JSON.stringify([{ id: "g", email: "g@example.com", firstName: "Ana", loyalty: { tier: "gold", points: 6000 }, consent: { email: true, sms: false } }, { id: "b", email: "b@example.com", loyalty: { tier: "bronze", points: 1 }, consent: { email: true, sms: false } }]));
    const catalog = join(tmp(), "brief-catalog.json");
    writeFileSync(catalog, JSON.stringify([{ sku: "W1", name: "Wool hat", price: 20, category: "hats", url: "https://s/w1", imageUrl: "https://s/w1.png", inStock: true }]));
    const events = join(tmp(), "brief-events.jsonl");
    writeFileSync(events, JSON.stringify({ id: "e1", type: "ProductViewed", profileId: "g", time: "2026-03-09T09:00:00Z", data: { sku: "W1", category: "hats" } }) + "\n");
    const data = ["--profiles", profiles, "--catalog", catalog, "--events", events];
    const gold = one(BRIEF, "g", HERO, data);
    expect(gold).toMatchObject({ experience: "HomeHero", variant: "Gold", items: [{ key: "W1", source: "recentlyViewed" }] });
    expect(JSON.parse(gold.content!)).toEqual({ title: "Welcome back, Ana", items: [expect.objectContaining({ sku: "W1", name: "Wool hat" })] });
    expect(JSON.parse(one(BRIEF, "b", HERO, data).content!)).toMatchObject({ title: "Trending now" });
    const stranger = one(BRIEF, "nobody", HERO, [], "--profile nobody: no such profile");
    expect(stranger).toMatchObject({ experience: "HomeHero", variant: "Default" });
    expect(JSON.parse(stranger.content!)).toMatchObject({ title: "Trending now" });
  });
});

describe("journey decide: mistakes", () => {
  it("more than 30 surfaces", () => {
    const r = journey(["decide", HOME, "--profile", "p1", ...Array.from({ length: 31 }, (_, i) => ["--surface", `web://shop.example.com/c/${i}#promo`]).flat()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("journey: invalid decide request: at most 30 surfaces, 31 given\n");
  });

  it("30 surfaces are fine", () => {
    const ds = decide(HOME, "p1", Array.from({ length: 30 }, (_, i) => `web://shop.example.com/c/${i}#promo`));
    expect(ds.map((d) => d.variant)).toEqual(Array.from({ length: 30 }, () => "Shipping"));
  });

  it("an event without a time: its file and line, not a complaint about --at", () => {
    const events = join(tmp(), "untimed.jsonl");
    writeFileSync(events, JSON.stringify({ id: "x1", type: "ProductViewed", profileId: "p1", data: { sku: "NV-1001" } }) + "\n");
    const r = journey(["decide", HOME, "--profile", "p1", "--surface", HERO, "--events", events]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`journey: ${events}:1: invalid event: time must be an ISO-8601 instant with a zone, such as 2026-03-02T10:15:00Z\n`);
  });

  it("events with an id seen before: applied once, and counted on stderr", () => {
    const events = join(tmp(), "twice.jsonl");
    const viewed = JSON.stringify({ id: "v1", type: "ProductViewed", profileId: "p1", time: "2026-03-02T10:00:00Z", data: { sku: "NV-1001", category: "jackets" } });
    writeFileSync(events, `${viewed}\n${viewed}\n`);
    const r = journey(["decide", HOME, "--profile", "p1", "--surface", HERO, "--events", events, "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${events}: 1 event with an id seen before in the file: not applied again\n`);
  });

  it("a context that is not JSON", () => {
    const r = journey(["decide", HOME, "--profile", "p1", "--surface", HERO, "--context", "{bad"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^journey: --context: invalid JSON: /);
    expect(r.output).not.toContain("    at ");
  });
});

describe("journey decide: what the page does not see", () => {
  it("a provider the command has none of fails, the backup fills in, and stderr says so", () => {
    const dir = join(tmp(), "provided");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "app.journey"),
      `profile { email: string }
event Viewed { sku: string }
catalog Product {
  key sku: string
  name: string
  signals { view Viewed.sku }
}
experience Picks {
  surface "web://s/#picks"
  format text
  recommend picks = provider("ml") limit 2 backup recentlyViewed()
  variant Main { content "{{#each picks as |p|}}{{p.name}} {{/each}}" }
}
`,
    );
    writeFileSync(join(dir, "catalog.json"), JSON.stringify([{ sku: "A", name: "Alpha" }]));
    writeFileSync(join(dir, "events.jsonl"), JSON.stringify({ id: "v1", type: "Viewed", profileId: "ana", time: "2026-03-02T10:00:00Z", data: { sku: "A" } }) + "\n");
    const d = one(dir, "ana", "web://s/#picks", [], "warning: experience `Picks`: recommend `picks`: provider:ml: no provider `ml` is registered; the backup filled in\n");
    expect(d).toMatchObject({ variant: "Main", content: "Alpha ", items: [{ key: "A", source: "recentlyViewed" }] });
  });
});
