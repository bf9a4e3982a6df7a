/**
 * Text-level facts that hold even when a file does not parse: where strings and comments
 * are, the word at a position, the blocks that enclose a position. Completion works on text
 * being typed, so it leans on these rather than on the AST alone.
 */
import type { Span } from "./types.js";

export interface Region {
  kind: "string" | "triple" | "comment";
  start: number;
  end: number;
  /** False for a string or block comment that never closed. */
  closed: boolean;
}

/** Strings and comments of a file, in order (the same rules as the compiler's lexer). */
export function scanRegions(text: string): Region[] {
  const out: Region[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        // A line comment has no closing delimiter: the end of its line is still inside it.
        out.push({ kind: "comment", start: i, end: j, closed: false });
        i = j;
        continue;
      }
      if (d === 42 /* * */) {
        const close = text.indexOf("*/", i + 2);
        const end = close < 0 ? n : close + 2;
        out.push({ kind: "comment", start: i, end, closed: close >= 0 });
        i = end;
        continue;
      }
    } else if (c === 34 /* " */) {
      if (text.startsWith('"""', i)) {
        const close = text.indexOf('"""', i + 3);
        const end = close < 0 ? n : close + 3;
        out.push({ kind: "triple", start: i, end, closed: close >= 0 });
        i = end;
        continue;
      }
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const e = text.charCodeAt(j);
        if (e === 92 /* \ */ && j + 1 < n && text.charCodeAt(j + 1) !== 10 && text.charCodeAt(j + 1) !== 13) {
          j += 2;
          continue;
        }
        if (e === 10 || e === 13) break;
        j++;
        if (e === 34) {
          closed = true;
          break;
        }
      }
      out.push({ kind: "string", start: i, end: j, closed });
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

/** The region holding `offset` strictly inside (after its opening delimiter, before its closing one). */
export function regionAt(regions: Region[], offset: number): Region | undefined {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = regions[mid]!;
    if (offset <= r.start) hi = mid - 1;
    else if (offset > r.end || (offset === r.end && r.closed)) lo = mid + 1;
    else {
      if (r.kind === "triple" && offset < r.start + 3) return undefined;
      if (r.closed && r.kind !== "comment" && offset > r.end - (r.kind === "triple" ? 3 : 1)) return undefined;
      return r;
    }
  }
  return undefined;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A string literal's contents (inside its quotes; to its end when it never closed) and the literal itself, quotes included. */
export function stringSpans(text: string, s: { span: Span }): { span: Span; literal: Span } {
  const q = text.startsWith('"""', s.span.start) ? 3 : 1;
  const closed = s.span.end - s.span.start >= 2 * q && text.slice(s.span.end - q, s.span.end) === '"'.repeat(q);
  return { span: { start: s.span.start + q, end: closed ? s.span.end - q : s.span.end }, literal: s.span };
}

export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

/** The identifier-ish word that ends at `offset` (what is being typed), and its span. */
export function wordBefore(text: string, offset: number): { word: string; span: Span } {
  let s = offset;
  while (s > 0 && isWordChar(text.charCodeAt(s - 1))) s--;
  return { word: text.slice(s, offset), span: { start: s, end: offset } };
}

/** The whole word around `offset`. */
export function wordAt(text: string, offset: number): { word: string; span: Span } {
  let s = offset;
  while (s > 0 && isWordChar(text.charCodeAt(s - 1))) s--;
  let e = offset;
  while (e < text.length && isWordChar(text.charCodeAt(e))) e++;
  return { word: text.slice(s, e), span: { start: s, end: e } };
}

/**
 * Code text with comments blanked to spaces and string contents to `x` (same length, line
 * breaks kept), for scanning punctuation without being fooled by `{` inside a string.
 */
export function codeOnly(text: string, regions: Region[]): string {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  for (const r of regions) {
    const delim = r.kind === "triple" ? 3 : r.kind === "string" ? 1 : 0;
    const from = r.kind === "comment" ? r.start : r.start + delim;
    const to = r.kind !== "comment" && r.closed ? r.end - delim : r.end;
    const fill = r.kind === "comment" ? 32 : 120; // " " or "x"
    for (let i = from; i < to; i++) {
      const c = codes[i]!;
      if (c !== 10 && c !== 13) codes[i] = fill;
    }
  }
  return utf16.decode(codes);
}

/** `ignoreBOM` keeps a leading U+FEFF: dropped, it made `code` one shorter than the text it must align with. */
const utf16 = new TextDecoder("utf-16le", { ignoreBOM: true });

export interface OpenBlock {
  /** Offset of the `{`. */
  open: number;
  /** The text before the `{` on its statement (trimmed, one line, strings shown as `"x"`). */
  header: string;
}

/** The blocks (`{` not yet closed) around `offset`, innermost last. `code` is from `codeOnly`. */
export function openBlocks(code: string, offset: number): OpenBlock[] {
  const stack: number[] = [];
  const parens: number[] = [];
  for (let i = 0; i < offset && i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 123) stack.push(i);
    else if (c === 125) stack.pop();
    else if (c === 40 || c === 91) parens.push(i);
    else if (c === 41 || c === 93) parens.pop();
  }
  return stack.map((open) => ({ open, header: headerBefore(code, open) }));
}

