/**
 * The renderer. A template is compiled once into a tree of closures (no `eval`, no
 * `new Function`: content comes from users and the runtime may forbid code generation);
 * rendering then only walks data. Everything that can be decided from the text is decided
 * at compile time: helper lookup and arity, block-parameter slots, the escaper of each tag
 * (in JSON content, whether the tag sits inside a string literal; in HTML content, whether it
 * starts a URL attribute's value, whose scheme is then checked), and names that must never be
 * read (`__proto__`, `constructor`, …) compile to "missing".
 */
import type { BlockNode, Expr, MustacheNode, PartialNode, PathExpr, SectionNode, TNode } from "./ast.js";
import { TemplateError, TemplateRenderError } from "./errors.js";
import { HELPERS, HELPER_IMPLS, helperArity, type HelperContext } from "./helpers.js";
import { HTML_TEXT, atUrlStart, htmlKey, htmlPlaces, type HtmlContext } from "./html.js";
import { parseTemplate } from "./parse.js";
import { FORBIDDEN_NAMES, escapeHtml, escapeJsonString, safeUrl, toJson, toText, truthy } from "./values.js";

export type EscapeMode = "html" | "none" | "json";

export interface RenderOptions {
  /** Partial (fragment) sources by name, for `{{> Name}}`. A missing partial renders empty (Mustache spec). */
  partials?: Record<string, string>;
  /** BCP 47 locale for `currency`, `number` and `date` (default `"en-US"`). */
  locale?: string;
  /** IANA time zone for `date` (default `"UTC"`). */
  timeZone?: string;
  /** Longest output allowed, in UTF-16 code units (default 1,000,000). */
  maxOutputLength?: number;
  /** Deepest nesting of partials allowed (default 32): a partial that includes itself stops here. */
  maxPartialDepth?: number;
  /** Most loop iterations plus partial inclusions in one render (default 1,000,000): bounds time even when output is empty. */
  maxSteps?: number;
}

export interface CompileOptions extends RenderOptions {
  /** How `{{x}}` is escaped (default `"html"`); `{{{x}}}` and `{{&x}}` are always raw. */
  escape?: EscapeMode;
}

export type CompiledTemplate = (data: unknown, renderOptions?: RenderOptions) => string;

export const DEFAULT_MAX_OUTPUT_LENGTH = 1_000_000;
export const DEFAULT_MAX_PARTIAL_DEPTH = 32;
export const DEFAULT_MAX_STEPS = 1_000_000;

/**
 * A context-stack frame. Every frame has the same shape (monomorphic property access):
 * `v` the context value, `p` the parent, `i`/`n` index and length when iterating (`i` -1
 * otherwise), `bp` the block-parameter values.
 */
interface Frame {
  v: unknown;
  p: Frame | null;
  i: number;
  n: number;
  bp: unknown[] | null;
}

interface State extends HelperContext {
  partials: Record<string, string> | undefined;
  maxOut: number;
  maxDepth: number;
  maxSteps: number;
  depth: number;
  steps: number;
}

type Fn = (f: Frame, s: State) => string;
type Val = (f: Frame, s: State) => unknown;

/** Compile-time picture of the frames a node runs under, to resolve block parameters to slots. */
interface Scope {
  params: readonly string[];
  parent: Scope | null;
}

interface Ctx {
  escape: EscapeMode;
  /** JSON content only: whether the text written so far leaves us inside a string literal. */
  inString: boolean;
  /** HTML content only: where each value and fragment tag stands in the HTML. */
  html: ReadonlyMap<TNode, HtmlContext> | null;
}

const hasOwn = Object.prototype.hasOwnProperty;
const EMPTY: Fn = () => "";
const MISSING: Val = () => undefined;

/** Compiles `source` once; the returned function renders it for any data. Throws `TemplateError` on a syntax error or an unknown helper. */
export function compileTemplate(source: string, options: CompileOptions = {}): CompiledTemplate {
  const escape = options.escape ?? "html";
  const body = compileSource(source, escape, false, HTML_TEXT);
  return (data, ro) => {
    const s: State = {
      locale: ro?.locale ?? options.locale ?? "en-US",
      timeZone: ro?.timeZone ?? options.timeZone ?? "UTC",
      partials: ro?.partials ?? options.partials,
      maxOut: ro?.maxOutputLength ?? options.maxOutputLength ?? DEFAULT_MAX_OUTPUT_LENGTH,
      maxDepth: ro?.maxPartialDepth ?? options.maxPartialDepth ?? DEFAULT_MAX_PARTIAL_DEPTH,
      maxSteps: ro?.maxSteps ?? options.maxSteps ?? DEFAULT_MAX_STEPS,
      depth: 0,
      steps: 0,
    };
    const out = body({ v: typeof data === "function" ? undefined : data, p: null, i: -1, n: 0, bp: null }, s);
    if (out.length > s.maxOut) tooLong(s);
    return out;
  };
}

