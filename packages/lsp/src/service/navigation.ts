/** Go to definition, find references, highlights and rename: all keyed by where a name is declared. */
import { basename } from "node:path";
import { CHANNELS, compile, type ast as A, type Diagnostic } from "@journey/compiler";
import { Doc, partialRefs, symbolAt, walk, type SymbolAt } from "./document.js";
import { declaringSites, experimentUses, sameSites, siteLocation, type ExperimentSite } from "./experiments.js";
import { profileSiteLocation, sameProfileSites, testProfileSites, type TestProfileSite } from "./test-profiles.js";
import { isIdentifier, wordAt } from "./text.js";
import type { Highlight, Location, PrepareRenameResult, RenameResult, Span, TextEdit } from "./types.js";

const same = (a: Location, b: { file?: string; path?: string; span: Span }) => a.path === (b.path ?? b.file) && a.span.start === b.span.start && a.span.end === b.span.end;

/** Where the name under the cursor is declared. */
export function target(doc: Doc, offset: number): { sym: SymbolAt; target: Location } | undefined {
  const sym = symbolAt(doc, offset);
  if (!sym) return undefined;
  if (sym.target) return { sym, target: sym.target };
  // A test choosing an experiment no split names: its uses are still the tests'.
  if (sym.site) return { sym, target: siteLocation(sym.site) };
  // An id the test does not declare (J6003): its uses are still one another's.
  if (sym.profile) return { sym, target: profileSiteLocation(sym.profile) };
  if (sym.kind === "item") {
    const c = doc.analysis.symbols?.catalogs.values().next().value;
    if (c) return { sym, target: { path: c.file, span: c.decl.name.span } };
  }
  return undefined;
}

export function definition(doc: Doc, offset: number): Location[] {
  const t = target(doc, offset);
  if (!t) {
    const channel = channelDeclarationAt(doc, offset);
    return channel ? [channel] : [];
  }
  // An experiment (an arm) is declared by every split that names it (has the label).
  if (t?.sym.site) return declaringSites(doc.analysis, t.sym.site).map(siteLocation);
  if (t?.sym.profile) return sameProfileSites(t.sym.profile, doc.text).filter((x) => x.declares).map(profileSiteLocation);
  return t ? [t.target] : [];
}

/**
 * A channel's name where a channel is named (`send email`, `for sms`, `expect send push`): its
 * `channel` declaration, where its policy is (`from`, `consent`, `cap`, `quiet`), if the
 * project has one. Not a field or a record key of the same name (`profile.email`, `email: …`).
 */
function channelDeclarationAt(doc: Doc, offset: number): Location | undefined {
  const { word, span } = wordAt(doc.text, offset);
  const declared = CHANNELS.has(word) ? doc.analysis.symbols?.channels.get(word) : undefined;
  if (!declared || doc.text[span.start - 1] === "." || /^\s*:/.test(doc.text.slice(span.end, span.end + 40)) || doc.regionAt(offset)) return undefined;
  return { path: declared.file, span: declared.decl.name.span };
}

export function references(doc: Doc, offset: number, includeDeclaration = true): Location[] {
  const t = target(doc, offset);
  if (!t) return [];
  return occurrences(doc, t.sym, t.target, includeDeclaration);
}

/** Every occurrence in this file of the name under the cursor: its declaration, written, and its uses, read. */
export function highlights(doc: Doc, offset: number): Highlight[] {
  const t = target(doc, offset);
  if (!t) return [];
  const site = t.sym.site;
  if (site) return sameSites(doc.analysis, site).filter((s) => s.path === doc.path).map((s) => ({ span: s.span, write: s.split !== undefined }));
  if (t.sym.profile) return sameProfileSites(t.sym.profile, doc.text).map((s) => ({ span: s.span, write: s.declares }));
  return occurrences(doc, t.sym, t.target, true)
    .filter((l) => l.path === doc.path)
    .map((l) => ({ span: l.span, write: same(t.target, l) }));
}

