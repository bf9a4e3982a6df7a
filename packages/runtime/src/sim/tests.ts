/**
 * `test` blocks: each runs on a virtual clock against a fresh in-memory runtime, and every
 * expectation is checked against the timeline. A failure names the expectation's source
 * location and shows what actually happened.
 */
import type { IR, IRExpectation, IRExpectOp, IRLocation, IRPathCondition, IRTest } from "@journey/ir";
import { equal, evaluate, getField } from "../engine/evaluate.js";
import type { BranchObserver, NodeObserver } from "../engine/program.js";
import type { ForcedArms } from "../engine/split.js";
import type { Effect, EventEnvelope } from "../engine/state.js";
import type { CatalogItem } from "../recs/provider.js";
import type { CannedResponse } from "../shell/actions.js";
import type { Decision } from "../experiences/decide.js";
import type { Runtime } from "../shell/runtime.js";
import { count } from "@journey/template";
import { fieldMismatch, quoteText } from "./field-mismatch.js";
import { DEFAULT_HORIZON_MS, simulate } from "./simulate.js";
import type { CannedProviderRule } from "./provider-responses.js";

/** Tests start here unless they say `start …`: a fixed instant keeps runs reproducible. */
export const DEFAULT_TEST_START = Date.parse("2026-01-05T09:00:00Z");

export interface ExpectationResult {
  ok: boolean;
  /** What was expected, in words. */
  expected: string;
  /** Why it failed. */
  message?: string;
  location: { file: string; line: number; column: number; endLine: number; endColumn: number };
}

/** An unmet expectation in words, as `journey test` and the language server say it. */
export function failureText(x: Pick<ExpectationResult, "expected" | "message">): string {
  return `expected ${x.expected}: ${x.message ?? "not met"}`;
}

export interface TestResult {
  name: string;
  ok: boolean;
  location: ExpectationResult["location"];
  expectations: ExpectationResult[];
  timeline: Effect[];
  /** The test's own events (`at … "id" Event`), in time order: what the timeline's effects answer. */
  events: { at: number; type: string; profileId: string }[];
  start: number;
  /** Real (wall-clock) time the test took to run, for reports such as JUnit's `time`. */
  durationMs: number;
}

export interface TestOptions {
  filter?: (name: string) => boolean;
  /** Canned answers for `call` steps (`journey test` uses the project's `action-responses.json`). */
  actionResponses?: Record<string, CannedResponse[]>;
  /** Canned answers for recommendation providers (`journey test` uses the project's `provider-responses.json`). */
  providerResponses?: Record<string, CannedProviderRule[]>;
  /** Each journey node as a test runs it: what `stepCoverage` counts. */
  onNode?: NodeObserver;
  /** The way each branching node goes as a test runs it: what `stepCoverage` counts of branches. */
  onBranch?: BranchObserver;
}

export async function runTests(ir: IR, options: TestOptions = {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const t of ir.tests) {
    if (options.filter && !options.filter(t.name)) continue;
    const began = performance.now();
    const result = await runTest(ir, t, options);
    results.push({ ...result, durationMs: performance.now() - began });
  }
  return results;
}

const noVars = (now: number) => ({ vars: {}, now, timeZone: "UTC" });

