/**
 * A Prettier 3 plugin for `.journey` files, built on the compiler's parser.
 *
 * Use it from a project's Prettier configuration (`"plugins": ["@journey/prettier-plugin"]`),
 * from code (`format(text)`), or with `journey fmt`. The layout rules are in docs/formatter.md.
 */
import { codes, LineIndex, parseFile, type ast, type Diagnostic } from "@journey/compiler";
import { stripVTControlCharacters } from "node:util";
import * as prettier from "prettier";
import type { Doc, Parser, Plugin, Printer, SupportLanguage, SupportOptions } from "prettier";
import { htmlSkeleton, htmlStrings, maskTags } from "./html.js";
import { JourneyPrinter } from "./print/printer.js";
import { unfaithful } from "./verify.js";

export { fingerprint, words, commentTexts, unfaithful } from "./verify.js";
export { htmlStrings } from "./html.js";

/** The root node Prettier sees. It has no `comments`: the printer prints comments itself. */
export interface JourneyRoot {
  type: "JourneyFile";
  file: ast.SourceFile;
  span: ast.Span;
  /** HTML strings formatted by Prettier's HTML printer (only with `journeyFormatHtml`). */
  html: Map<ast.StringExpr, Doc>;
}

interface JourneyOptions {
  journeyFormatHtml?: boolean;
}

/** A file with syntax errors: Prettier leaves it untouched and reports this. */
export class JourneySyntaxError extends SyntaxError {
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  constructor(readonly diagnostics: Diagnostic[], text: string) {
    const d = diagnostics[0]!;
    const index = new LineIndex(text);
    const start = index.position(d.span.start);
    const end = index.position(d.span.end);
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "";
    super(`${d.code}: ${d.message}${more} (${start.line + 1}:${start.column + 1})`);
    this.name = "JourneySyntaxError";
    this.loc = { start: { line: start.line + 1, column: start.column + 1 }, end: { line: end.line + 1, column: end.column + 1 } };
  }
}

/** An error thrown instead of printing a result that would not mean what the source means. */
export class JourneyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JourneyFormatError";
  }
}

export const languages: SupportLanguage[] = [
  {
    name: "Journey",
    parsers: ["journey"],
    extensions: [".journey"],
    vscodeLanguageIds: ["journey"],
  },
];

const locStart = (node: { span?: ast.Span }) => node.span?.start ?? 0;
const locEnd = (node: { span?: ast.Span }) => node.span?.end ?? 0;

/**
 * The compiler's parser, with a crash of its own turned into a syntax error at the start of
 * the file: the file is then left as it is, as for any syntax error.
 */
export function parseSafely(path: string, text: string): { file: ast.SourceFile; diagnostics: Diagnostic[] } {
  try {
    return parseFile(path, text);
  } catch (e) {
    const message = `the parser failed on this file (${e instanceof Error ? e.message : String(e)})`;
    const d: Diagnostic = { code: codes.syntaxError.code, severity: "error", message, file: path, span: { start: 0, end: 0 } };
    return { file: { path, text, declarations: [], comments: [] }, diagnostics: [d] };
  }
}

const journeyParser: Parser<JourneyRoot> = {
  astFormat: "journey",
  locStart,
  locEnd,
  parse(text, options) {
    const path = (options as { filepath?: string }).filepath ?? "<input>.journey";
    const { file, diagnostics } = parseSafely(path, text);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length) throw new JourneySyntaxError(errors, text);
    return { type: "JourneyFile", file, span: { start: 0, end: text.length }, html: new Map() };
  },
  hasPragma: (text) => /^\s*(?:\/\/|\/\*)\s*@(?:format|prettier)\b/.test(text),
};

export const parsers: Record<string, Parser> = { journey: journeyParser };

