/**
 * The template parser: Mustache core syntax (with set delimiters and standalone-line rules)
 * plus the Handlebars subset of the language brief. It never throws: on a syntax error it
 * records a `TemplateError` with offsets and keeps going, so the editor still gets an AST.
 *
 * Three passes, because Mustache's standalone rule needs the neighbours of a tag:
 *   1. tokenize into text and tags (delimiter changes take effect as they are met);
 *   2. decide which tags stand alone on their line and trim that line's whitespace;
 *   3. build the tree with a stack of open sections/blocks.
 */
import {
  BLOCK_HELPERS,
  type BlockHelperName,
  type BlockNode,
  type BlockParam,
  type CallExpr,
  type Expr,
  type LiteralExpr,
  type PathExpr,
  type PathSegment,
  type SectionNode,
  type Span,
  type TNode,
} from "./ast.js";
import { TemplateError } from "./errors.js";

export interface ParseResult {
  nodes: TNode[];
  errors: TemplateError[];
}

type TagKind = "var" | "raw" | "section" | "inverted" | "close" | "comment" | "partial" | "delims" | "else";

interface TextTok {
  t: "text";
  start: number;
  end: number;
  /** Trimmed bounds (set by the standalone pass). */
  from: number;
  to: number;
}

interface TagTok {
  t: "tag";
  kind: TagKind;
  start: number;
  end: number;
  /** Bounds of the tag's content, between the sigil and the closing delimiter. */
  cStart: number;
  cEnd: number;
  open?: string;
  close?: string;
  /** Whitespace before a standalone partial: its indentation. */
  indent: string;
  /** Whitespace control (`{{~`, `~}}`): the white space of the text before / after the tag goes. */
  trimBefore: boolean;
  trimAfter: boolean;
}

type Tok = TextTok | TagTok;

/** Tags that may stand alone on a line (and then take the line's whitespace with them). */
const STANDALONE_KINDS: ReadonlySet<TagKind> = new Set<TagKind>(["section", "inverted", "close", "comment", "partial", "delims", "else"]);

export function parseTemplate(source: string): ParseResult {
  const errors: TemplateError[] = [];
  const toks = tokenize(source, errors);
  // `~` first, as Handlebars: a standalone tag then takes only the indentation `~` left.
  applyWhitespaceControl(source, toks);
  applyStandalone(source, toks);
  const nodes = buildTree(source, toks, errors);
  return { nodes, errors };
}

// ---------------------------------------------------------------------------------------
// 1. Tokenizer

