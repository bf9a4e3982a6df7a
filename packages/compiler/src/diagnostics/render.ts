/**
 * Code frames for the terminal, in the style of rustc and Elm: the headline, the location,
 * then the user's own line with carets under the exact span. Pure string building (no I/O,
 * no terminal detection), so the CLI decides about color and tests compare plain text.
 */
import stringWidth from "string-width";
import pc from "picocolors";
import type { LineIndex } from "../syntax/line-index.js";
import type { Diagnostic } from "./diagnostic.js";

export interface RenderSource {
  text: string;
  lineIndex: LineIndex;
}

export interface RenderOptions {
  color: boolean;
  /** Other files of the project, so related locations there get a line and column too. */
  sourceOf?: (file: string) => RenderSource | undefined;
}

export interface SummaryCounts {
  errors: number;
  warnings: number;
  /** Files checked. */
  files: number;
  /** Files with an error or a warning, when known: `4 errors in 1 of 3 files`. */
  filesWithProblems?: number;
}

/** rustc's choice: a tab shows as four spaces, in the source line and in the caret offset alike. */
const TAB = "    ";
/** A longer line (minified or generated) is shown as a window around the span. */
const MAX_LINE_WIDTH = 120;
/** How much of the line before the span such a window keeps. */
const WINDOW_LEAD = 40;

export function renderDiagnostic(d: Diagnostic, source: RenderSource | undefined, options: RenderOptions): string {
  const c = pc.createColors(options.color);
  const paint = d.severity === "error" ? c.red : c.yellow;
  const start = source?.lineIndex.position(d.span.start);
  const lineNumber = start ? String(start.line + 1) : "";
  const pad = " ".repeat(Math.max(1, lineNumber.length));

  const out = [c.bold(paint(`${d.severity}[${d.code}]`)) + c.bold(`: ${d.message}`)];
  if (d.file) out.push(`${pad}${c.blue("-->")} ${d.file}${start ? `:${start.line + 1}:${start.column + 1}` : ""}`);
  if (source && start) {
    const line = source.lineIndex.lineText(start.line);
    const end = source.lineIndex.position(d.span.end);
    // A span over several lines is marked from its start to the end of its first line.
    const shown = frame(line, start.column, end.line === start.line ? end.column : line.length);
    out.push(
      `${pad} ${c.blue("|")}`,
      c.blue(`${lineNumber} |`) + (shown.text ? ` ${shown.text}` : ""),
      `${pad} ${c.blue("|")} ${" ".repeat(shown.caretStart)}${paint("^".repeat(shown.caretLength))}`,
    );
  }
  for (const r of d.related ?? []) {
    const rs = r.file === d.file ? source : options.sourceOf?.(r.file);
    const at = rs ? rs.lineIndex.position(r.span.start) : undefined;
    const where = at ? `${r.file}:${at.line + 1}:${at.column + 1}` : r.file;
    out.push(`${pad} ${c.blue("=")} ${c.bold("note")}: ${r.message} (${where})`);
  }
  const help = d.help ?? d.fix?.title;
  if (help) out.push(`${pad} ${c.blue("=")} ${c.bold("help")}: ${help}`);
  return out.join("\n");
}

/** `2 errors, 1 warning in 3 files`, `4 errors in 1 of 3 files`, or `✓ 5 files checked, no problems`. */
export function formatSummary(counts: SummaryCounts, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  if (counts.errors === 0 && counts.warnings === 0) {
    return c.green(`✓ ${plural(counts.files, "file")} checked, no problems`);
  }
  const parts: string[] = [];
  if (counts.errors) parts.push(c.bold(c.red(plural(counts.errors, "error"))));
  if (counts.warnings) parts.push(c.bold(c.yellow(plural(counts.warnings, "warning"))));
  const some = counts.filesWithProblems;
  const where = some !== undefined && some < counts.files ? ` in ${some} of ${plural(counts.files, "file")}` : ` in ${plural(counts.files, "file")}`;
  // No file to name when every problem is elsewhere (a path that names no file).
  return parts.join(", ") + (counts.files && some !== 0 ? where : "");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function expandTabs(s: string): string {
  return s.replaceAll("\t", TAB);
}

/** Terminal columns taken by `s`, with tabs expanded: an emoji or a CJK character takes two. */
function width(s: string): number {
  const expanded = expandTabs(s);
  // ASCII (most code) is one column a character. `stringWidth` grows faster than the length
  // (5 s for 100,000 characters): a line that long, shown clipped anyway, counts code points.
  if (/^[\x20-\x7e]*$/.test(expanded)) return expanded.length;
  return expanded.length > 5_000 ? [...expanded].length : stringWidth(expanded);
}

/**
 * The line as shown (tabs expanded; a very long line as a window around the span) and where
 * the carets go under it. `from` and `to` are UTF-16 columns of the span in `line`. The window
 * is cut in code points (never inside an emoji), the carets are placed in terminal columns:
 * measuring the window in columns but cutting it in code points put the carets far off the
 * span on a long line with CJK or emoji before it.
 */
function frame(line: string, from: number, to: number): { text: string; caretStart: number; caretLength: number } {
  const text = expandTabs(line);
  const cells = [...text];
  // The span's start and end as indices into `cells`.
  const a = [...expandTabs(line.slice(0, from))].length;
  const b = Math.max(a, [...expandTabs(line.slice(0, to))].length);
  if (cells.length <= MAX_LINE_WIDTH) {
    return { text, caretStart: width(cells.slice(0, a).join("")), caretLength: Math.max(1, width(cells.slice(a, b).join(""))) };
  }
  const begin = Math.max(0, Math.min(a - WINDOW_LEAD, cells.length - MAX_LINE_WIDTH));
  const end = begin + MAX_LINE_WIDTH;
  const lead = begin > 0 ? "…" : "";
  return {
    text: lead + cells.slice(begin, end).join("") + (end < cells.length ? "…" : ""),
    caretStart: lead.length + width(cells.slice(begin, a).join("")),
    caretLength: Math.max(1, width(cells.slice(a, Math.min(b, end)).join(""))),
  };
}
