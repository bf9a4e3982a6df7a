/**
 * Semantic tokens: what each name is (an event, a type, a field, a parameter, a local, a
 * name the language provides, a built-in function), including the names inside templates.
 * Keywords, strings, numbers and comments are left to the TextMate grammar, but for the words
 * of tests that are names elsewhere (`respond`, `suppressed`, `times`): the parser knows where
 * they are words of a test item, a grammar can only guess.
 */
import { ALGORITHMS, BUILTIN_FUNCTIONS, CHANNELS, type ast as A } from "@journey/compiler";
import { HELPERS, type Expr, type TNode } from "@journey/template";
import { definitions, partialRefs, stringExprs, templateSite, walk, type DefKind, type Doc } from "./document.js";
import { isTemplateString } from "./template.js";
import { parseTemplate } from "@journey/template";
import type { SemanticToken, SemanticTokenModifier, SemanticTokenType } from "./types.js";

const DEF_TYPE: Record<DefKind, SemanticTokenType> = {
  profile: "keyword",
  type: "type",
  event: "event",
  catalog: "type",
  audience: "variable",
  action: "function",
  fragment: "macro",
  template: "macro",
  channel: "enumMember",
  journey: "class",
  experience: "class",
  field: "property",
  param: "parameter",
  goal: "variable",
  variant: "enumMember",
};

const REF_TYPE: Record<string, [SemanticTokenType, SemanticTokenModifier[]]> = {
  field: ["property", []],
  param: ["parameter", []],
  let: ["variable", []],
  recommend: ["variable", []],
  call: ["variable", []],
  alias: ["variable", []],
  profile: ["variable", ["readonly", "defaultLibrary"]],
  item: ["variable", ["readonly", "defaultLibrary"]],
  context: ["variable", ["readonly", "defaultLibrary"]],
  runtime: ["variable", ["readonly", "defaultLibrary"]],
  type: ["type", []],
  catalog: ["type", []],
  event: ["event", []],
  audience: ["variable", ["readonly"]],
  action: ["function", []],
  template: ["macro", []],
  journey: ["class", []],
};

export function semanticTokens(doc: Doc): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  const push = (span: A.Span, type: SemanticTokenType, modifiers: SemanticTokenModifier[] = []) => {
    if (span.end > span.start) tokens.push({ start: span.start, length: span.end - span.start, type, modifiers });
  };
  const file = doc.file;
  for (const d of definitions(file)) {
    if (d.kind === "profile") continue;
    push(d.span, DEF_TYPE[d.kind], d.kind === "channel" ? ["declaration", "defaultLibrary"] : ["declaration"]);
  }
  for (const r of doc.analysis.references(doc.path)) {
    if (r.kind === "context" && r.definition) continue;
    // `event` in a handler stands for the event: a name the language provides.
    const provided = r.kind === "event" && r.name === "event" && doc.text.slice(r.span.start, r.span.end) === "event";
    const [type, mods] = provided ? (["variable", ["readonly", "defaultLibrary"]] as [SemanticTokenType, SemanticTokenModifier[]]) : (REF_TYPE[r.kind] ?? ["variable", []]);
    push(r.span, type, r.definition ? [...mods, "declaration"] : mods);
  }
  for (const d of file.declarations) {
    walk(d, (n) => {
      if (n.kind === "Call") {
        const c = n as unknown as A.CallExpr;
        if (BUILTIN_FUNCTIONS.has(c.callee.name) || ALGORITHMS.has(c.callee.name)) push(c.callee.span, "function", ["defaultLibrary"]);
      } else if (n.kind === "Send") {
        const s = n as unknown as A.SendStep;
        if (s.channel && CHANNELS.has(s.channel.name)) push(s.channel.span, "enumMember", ["defaultLibrary"]);
      } else if (n.kind === "TemplateDecl") {
        const t = n as unknown as A.TemplateDecl;
        if (t.channel && CHANNELS.has(t.channel.name)) push(t.channel.span, "enumMember", ["defaultLibrary"]);
      } else if (n.kind === "TestRespond" || n.kind === "TestRespondProvider") {
        push({ start: n.span!.start, end: n.span!.start + "respond".length }, "keyword");
        if (n.kind === "TestRespondProvider") push((n as unknown as A.TestProviderResponse).providerSpan, "keyword");
      }
      // `times 3` of any expectation that counts.
      const times = n.kind?.startsWith("Expect") ? (n as { times?: A.Times }).times : undefined;
      if (times) push({ start: times.span.start, end: times.span.start + "times".length }, "keyword");
      if (n.kind === "ExpectSuppressed") {
        // The word before the channel (comments are blanked in the code text).
        const at = doc.code.lastIndexOf("suppressed", (n as unknown as { channel: A.Ident }).channel.span.start);
        if (at >= n.span!.start) push({ start: at, end: at + "suppressed".length }, "keyword");
      }
    });
  }
  // Helpers and partials inside templates.
  for (const s of stringExprs(file)) {
    if (!s.value.includes("{{") || !isTemplateString(doc, s.span.start)) continue;
    const { nodes } = parseTemplate(s.value);
    const site = templateSite(file.text, s.span);
    const src = (x: { start: number; end: number }) => ({ start: site.toSource(x.start), end: site.toSource(x.end) });
    const expr = (e: Expr) => {
      if (e.kind !== "call") return;
      if (HELPERS.has(e.name)) push(src(e.nameSpan), "function", ["defaultLibrary"]);
      e.args.forEach(expr);
    };
    const visit = (ns: readonly TNode[] | null) => {
      for (const n of ns ?? []) {
        if (n.kind === "mustache") expr(n.expr);
        else if (n.kind === "block") {
          push(src(n.helperSpan), "keyword");
          n.args.forEach(expr);
          visit(n.body);
          visit(n.inverse);
        } else if (n.kind === "section") {
          visit(n.body);
          visit(n.inverse);
        }
      }
    };
    visit(nodes);
  }
  for (const p of partialRefs(file)) push(p.span, "macro");

  // In order, without overlaps (the first, most specific, wins).
  tokens.sort((a, b) => a.start - b.start || a.length - b.length);
  const out: SemanticToken[] = [];
  let end = -1;
  for (const t of tokens) {
    if (t.start < end) continue;
    if (doc.text.slice(t.start, t.start + t.length).includes("\n")) continue;
    out.push(t);
    end = t.start + t.length;
  }
  return out;
}
