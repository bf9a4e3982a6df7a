/**
 * Simulation on a virtual clock: events replayed at their own times, timers fired at their
 * due times, nothing waiting on the wall clock. `journey run` and `journey test` both use it.
 */
import type { IR } from "@journey/ir";
import { MemoryChannel } from "../channels/adapter.js";
import { VirtualClock } from "../clock.js";
import type { Effect, EventEnvelope } from "../engine/state.js";
import { INSTANT_MESSAGE, isInstant, validateProfile } from "../engine/validate.js";
import type { ItemWarning, RejectedItem } from "../recs/items.js";
import type { CatalogItem } from "../recs/provider.js";
import { CannedActionExecutor, type ActionExecutor, type CannedResponse } from "../shell/actions.js";
import { createRuntime, InvalidInputError, type Runtime, type RuntimeOptions } from "../shell/runtime.js";
import type { Store } from "../store/store.js";
import { cannedProviders, type CannedProviderRule } from "./provider-responses.js";

export interface SimulationInput {
  ir: IR;
  events: EventEnvelope[];
  profiles?: { id: string; [attribute: string]: unknown }[];
  catalog?: CatalogItem[];
  /** Canned answers for `call` steps, by action name. */
  actionResponses?: Record<string, CannedResponse[]>;
  actions?: ActionExecutor;
  /** When the clock starts (default: the first event's time, or now). */
  start?: number;
  /** Stop at this time (default: when nothing is left to fire, within `horizonMs` of the last event). */
  until?: number;
  /** With no `until`: how long after the last event to keep firing timers (default 90 days). */
  horizonMs?: number;
  store?: Store;
  providers?: RuntimeOptions["providers"];
  /** Canned answers for recommendation providers, by provider name (used when `providers` is not given). */
  providerResponses?: Record<string, CannedProviderRule[]>;
  /** Secrets for actions' headers (default: a placeholder per name; canned responses never see them). */
  secrets?: Record<string, string>;
  /** Work to run when the clock reaches `at`, after the events of that instant (`expect decide`). */
  probes?: { at: number; run: (runtime: Runtime) => Promise<void> }[];
  /** Each journey node as it runs (`RuntimeOptions.onNode`): step coverage. */
  onNode?: RuntimeOptions["onNode"];
  /** The way each branching node goes (`RuntimeOptions.onBranch`): branch coverage. */
  onBranch?: RuntimeOptions["onBranch"];
  /** Arms chosen ahead for some profiles (`RuntimeOptions.forcedArms`): a test's `split` items. */
  forcedArms?: RuntimeOptions["forcedArms"];
}

/** Every secret a simulation asks for, as a visible placeholder instead of a real credential. */
const placeholderSecrets: Record<string, string> = new Proxy({}, { get: (_, name) => (typeof name === "string" ? `<secret ${name}>` : undefined) });

export interface SimulationResult {
  timeline: Effect[];
  /** Catalog items the engine left out (a missing or mistyped field), with why. */
  rejectedItems: RejectedItem[];
  /** Catalog items kept with an undeclared field that looks like a misspelt declared one. */
  itemWarnings: ItemWarning[];
  /** Events the store had seen already (their ids), so not applied again: a `store` from an earlier run. */
  duplicates: number;
  /** Profiles of `profiles` the store held already: kept as stored (an earlier run changed them), not reset to the input. */
  keptProfiles: string[];
  runtime: Runtime;
  channel: MemoryChannel;
  end: number;
}

/** With no `until`: run until nothing is pending, but at most this long after the last event (schedules never stop). */
export const DEFAULT_HORIZON_MS = 400 * 86_400_000;

