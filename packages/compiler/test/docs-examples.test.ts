/**
 * The examples of the documentation compile: every ```journey block of docs/language.md,
 * docs/formatter.md and docs/cli.md is compiled with the public API, so that a renamed keyword, a changed
 * signature or an example that no longer type-checks fails here rather than mislead a reader.
 *
 * Examples are excerpts, so each is compiled as a project of two files:
 *
 * - `docs-prelude.journey`, the declarations the examples take for granted (the profile,
 *   `CartAbandoned`, the `Product` catalog, templates such as `CartReminder`). A declaration
 *   of the block replaces the prelude's of the same name (the profile and the catalog, of
 *   which a project has one, by kind), so an example may restate any of them.
 * - the block, placed by its first word: a declaration (or only comments) at the top level;
 *   `on` as the trigger of a journey; `exit`, `goal` or `reentry` among the clauses of a
 *   journey triggered by `on CartAbandoned as cart`; `start`, `at`, `respond`, `expect`, `profile "…"` or `catalog X [` in a
 *   test; `html` or `text` in an email template with a parameter `cart: CartAbandoned`;
 *   anything else among the steps of that journey, after steps binding the names the
 *   examples read without binding them (`order`, `recs`, `top`, `picks`, `base`, `earned`;
 *   each only when the block does not bind it itself, as a name is bound once per journey).
 *
 * An ellipsis `…` stands for code left out and is read as a space. Every diagnostic fails
 * the block, warnings included: an example should not show what the compiler warns about.
 *
 * The code frames the pages show (`error[J2002]: …`, `--> file:line:column`, the source line,
 * the carets) are checked as well: the code's severity and message are the table's, and the
 * position, the numbered line and the carets agree, as `journey check` prints them.
 *
 * An HTML comment on the line before a fence (invisible when rendered) says when a block is
 * not an ordinary example:
 *
 *     <!-- expect: J2002 -->           wrong on purpose: exactly these codes are reported
 *     <!-- fragment: why -->           not a program (a grammar sketch): must not compile
 *     <!-- known-issue: what -->       right, but the compiler rejects it: must still fail
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codes, compile, parseFile, walk, type CompileResult, type Diagnostic, type ast as A } from "@journey/compiler";
import { repoRoot } from "./support.js";

/** Each page, with how many examples it has at least (a broken extraction finds fewer). */
const DOCS: Record<string, number> = { "docs/language.md": 36, "docs/formatter.md": 9, "docs/cli.md": 1 };
const PRELUDE_PATH = "docs-prelude.journey";
const PRELUDE = readFileSync(new URL(`./${PRELUDE_PATH}`, import.meta.url), "utf8");

interface Block {
  doc: string;
  /** 1-based line of the opening fence in the Markdown file. */
  line: number;
  /** Spaces before the fence (a block inside a list item), removed from every line. */
  indent: number;
  text: string;
  marker?: { kind: "expect" | "fragment" | "known-issue"; value: string };
}

const FENCE = /^( *)```journey[ \t]*$/;
/** A marker always says what (codes, or the reason of the exception): an empty one is stray. */
const MARKER = /^\s*<!--\s*(expect|fragment|known-issue):\s*(\S.*?)\s*-->\s*$/;

/** The ```journey blocks of a Markdown file, with the marker comment before each. */
function journeyBlocks(doc: string): Block[] {
  const lines = readFileSync(join(repoRoot, doc), "utf8").split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      // Any other fence (```sh, ```ebnf): skip its content, which may hold a line that looks like a fence.
      if (/^ *```/.test(lines[i]!)) do i++; while (i < lines.length && !/^ *```[ \t]*$/.test(lines[i]!));
      continue;
    }
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^ *```[ \t]*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(Math.min(indent, /^ */.exec(lines[j]!)![0].length)));
    if (j === lines.length) throw new Error(`${doc}:${i + 1}: the \`\`\`journey block is never closed`);
    const m = i > 0 ? MARKER.exec(lines[i - 1]!) : null;
    blocks.push({
      doc,
      line: i + 1,
      indent,
      text: body.join("\n") + "\n",
      ...(m ? { marker: { kind: m[1] as "expect" | "fragment" | "known-issue", value: m[2]! } } : {}),
    });
    i = j;
  }
  return blocks;
}

/**
 * Marker comments that mark nothing: a marker not right before a ```journey fence (the block
 * moved away), or a comment before a fence that is no marker (a typo would compile the block).
 */
function strayMarkers(doc: string): string[] {
  const lines = readFileSync(join(repoRoot, doc), "utf8").split(/\r?\n/);
  const out: string[] = [];
  lines.forEach((l, i) => {
    const beforeFence = FENCE.test(lines[i + 1] ?? "");
    const stray = MARKER.test(l) ? !beforeFence : beforeFence && l.includes("<!--");
    if (stray) out.push(`${doc}:${i + 1}: ${l.trim()}`);
  });
  return out;
}

