/**
 * The checker's view of a name the cursor is about to complete, in a declaration that does
 * not parse only because that name is not typed yet (`to profile.` with nothing after the dot).
 * Such a declaration is not checked, so nothing records what the null checks around the
 * position prove. The declaration is parsed again with a placeholder name at the cursor and,
 * when that parses cleanly, checked alone in the project as it is (bound as the analysis binds
 * it): the placeholder's path is then typed as it will be once a letter is typed. Nothing is
 * kept: the analysis and its trees are left as they are.
 */
import { check, type ast as A, type Reference } from "@journey/compiler";
import type { Doc } from "./document.js";
import { safeParse } from "./project.js";
import { moveSpans } from "./reparse.js";
import type { Span } from "./types.js";

/** Not a keyword, and not a name anyone writes: an unknown field at worst, which is never read. */
const PLACEHOLDER = "__journey_cursor";

/**
 * The reference the checker records at `span` (before `offset`) once a placeholder name is
 * typed at `offset`; undefined when the declaration there parses already or still does not.
 */
export function placeholderReference(doc: Doc, offset: number, span: Span): Reference | undefined {
  const decls = doc.file.declarations;
  const d = doc.declarationAt(offset);
  if (!d?.recovered) return undefined;
  const index = decls.indexOf(d);
  // The recovered declaration may end where the parser gave up: its text runs to the next one.
  const end = decls[index + 1]?.span.start ?? doc.text.length;
  const window = doc.text.slice(d.span.start, offset) + PLACEHOLDER + doc.text.slice(offset, end);
  const parsed = safeParse(doc.path, window);
  // Declarations the parser lost after this one (it gave up) are still in the window: lost to
  // the analysis too, they stay out.
  const decl = parsed.file.declarations[0];
  if (parsed.diagnostics.length || !decl || decl.recovered || decl.span.end < offset - d.span.start + PLACEHOLDER.length) return undefined;
  moveSpans(decl, d.span.start);
  // The file as it would be, for the checker: its other declarations are bound, not checked.
  const text = doc.text.slice(0, offset) + PLACEHOLDER + doc.text.slice(offset);
  const file: A.SourceFile = { ...doc.file, text, declarations: decls.map((x) => (x === d ? decl : x)) };
  const sources = [...doc.analysis.files.values()].map((f) => (f.path === doc.path ? file : f));
  const { ctx } = check(sources, { only: (path, i) => path === doc.path && i === index });
  return ctx.references.find((r) => r.file === doc.path && r.span.start === span.start && r.span.end === span.end);
}
