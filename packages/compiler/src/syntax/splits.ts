/** The named splits (experiments) of a declaration: what a test may choose an arm of. */
import type * as A from "./ast.js";

export interface NamedSplit {
  experiment: A.StringExpr;
  arms: A.Ident[];
}

/** A journey's `split "name"` steps at any depth, an experience's `split "name"` variants; unnamed splits are left out. */
export function namedSplits(d: A.Declaration): NamedSplit[] {
  const out: NamedSplit[] = [];
  if (d.kind === "JourneyDecl") splitsIn(d.body, out);
  else if (d.kind === "ExperienceDecl") {
    for (const i of d.items) if (i?.kind === "Variant" && i.split?.experiment) out.push({ experiment: i.split.experiment, arms: i.split.arms.map((a) => a.label) });
  }
  return out;
}

/**
 * Through the steps and their blocks only, not their expressions: the language server asks on
 * every edit, for every declaration of the file. A block the parser recovered may lack parts.
 */
function splitsIn(block: A.Block | undefined, out: NamedSplit[]): void {
  for (const s of block?.steps ?? []) {
    switch (s?.kind) {
      case "Split":
        if (s.experiment) out.push({ experiment: s.experiment, arms: s.arms.map((a) => a.label) });
        for (const a of s.arms) splitsIn(a.body, out);
        break;
      case "If":
        for (const b of s.branches) splitsIn(b.body, out);
        splitsIn(s.else, out);
        break;
      case "WaitFor":
        splitsIn(s.body, out);
        splitsIn(s.timeout, out);
        break;
      case "Repeat":
        splitsIn(s.body, out);
        break;
      case "CallAction":
        splitsIn(s.onError, out);
        break;
    }
  }
}
