/**
 * The language server: LSP in, the language service out. This module only maps between
 * protocol types (URIs, line/character positions) and the service's (paths, offsets); every
 * handler is guarded so one failing feature never takes the server down.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { codes, findJourneyFiles, isSkippedFolder, MAX_FILE_BYTES, type Diagnostic } from "@journey/compiler";
import {
  CodeActionKind,
  DocumentHighlightKind,
  InlayHintKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  FoldingRangeKind,
  MarkupKind,
  ResponseError,
  ErrorCodes,
  SymbolKind as LspSymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  InsertTextFormat,
  LSPErrorCodes,
  type Connection,
  type ConnectionStrategy,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type Range,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Formatter } from "./service/format.js";
import type { Project } from "./service/project.js";
import { TEST_DATA_FILES, type TestRun } from "./service/tests.js";
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type CompletionKind, type Span, type SymbolKind, type TextEdit } from "./service/types.js";
import { Workspace } from "./service/workspace.js";

/**
 * A request the editor cancels before the server reached it (it typed on: the completion or
 * hover asked for is already stale) is answered `RequestCancelled` without being computed.
 * Every handler runs to its end once started: each takes milliseconds and never waits.
 */
export const connectionStrategy: ConnectionStrategy = {
  cancelUndispatched: (message) => ({ jsonrpc: "2.0", id: (message as { id?: number | string }).id ?? null, error: new ResponseError(LSPErrorCodes.RequestCancelled, "cancelled before it was handled").toJson() }),
};

export interface ServerOptions {
  /**
   * Edits within this many milliseconds of a check are gathered into the next one (default 0:
   * the edits already received when the check runs are gathered, nothing waits).
   */
  diagnosticsDelay?: number;
  /** Read every `.journey` file of the workspace folders on initialize (default true). */
  scanWorkspace?: boolean;
  /** The formatter; default: Prettier with the Journey plugin when installed; `null`: none. */
  formatter?: Formatter | null;
  /**
   * The URL of the list of diagnostics (`docs/diagnostics.md`); each diagnostic links to its
   * code's section (`<url>#j1004-unknownfield-error`). Default: the repository's page, when
   * the server runs from the repository.
   */
  docsUrl?: string;
  /** When a project's tests run: when a file of it is opened or saved (default), after every check, or only on request. */
  runTests?: RunTestsSetting;
}

export type RunTestsSetting = "onSave" | "onType" | "off";
const RUN_TESTS_SETTINGS: readonly RunTestsSetting[] = ["onSave", "onType", "off"];

/** The command a `Run` lens sends (`workspace/executeCommand`): run a file's project's tests now; no argument, those of every open project. */
export const RUN_TESTS_COMMAND = "journey.runTests";

