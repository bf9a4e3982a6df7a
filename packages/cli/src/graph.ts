/**
 * A journey as a flowchart, for `journey graph`: its trigger, every step it can reach, and the
 * edges between them with what takes each (a branch's condition, a split's arm, a timeout),
 * written as Mermaid (GitHub and most Markdown previews draw it) or Graphviz DOT. Read from
 * the IR, so the graph is the journey the runtime runs; labels are its expressions written
 * back as text.
 */
import { BINARY_PRECEDENCE, type IR, type IRAlgorithm, type IRExpr, type IRJourney, type IRNode, type IRTrigger } from "@journey/compiler";
import { formatOffset } from "@journey/runtime/sim";

export type GraphFormat = "mermaid" | "dot";

type Shape = "start" | "step" | "wait" | "choice" | "end" | "note";

interface Box {
  id: string;
  label: string;
  shape: Shape;
}

interface Edge {
  from: string;
  to: string;
  label?: string;
  /** Exits and goals: what applies to the whole journey, not a step of it. */
  dotted?: boolean;
}

interface Chart {
  name: string;
  boxes: Box[];
  edges: Edge[];
}

/** The flowchart of `journeys` (names of `ir`), in `format`. */
export function journeyGraph(ir: IR, journeys: string[], format: GraphFormat): string {
  const charts = journeys.map((name, i) => chartOf(name, ir.journeys[name]!, `j${i + 1}`));
  return format === "mermaid" ? mermaid(charts) : dot(charts);
}

function chartOf(name: string, j: IRJourney, prefix: string): Chart {
  const boxes: Box[] = [];
  const edges: Edge[] = [];
  const box = (label: string, shape: Shape): string => {
    const id = `${prefix}_${boxes.length}`;
    boxes.push({ id, label, shape });
    return id;
  };
  // Steps get their box when first reached, breadth first: boxes and edges read top down.
  const ids = new Map<string, string>();
  const queue: string[] = [];
  let end: string | undefined;
  const target = (next: string | null): string => {
    const node = next === null ? undefined : j.nodes[next];
    // The journey's one end: where a null next goes, and every `end` step.
    if (next === null || node?.kind === "end") return (end ??= box("end", "end"));
    let id = ids.get(next);
    if (id === undefined) {
      id = node ? box(stepLabel(node), shapeOf(node)) : box(`missing step ${next}`, "end");
      ids.set(next, id);
      if (node) queue.push(next);
    }
    return id;
  };
  const start = box(triggerLabel(j.trigger), "start");
  edges.push({ from: start, to: target(j.entry) });
  // Whether a profile may enter again shapes the flow as much as the exits (`never`, the default, goes unsaid).
  if (j.reentry.mode !== "never") edges.push({ from: start, to: box(j.reentry.mode === "always" ? "reentry always" : `reentry after ${formatOffset(j.reentry.afterMs ?? 0)}`, "note"), dotted: true });
  for (const x of j.exits) edges.push({ from: start, to: box(`exit on ${match(x)}`, "note"), dotted: true });
  for (const g of j.goals) edges.push({ from: start, to: box(`goal ${g.name}: ${match(g)}${g.withinMs !== null ? ` within ${formatOffset(g.withinMs)}` : ""}`, "note"), dotted: true });
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const from = ids.get(next)!;
    for (const e of edgesOf(j.nodes[next]!)) edges.push({ from, to: target(e.to), ...(e.label ? { label: e.label } : {}) });
  }
  return { name, boxes, edges };
}

function shapeOf(n: IRNode): Shape {
  if (n.kind === "if" || n.kind === "split" || n.kind === "repeat" || n.kind === "waitFor") return "choice";
  if (n.kind === "wait" || n.kind === "waitUntil") return "wait";
  if (n.kind === "jump") return "end";
  return "step";
}

function triggerLabel(t: IRTrigger | null): string {
  if (t === null) return "started by a jump";
  if (t.kind === "event") return `on ${match(t)}`;
  if (t.kind === "audience") return `on enter ${t.audience}`;
  const every = typeof t.every === "object" ? formatOffset(t.every.ms) : t.every;
  return `on schedule every ${every}${t.day !== undefined ? ` on ${t.day}` : ""}${t.at ? ` at ${t.at}` : ""} for ${t.audience}`;
}