async function runTest(ir: IR, t: IRTest, options: TestOptions): Promise<Omit<TestResult, "durationMs">> {
  const start = t.start ? Date.parse(t.start) : DEFAULT_TEST_START;
  const at = (ms: number) => new Date(start + ms).toISOString();
  const events: EventEnvelope[] = t.events.map((e, i) => ({
    id: `test-event-${i + 1}`,
    type: e.type,
    profileId: e.profileId,
    time: at(e.atMs),
    data: evaluate(e.data, noVars(start)) as Record<string, unknown>,
  }));
  const profiles = t.profiles.map((p) => ({ id: p.id, ...(evaluate(p.data, noVars(start)) as Record<string, unknown>) }));
  const catalog = t.catalog ? (evaluate(t.catalog.items, noVars(start)) as CatalogItem[]) : undefined;
  const lastEventOffset = Math.max(0, ...t.events.map((e) => e.atMs));
  const lastOffset = Math.max(lastEventOffset, ...t.expectations.map((x) => ("atMs" in x && x.atMs !== undefined ? x.atMs : 0)));
  const location = (loc: IRLocation) => ({ file: ir.sourceMap.files[loc[0]] ?? "", line: loc[1], column: loc[2], endLine: loc[3], endColumn: loc[4] });
  let timeline: Effect[] = [];
  // `expect decide` asks the runtime at its instant (default: the last event's), so it needs probes.
  const decisions = new Map<IRExpectation, Decision | Error>();
  const probes = t.expectations
    .filter((x): x is Extract<IRExpectation, { kind: "decide" }> => x.kind === "decide")
    .map((x) => ({
      at: start + (x.atMs ?? lastEventOffset),
      run: async (rt: Runtime) => {
        try {
          const context = x.context ? (evaluate(x.context, noVars(start)) as Record<string, unknown>) : undefined;
          const [d] = await rt.decide({ surfaces: [x.surface], profileId: x.profileId, ...(context ? { context } : {}) });
          decisions.set(x, d!);
        } catch (e) {
          decisions.set(x, e as Error);
        }
      },
    }));
  const end = start + lastOffset + DEFAULT_HORIZON_MS;
  // `expect profile` reads the stored profile at its instant (default: the end of the test),
  // after everything due then ran, as a probe does.
  const stored = new Map<IRExpectation, Record<string, unknown> | undefined>();
  for (const x of t.expectations) {
    if (x.kind !== "profile") continue;
    probes.push({ at: x.atMs !== undefined ? start + x.atMs : end, run: async (rt: Runtime) => void stored.set(x, (await rt.profile(x.profileId))?.attributes) });
  }
  try {
    const forcedArms = t.forcedArms ? armsByProfile(t.forcedArms) : undefined;
    const actionResponses = withResponses(t, options.actionResponses ?? {}, start);
    const providerResponses = withProviderResponses(t, options.providerResponses ?? {}, start);
    const sim = await simulate({ ir, events, profiles, ...(catalog ? { catalog } : {}), actionResponses, start, probes, until: end, ...(options.onNode ? { onNode: options.onNode } : {}), ...(options.onBranch ? { onBranch: options.onBranch } : {}), ...(forcedArms ? { forcedArms } : {}), providerResponses });
    timeline = sim.timeline;
  } catch (e) {
    const failure: ExpectationResult = { ok: false, expected: "the test to run", message: (e as Error).message, location: location(t.loc) };
    return { name: t.name, ok: false, location: location(t.loc), expectations: [failure], timeline, events: inputs(events), start };
  }
  const expectations = t.expectations.map((x) => {
    const result = x.kind === "decide" ? checkDecision(x, decisions.get(x), start) : x.kind === "profile" ? checkProfile(x, stored.get(x), start) : check(x, timeline, start);
    return { ...result, location: location(x.loc) };
  });
  expectations.push(...unexpectedErrors(t, timeline, start, location(t.loc)));
  return { name: t.name, ok: expectations.every((e) => e.ok), location: location(t.loc), expectations, timeline, events: inputs(events), start };
}

/** The canned responses of test `t`: its `respond` items, in order, before those the run was `given` (the project's file). */
function withResponses(t: IRTest, given: Record<string, CannedResponse[]>, start: number): Record<string, CannedResponse[]> {
  const own = (t.responses ?? []).map((r): [string, CannedResponse] => {
    const conditions = evaluated(r.conditions, start);
    const answer: CannedResponse = r.error !== undefined ? { error: r.error } : { response: r.answer ? evaluate(r.answer, noVars(start)) : null };
    if (conditions.length) answer.when = (args) => conditions.every((c) => pathMismatch(c, args) === undefined);
    return [r.action, answer];
  });
  return rulesFirst(own, given);
}

/** The provider answers of test `t`: its `respond provider` items, in order, before those the run was `given` (the project's file). */
function withProviderResponses(t: IRTest, given: Record<string, CannedProviderRule[]>, start: number): Record<string, CannedProviderRule[]> {
  const own = (t.providerResponses ?? []).map((r): [string, CannedProviderRule] => {
    const rule: CannedProviderRule = r.error !== undefined ? { error: r.error } : { keys: r.answer ? (evaluate(r.answer, noVars(start)) as (string | number)[]) : [] };
    if (r.profileId !== undefined) rule.profileId = r.profileId;
    return [r.provider, rule];
  });
  return rulesFirst(own, given);
}

