/**
 * One project (a folder of `.journey` files, one namespace) and its incremental analysis.
 *
 * Every file keeps its parse; an edit re-parses the edited file only (and in a file without
 * syntax errors only the declarations the edit touched, see `reparse.ts`). Checking runs per
 * declaration ("units") and each unit's diagnostics and resolved names are cached. After an
 * edit the checker binds the whole project again (cheap: it reads declaration headers and
 * resolves the declared types) and re-checks:
 *
 * - the declarations whose text changed;
 * - everything, when the edit changed what other declarations can see: the declared names,
 *   the profile, a type, an event or a catalog (their shapes reach everywhere), or the goals
 *   and variants that tests name;
 * - the declarations that call a template or action whose parameters changed;
 * - any declaration whose cached results point into the changed text (a safety net), and the
 *   templates and actions whose parameter types a re-checked declaration resolved.
 *
 * Cached results of the other declarations are moved by the length of the edit when they lie
 * after it. The result is the same as compiling the project afresh: the tests compare the
 * two after thousands of random edits.
 */
import { reparse, REPARSE_MIN_LENGTH } from "./reparse.js";
import {
  check,
  codes,
  compareDiagnostics,
  LineIndex,
  namedSplits,
  parseFile,
  withoutCascades,
  type ast as A,
  type CheckContext,
  type Diagnostic,
  type ParseResult,
  type Reference,
  type Symbols,
} from "@journey/compiler";
import type { Type } from "@journey/template";

interface FileSignature {
  /** Declared names (with their kind), goal and variant names, in order. */
  names: string;
  /** The text of the profile, types, events and catalogs: their shapes are seen everywhere. */
  types: string;
  /** Template and action headers by name: what a call site checks its arguments against. */
  headers: Map<string, string>;
}

interface FileState {
  path: string;
  text: string;
  version: number;
  parse?: ParseResult;
  /** The text and parse before the edits not parsed yet (for re-parsing only what changed). */
  before?: { text: string; parse: ParseResult };
  lineIndex?: LineIndex;
  /** Facts derived from the text (strings and comments, …), dropped on every edit. */
  memo?: Map<string, unknown>;
  /** The text, signature and declarations as of the last analysis. */
  analyzed?: { text: string; sig: FileSignature; decls: { text: string; span: A.Span; recovered?: boolean }[] };
}

interface UnitOutput {
  diagnostics: Diagnostic[];
  references: Reference[];
}

/** A change of one file since the last analysis: old text `[start, oldEnd)` became `[start, newEnd)`. */
interface Change {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** What the last analysis did: for tests of incrementality and for the benchmark. */
export interface AnalysisStats {
  parsed: string[];
  /** Files with a declaration re-checked. */
  checked: string[];
  /** How many declarations were re-checked. */
  declarations: number;
  full: boolean;
  /** Whole analysis, of which parsing and checking. */
  ms: number;
  parseMs: number;
  checkMs: number;
}

/** Names an analysis adds to the compiler's (inside templates: block parameters and their paths). */
export type Enrich = (project: Project, analysis: Analysis, path: string) => Reference[];

export class Analysis {
  private byFile?: Map<string, Reference[]>;
  private readonly enriched = new Map<string, Reference[]>();

  constructor(
    readonly project: Project,
    readonly files: Map<string, A.SourceFile>,
    readonly ctx: CheckContext | undefined,
    readonly symbols: Symbols | undefined,
    readonly diagnostics: Map<string, Diagnostic[]>,
    /** The resolved names, in chunks (one per declaration): flattened only when a feature asks. */
    private readonly refChunks: Reference[][],
    private readonly enrich?: Enrich,
  ) {}

  private get refs(): Reference[] {
    return (this.flat ??= this.refChunks.flat());
  }
  private flat?: Reference[];

  /** Every resolved name of the project. */
  allReferences(): Reference[] {
    return [...this.files.keys()].flatMap((p) => this.references(p));
  }