function match(m: { event: string; alias?: string; where?: IRExpr }): string {
  return `${m.event}${m.alias ? ` as ${m.alias}` : ""}${m.where ? ` where ${expr(m.where)}` : ""}`;
}

function stepLabel(n: IRNode): string {
  switch (n.kind) {
    case "wait":
      return `wait ${expr(n.duration)}`;
    case "waitUntil":
      return `wait until ${"at" in n ? n.at : expr(n.time)}`;
    case "waitFor":
      return `wait for ${match(n)} within ${expr(n.within)}`;
    case "if":
      return "if";
    case "split":
      return `split ${JSON.stringify(n.experiment)}`;
    case "send":
      return `send ${n.channel} ${n.template ? `${n.template}(${(n.args ?? []).map(expr).join(", ")})` : `{ ${Object.keys(n.content ?? {}).join(", ")} }`}${n.to ? ` to ${expr(n.to)}` : ""}`;
    case "recommend":
      // The filter on lines of its own (a box holds a line each), so a long algorithm cannot cut it off.
      return [
        `recommend ${n.name} = ${algorithm(n.algorithm)} limit ${expr(n.limit)}`,
        ...(n.where ? [`where ${expr(n.where)}`] : []),
        ...(n.exclude.length ? [`exclude ${n.exclude.map((x) => (typeof x === "string" ? x : expr(x))).join(", ")}`] : []),
        ...(n.backup ? [`backup ${algorithm(n.backup)}`] : []),
      ].join("\n");
    case "call":
      return `call ${n.action}(${n.args.map(expr).join(", ")})${n.alias ? ` as ${n.alias}` : ""}`;
    case "let":
      return `let ${n.name} = ${expr(n.value)}`;
    case "set":
      return `set profile.${n.path.join(".")} = ${expr(n.value)}`;
    case "repeat":
      return `repeat ${expr(n.count)}${n.every ? ` every ${expr(n.every)}` : ""}`;
    case "jump":
      return `jump to ${n.journey}`;
    case "end":
      return "end";
  }
}

/** The edges out of a step, in the order the step takes them (a null target is the journey's end). */
function edgesOf(n: IRNode): { to: string | null; label?: string }[] {
  switch (n.kind) {
    case "if":
      return [...n.branches.map((b, i) => ({ to: b.then, label: `${i ? "else if " : ""}${expr(b.when)}` })), { to: n.else, label: "else" }];
    // Arms add up to 100 % (J3001).
    case "split":
      return n.arms.map((a) => ({ to: a.then, label: `${a.label} ${a.percent}%` }));
    case "waitFor":
      return [
        { to: n.onEvent, label: n.event },
        { to: n.onTimeout, label: "timeout" },
      ];
    case "call":
      return [{ to: n.next }, ...(n.onError !== null ? [{ to: n.onError, label: "on error" }] : [])];
    case "repeat":
      return [
        { to: n.body, label: "each time" },
        { to: n.next, label: "done" },
      ];
    case "jump":
    case "end":
      return [];
    default:
      return [{ to: n.next }];
  }
}

function algorithm(a: IRAlgorithm): string {
  // A named argument is an expression, or a word (`by: purchases`).
  const named = Object.entries(a.named).map(([k, v]) => `${k}: ${typeof v === "string" ? v : expr(v)}`);
  return `${a.name}(${[...a.args.map((x) => expr(x)), ...named].join(", ")})`;
}

/** `not` binds looser than comparisons, tighter than `and` (as the parser reads it). */
const NOT_PRECEDENCE = 3;
/** Above every binary operator: a path's or index's base, a negated number. */
const TIGHTEST = 9;

