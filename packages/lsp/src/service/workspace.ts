/**
 * The language service: a workspace of `.journey` files (path → text), grouped into
 * projects, answering questions about positions with plain results. Text and offsets in,
 * offsets out; no protocol types. Every feature lives in its own module.
 */
import type { Diagnostic, LineIndex } from "@journey/compiler";
import { codeActions } from "./code-actions.js";
import { completion } from "./completion.js";
import { Doc } from "./document.js";
import { foldingRanges } from "./folding.js";
import { formattingEdit, prettierFormatter, prettierInstalled, type Formatter } from "./format.js";
import { hover } from "./hover.js";
import { definition, highlights, prepareRename, references, rename } from "./navigation.js";
import { inlayHints } from "./inlay-hints.js";
import { Project, type AnalysisStats } from "./project.js";
import { semanticTokens } from "./semantic-tokens.js";
import { signatureHelp } from "./signature-help.js";
import { documentSymbols, workspaceSymbols } from "./symbols.js";
import { templateReferences } from "./template.js";
import { TestRunner, type DataFileReaders, type ReadDataFile, type TestDiagnostic, type TestLens, type TestRun } from "./tests.js";
import type { CodeAction, CompletionItem, DocumentSymbol, FoldingRange, Highlight, HoverResult, InlayHint, Location, PrepareRenameResult, RenameResult, SemanticToken, SignatureHelpResult, Span, TextEdit, WorkspaceSymbol } from "./types.js";

export interface WorkspaceOptions extends DataFileReaders {
  /** The project (a key, usually its folder) a file belongs to; default: one project for all files. */
  projectOf?: (path: string) => string;
  /** Where problems of the service itself go (a parser or feature that threw). */
  log?: (message: string) => void;
  /** Formats a file's text; default: Prettier with the Journey plugin, when installed. */
  formatter?: Formatter | null;
  /** The text of a project's `action-responses.json` (by its root), for test runs; default: read from the project's folder. */
  actionResponses?: ReadDataFile;
  /** The text of a project's `provider-responses.json` (by its root), for test runs; default: read from the project's folder. */
  providerResponses?: ReadDataFile;
}

export class Workspace {
  private readonly projects = new Map<string, Project>();
  private readonly owner = new Map<string, Project>();
  private readonly log: (message: string) => void;
  private readonly tests: TestRunner;

  constructor(private readonly options: WorkspaceOptions = {}) {
    this.log = options.log ?? (() => {});
    this.tests = new TestRunner(this.log, options);
  }

  // ── documents ──────────────────────────────────────────────────────────────────────

  /** Add a file or replace its text. Returns the project it belongs to. */
  set(path: string, text: string, version = 0): Project {
    let p = this.owner.get(path);
    if (!p) {
      const key = this.options.projectOf?.(path) ?? "";
      p = this.projects.get(key);
      if (!p) this.projects.set(key, (p = new Project(key, this.log, templateReferences)));
      this.owner.set(path, p);
    }
    p.set(path, text, version);
    return p;
  }

  remove(path: string): Project | undefined {
    const p = this.owner.get(path);
    if (!p) return undefined;
    p.remove(path);
    this.owner.delete(path);
    return p;
  }

  has(path: string): boolean {
    return this.owner.has(path);
  }

  /**
   * Move every file to the project `projectOf` now gives it (the shell's project roots
   * changed: a first `.journey` file in a folder makes it one project with its subfolders).
   * Returns the projects that changed.
   */
  regroup(): Project[] {
    const changed = new Set<Project>();
    for (const [path, from] of [...this.owner]) {
      if ((this.options.projectOf?.(path) ?? "") === from.root) continue;
      const text = from.text(path)!;
      const version = from.version(path);
      this.remove(path);
      changed.add(from);
      changed.add(this.set(path, text, version));
    }
    for (const [key, p] of this.projects) if (!p.paths().length) this.projects.delete(key);
    return [...changed];
  }

  text(path: string): string | undefined {
    return this.owner.get(path)?.text(path);
  }

  paths(): string[] {
    return [...this.owner.keys()].sort();
  }

  project(path: string): Project | undefined {
    return this.owner.get(path);
  }

  allProjects(): Project[] {
    return [...this.projects.values()];
  }

  lineIndex(path: string): LineIndex | undefined {
    return this.owner.get(path)?.lineIndex(path);
  }

  /** What the last analysis of a file's project re-parsed and re-checked. */
  stats(path: string): AnalysisStats | undefined {
    return this.owner.get(path)?.lastStats;
  }

  doc(path: string): Doc | undefined {
    const p = this.owner.get(path);
    return p ? new Doc(p, path) : undefined;
  }

  // ── diagnostics ────────────────────────────────────────────────────────────────────

  /** The diagnostics of one file (analysing its project if it changed). */
  diagnostics(path: string): Diagnostic[] {
    const p = this.owner.get(path);
    return p ? (p.analysis().diagnostics.get(path) ?? []) : [];
  }

