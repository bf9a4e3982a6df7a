// `npm start`: check every sample project, then run each against its events on a virtual
// clock with the SQLite store (a fresh file per run), printing the timelines.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const journey = (args) => spawnSync(process.execPath, [join(root, "packages/cli/bin/journey.js"), ...args], { stdio: "inherit", cwd: root });

const check = journey(["check", "samples", "--summary"]);
if (check.status !== 0) process.exit(check.status ?? 1);

const dir = mkdtempSync(join(tmpdir(), "journey-samples-"));
let failed = 0;
try {
  for (const name of readdirSync(join(root, "samples")).sort()) {
    const project = join("samples", name);
    if (!statSync(join(root, project)).isDirectory() || !readdirSync(join(root, project)).includes("events.jsonl")) continue;
    process.stdout.write(`\n── ${project} ${"─".repeat(Math.max(0, 60 - project.length))}\n`);
    const r = journey(["run", project, "--db", join(dir, `${name}.db`)]);
    if (r.status !== 0) failed++;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
