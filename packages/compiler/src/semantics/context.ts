/** What every check needs: the symbols, the sources, and one place to report diagnostics. */
import { nonNull, partialNames, rootNames, T, unknownNameHelp, type Field, type Type } from "@journey/template";
import { surfaceMatches } from "@journey/ir";
import { RUNTIME_NAMES } from "./builtins.js";
import { diagnostic, type Diagnostic, type DiagnosticExtras, type RelatedInformation } from "../diagnostics/diagnostic.js";
import type { CodeName } from "../diagnostics/codes.js";
import type * as A from "../syntax/ast.js";
import { namedSplits, type NamedSplit } from "../syntax/splits.js";
import { walk } from "../syntax/walk.js";
import type { BindingKind, Narrowing } from "./scope.js";
import type { Located, Symbols } from "./symbols.js";

/** What a recorded name stands for. */
export type ReferenceKind = BindingKind | "field" | "type" | "event" | "catalog" | "audience" | "action" | "template" | "journey";

/** Where a name is declared. */
export interface Target {
  file: string;
  span: A.Span;
}

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
  target?: Target;
  type?: Type;
  /** The declaration of a local name itself (a parameter, `let`, alias, step result). */
  definition?: boolean;
  /**
   * A name read in an expression: what the null checks around it prove, so the editor types
   * the fields it completes after `profile.` (and the names it offers there) as the checker
   * would read them there.
   */
  narrowing?: Narrowing;
}

/** A named split and the file it is in; `recovered` when its declaration was recovered from a syntax error (its arms may be cut short). */
export interface ProjectSplit {
  file: string;
  split: NamedSplit;
  recovered: boolean;
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
  /**
   * Where each declared record field was written, keyed by the resolved field. A `Map`: the
   * fields live as long as this context does, and a `WeakMap` cost extra work at every GC.
   */
  readonly fieldDecls = new Map<Field, Target>();
  /** The file of the declaration being checked. */
  file = "";
  /** Declared types, resolved once: named types, events and catalogs by name. */
  readonly named = new Map<string, Type>();
  profile: Type = T.unknown;
  /** Parameter types of templates and actions, resolved once (see `paramTypes`). */
  readonly paramTypes = new Map<A.Param[], Type[]>();
  readonly returnTypes = new Map<A.TypeExpr, Type>();
  readonly contextTypes = new Map<A.FieldDecl[], Type>();
  /** Test names already met, with where (a second test of one name is reported). */
  readonly testNames = new Map<string, { file: string; span: A.Span }>();
  catalog?: CatalogInfo;

  constructor(
    readonly symbols: Symbols,
    readonly sources: Map<string, A.SourceFile>,
    /** Whether `reference` records names: only the language server reads them. */
    readonly recordsReferences = true,
  ) {}

  private fragments?: ReadonlySet<string>;
  /** Declared fragment names (the partials templates may include), computed once. */
  fragmentNames(): ReadonlySet<string> {
    return (this.fragments ??= new Set(this.symbols.fragments.keys()));
  }

  private fragmentUses?: Map<string, { runtimeNames: string[]; includes: string[] }>;
  /** The runtime names (`unsubscribeUrl`, …) fragment `name` reads, and the fragments it includes; found once. */
  fragment(name: string): { runtimeNames: string[]; includes: string[] } {
    this.fragmentUses ??= new Map();
    let uses = this.fragmentUses.get(name);
    if (!uses) {
      const body = this.symbols.fragments.get(name)?.decl.body;
      uses = { runtimeNames: [], includes: [] };
      if (body?.kind === "String" && body.value.includes("{{")) {
        try {
          // `this.message` inside a section is the element's field, not the runtime name.
          uses = { runtimeNames: [...rootNames(body.value, { thisPaths: false })].filter((r) => Object.hasOwn(RUNTIME_NAMES, r)), includes: [...partialNames(body.value)] };
        } catch {
          // A syntax error: the fragment's own check reports it.
        }
      }
      this.fragmentUses.set(name, uses);
    }
    return uses;
  }

