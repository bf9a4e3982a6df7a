/**
 * Reading a project from disk: the one place that turns paths into source texts, so the
 * CLI and the language server agree on what a project is and on every way a path can be bad.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
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

const SKIPPED_DIRS = new Set(["node_modules", "dist", "out"]);

/** Folders never part of a project: dependencies, build output, hidden folders (`.git`). */
export function isSkippedFolder(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name.startsWith(".");
}

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith("..") ? rel.split(sep).join("/") : abs.split(sep).join("/");
}

/** Why a path cannot be read or written, in words rather than the system's error code. */
export function fileErrorReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "no such file or folder";
    case "ENOTDIR":
    case "EEXIST":
      return "a file is in the way (a folder was expected)";
    case "EISDIR":
      return "it is a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "a loop of symbolic links";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "a read-only file system";
    default:
      return (e as Error).message;
  }
}

/**
 * The `.journey` files under `dir`, sorted, without dependency, build output and hidden
 * folders. Symbolic links are followed (a linked shared folder is part of the project), each
 * real folder and file taken once, so a link loop cannot trap the walk nor a file count twice.
 * A folder that cannot be listed, or a `.journey` link that leads nowhere, is passed to `unreadable`.
 */
export function findJourneyFiles(dir: string, unreadable: (path: string, e: unknown) => void = () => {}): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const once = (path: string): boolean => {
    const real = realpathSync(path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  const walk = (folder: string): void => {
    let entries;
    try {
      if (!once(folder)) return;
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (e) {
      unreadable(folder, e);
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      const journey = entry.name.endsWith(".journey");
      try {
        const st = entry.isSymbolicLink() ? statSync(path) : entry;
        if (st.isDirectory()) {
          if (!isSkippedFolder(entry.name)) walk(path);
        } else if (st.isFile() && journey && once(path)) out.push(path);
      } catch (e) {
        if (journey) unreadable(path, e);
      }
    }
  };
  walk(dir);
  return out;
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
      pathError(p, fileErrorReason(e));
      continue;
    }
    if (st.isDirectory()) {
      let unreadable = false;
      const inDir = findJourneyFiles(abs, (path, e) => {
        unreadable = true;
        pathError(displayPath(path, cwd), fileErrorReason(e));
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
      pathError(path, fileErrorReason(e));
      continue;
    }
    if (bytes === undefined) {
      diagnostics.push(diagnostic("fileTooLarge", { file: path, size, max: MAX_FILE_BYTES }, path, { start: 0, end: 0 }));
      continue;
    }
    const text = decodeText(bytes);
    if (typeof text === "string") files.push({ path, text });
    else if (text.why) diagnostics.push(diagnostic("notUtf8", { file: path, why: text.why }, path, { start: 0, end: 0 }));
    else diagnostics.push(diagnostic("notText", { file: path }, path, { start: 0, end: 0 }));
  }
  return { files, diagnostics };
}

/**
 * UTF-8 text; or, for text in another encoding, why it is not UTF-8 (UTF-16, or where the
 * first byte UTF-8 cannot read is: Latin-1 and Windows-1252 files are the usual case); or
 * nothing for a binary file (a NUL byte).
 */
function decodeText(bytes: Buffer): string | { why?: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return { why: "it is UTF-16 text" };
  if (bytes.includes(0)) return {};
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = firstNonUtf8(bytes);
    if (at < 0) return { why: "an invalid byte sequence" };
    const lines = new TextDecoder().decode(bytes.subarray(0, at)).split("\n");
    const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, "0");
    return { why: `byte 0x${hex} at line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}` };
  }
}

/** Where the first byte that starts no well-formed UTF-8 sequence is, or -1. */
function firstNonUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const more = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (more < 0) return i;
    for (let k = 1; k <= more; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}
