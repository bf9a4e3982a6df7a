/**
 * The invalid-program corpus: every file of `test/invalid/` is a complete small project with
 * exactly one mistake, and its first line says which diagnostic that mistake must produce:
 *
 *     // expect: J1004 12:31-12:39
 *
 * (code, then 1-based line:column of the span's start and end, end exclusive). Each file is
 * compiled alone; it must yield exactly that one diagnostic, nothing else.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codes, compile, type Diagnostic } from "@journey/compiler";

const dir = fileURLToPath(new URL("./invalid/", import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".journey"))
  .sort();

const HEADER = /^\/\/ expect: (J\d{4}) (\d+):(\d+)-(\d+):(\d+)\s*$/;

interface Expectation {
  code: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
}

function expectationOf(text: string, file: string): Expectation {
  const first = text.split(/\r?\n/, 1)[0]!;
  const m = HEADER.exec(first);
  if (!m) throw new Error(`${file}: the first line must be \`// expect: J1234 line:col-line:col\`, found ${JSON.stringify(first)}`);
  return {
    code: m[1]!,
    start: { line: Number(m[2]), column: Number(m[3]) },
    end: { line: Number(m[4]), column: Number(m[5]) },
  };
}

/** A diagnostic as the header writes it, so a failure shows both side by side. */
function show(d: Diagnostic, position: (o: number) => { line: number; column: number }): string {
  const s = position(d.span.start);
  const e = position(d.span.end);
  return `${d.code} ${s.line + 1}:${s.column + 1}-${e.line + 1}:${e.column + 1} (${d.severity}: ${d.message})`;
}

describe("invalid corpus", () => {
  it("has at least 65 files", () => {
    expect(files.length).toBeGreaterThanOrEqual(65);
  });

  it("names only codes of the diagnostics table", () => {
    const known = new Set(Object.values(codes).map((k) => k.code));
    for (const f of files) {
      const { code } = expectationOf(readFileSync(dir + f, "utf8"), f);
      expect(known.has(code), `${f}: ${code} is not in codes.ts`).toBe(true);
    }
  });

  it("covers every code the parser and checker can emit on their own", () => {
    const covered = new Set(files.map((f) => expectationOf(readFileSync(dir + f, "utf8"), f).code));
    // Codes no single-mistake project can show alone, each tested elsewhere:
    const elsewhere = new Set([
      "J0008", // not a text file: emitted by loadSources (load.test.ts)
      "J0009", // file too large: emitted by loadSources (load.test.ts)
      "J0010", // path error: emitted by loadSources (load.test.ts)
      "J0011", // not UTF-8: emitted by loadSources (load.test.ts)
      "J3016", // a percentage over 100% always comes with J3001 (checker.test.ts)
    ]);
    const missing = Object.values(codes)
      .map((k) => k.code)
      .filter((c) => !covered.has(c) && !elsewhere.has(c));
    expect(missing).toEqual([]);
  });

  for (const f of files) {
    it(f, () => {
      const text = readFileSync(dir + f, "utf8");
      const want = expectationOf(text, f);
      const result = compile([{ path: f, text }]);
      const idx = result.lineIndex(f);
      const position = (o: number) => idx.position(o);
      const got = result.diagnostics.map((d) => show(d, position));
      expect(got, `${f} must yield exactly one diagnostic`).toHaveLength(1);
      const d = result.diagnostics[0]!;
      expect(d.code, got[0]).toBe(want.code);
      expect(d.file).toBe(f);
      const s = idx.position(d.span.start);
      const e = idx.position(d.span.end);
      expect(
        { start: { line: s.line + 1, column: s.column + 1 }, end: { line: e.line + 1, column: e.column + 1 } },
        got[0],
      ).toEqual({ start: want.start, end: want.end });
      // The severity is the table's, and errors stop the IR.
      const kind = Object.values(codes).find((k) => k.code === want.code)!;
      expect(d.severity).toBe(kind.severity);
      expect(result.hasErrors).toBe(kind.severity === "error");
      if (kind.severity === "warning") expect(result.ir).toBeDefined();
      else expect(result.ir).toBeUndefined();
    });
  }
});
