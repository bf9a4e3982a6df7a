/**
 * One file as the features see it: its text, its AST, the project's analysis, and the
 * lookups every feature shares (what is declared where, what the name under the cursor is,
 * which string literal and which template the cursor is in).
 */
import { decodeString, walk, type ast as A, type Reference, type ReferenceKind } from "@journey/compiler";
import { parseTemplate, type TNode, type Type } from "@journey/template";
import { declaringSites, experimentSiteAt, siteLocation, type ExperimentSite } from "./experiments.js";
import { profileSiteLocation, sameProfileSites, testProfileSiteAt, type TestProfileSite } from "./test-profiles.js";
import type { Analysis, Project } from "./project.js";
import { codeOnly, regionAt, scanRegions, type Region } from "./text.js";
import type { DeclarationKind, Location, Span } from "./types.js";

export type DefKind = DeclarationKind | "field" | "param" | "goal" | "variant";

/** Something declared in a file, by the span of its name. */
export interface Definition {
  kind: DefKind;
  name: string;
  span: Span;
  decl: A.Declaration;
  field?: A.FieldDecl;
  param?: A.Param;
  /** The declaration (and fields) holding a field: `profile.consent`. */
  container?: string;
}

export class Doc {
  constructor(
    readonly project: Project,
    readonly path: string,
  ) {}

  get analysis(): Analysis {
    return this.project.analysis();
  }

  get text(): string {
    return this.project.text(this.path) ?? "";
  }

  /** The file's AST from the current analysis. */
  get file(): A.SourceFile {
    return this.analysis.files.get(this.path) ?? this.project.parse(this.path)!.file;
  }

  get regions(): Region[] {
    return this.project.memo(this.path, "regions", scanRegions) ?? [];
  }

  get code(): string {
    return this.project.memo(this.path, "code", (t) => codeOnly(t, this.regions)) ?? "";
  }

  regionAt(offset: number): Region | undefined {
    return regionAt(this.regions, offset);
  }

  /** The file of another path of the same project. */
  sibling(path: string): Doc {
    return new Doc(this.project, path);
  }

  /** The declaration holding `offset`; for text the parser gave up on, the last one starting before it. */
  declarationAt(offset: number): A.Declaration | undefined {
    const decls = this.file.declarations;
    let best: A.Declaration | undefined;
    for (const d of decls) {
      if (d.span.start <= offset && offset <= d.span.end) return d;
      if (d.span.start <= offset) best = d;
    }
    // Only when nothing else starts between that declaration and the cursor.
    if (best && /\n\s*(profile|type|event|catalog|audience|action|fragment|template|channel|journey|experience|test)\b/.test(this.code.slice(best.span.end, offset))) return undefined;
    return best;
  }
}

// ── definitions ────────────────────────────────────────────────────────────────────────

const defsCache = new WeakMap<A.SourceFile, Definition[]>();

const DECL_KIND: Partial<Record<A.Declaration["kind"], DefKind>> = {
  TypeDecl: "type",
  EventDecl: "event",
  CatalogDecl: "catalog",
  AudienceDecl: "audience",
  ActionDecl: "action",
  FragmentDecl: "fragment",
  TemplateDecl: "template",
  ChannelDecl: "channel",
  JourneyDecl: "journey",
  ExperienceDecl: "experience",
};

export function declKind(d: A.Declaration): DefKind | undefined {
  return d.kind === "Profile" ? "profile" : DECL_KIND[d.kind];
}

export function declName(d: A.Declaration): A.Ident | undefined {
  if (d.kind === "Profile" || d.kind === "TestDecl") return undefined;
  return d.name;
}

