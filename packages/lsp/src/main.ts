/**
 * `journey-lsp --stdio`: the Journey language server on standard input and output (also
 * `--node-ipc` and `--socket=<port>`, as `vscode-languageserver` reads them).
 */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node.js";
import { connectionStrategy, startServer } from "./server.js";

const args = process.argv.slice(2);
if (args.includes("--version")) {
  process.stdout.write("journey-lsp 0.1.0\n");
} else if (args.includes("--help") || !args.some((a) => a === "--stdio" || a === "--node-ipc" || a.startsWith("--socket") || a.startsWith("--pipe"))) {
  process.stdout.write("usage: journey-lsp --stdio\n\nThe Journey language server. An editor starts it and speaks LSP on stdin/stdout.\n");
  process.exitCode = args.includes("--help") ? 0 : 2;
} else {
  startServer(createConnection(ProposedFeatures.all, connectionStrategy));
}
