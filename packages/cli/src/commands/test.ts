/** `journey test`: run every `test` block of a project on a virtual clock and report each expectation. */
import { formatOffset, runTests, type ExpectationResult, type TestResult } from "@journey/runtime";
import { Command } from "commander";
import pc from "picocolors";
import { junitXml, type JUnitSuite } from "../junit.js";
import { compileForRun, type Project } from "../project.js";
import { count, diagnosticsReport, toJson, useColor, write } from "../report.js";
import { readActionResponses } from "../inputs.js";
import { writeAtomically } from "./build.js";
import { dataFile, formatEntry, timelineEntry, type TimelineEntry } from "./run.js";

interface TestOptions {
  filter?: string;
  actionResponses?: string;
  fullTrace?: boolean;
  json?: boolean;
  junit?: string;
}

export function testCommand(): Command {
  return new Command("test")
    .description("run the project's test blocks")
    .argument("[project]", "the project folder", ".")
    .option("--filter <text>", "only the tests whose name contains this text")
    .option("--action-responses <file>", "canned action responses (default: <project>/action-responses.json if present)")
    .option("--full-trace", `print the whole timeline of a failed test (by default the first ${TRACE_HEAD} and the last ${TRACE_TAIL} entries)`)
    .option("--json", "print the results (or the diagnostics) as one JSON object and nothing else")
    .option("--junit <file>", "also write a JUnit XML report to this file, for CI")
    .action(async (project: string, options: TestOptions, command: Command) => {
      const color = useColor(command);
      const { project: compiled, ir } = compileForRun(project);
      if (!ir) {
        if (options.json) write(JSON.stringify({ diagnostics: compiled.diagnostics.map((d) => toJson(d, compiled)) }) + "\n");
        else write(diagnosticsReport(compiled, color));
        // Written even now: a report left by an earlier run would tell CI the tests passed.
        if (options.junit) writeAtomically(options.junit, junitXml([compileErrorSuite(project, compiled)]));
        process.exitCode = 1;
        return;
      }
      const responses = dataFile(project, options.actionResponses, "action-responses.json");
      const results = await runTests(ir, {
        ...(options.filter ? { filter: (n: string) => n.includes(options.filter!) } : {}),
        ...(responses ? { actionResponses: readActionResponses(responses, ir.actions) } : {}),
      });
      const failed = results.filter((r) => !r.ok).length;
      if (options.json) {
        // Warnings only: a project with errors never gets this far.
        write(JSON.stringify({ diagnostics: compiled.diagnostics.map((d) => toJson(d, compiled)), tests: results.map(testJson), passed: results.length - failed, failed }) + "\n");
      }
      // Nothing run is not a pass: a mistyped --filter would otherwise go green in CI.
      if (!results.length) {
        const none = options.filter !== undefined ? `no test name contains ${JSON.stringify(options.filter)}` : `no tests in ${project}`;
        if (options.json) process.stderr.write(`journey: ${none}\n`);
        else write(`${color ? pc.red("✗") : "✗"} ${none}\n`);
      } else if (!options.json) {
        write(results.map((r) => report(r, color, options.fullTrace === true)).join(""));
        const line = `${count(results.length, "test")}: ${results.length - failed} passed, ${failed} failed`;
        write((color ? (failed ? pc.red(line) : pc.green(line)) : line) + "\n");
      }
      process.exitCode = failed || !results.length ? 1 : 0;
      if (options.junit) writeAtomically(options.junit, junitXml(junitSuites(results, options.fullTrace === true)));
    });
}

/** A failed test's trace, shortened: a daily schedule over a year is a thousand lines. */
const TRACE_HEAD = 20;
const TRACE_TAIL = 30;

function report(r: TestResult, color: boolean, fullTrace: boolean): string {
  const c = color ? pc : { red: (s: string) => s, green: (s: string) => s };
  return r.ok ? `${c.green("✓")} ${r.name}\n` : `${c.red("✗")} ${r.name}\n${failureReport(r, color, fullTrace)}`;
}