/** Compiled templates by escape mode and source, so repeated `renderTemplate` calls compile once. */
const templateCache = new Map<string, CompiledTemplate>();

/** Renders `source` with `data`; compiles (and caches the compiled form) on first use. */
export function renderTemplate(source: string, data: unknown, options: CompileOptions = {}): string {
  const key = (options.escape ?? "html") + "\u0000" + source;
  let t = templateCache.get(key);
  if (t === undefined) {
    t = compileTemplate(source, { escape: options.escape });
    if (templateCache.size >= 500) templateCache.clear();
    templateCache.set(key, t);
  }
  return t(data, options);
}

function compileSource(source: string, escape: EscapeMode, inString: boolean, html: HtmlContext): Fn {
  const { nodes, errors } = parseTemplate(source);
  if (errors.length > 0) throw errors[0];
  return compileNodes(nodes, null, { escape, inString, html: escape === "html" ? htmlPlaces(nodes, html) : null });
}

function tooLong(s: State): never {
  throw new TemplateRenderError(`rendered output exceeds the limit of ${s.maxOut} characters`);
}

function tooMuchWork(s: State): never {
  throw new TemplateRenderError(`render exceeds the limit of ${s.maxSteps} steps (loop iterations and partials)`);
}

// ---------------------------------------------------------------------------------------
// Node sequences

function compileNodes(nodes: readonly TNode[], scope: Scope | null, ctx: Ctx): Fn {
  // Adjacent constant text is merged; the sequence is then `t0 + f0() + t1 + f1() + …`.
  const texts: string[] = [""];
  const fns: Fn[] = [];
  for (const node of nodes) {
    switch (node.kind) {
      case "text":
        texts[texts.length - 1] += node.value;
        if (ctx.escape === "json") ctx.inString = scanJson(node.value, ctx.inString);
        break;
      case "comment":
      case "delimiters":
        break;
      case "mustache":
        fns.push(compileMustache(node, scope, ctx));
        texts.push("");
        break;
      case "section":
        fns.push(compileSection(node, scope, ctx));
        texts.push("");
        break;
      case "block":
        fns.push(compileBlock(node, scope, ctx));
        texts.push("");
        break;
      case "partial":
        fns.push(compilePartial(node, ctx));
        texts.push("");
        break;
    }
  }
  return sequence(texts, fns);
}

function sequence(texts: string[], fns: Fn[]): Fn {
  const n = fns.length;
  const t0 = texts[0];
  if (n === 0) return t0 === "" ? EMPTY : () => t0;
  if (n === 1) {
    const f0 = fns[0];
    const t1 = texts[1];
    if (t0 === "" && t1 === "") return f0;
    return (f, s) => t0 + f0(f, s) + t1;
  }
  if (n === 2) {
    const [f0, f1] = fns;
    const [, t1, t2] = texts;
    return (f, s) => t0 + f0(f, s) + t1 + f1(f, s) + t2;
  }
  if (n === 3) {
    const [f0, f1, f2] = fns;
    const [, t1, t2, t3] = texts;
    return (f, s) => t0 + f0(f, s) + t1 + f1(f, s) + t2 + f2(f, s) + t3;
  }
  const rest = texts.slice(1);
  return (f, s) => {
    let out = t0;
    for (let i = 0; i < n; i++) out += fns[i](f, s) + rest[i];
    return out;
  };
}

/** Tracks whether JSON text leaves us inside a string literal (backslash escapes honoured). */
function scanJson(text: string, inString: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    }
  }
  return inString;
}

// ---------------------------------------------------------------------------------------
// Interpolation

