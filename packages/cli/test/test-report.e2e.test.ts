/**
 * End-to-end tests of `journey test --json`, `--junit` and `--coverage`: the reports CI reads. The built
 * command runs on a small project with one passing and one failing test; the JSON is parsed,
 * the XML read element by element.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderWith, runJourney, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-test-report-e2e-");
const journey = (args: string[]) => runJourney(args, tmp());

/**
 * The failing test's name holds what XML must escape (`<&"'`), a character outside the BMP,
 * and what XML 1.0 cannot hold at all (a control character, a lone surrogate).
 */
const FAILING_NAME = `fails <&"'> 𝄞\u0007\uD800 end`;
const SOURCE = `profile { email: string }
event Signup { plan: string }
journey Welcome {
  on Signup as s
  send email { subject "Hi <&\\"> 𝄞" text "x" } to profile.email
}
test "sends a welcome" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "free" }
  expect send email where subject contains "Hi"
}
test "fails <&\\"'> 𝄞\\u0007\\uD800 end" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "free" }
  expect send sms
}
`;

/** A fresh copy of the project, named as the command is given it (relative): each test writes its reports beside it. */
let copies = 0;
function project(source = SOURCE): string {
  const name = `p${++copies}`;
  folderWith(tmp(), name, { "welcome.journey": source });
  return name;
}

interface TestJson {
  name: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  status: string;
  durationMs: number;
  failures: { expected: string; message: string; file: string; line: number; column: number; endLine: number; endColumn: number }[];
  timeline?: { at: string; type: string; offsetMs: number; subject?: string }[];
}

