/**
 * End to end: the real server (`journey-lsp --stdio`, as built) in a child process, spoken to
 * over Content-Length framed JSON-RPC as an editor does, on the sample projects and on
 * broken files.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "@journey/compiler";
import { formatWithConfig } from "@journey/prettier-plugin";
import type { CompletionItem, Hover, Location, SymbolInformation, DocumentSymbol, WorkspaceEdit } from "vscode-languageserver";
import { LSPErrorCodes } from "vscode-languageserver";
import { Client, ensureBuilt, serverBin, uri } from "./client.js";
import { sample, sampleNames, samplesDir } from "./support.js";

let client: Client;
const cart = join(samplesDir, "abandoned-cart/abandoned-cart.journey");
const schema = join(samplesDir, "abandoned-cart/schema.journey");
const templates = join(samplesDir, "abandoned-cart/templates.journey");
const cartText = readFileSync(cart, "utf8");

const pos = (text: string, needle: string, delta = 0, n = 1) => {
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not found`);
  i += delta;
  const before = text.slice(0, i).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
};

beforeAll(async () => {
  ensureBuilt();
  client = Client.process();
  await client.initialize(samplesDir);
}, 180_000);

afterAll(async () => {
  await client.stop();
  expect(client.child!.exitCode).toBe(0);
});

describe("journey-lsp --stdio", () => {
  it("publishes every sample's diagnostics, equal to a fresh compile of each project", async () => {
    for (const name of sampleNames()) {
      const files = sample(name);
      const fresh = compile(Object.entries(files).map(([path, text]) => ({ path: join(samplesDir, "..", path), text })), { emit: false }).diagnostics;
      for (const rel of Object.keys(files)) {
        const path = join(samplesDir, "..", rel);
        const got = await client.diagnosticsOf(path);
        expect(got.map((d) => `${d.code} ${d.message.split("\nhelp:")[0]}`)).toEqual(fresh.filter((d) => d.file === path).map((d) => `${d.code} ${d.message}`));
      }
    }
  });

  it("checks an edited document as it is typed, and again when it is fixed", async () => {
    await client.open(cart, cartText);
    expect(await client.diagnosticsOf(cart, 1)).toEqual([]);
    // Type a mistake: `profile.consent.email` → `profile.consent.emial`.
    const at = pos(cartText, "profile.consent.email", "profile.consent.".length);
    let v = await client.change(cart, [{ range: { start: at, end: { line: at.line, character: at.character + 5 } }, text: "emial" }]);
    const ds = await client.diagnosticsOf(cart, v);
    expect(ds.map((d) => [d.code, d.message, d.range.start])).toEqual([["J1004", "unknown field `emial` on `profile.consent`\nhelp: did you mean `email`?", at]]);
    v = await client.change(cart, [{ range: { start: at, end: { line: at.line, character: at.character + 5 } }, text: "email" }]);
    expect(await client.diagnosticsOf(cart, v)).toEqual([]);
  });

  it("reports a broken file once, without a cascade, and recovers", async () => {
    const broken = cartText.replace("  wait 4h\n", "  wait 4h {\n");
    let v = await client.change(cart, [{ text: broken }]);
    const ds = await client.diagnosticsOf(cart, v);
    expect(ds.map((d) => d.code)).toEqual(["J0005"]);
    // The other files of the project keep their (empty) diagnostics.
    expect(await client.diagnosticsOf(templates)).toEqual([]);
    v = await client.change(cart, [{ text: cartText }]);
    expect(await client.diagnosticsOf(cart, v)).toEqual([]);
  });

  it("completes fields after `profile.` and names after `send email`", async () => {
    const items = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: uri(cart) }, position: pos(cartText, "profile.consent.email", "profile.".length) });
    expect(items.map((i) => i.label)).toEqual(["email", "firstName", "phone", "timezone", "consent"]);
    const at = pos(cartText, "CartReminder(cart, recs)");
    const templatesOffered = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: uri(cart) }, position: at });
    expect(templatesOffered.map((i) => i.label)).toEqual(expect.arrayContaining(["CartReminder", "CartNudge"]));
  });

  it("in a test being typed: the test's profiles where an id goes, and the quick fix for an id it does not declare", async () => {
    const tests = join(samplesDir, "abandoned-cart/tests.journey");
    const text = readFileSync(tests, "utf8");
    await client.open(tests, text);
    // `at 0m "p1" …` → `at 0m "p` with the cursor after `p`: the test's profiles, replacing what is typed in the string.
    const at = pos(text, 'at 0m "p1"', 'at 0m "p'.length);
    const items = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: uri(tests) }, position: at });
    expect(items.map((i) => [i.label, i.textEdit])).toEqual([["p1", { range: { start: { line: at.line, character: at.character - 1 }, end: at }, newText: "p1" }]]);
    const v = await client.change(tests, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: "9" }]);
    const ds = await client.diagnosticsOf(tests, v);
    expect(ds.map((d) => [d.code, d.message])).toEqual([["J6003", 'profile `p9` is not declared in this test\nhelp: did you mean "p1"?']]);
    const actions = await client.request<{ title: string; edit: { changes: Record<string, { newText: string }[]> } }[]>("textDocument/codeAction", { textDocument: { uri: uri(tests) }, range: ds[0]!.range, context: { diagnostics: ds } });
    expect(actions.map((a) => [a.title, a.edit.changes[uri(tests)]!.map((e) => e.newText)])).toEqual([['Change to "p1"', ['"p1"']]]);
    await client.close(tests);
  });

  it("hovers with types and doc comments", async () => {
    const h = await client.request<Hover>("textDocument/hover", { textDocument: { uri: uri(cart) }, position: pos(cartText, "profile.phone", "profile.p".length) });
    expect(h.contents).toEqual({ kind: "markdown", value: "```journey\n(field) phone: string?\n```\n\nDeclared (in profile)\n\n---\n\nMobile number in E.164 form, when the shopper gave one at checkout." });
    const d = await client.request<Hover>("textDocument/hover", { textDocument: { uri: uri(cart) }, position: pos(cartText, "within 24h", 8) });
    expect(d.contents).toEqual({ kind: "markdown", value: "`24h`: 24 hours (86,400,000 ms)" });
  });

  it("goes to definitions and finds references across files, from templates too", async () => {
    const def = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: uri(cart) }, position: pos(cartText, "CartReminder", 3) });
    const templatesText = readFileSync(templates, "utf8");
    expect(def).toEqual([{ uri: uri(templates), range: { start: pos(templatesText, "CartReminder"), end: pos(templatesText, "CartReminder", 12) } }]);
    const inTemplate = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: uri(templates) }, position: pos(templatesText, "{{cart.cartUrl}}", 8) });
    const schemaText = readFileSync(schema, "utf8");
    expect(inTemplate).toEqual([{ uri: uri(schema), range: { start: pos(schemaText, "cartUrl"), end: pos(schemaText, "cartUrl", 7) } }]);
    const refs = await client.request<Location[]>("textDocument/references", { textDocument: { uri: uri(schema) }, position: pos(schemaText, "event OrderPlaced", 7), context: { includeDeclaration: false } });
    expect(new Set(refs.map((r) => r.uri.split("/").pop()))).toEqual(new Set(["abandoned-cart.journey", "schema.journey", "tests.journey"]));
  });

  it("renames a field in every file that uses it", async () => {
    const schemaText = readFileSync(schema, "utf8");
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: uri(schema) }, position: pos(schemaText, "cartUrl", 2), newName: "restoreUrl" });
    const files = Object.keys(edit.changes!).map((u) => u.split("/").pop()).sort();
    expect(files).toEqual(["schema.journey", "templates.journey", "tests.journey"]);
    expect(edit.changes![uri(join(samplesDir, "abandoned-cart/tests.journey"))]).toHaveLength(6); // the test events' data
    expect(Object.values(edit.changes!).flat().every((e) => e.newText === "restoreUrl")).toBe(true);
  });

  it("goes from a test's arm to its split, and renames an experiment in its split and tests", async () => {
    const winback = join(samplesDir, "winback/winback.journey");
    const text = readFileSync(winback, "utf8");
    const def = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: uri(winback) }, position: pos(text, "control for", 2) });
    expect(def).toEqual([{ uri: uri(winback), range: { start: pos(text, "control 10%"), end: pos(text, "control 10%", 7) } }]);
    const at = pos(text, '"winback-subject"', 3);
    const prepared = await client.request<{ range: unknown; placeholder: string }>("textDocument/prepareRename", { textDocument: { uri: uri(winback) }, position: at });
    expect(prepared).toEqual({ range: { start: pos(text, '"winback-subject"', 1), end: pos(text, '"winback-subject"', 16) }, placeholder: "winback-subject" });
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: uri(winback) }, position: at, newName: "subject-2026" });
    expect(edit.changes![uri(winback)]!.map((e) => e.newText)).toEqual(['"subject-2026"', '"subject-2026"', '"subject-2026"', '"subject-2026"']);
  });

  it("lists document and workspace symbols, and semantic tokens", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: uri(schema) } });
    expect(symbols.map((s) => s.name)).toEqual(["profile", "LineItem", "CartAbandoned", "OrderPlaced", "PreferencesSaved", "ProductViewed", "Product"]);
    const ws = await client.request<SymbolInformation[]>("workspace/symbol", { query: "AbandonedCart" });
    expect(ws[0]).toMatchObject({ name: "AbandonedCart", location: { uri: uri(cart) } });
    const tokens = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: uri(cart) } });
    expect(tokens.data.length).toBeGreaterThan(100);
    expect(tokens.data.length % 5).toBe(0);
  });

  it("formats with the Prettier plugin, as `journey fmt` does", async () => {
    const messy = cartText.replace("  wait 4h\n", "      wait   4h\n");
    const v = await client.change(cart, [{ text: messy }]);
    await client.diagnosticsOf(cart, v);
    const edits = await client.request<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]>("textDocument/formatting", { textDocument: { uri: uri(cart) }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    // One edit on the line that changed, which gives what `journey fmt` gives.
    const { range, newText } = edits[0]!;
    const line = messy.split("\n").findIndex((l) => l.includes("wait   4h"));
    expect([range.start.line, range.end.line]).toEqual([line, line]);
    const lines = messy.split("\n");
    lines[line] = lines[line]!.slice(0, range.start.character) + newText + lines[line]!.slice(range.end.character);
    expect(lines.join("\n")).toBe(await formatWithConfig(messy, cart));
    await client.change(cart, [{ text: cartText }]);
  });

  it("answers a request cancelled before it was handled with RequestCancelled, and the next one as usual", async () => {
    // The request and its cancel in one write, while `initialize` is still being handled: the
    // server reads both before it reaches the request, whatever the load on the machine.
    const server = spawn(process.execPath, [serverBin, "--stdio"], { stdio: ["pipe", "pipe", "ignore"] });
    const replies = new Map<number, { result?: unknown; error?: { code: number } }>();
    let buffer = Buffer.alloc(0);
    const arrived = new Promise<void>((resolve) => {
      server.stdout!.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (let m = /Content-Length: (\d+)\r\n\r\n/.exec(buffer.toString("latin1")); m; m = /Content-Length: (\d+)\r\n\r\n/.exec(buffer.toString("latin1"))) {
          const start = m.index + m[0].length;
          const end = start + Number(m[1]);
          if (buffer.length < end) break;
          const message = JSON.parse(buffer.subarray(start, end).toString("utf8")) as { id?: number; result?: unknown; error?: { code: number } };
          buffer = buffer.subarray(end);
          if (typeof message.id === "number") replies.set(message.id, message);
          if (replies.has(2) && replies.has(3)) resolve();
        }
      });
    });
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: "2.0", ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    const hover = { textDocument: { uri: uri(cart) }, position: { line: 0, character: 0 } };
    server.stdin!.write(
      frame({ id: 1, method: "initialize", params: { processId: null, rootUri: uri(samplesDir), capabilities: {} } }) +
        frame({ id: 2, method: "textDocument/hover", params: hover }) +
        frame({ method: "$/cancelRequest", params: { id: 2 } }) +
        frame({ id: 3, method: "textDocument/hover", params: hover }),
    );
    await arrived;
    server.kill();
    expect(replies.get(2)).toMatchObject({ error: { code: LSPErrorCodes.RequestCancelled } });
    expect(replies.get(3)!.error).toBeUndefined();
  });

  it("survives requests at impossible positions and for files it does not know", async () => {
    const far = await client.request("textDocument/hover", { textDocument: { uri: uri(cart) }, position: { line: 9999, character: 99 } });
    expect(far).toBeNull();
    const none = await client.request("textDocument/definition", { textDocument: { uri: "file:///nowhere/x.journey" }, position: { line: 0, character: 0 } });
    expect(none).toEqual([]);
    const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri: uri(cart) } });
    expect(symbols).not.toBeNull();
  });
});
