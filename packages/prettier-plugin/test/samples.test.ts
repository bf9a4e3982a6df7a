/**
 * The project's samples (and the compiler's corpus of programs with mistakes that still parse):
 * formatting is idempotent, keeps every comment, and for the samples keeps the IR.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fingerprint } from "@journey/prettier-plugin";
import { parseFile } from "@journey/compiler";
import { describe, expect, it } from "vitest";
import { commentsOf, fmt, formatProject, irWithoutPositions, repoRoot, sampleProjects } from "./support.js";

const projects = sampleProjects();

describe.skipIf(projects.length === 0).each(projects)("$name", ({ files }) => {
  it("keeps the IR (apart from positions)", async () => {
    const before = irWithoutPositions(files);
    expect(before.errors).toEqual([]);
    const after = irWithoutPositions(await formatProject(files));
    expect(after.errors).toEqual([]);
    expect(after.ir).toEqual(before.ir);
  });

  it.each(files.map((f) => [f.path, f.text]))("%s is formatted idempotently, with every comment", async (path, text) => {
    const once = await fmt(text, { filepath: path });
    expect(await fmt(once, { filepath: path })).toBe(once);
    expect(commentsOf(once)).toEqual(commentsOf(text));
  });
});

/** Programs with semantic mistakes still format, faithfully (same AST), and idempotently. */
const corpusDir = join(repoRoot, "packages/compiler/test/invalid");
const corpus = existsSync(corpusDir)
  ? readdirSync(corpusDir)
      .filter((f) => f.endsWith(".journey"))
      .sort()
      .map((f) => ({ name: f, text: readFileSync(join(corpusDir, f), "utf8") }))
      .filter((f) => {
        try {
          return !parseFile(f.name, f.text).diagnostics.some((d) => d.severity === "error");
        } catch {
          return false;
        }
      })
  : [];

describe.skipIf(corpus.length === 0)("the compiler's corpus of mistakes", () => {
  it.each(corpus.map((f) => [f.name, f.text]))("%s", async (name, text) => {
    const once = await fmt(text, { filepath: name });
    expect(await fmt(once, { filepath: name })).toBe(once);
    expect(fingerprint(parseFile(name, once).file)).toBe(fingerprint(parseFile(name, text).file));
    expect(commentsOf(once)).toEqual(commentsOf(text));
  });
});
