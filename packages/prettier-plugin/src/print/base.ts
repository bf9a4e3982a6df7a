/**
 * The printer's machinery: the source text, the comments (printed by this printer, in source
 * order, by a cursor), small scanners over the text for tokens the AST does not keep (braces,
 * keywords), and the two list layouts every construct is built from.
 *
 * Comments are never attached to nodes: the printer walks the tree in source order and, before
 * printing anything that starts at offset `p`, prints every comment not printed yet that starts
 * before `p`. Lists of statements, fields, entries and arguments place comments more carefully
 * (own line, end of line, after the opening brace) and keep blank lines. The last call prints
 * whatever is left, so no comment can be lost, and none can change order.
 */
import { doc, type Doc } from "prettier";
import type { ast } from "@journey/compiler";

const { hardline, literalline, line, join, breakParent, lineSuffix } = doc.builders;

export type Comment = ast.Comment;

/** One element of a list: a declaration, step, field, entry or argument. */
export interface Item {
  start: number;
  end: number;
  print: () => Doc;
}

export interface ListResult {
  /** Comments on the opening brace's line, printed right after it. */
  head: Doc[];
  /** The elements with their separators; empty when there is nothing inside. */
  body: Doc[];
}

const IGNORE = /^\/\/\s*(?:prettier-ignore|journey-fmt-ignore)\s*$/;

export class Base {
  readonly text: string;
  private readonly comments: Comment[];
  private next = 0;
  private readonly commentAtStart = new Map<number, Comment>();
  private readonly commentAtEnd = new Map<number, Comment>();

  constructor(readonly file: ast.SourceFile) {
    this.text = file.text;
    this.comments = [...file.comments].sort((a, b) => a.span.start - b.span.start);
    for (const c of this.comments) {
      this.commentAtStart.set(c.span.start, c);
      this.commentAtEnd.set(c.span.end, c);
    }
  }

  // ── scanning the text ──────────────────────────────────────────────────────────────

  slice(span: { start: number; end: number }): string {
    return this.text.slice(span.start, span.end);
  }

  newlineBetween(a: number, b: number): boolean {
    return a < b && this.text.slice(a, b).includes("\n");
  }

  blankLineBetween(a: number, b: number): boolean {
    if (a >= b) return false;
    let n = 0;
    for (let i = a; i < b; i++) if (this.text.charCodeAt(i) === 10 && ++n >= 2) return true;
    return false;
  }

  /** The offset of the next character that is neither white space nor part of a comment. */
  nextSignificant(pos: number): number {
    for (;;) {
      while (pos < this.text.length && /\s/.test(this.text[pos]!)) pos++;
      const c = this.commentAtStart.get(pos);
      if (!c) return pos;
      pos = c.span.end;
    }
  }

  /** The offset just after the previous character that is neither white space nor comment. */
  prevSignificantEnd(pos: number): number {
    for (;;) {
      while (pos > 0 && /\s/.test(this.text[pos - 1]!)) pos--;
      const c = this.commentAtEnd.get(pos);
      if (!c) return pos;
      pos = c.span.start;
    }
  }

  /**
   * Where the keyword written just before `pos` starts (`where`, `to`, `else`…), or `pos`.
   * Opening parentheses in between belong to the expression at `pos` (spans exclude them).
   */
  keywordBefore(pos: number): number {
    let end = this.prevSignificantEnd(pos);
    while (end > 0 && this.text[end - 1] === "(") end = this.prevSignificantEnd(end - 1);
    let s = end;
    while (s > 0 && /\w/.test(this.text[s - 1]!)) s--;
    return s < end ? s : pos;
  }

  /** The offset of the next `ch` at or after `pos`, outside comments (`{`, `(`, `[`). */
  find(pos: number, ch: string): number {
    for (;;) {
      pos = this.nextSignificant(pos);
      if (pos >= this.text.length || this.text[pos] === ch) return pos;
      pos = this.skipToken(pos);
    }
  }

  /** The bracket that closes the one at `open`. */
  matching(open: number): number {
    let depth = 0;
    let i = open;
    while (i < this.text.length) {
      i = this.nextSignificant(i);
      const ch = this.text[i];
      if (ch === "{" || ch === "(" || ch === "[") depth++;
      else if (ch === "}" || ch === ")" || ch === "]") {
        if (--depth === 0) return i;
      }
      i = this.skipToken(i);
    }
    return this.text.length;
  }

  /** The offset after the token (or single character) at `pos`; strings are one token. */
  private skipToken(pos: number): number {
    const t = this.text;
    if (t[pos] !== '"') return pos + 1;
    if (t.startsWith('"""', pos)) {
      const end = t.indexOf('"""', pos + 3);
      return end < 0 ? t.length : end + 3;
    }
    let i = pos + 1;
    while (i < t.length && t[i] !== '"' && t[i] !== "\n") i += t[i] === "\\" ? 2 : 1;
    return i + 1;
  }

  // ── comments ───────────────────────────────────────────────────────────────────────

  private peek(): Comment | undefined {
    return this.comments[this.next];
  }

