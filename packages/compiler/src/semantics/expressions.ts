/** Expression typing: every expression gets a type; every mistake one diagnostic, no cascades. */
import { fieldType, isAssignable, isNumeric, isStringLike, listedHelp, nonNull, suggest, T, typeToString, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { DateTimeLit, DURATION_FORMS, DurationLit } from "../syntax/tokens.js";
import type { DiagnosticExtras } from "../diagnostics/diagnostic.js";
import { BUILTIN_FUNCTIONS } from "./builtins.js";
import { constNumber } from "./constants.js";
import type { CheckContext } from "./context.js";
import { narrowPath, nullFacts, pathKey, type Scope } from "./scope.js";

export interface ExprOptions {
  /** `secret(…)` is allowed (an action's headers). */
  allowSecret?: boolean;
  /**
   * A field of an optional record reads null when the record is missing, typed optional, with
   * no check needed (a channel's `consent`, where null means no). A null where a value is
   * needed (an operand of `and`, an argument) still needs a default.
   */
  nullPaths?: boolean;
}

/** The default options, shared: a default `{}` would be a new object per expression typed. */
const NO_OPTIONS: ExprOptions = {};

/** Type an expression. Returns `unknown` where it already reported a mistake. */
export function typeOf(ctx: CheckContext, e: A.Expr, scope: Scope, opts: ExprOptions = NO_OPTIONS): Type {
  switch (e.kind) {
    case "String":
      return T.literal(e.value);
    case "Number":
      return e.isInt ? T.int : T.number;
    case "Bool":
      return T.bool;
    case "Null":
      return T.null;
    case "Duration":
      return T.duration;
    case "DateTime":
      return T.datetime;
    case "TimeOfDay":
      return T.string;
    case "Error":
      return T.unknown;
    case "Name": {
      const b = scope.lookup(e.name);
      if (!b) {
        reportUnknownName(ctx, e.name, e.span, scope);
        return T.unknown;
      }
      const type = narrow(b.type, e, scope);
      // With what the null checks here prove: the editor completes the fields of `profile.` with it.
      ctx.reference(e.span, e.name, b.kind, b.target, type, undefined, scope);
      return type;
    }
    case "Member": {
      const raw = typeOf(ctx, e.object, scope, opts);
      const throughNull = opts.nullPaths === true && raw.kind === "optional";
      const objType = throughNull ? raw.inner : requireValue(ctx, e.object, raw, scope);
      let type = narrow(member(ctx, objType, e.property, e.object), e, scope);
      if (throughNull) type = T.optional(type);
      if (ctx.recordsReferences) {
        const target = ctx.fieldTarget(objType, e.property.name);
        if (target || type.kind !== "unknown") ctx.reference(e.property.span, e.property.name, "field", target, type);
      }
      return type;
    }
    case "Index": {
      const objType = requireValue(ctx, e.object, typeOf(ctx, e.object, scope, opts), scope);
      const idx = requireValue(ctx, e.index, typeOf(ctx, e.index, scope, opts), scope);
      if (idx.kind !== "int" && idx.kind !== "unknown") ctx.report("typeMismatch", { expected: "int", actual: typeToString(idx) }, e.index.span);
      if (objType.kind === "unknown") return T.unknown;
      if (objType.kind !== "list") {
        ctx.report("notIndexable", { type: typeToString(objType) }, e.object.span);
        return T.unknown;
      }
      return objType.element;
    }
    case "Call":
      return callType(ctx, e, scope, opts);
    case "Unary": {
      const t = requireValue(ctx, e.operand, typeOf(ctx, e.operand, scope, opts), scope);
      if (e.op === "not") {
        expectBool(ctx, e.operand, t);
        return T.bool;
      }
      if (t.kind === "unknown") return t;
      if (!isNumeric(t) && t.kind !== "duration") {
        ctx.report("operatorTypes", { op: "-", left: typeToString(t), right: typeToString(t) }, e.span);
        return T.unknown;
      }
      return t;
    }
    case "Binary":
      return binaryType(ctx, e, scope, opts);
    case "Conditional":
      return conditionalType(ctx, e, scope, opts);
    case "List": {
      if (e.items.length === 0) return T.list(T.unknown);
      const types = e.items.map((i) => requireValue(ctx, i, typeOf(ctx, i, scope, opts), scope));
      let element = literalsOnly(types[0]!) ? types[0]! : widen(types[0]!);
      for (let i = 1; i < types.length; i++) {
        const u = unifyLiterals(element, types[i]!) ?? unify(widen(element), widen(types[i]!));
        if (!u) {
          ctx.report("typeMismatch", { expected: typeToString(element), actual: typeToString(types[i]!) }, e.items[i]!.span);
          return T.list(element);
        }
        element = u;
      }
      return T.list(element);
    }
    case "Record":
      return {
        kind: "record",
        fields: e.entries.map((en) => {
          const t = typeOf(ctx, en.value, scope, opts);
          return { name: en.name.name, type: t.kind === "optional" ? t.inner : t, optional: t.kind === "optional" || t.kind === "null" };
        }),
      };
  }
}

/** A path known non-null in this scope drops its optional. */
function narrow(t: Type, e: A.Expr, scope: Scope): Type {
  return t.kind === "optional" ? narrowPath(t, pathKey(e), scope) : t;
}

function reportUnknownName(ctx: CheckContext, name: string, span: A.Span, scope: Scope): void {
  if (name === "item") {
    ctx.report("itemOutsideWhere", {}, span);
    return;
  }
  ctx.report("unknownName", { name }, span, ctx.didYouMean(name, scope.names(), span, "the names here are"));
}

/** Field access, with projection over lists: `cart.items.sku` is `list<string>`. */
function member(ctx: CheckContext, objType: Type, prop: A.Ident, object: A.Expr): Type {
  if (objType.kind === "unknown") return T.unknown;
  if (objType.kind === "list") {
    if (prop.name === "length" && objType.element.kind !== "unknown" && !(objType.element.kind === "record" && fieldType(objType.element, "length"))) {
      ctx.report("unknownField", { field: prop.name, type: typeToString(objType) }, prop.span, lengthCall(ctx, object, prop));
      return T.unknown;
    }
    // An item without the field projects to null, as the runtime reads it: `lines.meta.color`
    // over optional `meta`s is a `list<string?>`.
    const el = objType.element;
    const inner = member(ctx, el.kind === "optional" ? el.inner : el, prop, object);
    return inner.kind === "unknown" ? inner : T.list(el.kind === "optional" ? T.optional(inner) : inner);
  }
  if (objType.kind !== "record") {
    ctx.report("notARecord", { type: typeToString(objType) }, prop.span, prop.name === "length" && isStringLike(objType) ? lengthCall(ctx, object, prop) : {});
    return T.unknown;
  }
  const t = fieldType(objType, prop.name);
  if (t) return t;
  const typeLabel = objType.name ?? (pathKey(object) ?? typeToString(objType));
  ctx.report("unknownField", { field: prop.name, type: typeLabel }, prop.span, ctx.didYouMean(prop.name, objType.fields.map((f) => f.name), prop.span, `the fields of \`${typeLabel}\` are`));
  return T.unknown;
}

/** `xs.length` is how a template counts (`{{cart.items.length}}`); an expression calls `length(xs)`. */
function lengthCall(ctx: CheckContext, object: A.Expr, prop: A.Ident): DiagnosticExtras {
  const call = `length(${ctx.text(object.span)})`;
  return { help: `count with \`${call}\``, fix: ctx.replace(`change to \`${call}\``, { start: object.span.start, end: prop.span.end }, call) };
}

/**
 * A value that must not be null here. An optional that is not narrowed is reported once,
 * with a fix that adds a default, and then treated as present so nothing cascades.
 */
export function requireValue(ctx: CheckContext, e: A.Expr, t: Type, scope: Scope): Type {
  if (t.kind !== "optional") return t;
  const k = pathKey(e);
  if (k !== undefined && scope.isNonNull(k)) return t.inner;
  const text = ctx.text(e.span);
  const dflt = defaultFor(t.inner);
  ctx.report("optionalUnguarded", { expr: text }, e.span, {
    fix: dflt ? ctx.replace(`add a default: \`${text} ?? ${dflt}\``, e.span, `(${text} ?? ${dflt})`) : undefined,
  });
  return t.inner;
}

/** The default a `??` fix offers: the empty or zero value of a simple type; none where no value is an obvious default (a date-time, a union). */
function defaultFor(t: Type): string | undefined {
  return t.kind === "string" || t.kind === "number" || t.kind === "int" || t.kind === "bool" || t.kind === "list" ? exampleValue(t) : undefined;
}

/** A value of type `t` as a literal: the empty or zero value, the first of a union, a record's required fields, an empty list, the default test start for an instant (a fix's value to change). */
export function exampleValue(t: Type): string {
  switch (t.kind) {
    case "string":
      return '""';
    case "number":
    case "int":
      return "0";
    case "bool":
      return "false";
    case "datetime":
      return "2026-01-05T09:00:00Z";
    case "duration":
      return "0m";
    case "literal":
      return JSON.stringify(t.value);
    case "union":
      return t.members.length ? exampleValue(t.members[0]!) : "null";
    case "list":
      return "[]";
    case "record": {
      const required = t.fields.filter((f) => !f.optional && f.default === undefined);
      return required.length ? `{ ${required.map((f) => `${f.name}: ${exampleValue(f.type)}`).join(", ")} }` : "{}";
    }
    default:
      return "null";
  }
}


export function expectBool(ctx: CheckContext, e: A.Expr, t: Type): void {
  if (t.kind !== "bool" && t.kind !== "unknown") ctx.report("conditionNotBool", { actual: typeToString(t) }, e.span);
}

/** Check `e` as a condition; returns the facts it establishes when true and when false. */
export function checkCondition(ctx: CheckContext, e: A.Expr, scope: Scope, opts: ExprOptions = NO_OPTIONS): { whenTrue: string[]; whenFalse: string[] } {
  const t = requireValue(ctx, e, typeOf(ctx, e, scope, opts), scope);
  expectBool(ctx, e, t);
  return { whenTrue: nullFacts(e, true), whenFalse: nullFacts(e, false) };
}

/** Check that `e` has a type assignable to `expected`; report a mismatch at `e` (with `role`, what `e` is for, as help). */
export function expectType(ctx: CheckContext, e: A.Expr, expected: Type, scope: Scope, opts: ExprOptions = NO_OPTIONS, role?: string): Type {
  let t = typeOf(ctx, e, scope, opts);
  if (expected.kind !== "optional" && t.kind === "optional") t = requireValue(ctx, e, t, scope);
  // The declared type itself (an argument that is a parameter's record type) needs no walk.
  if (t !== expected && !isAssignable(t, expected)) {
    if (e.kind === "Record" && nonNull(expected).kind === "record") return t; // reported per field by checkRecordLiteral
    // `wait 2`: a number where a duration goes lacks its unit.
    const help = role ?? (expected.kind === "duration" && e.kind === "Number" ? DURATION_FORMS : undefined);
    // The help for what `e` is for replaces the value's own, but its fix stays.
    ctx.report("typeMismatch", { expected: typeToString(expected), actual: typeToString(t) }, e.span, { ...quotedValue(ctx, e, expected), ...(help ? { help } : {}) });
  }
  return t;
}

/** The whole text is one token of `pattern`'s (a literal's form, as the lexer reads it). */
const whole = (token: { PATTERN?: unknown }): RegExp => new RegExp(`^(?:${(token.PATTERN as RegExp).source})$`);

/** A literal's text, by the type it is written for, and how that type is written. */
const UNQUOTED: Partial<Record<Type["kind"], { form: RegExp; a: string; help: string }>> = {
  int: { form: /^-?\d+$/, a: "an `int`", help: "an `int` is a whole number written without quotes, such as `12`" },
  number: { form: /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/, a: "a `number`", help: "a `number` is written without quotes, such as `189` or `24.9`" },
  bool: { form: /^(?:true|false)$/, a: "a `bool`", help: "a `bool` is `true` or `false`, without quotes" },
  datetime: { form: whole(DateTimeLit), a: "a `datetime`", help: "a `datetime` is written without quotes, such as `2026-03-02T09:00:00Z`" },
  duration: { form: whole(DurationLit), a: "a `duration`", help: "a `duration` is written without quotes, such as `4h` or `7d`" },
};

/**
 * A string where another kind of value goes. `"189"` where a number goes, `"true"` where a
 * bool goes, `"2026-03-02T09:00:00Z"` where a date-time goes: a value quoted by mistake (test
 * data copied from a JSON file, most often); the help says how it is written and, when the
 * quoted text is one, the fix removes the quotes. `"Gold"` where `"gold" | "silver"` goes: a
 * typo, the close one of the union's strings as the fix.
 */
export function quotedValue(ctx: CheckContext, e: A.Expr, expected: Type): DiagnosticExtras {
  if (e.kind !== "String") return {};
  const t = nonNull(expected);
  const options = t.kind === "literal" ? [t] : t.kind === "union" ? t.members : [];
  if (options.length && options.every((m) => m.kind === "literal")) {
    const s = suggest(e.value, options.map((m) => (m as { value: string }).value));
    return s !== undefined ? { help: `did you mean "${s}"?`, fix: ctx.replace(`change to "${s}"`, e.span, JSON.stringify(s)) } : {};
  }
  const want = UNQUOTED[t.kind];
  if (!want) return {};
  if (!want.form.test(e.value)) return { help: want.help };
  return { help: `remove the quotes: ${want.a} is not written as a string`, fix: ctx.replace(`change to \`${e.value}\``, e.span, e.value) };
}

/**
 * A value the IR holds as a constant (a cap, a timeout, a window), with its lower bound if it
 * has one: zero or more (`atLeast` 0), or more than zero (1: a zero timeout or cap period
 * means nothing).
 */
export function expectConstant(ctx: CheckContext, e: A.Expr, expected: Type, what: string, scope: Scope, atLeast?: 0 | 1): void {
  const t = expectType(ctx, e, expected, scope);
  if (!isAssignable(t, expected) || t.kind === "unknown") return;
  if (constNumber(e) === undefined) ctx.report("notConstant", { what }, e.span);
  else if (atLeast !== undefined) expectAtLeast(ctx, e, what, atLeast);
}

/** A number or duration below its lower bound, when it is a constant (a computed one is the runtime's business). */
export function expectAtLeast(ctx: CheckContext, e: A.Expr, what: string, atLeast: 0 | 1): void {
  const value = constNumber(e);
  if (value !== undefined && value < atLeast) ctx.report("outOfRange", { what, bound: atLeast === 0 ? "zero or more" : "more than zero", value: ctx.text(e.span) }, e.span);
}

/** String literal types widen to `string` when a value is stored (`let x = "a"`). */
export function widen(t: Type): Type {
  if (t.kind === "literal") return T.string;
  if (t.kind === "optional") return T.optional(widen(t.inner));
  return t;
}

/** A string literal, or a union of them. */
function literalsOnly(t: Type): boolean {
  return t.kind === "literal" || (t.kind === "union" && t.members.every((m) => m.kind === "literal"));
}

/** Past this many, a list literal's strings are a `string` (a union that long is no one's type). */
const MAX_LITERAL_UNION = 100;

/**
 * The items of a list literal that are all string literals keep them, as a union: `["a", "b"]`
 * is a `list<"a" | "b">`, which fits a field of that type as well as a `list<string>`.
 */
function unifyLiterals(a: Type, b: Type): Type | undefined {
  if (!literalsOnly(a) || !literalsOnly(b)) return undefined;
  if (isAssignable(b, a)) return a;
  const members = [...(a.kind === "union" ? a.members : [a]), ...(b.kind === "union" ? b.members : [b])];
  const seen = new Set<string>();
  const distinct = members.filter((m) => !seen.has((m as { value: string }).value) && seen.add((m as { value: string }).value));
  return distinct.length > MAX_LITERAL_UNION ? undefined : { kind: "union", members: distinct };
}

function unify(a: Type, b: Type): Type | undefined {
  if (isAssignable(b, a)) return a;
  if (isAssignable(a, b)) return b;
  if (a.kind === "null") return T.optional(b);
  if (b.kind === "null") return T.optional(a);
  return undefined;
}

function callType(ctx: CheckContext, e: A.CallExpr, scope: Scope, opts: ExprOptions): Type {
  const f = BUILTIN_FUNCTIONS.get(e.callee.name);
  if (!f) {
    ctx.report("unknownFunction", { name: e.callee.name }, e.callee.span, ctx.didYouMean(e.callee.name, BUILTIN_FUNCTIONS.keys(), e.callee.span, "the functions are"));
    for (const a of e.args) typeOf(ctx, a.value, scope, opts);
    return T.unknown;
  }
  if (f.name === "secret" && !opts.allowSecret) ctx.report("secretOutsideHeaders", {}, e.callee.span);
  for (const a of e.args) if (a.name) ctx.report("unknownArgument", { callee: f.name, name: a.name.name }, a.name.span);
  const types = e.args.map((a) => {
    const t = typeOf(ctx, a.value, scope, opts);
    return f.acceptsOptional ? t : requireValue(ctx, a.value, t, scope);
  });
  if (e.args.length < f.min || e.args.length > f.max) {
    const expected = f.min === f.max ? `${f.min}` : f.max === Infinity ? `at least ${f.min}` : `${f.min} to ${f.max}`;
    ctx.report("argumentCount", { callee: f.name, expected, s: f.max === 1 && f.min === 1 ? "" : "s", actual: e.args.length }, e.span);
    return T.unknown;
  }
  if (types.some((t) => t.kind === "unknown")) return T.unknown;
  const r = f.check(types);
  if ("arg" in r) {
    ctx.report("typeMismatch", { expected: r.expected, actual: typeToString(types[r.arg]!) }, e.args[r.arg]!.value.span);
    return T.unknown;
  }
  return r;
}

/**
 * `if c then a else b`: what `c` proves holds in `a` (and what its falsity proves, in `b`), as
 * for an `if` step; the type is the one both values fit, as a list literal's items
 * (`if vip then "gold" else "silver"` is `"gold" | "silver"`, `int` and `number` make
 * `number`, a `null` branch makes it optional).
 */
function conditionalType(ctx: CheckContext, e: A.ConditionalExpr, scope: Scope, opts: ExprOptions): Type {
  const facts = checkCondition(ctx, e.condition, scope, opts);
  const a = typeOf(ctx, e.then, facts.whenTrue.length ? scope.narrowed(facts.whenTrue) : scope, opts);
  const b = typeOf(ctx, e.otherwise, facts.whenFalse.length ? scope.narrowed(facts.whenFalse) : scope, opts);
  if (a.kind === "unknown" || b.kind === "unknown") return T.unknown;
  const u = unifyLiterals(a, b) ?? unify(widen(a), widen(b));
  if (!u) {
    ctx.report("branchTypes", { then: typeToString(a), otherwise: typeToString(b) }, e.otherwise.span, {
      related: [ctx.related(ctx.file, e.then.span, `the \`then\` value is \`${typeToString(a)}\``)],
      help: "give both the same type of value (an `int` and a `number` make a `number`, a value and `null` an optional)",
    });
    return T.unknown;
  }
  return u;
}

function binaryType(ctx: CheckContext, e: A.BinaryExpr, scope: Scope, opts: ExprOptions): Type {
  // Set again at every check: an editor re-checks the same tree after other files changed.
  e.asText = undefined;
  if (e.op === "and" || e.op === "or") {
    const l = requireValue(ctx, e.left, typeOf(ctx, e.left, scope, opts), scope);
    expectBool(ctx, e.left, l);
    // `a != null and a.x`: what the left side proves holds on the right (mostly nothing).
    const facts = nullFacts(e.left, e.op === "and");
    const rightScope = facts.length ? scope.narrowed(facts) : scope;
    const r = requireValue(ctx, e.right, typeOf(ctx, e.right, rightScope, opts), rightScope);
    expectBool(ctx, e.right, r);
    return T.bool;
  }
  if (e.op === "??") {
    const l = typeOf(ctx, e.left, scope, opts);
    const r = typeOf(ctx, e.right, scope, opts);
    if (l.kind === "unknown" || r.kind === "unknown") return T.unknown;
    const base = nonNull(l);
    // A default that fits the left's type keeps it: `g.tier ?? "gold"` is still the tier union.
    const u = isAssignable(nonNull(r), base) ? base : unify(widen(base), widen(nonNull(r)));
    if (!u) {
      ctx.report("typeMismatch", { expected: typeToString(base), actual: typeToString(r) }, e.right.span);
      return T.unknown;
    }
    return r.kind === "optional" || r.kind === "null" ? T.optional(u) : u;
  }
  if (e.op === "==" || e.op === "!=") {
    const l = typeOf(ctx, e.left, scope, opts);
    const r = typeOf(ctx, e.right, scope, opts);
    if (l.kind === "unknown" || r.kind === "unknown") return T.bool;
    const [ln, rn] = [nonNull(l), nonNull(r)];
    if (l.kind === "null" || r.kind === "null") return T.bool;
    if (isStringLike(ln) && isStringLike(rn)) e.asText = true;
    // A literal outside a union of literals is a typo (`tier == "platnum"`): never true.
    const [lit, other, litExpr, otherExpr] = rn.kind === "literal" ? [rn, ln, e.right, e.left] : [ln, rn, e.left, e.right];
    if (lit.kind === "literal" && (other.kind === "union" || other.kind === "literal") && !isAssignable(lit, other)) {
      const options = other.kind === "union" ? other.members : [other];
      const values = options.filter((m) => m.kind === "literal").map((m) => (m as { value: string }).value);
      const s = suggest(lit.value, values);
      // The message names the other side as written; the help gives its values (once, not also in the message).
      const compared = ctx.text(otherExpr.span);
      const extras = s ? { fix: ctx.replace(`change to "${s}"`, litExpr.span, JSON.stringify(s)), help: `did you mean "${s}"?` } : { help: listedHelp(`\`${compared}\` is one of`, values, (v) => `\`${JSON.stringify(v)}\``) };
      ctx.report("comparisonAlwaysFalse", { actual: typeToString(lit), other: compared }, litExpr.span, extras);
    } else if (!comparable(ln, rn)) {
      ctx.report("operatorTypes", { op: e.op, left: typeToString(l), right: typeToString(r) }, e.opSpan);
    }
    return T.bool;
  }
  const l = requireValue(ctx, e.left, typeOf(ctx, e.left, scope, opts), scope);
  const r = requireValue(ctx, e.right, typeOf(ctx, e.right, scope, opts), scope);
  if (l.kind === "unknown" || r.kind === "unknown") return e.op === "in" || ["<", "<=", ">", ">="].includes(e.op) ? T.bool : T.unknown;
  const fail = (): Type => {
    ctx.report("operatorTypes", { op: e.op, left: typeToString(l), right: typeToString(r) }, e.opSpan);
    return T.unknown;
  };
  switch (e.op) {
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (isStringLike(l) && isStringLike(r)) e.asText = true;
      if ((isNumeric(l) && isNumeric(r)) || (l.kind === r.kind && (l.kind === "datetime" || l.kind === "duration")) || e.asText) return T.bool;
      fail();
      return T.bool;
    case "in":
      if (r.kind === "list" && isStringLike(nonNull(l)) && isStringLike(nonNull(r.element))) e.asText = true;
      if (r.kind === "list" && comparable(widen(l), widen(r.element))) return T.bool;
      fail();
      return T.bool;
    case "+":
      if (isNumeric(l) && isNumeric(r)) return l.kind === "int" && r.kind === "int" ? T.int : T.number;
      if (isStringLike(l) && isStringLike(r)) return T.string;
      if (l.kind === "datetime" && r.kind === "duration") return T.datetime;
      if (l.kind === "duration" && r.kind === "duration") return T.duration;
      return fail();
    case "-":
      if (isNumeric(l) && isNumeric(r)) return l.kind === "int" && r.kind === "int" ? T.int : T.number;
      if (l.kind === "datetime" && r.kind === "duration") return T.datetime;
      if (l.kind === "datetime" && r.kind === "datetime") return T.duration;
      if (l.kind === "duration" && r.kind === "duration") return T.duration;
      return fail();
    case "*":
      if (isNumeric(l) && isNumeric(r)) return l.kind === "int" && r.kind === "int" ? T.int : T.number;
      if (l.kind === "duration" && isNumeric(r)) return T.duration;
      return fail();
    case "/":
      if (isNumeric(l) && isNumeric(r)) return T.number;
      return fail();
    case "%":
      if (isNumeric(l) && isNumeric(r)) return l.kind === "int" && r.kind === "int" ? T.int : T.number;
      return fail();
    default:
      return fail();
  }
}

function comparable(a: Type, b: Type): boolean {
  return isAssignable(a, b) || isAssignable(b, a) || (isNumeric(a) && isNumeric(b)) || (isStringLike(a) && isStringLike(b));
}