type Place = "declarations" | "trigger" | "clauses" | "steps" | "test" | "content";

/** Where a block goes, from its first word (comments and blank lines skipped). */
function placeOf(text: string): Place {
  const code = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "").trimStart();
  const m = /^([A-Za-z_]\w*)\s*(?:([A-Za-z_]\w*)\s*)?(\S)?/.exec(code);
  if (!m) return "declarations";
  const [, word, second, next] = m;
  if (word === "profile") return next === '"' && !second ? "test" : "declarations";
  if (word === "catalog") return next === "[" ? "test" : "declarations";
  if (["type", "event", "audience", "action", "fragment", "template", "channel", "journey", "experience", "test"].includes(word!)) return "declarations";
  if (word === "on") return "trigger";
  if (["exit", "goal", "reentry"].includes(word!)) return "clauses";
  if (["start", "at", "respond", "expect"].includes(word!)) return "test";
  if (["html", "text"].includes(word!)) return "content";
  return "steps";
}

/**
 * The names step examples read without binding them, each with the steps that bind it
 * (opening, and closing for a block around the example).
 */
const GIVENS: { name: string; open: string; close?: string }[] = [
  { name: "order", open: "wait for OrderPlaced as order within 7d {", close: "}" },
  { name: "recs", open: "recommend recs = cartBased(cart.items.sku) limit 4" },
  { name: "top", open: "recommend top = popular() limit 4" },
  { name: "picks", open: "recommend picks = recentlyViewed() limit 4" },
  { name: "base", open: "let base = 10" },
  { name: "earned", open: "let earned = 10" },
];
const TRIGGER = "on CartAbandoned as cart";

/** The names a journey's steps bind (`let`, `recommend`, `call … as`, `wait for … as`). */
function boundNames(journey: A.JourneyDecl | undefined): Set<string> {
  const names = new Set<string>();
  walk(journey?.body, (n) => {
    if (n.kind === "Let" || n.kind === "Recommend") names.add((n as unknown as A.LetStep).name.name);
    if (n.kind === "CallAction" || n.kind === "WaitFor") {
      const alias = (n as unknown as A.CallStep).alias;
      if (alias) names.add(alias.name);
    }
  });
  return names;
}

/** The block as a file: its text wrapped as its place requires, and the wrapper's line count before it. */
function wrap(block: Block): { text: string; before: number } {
  const text = block.text.replace(/…/g, " ");
  const at = (head: string[], tail: string[]) => ({ text: [...head, text, ...tail].join("\n"), before: head.length });
  switch (placeOf(text)) {
    case "declarations":
      return { text, before: 0 };
    case "trigger":
      return at(["journey DocExample {"], ["}"]);
    case "clauses":
      return at(["journey DocExample {", TRIGGER], ["}"]);
    case "test":
      return at(['test "doc example" {'], ["}"]);
    case "content":
      return at(["template DocExample(cart: CartAbandoned) for email {", 'subject "{{cart.cartId}}"'], ["}"]);
    case "steps": {
      const bare = parseFile("block.journey", `journey DocExample {\n${TRIGGER}\n${text}\n}\n`);
      const bound = boundNames(bare.file.declarations.find((d): d is A.JourneyDecl => d.kind === "JourneyDecl"));
      const givens = GIVENS.filter((g) => !bound.has(g.name));
      return at(
        ["journey DocExample {", TRIGGER, ...givens.map((g) => g.open)],
        [...givens.flatMap((g) => (g.close ? [g.close] : [])).reverse(), "}"],
      );
    }
  }
}

/** What a declaration declares: replacing it is what lets an example restate it. */
function declaredKey(d: A.Declaration): string {
  switch (d.kind) {
    case "Profile":
      return "profile";
    case "CatalogDecl":
      return "catalog"; // one per project, whatever its name
    case "ChannelDecl":
      return `channel ${d.name.name}`;
    case "TestDecl":
      return `test ${d.name.value}`;
    default:
      return d.name.name;
  }
}

/** The prelude without the declarations the block makes itself, blanked so its lines stay where they were. */
function preludeFor(blockFile: string): string {
  const own = new Set(parseFile("block.journey", blockFile).file.declarations.map(declaredKey));
  let text = PRELUDE;
  for (const d of parseFile(PRELUDE_PATH, PRELUDE).file.declarations) {
    if (!own.has(declaredKey(d))) continue;
    text = text.slice(0, d.span.start) + text.slice(d.span.start, d.span.end).replace(/[^\n]/g, " ") + text.slice(d.span.end);
  }
  return text;
}

