/** Experiences: surfaces, format, context, steps, variants and their content. */
import { suggest, T, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { surfacesOverlap } from "@journey/ir";
import { constNumber } from "./constants.js";
import { checkFieldDefaults, rootScope } from "./check-declarations.js";
import { Bindings, checkCall, checkSplitArms } from "./check-journey.js";
import type { CheckContext } from "./context.js";
import { checkCondition, expectType, typeOf, widen, expectConstant } from "./expressions.js";
import { jsonContentProblem } from "./json-content.js";
import { checkRecommend } from "./recommend.js";
import type { Scope } from "./scope.js";
import { checkContent } from "./templates.js";
import { contextType } from "./types.js";

export const FORMATS = ["html", "json", "text"] as const;

/** `web://host/path#slot` or `mobileapp://app.id/path#slot`; `*` stands for any path. */
const SURFACE = /^(web|mobileapp):\/\/([A-Za-z0-9.-]+)(\/[^#\s\p{Cc}]*)?#([A-Za-z0-9_-]+)$/u;

export function surfaceProblem(uri: string): string | undefined {
  const m = SURFACE.exec(uri);
  // One `*` stands for the varying part of a page's path (see surfaceMatches in @journey/ir).
  if (m && uri.split("*").length > 2) return "a surface has at most one `*`";
  // A browser sends its page's host in lower case: `Shop.Example.com` would never match.
  if (m && m[1] === "web" && m[2] !== m[2]!.toLowerCase()) return `a web host is written in lower case: \`${m[2]!.toLowerCase()}\``;
  if (m) return undefined;
  if (!/^(web|mobileapp):\/\//.test(uri)) return "a surface starts with `web://` or `mobileapp://`";
  if (!uri.includes("#")) return "a surface ends with `#slot` (for example `#hero`)";
  if (/[\s\p{Cc}]/u.test(uri)) return "a surface has no spaces or control characters";
  return "expected `web://host/path#slot` or `mobileapp://app.id/path#slot`";
}

export function checkExperience(ctx: CheckContext, d: A.ExperienceDecl): void {
  const scope = rootScope(ctx);
  const bindings = new Bindings(ctx);
  let format: string | undefined;
  const surfaces = d.items.filter((i) => i.kind === "Surface");
  if (surfaces.length === 0) ctx.report("missingSurface", { name: d.name.name }, d.name.span);
  for (const s of surfaces) {
    const problem = surfaceProblem(s.uri.value);
    // Control characters are shown escaped, as they would be written (`\u0000`).
    const shown = s.uri.value.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    if (problem) ctx.report("malformedSurface", { uri: shown, reason: problem }, s.uri.span);
  }
  // Context first: every step and variant may read it, wherever it is written.
  for (const item of d.items) {
    if (item.kind === "Context") {
      const type = contextType(ctx, ctx.file, item.fields);
      checkFieldDefaults(ctx, item.fields, type);
      const target = { file: ctx.file, span: item.span };
      scope.define({ name: "context", type, kind: "context", target });
      ctx.reference(item.span, "context", "context", target, type, true);
    }
  }
  const variants: A.VariantDecl[] = [];
  const settings = new Map<string, A.Span>();
  for (const item of d.items) {
    // `format`, `priority`, `timeout`, `active` and `context` are said once.
    if (["Format", "Priority", "Timeout", "Active", "Context"].includes(item.kind)) {
      const word = item.kind.toLowerCase();
      const prev = settings.get(word);
      if (prev) ctx.report("duplicateSetting", { name: word }, { start: item.span.start, end: item.span.start + word.length }, { related: [ctx.related(ctx.file, prev, "first given here")] });
      else settings.set(word, item.span);
    }
    switch (item.kind) {
      case "Format":
        format = item.format.name;
        if (!(FORMATS as readonly string[]).includes(format)) {
          const s = suggest(format, FORMATS);
          ctx.report("unknownFormat", { name: format }, item.format.span, s ? { fix: ctx.replace(`change to \`${s}\``, item.format.span, s) } : {});
        }
        break;
      case "Priority":
        expectConstant(ctx, item.value, T.int, "an experience's `priority`", scope);
        break;
      case "Timeout":
        expectConstant(ctx, item.value, T.duration, "an experience's `timeout`", scope, 1);
        break;
      case "Active":
        checkPeriod(ctx, item.period, scope);
        break;
      case "Recommend":
        bindings.define(scope, item.name, checkRecommend(ctx, item, scope), "recommend");
        break;
      case "Let":
        bindings.define(scope, item.name, widen(typeOf(ctx, item.value, scope)), "let");
        break;
      case "CallAction": {
        const t = checkCall(ctx, item, scope);
        if (item.onError) ctx.report("onErrorInExperience", {}, item.onError.span);
        if (item.alias) bindings.define(scope, item.alias, t, "call");
        break;
      }
      case "Variant": {
        // Decisions name the variant shown: two of one name could not be told apart.
        const same = variants.find((v) => v.name.name === item.name.name);
        if (same) ctx.report("duplicateVariant", { name: item.name.name }, item.name.span, { related: [ctx.related(ctx.file, same.name.span, "first declared here")] });
        variants.push(item);
        break;
      }
    }
  }
  if (!format) ctx.report("missingFormat", { name: d.name.name }, d.name.span);
  if (variants.length === 0) {
    ctx.report("missingVariants", { name: d.name.name }, d.name.span);
    return;
  }
  const escape = format === "html" ? "html" : format === "json" ? "json" : "none";
  let defaultSeen: A.VariantDecl | undefined;
  for (const v of variants) {
    if (defaultSeen) ctx.report("variantAfterDefault", { name: v.name.name }, v.name.span, { related: [ctx.related(ctx.file, defaultSeen.name.span, "this variant has no condition")] });
    let vs: Scope = scope;
    if (v.when) vs = scope.narrowed(checkCondition(ctx, v.when, scope).whenTrue);
    else if (!v.active && !defaultSeen) defaultSeen = v;
    if (v.active) checkPeriod(ctx, v.active, scope);
    const contents: A.ContentField[] = [];
    if (v.content) contents.push(v.content);
    if (v.split) {
      checkSplitArms(ctx, v.split.arms, v.split.span, v.split.experiment);
      for (const arm of v.split.arms) {
        if (arm.content) contents.push(arm.content);
        else ctx.report("missingVariantContent", { name: `${v.name.name}.${arm.label.name}` }, arm.label.span);
      }
    }
    if (!v.content && !v.split) ctx.report("missingVariantContent", { name: v.name.name }, v.name.span);
    for (const c of contents) checkVariantContent(ctx, c, vs, escape);
  }
  if (!defaultSeen) {
    const conditions = variants.filter((v) => v.when).map((v) => `\`${ctx.text(v.when!.span)}\``);
    const condition = conditions.length ? `none of ${conditions.join(", ")} holds` : "the active periods do not include now";
    ctx.report("noDefaultVariant", { name: d.name.name, condition }, d.name.span);
  }
}

function checkVariantContent(ctx: CheckContext, c: A.ContentField, scope: Scope, escape: "html" | "json" | "none"): void {
  if (c.value.kind !== "String") {
    ctx.report("contentNotString", { field: "content", actual: "an expression" }, c.value.span);
    return;
  }
  checkContent(ctx, c.value, scope, escape);
  if (escape === "json") {
    const problem = jsonContentProblem(c.value.value);
    if (problem) ctx.report("invalidJson", { reason: problem.replace(/\.$/, "").toLowerCase() }, c.value.span);
  }
}

function checkPeriod(ctx: CheckContext, p: A.ActivePeriod, scope: Scope): void {
  expectType(ctx, p.from, T.datetime, scope);
  expectType(ctx, p.to, T.datetime, scope);
  if (p.from.kind === "DateTime" && p.to.kind === "DateTime" && Date.parse(p.to.text) < Date.parse(p.from.text)) ctx.report("invalidPeriod", {}, p.span);
}

/**
 * Two experiences claiming one surface at the same priority: which one shows is undefined.
 * A surface with `*` claims every page it matches, so overlapping patterns conflict too.
 */
export function checkSurfaceConflicts(ctx: CheckContext): void {
  type Claim = { uri: string; exp: string; priority: number; file: string; span: A.Span };
  // Claims of exact surfaces by priority and URI, and those with `*` apart: an exact surface
  // is looked up, and compared with the (few) patterns only, not with every other claim.
  const exact = new Map<string, Claim>();
  const patterns: Claim[] = [];
  const overlapping = (c: Claim, name: string, priority: number, uri: string) => c.exp !== name && c.priority === priority && surfacesOverlap(c.uri, uri);
  for (const [name, loc] of [...ctx.symbols.experiences].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (loc.decl.recovered) continue;
    const prioItem = loc.decl.items.find((i) => i.kind === "Priority");
    const priority = (prioItem && constNumber(prioItem.value)) ?? 0;
    for (const item of loc.decl.items) {
      if (item.kind !== "Surface") continue;
      const uri = item.uri.value;
      const wildcard = uri.includes("*");
      const same = exact.get(`${priority}\u0000${uri}`);
      const prev =
        (same && same.exp !== name ? same : undefined) ??
        patterns.find((c) => overlapping(c, name, priority, uri)) ??
        (wildcard ? [...exact.values()].find((c) => overlapping(c, name, priority, uri)) : undefined);
      if (prev) {
        const surface = prev.uri === uri ? uri : `${prev.uri}\` and \`${uri}`;
        ctx.inFile(loc.file, () =>
          ctx.report("surfaceConflict", { a: prev.exp, b: name, surface }, item.uri.span, {
            related: [ctx.related(prev.file, prev.span, `also claimed by \`${prev.exp}\``)],
            help: "give one of them a `priority`",
          }),
        );
      } else {
        const claim = { uri, exp: name, priority, file: loc.file, span: item.uri.span };
        if (wildcard) patterns.push(claim);
        else if (!exact.has(`${priority}\u0000${uri}`)) exact.set(`${priority}\u0000${uri}`, claim);
      }
    }
  }
}

