/**
 * The helpers of the template language: the only callable things in a template. Each has
 * a typed signature (the checker and editor completion read it) and an implementation
 * (the renderer calls it). Every helper is null-safe, because a path through an optional
 * renders empty rather than failing: `upper null` is `""`.
 */
import { T, nonNull, type Type } from "./types.js";
import { TemplateRenderError } from "./errors.js";
import { toJson, toText, truthy } from "./values.js";
import { isCalendarDate, offsetAt, parseInstant } from "./zones.js";

export interface HelperParam {
  name: string;
  type: Type;
  /** May be left out (only trailing parameters). */
  optional?: boolean;
  /** Takes any number (≥ 1) of further arguments of this type. */
  rest?: boolean;
  /** What is wrong with a literal argument that rendering would refuse (`"EURO"`), if anything. */
  literal?: (value: string | number | boolean | null) => string | undefined;
}

/** Locales already checked: a profile's locale is one of a few, checked once each. */
const locales = new Map<string, boolean>();

/** Whether `Intl` formats with `tag`, a BCP 47 language tag such as "sv-SE" (the profile's `locale`). */
export function isValidLocale(tag: string): boolean {
  let valid = locales.get(tag);
  if (valid === undefined) {
    try {
      valid = Intl.getCanonicalLocales(tag).length > 0;
    } catch {
      valid = false;
    }
    // Profiles carry what they carry: keep the memo bounded.
    if (locales.size >= 1000) locales.clear();
    locales.set(tag, valid);
  }
  return valid;
}

/** Whether `Intl` formats with a currency code, by code (building a formatter takes tens of µs). */
const currencyCodes = new Map<string, boolean>();

/** A currency code `Intl` formats with, as rendering does. */
function currencyCodeProblem(code: string | number | boolean | null): string | undefined {
  if (typeof code !== "string") return undefined;
  let valid = currencyCodes.get(code);
  if (valid === undefined) {
    try {
      new Intl.NumberFormat("en", { style: "currency", currency: code });
      valid = true;
    } catch {
      valid = false;
    }
    if (currencyCodes.size > 1000) currencyCodes.clear();
    currencyCodes.set(code, valid);
  }
  return valid ? undefined : `\`${code}\` is not an ISO 4217 currency code such as "EUR" or "USD"`;
}

function decimalsProblem(d: string | number | boolean | null): string | undefined {
  return typeof d === "number" && (!Number.isInteger(d) || d < 0 || d > 20) ? `decimals must be an integer from 0 to 20, not ${d}` : undefined;
}

export interface HelperSignature {
  name: string;
  params: readonly HelperParam[];
  /** The declared result type, for display and completion. */
  returns: Type;
  /** The one-line documentation shown on hover and completion. */
  doc: string;
}

/** What a helper may know about the render: the formatting options. */
export interface HelperContext {
  locale: string;
  timeZone: string;
}

/** Positional arguments: the renderer calls helpers without building an argument array. */
export type HelperImpl = (ctx: HelperContext, ...args: unknown[]) => unknown;

