/**
 * Every decision is recorded through the outbox (experience, variant, version, profile,
 * surface, decision id, time); errors are recorded with the experience, the variant and the
 * source span; `decide` never throws for a profile's data or a remote failure.
 */
import { createRuntime, MemoryStore, VirtualClock, type CatalogEngine, type Effect } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { contentOf, lineOf, runtimeOf, SCHEMA, ScriptedActions, T0, variantOf, withSchema } from "./helpers.js";

const HERO = "web://shop.example.com/#hero";
const REST = `
action Secret(city: string) -> Conditions {
  get "https://weather.example.com/secret?city={{city}}"
  headers { Authorization: secret("WEATHER_TOKEN") }
}
experience Hero {
  surface "${HERO}"
  format text
  call Weather(profile.city ?? "Stockholm") as w
  let shout = upper(profile.firstName ?? "you")
  variant Sunny when w.condition == "sun" { content "sun for {{shout}}" }
  variant Points when profile.points > 100 { content "{{number profile.points}} points" }
  variant Default { content "hello {{shout}}" }
}
experience Badge {
  surface "web://shop.example.com/p/*#badge"
  format text
  priority 1
  context { sku: string }
  variant Sku { content "badge {{context.sku}}" }
}
experience Fallback {
  surface "web://shop.example.com/p/*#badge"
  format text
  variant Default { content "no badge" }
}
experience Guarded {
  surface "web://shop.example.com/#guarded"
  format text
  call Secret("Oslo") as s
  recommend picks = recentlyViewed() exclude viewed limit 3
  variant Secret when s.condition == "rain" { content "rain" }
  variant Picks when length(picks) > 0 { content "{{length picks}} picks" }
  variant Default { content "guarded default" }
}
`;
const TEXT = SCHEMA + REST;
const ir = withSchema(REST);
const sunny = () => new ScriptedActions(() => ({ tempC: 21, condition: "sun" }));

