/**
 * Expressions. The AST keeps no parentheses: they are printed where precedence needs them,
 * and where a reader would otherwise have to know the table (`and` inside `or`, `%` beside
 * `*` or `/`, a comparison beside a comparison or under `not`).
 *
 * A chain of one operator breaks before each operator, indented; a chain inside it that breaks
 * too (in parentheses, or of another precedence) is indented one level more, as Prettier
 * indents a nested chain, so its lines never line up with the outer chain's operators:
 *
 *     profile.consent.email
 *       and profile.city != null
 *       and (profile.lastPromoAt == null or daysSince(profile.lastPromoAt) >= 7)
 *
 *     (profile.consent.sms
 *         or profile.consent.push)
 *       and length(cart.items) > 3
 */
import { doc, type Doc } from "prettier";
import { BINARY_PRECEDENCE, type ast } from "@journey/compiler";
import type { JourneyPrinter } from "./printer.js";
import { printString } from "./strings.js";

const { group, indent, line, softline, fill } = doc.builders;

type Expr = ast.Expr;

/** Precedence levels: what the grammar accepts where. */
export const Prec = {
  any: 0,
  /** Operands of `not`. */
  not: 3,
  /** Operands of unary `-`. */
  unary: 8,
  /** Objects of `.name` and `[i]`. */
  postfix: 9,
  /** Literals, names, calls, lists, records (`expect … where f == <primary>`). */
  primary: 10,
} as const;

function precOf(e: Expr): number {
  switch (e.kind) {
    case "Conditional":
      // Its `else` value runs to the end: in parentheses under any operator.
      return 0;
    case "Binary":
      return BINARY_PRECEDENCE[e.op];
    case "Unary":
      return e.op === "not" ? 3 : 8;
    case "Member":
    case "Index":
      return 9;
    default:
      return 10;
  }
}

/** An operand that needs parentheses under `parent`, on the given side. */
function needsParens(child: Expr, parent: ast.BinaryExpr, side: "left" | "right"): boolean {
  const p = BINARY_PRECEDENCE[parent.op];
  const c = precOf(child);
  if (c < p) return true;
  if (child.kind !== "Binary") return false;
  if (c === p && side === "right") return true;
  // For the reader: `(a and b) or c`, `(a * b) % c`.
  if (parent.op === "or" && child.op === "and") return true;
  if (p === 4 && c === 4) return true;
  if (p === 7 && c === 7 && (parent.op === "%") !== (child.op === "%")) return true;
  return false;
}

export function printExpr(p: JourneyPrinter, e: Expr, min: number = Prec.any): Doc {
  if (precOf(e) < min) return parenthesized(p, e);
  return [p.flush(sourceStart(p, e)), printInner(p, e)];
}

/**
 * The `(` written just before `pos`, on its line, when it is the only one there: spans exclude
 * parentheses, so which node of `((a or b) and c)` owns which `(` is not known, and comments
 * after several are printed before them all, as before any expression.
 */
function singleParen(p: JourneyPrinter, pos: number): number | undefined {
  const end = p.prevSignificantEnd(pos);
  if (p.text[end - 1] !== "(" || p.newlineBetween(end, pos)) return undefined;
  return p.text[p.prevSignificantEnd(end - 1) - 1] === "(" ? undefined : end - 1;
}

/**
 * Where the comments printed before `e` end. A chain's (or a member's) span starts at its first
 * operand, inside that operand's parentheses if it has some: the comments inside them are the
 * operand's, printed inside its parentheses (see `parenthesized`).
 */
function sourceStart(p: JourneyPrinter, e: Expr): number {
  if (e.kind !== "Binary" && e.kind !== "Member" && e.kind !== "Index") return e.span.start;
  return singleParen(p, e.span.start) ?? e.span.start;
}

/**
 * `(e)`. When the source has the parentheses too, the comments written just inside them are
 * printed inside, not moved out: `(/* why *\/ a or b /* and why *\/)`. A line comment after
 * the `(` goes before it: inside, it would leave the operand at the start of a line.
 */
function parenthesized(p: JourneyPrinter, e: Expr, grouped = true): Doc {
  // Printed as `((a and b) or c)`, the source's one `(` is no longer told apart from the one
  // added inside it: the comments after it go before both, as they will on the next run.
  const open = startsWithParen(e) ? undefined : singleParen(p, e.span.start);
  const lead = p.flush(open ?? e.span.start);
  const inner = [p.flush(e.span.start), grouped ? printInner(p, e) : hangingParts(p, e)];
  const close = p.text[p.nextSignificant(e.span.end)] === ")" ? p.punctuation(e.span.end, ")") : ")";
  return [lead, "(", inner, close];
}