describe("journey test --json", () => {
  it("one object: each test with its place, status and time; a failure with its expectation's span and the timeline", () => {
    const dir = project();
    const r = journey(["test", dir, "--json"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { diagnostics: unknown[]; tests: TestJson[]; passed: number; failed: number };
    expect(out).toMatchObject({ diagnostics: [], passed: 1, failed: 1 });
    const file = `${dir}/welcome.journey`;
    const [pass, fail] = out.tests;
    expect(pass).toMatchObject({ name: "sends a welcome", file, line: 7, column: 1, status: "passed", failures: [] });
    expect(pass!.timeline).toBeUndefined();
    expect(fail).toMatchObject({ name: FAILING_NAME, file, line: 12, column: 1, status: "failed" });
    for (const t of out.tests) expect(t.durationMs).toBeGreaterThanOrEqual(0);
    // `expect send sms` is line 15, columns 3 to 18 (end exclusive), 1-based like `check --json`.
    expect(fail!.failures).toEqual([{ expected: "send sms", message: "no sms message was sent", file, line: 15, column: 3, endLine: 15, endColumn: 18 }]);
    expect(fail!.timeline!.map((e) => [e.type, e.offsetMs])).toEqual([
      ["event", 0],
      ["entered", 0],
      ["send", 0],
      ["ended", 0],
    ]);
    expect(fail!.timeline![0]).toMatchObject({ type: "event", event: "Signup", profileId: "p1" });
    expect(fail!.timeline![2]).toMatchObject({ at: "2026-01-05T09:00:00.000Z", channel: "email", to: "a@example.com", subject: 'Hi <&"> 𝄞' });
  });

  it("all passing: exit 0", () => {
    const r = journey(["test", project(), "--json", "--filter", "welcome"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: 1, failed: 0 });
  });

  it("a project that does not compile: its diagnostics as JSON, nothing else on stdout, exit 1", () => {
    const dir = project(SOURCE.replace("on Signup", "on Signpu"));
    const r = journey(["test", dir, "--json"]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string; file: string; line: number; column: number }[] };
    expect(out.diagnostics).toContainEqual(expect.objectContaining({ severity: "error", file: `${dir}/welcome.journey`, line: 4, column: 6 }));
  });

  it("no test runs: still JSON on stdout, the reason on stderr, exit 1", () => {
    const r = journey(["test", project(), "--json", "--filter", "no such test"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ tests: [], passed: 0, failed: 0 });
    expect(r.stderr).toBe('journey: no test name contains "no such test"\n');
  });
});

interface Element {
  name: string;
  attributes: Record<string, string>;
  /** The text up to the next tag, decoded. */
  text: string;
}

/**
 * The elements of an XML document in order, attributes and text decoded. Loose, but it throws
 * on what makes a parser reject a file: a bare `&` or `<`, an unclosed tag, a character XML 1.0 forbids.
 */
function elements(xml: string): Element[] {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  const decode = (s: string) => {
    expect(s).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    return s.replace(/&(amp|lt|gt|quot|apos|#(\d+));/g, (_, name: string, code?: string) =>
      code ? String.fromCodePoint(Number(code)) : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[name]!,
    );
  };
  const doc = xml.slice(xml.indexOf("?>") + 2).trim();
  const found: Element[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>([^<]*)/y;
  while (tag.lastIndex < doc.length) {
    const m = tag.exec(doc);
    if (!m) throw new Error(`not XML at ${JSON.stringify(doc.slice(tag.lastIndex, tag.lastIndex + 40))}`);
    const [, closing, name, attrs, selfClosing, text] = m;
    if (closing) expect(open.pop()).toBe(name);
    else {
      const attributes = Object.fromEntries([...attrs!.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, decode(v!)]));
      found.push({ name: name!, attributes, text: decode(text!) });
      if (!selfClosing) open.push(name!);
    }
  }
  expect(open).toEqual([]);
  return found;
}

describe("journey test --coverage", () => {
  /** A journey with a branch only a VIP takes: the one test covers the rest. */
  const BRANCHY = `profile { email: string, vip: bool = false }
event Signup { plan: string }
journey Welcome {
  on Signup as s
  if profile.vip {
    send email { subject "VIP" text "x" } to profile.email
  }
  send email { subject "Hi" text "x" } to profile.email
}
test "a welcome" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "free" }
  expect send email where subject == "Hi"
}
`;

  it("each journey's steps run and ways taken, and the place and source of each step no test ran and way none took", () => {
    const dir = project(BRANCHY);
    const r = journey(["test", dir, "--coverage"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("steps run and ways taken by the tests:\n  Welcome     2 of 3 steps  66%, 1 of 2 ways\n");
    expect(r.stdout).toContain(`    not run: ${dir}/welcome.journey:6:5  send email { subject "VIP" text "x" } to profile.email\n`);
    expect(r.stdout).toContain(`    never then: ${dir}/welcome.journey:5:3  if profile.vip {\n`);
    expect(r.stdout.endsWith("2 of 3 steps run (66%), 1 of 2 ways of branching steps taken (50%)\n")).toBe(true);
  });

  it("counts the ways no step of their own shows: an `if` without `else`, a `wait for`'s timeout, a `call`'s empty `on error`", () => {
    const dir = project(`profile { email: string, vip: bool = false }
event Signup { plan: string }
event Login { device: string }
action Score(email: string) -> { score: int } {
  get "https://score.example.com/{{email}}"
}
journey Welcome {
  on Signup as s
  if profile.vip {
    send email { subject "VIP" text "x" } to profile.email
  }
  call Score(profile.email) as sc on error {
    send email { subject "No score" text "x" } to profile.email
  }
  wait for Login within 1d {
    send email { subject "Welcome back" text "x" } to profile.email
  }
  send email { subject "Hi" text "x" } to profile.email
}
test "a VIP who comes back" {
  profile "p1" { email: "a@example.com", vip: true }
  respond Score { score: 3 }
  at 0m "p1" Signup { plan: "free" }
  at 1h "p1" Login { device: "ios" }
  expect send email where subject == "Welcome back"
}
`);
    const r = journey(["test", dir, "--coverage"]);
    expect(r.status).toBe(0);
    // Every step ran but the `on error` block's; the ways not taken: the if's else, the call's failure, the wait's timeout.
    expect(r.stdout).toContain("  Welcome     6 of 7 steps  85%, 3 of 6 ways\n");
    expect(r.stdout).toContain(`    never else: ${dir}/welcome.journey:9:3  if profile.vip {\n`);
    expect(r.stdout).toContain(`    never on error: ${dir}/welcome.journey:12:3  call Score(profile.email) as sc on error {\n`);
    expect(r.stdout).toContain(`    never the timeout: ${dir}/welcome.journey:15:3  wait for Login within 1d {\n`);
  });

  it("--min-coverage: exit 1 below it, with why; at or above it, 0", () => {
    const dir = project(BRANCHY);
    const below = journey(["test", dir, "--min-coverage", "67"]);
    expect(below.status).toBe(1);
    expect(below.stdout).toContain("1 test: 1 passed, 0 failed");
    expect(below.stdout).toContain("✗ the tests ran 66% of the steps, less than --min-coverage 67%\n");
    expect(journey(["test", dir, "--min-coverage", "66%"]).status).toBe(0);
    const full = journey(["test", project(BRANCHY.replace('profile "p1" { email: "a@example.com" }', 'profile "p1" { email: "a@example.com", vip: true }')), "--min-coverage", "100"]);
    expect(full.status).toBe(0);
    expect(full.stdout).toContain("3 of 3 steps run (100%)");
    for (const text of ["lots", "0x10", "1e2", "-1", "101"]) {
      const bad = journey(["test", dir, "--min-coverage", text]);
      expect(bad.status, text).toBe(1);
      expect(bad.stderr, text).toContain(`--min-coverage ${text}: expected a percentage from 0 to 100`);
    }
  });

  it("a project without journeys says so, rather than 0 of 0 steps", () => {
    const dir = project(`profile { email: string }
experience Hero {
  surface "web://shop.example.com/#hero"
  format text
  variant Everyone { content "Hello" }
}
test "a hero" {
  profile "p1" { email: "a@example.com" }
  expect decide "web://shop.example.com/#hero" for "p1" content contains "Hello"
}
`);
    const r = journey(["test", dir, "--coverage"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("\nno journeys: coverage counts the steps of journeys\n");
  });

  it("with --json: the coverage in the object, each missed step with its span", () => {
    const dir = project(BRANCHY);
    const r = journey(["test", dir, "--json", "--coverage"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { coverage: unknown };
    expect(out.coverage).toEqual({
      ran: 2,
      steps: 3,
      percent: 66,
      journeys: [
        {
          journey: "Welcome",
          steps: 3,
          ran: 2,
          missed: [{ kind: "send", file: `${dir}/welcome.journey`, line: 6, column: 5, endLine: 6, endColumn: 59 }],
          branches: 2,
          taken: 1,
          notTaken: [{ kind: "if", way: "then", file: `${dir}/welcome.journey`, line: 5, column: 3, endLine: 7, endColumn: 4 }],
        },
      ],
    });
  });
});

describe("journey test --junit", () => {
  it("one testsuite per file, a testcase per test, the failure with its place and timeline; escaped", () => {
    const dir = project();
    const r = journey(["test", dir, "--junit", "reports/junit.xml"]);
    expect(r.status).toBe(1);
    // The human report is unchanged beside it.
    expect(r.stdout).toContain("2 tests: 1 passed, 1 failed");
    const xml = readFileSync(join(tmp(), "reports", "junit.xml"), "utf8");
    const file = `${dir}/welcome.journey`;
    const found = elements(xml);
    expect(found.map((e) => e.name)).toEqual(["testsuites", "testsuite", "testcase", "testcase", "failure"]);
    const [suites, suite, pass, fail, failure] = found;
    expect(suites!.attributes).toMatchObject({ tests: "2", failures: "1", errors: "0" });
    expect(suite!.attributes).toMatchObject({ name: file, tests: "2", failures: "1", errors: "0" });
    expect(suite!.attributes["time"]).toMatch(/^\d+\.\d{3}$/);
    expect(pass!.attributes).toMatchObject({ name: "sends a welcome", classname: file, file, line: "7" });
    expect(pass!.attributes["time"]).toMatch(/^\d+\.\d{3}$/);
    // Escaped and read back whole, but for the two characters XML cannot hold.
    expect(fail!.attributes).toMatchObject({ name: `fails <&"'> 𝄞 end`, classname: file, file, line: "12" });
    expect(xml).toContain("fails &lt;&amp;&quot;&apos;&gt; 𝄞 end");
    expect(failure!.attributes["message"]).toBe(`${file}:15:3: expected send sms: no sms message was sent`);
    expect(failure!.text).toContain("what happened");
    expect(failure!.text).toContain(`send email to a@example.com  "Hi <&\\"> 𝄞"`);
    // Written by renaming a temporary file, which is gone.
    expect(readdirSync(join(tmp(), "reports"))).toEqual(["junit.xml"]);
  });

  it("with --json: the JSON on stdout, the XML in the file", () => {
    const r = journey(["test", project(), "--json", "--junit", "both.xml"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: 1, failed: 1 });
    expect(elements(readFileSync(join(tmp(), "both.xml"), "utf8")).filter((e) => e.name === "testcase")).toHaveLength(2);
  });

  it("a project that does not compile: a report with the errors, so an earlier report is not left to say the tests passed", () => {
    const path = join(tmp(), "stale.xml");
    expect(journey(["test", project(), "--filter", "welcome", "--junit", path]).status).toBe(0);
    const dir = project(SOURCE.replace("on Signup", "on Signpu"));
    const r = journey(["test", dir, "--junit", path]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("error[");
    const found = elements(readFileSync(path, "utf8"));
    expect(found[0]!.attributes).toMatchObject({ tests: "1", failures: "0", errors: "1" });
    const error = found.find((e) => e.name === "error")!;
    expect(error.attributes["message"]).toMatch(/^the project does not compile: 1 error \(.*welcome\.journey:4:6: /);
    expect(error.text).toContain("on Signpu");
  });

  it("a path that cannot be written: one clear line naming it, exit 1, nothing left behind", () => {
    writeFileSync(join(tmp(), "a-file"), "");
    const r = journey(["test", project(), "--filter", "welcome", "--junit", "a-file/junit.xml"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("journey: cannot write a-file/junit.xml: a file is in the way (a folder was expected)\n");
    expect(r.output).not.toContain("    at ");
    expect(readFileSync(join(tmp(), "a-file"), "utf8")).toBe("");
    expect(readdirSync(tmp()).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
