/**
 * End to end: test results in the editor. The built server (`journey-lsp --stdio`) in a child
 * process, spoken to over JSON-RPC as an editor does: a project's tests run after its
 * diagnostics are published (on open and save, after every check, or only on request), each
 * unmet expectation is a `journey test` diagnostic merged with the compiler's, and code lenses
 * show each test's outcome and run the tests on request.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CodeLens, Diagnostic } from "vscode-languageserver";
import { Client, ensureBuilt, uri } from "./client.js";
import { sample, samplesDir } from "./support.js";

const SCHEMA = `profile { email: string }
event Signup { plan: string }
`;
const JOURNEY = `journey Welcome {
  on Signup as s
  wait 1h
  send email { subject "Welcome" text "Hi" } to profile.email
}
`;
/** Expects the welcome two hours after the signup: the journey sends it after one. */
const TESTS = `test "the welcome goes out two hours later" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "pro" }
  expect at 2h send email to "a@example.com"
}
`;
const EXPECTATION = `expect at 2h send email to "a@example.com"`;
const FAILURE = "expected send email to a@example.com at +2h: no matching message was sent (email at +1h: it went out at +1h)";

let dir: string;
let client: Client;
const file = (name: string) => join(dir, name);

const pos = (text: string, needle: string, delta = 0) => {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
};

const testDiagnostics = (ds: Diagnostic[]) => ds.filter((d) => d.source === "journey test");

/** A project folder with the three files, the client started on it with these options. */
async function start(options: Record<string, unknown> = {}): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), "journey-lsp-tests-"));
  writeFileSync(file("schema.journey"), SCHEMA);
  writeFileSync(file("welcome.journey"), JOURNEY);
  writeFileSync(file("tests.journey"), TESTS);
  client = Client.process();
  await client.initialize(dir, options);
}

function lenses(path: string): Promise<CodeLens[]> {
  return client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: uri(path) } });
}

