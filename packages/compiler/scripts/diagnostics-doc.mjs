// Writes docs/diagnostics.md: every diagnostic code of the one table, its severity and
// message, with a minimal example taken from the invalid-program corpus (each corpus file
// is one mistake). Run after `npm run build`: node packages/compiler/scripts/diagnostics-doc.mjs
// (`--check` exits 1 when the committed file is out of date instead of writing it).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { codes } from "../dist/index.js";

const root = new URL("../../../", import.meta.url);
const corpus = new URL("packages/compiler/test/invalid/", root);
const target = new URL("docs/diagnostics.md", root);

const examples = new Map();
for (const name of readdirSync(corpus).sort()) {
  const text = readFileSync(new URL(name, corpus), "utf8");
  const code = /^\/\/ expect: (J\d{4})/.exec(text)?.[1];
  if (code && !examples.has(code)) examples.set(code, { name, text: text.split("\n").slice(1).join("\n").trimEnd() });
}

const PHASES = [
  ["J0", "Syntax"],
  ["J1", "Names"],
  ["J2", "Types"],
  ["J3", "Journeys"],
  ["J4", "Templates"],
  ["J5", "Experiences"],
  ["J6", "Tests"],
  ["J7", "Actions, channels and catalogs"],
];

let out = `# Diagnostics

Every diagnostic the compiler reports, from the one table in
\`packages/compiler/src/diagnostics/codes.ts\`. A code is stable and never reused. The
example under each code is a whole project with that one mistake (from
\`packages/compiler/test/invalid/\`, where a test checks each reports exactly that code at
exactly that place). This file is generated: \`node packages/compiler/scripts/diagnostics-doc.mjs\`.
`;
// Codes without a one-mistake example in the corpus: why not.
const READING = "Reported while reading files, before parsing (see `journey check` on a missing path, a binary or an oversized file).";
const NO_EXAMPLE = {
  J3016: "Always reported together with J3001: a percentage outside 0–100% also makes the total other than 100%.",
};

const all = Object.entries(codes).sort(([, a], [, b]) => (a.code < b.code ? -1 : 1));
for (const [prefix, title] of PHASES) {
  out += `\n## ${title} (${prefix}xxx)\n`;
  for (const [name, k] of all.filter(([, k]) => k.code.startsWith(prefix))) {
    out += `\n### ${k.code} \`${name}\` (${k.severity})\n\n${k.message === "{message}" ? "The message says what is wrong." : `Message: ${k.message}`}\n`;
    const ex = examples.get(k.code);
    out += ex ? `\n\`\`\`journey\n${ex.text}\n\`\`\`\n` : `\n${NO_EXAMPLE[k.code] ?? READING}\n`;
  }
}

if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== out) {
    console.error("docs/diagnostics.md is out of date: run node packages/compiler/scripts/diagnostics-doc.mjs");
    process.exit(1);
  }
} else writeFileSync(target, out);