/** Rules by name (an action's, a provider's): `own`, in order, before the `given` ones of the same name. */
function rulesFirst<R>(own: readonly [string, R][], given: Record<string, R[]>): Record<string, R[]> {
  if (!own.length) return given;
  const mine = new Map<string, R[]>();
  for (const [name, rule] of own) mine.set(name, [...(mine.get(name) ?? []), rule]);
  const out: Record<string, R[]> = { ...given };
  for (const [name, list] of mine) out[name] = [...list, ...(given[name] ?? [])];
  return out;
}

/** A test's `split` items as the runtime takes them; without prototypes, as the ids are the test's own (`"__proto__"` too). */
function armsByProfile(forced: NonNullable<IRTest["forcedArms"]>): ForcedArms {
  const out: ForcedArms = Object.create(null);
  for (const f of forced) (out[f.profileId] ??= Object.create(null))[f.experiment] = f.arm;
  return out;
}

/**
 * An instance that failed at run time (an action no rule answers, an index out of range) fails
 * the test, unless the test expects it with `expect ended [Journey] reason error`. Otherwise a
 * crash passes every `expect no …`: nothing is sent by a journey that stopped at its first step.
 */
function unexpectedErrors(t: IRTest, timeline: Effect[], start: number, where: ExpectationResult["location"]): ExpectationResult[] {
  const expected = (journey: string | undefined) => t.expectations.some((x) => x.kind === "ended" && !x.negated && x.reason === "error" && (!x.journey || x.journey === journey));
  return timeline
    .filter((e): e is Extract<Effect, { type: "ended" }> => e.type === "ended" && e.reason === "error" && !expected(e.journey))
    .map((e) => {
      // The instance's last error says why, and where in the journey (an earlier one may be a
      // recommend algorithm that failed while its backup filled in).
      const error = timeline.filter((x): x is Extract<Effect, { type: "error" }> => x.type === "error" && x.instanceId === e.instanceId && x.at <= e.at).at(-1);
      const at = error?.location ? ` (${error.location.file}:${error.location.line}:${error.location.column})` : "";
      return {
        ok: false,
        expected: `no run-time error (write \`expect ended ${e.journey ? `${e.journey} ` : ""}reason error\` if it is intended)`,
        message: `${e.journey ?? "an instance"} of "${e.profileId}" ended with an error at +${formatOffset(e.at - start)}: ${error?.message ?? "no message"}${at}`,
        location: where,
      };
    });
}

function checkDecision(x: Extract<IRExpectation, { kind: "decide" }>, d: Decision | Error | undefined, start: number): Omit<ExpectationResult, "location"> {
  const when = x.atMs !== undefined ? ` at +${formatOffset(x.atMs)}` : "";
  const expected = `${x.negated ? "no " : ""}decide "${x.surface}" for "${x.profileId}"${x.variant ? ` variant ${x.variant}` : ""}${x.contains !== undefined ? ` content contains ${JSON.stringify(x.contains)}` : ""}${x.json ? ` json ${jsonPathText(x.json.path)} == ${JSON.stringify(evaluate(x.json.value, noVars(start)))}` : ""}${when}`;
  if (!d) return { ok: false, expected, message: "the decision was never made" };
  if (d instanceof Error) return { ok: false, expected, message: d.message };
  const mismatch = decisionMismatch(x, d, start);
  if (x.negated) return mismatch === undefined ? { ok: false, expected, message: `variant ${(d as { variant: string }).variant} was shown` } : { ok: true, expected };
  return mismatch === undefined ? { ok: true, expected } : { ok: false, expected, message: mismatch };
}

