/** `journey test`: run every `test` block of a project on a virtual clock and report each expectation. */
import { formatOffset, runTests, type TestResult } from "@journey/runtime";
import { Command } from "commander";
import pc from "picocolors";
import { compileOrReport } from "../project.js";
import { count, useColor, write } from "../report.js";
import { readActionResponses } from "../inputs.js";
import { dataFile, formatEntry, timelineEntry } from "./run.js";

export function testCommand(): Command {
  return new Command("test")
    .description("run the project's test blocks")
    .argument("[project]", "the project folder", ".")
    .option("--filter <text>", "only the tests whose name contains this text")
    .option("--action-responses <file>", "canned action responses (default: <project>/action-responses.json if present)")
    .option("--full-trace", `print the whole timeline of a failed test (by default the first ${TRACE_HEAD} and the last ${TRACE_TAIL} entries)`)
    .action(async (project: string, options: { filter?: string; actionResponses?: string; fullTrace?: boolean }, command: Command) => {
      const color = useColor(command);
      const ir = compileOrReport(project, color);
      if (!ir) {
        process.exitCode = 1;
        return;
      }
      const responses = dataFile(project, options.actionResponses, "action-responses.json");
      const results = await runTests(ir, {
        ...(options.filter ? { filter: (n: string) => n.includes(options.filter!) } : {}),
        ...(responses ? { actionResponses: readActionResponses(responses, ir.actions) } : {}),
      });
      // Nothing run is not a pass: a mistyped --filter would otherwise go green in CI.
      if (!results.length) {
        const none = options.filter !== undefined ? `no test name contains ${JSON.stringify(options.filter)}` : `no tests in ${project}`;
        write(`${color ? pc.red("✗") : "✗"} ${none}\n`);
        process.exitCode = 1;
        return;
      }
      write(results.map((r) => report(r, color, options.fullTrace === true)).join(""));
      const failed = results.filter((r) => !r.ok).length;
      const line = `${count(results.length, "test")}: ${results.length - failed} passed, ${failed} failed`;
      write((color ? (failed ? pc.red(line) : pc.green(line)) : line) + "\n");
      process.exitCode = failed ? 1 : 0;
    });
}

/** A failed test's trace, shortened: a daily schedule over a year is a thousand lines. */
const TRACE_HEAD = 20;
const TRACE_TAIL = 30;

function report(r: TestResult, color: boolean, fullTrace: boolean): string {
  const c = color ? pc : { red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s };
  if (r.ok) return `${c.green("✓")} ${r.name}\n`;
  let out = `${c.red("✗")} ${r.name}\n`;
  for (const x of r.expectations.filter((e) => !e.ok)) {
    out += `    ${x.location.file}:${x.location.line}:${x.location.column}: expected ${x.expected}: ${x.message ?? "not met"}\n`;
  }
  const trace = r.timeline.map(timelineEntry).filter((e) => e !== undefined);
  out += `    ${c.dim(`what happened (+offset from the test's start):`)}\n`;
  if (!trace.length) out += `      ${c.dim("(no journey activity: nothing entered, sent, called or ended)")}\n`;
  const line = (e: (typeof trace)[number]) => `      +${formatOffset(Date.parse(e.at) - r.start)}  ${formatEntry(e, color)}\n`;
  if (fullTrace || trace.length <= TRACE_HEAD + TRACE_TAIL + 1) for (const e of trace) out += line(e);
  else {
    for (const e of trace.slice(0, TRACE_HEAD)) out += line(e);
    out += `      ${c.dim(`… ${trace.length - TRACE_HEAD - TRACE_TAIL} more (--full-trace prints them) …`)}\n`;
    for (const e of trace.slice(-TRACE_TAIL)) out += line(e);
  }
  return out;
}