export const DATE_FORMATS = ["short", "medium", "long", "full", "iso", "time", "datetime"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const anyList = T.list(T.unknown);
const stringOrList: Type = { kind: "union", members: [T.string, anyList] };
const scalar: Type = { kind: "union", members: [T.string, T.number] };
const numberOrList: Type = { kind: "union", members: [T.number, anyList] };
const dateLike: Type = { kind: "union", members: [T.datetime, T.string] };
const dateFormat: Type = { kind: "union", members: DATE_FORMATS.map((f) => T.literal(f)) };

const sig = (name: string, params: HelperParam[], returns: Type, doc: string): HelperSignature => ({ name, params, returns, doc });

/** Signatures, in the order the brief lists them. */
export const HELPER_SIGNATURES: readonly HelperSignature[] = [
  sig("default", [{ name: "value", type: T.unknown }, { name: "fallback", type: T.unknown }], T.unknown, "`value` unless it is null, missing or the empty string; otherwise `fallback`"),
  sig("length", [{ name: "value", type: stringOrList }], T.int, "The number of elements of a list or characters of a string"),
  sig("upper", [{ name: "text", type: T.string }], T.string, "The text in upper case, for the render's locale"),
  sig("lower", [{ name: "text", type: T.string }], T.string, "The text in lower case, for the render's locale"),
  sig("capitalize", [{ name: "text", type: T.string }], T.string, "The text with its first letter in upper case, for the render's locale"),
  sig("truncate", [{ name: "text", type: T.string }, { name: "length", type: T.int, literal: (n) => (typeof n === "number" && n < 0 ? `length must be zero or more, not ${n}` : undefined) }], T.string, "The first `length` characters of the text, followed by `…` when it was cut"),
  sig("join", [{ name: "list", type: T.list(scalar) }, { name: "separator", type: T.string, optional: true }], T.string, "The elements of the list joined by `separator` (default `\", \"`)"),
  sig("first", [{ name: "list", type: anyList }], T.unknown, "The first element of the list, or null when it is empty"),
  sig("currency", [{ name: "amount", type: T.number }, { name: "code", type: T.string, literal: currencyCodeProblem }], T.string, "The amount formatted as money in the ISO 4217 currency `code` (`\"EUR\"`), for the render's locale"),
  sig("number", [{ name: "value", type: T.number }, { name: "decimals", type: T.int, optional: true, literal: decimalsProblem }], T.string, "The number formatted for the render's locale, with exactly `decimals` decimals when given"),
  sig("date", [{ name: "value", type: dateLike }, { name: "format", type: dateFormat, optional: true }], T.string, "The date in the render's time zone and locale: `\"short\"`, `\"medium\"` (default), `\"long\"`, `\"full\"`, `\"iso\"`, `\"time\"` or `\"datetime\"` (date and time)"),
  sig("duration", [{ name: "value", type: T.duration }], T.string, "The duration in words for the render's locale (`1 hour, 30 minutes`), in days, hours, minutes and seconds"),
  sig(
    "plural",
    [{ name: "count", type: numberOrList }, { name: "one", type: T.string }, { name: "other", type: T.string }],
    T.string,
    "The count, formatted for the render's locale, then `one` or `other` as the locale's plural rules choose (`1 item`, `3 items`); a list counts its elements",
  ),
  sig("json", [{ name: "value", type: T.unknown }], T.string, "The value as JSON (never escaped as HTML inside JSON content)"),
  sig("eq", [{ name: "a", type: T.unknown }, { name: "b", type: T.unknown }], T.bool, "Whether `a` and `b` are equal"),
  sig("ne", [{ name: "a", type: T.unknown }, { name: "b", type: T.unknown }], T.bool, "Whether `a` and `b` differ"),
  sig("gt", [{ name: "a", type: T.number }, { name: "b", type: T.number }], T.bool, "Whether `a` is greater than `b`"),
  sig("lt", [{ name: "a", type: T.number }, { name: "b", type: T.number }], T.bool, "Whether `a` is less than `b`"),
  sig("and", [{ name: "a", type: T.unknown }, { name: "b", type: T.unknown, rest: true }], T.bool, "Whether every argument is truthy"),
  sig("or", [{ name: "a", type: T.unknown }, { name: "b", type: T.unknown, rest: true }], T.bool, "Whether any argument is truthy"),
  sig("not", [{ name: "value", type: T.unknown }], T.bool, "Whether the value is falsy (false, null, 0, empty string or empty list)"),
];

export const HELPERS: ReadonlyMap<string, HelperSignature> = new Map(HELPER_SIGNATURES.map((s) => [s.name, s]));

/** Number of arguments a helper accepts (`max` is Infinity with a rest parameter). */
export function helperArity(s: HelperSignature): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const p of s.params) {
    if (!p.optional) min++;
    max = p.rest ? Infinity : max + 1;
  }
  return { min, max };
}

/**
 * The result type of a call from its argument types: generic helpers (`default`, `first`)
 * compute it, the others return their declared type.
 */
export function helperResultType(name: string, args: readonly Type[]): Type {
  const s = HELPERS.get(name);
  if (!s) return T.unknown;
  if (name === "default") {
    const a = args[0] ?? T.unknown;
    return a.kind === "unknown" ? (args[1] ?? T.unknown) : nonNull(a);
  }
  if (name === "first") {
    const l = nonNull(args[0] ?? T.unknown);
    return l.kind === "list" ? T.optional(l.element) : T.unknown;
  }
  return s.returns;
}

/** `currency(amount: number, code: string): string`, for hover and completion. */
export function formatHelperSignature(s: HelperSignature, typeToString: (t: Type) => string): string {
  const ps = s.params.map((p) => `${p.rest ? "..." : ""}${p.name}${p.optional ? "?" : ""}: ${typeToString(p.type)}`);
  return `${s.name}(${ps.join(", ")}): ${typeToString(s.returns)}`;
}

