/** `test` blocks: setup, events and expectations. */
import { doc, type Doc } from "prettier";
import type { ast } from "@journey/compiler";
import { Prec, printExpr, printRecord } from "./expressions.js";
import type { JourneyPrinter } from "./printer.js";
import { printString } from "./strings.js";

const { group, indent, indentIfBreak } = doc.builders;

export function printTest(p: JourneyPrinter, d: ast.TestDecl): Doc {
  const items = d.items.map((x) => p.item(x.span, () => printTestItem(p, x)));
  return ["test ", printString(p, d.name), " ", p.hardBraces(p.find(d.name.span.end, "{"), d.span.end - 1, items)];
}

function printTestItem(p: JourneyPrinter, x: ast.TestItem): Doc {
  switch (x.kind) {
    case "TestStart":
      return ["start ", printExpr(p, x.time)];
    case "TestProfile":
      return ["profile ", printString(p, x.id), " ", printRecord(p, x.value)];
    case "TestCatalog":
      return ["catalog ", p.id(x.catalog), " ", printExpr(p, x.items)];
    case "TestEvent":
      return ["at ", printExpr(p, x.at), " ", printString(p, x.profileId), " ", p.id(x.event), " ", printRecord(p, x.data)];
    case "TestSplit":
      // Indented: after a line comment, `for` continues the item on the next line. A half-typed
      // item (no arm or no `for "id"` yet: a checker error, not a syntax error) keeps what is written.
      return [
        "split",
        x.experiment ? [" ", printString(p, x.experiment)] : "",
        x.arm ? [" ", p.id(x.arm)] : "",
        x.forSpan ? indent([" ", p.flush(x.forSpan.start), "for", x.profileId ? [" ", printString(p, x.profileId)] : ""]) : "",
      ];
    case "ExpectSend": {
      const head: Doc[] = [expectHead(p, x, x.negated, p.keywordBefore(x.channel.span.start)), "send ", p.id(x.channel)];
      if (x.to) head.push(" ", p.kw("to", x.to.span.start), " ", printExpr(p, x.to));
      // `times` follows the conditions, on the line of the last one.
      if (!x.conditions.length) return [...head, printTimes(p, x.times)];
      return group([...head, printConditions(p, x.conditions, (c) => p.id(c.field)), printTimes(p, x.times)]);
    }
    case "ExpectProfile": {
      const head: Doc[] = [expectHead(p, x, x.negated, p.keywordBefore(x.profileId.span.start)), "profile ", printString(p, x.profileId)];
      return group([...head, printConditions(p, x.conditions, (c) => printPath(p, c.path))]);
    }
    case "TestRespond": {
      // In source order: printing takes the comments before each part.
      const id = Symbol("respond");
      const head = group(["respond ", p.id(x.action), printConditions(p, x.conditions, (c) => printPath(p, c.path))], { id });
      // The answer outside the group, so that a record answer that breaks leaves short conditions
      // on their line; when the conditions break, it is on the last one's line, indented with them.
      return [head, indentIfBreak(printAnswer(p, x), { groupId: id })];
    }
    case "TestRespondProvider":
      return [
        "respond ",
        p.flush(x.providerSpan.start),
        "provider ",
        printString(p, x.provider),
        x.profileId ? [" ", p.kw("for", x.profileId.span.start), " ", printString(p, x.profileId)] : "",
        printAnswer(p, x),
      ];
    case "ExpectCall": {
      const head: Doc[] = [expectHead(p, x, x.negated, p.keywordBefore(x.action.span.start)), "call ", p.id(x.action)];
      return group([...head, printConditions(p, x.conditions, (c) => printPath(p, c.path)), printTimes(p, x.times)]);
    }
    case "ExpectEnded": {
      const kb = (pos: number) => p.keywordBefore(pos);
      const ended = x.journey ? kb(x.journey.span.start) : x.reason ? kb(kb(x.reason.span.start)) : kb(x.span.end);
      return [
        expectHead(p, x, negatedInSource(p, x), ended),
        "ended",
        x.journey ? [" ", p.id(x.journey)] : "",
        x.reason ? [" ", p.kw("reason", x.reason.span.start), " ", p.id(x.reason)] : "",
        printTimes(p, x.times),
      ];
    }
    case "ExpectGoal":
      return [expectHead(p, x, x.negated, p.keywordBefore(x.goal.span.start)), "goal ", p.id(x.goal), printTimes(p, x.times)];
    case "ExpectSuppressed":
      return [
        expectHead(p, x, x.negated, p.keywordBefore(x.channel.span.start)),
        "suppressed ",
        p.id(x.channel),
        x.reason ? [" ", p.kw("reason", x.reason.span.start), " ", p.id(x.reason)] : "",
        printTimes(p, x.times),
      ];
    case "ExpectDecide": {
      // Printed in source order: printing takes the comments before each part.
      const head: Doc[] = [
        expectHead(p, x, negatedInSource(p, x), p.keywordBefore(x.surface.span.start)),
        "decide ",
        printString(p, x.surface),
        " ",
        p.kw("for", x.profileId.span.start),
        " ",
        printString(p, x.profileId),
      ];
      const clauses: Doc[] = [];
      if (x.context) {
        const c = x.context;
        clauses.push(p.clause("context", c.span.start), " ", printRecord(p, c));
      }
      if (x.variant) clauses.push(p.clause("variant", x.variant.span.start), " ", p.id(x.variant));
      if (x.contains) {
        const c = x.contains;
        clauses.push(p.clause("content", p.keywordBefore(c.span.start)), " ", p.kw("contains", c.span.start), " ", printString(p, c));
      }
      if (x.json) {
        const j = x.json;
        clauses.push(
          p.clause("json", j.path[0]!.span.start),
          " ",
          j.path.map((n, i) => ("index" in n ? [p.flush(n.span.start), `[${n.index}]`] : [i ? p.punctuation(j.path[i - 1]!.span.end, ".") : "", p.id(n)])),
          p.punctuation(j.path[j.path.length - 1]!.span.end, "=", " == "),
          printExpr(p, j.value, Prec.primary),
        );
      }
      return group([...head, clauses.length ? indent(clauses) : ""]);
    }
  }
}

