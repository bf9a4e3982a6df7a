/**
 * The template AST. Every node and expression carries `start`/`end` offsets into the
 * template source (end exclusive), because the compiler reports diagnostics at the exact
 * column inside a `.journey` string and the editor resolves go-to-definition per path
 * segment.
 */

export interface Span {
  start: number;
  end: number;
}

/** One `.`-separated part of a path, with its own span (go-to-definition, fixes). */
export interface PathSegment extends Span {
  name: string;
}

/**
 * A path: `name.a.b` (head "name"), `this` / `.` / `this.a` (head "this"),
 * `@index` / `@first` / `@last` (head "data", one segment holding the variable name).
 * `segments` holds every named segment, the head name included for head "name".
 */
export interface PathExpr extends Span {
  kind: "path";
  head: "name" | "this" | "data";
  segments: PathSegment[];
  /** The path as written (`a.b`, `.`, `this.x`, `@index`): closing tags match on it. */
  text: string;
}

export interface LiteralExpr extends Span {
  kind: "literal";
  value: string | number | boolean | null;
}

/** A helper call: `{{helper a b}}` or the sub-expression `(helper a b)`. */
export interface CallExpr extends Span {
  kind: "call";
  name: string;
  nameSpan: Span;
  args: Expr[];
  /** True for `(helper …)`, false for the top-level call of a mustache tag. */
  subexpr: boolean;
}

export type Expr = PathExpr | LiteralExpr | CallExpr;

export interface TextNode extends Span {
  kind: "text";
  /** The text after Mustache standalone-line trimming. */
  value: string;
}

export interface CommentNode extends Span {
  kind: "comment";
  value: string;
}

/** `{{=<% %>=}}`: kept in the AST so tools can see where delimiters change. */
export interface DelimitersNode extends Span {
  kind: "delimiters";
  open: string;
  close: string;
}

/** `{{expr}}`, `{{{expr}}}` or `{{&expr}}`. */
export interface MustacheNode extends Span {
  kind: "mustache";
  expr: Expr;
  /** False for `{{{…}}}` and `{{&…}}`. */
  escaped: boolean;
}

/** Mustache section `{{#path}}…{{/path}}` or inverted section `{{^path}}…{{/path}}`. */
export interface SectionNode extends Span {
  kind: "section";
  inverted: boolean;
  path: PathExpr;
  body: TNode[];
  /** The `{{else}}` branch, if any. */
  inverse: TNode[] | null;
  open: Span;
  /** Null when the section was never closed (a syntax error was reported). */
  close: Span | null;
  elseSpan: Span | null;
}

export type BlockHelperName = "if" | "unless" | "each" | "with";

export interface BlockParam extends Span {
  name: string;
}

/** Handlebars built-in block: `{{#if x}}…{{else}}…{{/if}}`, `#unless`, `#each`, `#with`. */
export interface BlockNode extends Span {
  kind: "block";
  helper: BlockHelperName;
  helperSpan: Span;
  args: Expr[];
  /** `as |x i|` */
  params: BlockParam[];
  body: TNode[];
  inverse: TNode[] | null;
  open: Span;
  close: Span | null;
  elseSpan: Span | null;
  /** True for the block opened by `{{else if …}}`: it shares its parent's closing tag. */
  chained: boolean;
}

/** `{{> Name}}`; `indent` is the standalone line's indentation, applied to every line. */
export interface PartialNode extends Span {
  kind: "partial";
  name: string;
  nameSpan: Span;
  indent: string;
}

export type TNode = TextNode | CommentNode | DelimitersNode | MustacheNode | SectionNode | BlockNode | PartialNode;

export const BLOCK_HELPERS: ReadonlySet<string> = new Set<BlockHelperName>(["if", "unless", "each", "with"]);
