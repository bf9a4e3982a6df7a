/**
 * A project's `test` blocks, run as `journey test` runs them (virtual clock, in memory, canned
 * action responses from the project's `action-responses.json`, no network), with the
 * results placed in the project's texts: each test at its name, each unmet expectation at its
 * own span.
 *
 * The IR is emitted from the analysis the workspace already has (its syntax trees and the
 * checker's bindings and declared types): nothing is parsed or checked again. A run is kept
 * per project with the revision of the texts it ran on; the same texts (and the same
 * responses file) give it back without running again. A run gives way to newer text: between
 * two tests it lets the server read what the editor sent, and stops when the texts changed.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { emitIR, fileErrorReason, LineIndex, type IR } from "@journey/compiler";
import { DataFileError, failureText, parseActionResponses, parseJsonFile, runTests, type ExpectationResult } from "@journey/runtime/sim";
import { diffRegion, touchesSpan, type Project } from "./project.js";
import type { Span } from "./types.js";

/** The canned responses' file, in the project's folder (as `journey test` reads it). */
export const ACTION_RESPONSES = "action-responses.json";

/** An unmet expectation, at its span in the test's file (or at the test's name, for a failure of the test as a whole). */
export interface TestFailure {
  path: string;
  span: Span;
  /** What was expected, in words. */
  expected: string;
  /** Why it was not met. */
  message: string;
}

export interface TestOutcome {
  name: string;
  /** The file of the test and the span of its name (the string, quotes included). */
  path: string;
  span: Span;
  passed: boolean;
  failures: TestFailure[];
}

/** A mistake in a data file the tests read (`action-responses.json`), for a diagnostic on that file. */
export interface DataFileProblem {
  path: string;
  /** 0-based; the file's start when the mistake has no place of its own (a response of the wrong shape names its field). */
  line: number;
  /** 0-based, in UTF-16 code units. */
  column: number;
  /** The mistake, without the file's name and place (the diagnostic is on the file, at the place). */
  message: string;
}

export type TestRun = { status: "ran"; tests: TestOutcome[]; ms: number } | { status: "not run"; reason: string; dataFile?: DataFileProblem };

/** A failure as a diagnostic of its file: the words of `journey test`. */
export interface TestDiagnostic {
  span: Span;
  test: string;
  message: string;
}

/** A line over a `test "…"`: its outcome in the last run, or the command that runs it. */
export interface TestLens {
  span: Span;
  title: string;
  command?: "runTests";
}

/** The text of a project's `action-responses.json`, undefined when it has none; throws when it cannot be read. */
export type ReadActionResponses = (root: string) => string | undefined;

/** A finished run, with what it ran on: the revision and texts of the project, the responses file. */
interface Done {
  run: TestRun;
  revision: number;
  responses: string | undefined;
  texts: Map<string, string>;
}

const LENS_TITLE_MAX = 120;

export class TestRunner {
  private readonly done = new WeakMap<Project, Done>();
  private readonly running = new WeakMap<Project, { revision: number; responses: string | undefined; promise: Promise<TestRun | undefined> }>();

  constructor(
    private readonly log: (message: string) => void,
    private readonly readResponses: ReadActionResponses = readFromDisk,
  ) {}

  /** Whether the project declares a test (as of its current texts). */
  hasTests(project: Project): boolean {
    return (project.analysis().symbols?.tests.length ?? 0) > 0;
  }

  /**
   * Run the project's tests on its current texts; undefined when the texts changed before the
   * run ended (its results are dropped). The same texts and responses file as the last run give
   * that run back, unless `force`; a run already going on the same texts is joined.
   */
  run(project: Project, force = false): Promise<TestRun | undefined> {
    const revision = project.revision;
    let responses: string | undefined;
    let unreadable: string | undefined;
    try {
      responses = this.readResponses(project.root);
    } catch (e) {
      unreadable = (e as Error).message;
    }
    const last = this.done.get(project);
    if (!force && last && last.revision === revision && last.responses === responses && unreadable === undefined) return Promise.resolve(last.run);
    const going = this.running.get(project);
    if (going && going.revision === revision && going.responses === responses) return going.promise;
    // A run started later (the responses file changed) supersedes this one: it stops, and only the later one's results count.
    const entry = { revision, responses, promise: Promise.resolve<TestRun | undefined>(undefined) };
    const latest = () => this.running.get(project) === entry;
    this.running.set(project, entry);
    entry.promise = this.execute(project, responses, unreadable, latest).then((r) => {
      if (!latest()) return undefined;
      this.running.delete(project);
      if (!r || project.revision !== revision) return undefined;
      this.done.set(project, { ...r, revision, responses });
      return r.run;
    });
    return entry.promise;
  }

