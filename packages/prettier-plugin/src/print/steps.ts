/**
 * Journey clauses and steps. A block is always one step per line. A header too long for its
 * line breaks before its clauses (`where`, `within`), and then its `{` goes on a line of its
 * own so the body does not read as a continuation of the header:
 *
 *     wait for OrderPlaced as order
 *       where order.cartId == cart.cartId and order.total > 0
 *       within 24h
 *     {
 *       end
 *     }
 */
import { doc, type Doc } from "prettier";
import type { ast } from "@journey/compiler";
import { printArgs, printCall, printCondition, printExpr } from "./expressions.js";
import type { JourneyPrinter } from "./printer.js";
import { printString } from "./strings.js";

const { group, indent, ifBreak, join } = doc.builders;
const { hardlineWithoutBreakParent } = doc.builders;

export function printBlock(p: JourneyPrinter, b: ast.Block): Doc {
  return p.hardBraces(
    b.span.start,
    b.span.end - 1,
    b.steps.map((s) => p.item(s.span, () => printStep(p, s))),
  );
}

/**
 * A header and the block after it: ` {` on the header's line, or on a line of its own when the
 * header broke. `breakable` says whether the header itself has line breaks (clauses, a chain
 * of `and`): only then can it break, and the ` {` counts in deciding whether it fits.
 */
export function headerBlock(header: Doc[], breakable: boolean, block: () => Doc): Doc {
  if (!breakable) return [...header, " ", block()];
  const id = Symbol("header");
  return [group(header, { id }), ifBreak([hardlineWithoutBreakParent], " ", { groupId: id }), block()];
}

export function printClause(p: JourneyPrinter, c: ast.JourneyClause): Doc {
  switch (c.kind) {
    case "OnEvent":
      return group(["on ", ...eventMatchThen(p, c, () => [])]);
    case "OnAudience":
      // Each keyword after the comments before it: `on /* why */ enter A` keeps its comment there.
      return ["on ", p.kw("enter", c.audience.span.start), " ", p.id(c.audience)];
    case "OnSchedule": {
      // In source order: printing takes the comments before each part.
      const schedule = p.kw("schedule", p.keywordBefore(c.every.span.start));
      const everyKw = p.kw("every", c.every.span.start);
      const every = "kind" in c.every ? [p.flush(c.every.span.start), c.every.text] : p.id(c.every);
      return [
        "on ",
        schedule,
        " ",
        everyKw,
        " ",
        every,
        c.day ? [" ", p.kw("on", c.day.span.start), " ", printExpr(p, c.day)] : "",
        c.at ? [" ", p.kw("at", c.at.span.start), " ", p.flush(c.at.span.start), c.at.text] : "",
        " ",
        p.kw("for", c.audience.span.start),
        " ",
        p.id(c.audience),
      ];
    }
    case "Reentry":
      return ["reentry ", p.flush(c.modeSpan.start), p.slice(c.modeSpan), c.after ? [" ", printExpr(p, c.after)] : ""];
    case "ExitOn":
      return group(["exit ", p.kw("on", c.event.span.start), " ", ...eventMatchThen(p, c, () => [])]);
    case "Goal": {
      const within = (): Doc[] => (c.within ? [p.clause("within", c.within.span.start), " ", printExpr(p, c.within)] : []);
      return group(["goal ", p.id(c.name), p.colon(c.name.span.end), ...eventMatchThen(p, c, within)]);
    }
  }
}

/**
 * `Event [as x] [where cond]` and the clauses `more` prints (they follow in the source), each
 * clause on its own line when the header is too long.
 */
function eventMatchThen(p: JourneyPrinter, m: ast.EventMatch, more: () => Doc[]): Doc[] {
  const clauses: Doc[] = [];
  const head: Doc[] = [p.id(m.event)];
  if (m.alias) head.push(" ", p.kw("as", m.alias.span.start), " ", p.id(m.alias));
  if (m.where) clauses.push(p.clause("where", m.where.span.start), " ", printExpr(p, m.where));
  clauses.push(...more());
  return clauses.length ? [...head, indent(clauses)] : head;
}

