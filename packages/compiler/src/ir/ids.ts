/**
 * Stable node ids. An id is the step's path of labels through the journey's blocks
 * (`waitFor:OrderPlaced/timeout/if:3fa2c1d0/then/send:sms`), each label taken from what the
 * step is, not from where it is counted: editing or inserting an unrelated step elsewhere
 * leaves every other id unchanged, so waiting instances survive a redeploy.
 */
import { createHash } from "node:crypto";
import type * as A from "../syntax/ast.js";
import { emitExpr } from "./expressions.js";

/** A short hash of what an expression means (not how it is written). */
function meaning(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 8);
}

/** `profile.loyalty.points` → ["loyalty", "points"]; undefined if the target is not a profile path. */
export function setPath(target: A.Expr): string[] | undefined {
  const out: string[] = [];
  let e = target;
  while (e.kind === "Member") {
    out.unshift(e.property.name);
    e = e.object;
  }
  return e.kind === "Name" && e.name === "profile" && out.length ? out : undefined;
}

export function stepLabel(s: A.Step): string {
  switch (s.kind) {
    case "Wait":
      return s.duration.kind === "Duration" ? `wait:${s.duration.text}` : "wait";
    case "WaitUntil":
      return "waitUntil";
    case "WaitFor":
      return `waitFor:${s.event.name}`;
    case "If":
      return `if:${meaning(s.branches.map((b) => emitExpr(b.condition)))}`;
    case "Split":
      return s.experiment ? `split:${s.experiment.value}` : "split";
    case "Send":
      return `send:${s.channel.name}${s.template ? ":" + s.template.name.name : ""}`;
    case "Recommend":
      return `recommend:${s.name.name}`;
    case "CallAction":
      return `call:${s.action.name}${s.alias ? ":" + s.alias.name : ""}`;
    case "Let":
      return `let:${s.name.name}`;
    case "Set":
      return `set:${(setPath(s.target) ?? []).join(".")}`;
    case "Repeat":
      return `repeat:${meaning([emitExpr(s.count), s.every ? emitExpr(s.every) : null])}`;
    case "Jump":
      return `jump:${s.journey.name}`;
    case "End":
      return "end";
  }
}

/**
 * Ids of the steps of one block. A label unique in its block is the id; a label that repeats
 * is told apart by the label of the step before it (`wait:1h~send:sms`, `~^` at the start),
 * and only when that is not enough by a count (`#2`). So an id never comes to name another
 * step after an edit: at worst a repeated step's id changes, and its waiting instances are
 * seen as orphaned rather than resumed in the wrong place.
 */
export function blockIds(steps: A.Step[], parent: string): string[] {
  const labels = steps.map(stepLabel);
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  const used = new Set<string>();
  return labels.map((label, i) => {
    let id = label;
    if (count.get(label)! > 1) {
      const anchored = `${label}~${i > 0 ? labels[i - 1] : "^"}`;
      id = anchored;
      for (let n = 2; used.has(id); n++) id = `${anchored}#${n}`;
    }
    used.add(id);
    return `${parent ? parent + "/" : ""}${id}`;
  });
}