// ---------------------------------------------------------------------------------------
// Implementations

/** Intl formatters (and plural rules) are expensive to build (~µs) and cheap to reuse: cache them by their options. */
type IntlObject = Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat | Intl.PluralRules;
const formatCache = new Map<string, IntlObject>();

function cached<F extends IntlObject>(key: string, make: () => F): F {
  let f = formatCache.get(key) as F | undefined;
  if (f === undefined) {
    if (formatCache.size > 500) formatCache.clear();
    try {
      f = make();
    } catch (e) {
      throw new TemplateRenderError(`invalid formatting option: ${(e as Error).message}`);
    }
    formatCache.set(key, f);
  }
  return f;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Dates in data arrive as ISO strings (JSON), epoch milliseconds or `Date` objects. A string
 * is read as expressions read it (`parseInstant`): a date alone is midnight in the render's
 * time zone, a time without a zone is UTC; never the zone of the machine rendering.
 */
function toDate(v: unknown, timeZone: string): Date | undefined {
  let d: Date | undefined;
  if (v instanceof Date) d = v;
  else if (typeof v === "number") d = new Date(v);
  else if (typeof v === "string") {
    // `parseInstant` for ISO texts only: it completes anything with a "Z", and `Date` reads
    // "12Z" as 2001-12-01. A day that is not in the calendar (February 30) is no date.
    if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
      if (!isCalendarDate(v)) return undefined;
      try {
        d = new Date(parseInstant(v, timeZone));
      } catch {
        return undefined;
      }
    } else {
      // A form `parseInstant` does not know (`Mon, 02 Mar 2026 10:00:00 GMT`) as `Date` reads
      // it, but only with a year and a zone of its own: without a zone `Date` reads the text in
      // the zone of the machine rendering, and it reads almost anything ("12" is Dec 1, 2001).
      // Such a text is no date: it renders empty, as expressions would refuse it.
      if (/\d{4}/.test(v) && /(?:GMT|UTC|Z|[+-]\d{2}:?\d{2})\s*$/i.test(v)) d = new Date(v);
    }
  }
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

// The last formatter used: a template formats in one locale and currency many times, and
// comparing two strings is cheaper than building a cache key.
let lastCurrency: { locale: string; code: string; f: Intl.NumberFormat } | undefined;

export function formatCurrency(ctx: HelperContext, amount: unknown, given: unknown): string {
  const n = toNumber(amount);
  if (n === undefined) return "";
  // A code from the data is trimmed: " EUR" (a padded column) is EUR, not "10.00  EUR".
  const code = typeof given === "string" ? given.trim() : "";
  // A code from the data that is missing or blank: the amount alone, rather than no price at all.
  if (code === "") return formatNumber(ctx, n, 2);
  const last = lastCurrency;
  if (last !== undefined && last.locale === ctx.locale && last.code === code) return last.f.format(n);
  let f: Intl.NumberFormat;
  try {
    // `signDisplay: "negative"`: 0.3 - 0.1 - 0.2 is a tiny negative number, shown as €0.00, not -€0.00.
    f = cached(`c\u0000${ctx.locale}\u0000${code}`, () => new Intl.NumberFormat(ctx.locale, { style: "currency", currency: code, signDisplay: "negative" })) as Intl.NumberFormat;
  } catch {
    // A code from the data that is no currency (a literal one is a compile error): the
    // amount with the code after it, rather than a failed message.
    return `${formatNumber(ctx, n, 2)} ${code}`;
  }
  lastCurrency = { locale: ctx.locale, code, f };
  return f.format(n);
}

let lastNumber: { locale: string; d: number | undefined; f: Intl.NumberFormat } | undefined;

export function formatNumber(ctx: HelperContext, value: unknown, decimals?: unknown): string {
  const n = toNumber(value);
  if (n === undefined) return "";
  // Decimals from the data are brought into 0…20 (a literal out of range is a compile error).
  const given = toNumber(decimals);
  const d = given === undefined ? undefined : Math.min(20, Math.max(0, Math.round(given)));
  const last = lastNumber;
  if (last !== undefined && last.locale === ctx.locale && last.d === d) return last.f.format(n);
  const f = cached(`n\u0000${ctx.locale}\u0000${d ?? ""}`, () =>
    new Intl.NumberFormat(ctx.locale, d === undefined ? { signDisplay: "negative" } : { minimumFractionDigits: d, maximumFractionDigits: d, signDisplay: "negative" }),
  ) as Intl.NumberFormat;
  lastNumber = { locale: ctx.locale, d, f };
  return f.format(n);
}

/** `{{plural n "item" "items"}}`: the count and the word its number takes; `one` where the locale's rules say "one" (1 in English, 1 and 0 in French), `other` elsewhere. */
export function formatPlural(ctx: HelperContext, value: unknown, one: unknown, other: unknown): string {
  const n = Array.isArray(value) ? value.length : toNumber(value);
  if (n === undefined) return "";
  const rules = cached(`p\u0000${ctx.locale}`, () => new Intl.PluralRules(ctx.locale));
  return `${formatNumber(ctx, n)} ${rules.select(n) === "one" ? str(one) : str(other)}`;
}

export function formatDate(ctx: HelperContext, value: unknown, format?: unknown): string {
  const d = toDate(value, ctx.timeZone);
  if (!d) return "";
  const fmt = format === undefined || format === null ? "medium" : format;
  if (typeof fmt !== "string" || !(DATE_FORMATS as readonly string[]).includes(fmt)) {
    throw new TemplateRenderError(`\`date\`: unknown format ${JSON.stringify(toText(fmt))}: expected one of ${DATE_FORMATS.map((f) => `"${f}"`).join(", ")}`);
  }
  if (fmt === "iso") return isoInZone(ctx, d);
  const options = { ...DATE_STYLES[fmt as Exclude<DateFormat, "iso">], timeZone: ctx.timeZone };
  return cached(`d\u0000${ctx.locale}\u0000${ctx.timeZone}\u0000${fmt}`, () => new Intl.DateTimeFormat(ctx.locale, options)).format(d);
}

/** What `Intl` shows for each `date` format but `iso` (which is written out, see `isoInZone`). */
const DATE_STYLES: Record<Exclude<DateFormat, "iso">, Intl.DateTimeFormatOptions> = {
  short: { dateStyle: "short" },
  medium: { dateStyle: "medium" },
  long: { dateStyle: "long" },
  full: { dateStyle: "full" },
  time: { timeStyle: "short" },
  datetime: { dateStyle: "medium", timeStyle: "short" },
};

/** Units `duration` spells a length of time in, largest first, with their length in ms. */
const DURATION_UNITS = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
  ["millisecond", 1],
] as const;

