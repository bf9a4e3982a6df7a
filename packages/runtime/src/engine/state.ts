/**
 * The engine's state, per profile: everything `step` reads and writes, kept small (a node
 * id, a few bound values, due times) so that a waiting instance costs little.
 */
import type { IRExpr } from "@journey/ir";

export interface EventEnvelope {
  id: string;
  type: string;
  profileId: string;
  /** ISO-8601 instant. */
  time: string;
  data: Record<string, unknown>;
}

export type Wait =
  /** Resume at `node` when `due` comes; `ends`: the wait was the last step, the instance ends then. */
  | { kind: "timer"; due: number; ends?: true }
  /** A `wait for`: the event resumes at the node's `onEvent`, `due` at its `onTimeout`. */
  | { kind: "event"; event: string; due: number }
  /** A `call` or `recommend` waiting for the shell to report the result of request `request`. */
  | { kind: "async"; request: string };

export interface Instance {
  /**
   * `journey:profile:n:t`, n counting this profile's entries into the journey, t its start
   * time (ms, base 36), so that a profile deleted and made again never repeats an id (stored
   * instances made before the time was added keep `journey:profile:n`).
   */
  id: string;
  journey: string;
  /** The journey version it started on, kept until it ends. */
  version: string;
  startedAt: number;
  /** The node to run next (for a wait, the node that resumes it). */
  node: string;
  /** Undefined (rather than absent) when not waiting: see `enter` in step.ts. */
  wait?: Wait;
  /** Bound names: the trigger alias, `let`s, recommendations, call results. */
  vars: Record<string, unknown>;
  /**
   * Each `repeat` node currently looping: iterations started, their count (evaluated once),
   * when the first started. Absent when none loops, as `goals` when none is recorded: most
   * instances never have either, and every instance kept in memory would pay for two empty
   * containers (~70 bytes).
   */
  loops?: Record<string, { done: number; count: number; since: number }>;
  /** Goals already recorded. */
  goals?: string[];
  /**
   * The arm of each experiment (`split`) the instance went through, by experiment name:
   * recorded once (a `split` effect), and carried by its goals so an experiment's conversions
   * can be counted by arm. Absent until a split runs.
   */
  arms?: Record<string, string>;
}

export interface JourneyHistory {
  entries: number;
  lastEndedAt?: number;
  /** The last instance, kept after it ends so a goal within its window is still recorded (with only the bindings goals read). */
  last?: { id: string; startedAt: number; vars: Record<string, unknown>; goals?: string[]; arms?: Record<string, string>; version: string };
}

export interface ProfileState {
  id: string;
  /**
   * When this profile was made, in whole seconds since 1970 (a small integer: a time in ms
   * would be a boxed number, +24 B a profile): a message of an instance started before it
   * went to an earlier profile of the same id, erased since (see `sentToEarlierProfile`).
   * Absent in states stored before it was kept.
   */
  createdAtSeconds?: number;
  attributes: Record<string, unknown>;
  instances: Record<string, Instance>;
  history: Record<string, JourneyHistory>;
  /** Audiences the profile currently satisfies. */
  audiences: string[];
  /** Next firing of each schedule-triggered journey for this profile. */
  schedules: Record<string, number>;
  /**
   * The cadence (`every`, `at`) each schedule was worked out for, by journey: a redeploy that
   * changes it has the next firing worked out again. Absent in states stored before it was kept.
   */
  armedFor?: Record<string, string>;
  /**
   * The day of the month each `every month` schedule without `on <day>` keeps, by journey: that
   * of its first run. Kept rather than read off the last run, which a short month clamped (a
   * run on February 28 goes back to the 31st in March). Absent when there is none.
   */
  monthDays?: Record<string, number>;
  /** Recent send times per channel, for frequency caps. */
  sends: Record<string, number[]>;
}

/** `now`: when the profile is made, in ms. */
export function newProfileState(id: string, attributes: Record<string, unknown>, now: number): ProfileState {
  return { id, createdAtSeconds: Math.floor(now / 1000), attributes, instances: {}, history: {}, audiences: [], schedules: {}, sends: {} };
}