  /** The diagnostics of every file of the given projects (default: all), by path. */
  diagnosticsByFile(projects: Iterable<Project> = this.projects.values()): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const p of projects) {
      const a = p.analysis();
      for (const path of p.paths()) out.set(path, a.diagnostics.get(path) ?? []);
    }
    return out;
  }

  // ── tests ──────────────────────────────────────────────────────────────────────────

  /** Whether a project declares a test. */
  hasTests(project: Project): boolean {
    try {
      return this.tests.hasTests(project);
    } catch (e) {
      this.log(`hasTests failed: ${(e as Error)?.stack ?? e}`);
      return false;
    }
  }

  /**
   * Run a project's tests on its current texts (see `tests.ts`): a cached run when they have
   * not changed, unless `force`; undefined when they changed before the run ended. Never throws:
   * a run that fails is "not run", with why.
   */
  runTests(project: Project, force = false): Promise<TestRun | undefined> {
    return this.tests.run(project, force);
  }

  /** A project's last test run, and whether it ran on its current texts. */
  testRun(project: Project): { run: TestRun; current: boolean } | undefined {
    return this.tests.last(project);
  }

  /** The unmet expectations of the last test run in one file, moved through the edits since. */
  testDiagnostics(path: string): TestDiagnostic[] {
    return this.guard("testDiagnostics", path, [], (d) => this.tests.diagnostics(d.project, path));
  }

  /** A status and a run lens for each test of a file. */
  testLenses(path: string): TestLens[] {
    return this.guard("testLenses", path, [], (d) => this.tests.lenses(d.project, path));
  }

  // ── features ───────────────────────────────────────────────────────────────────────

  completion(path: string, offset: number): CompletionItem[] {
    return this.guard("completion", path, [], (d) => completion(d, offset));
  }

  hover(path: string, offset: number): HoverResult | undefined {
    return this.guard("hover", path, undefined, (d) => hover(d, offset));
  }

  definition(path: string, offset: number): Location[] {
    return this.guard("definition", path, [], (d) => definition(d, offset));
  }

  references(path: string, offset: number, includeDeclaration = true): Location[] {
    return this.guard("references", path, [], (d) => references(d, offset, includeDeclaration));
  }

  inlayHints(path: string, range?: Span): InlayHint[] {
    return this.guard("inlayHints", path, [], (d) => inlayHints(d, range));
  }

  highlights(path: string, offset: number): Highlight[] {
    return this.guard("highlights", path, [], (d) => highlights(d, offset));
  }

  prepareRename(path: string, offset: number): PrepareRenameResult | { error: string } {
    return this.guard("prepareRename", path, { error: "no file" }, (d) => prepareRename(d, offset));
  }

  rename(path: string, offset: number, newName: string): RenameResult | { error: string } {
    return this.guard("rename", path, { error: "no file" }, (d) => rename(d, offset, newName));
  }

  documentSymbols(path: string): DocumentSymbol[] {
    return this.guard("documentSymbols", path, [], (d) => documentSymbols(d));
  }

  workspaceSymbols(query: string): WorkspaceSymbol[] {
    try {
      return workspaceSymbols(this.projects.values(), query);
    } catch (e) {
      this.log(`workspaceSymbols failed: ${(e as Error)?.stack ?? e}`);
      return [];
    }
  }

  semanticTokens(path: string): SemanticToken[] {
    return this.guard("semanticTokens", path, [], (d) => semanticTokens(d));
  }

  foldingRanges(path: string): FoldingRange[] {
    return this.guard("foldingRanges", path, [], (d) => foldingRanges(d));
  }

  signatureHelp(path: string, offset: number): SignatureHelpResult | undefined {
    return this.guard("signatureHelp", path, undefined, (d) => signatureHelp(d, offset));
  }

  codeActions(path: string, range: Span): CodeAction[] {
    return this.guard("codeActions", path, [], (d) => codeActions(d, range));
  }

  /** The edits that format a file (none when it is formatted, cannot be, or no formatter is available). */
  async formatEdits(path: string): Promise<TextEdit[]> {
    // The text formatted is the text diffed: a change arriving meanwhile is the next request's.
    const text = this.text(path);
    const formatted = text === undefined ? undefined : await this.formatText(text, path);
    const edit = formatted === undefined ? undefined : formattingEdit(text!, formatted);
    return edit ? [{ path, span: { start: edit.start, end: edit.end }, newText: edit.newText }] : [];
  }

  /** The formatted text of a file; undefined when no formatter is available or the file does not format. */
  async format(path: string): Promise<string | undefined> {
    const text = this.text(path);
    return text === undefined ? undefined : this.formatText(text, path);
  }

  private async formatText(text: string, path: string): Promise<string | undefined> {
    const formatter = this.options.formatter === null ? undefined : (this.options.formatter ?? (await prettierFormatter()));
    if (!formatter) return undefined;
    try {
      return await formatter(text, path);
    } catch (e) {
      this.log(`format failed on ${path}: ${(e as Error)?.message ?? e}`);
      return undefined;
    }
  }

  /** Whether a formatter is available. */
  async canFormat(): Promise<boolean> {
    if (this.options.formatter === null) return false;
    return this.options.formatter !== undefined || prettierInstalled();
  }

  private guard<T>(feature: string, path: string, fallback: T, f: (doc: Doc) => T): T {
    const d = this.doc(path);
    if (!d) return fallback;
    try {
      return f(d);
    } catch (e) {
      this.log(`${feature} failed on ${path}: ${(e as Error)?.stack ?? e}`);
      return fallback;
    }
  }
}
