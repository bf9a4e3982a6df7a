/**
 * The VS Code extension, tested without VS Code (it cannot run on CI machines):
 *   - the TextMate grammar, with vscode-tmgrammar-test's scope assertions (test/grammar/*.journey),
 *     plus checks that it knows every keyword and built-in of the compiler and that the sample
 *     projects tokenize without leaking a string or template past the end of a file;
 *   - the language configuration and the snippets (every snippet expands to code that parses);
 *   - the manifest (ids, scope names, every referenced path exists after the build);
 *   - the two bundles (self-contained; the server answers `initialize` from a folder with no
 *     node_modules) and the client, loaded with a hand-written `vscode` mock;
 *   - the .vsix built by `npm run package`, which must carry the bundled server.
 * `npm test` builds first (the root build ends with `npm run build -w vscode-extension`).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as childProcess from "node:child_process";
import { builtinModules, createRequire } from "node:module";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ALGORITHMS, BUILTIN_FUNCTIONS, CHANNELS, EXCLUSIONS, FORMATS, HTTP_METHODS, keywords, parseFile } from "@journey/compiler";
import { BLOCK_HELPERS, HELPERS, parseTemplate } from "@journey/template";

const ext = fileURLToPath(new URL("..", import.meta.url));
const repo = join(ext, "..");
const requireHere = createRequire(join(ext, "package.json"));
const manifest = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
const grammarPath = join(ext, "syntaxes", "journey.tmLanguage.json");
const grammar = JSON.parse(readFileSync(grammarPath, "utf8"));
const htmlStub = join(ext, "test", "grammar", "html-stub.tmLanguage.json");
const grammarTests = readdirSync(join(ext, "test", "grammar")).filter((f) => f.endsWith(".journey"));
const tmgrammarTest = join(dirname(requireHere.resolve("vscode-tmgrammar-test/package.json")), "dist");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd = ext, timeout = 120_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}`, error: r.error };
}

// ── TextMate grammar ─────────────────────────────────────────────────────────────────

describe("TextMate grammar", () => {
  it("passes the scope assertions of every grammar test (vscode-tmgrammar-test)", () => {
    const r = run(npm, ["run", "--silent", "test:grammar"]);
    expect(r.error).toBeUndefined();
    expect(r.out).not.toMatch(/ERROR/);
    expect(r.status, r.out).toBe(0);
    for (const f of grammarTests) expect(r.out).toContain(`test/grammar/${f} run successfuly`);
    expect(grammarTests.length).toBeGreaterThanOrEqual(8);
  });

  it("fails on a wrong scope, so the assertions are not vacuous", () => {
    const dir = mkdtempSync(join(tmpdir(), "journey-grammar-"));
    try {
      const file = join(dir, "wrong.journey");
      writeFileSync(file, ['// SYNTAX TEST "source.journey" "a deliberately wrong assertion"', "wait 4h", "//   ^^ constant.numeric.percentage.journey", ""].join("\n"));
      const r = run(process.execPath, [join(tmgrammarTest, "unit.js"), "-c", "-g", htmlStub, file]);
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/Missing required scopes: \[ constant\.numeric\.percentage\.journey \]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Every `(a|b|c)` alternation word of the grammar's regexes. */
  const grammarWords = new Set<string>();
  (function collect(node: unknown): void {
    if (Array.isArray(node)) return node.forEach(collect);
    if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if ((k === "match" || k === "begin") && typeof v === "string") {
          for (const m of v.matchAll(/\((?:\?:)?([A-Za-z|]+)\)/g)) m[1]!.split("|").forEach((w) => grammarWords.add(w));
          for (const m of v.matchAll(/\\b([A-Za-z]+)\\b/g)) grammarWords.add(m[1]!);
        } else collect(v);
      }
    }
  })(grammar);

  it("knows every keyword of the lexer and every built-in of the compiler and template engine", () => {
    const missing = (words: Iterable<string>) => [...words].filter((w) => !grammarWords.has(w));
    expect(missing(keywords)).toEqual([]);
    expect(missing(BUILTIN_FUNCTIONS.keys())).toEqual([]);
    expect(missing(ALGORITHMS.keys())).toEqual([]);
    expect(missing(CHANNELS.keys())).toEqual([]);
    expect(missing(EXCLUSIONS)).toEqual([]);
    expect(missing(HTTP_METHODS)).toEqual([]);
    expect(missing(FORMATS)).toEqual([]);
    expect(missing(HELPERS.keys())).toEqual([]);
    expect(missing(BLOCK_HELPERS)).toEqual([]);
  });

  it("has a grammar test assertion on every keyword", () => {
    // The text under each `^^^` / `<---` assertion, from the source line above it.
    const asserted = new Set<string>();
    for (const f of grammarTests) {
      let source = "";
      for (const line of readFileSync(join(ext, "test", "grammar", f), "utf8").split("\n").slice(1)) {
        const rest = line.startsWith("//") ? line.slice(2) : undefined;
        if (rest !== undefined && /^\s*(\^|<~*-+)/.test(rest)) {
          const left = /^\s*<(~*)(-+)/.exec(rest);
          if (left) asserted.add(source.slice(left[1]!.length, left[1]!.length + left[2]!.length));
          for (const m of rest.matchAll(/\^+/g)) asserted.add(source.slice(m.index! + 2, m.index! + 2 + m[0].length));
        } else source = line;
      }
    }
    expect(keywords.filter((k) => !asserted.has(k))).toEqual([]);
  });

  describe("on the sample projects", () => {
    // vscode-textmate through the test runner's own copy (the version the assertions run on).
    const common = createRequire(join(tmgrammarTest, "unit.js"))("./common/index.js") as {
      createRegistry(gs: { path: string; scopeName: string }[]): {
        loadGrammar(scope: string): Promise<{
          tokenizeLine(line: string, stack: unknown): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: { depth: number } };
        } | null>;
      };
    };
    const samples: string[] = [];
    (function walk(dir: string) {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith(".journey")) samples.push(join(dir, e.name));
      }
    })(join(repo, "samples"));

    it("tokenizes every sample without invalid tokens and ends every file at the top level", async () => {
      expect(samples.length).toBeGreaterThan(0);
      const registry = common.createRegistry([
        { path: grammarPath, scopeName: "source.journey" },
        { path: htmlStub, scopeName: "text.html.basic" },
      ]);
      const g = (await registry.loadGrammar("source.journey"))!;
      const problems: string[] = [];
      for (const file of samples) {
        let stack: unknown = null;
        let depth = 1;
        readFileSync(file, "utf8")
          .split(/\r?\n/)
          .forEach((line, i) => {
            const r = g.tokenizeLine(line, stack);
            stack = r.ruleStack;
            depth = r.ruleStack.depth;
            for (const t of r.tokens)
              if (t.scopes.some((s) => s.startsWith("invalid")))
                problems.push(`${relative(repo, file)}:${i + 1}:${t.startIndex + 1} ${JSON.stringify(line.slice(t.startIndex, t.endIndex))} ${t.scopes.join(" ")}`);
          });
        if (depth !== 1) problems.push(`${relative(repo, file)}: ends inside a string, comment or template (depth ${depth})`);
      }
      expect(problems).toEqual([]);
    });
  });
});

