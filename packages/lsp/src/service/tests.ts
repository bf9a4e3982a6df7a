/**
 * A project's `test` blocks, run as `journey test` runs them (virtual clock, in memory, canned
 * answers from the project's `action-responses.json` and `provider-responses.json`, no
 * network), with the results placed in the project's texts: each test at its name, each unmet
 * expectation at its own span.
 *
 * The IR is emitted from the analysis the workspace already has (its syntax trees and the
 * checker's bindings and declared types): nothing is parsed or checked again. A run is kept
 * per project with the revision of the texts it ran on; the same texts (and the same data
 * files) give it back without running again. A run gives way to newer text: between
 * two tests it lets the server read what the editor sent, and stops when the texts changed.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { emitIR, fileErrorReason, LineIndex, type IR } from "@journey/compiler";
import { DataFileError, failureText, parseActionResponses, parseJsonFile, parseProviderResponses, providerNamesIn, runTests, type ExpectationResult, type TestOptions } from "@journey/runtime/sim";
import { diffRegion, touchesSpan, type Project } from "./project.js";
import type { Span } from "./types.js";

/** A data file the tests read, in the project's folder (as `journey test` reads it). */
interface DataFile {
  name: string;
  /** The `WorkspaceOptions` field that reads it (named as the option of `runTests` it gives). */
  reader: "actionResponses" | "providerResponses";
  /** Checks `text` against the IR: what it gives `runTests`, and what is likely a mistake; throws a `DataFileError` naming the field. */
  parse(path: string, text: string, ir: IR): { options: TestOptions; warnings: string[] };
}

const DATA_FILES: readonly DataFile[] = [
  {
    name: "action-responses.json",
    reader: "actionResponses",
    parse: (path, text, ir) => {
      const { responses, warnings } = parseActionResponses(path, text, ir.actions);
      return { options: { actionResponses: responses }, warnings };
    },
  },
  {
    name: "provider-responses.json",
    reader: "providerResponses",
    parse: (path, text, ir) => {
      const { responses, warnings } = parseProviderResponses(path, text, providerNamesIn(ir));
      return { options: { providerResponses: responses }, warnings };
    },
  },
];

/** The names of the data files the tests read, for the server to watch them and publish their mistakes. */
export const TEST_DATA_FILES: readonly string[] = DATA_FILES.map((f) => f.name);

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

/** A mistake in a data file the tests read (`action-responses.json`, `provider-responses.json`), for a diagnostic on that file. */
export interface DataFileProblem {
  path: string;
  /** 0-based; the file's start when the mistake has no place of its own (a response of the wrong shape names its field). */
  line: number;
  /** 0-based, in UTF-16 code units. */
  column: number;
  /** The mistake, without the file's name and place (the diagnostic is on the file, at the place). */
  message: string;
}

export type TestRun = { status: "ran"; tests: TestOutcome[]; ms: number } | { status: "not run"; reason: string; dataFiles?: DataFileProblem[] };

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

/** The text of one of a project's data files (by the project's root), undefined when it has none; throws when it cannot be read. */
export type ReadDataFile = (root: string) => string | undefined;

/** How each data file is read; a file without a reader is read from the project's folder on disk. */
export type DataFileReaders = { [K in DataFile["reader"]]?: ReadDataFile };

/** What a run read of a data file: its text (undefined when there is none), or why it could not be read. */
interface DataFileRead {
  file: DataFile;
  path: string;
  text: string | undefined;
  unreadable: string | undefined;
}

/** A finished run, with what it ran on: the revision and texts of the project, the data files. */
interface Done {
  run: TestRun;
  revision: number;
  reads: DataFileRead[];
  texts: Map<string, string>;
}

const LENS_TITLE_MAX = 120;

export class TestRunner {
  private readonly done = new WeakMap<Project, Done>();
  private readonly running = new WeakMap<Project, { revision: number; reads: DataFileRead[]; promise: Promise<TestRun | undefined> }>();

  constructor(
    private readonly log: (message: string) => void,
    private readonly readers: DataFileReaders = {},
  ) {}

  /** Whether the project declares a test (as of its current texts). */
  hasTests(project: Project): boolean {
    return (project.analysis().symbols?.tests.length ?? 0) > 0;
  }