describe("decisions are recorded through the outbox", () => {
  it("with experience, variant, version, profile, surface, decision id and time", async () => {
    const h = await runtimeOf(ir, { actions: sunny(), profiles: { p1: { firstName: "Ana" } } });
    const now = T0 + 1234;
    const [d] = await h.rt.decide({ surfaces: [HERO], profileId: "p1", now });
    await h.settle();
    if (!d || d.content === null) throw new Error("no decision");
    expect(d).toMatchObject({ experience: "Hero", variant: "Sunny", content: "sun for ANA" });
    expect(h.effects.filter((e) => e.type === "decision")).toEqual([
      { type: "decision", key: d.decisionId, at: now, profileId: "p1", journey: "Hero", surface: HERO, experience: "Hero", variant: "Sunny", version: ir.experiences["Hero"]!.version },
    ]);
  });

  it("an unknown profile is decided (the default path) and recorded under its id", async () => {
    const h = await runtimeOf(ir, { actions: new ScriptedActions(() => ({ tempC: 3, condition: "rain" })) });
    expect(contentOf(await h.one(HERO, "stranger"))).toBe("hello YOU");
    await h.settle();
    expect(h.effects).toEqual([expect.objectContaining({ type: "decision", profileId: "stranger", variant: "Default" })]);
  });

  it("decisions go to the analytics sink once durable; while it fails, they stay in the outbox and decide still answers", async () => {
    const store = new MemoryStore();
    const accepted: Effect[] = [];
    let fail = true;
    const rt = createRuntime({
      ir,
      store,
      clock: new VirtualClock(T0),
      actions: sunny(),
      decisions: {
        record: async (e) => {
          if (fail) throw new Error("analytics is down");
          accepted.push(e);
        },
      },
    });
    await rt.start();
    const [d] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    expect(variantOf(d!)).toBe("Sunny");
    await rt.ingest([]);
    const pending = (await store.pendingEffects(0, 100)).effects;
    expect(pending.map((e) => e.key)).toEqual([d!.content !== null && d!.decisionId]);
    fail = false;
    const [d2] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    await rt.ingest([]);
    // The sink failed last: the next decision waits for its retry (2 s later), rather than
    // each one holding the queue for the sink while it fails; then both go, in order.
    expect(accepted).toEqual([]);
    await rt.advanceTo(T0 + 2000);
    expect(accepted.map((e) => e.key)).toEqual([d!.content !== null && d!.decisionId, d2!.content !== null && d2!.decisionId]);
    expect((await store.pendingEffects(0, 100)).effects).toEqual([]);
    await rt.stop();
  });

  it("decisions whose commit fails are kept and recorded by a later commit, as are the sends marked with it", async () => {
    // The store refuses the next `failures` commits (a full disk, a lock held too long).
    let failures = 0;
    class FlakyStore extends MemoryStore {
      override async commit(batch: Parameters<MemoryStore["commit"]>[0]): Promise<void> {
        if (failures > 0) {
          failures--;
          throw new Error("disk I/O error");
        }
        return super.commit(batch);
      }
    }
    const store = new FlakyStore();
    const accepted: string[] = [];
    const errors: string[] = [];
    const log = { info() {}, warn() {}, error: (_o: unknown, m: string) => void errors.push(m), };
    const rt = createRuntime({ ir, store, clock: new VirtualClock(T0), actions: sunny(), logger: log, decisions: { record: async (e) => void accepted.push(e.key) } });
    await rt.start();
    failures = 1;
    const [d1] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    const [d2] = await rt.decide({ surfaces: [HERO], profileId: "p2" });
    const keys = [d1, d2].map((d) => (d!.content !== null ? d!.decisionId : ""));
    // The group commit of both failed: nothing recorded, nothing handed to the sink, nothing lost.
    await new Promise((r) => setImmediate(r));
    await rt.ingest([]);
    expect(errors.some((m) => m.startsWith("recording decisions failed"))).toBe(true);
    // The next unit of work recorded them (in order) and handed them to the sink.
    expect(accepted).toEqual(keys);
    // Their delivery is marked done by the next commit, even when that one fails first.
    failures = 1;
    await expect(rt.ingest([{ id: "e1", type: "View", profileId: "p1", time: new Date(T0).toISOString(), data: { sku: "a" } }])).rejects.toThrow("disk I/O error");
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(keys);
    await rt.ingest([]);
    await rt.stop();
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
  });

  it("an idle runtime records them by itself after 1 s; while the store refuses them it is not asked again at every decision", async () => {
    let attempts = 0;
    let refuse = true;
    class DownStore extends MemoryStore {
      override async commit(batch: Parameters<MemoryStore["commit"]>[0]): Promise<void> {
        attempts++;
        if (refuse) throw new Error("database is locked");
        return super.commit(batch);
      }
    }
    const store = new DownStore();
    const durable: string[] = [];
    const rt = createRuntime({ ir, store, clock: new VirtualClock(T0), actions: sunny(), onEffect: (e) => void (e.type === "decision" && durable.push(e.key)) });
    await rt.start();
    attempts = 0;
    const [first] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    await new Promise((r) => setImmediate(r));
    expect(attempts).toBe(1);
    // More than a group's worth of decisions while the retry waits: no commit is tried for them.
    for (let i = 0; i < 1100; i++) await rt.decide({ surfaces: [HERO], profileId: `q${i}` });
    expect(attempts).toBe(1);
    refuse = false;
    await new Promise((r) => setTimeout(r, 1200));
    // One commit recorded all of them, the first one first.
    expect(attempts).toBe(2);
    expect(durable).toHaveLength(1101);
    expect(durable[0]).toBe(first!.content !== null && first!.decisionId);
    await rt.stop();
  });

  it("a delivery that failed is retried on a virtual clock as it advances, and by a `start()` after `stop()`", async () => {
    const store = new MemoryStore();
    const accepted: string[] = [];
    let fail = true;
    const clock = new VirtualClock(T0);
    const rt = createRuntime({ ir, store, clock, actions: sunny(), decisions: { record: async (e) => void (fail ? (() => { throw new Error("down"); })() : accepted.push(e.key)) } });
    await rt.start();
    const [d] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    const key = d!.content !== null ? d!.decisionId : "";
    await rt.ingest([]);
    fail = false;
    // Backed off for 2 s (in the clock's time): not yet, then once.
    await rt.advanceTo(T0 + 1000);
    expect(accepted).toEqual([]);
    await rt.advanceTo(T0 + 3000);
    expect(accepted).toEqual([key]);
    expect((await store.pendingEffects(0, 10)).effects).toEqual([]);

    // Failed again, then the runtime stopped and started: delivered by the start.
    fail = true;
    const [d2] = await rt.decide({ surfaces: [HERO], profileId: "p1" });
    await rt.ingest([]);
    await rt.stop();
    fail = false;
    await rt.start();
    expect(accepted).toEqual([key, d2!.content !== null ? d2!.decisionId : ""]);
    await rt.stop();
  });
});

