// Builds the two bundles the .vsix ships:
//   dist/extension.js  the client (src/extension.ts + vscode-languageclient), CommonJS, `vscode` external
//   dist/server.js     the language server (packages/lsp/dist/main.js and everything it imports:
//                      compiler, template engine, chevrotain, vscode-languageserver…), self-contained
// The server is compiled by the root `tsc -b` first; this script only bundles its output.
import { build } from "esbuild";
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "dist");
const serverEntry = join(root, "..", "packages", "lsp", "dist", "main.js");
// `--dev`: readable bundles with source maps, for debugging the extension from a checkout.
const production = !process.argv.includes("--dev");

if (!existsSync(serverEntry)) {
  console.error(`journey-vscode: ${serverEntry} is missing; run the root \`npm run build\` (tsc -b) first.`);
  process.exit(1);
}

// Files are overwritten in place (the .vsix takes only the files the manifest lists).
mkdirSync(dist, { recursive: true });
if (production) for (const map of ["extension.js.map", "server.js.map"]) rmSync(join(dist, map), { force: true });

const common = {
  bundle: true,
  platform: "node",
  // VS Code 1.82 runs extensions and forked servers on Electron 25 (Node 18).
  target: "node18",
  format: "cjs",
  minify: production,
  sourcemap: production ? false : "linked",
  legalComments: "none",
  logLevel: "warning",
  // Prefer the CommonJS builds of dual packages; ESM-only ones (chevrotain) are converted.
  mainFields: ["main", "module"],
};

await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, "src", "extension.ts")],
    outfile: join(dist, "extension.js"),
    external: ["vscode"],
  }),
  build({
    ...common,
    entryPoints: [serverEntry],
    outfile: join(dist, "server.js"),
    // The server sources are ESM; in a CommonJS bundle `import.meta.url` must be recreated.
    banner: { js: 'const __journey_import_meta_url = require("url").pathToFileURL(__filename).href;' },
    define: { "import.meta.url": "__journey_import_meta_url" },
  }),
]);

// vscode-languageclient kills a server that ignores `shutdown` with this script, which it looks
// for next to its own code: now dist/extension.js.
const require = createRequire(import.meta.url);
const terminate = join(dirname(require.resolve("vscode-languageclient/package.json")), "lib", "node", "terminateProcess.sh");
copyFileSync(terminate, join(dist, "terminateProcess.sh"));
chmodSync(join(dist, "terminateProcess.sh"), 0o755);
