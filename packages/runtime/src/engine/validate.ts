/**
 * Data against declared types: events and profiles are checked at the door, so nothing
 * inside the engine ever meets a value of the wrong shape. Errors name the field path.
 */
import type { Type } from "@journey/template";

export interface ValidationError {
  /** `data.items[0].price` */
  path: string;
  message: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function describe(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a record";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
}

function typeLabel(t: Type): string {
  switch (t.kind) {
    case "literal":
      return JSON.stringify(t.value);
    case "union":
      return t.members.map(typeLabel).join(" | ");
    case "list":
      return "a list";
    case "record":
      return t.name ?? "a record";
    case "optional":
      return `${typeLabel(t.inner)} or null`;
    default:
      return t.kind;
  }
}

/** Validate `value` against `type`; returns every error, each with its path. */
export function validate(value: unknown, type: Type, path: string, errors: ValidationError[] = []): ValidationError[] {
  const fail = () => errors.push({ path, message: `expected ${typeLabel(type)}, found ${describe(value)}` });
  switch (type.kind) {
    case "unknown":
      return errors;
    case "optional":
      if (value !== null && value !== undefined) validate(value, type.inner, path, errors);
      return errors;
    case "null":
      if (value !== null) fail();
      return errors;
    case "string":
      if (typeof value !== "string") fail();
      return errors;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) fail();
      return errors;
    case "int":
      if (!Number.isInteger(value)) fail();
      return errors;
    case "bool":
      if (typeof value !== "boolean") fail();
      return errors;
    case "datetime":
      if (typeof value !== "string" || !ISO.test(value) || Number.isNaN(Date.parse(value.includes("T") ? value : value + "T00:00:00Z"))) fail();
      return errors;
    case "duration":
      if (typeof value !== "number" || value < 0) fail();
      return errors;
    case "literal":
      if (value !== type.value) fail();
      return errors;
    case "union": {
      const ok = type.members.some((m) => validate(value, m, path).length === 0);
      if (!ok) fail();
      return errors;
    }
    case "list":
      if (!Array.isArray(value)) fail();
      else value.forEach((v, i) => validate(v, type.element, `${path}[${i}]`, errors));
      return errors;
    case "record": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        fail();
        return errors;
      }
      const obj = value as Record<string, unknown>;
      for (const f of type.fields) {
        const has = Object.prototype.hasOwnProperty.call(obj, f.name) && obj[f.name] !== undefined;
        if (!has || obj[f.name] === null) {
          if (!f.optional && f.default === undefined) errors.push({ path: `${path}.${f.name}`, message: has ? "must not be null" : "is missing" });
          continue;
        }
        validate(obj[f.name], f.type, `${path}.${f.name}`, errors);
      }
      for (const k of Object.keys(obj)) {
        if (!type.fields.some((f) => f.name === k)) errors.push({ path: `${path}.${k}`, message: "is not a declared field" });
      }
      return errors;
    }
  }
}

/**
 * `value` with declared defaults filled in and absent optionals set to null. Copy on write:
 * a value that needs nothing is returned as it is, so well-formed data costs no allocation.
 */
export function withDefaults(value: unknown, type: Type): unknown {
  if (type.kind === "optional") return value === null || value === undefined ? null : withDefaults(value, type.inner);
  if (type.kind === "list" && Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const d = withDefaults(v, type.element);
      if (d !== v) (out ??= value.slice())[i] = d;
    });
    return out ?? value;
  }
  if (type.kind !== "record" || value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const f of type.fields) {
    const v = obj[f.name];
    const d = v === undefined || v === null ? (f.default !== undefined ? structuredClone(f.default) : null) : withDefaults(v, f.type);
    if (d !== v) (out ??= { ...obj })[f.name] = d;
  }
  return out ?? value;
}
