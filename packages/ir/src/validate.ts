/** Validation of an IR document against the IR's JSON Schema, compiled at build time (scripts/validator.mjs). */
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import schemaJson from "./schema.json" with { type: "json" };
import { validate } from "./validator.generated.js";

/**
 * The IR's JSON Schema (draft 2020-12). Typed here rather than inferred: an inferred type
 * would make the emitted declarations import the JSON file without `with { type: "json" }`,
 * which TypeScript refuses under `--module nodenext` in a user's project (TS1543).
 */
export const irSchema: Record<string, unknown> = schemaJson;

const validator = validate as ValidateFunction;

/** Problems with an IR document, each with the JSON path of the offending value; empty when valid. */
export function validateIR(value: unknown): string[] {
  if (validator(value)) return [];
  return relevant(validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/**
 * Of a value that is one of several shapes (`oneOf`: an expression), what is wrong inside the
 * shape it has (`args must NOT have fewer than 3 items`), rather than that it lacks every other
 * shape's key; only when nothing inside is wrong, that it is none of them.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const oneOf = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const noise = (e: ErrorObject) => oneOf.has(e.instancePath) && (e.keyword === "required" || e.keyword === "oneOf");
  const explained = (path: string) => errors.some((e) => !noise(e) && (e.instancePath === path || e.instancePath.startsWith(`${path}/`)));
  return errors.filter((e) => !noise(e) || (e.keyword === "oneOf" && !explained(e.instancePath)));
}
