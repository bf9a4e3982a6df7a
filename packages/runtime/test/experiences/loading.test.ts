/** What an experience loads per request: `let`, `recommend` (from the catalog engine) and `call` results. */
import { describe, expect, it } from "vitest";
import { contentOf, runtimeOf, ScriptedActions, T0, withSchema } from "./helpers.js";

const HERO = "web://shop.example.com/#hero";

const ir = withSchema(`
type Temperature { tempC: number, unit: string = "C" }
action Forecast(city: string) -> Temperature {
  get "https://weather.example.com/forecast?city={{city}}"
}
experience Hero {
  surface "${HERO}"
  format json
  let wanted = profile.code ?? "none"
  recommend recent = recentlyViewed() where item.inStock and item.sku != wanted limit 2 backup popular(by: views)
  call Forecast(profile.city ?? "Stockholm") as f
  variant Recent when length(recent) > 0 {
    content """{"items": {{json recent}}, "temp": "{{f.tempC}} {{f.unit}}"}"""
  }
  variant Empty { content """{"items": []}""" }
}
`);

describe("loading data", async () => {
  const catalogItems = ["A", "B", "C", "D"].map((sku) => ({ sku, name: `item ${sku}`, inStock: sku !== "C" }));
  const h = await runtimeOf(ir, { actions: new ScriptedActions((r) => ({ tempC: r.args["city"] === "Madrid" ? 21 : 4 })), profiles: { p: { city: "Madrid", code: "B" }, q: {} } });
  h.rt.catalog!.upsertItems(catalogItems);
  const views = [
    ["p", "A"],
    ["p", "B"],
    ["p", "C"],
    ["q", "D"],
    ["q", "D"],
  ];
  await h.rt.ingest(views.map(([profileId, sku], i) => ({ id: `v${i}`, type: "View", profileId: profileId!, time: new Date(T0 - 60_000 + i).toISOString(), data: { sku } })));

  it("`where` reads the experience's `let` bindings; items keep the algorithm that produced them", async () => {
    const d = await h.one(HERO, "p");
    // Newest first: C is out of stock and B is excluded by `wanted`; D comes from the backup.
    expect(JSON.parse(contentOf(d)).items.map((i: { sku: string }) => i.sku)).toEqual(["A", "D"]);
    expect(d).toMatchObject({ variant: "Recent", items: [{ key: "A", source: "recentlyViewed" }, { key: "D", source: "popular" }] });
  });

  it("a call's response gets its type's defaults, as in journeys", async () => {
    expect(JSON.parse(contentOf(await h.one(HERO, "p"))).temp).toBe("21 C");
    expect(JSON.parse(contentOf(await h.one(HERO, "q"))).temp).toBe("4 C");
  });

  it("a recommendation that answers nothing is not a failure; one that fails and has nothing to show is", async () => {
    const x = withSchema(`
experience Recs {
  surface "web://shop.example.com/#recs"
  format text
  recommend picks = provider("main") limit 3 backup provider("spare")
  variant Picks { content "{{length picks}} picks" }
  variant Default { content "default" }
}
`);
    const answer = (items: unknown[] | Error) => ({ recommend: async () => { if (items instanceof Error) throw items; return items as Record<string, unknown>[]; } });
    const item = { sku: "A", name: "a", inStock: true };
    const cases: [unknown[] | Error, unknown[] | Error, string][] = [
      [[], [], "0 picks"],
      [new Error("down"), [item], "1 picks"],
      [[item], new Error("down"), "1 picks"],
      [new Error("down"), [], "default"],
      [new Error("down"), new Error("down too"), "default"],
    ];
    for (const [main, spare, expected] of cases) {
      const r = await runtimeOf(x, { items: [item], providers: { main: answer(main), spare: answer(spare) } });
      expect(contentOf(await r.one("web://shop.example.com/#recs", "p"))).toBe(expected);
    }
  });
});
