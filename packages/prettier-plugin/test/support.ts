/** Shared helpers of the formatter's tests: fixtures, samples, formatting and IR comparison. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, parseFile, type SourceInput } from "@journey/compiler";
import { format, type FormatOptions } from "@journey/prettier-plugin";

export const testDir = fileURLToPath(new URL(".", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const fixturesDir = join(testDir, "fixtures");
export const samplesDir = join(repoRoot, "samples");
export const prelude: SourceInput = { path: "prelude.journey", text: readFileSync(join(testDir, "prelude.journey"), "utf8") };

export async function fmt(text: string, options: FormatOptions = {}): Promise<string> {
  return format(text, { filepath: "test.journey", ...options });
}

/** Fixture names: `fixtures/<name>.in.journey`, expected output in `<name>.out.journey`. */
export function fixtureNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".in.journey"))
    .map((f) => f.slice(0, -".in.journey".length))
    .sort();
}

export function readFixture(name: string): { input: string; expected: string | undefined; outPath: string } {
  const outPath = join(fixturesDir, `${name}.out.journey`);
  return {
    input: readFileSync(join(fixturesDir, `${name}.in.journey`), "utf8"),
    expected: existsSync(outPath) ? readFileSync(outPath, "utf8") : undefined,
    outPath,
  };
}

/** A fixture is a project with the prelude, unless it declares its own `profile`. */
export function fixtureProject(text: string): SourceInput[] {
  const ownProfile = parseFile("fixture.journey", text).file.declarations.some((d) => d.kind === "Profile");
  return ownProfile ? [{ path: "fixture.journey", text }] : [prelude, { path: "fixture.journey", text }];
}

/** Every project under `samples/`: one per folder holding `.journey` files. */
export function sampleProjects(): { name: string; files: SourceInput[] }[] {
  if (!existsSync(samplesDir)) return [];
  const out: { name: string; files: SourceInput[] }[] = [];
  for (const name of readdirSync(samplesDir).sort()) {
    const dir = join(samplesDir, name);
    if (!statSync(dir).isDirectory()) continue;
    const files: SourceInput[] = [];
    const walk = (d: string, rel: string) => {
      for (const e of readdirSync(d).sort()) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p, `${rel}${e}/`);
        else if (e.endsWith(".journey")) files.push({ path: `samples/${name}/${rel}${e}`, text: readFileSync(p, "utf8") });
      }
    };
    walk(dir, "");
    if (files.length) out.push({ name: `samples/${name}`, files });
  }
  return out;
}

/** The IR of a project without source positions (`sourceMap` and every `loc`), or the errors. */
export function irWithoutPositions(files: SourceInput[]): { ir?: unknown; errors: string[] } {
  const r = compile(files);
  const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}: ${d.code} ${d.message}`);
  if (!r.ir) return { errors };
  return { ir: JSON.parse(JSON.stringify(r.ir, (k, v: unknown) => (k === "loc" || k === "sourceMap" ? undefined : v))), errors };
}

/** Every comment's text, each line trimmed (block comments may be re-indented), sorted. */
export function commentsOf(text: string): string[] {
  return parseFile("x.journey", text)
    .file.comments.map((c) =>
      c.text
        .split("\n")
        .map((l) => l.trim())
        .join("\n"),
    )
    .sort();
}

/** Format every file of a project. */
export async function formatProject(files: SourceInput[], options: FormatOptions = {}): Promise<SourceInput[]> {
  return Promise.all(files.map(async (f) => ({ path: f.path, text: await fmt(f.text, { ...options, filepath: f.path }) })));
}
