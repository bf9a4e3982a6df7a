/** Shared helpers of the experience tests: a schema, runtimes on a virtual clock, slow actions. */
import { compile, type IR } from "@journey/compiler";
import { createRuntime, MemoryStore, VirtualClock, type ActionExecutor, type CallRequest, type CatalogEngine, type Decision, type Effect, type ForcedArms, type Logger, type RecommendationProvider, type Runtime } from "@journey/runtime";
import { expect } from "vitest";

export const T = (iso: string): number => Date.parse(iso);
/** A Monday morning in March. */
export const T0 = T("2026-03-09T09:00:00Z");

export const SCHEMA = `
profile {
  email: string = "p@example.com"
  firstName?: string
  city?: string
  code?: string
  locale?: string
  timezone: string = "UTC"
  tier: "bronze" | "silver" | "gold" = "bronze"
  points: int = 0
}
event View { sku: string }
catalog Product {
  key sku: string
  name: string
  inStock: bool
  signals { view View.sku }
}
type Conditions { tempC: number, condition: "sun" | "rain" }
action Weather(city: string) -> Conditions {
  get "https://weather.example.com/now?city={{city}}"
  timeout 2s
}
action Slow(n: int) -> Conditions {
  get "https://slow.example.com/{{n}}"
  timeout 5s
}
`;

/** Compile files as one project; fails the test on any error diagnostic. */
export function irOfFiles(files: { path: string; text: string }[]): IR {
  const r = compile(files);
  const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.file}@${d.span.start}: ${d.message}`);
  expect(errors).toEqual([]);
  return r.ir!;
}

/** `SCHEMA` plus the given declarations, as `x.journey`. */
export const withSchema = (rest: string): IR => irOfFiles([{ path: "x.journey", text: SCHEMA + rest }]);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Actions answered in code: `answer` gives the response (or throws) and `delayMs` how long
 * the call takes, per request; every request is kept.
 */
export class ScriptedActions implements ActionExecutor {
  readonly requests: CallRequest[] = [];
  constructor(
    private readonly answer: (r: CallRequest) => unknown,
    private readonly delayMs: (r: CallRequest) => number = () => 0,
  ) {}
  async execute(request: CallRequest): Promise<unknown> {
    this.requests.push(request);
    const ms = this.delayMs(request);
    if (ms > 0) await sleep(ms);
    return this.answer(request);
  }
}

export interface TestRuntime {
  rt: Runtime;
  clock: VirtualClock;
  /** Every effect made durable, in order (decisions and errors included). */
  effects: Effect[];
  /** Decide one surface for one profile (at the clock's time unless `now` is given). */
  one(surface: string, profileId: string, extra?: { context?: Record<string, unknown>; now?: number }): Promise<Decision>;
  /** Wait until recorded effects are durable. */
  settle(): Promise<void>;
}

export function runtimeOf(
  ir: IR,
  options: {
    at?: number;
    actions?: ActionExecutor;
    catalog?: CatalogEngine;
    providers?: Record<string, RecommendationProvider>;
    profiles?: Record<string, Record<string, unknown>>;
    /** Profiles written into the store as they are, unchecked (as an older runtime may have stored them). */
    stored?: Record<string, Record<string, unknown>>;
    /** Catalog items (providers' answers are looked up in the catalog). */
    items?: Record<string, unknown>[];
    forcedArms?: ForcedArms;
    logger?: Logger;
  } = {},
): Promise<TestRuntime> {
  const clock = new VirtualClock(options.at ?? T0);
  const effects: Effect[] = [];
  const store = new MemoryStore();
  const rt = createRuntime({
    ir,
    store,
    clock,
    actions: options.actions ?? new ScriptedActions(() => ({ tempC: 20, condition: "sun" })),
    ...(options.catalog ? { catalog: options.catalog } : {}),
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.forcedArms ? { forcedArms: options.forcedArms } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    onEffect: (e) => effects.push(e),
  });
  const one = async (surface: string, profileId: string, extra: { context?: Record<string, unknown>; now?: number } = {}) => {
    const [d] = await rt.decide({ surfaces: [surface], profileId, ...extra });
    return d!;
  };
  // Recording runs on the runtime's queue: an empty ingest queued behind it returns once it is done.
  const settle = async () => void (await rt.ingest([]));
  return (async () => {
    const stored = Object.entries(options.stored ?? {}).map(([id, attributes]) => ({ id, attributes, instances: {}, history: {}, audiences: [], schedules: {}, sends: {} }));
    await store.commit({ profiles: stored, timers: [], events: [], effects: [], dispatched: [] });
    await rt.start();
    if (options.items) rt.catalog!.upsertItems(options.items);
    for (const [id, attrs] of Object.entries(options.profiles ?? {})) await rt.upsertProfile(id, attrs);
    return { rt, clock, effects, one, settle };
  })();
}

/** The content of a decision, failing the test when nothing was decided. */
export function contentOf(d: Decision): string {
  if (d.content === null) throw new Error(`nothing was decided for ${d.surface}: ${d.reason}`);
  return d.content;
}

/** The variant of a decision, or `null` with the reason when nothing was decided. */
export const variantOf = (d: Decision): string | null => (d.content === null ? null : d.variant);

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`\`${needle}\` is not in the text`);
  return i + 1;
}