/** Why decision `d` does not match the expectation, or undefined when it does. */
function decisionMismatch(x: Extract<IRExpectation, { kind: "decide" }>, d: Decision, start: number): string | undefined {
  if (d.content === null) return `nothing was decided: ${d.reason}`;
  if (x.variant && d.variant !== x.variant) return `variant ${d.variant}${d.arm ? ` (arm ${d.arm})` : ""} was chosen`;
  if (x.contains !== undefined && !d.content.includes(x.contains)) return `the content was ${JSON.stringify(d.content.length > 200 ? d.content.slice(0, 200) + "…" : d.content)}`;
  if (x.json) {
    let value: unknown;
    try {
      value = x.json.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), JSON.parse(d.content));
    } catch (e) {
      return `the content is not JSON: ${(e as Error).message}`;
    }
    const want = evaluate(x.json.value, noVars(start));
    if (JSON.stringify(value) !== JSON.stringify(want)) return `${jsonPathText(x.json.path)} was ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** A JSON path as written: `items[0].sku`. */
const jsonPathText = (path: readonly (string | number)[]) => path.map((k, i) => (typeof k === "number" ? `[${k}]` : i ? `.${k}` : k)).join("");

/** `expect profile`: every condition against the profile as stored at the expectation's instant; a failure names each field that differs and what it was. */
function checkProfile(x: Extract<IRExpectation, { kind: "profile" }>, attributes: Record<string, unknown> | undefined, start: number): Omit<ExpectationResult, "location"> {
  const conditions = evaluated(x.conditions, start);
  const when = x.atMs !== undefined ? ` at +${formatOffset(x.atMs)}` : " at the end";
  const expected = `profile "${x.profileId}" where ${described(conditions)}${when}`;
  if (!attributes) return { ok: false, expected, message: `no profile "${x.profileId}" was stored` };
  const misses = conditions.flatMap((c) => pathMismatch(c, attributes) ?? []);
  return misses.length ? { ok: false, expected, message: misses.join("; ") } : { ok: true, expected };
}

/** Conditions on field paths (of a profile, of a call's arguments) with their values worked out once. */
function evaluated(conditions: readonly IRPathCondition[], start: number) {
  return conditions.map((c) => ({ ...c, name: c.path.join("."), want: evaluate(c.value, noVars(start)), instant: "time" in c.value, duration: "dur" in c.value }));
}
type Evaluated = ReturnType<typeof evaluated>[number];

/** A duration as the test wrote it (`14d`), not as the milliseconds a record holds. */
const shown = (v: unknown, duration: boolean) => (duration && typeof v === "number" ? formatOffset(v) : JSON.stringify(v));

const described = (conditions: readonly Evaluated[]) => conditions.map((c) => `${c.name} ${c.op} ${shown(c.want, c.duration)}`).join(" and ");

/** Why `record` fails condition `c`, or undefined when it holds. */
function pathMismatch(c: Evaluated, record: Record<string, unknown>): string | undefined {
  return fieldValueMismatch(c.name, c.path.reduce<unknown>(getField, record), c.op, c.want, c.instant, (v) => shown(v, c.duration));
}

/**
 * Why a field `name` (of a profile, of a call's arguments) holding `actual` fails `op want`, or undefined when it holds.
 * Values compare as the engine's `==` does (date-times as instants, records field by field), but
 * text against a string literal as text: only a date-time literal (`instant`) reads it as a time.
 * `contains` is a substring of text or an element of a list; null contains nothing.
 */
function fieldValueMismatch(name: string, actual: unknown, op: IRExpectOp, want: unknown, instant: boolean, show: (v: unknown) => string): string | undefined {
  const was = `its ${name} was ${typeof actual === "string" ? quoteText(actual) : show(actual)}`;
  if (op === "==" || op === "!=") {
    if (typeof actual === "string" && typeof want === "string" && !instant) return fieldMismatch(name, actual, op, want);
    return equal(actual, want, "UTC") === (op === "==") ? undefined : was;
  }
  if (actual === null) return op === "contains" ? was : undefined;
  if (typeof actual === "string") return fieldMismatch(name, actual, op, String(want));
  const has = Array.isArray(actual) && actual.some((v) => equal(v, want, "UTC"));
  return has === (op === "contains") ? undefined : `${was}, which ${has ? "holds" : "does not hold"} ${show(want)}`;
}

function check(x: IRExpectation, timeline: Effect[], start: number): Omit<ExpectationResult, "location"> {
  const when = x.atMs !== undefined ? ` at +${formatOffset(x.atMs)}` : "";
  const atOk = (e: Effect) => x.atMs === undefined || e.at === start + x.atMs;
  const times = "times" in x && x.times !== undefined ? ` times ${x.times}` : "";
  const value = (v: Parameters<typeof evaluate>[0]) => evaluate(v, noVars(start));
  switch (x.kind) {
    case "send": {
      const to = x.to ? String(value(x.to)) : undefined;
      const conditions = x.conditions.map((c) => ({ ...c, value: String(value(c.value)) }));
      const described = `${x.negated ? "no " : ""}send ${x.channel}${to ? ` to ${to}` : ""}${conditions.length ? ` where ${conditions.map((c) => `${c.field} ${c.op} ${JSON.stringify(c.value)}`).join(" and ")}` : ""}${times}${when}`;
      const sends = timeline.filter((e): e is Extract<Effect, { type: "send" }> => e.type === "send" && e.channel === x.channel);
      /** Why a message of the channel is not the one expected (the first difference), or undefined when it is. */
      const difference = (e: Extract<Effect, { type: "send" }>): string | undefined => {
        if (!atOk(e)) return `it went out at +${formatOffset(e.at - start)}`;
        if (to !== undefined && e.to !== to) return `it went to ${e.to ?? "nobody"}`;
        for (const c of conditions) {
          const why = fieldMismatch(c.field, String(e.content[c.field] ?? ""), c.op, c.value);
          if (why !== undefined) return why;
        }
        return undefined;
      };
      const went = (e: Extract<Effect, { type: "send" }>) => `+${formatOffset(e.at - start)}${e.to ? ` to ${e.to}` : ""}`;
      return counted(x, described, sends, difference, went, { label: () => x.channel, one: "message", happened: () => "went out", none: `no ${x.channel} message was sent`, noMatch: "no matching message was sent" }, start);
    }
    case "call": {
      const conditions = evaluated(x.conditions, start);
      const expected = `${x.negated ? "no " : ""}call ${x.action}${conditions.length ? ` where ${described(conditions)}` : ""}${times}${when}`;
      const calls = timeline.filter((e): e is Extract<Effect, { type: "callRequest" }> => e.type === "callRequest" && e.request.action === x.action);
      const difference = (e: Extract<Effect, { type: "callRequest" }>): string | undefined => {
        if (!atOk(e)) return `it was made at +${formatOffset(e.at - start)}`;
        for (const c of conditions) {
          const why = pathMismatch(c, e.request.args);
          if (why !== undefined) return why;
        }
        return undefined;
      };
      const made = (e: Extract<Effect, { type: "callRequest" }>) => `+${formatOffset(e.at - start)} for "${e.profileId}"`;
      return counted(x, expected, calls, difference, made, { label: () => x.action, one: "call", happened: (n) => (n === 1 ? "was made" : "were made"), none: `\`${x.action}\` was never called`, noMatch: "no matching call was made" }, start);
    }
    case "ended": {
      const expected = `${x.negated ? "no " : ""}ended${x.journey ? ` ${x.journey}` : ""}${x.reason ? ` reason ${x.reason}` : ""}${times}${when}`;
      const endings = timeline.filter((e): e is Extract<Effect, { type: "ended" }> => e.type === "ended");
      const difference = (e: Extract<Effect, { type: "ended" }>): string | undefined => {
        if (x.journey && e.journey !== x.journey) return "another journey";
        if (x.reason && e.reason !== x.reason) return `its reason was ${e.reason}`;
        return atOk(e) ? undefined : `it ended at +${formatOffset(e.at - start)}`;
      };
      const ended = (e: Extract<Effect, { type: "ended" }>) => `${e.journey ?? "an instance"} of "${e.profileId}" (${e.reason}) at +${formatOffset(e.at - start)}`;
      return counted(x, expected, endings, difference, ended, { label: (e) => e.journey ?? "an instance", one: "instance", happened: () => "ended", none: "no instance ended", noMatch: "no instance ended that way" }, start);
    }
    case "suppressed": {
      const expected = `${x.negated ? "no " : ""}suppressed ${x.channel}${x.reason ? ` reason ${x.reason}` : ""}${times}${when}`;
      const held = timeline.filter((e): e is Extract<Effect, { type: "suppressed" }> => e.type === "suppressed" && e.channel === x.channel);
      const difference = (e: Extract<Effect, { type: "suppressed" }>): string | undefined => {
        if (x.reason && e.reason !== x.reason) return `its reason was ${e.reason}`;
        return atOk(e) ? undefined : `it was held back at +${formatOffset(e.at - start)}`;
      };
      const show = (e: Extract<Effect, { type: "suppressed" }>) => `${e.reason} at +${formatOffset(e.at - start)} for "${e.profileId}"`;
      return counted(x, expected, held, difference, show, { label: () => x.channel, one: "message", happened: (n) => (n === 1 ? "was held back" : "were held back"), none: `no ${x.channel} message was suppressed`, noMatch: `no ${x.channel} message was suppressed that way` }, start);
    }
    case "goal": {
      const expected = `${x.negated ? "no " : ""}goal ${x.goal}${times}${when}`;
      const recorded = timeline.filter((e): e is Extract<Effect, { type: "goal" }> => e.type === "goal" && e.goal === x.goal);
      const difference = (e: Extract<Effect, { type: "goal" }>) => (atOk(e) ? undefined : `it was recorded at +${formatOffset(e.at - start)}`);
      const show = (e: Extract<Effect, { type: "goal" }>) => `+${formatOffset(e.at - start)} for "${e.profileId}"`;
      return counted(x, expected, recorded, difference, show, { label: () => x.goal, one: "goal", happened: (n) => (n === 1 ? "was recorded" : "were recorded"), none: "the goal was not recorded", noMatch: "no matching goal was recorded" }, start);
    }
    case "decide":
      throw new Error("decisions are checked by checkDecision");
    case "profile":
      throw new Error("profiles are checked by checkProfile");
  }
}

