/**
 * Incrementality: an edit re-parses the edited file only (and in a long clean file only the
 * declarations it touched), re-checks what depends on it, and ends with exactly what a fresh
 * compile of the same texts gives.
 */
import { describe, expect, it } from "vitest";
import { compile, parseFile } from "@journey/compiler";
import { Workspace } from "@journey/lsp";
import { sample, SCHEMA, workspace } from "../support.js";

const A = `journey A {\n  on CartAbandoned as cart\n  wait 4h\n  send email Reminder(cart, []) to profile.email\n}\n`;
const B = `journey B {\n  on OrderPlaced as o\n  if o.total > 10 { end }\n}\n`;

function fresh(ws: Workspace) {
  return compile(
    ws.paths().map((path) => ({ path, text: ws.text(path)! })),
    { emit: false },
  ).diagnostics;
}

describe("what an edit re-does", () => {
  it("re-parses the edited file only and re-checks only the declaration that changed", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": A, "b.journey": B });
    ws.diagnosticsByFile();
    ws.set("b.journey", B.replace("o.total > 10", "o.total > 20"));
    expect(ws.diagnostics("b.journey")).toEqual([]);
    expect(ws.stats("b.journey")).toMatchObject({ parsed: ["b.journey"], checked: ["b.journey"], declarations: 1, full: false });
    // The template's parameter types were resolved by this journey's `send` (it is checked
    // first): the template is checked with it, so the result never depends on order.
    ws.set("a.journey", A.replace("wait 4h", "wait 5h"));
    expect(ws.diagnostics("a.journey")).toEqual([]);
    expect(ws.stats("a.journey")).toMatchObject({ parsed: ["a.journey"], checked: ["a.journey", "schema.journey"], declarations: 2, full: false });
  });

  it("a jump's J3024 follows an edit of the journey it jumps to, in another file, as a fresh compile does", () => {
    const target = `journey T {\n  on CartAbandoned as cart\n  wait 1h\n}\n`;
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": target, "b.journey": `journey J {\n  on OrderPlaced\n  jump to T\n}\n` });
    expect(ws.diagnostics("b.journey")).toEqual([]);
    ws.set("a.journey", target.replace("wait 1h", 'wait 1h\n  send email { subject "{{cart.cartId}}" text "x" } to profile.email'));
    expect(ws.diagnostics("b.journey").map((d) => d.code)).toEqual(["J3024"]);
    expect(fresh(ws).map((d) => d.code)).toEqual(["J3024"]);
    ws.set("a.journey", target);
    expect(ws.diagnostics("b.journey")).toEqual([]);
  });

  it("a test's chosen arm follows an edit of the split's labels, in another file, as a fresh compile does", () => {
    const journey = `journey S {\n  on OrderPlaced\n  split "subject" { A 50% { } B 50% { } }\n}\n`;
    const test = `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n  split "subject" B for "p1"\n}\n`;
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": journey, "t.journey": test });
    expect(ws.diagnostics("t.journey")).toEqual([]);
    ws.set("a.journey", journey.replace("B 50%", "C 50%"));
    expect(ws.diagnostics("t.journey").map((d) => d.code)).toEqual(["J1001"]);
    expect(fresh(ws).map((d) => d.code)).toEqual(["J1001"]);
    ws.set("a.journey", journey);
    expect(ws.diagnostics("t.journey")).toEqual([]);
  });

  it("re-checks everything when an edit changes what other files see", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": A, "b.journey": B });
    ws.diagnosticsByFile();
    ws.set("schema.journey", SCHEMA.replace("total: number\n}", "total: number\n  currency: string\n}"));
    ws.diagnosticsByFile();
    expect(ws.stats("a.journey")).toMatchObject({ parsed: ["schema.journey"], full: true });
    ws.set("b.journey", B.replace("journey B", "journey C"));
    ws.diagnosticsByFile();
    expect(ws.stats("b.journey")!.full).toBe(true);
  });

  it("re-checks the callers of a template whose parameters changed", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": A, "b.journey": B });
    ws.diagnosticsByFile();
    ws.set("schema.journey", SCHEMA.replace("recs: list<Product>) for email", "recs: list<Product>, n: int) for email"));
    expect(ws.diagnostics("a.journey").map((d) => d.code)).toEqual(["J2003"]);
    const stats = ws.stats("a.journey")!;
    expect(stats.full).toBe(false);
    expect(stats.checked).toEqual(["a.journey", "schema.journey"]);
    expect(stats.checked).not.toContain("b.journey");
  });

  it("moves the cached results of declarations after the edit", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": A + "\n" + B.replace("o.total", "o.totl") });
    const before = ws.diagnostics("a.journey")[0]!;
    ws.set("a.journey", "// a comment above everything\n" + ws.text("a.journey")!);
    const after = ws.diagnostics("a.journey")[0]!;
    expect(ws.stats("a.journey")!.declarations).toBe(0);
    expect(after.span.start).toBe(before.span.start + "// a comment above everything\n".length);
    expect(ws.text("a.journey")!.slice(after.span.start, after.span.end)).toBe("totl");
  });

  it("re-parses only the touched declarations of a long clean file, as a full parse would", () => {
    const long = SCHEMA + Array.from({ length: 30 }, (_, i) => A.replace("journey A", `journey A${i}`)).join("\n");
    const ws = new Workspace({ formatter: null });
    ws.set("long.journey", long);
    ws.diagnostics("long.journey");
    const project = ws.project("long.journey")!;
    const edits = [
      (t: string) => t.replace("journey A7 {\n  on CartAbandoned as cart\n  wait 4h", "journey A7 {\n  on CartAbandoned as cart\n  wait 45h"),
      (t: string) => t.replace("/// A shopper.", "/// A shopper of ours."),
      (t: string) => t + "\njourney Z { on OrderPlaced }\n",
      (t: string) => t.replace("journey A29", "journey A29b"),
      (t: string) => t.replace("  wait 4h\n", "  wait 4h\n  wait 1d\n"),
    ];
    let text = long;
    for (const edit of edits) {
      text = edit(text);
      const n = project.incrementalParses;
      ws.set("long.journey", text);
      expect(ws.diagnostics("long.journey")).toEqual(fresh(ws));
      expect(project.incrementalParses).toBe(n + 1);
      expect(JSON.stringify(project.parse("long.journey")!.file)).toBe(JSON.stringify(parseFile("long.journey", text).file));
    }
    // A syntax error: the whole file is parsed.
    const n = project.incrementalParses;
    ws.set("long.journey", text.replace("wait 45h", "wait 45h {"));
    expect(ws.diagnostics("long.journey")).toEqual(fresh(ws));
    expect(project.incrementalParses).toBe(n);
  });
});

