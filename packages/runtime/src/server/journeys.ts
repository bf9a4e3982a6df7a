/**
 * The answer of `GET /v1/journeys`: each journey deployed, with its live instances by version
 * and by the node they wait at (the counts the store keeps: no profile is read). An earlier
 * version is listed while instances still run on it: what it sends and calls must keep
 * working until it is gone from here.
 */
import type { IRJourney, IRTrigger } from "@journey/ir";
import type { LiveInstances, Runtime } from "../shell/runtime.js";

interface VersionSummary {
  version: string;
  current: boolean;
  instances: number;
  /** Where the version's instances wait, most first, then by node id. */
  nodes: { node: string; step?: string; location?: string; instances: number }[];
}

export interface JourneySummary {
  name: string;
  /** The current version; null for a journey no longer deployed whose instances still run on an earlier one. */
  version: string | null;
  trigger: Record<string, unknown> | null;
  doc?: string;
  /** Live instances, on every version. */
  instances: number;
  /** The current version first (listed even without instances), then earlier ones with live instances. */
  versions: VersionSummary[];
}

export async function journeysSummary(runtime: Runtime): Promise<JourneySummary[]> {
  const live = await runtime.liveInstances();
  const byJourney = new Map<string, LiveInstances[]>();
  for (const l of live) {
    const list = byJourney.get(l.journey);
    if (list) list.push(l);
    else byJourney.set(l.journey, [l]);
  }
  const current = new Map<string, IRJourney>([...runtime.program.currentJourneys()].map((j) => [j.id, j]));
  const names = [...new Set([...current.keys(), ...byJourney.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const j = current.get(name);
    const instances = byJourney.get(name) ?? [];
    const versions = new Map<string, VersionSummary>();
    if (j) versions.set(j.version, { version: j.version, current: true, instances: 0, nodes: [] });
    for (const l of instances) {
      let v = versions.get(l.version);
      if (!v) versions.set(l.version, (v = { version: l.version, current: l.current, instances: 0, nodes: [] }));
      v.instances += l.count;
      const location = l.location && `${l.location.file}:${l.location.line}:${l.location.column}`;
      v.nodes.push({ node: l.node, ...(l.step ? { step: l.step } : {}), ...(location ? { location } : {}), instances: l.count });
    }
    for (const v of versions.values()) v.nodes.sort((a, b) => b.instances - a.instances || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    return {
      name,
      version: j?.version ?? null,
      trigger: triggerSummary(j?.trigger ?? null),
      ...(j?.doc ? { doc: j.doc } : {}),
      instances: instances.reduce((n, l) => n + l.count, 0),
      versions: [...versions.values()],
    };
  });
}

/** What starts a journey, without its condition (an expression tree): `{kind: "event", event: "SignedUp"}`. */
function triggerSummary(t: IRTrigger | null): Record<string, unknown> | null {
  if (!t) return null;
  switch (t.kind) {
    case "event":
      return { kind: t.kind, event: t.event };
    case "audience":
      return { kind: t.kind, audience: t.audience };
    case "schedule":
      return { kind: t.kind, every: t.every, ...(t.day !== undefined ? { day: t.day } : {}), ...(t.at !== undefined ? { at: t.at } : {}), audience: t.audience };
  }
}