/** The earliest time this profile needs the engine again, if any. */
export function nextDue(s: ProfileState): number | undefined {
  let due: number | undefined;
  for (const k in s.instances) {
    const w = s.instances[k]!.wait;
    if (w && w.kind !== "async" && (due === undefined || w.due < due)) due = w.due;
  }
  for (const k in s.schedules) {
    const d = s.schedules[k]!;
    if (due === undefined || d < due) due = d;
  }
  return due;
}

/** The latest time this profile's state records something done: a journey entered or ended, a loop started, a message sent. */
export function lastActivity(s: ProfileState): number | undefined {
  let at: number | undefined;
  const see = (t: number | undefined) => {
    if (t !== undefined && (at === undefined || t > at)) at = t;
  };
  for (const k in s.instances) {
    const inst = s.instances[k]!;
    see(inst.startedAt);
    for (const l in inst.loops) see(inst.loops[l]!.since);
  }
  for (const k in s.history) {
    see(s.history[k]!.lastEndedAt);
    see(s.history[k]!.last?.startedAt);
  }
  for (const k in s.sends) for (const t of s.sends[k]!) see(t);
  return at;
}

// ── Effects ──────────────────────────────────────────────────────────────────────────────

interface EffectBase {
  /** Deterministic idempotency key: (journey, instance, node, attempt). */
  key: string;
  at: number;
  profileId: string;
  journey?: string;
  instanceId?: string;
  nodeId?: string;
}

export interface CallRequest {
  action: string;
  /** The arguments by parameter name. */
  args: Record<string, unknown>;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  retries: number;
}

export interface RecommendRequest {
  /** `failed`: its arguments could not be evaluated (it then gives nothing, and the backup fills in). */
  algorithm: { name: string; args: unknown[]; named: Record<string, unknown>; failed?: string };
  backup?: { name: string; args: unknown[]; named: Record<string, unknown>; failed?: string };
  where?: IRExpr;
  /** The names `where` may read besides `item` and `profile` (the journey's bindings). */
  vars?: Record<string, unknown>;
  /** `purchased`, `inCart`, `viewed`, or explicit keys. */
  exclude: (string | unknown[])[];
  limit: number;
  timeZone: string;
  /** An exclusion or the limit that could not be evaluated (it then excludes nothing / asks for nothing), with why. */
  failed?: string[];
}

/**
 * What one algorithm's answer gave: items `offered`, and those left out: by `where`, by the
 * exclusions, and as `given` already by the algorithm before it. Counted for every answer and
 * kept only when the result is short: numbers, worded only by whoever shows them.
 */
export interface AlgorithmYield {
  source: string;
  offered: number;
  where: number;
  excluded: number;
  given: number;
}

