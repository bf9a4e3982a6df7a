/**
 * Reading a project from disk: the one place that turns paths into source texts, so the
 * CLI and the language server agree on what a project is and on every way a path can be bad.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";

export interface SourceInput {
  /** The path shown to the user (relative to the working directory when possible). */
  path: string;
  text: string;
}

export interface LoadResult {
  files: SourceInput[];
  /** Problems with the paths themselves (missing, empty folder, not text, too large): shown like any diagnostic. */
  diagnostics: Diagnostic[];
}

/** Larger files are refused with a diagnostic instead of risking minutes of work on a mistake. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", "out"]);

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith("..") ? rel.split(sep).join("/") : abs.split(sep).join("/");
}

function collect(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) collect(join(dir, entry.name), out);
    } else if (entry.isFile() && entry.name.endsWith(".journey")) out.push(join(dir, entry.name));
  }
}

/**
 * Load every `.journey` file under the given folders and the given files (default: the
 * working directory). Files come back sorted by path, so output never depends on the order
 * the file system lists them in.
 */
export function loadSources(paths: string[], cwd: string = process.cwd()): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const pathError = (p: string, problem: string) => diagnostics.push(diagnostic("pathError", { message: `${p}: ${problem}` }, p, { start: 0, end: 0 }));
  const found: string[] = [];
  for (const p of paths.length ? paths : ["."]) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      pathError(p, "no such file or folder");
      continue;
    }
    if (st.isDirectory()) {
      const inDir: string[] = [];
      collect(abs, inDir);
      if (inDir.length === 0) pathError(p, "no .journey files in this folder");
      found.push(...inDir);
    } else found.push(abs);
  }
  const files: SourceInput[] = [];
  for (const abs of [...new Set(found)].sort()) {
    const path = displayPath(abs, cwd);
    const size = statSync(abs).size;
    if (size > MAX_FILE_BYTES) {
      diagnostics.push(diagnostic("fileTooLarge", { file: path, size, max: MAX_FILE_BYTES }, path, { start: 0, end: 0 }));
      continue;
    }
    const bytes = readFileSync(abs);
    const text = decodeText(bytes);
    if (text === undefined) {
      diagnostics.push(diagnostic("notText", { file: path }, path, { start: 0, end: 0 }));
      continue;
    }
    files.push({ path, text });
  }
  return { files, diagnostics };
}

/** UTF-8 text, or undefined for a binary file (a NUL byte or invalid UTF-8). */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
