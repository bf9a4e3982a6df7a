/** The named splits (experiments) of a declaration: what a test may choose an arm of, and what must agree across the project. */
import type * as A from "./ast.js";
import { blocksOf } from "./blocks.js";

/** An arm as both kinds of split write it: a journey step's (with a block) and a variant's (with content). */
export type NamedSplitArm = Pick<A.SplitArm, "label" | "percent" | "percentSpan">;

export interface NamedSplit {
  experiment: A.StringExpr;
  /** The split's own span: from `split` to its closing `}`. */
  span: A.Span;
  /** The split's own arms, in order (not copies: the language server asks on every edit). */
  arms: readonly NamedSplitArm[];
  /** The split itself: what each arm does (steps, or a variant's content). */
  split: A.SplitStep | A.VariantSplit;
  /** The variant holding an experience's split. */
  variant?: A.VariantDecl;
}

/**
 * Found once per declaration: the language server keeps the declarations an edit did not
 * touch (their spans moved in place), and every check asks for the splits of all of them.
 */
const found = new WeakMap<A.Declaration, readonly NamedSplit[]>();

/** A journey's `split "name"` steps at any depth, an experience's `split "name"` variants, in source order; unnamed splits are left out. */
export function namedSplits(d: A.Declaration): readonly NamedSplit[] {
  const known = found.get(d);
  if (known) return known;
  const out: NamedSplit[] = [];
  if (d.kind === "JourneyDecl") splitsIn(d.body, out);
  else if (d.kind === "ExperienceDecl") {
    for (const i of d.items) if (i?.kind === "Variant" && i.split?.experiment) out.push({ experiment: i.split.experiment, span: i.split.span, arms: i.split.arms, split: i.split, variant: i });
  }
  found.set(d, out);
  return out;
}

/**
 * Through the steps and their blocks only, not their expressions: the language server asks on
 * every edit, for every declaration of the file.
 */
function splitsIn(block: A.Block | undefined, out: NamedSplit[]): void {
  for (const s of block?.steps ?? []) {
    if (!s) continue;
    if (s.kind === "Split" && s.experiment) out.push({ experiment: s.experiment, span: s.span, arms: s.arms, split: s });
    for (const b of blocksOf(s)) splitsIn(b, out);
  }
}