/** A diagnostic at its place: the Markdown line and column inside the block, else the prelude's or the wrapper's. */
function located(result: CompileResult, d: Diagnostic, block: Block, blockPath: string, before: number): string {
  const p = result.lineIndex(d.file).position(d.span.start);
  const line = p.line - before;
  const where =
    d.file !== blockPath
      ? `packages/compiler/test/${d.file}:${p.line + 1}:${p.column + 1}`
      : line >= 0 && line < block.text.split("\n").length - 1
        ? `${block.doc}:${block.line + 1 + line}:${block.indent + p.column + 1}`
        : `(the wrapper around the block, line ${p.line + 1})`;
  return `${where} ${d.severity} ${d.code} ${d.message}`;
}

/** The block compiled with the prelude: the codes reported, and each diagnostic as a failure shows it. */
function compileBlock(block: Block): { codes: string[]; shown: string[] } {
  const path = `${block.doc.replace(/\W/g, "-")}-${block.line}.journey`;
  const { text, before } = wrap(block);
  const result = compile([
    { path: PRELUDE_PATH, text: preludeFor(text) },
    { path, text },
  ]);
  return { codes: result.diagnostics.map((d) => d.code), shown: result.diagnostics.map((d) => located(result, d, block, path, before)) };
}

/**
 * The mistakes in the code frames of a page: a header whose code, severity or message is not the
 * table's, or a `--> file:line:column` that the numbered source line and the carets below it
 * contradict.
 */
function frameMistakes(doc: string): string[] {
  const lines = readFileSync(join(repoRoot, doc), "utf8").split(/\r?\n/);
  const kinds = new Map(Object.values(codes).map((k) => [k.code, k]));
  const out: string[] = [];
  lines.forEach((l, i) => {
    const at = /^ *--> .+:(\d+):(\d+)$/.exec(l);
    if (!at) return;
    const where = `${doc}:${i + 1}`;
    const head = /^(error|warning)\[(J\d{4})\]: (.*)$/.exec(lines[i - 1] ?? "");
    const kind = head && kinds.get(head[2]!);
    // The table's message, its `{name}` placeholders standing for any text.
    const pattern = kind && new RegExp(`^${kind.message.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`);
    if (!head || !kind || kind.severity !== head[1] || !pattern!.test(head[3]!)) out.push(`${where}: the header above is not a diagnostic of the table: ${lines[i - 1]}`);
    const source = /^(\d+) \| /.exec(lines[i + 2] ?? "");
    const bar = (lines[i + 2] ?? "").indexOf("|");
    const caret = (lines[i + 3] ?? "").indexOf("^");
    if (!source || source[1] !== at[1]) out.push(`${where}: the numbered line is not line ${at[1]}`);
    else if (lines[i + 3]!.indexOf("|") !== bar || caret < 0 || caret - bar - 1 !== Number(at[2])) {
      out.push(`${where}: the carets do not start at column ${at[2]}`);
    }
  });
  return out;
}

describe("documentation examples", () => {
  it("the code frames agree with the table of diagnostics and with their positions", () => {
    const pages = readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md"));
    expect(pages.flatMap((f) => frameMistakes(`docs/${f}`))).toEqual([]);
  });

  it("the prelude compiles on its own, so a failure is the example's", () => {
    const result = compile([{ path: PRELUDE_PATH, text: PRELUDE }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it("marker comments are well formed and right before a ```journey fence", () => {
    expect(Object.keys(DOCS).flatMap(strayMarkers)).toEqual([]);
  });

  for (const [doc, least] of Object.entries(DOCS)) {
    const blocks = journeyBlocks(doc);

    it(`${doc} has its examples (the extraction found them)`, () => {
      expect(blocks.length).toBeGreaterThanOrEqual(least);
    });

    for (const block of blocks) {
      const name = `${doc}:${block.line}`;
      const marker = block.marker;
      if (marker?.kind === "fragment") {
        // Not a program (a grammar sketch): it must not compile, or the marker hides an example.
        it(`${name} is a fragment, not a program (${marker.value})`, () => {
          expect(compileBlock(block).shown, `${name} compiles: it is an example, remove its fragment marker`).not.toEqual([]);
        });
      } else if (marker?.kind === "known-issue") {
        // Checked all the same: when the compiler is fixed, this fails so that the marker goes.
        it(`${name} still fails (known issue: ${marker.value})`, () => {
          expect(compileBlock(block).shown, `${name} compiles now: the known issue is fixed, remove its marker`).not.toEqual([]);
        });
      } else if (marker?.kind === "expect") {
        it(`${name} reports ${marker.value}`, () => {
          const { codes, shown } = compileBlock(block);
          expect(codes.sort(), `${name}: the block must report exactly ${marker.value}, got:\n${shown.join("\n") || "no diagnostic"}`).toEqual(
            marker.value.split(/[\s,]+/).sort(),
          );
        });
      } else {
        it(`${name} compiles`, () => {
          const { shown } = compileBlock(block);
          expect(shown, `${name}: the \`\`\`journey block does not compile:\n${shown.join("\n")}`).toEqual([]);
        });
      }
    }
  }
});
