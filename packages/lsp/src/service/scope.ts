/**
 * The names in scope at a position, with their types: the same rules as the checker
 * (`profile`; the trigger's alias; `event` and the alias in handlers; `let`, `recommend`
 * and `call … as` bindings of the steps before; `item` in a recommendation's `where`;
 * parameters; `context`; the runtime's names in message content), read from the AST and the
 * types the checker recorded. Completion and template path typing use it.
 */
import { CHANNELS, parseFile, PRIMITIVES, RUNTIME_NAMES, type ast as A, type BindingKind } from "@journey/compiler";
import { nonNull, T, type Type } from "@journey/template";
import type { Doc } from "./document.js";
import { declarationKey, type Analysis } from "./project.js";
import { blockEnd, openBlocks, statementWords } from "./text.js";
import type { Location } from "./types.js";

export interface ScopeName {
  name: string;
  kind: BindingKind;
  type: Type;
  target?: Location;
}

/** The type the checker recorded for the local name declared at `start` (a `let`, alias, parameter, …). */
export function definedType(analysis: Analysis, path: string, start: number): Type | undefined {
  return analysis.definitionAt(path, start)?.type;
}

const within = (s: A.Span | undefined, offset: number) => !!s && s.start <= offset && offset <= s.end;

export interface ScopeOptions {
  /** The position is inside message content: add the runtime's names (`unsubscribeUrl`, `message`, `journey`). */
  content?: boolean;
}