function occurrences(doc: Doc, sym: SymbolAt, at: Location, includeDeclaration: boolean): Location[] {
  const a = doc.analysis;
  // The splits naming an experiment are its declarations, the tests choosing its arms its uses.
  if (sym.site) return sameSites(a, sym.site).filter((s) => includeDeclaration || !s.split).map(siteLocation);
  if (sym.profile) return sameProfileSites(sym.profile, doc.text).filter((s) => includeDeclaration || !s.declares).map(profileSiteLocation);
  const out: Location[] = [];
  if (includeDeclaration) out.push(at);
  for (const r of a.allReferences()) {
    if (r.definition || !r.target || !same(at, r.target)) continue;
    // `event` in a handler stands for the handler's event without naming it.
    if (r.kind === "event" && r.name === "event" && sym.name !== "event") continue;
    out.push({ path: r.file, span: r.span });
  }
  const kind = sym.definition?.kind ?? sym.kind;
  if (kind === "fragment") {
    for (const f of a.files.values()) for (const p of partialRefs(f)) if (p.name === sym.name) out.push({ path: p.file, span: p.span });
  }
  if (kind === "goal" || kind === "variant") {
    for (const f of a.files.values()) {
      walk(f.declarations, (n) => {
        if (kind === "goal" && n.kind === "ExpectGoal") {
          const g = (n as unknown as { goal: A.Ident }).goal;
          if (g?.name === sym.name) out.push({ path: f.path, span: g.span });
        }
        if (kind === "variant" && n.kind === "ExpectDecide") {
          const v = (n as unknown as { variant?: A.Ident }).variant;
          if (v?.name === sym.name) out.push({ path: f.path, span: v.span });
        }
      });
    }
  }
  const seen = new Set<string>();
  return out
    .filter((l) => {
      const k = `${l.path}\u0000${l.span.start}\u0000${l.span.end}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : x.span.start - y.span.start));
}

/** Names the language provides: not renamable. */
const PROVIDED = new Set(["profile", "event", "item", "context", "unsubscribeUrl", "message", "journey"]);
const EXPRESSION_WORDS = new Set(["true", "false", "null", "not", "and", "or", "in"]);

export function prepareRename(doc: Doc, offset: number): PrepareRenameResult | { error: string } {
  const at = symbolAt(doc, offset);
  const site = at?.site;
  if (site && !declaringSites(doc.analysis, site).length) {
    return { error: site.arm === undefined ? `no split is named "${site.experiment}": there is no experiment to rename` : `no split of "${site.experiment}" has an arm \`${site.arm}\`` };
  }
  const profile = at?.profile;
  if (profile && !sameProfileSites(profile, doc.text).some((s) => s.declares)) return { error: `this test declares no profile "${profile.id}": there is no profile to rename` };
  const t = target(doc, offset);
  if (!t) return { error: "there is no name to rename here" };
  if (t.sym.site || t.sym.profile) return { span: t.sym.span, placeholder: t.sym.name };
  const { sym } = t;
  const kind = sym.definition?.kind ?? sym.kind;
  const written = doc.text.slice(sym.span.start, sym.span.end);
  if (kind === "channel") return { error: "channel names are fixed (`email`, `sms`, `push`, `webhook`)" };
  const declared = doc.project.text(t.target.path)?.slice(t.target.span.start, t.target.span.end);
  // `profile`, `item`, `event` (which stands for the handler's event), runtime names.
  if (kind === "profile" || kind === "item" || kind === "runtime" || kind === "context" || written !== sym.name || declared !== sym.name) {
    return { error: `\`${written}\` is provided by the language and cannot be renamed` };
  }
  return { span: sym.span, placeholder: sym.name };
}

export function rename(doc: Doc, offset: number, newName: string): RenameResult | { error: string } {
  const prep = prepareRename(doc, offset);
  if ("error" in prep) return prep;
  const t = target(doc, offset)!;
  if (t.sym.site) return renameExperiment(doc, t.sym.site, newName);
  if (t.sym.profile) return renameTestProfile(doc, t.sym.profile, newName);
  const oldName = t.sym.name;
  if (!isIdentifier(newName)) return { error: `\`${newName}\` is not a valid name` };
  if (EXPRESSION_WORDS.has(newName)) return { error: `\`${newName}\` is a keyword` };
  const kind = t.sym.definition?.kind ?? t.sym.kind;
  const s = doc.analysis.symbols;
  const declLike = ["type", "event", "catalog", "audience", "action", "fragment", "template", "journey", "experience"].includes(kind);
  if (declLike && newName !== oldName && s?.all.has(newName)) return { error: `\`${newName}\` is already declared` };
  if (!declLike && kind !== "field" && PROVIDED.has(newName)) return { error: `\`${newName}\` is a name the language provides` };
  const edits: TextEdit[] = [];
  for (const l of occurrences(doc, t.sym, t.target, true)) {
    const text = doc.project.text(l.path)?.slice(l.span.start, l.span.end);
    if (text !== oldName) continue;
    edits.push({ path: l.path, span: l.span, newText: newName });
  }
  // The rules a new name must follow are the checker's (a keyword, a field or parameter of the
  // same name, a binding it would shadow, …): the project is compiled with the edits, and a
  // rename that makes a new error is refused with it.
  const after = applied(doc, edits);
  const broken = newError(doc, after.files);
  if (broken) return { error: `renaming to \`${newName}\` would break the project: ${broken.message} (in ${basename(broken.file)})` };
  const captured = capturedOccurrence(doc, edits, after, t.target);
  if (captured) {
    const line = doc.project.lineIndex(captured.path)?.position(captured.span.start).line ?? 0;
    return { error: `renaming to \`${newName}\` would change what it names in ${basename(captured.path)}:${line + 1}: another \`${newName}\` (a block parameter, a binding) is in scope there` };
  }
  return { edits };
}

/**
 * An experiment's name is a string: every split and test item naming it gets the new one,
 * written as a `"…"` literal (any text is a valid name but a blank one). An arm's label is a
 * name, renamed in the splits of its experiment that have it and the tests choosing it. A
 * name the experiment (the arm) would share with another is refused: splits of one name share
 * one assignment, so the rename would merge two experiments (arms) rather than rename one.
 */
