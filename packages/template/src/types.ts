/**
 * The value types of the Journey language. They live here, in the package with no
 * dependencies, because both the compiler (checking `.journey` files) and the template
 * checker (checking paths inside content) reason about the same types, and the IR
 * carries them as JSON so the runtime can validate events and profiles.
 */
export type Type =
  | { kind: "string" }
  | { kind: "number" }
  | { kind: "int" }
  | { kind: "bool" }
  | { kind: "datetime" }
  | { kind: "duration" }
  | { kind: "null" }
  /** A string literal type: `"gold"`. */
  | { kind: "literal"; value: string }
  /** A union, in practice of string literals: `"bronze" | "silver" | "gold"`. */
  | { kind: "union"; members: Type[] }
  | { kind: "list"; element: Type }
  /**
   * A record; `name` is set for declared types (`type LineItem`, events, catalogs) for display.
   * `partial`: its declaration has a syntax error, so it may lack fields it will have: a field
   * it lacks is unknown, not an error (the syntax error is the one diagnostic).
   */
  | { kind: "record"; fields: Field[]; name?: string; partial?: true }
  /** `T | null`: the type of an optional field. */
  | { kind: "optional"; inner: Type }
  /** The type of an expression that already failed to check: accepted everywhere, reported nowhere. */
  | { kind: "unknown" };

export interface Field {
  name: string;
  type: Type;
  optional: boolean;
  /** The `///` doc comment above the field, for hover. */
  doc?: string;
  /** Present when the field has a default (`timezone: string = "UTC"`), as a JSON value. */
  default?: unknown;
}

export const T = {
  string: { kind: "string" } as Type,
  number: { kind: "number" } as Type,
  int: { kind: "int" } as Type,
  bool: { kind: "bool" } as Type,
  datetime: { kind: "datetime" } as Type,
  duration: { kind: "duration" } as Type,
  null: { kind: "null" } as Type,
  unknown: { kind: "unknown" } as Type,
  list: (element: Type): Type => ({ kind: "list", element }),
  optional: (inner: Type): Type => (inner.kind === "optional" || inner.kind === "unknown" ? inner : { kind: "optional", inner }),
  literal: (value: string): Type => ({ kind: "literal", value }),
};

/** `T | null` → `T`; anything else unchanged. */
export function nonNull(t: Type): Type {
  return t.kind === "optional" ? t.inner : t;
}

export function isOptional(t: Type): boolean {
  return t.kind === "optional" || t.kind === "null";
}

/** Whether a value of type `t` is a string at run time (literals and unions of literals are). */
export function isStringLike(t: Type): boolean {
  if (t.kind === "string" || t.kind === "literal") return true;
  if (t.kind === "union") return t.members.every(isStringLike);
  return false;
}

export function isNumeric(t: Type): boolean {
  return t.kind === "number" || t.kind === "int";
}

/** Structural assignability: may a value of type `from` be used where `to` is expected? */
export function isAssignable(from: Type, to: Type): boolean {
  if (from.kind === "unknown" || to.kind === "unknown") return true;
  if (to.kind === "optional") {
    if (from.kind === "null") return true;
    return isAssignable(from.kind === "optional" ? from.inner : from, to.inner);
  }
  if (to.kind === "null") return from.kind === "null";
  if (from.kind === "optional" || from.kind === "null") return false;
  switch (to.kind) {
    case "string":
      return isStringLike(from);
    case "number":
      return isNumeric(from);
    case "int":
    case "bool":
    case "datetime":
    case "duration":
      return from.kind === to.kind;
    case "literal":
      return from.kind === "literal" && from.value === to.value;
    case "union":
      if (from.kind === "union") return from.members.every((m) => isAssignable(m, to));
      return to.members.some((m) => isAssignable(from, m));
    case "list":
      return from.kind === "list" && isAssignable(from.element, to.element);
    case "record": {
      if (from.kind !== "record") return false;
      return to.fields.every((tf) => {
        const ff = from.fields.find((f) => f.name === tf.name);
        if (!ff) return tf.optional || tf.default !== undefined;
        const fromType = ff.optional ? T.optional(ff.type) : ff.type;
        const toType = tf.optional ? T.optional(tf.type) : tf.type;
        return isAssignable(fromType, toType);
      });
    }
  }
}

/** The type of field `name` of a record type (optional fields come back as `T | null`). */
export function fieldType(t: Type, name: string): Type | undefined {
  const r = nonNull(t);
  if (r.kind !== "record") return undefined;
  const f = r.fields.find((x) => x.name === name);
  if (!f) return r.partial ? T.unknown : undefined;
  return f.optional ? T.optional(f.type) : f.type;
}

/** Human-readable type, as diagnostics and hover show it. */
export function typeToString(t: Type): string {
  switch (t.kind) {
    case "literal":
      return JSON.stringify(t.value);
    case "union":
      return t.members.map(typeToString).join(" | ");
    case "list":
      return `list<${typeToString(t.element)}>`;
    case "record":
      if (t.name) return t.name;
      return `{ ${t.fields.map((f) => `${f.name}${f.optional ? "?" : ""}: ${typeToString(f.type)}`).join(", ")} }`;
    case "optional":
      return `${typeToString(t.inner)}?`;
    default:
      return t.kind;
  }
}
