/**
 * Loading an IR: the version is checked first (a clear refusal for an IR from another
 * compiler), then the shape against the IR's JSON Schema, with the path of the first problem.
 */
import { IR_VERSION, type IR } from "@journey/ir";
import { validateIR } from "@journey/ir";

export class InvalidIRError extends Error {}

export function loadIR(value: unknown): IR {
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (e) {
      throw new InvalidIRError(`the IR is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!value || typeof value !== "object") throw new InvalidIRError("the IR must be a JSON object");
  const version = (value as { irVersion?: unknown }).irVersion;
  if (version !== IR_VERSION) {
    throw new InvalidIRError(`unsupported irVersion ${JSON.stringify(version)}: this runtime runs irVersion ${IR_VERSION}; rebuild the project with a matching compiler`);
  }
  const problems = validateIR(value);
  if (problems.length) throw new InvalidIRError(`invalid IR: ${problems[0]}`);
  return value as IR;
}