  /**
   * Run the project's tests on its current texts; undefined when the texts changed before the
   * run ended (its results are dropped). The same texts and data files as the last run give
   * that run back, unless `force`; a run already going on the same texts is joined.
   */
  run(project: Project, force = false): Promise<TestRun | undefined> {
    const revision = project.revision;
    const reads = DATA_FILES.map((file) => this.read(project.root, file));
    const last = this.done.get(project);
    // A file that could not be read is tried again at the next run.
    if (!force && last && last.revision === revision && sameReads(last.reads, reads) && reads.every((r) => r.unreadable === undefined)) return Promise.resolve(last.run);
    const going = this.running.get(project);
    if (going && going.revision === revision && sameReads(going.reads, reads)) return going.promise;
    // A run started later (a data file changed) supersedes this one: it stops, and only the later one's results count.
    const entry = { revision, reads, promise: Promise.resolve<TestRun | undefined>(undefined) };
    const latest = () => this.running.get(project) === entry;
    this.running.set(project, entry);
    entry.promise = this.execute(project, reads, latest).then((r) => {
      if (!latest()) return undefined;
      this.running.delete(project);
      if (!r || project.revision !== revision) return undefined;
      this.done.set(project, { ...r, revision, reads });
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

  /** Data file `file` of the project at `root`, as its reader (or the disk) gives it. */
  private read(root: string, file: DataFile): DataFileRead {
    const path = join(root, file.name);
    try {
      const reader = this.readers[file.reader];
      return { file, path, text: reader ? reader(root) : readFromDisk(root, file.name), unreadable: undefined };
    } catch (e) {
      return { file, path, text: undefined, unreadable: (e as Error).message };
    }
  }

  /** The run itself, with the texts it ran on; undefined when it gave way to newer text or a later run (`latest` turned false). */
  private async execute(project: Project, reads: DataFileRead[], latest: () => boolean): Promise<Omit<Done, "revision" | "reads"> | undefined> {
    const revision = project.revision;
    const texts = new Map(project.paths().map((p) => [p, project.text(p)!]));
    // Each data file's mistake is reported on that file whatever else stops the run: one that
    // cannot be read or is invalid JSON at once, a wrong shape once the IR (the actions'
    // parameters, the providers the recommendations ask) is known. The run's reason is the
    // first file's, in the order `journey test` reads them.
    const mistakes = new Map<DataFileRead, { problem: DataFileProblem; reason: string }>();
    const mistake = (read: DataFileRead, e: DataFileError) => mistakes.set(read, { problem: dataFileProblem(read.path, e), reason: e.message });
    const notRun = (reason: string) => {
      const dataFiles = reads.flatMap((r) => mistakes.get(r)?.problem ?? []);
      return { run: { status: "not run" as const, reason, ...(dataFiles.length ? { dataFiles } : {}) }, texts };
    };
    try {
      for (const r of reads) {
        if (r.unreadable !== undefined) mistakes.set(r, { problem: { path: r.path, line: 0, column: 0, message: r.unreadable }, reason: r.unreadable });
        const text = r.text;
        const invalid = text === undefined ? undefined : dataFileError(() => parseJsonFile(r.path, text));
        if (invalid) mistake(r, invalid);
      }
      const analysis = project.analysis();
      let errors = 0;
      for (const list of analysis.diagnostics.values()) for (const d of list) if (d.severity === "error") errors++;
      if (errors) return notRun(`the project has ${errors} ${errors === 1 ? "error" : "errors"}`);
      if (!analysis.ctx || !analysis.symbols) return notRun("the project could not be checked");
      // The checker's bindings and declared types of the whole project are current after any
      // analysis (only the declarations an edit touched are re-checked): all the emitter reads.
      const ir = emitIR({ ctx: analysis.ctx, symbols: analysis.symbols, units: [] }, analysis.files);
      const options: TestOptions = {};
      for (const r of reads) {
        const text = r.text;
        if (text === undefined || mistakes.has(r)) continue;
        const wrong = dataFileError(() => {
          const parsed = r.file.parse(r.path, text, ir);
          for (const w of parsed.warnings) this.log(`warning: ${w}`);
          Object.assign(options, parsed.options);
        });
        if (wrong) mistake(r, wrong);
      }
      const first = reads.find((r) => mistakes.has(r));
      if (first) return notRun(mistakes.get(first)!.reason);
      // Read now: the syntax trees' spans move in place when the texts change during the run.
      const names = analysis.symbols.tests.map((t) => ({ path: t.file, span: { start: t.decl.name.span.start, end: t.decl.name.span.end } }));
      const lines = new Map([...texts].map(([p, text]) => [p, new LineIndex(text)]));
      const began = performance.now();
      const tests: TestOutcome[] = [];
      for (const [i, test] of ir.tests.entries()) {
        // Let the server read the editor's messages between tests; give way to newer text.
        await new Promise((resolve) => setImmediate(resolve));
        if (project.revision !== revision || !latest()) return undefined;
        const result = (await runTests(oneTest(ir, test), options))[0]!;
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

/** Whether two runs read the same data files (a run is kept, or joined, only for the same). */
function sameReads(a: readonly DataFileRead[], b: readonly DataFileRead[]): boolean {
  return a.every((r, i) => r.text === b[i]!.text && r.unreadable === b[i]!.unreadable);
}

/** Data file `name` in the folder `root` of a project; none for a project that is not a folder on disk. */
function readFromDisk(root: string, name: string): string | undefined {
  if (!isAbsolute(root)) return undefined;
  const path = join(root, name);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new Error(`cannot read ${path}: ${fileErrorReason(e)}`);
  }
}
