/**
 * A project that asks a provider the runtime was not given: every request to it fails (the
 * backup fills in), so `start()` says so once, by name, rather than leave it to a warning per
 * recommendation that may come hours later.
 */
import { createRuntime, MemoryStore, VirtualClock, type RecommendationProvider } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { providerNamesIn } from "../../src/recs/options.js";
import { PRODUCT_CATALOG, T0, withSchema } from "../engine/helpers.js";

const ir = withSchema(`${PRODUCT_CATALOG}
journey AfterOrder {
  on Order as o
  recommend recs = provider("ml", "post") limit 2 backup provider("rules")
  send email { subject "x" text "{{length recs}}" } to profile.email
}
experience Picks {
  surface "web://s/#picks"
  format text
  recommend picks = popular() limit 3 backup provider("ml")
  variant D { content "{{length picks}}" }
}
`);

describe("providers the project asks", () => {
  it("are found in journeys and experiences, primary and backup, each once", () => {
    expect(providerNamesIn(ir)).toEqual(["ml", "rules"]);
  });

  it("start() warns of each one not in `providers`, and of none once given", async () => {
    const open = (providers: Record<string, RecommendationProvider>) => {
      const warnings: { obj: object; msg: string | undefined }[] = [];
      const logger = { info() {}, error() {}, warn: (obj: object, msg?: string) => void warnings.push({ obj, msg }) };
      return { rt: createRuntime({ ir, store: new MemoryStore(), clock: new VirtualClock(T0), logger, providers }), warnings };
    };
    const partial = open({ rules: { recommend: async () => [] } });
    await partial.rt.start();
    expect(partial.warnings).toEqual([
      { obj: { provider: "ml" }, msg: 'provider `ml` (in `recommend … = provider("ml", …)`) is not in `providers`: every request to it fails, and the step\'s backup, if any, fills in' },
    ]);
    await partial.rt.stop();
    const both = open({ rules: { recommend: async () => [] }, ml: { recommend: async () => [] } });
    await both.rt.start();
    expect(both.warnings).toEqual([]);
    await both.rt.stop();
  });
});