function tokenize(src: string, errors: TemplateError[]): Tok[] {
  const toks: Tok[] = [];
  let open = "{{";
  let close = "}}";
  let pos = 0;
  let textStart = 0;
  const pushText = (start: number, end: number) => {
    if (end > start) toks.push({ t: "text", start, end, from: start, to: end });
  };
  while (pos < src.length) {
    const i = src.indexOf(open, pos);
    if (i < 0) break;
    // Handlebars' whitespace control: `{{~` takes the white space before the tag.
    const trimBefore = src.charCodeAt(i + open.length) === 126; /* ~ */
    const p = i + open.length + (trimBefore ? 1 : 0);
    const c = src[p];
    let kind: TagKind;
    let cStart: number;
    let cEnd: number;
    let end: number;
    let newOpen: string | undefined;
    let newClose: string | undefined;
    /** `~}}`: the tag takes the white space after it. */
    let trimAfter = false;
    if (c === "!") {
      kind = "comment";
      if (src.startsWith("--", p + 1)) {
        cStart = p + 3;
        cEnd = src.indexOf("--" + close, cStart);
        const tilde = src.indexOf("--~" + close, cStart);
        // `--~}}` ends the comment and takes the white space after it.
        if (tilde >= 0 && (cEnd < 0 || tilde < cEnd)) {
          cEnd = tilde;
          end = cEnd + 3 + close.length;
          trimAfter = true;
        } else end = cEnd + 2 + close.length;
      } else {
        cStart = p + 1;
        cEnd = src.indexOf(close, cStart);
        end = cEnd + close.length;
      }
    } else if (c === "=") {
      kind = "delims";
      cStart = p + 1;
      cEnd = src.indexOf("=" + close, cStart);
      end = cEnd + 1 + close.length;
      if (cEnd >= 0) {
        const parts = src.slice(cStart, cEnd).trim().split(/\s+/);
        if (parts.length !== 2 || parts.some((x) => x === "" || x.includes("="))) {
          errors.push(new TemplateError("invalid set-delimiter tag: expected two delimiters like `{{=<% %>=}}`", i, end));
        } else {
          newOpen = parts[0];
          newClose = parts[1];
        }
      }
    } else if (c === "{") {
      kind = "raw";
      cStart = p + 1;
      cEnd = findClose(src, cStart, "}" + close);
      const tilde = findClose(src, cStart, "}~" + close);
      if (tilde >= 0 && (cEnd < 0 || tilde < cEnd)) {
        cEnd = tilde;
        end = cEnd + 2 + close.length;
        trimAfter = true;
      } else end = cEnd + 1 + close.length;
    } else {
      kind = c === "&" ? "raw" : c === "#" ? "section" : c === "^" ? "inverted" : c === "/" ? "close" : c === ">" ? "partial" : "var";
      cStart = kind === "var" ? p : p + 1;
      cEnd = findClose(src, cStart, close);
      end = cEnd + close.length;
    }
    // `~}}` of the other tags (`--~}}` and `}~}}` were found above).
    if (cEnd > cStart && !trimAfter && kind !== "delims" && src.charCodeAt(cEnd - 1) === 126 && !(kind === "comment" && src.startsWith("--", p + 1))) {
      cEnd--;
      trimAfter = true;
    }
    if (cEnd < 0) {
      const expected = kind === "comment" && src.startsWith("--", p + 1) ? "--" + close : c === "{" ? "}" + close : c === "=" ? "=" + close : close;
      const sigil = c !== undefined && "{&#^/>!=".includes(c) ? 1 : 0;
      errors.push(new TemplateError(`unclosed tag: expected \`${expected}\``, i, p + sigil));
      // Keep the rest as text: one missing brace must not hide the whole template.
      break;
    }
    pushText(textStart, i);
    const tag: TagTok = { t: "tag", kind, start: i, end, cStart, cEnd, indent: "", trimBefore, trimAfter };
    if (kind === "var" && isElse(src, cStart, cEnd)) tag.kind = "else";
    if (newOpen !== undefined && newClose !== undefined) {
      tag.open = newOpen;
      tag.close = newClose;
      open = newOpen;
      close = newClose;
    }
    toks.push(tag);
    pos = textStart = end;
  }
  pushText(textStart, src.length);
  return toks;
}

/** Finds `close` from `from`, skipping quoted string literals so `'}}'` can be an argument. */
function findClose(src: string, from: number, close: string): number {
  const c0 = close.charCodeAt(0);
  for (let i = from; i < src.length; i++) {
    const ch = src.charCodeAt(i);
    if (ch === c0 && src.startsWith(close, i)) return i;
    if (ch === 34 /* " */ || ch === 39 /* ' */) {
      const j = skipString(src, i);
      if (j > 0) i = j - 1;
    }
  }
  return -1;
}

/** End (after the closing quote) of the string literal at `i`, or -1 when unterminated on this line. */
function skipString(src: string, i: number): number {
  const q = src.charCodeAt(i);
  for (let j = i + 1; j < src.length; j++) {
    const ch = src.charCodeAt(j);
    if (ch === 92 /* \ */) j++;
    else if (ch === q) return j + 1;
    else if (ch === 10) return -1;
  }
  return -1;
}

/** Whether the tag content [s, e) is `else`, alone or followed by white space (`else if x`). */
function isElse(src: string, s: number, e: number): boolean {
  while (s < e && isSpace(src.charCodeAt(s))) s++;
  if (!src.startsWith("else", s) || s + 4 > e) return false;
  return s + 4 === e || isSpace(src.charCodeAt(s + 4));
}

// ---------------------------------------------------------------------------------------
// 2. Standalone lines (Mustache spec; Handlebars applies the same rule to block tags)

