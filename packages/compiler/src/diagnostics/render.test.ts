import { describe, expect, it } from "vitest";
import { LineIndex } from "../syntax/line-index.js";
import type { Diagnostic } from "./diagnostic.js";
import { formatSummary, renderDiagnostic, type RenderSource } from "./render.js";

const plain = { color: false };

function source(text: string): RenderSource {
  return { text, lineIndex: new LineIndex(text) };
}

/** A diagnostic whose span covers the first occurrence of `needle` in `text`. */
function at(text: string, needle: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`no ${needle} in the text`);
  return {
    code: "J1004",
    severity: "error",
    message: "unknown field `frstName` on `profile`",
    file: "cart.journey",
    span: { start, end: start + needle.length },
    ...extra,
  };
}

const cart = [
  "journey Cart {",
  "  on CartAbandoned as cart",
  "  if profile.frstName == \"x\" { end }",
  "}",
  "",
].join("\n");

describe("renderDiagnostic", () => {
  it("shows the line with carets under the span, 1-based", () => {
    const d = at(cart, "frstName", { help: "did you mean `firstName`?" });
    expect(renderDiagnostic(d, source(cart), plain)).toBe(
      [
        "error[J1004]: unknown field `frstName` on `profile`",
        " --> cart.journey:3:14",
        "  |",
        "3 |   if profile.frstName == \"x\" { end }",
        "  |              ^^^^^^^^",
        "  = help: did you mean `firstName`?",
      ].join("\n"),
    );
  });

  it("widens the gutter to the line number", () => {
    const text = "\n".repeat(11) + "  subject \"Hi {{profile.frstName}}\"\n";
    const out = renderDiagnostic(at(text, "frstName"), source(text), plain).split("\n");
    expect(out.slice(1)).toEqual([
      "  --> cart.journey:12:25",
      "   |",
      "12 |   subject \"Hi {{profile.frstName}}\"",
      "   |                         ^^^^^^^^",
    ]);
  });

  it("prints warnings as warnings", () => {
    const d = at(cart, "end", { severity: "warning", code: "J3003", message: "unreachable step" });
    expect(renderDiagnostic(d, source(cart), plain)).toMatch(/^warning\[J3003\]: unreachable step\n/);
  });

  it("falls back to the fix title when there is no help", () => {
    const d = at(cart, "frstName", { fix: { title: "change to `firstName`", edits: [] } });
    expect(renderDiagnostic(d, source(cart), plain)).toMatch(/\n  = help: change to `firstName`$/);
  });

  it("marks a multi-line span from its start to the end of its first line", () => {
    const d = at(cart, "if profile.frstName == \"x\" { end }\n}");
    const lines = renderDiagnostic(d, source(cart), plain).split("\n");
    expect(lines[3]).toBe("3 |   if profile.frstName == \"x\" { end }");
    expect(lines[4]).toBe("  |   " + "^".repeat("if profile.frstName == \"x\" { end }".length));
  });

  it("expands tabs the same way in the line and under it", () => {
    const text = "journey A {\n\tif\tprofile.frstName { end }\n}\n";
    const lines = renderDiagnostic(at(text, "frstName"), source(text), plain).split("\n");
    expect(lines[3]).toBe("2 |     if    profile.frstName { end }");
    expect(lines[4]).toBe("  |                   ^^^^^^^^");
    expect(lines[3]!.indexOf("frstName")).toBe(lines[4]!.indexOf("^"));
  });

  it("puts carets under the span after wide characters (an emoji takes two columns, å one)", () => {
    const text = 'audience A = "🎒 å 東京" == profile.frstName\n';
    const lines = renderDiagnostic(at(text, "frstName"), source(text), plain).split("\n");
    expect(lines[3]).toBe('1 | audience A = "🎒 å 東京" == profile.frstName');
    // Columns: 🎒 two (two UTF-16 units too), å one, 東 and 京 two each (one unit each).
    expect(lines[4]).toBe("  | " + " ".repeat('audience A = "🎒 å 東京" == profile.'.length + 2) + "^^^^^^^^");
  });

  it("shows a caret after the last character for a span at the end of the file", () => {
    const text = "journey A {\n  wait 4h";
    const d: Diagnostic = { ...at(text, "4h"), span: { start: text.length, end: text.length }, message: "expected `}`" };
    const lines = renderDiagnostic(d, source(text), plain).split("\n");
    expect(lines[1]).toBe(" --> cart.journey:2:10");
    expect(lines[3]).toBe("2 |   wait 4h");
    expect(lines[4]).toBe("  |          ^");
  });

  it("shows an empty last line after a final newline without trailing space", () => {
    const text = "journey A {\n";
    const d: Diagnostic = { ...at(text, "A"), span: { start: text.length, end: text.length } };
    const lines = renderDiagnostic(d, source(text), plain).split("\n");
    expect(lines.slice(1)).toEqual([" --> cart.journey:2:1", "  |", "2 |", "  | ^"]);
  });

  it("handles CRLF line breaks", () => {
    const text = cart.replaceAll("\n", "\r\n");
    const lines = renderDiagnostic(at(text, "frstName"), source(text), plain).split("\n");
    expect(lines[1]).toBe(" --> cart.journey:3:14");
    expect(lines[3]).toBe("3 |   if profile.frstName == \"x\" { end }");
  });

  it("shows a window around the span of a very long line", () => {
    const text = `audience A = ${"(".repeat(100_000)}x`;
    const d: Diagnostic = { ...at(text, "x"), code: "J0007", message: "nesting is too deep" };
    const lines = renderDiagnostic(d, source(text), plain).split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    expect(lines[3]).toMatch(/^1 \| …\(+x$/);
    expect(lines[3]!.indexOf("x")).toBe(lines[4]!.indexOf("^"));
  });

  it("keeps the carets under the span in the window of a long line with wide characters before it", () => {
    // 80 CJK characters (160 columns) and 50 emoji (two UTF-16 units each) before the span.
    for (const wide of ["中".repeat(80), "😀".repeat(50)]) {
      const text = `  subject "${wide} {{profile.frstName}} ${"x".repeat(100)}"\n`;
      const lines = renderDiagnostic(at(text, "frstName"), source(text), plain).split("\n");
      const shown = lines[3]!.slice("1 | ".length);
      const carets = lines[4]!.slice("  | ".length);
      // The columns before `frstName` in the shown line, counting a wide character as two.
      const before = shown.slice(0, shown.indexOf("frstName"));
      const columns = [...before].reduce((n, ch) => n + (ch.codePointAt(0)! > 0x2e80 ? 2 : 1), 0);
      expect(carets).toBe(" ".repeat(columns) + "^^^^^^^^");
    }
  });

  it("prints related locations as notes with their file, line and column", () => {
    const other = "\n\nevent Cart {}\n";
    const d = at(cart, "Cart", {
      code: "J1005",
      message: "`Cart` is declared more than once",
      related: [
        { file: "events.journey", span: { start: other.indexOf("Cart"), end: other.indexOf("Cart") + 4 }, message: "first declared here" },
        { file: "cart.journey", span: { start: 0, end: 7 }, message: "in this journey" },
        { file: "unknown.journey", span: { start: 0, end: 1 }, message: "and here" },
      ],
    });
    const out = renderDiagnostic(d, source(cart), {
      color: false,
      sourceOf: (file) => (file === "events.journey" ? source(other) : undefined),
    });
    expect(out.split("\n").slice(5)).toEqual([
      "  = note: first declared here (events.journey:3:7)",
      "  = note: in this journey (cart.journey:1:1)",
      "  = note: and here (unknown.journey)",
    ]);
  });

  it("prints only the headline and the file when the source is not available", () => {
    const d: Diagnostic = {
      code: "J0008",
      severity: "error",
      message: "`logo.journey` is not a text file",
      file: "logo.journey",
      span: { start: 0, end: 0 },
    };
    expect(renderDiagnostic(d, undefined, plain)).toBe("error[J0008]: `logo.journey` is not a text file\n --> logo.journey");
  });

  it("colors only when asked", () => {
    const d = at(cart, "frstName");
    expect(renderDiagnostic(d, source(cart), plain)).not.toContain("\x1b[");
    const colored = renderDiagnostic(d, source(cart), { color: true });
    expect(colored).toContain("\x1b[31m");
    expect(colored.replace(/\x1b\[\d+m/g, "")).toBe(renderDiagnostic(d, source(cart), plain));
  });
});

describe("formatSummary", () => {
  it("counts errors and warnings with plurals", () => {
    expect(formatSummary({ errors: 2, warnings: 1, files: 3 }, plain)).toBe("2 errors, 1 warning in 3 files");
    expect(formatSummary({ errors: 1, warnings: 0, files: 1 }, plain)).toBe("1 error in 1 file");
    expect(formatSummary({ errors: 0, warnings: 2, files: 4 }, plain)).toBe("2 warnings in 4 files");
    // Problems in some of the files checked: how many, of how many.
    expect(formatSummary({ errors: 4, warnings: 0, files: 3, filesWithProblems: 1 }, plain)).toBe("4 errors in 1 of 3 files");
    expect(formatSummary({ errors: 2, warnings: 1, files: 2, filesWithProblems: 2 }, plain)).toBe("2 errors, 1 warning in 2 files");
    // Problems in none of the files (a path that names no file): no file to name.
    expect(formatSummary({ errors: 1, warnings: 0, files: 2, filesWithProblems: 0 }, plain)).toBe("1 error");
  });

  it("says so when there is nothing to report", () => {
    expect(formatSummary({ errors: 0, warnings: 0, files: 5 }, plain)).toBe("✓ 5 files checked, no problems");
    expect(formatSummary({ errors: 0, warnings: 0, files: 1 }, plain)).toBe("✓ 1 file checked, no problems");
  });

  it("leaves out the file count when no file could be read", () => {
    expect(formatSummary({ errors: 1, warnings: 0, files: 0 }, plain)).toBe("1 error");
  });

  it("colors only when asked", () => {
    expect(formatSummary({ errors: 1, warnings: 1, files: 1 }, { color: true })).toContain("\x1b[");
  });
});
