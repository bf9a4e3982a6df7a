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

/** Why a path cannot be used, in words rather than the system's error code. */
function reason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case "ENOENT":
    case "ENOTDIR":
      return "no such file or folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "a loop of symbolic links";
    default:
      return (e as Error).message;
  }
}

/** Symbolic links are not followed (neither a file nor a folder here), so a link loop cannot trap it. */
function collect(dir: string, out: string[], unreadable: (dir: string, e: unknown) => void): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    unreadable(dir, e);
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) collect(join(dir, entry.name), out, unreadable);
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
    } catch (e) {
      pathError(p, reason(e));
      continue;
    }
    if (st.isDirectory()) {
      const inDir: string[] = [];
      let unreadable = false;
      collect(abs, inDir, (dir, e) => {
        unreadable = true;
        pathError(displayPath(dir, cwd), reason(e));
      });
      if (inDir.length === 0 && !unreadable) pathError(p, "no .journey files in this folder");
      found.push(...inDir);
    } else if (st.isFile()) found.push(abs);
    // A pipe or a device could block reading forever, or never end.
    else pathError(p, "not a regular file (a pipe or a device?)");
  }
  const files: SourceInput[] = [];
  for (const abs of [...new Set(found)].sort()) {
    const path = displayPath(abs, cwd);
    let size: number;
    let bytes: Buffer | undefined;
    try {
      size = statSync(abs).size;
      if (size <= MAX_FILE_BYTES) bytes = readFileSync(abs);
    } catch (e) {
      pathError(path, reason(e));
      continue;
    }
    if (bytes === undefined) {
      diagnostics.push(diagnostic("fileTooLarge", { file: path, size, max: MAX_FILE_BYTES }, path, { start: 0, end: 0 }));
      continue;
    }
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
