/**
 * Robustness: a scripted editing session of 1,200 random edits (insertions, deletions,
 * pastes of other files' text) over a sample project, sent to the real server as
 * incremental `didChange` notifications, with random requests in between. Afterwards the
 * server still answers, and its diagnostics equal a fresh `journey check --json` of the
 * final texts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Diagnostic } from "vscode-languageserver";
import { Client, ensureBuilt, uri } from "./client.js";
import { repoRoot, sampleNames, sample } from "./support.js";

const EDITS = 1200;

let client: Client;
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "journey-robust-"));
  cpSync(join(repoRoot, "samples/abandoned-cart"), dir, { recursive: true });
}, 180_000);

afterAll(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A deterministic pseudo-random sequence. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
}

function position(text: string, offset: number) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const WORDS = ["profile.", "cart", " ", "\n", "{", "}", "(", ")", '"', '"""', "{{", "}}", "wait 4h", "end", "if ", "send email ", ".", ",", ":", "journey X {", "event E { a: int }", "//", "/*", "=", "item", "recommend r = popular() limit 3"];

describe("a long random editing session", () => {
  it(`stays up through ${EDITS} edits and ends with the diagnostics of a fresh \`journey check\``, async () => {
    client = Client.process();
    await client.initialize(dir);
    const files = readdirSync(dir).filter((f) => f.endsWith(".journey")).sort();
    const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    for (const [f, t] of texts) await client.open(join(dir, f), t);
    const others = sampleNames()
      .filter((n) => n !== "abandoned-cart")
      .flatMap((n) => Object.values(sample(n)));
    const rnd = random(7);
    const versions = new Map<string, number>(files.map((f) => [f, 1]));
    let requests = 0;

    for (let i = 0; i < EDITS; i++) {
      const f = files[Math.floor(rnd() * files.length)]!;
      const text = texts.get(f)!;
      const at = Math.floor(rnd() * (text.length + 1));
      const kind = rnd();
      let end = at;
      let insert = "";
      if (kind < 0.45) insert = WORDS[Math.floor(rnd() * WORDS.length)]!;
      else if (kind < 0.85) end = Math.min(text.length, at + 1 + Math.floor(rnd() * 12));
      else {
        // Paste a piece of another sample.
        const other = others[Math.floor(rnd() * others.length)]!;
        const from = Math.floor(rnd() * other.length);
        insert = other.slice(from, from + Math.floor(rnd() * 200));
        if (rnd() < 0.3) end = Math.min(text.length, at + Math.floor(rnd() * 40));
      }
      const range = { start: position(text, at), end: position(text, end) };
      texts.set(f, text.slice(0, at) + insert + text.slice(end));
      versions.set(f, await client.change(join(dir, f), [{ range, text: insert }]));

      // Now and then, ask something at a random place (the answers may be empty, never an error).
      if (rnd() < 0.15) {
        const t = texts.get(f)!;
        const p = position(t, Math.floor(rnd() * (t.length + 1)));
        const td = { uri: uri(join(dir, f)) };
        const method = ["textDocument/completion", "textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/documentSymbol", "textDocument/semanticTokens/full", "textDocument/foldingRange", "textDocument/signatureHelp"][Math.floor(rnd() * 8)]!;
        await client.request(method, { textDocument: td, position: p, context: { includeDeclaration: true } });
        requests++;
      }
      // Now and then, wait for the diagnostics of this version, as an editor shows them.
      if (i % 25 === 24) await client.diagnosticsOf(join(dir, f), versions.get(f));
    }

    // The server still answers.
    const last = files[0]!;
    const symbols = await client.request<unknown[]>("textDocument/documentSymbol", { textDocument: { uri: uri(join(dir, last)) } });
    expect(Array.isArray(symbols)).toBe(true);
    expect(requests).toBeGreaterThan(100);

    // Its diagnostics equal those of a fresh `journey check` of the final texts.
    const got: string[] = [];
    for (const f of files) {
      const ds: Diagnostic[] = await client.diagnosticsOf(join(dir, f), versions.get(f));
      for (const d of ds) got.push(`${f}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code} ${d.severity === 1 ? "error" : "warning"} ${d.message.split("\nhelp: ")[0]}`);
    }
    for (const [f, t] of texts) writeFileSync(join(dir, f), t);
    const cli = spawnSync(process.execPath, [join(repoRoot, "packages/cli/bin/journey.js"), "check", ".", "--json"], { cwd: dir, encoding: "utf8" });
    expect(cli.stderr).toBe("");
    const fresh = (JSON.parse(cli.stdout) as { diagnostics: { file: string; line: number; column: number; endLine: number; endColumn: number; code: string; severity: string; message: string }[] }).diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.code} ${d.severity} ${d.message}`,
    );
    expect(got.length).toBeGreaterThan(0);
    console.log(`${got.length} diagnostics after ${EDITS} edits and ${requests} requests`);
    expect(got).toEqual(fresh);
  }, 300_000);
});
