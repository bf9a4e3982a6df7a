/**
 * `--watch`: run a command again whenever a file of the project changes, until Ctrl-C. The
 * runs never overlap: a change during a run starts one more after it, with every file changed
 * meanwhile named once.
 */
import { existsSync } from "node:fs";
import { relative, sep } from "node:path";
import pc from "picocolors";
import { failureText, UserError } from "./errors.js";
import { write } from "./report.js";

/** What a project is made of: its sources and the data files beside them. */
const PROJECT_FILE = /\.(journey|json|jsonl)$/;
/** Editors write a file in several steps (a temporary file, a rename): one run for all of them. */
const SETTLE_MS = 150;

/** `ignore`: what the command itself writes into the project (`--messages`), not a save. */
export async function watchProject(dir: string, run: () => Promise<number>, color: boolean, ignore: (path: string) => boolean = () => false): Promise<void> {
  const c = color ? pc : { dim: (s: string) => s };
  if (!existsSync(dir)) throw new UserError(`--watch ${dir}: no such file or folder`);
  // chokidar, not fs.watch: Node 20's recursive watch on Linux loses a file an editor saved by
  // renaming over it. Loaded here: a command without --watch need not load it.
  const { watch } = await import("chokidar");
  const watcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path, stats) => path.split(sep).includes("node_modules") || ignore(path) || (stats?.isFile() === true && !PROJECT_FILE.test(path)),
  });
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** A run is due once the current one ends (a change came during it). */
  let queued = false;

  const once = async (): Promise<void> => {
    try {
      await run();
    } catch (e) {
      // A mistake in a data file is the user's to fix while this keeps watching; a bug is said as one, and the watch goes on too.
      process.stderr.write(failureText(e));
    }
    write(c.dim(`watching ${dir} for changes (Ctrl-C stops)`) + "\n");
  };
  const again = (): void => {
    timer = undefined;
    if (running) {
      if (!queued) {
        queued = true;
        void running.then(() => {
          queued = false;
          again();
        });
      }
      return;
    }
    const files = [...changed].sort().join(", ");
    changed.clear();
    write(`\n${c.dim(`── ${new Date().toLocaleTimeString("en-GB")} ${files} changed ──`)}\n`);
    running = once().finally(() => (running = undefined));
  };
  watcher.on("all", (_event, path) => {
    if (!PROJECT_FILE.test(path)) return;
    changed.add(relative(dir, path) || path);
    clearTimeout(timer);
    timer = setTimeout(again, SETTLE_MS);
  });

  // Watching before the first run: a file saved while it runs is seen.
  await new Promise<void>((resolve) => watcher.once("ready", resolve));
  running = once().finally(() => (running = undefined));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  clearTimeout(timer);
  await watcher.close();
  await running;
  process.exitCode = 0;
}
