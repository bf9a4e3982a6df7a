/**
 * What a journey's messages are rendered with: the templates its `send`s call and the
 * fragments its content includes (through each other too). Part of a journey version: the
 * compiler hashes it into the version, and the runtime keeps it with the version, so an
 * instance that started on a version sends what that version sent, whatever a redeploy
 * changed since (a template's parameters reordered would otherwise fill it with the wrong
 * arguments).
 */
import { partialNames } from "@journey/template";
import type { IR, IRContent, IRJourney, IRTemplate } from "./types.js";

/** The partials each template source names, by source: a project's templates and fragments are read once however many journeys use them. */
export type PartialsMemo = Map<string, readonly string[]>;

export interface RenderedWith {
  templates: Record<string, IRTemplate>;
  fragments: Record<string, string>;
}

/** The templates and fragments `journey` renders with, in name order (empty when it sends none). */
export function renderedWith(journey: Pick<IRJourney, "nodes">, ir: Pick<IR, "templates" | "fragments">, memo: PartialsMemo = new Map()): RenderedWith {
  const templates: Record<string, IRTemplate> = {};
  const contents: string[] = [];
  const add = (content: Record<string, IRContent>) => {
    for (const c of Object.values(content)) if ("template" in c) contents.push(c.template);
  };
  const names = new Set<string>();
  for (const node of Object.values(journey.nodes)) {
    if (node.kind !== "send") continue;
    if (node.template) names.add(node.template);
    if (node.content) add(node.content);
  }
  for (const name of [...names].sort()) {
    if (!Object.hasOwn(ir.templates, name)) continue;
    templates[name] = ir.templates[name]!;
    add(templates[name].content);
  }
  return { templates, fragments: fragmentsIncluded(contents, ir.fragments, memo) };
}

/** The fragments `contents` include, and those they include in turn, in name order. */
export function fragmentsIncluded(contents: Iterable<string>, fragments: Record<string, string>, memo: PartialsMemo = new Map()): Record<string, string> {
  const found = new Map<string, string>();
  const queue: string[] = [];
  const visit = (source: string) => {
    let names = memo.get(source);
    if (!names) memo.set(source, (names = source.includes("{{") ? [...partialNames(source)] : []));
    queue.push(...names);
  };
  for (const c of contents) visit(c);
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (found.has(name) || !Object.hasOwn(fragments, name)) continue;
    found.set(name, fragments[name]!);
    visit(fragments[name]!);
  }
  return Object.fromEntries([...found].sort(([a], [b]) => (a < b ? -1 : 1)));
}
