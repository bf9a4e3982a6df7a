/** Offsets ↔ 0-based line and column (in UTF-16 code units, as editors count). */
export interface Position {
  line: number;
  column: number;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    this.starts = starts;
    // Most files have no `\r`: then the native search finds the line breaks (the emitter
    // indexes every file of a project).
    if (!text.includes("\r")) {
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: o - this.starts[lo]! };
  }

  /**
   * The offset of a position. A column past the end of its line is the end of the line, before
   * its line break (LSP says so): never the next line's start, nor between the CR and LF of a CRLF.
   */
  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    let lineEnd = this.text.length;
    if (pos.line + 1 < this.starts.length) {
      lineEnd = this.starts[pos.line + 1]! - 1;
      if (this.text.charCodeAt(lineEnd) === 10 && this.text.charCodeAt(lineEnd - 1) === 13 && lineEnd > this.starts[pos.line]!) lineEnd--;
    }
    return Math.min(this.starts[pos.line]! + Math.max(0, pos.column), lineEnd);
  }

  /** The text of a line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const end = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, "");
  }
}
