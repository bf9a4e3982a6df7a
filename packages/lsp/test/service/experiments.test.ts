/** Experiments (named splits) and their arms: hover, definition, references, highlights and rename. */
import { describe, expect, it } from "vitest";
import type { Location, Workspace } from "@journey/lsp";
import { applyEdits, SCHEMA, workspace } from "../support.js";

const JOURNEY = `journey WinBack {
  on CartAbandoned as cart
  split "subject" {
    MissYou 45% { send email { subject "We miss you" text "x" } to profile.email }
    TopPicks 45% {
      wait 1d
      send email { subject "Best sellers" text "x" } to profile.email
    }
    control 10% { }
  }
}
`;

const EXPERIENCE = `experience Home {
  surface "web://shop.example.com/#hero"
  format json
  variant Hero {
    split "subject" {
      MissYou 50% { content """{"layout": "grid"}""" }
      Carousel 50% { content """{"layout": "carousel"}""" }
    }
  }
}
experience Side {
  surface "web://shop.example.com/#side"
  format text
  variant Plain {
    split "layout" {
      A 50% { content "a" }
      B 50% { content "b" }
    }
  }
}
`;

const TESTS = `test "holdout" {
  profile "p1" { email: "a@b.c", consent: { email: true, sms: false } }
  profile "p2" { email: "b@b.c", consent: { email: true, sms: false } }
  split "subject" control for "p1"
  split "subject" MissYou for "p2"
  split "layout" B for "p1"
  at 0m "p1" CartAbandoned { cartId: "c1", items: [], total: 3 }
  expect no send email
}
`;

