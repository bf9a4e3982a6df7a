/**
 * Property test: random but valid programs (see `generate.ts`), printed with random spacing,
 * line breaks, optional commas, redundant parentheses and comments everywhere, format
 * successfully, idempotently, with every comment, and to the same IR.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProgramGenerator, Random, layout } from "./generate.js";
import { commentsOf, fmt, irWithoutPositions } from "./support.js";

const runs = Number(process.env.JOURNEY_PROPERTY_RUNS ?? 60);

describe("generated programs", () => {
  it("format successfully, idempotently, keeping every comment and the IR", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(40, 80, 100, 120), async (seed, printWidth) => {
        const r = new Random(seed);
        const text = layout(new ProgramGenerator(r).program(), r);
        const source = [{ path: "generated.journey", text }];
        const before = irWithoutPositions(source);
        // The generator writes valid programs; a failure here is the generator's.
        expect(before.errors, text).toEqual([]);

        const once = await fmt(text, { printWidth });
        expect(await fmt(once, { printWidth }), once).toBe(once);
        expect(commentsOf(once)).toEqual(commentsOf(text));
        const after = irWithoutPositions([{ path: "generated.journey", text: once }]);
        expect(after.errors, once).toEqual([]);
        expect(after.ir).toEqual(before.ir);
      }),
      { numRuns: runs },
    );
  });

  it("format the same whatever the spaces and tabs between tokens", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        // One program on one line, spaced two ways: one formatted text. (Line breaks are not
        // all alike: a blank line, or a break after a record's `{`, is kept on purpose.)
        const tokens = new ProgramGenerator(new Random(seed)).program();
        const a = layout(tokens, new Random(seed + 1), { lines: false });
        const b = layout(tokens, new Random(seed + 2), { lines: false });
        const fa = await fmt(a);
        expect(await fmt(b)).toBe(fa);
      }),
      { numRuns: Math.ceil(runs / 2) },
    );
  });
});