/** The code lenses of a file once `check` holds for them (a run finishes in the background). */
async function lensesWhen(path: string, check: (titles: string[]) => boolean, ms = 30_000): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const titles = (await lenses(path)).map((l) => l.command!.title);
    if (check(titles)) return titles;
    if (Date.now() > end) throw new Error(`lenses still ${JSON.stringify(titles)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => ensureBuilt(), 180_000);

afterEach(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("test runs in the editor (journey-lsp --stdio)", () => {
  it("opening a project with a failing test: the compiler's diagnostics, then a `journey test` one at the expectation", async () => {
    await start();
    await client.open(file("tests.journey"), TESTS);
    await client.until(() => testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))?.diagnostics ?? []).length > 0, 30_000, "a test diagnostic");
    const ofFile = client.published.filter((p) => p.uri === uri(file("tests.journey")));
    // The compiler's list first (no failure yet), then the same list with the run's failure.
    expect(ofFile[0]!.diagnostics).toEqual([]);
    expect(ofFile.at(-1)!.diagnostics).toEqual([
      { range: { start: pos(TESTS, EXPECTATION), end: pos(TESTS, EXPECTATION, EXPECTATION.length) }, severity: 1, code: "test", source: "journey test", message: FAILURE },
    ]);
    // The editor is asked for the lenses again: they show the outcome now.
    await client.until(() => client.codeLensRefreshes > 0, 10_000, "a code lens refresh");
  });

  it("a failure stays (moved) through edits until the save that fixes it; the compiler's diagnostics are kept alongside", async () => {
    await start();
    await client.open(file("tests.journey"), TESTS);
    await client.open(file("welcome.journey"), JOURNEY);
    await client.until(() => testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))?.diagnostics ?? []).length > 0, 30_000, "a test diagnostic");
    // A line above the test: the failure moves with its expectation.
    let tv = await client.change(file("tests.journey"), [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "// the welcome\n" }]);
    let ds = await client.diagnosticsOf(file("tests.journey"), tv);
    expect(ds.map((d) => [d.source, d.range.start.line])).toEqual([["journey test", pos(TESTS, EXPECTATION).line + 1]]);
    // A compiler error in the same file, with the failure: both published, neither replaces the other.
    tv = await client.change(file("tests.journey"), [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "event Signup { plan: string }\n" }]);
    ds = await client.diagnosticsOf(file("tests.journey"), tv);
    expect(ds.map((d) => d.source).sort()).toEqual(["journey", "journey test"]);
    tv = await client.change(file("tests.journey"), [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: "" }]);
    expect((await client.diagnosticsOf(file("tests.journey"), tv)).map((d) => d.source)).toEqual(["journey test"]);
    // The fix, in the journey: not run until saved, so the failure stays.
    const wait = pos(JOURNEY, "wait 1h", 5);
    const jv = await client.change(file("welcome.journey"), [{ range: { start: wait, end: { line: wait.line, character: wait.character + 1 } }, text: "2" }]);
    await client.diagnosticsOf(file("welcome.journey"), jv);
    expect(testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))!.diagnostics)).toHaveLength(1);
    expect((await lenses(file("tests.journey"))).map((l) => l.command!.title)).toEqual([`✗ failed: ${FAILURE} (before the last edit)`, "Run"]);
    await client.save(file("welcome.journey"));
    await client.until(() => testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))!.diagnostics).length === 0, 30_000, "the failure to go");
    expect(await lensesWhen(file("tests.journey"), (t) => t[0] === "✓ passed")).toEqual(["✓ passed", "Run"]);
  });

  it("`journey.runTests` runs the project now, answers with its counts and republishes", async () => {
    await start();
    await client.open(file("welcome.journey"), JOURNEY);
    await lensesWhen(file("tests.journey"), (t) => t[0]?.startsWith("✗ failed") === true);
    const wait = pos(JOURNEY, "wait 1h", 5);
    await client.change(file("welcome.journey"), [{ range: { start: wait, end: { line: wait.line, character: wait.character + 1 } }, text: "2" }]);
    const [lens] = (await lenses(file("tests.journey"))).filter((l) => l.command!.command === "journey.runTests");
    expect(lens!.command).toEqual({ title: "Run", command: "journey.runTests", arguments: [uri(file("tests.journey"))] });
    const answer = await client.request("workspace/executeCommand", { command: lens!.command!.command, arguments: lens!.command!.arguments });
    expect(answer).toEqual([{ project: dir, status: "ran", passed: 1, failed: 0 }]);
    expect(await lensesWhen(file("tests.journey"), () => true)).toEqual(["✓ passed", "Run"]);
    // Without an argument (the command palette): every project with an open file.
    expect(await client.request("workspace/executeCommand", { command: "journey.runTests", arguments: [] })).toEqual([{ project: dir, status: "ran", passed: 1, failed: 0 }]);
    await expect(client.request("workspace/executeCommand", { command: "journey.nothing" })).rejects.toThrow(/unknown command journey\.nothing/);
  });

  it('`runTests: "off"` runs nothing by itself, and the Run lens still does', async () => {
    await start({ runTests: "off" });
    await client.open(file("tests.journey"), TESTS);
    await client.diagnosticsOf(file("tests.journey"), 1);
    await client.save(file("tests.journey"));
    // Long enough for a run of this project (milliseconds) to have been published.
    await new Promise((r) => setTimeout(r, 1500));
    expect(client.published.flatMap((p) => testDiagnostics(p.diagnostics))).toEqual([]);
    expect((await lenses(file("tests.journey"))).map((l) => l.command!.title)).toEqual(["Run"]);
    expect(await client.request("workspace/executeCommand", { command: "journey.runTests", arguments: [uri(file("tests.journey"))] })).toEqual([{ project: dir, status: "ran", passed: 0, failed: 1 }]);
    expect(testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))!.diagnostics).map((d) => d.message)).toEqual([FAILURE]);
  });

  it('`runTests: "onType"` runs after each check, without a save', async () => {
    await start({ runTests: "onType" });
    await client.open(file("welcome.journey"), JOURNEY);
    await lensesWhen(file("tests.journey"), (t) => t[0]?.startsWith("✗ failed") === true);
    const wait = pos(JOURNEY, "wait 1h", 5);
    await client.change(file("welcome.journey"), [{ range: { start: wait, end: { line: wait.line, character: wait.character + 1 } }, text: "2" }]);
    expect(await lensesWhen(file("tests.journey"), (t) => t[0] === "✓ passed")).toEqual(["✓ passed", "Run"]);
    await client.until(() => client.diagnostics.get(uri(file("tests.journey")))?.diagnostics.length === 0, 30_000, "the failure to go");
  });

  it("a project that does not compile is not run, and its lenses say why", async () => {
    await start();
    await client.open(file("welcome.journey"), JOURNEY.replace("profile.email", "profile.emial"));
    expect(await lensesWhen(file("tests.journey"), (t) => t.length === 2 && t[0] !== "Run")).toEqual(["not run: the project has 1 error", "Run"]);
  });

  it("the samples' tests pass: no `journey test` diagnostic, every lens ✓", async () => {
    dir = mkdtempSync(join(tmpdir(), "journey-lsp-samples-"));
    cpSync(samplesDir, dir, { recursive: true });
    client = Client.process();
    await client.initialize(dir);
    for (const name of ["abandoned-cart", "weather-promo", "home-experience"]) {
      const [rel, text] = Object.entries(sample(name)).find(([, t]) => /^test "/m.test(t))!;
      const path = join(dir, rel.slice("samples/".length));
      const tests = text.match(/^test "/gm)!.length;
      await client.open(path, text);
      // A status lens and a Run lens per test, once the run is done.
      const titles = await lensesWhen(path, (t) => t.length === 2 * tests);
      expect(titles.filter((x) => x !== "Run")).toEqual(Array(tests).fill("✓ passed"));
      expect(testDiagnostics(await client.diagnosticsOf(path, 1))).toEqual([]);
    }
    expect(client.published.flatMap((p) => testDiagnostics(p.diagnostics))).toEqual([]);
  }, 120_000);
});