function ws(): Workspace {
  const w = workspace({ "schema.journey": SCHEMA, "journey.journey": JOURNEY, "experience.journey": EXPERIENCE, "tests.journey": TESTS }).ws;
  expect([...w.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
  return w;
}

/** The offset of the `n`-th `needle` in a file, plus `delta`. */
function at(w: Workspace, path: string, needle: string, delta = 1, n = 1): number {
  let i = -1;
  for (let k = 0; k < n; k++) i = w.text(path)!.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in ${path}`);
  return i + delta;
}

/** Locations as `path:text@line`, for readable expectations. */
function show(w: Workspace, locs: Location[]): string[] {
  return locs.map((l) => `${l.path}:${w.text(l.path)!.slice(l.span.start, l.span.end)}@${w.lineIndex(l.path)!.position(l.span.start).line + 1}`);
}

describe("hover", () => {
  it("on an experiment's name, in a split or a test: its splits with their arms, and the tests choosing arms", () => {
    const w = ws();
    const expected = [
      '```journey\n(experiment) "subject"\n```',
      "Split in:\n- experience `Home`, variant `Hero`: MissYou 50%, Carousel 50%\n- journey `WinBack`: MissYou 45%, TopPicks 45%, control 10%",
      "Tests choose an arm 2 times: `control` 1, `MissYou` 1.",
    ].join("\n\n");
    const inTest = w.hover("tests.journey", at(w, "tests.journey", '"subject"', 3));
    expect(inTest?.contents).toBe(expected);
    expect(inTest?.span).toEqual({ start: at(w, "tests.journey", '"subject"'), end: at(w, "tests.journey", '"subject"', 8) });
    expect(w.hover("journey.journey", at(w, "journey.journey", '"subject"'))?.contents).toBe(expected);
    expect(w.hover("experience.journey", at(w, "experience.journey", 'split "layout"', 8))?.contents).toContain("Tests choose an arm once: `B` 1.");
  });

  it("on an arm's label in a test: its percentage and what it does in each split that has it", () => {
    const w = ws();
    expect(w.hover("tests.journey", at(w, "tests.journey", "control for"))?.contents).toBe(
      '```journey\n(arm) control of "subject"\n```\n\n- 10% in journey `WinBack`: no steps (the journey goes on after the split)\n\nTests choose it once.',
    );
    expect(w.hover("tests.journey", at(w, "tests.journey", "MissYou for"))?.contents).toBe(
      [
        '```journey\n(arm) MissYou of "subject"\n```',
        '- 50% in experience `Home`, variant `Hero`: `content """{"layout": "grid"}"""`\n- 45% in journey `WinBack`: `send email { subject "We miss you" text "x" } to profile.em…`',
        "Tests choose it once.",
      ].join("\n\n"),
    );
    expect(w.hover("journey.journey", at(w, "journey.journey", "TopPicks"))?.contents).toContain("- 45% in journey `WinBack`: `wait 1d` (then 1 more step)\n\nNo test chooses it.");
  });

  it("on an experiment no split names", () => {
    const { ws: w, path, offset } = workspace({ "schema.journey": SCHEMA, "journey.journey": JOURNEY, "t.journey": 'test "t" {\n  profile "p1" { email: "a" }\n  split "subjct<|>" A for "p1"\n}\n' });
    expect(w.hover(path, offset)?.contents).toContain('No split is named "subjct".');
  });
});

describe("go to definition", () => {
  it("from a test's experiment to every split naming it, from its arm to the splits that have it", () => {
    const w = ws();
    expect(show(w, w.definition("tests.journey", at(w, "tests.journey", '"subject"', 2)))).toEqual(["experience.journey:subject@5", "journey.journey:subject@3"]);
    expect(show(w, w.definition("tests.journey", at(w, "tests.journey", "MissYou for")))).toEqual(["experience.journey:MissYou@6", "journey.journey:MissYou@4"]);
    expect(show(w, w.definition("tests.journey", at(w, "tests.journey", "control for")))).toEqual(["journey.journey:control@9"]);
    expect(show(w, w.definition("tests.journey", at(w, "tests.journey", "B for")))).toEqual(["experience.journey:B@17"]);
  });
});

describe("references and highlights", () => {
  it("finds an experiment's name in every split and test item, and an arm's label where it is that experiment's", () => {
    const w = ws();
    const subject = ["experience.journey:subject@5", "journey.journey:subject@3", "tests.journey:subject@4", "tests.journey:subject@5"];
    expect(show(w, w.references("journey.journey", at(w, "journey.journey", '"subject"')))).toEqual(subject);
    expect(show(w, w.references("tests.journey", at(w, "tests.journey", '"subject"', 1, 2), false))).toEqual(["tests.journey:subject@4", "tests.journey:subject@5"]);
    expect(show(w, w.references("journey.journey", at(w, "journey.journey", "MissYou")))).toEqual(["experience.journey:MissYou@6", "journey.journey:MissYou@4", "tests.journey:MissYou@5"]);
    // `B` of "layout" only, not another experiment's label.
    expect(show(w, w.references("tests.journey", at(w, "tests.journey", "B for")))).toEqual(["experience.journey:B@17", "tests.journey:B@6"]);
  });

  it("marks the splits' names as written and the tests' as read, in this file", () => {
    const w = ws();
    const text = w.text("tests.journey")!;
    expect(w.highlights("tests.journey", at(w, "tests.journey", '"subject"')).map((h) => `${text.slice(h.span.start, h.span.end)}@${h.span.start}${h.write ? " (write)" : ""}`)).toEqual([
      `subject@${at(w, "tests.journey", '"subject"')}`,
      `subject@${at(w, "tests.journey", '"subject"', 1, 2)}`,
    ]);
    expect(w.highlights("journey.journey", at(w, "journey.journey", "control"))).toEqual([{ span: { start: at(w, "journey.journey", "control", 0), end: at(w, "journey.journey", "control", 7) }, write: true }]);
  });
});

describe("rename", () => {
  it("renames an experiment in every split and test item, as a string", () => {
    const w = ws();
    const offset = at(w, "tests.journey", '"subject"', 2);
    expect(w.prepareRename("tests.journey", offset)).toEqual({ span: { start: at(w, "tests.journey", '"subject"'), end: at(w, "tests.journey", '"subject"', 8) }, placeholder: "subject" });
    const r = w.rename("tests.journey", offset, 'subject line "B"');
    if ("error" in r) throw new Error(r.error);
    expect(r.edits).toHaveLength(4);
    const after = applyEdits(w, r.edits);
    expect(after["journey.journey"]).toContain('split "subject line \\"B\\"" {');
    expect(after["experience.journey"]).toContain('split "subject line \\"B\\"" {');
    expect(after["tests.journey"]).toContain('split "subject line \\"B\\"" control for "p1"');
    expect(after["tests.journey"]).toContain('split "layout" B for "p1"');
    const again = workspace(after).ws;
    expect([...again.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
    expect(again.hover("tests.journey", at(again, "tests.journey", "control for"))?.contents).toContain('(arm) control of "subject line \\"B\\""');
  });

  it("refuses a blank name, another experiment's name, and an experiment no split names", () => {
    const w = ws();
    const offset = at(w, "journey.journey", '"subject"');
    expect(w.rename("journey.journey", offset, "  ")).toEqual({ error: "an experiment needs a name: splits of the same name share one assignment" });
    expect(w.rename("journey.journey", offset, "layout")).toEqual({ error: '"layout" is already an experiment (in experience.journey): the two would become one, sharing its assignment' });
    const { ws: typo, path, offset: o } = workspace({ "schema.journey": SCHEMA, "journey.journey": JOURNEY, "t.journey": 'test "t" {\n  profile "p1" { email: "a" }\n  split "subjct<|>" Typo for "p1"\n}\n' });
    expect(typo.prepareRename(path, o)).toEqual({ error: 'no split is named "subjct": there is no experiment to rename' });
    expect(typo.prepareRename(path, typo.text(path)!.indexOf("Typo"))).toEqual({ error: 'no split of "subjct" has an arm `Typo`' });
  });

  it("renames an arm in the splits of its experiment that have it and the tests choosing it", () => {
    const w = ws();
    const r = w.rename("tests.journey", at(w, "tests.journey", "MissYou for"), "Nostalgia");
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect(after["journey.journey"]).toContain("Nostalgia 45% {");
    expect(after["experience.journey"]).toContain("Nostalgia 50% {");
    expect(after["tests.journey"]).toContain('split "subject" Nostalgia for "p2"');
    const again = workspace(after).ws;
    expect([...again.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
    // Only the arms of "layout" named `B`, not a `B` elsewhere.
    const b = w.rename("experience.journey", at(w, "experience.journey", "B 50%", 0), "Bold");
    if ("error" in b) throw new Error(b.error);
    expect(b.edits.map((e) => e.path)).toEqual(["experience.journey", "tests.journey"]);
  });

  it("refuses an arm label that is not a name or is another arm's; a keyword is a label like any other", () => {
    const w = ws();
    const offset = at(w, "journey.journey", "control", 0);
    expect(w.rename("journey.journey", offset, "no way")).toEqual({ error: "`no way` is not a valid arm label" });
    expect(w.rename("journey.journey", offset, "Carousel")).toEqual({ error: '`Carousel` is already an arm of "subject": the two arms would become one' });
    const r = w.rename("journey.journey", offset, "wait");
    if ("error" in r) throw new Error(r.error);
    expect(applyEdits(w, r.edits)["tests.journey"]).toContain('split "subject" wait for "p1"');
  });
});