export function printStep(p: JourneyPrinter, s: ast.Step): Doc {
  switch (s.kind) {
    case "Wait":
      return ["wait ", printExpr(p, s.duration)];
    case "WaitUntil":
      return ["wait ", p.kw("until", s.time.span.start), " ", printExpr(p, s.time)];
    case "WaitFor": {
      const header = [
        "wait ",
        p.kw("for", s.event.span.start),
        " ",
        ...eventMatchThen(p, s, () => (s.within ? [p.clause("within", s.within.span.start), " ", printExpr(p, s.within)] : [])),
      ];
      return headerBlock(header, !!(s.where || s.within), () => [
        printBlock(p, s.body),
        s.timeout ? [" ", p.kw("timeout", s.timeout.span.start), " ", printBlock(p, s.timeout)] : "",
      ]);
    }
    case "If":
      return printIf(p, s);
    case "Split":
      return [
        "split ",
        s.experiment ? [printString(p, s.experiment), " "] : "",
        p.hardBraces(
          p.find(s.experiment ? s.experiment.span.end : s.span.start + "split".length, "{"),
          s.span.end - 1,
          s.arms.map((a) =>
            p.item(a.span, () => [p.id(a.label), " ", p.flush(a.percentSpan.start), p.slice(a.percentSpan), " ", printBlock(p, a.body)]),
          ),
        ),
      ];
    case "Send":
      return printSend(p, s);
    case "Recommend":
      return printRecommend(p, s);
    case "CallAction":
      return [
        "call ",
        p.id(s.action),
        printArgs(p, s.args, s.action.span.end),
        s.alias ? [" ", p.kw("as", s.alias.span.start), " ", p.id(s.alias)] : "",
        s.onError
          ? [" ", p.kw("on", p.keywordBefore(s.onError.span.start)), " ", p.kw("error", s.onError.span.start), " ", printBlock(p, s.onError)]
          : "",
      ];
    case "Let":
      return ["let ", p.id(s.name), p.equals(s.name.span.end), printExpr(p, s.value)];
    case "Set":
      return ["set ", printExpr(p, s.target), p.equals(s.target.span.end), printExpr(p, s.value)];
    case "Repeat":
      return headerBlock(
        ["repeat ", printExpr(p, s.count), s.every ? indent([p.clause("every", s.every.span.start), " ", printExpr(p, s.every)]) : ""],
        !!s.every,
        () => printBlock(p, s.body),
      );
    case "Jump":
      return ["jump ", p.kw("to", s.journey.span.start), " ", p.id(s.journey)];
    case "End":
      return "end";
  }
}

function printIf(p: JourneyPrinter, s: ast.IfStep): Doc {
  const parts: Doc[] = [];
  s.branches.forEach((b, i) => {
    // `else /* why */ if`: each keyword after the comments before it.
    if (i > 0) parts.push(" ", p.kw("else", b.span.start), " ");
    const c = b.condition;
    const kw = p.flush(p.keywordBefore(c.span.start));
    const condition = printCondition(p, c);
    parts.push(headerBlock([kw, "if ", condition.doc], condition.hangs, () => printBlock(p, b.body)));
  });
  if (s.else) parts.push(" ", p.kw("else", s.else.span.start), " ", printBlock(p, s.else));
  return parts;
}

function printSend(p: JourneyPrinter, s: ast.SendStep): Doc {
  const parts: Doc[] = ["send "];
  if (s.transactionalSpan) parts.push(p.flush(s.transactionalSpan.start), "transactional ");
  parts.push(p.id(s.channel), " ");
  if (s.template) parts.push(p.id(s.template.name), printArgs(p, s.template.args, s.template.name.span.end));
  else parts.push(printContentBlock(p, s.content ?? [], p.find(s.channel.span.end, "{")));
  if (s.to) parts.push(" ", p.kw("to", s.to.span.start), " ", printExpr(p, s.to));
  return parts;
}

/** `{ subject "…" html "…" }` in a `send`: on one line when it fits and was written so. */
export function printContentBlock(p: JourneyPrinter, fields: ast.ContentField[], open: number): Doc {
  const close = p.matching(open);
  const items = fields.map((f) => p.item(f.span, () => printContentField(p, f)));
  return p.softBraces(open, close, items, {
    brackets: "{}",
    comma: "flat",
    spaced: true,
    shouldBreak: p.brokenInSource(open, fields[0]?.span.start, close),
  });
}

export function printContentField(p: JourneyPrinter, f: ast.ContentField): Doc {
  return [p.id(f.name), " ", printExpr(p, f.value)];
}

export function printRecommend(p: JourneyPrinter, s: ast.RecommendStep): Doc {
  const clauses: { start: number; print: () => Doc }[] = [];
  if (s.where) {
    const w = s.where;
    clauses.push({ start: p.keywordBefore(w.span.start), print: () => [p.kw("where", w.span.start), " ", printExpr(p, w)] });
  }
  // `exclude a exclude b` is one list in the AST: printed as one clause, where the first was.
  if (s.exclude.length) {
    const first = s.exclude[0]!;
    clauses.push({
      start: p.keywordBefore(first.span.start),
      print: () => [p.kw("exclude", first.span.start), " ", join(", ", s.exclude.map((x) => printExpr(p, x)))],
    });
  }
  if (s.limit) {
    const l = s.limit;
    clauses.push({ start: p.keywordBefore(l.span.start), print: () => [p.kw("limit", l.span.start), " ", printExpr(p, l)] });
  }
  if (s.backup) {
    const b = s.backup;
    clauses.push({ start: p.keywordBefore(b.span.start), print: () => [p.kw("backup", b.span.start), " ", printCall(p, b)] });
  }
  clauses.sort((a, b) => a.start - b.start);
  // Clauses written one per line stay so, as records written over several lines do.
  const broken = clauses.length > 1 && p.newlineBetween(s.algorithm.span.end, clauses[0]!.start);
  return group(
    [
    "recommend ",
    p.id(s.name),
    p.equals(s.name.span.end),
    printCall(p, s.algorithm),
    indent(clauses.map((c) => [p.breakBefore(c.start), c.print()])),
    ],
    { shouldBreak: broken },
  );
}