/** An IR expression written back as Journey text. */
export function expr(e: IRExpr, outer = 0): string {
  if ("lit" in e) return typeof e.lit === "string" ? JSON.stringify(e.lit) : String(e.lit);
  if ("dur" in e) return formatOffset(e.dur);
  if ("time" in e) return e.time;
  if ("path" in e) return e.path.join(".");
  if ("get" in e) return `${expr(e.get[0], TIGHTEST)}.${e.get[1]}`;
  if ("index" in e) return `${expr(e.index[0], TIGHTEST)}[${expr(e.index[1])}]`;
  if ("call" in e) return `${e.call}(${e.args.map((a) => expr(a)).join(", ")})`;
  if ("list" in e) return `[${e.list.map((a) => expr(a)).join(", ")}]`;
  if ("record" in e) return `{ ${Object.entries(e.record).map(([k, v]) => `${k}: ${expr(v)}`).join(", ")} }`;
  const [a, b, c] = e.args;
  // Looser than any operator (its `else` value runs to the end): in parentheses inside one.
  if (e.op === "if") return wrap(`if ${expr(a!)} then ${expr(b!)} else ${expr(c!)}`, outer > 0);
  const p = b === undefined ? (e.op === "not" ? NOT_PRECEDENCE : TIGHTEST) : (BINARY_PRECEDENCE[e.op as keyof typeof BINARY_PRECEDENCE] ?? TIGHTEST);
  const text = b === undefined ? `${e.op === "not" ? "not " : "-"}${expr(a!, p)}` : `${expr(a!, p)} ${e.op} ${expr(b, p + 1)}`;
  return wrap(text, p < outer);
}

function wrap(text: string, parenthesized: boolean): string {
  return parenthesized ? `(${text})` : text;
}

// ── writing ──────────────────────────────────────────────────────────────────────────

/**
 * Lines longer than this are cut (with `…`): a flowchart box holds a line, not a paragraph.
 * A label is one line, but for a recommendation's clauses (`\n` in a label: expressions
 * written back never hold one, their strings are quoted with escapes).
 */
const MAX_LABEL = 80;

function cut(label: string): string {
  return label
    .split("\n")
    .map((line) => {
      const chars = [...line];
      return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join("")}…` : line;
    })
    .join("\n");
}

const MERMAID_SHAPE: Record<Shape, [string, string]> = { start: ["([", "])"], step: ["[", "]"], wait: ["[/", "/]"], choice: ["{", "}"], end: ["((", "))"], note: [">", "]"] };

/**
 * Mermaid's text in quotes: `"`, `<`, `>`, `&` (labels are HTML: `&amp;` would show as `&`)
 * and its entity escape `#` itself written as entity codes. Mermaid also drops the last `;`
 * of a line where `style` or `classDef` is followed by `:…#…;` (meant for its own style
 * lines), breaking an entity code there: in such a label `:` is a code too. A line break is
 * `<br>`, written after the escapes.
 */
function mermaidText(s: string): string {
  const text = cut(s).replace(/#/g, "#35;").replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\n/g, "<br>");
  return `"${/style|classDef/.test(text) ? text.replace(/:/g, "#58;") : text}"`;
}

function mermaid(charts: Chart[]): string {
  const lines = ["flowchart TD"];
  for (const c of charts) {
    lines.push(`  subgraph ${c.boxes[0]!.id.split("_")[0]}[${mermaidText(c.name)}]`);
    for (const b of c.boxes) lines.push(`    ${b.id}${MERMAID_SHAPE[b.shape][0]}${mermaidText(b.label)}${MERMAID_SHAPE[b.shape][1]}`);
    for (const e of c.edges) lines.push(`    ${e.from} ${e.dotted ? "-.-" : "-->"}${e.label ? `|${mermaidText(e.label)}|` : ""} ${e.to}`);
    lines.push("  end");
  }
  return lines.join("\n") + "\n";
}

const DOT_SHAPE: Record<Shape, string> = { start: "oval", step: "box", wait: "parallelogram", choice: "diamond", end: "doublecircle", note: "note" };

function dotText(s: string): string {
  return `"${cut(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function dot(charts: Chart[]): string {
  const lines = ["digraph journeys {", "  node [fontname=\"Helvetica\"];", "  edge [fontname=\"Helvetica\"];"];
  charts.forEach((c, i) => {
    lines.push(`  subgraph cluster_${i + 1} {`, `    label=${dotText(c.name)};`);
    for (const b of c.boxes) lines.push(`    ${b.id} [shape=${DOT_SHAPE[b.shape]}, label=${dotText(b.label)}];`);
    for (const e of c.edges) lines.push(`    ${e.from} -> ${e.to}${e.label || e.dotted ? ` [${[e.label ? `label=${dotText(e.label)}` : "", e.dotted ? "style=dotted, arrowhead=none" : ""].filter(Boolean).join(", ")}]` : ""};`);
    lines.push("  }");
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}
