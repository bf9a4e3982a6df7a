/**
 * Templates inside `.journey` strings, as the editor needs them: which strings are
 * templates, the names and block parameters in scope at a position inside one, the type of
 * each path segment, and the names the compiler does not record (paths that start at a
 * block parameter or at a field of the context stack: `{{#each cart.items as |line|}}{{line.name}}`).
 */
import type { Reference } from "@journey/compiler";
import { checkTemplate, helperResultType, nonNull, parseTemplate, T, type Expr, type PathExpr, type TNode, type Type } from "@journey/template";
import { Doc, stringExprs, templateSite, type TemplateSite } from "./document.js";
import type { Analysis, Project } from "./project.js";
import { namesAt, type ScopeName } from "./scope.js";
import { lastTokens } from "./text.js";
import type { Span } from "./types.js";

/** Words whose string argument is a template. */
const CONTENT_WORDS = new Set(["subject", "html", "text", "title", "body", "url", "content", "get", "post", "put", "patch", "delete"]);

/** Whether the string literal starting at `start` is content (a template), judging by what precedes it. */
export function isTemplateString(doc: Doc, start: number): boolean {
  const toks = lastTokens(doc.code, start, 3).filter((t) => t !== "\n");
  const last = toks[toks.length - 1];
  if (last && CONTENT_WORDS.has(last)) return true;
  return toks.length >= 2 && toks[toks.length - 2] === "fragment";
}

/** A block parameter or context frame in scope inside a template. */
export interface Frame {
  /** The context value (`undefined` at the root, where names come from the environment). */
  type: Type | undefined;
  params: Map<string, { type: Type; span: Span }>;
  /** Whether it is a loop's (`{{#each}}`, a section over a list): `@index` reads it. */
  iterates: boolean;
}

export interface TemplateScope {
  site: TemplateSite;
  nodes: TNode[];
  roots: ScopeName[];
  /** The frames around a template offset, outermost first (see `framesAt`). */
  framesAt(at: number): Frame[];
  /**
   * The types the template checker gives the parts of path `p` of this template (see
   * `TemplatePathTypes`): narrowed by the blocks around it (`{{#if line.note}}`), so what the
   * editor shows is what the checker believes there.
   */
  typesOf(p: PathExpr): Type[];
}

const ROOT_FRAME = (): Frame => ({ type: undefined, params: new Map(), iterates: false });

export function templateScope(doc: Doc, site: TemplateSite): TemplateScope {
  const { nodes } = parseTemplate(site.value);
  const roots = namesAt(doc, site.span.start + 1, { content: true });
  let typed: Map<number, Type[]> | undefined;
  const scope: TemplateScope = {
    site,
    nodes,
    roots,
    typesOf(p) {
      // Checked once, on first use, against the names in scope; its diagnostics are the compiler's to report.
      typed ??= new Map(
        checkTemplate(site.value, {
          lookup: (name) => roots.find((r) => r.name === name)?.type,
          names: () => roots.map((r) => r.name),
          partials: new Set(),
          escape: "none",
        }).paths.map((x) => [x.start, x.types]),
      );
      return typed.get(p.start) ?? [];
    },
    framesAt(at) {
      const frames: Frame[] = [ROOT_FRAME()];
      const visit = (ns: readonly TNode[] | null) => {
        for (const n of ns ?? []) {
          if (n.kind !== "block" && n.kind !== "section") continue;
          const bodyEnd = n.inverse !== null && n.elseSpan ? n.elseSpan.start : (n.close?.start ?? Infinity);
          if (at >= n.open.end && at <= bodyEnd) {
            frames.push(innerFrame(n, frames, scope, site));
            visit(n.body);
            return;
          }
          if (n.inverse && n.elseSpan && at >= n.elseSpan.end && at <= (n.close?.start ?? Infinity)) {
            visit(n.inverse);
            return;
          }
        }
      };
      visit(nodes);
      return frames;
    },
  };
  return scope;
}

