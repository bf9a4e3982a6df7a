/** Diagnostics, signature help, code actions and formatting through the service. */
import { describe, expect, it } from "vitest";
import { compile } from "@journey/compiler";
import { Workspace } from "@journey/lsp";
import { sample, sampleNames, SCHEMA, workspace } from "../support.js";

const journey = (body: string) => `journey J {\n  on CartAbandoned as cart\n${body}\n}\n`;

describe("diagnostics", () => {
  it("are the compiler's, per file, for every sample", () => {
    for (const name of sampleNames()) {
      const files = sample(name);
      const { ws } = workspace(files);
      const fresh = compile(Object.entries(files).map(([path, text]) => ({ path, text })), { emit: false }).diagnostics;
      expect([...ws.diagnosticsByFile().values()].flat()).toEqual(fresh);
    }
  });

  it("carry codes, related information and fixes", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "z.journey": "event CartAbandoned { x: int }\n" + journey("  if profile.frstName == null { end }") });
    const ds = ws.diagnostics("z.journey");
    const dup = ds.find((d) => d.code === "J1005")!;
    expect(dup.message).toBe("`CartAbandoned` is declared more than once");
    const first = SCHEMA.indexOf("CartAbandoned {");
    expect(dup.related).toEqual([{ file: "schema.journey", span: { start: first, end: first + 13 }, message: "first declared here" }]);
    const field = ds.find((d) => d.code === "J1004")!;
    expect(field.help).toBe("did you mean `firstName`?");
    expect(field.fix!.title).toBe("change to `firstName`");
  });

  it("follow edits", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": journey("  wait 4h") });
    expect(ws.diagnostics("a.journey")).toEqual([]);
    ws.set("a.journey", journey("  wait 4"));
    expect(ws.diagnostics("a.journey").map((d) => `${d.code} ${d.message}`)).toEqual(["J2001 expected `duration`, found `int`"]);
    ws.set("a.journey", journey("  wait 4h"));
    expect(ws.diagnostics("a.journey")).toEqual([]);
  });

  it("follow edits of other files: a renamed event breaks its users", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": journey("  wait 4h") });
    ws.set("schema.journey", SCHEMA.replace("event CartAbandoned", "event CartLeft"));
    expect(ws.diagnostics("a.journey").map((d) => `${d.code} ${d.message}`)).toEqual(["J1002 unknown event `CartAbandoned`"]);
  });

  it("remove a deleted file's problems and names", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "a.journey": journey("  jump to K"), "b.journey": "journey K { on OrderPlaced }" });
    expect(ws.diagnostics("a.journey")).toEqual([]);
    ws.remove("b.journey");
    expect(ws.diagnostics("a.journey").map((d) => d.code)).toEqual(["J1012"]);
    expect(ws.has("b.journey")).toBe(false);
  });
});

