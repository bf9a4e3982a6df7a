/** AST expressions → IR expressions: plain paths stay paths, the rest become small trees. */
import type * as A from "../syntax/ast.js";
import type { IRExpr } from "@journey/ir";

export function emitExpr(e: A.Expr): IRExpr {
  switch (e.kind) {
    case "String":
      return { lit: e.value };
    case "Number":
      return { lit: e.value };
    case "Bool":
      return { lit: e.value };
    case "Null":
    case "Error":
      return { lit: null };
    case "Duration":
      return { dur: e.ms };
    case "DateTime":
      return { time: e.text };
    case "TimeOfDay":
      return { lit: e.text };
    case "Name":
      return { path: [e.name] };
    case "Member": {
      const path = pathOf(e);
      return path ? { path } : { get: [emitExpr(e.object), e.property.name] };
    }
    case "Index":
      return { index: [emitExpr(e.object), emitExpr(e.index)] };
    case "Call":
      return { call: e.callee.name, args: e.args.map((a) => emitExpr(a.value)) };
    case "Unary":
      return { op: e.op === "-" ? "neg" : "not", args: [emitExpr(e.operand)] };
    case "Binary":
      return { op: e.op, args: [emitExpr(e.left), emitExpr(e.right)], ...(e.asText ? { as: "text" as const } : {}) };
    case "Conditional":
      return { op: "if", args: [emitExpr(e.condition), emitExpr(e.then), emitExpr(e.otherwise)] };
    case "List":
      return { list: e.items.map(emitExpr) };
    case "Record":
      return { record: Object.fromEntries(e.entries.map((en) => [en.name.name, emitExpr(en.value)])) };
  }
}

/** `a.b.c` → ["a", "b", "c"]; undefined for anything that is not a plain path. */
function pathOf(e: A.Expr): string[] | undefined {
  let n = 1;
  let x = e;
  for (; x.kind === "Member"; x = x.object) n++;
  if (x.kind !== "Name") return undefined;
  const path = new Array<string>(n);
  path[0] = x.name;
  for (x = e; x.kind === "Member"; x = x.object) path[--n] = x.property.name;
  return path;
}
