/**
 * End-to-end tests of `journey test --watch` and `journey run --watch`: the built command as a
 * child process, a file of its project changed as an editor saves it, the command runs again,
 * Ctrl-C (SIGINT) stops it.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliRoot, folderWith, runJourney, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-watch-e2e-");

const SOURCE = `profile { email: string }
event Signup { plan: string }
journey Welcome {
  on Signup as s
  send email { subject "Hi" text "x" } to profile.email
}
test "sends a welcome" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "free" }
  expect send email where subject == "Hi"
}
`;

/** `journey <command> <dir> --watch`, with a way to wait until its output holds a pattern `n` times. */
function watching(dir: string, command = "test", args: string[] = []) {
  const child = spawn(process.execPath, [join(cliRoot, "bin", "journey.js"), command, dir, "--watch", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters: (() => void)[] = [];
  const onData = (c: string) => {
    output += c;
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const until = (pattern: RegExp, times = 1) =>
    new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`waited for ${pattern} ×${times}; the output was:\n${output}`)), 15_000);
      const check = () => {
        if ((output.match(new RegExp(pattern, "g")) ?? []).length >= times) {
          clearTimeout(timeout);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { child, exited, until, output: () => output };
}

describe("journey test --watch", () => {
  it("runs the tests, again after each save (a rename, as editors write), and stops with 0 on Ctrl-C", async () => {
    const dir = folderWith(tmp(), "shop", { "welcome.journey": SOURCE });
    const file = join(dir, "welcome.journey");
    const w = watching(dir);
    try {
      await w.until(/watching .* for changes/);
      expect(w.output()).toContain("1 test: 1 passed, 0 failed");
      // Saved through a temporary file and a rename: one run for the save.
      writeFileSync(`${file}.tmp`, readFileSync(file, "utf8").replace('subject == "Hi"', 'subject == "Hello"'));
      renameSync(`${file}.tmp`, file);
      await w.until(/1 test: 0 passed, 1 failed/);
      expect(w.output()).toMatch(/── \d\d:\d\d:\d\d welcome\.journey changed ──/);
      // A file that no longer compiles: its diagnostics, and the watch goes on.
      writeFileSync(file, SOURCE.replace("on Signup", "on Signpu"));
      await w.until(/error\[J/);
      writeFileSync(file, SOURCE);
      await w.until(/1 test: 1 passed, 0 failed/, 2);
      await w.until(/watching .* for changes/, 4);
      w.child.kill("SIGINT");
      expect(await w.exited).toBe(0);
    } finally {
      w.child.kill("SIGKILL");
    }
  }, 60_000);

  it("journey run --watch replays the events again after a save, from the start", async () => {
    const dir = folderWith(tmp(), "run", {
      "welcome.journey": SOURCE,
      "events.jsonl": JSON.stringify({ id: "e1", type: "Signup", profileId: "p1", time: "2026-03-02T10:00:00Z", data: { plan: "free" } }) + "\n",
      "profiles.json": JSON.stringify([{ id: "p1", email: "a@example.com" }]),
    });
    const w = watching(dir, "run");
    try {
      await w.until(/watching .* for changes/);
      expect(w.output()).toContain('send email to a@example.com  "Hi"');
      writeFileSync(join(dir, "welcome.journey"), SOURCE.replace('subject "Hi"', 'subject "Hello"'));
      await w.until(/send email to a@example\.com {2}"Hello"/);
      w.child.kill("SIGINT");
      expect(await w.exited).toBe(0);
    } finally {
      w.child.kill("SIGKILL");
    }
  }, 60_000);

  it("--messages into the project: the run's own files (a webhook's .json) are no save, so it does not run again and again", async () => {
    const dir = folderWith(tmp(), "hooks", {
      "welcome.journey": SOURCE.replace("send email", 'send webhook { url "https://example.com/hook" json { plan: s.plan } }\n  send email'),
      "events.jsonl": JSON.stringify({ id: "e1", type: "Signup", profileId: "p1", time: "2026-03-02T10:00:00Z", data: { plan: "free" } }) + "\n",
      "profiles.json": JSON.stringify([{ id: "p1", email: "a@example.com" }]),
    });
    const w = watching(dir, "run", ["--messages", join(dir, "out")]);
    try {
      await w.until(/watching .* for changes/);
      expect(readdirSync(join(dir, "out"))).toContain("0001-2026-03-02T10-00-00Z-p1-Welcome-webhook.json");
      // Well past the settling time a write would have set off a run in.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(w.output().match(/watching .* for changes/g)).toHaveLength(1);
      // A real save still runs it again, and the folder is written again.
      writeFileSync(join(dir, "welcome.journey"), readFileSync(join(dir, "welcome.journey"), "utf8").replace('subject "Hi"', 'subject "Hello"'));
      await w.until(/send email to a@example\.com {2}"Hello"/);
      await w.until(/watching .* for changes/, 2);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(w.output().match(/watching .* for changes/g)).toHaveLength(2);
      expect(w.output()).not.toMatch(/── .*out\/.* changed ──/);
      w.child.kill("SIGINT");
      expect(await w.exited).toBe(0);
    } finally {
      w.child.kill("SIGKILL");
    }
  }, 60_000);

  it("is for people: with --json it refuses, in one line", () => {
    const dir = folderWith(tmp(), "json", { "welcome.journey": SOURCE });
    const r = runJourney(["test", dir, "--watch", "--json"], tmp());
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("journey: --watch reports for people as files change: leave out --json\n");
    const run = runJourney(["run", dir, "--watch", "--db", "x.db"], tmp());
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("journey: --watch replays the events from the start at every save: leave out --db, which keeps what a run did\n");
  });
});
