/** The messages of a run or a test, as `--messages` writes them: each one sent, and each one suppressed. */
import type { Effect } from "@journey/runtime";
import type { NamedMessage } from "./names.js";

export interface Message extends NamedMessage {
  /** The recipient: null for a webhook, and for a message suppressed (it was never worked out, or was blank). */
  to: string | null;
  /** With `--tz`: the time in that zone (or the profile's), as the timeline shows it. */
  local?: string;
  /** In a test: the time since the test's start, as its expectations count it. */
  offsetMs?: number;
  transactional: boolean;
  /** The rendered fields of a message sent (`subject`, `html`, `text`, …). */
  content?: Record<string, unknown>;
  /** Why a message was not sent. The engine renders no content for it: there is nothing to show but this. */
  suppressed?: string;
}

/** The messages of a timeline, in its (time) order; `start`: a test's start, to give each its offset. */
export function messagesOf(timeline: Effect[], start?: number): Message[] {
  const out: Message[] = [];
  for (const e of timeline) {
    if (e.type !== "send" && e.type !== "suppressed") continue;
    const m: Message = { at: e.at, profileId: e.profileId, channel: e.channel, to: null, transactional: false };
    if (e.journey !== undefined) m.journey = e.journey;
    if (start !== undefined) m.offsetMs = e.at - start;
    if (e.type === "suppressed") m.suppressed = e.reason;
    else {
      m.to = e.to;
      m.transactional = e.transactional === true;
      m.content = e.content;
      if (e.template !== undefined) m.template = e.template;
    }
    out.push(m);
  }
  return out;
}