// ── language configuration and snippets ──────────────────────────────────────────────

describe("language configuration", () => {
  const config = JSON.parse(readFileSync(join(ext, "language-configuration.json"), "utf8"));

  it("declares comments, brackets, auto-closing and surrounding pairs", () => {
    expect(config.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(config.brackets).toEqual([["{", "}"], ["[", "]"], ["(", ")"]]);
    const pairs = config.autoClosingPairs.map((p: { open: string; close: string }) => `${p.open}${p.close}`);
    expect(pairs).toEqual(expect.arrayContaining(["{}", "[]", "()", '""', "{{}}"]));
    expect(config.surroundingPairs).toEqual(expect.arrayContaining([["{", "}"], ['"', '"']]));
  });

  it("indents after an opening brace or triple quote and outdents on the closing one", () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const l of ["journey AbandonedCart {", "  wait for OrderPlaced within 24h {", "  } timeout {", '  html """', "  catalog Product ["]) expect(increase.test(l), l).toBe(true);
    for (const l of ["  if x { end }", '  content """{"a": 1}"""', "  // a comment {", "  {{#each xs}}<p>{{x}}</p>{{/each}}"]) expect(increase.test(l), l).toBe(false);
    for (const l of ["}", "  } timeout {", "  ]", '  """']) expect(decrease.test(l), l).toBe(true);
    expect(decrease.test("  wait 4h")).toBe(false);
    new RegExp(config.wordPattern);
    for (const m of Object.values(config.folding.markers) as string[]) new RegExp(m);
  });
});

