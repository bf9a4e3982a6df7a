/** `recommend`: the algorithm and its arguments, `where item.…`, exclusions, `limit`, `backup`. */
import { isAssignable, nonNull, T, typeToString, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { ALGORITHMS, EXCLUSIONS } from "./builtins.js";
import { reportUnknownDecl } from "./check-declarations.js";
import type { CheckContext } from "./context.js";
import { checkCondition, expectType, requireValue, typeOf, expectAtLeast } from "./expressions.js";
import type { Scope } from "./scope.js";

/** Check a recommendation; returns the type of its result, `list<CatalogItem>`. */
export function checkRecommend(ctx: CheckContext, s: A.RecommendStep, scope: Scope): Type {
  const catalog = ctx.catalog;
  for (const r of s.repeated ?? []) ctx.report("duplicateSetting", { name: r.name }, r.span);
  if (!catalog) ctx.report("noCatalog", {}, s.name.span);
  checkAlgorithm(ctx, s.algorithm, scope);
  if (s.backup) checkAlgorithm(ctx, s.backup, scope);
  if (s.where) {
    const ws = scope.child();
    ws.define({ name: "item", type: catalog?.type ?? T.unknown, kind: "item" });
    checkCondition(ctx, s.where, ws);
  }
  for (const x of s.exclude) {
    if (x.kind === "Name" && (EXCLUSIONS as readonly string[]).includes(x.name) && !scope.lookup(x.name)) continue;
    const t = requireValue(ctx, x, typeOf(ctx, x, scope), scope);
    const keyType = catalog?.key?.type ?? T.unknown;
    if (t.kind !== "unknown" && !(t.kind === "list" && isAssignable(nonNull(t.element), keyType))) {
      ctx.report("invalidExclusion", { actual: typeToString(t) }, x.span);
    }
  }
  if (!s.limit) ctx.report("recommendWithoutLimit", {}, { start: s.span.start, end: s.algorithm.span.end });
  else if (isAssignable(expectType(ctx, s.limit, T.int, scope), T.int)) expectAtLeast(ctx, s.limit, "a `limit`", 1);
  return T.list(catalog?.type ?? T.unknown);
}

function checkAlgorithm(ctx: CheckContext, call: A.CallExpr, scope: Scope): void {
  const algo = ALGORITHMS.get(call.callee.name);
  if (!algo) {
    reportUnknownDecl(ctx, "unknownAlgorithm", call.callee, ALGORITHMS.keys());
    return;
  }
  const keyType = ctx.catalog?.key?.type ?? T.unknown;
  const positional = call.args.filter((a) => !a.name);
  const tooMany = !algo.variadic && positional.length > algo.params.length;
  if (positional.length < algo.params.length || tooMany) {
    const n = algo.params.length;
    const named = algo.named.map((x) => `\`${x.name}:\``).join(", ");
    ctx.report("argumentCount", { callee: algo.name, expected: algo.variadic ? `at least ${n}` : n, s: n === 1 ? "" : "s", actual: positional.length }, call.span, tooMany && named ? { help: `its ${n ? "other " : ""}arguments are named: ${named}` } : {});
  }
  positional.forEach((a, i) => {
    const p = algo.params[i];
    // One too many is one mistake: `popular(views)` meant `by: views`, not a name to look up.
    if (!p) return;
    const expected = p.type === "key" ? keyType : p.type === "list<key>" ? T.list(keyType) : T.string;
    expectType(ctx, a.value, expected, scope);
  });
  const given = new Set<string>();
  for (const a of call.args) {
    if (!a.name) continue;
    const p = algo.named.find((x) => x.name === a.name!.name);
    if (!p) {
      ctx.report("unknownArgument", { callee: algo.name, name: a.name.name }, a.name.span, ctx.didYouMean(a.name.name, algo.named.map((x) => x.name), a.name.span, `the parameters of \`${algo.name}\` are`));
      continue;
    }
    if (given.has(p.name)) ctx.report("duplicateSetting", { name: p.name }, a.name.span);
    given.add(p.name);
    if (p.name === "by") {
      if (a.value.kind !== "Name" || (a.value.name !== "views" && a.value.name !== "purchases")) {
        ctx.report("typeMismatch", { expected: "views | purchases", actual: ctx.text(a.value.span) }, a.value.span, a.value.kind === "Name" ? ctx.didYouMean(a.value.name, ["views", "purchases"], a.value.span) : {});
      }
    } else if (p.type === "duration") {
      if (isAssignable(expectType(ctx, a.value, T.duration, scope), T.duration)) expectAtLeast(ctx, a.value, `\`${p.name}\``, 1);
    } else expectType(ctx, a.value, T.string, scope);
  }
}