describe("signature help", () => {
  function help(src: string) {
    const { ws, path, offset } = workspace({ "schema.journey": SCHEMA, "main.journey": src });
    return ws.signatureHelp(path, offset);
  }

  it("for a template call, with the active parameter", () => {
    const h = help(journey("  send email Reminder(cart, <|>) to profile.email"))!;
    expect(h.signatures[0]!.label).toBe("Reminder(cart: CartAbandoned, recs: list<Product>) for email");
    expect(h.signatures[0]!.parameters.map((p) => p.label)).toEqual(["cart: CartAbandoned", "recs: list<Product>"]);
    expect(h.signatures[0]!.documentation).toBe("The first reminder.");
    expect(h.activeParameter).toBe(1);
  });

  it("for an action call", () => {
    const h = help(journey('  call Weather(<|>"Oslo") as w'))!;
    expect(h.signatures[0]!.label).toBe('Weather(city: string) -> { tempC: number, condition: "sun" | "rain" }');
    expect(h.activeParameter).toBe(0);
  });

  it("for algorithms, positional and named", () => {
    expect(help(journey("  recommend r = cartBased(<|>) limit 3"))!.signatures[0]!.label).toBe("cartBased(keys: list<string>)");
    const pop = help(journey("  recommend r = popular(by: views, cat<|>) limit 3"))!;
    expect(pop.signatures[0]!.label).toBe("popular(by: views | purchases (optional), category: string (optional), window: duration (optional))");
    const named = help(journey("  recommend r = popular(window: <|>) limit 3"))!;
    expect(named.activeParameter).toBe(2);
    // After a comma: the next named parameter not given yet.
    expect(help(journey("  recommend r = popular(by: views, <|>) limit 3"))!.activeParameter).toBe(1);
    expect(help(journey("  recommend r = popular(category: \"x\", <|>) limit 3"))!.activeParameter).toBe(0);
  });

  it("for built-in functions, nested calls included", () => {
    const h = help(journey("  if daysSince(coalesce(profile.lastActiveAt, <|>)) > 1 { end }"))!;
    expect(h.signatures[0]!.label).toBe("coalesce(values: T?…) -> T");
    const outer = help(journey("  if daysSince(<|>) > 1 { end }"))!;
    expect(outer.signatures[0]!.label).toBe("daysSince(time: datetime) -> int");
  });

  it("is silent outside calls and in strings that are not arguments", () => {
    expect(help(journey("  wait <|>4h"))).toBeUndefined();
    expect(help(journey('  send email { subject "f(<|>" text "x" } to profile.email'))).toBeUndefined();
  });

  it("for a template's helpers, after spaces and in subexpressions, with the argument being typed", () => {
    const send = (content: string) => journey(`  send email { subject ${content} text "x" } to profile.email`);
    const h = help(send('"{{currency cart.total <|>}}"'))!;
    expect(h.signatures[0]!.label).toBe("currency amount: number code: string -> string");
    expect(h.signatures[0]!.parameters.map((p) => p.label)).toEqual(["amount: number", "code: string"]);
    expect(h.signatures[0]!.documentation).toMatch(/^The amount formatted as money/);
    expect(h.activeParameter).toBe(1);
    // Typing the first argument, or the name: the first.
    expect(help(send('"{{currency cart.to<|>}}"'))!.activeParameter).toBe(0);
    expect(help(send('"{{curr<|>}}"'))).toBeUndefined();
    expect(help(send('"{{currency<|>}}"'))!.activeParameter).toBe(0);
    // A subexpression's helper, inside a block's mustache too; a quoted argument with spaces is one.
    expect(help(send('"{{#if (gt cart.total <|>)}}big{{/if}}"'))!.signatures[0]!.label).toBe("gt a: number b: number -> bool");
    expect(help(send('"{{plural cart.items \'one item\' <|>}}"'))!.activeParameter).toBe(2);
    // A rest parameter stays active.
    expect(help(send('"{{#if (and a b c <|>)}}x{{/if}}"'))!.activeParameter).toBe(1);
    // Not in a block's own words, a closed mustache, or a string that is not content.
    expect(help(send('"{{#each cart.items <|>}}{{/each}}"'))).toBeUndefined();
    expect(help(send('"{{currency cart.total \'EUR\'}} <|>"'))).toBeUndefined();
    expect(help(journey('  if profile.firstName == "{{upper <|>" { end }'))).toBeUndefined();
  });

  it("stays while a string argument is typed, commas in it included", () => {
    const h = help(journey('  call Weather("Oslo, <|>") as w'))!;
    expect(h.signatures[0]!.label).toBe('Weather(city: string) -> { tempC: number, condition: "sun" | "rain" }');
    expect(h.activeParameter).toBe(0);
    expect(help(journey('  let x = upper("a, b<|>")'))!.signatures[0]!.label).toMatch(/^upper\(/);
    expect(help(journey('  send email Reminder(cart, "a, <|>") to profile.email'))!.activeParameter).toBe(1);
  });
});

describe("code actions", () => {
  it("turn each fix into a quick fix", () => {
    const src = journey("  if profile.frstName == null { end }\n  let p = profile.phone + \"x\"");
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": src });
    const at = src.indexOf("frstName");
    const actions = ws.codeActions("main.journey", { start: at, end: at });
    expect(actions).toEqual([
      { title: "Change to `firstName`", kind: "quickfix", diagnostic: { code: "J1004", span: { start: at, end: at + 8 }, message: "unknown field `frstName` on `profile`" }, edits: [{ path: "main.journey", span: { start: at, end: at + 8 }, newText: "firstName" }], isPreferred: true },
    ]);
    const phone = src.indexOf("profile.phone");
    const opt = ws.codeActions("main.journey", { start: phone, end: phone + 3 });
    expect(opt.map((a) => a.title)).toEqual(['Add a default: `profile.phone ?? ""`']);
    expect(opt[0]!.edits[0]!.newText).toBe('(profile.phone ?? "")');
  });

  it("offer nothing where there is nothing to fix", () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": journey("  wait 4h") });
    expect(ws.codeActions("main.journey", { start: 0, end: 40 })).toEqual([]);
  });
});