function compileMustache(node: MustacheNode, scope: Scope | null, ctx: Ctx): Fn {
  const { expr, escaped } = node;
  const val = compileExpr(expr, scope);
  if (ctx.html !== null) {
    // The start of a URL attribute's value: its scheme could make it a script link, escaped
    // or not (`{{{url}}}` is raw HTML the author trusts, but the URL comes from data).
    if (atUrlStart(ctx.html.get(node)!)) {
      if (!escaped) return (f, s) => safeUrl(str(val(f, s)), true);
      return (f, s) => escapeHtml(safeUrl(str(val(f, s)), false));
    }
  }
  if (!escaped || ctx.escape === "none") return (f, s) => str(val(f, s));
  if (ctx.escape === "html") {
    return (f, s) => {
      const v = val(f, s);
      return escapeHtml(typeof v === "string" ? v : toText(v));
    };
  }
  // JSON content: inside a string literal write escaped text; elsewhere a JSON value
  // (the `json` helper already returns JSON text).
  if (ctx.inString) return (f, s) => escapeJsonString(str(val(f, s)));
  if (expr.kind === "call" && expr.name === "json") return (f, s) => str(val(f, s));
  return (f, s) => toJson(val(f, s));
}

function str(v: unknown): string {
  return typeof v === "string" ? v : toText(v);
}

// ---------------------------------------------------------------------------------------
// Expressions

function compileExpr(expr: Expr, scope: Scope | null): Val {
  switch (expr.kind) {
    case "literal": {
      const v = expr.value;
      return () => v;
    }
    case "path":
      return compilePath(expr, scope);
    case "call": {
      const sig = HELPERS.get(expr.name);
      const impl = HELPER_IMPLS.get(expr.name);
      if (!sig || !impl) throw new TemplateError(`unknown helper \`${expr.name}\``, expr.nameSpan.start, expr.nameSpan.end);
      const { min, max } = helperArity(sig);
      const n = expr.args.length;
      if (n < min || n > max) {
        const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        throw new TemplateError(
          `\`${expr.name}\` takes ${expected} argument${expected === "1" ? "" : "s"} but ${n} ${n === 1 ? "was" : "were"} supplied`,
          expr.nameSpan.start,
          expr.nameSpan.end,
        );
      }
      const args = expr.args.map((a) => compileExpr(a, scope));
      if (n === 1) {
        const a0 = args[0];
        return (f, s) => impl(s, a0(f, s));
      }
      if (n === 2) {
        const [a0, a1] = args;
        // A literal second argument (`currency x "EUR"`, `truncate s 20`) is passed as a constant.
        const e1 = expr.args[1];
        if (e1.kind === "literal") {
          const c1 = e1.value;
          return (f, s) => impl(s, a0(f, s), c1);
        }
        return (f, s) => impl(s, a0(f, s), a1(f, s));
      }
      return (f, s) => impl(s, ...args.map((a) => a(f, s)));
    }
  }
}

/** Where a block parameter lives: `depth` frames up, slot `index`. */
function findParam(scope: Scope | null, name: string): { depth: number; index: number } | undefined {
  let depth = 0;
  for (let sc = scope; sc !== null; sc = sc.parent, depth++) {
    const index = sc.params.indexOf(name);
    if (index >= 0) return { depth, index };
  }
  return undefined;
}

function compilePath(p: PathExpr, scope: Scope | null): Val {
  const names = p.segments.map((s) => s.name);
  if (p.head === "data") {
    const which = names[0];
    return (f) => {
      for (let fr: Frame | null = f; fr !== null; fr = fr.p) {
        if (fr.i >= 0) return which === "index" ? fr.i : which === "first" ? fr.i === 0 : fr.i === fr.n - 1;
      }
      return undefined;
    };
  }
  // A forbidden name anywhere in the path makes the whole path missing: decided here, free at run time.
  if (names.some((n) => FORBIDDEN_NAMES.has(n))) return MISSING;
  if (p.head === "this") return chain((f) => f.v, names);
  const param = findParam(scope, names[0]);
  if (param) {
    const { depth, index } = param;
    if (depth === 0) {
      // The common `{{#each xs as |x|}}…{{x.name}}` case in one closure.
      if (names.length === 1) return (f) => f.bp![index];
      if (names.length === 2) {
        const k = names[1];
        return (f) => {
          const o = f.bp![index];
          if (typeof o !== "object" || o === null || !hasOwn.call(o, k)) return undefined;
          const r = (o as Record<string, unknown>)[k];
          return typeof r === "function" ? undefined : r;
        };
      }
    }
    const get: Val = (f) => {
      let fr = f;
      for (let d = 0; d < depth; d++) fr = fr.p!;
      return fr.bp![index];
    };
    return chain(get, names.slice(1));
  }
  if (names.length === 1) return stackLookup(names[0]);
  if (names.length === 2) {
    const name = names[0];
    const k = names[1];
    return (f) => {
      for (let fr: Frame | null = f; fr !== null; fr = fr.p) {
        const v = fr.v;
        if (typeof v === "object" && v !== null && hasOwn.call(v, name)) {
          const o = (v as Record<string, unknown>)[name];
          if (typeof o !== "object" || o === null || !hasOwn.call(o, k)) return undefined;
          const r = (o as Record<string, unknown>)[k];
          return typeof r === "function" ? undefined : r;
        }
      }
      return undefined;
    };
  }
  return chain(stackLookup(names[0]), names.slice(1));
}