  /** The resolved names written in one file, by position (the compiler's and the language server's own). */
  references(path: string): Reference[] {
    let list = this.enriched.get(path);
    if (list) return list;
    const own = this.enrich ? this.enrich(this.project, this, path) : [];
    list = own.length ? [...this.compilerReferences(path), ...own].sort(byPosition) : this.compilerReferences(path);
    this.enriched.set(path, list);
    return list;
  }

  /**
   * The names the checker resolved in one file, by position, deduplicated (a template
   * header checked from many call sites records its types once).
   */
  compilerReferences(path: string): Reference[] {
    return this.index().get(path) ?? [];
  }

  /** The local name (parameter, `let`, alias, …) declared at `start` of a file, as the checker recorded it. */
  definitionAt(path: string, start: number): Reference | undefined {
    if (!this.definitions) {
      this.definitions = new Map();
      for (const r of this.refs) if (r.definition) this.definitions.set(`${r.file}\u0000${r.span.start}`, r);
    }
    return this.definitions.get(`${path}\u0000${start}`);
  }
  private definitions?: Map<string, Reference>;

  private index(): Map<string, Reference[]> {
    if (this.byFile) return this.byFile;
    const m = new Map<string, Reference[]>();
    const seen = new Set<string>();
    for (const r of this.refs) {
      const key = `${r.file}\u0000${r.span.start}\u0000${r.span.end}\u0000${r.kind}\u0000${r.definition ? 1 : 0}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let list = m.get(r.file);
      if (!list) m.set(r.file, (list = []));
      list.push(r);
    }
    for (const list of m.values()) list.sort(byPosition);
    this.byFile = m;
    return m;
  }
}

const byPosition = (a: Reference, b: Reference) => a.span.start - b.span.start || b.span.end - a.span.end;
const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class Project {
  private readonly files = new Map<string, FileState>();
  /** Files removed since the last analysis, with what they were then. */
  private readonly removed = new Map<string, FileState>();
  private readonly dirty = new Set<string>();
  /** What checking each declaration produced, by `unitKey(file, index)`. */
  private readonly units = new Map<string, UnitOutput>();
  private current?: Analysis;
  lastStats: AnalysisStats = { parsed: [], checked: [], declarations: 0, full: true, ms: 0, parseMs: 0, checkMs: 0 };
  /**
   * The last type the checker gave each local name, by declaration and name: completion
   * still knows `w.` while the declaration around it does not parse (and is not checked).
   */
  readonly bindingMemory = new Map<string, Type>();
  /** Files shorter than this are parsed whole after an edit (tests lower it). */
  reparseMinLength = REPARSE_MIN_LENGTH;
  /** How many re-parses reused the declarations an edit did not touch. */
  incrementalParses = 0;
  /** Counts the changes of the project's texts (a file set to other text, added or removed): equal revisions, equal texts. */
  revision = 0;

  constructor(
    readonly root: string,
    private readonly log: (message: string) => void = () => {},
    private readonly enrich?: Enrich,
  ) {}

  paths(): string[] {
    return [...this.files.keys()].sort(byPath);
  }

  /** An empty project analysed as this one is (same root, log and enrichment): for what-if analyses, such as a rename's. */
  scratch(): Project {
    return new Project(this.root, this.log, this.enrich);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  version(path: string): number | undefined {
    return this.files.get(path)?.version;
  }

  /** Set a file's text; returns false when nothing changed. */
  set(path: string, text: string, version = 0): boolean {
    const f = this.files.get(path);
    if (f && f.text === text) {
      f.version = version;
      return false;
    }
    if (f) {
      if (f.parse && !f.before) f.before = { text: f.text, parse: f.parse };
      f.text = text;
      f.version = version;
      f.parse = undefined;
      f.lineIndex = undefined;
      f.memo = undefined;
    } else {
      const old = this.removed.get(path);
      this.removed.delete(path);
      this.files.set(path, { path, text, version, analyzed: old?.analyzed });
    }
    this.dirty.add(path);
    this.current = undefined;
    this.revision++;
    return true;
  }

  remove(path: string): boolean {
    const f = this.files.get(path);
    if (!f) return false;
    this.files.delete(path);
    this.removed.set(path, f);
    this.dirty.add(path);
    this.current = undefined;
    this.revision++;
    return true;
  }

  /** The parse of one file (on demand; after an edit only the declarations it touched are parsed again). */
  parse(path: string): ParseResult | undefined {
    const f = this.files.get(path);
    if (!f) return undefined;
    this.ensureParsed(f);
    return f.parse;
  }

  private ensureParsed(f: FileState): boolean {
    if (f.parse) return false;
    if (f.before) {
      const r = reparse(f.path, f.before.text, f.before.parse, f.text, this.log, this.reparseMinLength);
      f.parse = r.result;
      this.incrementalParses += r.incremental ? 1 : 0;
    } else f.parse = safeParse(f.path, f.text, this.log);
    f.before = undefined;
    return true;
  }

  lineIndex(path: string): LineIndex | undefined {
    const f = this.files.get(path);
    if (!f) return undefined;
    return (f.lineIndex ??= new LineIndex(f.text));
  }

  /** A fact derived from a file's current text, computed once per edit. */
  memo<T>(path: string, key: string, compute: (text: string) => T): T | undefined {
    const f = this.files.get(path);
    if (!f) return undefined;
    const m = (f.memo ??= new Map());
    if (!m.has(key)) m.set(key, compute(f.text));
    return m.get(key) as T;
  }

  /** Whether an analysis is up to date. */
  get fresh(): boolean {
    return this.current !== undefined;
  }

  /** The analysis of the project's current texts (re-checking what changed since the last one). */
  analysis(): Analysis {
    if (this.current) return this.current;
    const t0 = performance.now();
    const parsed: string[] = [];
    for (const f of this.files.values()) if (this.ensureParsed(f)) parsed.push(f.path);
    const t1 = performance.now();
    const signatures = new Map<string, FileSignature>();
    const { all, recheck } = this.plan(signatures);
    const paths = this.paths();
    const sources = paths.map((p) => this.files.get(p)!.parse!.file);
    let ctx: CheckContext | undefined;
    let symbols: Symbols | undefined;
    let prologue: Diagnostic[] = [];
    let epilogue: Diagnostic[] = [];
    let globalRefs: Reference[] = [];
    let t2 = t1;
    let checkedUnits: { file: string; index: number }[] = [];
    try {
      const result = check(sources, all ? {} : { only: (file, index) => recheck.has(unitKey(file, index)) });
      t2 = performance.now();
      ctx = result.ctx;
      symbols = result.symbols;
      checkedUnits = result.units;
      const first = result.units[0];
      const last = result.units[result.units.length - 1];
      const inUnit = new Uint8Array(ctx.references.length);
      for (const u of result.units) inUnit.fill(1, u.references.from, u.references.to);
      prologue = ctx.diagnostics.slice(0, first ? first.diagnostics.from : ctx.diagnostics.length).map(copyDiagnostic);
      epilogue = last ? ctx.diagnostics.slice(last.diagnostics.to).map(copyDiagnostic) : [];
      globalRefs = ctx.references.filter((_, i) => inUnit[i] === 0);
      if (all) this.units.clear();
      for (const u of result.units) {
        // Copies: the spans of a parse move in place when an edit above them is re-parsed.
        const references = ctx.references.slice(u.references.from, u.references.to).map(copyReference);
        this.units.set(unitKey(u.file, u.index), { diagnostics: ctx.diagnostics.slice(u.diagnostics.from, u.diagnostics.to).map(copyDiagnostic), references });
        const decl = this.files.get(u.file)?.parse?.file.declarations[u.index];
        if (decl && !decl.recovered) for (const r of references) if (r.definition && r.type) this.bindingMemory.set(`${declarationKey(decl)}\u0000${r.name}`, r.type);
      }
    } catch (e) {
      this.log(`the checker failed: ${(e as Error)?.stack ?? e}`);
      this.units.clear();
    }

    // Merged in checking order: the prologue (binding, types), each declaration, the epilogue.
    const semantic: Diagnostic[] = [...prologue];
    const refs: Reference[][] = [globalRefs];
    const live = new Set<string>();
    const ordered: UnitOutput[] = [];
    // Problems reported outside the declaration being checked (a template's parameter types,
    // by its first caller): the declaration itself may have reported them too, or another
    // cached caller. Each is kept once, as a fresh check reports it once.
    const dkey = (d: Diagnostic) => `${d.file}\u0000${d.span.start}\u0000${d.span.end}\u0000${d.code}\u0000${d.message}`;
    const cross = new Set<string>();
    for (const p of paths) {
      const decls = this.files.get(p)!.parse!.file.declarations;
      for (let i = 0; i < decls.length; i++) {
        const key = unitKey(p, i);
        live.add(key);
        const u = this.units.get(key);
        if (!u) continue;
        ordered.push(u);
        const own = decls[i]!.span;
        for (const d of u.diagnostics) if (d.file !== p || d.span.start < own.start || d.span.start > own.end) cross.add(dkey(d));
        refs.push(u.references);
      }
    }
    const kept = new Set<string>();
    for (const u of ordered) {
      for (const d of u.diagnostics) {
        if (cross.size && cross.has(dkey(d))) {
          if (kept.has(dkey(d))) continue;
          kept.add(dkey(d));
        }
        semantic.push(d);
      }
    }
    for (const k of [...this.units.keys()]) if (!live.has(k)) this.units.delete(k);
    semantic.push(...epilogue);
    const syntax = paths.flatMap((p) => this.files.get(p)!.parse!.diagnostics);
    const fileMap = new Map(sources.map((s) => [s.path, s]));
    const diagnostics = [...syntax, ...withoutCascades(semantic, syntax, fileMap)].sort(compareDiagnostics);
    const perFile = new Map<string, Diagnostic[]>(paths.map((p) => [p, []]));
    for (const d of diagnostics) {
      let list = perFile.get(d.file);
      if (!list) perFile.set(d.file, (list = []));
      list.push(d);
    }

    for (const path of all ? paths : this.dirty) {
      const f = this.files.get(path);
      if (f && f.analyzed?.text !== f.text) f.analyzed = analyzedState(f.text, f.parse!.file, signatures.get(path));
    }
    this.dirty.clear();
    this.removed.clear();
    this.current = new Analysis(this, fileMap, ctx, symbols, perFile, refs, this.enrich);
    this.lastStats = {
      parsed,
      checked: [...new Set(checkedUnits.map((u) => u.file))],
      declarations: checkedUnits.length,
      full: all,
      ms: performance.now() - t0,
      parseMs: t1 - t0,
      checkMs: t2 - t1,
    };
    return this.current;
  }

  /** Which declarations to re-check; moves the cached results of the others to the new text. */
  private plan(signatures: Map<string, FileSignature>): { all: boolean; recheck: Set<string> } {
    const recheck = new Set<string>();
    if (this.units.size === 0) return { all: true, recheck };
    const changes = new Map<string, Change>();
    const changedHeaders = new Set<string>();
    /** Declaration spans as of the last analysis, for the files that changed. */
    const oldSpans = new Map<string, A.Span[]>();
    let all = false;
    for (const path of this.dirty) {
      const f = this.files.get(path);
      const before = f ? f.analyzed : this.removed.get(path)?.analyzed;
      if (!f) {
        if (before && before.sig.names !== "") all = true;
        continue;
      }
      const file = f.parse!.file;
      const sig = signature(file);
      signatures.set(path, sig);
      if (!before) {
        if (sig.names !== "") all = true;
        continue;
      }
      if (before.sig.names !== sig.names || before.sig.types !== sig.types) all = true;
      for (const [name, header] of sig.headers) if (before.sig.headers.get(name) !== header) changedHeaders.add(name);
      const c = diffRegion(before.text, f.text);
      if (c) changes.set(path, c);
      oldSpans.set(path, before.decls.map((d) => d.span));
      // The declarations whose text changed (the names did not, so neither did their number).
      file.declarations.forEach((d, i) => {
        const was = before.decls[i];
        if (!was || was.text !== f.text.slice(d.span.start, d.span.end) || was.recovered !== d.recovered) recheck.add(unitKey(path, i));
      });
    }
    if (all) return { all, recheck };
    for (const [key, out] of this.units) {
      if (recheck.has(key)) continue;
      const calls = changedHeaders.size > 0 && out.references.some((r) => (r.kind === "template" || r.kind === "action") && changedHeaders.has(r.name));
      if (calls || touches(out, changes)) recheck.add(key);
    }
    // Template and action parameter types are resolved once per check, by the first
    // declaration that needs them: when it is re-checked, so is the declaring one, which then
    // resolves them itself (duplicates from cached results are dropped when merging).
    const spansOf = (file: string) => oldSpans.get(file) ?? this.files.get(file)?.parse?.file.declarations.map((d) => d.span) ?? [];
    const queue = [...recheck];
    while (queue.length) {
      const key = queue.pop()!;
      const out = this.units.get(key);
      if (!out) continue;
      const [file, index] = splitKey(key);
      const own = spansOf(file)[index];
      const outside = (f: string, s: A.Span) => f !== file || !own || s.start < own.start || s.start > own.end;
      const owners = new Set<string>();
      for (const d of out.diagnostics) if (outside(d.file, d.span)) owners.add(ownerKey(d.file, d.span, spansOf(d.file)));
      for (const r of out.references) if (outside(r.file, r.span)) owners.add(ownerKey(r.file, r.span, spansOf(r.file)));
      for (const o of owners) {
        if (o && !recheck.has(o) && this.units.has(o)) {
          recheck.add(o);
          queue.push(o);
        }
      }
    }
    if (changes.size) {
      for (const [key, out] of this.units) if (!recheck.has(key)) this.units.set(key, relocate(out, changes));
    }
    return { all, recheck };
  }
}

/** A declaration's identity across edits: its kind and name. */
export function declarationKey(d: A.Declaration): string {
  return `${d.kind}:${"name" in d && d.name && "name" in d.name ? d.name.name : ""}`;
}

function unitKey(file: string, index: number): string {
  return `${file}\u0000${index}`;
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf("\u0000");
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

/** The unit (declaration) of `file` whose span holds `span`'s start. */
function ownerKey(file: string, span: A.Span, spans: A.Span[]): string {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (span.start < s.start) hi = mid - 1;
    else if (span.start > s.end) lo = mid + 1;
    else return unitKey(file, mid);
  }
  return "";
}

function analyzedState(text: string, file: A.SourceFile, sig = signature(file)): NonNullable<FileState["analyzed"]> {
  return {
    text,
    sig,
    decls: file.declarations.map((d) => ({ text: text.slice(d.span.start, d.span.end), span: { start: d.span.start, end: d.span.end }, recovered: d.recovered })),
  };
}

const copySpan = (s: A.Span): A.Span => ({ start: s.start, end: s.end });

function copyReference(r: Reference): Reference {
  const c: Reference = { ...r, span: copySpan(r.span) };
  if (r.target) c.target = { file: r.target.file, span: copySpan(r.target.span) };
  return c;
}

function copyDiagnostic(d: Diagnostic): Diagnostic {
  const c: Diagnostic = { ...d, span: copySpan(d.span) };
  if (d.related) c.related = d.related.map((x) => ({ ...x, span: copySpan(x.span) }));
  if (d.fix) c.fix = { ...d.fix, edits: d.fix.edits.map((x) => ({ ...x, span: copySpan(x.span) })) };
  return c;
}

export function safeParse(path: string, text: string, log: (message: string) => void = () => {}): ParseResult {
  try {
    return parseFile(path, text);
  } catch (e) {
    log(`the parser failed on ${path}: ${(e as Error)?.stack ?? e}`);
    const d: Diagnostic = { code: codes.syntaxError.code, severity: "error", message: "this file could not be parsed", file: path, span: { start: 0, end: 0 } };
    return { file: { path, text, declarations: [], comments: [] }, diagnostics: [d] };
  }
}

function signature(file: A.SourceFile): FileSignature {
  const names: string[] = [];
  const types: string[] = [];
  const headers = new Map<string, string>();
  const text = (from: number, to: number) => file.text.slice(from, to);
  for (const d of file.declarations) {
    const name = "name" in d && d.name && "name" in d.name ? d.name.name : "";
    names.push(`${d.kind}:${name}`);
    switch (d.kind) {
      case "Profile":
      case "TypeDecl":
      case "EventDecl":
      case "CatalogDecl":
        types.push(text(d.span.start, d.span.end));
        break;
      case "TemplateDecl":
        headers.set(name, text(d.span.start, Math.max(d.channel.span.end, d.name.span.end)));
        break;
      case "ActionDecl":
        headers.set(name, text(d.span.start, d.span.end));
        break;
      case "JourneyDecl":
        for (const c of d.clauses) if (c.kind === "Goal") names.push(`goal:${c.name.name}`);
        break;
      case "ExperienceDecl":
        for (const i of d.items) if (i.kind === "Variant") names.push(`variant:${i.name.name}`);
        break;
    }
    // Tests choose arms of named splits: a test is checked again when they change.
    for (const s of namedSplits(d)) names.push(`split:${s.experiment.value}:${s.arms.map((a) => a.label.name).join(",")}`);
  }
  return { names: names.join("\n"), types: types.join("\u0000"), headers };
}

/** The one region where two texts differ (common prefix and suffix removed); undefined when equal. */
export function diffRegion(before: string, after: string): Change | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { start: p, oldEnd: before.length - s, newEnd: after.length - s };
}

/** Whether a span touches a change (sharing an end counts: typing at the end of a name changes it). */
export function touchesSpan(s: A.Span, c: Change): boolean {
  return s.end >= c.start && s.start <= c.oldEnd;
}

function touches(out: UnitOutput, changes: Map<string, Change>): boolean {
  if (changes.size === 0) return false;
  const hit = (file: string, span: A.Span) => {
    const c = changes.get(file);
    return c !== undefined && touchesSpan(span, c);
  };
  for (const r of out.references) {
    if (hit(r.file, r.span) || (r.target && hit(r.target.file, r.target.span))) return true;
  }
  for (const d of out.diagnostics) {
    if (hit(d.file, d.span)) return true;
    if (d.related?.some((x) => hit(x.file, x.span))) return true;
    if (d.fix?.edits.some((x) => hit(x.file, x.span))) return true;
  }
  return false;
}

function move(file: string, span: A.Span, changes: Map<string, Change>): A.Span {
  const c = changes.get(file);
  if (!c || span.start < c.oldEnd) return span;
  const delta = c.newEnd - c.oldEnd;
  return { start: span.start + delta, end: span.end + delta };
}

function relocate(out: UnitOutput, changes: Map<string, Change>): UnitOutput {
  const inChanged = (file: string) => changes.has(file);
  const references = out.references.map((r) => {
    if (!inChanged(r.file) && !(r.target && inChanged(r.target.file))) return r;
    const moved: Reference = { ...r, span: move(r.file, r.span, changes) };
    if (r.target) moved.target = { file: r.target.file, span: move(r.target.file, r.target.span, changes) };
    return moved;
  });
  const diagnostics = out.diagnostics.map((d) => {
    const any = inChanged(d.file) || d.related?.some((x) => inChanged(x.file)) || d.fix?.edits.some((x) => inChanged(x.file));
    if (!any) return d;
    const moved: Diagnostic = { ...d, span: move(d.file, d.span, changes) };
    if (d.related) moved.related = d.related.map((x) => ({ ...x, span: move(x.file, x.span, changes) }));
    if (d.fix) moved.fix = { ...d.fix, edits: d.fix.edits.map((x) => ({ ...x, span: move(x.file, x.span, changes) })) };
    return moved;
  });
  return { diagnostics, references };
}