describe("errors are recorded with the experience, the variant and the source span", () => {
  const location = (variant: string) => ({ file: "x.journey", line: lineOf(TEXT, `variant ${variant} `), column: 3 });

  it("a failed call: recorded once, with the first variant it made skip", async () => {
    const h = await runtimeOf(ir, { actions: new ScriptedActions(() => { throw new Error("503 Service Unavailable"); }), profiles: { p: { points: 500 } } });
    expect(await h.one(HERO, "p")).toMatchObject({ variant: "Points", content: "500 points" });
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([
      expect.objectContaining({ journey: "Hero", profileId: "p", message: "experience `Hero` variant `Sunny`: skipped: call `w` failed: 503 Service Unavailable", location: location("Sunny") }),
    ]);
  });

  it("a response that does not match the action's type is a failed call", async () => {
    const h = await runtimeOf(ir, { actions: new ScriptedActions(() => ({ tempC: "warm" })) });
    expect(variantOf(await h.one(HERO, "p"))).toBe("Default");
    await h.settle();
    expect(h.effects.find((e) => e.type === "error")).toMatchObject({ message: expect.stringMatching(/^experience `Hero` variant `Sunny`: skipped: call `w` failed: response\./) });
  });

  it("a missing secret fails the call, not the decision", async () => {
    const h = await runtimeOf(ir);
    expect(contentOf(await h.one("web://shop.example.com/#guarded", "p"))).toBe("guarded default");
    await h.settle();
    expect(h.effects.find((e) => e.type === "error")).toMatchObject({ message: expect.stringContaining("secret `WEATHER_TOKEN` is not configured"), location: location("Secret") });
  });

  it("an invalid context: no content from that experience (the reason says why), the next one answers", async () => {
    const h = await runtimeOf(ir);
    expect(await h.one("web://shop.example.com/p/x#badge", "p", { context: { sku: "NV-1" } })).toMatchObject({ experience: "Badge", content: "badge NV-1" });
    expect(await h.one("web://shop.example.com/p/x#badge", "p", { context: { sku: 42 } })).toMatchObject({ experience: "Fallback", content: "no badge" });
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([expect.objectContaining({ journey: "Badge", message: expect.stringMatching(/^experience `Badge`: invalid context: context\.sku /) })]);
  });
});