/** Expands a VS Code snippet body the way inserting it without edits would. */
function expandSnippet(body: string): string {
  let i = 0;
  function parse(stopAt: string): string {
    let out = "";
    while (i < body.length) {
      const c = body[i]!;
      if (c === "\\" && i + 1 < body.length && "$}\\,|".includes(body[i + 1]!)) {
        out += body[i + 1];
        i += 2;
      } else if (stopAt.includes(c)) {
        return out;
      } else if (c === "$") {
        const simple = /^\$(\d+)/.exec(body.slice(i));
        if (simple) {
          i += simple[0].length;
          out += mirrors.get(simple[1]!) ?? "";
          continue;
        }
        const m = /^\$\{(\d+)([:|}])/.exec(body.slice(i));
        if (!m) throw new Error(`unsupported snippet syntax at ${body.slice(i, i + 20)}`);
        i += m[0].length;
        let value = "";
        if (m[2] === ":") {
          value = parse("}");
          i++; // }
        } else if (m[2] === "|") {
          const end = body.indexOf("|}", i);
          value = body.slice(i, end).split(",")[0]!;
          i = end + 2;
        }
        if (!mirrors.has(m[1]!)) mirrors.set(m[1]!, value);
        out += value;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }
  const mirrors = new Map<string, string>();
  const text = parse("");
  return text.replace(/\t/g, "  ");
}

describe("snippets", () => {
  const snippets = JSON.parse(readFileSync(join(ext, manifest.contributes.snippets[0].path), "utf8")) as Record<
    string,
    { prefix: string; body: string[]; description: string }
  >;
  const byPrefix = new Map(Object.values(snippets).map((s) => [s.prefix, s]));
  const declarations = ["profile", "type", "event", "catalog", "audience", "action", "fragment", "template", "channel", "journey", "experience", "test"];
  const steps = ["wait", "wait for", "wait until", "if", "ifelse", "split", "send", "send email", "send sms", "recommend", "call", "let", "set", "repeat", "jump"];

  it("has a snippet for every declaration and the common steps, each described", () => {
    for (const p of [...declarations, ...steps]) expect(byPrefix.has(p), p).toBe(true);
    for (const [name, s] of Object.entries(snippets)) {
      expect(s.description, name).toBeTruthy();
      expect(Array.isArray(s.body) && s.body.length > 0, name).toBe(true);
    }
  });

  it("expands every declaration snippet to a declaration that parses", () => {
    for (const p of declarations) {
      const text = expandSnippet(byPrefix.get(p)!.body.join("\n"));
      const r = parseFile(`${p}.journey`, text);
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`), `${p}:\n${text}`).toEqual([]);
      expect(r.file.declarations.length, text).toBe(1);
    }
  });

  it("expands every other Journey snippet to code that parses in its place", () => {
    const wrap: Record<string, (s: string) => string> = {
      variant: (s) => `experience E {\n${s}\n}`,
      expect: (s) => `test "t" {\n${s}\n}`,
      exit: (s) => `journey J {\n${s}\n}`,
      goal: (s) => `journey J {\n${s}\n}`,
      "journey-audience": (s) => s,
      "journey-schedule": (s) => s,
    };
    for (const s of Object.values(snippets)) {
      if (declarations.includes(s.prefix) || s.prefix.startsWith("#")) continue;
      const text = (wrap[s.prefix] ?? ((x: string) => `journey J {\n  on E as e\n${x}\n}`))(expandSnippet(s.body.join("\n")));
      const r = parseFile("snippet.journey", text);
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`), `${s.prefix}:\n${text}`).toEqual([]);
    }
  });

  it("expands the template-tag snippets to templates that parse", () => {
    for (const s of Object.values(snippets).filter((x) => x.prefix.startsWith("#"))) {
      const text = expandSnippet(s.body.join("\n"));
      expect(parseTemplate(text).errors, text).toEqual([]);
    }
  });
});

// ── manifest ─────────────────────────────────────────────────────────────────────────

