/**
 * The IR: what the runtime executes, as JSON. Versioned by `irVersion`; described for
 * validation by `schema.json` beside this file. Expressions are small JSON trees; journeys
 * are graphs of nodes linked by id; templates stay template source (the runtime compiles
 * them once with the template package).
 */
import type { Type } from "@journey/template";

export const IR_VERSION = 1;

/**
 * Nodes one instance may run in one step without waiting: the runtime fails the instance past
 * it (a loop without a wait must not hang), and the compiler refuses a `repeat` certain to
 * reach it (J3027). Here because both sides of the contract must agree on it.
 */
export const MAX_NODES_PER_STEP = 10_000;

export type IRExpr =
  | { lit: string | number | boolean | null }
  | { dur: number }
  | { time: string }
  | { path: string[] }
  | { get: [IRExpr, string] }
  | { index: [IRExpr, IRExpr] }
  | { call: string; args: IRExpr[] }
  /** `as: "text"`: a comparison of strings, compared as they are (never read as date-times). */
  | { op: string; args: IRExpr[]; as?: "text" }
  | { list: IRExpr[] }
  | { record: Record<string, IRExpr> };

/** A content field: a template with its escaping, or an expression (push `data`, webhook `json`). */
export type IRContent = { template: string; escape: "html" | "none" | "json" } | { expr: IRExpr };

export interface IREventMatch {
  event: string;
  alias?: string;
  where?: IRExpr;
}

export type IRTrigger =
  | ({ kind: "event" } & IREventMatch)
  | { kind: "audience"; audience: string }
  /** `day`: with `every: "month"` only, the day of the month (1–31; a shorter month runs on its last day). */
  | { kind: "schedule"; every: "day" | "week" | "month" | { ms: number }; day?: number; at?: string; audience: string };

export interface IRAlgorithm {
  name: string;
  args: IRExpr[];
  named: Record<string, IRExpr | string>;
}

/** `next: null` ends the instance (reason `end`). */
export type IRNode =
  | { kind: "wait"; duration: IRExpr; next: string | null }
  | { kind: "waitUntil"; time: IRExpr; next: string | null }
  /** `wait until 09:00`: the first instant after now at that local time, in the profile's time zone. */
  | { kind: "waitUntil"; at: string; next: string | null }
  | ({ kind: "waitFor"; within: IRExpr; onEvent: string | null; onTimeout: string | null; next: string | null } & IREventMatch)
  | { kind: "if"; branches: { when: IRExpr; then: string | null }[]; else: string | null; next: string | null }
  | { kind: "split"; experiment: string; arms: { label: string; percent: number; then: string | null }[]; next: string | null }
  /** `transactional`: the message skips the channel's consent, cap and quiet hours (`send transactional …`). */
  | { kind: "send"; channel: string; transactional?: true; template?: string; args?: IRExpr[]; content?: Record<string, IRContent>; to?: IRExpr; next: string | null }
  | {
      kind: "recommend";
      name: string;
      algorithm: IRAlgorithm;
      where?: IRExpr;
      exclude: (string | IRExpr)[];
      limit: IRExpr;
      backup?: IRAlgorithm;
      next: string | null;
    }
  | { kind: "call"; action: string; args: IRExpr[]; alias?: string; onError: string | null; next: string | null }
  | { kind: "let"; name: string; value: IRExpr; next: string | null }
  | { kind: "set"; path: string[]; value: IRExpr; next: string | null }
  | { kind: "repeat"; count: IRExpr; every?: IRExpr; body: string | null; next: string | null }
  | { kind: "jump"; journey: string }
  | { kind: "end" };

export interface IRJourney {
  id: string;
  /** Content hash of the journey: a running instance keeps the version it started on. */
  version: string;
  doc?: string;
  trigger: IRTrigger | null;
  reentry: { mode: "never" | "always" | "after"; afterMs?: number };
  exits: IREventMatch[];
  goals: (IREventMatch & { name: string; withinMs: number | null })[];
  entry: string | null;
  nodes: Record<string, IRNode>;
}

export type IRExperienceStep =
  | { kind: "recommend"; name: string; algorithm: IRAlgorithm; where?: IRExpr; exclude: (string | IRExpr)[]; limit: IRExpr; backup?: IRAlgorithm }
  | { kind: "let"; name: string; value: IRExpr }
  | { kind: "call"; action: string; args: IRExpr[]; alias?: string };

export interface IRVariant {
  name: string;
  when?: IRExpr;
  active?: { from: string; to: string };
  content?: string;
  split?: { experiment: string; arms: { label: string; percent: number; content: string }[] };
}

export interface IRExperience {
  id: string;
  version: string;
  doc?: string;
  surfaces: string[];
  format: "html" | "json" | "text";
  priority: number;
  timeoutMs: number;
  active?: { from: string; to: string };
  context?: Type;
  steps: IRExperienceStep[];
  variants: IRVariant[];
}

