/** What every check needs: the symbols, the sources, and one place to report diagnostics. */
import { nonNull, T, type Field, type Type } from "@journey/template";
import { diagnostic, type Diagnostic, type DiagnosticExtras, type RelatedInformation } from "../diagnostics/diagnostic.js";
import type { CodeName } from "../diagnostics/codes.js";
import type * as A from "../syntax/ast.js";
import type { BindingKind } from "./scope.js";
import type { Symbols } from "./symbols.js";

/** What a recorded name stands for. */
export type ReferenceKind = BindingKind | "field" | "type" | "event" | "catalog" | "audience" | "action" | "template" | "journey";

/**
 * A name the checker resolved: where it is written, what it resolved to and its type. The
 * language server reads these for hover, go to definition, references and rename; nothing
 * else in the compiler does.
 */
export interface Reference {
  file: string;
  span: A.Span;
  name: string;
  kind: ReferenceKind;
  /** Where the name is declared; absent for names the language provides (`item`, runtime names). */
  target?: { file: string; span: A.Span };
  type?: Type;
  /** The declaration of a local name itself (a parameter, `let`, alias, step result). */
  definition?: boolean;
}

export interface CatalogInfo {
  name: string;
  type: Type & { kind: "record" };
  key?: { name: string; type: Type };
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Every name resolved while checking, in order (see `Reference`). */
  readonly references: Reference[] = [];
  /** Where each declared record field was written, keyed by the resolved field. */
  readonly fieldDecls = new WeakMap<Field, { file: string; span: A.Span }>();
  /** The file of the declaration being checked. */
  file = "";
  /** Declared types, resolved once: named types, events and catalogs by name. */
  readonly named = new Map<string, Type>();
  profile: Type = T.unknown;
  /** Parameter types of templates and actions, resolved once (see `paramTypes`). */
  readonly paramTypes = new Map<A.Param[], Type[]>();
  readonly returnTypes = new Map<A.TypeExpr, Type>();
  readonly contextTypes = new Map<A.FieldDecl[], Type>();
  catalog?: CatalogInfo;

  constructor(
    readonly symbols: Symbols,
    readonly sources: Map<string, A.SourceFile>,
  ) {}

  private fragments?: ReadonlySet<string>;
  /** Declared fragment names (the partials templates may include), computed once. */
  fragmentNames(): ReadonlySet<string> {
    return (this.fragments ??= new Set(this.symbols.fragments.keys()));
  }

  private goals?: string[];
  /** Every goal name of every journey, computed once (tests name them). */
  goalNames(): string[] {
    return (this.goals ??= [...this.symbols.journeys.values()].flatMap((j) => j.decl.clauses.filter((c) => c?.kind === "Goal").map((c) => (c as A.GoalClause).name.name)));
  }

  private variants?: string[];
  /** Every variant name of every experience, computed once (tests name them). */
  variantNames(): string[] {
    return (this.variants ??= [...this.symbols.experiences.values()].flatMap((x) => x.decl.items.filter((i) => i?.kind === "Variant").map((v) => (v as A.VariantDecl).name.name)));
  }

  report(name: CodeName, args: Record<string, string | number>, span: A.Span, extras?: DiagnosticExtras): void {
    this.diagnostics.push(diagnostic(name, args, this.file, span, extras));
  }

  /**
   * Record a resolved name of the current file. `r` is a fresh object from the caller:
   * completed, not copied (a copy per name was a tenth of the checker's time).
   */
  reference(r: Omit<Reference, "file">): void {
    (r as Reference).file = this.file;
    this.references.push(r as Reference);
  }

  /** Where field `name` of a record (or of a list's elements) was declared, if it was. */
  fieldTarget(type: Type | undefined, name: string): { file: string; span: A.Span } | undefined {
    let t = type && nonNull(type);
    while (t?.kind === "list") t = nonNull(t.element);
    if (t?.kind !== "record") return undefined;
    const f = t.fields.find((x) => x.name === name);
    return f && this.fieldDecls.get(f);
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
