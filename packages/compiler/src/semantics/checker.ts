/** The checker's entry point: bind a project, resolve its types, check every declaration. */
import { T, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { checkAction, checkAudience, checkCatalog, checkChannelDecl, checkFieldDefaults, checkFragment, checkTemplateDecl } from "./check-declarations.js";
import { checkExperience, checkSurfaceConflicts } from "./check-experience.js";
import { checkExperimentArms } from "./check-experiments.js";
import { checkJourney, checkJumpCycles, checkJumpTargets } from "./check-journey.js";
import { checkTest } from "./check-test.js";
import { CheckContext } from "./context.js";
import { bind, type Symbols } from "./symbols.js";
import { namedType, resolveFields } from "./types.js";

export interface CheckOptions {
  /**
   * Check only the declarations this accepts (`index` is the declaration's position in its
   * file). The whole project is still bound and its types resolved; the language server
   * passes the declarations an edit touches.
   */
  only?: (file: string, index: number, declaration: A.Declaration) => boolean;
  /** Record every name resolved in `ctx.references` (default true; `compile` turns it off unless asked). */
  references?: boolean;
}

/** What checking one declaration produced: ranges of `ctx.diagnostics` and `ctx.references`. */
export interface CheckUnit {
  file: string;
  /** The declaration's position in its file. */
  index: number;
  diagnostics: { from: number; to: number };
  references: { from: number; to: number };
}

export interface CheckResult {
  ctx: CheckContext;
  symbols: Symbols;
  /** One per declaration checked, in the order they were checked. */
  units: CheckUnit[];
}

export function check(files: A.SourceFile[], options: CheckOptions = {}): CheckResult {
  const sources = new Map(files.map((f) => [f.path, f]));
  const { symbols, duplicates, extraProfiles } = bind(files);
  const ctx = new CheckContext(symbols, sources, options.references ?? true);

  for (const d of duplicates) {
    ctx.inFile(d.second.file, () =>
      ctx.report("duplicateDeclaration", { name: d.name }, d.span, { related: [ctx.related(d.first.file, nameSpan(d.first.decl), "first declared here")] }),
    );
  }
  for (const p of extraProfiles) {
    ctx.inFile(p.file, () => ctx.report("duplicateProfile", {}, p.decl.keywordSpan, { related: [ctx.related(symbols.profile!.file, symbols.profile!.decl.keywordSpan, "the first profile")] }));
  }
  const anyDeclaration = files.some((f) => f.declarations.length > 0);
  if (!symbols.profile && anyDeclaration) {
    const first = [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).find((f) => f.declarations.length)!;
    ctx.inFile(first.path, () => ctx.report("missingProfile", {}, first.declarations[0]!.keywordSpan, { help: "declare the shape of a customer: `profile { email: string }`" }));
  }

  // Types first: every check below reads them.
  if (symbols.profile) {
    const p = symbols.profile.decl;
    ctx.profile = ctx.inFile(symbols.profile.file, () => ({ kind: "record", fields: resolveFields(ctx, p.fields), ...(p.recovered ? { partial: true } : {}) }) as Type);
  }
  for (const name of [...symbols.types.keys(), ...symbols.events.keys(), ...symbols.catalogs.keys()]) namedType(ctx, name);
  const catalogs = [...symbols.catalogs.values()];
  if (catalogs[0]) {
    const c = catalogs[0];
    const type = (ctx.named.get(c.decl.name.name) ?? { kind: "record", fields: [] }) as Type & { kind: "record" };
    const keyField = c.decl.fields.find((f) => f.isKey);
    const key = keyField && type.kind === "record" ? type.fields.find((f) => f.name === keyField.name.name) : undefined;
    ctx.catalog = { name: c.decl.name.name, type, key: key ? { name: key.name, type: key.type } : undefined };
  }
  for (const c of catalogs.slice(1)) ctx.inFile(c.file, () => ctx.report("multipleCatalogs", {}, c.decl.keywordSpan));

  const units: CheckUnit[] = [];
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    ctx.file = f.path;
    f.declarations.forEach((d, index) => {
      if (options.only && !options.only(f.path, index, d)) return;
      const unit: CheckUnit = { file: f.path, index, diagnostics: { from: ctx.diagnostics.length, to: 0 }, references: { from: ctx.references.length, to: 0 } };
      // A declaration the parser recovered inside is bound but not checked: its syntax error says it all.
      if (!d.recovered) checkDeclaration(ctx, d);
      unit.diagnostics.to = ctx.diagnostics.length;
      unit.references.to = ctx.references.length;
      units.push(unit);
    });
  }
  checkSurfaceConflicts(ctx);
  checkJumpTargets(ctx, files);
  checkJumpCycles(ctx);
  checkExperimentArms(ctx);
  return { ctx, symbols, units };
}

function checkDeclaration(ctx: CheckContext, d: A.Declaration): void {
  switch (d.kind) {
    case "Profile":
      checkFieldDefaults(ctx, d.fields, ctx.profile);
      return;
    case "TypeDecl":
      if (d.type.kind === "RecordType") checkFieldDefaults(ctx, d.type.fields, ctx.named.get(d.name.name) ?? T.unknown);
      return;
    case "EventDecl":
      checkFieldDefaults(ctx, d.fields, ctx.named.get(d.name.name) ?? T.unknown);
      return;
    case "CatalogDecl":
      checkFieldDefaults(ctx, d.fields, ctx.named.get(d.name.name) ?? T.unknown);
      checkCatalog(ctx, d, ctx.named.get(d.name.name) ?? T.unknown);
      return;
    case "AudienceDecl":
      checkAudience(ctx, d);
      return;
    case "ActionDecl":
      checkAction(ctx, d);
      return;
    case "FragmentDecl":
      checkFragment(ctx, d);
      return;
    case "TemplateDecl":
      checkTemplateDecl(ctx, d);
      return;
    case "ChannelDecl":
      checkChannelDecl(ctx, d);
      return;
    case "JourneyDecl":
      checkJourney(ctx, d);
      return;
    case "ExperienceDecl":
      checkExperience(ctx, d);
      return;
    case "TestDecl":
      checkTest(ctx, d);
      return;
  }
}

function nameSpan(d: A.Declaration): A.Span {
  return "name" in d && d.name && "span" in d.name ? d.name.span : d.keywordSpan;
}
