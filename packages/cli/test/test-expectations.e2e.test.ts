/**
 * End-to-end tests of what `journey test` says about a test's expectations, as a tester meets
 * them through the built command: counting messages (`times`), the messages nearest an `at`
 * that was missed, and a misspelt `test` reported once rather than as a second profile.
 */
import { describe, expect, it } from "vitest";
import { folderWith, runJourney, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-test-expectations-e2e-");
const journey = (args: string[]) => runJourney(args, tmp());

const JOURNEYS = `profile { email: string, consent: { email: bool } }
event Signup { plan: string }
channel email { consent profile.consent.email }
journey Weekly {
  on Signup
  repeat 4 every 7d {
    send email { subject "Week" text "x" } to profile.email
  }
}
`;

let copies = 0;
function project(tests: string): string {
  const name = `p${++copies}`;
  folderWith(tmp(), name, { "weekly.journey": JOURNEYS, "tests.journey": tests });
  return name;
}

const test = (name: string, expectations: string) => `test "${name}" {
  profile "p1" { email: "ana@example.com", consent: { email: true } }
  at 0m "p1" Signup { plan: "free" }
${expectations}
}
`;

describe("journey test: counting messages with `times`", () => {
  it("holds for exactly that many; otherwise says how many went out, when and to whom", () => {
    const dir = project(test("four weekly emails", "  expect send email where subject == \"Week\" times 4\n  expect at 7d send email times 1") + test("not three", "  expect send email times 3"));
    const r = journey(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("✓ four weekly emails\n");
    expect(r.stdout).toContain(`✗ not three\n    ${dir}/tests.journey:10:3: expected send email times 3: 4 matching messages went out, not 3: +0m to ana@example.com; +7d to ana@example.com; +14d to ana@example.com; +21d to ana@example.com\n`);
    expect(r.stdout).toContain("2 tests: 1 passed, 1 failed");
  });

  it("`times 0` and `no … times` are compile errors saying what to write", () => {
    const r = journey(["test", project(test("none", "  expect send email times 0\n  expect no send email times 2"))]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("error[J6001]: `times 0` is `expect no send …`: write `no` after `expect` (and its `at <offset>`)");
    expect(r.stdout).toContain("error[J6001]: `expect no send` already says how many: none; leave out `times`");
  });
});

describe("journey test: what a failure shows", () => {
  it("a missed `at` lists the messages nearest it first; a failed `no send` names the messages that went out", () => {
    const r = journey(["test", project(test("wrong day", "  expect at 15d send email\n  expect no send email where subject == \"Week\""))]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("expected send email at +15d: no matching message was sent (email at +14d: it went out at +14d; email at +21d: it went out at +21d; email at +7d: it went out at +7d; and 1 more)");
    expect(r.stdout).toContain('expected no send email where subject == "Week": 4 matching messages went out: +0m to ana@example.com; +7d to ana@example.com; +14d to ana@example.com; and 1 more');
  });

  it("a misspelt `test` is one error with the fix, not a second profile and an error at every field", () => {
    const dir = project(test("typo", "  expect send email").replace(/^test /, "tst "));
    const r = journey(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`error[J0005]: unknown declaration \`tst\`: did you mean \`test\`?\n --> ${dir}/tests.journey:1:1`);
    expect(r.stdout).toContain("help: replace with `test`");
    expect(r.stdout).toContain("1 error in 1 of 2 files");
    expect(r.stdout).not.toContain("J1007");
  });
});
