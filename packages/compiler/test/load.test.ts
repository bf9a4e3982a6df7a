/** Reading a project from disk: the file-level diagnostics (J0008 to J0011) and the file order. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { compile, loadSources, MAX_FILE_BYTES } from "@journey/compiler";

// A file or folder named `unreadable…` cannot be read, as after `chmod 000` (which root, as
// tests often run, would ignore).
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const guard =
    <F extends (...args: never[]) => unknown>(f: F) =>
    (...args: Parameters<F>): ReturnType<F> => {
      if (basename(String(args[0])).startsWith("unreadable")) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${String(args[0])}'`), { code: "EACCES" });
      }
      return f(...args) as ReturnType<F>;
    };
  return { ...fs, readFileSync: guard(fs.readFileSync), readdirSync: guard(fs.readdirSync) };
});

const root = mkdtempSync(join(tmpdir(), "journey-load-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("loadSources", () => {
  it("reads every .journey file under a folder, sorted, skipping node_modules and dot folders", () => {
    const dir = project("tree", {
      "b.journey": "event B { x: int }\n",
      "a.journey": "profile {\n  email: string\n}\n",
      "sub/c.journey": "event C { x: int }\n",
      "notes.md": "# not a source\n",
      "node_modules/x.journey": "garbage",
      ".hidden/y.journey": "garbage",
    });
    const r = loadSources(["."], dir);
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(["a.journey", "b.journey", "sub/c.journey"]);
    expect(compile(r.files).diagnostics).toEqual([]);
  });

  it("drops a UTF-8 byte order mark", () => {
    const dir = project("bom", { "a.journey": "\uFEFFprofile {\n  email: string\n}\n" });
    const r = loadSources(["."], dir);
    expect(r.files[0]!.text.startsWith("profile")).toBe(true);
    expect(compile(r.files).diagnostics).toEqual([]);
  });

  it("J0008: a binary file is not a text file", () => {
    const dir = project("binary", { "a.journey": Buffer.from([0x70, 0x00, 0x01, 0x02]) });
    const r = loadSources(["."], dir);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file, d.message])).toEqual([["J0008", "error", "a.journey", "`a.journey` is not a text file"]]);
    expect(r.diagnostics[0]!.span).toEqual({ start: 0, end: 0 });
  });

  it("J0011: text in another encoding says which, and where UTF-8 cannot read it", () => {
    const dir = project("encodings", {
      // "profile {\n  firstName: string // René" saved as Latin-1: é is the single byte 0xE9.
      "latin1.journey": Buffer.from("profile {\n  firstName: string // Ren\u00e9\n}\n", "latin1"),
      "utf16.journey": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("profile {}\n", "utf16le")]),
      "utf16be.journey": Buffer.from([0xfe, 0xff, 0x00, 0x41]),
    });
    const r = loadSources(["."], dir);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ["J0011", "latin1.journey", "`latin1.journey` is not UTF-8 (byte 0xE9 at line 2, column 27): save it as UTF-8"],
      ["J0011", "utf16.journey", "`utf16.journey` is not UTF-8 (it is UTF-16 text): save it as UTF-8"],
      ["J0011", "utf16be.journey", "`utf16be.journey` is not UTF-8 (it is UTF-16 text): save it as UTF-8"],
    ]);
  });

  it("J0009: a file over the size limit is refused", () => {
    const dir = project("large", { "big.journey": Buffer.alloc(MAX_FILE_BYTES + 1, 0x20) });
    const r = loadSources(["."], dir);
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "J0009", severity: "error", file: "big.journey", span: { start: 0, end: 0 } });
    expect(r.diagnostics[0]!.message).toBe(`\`big.journey\` is too large (${MAX_FILE_BYTES + 1} bytes; the limit is ${MAX_FILE_BYTES})`);
  });

  it("J0010: a missing path and a folder without sources", () => {
    const dir = project("empty", { "readme.txt": "x" });
    const r = loadSources(["nope", "."], dir);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file, d.message, d.span])).toEqual([
      ["J0010", "error", "nope", "nope: no such file or folder", { start: 0, end: 0 }],
      ["J0010", "error", ".", ".: no .journey files in this folder", { start: 0, end: 0 }],
    ]);
  });

  it("follows symbolic links to files and folders, takes each real file once, and names a link that leads nowhere", () => {
    const shared = project("shared-model", { "model.journey": "profile {\n  email: string\n}\n" });
    const dir = project("linked", { "a.journey": "event A { x: int }\n" });
    symlinkSync(shared, join(dir, "shared"));
    symlinkSync(join(dir, "a.journey"), join(dir, "again.journey"));
    symlinkSync(dir, join(dir, "self"));
    symlinkSync(join(dir, "gone"), join(dir, "broken.journey"));
    const r = loadSources(["."], dir);
    expect(r.files.map((f) => f.path)).toEqual(["a.journey", "shared/model.journey"]);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([["J0010", "broken.journey: no such file or folder"]]);
  });

  it("J0010: a file or folder that cannot be read, a pipe, a loop of links: said so, never thrown or waited on", () => {
    const dir = project("unusable", {
      "a.journey": "event A { x: int }\n",
      "unreadable.journey": "event B { x: int }\n",
      "unreadable-folder/c.journey": "event C { x: int }\n",
    });
    symlinkSync("loop", join(dir, "loop"));
    const pipe = process.platform === "win32" ? undefined : join(dir, "pipe.journey");
    if (pipe) execFileSync("mkfifo", [pipe]);
    const r = loadSources([".", "loop", ...(pipe ? ["pipe.journey"] : [])], dir);
    expect(r.files.map((f) => f.path)).toEqual(["a.journey"]);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ["J0010", "unreadable-folder", "unreadable-folder: permission denied"],
      ["J0010", "loop", "loop: a loop of symbolic links"],
      ...(pipe ? [["J0010", "pipe.journey", "pipe.journey: not a regular file (a pipe or a device?)"]] : []),
      ["J0010", "unreadable.journey", "unreadable.journey: permission denied"],
    ]);
  });
});
