/**
 * Test runs in the language service: a project's `test` blocks run as `journey test` runs
 * them, the results placed in the texts (a failure at its expectation's exact span), cached
 * per revision of the texts, given up when the texts change during the run, and moved through
 * later edits.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { compile, emitIR, serializeIR } from "@journey/compiler";
import { Workspace, type TestRun, type WorkspaceOptions } from "@journey/lsp";
import { offsetOf, sample, sampleNames, samplesDir, workspace } from "../support.js";

/** Lets a test make the runtime's `runTests` throw, to see the service's guard. */
const broken = vi.hoisted(() => ({ runTests: false }));
vi.mock("@journey/runtime/sim", async (importOriginal) => {
  const real = await importOriginal<typeof import("@journey/runtime/sim")>();
  return {
    ...real,
    runTests: (...args: Parameters<typeof real.runTests>) => {
      if (broken.runTests) throw new Error("the simulator broke");
      return real.runTests(...args);
    },
  };
});

const SCHEMA = `profile { email: string }
event Signup { plan: string }
action Plan(name: string) -> { seats: int } {
  get "https://plans.example.com/{{name}}"
}
`;

const JOURNEY = `journey Welcome {
  on Signup as s
  wait 1h
  send email { subject "Welcome" text "Hi" } to profile.email
}
`;

const TESTS = `test "the welcome goes out an hour later" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "pro" }
  expect at 1h send email to "a@example.com"
}

test "no SMS" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "pro" }
  expect no send sms
}
`;

const FAILING = TESTS.replace(`expect at 1h send email to "a@example.com"`, `expect at 2h send email to "a@example.com"`);

function project(tests: string, responses?: string) {
  return workspace({ "schema.journey": SCHEMA, "welcome.journey": JOURNEY, "tests.journey": tests }, { actionResponses: () => responses });
}

async function run(ws: Workspace, force = false): Promise<TestRun> {
  const r = await ws.runTests(ws.project("tests.journey")!, force);
  if (!r) throw new Error("the run gave way to newer text");
  return r;
}

