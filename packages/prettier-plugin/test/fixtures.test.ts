/**
 * Fixture tests: `fixtures/<name>.in.journey` formats to `<name>.out.journey`, the output is a
 * fixed point, the IR is the same before and after (apart from positions), and no comment is
 * lost. `UPDATE_FIXTURES=1 npx vitest run packages/prettier-plugin` rewrites the expected
 * outputs (review the diff before committing it).
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commentsOf, fixtureNames, fixtureProject, fmt, irWithoutPositions, readFixture } from "./support.js";

const update = process.env.UPDATE_FIXTURES === "1";

describe.each(fixtureNames())("fixture %s", (name) => {
  const { input, expected, outPath } = readFixture(name);

  it("formats to the expected output", async () => {
    const out = await fmt(input);
    if (update || expected === undefined) writeFileSync(outPath, out);
    else expect(out).toBe(expected);
  });

  it("is idempotent: the expected output is a fixed point", async () => {
    const out = await fmt(input);
    expect(await fmt(out)).toBe(out);
  });

  it("keeps the meaning: the same IR apart from positions", async () => {
    const before = irWithoutPositions(fixtureProject(input));
    expect(before.errors).toEqual([]);
    const after = irWithoutPositions(fixtureProject(await fmt(input)));
    expect(after.errors).toEqual([]);
    expect(after.ir).toEqual(before.ir);
  });

  it("keeps every comment", async () => {
    expect(commentsOf(await fmt(input))).toEqual(commentsOf(input));
  });
});
