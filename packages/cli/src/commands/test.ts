/** `journey test`: run every `test` block of a project on a virtual clock and report each expectation. */
import { join } from "node:path";
import type { IR, IRLocation } from "@journey/compiler";
import { failureText, formatOffset, nodeKey, runTests, stepCoverage, type ExpectationResult, type JourneyCoverage, type TestResult } from "@journey/runtime/sim";
import { Command } from "commander";
import pc from "picocolors";
import { junitXml, type JUnitSuite } from "../junit.js";
import { UserError } from "../errors.js";
import { compileForRun, reportWarnings, type Project } from "../project.js";
import { count, diagnosticsReport, toJson, useColor, write } from "../report.js";
import { dataFile, readActionResponses, readProviderResponses } from "../inputs.js";
import { writeAtomically } from "./build.js";
import { watchProject } from "../watch.js";
import { formatEntry, timelineEntry, type TimelineEntry } from "../timeline.js";
import { checkMessagesFolder, inMessagesFolder, writeMessagesFolder } from "../messages/folder.js";
import { messagesOf } from "../messages/message.js";
import { testFiles } from "../messages/pages.js";

interface TestOptions {
  filter?: string;
  actionResponses?: string;
  providerResponses?: string;
  fullTrace?: boolean;
  json?: boolean;
  junit?: string;
  coverage?: boolean;
  minCoverage?: string;
  watch?: boolean;
  messages?: string;
}

export function testCommand(): Command {
  return new Command("test")
    .description("run the project's test blocks")
    .argument("[project]", "the project folder", ".")
    .option("--filter <text>", "only the tests whose name contains this text")
    .option("--action-responses <file>", "canned action responses, after the tests' own `respond` items (default: <project>/action-responses.json if present)")
    .option("--provider-responses <file>", "canned answers for recommendation providers, after the tests' own `respond provider` items (default: <project>/provider-responses.json if present)")
    .option("--full-trace", `print the whole timeline of a failed test (by default the first ${TRACE_HEAD} and the last ${TRACE_TAIL} entries)`)
    .option("--json", "print the results (or the diagnostics) as one JSON object and nothing else")
    .option("--junit <file>", "also write a JUnit XML report to this file, for CI")
    .option("--coverage", "also report which steps of each journey the tests ran, and where the others are")
    .option("--min-coverage <percent>", "with --coverage implied: exit 1 when the tests run less than this share of all steps")
    .option("--watch", "run the tests again whenever a file of the project changes, until Ctrl-C")
    .option("--messages <dir>", "also write the messages each test sent into this folder, a folder per test, and an index.html listing the tests; replaces a folder an earlier --messages wrote, refuses any other that is not empty")
    .action(async (project: string, options: TestOptions, command: Command) => {
      const color = useColor(command);
      const minCoverage = options.minCoverage === undefined ? undefined : percentOption(options.minCoverage);
      if (!options.watch) {
        process.exitCode = await testOnce(project, options, minCoverage, color);
        return;
      }
      if (options.json) throw new UserError("--watch reports for people as files change: leave out --json");
      await watchProject(project, () => testOnce(project, options, minCoverage, color), color, (path) => options.messages !== undefined && inMessagesFolder(options.messages, path));
    });
}