describe("manifest", () => {
  it("contributes the `journey.tests.run` setting with the values the server takes", () => {
    const setting = manifest.contributes.configuration.properties["journey.tests.run"];
    expect(setting).toMatchObject({ type: "string", default: "onSave", enum: ["onSave", "onType", "off"] });
    expect(setting.enumDescriptions).toHaveLength(3);
  });

  it("contributes the journey language, its grammar, configuration and snippets", () => {
    const [language] = manifest.contributes.languages;
    expect(language.id).toBe("journey");
    expect(language.extensions).toEqual([".journey"]);
    const [g] = manifest.contributes.grammars;
    expect(g).toMatchObject({ language: "journey", scopeName: "source.journey" });
    expect(grammar.scopeName).toBe(g.scopeName);
    expect(g.embeddedLanguages).toEqual({ "meta.embedded.block.html": "html" });
    expect(JSON.stringify(grammar)).toContain('"contentName":"meta.embedded.block.html"');
    expect(JSON.stringify(grammar)).toContain('"include":"text.html.basic"');
    expect(manifest.contributes.snippets[0].language).toBe("journey");
    expect(manifest.activationEvents).toContain("onLanguage:journey");
    expect(manifest.main).toBe("./dist/extension.js");
    expect(manifest.engines.vscode).toBe(`^${requireHere("@types/vscode/package.json").version}`);
    expect(manifest.license).toBe("MIT");
  });

  it("references only paths that exist after the build", () => {
    const paths = [
      manifest.main,
      ...manifest.contributes.languages.map((l: { configuration: string }) => l.configuration),
      ...manifest.contributes.grammars.map((g: { path: string }) => g.path),
      ...manifest.contributes.snippets.map((s: { path: string }) => s.path),
      ...manifest.files,
    ];
    for (const p of paths) expect(existsSync(join(ext, p)), p).toBe(true);
    expect(manifest.files).toEqual(expect.arrayContaining(["dist/extension.js", "dist/server.js"]));
  });
});

// ── bundles ──────────────────────────────────────────────────────────────────────────

/**
 * The modules a CommonJS bundle still `require`s at run time. A `require(…)` right after a
 * quote is text, not a call: ajv's code generator keeps such lines as strings for its
 * standalone mode (the server bundle's run of a project's tests below shows it needs none).
 */
