/**
 * `test` blocks: each runs on a virtual clock against a fresh in-memory runtime, and every
 * expectation is checked against the timeline. A failure names the expectation's source
 * location and shows what actually happened.
 */
import type { IR, IRExpectation, IRLocation, IRTest } from "@journey/ir";
import { evaluate } from "../engine/evaluate.js";
import type { Effect, EventEnvelope } from "../engine/state.js";
import type { CatalogItem } from "../recs/provider.js";
import type { CannedResponse } from "../shell/actions.js";
import { simulate } from "./simulate.js";

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

export interface TestResult {
  name: string;
  ok: boolean;
  location: ExpectationResult["location"];
  expectations: ExpectationResult[];
  timeline: Effect[];
  start: number;
}

export interface TestOptions {
  filter?: (name: string) => boolean;
  /** Canned answers for `call` steps (`journey test` uses the project's `action-responses.json`). */
  actionResponses?: Record<string, CannedResponse[]>;
}

export async function runTests(ir: IR, options: TestOptions = {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const t of ir.tests) {
    if (options.filter && !options.filter(t.name)) continue;
    results.push(await runTest(ir, t, options));
  }
  return results;
}

const noVars = (now: number) => ({ vars: {}, now, timeZone: "UTC" });

async function runTest(ir: IR, t: IRTest, options: TestOptions): Promise<TestResult> {
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
  const lastOffset = Math.max(0, ...t.events.map((e) => e.atMs), ...t.expectations.map((x) => ("atMs" in x && x.atMs !== undefined ? x.atMs : 0)));
  const location = (loc: IRLocation) => ({ file: ir.sourceMap.files[loc[0]] ?? "", line: loc[1], column: loc[2], endLine: loc[3], endColumn: loc[4] });
  let timeline: Effect[] = [];
  try {
    const sim = await simulate({ ir, events, profiles, ...(catalog ? { catalog } : {}), actionResponses: options.actionResponses ?? {}, start, horizonMs: 30 * 86_400_000, until: start + lastOffset + 30 * 86_400_000 });
    timeline = sim.timeline;
  } catch (e) {
    const failure: ExpectationResult = { ok: false, expected: "the test to run", message: (e as Error).message, location: location(t.loc) };
    return { name: t.name, ok: false, location: location(t.loc), expectations: [failure], timeline, start };
  }
  const expectations = t.expectations.map((x) => ({ ...check(x, timeline, start), location: location(x.loc) }));
  return { name: t.name, ok: expectations.every((e) => e.ok), location: location(t.loc), expectations, timeline, start };
}

function check(x: IRExpectation, timeline: Effect[], start: number): Omit<ExpectationResult, "location"> {
  const when = x.atMs !== undefined ? ` at +${formatOffset(x.atMs)}` : "";
  const atOk = (e: Effect) => x.atMs === undefined || e.at === start + x.atMs;
  const value = (v: Parameters<typeof evaluate>[0]) => evaluate(v, noVars(start));
  switch (x.kind) {
    case "send": {
      const to = x.to ? String(value(x.to)) : undefined;
      const conditions = x.conditions.map((c) => ({ ...c, value: String(value(c.value)) }));
      const described = `${x.negated ? "no " : ""}send ${x.channel}${to ? ` to ${to}` : ""}${conditions.map((c) => ` where ${c.field} ${c.op} ${JSON.stringify(c.value)}`).join(" and")}${when}`;
      const matching = timeline.filter((e) => {
        if (e.type !== "send" || e.channel !== x.channel || !atOk(e)) return false;
        if (to !== undefined && e.to !== to) return false;
        return conditions.every((c) => {
          const field = String(e.content[c.field] ?? "");
          return c.op === "contains" ? field.includes(c.value) : c.op === "==" ? field === c.value : field !== c.value;
        });
      });
      if (x.negated) return matching.length ? { ok: false, expected: described, message: `a matching message was sent at ${new Date(matching[0]!.at).toISOString()}` } : { ok: true, expected: described };
      return matching.length ? { ok: true, expected: described } : { ok: false, expected: described, message: "no matching message was sent" };
    }
    case "ended": {
      const described = `ended${x.journey ? ` ${x.journey}` : ""}${x.reason ? ` reason ${x.reason}` : ""}${when}`;
      const ok = timeline.some((e) => e.type === "ended" && atOk(e) && (!x.journey || e.journey === x.journey) && (!x.reason || e.reason === x.reason));
      return ok ? { ok, expected: described } : { ok, expected: described, message: "no instance ended that way" };
    }
    case "goal": {
      const described = `${x.negated ? "no " : ""}goal ${x.goal}${when}`;
      const hit = timeline.some((e) => e.type === "goal" && e.goal === x.goal && atOk(e));
      const ok = hit !== x.negated;
      return ok ? { ok, expected: described } : { ok, expected: described, message: hit ? "the goal was recorded" : "the goal was not recorded" };
    }
    case "decide":
      return {
        ok: false,
        expected: `decide "${x.surface}" for "${x.profileId}"`,
        message: "`expect decide` is not supported yet: the runtime does not decide experiences yet",
      };
  }
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
