#!/usr/bin/env node
/**
 * Benchmark of the language server as an editor sees it, on one 5,000-line file:
 *
 * - edit → diagnostics: the time from sending a one-character `didChange` to receiving the
 *   `publishDiagnostics` for that version;
 * - completion: the round trip of a completion request after `profile.` once the edit is
 *   analysed.
 *
 * 200 edits (each types or deletes one character inside a journey), p50 and p95 of each.
 * Targets: p95 < 50 ms for diagnostics, < 20 ms for completion. The same edits are then
 * replayed on the language service in this process (no JSON-RPC, no process boundary), to
 * show where the time goes.
 *
 *   npm run bench -w packages/lsp        (build first: npx tsc -b packages/lsp)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import { Workspace } from "../dist/index.js";
import { LineIndex } from "@journey/compiler";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "../../..");
const EDITS = Number(process.env.EDITS ?? 200);
const LINES = Number(process.env.LINES ?? 5000);

// ── a 5,000-line project in one file ───────────────────────────────────────────────────
const sampleDir = process.env.SAMPLE_DIR;
const parts = readdirSync(sampleDir)
  .filter((f) => f.endsWith(".journey"))
  .sort()
  .map((f) => readFileSync(join(sampleDir, f), "utf8"));
const journey = readFileSync(join(sampleDir, "abandoned-cart.journey"), "utf8");
let text = parts.filter((p) => !p.includes("journey AbandonedCart")).join("\n");
let copies = 0;
while (text.split("\n").length < LINES) {
  // Every journey of the file renamed (the sample's file holds more than AbandonedCart).
  text += "\n" + journey.replace(/^journey (\w+)/gm, `journey $1${copies}`) + "\n";
  text += `journey Touch${copies} {\n  on CartAbandoned as cart\n  wait 1h\n  if profile.consent.email and cart.total > ${copies} {\n    send email CartNudge(cart) to profile.email\n  }\n}\n`;
  copies++;
}
const lineCount = text.split("\n").length;
const dir = mkdtempSync(join(tmpdir(), "journey-bench-"));
const file = join(dir, "big.journey");
writeFileSync(file, text);
const uri = pathToFileURL(file).href;

// Edit positions: the `1h` of each `wait 1h` in the Touch journeys (typing a digit keeps the file valid).
const edits = [];
for (let i = text.indexOf("  wait 1h\n"); i >= 0; i = text.indexOf("  wait 1h\n", i + 1)) edits.push(i + "  wait 1".length);
const lineOf = (offset) => text.slice(0, offset).split("\n").length - 1;
const colOf = (offset) => offset - text.lastIndexOf("\n", offset - 1) - 1;
// Completion after `profile.` in `if profile.consent.email`.
const completionAt = text.indexOf("if profile.consent.email and cart.total") + "if profile.".length;

// ── the server ─────────────────────────────────────────────────────────────────────────
const child = spawn(process.execPath, [join(repo, "packages/lsp/bin/journey-lsp.js"), "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const waiting = new Map();
conn.onNotification("textDocument/publishDiagnostics", (p) => {
  if (p.uri !== uri) return;
  const w = waiting.get(p.version);
  if (w) {
    waiting.delete(p.version);
    w(p);
  }
});
conn.onRequest("client/registerCapability", () => null);
conn.listen();

const diagnosticsFor = (version) => new Promise((resolve) => waiting.set(version, resolve));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

await conn.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "bench" }], capabilities: {} });
await conn.sendNotification("initialized", {});
let version = 1;
const first = diagnosticsFor(1);
let t0 = performance.now();
await conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "journey", version, text } });
const initial = await first;
const openMs = performance.now() - t0;

const diag = [];
const comp = [];
let inserted = false;
for (let i = 0; i < EDITS; i++) {
  const at = edits[i % edits.length];
  const pos = { line: lineOf(at), character: colOf(at) };
  // Type a digit (`wait 1h` → `wait 12h`), and on the next visit delete it again.
  const change = inserted ? { range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: "" } : { range: { start: pos, end: pos }, text: "2" };
  if (i % edits.length === edits.length - 1) inserted = !inserted;
  version++;
  const done = diagnosticsFor(version);
  t0 = performance.now();
  await conn.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [change] });
  await done;
  diag.push(performance.now() - t0);

  t0 = performance.now();
  const items = await conn.sendRequest("textDocument/completion", { textDocument: { uri }, position: { line: lineOf(completionAt), character: colOf(completionAt) } });
  comp.push(performance.now() - t0);
  if (!items.some((c) => c.label === "email")) throw new Error("completion after `profile.` is missing `email`");
}

await conn.sendRequest("shutdown");
await conn.sendNotification("exit");
conn.dispose();
rmSync(dir, { recursive: true, force: true });

// ── the same edits on the language service, in process ─────────────────────────────────
const ws = new Workspace({ formatter: null });
ws.set(file, text);
ws.diagnostics(file);
let current = text;
const svcDiag = [];
const svcComp = [];
const parse = [];
const check = [];
inserted = false;
for (let i = 0; i < EDITS; i++) {
  // The same line and column as the LSP edit above (earlier edits moved the offsets).
  const orig = edits[i % edits.length];
  const at = new LineIndex(current).offset({ line: lineOf(orig), column: colOf(orig) });
  current = inserted ? current.slice(0, at) + current.slice(at + 1) : current.slice(0, at) + "2" + current.slice(at);
  if (i % edits.length === edits.length - 1) inserted = !inserted;
  t0 = performance.now();
  ws.set(file, current, i + 2);
  ws.diagnostics(file);
  svcDiag.push(performance.now() - t0);
  const stats = ws.stats(file);
  parse.push(stats.parseMs);
  check.push(stats.checkMs);
  t0 = performance.now();
  const items = ws.completion(file, new LineIndex(current).offset({ line: lineOf(completionAt), column: colOf(completionAt) }));
  svcComp.push(performance.now() - t0);
  if (!items.some((c) => c.label === "email")) throw new Error("in process: completion after `profile.` is missing `email`");
}

const report = {
  file: `${lineCount} lines, ${(text.length / 1024).toFixed(0)} kB, ${initial.diagnostics.length} diagnostics`,
  open: fmt(openMs),
  edits: EDITS,
  "edit → diagnostics": { p50: fmt(pct(diag, 50)), p95: fmt(pct(diag, 95)), max: fmt(Math.max(...diag)) },
  completion: { p50: fmt(pct(comp, 50)), p95: fmt(pct(comp, 95)), max: fmt(Math.max(...comp)) },
  "in process (language service only)": {
    "edit → diagnostics": { p50: fmt(pct(svcDiag, 50)), p95: fmt(pct(svcDiag, 95)) },
    "of which re-parse": { p50: fmt(pct(parse, 50)), p95: fmt(pct(parse, 95)) },
    "of which check": { p50: fmt(pct(check, 50)), p95: fmt(pct(check, 95)) },
    completion: { p50: fmt(pct(svcComp, 50)), p95: fmt(pct(svcComp, 95)) },
    "re-parses that reused untouched declarations": `${ws.project(file).incrementalParses} of ${EDITS}`,
  },
  load: `load average ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")} on ${(await import("node:os")).cpus().length} cores`,
};
console.log(JSON.stringify(report, null, 2));
const ok = pct(diag, 95) < 50 && pct(comp, 95) < 20;
console.log(ok ? "✓ within targets (p95 < 50 ms diagnostics, < 20 ms completion)" : "✗ outside targets (p95 < 50 ms diagnostics, < 20 ms completion)");