function requiredModules(file: string): Set<string> {
  return new Set([...readFileSync(file, "utf8").matchAll(/(?<!['"`])\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
}
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** LSP over stdio: Content-Length framing. */
function lspClient(proc: ChildProcess) {
  let buffer = Buffer.alloc(0);
  const waiting = new Map<number, (msg: { result?: unknown; error?: unknown }) => void>();
  proc.stdout!.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const sep = buffer.indexOf("\r\n\r\n");
      if (sep < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, sep).toString())?.[1]);
      if (buffer.length < sep + 4 + length) return;
      const msg = JSON.parse(buffer.subarray(sep + 4, sep + 4 + length).toString());
      buffer = buffer.subarray(sep + 4 + length);
      if (typeof msg.id === "number" && waiting.has(msg.id) && !msg.method) waiting.get(msg.id)!(msg);
    }
  });
  let nextId = 1;
  const send = (msg: object) => {
    const json = JSON.stringify({ jsonrpc: "2.0", ...msg });
    proc.stdin!.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  };
  return {
    request(method: string, params: unknown, timeoutMs = 20_000) {
      const id = nextId++;
      return new Promise<{ result?: unknown; error?: unknown }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${timeoutMs} ms`)), timeoutMs);
        waiting.set(id, (m) => (clearTimeout(timer), resolve(m)));
        send({ id, method, params });
      });
    },
    notify: (method: string, params?: unknown) => send({ method, params }),
  };
}

describe("bundles", () => {
  it("the client bundle needs nothing but `vscode` and Node's built-ins", () => {
    const mods = [...requiredModules(join(ext, "dist", "extension.js"))].filter((m) => !builtins.has(m));
    expect(mods).toEqual(["vscode"]);
  });

  it("the server bundle needs nothing but Node's built-ins", () => {
    const mods = [...requiredModules(join(ext, "dist", "server.js"))].filter((m) => !builtins.has(m));
    expect(mods).toEqual([]);
  });

  it("the server bundle answers `initialize` on stdio from a folder without node_modules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "journey-server-"));
    copyFileSync(join(ext, "dist", "server.js"), join(dir, "server.js"));
    const proc = spawn(process.execPath, [join(dir, "server.js"), "--stdio"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    proc.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
    try {
      const client = lspClient(proc);
      const init = await client.request("initialize", { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
      expect(init.error, stderr).toBeUndefined();
      expect(init.result).toMatchObject({ capabilities: expect.any(Object) });
      client.notify("initialized", {});
      const down = await client.request("shutdown", null);
      expect(down.error).toBeUndefined();
      client.notify("exit");
      expect(await exited).toBe(0);
    } finally {
      proc.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the server bundle runs a project's tests from a folder without node_modules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "journey-server-"));
    copyFileSync(join(ext, "dist", "server.js"), join(dir, "server.js"));
    const project = join(dir, "project");
    cpSync(join(repo, "samples", "weather-promo"), project, { recursive: true });
    const file = join(project, "weather-promo.journey");
    const proc = spawn(process.execPath, [join(dir, "server.js"), "--stdio"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    proc.stderr!.on("data", (d) => (stderr += d));
    try {
      const client = lspClient(proc);
      await client.request("initialize", { processId: process.pid, rootUri: pathToFileURL(project).href, capabilities: {}, initializationOptions: { runTests: "off" } });
      client.notify("initialized", {});
      client.notify("textDocument/didOpen", { textDocument: { uri: pathToFileURL(file).href, languageId: "journey", version: 1, text: readFileSync(file, "utf8") } });
      // The sample's calls are answered from its action-responses.json: every test passes.
      const ran = await client.request("workspace/executeCommand", { command: "journey.runTests", arguments: [pathToFileURL(file).href] });
      expect(ran.error, stderr).toBeUndefined();
      expect(ran.result).toEqual([{ project, status: "ran", passed: 6, failed: 0 }]);
    } finally {
      proc.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ── the client, with a hand-written `vscode` mock ────────────────────────────────────

interface Disposable {
  dispose(): void;
}
const disposable = (): Disposable => ({ dispose() {} });

class MockEventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  event = (listener: (e: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

/**
 * Just enough of the `vscode` API for `vscode-languageclient` to start a client: the namespaces
 * record what the extension asks of them; any `register…`/`on…`/`create…` member not written out
 * answers with a disposable, and any class not written out is an empty class (the client extends
 * a few of VS Code's classes when it loads).
 */
function createVscodeMock() {
  const calls = { watchers: [] as string[], commands: new Map<string, (...args: unknown[]) => unknown>(), outputChannels: [] as string[] };
  const event = () => disposable();
  const namespace = (explicit: Record<string, unknown>) =>
    new Proxy(explicit, {
      get(target, prop: string) {
        if (prop in target) return target[prop];
        if (typeof prop !== "string" || prop === "then") return undefined;
        if (/^on[A-Z]/.test(prop)) return event;
        if (/^(register|create|show|set|update)/.test(prop)) return () => Object.assign(disposable(), { then: undefined });
        return undefined;
      },
    });
  const outputChannel = (name: string) => {
    calls.outputChannels.push(name);
    return { name, append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {} };
  };
  class Disposable_ {
    constructor(private readonly fn?: () => void) {}
    dispose() {
      this.fn?.();
    }
    static from(...items: (Disposable | undefined)[]) {
      return new Disposable_(() => items.forEach((d) => d?.dispose()));
    }
  }
  class CancellationTokenSource {
    private emitter = new MockEventEmitter<void>();
    token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
    cancel() {
      this.token.isCancellationRequested = true;
      this.emitter.fire();
    }
    dispose() {}
  }
  class CodeActionKind {
    static readonly Empty = new CodeActionKind("");
    static readonly QuickFix = CodeActionKind.Empty.append("quickfix");
    static readonly Refactor = CodeActionKind.Empty.append("refactor");
    static readonly Source = CodeActionKind.Empty.append("source");
    static readonly SourceOrganizeImports = CodeActionKind.Source.append("organizeImports");
    static readonly SourceFixAll = CodeActionKind.Source.append("fixAll");
    constructor(readonly value: string) {}
    append(part: string) {
      return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
    }
    contains(other: CodeActionKind) {
      return this.value === other.value || other.value.startsWith(`${this.value}.`);
    }
    intersects(other: CodeActionKind) {
      return this.contains(other) || other.contains(this);
    }
  }
  const diagnostics = new Map<string, unknown[]>();
  const diagnosticCollection = (name: string) => ({
    name,
    set: (uri: { toString(): string }, d: unknown[]) => void diagnostics.set(uri.toString(), d),
    get: (uri: { toString(): string }) => diagnostics.get(uri.toString()),
    has: (uri: { toString(): string }) => diagnostics.has(uri.toString()),
    delete: (uri: { toString(): string }) => void diagnostics.delete(uri.toString()),
    forEach: (fn: (uri: string, d: unknown[]) => void) => diagnostics.forEach((d, u) => fn(u, d)),
    clear: () => diagnostics.clear(),
    dispose: () => diagnostics.clear(),
  });
  class Uri {
    constructor(readonly scheme: string, readonly path: string) {}
    static file(p: string) {
      return new Uri("file", p);
    }
    static parse(s: string) {
      return new Uri(s.split(":")[0]!, s.replace(/^[a-z]+:\/\//, ""));
    }
    get fsPath() {
      return this.path;
    }
    toString() {
      return `${this.scheme}://${this.path}`;
    }
  }
  const explicit: Record<string, unknown> = {
    version: "1.82.0",
    env: { language: "en", appName: "Visual Studio Code (mock)", machineId: "mock", sessionId: "mock", uiKind: 1, appRoot: ext },
    Disposable: Disposable_,
    EventEmitter: MockEventEmitter,
    CancellationTokenSource,
    CodeActionKind,
    Uri,
    workspace: namespace({
      workspaceFolders: undefined,
      textDocuments: [],
      notebookDocuments: [],
      getConfiguration: () => ({ get: (_key: string, fallback?: unknown) => fallback, has: () => false, inspect: () => undefined, update: async () => {} }),
      getWorkspaceFolder: () => undefined,
      createFileSystemWatcher: (pattern: string) => {
        calls.watchers.push(pattern);
        return { onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} };
      },
    }),
    window: namespace({
      activeTextEditor: undefined,
      visibleTextEditors: [],
      visibleNotebookEditors: [],
      createOutputChannel: outputChannel,
      showErrorMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    }),
    languages: namespace({ match: () => 0, getLanguages: async () => ["journey"], createDiagnosticCollection: diagnosticCollection }),
    commands: namespace({
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        calls.commands.set(id, fn);
        return { dispose: () => calls.commands.delete(id) };
      },
      executeCommand: async () => undefined,
      getCommands: async () => [],
    }),
    extensions: namespace({ all: [], getExtension: () => undefined }),
    notebooks: namespace({}),
  };
  const classes = new Map<string, unknown>();
  const vscode = new Proxy(explicit, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      if (typeof prop !== "string" || prop === "then" || prop === "__esModule" || prop === "default") return undefined;
      // Any other capitalised name: an (empty) class or enum.
      if (/^[A-Z]/.test(prop)) {
        if (!classes.has(prop)) classes.set(prop, class {});
        return classes.get(prop);
      }
      return namespace({});
    },
  });
  return { vscode, calls };
}

