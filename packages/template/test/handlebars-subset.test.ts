import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { T, checkTemplate, compileTemplate } from "../src/index.js";
import { specsDir } from "./specs.js";

interface Case {
  name: string;
  template: string;
  data: unknown;
  partials?: Record<string, string>;
  expected?: string;
  throws?: boolean;
}

const cases = JSON.parse(readFileSync(join(specsDir(), "handlebars", "handlebars-subset.json"), "utf8")) as Case[];

describe("Handlebars compatibility subset", () => {
  it("has all 83 cases", () => {
    expect(cases.length).toBe(83);
    expect(cases.filter((c) => c.throws).length).toBe(11);
  });
  it("the checker handles every case: syntax errors exactly where compiling throws", () => {
    for (const c of cases) {
      const env = { lookup: () => T.unknown, names: () => [], partials: new Set(Object.keys(c.partials ?? {})), escape: "none" as const };
      const kinds = checkTemplate(c.template, env).diagnostics.map((d) => d.kind);
      expect(kinds.includes("syntax"), c.name).toBe(!!c.throws);
    }
  });
  for (const c of cases) {
    it(c.name, () => {
      const run = () => compileTemplate(c.template, { escape: "html" })(c.data, { partials: c.partials ?? {} });
      if (c.throws) expect(run).toThrow();
      else expect(run()).toBe(c.expected);
    });
  }
});
