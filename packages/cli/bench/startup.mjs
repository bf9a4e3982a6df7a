// Start-up benchmark: how long a user waits for the commands that start a process (the CLI's,
// the language server's first answer), beside `node -e 0` measured in the same run, the floor
// no command can go under. Run: npm run bench -w packages/cli (after `npm run build`).
// RUNS (default 15) rounds, interleaved so that other work on the machine hits every command alike.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.RUNS ?? 15);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const journey = fileURLToPath(new URL("../bin/journey.js", import.meta.url));
const server = fileURLToPath(new URL("../../lsp/dist/main.js", import.meta.url));
const sample = `${root}samples/abandoned-cart`;

/** Milliseconds a process takes from spawn to exit; a failure stops the benchmark. */
function timed(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
  return ms;
}

/** Milliseconds from spawning the language server to its answer to `initialize`. */
function serverAnswers() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
    p.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
      if (!out.includes('"id":1')) return;
      resolve(performance.now() - t0);
      p.kill();
    });
    p.on("error", reject);
  });
}

const cases = [
  ["node -e 0 (the floor)", () => timed(["-e", "0"])],
  ["journey --help", () => timed([journey, "--help"])],
  ["journey check <sample>", () => timed([journey, "check", sample])],
  ["journey test <sample>", () => timed([journey, "test", sample])],
  ["journey run <sample> --json", () => timed([journey, "run", sample, "--events", `${sample}/events.jsonl`, "--json"])],
  ["language server: initialize", serverAnswers],
];

const times = cases.map(() => []);
for (let round = 0; round < RUNS; round++) for (const [i, [, run]] of cases.entries()) times[i].push(await run());

const fmt = (ms) => `${Math.round(ms)} ms`;
console.log(`start-up: ${RUNS} interleaved runs each, node ${process.version}; median (min–max)`);
for (const [i, [label]] of cases.entries()) {
  const sorted = times[i].sort((a, b) => a - b);
  console.log(`${label.padEnd(32)} ${fmt(sorted[Math.floor(sorted.length / 2)]).padStart(8)}  (${fmt(sorted[0])}–${fmt(sorted[sorted.length - 1])})`);
}