export function namesAt(doc: Doc, offset: number, opts: ScopeOptions = {}): ScopeName[] {
  const a = doc.analysis;
  const ctx = a.ctx;
  const out = new Map<string, ScopeName>();
  const add = (n: ScopeName) => out.set(n.name, n);
  const named = (name: string): Type => ctx?.named.get(name) ?? T.unknown;
  const eventTarget = (name: string): Location | undefined => {
    const e = a.symbols?.events.get(name);
    return e ? { path: e.file, span: e.decl.name.span } : undefined;
  };
  const d = doc.declarationAt(offset);
  const remembered = (name: string) => (d ? doc.project.bindingMemory.get(`${declarationKey(d)}\u0000${name}`) : undefined);
  // In a declaration the checker skipped (a syntax error while typing), the type the text
  // says (read by `textNames` first) beats knowing nothing.
  const written = (name: string) => {
    const t = out.get(name)?.type;
    return t && t.kind !== "unknown" ? t : undefined;
  };
  const local = (id: A.Ident, kind: BindingKind, fallback: Type = T.unknown) =>
    add({ name: id.name, kind, type: definedType(a, doc.path, id.span.start) ?? remembered(id.name) ?? written(id.name) ?? fallback, target: { path: doc.path, span: id.span } });
  const profile = () => {
    const p = a.symbols?.profile;
    add({ name: "profile", kind: "profile", type: ctx?.profile ?? T.unknown, target: p ? { path: p.file, span: p.decl.keywordSpan } : undefined });
  };
  const runtime = (names: string[]) => {
    if (!opts.content) return;
    for (const n of names) add({ name: n, kind: "runtime", type: RUNTIME_NAMES[n] ?? T.unknown });
  };
  const eventMatch = (m: A.EventMatch) => {
    if (!m.event?.name) return;
    add({ name: "event", kind: "event", type: named(m.event.name), target: eventTarget(m.event.name) });
    if (m.alias) local(m.alias, "alias", named(m.event.name));
  };
  const item = () => {
    const c = a.symbols?.catalogs.values().next().value;
    add({ name: "item", kind: "item", type: ctx?.catalog?.type ?? T.unknown, target: c ? { path: c.file, span: c.decl.name.span } : undefined });
  };
  const inRecommendWhere = (s: A.RecommendStep) => {
    if (within(s.where?.span, offset)) return true;
    const after = doc.code.slice(s.algorithm?.span.end ?? s.span.start, offset);
    const m = /\bwhere\b(?![\s\S]*\b(exclude|limit|backup)\b)/.exec(after);
    return m !== null;
  };

  const define = (s: A.Step | A.ExperienceItem) => {
    if (s.kind === "Let" && s.name) local(s.name, "let");
    else if (s.kind === "Recommend" && s.name) local(s.name, "recommend", T.list(ctx?.catalog?.type ?? T.unknown));
    else if (s.kind === "CallAction" && s.alias) local(s.alias, "call");
  };

  const block = (steps: A.Step[]) => {
    for (const s of steps) {
      if (!s || s.span.start >= offset) break;
      if (offset <= s.span.end) descend(s);
      else define(s);
    }
  };

  const descend = (s: A.Step) => {
    switch (s.kind) {
      case "WaitFor":
        if (s.timeout && within(s.timeout.span, offset)) block(s.timeout.steps);
        else if (offset > (s.event?.span.end ?? s.span.end)) {
          eventMatch(s);
          if (within(s.body?.span, offset)) block(s.body.steps);
        }
        return;
      case "If":
        for (const b of s.branches) if (within(b.body?.span, offset)) block(b.body.steps);
        if (s.else && within(s.else.span, offset)) block(s.else.steps);
        return;
      case "Split":
        for (const arm of s.arms) if (within(arm.body?.span, offset)) block(arm.body.steps);
        return;
      case "Repeat":
        if (within(s.body?.span, offset)) block(s.body.steps);
        return;
      case "CallAction":
        if (s.onError && within(s.onError.span, offset)) block(s.onError.steps);
        return;
      case "Recommend":
        if (inRecommendWhere(s)) item();
        return;
      case "Send": {
        const ch = CHANNELS.get(s.channel?.name ?? "");
        if (ch) runtime(ch.runtimeNames);
        return;
      }
      default:
        return;
    }
  };

  // The text being typed rarely parses: what the text says is in scope, for what the AST lost.
  textNames(doc, offset, {
    has: (n) => out.has(n),
    add,
    named,
    eventTarget,
    item,
    runtime,
    remembered,
    broken: !d || d.recovered === true,
    typeOf: (n) => out.get(n)?.type,
    returnType: (action) => writtenType(a.symbols?.actions.get(action)?.decl.returns, named),
    catalog: () => ctx?.catalog?.type ?? T.unknown,
  });
  if (!d) return [...out.values()];
  switch (d.kind) {
    case "JourneyDecl": {
      profile();
      const trigger = d.clauses.find((c) => c.kind === "OnEvent" || c.kind === "OnAudience" || c.kind === "OnSchedule");
      if (trigger?.kind === "OnEvent" && trigger.alias) local(trigger.alias, "alias", named(trigger.event.name));
      for (const c of d.clauses) {
        if ((c.kind === "OnEvent" || c.kind === "ExitOn" || c.kind === "Goal") && within(c.span, offset) && offset > c.event.span.end) eventMatch(c);
      }
      block(d.body.steps);
      break;
    }
    case "ExperienceDecl": {
      profile();
      const inVariant = d.items.some((i) => i.kind === "Variant" && within(i.span, offset));
      for (const i of d.items) {
        // A recovered experience is not checked: its context is typed from its fields as written.
        if (i.kind === "Context") add({ name: "context", kind: "context", type: definedType(a, doc.path, i.span.start) ?? writtenType({ kind: "RecordType", fields: i.fields, span: i.span }, named), target: { path: doc.path, span: i.span } });
        else if (i.kind === "Recommend" && within(i.span, offset) && inRecommendWhere(i)) item();
        else if (i.kind === "Let" || i.kind === "Recommend" || i.kind === "CallAction") {
          if (inVariant || i.span.end < offset) define(i);
        }
      }
      break;
    }
    case "AudienceDecl":
      profile();
      break;
    case "TemplateDecl":
      profile();
      for (const p of d.params) local(p.name, "param", writtenType(p.type, named));
      runtime(CHANNELS.get(d.channel?.name ?? "")?.runtimeNames ?? []);
      break;
    case "FragmentDecl":
      profile();
      runtime(Object.keys(RUNTIME_NAMES));
      break;
    case "ActionDecl":
      for (const p of d.params) local(p.name, "param", writtenType(p.type, named));
      break;
    case "ChannelDecl":
      // Only a channel's `consent` reads the profile.
      if (inConsent(doc, offset, d)) profile();
      break;
    default:
      break;
  }
  return [...out.values()];
}

/**
 * Whether `offset` is in a channel's `consent` setting. In a channel that parses, its span says
 * so. A setting being typed does not parse (`consent profile.`): then the statement holding
 * the position says, by its first word; comments are not code, and a statement ends where
 * a line does not continue it (`and`, `or`, an operator, an open bracket carry it on).
 */
export function inConsent(doc: Doc, offset: number, d = doc.declarationAt(offset)): boolean {
  if (d?.kind === "ChannelDecl" && !d.recovered && within(d.span, offset)) return within(d.consentSpan, offset);
  return /^consent\b/.test(statementWords(doc.code, offset, openBlocks(doc.code, offset)));
}

interface TextScope {
  has(name: string): boolean;
  add(n: ScopeName): void;
  named(name: string): Type;
  eventTarget(name: string): Location | undefined;
  item(): void;
  runtime(names: string[]): void;
  remembered(name: string): Type | undefined;
  /** The declaration around the position did not parse (or is not there): read its bindings from the text. */
  broken: boolean;
  /** The type of a name already in scope. */
  typeOf(name: string): Type | undefined;
  /** The return type an action declares. */
  returnType(action: string): Type;
  /** The catalog's item type. */
  catalog(): Type;
}

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";