/** Initialization options a client may send (they override the server options). */
interface InitOptions {
  diagnosticsDelay?: number;
  scanWorkspace?: boolean;
  docsUrl?: string;
  runTests?: unknown;
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  event: CompletionItemKind.Event,
  type: CompletionItemKind.Class,
  catalog: CompletionItemKind.Class,
  audience: CompletionItemKind.Constant,
  template: CompletionItemKind.Snippet,
  action: CompletionItemKind.Function,
  journey: CompletionItemKind.Module,
  fragment: CompletionItemKind.Reference,
  field: CompletionItemKind.Field,
  variable: CompletionItemKind.Variable,
  parameter: CompletionItemKind.Variable,
  function: CompletionItemKind.Function,
  algorithm: CompletionItemKind.Function,
  helper: CompletionItemKind.Function,
  channel: CompletionItemKind.EnumMember,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<SymbolKind, LspSymbolKind> = {
  profile: LspSymbolKind.Struct,
  type: LspSymbolKind.Struct,
  event: LspSymbolKind.Event,
  catalog: LspSymbolKind.Struct,
  audience: LspSymbolKind.Constant,
  action: LspSymbolKind.Function,
  fragment: LspSymbolKind.String,
  template: LspSymbolKind.Method,
  channel: LspSymbolKind.EnumMember,
  journey: LspSymbolKind.Module,
  experience: LspSymbolKind.Module,
  test: LspSymbolKind.Method,
  field: LspSymbolKind.Field,
  parameter: LspSymbolKind.Variable,
  variable: LspSymbolKind.Variable,
  variant: LspSymbolKind.EnumMember,
  goal: LspSymbolKind.Key,
  step: LspSymbolKind.Object,
};

/** Wire a language server to `connection` (stdio in production, in-memory streams in tests). */
export function startServer(connection: Connection, options: ServerOptions = {}): { workspace: Workspace } {
  const log = (m: string) => connection.console.error(m);
  const roots: string[] = [];
  /** The workspace folders scanned for roots (paths). */
  const folders: string[] = [];
  const ws = new Workspace({ projectOf, log, formatter: options.formatter });
  const documents = new TextDocuments(TextDocument);
  const uriOfPath = new Map<string, string>();
  let delay = options.diagnosticsDelay ?? 0;
  let describeCode = codeDescriptions(options.docsUrl);
  let watchDynamically = false;
  let foldersChange = false;
  let runTestsWhen: RunTestsSetting = options.runTests ?? "onSave";
  let refreshLenses = false;

  function projectOf(path: string): string {
    let best = "";
    for (const r of roots) if ((path === r || path.startsWith(r.endsWith(sep) ? r : r + sep)) && r.length > best.length) best = r;
    return best || (isFilePath(path) ? dirname(path) : path);
  }

  // ── URIs and positions ─────────────────────────────────────────────────────────────

  function toPath(uri: string): string {
    let path = uri;
    if (uri.startsWith("file:")) {
      try {
        path = fileURLToPath(uri);
      } catch {
        path = uri;
      }
    }
    if (!uriOfPath.has(path)) uriOfPath.set(path, uri);
    return path;
  }

  function toUri(path: string): string {
    return uriOfPath.get(path) ?? (isFilePath(path) ? pathToFileURL(path).href : path);
  }

  function position(path: string, offset: number): Position {
    const p = ws.lineIndex(path)?.position(offset) ?? { line: 0, column: 0 };
    return { line: p.line, character: p.column };
  }

  function range(path: string, span: Span): Range {
    return { start: position(path, span.start), end: position(path, span.end) };
  }

  function offset(path: string, pos: Position): number {
    return ws.lineIndex(path)?.offset({ line: pos.line, column: pos.character }) ?? 0;
  }

  // ── reading the workspace ──────────────────────────────────────────────────────────

  /** Project roots under `dir`: a folder with `.journey` files directly, else its subfolders' roots. */
  function findRoots(dir: string, out: string[], depth = 0): void {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name.endsWith(".journey"))) {
      out.push(dir);
      return;
    }
    if (depth > 12) return;
    for (const e of entries) if (e.isDirectory() && !isSkippedFolder(e.name)) findRoots(join(dir, e.name), out, depth + 1);
  }

  function readDisk(path: string): string | undefined {
    try {
      if (statSync(path).size > MAX_FILE_BYTES) return undefined;
      const text = readFileSync(path, "utf8");
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  }

  /** A workspace folder: its projects read; returns those it touched. */
  function addFolder(folder: string): Project[] {
    folders.push(folder);
    const found: string[] = [];
    findRoots(folder, found);
    return found.flatMap((r) => loadRoot(r));
  }

  /**
   * Look for roots again in the workspace folder holding `path` (a `.journey` file was
   * created or deleted there): the first file in a folder makes the folder a project, with
   * its subfolders, however the files were created. Files move to their new projects.
   */
  function refreshRoots(path: string): void {
    const folder = folders.find((f) => path.startsWith(f + sep));
    if (!folder) return;
    const found: string[] = [];
    findRoots(folder, found);
    const inFolder = (r: string) => r === folder || r.startsWith(folder + sep);
    const before = roots.filter(inFolder).sort().join("\n");
    if (found.slice().sort().join("\n") === before) return;
    for (let i = roots.length - 1; i >= 0; i--) if (inFolder(roots[i]!)) roots.splice(i, 1);
    roots.push(...found);
    for (const p of ws.regroup()) schedule(p);
    for (const r of found) for (const p of loadRoot(r)) schedule(p);
  }

  function loadRoot(root: string): Project[] {
    if (!roots.includes(root)) roots.push(root);
    const files = findJourneyFiles(root);
    const touched = new Set<Project>();
    for (const f of files) {
      if (documents.get(toUri(f)) || ws.has(f)) continue;
      const text = readDisk(f);
      if (text !== undefined) touched.add(ws.set(f, text));
    }
    return [...touched];
  }

  // ── diagnostics ────────────────────────────────────────────────────────────────────

  const published = new Map<string, string>();
  const pending = new Set<Project>();
  const gone = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  let lastFlush = -Infinity;

  /**
   * Publish the diagnostics of changed projects. The first edit after a quiet spell is
   * checked at once; edits that follow within `delay` ms are gathered into one check.
   */
  function schedule(project: Project | undefined): void {
    if (project) pending.add(project);
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastFlush + delay - performance.now()));
  }

  function flush(): void {
    timer = undefined;
    lastFlush = performance.now();
    const projects = [...pending];
    pending.clear();
    for (const project of projects) {
      try {
        const byFile = ws.diagnosticsByFile([project]);
        for (const [path, list] of byFile) publish(path, list);
      } catch (e) {
        log(`diagnostics failed: ${(e as Error)?.stack ?? e}`);
      }
      // Tests run after the diagnostics are out, never before: see `testsAfter`.
      if (testsWanted.delete(project)) testsAfter(project, 0);
      else if (runTestsWhen === "onType") testsAfter(project, delay);
    }
    for (const path of gone) if (!ws.has(path)) publish(path, []);
    gone.clear();
  }

  /** A file's diagnostics: the compiler's and the last test run's (each publication replaces the file's whole list). */
  function publish(path: string, list: Diagnostic[]): void {
    const uri = toUri(path);
    const failures = ws.testDiagnostics(path).map((t) => ({ range: range(path, t.span), severity: DiagnosticSeverity.Error, code: "test", source: "journey test", message: t.message }));
    const diagnostics: LspDiagnostic[] = list.map((d) => ({
      range: range(d.file, d.span),
      severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      codeDescription: describeCode(d.code),
      source: "journey",
      message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
      relatedInformation: d.related?.map((r) => ({ location: { uri: toUri(r.file), range: range(r.file, r.span) }, message: r.message })),
      data: d.fix ? { fix: d.fix.title } : undefined,
    }));
    diagnostics.push(...failures);
    const key = JSON.stringify(diagnostics);
    if (published.get(path) === key && !documents.get(uri)) return;
    published.set(path, key);
    const version = documents.get(uri)?.version;
    void connection.sendDiagnostics({ uri, diagnostics, version });
  }

  /**
   * The mistake of a data file the tests read, as the diagnostic of that file (`action-responses.json`
   * is no `.journey` file: nothing else publishes for it). A run without one in that file clears it.
   */
  function publishDataFile(path: string, run: TestRun): void {
    const problem = run.status === "not run" ? run.dataFiles?.find((p) => p.path === path) : undefined;
    if (!problem && !published.has(path)) return;
    // The file is not in the workspace: the service gives the place as a line and column. One character wide, so the editor marks it.
    const place = problem && { start: { line: problem.line, character: problem.column }, end: { line: problem.line, character: problem.column + 1 } };
    const diagnostics: LspDiagnostic[] = problem && place ? [{ range: place, severity: DiagnosticSeverity.Error, code: "test", source: "journey test", message: problem.message }] : [];
    const key = JSON.stringify(diagnostics);
    if (published.get(path) === key) return;
    if (problem) published.set(path, key);
    else published.delete(path);
    void connection.sendDiagnostics({ uri: toUri(path), diagnostics });
  }

  // ── tests ──────────────────────────────────────────────────────────────────────────

  /** Projects whose tests run once their diagnostics are published (a file was opened or saved). */
  const testsWanted = new Set<Project>();
  const testTimers = new Map<Project, NodeJS.Timeout>();

  /** A file of `project` was opened or saved: run its tests, after its diagnostics if a check is due. */
  function testsOnOpenOrSave(project: Project | undefined): void {
    if (!project || runTestsWhen === "off") return;
    if (pending.has(project)) testsWanted.add(project);
    else testsAfter(project, 0);
  }

  /**
   * Run a project's tests `wait` ms from now (a later call for the project starts the wait
   * again). Always from a timer: the diagnostics just published go out first, and an edit
   * read meanwhile makes the run give way (the service drops a run whose texts changed).
   */
  function testsAfter(project: Project, wait: number): void {
    clearTimeout(testTimers.get(project));
    testTimers.set(
      project,
      setTimeout(() => {
        testTimers.delete(project);
        if (ws.hasTests(project)) void runTests(project, false);
      }, wait),
    );
  }

  /** Run a project's tests and publish its files' diagnostics with the results; undefined when newer text overtook the run. */
  async function runTests(project: Project, force: boolean): Promise<TestRun | undefined> {
    const run = await ws.runTests(project, force);
    if (!run || shutDown) return run;
    try {
      for (const [path, list] of ws.diagnosticsByFile([project])) publish(path, list);
      for (const name of TEST_DATA_FILES) publishDataFile(join(project.root, name), run);
      if (refreshLenses) void connection.sendRequest("workspace/codeLens/refresh").catch(() => {});
    } catch (e) {
      log(`publishing test results failed: ${(e as Error)?.stack ?? e}`);
    }
    return run;
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const init = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof init.diagnosticsDelay === "number") delay = init.diagnosticsDelay;
    if (typeof init.docsUrl === "string") describeCode = codeDescriptions(init.docsUrl);
    if (RUN_TESTS_SETTINGS.includes(init.runTests as RunTestsSetting)) runTestsWhen = init.runTests as RunTestsSetting;
    else if (init.runTests !== undefined) log(`initializationOptions.runTests: expected ${RUN_TESTS_SETTINGS.map((w) => JSON.stringify(w)).join(", ")}, got ${JSON.stringify(init.runTests)}; tests run ${runTestsWhen === "off" ? "only on request" : runTestsWhen}`);
    refreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    const scan = init.scanWorkspace ?? options.scanWorkspace ?? true;
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    foldersChange = params.capabilities.workspace?.workspaceFolders === true;
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [pathToFileURL(params.rootPath).href] : []);
    if (scan) {
      for (const uri of uris) if (uri.startsWith("file:")) addFolder(fileURLToPath(uri));
    }
    const canFormat = await ws.canFormat();
    return {
      capabilities: {
        // Saves are what run a project's tests (by default).
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: [".", "{", ">", "#", "/", "("] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        inlayHintProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] }, full: true },
        foldingRangeProvider: true,
        // A space too: a template's helpers take their arguments after spaces (`{{currency price "EUR"}}`).
        signatureHelpProvider: { triggerCharacters: ["(", ",", " "] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: canFormat,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [RUN_TESTS_COMMAND] },
      },
      serverInfo: { name: "journey-lsp", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    if (foldersChange) {
      connection.workspace.onDidChangeWorkspaceFolders((e) =>
        guardVoid("didChangeWorkspaceFolders", () => {
          for (const f of e.removed) {
            if (!f.uri.startsWith("file:")) continue;
            const dir = fileURLToPath(f.uri);
            if (folders.includes(dir)) folders.splice(folders.indexOf(dir), 1);
            for (let i = roots.length - 1; i >= 0; i--) if (roots[i] === dir || roots[i]!.startsWith(dir + sep)) roots.splice(i, 1);
            for (const path of ws.paths()) {
              if (!path.startsWith(dir + sep) || documents.get(toUri(path))) continue;
              schedule(ws.remove(path));
              gone.add(path);
            }
          }
          for (const f of e.added) if (f.uri.startsWith("file:")) for (const p of addFolder(fileURLToPath(f.uri))) schedule(p);
        }),
      );
    }
    if (watchDynamically) {
      // The `.journey` files, and the data files the tests read (see `dataFileChanged`).
      const watchers = [{ globPattern: "**/*.journey" }, ...TEST_DATA_FILES.map((name) => ({ globPattern: `**/${name}` }))];
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => {});
    }
    // Every file read from disk gets its diagnostics once.
    for (const p of ws.allProjects()) schedule(p);
  });

  // ── documents ──────────────────────────────────────────────────────────────────────

  documents.onDidOpen((e) =>
    guardVoid("didOpen", () => {
      const path = toPath(e.document.uri);
      const known = ws.has(path);
      if (!known && isFilePath(path)) refreshRoots(path);
      const project = ws.set(path, e.document.getText(), e.document.version);
      // A file outside every scanned folder: read its folder as a project.
      if (!known && isFilePath(path) && !roots.some((r) => path.startsWith(r + sep))) for (const p of loadRoot(dirname(path))) schedule(p);
      schedule(project);
      testsOnOpenOrSave(project);
    }),
  );

  documents.onDidSave((e) => guardVoid("didSave", () => testsOnOpenOrSave(ws.project(toPath(e.document.uri)))));

  documents.onDidChangeContent((e) =>
    guardVoid("didChange", () => {
      const path = toPath(e.document.uri);
      schedule(ws.set(path, e.document.getText(), e.document.version));
    }),
  );

  documents.onDidClose((e) =>
    guardVoid("didClose", () => {
      const path = toPath(e.document.uri);
      // Back to what is on disk; a file that is not on disk leaves the project.
      const disk = isFilePath(path) && existsSync(path) ? readDisk(path) : undefined;
      if (disk !== undefined) schedule(ws.set(path, disk));
      else {
        schedule(ws.remove(path));
        gone.add(path);
      }
    }),
  );

  connection.onDidChangeWatchedFiles((params) =>
    guardVoid("didChangeWatchedFiles", () => {
      for (const c of params.changes) {
        if (TEST_DATA_FILES.some((name) => c.uri.endsWith(`/${name}`))) {
          dataFileChanged(toPath(c.uri));
          continue;
        }
        if (!c.uri.endsWith(".journey")) continue;
        const path = toPath(c.uri);
        if (c.type !== FileChangeType.Changed && isFilePath(path)) refreshRoots(path);
        if (documents.get(c.uri)) continue;
        if (c.type === FileChangeType.Deleted) {
          schedule(ws.remove(path));
          gone.add(path);
        } else {
          const text = readDisk(path);
          if (text !== undefined) schedule(ws.set(path, text));
        }
      }
    }),
  );

  /**
   * A data file of a project's tests (`action-responses.json`, `provider-responses.json`) was
   * created, changed or deleted: its tests run again (as at a save), so their results and the
   * file's own diagnostic follow it. Only the file in a project's folder is the project's
   * (`journey test` reads no other).
   */
  function dataFileChanged(path: string): void {
    const project = ws.allProjects().find((p) => p.root === dirname(path));
    testsOnOpenOrSave(project);
  }

  // ── features ───────────────────────────────────────────────────────────────────────

  connection.onCompletion((params) =>
    guard("completion", [], () => {
      const path = toPath(params.textDocument.uri);
      const at = offset(path, params.position);
      return ws.completion(path, at).map((c) => ({
        label: c.label,
        kind: COMPLETION_KIND[c.kind],
        detail: c.detail,
        documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
        sortText: c.sortText !== undefined ? `${c.sortText}${c.label}` : undefined,
        insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        textEdit: { range: range(path, c.replace ?? { start: at, end: at }), newText: c.insertText ?? c.label },
      }));
    }),
  );

  connection.onHover((params) =>
    guard("hover", null, () => {
      const path = toPath(params.textDocument.uri);
      const h = ws.hover(path, offset(path, params.position));
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: range(path, h.span) } : null;
    }),
  );

  connection.onDefinition((params) =>
    guard("definition", [], () => {
      const path = toPath(params.textDocument.uri);
      return ws.definition(path, offset(path, params.position)).map((l) => ({ uri: toUri(l.path), range: range(l.path, l.span) }));
    }),
  );

  connection.onReferences((params) =>
    guard("references", [], () => {
      const path = toPath(params.textDocument.uri);
      return ws.references(path, offset(path, params.position), params.context.includeDeclaration).map((l) => ({ uri: toUri(l.path), range: range(l.path, l.span) }));
    }),
  );

  connection.onDocumentHighlight((params) =>
    guard("documentHighlight", [], () => {
      const path = toPath(params.textDocument.uri);
      return ws.highlights(path, offset(path, params.position)).map((h) => ({ range: range(path, h.span), kind: h.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
    }),
  );

  connection.languages.inlayHint.on((params) =>
    guard("inlayHint", [], () => {
      const path = toPath(params.textDocument.uri);
      const span = { start: offset(path, params.range.start), end: offset(path, params.range.end) };
      return ws.inlayHints(path, span).map((h) => ({ position: position(path, h.offset), label: h.label, kind: InlayHintKind.Type, paddingLeft: false }));
    }),
  );

  connection.onPrepareRename((params) => {
    const path = toPath(params.textDocument.uri);
    const r = guard("prepareRename", { error: "internal error" } as { error: string }, () => ws.prepareRename(path, offset(path, params.position)));
    if ("error" in r) throw new ResponseError(-32803, r.error);
    return { range: range(path, r.span), placeholder: r.placeholder };
  });

  connection.onRenameRequest((params) => {
    const path = toPath(params.textDocument.uri);
    const r = guard("rename", { error: "internal error" } as { error: string }, () => ws.rename(path, offset(path, params.position), params.newName));
    if ("error" in r) throw new ResponseError(-32803, r.error);
    return { changes: editsByUri(r.edits) };
  });

  connection.onDocumentSymbol((params) =>
    guard("documentSymbol", [], () => {
      const path = toPath(params.textDocument.uri);
      type Out = { name: string; kind: LspSymbolKind; detail?: string; range: Range; selectionRange: Range; children: Out[] };
      const map = (s: ReturnType<Workspace["documentSymbols"]>[number]): Out => ({
        name: s.name || "(unnamed)",
        kind: SYMBOL_KIND[s.kind],
        detail: s.detail,
        range: range(path, s.span),
        selectionRange: range(path, within(s.selection, s.span) ? s.selection : s.span),
        children: s.children.map(map),
      });
      return ws.documentSymbols(path).map(map);
    }),
  );

  connection.onWorkspaceSymbol((params) =>
    guard("workspaceSymbol", [], () =>
      ws.workspaceSymbols(params.query).slice(0, 500).map((s) => ({ name: s.name, kind: SYMBOL_KIND[s.kind], location: { uri: toUri(s.location.path), range: range(s.location.path, s.location.span) }, containerName: s.container })),
    ),
  );

  connection.languages.semanticTokens.on((params) =>
    guard("semanticTokens", { data: [] }, () => {
      const path = toPath(params.textDocument.uri);
      const data: number[] = [];
      let line = 0;
      let char = 0;
      for (const t of ws.semanticTokens(path)) {
        const p = position(path, t.start);
        const dl = p.line - line;
        data.push(dl, dl === 0 ? p.character - char : p.character, t.length, SEMANTIC_TOKEN_TYPES.indexOf(t.type), t.modifiers.reduce((bits, m) => bits | (1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m)), 0));
        line = p.line;
        char = p.character;
      }
      return { data };
    }),
  );

  connection.onFoldingRanges((params) =>
    guard("foldingRange", [], () => {
      const path = toPath(params.textDocument.uri);
      const text = ws.text(path) ?? "";
      const out = [];
      for (const f of ws.foldingRanges(path)) {
        const startLine = position(path, f.start).line;
        const end = position(path, f.end);
        // Keep a closing `}`, `]` or `"""` that starts its line visible.
        const lineStart = f.end - end.character;
        const endLine = f.kind !== "comment" && /^\s*(\}|\]|""")$/.test(text.slice(lineStart, f.end)) ? end.line - 1 : end.line;
        if (endLine > startLine) out.push({ startLine, endLine, kind: f.kind === "comment" ? FoldingRangeKind.Comment : FoldingRangeKind.Region });
      }
      return out;
    }),
  );

  connection.onSignatureHelp((params) =>
    guard("signatureHelp", null, () => {
      const path = toPath(params.textDocument.uri);
      const h = ws.signatureHelp(path, offset(path, params.position));
      if (!h) return null;
      return {
        signatures: h.signatures.map((s) => ({ label: s.label, documentation: s.documentation ? { kind: MarkupKind.Markdown, value: s.documentation } : undefined, parameters: s.parameters.map((p) => ({ label: p.label })) })),
        activeSignature: h.activeSignature,
        activeParameter: h.activeParameter < 0 ? undefined : h.activeParameter,
      };
    }),
  );

  connection.onCodeAction((params) =>
    guard("codeAction", [], () => {
      const path = toPath(params.textDocument.uri);
      const span = { start: offset(path, params.range.start), end: offset(path, params.range.end) };
      return ws.codeActions(path, span).map((a) => ({
        title: a.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: a.isPreferred,
        diagnostics: params.context.diagnostics.filter((d) => d.code === a.diagnostic.code && offset(path, d.range.start) === a.diagnostic.span.start),
        edit: { changes: editsByUri(a.edits) },
      }));
    }),
  );

  connection.onCodeLens((params) =>
    guard("codeLens", [], () => {
      const path = toPath(params.textDocument.uri);
      // A status lens has no command: editors show it as text.
      return ws.testLenses(path).map((l) => ({ range: range(path, l.span), command: { title: l.title, command: l.command ? RUN_TESTS_COMMAND : "", arguments: l.command ? [params.textDocument.uri] : undefined } }));
    }),
  );

  connection.onExecuteCommand(async (params) => {
    if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, "executeCommand after shutdown");
    if (params.command !== RUN_TESTS_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}: the server has ${RUN_TESTS_COMMAND}`);
    const [uri] = params.arguments ?? [];
    if (uri !== undefined && typeof uri !== "string") throw new ResponseError(ErrorCodes.InvalidParams, `${RUN_TESTS_COMMAND}: the argument is a document's URI`);
    const projects = uri !== undefined ? [ws.project(toPath(uri))] : [...new Set(documents.all().map((d) => ws.project(toPath(d.uri))))];
    const out = [];
    for (const p of projects) {
      if (!p || !ws.hasTests(p)) continue;
      try {
        const run = await runTests(p, true);
        out.push({ project: p.root, ...summary(run) });
      } catch (e) {
        log(`${RUN_TESTS_COMMAND} failed: ${(e as Error)?.stack ?? e}`);
      }
    }
    return out;
  });

  connection.onDocumentFormatting(async (params) => {
    try {
      const path = toPath(params.textDocument.uri);
      return (await ws.formatEdits(path)).map((e) => ({ range: range(path, e.span), newText: e.newText }));
    } catch (e) {
      log(`formatting failed: ${(e as Error)?.stack ?? e}`);
      return [];
    }
  });

  function editsByUri(edits: TextEdit[]): Record<string, { range: Range; newText: string }[]> {
    const changes: Record<string, { range: Range; newText: string }[]> = {};
    for (const e of edits) (changes[toUri(e.path)] ??= []).push({ range: range(e.path, e.span), newText: e.newText });
    return changes;
  }

  /** After `shutdown` a request is an error (the protocol says so), not an empty answer. */
  let shutDown = false;
  connection.onShutdown(() => {
    shutDown = true;
    for (const t of testTimers.values()) clearTimeout(t);
  });

  function guard<T>(name: string, fallback: T, f: () => T): T {
    if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, `${name} after shutdown`);
    try {
      return f();
    } catch (e) {
      log(`${name} failed: ${(e as Error)?.stack ?? e}`);
      return fallback;
    }
  }

  function guardVoid(name: string, f: () => void): void {
    guard(name, undefined, f);
  }

  documents.listen(connection);
  connection.listen();
  return { workspace: ws };
}

/**
 * Where each diagnostic code is documented (see `ServerOptions.docsUrl`): the code's section
 * of `docs/diagnostics.md`, whose headings read "J1004 `unknownField` (error)" (GitHub's anchor
 * for it is `#j1004-unknownfield-error`). Without a URL, the repository's own page is used
 * when the server runs from the repository; otherwise diagnostics carry no link.
 */
function codeDescriptions(base: string | undefined): (code: string) => { href: string } | undefined {
  const anchors = new Map<string, string>();
  for (const [name, k] of Object.entries(codes)) anchors.set(k.code, `${k.code}-${name}-${k.severity}`.toLowerCase());
  let url = base;
  if (url === undefined) {
    try {
      // `import.meta.url` is missing when a bundler turned this module into CommonJS.
      const page = new URL("../../../docs/diagnostics.md", import.meta.url);
      if (existsSync(page)) url = page.href;
    } catch {
      url = undefined;
    }
  }
  if (!url) return () => undefined;
  return (code) => ({ href: `${url}#${anchors.get(code) ?? code.toLowerCase()}` });
}

/** What `journey.runTests` answers for a project: its counts, why it did not run, or that newer text overtook it. */
function summary(run: TestRun | undefined): { status: "ran"; passed: number; failed: number } | { status: "not run"; reason: string } | { status: "overtaken" } {
  if (!run) return { status: "overtaken" };
  if (run.status === "not run") return run;
  const failed = run.tests.filter((t) => !t.passed).length;
  return { status: "ran", passed: run.tests.length - failed, failed };
}

function isFilePath(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || resolve(path) === path;
}

function within(inner: Span, outer: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}
