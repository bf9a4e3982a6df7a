/**
 * Deadlines: an experience's `timeout` (150 ms by default) bounds the whole decision in real
 * time. A call or recommendation not done by then counts as failed, so the variants reading
 * it are skipped for the next one.
 */
import type { CallRequest, CatalogItem, ProviderRequest, RecommendationProvider } from "@journey/runtime";
import { beforeAll, describe, expect, it } from "vitest";
import { contentOf, runtimeOf, ScriptedActions, sleep, T, variantOf, withSchema } from "./helpers.js";

/**
 * Scheduling slack the acceptance allows past a deadline. Other test files run beside these
 * on two cores, so a timing test may be retried twice: a broken deadline fails every try.
 */
const SLACK = 20;
const WEATHER = "web://shop.example.com/#weather";
const SLOW = "web://shop.example.com/#slow";
const RECS = "web://shop.example.com/#recs";

const ir = withSchema(`
experience Weather50 {
  surface "${WEATHER}"
  format text
  timeout 50ms
  call Weather(profile.city ?? "Stockholm") as w
  variant Sunny when w.condition == "sun" { content "sun in {{profile.city}}, {{w.tempC}} °C" }
  variant Default { content "new season" }
}
experience DefaultTimeout {
  surface "web://shop.example.com/#default-timeout"
  format text
  call Weather(profile.city ?? "Stockholm") as w
  variant Sunny when w.condition == "sun" { content "sun" }
  variant Default { content "default" }
}
experience TwoCalls {
  surface "${SLOW}"
  format text
  timeout 50ms
  call Weather(profile.city ?? "Stockholm") as first
  call Slow(1) as second
  call Slow(2) as third
  variant Both when second.condition == "sun" { content "both" }
  variant First when first.condition == "sun" { content "first only" }
  variant Default { content "nothing" }
}
experience Recs {
  surface "${RECS}"
  format json
  timeout 50ms
  recommend picks = provider("slow") limit 3 backup provider("slower")
  variant Picks { content """{"items": {{json picks}} }""" }
  variant Default { content """{"items": []}""" }
}
`);

/** `Weather` answers sun after `weatherMs`; `Slow(n)` after `slowMs(n)`. */
function actions(weatherMs: number, slowMs: (n: number) => number = () => 0): ScriptedActions {
  return new ScriptedActions(
    () => ({ tempC: 21, condition: "sun" }),
    (r: CallRequest) => (r.action === "Weather" ? weatherMs : slowMs(r.args["n"] as number)),
  );
}

/** A provider answering after `ms` (or never, for Infinity). */
const provider = (ms: number, items: CatalogItem[] = [{ sku: "A", name: "a", inStock: true }]): RecommendationProvider => ({
  recommend: (_: ProviderRequest) => (ms === Infinity ? new Promise(() => {}) : sleep(ms).then(() => items)),
});

const actions0 = () => actions(0);
/** The catalog the providers' keys are looked up in. */
const items = [
  { sku: "A", name: "a", inStock: true },
  { sku: "B", name: "b", inStock: true },
];

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

// Warm up once (templates compiled, time zone and crypto caches filled), as a running service
// is: the deadlines measured below are the experience's, not a cold start's.
beforeAll(async () => {
  const surfaces = [WEATHER, SLOW, RECS, "web://shop.example.com/#default-timeout"];
  const failing = new ScriptedActions(() => {
    throw new Error("down");
  });
  for (const actions of [actions0(), failing]) {
    const h = await runtimeOf(ir, { actions, providers: { slow: provider(0), slower: provider(0) }, profiles: { p: { city: "Madrid" } } });
    await h.rt.decide({ surfaces, profileId: "p" });
  }
});

