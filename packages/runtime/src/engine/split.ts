/**
 * Experiment assignment: a profile's bucket in [0, 100) from a hash of the experiment name
 * and the profile id only, so it is stable across restarts, redeploys and versions; or the
 * arm chosen for the profile ahead (`RuntimeOptions.forcedArms`: QA accounts, tests).
 */
import type { IR } from "@journey/ir";

/** Arms chosen ahead, by profile id, then by experiment name: `{ "qa-anna": { "winback-subject": "control" } }`. */
export type ForcedArms = Record<string, Record<string, string>>;

export function splitBucket(experiment: string, profileId: string): number {
  // FNV-1a, 32 bits: fast, well spread, and the same in every process.
  let h = 0x811c9dc5;
  const s = `${experiment}\u0000${profileId}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so consecutive ids do not land in consecutive buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return ((h >>> 0) % 10_000) / 100;
}

/**
 * The index of the arm a profile is in: the `forced` arm when it is one of `arms` (whatever
 * its percentage, 0% too), otherwise the arm its bucket falls in; -1 when none does.
 * A forced label the split does not have (another split of the same name has it) is not
 * this split's business: the bucket decides.
 */
export function armIndex(arms: readonly { label: string; percent: number }[], experiment: string, profileId: string, forced: string | undefined): number {
  if (forced !== undefined) for (let i = 0; i < arms.length; i++) if (arms[i]!.label === forced) return i;
  const bucket = splitBucket(experiment, profileId);
  let acc = 0;
  for (let i = 0; i < arms.length; i++) {
    acc += arms[i]!.percent;
    if (bucket < acc) return i;
  }
  return -1;
}

/** Every experiment of a project (journey `split` steps and experience variant splits) and the labels of its arms. */
export function experimentsOf(ir: IR): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (experiment: string, arms: { label: string }[]) => {
    let labels = out.get(experiment);
    if (!labels) out.set(experiment, (labels = new Set()));
    for (const a of arms) labels.add(a.label);
  };
  for (const j of Object.values(ir.journeys)) for (const n of Object.values(j.nodes)) if (n.kind === "split") add(n.experiment, n.arms);
  for (const x of Object.values(ir.experiences)) for (const v of x.variants) if (v.split) add(v.split.experiment, v.split.arms);
  return out;
}