  /** The last run of the project, and whether it ran on its current texts. */
  last(project: Project): { run: TestRun; current: boolean } | undefined {
    const d = this.done.get(project);
    return d && { run: d.run, current: d.revision === project.revision };
  }

  /**
   * The failures of the last run in one file, moved through the edits made since: a failure
   * before or after the edited text keeps its place, one the edit touched is dropped (the
   * expectation it points at is being rewritten).
   */
  diagnostics(project: Project, path: string): TestDiagnostic[] {
    const d = this.done.get(project);
    const ran = d?.texts.get(path);
    const now = project.text(path);
    if (!d || d.run.status !== "ran" || ran === undefined || now === undefined) return [];
    const change = diffRegion(ran, now);
    const out: TestDiagnostic[] = [];
    for (const t of d.run.tests) {
      for (const f of t.failures) {
        if (f.path !== path) continue;
        if (change && touchesSpan(f.span, change)) continue;
        const delta = change && f.span.start > change.oldEnd ? change.newEnd - change.oldEnd : 0;
        out.push({ span: { start: f.span.start + delta, end: f.span.end + delta }, test: t.name, message: failureText(f) });
      }
    }
    return out;
  }

  /** For each `test "…"` of the file as it is now: the outcome of the last run, and a lens that runs the project's tests. */
  lenses(project: Project, path: string): TestLens[] {
    const decls = project.parse(path)?.file.declarations ?? [];
    const last = this.last(project);
    const out: TestLens[] = [];
    for (const decl of decls) {
      if (decl.kind !== "TestDecl") continue;
      const span = { start: decl.name.span.start, end: decl.name.span.end };
      const status = last && statusTitle(last.run, decl.name.value);
      if (status) out.push({ span, title: last.current ? status : `${status} (before the last edit)` });
      out.push({ span, title: "Run", command: "runTests" });
    }
    return out;
  }