/** Compile the project, run its tests and report them; the exit code. */
async function testOnce(project: string, options: TestOptions, minCoverage: number | undefined, color: boolean): Promise<number> {
  const coverage = options.coverage === true || minCoverage !== undefined;
  if (options.messages !== undefined) checkMessagesFolder(options.messages);
  const { project: compiled, ir } = compileForRun(project);
  if (!ir) {
    if (options.json) write(JSON.stringify({ diagnostics: compiled.diagnostics.map((d) => toJson(d, compiled)) }) + "\n");
    else write(diagnosticsReport(compiled, color));
    // Written even now: a report left by an earlier run would tell CI the tests passed.
    if (options.junit) writeAtomically(options.junit, junitXml([compileErrorSuite(project, compiled)]));
    return 1;
  }
  // With --json the warnings are in its `diagnostics`.
  if (!options.json) reportWarnings(compiled, color);
  const responses = dataFile(project, options.actionResponses, "action-responses.json");
  const providerResponses = dataFile(project, options.providerResponses, "provider-responses.json");
  const ran = new Set<string>();
  const taken = new Map<string, Set<number>>();
  const results = await runTests(ir, {
    ...(options.filter ? { filter: (n: string) => n.includes(options.filter!) } : {}),
    ...(responses ? { actionResponses: readActionResponses(responses, ir.actions) } : {}),
    ...(providerResponses ? { providerResponses: readProviderResponses(providerResponses, ir) } : {}),
    ...(coverage
      ? {
          onNode: (journey: string, _version: string, node: string) => void ran.add(nodeKey(journey, node)),
          onBranch: (journey: string, _version: string, node: string, outcome: number) => {
            const key = nodeKey(journey, node);
            taken.set(key, (taken.get(key) ?? new Set<number>()).add(outcome));
          },
        }
      : {}),
  });
  const failed = results.filter((r) => !r.ok).length;
  // Nothing ran, nothing to say of coverage (the run fails for that already).
  const covered = coverage && results.length ? stepCoverage(ir, ran, taken) : undefined;
  const share = covered && coveredShare(covered);
  const below = minCoverage !== undefined && share !== undefined && share.percent < minCoverage;
  if (options.json) {
    // Warnings only: a project with errors never gets this far.
    const json = { diagnostics: compiled.diagnostics.map((d) => toJson(d, compiled)), tests: results.map(testJson), passed: results.length - failed, failed };
    write(JSON.stringify(covered ? { ...json, coverage: coverageJson(ir, covered, share!) } : json) + "\n");
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
    if (covered) write(coverageReport(ir, compiled, covered, share!, color));
  }
  if (below) {
    const message = `the tests ran ${share!.percent}% of the steps, less than --min-coverage ${minCoverage}%`;
    if (options.json) process.stderr.write(`journey: ${message}\n`);
    else write(`${color ? pc.red("✗") : "✗"} ${message}\n`);
  }
  if (options.junit) writeAtomically(options.junit, junitXml(junitSuites(results, options.fullTrace === true)));
  if (options.messages !== undefined) {
    const replaced = writeMessagesFolder(options.messages, testFiles(`journey test ${project}`, results.map(testMessages), ir.channels));
    if (!options.json) write(`${replaced ? "replaced the messages of an earlier run in" : "wrote the messages of each test to"} ${options.messages}; open ${join(options.messages, "index.html")}\n`);
  }
  return failed || !results.length || below ? 1 : 0;
}

function percentOption(text: string): number {
  const n = Number(text.replace(/%$/, ""));
  if (!/^\d+(\.\d+)?%?$/.test(text) || n > 100) throw new UserError(`--min-coverage ${text}: expected a percentage from 0 to 100`);
  return n;
}

/** Steps run of all steps, and the share in whole percent rounded down (99.9% is not 100%). */
function coveredShare(journeys: JourneyCoverage[]): { ran: number; steps: number; percent: number } {
  const steps = journeys.reduce((n, j) => n + j.steps, 0);
  const ran = journeys.reduce((n, j) => n + j.ran, 0);
  return { ran, steps, percent: percentRun(ran, steps) };
}

/** Of `steps`, the share `ran` in whole percent, rounded down; 100 of none. */
function percentRun(ran: number, steps: number): number {
  return steps ? Math.floor((100 * ran) / steps) : 100;
}

/**
 * Each journey's steps run and ways taken, then the steps no test ran and the ways of its
 * branching steps none took, each with its place and first line of source.
 */
