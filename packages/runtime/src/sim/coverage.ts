/**
 * Step coverage: which steps of each journey the tests ran, from the nodes the engine reports
 * (`onNode`) and the IR's source map. A step no test reaches is a branch no one has seen run:
 * a message whose wording, recipient or timing nothing checks.
 */
import type { IR, IRLocation } from "@journey/ir";

export interface JourneyCoverage {
  journey: string;
  /** Steps of the journey (nodes of its IR), and how many of them ran. */
  steps: number;
  ran: number;
  /** The steps that did not run, in source order. */
  missed: { node: string; kind: string; location: IRLocation }[];
}

/** A node as `onNode` and the source map name it: `Journey#node`. */
export const nodeKey = (journey: string, node: string): string => `${journey}#${node}`;

/** Coverage of every journey of `ir` (by name), given the keys (`nodeKey`) of the nodes that ran. */
export function stepCoverage(ir: IR, ran: ReadonlySet<string>): JourneyCoverage[] {
  return Object.keys(ir.journeys)
    .sort()
    .map((journey) => {
      const nodes = Object.entries(ir.journeys[journey]!.nodes);
      const missed = nodes
        .filter(([id]) => !ran.has(nodeKey(journey, id)))
        .map(([id, n]) => ({ node: id, kind: n.kind, location: ir.sourceMap.nodes[nodeKey(journey, id)]! }))
        .sort((a, b) => a.location[0] - b.location[0] || a.location[1] - b.location[1] || a.location[2] - b.location[2]);
      return { journey, steps: nodes.length, ran: nodes.length - missed.length, missed };
    });
}
