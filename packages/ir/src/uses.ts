/**
 * What a journey uses from the rest of the project: the templates its `send`s call, the
 * fragments its content includes (through each other too) and the actions its `call`s make.
 * Part of a journey version: the compiler hashes it into the version, and the runtime keeps it
 * with the version, so an instance that started on a version sends and calls what that
 * version did, whatever a redeploy changed since (a template's or an action's parameters
 * reordered would otherwise be filled with the wrong arguments).
 */
import { partialNames } from "@journey/template";
import type { IR, IRAction, IRContent, IRJourney, IRTemplate } from "./types.js";

/** The partials each template source names, by source: a project's templates and fragments are read once however many journeys use them. */
export type PartialsMemo = Map<string, readonly string[]>;

export interface JourneyUses {
  templates: Record<string, IRTemplate>;
  fragments: Record<string, string>;
  actions: Record<string, IRAction>;
}

/** What `journey` uses, each kind in name order (all empty when it sends and calls nothing). */
export function journeyUses(journey: Pick<IRJourney, "nodes">, ir: Pick<IR, "templates" | "fragments" | "actions">, memo: PartialsMemo = new Map()): JourneyUses {
  const contents: string[] = [];
  const add = (content: Record<string, IRContent>) => {
    for (const c of Object.values(content)) if ("template" in c) contents.push(c.template);
  };
  const templateNames = new Set<string>();
  const actionNames = new Set<string>();
  for (const node of Object.values(journey.nodes)) {
    if (node.kind === "call") actionNames.add(node.action);
    if (node.kind !== "send") continue;
    if (node.template) templateNames.add(node.template);
    if (node.content) add(node.content);
  }
  const templates = declared(templateNames, ir.templates);
  for (const t of Object.values(templates)) {
    add(t.content);
    for (const content of Object.values(t.locales ?? {})) add(content);
  }
  return { templates, fragments: fragmentsIncluded(contents, ir.fragments, memo), actions: declared(actionNames, ir.actions) };
}

/** The channels `journeys` send on, in name order. */
export function channelsSentOn(journeys: Pick<IRJourney, "nodes">[]): string[] {
  const channels = new Set<string>();
  for (const j of journeys) for (const node of Object.values(j.nodes)) if (node.kind === "send") channels.add(node.channel);
  return [...channels].sort();
}

/** The declarations of `names` that `all` has, in name order. */
function declared<T>(names: Set<string>, all: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const name of [...names].sort()) if (Object.hasOwn(all, name)) out[name] = all[name]!;
  return out;
}

/** The fragments `contents` include, and those they include in turn, in name order. */
export function fragmentsIncluded(contents: Iterable<string>, fragments: Record<string, string>, memo: PartialsMemo = new Map()): Record<string, string> {
  const found = new Set<string>();
  const queue: string[] = [];
  const visit = (source: string) => {
    let names = memo.get(source);
    if (!names) memo.set(source, (names = source.includes("{{") ? [...partialNames(source)] : []));
    queue.push(...names);
  };
  for (const c of contents) visit(c);
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (found.has(name) || !Object.hasOwn(fragments, name)) continue;
    found.add(name);
    visit(fragments[name]!);
  }
  return declared(found, fragments);
}