describe("context", () => {
  it("a field left out gets its default; fields the experience does not declare are ignored (one context serves every surface)", async () => {
    const withContext = withSchema(`
      experience Banner {
        surface "web://s/#banner"
        format text
        context { lang: string = "en", page?: string }
        variant A { content "lang={{context.lang}} page={{context.page}}" }
      }
      experience Stock {
        surface "web://s/#stock"
        format text
        context { sku: string }
        variant A { content "stock {{context.sku}}" }
      }
    `);
    const h = await runtimeOf(withContext);
    expect(contentOf(await h.one("web://s/#banner", "p"))).toBe("lang=en page=");
    const both = await h.rt.decide({ surfaces: ["web://s/#banner", "web://s/#stock"], profileId: "p", context: { page: "/p/1", sku: "X1" } });
    expect(both.map((d) => d.content)).toEqual(["lang=en page=/p/1", "stock X1"]);
  });

  it("at every depth: a nested record's undeclared fields are another experience's business", async () => {
    const nested = withSchema(`
      experience A {
        surface "web://s/#a"
        format text
        context { page: { url: string } }
        variant D { content "A {{context.page.url}}" }
      }
      experience B {
        surface "web://s/#b"
        format text
        context { page: { lang: string }, tags: list<{ name: string }> = [] }
        variant D { content "B {{context.page.lang}} {{#each context.tags}}{{name}}{{/each}}" }
      }
    `);
    const h = await runtimeOf(nested);
    const both = await h.rt.decide({ surfaces: ["web://s/#a", "web://s/#b"], profileId: "p", context: { page: { url: "/x", lang: "de" }, tags: [{ name: "n", weight: 2 }] } });
    expect(both.map((d) => d.content)).toEqual(["A /x", "B de n"]);
  });

  it("an invalid context names every wrong field, so that the page's developer fixes them in one go", async () => {
    const two = withSchema(`
      experience Also {
        surface "web://s/p/*#also"
        format text
        context { sku: string, category: string }
        variant D { content "{{context.sku}} {{context.category}}" }
      }
    `);
    const h = await runtimeOf(two);
    expect(await h.one("web://s/p/1#also", "p", { context: { sku: 1 } })).toEqual({
      surface: "web://s/p/1#also",
      content: null,
      experience: "Also",
      reason: "invalid context: context.sku expected string, found number 1; context.category is missing",
    });
  });
});

describe("requests and data the project does not define", () => {
  it("`now` that is not a number of milliseconds is refused, with its path", async () => {
    const h = await runtimeOf(ir);
    // Past what a Date holds too: the decision records its time, and a sink that writes it as a
    // date (`new Date(d.at).toISOString()`) would throw for it, keeping it in the outbox for ever.
    for (const now of ["2026-12-05T00:00:00Z", Number.NaN, Infinity, { valueOf: () => 1 }, 1e20, -8.64e15 - 1]) {
      await expect(h.rt.decide({ surfaces: [HERO], profileId: "p", now } as never)).rejects.toMatchObject({ name: "InvalidInputError", errors: [{ path: "now" }] });
    }
    expect(variantOf(await h.one(HERO, "p", { now: T0 + 1000 }))).toBe("Sunny");
  });

  it("an action's response may carry fields the action does not declare (an API answers with many)", async () => {
    const h = await runtimeOf(ir, { actions: new ScriptedActions(() => ({ tempC: 21, condition: "sun", humidity: 40, wind: { kmh: 12 } })) });
    expect(await h.one(HERO, "p")).toMatchObject({ variant: "Sunny" });
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([]);
  });

  it("an unknown profile: what fails only because its fields are null (a `let`, a condition) skips its variants without an error record", async () => {
    const anonymous = withSchema(`
      experience Points {
        surface "web://s/#points"
        format text
        let toGold = 1000 - profile.points
        variant Close when toGold < 100 { content "{{toGold}} to gold" }
        variant Rich when 1000 / profile.points < 2 { content "rich" }
        variant Default { content "welcome" }
      }
    `);
    const h = await runtimeOf(anonymous, { stored: { broken: { points: null } } });
    expect(contentOf(await h.one("web://s/#points", "nobody"))).toBe("welcome");
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([]);
    // A stored profile whose data makes the `let` and the condition fail: errors worth recording.
    expect(contentOf(await h.one("web://s/#points", "broken"))).toBe("welcome");
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toHaveLength(2);
  });

  it("a decision lists the recommended items its variant reads through a `let`", async () => {
    const viaLet = withSchema(`
      experience Top {
        surface "web://s/#top"
        format text
        recommend recs = popular(by: views) limit 3
        let firstRec = recs[0]
        variant ViaLet when firstRec != null { content "{{firstRec.name}}" }
        variant Default { content "none" }
      }
    `);
    const h = await runtimeOf(viaLet);
    h.rt.catalog!.upsertItems([{ sku: "A", name: "item A", inStock: true }]);
    await h.rt.ingest([{ id: "v1", type: "View", profileId: "q", time: new Date(T0 - 1000).toISOString(), data: { sku: "A" } }]);
    expect(await h.one("web://s/#top", "p")).toMatchObject({ variant: "ViaLet", content: "item A", items: [{ key: "A", source: "popular" }] });
  });

  it("the reason for a surface whose experiences are all outside their active period says so", async () => {
    const inactive = withSchema(`
      experience Winter {
        surface "web://s/#season"
        format text
        active from 2025-12-01 to 2025-12-31
        variant D { content "winter" }
      }
    `);
    const h = await runtimeOf(inactive);
    expect(await h.one("web://s/#season", "p")).toMatchObject({ content: null, reason: "no experience claiming this surface is active now" });
    expect(await h.one("web://s/#other", "p")).toMatchObject({ content: null, reason: "no experience claims this surface" });
  });
});

