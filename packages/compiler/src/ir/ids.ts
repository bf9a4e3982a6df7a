/**
 * Stable node ids. An id is the step's path of labels through the journey's blocks
 * (`waitFor:OrderPlaced/timeout/if/then/send:sms`), each label taken from what the step
 * is, not from where it is counted: editing or inserting an unrelated step elsewhere
 * leaves every other id unchanged, so waiting instances survive a redeploy.
 */
import type * as A from "../syntax/ast.js";

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
      return "if";
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
      return "repeat";
    case "Jump":
      return `jump:${s.journey.name}`;
    case "End":
      return "end";
  }
}

/** Ids of the steps of one block; a label repeated in the block gets `#2`, `#3`, … */
export function blockIds(steps: A.Step[], parent: string): string[] {
  const seen = new Map<string, number>();
  return steps.map((s) => {
    const label = stepLabel(s);
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return `${parent ? parent + "/" : ""}${label}${n > 1 ? "#" + n : ""}`;
  });
}