describe("formatting", () => {
  it("goes through the formatter and reports when there is none", async () => {
    const ws = new Workspace({ formatter: async (text) => text.replace(/ {2,}/g, " ") });
    ws.set("a.journey", "journey   J { on X }");
    expect(await ws.format("a.journey")).toBe("journey J { on X }");
    const none = new Workspace({ formatter: null });
    none.set("a.journey", "journey J { on X }");
    expect(await none.format("a.journey")).toBeUndefined();
    expect(await none.canFormat()).toBe(false);
  });

  it("leaves a file it cannot format alone", async () => {
    const ws = new Workspace({ formatter: async () => Promise.reject(new Error("syntax error")) });
    ws.set("a.journey", "journey J {");
    expect(await ws.format("a.journey")).toBeUndefined();
    expect(await ws.formatEdits("a.journey")).toEqual([]);
  });

  /** The text after an edit (as an editor applies it). */
  const applied = (text: string, e: { span: { start: number; end: number }; newText: string }) => text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);

  it("edits only the region that changes, never splitting a surrogate pair or a CRLF", async () => {
    const cases: [string, string, string][] = [
      // [text, formatted, the edit's newText]
      ["journey   J { on X }", "journey J { on X }", ""],
      ["a😀b", "a😃b", "😃"],
      ["a\r\nb\r\n", "a\nb\n", "\nb\n"],
      ["x\r\n  y", "x\r\ny", ""],
      ["é😀", "é", ""],
    ];
    for (const [text, formatted, newText] of cases) {
      const ws = new Workspace({ formatter: async () => formatted });
      ws.set("a.journey", text);
      const [edit, ...more] = await ws.formatEdits("a.journey");
      expect(more).toEqual([]);
      expect(edit!.newText).toBe(newText);
      expect(applied(text, edit!)).toBe(formatted);
      for (const at of [edit!.span.start, edit!.span.end]) {
        expect(/[\ud800-\udbff]$/.test(text.slice(0, at)) || (text[at - 1] === "\r" && text[at] === "\n")).toBe(false);
      }
    }
    const same = new Workspace({ formatter: async (t) => t });
    same.set("a.journey", "journey J { on X }");
    expect(await same.formatEdits("a.journey")).toEqual([]);
  });
});

describe("guards", () => {
  it("a failing feature returns an empty answer and is logged", () => {
    const logs: string[] = [];
    const ws = new Workspace({ formatter: null, log: (m) => logs.push(m) });
    ws.set("a.journey", SCHEMA);
    // Break the project on purpose: features must not throw.
    (ws.project("a.journey") as unknown as { analysis: () => never }).analysis = () => {
      throw new Error("boom");
    };
    expect(ws.completion("a.journey", 3)).toEqual([]);
    expect(ws.hover("a.journey", 3)).toBeUndefined();
    expect(ws.references("a.journey", 3)).toEqual([]);
    expect(logs.some((l) => l.includes("boom"))).toBe(true);
  });

  it("unknown files answer nothing", () => {
    const ws = new Workspace({ formatter: null });
    expect(ws.completion("nope.journey", 0)).toEqual([]);
    expect(ws.diagnostics("nope.journey")).toEqual([]);
    expect(ws.documentSymbols("nope.journey")).toEqual([]);
  });
});

describe("formatting with the Prettier plugin", () => {
  it("formats with `@journey/prettier-plugin` by default, and leaves a broken file alone", async () => {
    const ws = new Workspace();
    expect(await ws.canFormat()).toBe(true);
    ws.set("a.journey", "journey   J {\n on   OrderPlaced\n      wait 4h }\n");
    expect(await ws.format("a.journey")).toBe("journey J {\n  on OrderPlaced\n  wait 4h\n}\n");
    ws.set("b.journey", "journey J {\n");
    expect(await ws.format("b.journey")).toBeUndefined();
  });
});
