/**
 * Parser robustness: a file being typed is, most of the time, a prefix of a valid file. For
 * every sample and the brief's example, compile the file cut at every token boundary: the
 * compiler must never throw, and every span it reports must lie inside the prefix.
 */
import { describe, expect, it } from "vitest";
import { compile, type Diagnostic } from "@journey/compiler";
import { lexer, tokEnd } from "../src/syntax/tokens.js";
import { briefExample, sampleFiles } from "./support.js";

/** Above this many prefixes in all, files are cut at every k-th boundary (keeps the run short). */
const MAX_PREFIXES = 8_000;

interface Source {
  path: string;
  text: string;
}

function sources(): Source[] {
  const all: Source[] = [{ path: "brief-example (language.md)", text: briefExample() }, ...sampleFiles()];
  const seen = new Set<string>();
  return all.filter((s) => (seen.has(s.text) ? false : (seen.add(s.text), true)));
}

/** Every token boundary of `text`: each token's start and end, comments included. */
function cuts(text: string): number[] {
  const lexed = lexer.tokenize(text);
  const at = new Set<number>([0, text.length]);
  for (const tok of [...lexed.tokens, ...Object.values(lexed.groups).flat()]) {
    at.add(tok.startOffset);
    at.add(tokEnd(tok));
  }
  return [...at].filter((o) => o >= 0 && o <= text.length).sort((a, b) => a - b);
}

function spanProblem(d: Diagnostic, file: string, length: number): string | undefined {
  const bad = (s: { start: number; end: number }) => !(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= length);
  if (d.file !== file) return `diagnostic in unknown file ${d.file}`;
  if (bad(d.span)) return `span ${d.span.start}-${d.span.end} outside 0-${length}`;
  for (const r of d.related ?? []) if (r.file === file && bad(r.span)) return `related span ${r.span.start}-${r.span.end} outside 0-${length}`;
  for (const e of d.fix?.edits ?? []) if (e.file === file && bad(e.span)) return `fix span ${e.span.start}-${e.span.end} outside 0-${length}`;
  return undefined;
}

const all = sources();
const plan = all.map((s) => ({ ...s, cuts: cuts(s.text) }));
const total = plan.reduce((n, p) => n + p.cuts.length, 0);
const stride = Math.max(1, Math.ceil(total / MAX_PREFIXES));

describe("robustness: every prefix of every sample compiles without throwing", () => {
  it("has samples to cut", () => {
    expect(sampleFiles().length, "no .journey file under samples/").toBeGreaterThan(0);
  });

  for (const { path, text, cuts: at } of plan) {
    it(`${path} (${at.length} boundaries${stride > 1 ? `, every ${stride}th` : ""})`, () => {
      const failures: string[] = [];
      const chosen = at.filter((_, i) => i % stride === 0 || i === at.length - 1);
      for (const cut of chosen) {
        const prefix = text.slice(0, cut);
        const where = `cut at ${cut} (…${JSON.stringify(prefix.slice(-30))})`;
        try {
          const r = compile([{ path: "prefix.journey", text: prefix }]);
          for (const d of r.diagnostics) {
            const p = spanProblem(d, "prefix.journey", prefix.length);
            if (p) failures.push(`${where}: ${d.code} ${p}`);
          }
        } catch (e) {
          failures.push(`${where}: throws ${String((e as Error)?.stack ?? e).split("\n").slice(0, 2).join(" ")}`);
        }
        if (failures.length >= 5) break;
      }
      expect(failures).toEqual([]);
    });
  }
});
