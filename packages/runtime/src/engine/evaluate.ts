/**
 * Evaluating IR expressions over JSON values. Date-times are ISO-8601 strings in data (as
 * events and profiles carry them) and durations are milliseconds; the compiler has already
 * checked every type, so operators tell a date-time from a string by its shape.
 */
import type { IRExpr } from "@journey/ir";
import { characters, isCalendarDate } from "@journey/template";
import { atLocalTime, isAnniversary, isoWeekday, localParts, parseInstant, yearsBetween } from "./time.js";

export interface EvalEnv {
  /** Root names: `profile`, aliases, `let` bindings, step results, `event`, `item`, `context`. */
  vars: Record<string, unknown>;
  now: number;
  timeZone: string;

}

export class EvalError extends Error {
  override name = "EvalError";
}

const SECRET = /\u0000secret:([^\u0000]*)\u0000/g;

export function secretRef(name: string): string {
  return `\u0000secret:${name}\u0000`;
}

/** `text` with every secret reference replaced by its value; a missing secret is an error. */
export function fillSecrets(text: string, secrets: Record<string, string>): string {
  return text.replace(SECRET, (_, name: string) => {
    const v = secrets[name];
    if (v === undefined) throw new Error(`secret \`${name}\` is not configured`);
    return v;
  });
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const isDateTime = (v: unknown): v is string => typeof v === "string" && ISO.test(v);
const toMs = (v: unknown, tz: string): number => (typeof v === "number" ? v : parseInstant(String(v), tz));

/** A date-time value as an instant; a date alone is midnight in `timeZone`. */
export function toInstant(v: unknown, timeZone: string): number {
  if (!isDateTime(v)) throw new EvalError(`expected a date-time, found ${v === null ? "null" : JSON.stringify(v)}`);
  return toMs(v, timeZone);
}
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `x` rounded to `digits` decimals, half away from zero, as the number is written: 1.005 is
 * a tie (it reads "1.005"), though its double is a hair below, and `1.005 * 100` is
 * 100.49999999999999. Shifting the decimal exponent of its shortest text keeps the tie.
 */
function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const shift = (v: number, by: number) => {
    const [mantissa, exponent = "0"] = String(v).split("e");
    return Number(`${mantissa}e${Number(exponent) + by}`);
  };
  const scaled = shift(Math.abs(x), digits);
  // So many decimals that the scaled number overflows (`round(1.5, 400)`, digits from the
  // data): a double has none to drop at that precision, and shifting back would give NaN.
  if (!Number.isFinite(scaled)) return x;
  const rounded = Math.sign(x) * shift(Math.round(scaled), -digits);
  return rounded === 0 ? 0 : rounded; // not -0
}

/** Own property only: data never exposes `__proto__`, `constructor` or inherited members. */
export function getField(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== "object") return null;
  return Object.prototype.hasOwnProperty.call(obj, key) ? ((obj as Record<string, unknown>)[key] ?? null) : null;
}

/** `list.field` projects over lists, as the type checker types it. */
function project(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, key));
  return getField(value, key);
}

/** The root names an expression reads (`cart` for `cart.items[0].sku`), added to `out`. */
export function pathRoots(e: unknown, out = new Set<string>()): Set<string> {
  if (!e || typeof e !== "object") return out;
  if (Array.isArray(e)) {
    for (const x of e) pathRoots(x, out);
    return out;
  }
  const o = e as Record<string, unknown>;
  if (Array.isArray(o["path"])) out.add(String((o["path"] as unknown[])[0]));
  for (const v of Object.values(o)) pathRoots(v, out);
  return out;
}

type Compiled = (env: EvalEnv) => unknown;

/** Each expression of an IR is turned into a closure once, on first use. */
const compiled = new WeakMap<IRExpr, Compiled>();

export function evaluate(e: IRExpr, env: EvalEnv): unknown {
  let f = compiled.get(e);
  if (!f) compiled.set(e, (f = compile(e)));
  return f(env);
}

