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
  // Most data is valid: a check that builds nothing answers first, and only invalid data
  // pays for paths and messages.
  return conforms(value, type) ? errors : collect(value, type, path, errors);
}

/** Field names by record type, for the undeclared-field check. */
const fieldNames = new WeakMap<Type, Set<string>>();

function declared(type: Extract<Type, { kind: "record" }>): Set<string> {
  let names = fieldNames.get(type);
  if (!names) fieldNames.set(type, (names = new Set(type.fields.map((f) => f.name))));
  return names;
}

/** Whether `collect` would find no error. */
function conforms(value: unknown, type: Type): boolean {
  switch (type.kind) {
    case "unknown":
      return true;
    case "optional":
      return value === null || value === undefined || conforms(value, type.inner);
    case "null":
      return value === null;
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "int":
      return Number.isInteger(value);
    case "bool":
      return typeof value === "boolean";
    case "datetime":
      return isDateTime(value);
    case "duration":
      return typeof value === "number" && value >= 0;
    case "literal":
      return value === type.value;
    case "union":
      return type.members.some((m) => conforms(value, m));
    case "list":
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (!conforms(value[i], type.element)) return false;
      return true;
    case "record": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
      const obj = value as Record<string, unknown>;
      for (const f of type.fields) {
        const v = Object.prototype.hasOwnProperty.call(obj, f.name) ? obj[f.name] : undefined;
        if (v === undefined || v === null) {
          if (!f.optional && f.default === undefined) return false;
        } else if (!conforms(v, f.type)) return false;
      }
      const names = declared(type);
      for (const k in obj) if (Object.prototype.hasOwnProperty.call(obj, k) && !names.has(k)) return false;
      return true;
    }
  }
}

function isDateTime(value: unknown): boolean {
  return typeof value === "string" && ISO.test(value) && !Number.isNaN(Date.parse(value.includes("T") ? value : value + "T00:00:00Z"));
}

/** Every error of `value` against `type`, each with its path. */
function collect(value: unknown, type: Type, path: string, errors: ValidationError[]): ValidationError[] {
  const fail = () => errors.push({ path, message: `expected ${typeLabel(type)}, found ${describe(value)}` });
  switch (type.kind) {
    case "unknown":
      return errors;
    case "optional":
      if (value !== null && value !== undefined) collect(value, type.inner, path, errors);
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
      if (!isDateTime(value)) fail();
      return errors;
    case "duration":
      if (typeof value !== "number" || value < 0) fail();
      return errors;
    case "literal":
      if (value !== type.value) fail();
      return errors;
    case "union": {
      const ok = type.members.some((m) => conforms(value, m));
      if (!ok) fail();
      return errors;
    }
    case "list":
      if (!Array.isArray(value)) fail();
      else value.forEach((v, i) => collect(v, type.element, `${path}[${i}]`, errors));
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
        collect(obj[f.name], f.type, `${path}.${f.name}`, errors);
      }
      for (const k of Object.keys(obj)) {
        if (!declared(type).has(k)) errors.push({ path: `${path}.${k}`, message: "is not a declared field" });
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
