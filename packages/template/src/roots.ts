/** The root names a template reads (`profile`, `recs`, …), without type information. */
import type { Expr, TNode } from "./ast.js";
import { parseTemplate } from "./parse.js";

/**
 * Every name a path of the template starts with, block parameters (`as |p|`) excluded. The
 * runtime uses it to skip an experience variant whose data failed to load, and to know which
 * bindings a waiting instance must keep: a name missing here is silently empty when sent, so
 * `this.x` counts as `x` wherever it is (at the top it is `x`; inside a section it may be a
 * field of the element instead, and keeping a binding too many costs little).
 */
export function rootNames(source: string, options: { thisPaths?: boolean } = {}): Set<string> {
  // `thisPaths: false` leaves `this.x` out: for what a template surely reads at its top.
  const withThis = options.thisPaths ?? true;
  const out = new Set<string>();
  const visitExpr = (e: Expr, params: ReadonlySet<string>): void => {
    if (e.kind === "path") {
      const head = e.segments[0]?.name;
      if ((e.head === "name" || (withThis && e.head === "this")) && head !== undefined && !params.has(head)) out.add(head);
    } else if (e.kind === "call") e.args.forEach((a) => visitExpr(a, params));
  };
  const visit = (nodes: TNode[], params: ReadonlySet<string>): void => {
    for (const n of nodes) {
      if (n.kind === "mustache") visitExpr(n.expr, params);
      else if (n.kind === "section") {
        visitExpr(n.path, params);
        visit(n.body, params);
        if (n.inverse) visit(n.inverse, params);
      } else if (n.kind === "block") {
        n.args.forEach((a) => visitExpr(a, params));
        const inner = n.params.length ? new Set([...params, ...n.params.map((p) => p.name)]) : params;
        visit(n.body, inner);
        if (n.inverse) visit(n.inverse, params);
      }
    }
  };
  visit(parseTemplate(source).nodes, new Set());
  return out;
}

/** The partials (fragments) a template includes, by name. */
export function partialNames(source: string): Set<string> {
  const out = new Set<string>();
  const visit = (nodes: TNode[]): void => {
    for (const n of nodes) {
      if (n.kind === "partial") out.add(n.name);
      else if (n.kind === "section" || n.kind === "block") {
        visit(n.body);
        if (n.inverse) visit(n.inverse);
      }
    }
  };
  visit(parseTemplate(source).nodes);
  return out;
}