/** A closure that computes `e`: the tree is walked once, not at every evaluation. */
function compile(e: IRExpr): Compiled {
  if ("lit" in e) {
    const v = e.lit;
    return () => v;
  }
  if ("dur" in e) {
    const v = e.dur;
    return () => v;
  }
  if ("time" in e) {
    const t = e.time;
    return t.includes("T") ? () => t : (env) => iso(parseInstant(t, env.timeZone));
  }
  if ("path" in e) {
    const root = e.path[0]!;
    const rest = e.path.slice(1);
    return (env) => {
      let v: unknown = Object.prototype.hasOwnProperty.call(env.vars, root) ? env.vars[root] : undefined;
      if (v === undefined) throw new EvalError(`\`${root}\` is not defined`);
      for (let i = 0; i < rest.length; i++) v = project(v, rest[i]!);
      return v ?? null;
    };
  }
  if ("get" in e) {
    const of = compile(e.get[0]);
    const key = e.get[1];
    return (env) => project(of(env), key);
  }
  if ("index" in e) {
    const of = compile(e.index[0]);
    const at = compile(e.index[1]);
    return (env) => {
      const list = of(env);
      const i = at(env);
      if (!Array.isArray(list) || typeof i !== "number") return null;
      // Out of range fails the step (docs/language.md): a null would flow on into messages unseen.
      if (!Number.isInteger(i) || i < 0 || i >= list.length) throw new EvalError(`index ${i} is out of range of a list of ${list.length}`);
      return list[i] ?? null;
    };
  }
  if ("list" in e) {
    const items = e.list.map(compile);
    return (env) => items.map((x) => x(env));
  }
  if ("record" in e) {
    const fields = Object.entries(e.record).map(([k, v]) => [k, compile(v)] as const);
    return (env) => {
      const out: Record<string, unknown> = {};
      for (const [k, f] of fields) out[k] = f(env);
      return out;
    };
  }
  if ("call" in e) {
    const name = e.call;
    const args = e.args.map(compile);
    return (env) =>
      callBuiltin(
        name,
        args.map((a) => a(env)),
        env,
      );
  }
  return e.as === "text" ? textComparison(e.op, e.args.map(compile)) : operator(e.op, e.args.map(compile));
}

/**
 * A comparison the compiler typed as one of strings: compared as they are. Only values it
 * did not type (an IR from before `as`) are told apart by their shape, where a string that
 * looks like a date (`"2026-01-01"`) equals the instant `"2026-01-01T00:00:00Z"`.
 */
function textComparison(op: string, args: Compiled[]): Compiled {
  const [a, b] = args as [Compiled, Compiled];
  const order = (env: EvalEnv): number => {
    const l = a(env);
    const r = b(env);
    if (typeof l !== "string" || typeof r !== "string") return num(l) - num(r); // null: the checker's J2002
    return l < r ? -1 : l > r ? 1 : 0;
  };
  switch (op) {
    case "==":
      return (env) => a(env) === b(env);
    case "!=":
      return (env) => a(env) !== b(env);
    case "<":
      return (env) => order(env) < 0;
    case "<=":
      return (env) => order(env) <= 0;
    case ">":
      return (env) => order(env) > 0;
    case ">=":
      return (env) => order(env) >= 0;
    case "in":
      return (env) => {
        const r = b(env);
        return Array.isArray(r) && r.includes(a(env));
      };
  }
  return operator(op, args);
}

function operator(op: string, args: Compiled[]): Compiled {
  const [a, b] = args as [Compiled, Compiled];
  switch (op) {
    case "and":
      return (env) => truthy(a(env)) && truthy(b(env));
    case "or":
      return (env) => truthy(a(env)) || truthy(b(env));
    case "??":
      return (env) => a(env) ?? b(env);
    case "if": {
      const otherwise = args[2]!;
      return (env) => (truthy(a(env)) ? b(env) : otherwise(env));
    }
    case "not":
      return (env) => !truthy(a(env));
    case "neg":
      return (env) => -(a(env) as number);
    case "==":
      return (env) => equal(a(env), b(env), env.timeZone);
    case "!=":
      return (env) => !equal(a(env), b(env), env.timeZone);
    case "<":
      return (env) => compare(a(env), b(env), env.timeZone) < 0;
    case "<=":
      return (env) => compare(a(env), b(env), env.timeZone) <= 0;
    case ">":
      return (env) => compare(a(env), b(env), env.timeZone) > 0;
    case ">=":
      return (env) => compare(a(env), b(env), env.timeZone) >= 0;
    case "in":
      return (env) => {
        const l = a(env);
        const r = b(env);
        return Array.isArray(r) && r.some((x) => equal(l, x, env.timeZone));
      };
    case "+":
      return (env) => {
        const l = a(env);
        const r = b(env);
        if (isDateTime(l) && typeof r === "number") return iso(toMs(l, env.timeZone) + r);
        if (typeof l === "string" || typeof r === "string") return String(l) + String(r);
        return num(l) + num(r);
      };
    case "-":
      return (env) => {
        const l = a(env);
        const r = b(env);
        if (isDateTime(l) && isDateTime(r)) return toMs(l, env.timeZone) - toMs(r, env.timeZone);
        if (isDateTime(l)) return iso(toMs(l, env.timeZone) - num(r));
        return num(l) - num(r);
      };
    case "*":
      return (env) => num(a(env)) * num(b(env));
    case "/":
      return (env) => {
        const l = a(env);
        const r = b(env);
        if (num(r) === 0) throw new EvalError("division by zero");
        return num(l) / num(r);
      };
    case "%":
      return (env) => {
        const l = a(env);
        const r = b(env);
        if (num(r) === 0) throw new EvalError("division by zero");
        return num(l) % num(r);
      };
  }
  return () => {
    throw new EvalError(`unknown operator \`${op}\``);
  };
}

