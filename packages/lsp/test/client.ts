/**
 * A minimal LSP client for tests: talks JSON-RPC to the server as an editor does, either to
 * a real child process (`journey-lsp --stdio`) or in memory over two `PassThrough` streams.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node.js";
import { createConnection } from "vscode-languageserver/node.js";
import type { Diagnostic, PublishDiagnosticsParams, TextDocumentContentChangeEvent } from "vscode-languageserver";
import { connectionStrategy, startServer, type ServerOptions } from "@journey/lsp";
import { repoRoot } from "./support.js";

export const serverBin = join(repoRoot, "packages/lsp/bin/journey-lsp.js");

export const uri = (path: string) => pathToFileURL(path).href;

export class Client {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publication, in the order received. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  /** What the server registered dynamically (`client/registerCapability`'s registrations). */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** How many times the server asked the editor to ask for code lenses again. */
  codeLensRefreshes = 0;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly connection: MessageConnection,
    private readonly stopper: () => Promise<void>,
    readonly child?: ChildProcess,
  ) {
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.published.push(p);
      this.wake();
    });
    connection.onNotification("window/logMessage", (p: { message: string }) => this.logs.push(p.message));
    connection.onRequest("client/registerCapability", (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      this.wake();
      return null;
    });
    connection.onRequest("workspace/configuration", () => []);
    connection.onRequest("workspace/codeLens/refresh", () => {
      this.codeLensRefreshes++;
      this.wake();
      return null;
    });
    connection.listen();
  }

  /** The server as a child process, as an editor starts it. */
  static process(): Client {
    const child = spawn(process.execPath, [serverBin, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    child.stderr!.on("data", () => {});
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    return new Client(connection, async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        setTimeout(() => child.kill(), 3000).unref();
      });
    }, child);
  }

  /** The server in this process, over in-memory streams. */
  static memory(options: ServerOptions = {}): Client {
    const up = new PassThrough();
    const down = new PassThrough();
    const serverConnection = createConnection(up, down, connectionStrategy);
    startServer(serverConnection, options);
    const connection = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    return new Client(connection, async () => {
      serverConnection.dispose();
    });
  }

  async initialize(rootPath?: string, initializationOptions: Record<string, unknown> = {}): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>("initialize", {
      processId: process.pid,
      rootUri: rootPath ? uri(rootPath) : null,
      workspaceFolders: rootPath ? [{ uri: uri(rootPath), name: "root" }] : null,
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, codeLens: { refreshSupport: true } }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
      initializationOptions,
    });
    await this.connection.sendNotification("initialized", {});
    return result;
  }

  async open(path: string, text: string): Promise<void> {
    this.versions.set(uri(path), 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uri(path), languageId: "journey", version: 1, text } });
  }

  /** Send changes; returns the new version. */
  async change(path: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri(path)) ?? 0) + 1;
    this.versions.set(uri(path), version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri: uri(path), version }, contentChanges: changes });
    return version;
  }

  async save(path: string): Promise<void> {
    await this.connection.sendNotification("textDocument/didSave", { textDocument: { uri: uri(path) } });
  }

  /** Tell the server files changed on disk, as an editor's file watcher does (1 created, 2 changed, 3 deleted). */
  async filesChanged(changes: { path: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: changes.map((c) => ({ uri: uri(c.path), type: c.type })) });
  }

  async close(path: string): Promise<void> {
    await this.connection.sendNotification("textDocument/didClose", { textDocument: { uri: uri(path) } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest<T>(method, params);
  }

  /** Resolves once `check` holds (re-checked on each notification), or rejects after `ms`. */
  until(check: () => boolean, ms = 10000, what = "condition"): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { check, resolve: () => resolve() };
      this.waiters.push(w);
      setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms).unref();
    });
  }

  /** The diagnostics of a file once published for its current version (or at all, for files not open). */
  async diagnosticsOf(path: string, version?: number): Promise<Diagnostic[]> {
    const u = uri(path);
    await this.until(() => {
      const p = this.diagnostics.get(u);
      return p !== undefined && (version === undefined || p.version === version);
    }, 10000, `diagnostics of ${path}${version !== undefined ? ` v${version}` : ""}`);
    return this.diagnostics.get(u)!.diagnostics;
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  async stop(): Promise<void> {
    if (this.child) {
      try {
        await this.connection.sendRequest("shutdown");
        await this.connection.sendNotification("exit");
      } catch {
        /* already gone */
      }
    }
    await this.stopper();
    this.connection.dispose();
  }
}

/**
 * Build the server and the CLI when their sources are newer than their output (end-to-end
 * tests run the built files, as an editor does). A lock keeps parallel test files from
 * building at the same time.
 */
export function ensureBuilt(): void {
  const outputs = ["packages/lsp/dist/main.js", "packages/cli/dist/main.js"].map((p) => join(repoRoot, p));
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  const stale = () => {
    const built = Math.min(...outputs.map((o) => (existsSync(o) ? statSync(o).mtimeMs : 0)));
    return ["template", "ir", "compiler", "runtime", "lsp", "cli"].some((p) => newest(join(repoRoot, "packages", p, "src")) > built);
  };
  if (!stale()) return;
  const lock = join(repoRoot, "packages/lsp/.build-lock");
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch {
      // Another test file is building: wait for it.
      execFileSync(process.execPath, ["-e", "setTimeout(() => {}, 200)"]);
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { force: true });
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-b", "packages/lsp", "packages/cli"], { cwd: repoRoot, stdio: "inherit" });
  } finally {
    rmSync(lock, { force: true });
  }
}
