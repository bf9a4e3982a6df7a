/** Folding ranges from the text: blocks, lists, multi-line strings and runs of comments. */
import type { Doc } from "./document.js";
import type { FoldingRange } from "./types.js";

export function foldingRanges(doc: Doc): FoldingRange[] {
  const text = doc.text;
  const code = doc.code;
  const out: FoldingRange[] = [];
  const multiline = (a: number, b: number) => text.slice(a, b).includes("\n");
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === "{" || c === "[") stack.push(i);
    else if (c === "}" || c === "]") {
      const open = stack.pop();
      if (open !== undefined && multiline(open, i)) out.push({ start: open, end: i + 1, kind: "region" });
    }
  }
  let run: { start: number; end: number; count: number } | undefined;
  const flush = () => {
    if (run && run.count > 1) out.push({ start: run.start, end: run.end, kind: "comment" });
    run = undefined;
  };
  for (const r of doc.regions) {
    if (r.kind === "triple" && multiline(r.start, r.end)) out.push({ start: r.start, end: r.end, kind: "region" });
    if (r.kind !== "comment") continue;
    if (text.startsWith("/*", r.start)) {
      flush();
      if (multiline(r.start, r.end)) out.push({ start: r.start, end: r.end, kind: "comment" });
      continue;
    }
    // Consecutive `//` lines (nothing but white space between them).
    if (run && /^[ \t]*\r?\n[ \t]*$/.test(text.slice(run.end, r.start))) {
      run.end = r.end;
      run.count++;
    } else {
      flush();
      run = { start: r.start, end: r.end, count: 1 };
    }
  }
  flush();
  return out.sort((a, b) => a.start - b.start);
}
