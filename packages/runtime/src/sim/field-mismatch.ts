/**
 * Why a message's content field fails a test's `where` condition, in words a reader can act on.
 * Rendered content often differs from an expectation by a character that prints like another:
 * `Intl` puts a no-break space (U+00A0) in `NOK 189.00` and a narrow one (U+202F) before `AM`.
 * So the text is quoted with such characters escaped, and a failed `contains` shows the closest
 * text of the field and the first character that differs, rather than the field's first line.
 */

/** Characters that print as a space or as nothing: written as `\uXXXX`, the escape a `"…"` string of the language takes. */
const INVISIBLE = /[\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u202a-\u202f\u205f-\u206f\u3000\u3164\ufeff\uffa0]/g;

/** Longest quoted excerpt of a field. */
const EXCERPT = 160;

/** `text` as a string literal, invisible characters escaped, cut at `max` characters. */
export function quoteText(text: string, max = EXCERPT): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Why `actual` (the field `name` of a message, or a text field of a profile) fails `op value`
 * (`contains`, `not contains`, `==` or `!=`), or undefined when it holds.
 * For `contains`, the closest text is where the longest start of `value` occurs in `actual`;
 * for `not contains`, the text around where `value` occurs.
 */
export function fieldMismatch(name: string, actual: string, op: string, value: string): string | undefined {
  if (op === "==") return actual === value ? undefined : `its ${name} was ${quoteText(actual)}${differsAt(actual, 0, value)}`;
  if (op === "!=") return actual !== value ? undefined : `its ${name} was exactly ${quoteText(value)}`;
  if (op === "not contains") {
    const at = actual.indexOf(value);
    // Some text on each side, so the reader sees which mention it is.
    return at < 0 ? undefined : `its ${name} contains ${quoteText(value)}: ${excerpt(actual, Math.max(0, at - 20), at + value.length + 20)}`;
  }
  if (actual.includes(value)) return undefined;
  let matched = 0;
  while (matched < value.length && actual.includes(value.slice(0, matched + 1))) matched++;
  // A start of a character or two is found almost anywhere: no closer than the field itself.
  if (matched < Math.min(3, value.length)) return `its ${name} does not contain ${quoteText(value)}; it was ${quoteText(actual)}`;
  const at = actual.indexOf(value.slice(0, matched));
  return `its ${name} does not contain ${quoteText(value)}: the closest is ${excerpt(actual, at, at + value.length + 10)}${differsAt(actual, at, value)}`;
}

/** `actual` from `from` to `to`, quoted, with `…` where it goes on. */
function excerpt(actual: string, from: number, to: number): string {
  const text = actual.slice(from, to);
  return `${from > 0 ? "…" : ""}${quoteText(text)}${from + text.length < actual.length ? "…" : ""}`;
}

/** Where `actual`, read from `from`, first differs from `value`: the two characters, quoted. */
function differsAt(actual: string, from: number, value: string): string {
  let i = 0;
  while (i < value.length && from + i < actual.length && actual[from + i] === value[i]) i++;
  // Nothing in common, or one ends where the other goes on: the quoted text says it all.
  if (i === 0 || i === value.length || from + i === actual.length) return "";
  return `, with ${quoteText(actual[from + i]!)} where the expectation has ${quoteText(value[i]!)}`;
}