function applyStandalone(src: string, toks: Tok[]): void {
  const standalone: boolean[] = toks.map((tok, k) => {
    if (tok.t !== "tag" || !STANDALONE_KINDS.has(tok.kind)) return false;
    const prev = toks[k - 1];
    const next = toks[k + 1];
    if (prev && prev.t === "tag") return false;
    if (next && next.t === "tag") return false;
    if (prev) {
      const lineStart = afterLastBreak(src, prev.start, prev.end);
      if (lineStart < 0 && prev.start !== 0) return false;
      if (!blank(src, lineStart < 0 ? prev.start : lineStart, prev.end)) return false;
    }
    if (next && standaloneTail(src, next.start, next.end) < 0) return false;
    return true;
  });
  for (let k = 0; k < toks.length; k++) {
    if (!standalone[k]) continue;
    const tag = toks[k] as TagTok;
    const prev = toks[k - 1] as TextTok | undefined;
    const next = toks[k + 1] as TextTok | undefined;
    if (prev) {
      const lineStart = afterLastBreak(src, prev.start, prev.end);
      const cut = lineStart < 0 ? prev.start : lineStart;
      // The indentation is what this cut removes (none when `~` took it already).
      tag.indent = prev.to > Math.max(cut, prev.from) ? src.slice(Math.max(cut, prev.from), prev.to) : "";
      prev.to = Math.min(prev.to, cut);
    }
    if (next) next.from = Math.max(next.from, next.start + Math.max(0, standaloneTail(src, next.start, next.end)));
  }
}

/** `{{~` and `~}}`: the adjacent text loses all its white space on that side, line breaks included (as in Handlebars). */
function applyWhitespaceControl(src: string, toks: Tok[]): void {
  for (let k = 0; k < toks.length; k++) {
    const tag = toks[k]!;
    if (tag.t !== "tag") continue;
    const prev = toks[k - 1];
    const next = toks[k + 1];
    if (tag.trimBefore && prev?.t === "text") while (prev.to > prev.from && isSpace(src.charCodeAt(prev.to - 1))) prev.to--;
    if (tag.trimAfter && next?.t === "text") while (next.from < next.to && isSpace(src.charCodeAt(next.from))) next.from++;
  }
}

// Scanning by char code, in place: this runs for every content string of a project, and a
// regex test per character (or a slice per tag) allocated on every call.

/** The offset after the last `\n` in [start, end), or -1 when there is none. */
function afterLastBreak(src: string, start: number, end: number): number {
  const nl = end > start ? src.lastIndexOf("\n", end - 1) : -1;
  return nl >= start ? nl + 1 : -1;
}

