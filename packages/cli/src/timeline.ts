/**
 * The timeline of a run or a test, as `journey run` prints it: each effect's public shape
 * (`--json` lines) and its line of text.
 */
import type { AlgorithmYield, Effect } from "@journey/runtime";
import { formatOffset, shortText } from "@journey/runtime/sim";
import pc from "picocolors";

/** An instant as the timeline shows it: `2026-03-02T10:00:00Z`. */
export const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");

export type TimelineEntry = { at: string; type: string; journey?: string; profileId: string } & Record<string, unknown>;

/** The public shape of an effect in the timeline (requests to providers and actions are internal). */
export function timelineEntry(e: Effect): TimelineEntry | undefined {
  const base = { at: new Date(e.at).toISOString(), type: e.type as string, ...(e.journey ? { journey: e.journey } : {}), profileId: e.profileId };
  switch (e.type) {
    case "entered":
      return base;
    case "send":
      return { ...base, channel: e.channel, to: e.to, ...(e.transactional ? { transactional: true } : {}), ...(e.template ? { template: e.template } : {}), ...e.content };
    case "suppressed":
      return { ...base, channel: e.channel, reason: e.reason };
    case "call":
      return { ...base, action: e.action, ok: e.ok, ...(e.error ? { error: e.error } : {}) };
    case "recommend":
      return { ...base, name: e.name, items: e.items.map((i) => i.key), sources: e.items, ...(e.failed ? { failed: e.failed } : {}), ...(e.short ? { short: e.short } : {}) };
    case "split":
      return { ...base, experiment: e.experiment, arm: e.arm };
    case "goal":
      return { ...base, goal: e.goal, afterMs: e.afterMs, ...(e.arms ? { arms: e.arms } : {}) };
    case "ended":
      return { ...base, reason: e.reason };
    case "error":
      return { ...base, message: e.message, ...(e.location ? { location: `${e.location.file}:${e.location.line}:${e.location.column}` } : {}) };
    default:
      return undefined;
  }
}

export function formatEntry(e: TimelineEntry, color: boolean): string {
  const c = color ? pc : { dim: (s: string) => s, bold: (s: string) => s, red: (s: string) => s, green: (s: string) => s, cyan: (s: string) => s };
  const at = typeof e["local"] === "string" ? e["local"] : e.at.replace(".000Z", "Z");
  const head = `${c.dim(at)}  ${e.profileId}  ${e.journey ?? ""}`;
  switch (e.type) {
    case "send": {
      const shown = headline(e, 80);
      // A webhook has no recipient: its URL says where it went.
      const to = e["to"] === null || e["to"] === undefined ? "" : ` to ${String(e["to"])}`;
      return `${head}  ${c.bold(`send ${e["transactional"] ? "transactional " : ""}${String(e["channel"])}`)}${to}  ${c.cyan(JSON.stringify(shown))}`;
    }
    case "recommend":
      return `${head}  recommend ${String(e["name"])} = [${(e["sources"] as { key: string; source: string }[]).map((s) => `${s.key} (${s.source})`).join(", ")}]${e["failed"] ? c.red(`  failed: ${(e["failed"] as string[]).join("; ")}`) : ""}${e["short"] ? c.dim(`  short: ${shortText(e["short"] as AlgorithmYield[])}`) : ""}`;
    case "call":
      return `${head}  call ${String(e["action"])} ${e["ok"] ? c.green("ok") : c.red(`failed: ${String(e["error"])}`)}`;
    case "split":
      return `${head}  split ${JSON.stringify(e["experiment"])}: ${String(e["arm"])}`;
    case "goal": {
      const arms = e["arms"] as Record<string, string> | undefined;
      const by = arms ? ` (${Object.entries(arms).map(([experiment, arm]) => `${JSON.stringify(experiment)}: ${arm}`).join(", ")})` : "";
      return `${head}  ${c.green(`goal ${String(e["goal"])}`)} after ${formatOffset(Number(e["afterMs"]))}${by}`;
    }
    case "ended":
      return `${head}  ended (${String(e["reason"])})`;
    case "event":
      return `${head}${c.dim(`event ${String(e["event"])}`)}`;
    case "error":
      return `${head}  ${c.red(`error: ${String(e["message"])}`)}${e["location"] ? ` at ${String(e["location"])}` : ""}`;
    case "suppressed":
      return `${head}  ${String(e["channel"])} suppressed (${suppressedText(String(e["reason"]))})`;
    default:
      return `${head}  ${e.type}`;
  }
}

/**
 * What a message is about, in one line of at most `max` characters: an email's subject, a push
 * message's title, an SMS's text, a webhook's URL (`content`: its rendered fields). A long text
 * is cut visibly: the line must not look like the whole message.
 */
export function headline(content: Record<string, unknown>, max: number): string {
  const title = String(content["subject"] ?? content["title"] ?? content["text"] ?? content["url"] ?? "");
  return title.length > max ? `${title.slice(0, max - 1).trimEnd()}…` : title;
}

/** Why a message was not delivered, in words, by its `suppressed` reason. */
export function suppressedText(reason: string): string {
  return Object.hasOwn(SUPPRESSED, reason) ? SUPPRESSED[reason as keyof typeof SUPPRESSED] : reason;
}

/** Why a message was not delivered, by the `reason` of its `suppressed` effect (typed: a new reason must be named here). */
const SUPPRESSED: Record<Extract<Effect, { type: "suppressed" }>["reason"], string> = {
  cap: "over the cap",
  noRecipient: "no recipient",
  noConsent: "no consent",
  // A limit (a loop or a jump cycle without a wait) stopped its journey in the same step.
  runaway: "runaway: its journey was stopped by a limit",
};