/** Whether `e` prints with a `(` first: a chain whose first operand is parenthesized (see `binaryParts`). */
function startsWithParen(e: Expr): boolean {
  if (e.kind !== "Binary") return false;
  const first = chainOf(e)[0]!;
  return needsParens(first.left, first, "left");
}

function printInner(p: JourneyPrinter, e: Expr): Doc {
  switch (e.kind) {
    case "String":
      return printString(p, e);
    case "Number":
    case "Duration":
    case "DateTime":
    case "TimeOfDay":
    case "Error":
      return p.slice(e.span);
    case "Bool":
      return e.value ? "true" : "false";
    case "Null":
      return "null";
    case "Name":
      return e.name;
    case "Member":
      return [printExpr(p, e.object, Prec.postfix), p.punctuation(e.object.span.end, "."), p.id(e.property)];
    case "Index":
      return [printExpr(p, e.object, Prec.postfix), p.punctuation(e.object.span.end, "["), printExpr(p, e.index), p.flush(e.span.end - 1), "]"];
    case "Call":
      return printCall(p, e);
    case "Unary":
      // `- -x`, not `--x`.
      if (e.op === "-") return [e.operand.kind === "Unary" && e.operand.op === "-" ? "- " : "-", printExpr(p, e.operand, Prec.unary)];
      return ["not ", printExpr(p, e.operand, e.operand.kind === "Binary" ? Prec.primary : Prec.not)];
    case "Binary":
    case "Conditional":
      return group(hangingParts(p, e));
    case "List":
      return printList(p, e);
    case "Record":
      return printRecord(p, e);
  }
}

/**
 * `if c then a else b` on one line, or broken before each `else`, an `else if` chain one arm a
 * line:
 *
 *     let rate = if profile.tier == "gold" then 2
 *       else if profile.tier == "silver" then 1.5
 *       else 1
 */
function conditionalParts(p: JourneyPrinter, e: ast.ConditionalExpr): Doc {
  // A conditional as another's condition or `then` value, in parentheses for the reader (as in an `if` step's condition).
  const part = (x: Expr): Doc => (x.kind === "Conditional" ? parenthesized(p, x) : printExpr(p, x));
  const arm = (c: ast.ConditionalExpr): Doc[] => ["if ", part(c.condition), " ", p.flush(c.thenSpan.start), "then ", part(c.then)];
  // Printed in source order: each part prints the comments written before it.
  const first = arm(e);
  const rest: Doc[] = [];
  let c = e;
  for (; c.otherwise.kind === "Conditional"; c = c.otherwise) rest.push(p.breakBefore(c.elseSpan.start), "else ", p.flush(c.otherwise.span.start), arm(c.otherwise));
  rest.push(p.breakBefore(c.elseSpan.start), "else ", printExpr(p, c.otherwise));
  return indent([first, ...rest]);
}

/**
 * Whether `e` breaks with hanging lines (a chain, a conditional value, `not` or `-` of one)
 * rather than inside brackets (a call, a list, a record).
 */
function hangs(e: Expr): boolean {
  return e.kind === "Binary" || e.kind === "Conditional" || (e.kind === "Unary" && hangs(e.operand));
}

/** The parts of a chain or a conditional value, without the group around them. */
function hangingParts(p: JourneyPrinter, e: Expr): Doc {
  if (e.kind === "Binary") return binaryParts(p, e);
  if (e.kind === "Conditional") return conditionalParts(p, e);
  return printInner(p, e);
}

/**
 * A condition that breaks with the header it is in (`if a and b {`, `if not (a or b) {`): its
 * line breaks belong to the header's group, not to one of their own. Otherwise a header that
 * only the ` {` after it makes too long would break (putting the `{` on a line of its own)
 * while the condition, measured without the ` {`, stayed on one line; formatting again would
 * then join them back. `hangs` is false when the condition breaks inside brackets (a call):
 * the ` {` then stays after the closing one.
 */
