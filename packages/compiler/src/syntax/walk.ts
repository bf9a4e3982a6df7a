/** A generic walk of the AST: every object under a node (expressions, steps, clauses, idents, …). */
import type { Span } from "./ast.js";

/** The keys of AST nodes holding spans, not nodes: not walked (and what the formatter's check ignores). */
export const SPAN_KEYS: ReadonlySet<string> = new Set(["span", "keywordSpan", "opSpan", "modeSpan", "percentSpan", "thenSpan", "elseSpan", "transactionalSpan", "consentSpan", "forSpan", "errorSpan", "providerSpan"]);

/** Visit every object of an AST, parents before children, in key order. */
export function walk(value: unknown, visit: (node: { kind?: string; span?: Span } & Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
    return;
  }
  if (!value || typeof value !== "object") return;
  const node = value as Record<string, unknown>;
  visit(node as { kind?: string; span?: Span } & Record<string, unknown>);
  for (const key in node) {
    if (SPAN_KEYS.has(key)) continue;
    const v = node[key];
    if (v && typeof v === "object") walk(v, visit);
  }
}
