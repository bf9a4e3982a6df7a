/**
 * Coverage: which steps of each journey the tests ran, from the nodes the engine reports
 * (`onNode`) and the IR's source map, and which ways its branching steps went (`onBranch`). A
 * step no test reaches is a branch no one has seen run: a message whose wording, recipient or
 * timing nothing checks; a way never taken is one too, even where it runs no step of its own
 * (an `if` without `else`, a `wait for` whose timeout goes on after the block).
 */
import type { IR, IRLocation, IRNode } from "@journey/ir";

export interface JourneyCoverage {
  journey: string;
  /** Steps of the journey (nodes of its IR), and how many of them ran. */
  steps: number;
  ran: number;
  /** The steps that did not run, in source order. */
  missed: { node: string; kind: string; location: IRLocation }[];
  /** Ways the journey's branching steps can go (`if` branches and `else`, `split` arms, a `wait for`'s event and timeout, a `call`'s answer and `on error`), and how many were taken. */
  branches: number;
  taken: number;
  /** The ways not taken, in source order: the step, and the way (`else`, `arm B`, `timeout`). */
  notTaken: { node: string; kind: string; way: string; location: IRLocation }[];
}

/** A node as `onNode` and the source map name it: `Journey#node`. */
export const nodeKey = (journey: string, node: string): string => `${journey}#${node}`;

/**
 * Coverage of every journey of `ir` (by name), given the keys (`nodeKey`) of the nodes that ran
 * and the ways each branching node went (its outcomes, as `BranchObserver` numbers them).
 */
export function stepCoverage(ir: IR, ran: ReadonlySet<string>, taken: ReadonlyMap<string, ReadonlySet<number>> = new Map()): JourneyCoverage[] {
  const bySource = (a: { location: IRLocation }, b: { location: IRLocation }) => a.location[0] - b.location[0] || a.location[1] - b.location[1] || a.location[2] - b.location[2];
  return Object.keys(ir.journeys)
    .sort()
    .map((journey) => {
      const nodes = Object.entries(ir.journeys[journey]!.nodes);
      const at = (id: string) => ir.sourceMap.nodes[nodeKey(journey, id)]!;
      const missed = nodes
        .filter(([id]) => !ran.has(nodeKey(journey, id)))
        .map(([id, n]) => ({ node: id, kind: n.kind, location: at(id) }))
        .sort(bySource);
      let branches = 0;
      const notTaken: JourneyCoverage["notTaken"] = [];
      for (const [id, n] of nodes) {
        const ways = waysOf(n);
        branches += ways.length;
        const went = taken.get(nodeKey(journey, id));
        ways.forEach((way, outcome) => {
          if (!went?.has(outcome)) notTaken.push({ node: id, kind: n.kind, way, location: at(id) });
        });
      }
      notTaken.sort(bySource);
      return { journey, steps: nodes.length, ran: nodes.length - missed.length, missed, branches, taken: branches - notTaken.length, notTaken };
    });
}

/** The ways a node can go, by outcome number (see `BranchObserver`); none for a node that does not branch. */
function waysOf(n: IRNode): string[] {
  switch (n.kind) {
    case "if":
      // `else if` branches by their place: the second condition of the step is `else if (2)`.
      return [...n.branches.map((_, i) => (i === 0 ? "then" : `else if (${i + 1})`)), "else"];
    case "split":
      return n.arms.map((a) => `arm ${a.label}`);
    case "waitFor":
      return ["the event", "the timeout"];
    case "call":
      // Without `on error`, a failure ends the instance with an error, which a test expects or fails on.
      return n.onError !== null ? ["an answer", "on error"] : [];
    default:
      return [];
  }
}
