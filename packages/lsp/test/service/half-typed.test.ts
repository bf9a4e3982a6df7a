/**
 * Half-typed declarations the parser recovers from without all their parts (no parameter
 * list, no field block, no string): every request still answers, and nothing is logged.
 */
import { describe, expect, it } from "vitest";
import { SCHEMA, workspace } from "../support.js";

describe("half-typed declarations", () => {
  const cases: Record<string, string> = {
    "a context without its block": `experience E {\n  format html\n  context sku\n  variant A {\n    content "{{profile.email}}"\n  }\n}\n`,
    "a surface without its string": `experience E {\n  format html\n  surface\n  variant A {\n    content "{{profile.email}}"\n  }\n}\n`,
    "an action header typed inside a test": `test "t" {\n  action A(  at 0m "p1" CartAbandoned { cartId: "c" }\n}\n`,
    "a test without a name": `test {\n}\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`answers every request on ${name}`, () => {
      const logs: string[] = [];
      const { ws } = workspace({ "schema.journey": SCHEMA }, { log: (m) => logs.push(m) });
      ws.set("main.journey", text);
      expect(ws.documentSymbols("main.journey").length).toBeGreaterThan(0);
      for (let at = 0; at <= text.length; at++) {
        ws.hover("main.journey", at);
        ws.definition("main.journey", at);
        ws.completion("main.journey", at);
      }
      ws.semanticTokens("main.journey");
      ws.inlayHints("main.journey");
      expect(logs).toEqual([]);
    });
  }
});
