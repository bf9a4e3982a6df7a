/** Literal values: field defaults and test data are JSON values known at compile time. */
import type * as A from "../syntax/ast.js";

/**
 * The JSON value of a constant expression (literals, and lists and records of them), or
 * undefined when the expression needs evaluating. Durations become milliseconds and
 * date-times their ISO text, as the runtime represents them.
 */
export function isConstant(e: A.Expr): { value: unknown } | undefined {
  switch (e.kind) {
    case "String":
      return { value: e.value };
    case "Number":
      return { value: e.value };
    case "Bool":
      return { value: e.value };
    case "Null":
      return { value: null };
    case "Duration":
      return { value: e.ms };
    case "DateTime":
      return { value: e.text };
    case "TimeOfDay":
      return { value: e.text };
    case "Unary":
      if (e.op === "-" && e.operand.kind === "Number") return { value: -e.operand.value };
      return undefined;
    case "List": {
      const items: unknown[] = [];
      for (const i of e.items) {
        const c = isConstant(i);
        if (!c) return undefined;
        items.push(c.value);
      }
      return { value: items };
    }
    case "Record": {
      const obj: Record<string, unknown> = {};
      for (const en of e.entries) {
        const c = isConstant(en.value);
        if (!c) return undefined;
        obj[en.name.name] = c.value;
      }
      return { value: obj };
    }
    default:
      return undefined;
  }
}

/**
 * The value of a number or duration known when the project compiles: literals, and
 * `+ - * /` and unary `-` of them (`1d + 2h`). Undefined when it needs evaluating.
 */
export function constNumber(e: A.Expr): number | undefined {
  switch (e.kind) {
    case "Number":
      return e.value;
    case "Duration":
      return e.ms;
    case "Unary":
      return e.op === "-" ? negate(constNumber(e.operand)) : undefined;
    case "Binary": {
      const l = constNumber(e.left);
      const r = constNumber(e.right);
      if (l === undefined || r === undefined) return undefined;
      if (e.op === "+") return l + r;
      if (e.op === "-") return l - r;
      if (e.op === "*") return l * r;
      if (e.op === "/" && r !== 0) return l / r;
      return undefined;
    }
    default:
      return undefined;
  }
}

function negate(n: number | undefined): number | undefined {
  return n === undefined ? undefined : -n;
}