export type Effect = EffectBase &
  (
    | { type: "entered" }
    /** `transactional`: sent by `send transactional`, past the channel's consent, cap and quiet hours. */
    | { type: "send"; channel: string; to: string | null; transactional?: true; template?: string; content: Record<string, unknown> }
    /**
     * Not delivered: over the channel's cap, no recipient (`to` null or blank), no consent
     * (the channel's `consent` not true when the message was handed over), or sent by a
     * runaway a limit stopped in the same step (`runaway`: see `withhold` in step.ts).
     */
    | { type: "suppressed"; channel: string; reason: "cap" | "noRecipient" | "noConsent" | "runaway" }
    /** `version`: the journey version that calls; its declaration of the action types the response. */
    | { type: "callRequest"; request: CallRequest; version?: string }
    | { type: "call"; action: string; ok: boolean; error?: string }
    | { type: "recommendRequest"; request: RecommendRequest }
    /**
     * `failed`: algorithms that failed (`provider: timed out after 500 ms`), the backup filling in;
     * `short`: when fewer items than the limit were found, what each algorithm offered and what
     * was left out (see `Recommendation.short`).
     */
    | { type: "recommend"; name: string; items: { key: string; source: string }[]; failed?: string[]; short?: AlgorithmYield[] }
    /** The arm of an experiment (`split`) an instance was assigned, once per instance and experiment. */
    | { type: "split"; experiment: string; arm: string }
    /** `arms`: the experiments the instance went through and its arm in each (absent when none). */
    | { type: "goal"; goal: string; afterMs: number; arms?: Record<string, string> }
    | { type: "profile"; set: Record<string, unknown> }
    /** `deleted`: the profile was deleted (`Runtime.deleteProfile`) while the instance was live. */
    | { type: "ended"; reason: "end" | "exit" | "error" | "deleted" }
    /** An experience decided for a surface: recorded so experiments can be analysed. */
    | { type: "decision"; surface: string; experience: string; variant: string; arm?: string; version: string }
    | { type: "error"; message: string; location?: { file: string; line: number; column: number } }
    /**
     * A message, or a decision, the shell gave up on (`step` never makes one): its adapter (the
     * decisions sink) said it will never be accepted (`permanent`), or it still failed the
     * runtime's `deliveryGiveUpAfterMs` after it first failed. It has left the outbox and is
     * never tried again. A message's has `sendKey` (this effect's key is
     * `<sendKey>:undelivered`) and `channel`; a decision's `decisionKey` (its `decisionId`),
     * `surface` and `experience`. `reason`: the last error; `attempts`: those that failed (0
     * when its lane's failures held it back throughout); `firstFailedAt`: when it first failed
     * or was first held back (ms).
     */
    | ({ type: "undelivered"; reason: string; permanent: boolean; attempts: number; firstFailedAt: number } & ({ sendKey: string; channel: string } | { decisionKey: string; surface: string; experience: string }))
  );

/** A decision as the decisions sink receives it (`decision.key` is the `decisionId` callers got). */
export type DecisionRecord = Extract<Effect, { type: "decision" }>;

/** Effects the shell must carry out (the others are records for the timeline and the outbox). */
export const DISPATCHED: ReadonlySet<Effect["type"]> = new Set(["send", "callRequest", "recommendRequest", "decision"]);


/**
 * An independent copy of a profile's state, cheaper than a deep clone: the engine never
 * mutates data values (event data, attributes, results) in place — it replaces them — so
 * only the containers it does mutate are copied.
 */
export function cloneState(s: ProfileState): ProfileState {
  // Loops over keys rather than Object.entries and spreads: this runs on every load.
  const instances: Record<string, Instance> = {};
  for (const k in s.instances) {
    const i = s.instances[k]!;
    const copy: Instance = { id: i.id, journey: i.journey, version: i.version, startedAt: i.startedAt, node: i.node, vars: { ...i.vars }, wait: i.wait ? { ...i.wait } : undefined };
    if (i.loops) {
      const loops: NonNullable<Instance["loops"]> = {};
      for (const n in i.loops) {
        const l = i.loops[n]!;
        loops[n] = { done: l.done, count: l.count, since: l.since };
      }
      copy.loops = loops;
    }
    if (i.goals) copy.goals = i.goals.slice();
    if (i.arms) copy.arms = { ...i.arms };
    instances[k] = copy;
  }
  const history: Record<string, JourneyHistory> = {};
  for (const k in s.history) {
    const h = s.history[k]!;
    history[k] = h.last ? { ...h, last: h.last.goals ? { ...h.last, goals: h.last.goals.slice() } : { ...h.last } } : { ...h };
  }
  const sends: Record<string, number[]> = {};
  for (const k in s.sends) sends[k] = s.sends[k]!.slice();
  // `createdAtSeconds` in the literal, even undefined: added after, it would move the object's fields out of it (+24 B a profile).
  const copy: ProfileState = { id: s.id, createdAtSeconds: s.createdAtSeconds, attributes: s.attributes, instances, history, audiences: s.audiences.slice(), schedules: { ...s.schedules }, sends };
  if (s.armedFor) copy.armedFor = { ...s.armedFor };
  if (s.monthDays) copy.monthDays = { ...s.monthDays };
  return copy;
}