/**
 * The parameters and response type of action `name` as the checker resolved them (as written,
 * for an action it has not typed): what a test's `respond` and `expect call` are checked
 * against. `returns` is undefined for an action that declares no response type.
 */
export function actionTypes(doc: Doc, name: string): { params: { name: string; type: Type }[]; returns?: Type } | undefined {
  const action = doc.analysis.symbols?.actions.get(name);
  if (!action) return undefined;
  const ctx = doc.analysis.ctx;
  const named = (n: string): Type => ctx?.named.get(n) ?? T.unknown;
  const d = action.decl;
  const resolved = ctx?.paramTypes.get(d.params);
  const params = d.params.map((p, i) => p?.name && { name: p.name.name, type: resolved?.[i] ?? writtenType(p.type, named) }).filter((p) => !!p);
  return { params, returns: d.returns && (ctx?.returnTypes.get(d.returns) ?? writtenType(d.returns, named)) };
}

/**
 * A parameter's type as written, for a declaration the checker has not typed (it has never
 * parsed): named types as the project's last check resolved them.
 */
function writtenType(te: A.TypeExpr | undefined, named: (name: string) => Type): Type {
  switch (te?.kind) {
    case "LiteralType":
      return T.literal(te.value);
    case "UnionType":
      return { kind: "union", members: te.members.map((m) => writtenType(m, named)) };
    case "RecordType":
      return { kind: "record", fields: te.fields.filter((f) => f?.name?.name).map((f) => ({ name: f.name.name, type: writtenType(f.type, named), optional: f.optional })) };
    case "NamedType":
      if (te.name.name === "list") return T.list(writtenType(te.args[0], named));
      return PRIMITIVES[te.name.name] ?? named(te.name.name);
    default:
      return T.unknown;
  }
}
const HANDLER = new RegExp(`^(?:exit on|on|wait for|goal ${IDENT} ?:) (${IDENT})(?: as (${IDENT}))?\\b`);

/** Names in scope according to the text: the statement and blocks around `offset`. */
function textNames(doc: Doc, offset: number, s: TextScope): void {
  const code = doc.code;
  const blocks = openBlocks(code, offset);
  const top = blocks[0]?.header ?? "";
  const stmt = statementWords(code, offset, blocks);
  const profile = () => {
    if (!s.has("profile")) s.add({ name: "profile", kind: "profile", type: (doc.analysis.ctx?.profile ?? T.unknown) as Type });
  };
  const event = (name: string, alias?: string) => {
    if (!s.has("event")) s.add({ name: "event", kind: "event", type: s.named(name), target: s.eventTarget(name) });
    if (alias && !s.has(alias)) s.add({ name: alias, kind: "alias", type: s.named(name) });
  };
  if (/^audience\b/.test(stmt) && blocks.length === 0) profile();
  if (/^(journey|experience|template|fragment)\b/.test(top) || /^fragment\b/.test(stmt)) profile();
  // The declaration's text from its `{` to the position.
  const body = code.slice(blocks[0]?.open ?? 0, offset);
  if (/^journey\b/.test(top)) {
    const trigger = new RegExp(`(?:^|\\n)\\s*on (${IDENT})(?: as (${IDENT}))?`).exec(body);
    if (trigger && trigger[1] !== "enter" && trigger[1] !== "schedule" && trigger[2] && !s.has(trigger[2])) s.add({ name: trigger[2], kind: "alias", type: s.named(trigger[1]!) });
    const h = HANDLER.exec(stmt);
    if (h && /\bwhere\b/.test(stmt)) event(h[1]!, h[2]);
    for (const b of blocks.slice(1)) {
      const w = HANDLER.exec(b.header);
      if (w && /^wait for/.test(b.header) && !/\btimeout$/.test(b.header)) event(w[1]!, w[2]);
    }
    if (s.broken) writtenBindings(body, s, stmt);
  }
  if (/^experience\b/.test(top) && s.broken) {
    // The context first: a `let` may read from it (`let sku = context.sku`).
    writtenContext(doc, blocks[0]!.open, offset, s);
    writtenBindings(body, s, stmt);
  }
  if (/^recommend\b/.test(stmt) && /\bwhere\b(?!.*\b(exclude|limit|backup)\b)/.test(stmt) && !s.has("item")) s.item();
  const params = /^(template|action) .*?\(([^)]*)\)/.exec(top);
  if (params && s.broken) {
    for (const m of params[2]!.matchAll(new RegExp(`(${IDENT}) ?: ?(${IDENT})?`, "g"))) {
      if (!s.has(m[1]!)) s.add({ name: m[1]!, kind: "param", type: s.remembered(m[1]!) ?? (m[2] ? (PRIMITIVES[m[2]] ?? s.named(m[2])) : T.unknown) });
    }
  }
}