  private take(): Comment {
    const c = this.comments[this.next++]!;
    this.lastEnd = Math.max(this.lastEnd, c.span.end);
    return c;
  }

  /** The end of the last comment printed: nothing printed after a line comment may join its line. */
  private lastEnd = 0;

  /** True when a comment not printed yet lies inside `span`. */
  hasCommentsIn(span: { start: number; end: number }): boolean {
    for (let i = this.next; i < this.comments.length; i++) {
      const c = this.comments[i]!;
      if (c.span.start >= span.end) return false;
      if (c.span.start >= span.start) return true;
    }
    return false;
  }

  /** True when every comment has been printed. */
  get allCommentsPrinted(): boolean {
    return this.next >= this.comments.length;
  }

  /** A comment as printed: line comments lose trailing blanks, `/** … *\/` blocks are re-indented. */
  commentDoc(c: Comment): Doc {
    if (c.kind !== "block") return c.text.trimEnd();
    const lines = c.text.split("\n");
    if (lines.length === 1) return c.text;
    if (lines.slice(1).every((l) => /^\s*\*/.test(l))) {
      return join(hardline, lines.map((l, i) => (i === 0 ? l.trimEnd() : " " + l.trim())));
    }
    // Any other block keeps its lines exactly as written.
    return join(literalline, lines.map((l, i) => (i === lines.length - 1 ? l : l.replace(/\s+$/, ""))));
  }

  /**
   * Every comment before `pos` not printed yet, for a place inside a line: a block comment is
   * followed by a space (or a line break if one followed it in the source); a line comment
   * always ends the line.
   */
  flush(pos: number): Doc {
    const out: Doc[] = [];
    while (this.peek() && this.peek()!.span.start < pos) {
      const c = this.take();
      out.push(this.commentDoc(c));
      if (c.kind !== "block" || this.newlineBetween(c.span.end, this.nextNonBlank(c.span.end))) out.push(hardline);
      else out.push(" ");
    }
    return out;
  }

  /**
   * A `line` before the clause (or operator) at `pos`, for a group that may break there.
   * Comments on the line before it, after what precedes them, stay on that line (block
   * comments where they are, a line comment at its end): `a /* why *\/` then `and b` on the
   * next line. Comments on lines of their own come after the break.
   */
  breakBefore(pos: number): Doc {
    const run: Comment[] = [];
    let end = Math.max(this.prevSignificantEnd(pos), this.lastEnd);
    for (let i = this.next; i < this.comments.length; i++) {
      const c = this.comments[i]!;
      if (c.span.start >= pos || this.newlineBetween(end, c.span.start)) break;
      run.push(c);
      end = c.span.end;
      if (c.kind !== "block") break;
    }
    const trailing: Doc[] = [];
    const endsLine = run.length > 0 && run[run.length - 1]!.kind !== "block";
    for (const c of run) {
      this.take();
      trailing.push(endsLine ? lineSuffix([" ", this.commentDoc(c)]) : [" ", this.commentDoc(c)]);
    }
    if (endsLine) trailing.push(breakParent);
    return [...trailing, line, this.flush(pos)];
  }

  /**
   * Comments inside an item that nothing in it printed (a safety net: every construct prints
   * the comments before its parts), printed after it.
   */
  private flushAfter(pos: number): { doc: Doc[]; endsLine: boolean } {
    const doc: Doc[] = [];
    let endsLine = false;
    while (this.peek() && this.peek()!.span.start < pos) {
      const c = this.take();
      doc.push(endsLine ? hardline : " ", this.commentDoc(c));
      endsLine = c.kind !== "block";
      if (endsLine) doc.push(breakParent);
    }
    return { doc, endsLine };
  }

  private nextNonBlank(pos: number): number {
    while (pos < this.text.length && /\s/.test(this.text[pos]!)) pos++;
    return pos;
  }

  /** Block comments after `pos` on its line and before `comma` (when it comes before `limit`), printed where they are. */
  protected blockCommentsBefore(pos: number, comma: number, limit: number): Doc[] {
    const doc: Doc[] = [];
    if (comma >= limit) return doc;
    for (let c = this.peek(); c && c.kind === "block" && c.span.start < comma && !this.newlineBetween(pos, c.span.start); c = this.peek()) {
      this.take();
      doc.push(" ", this.commentDoc(c));
      pos = c.span.end;
    }
    return doc;
  }

  /** Comments after `pos` on the same line, before `limit`: they end the line they are on. */
  private trailing(pos: number, limit: number, soft: boolean): { doc: Doc[]; end: number } {
    const doc: Doc[] = [];
    let end = Math.max(pos, this.lastEnd);
    for (let c = this.peek(); c && c.span.start < limit && !this.newlineBetween(end, c.span.start); c = this.peek()) {
      this.take();
      doc.push(" ", this.commentDoc(c));
      if (c.kind !== "block" && soft) doc.push(breakParent);
      end = c.span.end;
      if (c.kind !== "block") break;
    }
    return { doc, end };
  }

  private isIgnore(c: Comment | undefined): boolean {
    return !!c && c.kind === "line" && IGNORE.test(c.text);
  }

