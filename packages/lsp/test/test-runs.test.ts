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

  it("a change of action-responses.json on disk runs the tests again; invalid JSON is a diagnostic on the file, at its line and column", async () => {
    const ACTION = `action Weather(city: string) -> { tempC: number } {\n  get "https://weather.example.com/now?city={{city}}"\n}\n`;
    const WARM = `journey Warm {\n  on Signup as s\n  call Weather("Oslo") as w on error { end }\n  if w.tempC > 20 {\n    send email { subject "Sun" text "Out!" } to profile.email\n  }\n}\n`;
    const TEST = `test "a warm day sends the email" {\n  profile "p1" { email: "a@example.com" }\n  at 0m "p1" Signup { plan: "pro" }\n  expect send email to "a@example.com"\n}\n`;
    const responses = (tempC: number) => `{\n  "Weather": [\n    { "match": { "city": "Oslo" }, "response": { "tempC": ${tempC} } }\n  ]\n}\n`;
    dir = mkdtempSync(join(tmpdir(), "journey-lsp-responses-"));
    writeFileSync(file("schema.journey"), SCHEMA + ACTION);
    writeFileSync(file("warm.journey"), WARM);
    writeFileSync(file("tests.journey"), TEST);
    writeFileSync(file("action-responses.json"), responses(25));
    client = Client.process();
    await client.initialize(dir);
    // The server asks the editor to watch the data files the tests read, with the .journey files.
    await client.until(() => client.registrations.length > 0, 10_000, "a registration");
    expect(client.registrations[0]).toEqual({ id: expect.any(String), method: "workspace/didChangeWatchedFiles", registerOptions: { watchers: [{ globPattern: "**/*.journey" }, { globPattern: "**/action-responses.json" }, { globPattern: "**/provider-responses.json" }] } });
    await client.open(file("tests.journey"), TEST);
    expect(await lensesWhen(file("tests.journey"), (t) => t[0] === "✓ passed")).toEqual(["✓ passed", "Run"]);
    // A cold day, written outside the editor: the tests run again, without a save.
    writeFileSync(file("action-responses.json"), responses(5));
    await client.filesChanged([{ path: file("action-responses.json"), type: 2 }]);
    expect((await lensesWhen(file("tests.journey"), (t) => t[0] !== "✓ passed"))[0]).toMatch(/^✗ failed: expected send email to a@example\.com/);
    await client.until(() => testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))?.diagnostics ?? []).length === 1, 10_000, "the failure");
    // Invalid JSON (a comma too many, line 3): a diagnostic on the file at the mistake; the lens says why the tests did not run.
    const broken = responses(25).replace("} }", "} },");
    writeFileSync(file("action-responses.json"), broken);
    await client.filesChanged([{ path: file("action-responses.json"), type: 2 }]);
    await client.until(() => (client.diagnostics.get(uri(file("action-responses.json")))?.diagnostics.length ?? 0) > 0, 30_000, "the data file's diagnostic");
    const [problem] = client.diagnostics.get(uri(file("action-responses.json")))!.diagnostics;
    const at = pos(broken, "\n  ]");
    expect(problem).toEqual({ range: { start: { line: at.line + 1, character: 2 }, end: { line: at.line + 1, character: 3 } }, severity: 1, code: "test", source: "journey test", message: expect.stringMatching(/^invalid JSON: /) });
    expect((await lensesWhen(file("tests.journey"), (t) => t[0]!.startsWith("not run")))[0]).toBe(`not run: ${file("action-responses.json")}:${at.line + 2}:3: ${problem!.message}`);
    // The last run's failure went with it: it ran on other responses.
    expect(testDiagnostics(client.diagnostics.get(uri(file("tests.journey")))!.diagnostics)).toEqual([]);
    // Fixed: the file's diagnostic is cleared and the tests pass again.
    writeFileSync(file("action-responses.json"), responses(25));
    await client.filesChanged([{ path: file("action-responses.json"), type: 2 }]);
    await client.until(() => client.diagnostics.get(uri(file("action-responses.json")))?.diagnostics.length === 0, 30_000, "the data file's diagnostic to go");
    expect(await lensesWhen(file("tests.journey"), (t) => t[0] === "✓ passed")).toEqual(["✓ passed", "Run"]);
    // Deleted: the call has no canned response, fails, and the journey ends on error: the email never goes.
    rmSync(file("action-responses.json"));
    await client.filesChanged([{ path: file("action-responses.json"), type: 3 }]);
    expect((await lensesWhen(file("tests.journey"), (t) => t[0] !== "✓ passed"))[0]).toMatch(/^✗ failed: /);
  });

  it("a change of provider-responses.json on disk runs the tests again; a wrong shape is a diagnostic on the file, naming the field", async () => {
    const CATALOG = `catalog Product {\n  key sku: string\n  name: string\n}\n`;
    const PICKS = `journey Picks {\n  on Signup as s\n  recommend picks = provider("personalized", s.plan) limit 2 backup popular()\n  send email { subject "Picks:{{#each picks as |p|}} {{p.name}}{{/each}}" text "x" } to profile.email\n}\n`;
    const TEST = `test "the picks are the provider's" {\n  profile "p1" { email: "a@example.com" }\n  catalog Product [{ sku: "A", name: "Alpha" }, { sku: "B", name: "Beta" }]\n  at 0m "p1" Signup { plan: "pro" }\n  expect send email where subject == "Picks: Beta Alpha"\n}\n`;
    const answer = (keys: string) => `{\n  "personalized": [\n    { "match": { "profileId": "p1" }, "response": ${keys} }\n  ]\n}\n`;
    dir = mkdtempSync(join(tmpdir(), "journey-lsp-providers-"));
    writeFileSync(file("schema.journey"), SCHEMA + CATALOG);
    writeFileSync(file("picks.journey"), PICKS);
    writeFileSync(file("tests.journey"), TEST);
    writeFileSync(file("provider-responses.json"), answer(`["B", "A"]`));
    client = Client.process();
    await client.initialize(dir);
    await client.open(file("tests.journey"), TEST);
    expect(await lensesWhen(file("tests.journey"), (t) => t[0] === "✓ passed")).toEqual(["✓ passed", "Run"]);
    // Other picks, written outside the editor: the tests run again, without a save.
    writeFileSync(file("provider-responses.json"), answer(`["A"]`));
    await client.filesChanged([{ path: file("provider-responses.json"), type: 2 }]);
    expect((await lensesWhen(file("tests.journey"), (t) => t[0] !== "✓ passed"))[0]).toMatch(/^✗ failed: expected send email where subject == "Picks: Beta Alpha"/);
    // A response that is no list of keys: a diagnostic on this file (not on action-responses.json), at its start, naming the field.
    writeFileSync(file("provider-responses.json"), answer(`"B"`));
    await client.filesChanged([{ path: file("provider-responses.json"), type: 2 }]);
    await client.until(() => (client.diagnostics.get(uri(file("provider-responses.json")))?.diagnostics.length ?? 0) > 0, 30_000, "the data file's diagnostic");
    const message = 'personalized[0].response must be a list of catalog keys, such as ["NV-1001"]';
    expect(client.diagnostics.get(uri(file("provider-responses.json")))!.diagnostics).toEqual([
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, severity: 1, code: "test", source: "journey test", message },
    ]);
    expect(client.diagnostics.has(uri(file("action-responses.json")))).toBe(false);
    // The lens says why, in the same words (cut: a lens is one line).
    const said = `not run: ${file("provider-responses.json")}: personalized[0].response must be`;
    expect((await lensesWhen(file("tests.journey"), (t) => t[0]!.startsWith("not run")))[0]!.slice(0, said.length)).toBe(said);
    // Fixed: the file's diagnostic is cleared and the test passes again.
    writeFileSync(file("provider-responses.json"), answer(`["B", "A"]`));
    await client.filesChanged([{ path: file("provider-responses.json"), type: 2 }]);
    await client.until(() => client.diagnostics.get(uri(file("provider-responses.json")))?.diagnostics.length === 0, 30_000, "the data file's diagnostic to go");
    expect(await lensesWhen(file("tests.journey"), (t) => t[0] === "✓ passed")).toEqual(["✓ passed", "Run"]);
    // Deleted: the provider is not answered, the backup has nothing, the subject is bare.
    rmSync(file("provider-responses.json"));
    await client.filesChanged([{ path: file("provider-responses.json"), type: 3 }]);
    expect((await lensesWhen(file("tests.journey"), (t) => t[0] !== "✓ passed"))[0]).toMatch(/^✗ failed: /);
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