/** [file index, start line, start column, end line, end column], 1-based lines and columns; columns count UTF-16 code units, as editors and `journey check --json` do. */
export type IRLocation = [number, number, number, number, number];

/** How an expectation's `where` condition compares a value. */
export type IRExpectOp = "contains" | "not contains" | "==" | "!=";

/** A condition on a field path: of the stored profile (`expect profile`), of a call's arguments by parameter name (`respond`, `expect call`). */
export interface IRPathCondition {
  path: string[];
  op: IRExpectOp;
  value: IRExpr;
}

export type IRExpectation =
  /** `times` (of every kind but `profile` and `decide`): exactly that many match (never with `negated`). */
  | { kind: "send"; negated: boolean; atMs?: number; channel: string; to?: IRExpr; conditions: { field: string; op: IRExpectOp; value: IRExpr }[]; times?: number; loc: IRLocation }
  /** The stored profile at `atMs` (after everything due then ran), or at the end of the test. */
  | { kind: "profile"; atMs?: number; profileId: string; conditions: IRPathCondition[]; loc: IRLocation }
  /** Calls of `action` (their arguments by parameter name meeting the conditions); `times` as for `send`. */
  | { kind: "call"; negated: boolean; atMs?: number; action: string; conditions: IRPathCondition[]; times?: number; loc: IRLocation }
  | { kind: "ended"; negated: boolean; atMs?: number; journey?: string; reason?: string; times?: number; loc: IRLocation }
  | { kind: "goal"; negated: boolean; atMs?: number; goal: string; times?: number; loc: IRLocation }
  | { kind: "suppressed"; negated: boolean; atMs?: number; channel: string; reason?: string; times?: number; loc: IRLocation }
  | { kind: "decide"; negated?: boolean; atMs?: number; surface: string; profileId: string; context?: IRExpr; variant?: string; contains?: string; json?: { path: (string | number)[]; value: IRExpr }; loc: IRLocation };

export interface IRTest {
  name: string;
  start?: string;
  profiles: { id: string; data: IRExpr }[];
  catalog?: { name: string; items: IRExpr };
  events: { atMs: number; profileId: string; type: string; data: IRExpr; loc: IRLocation }[];
  /** `split "experiment" Arm for "p1"`: the arms the test chooses, in source order (absent when none). */
  forcedArms?: { profileId: string; experiment: string; arm: string }[];
  /**
   * `respond` items, in source order (absent when none): a call of `action` whose arguments meet
   * every condition gets the first matching one's `answer` (null when absent) or fails with its
   * `error`. They come before the canned responses a run is given (`action-responses.json`).
   */
  responses?: { action: string; conditions: IRPathCondition[]; answer?: IRExpr; error?: string; loc: IRLocation }[];
  /**
   * `respond provider` items, in source order (absent when none): a request to `provider` (for
   * `profileId`, when given) gets the first matching one's catalog keys, or fails with its `error`.
   */
  providerResponses?: { provider: string; profileId?: string; answer?: IRExpr; error?: string; loc: IRLocation }[];
  expectations: IRExpectation[];
  loc: IRLocation;
}

export interface IRAction {
  params: { name: string; type: Type }[];
  returns?: Type;
  method: string;
  url: string;
  headers: Record<string, IRExpr>;
  body?: IRExpr;
  timeoutMs?: number;
  retries?: number;
}

/**
 * A channel's delivery policy. Not part of a journey version: every message follows the
 * policy deployed when it is handed over (a stricter consent rule applies at once).
 */
export interface IRChannel {
  from?: string;
  cap?: { count: number; perMs: number };
  quiet?: { from: string; to: string };
  /** Whether the profile consents: read when a message is handed over; anything but `true` (null too) suppresses it. */
  consent?: IRExpr;
}

export interface IRTemplate {
  channel: string;
  params: { name: string; type: Type }[];
  content: Record<string, IRContent>;
  /**
   * `locale "sv" { … }` blocks: by BCP 47 tag (as written, unique ignoring case, in the order
   * of their lowercase tags), the fields that replace `content`'s for a profile of that locale
   * (each one of `content`'s; absent when the template has none). See `localeContent`.
   */
  locales?: Record<string, Record<string, IRContent>>;
}

export interface IR {
  irVersion: typeof IR_VERSION;
  /** Hash of the whole IR but this field and the source map. */
  hash: string;
  profile: Type;
  types: Record<string, Type>;
  events: Record<string, Type>;
  catalog?: { name: string; key: string; item: Type; signals: { signal: string; event: string; path: string[] }[] };
  audiences: Record<string, { condition: IRExpr }>;
  actions: Record<string, IRAction>;
  channels: Record<string, IRChannel>;
  fragments: Record<string, string>;
  templates: Record<string, IRTemplate>;
  journeys: Record<string, IRJourney>;
  experiences: Record<string, IRExperience>;
  tests: IRTest[];
  sourceMap: { files: string[]; nodes: Record<string, IRLocation> };
}