/** Mustache context-stack lookup of the first name: the innermost frame holding it as an own property wins. */
function stackLookup(name: string): Val {
  return (f) => {
    for (let fr: Frame | null = f; fr !== null; fr = fr.p) {
      const v = fr.v;
      if (typeof v === "object" && v !== null && hasOwn.call(v, name)) {
        const r = (v as Record<string, unknown>)[name];
        return typeof r === "function" ? undefined : r;
      }
    }
    return undefined;
  };
}

/** Then strict own-property steps (Mustache: a broken chain does not fall back to outer frames). */
function chain(head: Val, rest: readonly string[]): Val {
  if (rest.length === 0) {
    return (f, s) => {
      const v = head(f, s);
      return typeof v === "function" ? undefined : v;
    };
  }
  if (rest.length === 1) {
    const k = rest[0];
    return (f, s) => {
      const o = head(f, s);
      if (typeof o !== "object" || o === null || !hasOwn.call(o, k)) return undefined;
      const r = (o as Record<string, unknown>)[k];
      return typeof r === "function" ? undefined : r;
    };
  }
  return (f, s) => {
    let o = head(f, s);
    for (let i = 0; i < rest.length; i++) {
      const k = rest[i];
      if (typeof o !== "object" || o === null || !hasOwn.call(o, k)) return undefined;
      o = (o as Record<string, unknown>)[k];
    }
    return typeof o === "function" ? undefined : o;
  };
}

// ---------------------------------------------------------------------------------------
// Sections and blocks

function branch(nodes: readonly TNode[] | null, scope: Scope | null, ctx: Ctx, start: boolean): Fn {
  if (!nodes || nodes.length === 0) return EMPTY;
  ctx.inString = start;
  return compileNodes(nodes, scope, ctx);
}

/** Compiles both branches from the same JSON string state; afterwards the main branch's holds. */
function branches(body: readonly TNode[], inverse: readonly TNode[] | null, bodyScope: Scope | null, scope: Scope | null, ctx: Ctx): [Fn, Fn] {
  const start = ctx.inString;
  const inv = branch(inverse, scope, ctx, start);
  ctx.inString = start;
  return [branch(body, bodyScope, ctx, start), inv];
}

function compileSection(node: SectionNode, scope: Scope | null, ctx: Ctx): Fn {
  const val = compilePath(node.path, scope);
  if (node.inverted) {
    const [main, inv] = branches(node.body, node.inverse, scope, scope, ctx);
    return (f, s) => (truthy(val(f, s)) ? inv(f, s) : main(f, s));
  }
  const [body, inv] = branches(node.body, node.inverse, { params: [], parent: scope }, scope, ctx);
  return (f, s) => {
    const v = val(f, s);
    if (Array.isArray(v)) return v.length === 0 ? inv(f, s) : iterate(v, f, s, body, false);
    if (!truthy(v)) return inv(f, s);
    // `true` keeps the current context (as Handlebars and mustache.js do); anything else is pushed.
    return body({ v: v === true ? f.v : v, p: f, i: -1, n: 0, bp: null }, s);
  };
}

