/**
 * The LSP wiring, in memory: a client and the server over two `PassThrough` streams. A few
 * requests per capability, checking the mapping between protocol types and the service.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES } from "@journey/lsp";
import { Client, uri } from "./client.js";
import { SCHEMA } from "./support.js";

const MAIN = `journey J {
  on CartAbandoned as cart
  if profile.frstName == null { end }
  send email Reminder(cart, []) to profile.email
}
`;

let dir: string;
let client: Client;
const schema = () => join(dir, "schema.journey");
const main = () => join(dir, "main.journey");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "journey-lsp-"));
  writeFileSync(schema(), SCHEMA);
  writeFileSync(main(), MAIN);
  client = Client.memory({ formatter: async (text) => text.replace(/ +\n/g, "\n") });
});

afterEach(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pos = (text: string, needle: string, delta = 0) => {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
};

describe("server over in-memory streams", () => {
  it("announces its capabilities", async () => {
    const { capabilities } = await client.initialize(dir);
    expect(capabilities).toMatchObject({
      textDocumentSync: { openClose: true, change: 2, save: { includeText: false } },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      inlayHintProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ["quickfix"] },
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: ["journey.runTests"] },
      signatureHelpProvider: { triggerCharacters: ["(", ",", " "] },
      semanticTokensProvider: { legend: { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] }, full: true },
    });
    expect((capabilities.completionProvider as { triggerCharacters: string[] }).triggerCharacters).toContain(".");
  });

  it("reads the workspace folder and publishes the diagnostics of files not open", async () => {
    await client.initialize(dir);
    const ds = await client.diagnosticsOf(main());
    expect(ds).toEqual([
      {
        range: { start: pos(MAIN, "frstName"), end: pos(MAIN, "frstName", 8) },
        severity: 1,
        code: "J1004",
        codeDescription: { href: expect.stringMatching(/^file:.*\/docs\/diagnostics\.md#j1004-unknownfield-error$/) },
        source: "journey",
        message: "unknown field `frstName` on `profile`\nhelp: did you mean `firstName`?",
        data: { fix: "change to `firstName`" },
      },
    ]);
    expect(await client.diagnosticsOf(schema())).toEqual([]);
  });

  it("follows edits of open documents, with versions and related information", async () => {
    await client.initialize(dir);
    await client.open(main(), MAIN);
    await client.diagnosticsOf(main(), 1);
    const v = await client.change(main(), [{ range: { start: pos(MAIN, "frstName"), end: pos(MAIN, "frstName", 8) }, text: "firstName" }]);
    expect(await client.diagnosticsOf(main(), v)).toEqual([]);
    // A second `CartAbandoned`: `main.journey` comes first by path, so the one in the schema is the duplicate.
    const text = MAIN.replace("frstName", "firstName") + "\nevent CartAbandoned { x: int }\n";
    await client.change(main(), [{ text }]);
    await client.until(() => client.diagnostics.get(uri(schema()))?.diagnostics.some((d) => d.code === "J1005") === true, 5000, "the duplicate");
    const dup = client.diagnostics.get(uri(schema()))!.diagnostics.find((d) => d.code === "J1005")!;
    expect(dup.range).toEqual({ start: pos(SCHEMA, "CartAbandoned {"), end: pos(SCHEMA, "CartAbandoned {", 13) });
    // Each code links to its section of the documentation.
    expect(dup.codeDescription!.href).toMatch(/\/docs\/diagnostics\.md#j1005-duplicatedeclaration-error$/);
    expect(dup.relatedInformation).toEqual([{ location: { uri: uri(main()), range: { start: pos(text, "CartAbandoned {"), end: pos(text, "CartAbandoned {", 13) } }, message: "first declared here" }]);
  });

  it("publishes a split that differs from the first of its experiment (J3030) in its file, related to the first in another, and clears it after an edit there", async () => {
    const split = (arms: string) => `journey W {\n  on CartAbandoned\n  split "subject" { ${arms} }\n}\n`;
    const first = split("A 50% { } B 50% { }");
    writeFileSync(join(dir, "a.journey"), first);
    writeFileSync(join(dir, "b.journey"), split("A 45% { } B 55% { }").replace("journey W", "journey X"));
    await client.initialize(dir);
    const [d] = await client.diagnosticsOf(join(dir, "b.journey"));
    expect(d).toMatchObject({ code: "J3030", severity: 2, message: expect.stringContaining("`A` is 45% here but 50% in the split at a.journey:3:3") });
    expect(d!.relatedInformation).toEqual([{ location: { uri: uri(join(dir, "a.journey")), range: { start: pos(first, 'split "'), end: pos(first, 'split "subject"', 15) } }, message: 'the first split of experiment "subject"' }]);
    // The first split edited to agree: the warning in the other file goes.
    await client.open(join(dir, "a.journey"), first);
    await client.change(join(dir, "a.journey"), [{ text: split("A 45% { } B 55% { }") }]);
    await client.until(() => client.diagnostics.get(uri(join(dir, "b.journey")))?.diagnostics.length === 0, 5000, "the warning cleared");
  });

  it("answers completion, hover, definition, references, highlights and inlay hints", async () => {
    await client.initialize(dir);
    await client.open(main(), MAIN);
    const td = { uri: uri(main()) };
    const items = await client.request<{ label: string; kind: number; detail: string; textEdit: { range: unknown; newText: string } }[]>("textDocument/completion", { textDocument: td, position: pos(MAIN, "frstName") });
    const first = items.find((i) => i.label === "firstName")!;
    expect(first).toMatchObject({ kind: 5, detail: "firstName?: string", textEdit: { range: { start: pos(MAIN, "frstName"), end: pos(MAIN, "frstName") }, newText: "firstName" } });

    const hover = await client.request<{ contents: { kind: string; value: string }; range: unknown }>("textDocument/hover", { textDocument: td, position: pos(MAIN, "email;".slice(0, 5) + "\n", 2) });
    expect(hover).toMatchObject({ contents: { kind: "markdown", value: expect.stringContaining("(field) email: string") } });

    const def = await client.request<{ uri: string; range: unknown }[]>("textDocument/definition", { textDocument: td, position: pos(MAIN, "Reminder", 2) });
    expect(def).toEqual([{ uri: uri(schema()), range: { start: pos(SCHEMA, "Reminder"), end: pos(SCHEMA, "Reminder", 8) } }]);

    const refs = await client.request<{ uri: string }[]>("textDocument/references", { textDocument: td, position: pos(MAIN, "cart,", 1), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.uri)).toEqual([uri(main()), uri(main())]);

    const marks = await client.request<{ range: { start: unknown }; kind: number }[]>("textDocument/documentHighlight", { textDocument: td, position: pos(MAIN, "cart,", 1) });
    expect(marks.map((m) => m.kind).sort()).toEqual([2, 3]); // a use (Read) and the declaration (Write)

    const withLet = MAIN.replace("  if profile", "  let total = cart.total\n  if profile");
    await client.change(main(), [{ text: withLet }]);
    const hints = await client.request<{ position: unknown; label: string; kind: number }[]>("textDocument/inlayHint", { textDocument: td, range: { start: { line: 0, character: 0 }, end: pos(withLet, "send") } });
    expect(hints).toEqual([{ position: pos(withLet, "total =", 5), label: ": number", kind: 1, paddingLeft: false }]);
  });

  it("renames across files, and refuses with a message", async () => {
    await client.initialize(dir);
    await client.open(main(), MAIN);
    const td = { uri: uri(main()) };
    const prep = await client.request("textDocument/prepareRename", { textDocument: td, position: pos(MAIN, "Reminder", 1) });
    expect(prep).toEqual({ range: { start: pos(MAIN, "Reminder"), end: pos(MAIN, "Reminder", 8) }, placeholder: "Reminder" });
    const edit = await client.request<{ changes: Record<string, { newText: string }[]> }>("textDocument/rename", { textDocument: td, position: pos(MAIN, "Reminder", 1), newName: "Nudge" });
    expect(Object.keys(edit.changes).sort()).toEqual([uri(main()), uri(schema())].sort());
    expect(edit.changes[uri(main())]!.map((e) => e.newText)).toEqual(["Nudge"]);
    await expect(client.request("textDocument/prepareRename", { textDocument: td, position: pos(MAIN, "profile", 2) })).rejects.toThrow("`profile` is provided by the language and cannot be renamed");
  });

  it("lists symbols, encodes semantic tokens and folds", async () => {
    await client.initialize(dir);
    await client.open(main(), MAIN);
    const td = { uri: uri(main()) };
    const symbols = await client.request<{ name: string; kind: number; children: { name: string }[] }[]>("textDocument/documentSymbol", { textDocument: td });
    expect(symbols.map((s) => [s.name, s.kind])).toEqual([["J", 2]]);
    const ws = await client.request<{ name: string; location: { uri: string } }[]>("workspace/symbol", { query: "Remind" });
    expect(ws[0]).toMatchObject({ name: "Reminder", location: { uri: uri(schema()) } });
    const tokens = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: td });
    // The first token is `J` (line 0, column 8, length 1, a class declaration).
    expect(tokens.data.slice(0, 5)).toEqual([0, 8, 1, SEMANTIC_TOKEN_TYPES.indexOf("class"), 1 << SEMANTIC_TOKEN_MODIFIERS.indexOf("declaration")]);
    expect(tokens.data.length % 5).toBe(0);
    const folds = await client.request<{ startLine: number; endLine: number }[]>("textDocument/foldingRange", { textDocument: td });
    expect(folds).toEqual([{ startLine: 0, endLine: 3, kind: "region" }]);
  });

  it("gives signature help, quick fixes and formatting", async () => {
    await client.initialize(dir);
    await client.open(main(), MAIN);
    const td = { uri: uri(main()) };
    const sig = await client.request<{ signatures: { label: string }[]; activeParameter: number }>("textDocument/signatureHelp", { textDocument: td, position: pos(MAIN, "[])") });
    expect(sig).toMatchObject({ signatures: [{ label: "Reminder(cart: CartAbandoned, recs: list<Product>) for email" }], activeParameter: 1 });
    const ds = await client.diagnosticsOf(main(), 1);
    const actions = await client.request<{ title: string; kind: string; diagnostics: unknown[]; edit: { changes: Record<string, { newText: string }[]> } }[]>("textDocument/codeAction", {
      textDocument: td,
      range: ds[0]!.range,
      context: { diagnostics: ds },
    });
    expect(actions).toEqual([{ title: "Change to `firstName`", kind: "quickfix", isPreferred: true, diagnostics: [ds[0]], edit: { changes: { [uri(main())]: [{ range: ds[0]!.range, newText: "firstName" }] } } }]);
    const v = await client.change(main(), [{ text: "journey J {   \n  on CartAbandoned\n}\n" }]);
    await client.diagnosticsOf(main(), v);
    const edits = await client.request<{ newText: string }[]>("textDocument/formatting", { textDocument: td, options: { tabSize: 2, insertSpaces: true } });
    // Only the trailing spaces go: the rest of the document is not replaced.
    expect(edits).toEqual([{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 14 } }, newText: "" }]);
  });

  it("forgets a closed file that is not on disk, and answers requests about unknown files", async () => {
    await client.initialize(dir);
    const scratch = join(dir, "scratch.journey");
    await client.open(scratch, "journey S { on Nope }\n");
    expect((await client.diagnosticsOf(scratch, 1)).map((d) => d.code)).toEqual(["J1002"]);
    await client.close(scratch);
    await client.until(() => client.diagnostics.get(uri(scratch))?.diagnostics.length === 0, 5000, "cleared diagnostics");
    const items = await client.request("textDocument/completion", { textDocument: { uri: uri(join(dir, "nope.journey")) }, position: { line: 0, character: 0 } });
    expect(items).toEqual([]);
    const hover = await client.request("textDocument/hover", { textDocument: { uri: "untitled:Untitled-1" }, position: { line: 0, character: 0 } });
    expect(hover).toBeNull();
  });

  it("publishes template warnings with their severity and help: a value in an event handler", async () => {
    await client.initialize(dir);
    const scratch = join(dir, "scratch.journey");
    const text = `journey S {\n  on CartAbandoned as cart\n  send email { subject "Hi" html "<a onclick=\\"go('{{cart.cartId}}')\\">Go</a>" } to profile.email\n}\n`;
    await client.open(scratch, text);
    const ds = await client.diagnosticsOf(scratch, 1);
    expect(ds.map((d) => [d.code, d.severity, d.range])).toEqual([["J4015", 2, { start: pos(text, "{{cart"), end: pos(text, "}}')", 2) }]]);
    expect(ds[0]!.message).toMatch(/^a value in event handler `onclick` is not made safe by escaping: .*\nhelp: write it as a JSON value with `{{json x}}` \(escaped, not inside quotes\), or put it in a `data-…` attribute/);
  });

  it("picks up files created and deleted on disk", async () => {
    await client.initialize(dir);
    await client.diagnosticsOf(main());
    const extra = join(dir, "extra.journey");
    writeFileSync(extra, "journey X { on Missing }\n");
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uri(extra), type: 1 }] });
    expect((await client.diagnosticsOf(extra)).map((d) => d.code)).toEqual(["J1002"]);
    rmSync(extra);
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uri(extra), type: 3 }] });
    await client.until(() => client.diagnostics.get(uri(extra))?.diagnostics.length === 0, 5000, "cleared diagnostics");
  });

  it("files created in a folder that had none make one project with their subfolders", async () => {
    const empty = mkdtempSync(join(tmpdir(), "journey-lsp-empty-"));
    try {
      await client.initialize(empty);
      const top = join(empty, "schema.journey");
      writeFileSync(top, SCHEMA);
      await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uri(top), type: 1 }] });
      mkdirSync(join(empty, "journeys"));
      const nested = join(empty, "journeys", "main.journey");
      writeFileSync(nested, "journey J {\n  on CartAbandoned as cart\n  wait 1h\n}\n");
      await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uri(nested), type: 1 }] });
      // Alone, `journeys/` would be a project with no profile and no `CartAbandoned`.
      await client.until(() => client.diagnostics.get(uri(nested))?.diagnostics.length === 0, 5000, "no diagnostics for the nested file");
      expect(client.diagnostics.get(uri(nested))?.diagnostics).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("reads a workspace folder added later, and forgets one removed", async () => {
    await client.initialize(dir);
    await client.diagnosticsOf(main());
    const other = mkdtempSync(join(tmpdir(), "journey-lsp-other-"));
    try {
      const file = join(other, "x.journey");
      writeFileSync(file, "journey X { on Missing }\n");
      await client.connection.sendNotification("workspace/didChangeWorkspaceFolders", { event: { added: [{ uri: uri(other), name: "other" }], removed: [] } });
      expect((await client.diagnosticsOf(file)).map((d) => d.code)).toContain("J1002");
      await client.connection.sendNotification("workspace/didChangeWorkspaceFolders", { event: { added: [], removed: [{ uri: uri(other), name: "other" }] } });
      await client.until(() => client.diagnostics.get(uri(file))?.diagnostics.length === 0, 5000, "cleared diagnostics");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("takes the documentation URL of codes and the diagnostics delay from initialization options", async () => {
    await client.initialize(dir, { docsUrl: "https://example.org/docs/diagnostics.md", diagnosticsDelay: 5 });
    const ds = await client.diagnosticsOf(main());
    expect(ds[0]!.codeDescription).toEqual({ href: "https://example.org/docs/diagnostics.md#j1004-unknownfield-error" });
  });
});