/** Loads dist/extension.js as VS Code would, with `vscode` mocked and `fork`/`spawn` observed. */
function loadExtension(vscode: unknown) {
  const file = join(ext, "dist", "extension.js");
  const forks: { module: string; args: string[] }[] = [];
  const processes: ChildProcess[] = [];
  const cp = {
    ...childProcess,
    fork: (module: string, args: string[], options: childProcess.ForkOptions) => {
      forks.push({ module, args });
      const p = childProcess.fork(module, args, options);
      processes.push(p);
      return p;
    },
  };
  const req = createRequire(file);
  const mod = { exports: {} as Record<string, unknown> };
  const requireMock = (id: string) => (id === "vscode" ? vscode : id === "child_process" || id === "node:child_process" ? cp : req(id));
  new Function("exports", "require", "module", "__filename", "__dirname", readFileSync(file, "utf8"))(mod.exports, requireMock, mod, file, dirname(file));
  return { exports: mod.exports as { activate(ctx: unknown): Promise<void>; deactivate(): Promise<void>; getClient(): any }, forks, processes };
}

describe("client", () => {
  const { vscode, calls } = createVscodeMock();
  let loaded: ReturnType<typeof loadExtension>;
  const context = { subscriptions: [] as Disposable[], extensionPath: ext, asAbsolutePath: (p: string) => join(ext, p) };

  beforeAll(() => {
    loaded = loadExtension(vscode);
  });
  afterAll(async () => {
    await loaded.exports.deactivate().catch(() => undefined);
    for (const p of loaded.processes) if (p.exitCode === null) p.kill();
  });

  it("activates: starts the bundled server on stdio and serves journey documents", async () => {
    await loaded.exports.activate(context);
    const client = loaded.exports.getClient();
    expect(client).toBeDefined();
    expect(client.isRunning()).toBe(true);
    expect(loaded.forks).toHaveLength(1);
    expect(loaded.forks[0]!.module).toBe(join(ext, "dist", "server.js"));
    expect(loaded.forks[0]!.args).toContain("--stdio");
    expect(client.clientOptions.documentSelector).toEqual([{ language: "journey" }]);
    // The .journey files, and the canned action and provider responses the tests read: watched once, as the server registers them.
    await vi.waitFor(() => expect(calls.watchers).toEqual(["**/*.journey", "**/action-responses.json", "**/provider-responses.json"]));
    expect(client.initializeResult?.capabilities).toBeDefined();
    // The setting's default (the mock's configuration has no value), sent to the server.
    expect(client.clientOptions.initializationOptions()).toEqual({ runTests: "onSave" });
    expect(client.initializeResult?.capabilities.executeCommandProvider).toEqual({ commands: ["journey.runTests"] });
  });

  it("registers the commands the manifest contributes", () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command);
    expect([...calls.commands.keys()].sort()).toEqual([...contributed].sort());
    expect(context.subscriptions.length).toBeGreaterThanOrEqual(2);
  });

  it("deactivates: stops the client and the server process", async () => {
    const server = loaded.processes[0]!;
    const exited = server.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => server.on("exit", () => resolve()));
    await loaded.exports.deactivate();
    expect(loaded.exports.getClient()).toBeUndefined();
    await exited;
    expect(server.exitCode !== null || server.signalCode !== null).toBe(true);
  });
});

