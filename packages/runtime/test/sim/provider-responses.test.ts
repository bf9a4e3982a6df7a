/**
 * `provider-responses.json` as `journey run`, `test` and `decide` read it: shape mistakes at
 * their field, responses for a provider no recommendation asks as a warning, and the providers
 * it makes: the first rule for the request's profile answers.
 */
import { describe, expect, it } from "vitest";
import { cannedProviders, DataFileError, parseProviderResponses } from "@journey/runtime/sim";

const ask = (name: string, profileId: string) => ({ algorithm: name, args: [], named: {}, profileId, limit: 3, now: 0, signal: new AbortController().signal });

describe("parseProviderResponses", () => {
  it("gives the rules, and a warning for a provider no recommendation asks", () => {
    const text = JSON.stringify({ personalized: [{ match: { profileId: "p1" }, response: ["NV-1", 2] }, { error: "timeout" }], personalised: [] });
    expect(parseProviderResponses("p.json", text, ["personalized"])).toEqual({
      responses: { personalized: [{ profileId: "p1", keys: ["NV-1", 2] }, { error: "timeout" }], personalised: [] },
      warnings: ["p.json: no recommendation of this project asks provider `personalised`, so its responses are never used (did you mean `personalized`?)"],
    });
  });

  it.each([
    ["[]", 'p.json: expected { "<provider>": [{ "match": { "profileId": "…" }, "response": ["<key>", …] } or { "error": "…" }] }'],
    ['{ "recs": {} }', 'p.json: .recs must be an array of responses: { "<provider>": [{ "match": { "profileId": "…" }, "response": ["<key>", …] } or { "error": "…" }] }'],
    ['{ "recs": [{ "match": { "sku": "x" }, "response": [] }] }', "p.json: recs[0].match.sku: a provider's request is matched by `profileId` only"],
    ['{ "recs": [{ "match": { "profileId": 7 }, "response": [] }] }', "p.json: recs[0].match.profileId must be a profile id (a non-empty string)"],
    ['{ "recs": [{ "response": ["a"], "error": "x" }] }', "p.json: recs[0]: a response or an error, not both"],
    ['{ "recs": [{ "response": "a" }] }', 'p.json: recs[0].response must be a list of catalog keys, such as ["NV-1001"]'],
    ['{ "recs": [{ "response": ["a", { "sku": "b" }] }] }', "p.json: recs[0].response[1] must be a catalog key (a string or a number)"],
    ['{ "recs": [{ "error": " " }] }', "p.json: recs[0].error must be the failure's message (a non-empty string)"],
    ['{ "recs": [{ "keys": [] }] }', "p.json: recs[0].keys is not a field of a response (match, response or error)"],
  ])("refuses %s, naming the field", (text, message) => {
    expect(() => parseProviderResponses("p.json", text, ["recs"])).toThrow(new DataFileError(message));
  });
});

describe("cannedProviders", () => {
  const { recs } = cannedProviders({ recs: [{ profileId: "p1", keys: ["A"] }, { profileId: "p2", error: "HTTP 503" }, { keys: ["B", "C"] }] });

  it("answers with the first rule for the request's profile, or for any profile", async () => {
    expect(await recs!.recommend(ask("recs", "p1"))).toEqual(["A"]);
    expect(await recs!.recommend(ask("recs", "p9"))).toEqual(["B", "C"]);
  });

  it("fails with the rule's error, and when no rule answers the profile", async () => {
    await expect(recs!.recommend(ask("recs", "p2"))).rejects.toThrow("HTTP 503");
    const { only } = cannedProviders({ only: [{ profileId: "p1", keys: [] }] });
    await expect(only!.recommend(ask("only", "p2"))).rejects.toThrow('no canned response of provider `only` answers profile "p2"');
  });
});