describe("running a project's tests", () => {
  it("a passing test: its name's span, passed, no failures", async () => {
    const { ws } = project(TESTS);
    const r = await run(ws);
    expect(r.status).toBe("ran");
    if (r.status !== "ran") return;
    const name = offsetOf(TESTS, `"the welcome goes out an hour later"`);
    expect(r.tests.map((t) => ({ ...t }))).toEqual([
      { name: "the welcome goes out an hour later", path: "tests.journey", span: { start: name, end: name + `"the welcome goes out an hour later"`.length }, passed: true, failures: [] },
      { name: "no SMS", path: "tests.journey", span: { start: offsetOf(TESTS, `"no SMS"`), end: offsetOf(TESTS, `"no SMS"`) + 8 }, passed: true, failures: [] },
    ]);
    expect(ws.testDiagnostics("tests.journey")).toEqual([]);
  });

  it("a failing expect: the failure at the expectation's exact span, in the words of `journey test`", async () => {
    const { ws } = project(FAILING);
    const r = await run(ws);
    if (r.status !== "ran") throw new Error(r.reason);
    const expectation = `expect at 2h send email to "a@example.com"`;
    const at = offsetOf(FAILING, expectation);
    expect(r.tests[0]).toMatchObject({ passed: false });
    expect(r.tests[0]!.failures).toEqual([
      { path: "tests.journey", span: { start: at, end: at + expectation.length }, expected: `send email to a@example.com at +2h`, message: "no matching message was sent (email at +1h: it went out at +1h)" },
    ]);
    expect(r.tests[1]!.passed).toBe(true);
    expect(ws.testDiagnostics("tests.journey")).toEqual([
      { span: { start: at, end: at + expectation.length }, test: "the welcome goes out an hour later", message: "expected send email to a@example.com at +2h: no matching message was sent (email at +1h: it went out at +1h)" },
    ]);
    expect(ws.testDiagnostics("welcome.journey")).toEqual([]);
  });

  it("a failure of the test as a whole (a run-time error) is placed at the test's name", async () => {
    const calls = JOURNEY.replace("  wait 1h\n", "  call Plan(s.plan) as p\n  wait 1h\n");
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": calls, "tests.journey": TESTS }, { actionResponses: () => undefined });
    const r = await run(ws);
    if (r.status !== "ran") throw new Error(r.reason);
    const name = offsetOf(TESTS, `"the welcome goes out an hour later"`);
    expect(r.tests[0]!.failures.find((f) => f.expected.startsWith("no run-time error"))).toMatchObject({ path: "tests.journey", span: { start: name, end: name + 36 }, message: expect.stringContaining("Plan") });
  });

  it("reads the canned action responses: with them the call is answered and the test passes", async () => {
    const calls = JOURNEY.replace("  wait 1h\n", "  call Plan(s.plan) as p\n  wait 1h\n");
    const responses = JSON.stringify({ Plan: [{ match: { name: "pro" }, response: { seats: 5 } }] });
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": calls, "tests.journey": TESTS }, { actionResponses: () => responses });
    const r = await run(ws);
    expect(r.status === "ran" && r.tests.every((t) => t.passed)).toBe(true);
  });

  it("a test's `respond` answers its calls before the canned responses; an unmet `expect call` is placed at its span", async () => {
    const calls = JOURNEY.replace("  wait 1h\n", "  call Plan(s.plan) as p\n  wait 1h\n");
    const tests = `test "answered by the test" {
  profile "p1" { email: "a@example.com" }
  respond Plan where name == "pro" { seats: 5 }
  at 0m "p1" Signup { plan: "pro" }
  expect call Plan where name == "pro" times 1
  expect call Plan where name == "team"
  expect at 1h send email to "a@example.com"
}
`;
    // No action-responses.json: without the test's `respond`, the call would fail (a run-time error).
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": calls, "tests.journey": tests }, { actionResponses: () => undefined });
    const r = await run(ws);
    if (r.status !== "ran") throw new Error(r.reason);
    const unmet = `expect call Plan where name == "team"`;
    const at = offsetOf(tests, unmet);
    expect(r.tests[0]!.failures).toEqual([{ path: "tests.journey", span: { start: at, end: at + unmet.length }, expected: 'call Plan where name == "team"', message: 'no matching call was made (Plan at +0m: its name was "pro")' }]);
    expect(ws.testDiagnostics("tests.journey").map((d) => d.span)).toEqual([{ start: at, end: at + unmet.length }]);
  });

  it("a project with a compile error is not run, and says why", async () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": JOURNEY.replace("profile.email", "profile.emial"), "tests.journey": TESTS }, { actionResponses: () => undefined });
    expect(await run(ws)).toEqual({ status: "not run", reason: "the project has 1 error" });
    expect(ws.testDiagnostics("tests.journey")).toEqual([]);
  });

  it("a broken action-responses.json: not run, with the file's mistake at its line and column, for a diagnostic on the file", async () => {
    const invalid = '{ "Plan": [ { "match": { "name": "pro" }, } ] }';
    const { ws } = project(TESTS, invalid);
    const dataFile = { path: "action-responses.json", line: 0, column: 42, message: "invalid JSON: Expected double-quoted property name" };
    expect(await run(ws)).toEqual({ status: "not run", reason: "action-responses.json:1:43: invalid JSON: Expected double-quoted property name", dataFiles: [dataFile] });
    // A wrong shape has no place of its own: at the file's start, naming the field.
    const { ws: shape } = project(TESTS, '{ "Plan": [ { "match": { "nmae": "pro" }, "response": {} } ] }');
    expect(await run(shape)).toEqual({
      status: "not run",
      reason: "action-responses.json: Plan[0].match.nmae: `Plan` has no parameter `nmae` (did you mean `name`?)",
      dataFiles: [{ path: "action-responses.json", line: 0, column: 0, message: "Plan[0].match.nmae: `Plan` has no parameter `nmae` (did you mean `name`?)" }],
    });
    // Invalid JSON is found whatever else stops the run (the file's diagnostic does not wait for the project to compile).
    const { ws: both } = workspace({ "schema.journey": SCHEMA, "welcome.journey": JOURNEY.replace("profile.email", "profile.emial"), "tests.journey": TESTS }, { actionResponses: () => invalid });
    expect(await run(both)).toEqual({ status: "not run", reason: "the project has 1 error", dataFiles: [dataFile] });
  });

  it("an action-responses.json that cannot be read: not run, with why", async () => {
    const ws = new Workspace({ formatter: null, actionResponses: () => { throw new Error("cannot read /p/action-responses.json: permission denied"); } });
    ws.set("tests.journey", SCHEMA + JOURNEY + TESTS);
    const why = "cannot read /p/action-responses.json: permission denied";
    expect(await run(ws)).toEqual({ status: "not run", reason: why, dataFiles: [{ path: "action-responses.json", line: 0, column: 0, message: why }] });
  });

  it("a run that throws is not run, with the error, and the next run works", async () => {
    const { ws } = project(TESTS);
    broken.runTests = true;
    try {
      expect(await run(ws)).toEqual({ status: "not run", reason: "the tests could not be run: the simulator broke" });
    } finally {
      broken.runTests = false;
    }
    expect((await run(ws, true)).status).toBe("ran");
  });
});