function num(v: unknown): number {
  if (typeof v !== "number") throw new EvalError(`expected a number, found ${v === null ? "null" : typeof v}`);
  return v;
}

function truthy(v: unknown): boolean {
  return v === true;
}

/** `==` of values: date-times as instants (a date alone at midnight in `tz`), lists and records element by element. */
export function equal(a: unknown, b: unknown, tz: string): boolean {
  if (isDateTime(a) && isDateTime(b)) return toMs(a, tz) === toMs(b, tz);
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i], tz));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => equal(getField(a, k), getField(b, k), tz));
  }
  return false;
}

function compare(a: unknown, b: unknown, tz: string): number {
  if (isDateTime(a) && isDateTime(b)) return toMs(a, tz) - toMs(b, tz);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return num(a) - num(b);
}

function callBuiltin(name: string, args: unknown[], env: EvalEnv): unknown {
  const a0 = args[0];
  switch (name) {
    case "length":
      // Characters as a reader sees them, as templates count them (a family emoji is one).
      return Array.isArray(a0) ? a0.length : typeof a0 === "string" ? characters(a0).length : 0;
    case "lower":
      return String(a0 ?? "").toLowerCase();
    case "upper":
      return String(a0 ?? "").toUpperCase();
    case "trim":
      return String(a0 ?? "").trim();
    case "string":
      // Date-times are ISO-8601 text already (a date alone stays a date).
      return Object.is(a0, -0) ? "0" : String(a0);
    case "contains":
      return Array.isArray(a0) ? a0.some((x) => equal(x, args[1], env.timeZone)) : String(a0 ?? "").includes(String(args[1] ?? ""));
    case "startsWith":
      return String(a0 ?? "").startsWith(String(args[1] ?? ""));
    case "sum":
      return (a0 as number[]).reduce((s, x) => s + (x ?? 0), 0);
    case "min":
    case "max": {
      const xs = (args.length === 1 && Array.isArray(a0) ? a0 : args).filter((x): x is number => typeof x === "number");
      // Typed `number`: a null would flow on into arithmetic and messages unseen.
      if (!xs.length) throw new EvalError(`\`${name}\` of an empty list`);
      // A loop, not Math.min(...xs): spreading a long list overflows the stack.
      let m = xs[0]!;
      for (const x of xs) if (name === "min" ? x < m : x > m) m = x;
      return m;
    }
    case "round":
      return roundHalfAway(num(a0), typeof args[1] === "number" ? args[1] : 0);
    case "now":
      return iso(env.now);
    case "daysSince":
      return Math.floor((env.now - toMs(a0, env.timeZone)) / 86_400_000);
    case "hoursSince":
      return Math.floor((env.now - toMs(a0, env.timeZone)) / 3_600_000);
    case "year":
    case "month":
    case "day":
    case "weekday": {
      // In the profile's time zone, where its dates are days (`2026-03-01` is its midnight).
      const d = localParts(toMs(a0, env.timeZone), env.timeZone);
      return name === "year" ? d.year : name === "month" ? d.month : name === "day" ? d.day : isoWeekday(d);
    }
    case "yearsSince":
      return yearsBetween(localParts(toMs(a0, env.timeZone), env.timeZone), localParts(env.now, env.timeZone));
    case "isAnniversary":
      return isAnniversary(localParts(toMs(a0, env.timeZone), env.timeZone), localParts(env.now, env.timeZone));
    case "date": {
      // `Date.parse` rolls February 30 over to March 2: a day the calendar lacks is a mistake in the data.
      const text = String(a0);
      if (!isCalendarDate(text)) throw new EvalError(`date: "${text}" is no day of the calendar`);
      return iso(parseInstant(text, env.timeZone));
    }
    case "atTime":
      return iso(atLocalTime(toMs(a0, env.timeZone), String(args[1]), String(args[2] ?? env.timeZone)));
    case "coalesce":
      return args.find((x) => x !== null && x !== undefined) ?? null;
    case "secret":
      // A reference, not the value: secrets are filled in when the call is made, so they are
      // never stored in the outbox or shown in a timeline.
      return secretRef(String(a0));
  }
  throw new EvalError(`unknown function \`${name}\``);
}
