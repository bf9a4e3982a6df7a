/**
 * Built-in functions, recommendation algorithms and channels: their signatures in one
 * table, used by the checker, by hover and completion, and (by name) by the runtime.
 */
import { isAssignable, isNumeric, isStringLike, nonNull, T, type Type } from "@journey/template";

export interface ParamInfo {
  name: string;
  type: string;
  optional?: boolean;
}

export interface BuiltinFunction {
  name: string;
  params: ParamInfo[];
  returns: string;
  doc: string;
  /** Arity bounds (variadic functions have `max: Infinity`). */
  min: number;
  max: number;
  /** Optional arguments are accepted as they are (`coalesce`); elsewhere they must be narrowed. */
  acceptsOptional?: boolean;
  /** The result type, or the index and expected type of the first bad argument. */
  check(args: Type[]): Type | { arg: number; expected: string };
}

const numericList = (t: Type) => t.kind === "list" && isNumeric(nonNull(t.element));
/** The element type of a numeric list, as a result: `int` for a `list<int>`, `number` otherwise. */
const listNumber = (t: Type) => (nonNull((t as { element: Type }).element).kind === "int" ? T.int : T.number);
const bad = (arg: number, expected: string) => ({ arg, expected });

function fn(name: string, params: ParamInfo[], returns: string, doc: string, check: BuiltinFunction["check"], extra: Partial<BuiltinFunction> = {}): BuiltinFunction {
  const required = params.filter((p) => !p.optional).length;
  return { name, params, returns, doc, min: required, max: params.length, check, ...extra };
}

const stringFn = (name: string, doc: string) =>
  fn(name, [{ name: "s", type: "string" }], "string", doc, (a) => (isStringLike(a[0]!) ? T.string : bad(0, "string")));

