/**
 * Property test: random but valid programs (see `generate.ts`), printed with random spacing,
 * line breaks, optional commas, redundant parentheses and comments everywhere, format
 * successfully, idempotently, with every comment, and to the same IR.
 *
 * The runs are deterministic: fast-check starts from one fixed seed, so CI sees the same
 * programs every time and a failure is reproduced as it was. `JOURNEY_PROPERTY_SEED=<n>`
 * explores other programs, `JOURNEY_PROPERTY_RUNS=<n>` more of them; a failure names the seed
 * to run it again with.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProgramGenerator, Random, layout } from "./generate.js";
import { commentsOf, fmt, irWithoutPositions } from "./support.js";

/** A whole number from the environment, or the default; anything else is the caller's mistake. */
function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new Error(`${name} must be a whole number, found ${JSON.stringify(raw)}`);
  return Number(raw);
}

const seed = envInt("JOURNEY_PROPERTY_SEED", 20_261_207);
const runs = envInt("JOURNEY_PROPERTY_RUNS", 60);
/** A program takes a fraction of a second; the suite's 30 s would cut a longer exploration short. */
const timeout = Math.max(60_000, runs * 1_500);

/** `fc.assert` from the fixed seed; a failure says how to run it again (fast-check's report follows). */
async function check(property: fc.IAsyncProperty<[number, ...unknown[]]>, numRuns: number): Promise<void> {
  try {
    await fc.assert(property, { seed, numRuns });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`property failed with JOURNEY_PROPERTY_SEED=${seed} (run again: JOURNEY_PROPERTY_SEED=${seed} npx vitest run packages/prettier-plugin/test/property.test.ts)\n${message}`, { cause: e });
  }
}

describe("generated programs", () => {
  it("format successfully, idempotently, keeping every comment and the IR", async () => {
    await check(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(40, 80, 100, 120), fc.boolean(), async (program, printWidth, dense) => {
        const r = new Random(program);
        const text = layout(new ProgramGenerator(r).program(), r, { dense });
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
      runs,
    );
  }, timeout);

  it("format the same whatever the spaces and tabs between tokens", async () => {
    await check(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (program) => {
        // One program on one line, spaced two ways: one formatted text. (Line breaks are not
        // all alike: a blank line, or a break after a record's `{`, is kept on purpose.)
        const tokens = new ProgramGenerator(new Random(program)).program();
        const a = layout(tokens, new Random(program + 1), { lines: false });
        const b = layout(tokens, new Random(program + 2), { lines: false });
        const fa = await fmt(a);
        expect(await fmt(b)).toBe(fa);
      }),
      Math.ceil(runs / 2),
    );
  }, timeout);
});
