/**
 * `action-responses.json` as every tool reads it (`journey run`, `test`, `decide`, the language
 * server): JSON mistakes at their line and column, shape mistakes at their field, responses for
 * an undeclared action as a warning.
 */
import { describe, expect, it } from "vitest";
import { DataFileError, parseActionResponses, parseJsonFile } from "@journey/runtime/sim";

const declared = { Weather: { params: [{ name: "city" }] } };

describe("parseActionResponses", () => {
  it("gives the responses, and a warning for an action the project does not declare", () => {
    const text = JSON.stringify({ Weather: [{ match: { city: "Oslo" }, response: { tempC: 3 } }, { error: "timeout" }], Wether: [] });
    expect(parseActionResponses("r.json", text, declared)).toEqual({
      responses: { Weather: [{ match: { city: "Oslo" }, response: { tempC: 3 } }, { error: "timeout" }], Wether: [] },
      warnings: ["r.json: `Wether` is not an action of this project, so its responses are never used (did you mean `Weather`?)"],
    });
  });

  it.each([
    ["[]", 'r.json: expected { "<Action>": [{ "match": {…}, "response": {…} | "error": "…" }] }'],
    ['{ "Weather": {} }', "r.json: .Weather must be an array of responses"],
    ['{ "Weather": [{ "match": { "citi": "Oslo" }, "error": "x" }] }', "r.json: Weather[0].match.citi: `Weather` has no parameter `citi` (did you mean `city`?)"],
    ['{ "Weather": [{ "response": {}, "error": "x" }] }', "r.json: Weather[0]: a response or an error, not both"],
    ['{\n  "Weather": [\n    { "error": 504 }\n  ]\n}', "r.json: Weather[0].error must be a string: the failure's message"],
  ])("refuses %s, naming the field", (text, message) => {
    expect(() => parseActionResponses("r.json", text, declared)).toThrow(new DataFileError(message));
  });
});

describe("parseJsonFile", () => {
  it("skips a byte order mark", () => {
    expect(parseJsonFile("a.json", '\uFEFF{ "a": 1 }')).toEqual({ a: 1 });
  });

  it("names a mistake by line and column, without Node's offset or a copy of the text", () => {
    const e = (() => {
      try {
        parseJsonFile("a.json", '{\n  "a": 1,\n}\n');
      } catch (x) {
        return x as Error;
      }
    })();
    expect(e).toBeInstanceOf(DataFileError);
    expect(e!.message).toMatch(/^a\.json:3:1: invalid JSON: /);
    expect(e!.message).not.toMatch(/position|not valid JSON/);
    // The place, for an editor's diagnostic on the file.
    expect((e as DataFileError).position).toEqual({ line: 3, column: 1 });
  });

  it("counts lines from the given one, for JSON Lines", () => {
    expect(() => parseJsonFile("e.jsonl", '{ "a" 1 }', 7)).toThrow(/^e\.jsonl:7:7: invalid JSON: /);
  });
});