  /** The fragments fragment `from` includes, directly or through others (itself only in a cycle). */
  fragmentsIncluded(from: string): Set<string> {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      for (const next of this.fragment(stack.pop()!).includes) if (!seen.has(next)) stack.push(next), seen.add(next);
    }
    return seen;
  }

  /** The fragments from `from` to `to` along includes (`from` first, `to` last), shortest first; undefined when `to` is not reached. */
  fragmentPath(from: string, to: string): string[] | undefined {
    const parent = new Map<string, string | null>([[from, null]]);
    for (let queue = [from], i = 0; i < queue.length; i++) {
      const at = queue[i]!;
      if (at === to) {
        const path: string[] = [];
        for (let x: string | null = at; x !== null; x = parent.get(x)!) path.unshift(x);
        return path;
      }
      for (const next of this.fragment(at).includes) if (!parent.has(next)) parent.set(next, at), queue.push(next);
    }
    return undefined;
  }

  /** The runtime names fragment `name` reads, itself or through the fragments it includes. */
  fragmentRuntimeNames(name: string): string[] {
    return [...new Set([name, ...this.fragmentsIncluded(name)].flatMap((f) => this.fragment(f).runtimeNames))];
  }

  private surfaces?: { exact: Map<string, Located<A.ExperienceDecl>[]>; patterns: [string, Located<A.ExperienceDecl>][]; recovered: boolean };
  /**
   * The experiences claiming `surface` (exact surfaces looked up by key, only patterns
   * matched: tests ask once per `expect decide`), and whether the answer is certain (no
   * experience was recovered from a syntax error, its surfaces guesswork).
   */
  experiencesClaiming(surface: string): { claiming: Located<A.ExperienceDecl>[]; certain: boolean } {
    if (!this.surfaces) {
      const index = { exact: new Map<string, Located<A.ExperienceDecl>[]>(), patterns: [] as [string, Located<A.ExperienceDecl>][], recovered: false };
      for (const x of this.symbols.experiences.values()) {
        if (x.decl.recovered) index.recovered = true;
        else for (const i of x.decl.items) if (i.kind === "Surface") {
          const uri = i.uri.value;
          if (uri.includes("*")) index.patterns.push([uri, x]);
          else index.exact.set(uri, [...(index.exact.get(uri) ?? []), x]);
        }
      }
      this.surfaces = index;
    }
    const claiming = new Set(this.surfaces.exact.get(surface) ?? []);
    for (const [pattern, x] of this.surfaces.patterns) if (surfaceMatches(pattern, surface)) claiming.add(x);
    return { claiming: [...claiming], certain: !this.surfaces.recovered };
  }

  private goals?: ReadonlySet<string>;
  /** Every goal name of every journey, computed once (tests name them: a set, not a list scanned per test). */
  goalNames(): ReadonlySet<string> {
    return (this.goals ??= new Set([...this.symbols.journeys.values()].flatMap((j) => j.decl.clauses.filter((c) => c?.kind === "Goal").map((c) => (c as A.GoalClause).name.name))));
  }

  private providers?: { names: ReadonlySet<string>; certain: boolean };
  /**
   * The names of the recommendation providers the project's journeys and experiences ask
   * (`provider("reco")`), walked once (tests answer them); not certain when a declaration was
   * recovered from a syntax error.
   */
  providerNames(): { names: ReadonlySet<string>; certain: boolean } {
    if (this.providers) return this.providers;
    const names = new Set<string>();
    let certain = true;
    for (const x of [...this.symbols.journeys.values(), ...this.symbols.experiences.values()]) {
      if (x.decl.recovered) certain = false;
      walk(x.decl, (node) => {
        if (node.kind !== "Recommend") return;
        const step = node as unknown as A.RecommendStep;
        for (const call of [step.algorithm, step.backup]) {
          const name = call?.callee.name === "provider" ? call.args[0]?.value : undefined;
          if (name?.kind === "String") names.add(name.value);
        }
      });
    }
    return (this.providers = { names, certain });
  }

  private variants?: ReadonlySet<string>;
  /** Every variant name of every experience, computed once (tests name them, like goals). */
  variantNames(): ReadonlySet<string> {
    return (this.variants ??= new Set([...this.symbols.experiences.values()].flatMap((x) => x.decl.items.filter((i) => i?.kind === "Variant").map((v) => (v as A.VariantDecl).name.name))));
  }

  private splits?: { splits: ProjectSplit[]; certain: boolean };
  /**
   * Every named split of the project (journey `split` steps and experience variant splits),
   * walked once per check, in a stable order: files by path, then source order; and whether
   * the list is certain (no journey or experience was recovered from a syntax error).
   */
  projectSplits(): { splits: readonly ProjectSplit[]; certain: boolean } {
    if (this.splits) return this.splits;
    const splits: ProjectSplit[] = [];
    let certain = true;
    for (const file of [...this.sources.keys()].sort()) {
      for (const decl of this.sources.get(file)!.declarations) {
        if (decl.kind !== "JourneyDecl" && decl.kind !== "ExperienceDecl") continue;
        // A second declaration of a name (J1005) is not the one the project runs: its splits are not the experiment's.
        const declared = (decl.kind === "JourneyDecl" ? this.symbols.journeys : this.symbols.experiences).get(decl.name.name);
        if (declared && declared.decl !== decl) continue;
        if (decl.recovered) certain = false;
        for (const split of namedSplits(decl)) splits.push({ file, split, recovered: decl.recovered === true });
      }
    }
    return (this.splits = { splits, certain });
  }

  private arms?: ReadonlyMap<string, readonly string[]>;
  /**
   * The named experiments of the project and their arm labels (tests choose arms); and
   * whether the answer is certain (see `projectSplits`). Splits sharing a name share their
   * labels: every label any of them has, in the order first written.
   */
  experiments(): { arms: ReadonlyMap<string, readonly string[]>; certain: boolean } {
    const { splits, certain } = this.projectSplits();
    if (!this.arms) {
      const arms = new Map<string, string[]>();
      for (const { split } of splits) {
        const known = arms.get(split.experiment.value) ?? [];
        for (const a of split.arms) if (!known.includes(a.label.name)) known.push(a.label.name);
        arms.set(split.experiment.value, known);
      }
      this.arms = arms;
    }
    return { arms: this.arms, certain };
  }

  report(name: CodeName, args: Record<string, string | number>, span: A.Span, extras?: DiagnosticExtras): void {
    this.diagnostics.push(diagnostic(name, args, this.file, span, extras));
  }

  /**
   * Record a resolved name of the current file. References are the checker's most numerous
   * objects: each is made here whole, in one shape (one completed or copied afterwards cost
   * a new hidden class or a copy per name), and `target` is shared, not made per reference.
   */
  reference(span: A.Span, name: string, kind: ReferenceKind, target: Target | undefined, type?: Type, definition?: true, narrowing?: Narrowing): void {
    if (!this.recordsReferences) return;
    const r: Reference = { file: this.file, span, name, kind, target, type, narrowing };
    if (definition) r.definition = true;
    this.references.push(r);
  }

  /** Where field `name` of a record (or of a list's elements) was declared, if it was. */
  fieldTarget(type: Type | undefined, name: string): Target | undefined {
    let t = type && nonNull(type);
    while (t?.kind === "list") t = nonNull(t.element);
    if (t?.kind !== "record") return undefined;
    const f = t.fields.find((x) => x.name === name);
    const target = f && this.fieldDecls.get(f);
    if (target || !t.name) return target;
    // A type from an earlier check (the language server keeps the types of declarations it
    // did not check again): its fields are those of the type of that name now.
    const now = this.named.get(t.name);
    const g = now?.kind === "record" && now !== t ? now.fields.find((x) => x.name === name) : undefined;
    return g && this.fieldDecls.get(g);
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

  /** The help for an unknown `name` at `span` (see `unknownNameHelp`), its replacement as a fix. */
  didYouMean(name: string, candidates: Iterable<string>, span: A.Span, known?: string): DiagnosticExtras {
    const { replacement: s, help } = unknownNameHelp(name, candidates, known);
    if (s !== undefined) return { fix: this.replace(`change to \`${s}\``, span, s), help };
    return help ? { help } : {};
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
