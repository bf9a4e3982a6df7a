/** Inlay hints: the types of names that steps bind without writing one. */
import { describe, expect, it } from "vitest";
import { SCHEMA, workspace } from "../support.js";

const MAIN = `journey J {
  on CartAbandoned as cart
  let first = cart.items[0]
  let n = length(cart.items) * 2
  recommend recs = popular() limit 4
  call Weather("Lyon") as w
  send email { subject "x" text "{{first.name}} {{n}} {{w.tempC}}" } to profile.email
}
`;

/** Hints as `text before the hint` + label, for readable expectations. */
const shown = (text: string, hints: { offset: number; label: string }[]) => hints.map((h) => `${text.slice(0, h.offset).split("\n").pop()!.trim()}${h.label}`);

describe("inlay hints", () => {
  it("give the type of each `let`, `recommend` and `call … as` binding after its name", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": MAIN });
    expect(shown(MAIN, ws.inlayHints("main.journey"))).toEqual([
      "let first: LineItem",
      "let n: int",
      "recommend recs: list<Product>",
      'call Weather("Lyon") as w: { tempC: number, condition: "sun" | "rain" }',
    ]);
  });

  it("only in the range asked for, and none for a binding whose type is unknown", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": MAIN });
    const start = MAIN.indexOf("let n");
    expect(shown(MAIN, ws.inlayHints("main.journey", { start, end: start + 6 }))).toEqual(["let n: int"]);
    const broken = MAIN.replace("cart.items[0]", "cart.itemz[0]");
    const w2 = workspace({ "schema.journey": SCHEMA, "main.journey": broken }).ws;
    expect(shown(broken, w2.inlayHints("main.journey")).some((h) => h.startsWith("let first"))).toBe(false);
  });
});