describe("when a run is done again", () => {
  it("the same texts and responses give the last run back; an edit, new responses or `force` run again", async () => {
    let responses: string | undefined;
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": JOURNEY, "tests.journey": TESTS }, { actionResponses: () => responses });
    const first = await run(ws);
    expect(await run(ws)).toBe(first);
    ws.set("welcome.journey", JOURNEY.replace("wait 1h", "wait 1h "));
    const second = await run(ws);
    expect(second).not.toBe(first);
    expect(second.status === "ran" && second.tests).toEqual(first.status === "ran" && first.tests);
    responses = "{}";
    const third = await run(ws);
    expect(third).not.toBe(second);
    expect(await run(ws)).toBe(third);
    expect(await run(ws, true)).not.toBe(third);
  });

  it("a run overtaken by an edit gives nothing and is not kept", async () => {
    const { ws } = project(TESTS);
    const p = ws.project("tests.journey")!;
    const running = ws.runTests(p);
    ws.set("welcome.journey", JOURNEY.replace("wait 1h", "wait 2h"));
    expect(await running).toBeUndefined();
    expect(ws.testRun(p)).toBeUndefined();
    const r = await run(ws);
    expect(r.status === "ran" && r.tests[0]!.passed).toBe(false);
    expect(ws.testRun(p)).toEqual({ run: r, current: true });
  });

  it("a run overtaken by a run on new responses (the file changed on disk) gives nothing; the later one is kept", async () => {
    let responses: string | undefined;
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": JOURNEY, "tests.journey": TESTS }, { actionResponses: () => responses });
    const p = ws.project("tests.journey")!;
    const first = ws.runTests(p);
    responses = "{ oops";
    const second = ws.runTests(p);
    expect(await first).toBeUndefined();
    const r = await second;
    expect(r).toMatchObject({ status: "not run", dataFiles: [{ message: expect.stringMatching(/^invalid JSON/) }] });
    expect(ws.testRun(p)).toEqual({ run: r, current: true });
  });

  it("two requests for the same texts share one run", async () => {
    const { ws } = project(TESTS);
    const p = ws.project("tests.journey")!;
    const [a, b] = await Promise.all([ws.runTests(p), ws.runTests(p)]);
    expect(a).toBe(b);
  });
});

describe("results after an edit", () => {
  it("a failure moves with an edit above it, and goes when its expectation is edited", async () => {
    const { ws } = project(FAILING);
    await run(ws);
    const [before] = ws.testDiagnostics("tests.journey");
    ws.set("tests.journey", "// a comment\n" + FAILING);
    expect(ws.testDiagnostics("tests.journey")).toEqual([{ ...before, span: { start: before!.span.start + 13, end: before!.span.end + 13 } }]);
    expect(ws.testRun(ws.project("tests.journey")!)!.current).toBe(false);
    ws.set("tests.journey", "// a comment\n" + FAILING.replace("expect at 2h", "expect at 3h"));
    expect(ws.testDiagnostics("tests.journey")).toEqual([]);
  });
});

