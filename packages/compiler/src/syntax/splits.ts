/** The named splits (experiments) of a declaration: what a test may choose an arm of. */
import type * as A from "./ast.js";
import { blocksOf } from "./blocks.js";

export interface NamedSplit {
  experiment: A.StringExpr;
  arms: A.Ident[];
  /** The split itself: its arms' percentages and what each does (steps, or a variant's content). */
  split: A.SplitStep | A.VariantSplit;
  /** The variant holding an experience's split. */
  variant?: A.VariantDecl;
}

/** A journey's `split "name"` steps at any depth, an experience's `split "name"` variants; unnamed splits are left out. */
export function namedSplits(d: A.Declaration): NamedSplit[] {
  const out: NamedSplit[] = [];
  if (d.kind === "JourneyDecl") splitsIn(d.body, out);
  else if (d.kind === "ExperienceDecl") {
    for (const i of d.items) if (i?.kind === "Variant" && i.split?.experiment) out.push({ experiment: i.split.experiment, arms: i.split.arms.map((a) => a.label), split: i.split, variant: i });
  }
  return out;
}

/**
 * Through the steps and their blocks only, not their expressions: the language server asks on
 * every edit, for every declaration of the file.
 */
function splitsIn(block: A.Block | undefined, out: NamedSplit[]): void {
  for (const s of block?.steps ?? []) {
    if (!s) continue;
    if (s.kind === "Split" && s.experiment) out.push({ experiment: s.experiment, arms: s.arms.map((a) => a.label), split: s });
    for (const b of blocksOf(s)) splitsIn(b, out);
  }
}
