/** How diagnostics reach the user: code frames for people, JSON for tools. */
import { formatSummary, renderDiagnostic, type Diagnostic, type SummaryCounts } from "@journey/compiler";
import type { Command } from "commander";
import { PATH_ERROR, type Project } from "./project.js";

/** Color only for a terminal, and never when the user opted out (`--no-color`, NO_COLOR). */
export function useColor(command: Command): boolean {
  return command.optsWithGlobals().color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Every diagnostic of the project as a code frame, each followed by a blank line. */
export function renderDiagnostics(project: Project, color: boolean): string {
  return project.diagnostics
    .map((d) => {
      // A path error already names its path, and has no line to show.
      const shown = d.code === PATH_ERROR ? { ...d, file: "" } : d;
      return renderDiagnostic(shown, project.source(d.file), { color, sourceOf: project.source }) + "\n\n";
    })
    .join("");
}

/** The diagnostics as code frames, then the line that counts them. */
export function diagnosticsReport(project: Project, color: boolean): string {
  return renderDiagnostics(project, color) + formatSummary(summaryCounts(project), { color }) + "\n";
}

/** What the summary line counts: errors, warnings, the files checked and those with a problem. */
export function summaryCounts(project: Project): Required<SummaryCounts> {
  const files = project.files.length;
  const withProblems = new Set(project.diagnostics.map((d) => d.file)).size;
  // A path that could not be read is no file checked, but its diagnostic is a file's problem.
  return { errors: project.errors, warnings: project.warnings, files, filesWithProblems: Math.min(withProblems, files) };
}

export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  help?: string;
}

/** Positions are 1-based, columns in UTF-16 code units (as editors count); the end is exclusive. */
export function toJson(d: Diagnostic, project: Project): JsonDiagnostic {
  const index = project.source(d.file)?.lineIndex;
  const start = index?.position(d.span.start) ?? { line: 0, column: 0 };
  const end = index?.position(d.span.end) ?? start;
  const json: JsonDiagnostic = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: start.line + 1,
    column: start.column + 1,
    endLine: end.line + 1,
    endColumn: end.column + 1,
  };
  const help = d.help ?? d.fix?.title;
  if (help) json.help = help;
  return json;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function write(text: string): void {
  process.stdout.write(text);
}

/** A warning: on stderr, so `--json` output stays clean. */
export function warn(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}
