/** Shared helpers of the compiler tests: the brief's complete example, samples, positions. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, type CompileResult, type Diagnostic } from "@journey/compiler";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const samplesDir = join(repoRoot, "samples");

/** The brief, in `../shared` beside the repository (as on CI), when it is there. */
const BRIEF = join(repoRoot, "..", "shared", "design", "language.md");
const BRIEF_SAMPLE = join(samplesDir, "brief-example", "example.journey");

/** The first ```journey block of a Markdown file. */
export function firstJourneyBlock(markdown: string): string | undefined {
  const m = /^```journey[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/m.exec(markdown);
  return m?.[1];
}

/**
 * The complete example of the language brief: it compiles with no diagnostics, so every
 * valid test program starts from it. Read from the brief when it is there, else from the
 * sample that copies it.
 */
export function briefExample(): string {
  if (existsSync(BRIEF)) {
    const block = firstJourneyBlock(readFileSync(BRIEF, "utf8"));
    if (block) return block;
  }
  if (existsSync(BRIEF_SAMPLE)) return readFileSync(BRIEF_SAMPLE, "utf8");
  throw new Error(`the brief example is neither in ${BRIEF} nor in ${BRIEF_SAMPLE}`);
}

/** Every `.journey` file under `samples/`, sorted, with paths relative to the repository. */
export function sampleFiles(): { path: string; text: string }[] {
  if (!existsSync(samplesDir)) return [];
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(p);
      } else if (e.isFile() && e.name.endsWith(".journey")) out.push({ path: p.slice(repoRoot.length), text: readFileSync(p, "utf8") });
    }
  };
  walk(samplesDir);
  return out;
}

/** Compile one file as a whole project. */
export function compileText(text: string, path = "main.journey"): CompileResult {
  return compile([{ path, text }]);
}

/** `J1004 3:14-3:22` (1-based, end exclusive), as the corpus headers write it. */
export function describeDiagnostic(result: CompileResult, d: Diagnostic): string {
  const idx = result.lineIndex(d.file);
  const s = idx.position(d.span.start);
  const e = idx.position(d.span.end);
  return `${d.code} ${s.line + 1}:${s.column + 1}-${e.line + 1}:${e.column + 1} ${d.message}`;
}

/** The span of the `n`-th (0-based) occurrence of `needle` in `text`. */
export function spanOf(text: string, needle: string, n = 0): { start: number; end: number } {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`occurrence ${n} of ${JSON.stringify(needle)} not found`);
  }
  return { start: at, end: at + needle.length };
}

/** Replace exactly one occurrence of `from` in `text` (fails loudly when the base changed). */
export function replaceOnce(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i < 0) throw new Error(`${JSON.stringify(from)} not found`);
  if (text.indexOf(from, i + 1) >= 0) throw new Error(`${JSON.stringify(from)} occurs more than once`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}
