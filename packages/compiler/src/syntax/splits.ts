/** The named splits (experiments) of a declaration: what a test may choose an arm of. */
import type * as A from "./ast.js";
import { walk } from "./walk.js";

export interface NamedSplit {
  experiment: A.StringExpr;
  arms: A.Ident[];
}

/** A journey's `split "name"` steps at any depth, an experience's `split "name"` variants; unnamed splits are left out. */
export function namedSplits(d: A.Declaration): NamedSplit[] {
  const out: NamedSplit[] = [];
  if (d.kind === "JourneyDecl") {
    walk(d.body, (n) => {
      const s = n as unknown as A.SplitStep;
      if (n.kind === "Split" && s.experiment) out.push({ experiment: s.experiment, arms: s.arms.map((a) => a.label) });
    });
  } else if (d.kind === "ExperienceDecl") {
    for (const i of d.items) if (i?.kind === "Variant" && i.split?.experiment) out.push({ experiment: i.split.experiment, arms: i.split.arms.map((a) => a.label) });
  }
  return out;
}
