// Run by the root build after `tsc -b`: replaces dist/syntax/chevrotain.js (a re-export of the
// package) with Chevrotain's own single-file ES module build, shipped in its package as
// lib/chevrotain.mjs but not exported. Why: src/syntax/chevrotain.ts.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dist = join(dirname(dirname(fileURLToPath(import.meta.url))), "dist", "syntax");
const target = join(dist, "chevrotain.js");
// The package's entry is lib/src/api.js; the single file sits beside lib/src.
const entry = createRequire(target).resolve("chevrotain");
const bundle = join(dirname(dirname(entry)), "chevrotain.mjs");

if (!existsSync(target)) fail(`${target} is missing: run \`tsc -b packages/compiler\` first`);
if (!existsSync(bundle)) fail(`${bundle} is missing: this Chevrotain version ships no single-file build; pin one that does (11.x)`);

// The bundle's source map comment names a file not copied: left out, with tsc's own map.
writeFileSync(target, readFileSync(bundle, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
rmSync(`${target}.map`, { force: true });

// Every name the module re-exports must be in the bundle, or the parser would fail to load later.
const wanted = [...readFileSync(fileURLToPath(new URL("../src/syntax/chevrotain.ts", import.meta.url)), "utf8").matchAll(/export \{([^}]*)\}/g)].flatMap((m) => m[1].split(",").map((s) => s.trim()).filter(Boolean));
const loaded = await import(pathToFileURL(target).href);
const missing = wanted.filter((name) => loaded[name] === undefined);
if (missing.length) fail(`Chevrotain's single-file build lacks ${missing.join(", ")}`);

function fail(message) {
  console.error(`bundle-chevrotain: ${message}`);
  process.exit(1);
}
