/**
 * Canned answers for recommendation providers (`provider("name", …)`), for simulations:
 * `journey run`, `journey test` and `journey decide` never call real services, so without them
 * every such recommendation falls to its `backup`. Read from `provider-responses.json` (checked
 * here, naming the file and the field) and from a test's `respond provider` items.
 */
import { suggest } from "@journey/template";
import type { RecommendationProvider } from "../recs/provider.js";
import { DataFileError, isJsonObject, parseJsonFile, responseRule } from "./json-file.js";

/** One rule: for `profileId` (any profile when absent), the catalog keys to answer, or the failure. */
export interface CannedProviderRule {
  profileId?: string;
  keys?: readonly (string | number)[];
  error?: string;
}

export interface ProviderResponses {
  responses: Record<string, CannedProviderRule[]>;
  /** What is likely a mistake but does not stop a run (rules for a provider no recommendation asks). */
  warnings: string[];
}

/**
 * The rules in file `path`, whose text is `text`: `{ "<provider>": [{ "match": { "profileId":
 * "p1" }, "response": ["NV-1001", …] } | { "error": "timeout" }] }`; `asked`: the providers the
 * IR's recommendations ask. Throws a `DataFileError` naming the file and the field.
 */
export function parseProviderResponses(path: string, text: string, asked: readonly string[]): ProviderResponses {
  const v = parseJsonFile(path, text);
  const shape = `{ "<provider>": [{ "match": { "profileId": "…" }, "response": ["<key>", …] } or { "error": "…" }] }`;
  if (!isJsonObject(v)) throw new DataFileError(`${path}: expected ${shape}`);
  const responses: Record<string, CannedProviderRule[]> = {};
  for (const [name, list] of Object.entries(v)) {
    if (!Array.isArray(list)) throw new DataFileError(`${path}: .${name} must be an array of responses: ${shape}`);
    responses[name] = list.map((rule: unknown, i): CannedProviderRule => {
      const at = `${path}: ${name}[${i}]`;
      const r = responseRule(at, rule, `{ "match": {…}, "response": [keys] } or { "error": "…" }`);
      const match = r["match"];
      if (match !== undefined && !isJsonObject(match)) throw new DataFileError(`${at}.match must be an object: { "profileId": "…" }`);
      const stray = Object.keys(match ?? {}).find((k) => k !== "profileId");
      if (stray !== undefined) throw new DataFileError(`${at}.match.${stray}: a provider's request is matched by \`profileId\` only`);
      const profileId = match?.["profileId"];
      if (profileId !== undefined && (typeof profileId !== "string" || profileId === "")) throw new DataFileError(`${at}.match.profileId must be a profile id (a non-empty string)`);
      const { response, error } = r;
      if (error !== undefined && response !== undefined) throw new DataFileError(`${at}: a response or an error, not both`);
      if (error !== undefined) {
        if (typeof error !== "string" || !error.trim()) throw new DataFileError(`${at}.error must be the failure's message (a non-empty string)`);
        return { ...(profileId !== undefined ? { profileId } : {}), error };
      }
      if (!Array.isArray(response)) throw new DataFileError(`${at}.response must be a list of catalog keys, such as ["NV-1001"]`);
      const bad = response.findIndex((k) => typeof k !== "string" && typeof k !== "number");
      if (bad >= 0) throw new DataFileError(`${at}.response[${bad}] must be a catalog key (a string or a number)`);
      return { ...(profileId !== undefined ? { profileId } : {}), keys: response as (string | number)[] };
    });
  }
  const warnings: string[] = [];
  for (const name of Object.keys(responses)) {
    if (asked.includes(name)) continue;
    const near = suggest(name, asked);
    warnings.push(`${path}: no recommendation of this project asks provider \`${name}\`, so its responses are never used${near ? ` (did you mean \`${near}\`?)` : ""}`);
  }
  return { responses, warnings };
}

/**
 * Providers answering from `rules`, by name: a request gets the keys of the provider's first
 * rule for its profile (or for any), or fails with the rule's error; a request no rule answers
 * fails, as when no provider of that name is registered.
 */
export function cannedProviders(rules: Record<string, readonly CannedProviderRule[]>): Record<string, RecommendationProvider> {
  const providers: Record<string, RecommendationProvider> = {};
  for (const [name, list] of Object.entries(rules)) {
    providers[name] = {
      recommend: async (request) => {
        const rule = list.find((r) => r.profileId === undefined || r.profileId === request.profileId);
        if (!rule) throw new Error(`no canned response of provider \`${name}\` answers profile "${request.profileId}"`);
        if (rule.error !== undefined) throw new Error(rule.error);
        return rule.keys ?? [];
      },
    };
  }
  return providers;
}
