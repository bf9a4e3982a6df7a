/** Validation of an IR document against the IR's JSON Schema, compiled once. */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import schemaJson from "./schema.json" with { type: "json" };

/**
 * The IR's JSON Schema (draft 2020-12). Typed here rather than inferred: an inferred type
 * would make the emitted declarations import the JSON file without `with { type: "json" }`,
 * which TypeScript refuses under `--module nodenext` in a user's project (TS1543).
 */
export const irSchema: Record<string, unknown> = schemaJson;

let validator: ValidateFunction | undefined;

/** Problems with an IR document, each with the JSON path of the offending value; empty when valid. */
export function validateIR(value: unknown): string[] {
  validator ??= new Ajv2020({ allErrors: false, strict: false }).compile(irSchema);
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}
