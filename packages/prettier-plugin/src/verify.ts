/**
 * The formatter's promise, checked on every run: the formatted text parses, has the same AST
 * (apart from positions), the same words and literals, and the same comments as the original.
 * A file that would fail any of these is left as it is and the reason reported.
 */
import { parseFile, SPAN_KEYS, type ast } from "@journey/compiler";
import { htmlSkeleton } from "./html.js";

/**
 * The AST of a file without positions, as one string: equal for two texts exactly when they
 * mean the same. `masked` strings (reformatted HTML) count by what HTML formatting may not
 * change: their text but for white space, template tags exactly.
 */
export function fingerprint(file: ast.SourceFile, masked: ReadonlySet<object> = new Set()): string {
  return JSON.stringify(file.declarations, (key, value: unknown) => {
    if (SPAN_KEYS.has(key)) return undefined;
    if (value && typeof value === "object" && masked.has(value)) return { html: htmlSkeleton((value as ast.StringExpr).value) };
    return value;
  });
}

/** Canonical words the printer may merge or drop: `exclude a exclude b` → `exclude a, b`; `signals { }`. */
const MERGEABLE = new Set(["exclude", "signals"]);

const TOKEN =
  /\s+|\/\/[^\n\r]*|\/\*[\s\S]*?\*\/|"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\[^\n\r])*"?|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?|\d{1,2}:\d{2}(?![\d:])|(?:\d+(?:ms|s|m|h|d|w)(?![A-Za-z_]))+|\d+(?:\.\d+)?%|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[\s\S]/gy;

/**
 * The words and literals of a text, sorted: what a reader would call "the code", without
 * punctuation, layout and comments. `"""` strings count as one token each (their value is in
 * the AST already).
 */
export function words(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const t = m[0];
    const c = t[0]!;
    if (/\s/.test(c) || t.startsWith("//") || t.startsWith("/*")) continue;
    if (t.startsWith('"""')) out.push('"""');
    else if (c === '"' || /[\w]/.test(c)) {
      if (!MERGEABLE.has(t)) out.push(t);
    }
  }
  return out.sort();
}

/** A comment's text as the printer may re-indent it: each line trimmed. */
export function normalizeComment(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .join("\n");
}

export function commentTexts(file: ast.SourceFile): string[] {
  return file.comments.map((c) => normalizeComment(c.text)).sort();
}

/** What differs between two sorted lists, as `-a +b`, for messages. */
function difference(before: string[], after: string[]): string {
  const count = new Map<string, number>();
  for (const w of before) count.set(w, (count.get(w) ?? 0) + 1);
  for (const w of after) count.set(w, (count.get(w) ?? 0) - 1);
  const parts: string[] = [];
  for (const [w, n] of count) {
    if (n > 0) parts.push(`lost ${"`" + w + "`"}${n > 1 ? ` ×${n}` : ""}`);
    if (n < 0) parts.push(`added ${"`" + w + "`"}${n < -1 ? ` ×${-n}` : ""}`);
  }
  return parts.slice(0, 5).join(", ");
}

export interface VerifyOptions {
  /** Strings whose content was reformatted on purpose (HTML): compared as "a string". */
  masked?: (file: ast.SourceFile) => ReadonlySet<object>;
}

/** Why `formatted` is not a faithful formatting of `original`, or undefined when it is. */
export function unfaithful(original: ast.SourceFile, formatted: string, options: VerifyOptions = {}): string | undefined {
  let after: ReturnType<typeof parseFile>;
  try {
    after = parseFile(original.path, formatted);
  } catch (e) {
    return `the result would not parse (${e instanceof Error ? e.message : String(e)})`;
  }
  if (after.diagnostics.some((d) => d.severity === "error")) {
    const d = after.diagnostics[0]!;
    return `the result would not parse (${d.message})`;
  }
  const mask = options.masked ?? (() => new Set<object>());
  // Words first: when code would be lost, saying which words is the most useful message.
  const w0 = words(original.text);
  const w1 = words(formatted);
  if (w0.join("\n") !== w1.join("\n")) {
    return `the result would change the code (${difference(w0, w1)}); a clause given twice keeps only its last`;
  }
  if (fingerprint(original, mask(original)) !== fingerprint(after.file, mask(after.file))) return "the result would parse differently";
  const c0 = commentTexts(original);
  const c1 = commentTexts(after.file);
  if (c0.join("\n") !== c1.join("\n")) return `the result would change the comments (${difference(c0, c1)})`;
  return undefined;
}
