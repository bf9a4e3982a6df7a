/**
 * Canned answers for `call` steps (`action-responses.json`), checked against the project's
 * actions: what `journey run`, `journey test`, `journey decide` and the language server's
 * test runs read. A mistake of shape is refused here, naming the file and the field: it would
 * not stop a run, every call it answers would just fail, or get null.
 */
import { suggest } from "@journey/template";
import type { CannedResponse } from "../shell/actions.js";
import { DataFileError, isJsonObject, parseJsonFile, responseRule } from "./json-file.js";

export interface ActionResponses {
  responses: Record<string, CannedResponse[]>;
  /** What is likely a mistake but does not stop a run (responses for an action the project does not declare). */
  warnings: string[];
}

/**
 * The responses in file `path`, whose text is `text`, for the actions `declared` (the IR's
 * `actions`); throws a `DataFileError` naming the file and the field.
 */
export function parseActionResponses(path: string, text: string, declared: Record<string, unknown>): ActionResponses {
  const v = parseJsonFile(path, text);
  if (!isJsonObject(v)) throw new DataFileError(`${path}: expected { "<Action>": [{ "match": {…}, "response": {…} | "error": "…" }] }`);
  for (const [k, list] of Object.entries(v)) {
    if (!Array.isArray(list)) throw new DataFileError(`${path}: .${k} must be an array of responses`);
    list.forEach((rule: unknown, i) => {
      const at = `${path}: ${k}[${i}]`;
      const r = responseRule(at, rule, `{ "match": {…}, "response": {…} } or { "match": {…}, "error": "…" }`);
      if (r["match"] !== undefined && !isJsonObject(r["match"])) throw new DataFileError(`${at}.match must be an object of argument values`);
      // A value for an argument the action does not take can never match: every call would fail.
      const params = (declared[k] as { params?: { name: string }[] } | undefined)?.params?.map((p) => p.name);
      const stray = params && Object.keys(r["match"] ?? {}).find((name) => !params.includes(name));
      if (stray !== undefined && params) {
        const near = suggest(stray, params);
        throw new DataFileError(`${at}.match.${stray}: \`${k}\` has no parameter \`${stray}\` (${near ? `did you mean \`${near}\`?` : `its parameters: ${params.map((p) => `\`${p}\``).join(", ") || "none"}`})`);
      }
      if (r["error"] !== undefined && typeof r["error"] !== "string") throw new DataFileError(`${at}.error must be a string: the failure's message`);
      if (r["error"] !== undefined && r["response"] !== undefined) throw new DataFileError(`${at}: a response or an error, not both`);
    });
  }
  const warnings: string[] = [];
  for (const name of Object.keys(v)) {
    if (Object.hasOwn(declared, name)) continue;
    const near = suggest(name, Object.keys(declared));
    warnings.push(`${path}: \`${name}\` is not an action of this project, so its responses are never used${near ? ` (did you mean \`${near}\`?)` : ""}`);
  }
  return { responses: v as Record<string, CannedResponse[]>, warnings };
}
