/** Document and workspace symbols, semantic tokens and folding ranges. */
import { describe, expect, it } from "vitest";
import type { DocumentSymbol, Workspace } from "@journey/lsp";
import { sample, SCHEMA, workspace } from "../support.js";

const MAIN = `/// Remind shoppers.
journey J {
  on CartAbandoned as cart
  goal bought: OrderPlaced within 7d
  wait 4h
  let n = length(cart.items)
  if n > 1 {
    send email Reminder(cart, []) to profile.email
  } else {
    end
  }
}

experience Hero {
  surface "web://shop.example.com/#hero"
  format html
  context { page: string }
  variant Gold when profile.consent.email {
    content "<b>{{context.page}}</b>"
  }
  variant Default {
    content "hi"
  }
}
`;

function tree(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${"  ".repeat(depth)}${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ""}`, ...tree(s.children, depth + 1)]);
}

describe("document symbols", () => {
  it("outlines declarations with their fields, parameters, goals, steps and variants", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": MAIN });
    expect(tree(ws.documentSymbols("main.journey"))).toEqual([
      "journey J — on CartAbandoned as cart",
      "  goal bought — goal bought: OrderPlaced within 7d",
      "  step wait 4h",
      "  variable let n = length(cart.items)",
      "  step if n > 1",
      "    step send email Reminder(cart, []) to profile.email",
      "    step end",
      "experience Hero — web://shop.example.com/#hero",
      "  type context",
      "    field page — string",
      "  variant Gold — when profile.consent.email",
      "  variant Default",
    ]);
    const schema = tree(ws.documentSymbols("schema.journey"));
    expect(schema.slice(0, 8)).toEqual(["profile profile", "  field email — string", "  field firstName — ?string", "  field phone — ?string", "  field timezone — string", "  field consent — { email: bool, sms: bool }", "    field email — bool", "    field sms — bool"]);
    expect(schema).toContain("template Reminder — for email");
    expect(schema).toContain("  parameter cart — CartAbandoned");
    expect(schema).toContain("audience Dormant — profile.lastActiveAt != null and daysSince(profile.lastActi…");
  });

  it("outlines a test by its items, each on its line: profiles by their ids, events, arm choices, expectations", () => {
    const test = `test "reminder" {\n  start 2026-03-02T09:00:00Z\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n  at 0m "p1" CartAbandoned {\n    cartId: "c1", items: [], total: 3\n  }\n  expect at 4h send email to "a@example.com"\n}\n`;
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": MAIN, "tests.journey": test });
    expect(tree(ws.documentSymbols("tests.journey"))).toEqual([
      "test reminder",
      "  step start 2026-03-02T09:00:00Z",
      '  variable profile "p1"',
      '  step at 0m "p1" CartAbandoned',
      '  step expect at 4h send email to "a@example.com"',
    ]);
  });

  it("outlines a test's canned answers by their action and conditions, with the answer as detail, and its expectations of calls", () => {
    const test = `test "rainy" {\n  respond Weather where city == "Oslo"\n    error "timeout"\n  respond Weather {\n    tempC: 3\n    condition: "rain"\n  }\n  expect call Weather where city == "Oslo" times 1\n  expect at 2h no call Weather\n}\n`;
    const { ws } = workspace({ "schema.journey": SCHEMA, "tests.journey": test });
    const [t] = ws.documentSymbols("tests.journey");
    expect(tree([t!])).toEqual([
      "test rainy",
      '  step respond Weather where city == "Oslo" — error "timeout"',
      '  step respond Weather — { tempC: 3 condition: "rain" }',
      '  step expect call Weather where city == "Oslo" times 1',
      "  step expect at 2h no call Weather",
    ]);
    // Selected at the action.
    expect(test.slice(t!.children[1]!.selection.start, t!.children[1]!.selection.end)).toBe("Weather");
  });

  it("selects the name and spans the declaration", () => {
    const { ws } = workspace({ "main.journey": MAIN });
    const j = ws.documentSymbols("main.journey")[0]!;
    expect(MAIN.slice(j.selection.start, j.selection.end)).toBe("J");
    expect(MAIN.slice(j.span.start, j.span.end).startsWith("journey J {")).toBe(true);
    expect(MAIN.slice(j.span.start, j.span.end).endsWith("}")).toBe(true);
  });

  it("outlines what parsed of a broken file", () => {
    const { ws } = workspace({ "main.journey": "journey A {\n  on X\n}\n\njourney B {\n  wait\n}\n\nevent C { x: int }\n" });
    expect(ws.diagnostics("main.journey").map((d) => d.code)).toContain("J0005");
    expect(ws.documentSymbols("main.journey").map((s) => s.name)).toEqual(["A", "B", "C"]);
  });
});

describe("workspace symbols", () => {
  it("finds declarations across files by a fuzzy query", () => {
    const { ws } = workspace(sample("abandoned-cart"));
    const names = (q: string) => ws.workspaceSymbols(q).map((s) => `${s.kind} ${s.name}`);
    expect(names("abcart")).toContain("journey AbandonedCart");
    expect(names("CartAb")[0]).toBe("event CartAbandoned");
    expect(names("")).toEqual(expect.arrayContaining(["profile profile", "event OrderPlaced", "catalog Product", "template CartReminder", "journey AbandonedCart"]));
    expect(names("")).not.toContain("field email");
    const fields = ws.workspaceSymbols("cartUrl");
    expect(fields.map((s) => `${s.kind} ${s.container}.${s.name}`)).toEqual(["field CartAbandoned.cartUrl"]);
    expect(fields[0]!.location.path).toBe("samples/abandoned-cart/schema.journey");
  });
});

describe("semantic tokens", () => {
  it("classifies names: declarations, events, fields, locals, built-ins, names the language provides", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": MAIN });
    const tokens = ws.semanticTokens("main.journey").map((t) => `${MAIN.slice(t.start, t.start + t.length)}:${t.type}${t.modifiers.length ? "." + t.modifiers.join(".") : ""}`);
    expect(tokens.slice(0, 14)).toEqual([
      "J:class.declaration",
      "CartAbandoned:event",
      "cart:variable.declaration",
      "bought:variable.declaration",
      "OrderPlaced:event",
      "n:variable.declaration",
      "length:function.defaultLibrary",
      "cart:variable",
      "items:property",
      "n:variable",
      "email:enumMember.defaultLibrary",
      "Reminder:macro",
      "cart:variable",
      "profile:variable.readonly.defaultLibrary",
    ]);
    expect(tokens).toContain("email:property");
    expect(tokens).toContain("Hero:class.declaration");
    expect(tokens).toContain("page:property.declaration");
    expect(tokens).toContain("Gold:enumMember.declaration");
  });

  it("classifies the words of tests that are names elsewhere as keywords, where the parser reads them so", () => {
    const text = `test "t" {\n  respond Weather where city == "Oslo" error "timeout"\n  expect call Weather where city == "Oslo" times 1\n  expect send email times 2\n  expect at 1h no suppressed /* held */ sms\n  profile "p1" { email: "a@b.c", consent: { email: true, sms: false }, respond: 1 }\n  respond provider "picks" error "down"\n  expect ended times 2\n}\n`;
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": text });
    const tokens = ws.semanticTokens("main.journey").map((t) => `${text.slice(t.start, t.start + t.length)}:${t.type}${t.modifiers.length ? "." + t.modifiers.join(".") : ""}`);
    expect(tokens.filter((t) => t.endsWith(":keyword"))).toEqual(["respond:keyword", "times:keyword", "times:keyword", "suppressed:keyword", "respond:keyword", "provider:keyword", "times:keyword"]);
    expect(tokens.slice(0, 3)).toEqual(["respond:keyword", "Weather:function", "city:parameter"]);
  });

  it("classifies the path of a channel's `consent`", () => {
    const text = "channel sms {\n  consent profile.consent.sms\n}\n";
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": text });
    const tokens = ws.semanticTokens("main.journey").map((t) => `${text.slice(t.start, t.start + t.length)}:${t.type}${t.modifiers.length ? "." + t.modifiers.join(".") : ""}`);
    expect(tokens).toEqual(["sms:enumMember.declaration.defaultLibrary", "profile:variable.readonly.defaultLibrary", "consent:property", "sms:property"]);
  });

  it("classifies names inside templates: paths, helpers, block helpers and partials", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA });
    const tokens = ws.semanticTokens("schema.journey").map((t) => `${SCHEMA.slice(t.start, t.start + t.length)}:${t.type}${t.modifiers.length ? "." + t.modifiers.join(".") : ""}`);
    const tpl = tokens.slice(tokens.indexOf("Reminder:macro.declaration"));
    expect(tpl).toEqual(
      expect.arrayContaining(["firstName:property", "length:function.defaultLibrary", "each:keyword", "line:parameter.declaration", "line:parameter", "name:property", "currency:function.defaultLibrary", "Footer:macro"]),
    );
    expect(tokens).toContain("unsubscribeUrl:variable.readonly.defaultLibrary");
  });

  it("emits tokens in order, one line each, without overlaps", () => {
    for (const name of ["abandoned-cart", "brief-example"]) {
      const { ws } = workspace(sample(name));
      for (const path of ws.paths()) {
        const text = ws.text(path)!;
        let end = 0;
        for (const t of ws.semanticTokens(path)) {
          expect(t.start).toBeGreaterThanOrEqual(end);
          expect(text.slice(t.start, t.start + t.length)).not.toContain("\n");
          end = t.start + t.length;
        }
      }
    }
  });
});

describe("folding", () => {
  it("folds blocks, multi-line strings and runs of comments", () => {
    const src = `// one\n// two\n// three\njourney J {\n  on X\n  if a {\n    end\n  }\n}\nfragment F """\n  <p>\n"""\n/* block\n   comment */\n`;
    const { ws } = workspace({ "main.journey": src });
    const ranges = ws.foldingRanges("main.journey").map((r) => `${r.kind}:${src.slice(r.start, r.end).split("\n")[0]}…${src.slice(r.start, r.end).split("\n").length}`);
    expect(ranges).toEqual(["comment:// one…3", "region:{…6", "region:{…3", 'region:"""…3', "comment:/* block…2"]);
  });
});
