/**
 * Templates inside strings: checked by the template package against the names in scope,
 * with every diagnostic moved from its offset in the decoded string to the exact source
 * offset (escapes and `"""` dedent included).
 */
import { checkTemplate, type TemplateDiagnostic } from "@journey/template";
import type { CodeName } from "../diagnostics/codes.js";
import type * as A from "../syntax/ast.js";
import { sourceOffsets } from "../syntax/strings.js";
import { BUILTIN_FUNCTIONS } from "./builtins.js";
import type { CheckContext } from "./context.js";
import type { Scope } from "./scope.js";

const CODE_OF: Record<TemplateDiagnostic["kind"], CodeName> = {
  syntax: "templateSyntax",
  "unknown-name": "templateUnknownName",
  "unknown-field": "templateUnknownField",
  "unknown-helper": "templateUnknownHelper",
  "helper-arity": "templateHelperArity",
  "helper-argument": "templateHelperArgument",
  "not-a-list": "templateNotAList",
  "unknown-partial": "templateUnknownPartial",
  "raw-in-html": "templateRawInHtml",
  "value-in-code": "templateValueInCode",
  "duration-as-number": "templateDurationAsNumber",
  "datetime-as-timestamp": "templateDatetimeAsTimestamp",
  "record-as-text": "templateRecordAsText",
};

export type Escape = "html" | "none" | "json";

/**
 * Check the template in string `s` against `scope`. Root names the template reads are added
 * to `used` (for "template parameter never used"); returns false when a syntax error kept
 * part of the template unread.
 */
export function checkContent(ctx: CheckContext, s: A.StringExpr, scope: Scope, escape: Escape, used?: Set<string>, fragment?: string): boolean {
  if (!s.value.includes("{{")) return true;
  const result = checkTemplate(s.value, {
    lookup: (name) => scope.lookup(name)?.type,
    names: () => scope.names(),
    partials: ctx.fragmentNames(),
    partialProblem: (name) => {
      // Inside fragment `fragment`: including itself, or one that leads back to it, never
      // ends. A cycle is one mistake: reported once, in the fragment on it that sorts first.
      const back = fragment === undefined ? undefined : name === fragment ? [name] : ctx.fragmentPath(name, fragment);
      if (back && back.every((f) => fragment! <= f)) {
        const message = back.length === 1 ? `fragment \`${name}\` includes itself` : `fragment \`${fragment}\` includes itself through ${[fragment, ...back].map((f) => `\`${f}\``).join(" → ")}: it would never finish`;
        return { kind: "unknown-partial", message };
      }
      // A fragment sees every runtime name; the content including it may not (`unsubscribeUrl` is email's).
      const missing = ctx.fragmentRuntimeNames(name).find((n) => scope.lookup(n) === undefined);
      return missing ? { kind: "unknown-name", message: `fragment \`${name}\` reads \`${missing}\`, which this content does not have` } : undefined;
    },
    partialSource: (name) => {
      const body = ctx.symbols.fragments.get(name)?.decl.body;
      return body?.kind === "String" ? body.value : undefined;
    },
    escape,
    // The journey's null checks around the content (`if cart.coupon != null { send … }`).
    nonNull: (path) => scope.isNonNull(path),
  });
  if (used) for (const r of result.references) used.add(r.root);
  const complete = !result.diagnostics.some((d) => d.kind === "syntax");
  // Nothing to place in the source: no offset map to build.
  if (!result.diagnostics.length && !(ctx.recordsReferences && result.references.length)) return complete;
  const at = sourceOffsets(ctx.text(s.span), s.span.start);
  if (ctx.recordsReferences) {
    for (const r of result.references) {
      const b = scope.lookup(r.root);
      r.segments.forEach((seg, i) => {
        const span = { start: at(seg.start), end: at(seg.end) };
        if (i > 0) ctx.reference(span, seg.name, "field", ctx.fieldTarget(r.segments[i - 1]!.type, seg.name), seg.type);
        else ctx.reference(span, seg.name, b?.kind ?? "runtime", b?.target, seg.type);
      });
    }
  }
  for (const d of result.diagnostics) {
    const span = { start: at(d.start), end: Math.max(at(d.start), at(d.end)) };
    // `{{date (now) 'long'}}`: a function of expressions written as a helper. The nearest
    // helper by spelling (`not`) would be no fix; say where the value can come from instead.
    if (d.kind === "unknown-helper" && BUILTIN_FUNCTIONS.has(s.value.slice(d.start, d.end))) {
      const name = s.value.slice(d.start, d.end);
      ctx.report(CODE_OF[d.kind], { message: d.message }, span, { help: `\`${name}(…)\` is a function of expressions, not a template helper: bind its value with \`let\` or pass it as a template parameter, then write that name here` });
      continue;
    }
    const fix = d.fix ? ctx.replace(d.fix.title, { start: at(d.fix.start), end: at(d.fix.end) }, d.fix.text) : undefined;
    // Without a fix, the template's own advice (`{{#each}}` for a list, `{{json x}}` for a record).
    ctx.report(CODE_OF[d.kind], { message: d.message }, span, fix ? { fix, help: d.fix!.title } : d.help ? { help: d.help } : {});
  }
  return complete;
}