  /** The run itself, with the texts it ran on; undefined when it gave way to newer text or a later run (`latest` turned false). */
  private async execute(project: Project, responses: string | undefined, unreadable: string | undefined, latest: () => boolean): Promise<Omit<Done, "revision" | "responses"> | undefined> {
    const revision = project.revision;
    const texts = new Map(project.paths().map((p) => [p, project.text(p)!]));
    const file = join(project.root, ACTION_RESPONSES);
    // The responses file's mistake is reported on the file whatever else stops the run: invalid
    // JSON at once, a wrong shape once the IR (the actions' parameters) is known.
    let dataFile: DataFileProblem | undefined = unreadable !== undefined ? { path: file, line: 0, column: 0, message: unreadable } : undefined;
    const notRun = (reason: string) => ({ run: { status: "not run" as const, reason, ...(dataFile ? { dataFile } : {}) }, texts });
    try {
      const invalid = responses === undefined ? undefined : dataFileError(() => parseJsonFile(file, responses));
      if (invalid) dataFile = dataFileProblem(file, invalid);
      const analysis = project.analysis();
      let errors = 0;
      for (const list of analysis.diagnostics.values()) for (const d of list) if (d.severity === "error") errors++;
      if (errors) return notRun(`the project has ${errors} ${errors === 1 ? "error" : "errors"}`);
      if (!analysis.ctx || !analysis.symbols) return notRun("the project could not be checked");
      if (unreadable !== undefined) return notRun(unreadable);
      // The checker's bindings and declared types of the whole project are current after any
      // analysis (only the declarations an edit touched are re-checked): all the emitter reads.
      const ir = emitIR({ ctx: analysis.ctx, symbols: analysis.symbols, units: [] }, analysis.files);
      let actionResponses;
      if (responses !== undefined) {
        const wrong = dataFileError(() => {
          const parsed = parseActionResponses(file, responses, ir.actions);
          for (const w of parsed.warnings) this.log(`warning: ${w}`);
          actionResponses = parsed.responses;
        });
        if (wrong) {
          dataFile = dataFileProblem(file, wrong);
          return notRun(wrong.message);
        }
      }
      // Read now: the syntax trees' spans move in place when the texts change during the run.
      const names = analysis.symbols.tests.map((t) => ({ path: t.file, span: { start: t.decl.name.span.start, end: t.decl.name.span.end } }));
      const lines = new Map([...texts].map(([p, text]) => [p, new LineIndex(text)]));
      const began = performance.now();
      const tests: TestOutcome[] = [];
      for (const [i, test] of ir.tests.entries()) {
        // Let the server read the editor's messages between tests; give way to newer text.
        await new Promise((resolve) => setImmediate(resolve));
        if (project.revision !== revision || !latest()) return undefined;
        const result = (await runTests(oneTest(ir, test), actionResponses ? { actionResponses } : {}))[0]!;
        const name = names[i]!;
        const place = (x: ExpectationResult): Omit<TestFailure, "expected" | "message"> => {
          const at = x.location;
          const idx = lines.get(at.file);
          const whole = sameLocation(at, result.location);
          if (whole || !idx) return name;
          return { path: at.file, span: { start: idx.offset({ line: at.line - 1, column: at.column - 1 }), end: idx.offset({ line: at.endLine - 1, column: at.endColumn - 1 }) } };
        };
        const failures = result.expectations.filter((x) => !x.ok).map((x) => ({ ...place(x), expected: x.expected, message: x.message ?? "not met" }));
        tests.push({ name: result.name, ...name, passed: result.ok, failures });
      }
      return { run: { status: "ran", tests, ms: performance.now() - began }, texts };
    } catch (e) {
      this.log(`the tests failed to run: ${(e as Error)?.stack ?? e}`);
      return notRun(`the tests could not be run: ${(e as Error)?.message ?? e}`);
    }
  }
}

/** The mistake `read` finds in a data file (it throws a `DataFileError`), if any. */
function dataFileError(read: () => void): DataFileError | undefined {
  try {
    read();
    return undefined;
  } catch (e) {
    if (e instanceof DataFileError) return e;
    throw e;
  }
}

/** Mistake `e` of data file `path`, placed in the file. */
function dataFileProblem(path: string, e: DataFileError): DataFileProblem {
  const at = e.position;
  // The message names the file and the place (`…/action-responses.json:3:7: invalid JSON: …`): the diagnostic is there already.
  const message = e.message.startsWith(path) ? e.message.slice(path.length).replace(/^(:\d+:\d+)?: /, "") : e.message;
  return { path, line: at ? at.line - 1 : 0, column: at ? at.column - 1 : 0, message };
}

/** The IR with one test: each test runs alone, on a fresh runtime, as `runTests` runs every one. */
function oneTest(ir: IR, test: IR["tests"][number]): IR {
  return { ...ir, tests: [test] };
}

function sameLocation(a: ExpectationResult["location"], b: ExpectationResult["location"]): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** A test's outcome in a run, for its lens; undefined when the run does not have it (the test is new). */
function statusTitle(run: TestRun, name: string): string | undefined {
  if (run.status === "not run") return clip(`not run: ${run.reason}`);
  const t = run.tests.find((x) => x.name === name);
  if (!t) return undefined;
  if (t.passed) return "✓ passed";
  const [first, ...rest] = t.failures;
  return clip(`✗ failed: ${first ? failureText(first) : "not met"}`, rest.length ? ` (and ${rest.length} more)` : "");
}

/** A lens is one line: long titles are cut, keeping their end (`(and 2 more)`). */
function clip(text: string, end = ""): string {
  const room = LENS_TITLE_MAX - end.length;
  return (text.length > room ? `${text.slice(0, room - 1)}…` : text) + end;
}

/** `action-responses.json` in the project's folder; none for a project that is not a folder on disk. */
function readFromDisk(root: string): string | undefined {
  if (!isAbsolute(root)) return undefined;
  const path = join(root, ACTION_RESPONSES);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new Error(`cannot read ${path}: ${fileErrorReason(e)}`);
  }
}