/** Everything a file declares: declarations, fields (nested ones too), parameters, goals, variants. */
export function definitions(file: A.SourceFile): Definition[] {
  let defs = defsCache.get(file);
  if (defs) return defs;
  defs = [];
  const out = defs;
  const fields = (decl: A.Declaration, list: A.FieldDecl[], container: string) => {
    for (const f of list) {
      if (!f?.name) continue;
      out.push({ kind: "field", name: f.name.name, span: f.name.span, decl, field: f, container });
      typeFields(decl, f.type, `${container}.${f.name.name}`);
    }
  };
  const typeFields = (decl: A.Declaration, t: A.TypeExpr | undefined, container: string) => {
    if (!t) return;
    if (t.kind === "RecordType") fields(decl, t.fields, container);
    else if (t.kind === "UnionType") for (const m of t.members) typeFields(decl, m, container);
    else if (t.kind === "NamedType") for (const a of t.args) typeFields(decl, a, container);
  };
  for (const d of file.declarations) {
    const kind = declKind(d);
    const name = declName(d);
    if (d.kind === "Profile") out.push({ kind: "profile", name: "profile", span: d.keywordSpan, decl: d });
    else if (kind && name?.name) out.push({ kind, name: name.name, span: name.span, decl: d });
    switch (d.kind) {
      case "Profile":
        fields(d, d.fields, "profile");
        break;
      case "TypeDecl":
        typeFields(d, d.type, d.name.name);
        break;
      case "EventDecl":
      case "CatalogDecl":
        fields(d, d.fields, d.name.name);
        break;
      case "ActionDecl":
        for (const p of d.params) out.push({ kind: "param", name: p.name.name, span: p.name.span, decl: d, param: p, container: d.name.name });
        for (const p of d.params) typeFields(d, p.type, `${d.name.name}.${p.name.name}`);
        typeFields(d, d.returns, d.name.name);
        break;
      case "TemplateDecl":
        for (const p of d.params) out.push({ kind: "param", name: p.name.name, span: p.name.span, decl: d, param: p, container: d.name.name });
        break;
      case "JourneyDecl":
        for (const c of d.clauses) if (c.kind === "Goal" && c.name) out.push({ kind: "goal", name: c.name.name, span: c.name.span, decl: d, container: d.name.name });
        break;
      case "ExperienceDecl":
        for (const i of d.items) {
          if (i.kind === "Variant" && i.name) out.push({ kind: "variant", name: i.name.name, span: i.name.span, decl: d, container: d.name.name });
          if (i.kind === "Context") fields(d, i.fields, "context");
        }
        break;
    }
  }
  defs.sort((a, b) => a.span.start - b.span.start);
  defsCache.set(file, defs);
  return defs;
}

/** The definition whose name is exactly at `span` in `file`. */
export function definitionAt(file: A.SourceFile | undefined, span: Span): Definition | undefined {
  if (!file) return undefined;
  return definitions(file).find((d) => d.span.start === span.start && d.span.end === span.end);
}

// ── strings and templates ──────────────────────────────────────────────────────────────

const stringsCache = new WeakMap<A.SourceFile, A.StringExpr[]>();

/** Every string literal of a file, by position. */
export function stringExprs(file: A.SourceFile): A.StringExpr[] {
  let list = stringsCache.get(file);
  if (list) return list;
  list = [];
  const out = list;
  walk(file.declarations, (n) => {
    if (n.kind === "String") out.push(n as unknown as A.StringExpr);
  });
  list.sort((a, b) => a.span.start - b.span.start);
  stringsCache.set(file, list);
  return list;
}

/** Visit every object of an AST (expressions, steps, clauses, idents, …): the compiler's walk. */
export { walk };

/** A template inside a string literal: its decoded source and the map back to file offsets. */
export interface TemplateSite {
  /** The literal's span in the file (quotes included). */
  span: Span;
  value: string;
  map: number[];
  /** The decoded offset of a file offset inside the literal. */
  toTemplate(offset: number): number;
  toSource(i: number): number;
}

