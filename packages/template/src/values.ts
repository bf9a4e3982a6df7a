/**
 * How template values behave at run time: safe property lookup, truthiness, conversion to
 * text, and the escapers. Kept apart from the renderer so helpers and the renderer agree.
 */
import { TemplateRenderError } from "./errors.js";

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Names never read from data, even as own properties: reading them is how prototype
 * pollution and sandbox escapes start, and no Journey type declares them.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"]);

/**
 * `obj[name]` when `obj` is an object or array holding `name` as an own property; a
 * function value reads as missing, so data functions are never called.
 */
export function getOwn(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== "object" || !hasOwn.call(obj, name)) return undefined;
  const v = (obj as Record<string, unknown>)[name];
  return typeof v === "function" ? undefined : v;
}

/** Whether `obj` holds `name` as an own property (the Mustache context-stack test). */
export function holds(obj: unknown, name: string): boolean {
  return obj !== null && typeof obj === "object" && hasOwn.call(obj, name);
}

/** Handlebars/Mustache truthiness: `false`, `null`, missing, `0`, `""`, `NaN` and `[]` are false. */
export function truthy(v: unknown): boolean {
  if (!v) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** The text of a value as `{{x}}` writes it (Handlebars-compatible, never calls data code). */
export function toText(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "object":
      if (v === null) return "";
      if (Array.isArray(v)) return v.map(toText).join(",");
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString();
      return "[object Object]";
    default:
      // undefined, functions, symbols
      return "";
  }
}

/**
 * Handlebars' HTML escaping (`& < > " ' \` =`). A char-code scan rather than a regular
 * expression: it is the hottest function of a render, and most values need no change, in
 * which case the string is returned as is.
 */
export function escapeHtml(s: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Every escaped character is below 0x61 ("a"): letters and most text skip the switch.
    if (c > 0x60) continue;
    let rep: string;
    switch (c) {
      case 0x26:
        rep = "&amp;";
        break;
      case 0x3c:
        rep = "&lt;";
        break;
      case 0x3e:
        rep = "&gt;";
        break;
      case 0x22:
        rep = "&quot;";
        break;
      case 0x27:
        rep = "&#x27;";
        break;
      case 0x60:
        rep = "&#x60;";
        break;
      case 0x3d:
        rep = "&#x3D;";
        break;
      default:
        continue;
    }
    out += last === i ? rep : s.slice(last, i) + rep;
    last = i + 1;
  }
  return last === 0 ? s : last === s.length ? out : out + s.slice(last);
}

/** What a value that would start a URL attribute with another scheme writes instead: a URL that goes nowhere. */
export const UNSAFE_URL = "about:invalid#journey-unsafe-url";

/**
 * `s` when, written at the start of a URL attribute's value, its scheme is http, https,
 * mailto, tel or sms or it has none (a relative URL: `/p`, `#top`, `?q`, `p/1`); otherwise
 * `UNSAFE_URL`. The scheme is read as browsers read it: leading C0 controls and spaces
 * dropped, tabs and line breaks anywhere ignored, letters in any case (`\u0001 Java\tScript:`
 * is `javascript:`).
 *
 * `raw`: the value is written unescaped, so the browser decodes character references in it
 * (`&#106;avascript:`): an `&` before the scheme is known makes it unsafe. Escaped, an `&`
 * is written `&amp;` and is only a character that ends a relative URL's first segment.
 */
export function safeUrl(s: string, raw: boolean): string {
  const n = s.length;
  let i = 0;
  while (i < n && s.charCodeAt(i) <= 0x20) i++;
  // The scheme's letters so far, packed (see `packScheme`); `other`: it has a digit, `+`, `-` or `.`.
  let packed = 0;
  let len = 0;
  let other = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x3a /* : */) {
      if (len === 0) return s;
      return !other && len <= 6 && (packed === HTTP || packed === HTTPS || packed === MAILTO || packed === TEL || packed === SMS) ? s : UNSAFE_URL;
    }
    // ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ): anything else before a `:` means no scheme.
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      if (++len <= 6) packed = packed * 32 + ((c | 0x20) - 0x60);
    } else if (len > 0 && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      len++;
      other = true;
    } else {
      return raw && c === 0x26 /* & */ ? UNSAFE_URL : s;
    }
  }
  return s;
}

/**
 * A scheme of at most 6 letters as a number, 5 bits a letter in any case (`a`/`A` = 1): the
 * check runs for every URL a render writes, and compares numbers rather than building strings.
 */
function packScheme(name: string): number {
  let packed = 0;
  for (let i = 0; i < name.length; i++) packed = packed * 32 + ((name.charCodeAt(i) | 0x20) - 0x60);
  return packed;
}