const journeyPrinter: Printer<JourneyRoot> = {
  print(path, options) {
    const root = path.node;
    if (root.type !== "JourneyFile") throw new Error(`unexpected node ${String((root as { type?: unknown }).type)}`);
    const html = (options as JourneyOptions).journeyFormatHtml === true;
    if (options.endOfLine === "cr") throw new JourneyFormatError(`cannot format ${root.file.path}: endOfLine "cr" is not supported (Journey reads a lone CR as a character, not a line break: the result would mean something else); use "lf", "crlf" or "auto"`);
    const docOut = new JourneyPrinter(root.file, root.html).printFile();
    // The promise of the formatter, checked before anything is written.
    const formatted = prettier.doc.printer.printDocToString(docOut, options as never).formatted;
    const problem = unfaithful(root.file, formatted, html ? { masked: htmlStrings } : {});
    if (problem) throw new JourneyFormatError(`cannot format ${root.file.path}: ${problem}; the file is left as it is`);
    return docOut;
  },
  getVisitorKeys: () => [],
  insertPragma: (text) => `// @format\n${text}`,
  embed(path, options) {
    const root = path.node;
    if (root.type !== "JourneyFile" || (options as JourneyOptions).journeyFormatHtml !== true) return null;
    return async (textToDoc) => {
      for (const s of htmlStrings(root.file)) {
        try {
          // Template tags go to the HTML printer as plain words: it never breaks or changes one.
          const { masked, restore } = maskTags(s.value);
          const maskedDoc = await textToDoc(masked, { parser: "html" });
          const htmlDoc = prettier.doc.utils.mapDoc(maskedDoc, (d) => (typeof d === "string" ? restore(d) : d));
          const printed = prettier.doc.printer.printDocToString(htmlDoc, { ...options, printWidth: Infinity } as never).formatted;
          // The result must fit back in a `"""` string, and differ from the source in white space only.
          if (!printed.includes('"""') && htmlSkeleton(printed) === htmlSkeleton(s.value)) root.html.set(s, htmlDoc);
        } catch {
          // HTML that Prettier cannot parse stays as written.
        }
      }
      return undefined;
    };
  },
};

export const printers: Record<string, Printer> = { journey: journeyPrinter as Printer };

export const options: SupportOptions = {
  journeyFormatHtml: {
    type: "boolean",
    category: "Journey",
    default: false,
    description: 'Format the HTML inside html """…""" strings with Prettier\'s HTML printer.',
  },
};

/** Journey's own defaults: wider lines than Prettier's 80, test data and templates are long. */
export const defaultOptions: Plugin["defaultOptions"] = { printWidth: 100 };

const plugin: Plugin = { languages, parsers, printers, options, defaultOptions };
export default plugin;

export interface FormatOptions {
  /** The file's path, for messages (and for Prettier configuration when `config` is true). */
  filepath?: string;
  printWidth?: number;
  tabWidth?: number;
  useTabs?: boolean;
  endOfLine?: "lf" | "crlf" | "cr" | "auto";
  journeyFormatHtml?: boolean;
}

/**
 * Format one `.journey` text. Throws `JourneySyntaxError` (with the compiler's diagnostics)
 * when the text does not parse, and `JourneyFormatError` when the result would not be a
 * faithful formatting. Used by `journey fmt` and by the language server.
 */
export async function format(text: string, options: FormatOptions = {}): Promise<string> {
  const filepath = options.filepath ?? "input.journey";
  refuseLoneCarriageReturn(text, filepath);
  return prettier.format(text, { ...options, filepath, parser: "journey", plugins: [plugin] });
}

/**
 * Prettier reads every CR as a line break before a plugin sees the text; Journey reads a CR
 * not followed by LF as a character (in a string, in a comment), so such a text would come
 * back meaning something else. Refused, with where it is.
 */
function refuseLoneCarriageReturn(text: string, filepath: string): void {
  const at = text.search(/\r(?!\n)/);
  if (at < 0) return;
  const p = new LineIndex(text).position(at);
  throw new JourneyFormatError(`cannot format ${filepath}: a lone carriage return (CR) at ${p.line + 1}:${p.column + 1} would become a line break and change what the file means; remove it (or end the line with CRLF) and format again`);
}

/**
 * Format a file's text with the Prettier configuration that applies to `filepath` (a
 * `.prettierrc`, `overrides`, `.editorconfig`), as `prettier --write` would: what `journey fmt`
 * and the language server use. Plugins named in the configuration are ignored (this one is used).
 */
export async function formatWithConfig(text: string, filepath: string, overrides: FormatOptions = {}): Promise<string> {
  refuseLoneCarriageReturn(text, filepath);
  let options: prettier.Options;
  try {
    const config = (await prettier.resolveConfig(filepath, { editorconfig: true })) ?? {};
    delete config.plugins;
    delete config.parser;
    options = { ...config, ...overrides, filepath, parser: "journey", plugins: [plugin] };
    // Options are checked on an empty text: an invalid one is the configuration's fault, not the file's.
    await prettier.format("", options);
  } catch (e) {
    if (e instanceof JourneyFormatError) throw e;
    // Prettier colours its option errors when FORCE_COLOR is set; ours are plain text, coloured by whoever prints them.
    const reason = stripVTControlCharacters(e instanceof Error ? e.message : String(e)).split("\n").join(" ");
    throw new JourneyFormatError(`cannot format ${filepath}: its Prettier configuration is invalid (${reason})`);
  }
  return prettier.format(text, options);
}
