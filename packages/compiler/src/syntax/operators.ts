/**
 * Operator precedence, applied after parsing. The parser reads an expression as one flat
 * chain (`not`s, operands and binary operators, in source order) in a single rule: a grammar
 * rule per precedence level cost ten rule invocations per operand, the parser's main cost.
 * `fold` builds the same tree those levels built, left-associative at every level.
 */
import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import { tokEnd, tokSpan } from "./tokens.js";

/**
 * Binding strength (higher binds tighter). `not` binds looser than comparisons, tighter than
 * `and`. The formatter reads the same table to know where parentheses are needed.
 */
export const BINARY_PRECEDENCE: Readonly<Record<A.BinaryOp, number>> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "??": 5,
  "+": 6,
  "-": 6,
  "*": 7,
  "/": 7,
  "%": 7,
};
const NOT_OPERAND = 4;

/**
 * What the parser read of one expression: `not` tokens (only before an operand of `and`,
 * `or` or the whole chain), operands (undefined where recovery gave none) and binary
 * operator tokens, in `items[0, length)`. The parser keeps one per nesting depth and reuses
 * it: an array per expression was a tenth of what parsing allocated.
 */
export class Chain {
  private readonly items: (IToken | A.Expr | undefined)[] = [];
  /** Whether each item is a token (`in` on tokens and nodes alike was slow). */
  private readonly tokens: boolean[] = [];
  length = 0;

  push(x: IToken | A.Expr | undefined, isToken: boolean): void {
    this.tokens[this.length] = isToken;
    this.items[this.length++] = x;
  }

  at(i: number): IToken | A.Expr | undefined {
    return this.items[i];
  }

  isToken(i: number): boolean {
    return this.tokens[i]!;
  }

  /** Empties the chain, keeping its storage (and no longer holding what it held). */
  clear(): void {
    for (let i = 0; i < this.length; i++) this.items[i] = undefined;
    this.length = 0;
  }
}

/** The stand-in for an operand that recovery left out. */
export function errorAt(span: A.Span): A.ErrorExpr {
  return { kind: "Error", span };
}

function binaryExpr(left: A.Expr | undefined, opTok: IToken, right: A.Expr | undefined): A.Expr {
  const opEnd = tokEnd(opTok);
  const l = left ?? errorAt(tokSpan(opTok));
  const r = right ?? errorAt({ start: opEnd, end: opEnd });
  return { kind: "Binary", op: opTok.image as A.BinaryOp, opSpan: tokSpan(opTok), left: l, right: r, span: { start: l.span.start, end: Math.max(r.span.end, opEnd) } };
}

export function unaryExpr(op: "not" | "-", tok: IToken, operand: A.Expr | undefined): A.Expr {
  const end = tokEnd(tok);
  const o = operand ?? errorAt({ start: end, end });
  return { kind: "Unary", op, operand: o, span: { start: tok.startOffset, end: Math.max(o.span.end, end) } };
}

/** The tree of a chain (precedence climbing). */
export function fold(chain: Chain): A.Expr {
  if (chain.length === 1) return chain.at(0) as A.Expr;
  let i = 0;
  const climb = (min: number): A.Expr => {
    // A `not` applies to what binds tighter than it: a comparison at most.
    let left = chain.isToken(i) ? unaryExpr("not", chain.at(i++) as IToken, climb(NOT_OPERAND)) : (chain.at(i++) as A.Expr);
    while (i < chain.length) {
      const op = chain.at(i) as IToken;
      const level = BINARY_PRECEDENCE[op.image as A.BinaryOp];
      if (level < min) break;
      i++;
      left = binaryExpr(left, op, climb(level + 1));
    }
    return left;
  };
  return climb(0);
}
