/**
 * Inlay hints: the type of each name a step binds without writing one (`let`, `recommend`,
 * `call … as`), shown after the name, as hover would give it.
 */
import type { ast as A } from "@journey/compiler";
import { typeToString } from "@journey/template";
import { symbolAt, walk, type Doc } from "./document.js";
import type { InlayHint, Span } from "./types.js";

export function inlayHints(doc: Doc, range?: Span): InlayHint[] {
  const out: InlayHint[] = [];
  walk(doc.file.declarations, (n) => {
    const name = n.kind === "Let" || n.kind === "Recommend" ? (n["name"] as A.Ident) : n.kind === "CallAction" ? (n["alias"] as A.Ident | undefined) : undefined;
    if (!name || (range && (name.span.end < range.start || name.span.start > range.end))) return;
    const type = symbolAt(doc, name.span.start)?.type;
    if (!type || type.kind === "unknown") return;
    out.push({ offset: name.span.end, label: `: ${typeToString(type)}` });
  });
  return out;
}