export async function simulate(input: SimulationInput): Promise<SimulationResult> {
  // An event without a valid time would sort nowhere, and be rejected only once earlier ones
  // had run: reject it before anything runs, as the runtime does.
  const untimed = input.events.findIndex((e) => !isInstant(e?.time));
  if (untimed >= 0) throw InvalidInputError.forEvent(`event[${untimed}]`, [{ path: `event[${untimed}].time`, message: INSTANT_MESSAGE }], untimed);
  const events = [...input.events].map((e, i) => ({ e, i, t: Date.parse(e.time) }));
  // Every profile is checked before any is stored (a `store` keeps what it is given), and
  // named by its place in the input: `profiles[2].email`.
  for (const [i, { id, ...attributes }] of (input.profiles ?? []).entries()) {
    // An id the runtime would refuse must stop the run here too, before any profile is stored.
    if (String(id ?? "") === "") throw new InvalidInputError(`invalid profile id: profiles[${i}].id must be a non-empty string`, [{ path: `profiles[${i}].id`, message: "must be a non-empty string" }]);
    const errors = validateProfile(attributes, input.ir.profile, `profiles[${i}]`);
    if (errors.length) throw InvalidInputError.forProfile(String(id), errors);
  }
  // Same time: file order. The sort is stable, so equal times keep their order.
  events.sort((a, b) => a.t - b.t);
  const start = input.start ?? events[0]?.t ?? Date.now();
  const clock = new VirtualClock(start);
  const channel = new MemoryChannel();
  const timeline: Effect[] = [];
  const runtime = createRuntime({
    ir: input.ir,
    store: input.store,
    clock,
    channels: channel,
    actions: input.actions ?? new CannedActionExecutor(input.actionResponses ?? {}),
    providers: input.providers ?? (input.providerResponses ? cannedProviders(input.providerResponses) : undefined),
    secrets: input.secrets ?? placeholderSecrets,
    onEffect: (e) => timeline.push(e),
    ...(input.onNode ? { onNode: input.onNode } : {}),
    ...(input.onBranch ? { onBranch: input.onBranch } : {}),
    ...(input.forcedArms ? { forcedArms: input.forcedArms } : {}),
  });
  await runtime.start();
  const upserted = input.catalog && runtime.catalog ? runtime.catalog.upsertItems(input.catalog) : undefined;
  const rejectedItems = upserted?.rejected ?? [];
  const itemWarnings = upserted?.warnings ?? [];
  // `profiles` seeds a store: a profile an earlier run stored (and its `set` steps changed)
  // stays as it is, as its events seen before are not applied again.
  const keptProfiles: string[] = [];
  for (const p of input.profiles ?? []) {
    const { id, ...attributes } = p;
    if (input.store && (await input.store.viewProfile(String(id)))) keptProfiles.push(String(id));
    else await runtime.upsertProfile(String(id), attributes);
  }
  const end = input.until ?? (events.length ? events[events.length - 1]!.t : start) + (input.horizonMs ?? DEFAULT_HORIZON_MS);
  // Every event up to a probe's instant in one call: the runtime applies each at its own
  // time, after the timers due before it. A probe runs after the events of its instant.
  const probes = (input.probes ?? []).filter((p) => p.at <= end).sort((a, b) => a.at - b.at);
  const timed = events.filter(({ t }) => t <= end);
  let from = 0;
  let duplicates = 0;
  for (const probe of [...probes, undefined]) {
    const at = probe?.at ?? end;
    let to = from;
    while (to < timed.length && timed[to]!.t <= at) to++;
    if (to > from) duplicates += (await ingestInOrder(runtime, timed.slice(from, to))).duplicates;
    from = to;
    await runtime.advanceTo(at);
    await probe?.run(runtime);
  }
  await runtime.stop();
  return { timeline, rejectedItems, itemWarnings, duplicates, keptProfiles, runtime, channel, end };
}

/** Ingest, with an invalid event named by its place in the simulation's input rather than in this call. */
async function ingestInOrder(runtime: Runtime, events: { e: EventEnvelope; i: number }[]): Promise<{ duplicates: number }> {
  try {
    return await runtime.ingest(events.map(({ e }) => e));
  } catch (err) {
    if (!(err instanceof InvalidInputError) || err.index === undefined) throw err;
    const { i } = events[err.index]!;
    const where = `event[${i}]`;
    throw InvalidInputError.forEvent(where, err.errors.map((x) => ({ ...x, path: x.path.replace(/^event(\[\d+\])?/, where) })), i);
  }
}