/**
 * `4h` → "4 hours", `1h30m` → "1 hour, 30 minutes" (in the render's locale). Days are the
 * largest unit: a week or a month is a calendar notion, and `14d` reads as "14 days".
 * Milliseconds show only when the duration has some: `1500ms` is "1 second, 500 milliseconds".
 */
export function formatDuration(ctx: HelperContext, value: unknown): string {
  const n = toNumber(value);
  if (n === undefined) return "";
  let rest = Math.round(Math.abs(n));
  const parts: string[] = [];
  for (const [unit, ms] of DURATION_UNITS) {
    const count = Math.floor(rest / ms);
    rest -= count * ms;
    if (count === 0) continue;
    // The sign goes on the first part only: -90m is "-1 hour, 30 minutes".
    const sign = n < 0 && parts.length === 0 ? -1 : 1;
    parts.push(unitFormatter(ctx, unit).format(sign * count));
  }
  if (!parts.length) return unitFormatter(ctx, "second").format(0);
  return cached(`l\u0000${ctx.locale}`, () => new Intl.ListFormat(ctx.locale, { style: "long", type: "unit" })).format(parts);
}

function unitFormatter(ctx: HelperContext, unit: string): Intl.NumberFormat {
  return cached(`u\u0000${ctx.locale}\u0000${unit}`, () => new Intl.NumberFormat(ctx.locale, { style: "unit", unit, unitDisplay: "long" }));
}

/**
 * ISO 8601 with the offset of the render's time zone (`2026-12-01T10:00:00+01:00`, or `Z` in
 * UTC), from the zone's offset rather than formatted calendar fields, which name years before
 * 1 AD by era ("2" for 2 BC) and so cannot be read back as numbers.
 */
