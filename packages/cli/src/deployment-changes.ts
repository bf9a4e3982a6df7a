/**
 * What a new IR changes for a runtime that ran the one it replaces: which journeys are new,
 * removed, or have a new version. A team reads it before deploying: an instance keeps the
 * version it started on, so a new version reaches new instances only (docs/embedding.md).
 */

/** What is compared of an IR: each journey's version (a hash of what the journey uses). */
export interface Deployment {
  journeys: Record<string, { version: string }>;
}

export type JourneyChange =
  | { journey: string; change: "new" }
  | { journey: string; change: "removed"; was: string }
  | { journey: string; change: "version"; version: string; was: string }
  | { journey: string; change: "unchanged" };

/** The journeys of `ir` and of `previous`, by name, in name order. */
export function deploymentChanges(previous: Deployment, ir: Deployment): JourneyChange[] {
  const names = [...new Set([...Object.keys(previous.journeys), ...Object.keys(ir.journeys)])].sort();
  return names.map((journey): JourneyChange => {
    const was = previous.journeys[journey]?.version;
    const now = ir.journeys[journey]?.version;
    if (was === undefined) return { journey, change: "new" };
    if (now === undefined) return { journey, change: "removed", was };
    return now === was ? { journey, change: "unchanged" } : { journey, change: "version", version: now, was };
  });
}

/** The lines `journey build` prints under what it wrote, aligned, each saying what the change means for instances. */
export function describeChanges(changes: readonly JourneyChange[]): string[] {
  const width = Math.max(...changes.map((c) => c.journey.length));
  return changes.map((c) => {
    const name = c.journey.padEnd(width);
    switch (c.change) {
      case "new":
        return `${name}  new journey`;
      case "removed":
        return `${name}  removed: instances already started finish on their version (${short(c.was)})`;
      case "version":
        return `${name}  new version ${short(c.version)} (was ${short(c.was)}): new instances start on it, those already started finish on theirs`;
      case "unchanged":
        return `${name}  unchanged`;
    }
  });
}

/** Versions are content hashes: the first 8 characters tell them apart, as a short commit id does. */
const short = (version: string) => version.slice(0, 8);
