/**
 * The Journey printer: AST → Prettier document. One class holds the state (text, comment
 * cursor, embedded HTML); the grammar areas print through it (`declarations.ts`, `steps.ts`,
 * `expressions.ts`, `types.ts`, `strings.ts`, `experiences.ts`, `tests.ts`).
 *
 * Everything is printed in source order: comments are printed by position, so a print
 * function must build its parts left to right.
 */
import { doc, type Doc } from "prettier";
import type { ast } from "@journey/compiler";
import { Base, type Item } from "./base.js";
import { printDeclaration } from "./declarations.js";

const { group, indent, hardline, line, softline } = doc.builders;

export interface BracesOptions {
  brackets: "{}" | "[]" | "()";
  /** Commas between elements: always, or only while on one line. */
  comma: "always" | "flat";
  /** `{ a }` (spaces inside) rather than `[a]`. */
  spaced: boolean;
  shouldBreak?: boolean;
  /** Printed after the closing bracket, inside the group (`-> ReturnType`). */
  suffix?: () => Doc;
}

export class JourneyPrinter extends Base {
  constructor(
    file: ast.SourceFile,
    /** HTML strings already formatted as documents (`journeyFormatHtml`). */
    readonly html: ReadonlyMap<ast.StringExpr, Doc> = new Map(),
  ) {
    super(file);
  }

  printFile(): Doc {
    const items = this.file.declarations.map((d) => this.item(d.span, () => printDeclaration(this, d)));
    const { body } = this.hardList(items, -1, this.text.length);
    return body.length ? [...body, hardline] : "";
  }

  item(span: ast.Span, print: () => Doc): Item {
    return { start: span.start, end: span.end, print };
  }

  /** A name (as written: a record key may be a string), after the comments before it. */
  id(i: ast.Ident): Doc {
    return [this.flush(i.span.start), this.slice(i.span)];
  }

  /** A keyword whose position is known (or found before `before`), after the comments before it. */
  kw(word: string, before: number): Doc {
    return [this.flush(this.keywordBefore(before)), word];
  }

  /** `: ` after a name ending at `nameEnd`, with the block comments written before the colon kept there. */
  colon(nameEnd: number): Doc {
    return this.punctuation(nameEnd, ":", ": ");
  }

  /** ` = ` after what ends at `end` (a name, a target, a type), with the block comments written before the `=` kept there. */
  equals(end: number): Doc {
    return this.punctuation(end, "=", " = ");
  }

  /**
   * The punctuation `ch` (printed as `printed`) that follows what ends at `end` (a name's `:`,
   * a member's `.`, a type's `<`), with the block comments written before it kept there:
   * printing it first would let the next part take them.
   */
  punctuation(end: number, ch: string, printed: string = ch): Doc {
    const at = this.find(end, ch);
    return [...this.blockCommentsBefore(end, at, at + 1), printed];
  }

  /** A clause keyword after a possible line break (`where`, `within`, `limit`…): see `breakBefore`. */
  clause(word: string, before: number): Doc {
    return [this.breakBefore(this.keywordBefore(before)), word];
  }

  /** `{ … }` that is always one element per line: bodies of declarations and blocks. */
  hardBraces(open: number, close: number, items: Item[]): Doc {
    const lead = this.flush(open);
    const sorted = [...items].sort((a, b) => a.start - b.start);
    const { head, body } = this.hardList(sorted, open + 1, close);
    if (!head.length && !body.length) return [lead, "{}"];
    return [lead, "{", ...head, body.length ? indent([hardline, ...body]) : "", hardline, "}"];
  }

  /** Brackets whose elements go on one line when they fit, else one per line. */
  softBraces(open: number, close: number, items: Item[], o: BracesOptions): Doc {
    const lead = this.flush(open);
    const { head, body } = this.softList(items, open + 1, close, o.comma);
    const [l, r] = [o.brackets[0]!, o.brackets[1]!];
    const suffix = o.suffix ?? (() => "");
    if (!head.length && !body.length) return [lead, group([l + r, suffix()])];
    const sep = o.spaced ? line : softline;
    return [lead, group([l, ...head, body.length ? indent([sep, ...body]) : "", sep, r, suffix()], { shouldBreak: o.shouldBreak ?? false })];
  }

  /** Prettier's rule for objects: a line break after the opening brace in the source keeps it broken. */
  brokenInSource(open: number, firstStart: number | undefined, close: number): boolean {
    return this.newlineBetween(open + 1, firstStart ?? close);
  }
}