function isoInZone(ctx: HelperContext, d: Date): string {
  const ms = Math.floor(d.getTime() / 1000) * 1000;
  const offset = Math.round(offsetAt(ms, ctx.timeZone) / 60000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const zone = offset === 0 ? "Z" : `${offset > 0 ? "+" : "-"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  // The wall clock as a UTC date; years outside 0…9999 in ISO's expanded form (`+010000`, `-000001`).
  const wall = new Date(ms + offset * 60000);
  if (Number.isNaN(wall.getTime())) return d.toISOString().slice(0, 19) + "Z";
  return wall.toISOString().slice(0, -5) + zone;
}

/**
 * JSON text with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes: the same JSON
 * value, but one that `{{{json x}}}` can put inside `<script type="application/ld+json">`
 * (email markup) without a `</script>` or `<!--` in the data ending the script. Those
 * characters only occur inside JSON strings, where the escape means the same character.
 */
export function jsonForHtml(json: string): string {
  return /[<>&\u2028\u2029]/.test(json) ? json.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) : json;
}

function str(v: unknown): string {
  return toText(v);
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The characters of `s` as a reader sees them: a family emoji, a flag or an `e` with a
 * combining accent is one (grapheme clusters), so `truncate` never cuts one in half and
 * `length` counts what is shown. Expressions' `length` counts the same way.
 */
export function characters(s: string): string[] {
  // Most text is ASCII, where each UTF-16 unit is a character (but for "\r\n", which is one).
  if (/^[\x00-\x0c\x0e-\x7f]*$/.test(s)) return s.split("");
  return Array.from(graphemes.segment(s), (g) => g.segment);
}

function compare(a: unknown, b: unknown, op: "gt" | "lt"): boolean {
  const x = typeof a === "string" && typeof b === "string" ? a : toNumber(a);
  const y = typeof a === "string" && typeof b === "string" ? b : toNumber(b);
  if (x === undefined || y === undefined) return false;
  return op === "gt" ? x > y : x < y;
}

/**
 * Case in the render's locale: a message is text for its reader (`upper "istanbul"` is
 * "İSTANBUL" in Turkish). Expressions' `upper`/`lower` are not: comparisons must not depend
 * on the profile's language.
 */
function inCase(ctx: HelperContext, s: string, to: "upper" | "lower"): string {
  if (!isValidLocale(ctx.locale)) return to === "upper" ? s.toUpperCase() : s.toLowerCase();
  return to === "upper" ? s.toLocaleUpperCase(ctx.locale) : s.toLocaleLowerCase(ctx.locale);
}

export const HELPER_IMPLS: ReadonlyMap<string, HelperImpl> = new Map<string, HelperImpl>([
  ["default", (_c, a, b) => (a === null || a === undefined || a === "" ? b : a)],
  ["length", (_c, v) => (Array.isArray(v) ? v.length : typeof v === "string" ? characters(v).length : 0)],
  ["upper", (c, v) => inCase(c, str(v), "upper")],
  ["lower", (c, v) => inCase(c, str(v), "lower")],
  [
    "capitalize",
    (c, v) => {
      const s = str(v);
      const cp = s.codePointAt(0);
      if (cp === undefined) return s;
      const first = String.fromCodePoint(cp);
      return inCase(c, first, "upper") + s.slice(first.length);
    },
  ],
  [
    "truncate",
    (_c, v, n) => {
      const s = str(v);
      // No length (a null from the data) leaves the text whole; a negative one is 0 (a
      // literal one is a compile error).
      const given = toNumber(n);
      if (given === undefined) return s;
      const len = Math.max(0, Math.floor(given));
      const chars = characters(s);
      if (chars.length <= len) return s;
      return chars.slice(0, len).join("").trimEnd() + "…";
    },
  ],
  ["join", (_c, l, sep) => (Array.isArray(l) ? l.map(str).join(sep === undefined || sep === null ? ", " : str(sep)) : "")],
  ["first", (_c, l) => (Array.isArray(l) && l.length > 0 ? l[0] : null)],
  ["currency", (c, a, code) => formatCurrency(c, a, code)],
  ["number", (c, n, d) => formatNumber(c, n, d)],
  ["date", (c, d, f) => formatDate(c, d, f)],
  ["duration", (c, d) => formatDuration(c, d)],
  ["plural", (c, n, one, other) => formatPlural(c, n, one, other)],
  ["json", (_c, v) => jsonForHtml(toJson(v))],
  ["eq", (_c, a, b) => a === b || (a == null && b == null)],
  ["ne", (_c, a, b) => !(a === b || (a == null && b == null))],
  ["gt", (_c, a, b) => compare(a, b, "gt")],
  ["lt", (_c, a, b) => compare(a, b, "lt")],
  ["and", (_c, ...args) => args.every(truthy)],
  ["or", (_c, ...args) => args.some(truthy)],
  ["not", (_c, v) => !truthy(v)],
]);
