/**
 * Strings. `"…"` strings print exactly as written (no re-escaping). `"""…"""` strings that span
 * lines are re-indented to the block they are in, every content line kept byte for byte:
 *
 *     html """
 *       <h1>Hi</h1>
 *     """
 *
 * A layout is used only if decoding it gives the very same value as the source (checked here
 * with the compiler's own decoder); otherwise the string is printed exactly as written.
 */
import { decodeString, type ast } from "@journey/compiler";
import { doc, type Doc } from "prettier";
import type { JourneyPrinter } from "./printer.js";

const { indent, hardline, literalline, join } = doc.builders;

const Q = '"""';

export function printString(p: JourneyPrinter, s: ast.StringExpr): Doc {
  return [p.flush(s.span.start), printStringInner(p, s)];
}

function printStringInner(p: JourneyPrinter, s: ast.StringExpr): Doc {
  const raw = p.slice(s.span);
  if (!s.triple || !raw.includes("\n")) return raw;
  const html = p.html.get(s);
  if (html !== undefined) return [Q, indent([hardline, html]), hardline, Q];
  return tripleLayout(raw) ?? join(literalline, raw.split(/\r?\n/));
}

const decode = (raw: string) => decodeString(raw, 0).value;
const trailingBlank = (l: string) => /[ \t]$/.test(l);

/** The re-indented layout of a multi-line `"""` string, or undefined to keep it as written. */
function tripleLayout(raw: string): Doc | undefined {
  const value = decode(raw);
  const lines = value.split("\n");
  // A printed line must not end in blanks: the document printer trims them.
  if (lines.some(trailingBlank)) return undefined;
  // Every line one level in; empty lines stay empty.
  const indented = Q + "\n" + lines.map((l) => (l === "" ? "" : "  " + l)).join("\n") + "\n" + Q;
  if (decode(indented) === value) return [Q, indent([hardline, join(hardline, lines)]), hardline, Q];
  // A decoder that does not dedent a one-line block: the line keeps its own indentation.
  const probe = Q + "\n" + value + "\n  " + Q;
  if (decode(probe) === value) return [Q, literalline, value, hardline, Q];
  return undefined;
}