describe("code lenses", () => {
  it("before any run, only Run; after one, each test's outcome; after an edit, marked as before it", async () => {
    const { ws } = project(FAILING);
    const first = offsetOf(FAILING, `"the welcome goes out an hour later"`);
    const second = offsetOf(FAILING, `"no SMS"`);
    const firstSpan = { start: first, end: first + 36 };
    const secondSpan = { start: second, end: second + 8 };
    expect(ws.testLenses("tests.journey")).toEqual([
      { span: firstSpan, title: "Run", command: "runTests" },
      { span: secondSpan, title: "Run", command: "runTests" },
    ]);
    await run(ws);
    expect(ws.testLenses("tests.journey")).toEqual([
      { span: firstSpan, title: "✗ failed: expected send email to a@example.com at +2h: no matching message was sent (email at +1h: it went out at +1h)" },
      { span: firstSpan, title: "Run", command: "runTests" },
      { span: secondSpan, title: "✓ passed" },
      { span: secondSpan, title: "Run", command: "runTests" },
    ]);
    ws.set("welcome.journey", JOURNEY.replace("wait 1h", "wait 2h"));
    expect(ws.testLenses("tests.journey").map((l) => l.title)).toEqual([
      "✗ failed: expected send email to a@example.com at +2h: no matching message was sent (email at +1h: it went out at +1h) (before the last edit)",
      "Run",
      "✓ passed (before the last edit)",
      "Run",
    ]);
    expect(ws.testLenses("welcome.journey")).toEqual([]);
  });

  it("a project that is not run says why on every test", async () => {
    const { ws } = workspace({ "schema.journey": SCHEMA, "welcome.journey": JOURNEY.replace("profile.email", "profile.emial"), "tests.journey": TESTS }, { actionResponses: () => undefined });
    await run(ws);
    expect(ws.testLenses("tests.journey").filter((l) => !l.command).map((l) => l.title)).toEqual(["not run: the project has 1 error", "not run: the project has 1 error"]);
  });
});