describe("the same answer as a fresh compile", () => {
  /** A deterministic pseudo-random sequence. */
  function random(seed: number) {
    return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
  }

  it("after each of 400 random edits of a sample (insertions, deletions, pastes)", () => {
    const files = sample("abandoned-cart");
    const paste = Object.values(files).join("\n");
    const ws = new Workspace({ formatter: null });
    for (const [p, t] of Object.entries(files)) ws.set(p, t).reparseMinLength = 0;
    const rnd = random(42);
    const paths = Object.keys(files);
    let mismatches = 0;
    for (let i = 0; i < 400; i++) {
      const path = paths[Math.floor(rnd() * paths.length)]!;
      let t = ws.text(path)!;
      const at = Math.floor(rnd() * (t.length + 1));
      const k = rnd();
      if (k < 0.4) t = t.slice(0, at) + "abcxyz {}().,:\n\"".charAt(Math.floor(rnd() * 16)) + t.slice(at);
      else if (k < 0.8) t = t.slice(0, at) + t.slice(Math.min(t.length, at + 1 + Math.floor(rnd() * 6)));
      else {
        const from = Math.floor(rnd() * paste.length);
        t = t.slice(0, at) + paste.slice(from, from + Math.floor(rnd() * 120)) + t.slice(at);
      }
      ws.set(path, t);
      const got = [...ws.diagnosticsByFile().values()].flat();
      if (JSON.stringify(got) !== JSON.stringify(fresh(ws))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe("navigation after an edit elsewhere", () => {
  // Declarations not checked again keep the types of an earlier check: a field reached
  // through them (a template's block parameter) must still find its declaration.
  it("references, definition and rename of a field read through a template parameter are those of a fresh start", () => {
    const files = sample("home-experience");
    const { ws } = workspace(files);
    const path = "samples/home-experience/product.journey";
    const stock = (text: string) => text.indexOf("{{p.stock}}") + 5;
    const before = ws.references(path, stock(files[path]!));
    expect(before.length).toBeGreaterThan(2);
    ws.set(path, `\n${files[path]}`);
    expect(ws.references(path, stock(ws.text(path)!))).toHaveLength(before.length);
    expect(ws.definition(path, stock(ws.text(path)!))).toHaveLength(1);
    const edits = ws.rename(path, stock(ws.text(path)!), "units");
    expect("error" in edits ? edits.error : undefined).toBeUndefined();
  });
});
