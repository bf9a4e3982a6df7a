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

/**
 * What the summary line counts: errors, warnings, the files and those with a problem. A file
 * found but not read (binary, too large, not UTF-8) is a file with a problem; a path that
 * names no file (J0010) is neither, so `ok.journey missing.journey` is not `1 error in 1 file`.
 */
export function summaryCounts(project: Project): Required<SummaryCounts> {
  const checked = new Set(project.files.map((f) => f.path));
  const unread = new Set(project.diagnostics.filter((d) => d.code !== PATH_ERROR && !checked.has(d.file)).map((d) => d.file));
  const withProblems = new Set(project.diagnostics.filter((d) => checked.has(d.file)).map((d) => d.file));
  return { errors: project.errors, warnings: project.warnings, files: checked.size + unread.size, filesWithProblems: withProblems.size + unread.size };
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

export { count } from "@journey/template";

export function write(text: string): void {
  process.stdout.write(text);
}

/** A warning: on stderr, so `--json` output stays clean. */
export function warn(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}
