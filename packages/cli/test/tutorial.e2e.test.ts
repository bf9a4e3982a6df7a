/**
 * Follows docs/tutorial.md step by step with the built `journey` command, in a temporary
 * folder, so that the tutorial cannot go stale: each file it writes or changes is written or
 * changed, each command is run, and its exit code and output must be what the page shows
 * (the markup is described in tutorial-steps.ts).
 *
 * `journey serve` is run as the page says, but on a free port (`--port 0` added: 8080 may be
 * taken on the machine running the tests), and its output is compared up to its `listening
 * on` line, with that port read as 8080: after it come the request logs, which the page does
 * not show. Its `curl` commands are sent with fetch to that port. The server is stopped with
 * SIGINT, as Ctrl-C does, once every step has run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliRoot, runJourney, temporaryFolder } from "./support.js";
import { outputMatches, readSteps, type Step } from "./tutorial-steps.js";

const tmp = temporaryFolder("journey-tutorial-e2e-");
const tutorial = join(cliRoot, "..", "..", "docs", "tutorial.md");

interface Server {
  child: ChildProcess;
  port: string;
  exited: Promise<number | null>;
}

describe("docs/tutorial.md", () => {
  it("does what it says, command by command", async () => {
    const steps = readSteps(readFileSync(tutorial, "utf8"));
    // A change of markup that hid the steps from this test would otherwise pass it.
    expect(steps.filter((s) => s.kind === "command").length).toBeGreaterThanOrEqual(15);
    const dir = tmp();
    let server: Server | undefined;
    try {
      for (const step of steps) {
        if (step.kind === "write") write(dir, step);
        else if (step.kind === "diff") change(dir, step);
        else if (step.argv[0] === "journey" && step.argv[1] === "serve") {
          if (server) throw new Error(`tutorial.md:${step.line}: a second \`journey serve\` while the first runs`);
          server = await serve(dir, step);
        } else if (step.argv[0] === "journey") {
          const r = runJourney(step.argv.slice(1), dir);
          check(step, r.status, r.stdout + r.stderr);
        } else if (step.argv[0] === "curl") {
          if (!server) throw new Error(`tutorial.md:${step.line}: \`curl\` before \`journey serve\``);
          check(step, 0, await curl(step, server.port));
        } else throw new Error(`tutorial.md:${step.line}: the test runs \`journey\` and \`curl\` only, not \`${step.argv.join(" ")}\``);
      }
      expect(server, "the tutorial starts `journey serve`").toBeDefined();
      server!.child.kill("SIGINT");
      expect(await server!.exited).toBe(0);
      server = undefined;
    } finally {
      server?.child.kill("SIGKILL");
    }
  });
});

function write(dir: string, step: Extract<Step, { kind: "write" }>): void {
  const path = join(dir, step.path);
  mkdirSync(dirname(path), { recursive: true });
  if (step.append) appendFileSync(path, step.text);
  else writeFileSync(path, step.text);
}

function change(dir: string, step: Extract<Step, { kind: "diff" }>): void {
  const path = join(dir, step.path);
  const text = readFileSync(path, "utf8");
  const at = text.indexOf(step.before);
  if (at < 0 || text.indexOf(step.before, at + 1) >= 0) {
    throw new Error(`tutorial.md:${step.line}: the diff's old lines must occur exactly once in ${step.path}, which holds:\n${text}`);
  }
  writeFileSync(path, text.slice(0, at) + step.after + text.slice(at + step.before.length));
}

function check(step: Extract<Step, { kind: "command" }>, status: number | null, output: string): void {
  const where = `tutorial.md:${step.line}: \`${step.argv.join(" ")}\``;
  expect(status, `${where} exit code; it printed:\n${output}`).toBe(step.exit);
  if (!outputMatches(step.expected, output)) {
    throw new Error(`${where} printed what the tutorial does not show.\n--- the tutorial:\n${step.expected.join("\n")}\n--- printed:\n${output}`);
  }
}

function serve(dir: string, step: Extract<Step, { kind: "command" }>): Promise<Server> {
  if (step.argv.includes("--port")) throw new Error(`tutorial.md:${step.line}: the test chooses the port of \`journey serve\``);
  const child = spawn(process.execPath, [join(cliRoot, "bin", "journey.js"), ...step.argv.slice(1), "--port", "0"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let output = "";
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (output += c));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      output += c;
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)\n/m.exec(output);
      if (!m) return;
      const port = m[1]!;
      try {
        check(step, 0, output.slice(0, m.index + m[0].length).replaceAll(`127.0.0.1:${port}`, "127.0.0.1:8080"));
        resolve({ child, port, exited });
      } catch (e) {
        child.kill("SIGKILL");
        reject(e);
      }
    });
    void exited.then((code) => reject(new Error(`tutorial.md:${step.line}: journey serve exited (${code}) before listening:\n${output}`)));
  });
}

/** `curl` as the tutorial writes it (`-s`, `-X <method>`, `-d <body>`, one URL on localhost:8080), sent with fetch; its output is the body. */
async function curl(step: Extract<Step, { kind: "command" }>, port: string): Promise<string> {
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  const args = step.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-s") continue;
    else if (a === "-X") method = args[++i];
    else if (a === "-d") body = args[++i];
    else if (!a.startsWith("-") && url === undefined) url = a;
    else throw new Error(`tutorial.md:${step.line}: the test does not follow curl's \`${a}\``);
  }
  const m = url === undefined ? null : /^(?:http:\/\/)?localhost:8080(\/.*)$/.exec(url);
  if (!m) throw new Error(`tutorial.md:${step.line}: curl's URL must be localhost:8080/…, the port the test replaces`);
  const res = await fetch(`http://127.0.0.1:${port}${m[1]}`, { method: method ?? (body === undefined ? "GET" : "POST"), ...(body === undefined ? {} : { body }) });
  return res.text();
}
