import { describe, expect, it } from "vitest";
import { LineIndex } from "./line-index.js";

describe("LineIndex", () => {
  it("counts columns in UTF-16 code units, as editors and LSP do", () => {
    const index = new LineIndex('a = "😀é中"\nb');
    const b = index.text.indexOf("b");
    expect(index.position(index.text.indexOf("中"))).toEqual({ line: 0, column: 8 });
    expect(index.position(b)).toEqual({ line: 1, column: 0 });
    expect(index.offset({ line: 0, column: 8 })).toBe(index.text.indexOf("中"));
  });

  it("breaks lines at LF, CRLF and a lone CR alike", () => {
    const index = new LineIndex("a\r\nb\nc\rd");
    expect([0, 1, 2, 3].map((line) => index.lineText(line))).toEqual(["a", "b", "c", "d"]);
    expect(index.position(index.text.indexOf("d"))).toEqual({ line: 3, column: 0 });
  });

  it("reads a column past the end of a line as the end of the line, before its line break", () => {
    const text = "ab\r\ncd\nef\rgh";
    const index = new LineIndex(text);
    // Not the start of the next line (a hover there would describe the next line's first word),
    // nor between the CR and the LF.
    expect(index.offset({ line: 0, column: 3 })).toBe(2);
    expect(index.offset({ line: 0, column: 99 })).toBe(2);
    expect(index.offset({ line: 1, column: 99 })).toBe(text.indexOf("\nef"));
    expect(index.offset({ line: 2, column: 99 })).toBe(text.indexOf("\rgh"));
    expect(index.offset({ line: 3, column: 99 })).toBe(text.length);
    expect(index.offset({ line: 9, column: 0 })).toBe(text.length);
    // Empty lines stay where they are.
    const empty = new LineIndex("\n\r\n\n");
    expect([0, 1, 2, 3].map((line) => empty.offset({ line, column: 5 }))).toEqual([0, 1, 3, 4]);
  });
});
