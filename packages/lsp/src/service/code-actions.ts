/** Code actions: the fix every diagnostic carries, as a quick fix. */
import type { Doc } from "./document.js";
import type { CodeAction, Span } from "./types.js";

export function codeActions(doc: Doc, range: Span): CodeAction[] {
  const out: CodeAction[] = [];
  const diagnostics = doc.analysis.diagnostics.get(doc.path) ?? [];
  for (const d of diagnostics) {
    if (!d.fix) continue;
    if (d.span.end < range.start || d.span.start > range.end) continue;
    out.push({
      title: d.fix.title.charAt(0).toUpperCase() + d.fix.title.slice(1),
      kind: "quickfix",
      diagnostic: { code: d.code, span: d.span, message: d.message },
      edits: d.fix.edits.map((e) => ({ path: e.file, span: e.span, newText: e.newText })),
      isPreferred: true,
    });
  }
  return out;
}
