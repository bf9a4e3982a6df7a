/** A test's profile ids: hover, definition, references, highlights and rename, within the test. */
import { describe, expect, it } from "vitest";
import type { Location, Workspace } from "@journey/lsp";
import { applyEdits, SCHEMA, workspace } from "../support.js";

const JOURNEY = `journey WinBack {
  on CartAbandoned as cart
  split "subject" {
    A 50% { send email { subject "a" text "x" } to profile.email }
    B 50% { end }
  }
}
`;

const TESTS = `test "first" {
  profile "p1" { email: "a@b.c", consent: { email: true, sms: false } }
  profile "p2" { email: "b@b.c", consent: { email: true, sms: false } }
  split "subject" A for "p1"
  at 0m "p1" CartAbandoned { cartId: "c1", items: [], total: 3 }
  at 1h "p2" CartAbandoned { cartId: "c2", items: [], total: 3 }
  expect profile "p1" where email == "a@b.c"
}

test "second" {
  profile "p1" { email: "other@b.c", consent: { email: true, sms: false } }
  at 0m "p1" CartAbandoned { cartId: "c3", items: [], total: 3 }
}
`;

function ws(): Workspace {
  const w = workspace({ "schema.journey": SCHEMA, "journey.journey": JOURNEY, "tests.journey": TESTS }).ws;
  expect([...w.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
  return w;
}

/** The offset of the `n`-th `needle` in the tests, plus `delta` (inside the quotes by default). */
function at(w: Workspace, needle: string, n = 1, delta = 2): number {
  let i = -1;
  for (let k = 0; k < n; k++) i = w.text("tests.journey")!.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in the tests`);
  return i + delta;
}

/** Locations as `text@line`. */
const show = (w: Workspace, locs: Location[]) => locs.map((l) => `${w.text(l.path)!.slice(l.span.start, l.span.end)}@${w.lineIndex(l.path)!.position(l.span.start).line + 1}`);

describe("a test's profile ids", () => {
  it("hover: the profile's data as declared, and how many items of the test name it", () => {
    const w = ws();
    const h = w.hover("tests.journey", at(w, 'at 0m "p1"', 1, 8))!;
    expect(h.contents).toBe('```journey\n(test profile) "p1"\n```\n\n`{ email: "a@b.c", consent: { email: true, sms: false } }`\n\nNamed by 3 items of this test.');
    expect(w.hover("tests.journey", at(w, '"p2"', 1))!.contents).toContain("Named by 1 item of this test.");
  });

  it("definition goes to the profile of the same test; references and highlights stay in the test", () => {
    const w = ws();
    const use = at(w, 'expect profile "p1"', 1, 17);
    expect(show(w, w.definition("tests.journey", use))).toEqual(["p1@2"]);
    expect(show(w, w.references("tests.journey", use, true))).toEqual(["p1@2", "p1@4", "p1@5", "p1@7"]);
    expect(show(w, w.references("tests.journey", use, false))).toEqual(["p1@4", "p1@5", "p1@7"]);
    // The other test's "p1" is another profile.
    expect(show(w, w.references("tests.journey", at(w, 'at 0m "p1"', 2, 8), true))).toEqual(["p1@11", "p1@12"]);
    expect(w.highlights("tests.journey", use).map((h) => h.write)).toEqual([true, false, false, false]);
  });

  it("rename changes the id in the test's declaration and items, as a string, and nowhere else", () => {
    const w = ws();
    const offset = at(w, 'split "subject" A for "p1"', 1, 23);
    expect(w.prepareRename("tests.journey", offset)).toMatchObject({ placeholder: "p1" });
    const r = w.rename("tests.journey", offset, 'ana "lindqvist"');
    if ("error" in r) throw new Error(r.error);
    expect(r.edits).toHaveLength(4);
    const after = applyEdits(w, r.edits)["tests.journey"]!;
    expect(after).toContain('profile "ana \\"lindqvist\\"" { email: "a@b.c"');
    expect(after).toContain('split "subject" A for "ana \\"lindqvist\\""');
    expect(after).toContain('expect profile "ana \\"lindqvist\\"" where');
    expect(after).toContain('profile "p1" { email: "other@b.c"');
    const again = workspace({ "schema.journey": SCHEMA, "journey.journey": JOURNEY, "tests.journey": after }).ws;
    expect([...again.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
  });

  it("rename refuses a blank id, one another profile of the test has, and an id the test does not declare", () => {
    const w = ws();
    const offset = at(w, '"p1"', 1);
    expect(w.rename("tests.journey", offset, " ")).toEqual({ error: "a profile needs an id" });
    expect(w.rename("tests.journey", offset, "p2")).toEqual({ error: 'this test already declares a profile "p2": the two would become one' });
    const undeclared = workspace({ "schema.journey": SCHEMA, "journey.journey": JOURNEY, "tests.journey": TESTS.replace('at 1h "p2"', 'at 1h "p9"') }).ws;
    const i = undeclared.text("tests.journey")!.indexOf('"p9"') + 2;
    expect(undeclared.prepareRename("tests.journey", i)).toEqual({ error: 'this test declares no profile "p9": there is no profile to rename' });
    expect(undeclared.hover("tests.journey", i)!.contents).toContain('This test declares no profile "p9"');
  });
});
