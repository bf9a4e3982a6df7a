/** What every check needs: the symbols, the sources, and one place to report diagnostics. */
import { T, type Type } from "@journey/template";
import { diagnostic, type Diagnostic, type DiagnosticExtras, type RelatedInformation } from "../diagnostics/diagnostic.js";
import type { CodeName } from "../diagnostics/codes.js";
import type * as A from "../syntax/ast.js";
import type { Symbols } from "./symbols.js";

export interface CatalogInfo {
  name: string;
  type: Type & { kind: "record" };
  key?: { name: string; type: Type };
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** The file of the declaration being checked. */
  file = "";
  /** Declared types, resolved once: named types, events and catalogs by name. */
  readonly named = new Map<string, Type>();
  profile: Type = T.unknown;
  catalog?: CatalogInfo;

  constructor(
    readonly symbols: Symbols,
    readonly sources: Map<string, A.SourceFile>,
  ) {}

  report(name: CodeName, args: Record<string, string | number>, span: A.Span, extras?: DiagnosticExtras): void {
    this.diagnostics.push(diagnostic(name, args, this.file, span, extras));
  }

  /** The source text of a span of the current file. */
  text(span: A.Span): string {
    return this.sources.get(this.file)?.text.slice(span.start, span.end) ?? "";
  }

  related(file: string, span: A.Span, message: string): RelatedInformation {
    return { file, span, message };
  }

  /** A fix that replaces one span of the current file. */
  replace(title: string, span: A.Span, newText: string): DiagnosticExtras["fix"] {
    return { title, edits: [{ file: this.file, span, newText }] };
  }

  inFile<R>(file: string, f: () => R): R {
    const prev = this.file;
    this.file = file;
    try {
      return f();
    } finally {
      this.file = prev;
    }
  }
}