/** `where <subject> <op> <value> and …` of an expectation, each clause after a possible line break. */
function printConditions<C extends { op: ast.ExpectOp; opSpan: ast.Span; value: ast.Expr; span: ast.Span }>(p: JourneyPrinter, conditions: C[], subject: (c: C) => Doc): Doc {
  return indent(
    conditions.map((c, i) => [
      p.clause(i === 0 ? "where" : "and", c.span.start),
      " ",
      subject(c),
      " ",
      // The operator after the comments before it (`subject /* why */ contains "x"`), and those between `not` and `contains`.
      p.flush(c.opSpan.start),
      c.op === "not contains" ? ["not ", p.kw("contains", c.value.span.start)] : c.op,
      " ",
      printExpr(p, c.value, Prec.primary),
    ]),
  );
}

/** ` <answer>` or ` error "why"` of a `respond` item (neither while being typed); after a line comment, on the next line, indented. */
function printAnswer(p: JourneyPrinter, x: ast.ResponseAnswer): Doc {
  if (x.errorSpan) return [" ", indent(p.flush(x.errorSpan.start)), "error", x.error ? [" ", printString(p, x.error)] : ""];
  return x.answer ? [" ", indent(p.flush(x.answer.span.start)), printExpr(p, x.answer)] : "";
}

/** ` times <n>` of an expectation, if written; after a line comment, on the next line, indented. */
function printTimes(p: JourneyPrinter, times: ast.Times | undefined): Doc {
  return times ? [" ", indent(p.flush(times.span.start)), `times ${times.count}`] : "";
}

/** A field path of a condition: `voucher.code`. */
function printPath(p: JourneyPrinter, path: ast.Ident[]): Doc {
  return path.map((n, i) => [i ? p.punctuation(path[i - 1]!.span.end, ".") : "", p.id(n)]);
}

/** `expect [at <offset>] [no] `, up to the keyword that starts at `kind`. */
function expectHead(p: JourneyPrinter, x: { at?: ast.Expr }, negated: boolean, kind: number): Doc {
  const parts: Doc[] = ["expect "];
  if (x.at) parts.push(p.kw("at", x.at.span.start), " ", printExpr(p, x.at), " ");
  if (negated) parts.push(p.kw("no", kind), " ");
  parts.push(p.flush(kind));
  return parts;
}

/**
 * `expect no ended` and `expect no decide` parse, but the AST keeps `negated` only for `send` and
 * `goal`: read the word from the source so formatting never drops it.
 */
function negatedInSource(p: JourneyPrinter, x: { at?: ast.Expr; span: ast.Span }): boolean {
  const from = x.at ? x.at.span.end : x.span.start + "expect".length;
  const at = p.nextSignificant(from);
  return /^no\b/.test(p.text.slice(at, at + 3));
}