function coverageReport(ir: IR, project: Project, journeys: JourneyCoverage[], share: ReturnType<typeof coveredShare>, color: boolean): string {
  const c = color ? pc : { dim: (s: string) => s, yellow: (s: string) => s, green: (s: string) => s };
  if (!journeys.length) return `\nno journeys: coverage counts the steps of journeys\n`;
  const width = Math.max(...journeys.map((j) => j.journey.length));
  const place = (location: IRLocation, kind: string) => {
    const file = ir.sourceMap.files[location[0]] ?? "";
    const text = project.source(file)?.text.split("\n")[location[1] - 1]?.trim() ?? kind;
    return `${file}:${location[1]}:${location[2]}  ${text.length > 70 ? text.slice(0, 69) + "…" : text}`;
  };
  let out = `\nsteps run and ways taken by the tests:\n`;
  for (const j of journeys) {
    const steps = `${j.ran} of ${j.steps} steps`;
    const ways = j.branches ? `, ${j.taken} of ${j.branches} ways` : "";
    const line = `  ${j.journey.padEnd(width)}  ${steps.padStart(15)}  ${percentRun(j.ran, j.steps)}%${ways}`;
    out += (j.missed.length || j.notTaken.length ? c.yellow(line) : c.green(line)) + "\n";
    for (const m of j.missed) out += `    ${c.dim("not run:")} ${place(m.location, m.kind)}\n`;
    for (const w of j.notTaken) out += `    ${c.dim(`never ${w.way}:`)} ${place(w.location, w.kind)}\n`;
  }
  const taken = journeys.reduce((n, j) => n + j.taken, 0);
  const branches = journeys.reduce((n, j) => n + j.branches, 0);
  return out + `${share.ran} of ${share.steps} steps run (${share.percent}%)${branches ? `, ${taken} of ${branches} ways of branching steps taken (${percentRun(taken, branches)}%)` : ""}\n`;
}

function coverageJson(ir: IR, journeys: JourneyCoverage[], share: ReturnType<typeof coveredShare>) {
  return {
    ...share,
    journeys: journeys.map((j) => ({
      journey: j.journey,
      steps: j.steps,
      ran: j.ran,
      missed: j.missed.map((m) => ({ kind: m.kind, ...locationJson(ir, m.location) })),
      branches: j.branches,
      taken: j.taken,
      notTaken: j.notTaken.map((w) => ({ kind: w.kind, way: w.way, ...locationJson(ir, w.location) })),
    })),
  };
}

function locationJson(ir: IR, l: IRLocation) {
  return { file: ir.sourceMap.files[l[0]] ?? "", line: l[1], column: l[2], endLine: l[3], endColumn: l[4] };
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
  if (!entries.some((e) => e.type !== "event")) out += `      ${c.dim("(no journey activity: nothing entered, sent, called or ended)")}\n`;
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
const failureLine = (x: ExpectationResult) => `${x.location.file}:${x.location.line}:${x.location.column}: ${failureText(x)}`;

/** A test's messages, and why it failed, for `--messages`. */
function testMessages(r: TestResult) {
  return { name: r.name, ok: r.ok, where: `${r.location.file}:${r.location.line}`, failures: unmet(r).map(failureLine), messages: messagesOf(r.timeline, r.start) };
}

/**
 * What happened in a test, as `journey run --json` shows it, each entry with its time since the
 * test's start, and the test's own events among them (`type: "event"`), each before what
 * happened at its instant: what an `entered` or an `ended (exit)` answered is on the line above.
 */
function trace(r: TestResult): (TimelineEntry & { offsetMs: number })[] {
  const effects = r.timeline.map(timelineEntry).filter((e) => e !== undefined);
  const events: TimelineEntry[] = r.events.map((e) => ({ at: new Date(e.at).toISOString(), type: "event", event: e.type, profileId: e.profileId }));
  const out: TimelineEntry[] = [];
  let i = 0;
  for (const e of effects) {
    while (i < events.length && events[i]!.at <= e.at) out.push(events[i++]!);
    out.push(e);
  }
  out.push(...events.slice(i));
  return out.map((e) => ({ ...e, offsetMs: Date.parse(e.at) - r.start }));
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