describe("provider-responses.json", () => {
  const PICKS_SCHEMA = `profile { email: string }
event SiteVisited { url: string }
catalog Product {
  key sku: string
  name: string
}
`;
  const PICKS = `journey Picks {
  on SiteVisited
  recommend picks = provider("personalized", profile.email) limit 2 backup popular()
  send email { subject "Picks:{{#each picks as |p|}} {{p.name}}{{/each}}" text "x" } to profile.email
}
`;
  /** Needs the provider's answer: without one, the backup (nothing is popular) leaves the subject bare. */
  const PICKS_TEST = `test "the picks are the provider's" {
  profile "p1" { email: "ana@example.com" }
  catalog Product [{ sku: "A", name: "Alpha" }, { sku: "B", name: "Beta" }]
  at 0m "p1" SiteVisited { url: "/" }
  expect send email where subject == "Picks: Beta Alpha"
}
`;
  const ANSWER = JSON.stringify({ personalized: [{ match: { profileId: "p1" }, response: ["B", "A"] }] });

  function picks(providers: () => string | undefined, options: WorkspaceOptions = {}) {
    return workspace({ "schema.journey": PICKS_SCHEMA, "picks.journey": PICKS, "tests.journey": PICKS_TEST }, { actionResponses: () => undefined, providerResponses: providers, ...options }).ws;
  }

  it("answers the recommendation providers: the test passes with the file, fails without it", async () => {
    const answered = await run(picks(() => ANSWER));
    expect(answered.status === "ran" && answered.tests.map((t) => [t.name, t.passed])).toEqual([["the picks are the provider's", true]]);
    const without = await run(picks(() => undefined));
    if (without.status !== "ran") throw new Error(without.reason);
    expect(without.tests[0]!.failures.map((f) => f.message)).toEqual([expect.stringContaining('"Picks:"')]);
  });

  it("a wrong shape: not run, a problem on provider-responses.json at its start naming the field; invalid JSON at its line and column", async () => {
    const shape = await run(picks(() => JSON.stringify({ personalized: [{ response: "B" }] })));
    const message = 'personalized[0].response must be a list of catalog keys, such as ["NV-1001"]';
    expect(shape).toEqual({ status: "not run", reason: `provider-responses.json: ${message}`, dataFiles: [{ path: "provider-responses.json", line: 0, column: 0, message }] });
    const invalid = await run(picks(() => '{\n  "personalized": [ , ]\n}'));
    expect(invalid).toMatchObject({ status: "not run", reason: expect.stringMatching(/^provider-responses\.json:2:21: invalid JSON: /), dataFiles: [{ path: "provider-responses.json", line: 1, column: 20 }] });
  });

  it("a provider-responses.json that cannot be read: not run, with why, on that file", async () => {
    const why = "cannot read /p/provider-responses.json: permission denied";
    const r = await run(picks(() => { throw new Error(why); }));
    expect(r).toEqual({ status: "not run", reason: why, dataFiles: [{ path: "provider-responses.json", line: 0, column: 0, message: why }] });
  });

  it("both files broken: each mistake on its own file; the reason is action-responses.json's, the first `journey test` reads", async () => {
    const ws = picks(() => '{ "personalized": [{ "response": ["B"], "eror": "x" }] }', { actionResponses: () => '{ "Plan": {} }' });
    expect(await run(ws)).toEqual({
      status: "not run",
      reason: "action-responses.json: .Plan must be an array of responses",
      dataFiles: [
        { path: "action-responses.json", line: 0, column: 0, message: ".Plan must be an array of responses" },
        { path: "provider-responses.json", line: 0, column: 0, message: "personalized[0].eror is not a field of a response (match, response or error)" },
      ],
    });
  });

  it("a provider no recommendation asks is logged as a warning, and the run goes on", async () => {
    const log: string[] = [];
    const r = await run(picks(() => JSON.stringify({ personalized: JSON.parse(ANSWER).personalized, personalised: [] }), { log: (m) => log.push(m) }));
    expect(r.status === "ran" && r.tests.every((t) => t.passed)).toBe(true);
    expect(log).toEqual(["warning: provider-responses.json: no recommendation of this project asks provider `personalised`, so its responses are never used (did you mean `personalized`?)"]);
  });

  it("the run is kept for the same file and runs again when it changes", async () => {
    let providers: string | undefined = ANSWER;
    const ws = picks(() => providers);
    const first = await run(ws);
    expect(await run(ws)).toBe(first);
    providers = undefined;
    const second = await run(ws);
    expect(second).not.toBe(first);
    expect(second.status === "ran" && second.tests[0]!.passed).toBe(false);
    expect(await run(ws)).toBe(second);
  });

  it("is read from the project's folder on disk by default", async () => {
    const dir = mkdtempSync(join(tmpdir(), "journey-lsp-providers-"));
    try {
      const ws = new Workspace({ formatter: null, projectOf: () => dir });
      for (const [name, text] of Object.entries({ "schema.journey": PICKS_SCHEMA, "picks.journey": PICKS, "tests.journey": PICKS_TEST })) ws.set(join(dir, name), text);
      const p = ws.project(join(dir, "tests.journey"))!;
      expect((await ws.runTests(p))).toMatchObject({ status: "ran", tests: [{ passed: false }] });
      writeFileSync(join(dir, "provider-responses.json"), ANSWER);
      expect((await ws.runTests(p))).toMatchObject({ status: "ran", tests: [{ passed: true }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the samples", () => {
  /** A workspace of every sample, one project per folder, as the server groups them (responses read from disk). */
  function samples(): Workspace {
    const ws = new Workspace({ formatter: null, projectOf: (path) => dirname(path) });
    for (const name of sampleNames()) for (const [rel, text] of Object.entries(sample(name))) ws.set(join(samplesDir, "..", rel), text);
    return ws;
  }

  it("every sample's tests pass, action-responses.json read from the sample's folder", async () => {
    const ws = samples();
    let ran = 0;
    for (const p of ws.allProjects()) {
      if (!ws.hasTests(p)) continue;
      const r = await ws.runTests(p);
      if (r?.status !== "ran") throw new Error(`${p.root}: ${JSON.stringify(r)}`);
      expect(r.tests.filter((t) => !t.passed).map((t) => [t.name, t.failures])).toEqual([]);
      ran += r.tests.length;
    }
    expect(ran).toBeGreaterThanOrEqual(30);
  }, 60_000);

  it("the IR emitted from the workspace's analysis is the compiler's, after edits that re-check part of a project", () => {
    for (const name of sampleNames()) {
      const files = sample(name);
      const { ws } = workspace(files);
      ws.diagnosticsByFile();
      // A comment inside the first journey or experience: only that declaration is checked again.
      const decl = /^(journey|experience) /m;
      const [path, text] = Object.entries(files).find(([, t]) => decl.test(t))!;
      const end = text.indexOf("\n}\n", text.search(decl));
      ws.set(path, `${text.slice(0, end)}\n  // edited${text.slice(end)}`);
      const a = ws.project(path)!.analysis();
      expect(ws.stats(path)!.full).toBe(false);
      const fresh = compile(ws.paths().map((p) => ({ path: p, text: ws.text(p)! })));
      expect(serializeIR(emitIR({ ctx: a.ctx!, symbols: a.symbols!, units: [] }, a.files))).toBe(fresh.irJson);
    }
  });

  it("the responses read are the sample folder's: without them, the weather sample's calls fail", async () => {
    const files = Object.fromEntries(Object.entries(sample("weather-promo")).map(([rel, text]) => [join(samplesDir, "..", rel), text]));
    const { ws } = workspace(files, { actionResponses: () => undefined });
    const r = await ws.runTests(ws.allProjects()[0]!);
    expect(r?.status === "ran" && r.tests.some((t) => !t.passed)).toBe(true);
  }, 30_000);
});