function innerFrame(n: Extract<TNode, { kind: "block" | "section" }>, frames: Frame[], scope: TemplateScope, site: TemplateSite): Frame {
  const params = new Map<string, { type: Type; span: Span }>();
  const span = (s: { start: number; end: number }) => ({ start: site.toSource(s.start), end: site.toSource(s.end) });
  if (n.kind === "section") {
    const t = nonNull(typeOfExpr(n.path, frames, scope.roots).type);
    const inner = t.kind === "list" ? t.element : t.kind === "bool" ? frames[frames.length - 1]!.type : t;
    return { type: inner ?? T.unknown, params, iterates: t.kind === "list" || t.kind === "unknown" };
  }
  const arg = n.args[0];
  const t = nonNull(arg ? typeOfExpr(arg, frames, scope.roots).type : T.unknown);
  if (n.helper === "each") {
    const element = t.kind === "list" ? t.element : T.unknown;
    if (n.params[0]) params.set(n.params[0].name, { type: element, span: span(n.params[0]) });
    if (n.params[1]) params.set(n.params[1].name, { type: T.int, span: span(n.params[1]) });
    return { type: element, params, iterates: true };
  }
  if (n.helper === "with") {
    if (n.params[0]) params.set(n.params[0].name, { type: t, span: span(n.params[0]) });
    return { type: t, params, iterates: false };
  }
  return { type: frames[frames.length - 1]!.type, params, iterates: false };
}

/** What the head of a path resolves to in a template. */
export type PathRoot =
  | { kind: "param"; name: string; type: Type; span: Span }
  | { kind: "context"; name: string; type: Type; record: Type }
  | { kind: "root"; name: string; type: Type; binding: ScopeName }
  | { kind: "this"; type: Type }
  | { kind: "data"; type: Type }
  | { kind: "unknown" };

export function resolveHead(p: PathExpr, frames: Frame[], roots: ScopeName[]): PathRoot {
  if (p.head === "data") return { kind: "data", type: p.segments[0]?.name === "index" ? T.int : T.bool };
  if (p.head === "this") return { kind: "this", type: frames[frames.length - 1]?.type ?? T.unknown };
  const name = p.segments[0]?.name ?? "";
  for (let i = frames.length - 1; i >= 0; i--) {
    const got = frames[i]!.params.get(name);
    if (got) return { kind: "param", name, type: got.type, span: got.span };
  }
  for (let i = frames.length - 1; i >= 0; i--) {
    const ft = frames[i]!.type;
    if (ft === undefined) continue;
    const v = nonNull(ft);
    if (v.kind === "record") {
      const f = v.fields.find((x) => x.name === name);
      if (f) return { kind: "context", name, type: f.optional ? T.optional(f.type) : f.type, record: v };
    }
  }
  const b = roots.find((r) => r.name === name);
  return b ? { kind: "root", name, type: b.type, binding: b } : { kind: "unknown" };
}

/** The type after each segment of a path (`types[i]` is the type of `segments[0..i]`). */
export function pathTypes(p: PathExpr, frames: Frame[], roots: ScopeName[]): { head: PathRoot; types: Type[] } {
  const head = resolveHead(p, frames, roots);
  const types: Type[] = [];
  if (head.kind === "unknown") return { head, types };
  let t = head.type;
  const first = p.head === "name" ? 1 : 0;
  if (p.head === "name") types.push(t);
  for (let i = first; i < p.segments.length; i++) {
    const seg = p.segments[i]!;
    const v = nonNull(t);
    let next: Type = T.unknown;
    if (v.kind === "record") {
      const f = v.fields.find((x) => x.name === seg.name);
      if (f) next = f.optional ? T.optional(f.type) : f.type;
    } else if (v.kind === "list") {
      if (seg.name === "length") next = T.int;
      else if (/^[0-9]+$/.test(seg.name)) next = T.optional(v.element);
    }
    if (t.kind === "optional" && next.kind !== "unknown") next = T.optional(next);
    types.push(next);
    t = next;
  }
  return { head, types };
}

export function typeOfExpr(e: Expr, frames: Frame[], roots: ScopeName[]): { type: Type } {
  if (e.kind === "path") {
    const { types } = pathTypes(e, frames, roots);
    return { type: types[types.length - 1] ?? T.unknown };
  }
  if (e.kind === "literal") return { type: typeof e.value === "string" ? T.string : typeof e.value === "number" ? T.number : typeof e.value === "boolean" ? T.bool : T.null };
  // A sub-expression (`{{#with (first seen)}}`): the helper's result type, as the checker computes it.
  if (e.kind === "call") return { type: helperResultType(e.name, e.args.map((a) => typeOfExpr(a, frames, roots).type)) };
  return { type: T.unknown };
}