export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(
  [
    fn("length", [{ name: "value", type: "list<T> | string" }], "int", "The number of items of a list, or of characters of a string.", (a) =>
      a[0]!.kind === "list" || isStringLike(a[0]!) ? T.int : bad(0, "list<T> | string"),
    ),
    stringFn("lower", "The string in lower case."),
    stringFn("upper", "The string in upper case."),
    stringFn("trim", "The string without leading and trailing white space."),
    fn(
      "string",
      [{ name: "value", type: "number | bool | datetime | string" }],
      "string",
      "A value as text: a number as JavaScript writes it (`1.5`, `42`), `true` or `false`, a date-time as its ISO-8601 text (for an action's URL or body, or a profile field).",
      (a) => (isNumeric(a[0]!) || a[0]!.kind === "bool" || a[0]!.kind === "datetime" || isStringLike(a[0]!) ? T.string : bad(0, "number | bool | datetime | string")),
    ),
    fn(
      "contains",
      [
        { name: "haystack", type: "string | list<T>" },
        { name: "needle", type: "string | T" },
      ],
      "bool",
      "Whether a string contains a substring, or a list contains a value.",
      (a) => {
        const [h, n] = [a[0]!, a[1]!];
        if (isStringLike(h)) return isStringLike(n) ? T.bool : bad(1, "string");
        if (h.kind === "list") return isAssignable(n, h.element) || isAssignable(h.element, n) ? T.bool : bad(1, typeName(h.element));
        return bad(0, "string | list<T>");
      },
    ),
    fn(
      "startsWith",
      [
        { name: "s", type: "string" },
        { name: "prefix", type: "string" },
      ],
      "bool",
      "Whether a string starts with a prefix.",
      (a) => (!isStringLike(a[0]!) ? bad(0, "string") : !isStringLike(a[1]!) ? bad(1, "string") : T.bool),
    ),
    fn("sum", [{ name: "values", type: "list<number>" }], "number", "The sum of a list of numbers (`int` for a list of `int`).", (a) =>
      numericList(a[0]!) ? listNumber(a[0]!) : bad(0, "list<number>"),
    ),
    fn("min", [{ name: "values", type: "list<number> | number…" }], "number", "The smallest of a list of numbers, or of its arguments.", minMax, { max: Infinity }),
    fn("max", [{ name: "values", type: "list<number> | number…" }], "number", "The largest of a list of numbers, or of its arguments.", minMax, { max: Infinity }),
    fn(
      "round",
      [
        { name: "value", type: "number" },
        { name: "digits", type: "int", optional: true },
      ],
      "number",
      "The number rounded half away from zero; to `digits` decimals when given (`int` without).",
      (a) => (!isNumeric(a[0]!) ? bad(0, "number") : a[1] && a[1].kind !== "int" ? bad(1, "int") : a[1] ? T.number : T.int),
    ),
    fn("now", [], "datetime", "The current instant (the virtual clock's in tests and `journey run`).", () => T.datetime),
    ...(
      [
        ["daysSince", "Whole days elapsed since an instant."],
        ["hoursSince", "Whole hours elapsed since an instant."],
        ["year", "The year of an instant's date in the profile's time zone."],
        ["month", "The month (1–12) of an instant's date in the profile's time zone."],
        ["day", "The day of the month (1–31) of an instant's date in the profile's time zone."],
        ["weekday", "The day of the week of an instant's date in the profile's time zone: 1 is Monday, 7 is Sunday."],
        ["yearsSince", "Whole years elapsed since a date (an age), counted on its anniversaries in the profile's time zone."],
      ] as const
      // Each `(datetime) → int`.
    ).map(([name, doc]) => fn(name, [{ name: "time", type: "datetime" }], "int", doc, (a) => (a[0]!.kind === "datetime" ? T.int : bad(0, "datetime")))),
    fn(
      "isAnniversary",
      [{ name: "date", type: "datetime" }],
      "bool",
      "Whether today, in the profile's time zone, has the month and day of a date (a birthday); February 29 falls on February 28 in other years.",
      (a) => (a[0]!.kind === "datetime" ? T.bool : bad(0, "datetime")),
    ),
    fn("date", [{ name: "iso", type: "string" }], "datetime", "Parses an ISO-8601 date (`2026-12-01`) or instant.", (a) => (isStringLike(a[0]!) ? T.datetime : bad(0, "string"))),
    fn(
      "atTime",
      [
        { name: "day", type: "datetime" },
        { name: "time", type: "string" },
        { name: "timeZone", type: "string" },
      ],
      "datetime",
      "The instant at local time `HH:MM` in `timeZone` on the same local day as `day`.",
      (a) => (a[0]!.kind !== "datetime" ? bad(0, "datetime") : !isStringLike(a[1]!) ? bad(1, "string") : !isStringLike(a[2]!) ? bad(2, "string") : T.datetime),
    ),
    fn(
      "coalesce",
      [{ name: "values", type: "T?…" }],
      "T",
      "The first argument that is not null.",
      (a) => {
        const base = nonNull(a[0]!);
        for (let i = 1; i < a.length; i++) if (!isAssignable(nonNull(a[i]!), base) && !isAssignable(base, nonNull(a[i]!))) return bad(i, typeName(base));
        const last = a[a.length - 1]!;
        return last.kind === "optional" || last.kind === "null" ? T.optional(base) : base;
      },
      { max: Infinity, acceptsOptional: true },
    ),
    fn("secret", [{ name: "name", type: "string" }], "string", "A secret from the runtime's configuration (only in an action's `headers`).", (a) =>
      isStringLike(a[0]!) ? T.string : bad(0, "string"),
    ),
  ].map((f) => [f.name, f]),
);

function minMax(a: Type[]): Type | { arg: number; expected: string } {
  // A list of `int` gives an `int`, as `sum` does and as the arguments form does.
  if (a.length === 1) return numericList(a[0]!) ? listNumber(a[0]!) : bad(0, "list<number>");
  for (let i = 0; i < a.length; i++) if (!isNumeric(a[i]!)) return bad(i, "number");
  return a.every((t) => t.kind === "int") ? T.int : T.number;
}

function typeName(t: Type): string {
  return t.kind === "record" && t.name ? t.name : t.kind;
}

// ── Recommendation algorithms ───────────────────────────────────────────────────────────

export interface Algorithm {
  name: string;
  /** Positional parameters; `key` stands for the catalog key type. */
  params: ParamInfo[];
  /** Named parameters (`popular(by: views, category: "hats")`). */
  named: ParamInfo[];
  doc: string;
  variadic?: boolean;
}