export function templateSite(text: string, span: Span): TemplateSite {
  const raw = text.slice(span.start, span.end);
  const { value, map } = decodeString(raw, span.start, true);
  const m = map!;
  return {
    span,
    value,
    map: m,
    toTemplate(offset) {
      let lo = 0;
      let hi = m.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (m[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    toSource(i) {
      return m[Math.max(0, Math.min(i, m.length - 1))]!;
    },
  };
}

/** The template of the string literal holding `offset`, from the text (works while the file does not parse). */
export function templateSiteAt(doc: Doc, offset: number): TemplateSite | undefined {
  const r = doc.regionAt(offset);
  if (!r || r.kind === "comment") return undefined;
  return templateSite(doc.text, { start: r.start, end: r.end });
}

export interface PartialRef {
  name: string;
  file: string;
  span: Span;
}

const partialsCache = new WeakMap<A.SourceFile, PartialRef[]>();

/** Every `{{> Fragment}}` of a file, with the span of the fragment name in the file. */
export function partialRefs(file: A.SourceFile): PartialRef[] {
  let list = partialsCache.get(file);
  if (list) return list;
  list = [];
  for (const s of stringExprs(file)) {
    if (!s.value.includes("{{")) continue;
    const { nodes } = parseTemplate(s.value);
    let site: TemplateSite | undefined;
    const visit = (ns: readonly TNode[] | null) => {
      for (const n of ns ?? []) {
        if (n.kind === "partial") {
          site ??= templateSite(file.text, s.span);
          list!.push({ name: n.name, file: file.path, span: { start: site.toSource(n.nameSpan.start), end: site.toSource(n.nameSpan.end) } });
        } else if (n.kind === "section" || n.kind === "block") {
          visit(n.body);
          visit(n.inverse);
        }
      }
    };
    visit(nodes);
  }
  partialsCache.set(file, list);
  return list;
}

// ── what is under the cursor ───────────────────────────────────────────────────────────

export interface SymbolAt {
  name: string;
  /** The occurrence under the cursor. */
  span: Span;
  kind: ReferenceKind | DefKind | "experiment" | "arm" | "testProfile";
  /** Where it is declared. */
  target?: Location;
  reference?: Reference;
  /** Set when the cursor is on the declaration itself. */
  definition?: Definition;
  type?: Type;
  /** An experiment's name or an arm's label: where it is written. */
  site?: ExperimentSite;
  /** A test's profile id: where it is written. */
  profile?: TestProfileSite;
}

const within = (s: Span, offset: number) => s.start <= offset && offset <= s.end;

/** The resolved name at `offset`: a reference, a declaration's name, a partial's name, an experiment's name or an arm's label. */
export function symbolAt(doc: Doc, offset: number): SymbolAt | undefined {
  let best: Reference | undefined;
  for (const r of doc.analysis.references(doc.path)) {
    if (r.span.start > offset) break;
    // `context { … }` is recorded with the whole block: only its keyword names it.
    if (r.kind === "context" && r.definition && offset > r.span.start + "context".length) continue;
    if (within(r.span, offset) && (!best || r.span.end - r.span.start < best.span.end - best.span.start)) best = r;
  }
  if (best) {
    const target = best.target ? { path: best.target.file, span: best.target.span } : undefined;
    const def = best.definition ? definitionAt(doc.file, best.span) : undefined;
    return { name: best.name, span: best.span, kind: best.kind, target, reference: best, definition: def, type: best.type };
  }
  for (const d of definitions(doc.file)) {
    if (d.span.start > offset) break;
    if (within(d.span, offset)) return { name: d.name, span: d.span, kind: d.kind, target: { path: doc.path, span: d.span }, definition: d };
  }
  for (const p of partialRefs(doc.file)) {
    if (within(p.span, offset)) {
      const frag = doc.analysis.symbols?.fragments.get(p.name);
      return { name: p.name, span: p.span, kind: "fragment", target: frag ? { path: frag.file, span: frag.decl.name.span } : undefined };
    }
  }
  const site = experimentSiteAt(doc.file, offset);
  if (site) {
    // Declared by the splits that name it: the first one stands for all (definition gives each).
    const first = declaringSites(doc.analysis, site)[0];
    return { name: site.arm ?? site.experiment, span: site.span, kind: site.arm !== undefined ? "arm" : "experiment", target: first && siteLocation(first), site };
  }
  // `expect goal name` and `expect decide … variant Name` in tests.
  const d = doc.declarationAt(offset);
  if (d?.kind === "TestDecl") {
    const profile = testProfileSiteAt(doc.path, doc.text, d, offset);
    if (profile) {
      const declared = sameProfileSites(profile, doc.text).find((x) => x.declares);
      return { name: profile.id, span: profile.span, kind: "testProfile", target: declared && profileSiteLocation(declared), profile };
    }
    for (const item of d.items) {
      const id = item.kind === "ExpectGoal" ? item.goal : item.kind === "ExpectDecide" ? item.variant : undefined;
      if (!id || !within(id.span, offset)) continue;
      const kind = item.kind === "ExpectGoal" ? "goal" : "variant";
      for (const f of doc.analysis.files.values()) {
        const def = definitions(f).find((x) => x.kind === kind && x.name === id.name);
        if (def) return { name: id.name, span: id.span, kind, target: { path: f.path, span: def.span } };
      }
    }
  }
  return undefined;
}

/** Where a target is declared: its definition entry (declaration, field, parameter) if it has one. */
export function targetDefinition(analysis: Analysis, target: Location | undefined): Definition | undefined {
  if (!target) return undefined;
  return definitionAt(analysis.files.get(target.path), target.span);
}
