/**
 * The `--messages` folder: checked before a run, written whole after it. It is written into a
 * temporary folder beside it and renamed into place, so a run that fails, or a write that
 * fails half-way (a full disk), leaves the folder as it was: never half of the new one.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileErrorReason } from "@journey/compiler";
import { UserError } from "../errors.js";

/**
 * The mark of a folder `--messages` wrote, in its `index.html`: such a folder is replaced
 * by the next run; any other folder that holds something is refused, never deleted.
 */
export const OURS = `<meta name="generator" content="journey --messages">`;

/**
 * Whether `dir` can take a run's messages: `"new"` (missing or empty) or `"replace"` (written
 * by an earlier `--messages`). Anything else is the user's mistake, said before the run.
 */
export function checkMessagesFolder(dir: string): "new" | "replace" {
  const flag = `--messages ${dir}`;
  // The folder is replaced by a rename: the shell's current folder would be left deleted under it.
  const rel = relative(resolve(dir), process.cwd());
  if (!rel.startsWith("..") && !isAbsolute(rel)) {
    throw new UserError(`${flag}: the current folder${rel ? " is inside it" : ""}: the folder is replaced at each run, so give one beside or below it (e.g. \`--messages messages\`)`);
  }
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "new";
    throw new UserError(`${flag}: ${fileErrorReason(e)}`);
  }
  // A link would be replaced by a folder, and the folder it points to left as it was.
  if (stat.isSymbolicLink()) throw new UserError(`${flag}: a symbolic link: give the folder it points to`);
  if (!stat.isDirectory()) throw new UserError(`${flag}: a file, not a folder: give a folder to write the messages into (it is made when missing)`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new UserError(`${flag}: ${fileErrorReason(e)}`);
  }
  if (!entries.length) return "new";
  if (entries.includes("index.html") && isOurs(join(dir, "index.html"))) return "replace";
  throw new UserError(`${flag}: the folder holds files that an earlier --messages did not write (no index.html of its own): nothing is written; give a new or empty folder`);
}

function isOurs(index: string): boolean {
  try {
    return readFileSync(index, "utf8").includes(OURS);
  } catch {
    return false;
  }
}

/**
 * Write `files` (relative paths with `/`, and their text) as the folder `dir`, replacing one an
 * earlier `--messages` wrote (checked again: the folder may have changed during the run).
 * Whether it replaced one.
 */
export function writeMessagesFolder(dir: string, files: Map<string, string>): boolean {
  const replace = checkMessagesFolder(dir) === "replace";
  const target = resolve(dir);
  let created: string | undefined;
  let temp: string | undefined;
  try {
    created = mkdirSync(dirname(target), { recursive: true });
    // Beside the target, on its file system: a rename within one is atomic.
    temp = mkdtempSync(join(dirname(target), tempPrefix(target)));
    for (const [path, text] of files) {
      const file = join(temp, ...path.split("/"));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    if (lstatExists(target)) {
      // Not a rename over it: that fails for a folder that is not empty (and on Windows for any).
      const old = `${temp}.old`;
      renameSync(target, old);
      try {
        renameSync(temp, target);
      } catch (e) {
        renameSync(old, target);
        throw e;
      }
      temp = undefined;
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, target);
      temp = undefined;
    }
    return replace;
  } catch (e) {
    try {
      if (temp) rmSync(temp, { recursive: true, force: true });
      if (created) rmSync(created, { recursive: true, force: true });
    } catch {
      // What could not be made cannot be removed either.
    }
    throw new UserError(`cannot write --messages ${dir}: ${fileErrorReason(e)}`);
  }
}

/**
 * Whether `path` is in the folder `dir` or in a temporary one {@link writeMessagesFolder}
 * makes beside it: `--watch` must not take a run's own writing (a webhook's `.json`) for a
 * save, or the project inside it runs again and again.
 */
export function inMessagesFolder(dir: string, path: string): boolean {
  const target = resolve(dir);
  const rel = relative(dirname(target), resolve(path));
  const top = rel.split(sep)[0]!;
  return !rel.startsWith("..") && (top === basename(target) || top.startsWith(tempPrefix(target)));
}

/** The name of the temporary folders written beside `target` start with this. */
const tempPrefix = (target: string) => `.${basename(target)}.tmp-`;

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