function renameExperiment(doc: Doc, site: ExperimentSite, newName: string): RenameResult | { error: string } {
  const a = doc.analysis;
  const uses = experimentUses(a, site.experiment);
  const declared = (s: ExperimentSite) => s.split !== undefined;
  let edits: TextEdit[];
  if (site.arm === undefined) {
    if (!newName.trim()) return { error: "an experiment needs a name: splits of the same name share one assignment" };
    const other = newName !== site.experiment && experimentUses(a, newName).find(declared);
    if (other) return { error: `"${newName}" is already an experiment (in ${basename(other.path)}): the two would become one, sharing its assignment` };
    edits = uses.filter((s) => s.arm === undefined).map((s) => ({ path: s.path, span: s.literal!, newText: JSON.stringify(newName) }));
  } else {
    if (!isIdentifier(newName)) return { error: `\`${newName}\` is not a valid arm label` };
    if (newName !== site.arm && uses.some((s) => s.arm === newName && declared(s))) return { error: `\`${newName}\` is already an arm of "${site.experiment}": the two arms would become one` };
    edits = uses.filter((s) => s.arm === site.arm).map((s) => ({ path: s.path, span: s.span, newText: newName }));
  }
  const broken = newError(doc, applied(doc, edits).files);
  if (broken) return { error: `renaming to ${site.arm === undefined ? JSON.stringify(newName) : `\`${newName}\``} would break the project: ${broken.message} (in ${basename(broken.file)})` };
  return { edits };
}

/**
 * A test's profile id is a string, local to the test: its declaration and every item of the
 * test naming it get the new one, as a `"…"` literal. An id another profile of the test has
 * is refused: the two profiles would become one.
 */
function renameTestProfile(doc: Doc, site: TestProfileSite, newName: string): RenameResult | { error: string } {
  if (!newName.trim()) return { error: "a profile needs an id" };
  const all = testProfileSites(site.path, doc.text, site.test);
  if (newName !== site.id && all.some((s) => s.declares && s.id === newName)) return { error: `this test already declares a profile "${newName}": the two would become one` };
  const edits = all.filter((s) => s.id === site.id).map((s) => ({ path: s.path, span: s.literal, newText: JSON.stringify(newName) }));
  const broken = newError(doc, applied(doc, edits).files);
  if (broken) return { error: `renaming to ${JSON.stringify(newName)} would break the project: ${broken.message} (in ${basename(broken.file)})` };
  return { edits };
}

/** The project's files with `edits` applied, and where each edit starts in its edited file. */
function applied(doc: Doc, edits: TextEdit[]): { files: { path: string; text: string }[]; moved: Map<TextEdit, number> } {
  const moved = new Map<TextEdit, number>();
  const files = doc.project.paths().map((path) => {
    const mine = edits.filter((e) => e.path === path).sort((a, b) => a.span.start - b.span.start);
    const original = doc.project.text(path)!;
    let text = "";
    let from = 0;
    for (const e of mine) {
      text += original.slice(from, e.span.start);
      moved.set(e, text.length);
      text += e.newText;
      from = e.span.end;
    }
    return { path, text: text + original.slice(from) };
  });
  return { files, moved };
}

/**
 * An edited occurrence that, in the project with the edits applied, names something else than
 * the renamed declaration: a template's block parameter or a `{{#with}}` context field of the
 * new name would capture it, and the project still compiles (a warning at most).
 */
function capturedOccurrence(doc: Doc, edits: TextEdit[], after: ReturnType<typeof applied>, declaration: Location): Location | undefined {
  const scratch = doc.project.scratch();
  for (const f of after.files) scratch.set(f.path, f.text);
  const declared = edits.find((e) => same(declaration, e));
  const expected = declared ? { path: declared.path, start: after.moved.get(declared)! } : { path: declaration.path, start: declaration.span.start };
  for (const e of edits) {
    const now = target(new Doc(scratch, e.path), after.moved.get(e)!)?.target;
    if (now && (now.path !== expected.path || now.span.start !== expected.start)) return { path: e.path, span: e.span };
  }
  return undefined;
}

/** An error compiling the project with the edits applied (`edited`) that compiling it as it is does not give. */
function newError(doc: Doc, edited: { path: string; text: string }[]): Diagnostic | undefined {
  const files = doc.project.paths().map((path) => ({ path, text: doc.project.text(path)! }));
  const errors = (fs: typeof files) => compile(fs, { emit: false }).diagnostics.filter((d) => d.severity === "error");
  const before = new Map<string, number>();
  // By code and file, not message: an error the project has already may name the old name.
  const key = (d: Diagnostic) => `${d.code}\u0000${d.file}`;
  for (const d of errors(files)) before.set(key(d), (before.get(key(d)) ?? 0) + 1);
  for (const d of errors(edited)) {
    const n = before.get(key(d)) ?? 0;
    if (!n) return d;
    before.set(key(d), n - 1);
  }
  return undefined;
}