// ── the .vsix ────────────────────────────────────────────────────────────────────────

/** The entries of a zip file, from its central directory. */
function zipEntries(file: string): Map<string, { size: number; read(): Buffer }> {
  const zip = readFileSync(file);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, { size: number; read(): Buffer }>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory");
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString("utf8");
    entries.set(name, {
      size,
      read() {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + compressed);
        return method === 0 ? data : inflateRawSync(data);
      },
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe("vsix", () => {
  const vsix = join(ext, "journey.vsix");
  let entries: ReturnType<typeof zipEntries>;

  beforeAll(() => {
    rmSync(vsix, { force: true });
    const r = run(npm, ["run", "package"], ext, 180_000);
    expect(r.status, r.out).toBe(0);
    entries = zipEntries(vsix);
  }, 180_000);

  it("is built by `npm run package` with the bundled server and client, grammar and snippets", () => {
    const names = [...entries.keys()];
    for (const f of [
      "extension.vsixmanifest",
      "[Content_Types].xml",
      "extension/package.json",
      "extension/dist/extension.js",
      "extension/dist/server.js",
      "extension/syntaxes/journey.tmLanguage.json",
      "extension/snippets/journey.code-snippets",
      "extension/language-configuration.json",
      "extension/images/icon.png",
      "extension/readme.md",
    ])
      expect(names.map((n) => n.toLowerCase()), f).toContain(f.toLowerCase());
    expect(names.some((n) => /^extension\/LICENSE(\.txt)?$/i.test(n))).toBe(true);
    expect(entries.get("extension/dist/server.js")!.read().equals(readFileSync(join(ext, "dist", "server.js")))).toBe(true);
    expect(JSON.parse(entries.get("extension/package.json")!.read().toString()).name).toBe("journey-vscode");
    // The marketplace and the extensions view show this icon: a 128×128 PNG named in the manifest.
    const icon = entries.get("extension/images/icon.png")!.read();
    expect(icon.subarray(1, 4).toString()).toBe("PNG");
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([128, 128]);
    expect(entries.get("extension.vsixmanifest")!.read().toString()).toContain('Path="extension/images/icon.png"');
  });

  it("contains nothing else: no sources, tests, scripts or node_modules", () => {
    const allowed = /^extension\/(dist\/(extension|server)\.js|dist\/terminateProcess\.sh|syntaxes\/journey\.tmLanguage\.json|snippets\/journey\.code-snippets|language-configuration\.json|images\/icon\.png|package\.json|readme\.md|license(\.txt)?|changelog\.md)$/i;
    const extra = [...entries.keys()].filter((n) => n.startsWith("extension/") && !allowed.test(n));
    expect(extra).toEqual([]);
    expect(statSync(vsix).size).toBeLessThan(8 * 1024 * 1024);
  });
});
