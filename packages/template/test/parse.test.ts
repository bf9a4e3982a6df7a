import { describe, expect, it } from "vitest";
import { T, TemplateError, checkTemplate, compileTemplate, parseTemplate, type BlockNode, type CallExpr, type MustacheNode, type PartialNode, type PathExpr, type SectionNode, type TNode } from "../src/index.js";

/** The source text a span covers: spans are asserted through the text they select. */
const at = (src: string, s: { start: number; end: number }) => src.slice(s.start, s.end);

describe("parser spans", () => {
  it("gives every node and path segment its offsets", () => {
    const src = "Hi {{profile.firstName}}!";
    const { nodes, errors } = parseTemplate(src);
    expect(errors).toEqual([]);
    expect(nodes.map((n) => [n.kind, at(src, n)])).toEqual([
      ["text", "Hi "],
      ["mustache", "{{profile.firstName}}"],
      ["text", "!"],
    ]);
    const path = (nodes[1] as MustacheNode).expr as PathExpr;
    expect(path).toMatchObject({ kind: "path", head: "name", text: "profile.firstName" });
    expect(at(src, path)).toBe("profile.firstName");
    expect(path.segments.map((s) => [s.name, at(src, s)])).toEqual([
      ["profile", "profile"],
      ["firstName", "firstName"],
    ]);
  });
  it("helper calls, sub-expressions and literals", () => {
    const src = `{{ default (upper p.name) 'Hi' 3 -1.5 true null }}`;
    const expr = (parseTemplate(src).nodes[0] as MustacheNode).expr as CallExpr;
    expect(expr.kind).toBe("call");
    expect(at(src, expr.nameSpan)).toBe("default");
    expect(at(src, expr)).toBe(`default (upper p.name) 'Hi' 3 -1.5 true null`);
    const [sub, s, n, d, b, nul] = expr.args;
    expect(sub).toMatchObject({ kind: "call", name: "upper", subexpr: true });
    expect(at(src, sub)).toBe("(upper p.name)");
    expect(at(src, (sub as CallExpr).args[0])).toBe("p.name");
    expect([s, n, d, b, nul].map((a) => (a.kind === "literal" ? [a.value, at(src, a)] : null))).toEqual([
      ["Hi", "'Hi'"],
      [3, "3"],
      [-1.5, "-1.5"],
      [true, "true"],
      [null, "null"],
    ]);
  });
  it("this, ., @index and block params", () => {
    const src = "{{#each list as |x i|}}{{this.a}}{{.}}{{@index}}{{x}}{{/each}}";
    const { nodes, errors } = parseTemplate(src);
    expect(errors).toEqual([]);
    const each = nodes[0] as BlockNode;
    expect(each).toMatchObject({ kind: "block", helper: "each" });
    expect(at(src, each)).toBe(src);
    expect(at(src, each.open)).toBe("{{#each list as |x i|}}");
    expect(at(src, each.close!)).toBe("{{/each}}");
    expect(at(src, each.helperSpan)).toBe("each");
    expect(at(src, each.args[0])).toBe("list");
    expect(each.params.map((p) => [p.name, at(src, p)])).toEqual([
      ["x", "x"],
      ["i", "i"],
    ]);
    const exprs = each.body.map((n) => (n as MustacheNode).expr as PathExpr);
    expect(exprs.map((e) => [e.head, e.segments.map((s) => s.name), at(src, e)])).toEqual([
      ["this", ["a"], "this.a"],
      ["this", [], "."],
      ["data", ["index"], "@index"],
      ["name", ["x"], "x"],
    ]);
  });
  it("raw, comments, partials, delimiters, sections with else", () => {
    const src = "{{{a}}}{{&b}}{{! c }}{{!-- {{d}} --}}{{> Footer}}{{=<% %>=}}<%#s%>x<%else%>y<%/s%>";
    const { nodes, errors } = parseTemplate(src);
    expect(errors).toEqual([]);
    expect(nodes.map((n: TNode) => n.kind)).toEqual(["mustache", "mustache", "comment", "comment", "partial", "delimiters", "section"]);
    expect((nodes[0] as MustacheNode).escaped).toBe(false);
    expect((nodes[1] as MustacheNode).escaped).toBe(false);
    expect(nodes[3]).toMatchObject({ value: " {{d}} " });
    const p = nodes[4] as PartialNode;
    expect([p.name, at(src, p.nameSpan), at(src, p)]).toEqual(["Footer", "Footer", "{{> Footer}}"]);
    expect(nodes[5]).toMatchObject({ open: "<%", close: "%>" });
    const s = nodes[6] as SectionNode;
    expect(at(src, s)).toBe("<%#s%>x<%else%>y<%/s%>");
    expect(at(src, s.elseSpan!)).toBe("<%else%>");
    expect(s.inverse).toHaveLength(1);
  });
  it("text spans follow standalone trimming, partial keeps its indentation", () => {
    const src = "a\n  {{#s}}\n  {{> P}}\n  {{/s}}\nb";
    const { nodes } = parseTemplate(src);
    const s = nodes[1] as SectionNode;
    expect(at(src, nodes[0])).toBe("a\n");
    expect((s.body[0] as PartialNode).indent).toBe("  ");
    expect(at(src, nodes[2])).toBe("b");
  });
});

