/** Locates `/work/shared/specs` from this file: walk up to the repository root, then `../shared/specs`. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { workspaces?: unknown }).workspaces) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("repository root (package.json with workspaces) not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function specsDir(): string {
  return join(repoRoot(), "..", "shared", "specs");
}