/** One frame per loop, updated in place per element: nothing keeps a frame after its iteration. */
function iterate(list: readonly unknown[], f: Frame, s: State, body: Fn, params: boolean): string {
  const n = list.length;
  const fr: Frame = { v: undefined, p: f, i: 0, n, bp: params ? [undefined, 0] : null };
  let out = "";
  for (let i = 0; i < n; i++) {
    let item = list[i];
    if (typeof item === "function") item = undefined;
    fr.v = item;
    fr.i = i;
    if (params) {
      fr.bp![0] = item;
      fr.bp![1] = i;
    }
    out += body(fr, s);
    if (++s.steps > s.maxSteps) tooMuchWork(s);
    if (out.length > s.maxOut) tooLong(s);
  }
  return out;
}

function compileBlock(node: BlockNode, scope: Scope | null, ctx: Ctx): Fn {
  const arg = compileExpr(node.args[0], scope);
  switch (node.helper) {
    case "if":
    case "unless": {
      const [main, inv] = branches(node.body, node.inverse, scope, scope, ctx);
      return node.helper === "if" ? (f, s) => (truthy(arg(f, s)) ? main(f, s) : inv(f, s)) : (f, s) => (truthy(arg(f, s)) ? inv(f, s) : main(f, s));
    }
    case "each": {
      const params = node.params.map((p) => p.name);
      const [body, inv] = branches(node.body, node.inverse, { params, parent: scope }, scope, ctx);
      const withParams = params.length > 0;
      return (f, s) => {
        const v = arg(f, s);
        return Array.isArray(v) && v.length > 0 ? iterate(v, f, s, body, withParams) : inv(f, s);
      };
    }
    case "with": {
      const params = node.params.map((p) => p.name);
      const [body, inv] = branches(node.body, node.inverse, { params, parent: scope }, scope, ctx);
      return (f, s) => {
        const v = arg(f, s);
        if (!truthy(v) && v !== 0) return inv(f, s);
        return body({ v, p: f, i: -1, n: 0, bp: [v] }, s);
      };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Partials

/** Compiled partials by escape mode, JSON state, HTML context, indentation and source: shared by all templates. */
const partialCache = new Map<string, Fn>();

function compilePartial(node: PartialNode, ctx: Ctx): Fn {
  const { name, indent } = node;
  // A fragment inside a JSON string (`"legal": "{{> Legal}}"`) renders as it does in email,
  // as HTML, and its whole text is then escaped for the string: its `"` and newlines would
  // otherwise end the string and break the JSON.
  const asJsonString = ctx.escape === "json" && ctx.inString;
  const escape = asJsonString ? "html" : ctx.escape;
  const inString = asJsonString ? false : ctx.inString;
  // A fragment compiles from where it is included (`<a href="{{> ShopUrl}}">` checks the
  // fragment's first value).
  const html = ctx.html !== null ? ctx.html.get(node)! : HTML_TEXT;
  const key = escape + (inString ? "1" : "0") + htmlKey(html) + "\u0000" + indent + "\u0000";
  let lastSource: string | undefined;
  let lastFn: Fn | undefined;
  return (f, s) => {
    const partials = s.partials;
    if (partials === undefined || !hasOwn.call(partials, name)) return "";
    const source = partials[name];
    if (typeof source !== "string") return "";
    if (s.depth >= s.maxDepth) {
      throw new TemplateRenderError(`partials nested deeper than ${s.maxDepth} levels (\`${name}\` includes itself?)`);
    }
    if (++s.steps > s.maxSteps) tooMuchWork(s);
    // This call site's last partial first: the same source string needs no cache key (which
    // would copy and hash the whole source on every render).
    let fn = source === lastSource ? lastFn : undefined;
    if (fn === undefined) fn = partialCache.get(key + source);
    if (fn === undefined) {
      try {
        fn = compileSource(indentLines(source, indent), escape, inString, html);
      } catch (e) {
        if (e instanceof TemplateError) throw new TemplateError(`in partial \`${name}\`: ${e.message}`, e.start, e.end);
        throw e;
      }
      if (partialCache.size >= 1000) partialCache.clear();
      partialCache.set(key + source, fn);
    }
    lastSource = source;
    lastFn = fn;
    s.depth++;
    const rendered = fn(f, s);
    s.depth--;
    const out = asJsonString ? escapeJsonString(rendered) : rendered;
    if (out.length > s.maxOut) tooLong(s);
    return out;
  };
}

/** A standalone partial's indentation goes before every line of its source (Mustache spec). */
function indentLines(source: string, indent: string): string {
  if (indent === "" || source === "") return source;
  return indent + source.replace(/\n(?!$)/g, "\n" + indent);
}