/** The offset just after the `}` that closes the `{` at `open` (`code` is from `codeOnly`); -1 when it is still open. */
export function blockEnd(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i + 1;
  }
  return -1;
}

function headerBefore(code: string, open: number): string {
  let s = open;
  // Back to the start of the statement: a line break outside brackets, or a `{`/`}` of another block.
  let depth = 0;
  while (s > 0) {
    const c = code.charCodeAt(s - 1);
    if (c === 41 || c === 93 || (c === 125 && depth >= 0 && isRecordClose(code, s - 1))) depth++;
    else if (c === 40 || c === 91) depth--;
    else if (c === 123 && depth > 0) depth--;
    else if (depth <= 0 && (c === 10 || c === 13 || c === 123 || c === 125)) break;
    s--;
  }
  return code.slice(s, open).replace(/\s+/g, " ").trim();
}

/** A `}` that closes a record type inside a header (`-> { a: int } {`), not a previous block. */
function isRecordClose(code: string, at: number): boolean {
  // Followed (on the same line) by `{` or `|`: it belongs to the header being read.
  let j = at + 1;
  while (j < code.length && (code[j] === " " || code[j] === "\t")) j++;
  return code[j] === "{" || code[j] === "|";
}

/** The previous non-blank character before `offset` and its offset (-1 at the start). */
export function prevChar(code: string, offset: number): { ch: string; at: number; newline: boolean } {
  let i = offset - 1;
  let newline = false;
  while (i >= 0 && /\s/.test(code[i]!)) {
    if (code[i] === "\n") newline = true;
    i--;
  }
  return { ch: i >= 0 ? code[i]! : "", at: i, newline };
}

/**
 * The last tokens before `offset` in `code` (from `codeOnly`), nearest last: words, strings
 * (as `"`), punctuation (`->`, `==`, `!=`, `<=`, `>=`, `??` as one token) and `\n` for a
 * line break between tokens.
 */
export function lastTokens(code: string, offset: number, max = 8): string[] {
  const out: string[] = [];
  let i = offset;
  while (i > 0 && out.length < max) {
    const c = code[i - 1]!;
    if (c === "\n" || c === "\r") {
      if (out[0] !== "\n") out.unshift("\n");
      i--;
      continue;
    }
    if (c === " " || c === "\t") {
      i--;
      continue;
    }
    if (/[A-Za-z0-9_%]/.test(c)) {
      let s = i;
      while (s > 0 && /[A-Za-z0-9_%:.-]/.test(code[s - 1]!) && !(code[s - 1] === "." && !/[0-9]/.test(code[s - 2] ?? ""))) {
        if ((code[s - 1] === ":" || code[s - 1] === "-") && !/[0-9]/.test(code[s - 2] ?? "")) break;
        s--;
      }
      out.unshift(code.slice(s, i));
      i = s;
      continue;
    }
    if (c === '"') {
      // A whole string literal (its contents are `x`s): one token.
      let s = i - 1;
      while (s > 0 && code[s - 1] !== '"' && code[s - 1] !== "\n") s--;
      while (s > 0 && code[s - 1] === '"') s--;
      out.unshift('"');
      i = s;
      continue;
    }
    const two = code.slice(i - 2, i);
    if (["->", "==", "!=", "<=", ">=", "??"].includes(two)) {
      out.unshift(two);
      i -= 2;
      continue;
    }
    out.unshift(c);
    i--;
  }
  if (out[0] === "\n") out.shift();
  return out;
}

/** The words of the statement before `at` (continuation lines included), normalised to single spaces. */
export function statementWords(code: string, at: number, blocks: OpenBlock[]): string {
  const from = blocks.length ? blocks[blocks.length - 1]!.open + 1 : 0;
  const lines = code.slice(from, at).split(/\r?\n/);
  let i = lines.length - 1;
  const continues = (line: string) => /^\s*(where|exclude|limit|backup|as|within|to|and|or|timeout)\b/.test(line) || /^\s*[.?+*/%=!<>-]/.test(line);
  const openEnd = (line: string) => /(\b(and|or|not|in|where|to)|[-+*/%=<>(,[]|\?\?)\s*$/.test(line);
  while (i > 0 && (continues(lines[i]!) || openEnd(lines[i - 1]!) || depthOpen(lines.slice(0, i).join("\n")))) i--;
  const text = lines.slice(i).join(" ");
  // A closed block on an earlier line belongs to another statement.
  const last = Math.max(text.lastIndexOf("}"), text.lastIndexOf("{"));
  return (last >= 0 ? text.slice(last + 1) : text).replace(/\s+/g, " ").trim();
}

function depthOpen(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === "(" || c === "[") d++;
    else if (c === ")" || c === "]") d--;
  }
  return d > 0;
}
