/**
 * Re-parsing one file after an edit, declaration by declaration.
 *
 * In a file without syntax errors every token belongs to a declaration and declarations
 * parse independently, so an edit only needs the declarations it touches parsed again: the
 * window from the end of the declaration before the edit to the end of the last one it
 * touches (the gap before a declaration holds its doc comment, so it belongs to it). The
 * window is parsed on its own and spliced in; the declarations after it are moved by the
 * length of the edit, in place (copying them cost ten times as much: an edit must not be
 * slower in a long file). Nothing outside the parse may hold their spans: the project copies
 * the spans of everything it keeps across edits. Whenever that shortcut could differ from parsing the whole file (the
 * old or the new text has a syntax error, an unterminated string or comment) the whole
 * file is parsed. Tests compare the result with full parses after random edits.
 */
import type { ParseResult } from "@journey/compiler";
import { diffRegion, safeParse } from "./project.js";

/** Files shorter than this are always parsed whole (it is as fast). */
export const REPARSE_MIN_LENGTH = 2000;

export function reparse(path: string, before: string, old: ParseResult, text: string, log?: (m: string) => void, minLength = REPARSE_MIN_LENGTH): { result: ParseResult; incremental: boolean } {
  const fast = before.length >= minLength ? incremental(path, before, old, text, log) : undefined;
  return fast ? { result: fast, incremental: true } : { result: safeParse(path, text, log), incremental: false };
}

function incremental(path: string, before: string, old: ParseResult, text: string, log?: (m: string) => void): ParseResult | undefined {
  if (old.diagnostics.length) return undefined;
  const change = diffRegion(before, text);
  if (!change) return { file: { ...old.file, text }, diagnostics: [] };
  const decls = old.file.declarations;
  const delta = change.newEnd - change.oldEnd;
  // Declarations whose extent (the gap before them, then themselves) touches the change.
  let first = -1;
  let last = -1;
  for (let k = 0; k < decls.length; k++) {
    const from = k > 0 ? decls[k - 1]!.span.end : 0;
    const to = decls[k]!.span.end;
    if (from <= change.oldEnd && change.start <= to) {
      if (first < 0) first = k;
      last = k;
    } else if (from > change.oldEnd) break;
  }
  let windowStart: number;
  let windowEnd: number;
  if (first < 0) {
    // After the last declaration.
    first = decls.length;
    last = decls.length - 1;
    windowStart = decls.length ? decls[decls.length - 1]!.span.end : 0;
    windowEnd = before.length;
  } else {
    windowStart = first > 0 ? decls[first - 1]!.span.end : 0;
    windowEnd = last === decls.length - 1 ? before.length : decls[last]!.span.end;
  }
  if (change.start < windowStart || change.oldEnd > windowEnd) return undefined;
  const windowText = text.slice(windowStart, windowEnd + delta);
  const r = safeParse(path, windowText, log);
  if (r.diagnostics.length) return undefined;
  const after = decls.slice(last + 1);
  const commentsAfter = old.file.comments.filter((c) => c.span.start >= windowEnd);
  moveSpans(r.file.declarations, windowStart);
  moveSpans(r.file.comments, windowStart);
  moveSpans(after, delta);
  moveSpans(commentsAfter, delta);
  const declarations = [...decls.slice(0, first), ...r.file.declarations, ...after];
  const comments = [...old.file.comments.filter((c) => c.span.end <= windowStart), ...r.file.comments, ...commentsAfter];
  return { file: { path, text, declarations, comments }, diagnostics: [] };
}

/** Move every span of an AST by `delta`, in place (a parse shares no span objects). */
export function moveSpans(value: unknown, delta: number): void {
  if (delta === 0 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) moveSpans(value[i], delta);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === "number" && typeof o.end === "number") {
    o.start = (o.start as number) + delta;
    o.end = (o.end as number) + delta;
  }
  for (const k in o) {
    const x = o[k];
    if (x !== null && typeof x === "object") moveSpans(x, delta);
  }
}

