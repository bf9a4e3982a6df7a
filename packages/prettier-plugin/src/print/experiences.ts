/** Experiences: surfaces, formats, context, steps and variants. */
import { doc, type Doc } from "prettier";
import type { ast } from "@journey/compiler";
import { printExpr } from "./expressions.js";
import type { JourneyPrinter } from "./printer.js";
import { headerBlock, printContentField, printRecommend, printStep } from "./steps.js";
import { printString } from "./strings.js";
import { printFieldBlock } from "./types.js";

const { indent } = doc.builders;

export function printExperience(p: JourneyPrinter, d: ast.ExperienceDecl): Doc {
  const items = d.items.map((x) => p.item(x.span, () => printItem(p, x)));
  return ["experience ", p.id(d.name), " ", p.hardBraces(p.find(d.name.span.end, "{"), d.span.end - 1, items)];
}

function printItem(p: JourneyPrinter, x: ast.ExperienceItem): Doc {
  switch (x.kind) {
    case "Surface":
      return ["surface ", printString(p, x.uri)];
    case "Format":
      return ["format ", p.id(x.format)];
    case "Priority":
      return ["priority ", printExpr(p, x.value)];
    case "Timeout":
      return ["timeout ", printExpr(p, x.value)];
    case "Active":
      return printActive(p, x.period);
    case "Context":
      return ["context ", printFieldBlock(p, x.fields, p.find(x.span.start + "context".length, "{"), x.span.end - 1)];
    case "Recommend":
      return printRecommend(p, x);
    case "Let":
    case "CallAction":
      return printStep(p, x);
    case "Variant":
      return printVariant(p, x);
  }
}

function printActive(p: JourneyPrinter, a: ast.ActivePeriod): Doc {
  return ["active ", p.kw("from", a.from.span.start), " ", printExpr(p, a.from), " ", p.kw("to", a.to.span.start), " ", printExpr(p, a.to)];
}

function printVariant(p: JourneyPrinter, v: ast.VariantDecl): Doc {
  const clauses: Doc[] = [];
  const header: Doc[] = ["variant ", p.id(v.name)];
  if (v.when) clauses.push(p.clause("when", v.when.span.start), " ", printExpr(p, v.when));
  if (v.active) clauses.push(p.breakBefore(v.active.span.start), printActive(p, v.active));
  if (clauses.length) header.push(indent(clauses));
  const afterHeader = v.active?.span.end ?? v.when?.span.end ?? v.name.span.end;
  return headerBlock(header, clauses.length > 0, () => {
    const items = [];
    if (v.content) {
      const c = v.content;
      items.push(p.item(c.span, () => printContentField(p, c)));
    }
    if (v.split) {
      const s = v.split;
      items.push(p.item(s.span, () => printVariantSplit(p, s)));
    }
    return p.hardBraces(p.find(afterHeader, "{"), v.span.end - 1, items);
  });
}

function printVariantSplit(p: JourneyPrinter, s: NonNullable<ast.VariantDecl["split"]>): Doc {
  const open = p.find(s.experiment ? s.experiment.span.end : s.span.start + "split".length, "{");
  return [
    "split ",
    s.experiment ? [printString(p, s.experiment), " "] : "",
    p.hardBraces(
      open,
      s.span.end - 1,
      s.arms.map((a) =>
        p.item(a.span, () => [
          p.id(a.label),
          " ",
          p.flush(a.percentSpan.start),
          p.slice(a.percentSpan),
          " ",
          p.hardBraces(
            p.find(a.percentSpan.end, "{"),
            a.span.end - 1,
            a.content ? [p.item(a.content.span, () => printContentField(p, a.content!))] : [],
          ),
        ]),
      ),
    ),
  ];
}