export function printCondition(p: JourneyPrinter, e: Expr): { doc: Doc; hangs: boolean } {
  // `if (if a then b else c) {`: the second `if` in parentheses, for the reader.
  if (e.kind === "Conditional") return { doc: parenthesized(p, e, false), hangs: true };
  if (e.kind === "Unary" && e.op === "not" && (e.operand.kind === "Binary" || e.operand.kind === "Conditional")) {
    return { doc: [p.flush(e.span.start), "not ", parenthesized(p, e.operand, false)], hangs: true };
  }
  if (e.kind !== "Binary") return { doc: printExpr(p, e), hangs: false };
  return { doc: [p.flush(sourceStart(p, e)), binaryParts(p, e)], hangs: true };
}

/**
 * `first`, then an indented `op operand` on a new line each when the chain breaks. A first
 * operand that hangs breaks one level deeper than the operators (the later operands are
 * inside the indent already).
 */
function binaryParts(p: JourneyPrinter, e: ast.BinaryExpr): Doc[] {
  const nodes = chainOf(e);
  const head = nodes[0]!;
  const first = hangs(head.left) ? indent(printOperand(p, head.left, head, "left")) : printOperand(p, head.left, head, "left");
  const rest: Doc[] = [];
  for (const n of nodes) rest.push(p.breakBefore(n.opSpan.start), n.op, " ", printOperand(p, n.right, n, "right"));
  return [first, indent(rest)];
}

/** The chain of one precedence level `e` ends, leftmost node first: `a and b and c`. */
function chainOf(e: ast.BinaryExpr): ast.BinaryExpr[] {
  const nodes: ast.BinaryExpr[] = [e];
  for (let cur = e; cur.left.kind === "Binary" && sameLevel(cur.left, cur); cur = cur.left) nodes.unshift(cur.left);
  return nodes;
}

function sameLevel(child: ast.BinaryExpr, parent: ast.BinaryExpr): boolean {
  return BINARY_PRECEDENCE[child.op] === BINARY_PRECEDENCE[parent.op] && !needsParens(child, parent, "left");
}

function printOperand(p: JourneyPrinter, operand: Expr, parent: ast.BinaryExpr, side: "left" | "right"): Doc {
  if (needsParens(operand, parent, side)) return parenthesized(p, operand);
  return [p.flush(sourceStart(p, operand)), printInner(p, operand)];
}

export function printCall(p: JourneyPrinter, e: ast.CallExpr): Doc {
  return [p.id(e.callee), printArgs(p, e.args, e.callee.span.end)];
}

/** `(a, name: b)`, the arguments after `from` (the end of the callee). */
export function printArgs(p: JourneyPrinter, args: ast.Arg[], from: number): Doc {
  const open = p.find(from, "(");
  const close = p.matching(open);
  const items = args.map((a) =>
    p.item(a.span, () => (a.name ? [p.id(a.name), p.colon(a.name.span.end), printExpr(p, a.value)] : printExpr(p, a.value))),
  );
  return p.softBraces(open, close, items, { brackets: "()", comma: "always", spaced: false });
}

function printList(p: JourneyPrinter, e: ast.ListExpr): Doc {
  const open = e.span.start;
  const close = e.span.end - 1;
  // Prettier's rule: a list of numbers fills its lines instead of taking one line per number.
  const isNumber = (x: Expr) => x.kind === "Number" || (x.kind === "Unary" && x.op === "-" && x.operand.kind === "Number");
  if (e.items.length > 1 && e.items.every(isNumber) && !p.hasCommentsIn(e.span)) {
    const parts: Doc[] = [];
    e.items.forEach((x, i) => {
      parts.push(printExpr(p, x));
      if (i + 1 < e.items.length) parts.push([",", line]);
    });
    return group(["[", indent([softline, fill(parts)]), softline, "]"]);
  }
  const items = e.items.map((x) => p.item(x.span, () => printExpr(p, x)));
  // Prettier's rule: a list of several records (or lists) with several entries each is one per line.
  const manyBig =
    e.items.length > 1 &&
    e.items.every((x) => (x.kind === "Record" && x.entries.length > 1) || (x.kind === "List" && x.items.length > 1));
  return p.softBraces(open, close, items, { brackets: "[]", comma: "always", spaced: false, shouldBreak: manyBig });
}

export function printRecord(p: JourneyPrinter, e: ast.RecordExpr): Doc {
  const open = e.span.start;
  const close = e.span.end - 1;
  const items = e.entries.map((x) => p.item(x.span, () => [p.id(x.name), p.colon(x.name.span.end), printExpr(p, x.value)]));
  return p.softBraces(open, close, items, {
    brackets: "{}",
    comma: "flat",
    spaced: true,
    shouldBreak: p.brokenInSource(open, e.entries[0]?.span.start, close),
  });
}