/**
 * The `let`, `recommend` and `call … as` bindings written in `body` (a journey's steps or an
 * experience's items before the position), with their types as last checked. Never checked
 * (a declaration being typed has no last check to remember): what the text says, so `w.`
 * after `call Weather(…) as w` offers the action's fields.
 */
function writtenBindings(body: string, s: TextScope, stmt: string): void {
  const re = new RegExp(`\\b(let|recommend) (${IDENT}) ?= ?([A-Za-z_][\\w.]*)?|\\bcall (${IDENT})\\([^)]*\\) as (${IDENT})`, "g");
  // The binding being written is not in scope in its own value (`let w = <|>`).
  const writing = new RegExp(`^(?:let|recommend) (${IDENT}) ?=`).exec(stmt)?.[1];
  for (const m of body.replace(/\s+/g, " ").matchAll(re)) {
    const name = (m[2] ?? m[5])!;
    if (s.has(name) || name === writing) continue;
    const guess = (): Type => {
      if (m[5]) return s.returnType(m[4]!);
      if (m[1] === "recommend") return T.list(s.catalog());
      const [root, ...fields] = (m[3] ?? "").split(".");
      const t = root ? s.typeOf(root) : undefined;
      return t && fields.every((f) => f) ? walkPath(t, fields.map((f) => ({ name: f }))) : T.unknown;
    };
    s.add({ name, kind: m[5] ? "call" : m[1] === "let" ? "let" : "recommend", type: s.remembered(name) ?? guess() });
  }
}

/**
 * The `context { … }` block of an experience being typed (between its `{` at `from` and the
 * position), typed from its written fields.
 */
function writtenContext(doc: Doc, from: number, to: number, s: TextScope): void {
  if (s.has("context")) return;
  const m = /[\n{][ \t]*context\s*\{/.exec(doc.code.slice(from, to));
  if (!m) return;
  const open = from + m.index + m[0].length - 1;
  const end = blockEnd(doc.code, open);
  if (end < 0 || end > to) return;
  // The block is written as a record type is (`{ sku: string, locale?: string }`): parsed as
  // one (the real text, for literal types), it types like one.
  const decl = parseFile(doc.path, `type Context ${doc.text.slice(open, end)}`).file.declarations[0];
  const type = decl?.kind === "TypeDecl" ? writtenType(decl.type, s.named) : T.unknown;
  s.add({ name: "context", kind: "context", type, target: { path: doc.path, span: { start: from + m.index + m[0].indexOf("context"), end } } });
}

/** A path written before a `.`: `profile.consent`, `cart.items[0]`. */
export type PathPart = { name: string } | { index: true };

/** Parses the path that ends at `end` in `code` (`a.b[0].c`); undefined when it is not a plain path. */
export function pathBefore(code: string, end: number): PathPart[] | undefined {
  const parts: PathPart[] = [];
  let i = end;
  for (;;) {
    if (code[i - 1] === "]") {
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (code[j] === "]") depth++;
        else if (code[j] === "[") {
          depth--;
          if (depth === 0) break;
        }
      }
      if (j < 0) return undefined;
      parts.unshift({ index: true });
      i = j;
      continue;
    }
    let s = i;
    while (s > 0 && /[A-Za-z0-9_]/.test(code[s - 1]!)) s--;
    if (s === i || !/[A-Za-z_]/.test(code[s]!)) return undefined;
    parts.unshift({ name: code.slice(s, i) });
    i = s;
    if (code[i - 1] === ".") {
      i--;
      continue;
    }
    if (code[i - 1] === "]") continue;
    return parts;
  }
}

/** The type of a path from a root type: fields of records, projection over lists, `[i]` on lists. */
export function walkPath(root: Type, parts: PathPart[]): Type {
  let t = root;
  for (const p of parts) {
    const v = nonNull(t);
    if ("index" in p) {
      t = v.kind === "list" ? v.element : T.unknown;
      continue;
    }
    t = memberType(v, p.name);
  }
  return t;
}

function memberType(t: Type, name: string): Type {
  const v = nonNull(t);
  if (v.kind === "list") {
    const inner = memberType(v.element, name);
    return inner.kind === "unknown" ? inner : T.list(inner);
  }
  if (v.kind !== "record") return T.unknown;
  const f = v.fields.find((x) => x.name === name);
  if (!f) return T.unknown;
  return f.optional ? T.optional(f.type) : f.type;
}

/** The record whose fields complete a path: through optionals and lists. */
export function recordOf(t: Type): (Type & { kind: "record" }) | undefined {
  let v = nonNull(t);
  while (v.kind === "list") v = nonNull(v.element);
  return v.kind === "record" ? v : undefined;
}
