/** What the CLI's end-to-end tests share: the built `journey` command, run as a user would, in a temporary folder. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";

export const cliRoot = fileURLToPath(new URL("..", import.meta.url));
export const samples = fileURLToPath(new URL("../../../samples/", import.meta.url));
const bin = join(cliRoot, "bin", "journey.js");

/**
 * A temporary folder for the test file that calls this (made before its tests, removed after
 * them); its path, once made. Fails first thing when the CLI is not built.
 */
export function temporaryFolder(prefix: string): () => string {
  let path: string | undefined;
  beforeAll(() => {
    if (!existsSync(join(cliRoot, "dist", "main.js"))) throw new Error("the CLI is not built: run `npm run build` first");
    path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (path) rmSync(path, { recursive: true, force: true });
  });
  return () => {
    if (!path) throw new Error("the temporary folder is made before the tests run");
    return path;
  };
}

/** A fresh folder `name` under `root`, with the given files (in subfolders where a name says so). */
export function folderWith(root: string, name: string, files: Record<string, string | Buffer> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return dir;
}

/** `journey <args>` in `cwd`: its exit code and output. */
export function runJourney(args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", ...(env ? { env } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}