/** Why a test failed, as the human report and the JUnit report show it: each unmet expectation, then what happened. */
function failureReport(r: TestResult, color: boolean, fullTrace: boolean): string {
  const c = color ? pc : { dim: (s: string) => s };
  let out = "";
  for (const x of unmet(r)) out += `    ${failureLine(x)}\n`;
  const entries = trace(r);
  out += `    ${c.dim(`what happened (+offset from the test's start):`)}\n`;
  if (!entries.length) out += `      ${c.dim("(no journey activity: nothing entered, sent, called or ended)")}\n`;
  const line = (e: (typeof entries)[number]) => `      +${formatOffset(e.offsetMs)}  ${formatEntry(e, color)}\n`;
  if (fullTrace || entries.length <= TRACE_HEAD + TRACE_TAIL + 1) for (const e of entries) out += line(e);
  else {
    for (const e of entries.slice(0, TRACE_HEAD)) out += line(e);
    out += `      ${c.dim(`… ${entries.length - TRACE_HEAD - TRACE_TAIL} more (--full-trace prints them) …`)}\n`;
    for (const e of entries.slice(-TRACE_TAIL)) out += line(e);
  }
  return out;
}

const unmet = (r: TestResult) => r.expectations.filter((x) => !x.ok);
const why = (x: ExpectationResult) => x.message ?? "not met";
const failureLine = (x: ExpectationResult) => `${x.location.file}:${x.location.line}:${x.location.column}: expected ${x.expected}: ${why(x)}`;

/** What happened in a test, as `journey run --json` shows it, each entry with its time since the test's start. */
function trace(r: TestResult): (TimelineEntry & { offsetMs: number })[] {
  return r.timeline
    .map(timelineEntry)
    .filter((e) => e !== undefined)
    .map((e) => ({ ...e, offsetMs: Date.parse(e.at) - r.start }));
}

/** One test for `--json`: a failed one has its unmet expectations and its whole timeline (a tool does its own shortening). */
function testJson(r: TestResult) {
  return {
    name: r.name,
    ...r.location,
    status: r.ok ? "passed" : "failed",
    durationMs: Math.round(r.durationMs),
    failures: unmet(r).map((x) => ({ expected: x.expected, message: why(x), ...x.location })),
    ...(r.ok ? {} : { timeline: trace(r) }),
  };
}

/** One testsuite per `.journey` file, in the order the tests ran. */
function junitSuites(results: TestResult[], fullTrace: boolean): JUnitSuite[] {
  const suites = new Map<string, JUnitSuite>();
  for (const r of results) {
    const file = r.location.file;
    if (!suites.has(file)) suites.set(file, { name: file, cases: [] });
    const [first, ...rest] = unmet(r);
    suites.get(file)!.cases.push({
      name: r.name,
      classname: file,
      file,
      line: r.location.line,
      timeMs: r.durationMs,
      ...(first ? { problem: { kind: "failure", message: failureLine(first) + (rest.length ? ` (and ${rest.length} more)` : ""), text: failureReport(r, false, fullTrace) } } : {}),
    });
  }
  return [...suites.values()];
}

/** A project that does not compile, as one test in error: CI then shows why rather than nothing. */
function compileErrorSuite(dir: string, project: Project): JUnitSuite {
  const first = project.diagnostics.find((d) => d.severity === "error");
  const at = first ? toJson(first, project) : undefined;
  const message = `the project does not compile: ${count(project.errors, "error")}${at ? ` (${at.file}:${at.line}:${at.column}: ${at.message})` : ""}`;
  const problem = { kind: "error" as const, message, text: diagnosticsReport(project, false) };
  return { name: dir, cases: [{ name: "compile", classname: dir, file: at?.file ?? dir, line: at?.line ?? 1, timeMs: 0, problem }] };
}