describe("decide never throws for a profile's data or a remote failure", () => {
  it("an executor that throws synchronously, or answers nothing", async () => {
    const sync = new ScriptedActions(() => ({}));
    sync.execute = () => {
      throw new TypeError("boom");
    };
    for (const actions of [sync, new ScriptedActions(() => undefined), new ScriptedActions(() => null), new ScriptedActions(() => "not json")]) {
      const h = await runtimeOf(ir, { actions });
      expect(variantOf(await h.one(HERO, "p"))).toBe("Default");
    }
  });

  it("a catalog engine and a provider that throw", async () => {
    const broken: CatalogEngine = {
      keyField: "sku",
      upsertItems() {},
      removeItems() {},
      item: () => undefined,
      recordSignal() {},
      profileKeys() {
        throw new Error("index corrupt");
      },
      recommend() {
        throw new Error("engine down");
      },
    };
    const h = await runtimeOf(ir, { catalog: broken });
    expect(contentOf(await h.one("web://shop.example.com/#guarded", "p"))).toBe("guarded default");
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error").map((e) => (e as { message: string }).message)).toEqual([
      expect.stringContaining("call `s` failed"),
      expect.stringContaining("recommend `picks` failed: index corrupt"),
    ]);
  });

  it("content the template engine cannot compile (an IR not made by this compiler)", async () => {
    const broken = structuredClone(ir);
    broken.experiences["Hero"]!.variants[0]!.content = "sun {{#each}}";
    const h = await runtimeOf(broken, { actions: sunny() });
    expect(await h.one(HERO, "p")).toMatchObject({ variant: "Default" });
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([expect.objectContaining({ message: expect.stringMatching(/^experience `Hero` variant `Sunny`: /) })]);
  });

  it("a malformed time zone or locale in the profile (stored before the runtime refused such a time zone)", async () => {
    const h = await runtimeOf(ir, { actions: new ScriptedActions(() => ({ tempC: 3, condition: "rain" })), stored: { p: { timezone: "Nowhere/Atlantis", locale: "en_US", points: 12345 } } });
    expect(contentOf(await h.one(HERO, "p"))).toBe("12,345 points");
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([]);
  });

  it("a condition or a `let` that fails on a profile's data: the variants needing it are skipped, the error recorded", async () => {
    const rest = `
experience Ratio {
  surface "${HERO}"
  format text
  let perPoint = 1000 / profile.points
  variant Cheap when 1000 / profile.points < 5 { content "cheap" }
  variant PerPoint { content "{{perPoint}} per point" }
  variant Default { content "default" }
}
`;
    const h = await runtimeOf(withSchema(rest), { profiles: { rich: { points: 500 }, none: { points: 0 } } });
    expect(await h.one(HERO, "rich")).toMatchObject({ variant: "Cheap" });
    expect(await h.one(HERO, "none")).toMatchObject({ variant: "Default" });
    await h.settle();
    const at = (v: string) => ({ file: "x.journey", line: lineOf(SCHEMA + rest, `variant ${v} `), column: 3 });
    expect(h.effects.filter((e) => e.type === "error")).toEqual([
      expect.objectContaining({ profileId: "none", message: "experience `Ratio` variant `Cheap`: division by zero", location: at("Cheap") }),
      expect.objectContaining({ profileId: "none", message: "experience `Ratio` variant `PerPoint`: skipped: let `perPoint` failed: division by zero", location: at("PerPoint") }),
    ]);
  });
});