/** Whether [start, end) holds only spaces and tabs. */
function blank(src: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * The length of `[ \t]*(\r?\n|$)` at the start of [start, end), or -1 when it does not
 * match. `$` is the end of the template: a text that ends where another tag starts is not
 * the end of its line.
 */
function standaloneTail(src: string, start: number, end: number): number {
  let i = start;
  while (i < end && (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9)) i++;
  if (i === end) return end === src.length ? i - start : -1;
  if (src.charCodeAt(i) === 10) return i + 1 - start;
  if (src.charCodeAt(i) === 13 && i + 1 < end && src.charCodeAt(i + 1) === 10) return i + 2 - start;
  return -1;
}

/** `\s` as JavaScript's regexes read it. */
function isSpace(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The end of the number `-?[0-9]+(\.[0-9]+)?` at `s` (before `end`), or -1. */
function numberEnd(src: string, s: number, end: number): number {
  let i = s < end && src.charCodeAt(s) === 45 ? s + 1 : s;
  const digits = i;
  while (i < end && isDigit(src.charCodeAt(i))) i++;
  if (i === digits) return -1;
  if (i + 1 < end && src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
    i += 2;
    while (i < end && isDigit(src.charCodeAt(i))) i++;
  }
  return i;
}

// ---------------------------------------------------------------------------------------
// 3. Tree

interface OpenBlock {
  node: SectionNode | BlockNode;
  /**
   * An opening tag that failed to parse: it stays on the stack so that its closing tag
   * still pairs up, and its content goes to the enclosing list (no cascade of errors).
   */
  placeholder?: boolean;
  inElse: boolean;
  /** What the closing tag must say: the section's path as written or the block helper's name. */
  closeName: string;
}

function buildTree(src: string, toks: Tok[], errors: TemplateError[]): TNode[] {
  const root: TNode[] = [];
  const stack: OpenBlock[] = [];
  const target = (): TNode[] => {
    let k = stack.length - 1;
    while (k >= 0 && stack[k].placeholder) k--;
    const top = stack[k];
    if (!top) return root;
    return top.inElse ? (top.node.inverse ??= []) : top.node.body;
  };
  for (const tok of toks) {
    if (tok.t === "text") {
      if (tok.to > tok.from) target().push({ kind: "text", value: src.slice(tok.from, tok.to), start: tok.from, end: tok.to });
      continue;
    }
    const span: Span = { start: tok.start, end: tok.end };
    const ep = new ExprParser(src, tok.cStart, tok.cEnd, errors, span);
    switch (tok.kind) {
      case "comment":
        target().push({ kind: "comment", value: src.slice(tok.cStart, tok.cEnd), start: span.start, end: span.end });
        break;
      case "delims":
        if (tok.open !== undefined && tok.close !== undefined) target().push({ kind: "delimiters", open: tok.open, close: tok.close, start: span.start, end: span.end });
        break;
      case "var":
      case "raw": {
        const expr = ep.parseTagExpression();
        if (expr) target().push({ kind: "mustache", expr, escaped: tok.kind === "var", start: span.start, end: span.end });
        break;
      }
      case "partial": {
        const text = src.slice(tok.cStart, tok.cEnd);
        const lead = text.length - text.trimStart().length;
        const name = text.trim();
        const nameSpan = { start: tok.cStart + lead, end: tok.cStart + lead + name.length };
        if (name === "") {
          errors.push(new TemplateError("expected a partial name after `>`", span.start, span.end));
        } else if (/\s/.test(name)) {
          errors.push(new TemplateError("partial arguments are not supported: write `{{> Name}}`", nameSpan.start, nameSpan.end));
        } else {
          target().push({ kind: "partial", name, nameSpan, indent: tok.indent, start: span.start, end: span.end });
        }
        break;
      }
      case "section":
      case "inverted": {
        const opened = ep.parseOpen(tok.kind === "inverted", span);
        if (opened) {
          target().push(opened.node);
          stack.push(opened);
        } else {
          stack.push(placeholder(src, tok, span));
        }
        break;
      }
      case "else": {
        const top = stack[stack.length - 1];
        if (!top) {
          errors.push(new TemplateError("`{{else}}` outside of a block", span.start, span.end));
          break;
        }
        if (top.placeholder) {
          top.inElse = true;
          break;
        }
        if (top.inElse) {
          errors.push(new TemplateError("a block has only one `{{else}}`", span.start, span.end));
          break;
        }
        top.inElse = true;
        top.node.inverse = [];
        top.node.elseSpan = span;
        ep.pos = src.indexOf("else", tok.cStart) + 4;
        ep.skipWs();
        if (ep.pos < tok.cEnd) {
          // `{{else if x}}`: a chained block inside the inverse, closed by the parent's closing tag.
          const chained = ep.parseOpen(false, span);
          if (chained && chained.node.kind === "block") {
            chained.node.chained = true;
            chained.closeName = top.closeName;
            top.node.inverse.push(chained.node);
            stack.push(chained);
          } else if (chained) {
            errors.push(new TemplateError("expected `{{else}}`, `{{else if …}}` or `{{else unless …}}`", span.start, span.end));
          }
        }
        break;
      }
      case "close": {
        const name = src.slice(tok.cStart, tok.cEnd).trim();
        closeBlock(stack, name, span, errors);
        break;
      }
    }
  }
  while (stack.length) {
    const open = stack.pop()!;
    open.node.end = src.length;
    if (!(open.node.kind === "block" && open.node.chained) && !open.placeholder) {
      errors.push(new TemplateError(`unclosed \`${openText(open)}\`: expected \`{{/${open.closeName}}}\``, open.node.open.start, open.node.open.end));
    }
  }
  return root;
}

/** A stand-in for an opening tag that did not parse; it closes on the tag's first word. */
function placeholder(src: string, tok: TagTok, span: Span): OpenBlock {
  const closeName = src.slice(tok.cStart, tok.cEnd).trim().split(/\s/)[0];
  const path: PathExpr = { kind: "path", head: "name", segments: [], text: closeName, start: tok.cStart, end: tok.cStart };
  const node: SectionNode = { kind: "section", inverted: false, path, body: [], inverse: null, open: span, close: null, elseSpan: null, start: span.start, end: span.end };
  return { node, inElse: false, closeName, placeholder: true };
}

function openText(o: OpenBlock): string {
  return o.node.kind === "section" ? `{{${o.node.inverted ? "^" : "#"}${o.closeName}}}` : `{{#${o.closeName}}}`;
}

function closeBlock(stack: OpenBlock[], name: string, span: Span, errors: TemplateError[]): void {
  // Which open block does this tag close? Chained `else if` blocks close with their parent.
  let k = stack.length - 1;
  while (k >= 0 && stack[k].node.kind === "block" && (stack[k].node as BlockNode).chained) k--;
  if (k < 0) {
    errors.push(new TemplateError(`unexpected closing tag \`{{/${name}}}\`: no block is open`, span.start, span.end));
    return;
  }
  if (stack[k].closeName !== name) {
    // Recover when an outer block matches (an inner one was left open); otherwise drop the tag.
    let m = k - 1;
    while (m >= 0 && stack[m].closeName !== name) m--;
    errors.push(new TemplateError(`closing tag \`{{/${name}}}\` does not match \`${openText(stack[k])}\``, span.start, span.end));
    if (m < 0) return;
    while (m >= 0 && stack[m].node.kind === "block" && (stack[m].node as BlockNode).chained) m--;
    k = m;
  }
  while (stack.length > k) {
    const open = stack.pop()!;
    open.node.close = span;
    open.node.end = span.end;
  }
}

// ---------------------------------------------------------------------------------------
// Expressions inside a tag

/** Characters that end an identifier (Handlebars' ID rule), besides white space: by char code. */
const NOT_ID = new Uint8Array(128);
for (const ch of "!\"#%&'()*+,./;<=>@[\\]^`{|}~") NOT_ID[ch.charCodeAt(0)] = 1;

function isIdChar(c: number): boolean {
  return (c >= 128 || NOT_ID[c] === 0) && !isSpace(c);
}

const DATA_VARS: ReadonlySet<string> = new Set(["index", "first", "last"]);

class ExprParser {
  pos: number;
  constructor(
    private readonly src: string,
    start: number,
    private readonly end: number,
    private readonly errors: TemplateError[],
    private readonly tag: Span,
  ) {
    this.pos = start;
  }

  skipWs(): void {
    while (this.pos < this.end && isSpace(this.src.charCodeAt(this.pos))) this.pos++;
  }

  private error(message: string, start: number, end: number): void {
    this.errors.push(new TemplateError(message, start, Math.max(end, start)));
  }

  private atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** `{{expr}}` / `{{helper a b}}`. */
  parseTagExpression(): Expr | null {
    this.skipWs();
    if (this.atEnd()) {
      this.error("empty tag: expected a name or a helper call", this.tag.start, this.tag.end);
      return null;
    }
    const head = this.parseOperand(true);
    if (!head) return null;
    const args = this.parseArgs(false);
    if (!args) return null;
    if (args.length === 0) return head;
    return this.makeCall(head, args);
  }

  private makeCall(head: Expr, args: Expr[]): CallExpr | null {
    if (head.kind !== "path" || head.head !== "name" || head.segments.length !== 1) {
      this.error("expected a helper name before the arguments", head.start, head.end);
      return null;
    }
    return {
      kind: "call",
      name: head.segments[0].name,
      nameSpan: { start: head.start, end: head.end },
      args,
      subexpr: false,
      start: head.start,
      end: args[args.length - 1].end,
    };
  }

  /** Arguments up to the end of the tag (or `as |…|` when `blockParams`). */
  private parseArgs(blockParams: boolean): Expr[] | null {
    const args: Expr[] = [];
    for (;;) {
      this.skipWs();
      if (this.atEnd()) return args;
      if (blockParams && this.src.startsWith("as", this.pos) && /^as\s*\|/.test(this.src.slice(this.pos, this.end))) return args;
      const a = this.parseOperand(false);
      if (!a) return null;
      args.push(a);
    }
  }

  /** The content of `{{#…}}` / `{{^…}}` (also the part after `else` in `{{else if …}}`). */
  parseOpen(inverted: boolean, span: Span): OpenBlock | null {
    this.skipWs();
    if (this.atEnd()) {
      this.error(`expected a name after \`${inverted ? "^" : "#"}\``, span.start, span.end);
      return null;
    }
    const head = this.parseOperand(true);
    if (!head) return null;
    const name = head.kind === "path" && head.head === "name" && head.segments.length === 1 ? head.segments[0].name : undefined;
    if (!inverted && name !== undefined && BLOCK_HELPERS.has(name)) {
      const helper = name as BlockHelperName;
      const args = this.parseArgs(helper === "each" || helper === "with");
      if (!args) return null;
      const params = this.parseBlockParams();
      if (!params) return null;
      this.skipWs();
      if (!this.atEnd()) {
        this.error("unexpected text after the block parameters", this.pos, this.end);
        return null;
      }
      // Arity errors keep the block (its body and closing tag still pair up): one typo, one error.
      if (args.length !== 1) {
        const where = args.length === 0 ? { start: head.start, end: head.end } : { start: args[1].start, end: args[args.length - 1].end };
        this.error(`\`#${helper}\` takes exactly 1 argument but ${args.length} ${args.length === 1 ? "was" : "were"} supplied`, where.start, where.end);
      }
      const max = helper === "each" ? 2 : helper === "with" ? 1 : 0;
      if (params.length > max) {
        const p = params[max];
        this.error(max === 0 ? `\`#${helper}\` takes no block parameters` : `\`#${helper}\` takes at most ${max} block parameter${max === 1 ? "" : "s"}`, p.start, p.end);
        params.length = max;
      }
      const node: BlockNode = {
        kind: "block",
        helper,
        helperSpan: { start: head.start, end: head.end },
        args,
        params,
        body: [],
        inverse: null,
        open: span,
        close: null,
        elseSpan: null,
        chained: false,
        start: span.start,
        end: span.end,
      };
      return { node, inElse: false, closeName: helper };
    }
    if (head.kind !== "path" || head.head === "data") {
      this.error("expected a name: a section opens with `{{#name}}`", head.start, head.end);
      return null;
    }
    this.skipWs();
    if (!this.atEnd()) {
      if (name !== undefined) {
        this.error(`\`${name}\` is not a block helper: use \`{{#if (${name} …)}}\` or one of \`#if\`, \`#unless\`, \`#each\`, \`#with\``, head.start, head.end);
      } else {
        this.error("unexpected text after the section name", this.pos, this.end);
      }
      return null;
    }
    const node: SectionNode = {
      kind: "section",
      inverted,
      path: head,
      body: [],
      inverse: null,
      open: span,
      close: null,
      elseSpan: null,
      start: span.start,
      end: span.end,
    };
    return { node, inElse: false, closeName: head.text };
  }

  private parseBlockParams(): BlockParam[] | null {
    this.skipWs();
    if (this.atEnd() || !this.src.startsWith("as", this.pos)) return [];
    this.pos += 2;
    this.skipWs();
    if (this.src[this.pos] !== "|") {
      this.error("expected `|` after `as`", this.pos, this.pos + 1);
      return null;
    }
    this.pos++;
    const params: BlockParam[] = [];
    for (;;) {
      this.skipWs();
      if (this.atEnd()) {
        this.error("expected `|` to close the block parameters", this.pos, this.pos);
        return null;
      }
      if (this.src[this.pos] === "|") {
        this.pos++;
        break;
      }
      const s = this.pos;
      const id = this.readId();
      if (!id) {
        this.error(`unexpected \`${this.src[this.pos]}\` in block parameters`, this.pos, this.pos + 1);
        return null;
      }
      // Named twice, the second name would say the index and read the element (the first binding wins).
      if (params.some((p) => p.name === id)) this.error(`block parameter \`${id}\` is named twice: give the element and its index a name each`, s, this.pos);
      else params.push({ name: id, start: s, end: this.pos });
    }
    if (params.length === 0) {
      this.error("expected a block parameter name between `|…|`", this.pos - 2, this.pos);
      return null;
    }
    return params;
  }

  private readId(): string {
    const s = this.pos;
    while (this.pos < this.end && isIdChar(this.src.charCodeAt(this.pos))) this.pos++;
    return this.src.slice(s, this.pos);
  }

  /** Whether the character at `i` ends an operand (space, `)`, `|`, or the end of the tag). */
  private isDelim(i: number): boolean {
    if (i >= this.end) return true;
    const c = this.src.charCodeAt(i);
    return c === 41 /* ) */ || c === 124 /* | */ || isSpace(c);
  }

  private parseOperand(headPosition: boolean): Expr | null {
    const src = this.src;
    const s = this.pos;
    const ch = src[s];
    if (ch === "(") return this.parseSubexpr();
    if (ch === '"' || ch === "'") {
      const e = skipString(src, s);
      if (e < 0 || e > this.end) {
        this.error("unterminated string literal", s, this.end);
        return null;
      }
      this.pos = e;
      const raw = src.slice(s + 1, e - 1);
      const value = raw.replace(/\\(.)/g, "$1");
      if (!this.isDelim(this.pos)) return this.unexpected();
      return { kind: "literal", value, start: s, end: e } satisfies LiteralExpr;
    }
    const numEnd = numberEnd(src, s, this.end);
    if (numEnd >= 0 && this.isDelim(numEnd)) {
      this.pos = numEnd;
      return { kind: "literal", value: Number(src.slice(s, numEnd)), start: s, end: this.pos };
    }
    const path = this.parsePath();
    if (!path) return null;
    if (!headPosition && path.head === "name" && path.segments.length === 1) {
      // `true`/`false`/`null` are literals as arguments; as a head (`{{#null}}`) Mustache reads them as names.
      const n = path.segments[0].name;
      if (n === "true" || n === "false") return { kind: "literal", value: n === "true", start: s, end: this.pos };
      if (n === "null" || n === "undefined") return { kind: "literal", value: null, start: s, end: this.pos };
    }
    return path;
  }

  private unexpected(): null {
    const ch = this.src[this.pos];
    this.error(`unexpected \`${ch}\``, this.pos, this.pos + 1);
    return null;
  }

  private parseSubexpr(): CallExpr | null {
    const s = this.pos;
    this.pos++;
    this.skipWs();
    const ns = this.pos;
    const name = this.readId();
    if (!name) {
      if (this.atEnd() || this.src[this.pos] === ")") this.error("expected a helper name after `(`", s, this.pos + 1);
      else this.unexpected();
      return null;
    }
    const nameSpan = { start: ns, end: this.pos };
    if (this.src[this.pos] === ".") {
      this.error("expected a helper name after `(`", ns, this.pos);
      return null;
    }
    const args: Expr[] = [];
    for (;;) {
      this.skipWs();
      if (this.atEnd()) {
        this.error("expected `)` to close the sub-expression", s, this.end);
        return null;
      }
      if (this.src[this.pos] === ")") {
        this.pos++;
        break;
      }
      const a = this.parseOperand(false);
      if (!a) return null;
      args.push(a);
    }
    if (!this.isDelim(this.pos)) return this.unexpected();
    return { kind: "call", name, nameSpan, args, subexpr: true, start: s, end: this.pos };
  }

  private parsePath(): PathExpr | null {
    const src = this.src;
    const s = this.pos;
    if (src[s] === "@") {
      this.pos++;
      const ns = this.pos;
      const id = this.readId();
      if (!id) return this.unexpected();
      if (!DATA_VARS.has(id)) {
        this.error(`unknown data variable \`@${id}\`: expected \`@index\`, \`@first\` or \`@last\``, s, this.pos);
        return null;
      }
      if (!this.isDelim(this.pos)) return this.unexpected();
      return { kind: "path", head: "data", segments: [{ name: id, start: ns, end: this.pos }], text: src.slice(s, this.pos), start: s, end: this.pos };
    }
    if (src[s] === ".") {
      if (src[s + 1] === "." || src[s + 1] === "/") {
        this.error("parent and relative paths (`../`, `./`) are not supported", s, s + 2);
        return null;
      }
      this.pos++;
      if (!this.isDelim(this.pos)) return this.unexpected();
      return { kind: "path", head: "this", segments: [], text: ".", start: s, end: this.pos };
    }
    const segments: PathSegment[] = [];
    let head: PathExpr["head"] = "name";
    for (;;) {
      const ss = this.pos;
      const id = this.readId();
      if (!id) {
        if (ss > s) this.error("expected a name after `.`", ss - 1, ss);
        else this.unexpected();
        return null;
      }
      if (segments.length === 0 && head === "name" && id === "this") head = "this";
      else segments.push({ name: id, start: ss, end: this.pos });
      if (src[this.pos] === "." && this.pos < this.end) {
        this.pos++;
        continue;
      }
      if (src[this.pos] === "/" && this.pos < this.end) {
        this.error("`/` path separators are not supported: use `.`", this.pos, this.pos + 1);
        return null;
      }
      break;
    }
    if (!this.isDelim(this.pos)) return this.unexpected();
    return { kind: "path", head, segments, text: src.slice(s, this.pos), start: s, end: this.pos };
  }
}
