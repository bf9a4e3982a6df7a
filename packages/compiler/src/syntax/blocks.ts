/** The blocks of steps a step holds: what every walk over a journey's steps descends into. */
import type * as A from "./ast.js";

/**
 * An `if`'s branches and `else`, a split's arms, a `wait for`'s body and `timeout`, a
 * `repeat`'s body, a call's `on error`, in source order. A step the parser recovered from an
 * error may lack a block: it is left out.
 */
export function blocksOf(s: A.Step): A.Block[] {
  const blocks: (A.Block | undefined)[] = [];
  switch (s.kind) {
    case "If":
      for (const b of s.branches) blocks.push(b.body);
      blocks.push(s.else);
      break;
    case "Split":
      for (const a of s.arms) blocks.push(a.body);
      break;
    case "WaitFor":
      blocks.push(s.body, s.timeout);
      break;
    case "Repeat":
      blocks.push(s.body);
      break;
    case "CallAction":
      blocks.push(s.onError);
      break;
    default:
      break;
  }
  return blocks.filter((b): b is A.Block => b !== undefined);
}
