/** Types, fields and parameters. */
import { doc, type Doc } from "prettier";
import type { ast } from "@journey/compiler";
import { printExpr } from "./expressions.js";
import type { JourneyPrinter } from "./printer.js";

const { join } = doc.builders;

export function printType(p: JourneyPrinter, t: ast.TypeExpr): Doc {
  const lead = p.flush(t.span.start);
  switch (t.kind) {
    case "NamedType":
      if (!t.args.length) return [lead, p.id(t.name)];
      return [lead, p.id(t.name), p.punctuation(t.name.span.end, "<"), join(", ", t.args.map((a) => printType(p, a))), p.flush(t.span.end - 1), ">"];
    case "LiteralType":
      return [lead, p.slice(t.span)];
    case "RecordType":
      return [lead, printFieldBlock(p, t.fields, t.span.start, t.span.end - 1)];
    case "UnionType":
      return [lead, t.members.map((m, i) => [i ? p.punctuation(t.members[i - 1]!.span.end, "|", " | ") : "", printType(p, m)])];
  }
}

/**
 * `{ a: T, b: U }` on one line when it fits and was written on one line; otherwise one field
 * per line, without commas.
 */
export function printFieldBlock(p: JourneyPrinter, fields: ast.FieldDecl[], open: number, close: number): Doc {
  const items = fields.map((f) => p.item(f.span, () => printField(p, f)));
  return p.softBraces(open, close, items, {
    brackets: "{}",
    comma: "flat",
    spaced: true,
    shouldBreak: p.brokenInSource(open, fields[0]?.span.start, close),
  });
}

export function printField(p: JourneyPrinter, f: ast.FieldDecl): Doc {
  return [
    f.isKey ? "key " : "",
    p.id(f.name),
    f.optional ? p.punctuation(f.name.span.end, "?") : "",
    p.colon(f.name.span.end),
    printType(p, f.type),
    f.default ? [p.equals(f.type.span.end), printExpr(p, f.default)] : "",
  ];
}

/** `(name: T, …)` after `from`, and what follows it on the line (it breaks the parameters first). */
export function printParams(p: JourneyPrinter, params: ast.Param[], from: number, suffix?: () => Doc): Doc {
  const open = p.find(from, "(");
  const close = p.matching(open);
  const items = params.map((x) => p.item(x.span, () => [p.id(x.name), p.colon(x.name.span.end), printType(p, x.type)]));
  return p.softBraces(open, close, items, { brackets: "()", comma: "always", spaced: false, suffix });
}
