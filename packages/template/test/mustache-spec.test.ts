import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderTemplate } from "../src/index.js";
import { specsDir } from "./specs.js";

interface SpecTest {
  name: string;
  desc: string;
  data: unknown;
  template: string;
  partials?: Record<string, string>;
  expected: string;
}

// No skipping: a missing folder makes readdirSync throw and the suite fail.
const dir = join(specsDir(), "mustache");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const suites = files.map((f) => ({ file: f, tests: (JSON.parse(readFileSync(join(dir, f), "utf8")) as { tests: SpecTest[] }).tests }));

describe("Mustache spec (core modules)", () => {
  it("has all 136 tests", () => {
    expect(files).toEqual(["comments.json", "delimiters.json", "interpolation.json", "inverted.json", "partials.json", "sections.json"]);
    expect(suites.reduce((n, s) => n + s.tests.length, 0)).toBe(136);
  });
  for (const { file, tests } of suites) {
    describe(file, () => {
      for (const t of tests) {
        it(t.name, () => {
          expect(renderTemplate(t.template, t.data, { escape: "html", partials: t.partials ?? {} })).toBe(t.expected);
        });
      }
    });
  }
});