export const ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map(
  (
    [
      { name: "cartBased", params: [{ name: "keys", type: "list<key>" }], named: [], doc: "Items bought or carted together with the given items, normalised so best-sellers do not dominate." },
      { name: "viewedTogether", params: [{ name: "key", type: "key" }], named: [], doc: "Items viewed in the same sessions as the given item." },
      { name: "boughtTogether", params: [{ name: "key", type: "key" }], named: [], doc: "Items bought together with the given item." },
      { name: "recentlyViewed", params: [], named: [], doc: "This profile's viewed items, newest first, without duplicates." },
      {
        name: "popular",
        params: [],
        named: [
          { name: "by", type: "views | purchases", optional: true },
          { name: "category", type: "string", optional: true },
          { name: "window", type: "duration", optional: true },
        ],
        doc: "The most viewed or purchased items over a window (default: purchases over 7 days), optionally in one category.",
      },
      { name: "provider", params: [{ name: "name", type: "string" }], named: [], doc: "A recommendation provider registered with the runtime by name.", variadic: true },
    ] satisfies Algorithm[]
  ).map((a) => [a.name, a]),
);

export const EXCLUSIONS = ["purchased", "inCart", "viewed"] as const;

// ── Channels ─────────────────────────────────────────────────────────────────────────────

export interface ContentFieldSpec {
  name: string;
  /** How `{{…}}` is escaped in this field; `record` fields take a record expression, not a template. */
  escape: "html" | "none" | "json" | "record";
  doc: string;
}

export interface ChannelSpec {
  name: string;
  fields: ContentFieldSpec[];
  /** Each inner list: at least one of these fields is required. */
  required: string[][];
  needsRecipient: boolean;
  /** Names the runtime provides in this channel's content. */
  runtimeNames: string[];
}

/** How a journey takes a profile that is already in it (`reentry …`). */
export const REENTRY_MODES: readonly string[] = ["never", "always", "after"];

/** Why a message is suppressed (the runtime's `suppressed` effects): what `expect suppressed … reason` names. */
export const SUPPRESSED_REASONS: readonly string[] = ["cap", "noRecipient", "noConsent", "runaway"];

export const CHANNELS: ReadonlyMap<string, ChannelSpec> = new Map(
  (
    [
      {
        name: "email",
        fields: [
          { name: "subject", escape: "none", doc: "The subject line (plain text)." },
          { name: "html", escape: "html", doc: "The HTML body; `{{…}}` is HTML-escaped." },
          { name: "text", escape: "none", doc: "The plain-text body." },
        ],
        required: [["subject"], ["html", "text"]],
        needsRecipient: true,
        runtimeNames: ["unsubscribeUrl", "message", "journey"],
      },
      { name: "sms", fields: [{ name: "text", escape: "none", doc: "The message text." }], required: [["text"]], needsRecipient: true, runtimeNames: ["message", "journey"] },
      {
        name: "push",
        fields: [
          { name: "title", escape: "none", doc: "The notification title." },
          { name: "body", escape: "none", doc: "The notification body." },
          { name: "data", escape: "record", doc: "A record of data for the app." },
        ],
        required: [["title"], ["body"]],
        needsRecipient: true,
        runtimeNames: ["message", "journey"],
      },
      {
        name: "webhook",
        fields: [
          { name: "url", escape: "none", doc: "The URL to post to (a template)." },
          { name: "json", escape: "record", doc: "The JSON body, a record expression." },
        ],
        required: [["url"]],
        needsRecipient: false,
        runtimeNames: ["message", "journey"],
      },
    ] satisfies ChannelSpec[]
  ).map((c) => [c.name, c]),
);

/** Names the language provides: never redefined by a parameter, `let`, `as` or a recommendation. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["profile", "event", "item", "context", "unsubscribeUrl", "message", "journey"]);

/** Names the runtime provides in message content, and their types. */
export const RUNTIME_NAMES: Record<string, Type> = {
  unsubscribeUrl: T.string,
  message: { kind: "record", name: "Message", fields: [{ name: "id", type: T.string, optional: false }] },
  journey: { kind: "record", name: "Journey", fields: [{ name: "name", type: T.string, optional: false }] },
};

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;
