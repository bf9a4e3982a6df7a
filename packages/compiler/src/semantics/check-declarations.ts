/** Checks of the declarations that are not journeys, experiences or tests. */
import { fieldType, isAssignable, isValidLocale, nonNull, suggest, T, typeToString, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { walk } from "../syntax/walk.js";
import { CHANNELS, HTTP_METHODS, RESERVED_NAMES, RUNTIME_NAMES, type ChannelSpec } from "./builtins.js";
import { isConstant } from "./constants.js";
import type { CheckContext } from "./context.js";
import { expectBool, expectType, requireValue, typeOf, expectConstant, type ExprOptions } from "./expressions.js";
import { Scope } from "./scope.js";
import { checkContent } from "./templates.js";
import { resolveType, paramTypes, returnType } from "./types.js";

/** The scope every content and condition starts from: `profile`. */
export function rootScope(ctx: CheckContext): Scope {
  const s = new Scope();
  const p = ctx.symbols.profile;
  s.define({ name: "profile", type: ctx.profile, kind: "profile", target: p && { file: p.file, span: p.decl.keywordSpan } });
  return s;
}

/** Defaults fit their field's type, in nested records too (`consent: { email: bool = true }`). */
export function checkFieldDefaults(ctx: CheckContext, fields: A.FieldDecl[], type: Type): void {
  if (type.kind !== "record") return;
  for (const f of fields) {
    const ft = fieldType(type, f.name.name);
    if (!ft) continue;
    checkNestedDefaults(ctx, f.type, ft);
    if (!f.default || isConstant(f.default) === undefined) continue;
    expectType(ctx, f.default, ft, new Scope());
  }
}

function checkNestedDefaults(ctx: CheckContext, te: A.TypeExpr, t: Type): void {
  const inner = nonNull(t);
  if (te.kind === "RecordType") checkFieldDefaults(ctx, te.fields, inner);
  else if (te.kind === "NamedType" && te.name.name === "list" && te.args[0] && inner.kind === "list") checkNestedDefaults(ctx, te.args[0], inner.element);
}

export function checkAudience(ctx: CheckContext, d: A.AudienceDecl): void {
  const scope = rootScope(ctx);
  const t = requireValue(ctx, d.condition, typeOf(ctx, d.condition, scope), scope);
  expectBool(ctx, d.condition, t);
}

export function checkCatalog(ctx: CheckContext, d: A.CatalogDecl, type: Type): void {
  const keys = d.fields.filter((f) => f.isKey);
  if (keys.length !== 1) ctx.report("catalogKey", { name: d.name.name, count: keys.length }, keys[1]?.name.span ?? d.name.span);
  const key = keys[0];
  const keyType = key ? fieldType(type, key.name.name) : undefined;
  for (const s of d.signals) {
    if (!["view", "cart", "purchase"].includes(s.signal.name)) {
      const sug = suggest(s.signal.name, ["view", "cart", "purchase"]);
      ctx.report("unknownSignal", { name: s.signal.name }, s.signal.span, sug ? { fix: ctx.replace(`change to \`${sug}\``, s.signal.span, sug) } : {});
    }
    const ev = ctx.symbols.events.get(s.event.name);
    if (!ev) {
      reportUnknownDecl(ctx, "unknownEvent", s.event, ctx.symbols.events.keys());
      continue;
    }
    let t: Type = ctx.named.get(s.event.name) ?? T.unknown;
    ctx.reference(s.event.span, s.event.name, "event", { file: ev.file, span: ev.decl.name.span }, t);
    for (const seg of s.path) {
      const base = nonNull(t);
      const inner = base.kind === "list" ? nonNull(base.element) : base;
      const ft = fieldType(inner, seg.name);
      if (!ft) {
        const fields = inner.kind === "record" ? inner.fields.map((f) => f.name) : [];
        ctx.report("unknownField", { field: seg.name, type: typeToString(inner) }, seg.span, ctx.didYouMean(seg.name, fields, seg.span, `the fields of \`${typeToString(inner)}\` are`));
        t = T.unknown;
        break;
      }
      t = base.kind === "list" ? T.list(ft) : ft;
      ctx.reference(seg.span, seg.name, "field", ctx.fieldTarget(inner, seg.name), t);
    }
    if (!keyType || t.kind === "unknown") continue;
    const leaf = nonNull(t.kind === "list" ? t.element : t);
    if (!isAssignable(leaf, keyType)) {
      const pathSpan = { start: s.event.span.start, end: s.path[s.path.length - 1]!.span.end };
      ctx.report("signalPath", { path: ctx.text(pathSpan), actual: typeToString(t), key: key!.name.name, keyType: typeToString(keyType) }, pathSpan);
    }
  }
}

/** Parameters into `scope`: each name once, none of the language's own. */
function defineParams(ctx: CheckContext, scope: Scope, params: A.Param[]): void {
  const types = paramTypes(ctx, ctx.file, params);
  const seen = new Map<string, A.Span>();
  params.forEach((p, i) => {
    const prev = seen.get(p.name.name);
    if (prev) ctx.report("duplicateParameter", { name: p.name.name }, p.name.span, { related: [ctx.related(ctx.file, prev, "first declared here")] });
    else if (RESERVED_NAMES.has(p.name.name)) ctx.report("reservedName", { name: p.name.name }, p.name.span);
    seen.set(p.name.name, p.name.span);
    const target = { file: ctx.file, span: p.name.span };
    scope.define({ name: p.name.name, type: types[i]!, kind: "param", target });
    ctx.reference(p.name.span, p.name.name, "param", target, types[i]!, true);
  });
}

export function checkAction(ctx: CheckContext, d: A.ActionDecl): void {
  const scope = new Scope();
  defineParams(ctx, scope, d.params);
  checkRepeated(ctx, d);
  if (d.returns) returnType(ctx, ctx.file, d.returns);
  if (!d.method || !d.url) ctx.report("actionMissingRequest", { name: d.name.name }, d.name.span);
  else {
    if (!(HTTP_METHODS as readonly string[]).includes(d.method.name)) {
      const s = suggest(d.method.name, HTTP_METHODS);
      ctx.report("invalidMethod", { name: d.method.name }, d.method.span, s ? { fix: ctx.replace(`change to \`${s}\``, d.method.span, s) } : {});
    }
    checkContent(ctx, d.url, scope, "none");
  }
  if (d.headers) for (const h of d.headers.entries) expectType(ctx, h.value, T.string, scope, { allowSecret: true });
  if (d.body) typeOf(ctx, d.body, scope);
  if (d.timeout) expectConstant(ctx, d.timeout, T.duration, "an action's `timeout`", scope, 1);
  if (d.retries) expectConstant(ctx, d.retries, T.int, "an action's `retries`", scope, 0);
}

/** Settings said twice: the last one counts, which is rarely what was meant. */
function checkRepeated(ctx: CheckContext, d: A.RepeatedSettings): void {
  for (const r of d.repeated ?? []) ctx.report("duplicateSetting", { name: r.name }, r.span);
}

const CHANNEL_SETTINGS = ["from", "cap", "quiet", "consent"];

export function checkChannelDecl(ctx: CheckContext, d: A.ChannelDecl): void {
  if (!CHANNELS.has(d.name.name)) reportUnknownDecl(ctx, "unknownChannel", d.name, CHANNELS.keys());
  checkRepeated(ctx, d);
  for (const u of d.unknown ?? []) {
    const s = suggest(u.name, CHANNEL_SETTINGS);
    ctx.report("unknownChannelSetting", { name: u.name }, u.span, { help: s ? `did you mean \`${s}\`?` : "a channel takes `from`, `cap`, `quiet` and `consent`", ...(s ? { fix: ctx.replace(`change to \`${s}\``, u.span, s) } : {}) });
  }
  const scope = new Scope();
  if (d.from) expectType(ctx, d.from, T.string, scope);
  if (d.cap) {
    expectConstant(ctx, d.cap.count, T.int, "a cap's count", scope, 0);
    expectConstant(ctx, d.cap.per, T.duration, "a cap's period", scope, 1);
  }
  if (d.quiet && (d.quiet.from.kind !== "TimeOfDay" || d.quiet.to.kind !== "TimeOfDay")) ctx.report("invalidQuietHours", {}, d.quiet.span);
  if (d.consent) checkConsent(ctx, d.consent);
}

const CONSENT: ExprOptions = { nullPaths: true };

/**
 * A channel's `consent` is read for every message when it is handed over, long after any
 * journey's checks: it sees `profile` only (and the clock), and may be null, which the
 * runtime reads as no consent, so neither `profile.smsOptIn` (a `bool?`) nor
 * `profile.prefs.sms` (a field of an optional record) needs a check or a default.
 */
function checkConsent(ctx: CheckContext, e: A.Expr): void {
  // A journey's event or bindings: said as such (a misspelt `profile` is an unknown name, with its fix).
  let foreign = false;
  walk(e, (n) => {
    if (n.kind !== "Name" || n.name === "profile" || suggest(n.name as string, ["profile"]) !== undefined) return;
    ctx.report("consentNotProfile", { name: n.name as string }, n.span!, { help: "it is read for every message of the channel, outside any journey: check the journey's data in the journey (`if …`)" });
    foreign = true;
  });
  if (foreign) return;
  const t = nonNull(typeOf(ctx, e, rootScope(ctx), CONSENT));
  if (t.kind !== "bool" && t.kind !== "unknown") ctx.report("consentNotBool", { actual: typeToString(t) }, e.span);
}

/** Fragments are rendered inside messages: they see `profile` and the runtime's names. */
export function checkFragment(ctx: CheckContext, d: A.FragmentDecl): void {
  if (d.body.kind !== "String") {
    ctx.report("contentNotString", { field: d.name.name, actual: typeToString(typeOf(ctx, d.body, new Scope())) }, d.body.span);
    return;
  }
  const scope = rootScope(ctx);
  for (const [name, type] of Object.entries(RUNTIME_NAMES)) scope.define({ name, type, kind: "runtime" });
  checkContent(ctx, d.body, scope, "html", undefined, d.name.name);
}

export function checkTemplateDecl(ctx: CheckContext, d: A.TemplateDecl): void {
  const channel = CHANNELS.get(d.channel.name);
  if (!channel) reportUnknownDecl(ctx, "unknownChannel", d.channel, CHANNELS.keys());
  const scope = rootScope(ctx);
  defineParams(ctx, scope, d.params);
  const used = new Set<string>();
  // A template with a syntax error was not read to its end: "never used" could be wrong.
  let complete = channel ? checkContentFields(ctx, channel, d.fields, scope, d.name.span, used) : false;
  if (channel && !checkLocales(ctx, d, channel, scope, used)) complete = false;
  if (complete) for (const p of d.params) if (!used.has(p.name.name)) ctx.report("unusedParameter", { name: p.name.name }, p.name.span);
}

/**
 * A template's `locale` blocks: each a valid tag, given once (compared as the runtime matches
 * them, ignoring case), overriding some of the template's own fields, each checked as those
 * are. Returns whether every template in them parsed.
 */
function checkLocales(ctx: CheckContext, d: A.TemplateDecl, channel: ChannelSpec, scope: Scope, used: Set<string>): boolean {
  let complete = true;
  const seen = new Map<string, A.Span>();
  const own = new Set(d.fields.map((f) => f.name.name));
  // The block is chosen by the profile's `locale` attribute, which only a declared field lets a profile have.
  const declared = ctx.profile.kind === "record" && ctx.profile.fields.some((f) => f.name === "locale");
  const first = d.locales[0];
  if (first && !declared) ctx.report("localeUnread", { template: d.name.name }, first.keywordSpan, { help: "declare it in `profile`: `locale?: string` (a BCP 47 tag such as \"nb-NO\")" });
  for (const block of d.locales) {
    const tag = block.tag.kind === "String" ? block.tag.value : undefined;
    if (tag === undefined || !isValidLocale(tag)) {
      // `locale sv { … }`: the tag written as a name.
      const quote = block.tag.kind === "Name" && isValidLocale(block.tag.name) ? { fix: ctx.replace(`change to \`"${block.tag.name}"\``, block.tag.span, JSON.stringify(block.tag.name)) } : {};
      ctx.report("invalidLocale", { tag: tag ?? ctx.text(block.tag.span) }, block.tag.span, quote);
    } else {
      const first = seen.get(tag.toLowerCase());
      if (first) ctx.report("duplicateLocale", { tag, template: d.name.name }, block.tag.span, { related: [ctx.related(ctx.file, first, "first given here")] });
      else seen.set(tag.toLowerCase(), block.tag.span);
    }
    const name = tag ?? ctx.text(block.tag.span);
    if (!block.fields.length) ctx.report("emptyLocale", { tag: name }, { start: block.keywordSpan.start, end: block.tag.span.end });
    // A field the channel does not have is J3012 (below), not also one the template lacks.
    for (const f of block.fields) {
      if (!own.has(f.name.name) && channel.fields.some((x) => x.name === f.name.name)) ctx.report("localeOnlyField", { field: f.name.name, template: d.name.name }, f.name.span);
    }
    if (!checkContentFields(ctx, channel, block.fields, scope, undefined, used)) complete = false;
  }
  return complete;
}

/**
 * Content of a message for `channel`: known fields, required fields (reported at `anchor`;
 * none without one: a `locale` block's missing fields are the template's own), each template
 * checked. Returns whether every template parsed (so the names it read are all in `used`).
 */
export function checkContentFields(ctx: CheckContext, channel: ChannelSpec, fields: A.ContentField[], scope: Scope, anchor: A.Span | undefined, used?: Set<string>): boolean {
  let complete = true;
  let unknownField = false;
  const contentScope = scope.child();
  for (const name of channel.runtimeNames) {
    // A parameter that takes a runtime name is already `J1020`: its content is read as the
    // author meant it, not as the runtime's record (`{{message}}` would cascade into `J4014`).
    if (scope.lookup(name)?.kind !== "param") contentScope.define({ name, type: RUNTIME_NAMES[name]!, kind: "runtime" });
  }
  const seen = new Set<string>();
  for (const f of fields) {
    const spec = channel.fields.find((x) => x.name === f.name.name);
    if (!spec) {
      unknownField = true;
      const s = suggest(f.name.name, channel.fields.map((x) => x.name));
      ctx.report(
        "unknownContentField",
        { channel: channel.name, name: f.name.name, fields: channel.fields.map((x) => `\`${x.name}\``).join(", ") },
        f.name.span,
        s ? { fix: ctx.replace(`change to \`${s}\``, f.name.span, s) } : {},
      );
      continue;
    }
    if (seen.has(spec.name)) ctx.report("duplicateSetting", { name: spec.name }, f.name.span);
    seen.add(spec.name);
    if (spec.escape === "record") {
      const t = typeOf(ctx, f.value, contentScope);
      if (t.kind !== "record" && t.kind !== "unknown") ctx.report("typeMismatch", { expected: "a record", actual: typeToString(t) }, f.value.span);
      if (f.value.kind === "Record") collectNames(f.value, used);
    } else if (f.value.kind === "String") {
      if (!checkContent(ctx, f.value, contentScope, spec.escape, used)) complete = false;
    } else {
      ctx.report("contentNotString", { field: spec.name, actual: typeToString(typeOf(ctx, f.value, contentScope)) }, f.value.span);
    }
  }
  // A misspelt field is reported once, not again as a missing one.
  for (const group of channel.required) {
    if (anchor && !unknownField && !group.some((g) => seen.has(g))) {
      ctx.report("missingContent", { channel: channel.name, what: group.map((g) => `\`${g}\``).join(" or ") }, anchor);
    }
  }
  return complete;
}

/** Root names read by an expression (for unused-parameter detection in record content). */
function collectNames(e: A.Expr, used: Set<string> | undefined): void {
  if (!used) return;
  const visit = (x: A.Expr): void => {
    switch (x.kind) {
      case "Name":
        used.add(x.name);
        break;
      case "Member":
        visit(x.object);
        break;
      case "Index":
        visit(x.object);
        visit(x.index);
        break;
      case "Call":
        x.args.forEach((a) => visit(a.value));
        break;
      case "Unary":
        visit(x.operand);
        break;
      case "Binary":
        visit(x.left);
        visit(x.right);
        break;
      case "Conditional":
        visit(x.condition);
        visit(x.then);
        visit(x.otherwise);
        break;
      case "List":
        x.items.forEach(visit);
        break;
      case "Record":
        x.entries.forEach((en) => visit(en.value));
        break;
    }
  };
  visit(e);
}

/** What an unknown declaration's help lists when no declared name is close. */
const DECLARED = {
  unknownEvent: "the events declared are",
  unknownAudience: "the audiences declared are",
  unknownAction: "the actions declared are",
  unknownTemplate: "the templates declared are",
  unknownJourney: "the journeys declared are",
  unknownChannel: "the channels are",
  unknownCatalog: "the catalog is",
  unknownAlgorithm: "the algorithms are",
};

/** "unknown X `name`", with a did-you-mean fix when a declared name is close, else the names declared. */
export function reportUnknownDecl(
  ctx: CheckContext,
  code: keyof typeof DECLARED,
  id: A.Ident,
  candidates: Iterable<string>,
): void {
  ctx.report(code, { name: id.name }, id.span, ctx.didYouMean(id.name, candidates, id.span, DECLARED[code]));
}
