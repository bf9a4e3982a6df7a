// The lexer's and the parser's definitions are checked here, once, with Chevrotain's
// validations; each process that compiles builds them without (see `lexerConfig`).
import { createToken, Lexer } from "chevrotain";
import { describe, expect, it } from "vitest";
import { JourneyParser } from "../src/syntax/parser.js";
import { allTokens, lexerConfig } from "../src/syntax/tokens.js";

describe("the grammar's definition", () => {
  it("the token definitions pass the lexer's validations", () => {
    const lexer = new Lexer(allTokens, lexerConfig(true));
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });

  it("the lexer's validations run when asked for, and only then: a token that may match nothing", () => {
    const empty = createToken({ name: "Empty", pattern: /a*/ });
    expect(() => new Lexer([empty, ...allTokens], lexerConfig(true))).toThrow(/must not match an empty string/);
    expect(() => new Lexer([empty, ...allTokens], lexerConfig(false))).not.toThrow();
  });

  it("the rules pass the parser's validations (no ambiguity, no left recursion, no duplicate rule)", () => {
    const parser = new JourneyParser(true);
    // Chevrotain fills it in `performSelfAnalysis`, but its typings do not declare it.
    expect((parser as unknown as { definitionErrors: unknown[] }).definitionErrors).toEqual([]);
  });
});
