/** Validation of an IR document against the IR's JSON Schema, compiled once. */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import schema from "./schema.json" with { type: "json" };

let validator: ValidateFunction | undefined;

/** Problems with an IR document, each with the JSON path of the offending value; empty when valid. */
export function validateIR(value: unknown): string[] {
  validator ??= new Ajv2020({ allErrors: false, strict: false }).compile(schema);
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

export { schema as irSchema };
