/** The reading of docs/tutorial.md's markup: which blocks are steps, and how output is matched. */
import { describe, expect, it } from "vitest";
import { outputMatches, readSteps, splitWords } from "./tutorial-steps.js";

describe("readSteps", () => {
  it("reads files to write, append and change, and commands with their output and exit code", () => {
    const md = [
      "Prose.",
      "```journey file=shop/a.journey",
      "profile { email: string }",
      "```",
      "```journey file=shop/a.journey append",
      "event E { x: int }",
      "```",
      "```diff file=shop/a.journey",
      " profile {",
      "-  email: string",
      "+  mail: string",
      " }",
      "```",
      "```sh exit=1",
      "$ journey check shop \\",
      "    --json",
      "line one",
      "$ curl -s -d '{\"a\": 1}' localhost:8080/x",
      "```",
      "```sh",
      "alias journey=…",
      "```",
      "```json",
      "{}",
      "```",
    ].join("\n");
    expect(readSteps(md)).toEqual([
      { kind: "write", line: 2, path: "shop/a.journey", text: "profile { email: string }\n", append: false },
      { kind: "write", line: 5, path: "shop/a.journey", text: "event E { x: int }\n", append: true },
      { kind: "diff", line: 8, path: "shop/a.journey", before: "profile {\n  email: string\n}\n", after: "profile {\n  mail: string\n}\n" },
      { kind: "command", line: 15, argv: ["journey", "check", "shop", "--json"], expected: ["line one"], exit: 1 },
      { kind: "command", line: 18, argv: ["curl", "-s", "-d", '{"a": 1}', "localhost:8080/x"], expected: [], exit: 1 },
    ]);
  });

  it("refuses an unclosed block, and a diff line without its mark", () => {
    expect(() => readSteps("```sh\n$ journey check\n")).toThrow("tutorial.md:1: this block is never closed");
    expect(() => readSteps("```diff file=a\n-a\nb\n```")).toThrow("tutorial.md:3: a diff line starts with");
  });
});

describe("splitWords", () => {
  it("joins quoted parts to their word, and refuses what a shell would read as more than one command", () => {
    expect(splitWords(`a 'b c'd "e f"  g`, 1)).toEqual(["a", "b cd", "e f", "g"]);
    expect(() => splitWords("journey run shop | head", 7)).toThrow("tutorial.md:7: `journey run shop | head`: pipes");
    expect(() => splitWords("curl -d '{", 7)).toThrow("unclosed quote");
  });
});

describe("outputMatches", () => {
  it("matches lines exactly, `…` within a line as any text, and a `…` line as any number of lines", () => {
    expect(outputMatches(["a", "b"], "a\nb\n\n")).toBe(true);
    expect(outputMatches(["a"], "a\nb\n")).toBe(false);
    expect(outputMatches(["a", "b"], "a\n")).toBe(false);
    expect(outputMatches(["{\"id\":…,\"n\":2}"], '{"id":"x.y","n":2}')).toBe(true);
    expect(outputMatches(["{\"id\":…,\"n\":2}"], '{"id":"x","n":3}')).toBe(false);
    expect(outputMatches(["x (1.5)"], "x (105)")).toBe(false);
    expect(outputMatches(["…", "c 1", "…"], "a\nb\nc 1\nd\n")).toBe(true);
    expect(outputMatches(["…", "c 1", "…"], "a\nc 2\n")).toBe(false);
    expect(outputMatches(["a", "…", "d"], "a\nd\n")).toBe(true);
  });
});
