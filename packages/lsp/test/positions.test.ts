/**
 * Positions over the wire: LSP counts lines at LF, CRLF or CR and characters in UTF-16 code
 * units. A document with everything that makes the two differ from naive counting before the
 * names it asks about (a byte order mark the editor kept, CRLF, tabs, an emoji, CJK, escapes),
 * checked against positions computed here, independently of the server's `LineIndex`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Position, Range } from "vscode-languageserver";
import { Client, uri } from "./client.js";
import { cursor } from "./support.js";

/** The file as the editor holds it (BOM included); `<|>` marks where requests are made. */
const SRC = [
  "\uFEFFprofile {",
  "\temail: string",
  "firstName?: string",
  "}",
  "event Ev { cartId: string }",
  'channel email { from "a@b.c" }',
  "template T(ev: Ev) for email {",
  '\tsubject "😀 中文 \\u00e9\\" {{profile.frstName}} {{e<|>v.cartId}}"',
  '\ttext "x"',
  "}",
  "",
].join("\r\n");
const { text: TEXT, offset: CURSOR } = cursor(SRC);

const lineStarts = (text: string) => [0, ...[...text.matchAll(/\r\n|\r|\n/g)].map((m) => m.index + m[0].length)];
const toPosition = (offset: number): Position => {
  const starts = lineStarts(TEXT);
  const line = starts.findLastIndex((s) => s <= offset);
  return { line, character: offset - starts[line]! };
};
const toOffset = (p: Position) => lineStarts(TEXT)[p.line]! + p.character;
const covered = (r: Range) => TEXT.slice(toOffset(r.start), toOffset(r.end));

let dir: string;
let client: Client;
const file = () => join(dir, "main.journey");
const td = () => ({ uri: uri(file()) });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "journey-lsp-positions-"));
  client = Client.memory({ formatter: null });
  await client.initialize(dir);
  await client.open(file(), TEXT);
});

afterEach(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("positions in UTF-16 code units, over CRLF, after a BOM, tabs, emoji and escapes", () => {
  it("a diagnostic covers exactly the offending name (and the BOM is no error)", async () => {
    const ds = await client.diagnosticsOf(file(), 1);
    expect(ds.map((d) => [d.code, covered(d.range)])).toEqual([["J4003", "frstName"]]);
    expect(ds[0]!.range.start).toEqual(toPosition(TEXT.indexOf("frstName")));
  });

  it("hover, definition, highlights and rename hit the characters of the name", async () => {
    const position = toPosition(CURSOR);
    const hover = await client.request<{ range: Range }>("textDocument/hover", { textDocument: td(), position });
    expect(covered(hover.range)).toBe("ev");
    expect(toOffset(hover.range.start)).toBe(CURSOR - 1);
    const def = await client.request<{ range: Range }[]>("textDocument/definition", { textDocument: td(), position });
    expect(def.map((l) => toOffset(l.range.start))).toEqual([TEXT.indexOf("ev: Ev")]);
    const marks = await client.request<{ range: Range }[]>("textDocument/documentHighlight", { textDocument: td(), position });
    expect(marks.map((m) => toOffset(m.range.start)).sort((a, b) => a - b)).toEqual([TEXT.indexOf("ev: Ev"), CURSOR - 1]);
    const edit = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>("textDocument/rename", { textDocument: td(), position, newName: "cart" });
    const edits = edit.changes[uri(file())]!;
    expect(edits.map((e) => [covered(e.range), toOffset(e.range.start)]).sort((a, b) => (a[1] as number) - (b[1] as number))).toEqual([
      ["ev", TEXT.indexOf("ev: Ev")],
      ["ev", CURSOR - 1],
    ]);
  });

  it("completion replaces from the start of the word being typed", async () => {
    const items = await client.request<{ label: string; textEdit: { range: Range } }[]>("textDocument/completion", {
      textDocument: td(),
      position: toPosition(TEXT.indexOf("frstName") + 2),
    });
    const first = items.find((i) => i.label === "firstName")!;
    expect(covered(first.textEdit.range)).toBe("fr");
  });

  it("a character past the end of a line is the end of that line, not the next line's first word", async () => {
    // The line after `email: string` starts with the field `firstName`: read as the next line's
    // start, a position past the end hovered `firstName`.
    const line = toPosition(TEXT.indexOf("email: string")).line;
    const hover = await client.request<{ range: Range } | null>("textDocument/hover", { textDocument: td(), position: { line, character: 99 } });
    expect(hover === null || hover.range.start.line === line).toBe(true);
  });
});
