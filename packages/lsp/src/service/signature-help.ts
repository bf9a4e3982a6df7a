/**
 * Signature help inside the parentheses of a template call, an action call, an algorithm or a
 * built-in function, and inside a template's `{{helper a b}}` (or its subexpression `(helper a b)`).
 */
import { ALGORITHMS, BUILTIN_FUNCTIONS } from "@journey/compiler";
import { HELPERS, typeToString } from "@journey/template";
import { enclosingCall } from "./completion.js";
import { helperParam, helperSignature } from "./describe.js";
import type { Doc } from "./document.js";
import { isTemplateString } from "./template.js";
import { openBlocks, type Region } from "./text.js";
import type { SignatureHelpResult, SignatureInformation } from "./types.js";

export function signatureHelp(doc: Doc, offset: number): SignatureHelpResult | undefined {
  // Inside a one-line string argument (`upper("x, |")`), help for the argument the string is.
  const region = doc.regionAt(offset);
  const helper = region && region.kind !== "comment" ? helperHelp(doc, region, offset) : undefined;
  if (helper) return helper;
  if (region && region.kind !== "string") return undefined;
  const at = region ? region.start : offset;
  const code = doc.code;
  const blocks = openBlocks(code, at);
  const call = enclosingCall(code, at, blocks);
  if (!call) return undefined;
  // Arguments before the cursor, at the call's own depth.
  const args = splitArgs(code.slice(call.open + 1, at));
  const active = args.length - 1;
  const current = args[active]!.trim();
  const s = doc.analysis.symbols;
  const stmt = call.statement;
  let sig: SignatureInformation | undefined;
  let activeParameter = active;

  const declared = (name: string, params: { name: string; type: string }[], doc?: string, suffix = ""): SignatureInformation => ({
    label: `${name}(${params.map((p) => `${p.name}: ${p.type}`).join(", ")})${suffix}`,
    documentation: doc,
    parameters: params.map((p) => ({ label: `${p.name}: ${p.type}` })),
  });

  const tpl = /^send\b/.test(stmt) ? s?.templates.get(call.name) : undefined;
  const action = /^call\b/.test(stmt) ? s?.actions.get(call.name) : undefined;
  if (tpl) {
    const text = doc.project.text(tpl.file) ?? "";
    sig = declared(call.name, tpl.decl.params.map((p) => ({ name: p.name.name, type: text.slice(p.type.span.start, p.type.span.end) })), tpl.decl.doc, ` for ${tpl.decl.channel.name}`);
  } else if (action) {
    const text = doc.project.text(action.file) ?? "";
    const d = action.decl;
    sig = declared(call.name, d.params.map((p) => ({ name: p.name.name, type: text.slice(p.type.span.start, p.type.span.end) })), d.doc, d.returns ? ` -> ${text.slice(d.returns.span.start, d.returns.span.end).replace(/\s+/g, " ")}` : "");
  } else if (ALGORITHMS.has(call.name) && /^(recommend|backup)\b|\bbackup\b/.test(stmt)) {
    const a = ALGORITHMS.get(call.name)!;
    const key = doc.analysis.ctx?.catalog?.key?.type;
    const ty = (t: string) => (key ? t.replace(/\bkey\b/, typeToString(key)) : t);
    const params = [...a.params.map((p) => ({ name: p.name, type: ty(p.type) })), ...a.named.map((p) => ({ name: p.name, type: `${p.type}${p.optional ? " (optional)" : ""}` }))];
    sig = declared(call.name, params, a.doc);
    const named = /^([A-Za-z_]\w*)\s*:/.exec(current);
    if (named) activeParameter = params.findIndex((p) => p.name === named[1]);
    else if (active >= a.params.length && a.named.length) {
      // Past the positional ones: the first named parameter not given yet.
      const given = new Set(args.map((x) => /^\s*([A-Za-z_]\w*)\s*:/.exec(x)?.[1]));
      activeParameter = params.findIndex((p, i) => i >= a.params.length && !given.has(p.name));
    }
  } else if (BUILTIN_FUNCTIONS.has(call.name)) {
    const f = BUILTIN_FUNCTIONS.get(call.name)!;
    sig = {
      label: `${f.name}(${f.params.map((p) => `${p.name}${p.optional ? "?" : ""}: ${p.type}`).join(", ")}) -> ${f.returns}`,
      documentation: f.doc,
      parameters: f.params.map((p) => ({ label: `${p.name}${p.optional ? "?" : ""}: ${p.type}` })),
    };
    if (f.max === Infinity) activeParameter = Math.min(activeParameter, f.params.length - 1);
  }
  if (!sig) return undefined;
  return { signatures: [sig], activeSignature: 0, activeParameter };
}

/**
 * In a template string (`region`), the helper whose arguments the cursor is among: of the
 * innermost open subexpression `(helper …`, else of the mustache `{{helper …` it is in. Helpers
 * take their arguments after spaces: the active one is the one being typed, or the next after a
 * space.
 */
function helperHelp(doc: Doc, region: Region, offset: number): SignatureHelpResult | undefined {
  const text = doc.text.slice(region.start, offset);
  const open = text.lastIndexOf("{{");
  if (open < 0 || text.includes("}}", open) || !isTemplateString(doc, region.start)) return undefined;
  const inner = text.slice(open + 2);
  // Where each open `(` starts, outside quotes: the innermost one is the call.
  const parens: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") parens.push(i);
    else if (c === ")") parens.pop();
  }
  if (quote) return undefined;
  // A block's (`{{#each`), a partial's or a comment's words are no helper's call, unless in a subexpression.
  const call = parens.length ? inner.slice(parens[parens.length - 1]! + 1) : /^[#/>^!]/.test(inner) ? undefined : inner.replace(/^[{&~]\s*/, "");
  const words = call?.match(/"[^"]*"|'[^']*'|\([^()]*\)|[^\s()]+/g);
  const h = words && HELPERS.get(words[0]!);
  if (!h) return undefined;
  // Typing the name itself: help for its first argument.
  const typed = /\s$/.test(call!) ? words.length - 1 : Math.max(words.length - 2, 0);
  const rest = h.params.findIndex((p) => p.rest);
  return {
    signatures: [{ label: helperSignature(h), documentation: h.doc, parameters: h.params.map((p) => ({ label: helperParam(p) })) }],
    activeSignature: 0,
    activeParameter: rest >= 0 ? Math.min(typed, rest) : typed,
  };
}

/** The arguments written so far (split at top-level commas). */
function splitArgs(s: string): string[] {
  const out = [""];
  let depth = 0;
  for (const c of s) {
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    if (c === "," && depth === 0) out.push("");
    else out[out.length - 1] += c;
  }
  return out;
}
