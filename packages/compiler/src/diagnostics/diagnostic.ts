import type { Span } from "../syntax/ast.js";
import { codes, formatMessage, type CodeName, type Severity } from "./codes.js";

export interface RelatedInformation {
  file: string;
  span: Span;
  message: string;
}

export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
}

/** A fix is data: the CLI prints its title, the language server turns it into a code action. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  related?: RelatedInformation[];
  fix?: Fix;
  /** What to do about it, when the message alone does not say. */
  help?: string;
}

export interface DiagnosticExtras {
  related?: RelatedInformation[];
  fix?: Fix;
  help?: string;
}

export function diagnostic(
  name: CodeName,
  args: Record<string, string | number>,
  file: string,
  span: Span,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const k = codes[name];
  const d: Diagnostic = { code: k.code, severity: k.severity, message: formatMessage(k.message, args), file, span };
  if (extras.related?.length) d.related = extras.related;
  if (extras.fix) d.fix = extras.fix;
  if (extras.help) d.help = extras.help;
  return d;
}

/** A stable order: by file, then position, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