  /** An item printed as written (after `// prettier-ignore`); its comments count as printed. */
  private verbatim(item: Item): Doc {
    return this.verbatimRange(item.start, item.end);
  }

  /** The source from `start` to `end` as written; the comments in it count as printed. */
  verbatimRange(start: number, end: number): Doc {
    while (this.peek() && this.peek()!.span.start < end) this.take();
    return join(literalline, this.text.slice(start, end).split("\n"));
  }

  /**
   * A list that is always one element per line (declarations, steps, clauses, fields of a
   * declaration body). Blank lines between elements are kept, at most one.
   *
   * @param openEnd the offset after the opening brace (comments on its line go to `head`), or -1
   * @param close the offset of the closing brace (or the end of the file)
   */
  hardList(items: Item[], openEnd: number, close: number): ListResult {
    return this.list(items, openEnd, close, { between: hardline, blank: hardline, soft: false });
  }

  /**
   * A list that may sit on one line (records, field blocks, lists, arguments): elements are
   * separated by `line`, so the enclosing group decides. A line comment anywhere forces the
   * group to break. `comma` is printed between elements: always (lists, arguments) or only
   * when the group stays on one line (records and field blocks).
   */
  softList(items: Item[], openEnd: number, close: number, comma: "always" | "flat"): ListResult {
    return this.list(items, openEnd, close, { between: line, blank: doc.builders.softline, soft: true, comma: comma === "always" ? "," : doc.builders.ifBreak("", ",") });
  }

  /**
   * The elements of a list with the comments between them: comments on the opener's line go
   * to `head`; a block comment glued to an element stays before it on its line; other
   * comments take a line of their own. In a soft list a line comment breaks the group.
   */
  private list(items: Item[], openEnd: number, close: number, style: { between: Doc; blank: Doc; soft: boolean; comma?: Doc }): ListResult {
    const head: Doc[] = [];
    const body: Doc[] = [];
    let prevEnd = -1;
    let pending: Doc[] = [];
    let pendingStart = -1;
    let lastComment: Comment | undefined;
    const emit = (d: Doc, start: number, end: number) => {
      if (prevEnd >= 0) {
        body.push(style.between);
        if (this.blankLineBetween(prevEnd, start)) body.push(style.blank);
      }
      body.push(d);
      prevEnd = end;
    };
    const leading = (limit: number, isItem: boolean) => {
      for (let c = this.peek(); c && c.span.start < limit; c = this.peek()) {
        this.take();
        lastComment = c;
        const after = this.nextNonBlank(c.span.end);
        const onOpenerLine = prevEnd < 0 && !pending.length && openEnd >= 0 && !this.newlineBetween(openEnd, c.span.start);
        const glued = c.kind === "block" && !this.newlineBetween(c.span.end, after);
        // A block comment followed on its line by another comment stays on that line with it
        // (`/* a */ // b` before a closing brace, or after an opening one when a line comment
        // ends the line): apart, the next run would keep them apart.
        const nextComment = glued && after < limit ? this.commentAtStart.get(after) : undefined;
        const gluedToComment = nextComment !== undefined;
        const d: Doc = style.soft && c.kind !== "block" ? [this.commentDoc(c), breakParent] : this.commentDoc(c);
        if (onOpenerLine && (!glued || !isItem || (gluedToComment && nextComment.kind !== "block"))) {
          head.push(" ", d);
        } else if (glued && (isItem || gluedToComment)) {
          if (pendingStart < 0) pendingStart = c.span.start;
          pending.push(d, " ");
        } else {
          emit([...pending, d], pendingStart >= 0 ? pendingStart : c.span.start, c.span.end);
          pending = [];
          pendingStart = -1;
        }
      }
    };
    items.forEach((item, i) => {
      lastComment = undefined;
      leading(item.start, true);
      const ignore = this.isIgnore(lastComment) && !pending.length;
      const printed = ignore ? this.verbatim(item) : item.print();
      // Comments left inside the item go after it, and after its comma.
      const inside = this.flushAfter(item.end);
      const last = i + 1 === items.length;
      const limit = last ? close : items[i + 1]!.start;
      // Block comments written before the item's comma stay before it (`max(1 /* one */, 2)`).
      const beforeComma = !inside.endsLine && !last ? this.blockCommentsBefore(item.end, this.find(item.end, ","), limit) : [];
      // After a line comment, nothing more fits on the line.
      const t = inside.endsLine ? { doc: [], end: item.end } : this.trailing(item.end, limit, style.soft);
      const comma = last || !style.comma ? "" : style.comma;
      // A line comment left inside the item ends the line: the comma goes before it.
      const tail = inside.endsLine ? [comma, ...inside.doc] : [...inside.doc, ...beforeComma, comma, ...t.doc];
      emit([...pending, printed, ...tail], pendingStart >= 0 ? pendingStart : item.start, t.end);
      pending = [];
      pendingStart = -1;
    });
    leading(close, false);
    if (pending.length) emit(pending, pendingStart, pendingStart);
    return { head, body };
  }
}
