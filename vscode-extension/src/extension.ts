/**
 * The Journey VS Code client: starts the bundled language server (dist/server.js) over stdio and
 * hands it every `journey` document, with the `journey.tests.run` setting. Everything else
 * (diagnostics, test results, completion, hover, formatting…) is the server's; the server's
 * `journey.runTests` command is registered by the client, from the server's capabilities.
 * Highlighting, snippets and editing rules are static contributions.
 */
import * as path from "node:path";
import { commands, workspace, type ExtensionContext } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  // No watchers of our own: the server registers the files it needs to hear of (`.journey`
  // files changed outside the editor, the action and provider responses its tests read), and
  // the client watches them. Declared here too, each change would reach the server twice.
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "journey" }],
    // Read when the server starts: a change of the setting restarts it (below).
    initializationOptions: () => ({ runTests: workspace.getConfiguration("journey").get<string>("tests.run", "onSave") }),
  };
  // The id `journey` makes the client read the `journey.trace.server` setting.
  client = new LanguageClient("journey", "Journey Language Server", serverOptions, clientOptions);
  context.subscriptions.push(commands.registerCommand("journey.restartServer", () => client?.restart()));
  context.subscriptions.push(workspace.onDidChangeConfiguration((e) => void (e.affectsConfiguration("journey.tests.run") && client?.restart())));
  await client.start();
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  await running?.stop();
}

/** The running client, for tests and for other extensions' debugging. */
export function getClient(): LanguageClient | undefined {
  return client;
}