describe("a call that sleeps past the deadline", { retry: 2 }, () => {
  it.each([1, 2, 3, 4, 5])("makes decide return the next variant within the deadline plus 20 ms (run %i)", async () => {
    const h = await runtimeOf(ir, { actions: actions(500), profiles: { p: { city: "Madrid" } } });
    const { value, ms } = await timed(() => h.one(WEATHER, "p"));
    expect(value).toMatchObject({ variant: "Default", content: "new season" });
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThanOrEqual(50 + SLACK);
  });

  it("a call that never answers is bounded the same way", async () => {
    const never = new ScriptedActions(() => ({}), () => 0);
    never.execute = () => new Promise(() => {});
    const h = await runtimeOf(ir, { actions: never });
    const { value, ms } = await timed(() => h.one(WEATHER, "p"));
    expect(variantOf(value)).toBe("Default");
    expect(ms).toBeLessThanOrEqual(50 + SLACK);
  });

  it("without `timeout`, the deadline is 150 ms", async () => {
    const h = await runtimeOf(ir, { actions: actions(1000) });
    const { value, ms } = await timed(() => h.one("web://shop.example.com/#default-timeout", "p"));
    expect(variantOf(value)).toBe("Default");
    expect(ms).toBeGreaterThanOrEqual(145);
    expect(ms).toBeLessThanOrEqual(150 + SLACK);
  });

  it("a call that answers in time is used", async () => {
    const h = await runtimeOf(ir, { actions: actions(10), profiles: { p: { city: "Madrid" } } });
    expect(contentOf(await h.one(WEATHER, "p"))).toBe("sun in Madrid, 21 °C");
  });

  it("the timeout is recorded as an error, with the experience, the variant it made skip, and its span", async () => {
    const h = await runtimeOf(ir, { actions: actions(500) });
    await h.one(WEATHER, "p");
    await h.settle();
    expect(h.effects.filter((e) => e.type === "error")).toEqual([
      expect.objectContaining({
        journey: "Weather50",
        profileId: "p",
        message: "experience `Weather50` variant `Sunny`: skipped: call `w` failed: no answer within 50 ms",
        location: { file: "x.journey", line: expect.any(Number), column: 3 },
      }),
    ]);
  });
});