const HTTP = packScheme("http");
const HTTPS = packScheme("https");
const MAILTO = packScheme("mailto");
const TEL = packScheme("tel");
const SMS = packScheme("sms");

const JSON_STR_TEST = /["\\\u0000-\u001f\u2028\u2029]/;

/** The inside of a JSON string literal for `s` (no quotes). */
export function escapeJsonString(s: string): string {
  if (!JSON_STR_TEST.test(s)) return s;
  return JSON.stringify(s).slice(1, -1).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * Valid JSON for any value. Functions and `undefined` are dropped from objects and become
 * `null` in lists, non-finite numbers become `null`, dates ISO strings, bigints strings.
 * Data as journeys see it (parsed JSON, dates) goes to `JSON.stringify`, which writes exactly
 * that, natively; anything else (a `toJSON` method found in data, a bigint, a cycle, very deep
 * nesting) is written by hand.
 */
export function toJson(v: unknown): string {
  return isPlain(v, 0) ? plainJson(v) : toJsonByHand(v);
}

/** The JSON of deeply frozen records and lists: they cannot change, so each is written once. */
const frozenJson = new WeakMap<object, string>();

/**
 * `JSON.stringify` of plain data, reusing the JSON of deeply frozen parts (a catalog engine's
 * items are frozen: a list of recommendations is mostly items already written).
 */
function plainJson(v: unknown): string {
  if (v === null || typeof v !== "object" || v instanceof Date) return JSON.stringify(v) ?? "null";
  if (Object.isFrozen(v)) {
    const known = frozenJson.get(v);
    if (known !== undefined) return known;
    const text = JSON.stringify(v);
    if (deeplyFrozen(v)) frozenJson.set(v, text);
    return text;
  }
  if (Array.isArray(v)) {
    if (!v.some((x) => x !== null && typeof x === "object" && Object.isFrozen(x))) return JSON.stringify(v);
    // As JSON.stringify writes a list: what has no JSON (undefined, a function) is `null`.
    const parts: string[] = [];
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      parts.push(x === undefined || typeof x === "function" || typeof x === "symbol" ? "null" : plainJson(x));
    }
    return "[" + parts.join(",") + "]";
  }
  return JSON.stringify(v);
}

function deeplyFrozen(v: object): boolean {
  if (!Object.isFrozen(v)) return false;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    // A date can change even frozen (`setTime`): a value holding one is not remembered.
    if (x !== null && typeof x === "object" && (x instanceof Date || !deeplyFrozen(x))) return false;
  }
  return true;
}

/** Nesting beyond this is written by hand, which reports a cycle instead of recursing for ever. */
const PLAIN_DEPTH = 64;

/** Whether `JSON.stringify` writes `x` as `toJsonByHand` would: no bigint, no `toJSON` but a date's, no deep nesting. */
function isPlain(x: unknown, depth: number): boolean {
  if (typeof x === "bigint") return false;
  if (typeof x !== "object" || x === null || x instanceof Date) return true;
  // Written before and deeply frozen since: known plain, not walked again at every render.
  if (frozenJson.has(x)) return true;
  if (depth >= PLAIN_DEPTH || typeof (x as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (!isPlain(x[i], depth + 1)) return false;
    return true;
  }
  for (const k in x) if (!isPlain((x as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

/** `toJson` written by hand: `JSON.stringify` would call `toJSON` methods found in data. */
function toJsonByHand(v: unknown): string {
  const seen = new Set<object>();
  const walk = (x: unknown): string | undefined => {
    switch (typeof x) {
      case "string":
        return JSON.stringify(x);
      case "number":
        return Number.isFinite(x) ? String(x) : "null";
      case "boolean":
        return x ? "true" : "false";
      case "bigint":
        return JSON.stringify(String(x));
      case "object": {
        if (x === null) return "null";
        if (x instanceof Date) return Number.isNaN(x.getTime()) ? "null" : JSON.stringify(x.toISOString());
        if (seen.has(x)) throw new TemplateRenderError("`json`: the value contains a cycle");
        seen.add(x);
        let out: string;
        if (Array.isArray(x)) {
          // By index, not `map`: a hole in a sparse list is `null` too.
          const parts: string[] = [];
          for (let i = 0; i < x.length; i++) parts.push(walk(x[i]) ?? "null");
          out = "[" + parts.join(",") + "]";
        } else {
          const parts: string[] = [];
          for (const k of Object.keys(x)) {
            const s = walk((x as Record<string, unknown>)[k]);
            if (s !== undefined) parts.push(JSON.stringify(k) + ":" + s);
          }
          out = "{" + parts.join(",") + "}";
        }
        seen.delete(x);
        return out;
      }
      default:
        return undefined;
    }
  };
  return walk(v) ?? "null";
}