/** Every path expression of a template, with the frames around it. */
export function eachPath(scope: TemplateScope, visit: (p: PathExpr, frames: Frame[]) => void): void {
  const exprs = (e: Expr, frames: Frame[]) => {
    if (e.kind === "path") visit(e, frames);
    else if (e.kind === "call") for (const a of e.args) exprs(a, frames);
  };
  const nodes = (ns: readonly TNode[] | null, frames: Frame[]) => {
    for (const n of ns ?? []) {
      if (n.kind === "mustache") exprs(n.expr, frames);
      else if (n.kind === "section") {
        exprs(n.path, frames);
        nodes(n.body, [...frames, innerFrame(n, frames, scope, scope.site)]);
        nodes(n.inverse, frames);
      } else if (n.kind === "block") {
        for (const a of n.args) exprs(a, frames);
        nodes(n.body, [...frames, innerFrame(n, frames, scope, scope.site)]);
        nodes(n.inverse, frames);
      }
    }
  };
  nodes(scope.nodes, [ROOT_FRAME()]);
}

/**
 * The names inside a file's templates that the compiler does not record: block parameters
 * (their declaration and uses) and paths read from them or from the context stack.
 */
export function templateReferences(project: Project, analysis: Analysis, path: string): Reference[] {
  const file = analysis.files.get(path);
  const ctx = analysis.ctx;
  if (!file || !ctx) return [];
  const doc = new Doc(project, path);
  const out: Reference[] = [];
  for (const s of stringExprs(file)) {
    if (!s.value.includes("{{") || (!s.value.includes("#") && !s.value.includes("^"))) continue;
    const site = templateSite(file.text, s.span);
    const scope = templateScope(doc, site);
    const src = (x: { start: number; end: number }) => ({ start: site.toSource(x.start), end: site.toSource(x.end) });
    // Block parameter declarations.
    const declare = (ns: readonly TNode[] | null, frames: Frame[]) => {
      for (const n of ns ?? []) {
        if (n.kind !== "block" && n.kind !== "section") continue;
        const inner = innerFrame(n, frames, scope, site);
        for (const [name, p] of inner.params) out.push({ file: path, span: p.span, name, kind: "param", target: { file: path, span: p.span }, type: p.type, definition: true });
        declare(n.body, [...frames, inner]);
        declare(n.inverse, frames);
      }
    };
    declare(scope.nodes, [ROOT_FRAME()]);
    eachPath(scope, (p, frames) => {
      const head = resolveHead(p, frames, scope.roots);
      if (head.kind === "root" || head.kind === "unknown" || head.kind === "data") return;
      // The checker's types: `types[0]` is the head's (`this`, or the first segment).
      const types = scope.typesOf(p);
      const first = p.head === "name" ? 1 : 0;
      if (p.head === "name") {
        const seg = p.segments[0]!;
        const type = types[0] ?? head.type;
        if (head.kind === "param") out.push({ file: path, span: src(seg), name: seg.name, kind: "param", target: { file: path, span: head.span }, type });
        else if (head.kind === "context") out.push({ file: path, span: src(seg), name: seg.name, kind: "field", target: ctx.fieldTarget(head.record, seg.name), type });
      }
      // The type of segment `i` is `types[i]`, after `this` `types[i + 1]`.
      const at = 1 - first;
      for (let i = first; i < p.segments.length; i++) {
        const seg = p.segments[i]!;
        const parent = types[i + at - 1];
        const type = types[i + at] ?? T.unknown;
        if (type.kind === "unknown") break;
        out.push({ file: path, span: src(seg), name: seg.name, kind: "field", target: ctx.fieldTarget(parent, seg.name), type });
      }
    });
  }
  return out;
}

/** The template (and its scope) of the content string holding `offset`. */
export function templateAt(doc: Doc, offset: number): { scope: TemplateScope; at: number } | undefined {
  const r = doc.regionAt(offset);
  if (!r || r.kind === "comment" || !isTemplateString(doc, r.start)) return undefined;
  const site = templateSite(doc.text, { start: r.start, end: r.end });
  return { scope: templateScope(doc, site), at: site.toTemplate(offset) };
}

