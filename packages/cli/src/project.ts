/**
 * Reading and compiling one project: the step every command starts with. Problems with the
 * paths themselves become diagnostics too, so they print, count and serialise like any other.
 */
import {
  type IR,
  codes,
  compile,
  loadSources,
  type CompileResult,
  type Diagnostic,
  type RenderSource,
  type SourceInput,
} from "@journey/compiler";
import { diagnosticsReport, renderDiagnostics } from "./report.js";

/** A path that cannot be used: missing, or a folder without `.journey` files. */
export const PATH_ERROR = codes.pathError.code;

export interface Project {
  files: SourceInput[];
  /** Path errors first, then problems reading files, then the compiler's. */
  diagnostics: Diagnostic[];
  /** Absent when no file could be read. */
  result?: CompileResult;
  errors: number;
  warnings: number;
  /** A file's text and line index, for code frames and 1-based positions. */
  source(file: string): RenderSource | undefined;
}

export function loadProject(paths: string[], options: { emit: boolean }): Project {
  const loaded = loadSources(paths);
  const result = loaded.files.length ? compile(loaded.files, { emit: options.emit }) : undefined;
  const diagnostics = [
    ...loaded.diagnostics,
    ...(result?.diagnostics ?? []),
  ];
  const texts = new Map(loaded.files.map((f) => [f.path, f.text]));
  return {
    files: loaded.files,
    diagnostics,
    result,
    errors: diagnostics.filter((d) => d.severity === "error").length,
    warnings: diagnostics.filter((d) => d.severity === "warning").length,
    source(file) {
      const text = texts.get(file);
      return text !== undefined && result ? { text, lineIndex: result.lineIndex(file) } : undefined;
    },
  };
}

export function journeyCount(project: Project): number {
  let n = 0;
  for (const file of project.result?.files.values() ?? []) {
    n += file.declarations.filter((d) => d.kind === "JourneyDecl").length;
  }
  return n;
}

/** Compile a project for running: its IR only when it has no errors. */
export function compileForRun(dir: string): { project: Project; ir?: IR } {
  const project = loadProject([dir], { emit: true });
  return project.errors || !project.result?.ir ? { project } : { project, ir: project.result.ir };
}

/** Compile a project for running; on errors print them and return undefined, warnings (on stderr) and the IR otherwise. */
export function compileOrReport(dir: string, color: boolean): IR | undefined {
  const { project, ir } = compileForRun(dir);
  if (!ir) process.stdout.write(diagnosticsReport(project, color));
  else reportWarnings(project, color);
  return ir;
}

/**
 * A project that compiles may still have warnings (`J3030`, `J6005`, …): said on stderr before
 * it runs, as compilers do, so stdout stays the command's own output (`--json` lines too).
 */
export function reportWarnings(project: Project, color: boolean): void {
  if (project.warnings) process.stderr.write(renderDiagnostics(project, color));
}
