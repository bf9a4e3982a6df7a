/**
 * Experiments as the editor navigates them. An experiment has no declaration of its own: it
 * is the name of one or more named splits (journey steps, experience variants), which declare
 * it and its arms, and test items (`split "x" A for "p1"`) choose its arms. Every place an
 * experiment's name or an arm's label is written is a site; hover, definition, references,
 * highlights and rename work on the sites of one experiment (or one arm) across the project.
 */
import { namedSplits, type ast as A, type NamedSplit } from "@journey/compiler";
import type { Analysis } from "./project.js";
import { stringSpans } from "./text.js";
import type { Location, Span } from "./types.js";

export interface ExperimentSite {
  experiment: string;
  /** The arm's label; absent where the experiment's name is written. */
  arm?: string;
  path: string;
  /** The name: a label, or the string's contents (inside its quotes). */
  span: Span;
  /** The string literal, quotes included (what a rename replaces). */
  literal?: Span;
  /** The declaration holding it: a journey or experience (a split), or a test. */
  decl: A.Declaration;
  /** The split declaring the experiment (and the arm); absent for a test's choice. */
  split?: NamedSplit;
}

const cache = new WeakMap<A.SourceFile, ExperimentSite[]>();

/** The sites of one file, by position. */
export function experimentSites(file: A.SourceFile): ExperimentSite[] {
  let list = cache.get(file);
  if (list) return list;
  list = [];
  const name = (s: A.StringExpr) => stringSpans(file.text, s);
  for (const decl of file.declarations) {
    for (const split of namedSplits(decl)) {
      const experiment = split.experiment.value;
      list.push({ experiment, path: file.path, ...name(split.experiment), decl, split });
      for (const { label } of split.arms) if (label?.name) list.push({ experiment, arm: label.name, path: file.path, span: label.span, decl, split });
    }
    if (decl.kind !== "TestDecl") continue;
    for (const item of decl.items) {
      if (item?.kind !== "TestSplit" || !item.experiment) continue;
      const experiment = item.experiment.value;
      list.push({ experiment, path: file.path, ...name(item.experiment), decl });
      if (item.arm?.name) list.push({ experiment, arm: item.arm.name, path: file.path, span: item.arm.span, decl });
    }
  }
  list.sort((a, b) => a.span.start - b.span.start);
  cache.set(file, list);
  return list;
}

/** The site whose name holds `offset`. */
export function experimentSiteAt(file: A.SourceFile, offset: number): ExperimentSite | undefined {
  return experimentSites(file).find((s) => s.span.start <= offset && offset <= s.span.end);
}

/** Every site of the same experiment (of the same arm, for an arm's site) in the project, by path and position. */
export function sameSites(analysis: Analysis, site: ExperimentSite): ExperimentSite[] {
  return experimentUses(analysis, site.experiment).filter((s) => s.arm === site.arm);
}

/** Every site of an experiment, its arms' included. */
export function experimentUses(analysis: Analysis, experiment: string): ExperimentSite[] {
  const out: ExperimentSite[] = [];
  for (const path of [...analysis.files.keys()].sort()) for (const s of experimentSites(analysis.files.get(path)!)) if (s.experiment === experiment) out.push(s);
  return out;
}

/** Where a site's experiment (or arm) is declared: the splits that name it (have the label). */
export function declaringSites(analysis: Analysis, site: ExperimentSite): ExperimentSite[] {
  return sameSites(analysis, site).filter((s) => s.split);
}

export function siteLocation(s: ExperimentSite): Location {
  return { path: s.path, span: s.span };
}