describe("the deadline bounds the whole decision", { retry: 2 }, () => {
  it("steps share it: after a slow first call, the rest get what is left, and nothing starts once it has passed", async () => {
    const a = actions(20, () => 500);
    const h = await runtimeOf(ir, { actions: a });
    const { value, ms } = await timed(() => h.one(SLOW, "p"));
    expect(value).toMatchObject({ variant: "First", content: "first only" });
    expect(ms).toBeLessThanOrEqual(50 + SLACK);
    // `Slow(1)` got only what was left of 50 ms; `Slow(2)` was never called.
    expect(a.requests.map((r) => [r.action, r.timeoutMs < 40, r.retries])).toEqual([
      ["Weather", false, 0],
      ["Slow", true, 0],
    ]);
  });

  it("a slow recommendation and a slow backup together stay within it", async () => {
    const h = await runtimeOf(ir, { providers: { slow: provider(500), slower: provider(500) } });
    const { value, ms } = await timed(() => h.one(RECS, "p"));
    expect(value).toMatchObject({ variant: "Default", content: `{"items": []}` });
    expect(ms).toBeLessThanOrEqual(50 + SLACK);
  });

  it("with a backup, each algorithm gets half of what is left: a primary that never answers leaves time for the backup", async () => {
    const h = await runtimeOf(ir, { items, providers: { slow: provider(Infinity), slower: provider(0, [{ sku: "B", name: "b", inStock: true }]) } });
    const { value, ms } = await timed(() => h.one(RECS, "p"));
    expect(value).toMatchObject({ variant: "Picks", items: [{ key: "B", source: "provider:slower" }] });
    expect(ms).toBeGreaterThanOrEqual(20);
    expect(ms).toBeLessThanOrEqual(50 + SLACK);
  });

  it("a primary that failed while the backup filled in is recorded and logged: the page gets content, the operator sees the provider is down", async () => {
    const warnings: { o: unknown; m: string | undefined }[] = [];
    const logger = { info() {}, error() {}, warn: (o: unknown, m?: string) => void warnings.push({ o, m }) };
    const down: RecommendationProvider = { recommend: () => Promise.reject(new Error("HTTP 503")) };
    const h = await runtimeOf(ir, { items, logger, providers: { slow: down, slower: provider(0, [{ sku: "B", name: "b", inStock: true }]) } });
    expect(await h.one(RECS, "p")).toMatchObject({ variant: "Picks", items: [{ key: "B", source: "provider:slower" }] });
    await h.settle();
    const message = "experience `Recs`: recommend `picks`: provider:slow: HTTP 503; the backup filled in";
    expect(h.effects.filter((e) => e.type === "error")).toEqual([expect.objectContaining({ journey: "Recs", profileId: "p", message })]);
    expect(warnings).toEqual([{ o: expect.objectContaining({ profileId: "p", experience: "Recs" }), m: message }]);
    // At page-view rate, the same message is logged once a minute, then with how many were not.
    await h.one(RECS, "p");
    await h.one(RECS, "q");
    await h.settle();
    expect(warnings).toHaveLength(1);
    h.clock.set(h.clock.now() + 61_000);
    await h.one(RECS, "p");
    await h.settle();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toEqual({ o: expect.objectContaining({ notLoggedSince: 2 }), m: message });
    expect(h.effects.filter((e) => e.type === "error")).toHaveLength(4);
  });

  it("a recommendation in time is used, with the algorithm that produced each item", async () => {
    const h = await runtimeOf(ir, { items, providers: { slow: provider(5), slower: provider(0) } });
    const d = await h.one(RECS, "p");
    expect(d).toMatchObject({ variant: "Picks", items: [{ key: "A", source: "provider:slow" }] });
    expect(JSON.parse(contentOf(d))).toEqual({ items: [{ sku: "A", name: "a", inStock: true }] });
  });

  it("experiences tried after the first (it had no content) share what is left of its deadline", async () => {
    const fallbacks = withSchema(`
      experience B1 {
        surface "web://s/#b"
        format text
        timeout 60ms
        priority 2
        call Weather("b1") as w
        variant X when w.tempC > -100 { content "B1" }
      }
      experience B2 {
        surface "web://s/#b"
        format text
        timeout 60ms
        priority 1
        call Weather("b2") as w
        variant X when w.tempC > -100 { content "B2" }
      }
      experience B3 {
        surface "web://s/#b"
        format text
        timeout 500ms
        call Weather("b3") as w
        variant X when w.tempC > -100 { content "B3" }
        variant Default { content "B3 default" }
      }
    `);
    const h = await runtimeOf(fallbacks, { actions: actions(400) });
    const { value, ms } = await timed(() => h.one("web://s/#b", "p"));
    expect(value).toMatchObject({ content: "B3 default" });
    expect(ms).toBeLessThanOrEqual(60 + SLACK);
  });

  it("surfaces of one request are decided concurrently: two slow ones take one deadline, not two", async () => {
    const h = await runtimeOf(ir, { actions: actions(500) });
    const { value, ms } = await timed(() => h.rt.decide({ surfaces: [WEATHER, "web://shop.example.com/#default-timeout"], profileId: "p" }));
    expect(value.map(variantOf)).toEqual(["Default", "Default"]);
    expect(ms).toBeLessThanOrEqual(150 + SLACK);
  });
});

describe("deadlines are real time, whatever the runtime's clock says", { retry: 2 }, () => {
  it("a virtual clock in the past does not make every call time out", async () => {
    const h = await runtimeOf(ir, { at: T("2020-01-01T00:00:00Z"), actions: actions(20), profiles: { p: { city: "Madrid" } } });
    expect(variantOf(await h.one(WEATHER, "p"))).toBe("Sunny");
  });

  it("a virtual clock in the future does not lift the deadline", async () => {
    const h = await runtimeOf(ir, { at: T("2035-01-01T00:00:00Z"), actions: actions(500) });
    const { value, ms } = await timed(() => h.one(WEATHER, "p"));
    expect(variantOf(value)).toBe("Default");
    expect(ms).toBeLessThanOrEqual(50 + SLACK);
  });

  it("so does a request's own `now`", async () => {
    const h = await runtimeOf(ir, { actions: actions(20), profiles: { p: { city: "Madrid" } } });
    expect(variantOf(await h.one(WEATHER, "p", { now: T("2019-05-01T00:00:00Z") }))).toBe("Sunny");
  });
});