describe("parser errors", () => {
  const errs = (src: string) => parseTemplate(src).errors.map((e) => [e.message, at(src, e)]);
  it("reports and recovers", () => {
    expect(errs("a {{b} c")).toEqual([["unclosed tag: expected `}}`", "{{"]]);
    expect(parseTemplate("a {{b} c").nodes).toEqual([{ kind: "text", value: "a {{b} c", start: 0, end: 8 }]);
    expect(errs("{{{a}}")).toEqual([["unclosed tag: expected `}}}`", "{{{"]]);
    expect(errs("{{#a}}x{{/b}}")).toEqual([["closing tag `{{/b}}` does not match `{{#a}}`", "{{/b}}"], ["unclosed `{{#a}}`: expected `{{/a}}`", "{{#a}}"]]);
    expect(errs("{{#if}}{{/if}}")).toEqual([["`#if` takes exactly 1 argument but 0 were supplied", "if"]]);
    expect(errs(`{{#with a "x"}}{{/with}}`)).toEqual([["`#with` takes exactly 1 argument but 2 were supplied", `"x"`]]);
    expect(errs("{{#each xs as |a b c|}}{{/each}}")).toEqual([["`#each` takes at most 2 block parameters", "c"]]);
    expect(errs("{{#each xs as |x x|}}{{x}}{{/each}}")).toEqual([["block parameter `x` is named twice: give the element and its index a name each", "x"]]);
    expect(errs("{{#eq a b}}{{/eq}}")).toEqual([["`eq` is not a block helper: use `{{#if (eq …)}}` or one of `#if`, `#unless`, `#each`, `#with`", "eq"]]);
    expect(errs("{{a..b}} {{../x}} {{a/b}} {{@key}} {{}}")).toEqual([
      ["expected a name after `.`", "."],
      ["parent and relative paths (`../`, `./`) are not supported", ".."],
      ["`/` path separators are not supported: use `.`", "/"],
      ["unknown data variable `@key`: expected `@index`, `@first` or `@last`", "@key"],
      ["empty tag: expected a name or a helper call", "{{}}"],
    ]);
    expect(errs("{{a 'x}}")).toEqual([["unterminated string literal", "'x"]]);
    expect(errs("{{upper (lower x}}")).toEqual([["expected `)` to close the sub-expression", "(lower x"]]);
    expect(errs("x{{/a}}{{else}}")).toEqual([
      ["unexpected closing tag `{{/a}}`: no block is open", "{{/a}}"],
      ["`{{else}}` outside of a block", "{{else}}"],
    ]);
  });
  it("keeps the rest of the AST after an error", () => {
    const { nodes, errors } = parseTemplate("{{#each xs as |x|}}{{x.}}{{x.name}}{{/each}} {{ok}}");
    expect(errors.map((e) => e.message)).toEqual(["expected a name after `.`"]);
    const each = nodes[0] as BlockNode;
    expect(each.body.map((n) => n.kind)).toEqual(["mustache"]);
    expect(nodes.map((n) => n.kind)).toEqual(["block", "text", "mustache"]);
  });
  it("never throws on arbitrary input (nor do the checker and compiler)", () => {
    const pieces = ["{{", "}}", "{{{", "}}}", "#", "/", "^", "a", " ", "'", '"', "(", ")", "|", "as", "else", "=", "!", "--", ">", "\n", "@", ".", "if", "each"];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 3000; i++) {
      let src = "";
      const len = Math.floor(rnd() * 14);
      for (let j = 0; j < len; j++) src += pieces[Math.floor(rnd() * pieces.length)];
      const r = parseTemplate(src);
      for (const e of r.errors) {
        expect(e.start).toBeGreaterThanOrEqual(0);
        expect(e.end).toBeLessThanOrEqual(src.length);
        expect(e.end).toBeGreaterThanOrEqual(e.start);
      }
      // The checker never throws either, and compiling throws only TemplateError.
      checkTemplate(src, { lookup: () => T.unknown, names: () => [], partials: new Set(), escape: "html" });
      try {
        compileTemplate(src)({ a: [1], if: true });
      } catch (e) {
        expect(e).toBeInstanceOf(TemplateError);
      }
    }
  });
});