/**
 * `expect [no] send|call|ended|suppressed|goal … [times n]`: of what happened of the kind (the
 * channel's messages, the action's calls, …), those with no `difference` from the expectation
 * match. A failure lists the matching ones (for `no`, or a wrong count), or else what happened
 * instead with its first difference: with `at`, nearest that instant first (a weekly email a
 * year long starts far off).
 */
function counted<E extends Effect>(
  x: { negated: boolean; atMs?: number; times?: number },
  expected: string,
  all: E[],
  difference: (e: E) => string | undefined,
  show: (e: E) => string,
  words: { label: (e: E) => string; one: string; happened: (n: number) => string; none: string; noMatch: string },
  start: number,
): Omit<ExpectationResult, "location"> {
  const matching = all.filter((e) => difference(e) === undefined);
  const were = (n: number) => `${count(n, `matching ${words.one}`)} ${words.happened(n)}`;
  if (x.negated) return matching.length ? { ok: false, expected, message: `${were(matching.length)}: ${firstFew(matching.map(show))}` } : { ok: true, expected };
  if (x.times !== undefined) {
    if (matching.length === x.times) return { ok: true, expected };
    if (matching.length) return { ok: false, expected, message: `${were(matching.length)}, not ${x.times}: ${firstFew(matching.map(show), 5)}` };
  } else if (matching.length) return { ok: true, expected };
  const nearest = x.atMs === undefined ? all : [...all].sort((a, b) => Math.abs(a.at - start - x.atMs!) - Math.abs(b.at - start - x.atMs!));
  const misses = nearest.slice(0, 3).map((e) => `${words.label(e)} at +${formatOffset(e.at - start)}: ${difference(e)!}`);
  const more = all.length > 3 ? `; and ${all.length - 3} more` : "";
  return { ok: false, expected, message: all.length ? `${words.noMatch} (${misses.join("; ")}${more})` : words.none };
}

/** The test's events as its result shows them, in time order (stable: events of one instant keep their order). */
function inputs(events: EventEnvelope[]): TestResult["events"] {
  return events.map((e) => ({ at: Date.parse(e.time), type: e.type, profileId: e.profileId })).sort((a, b) => a.at - b.at);
}

/** The first few (three) of what happened instead, and how many more: a failure's message stays short. */
function firstFew(happened: string[], few = 3): string {
  return happened.slice(0, few).join("; ") + (happened.length > few ? `; and ${happened.length - few} more` : "");
}

export function formatOffset(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "m"],
    [1000, "s"],
  ];
  if (ms === 0) return "0m";
  let out = "";
  let rest = ms;
  for (const [size, unit] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out + (rest ? `${rest}ms` : "");
}
