/**
 * Code-based experiences: for each requested surface, the experiences that claim it, highest
 * priority first, and the first variant whose condition holds, rendered. Data an experience
 * loads (`let`, `call`, `recommend`) runs under the experience's deadline; a variant whose
 * data failed, whose rendering failed or whose `json` is invalid is skipped for the next one,
 * and the error is recorded; when no variant answers, the next experience claiming the
 * surface is tried. `decide` never throws for a profile's data or a remote failure.
 */
import { randomUUID } from "node:crypto";
import { surfaceMatches, type IR, type IRExperience, type IRExperienceStep, type IRVariant } from "@journey/ir";
import { isValidTimeZone, parseTemplate, rootNames, type CompiledTemplate } from "@journey/template";
import { evaluate, pathRoots, type EvalEnv } from "../engine/evaluate.js";
import type { Program } from "../engine/program.js";
import { profileLocale } from "../engine/render.js";
import { armIndex } from "../engine/split.js";
import type { DecisionRecord, Effect } from "../engine/state.js";
import { parseInstant } from "../engine/time.js";
import { declaredOnly, validate, withDefaults } from "../engine/validate.js";
import { isLocal, recommendLocally, requestFor, resolveRecommendation, type Recommendation, type RecommendDeps } from "../recs/resolve.js";
import { typedResponse, withSecrets, type ActionExecutor } from "../shell/actions.js";

export const MAX_SURFACES = 30;

export interface DecideRequest {
  surfaces: string[];
  profileId: string;
  /** What the calling page or app sends, checked against the experience's `context` type. */
  context?: Record<string, unknown>;
  /** Decide as of this instant (default: the runtime's clock). */
  now?: number;
}

export type Decision =
  | {
      surface: string;
      content: string;
      format: IRExperience["format"];
      experience: string;
      variant: string;
      /** The arm of a split variant (an experiment). */
      arm?: string;
      version: string;
      decisionId: string;
      items?: { key: string; source: string }[];
    }
  | { surface: string; content: null; reason: string; experience?: string };

export interface DecideDeps {
  program: Program;
  profile: Record<string, unknown>;
  /** False when the store has no such profile (`profile` is then every field's default, or null). */
  knownProfile?: boolean;
  actions: ActionExecutor;
  recommend: Omit<RecommendDeps, "deadlineMs" | "now" | "profile">;
  /** Filled into action headers when a call is made. */
  secrets: Record<string, string>;
  /** Where decisions and errors are recorded (the outbox). */
  record(effects: Effect[]): void;
}

/** What every surface of one request shares. */
interface PerRequest {
  deps: DecideDeps;
  /** False for a profile the store does not have: its fields are null, even required ones. */
  known: boolean;
  profileId: string;
  context: Record<string, unknown>;
  now: number;
  timeZone: string;
  locale: string;
  recorded: Effect[];
}

export async function decide(deps: DecideDeps, request: DecideRequest, now: number): Promise<Decision[]> {
  const zone = deps.profile["timezone"];
  const r: PerRequest = {
    deps,
    known: deps.knownProfile ?? true,
    profileId: request.profileId,
    context: request.context ?? {},
    now,
    // A profile's malformed time zone or locale must not cost it its content.
    timeZone: typeof zone === "string" && zone && isValidTimeZone(zone) ? zone : "UTC",
    locale: profileLocale(deps.profile) ?? "en-US",
    recorded: [],
  };
  const surfaces = request.surfaces.slice(0, MAX_SURFACES);
  // Surfaces are decided concurrently (their remote calls overlap); one alone needs no gathering.
  let results: Decision[];
  if (surfaces.length === 1) {
    const one = decideSurface(r, surfaces[0]!);
    results = [one instanceof Promise ? await one : one];
  } else results = await Promise.all(surfaces.map((s) => decideSurface(r, s)));
  if (r.recorded.length) deps.record(r.recorded);
  return results;
}

/**
 * The first experience claiming the surface that has content for the profile. Synchronous
 * unless an experience has to wait for a remote answer (the usual decision waits for nothing).
 */
function decideSurface(r: PerRequest, surface: string, from = 0, first?: Decision, deadline?: number): Decision | Promise<Decision> {
  const xs = claiming(r.deps.program.ir, surface);
  for (let i = from; i < xs.length; i++) {
    const x = xs[i]!;
    if (!active(x.active, r.now, r.timeZone)) continue;
    // The first experience tried sets the deadline of the surface's whole decision: those
    // tried after it (when it has no content) share what is left of it.
    const until = Math.min(Date.now() + x.timeoutMs, deadline ?? Infinity);
    deadline ??= until;
    const d = decideExperience(r, x, surface, until);
    if (d instanceof Promise) return d.then((d) => (d.content !== null ? d : decideSurface(r, surface, i + 1, first ?? d, deadline)));
    if (d.content !== null) return d;
    first ??= d;
  }
  return first ?? { surface, content: null, reason: xs.length ? "no experience claiming this surface is active now" : "no experience claims this surface" };
}

/** Per IR and surface: the experiences claiming it, highest priority first. */
const claims = new WeakMap<IR, Map<string, IRExperience[]>>();
/** The characters of the surfaces each memo keeps, and the most it may keep (~2 MB). */
const memoChars = new WeakMap<Map<string, IRExperience[]>, number>();
const MEMO_CHARS = 1_000_000;

function claiming(ir: IR, surface: string): IRExperience[] {
  let bySurface = claims.get(ir);
  if (!bySurface) claims.set(ir, (bySurface = new Map()));
  let xs = bySurface.get(surface);
  if (!xs) {
    xs = Object.values(ir.experiences)
      .filter((x) => x.surfaces.some((p) => surfaceMatches(p, surface)))
      .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1));
    // Requests name surfaces freely (every product page under a wildcard): keep the memo
    // bounded, in entries and in the characters of the surfaces it keeps.
    const size = (memoChars.get(bySurface) ?? 0) + surface.length;
    if (bySurface.size >= 10_000 || size > MEMO_CHARS) {
      bySurface.clear();
      memoChars.set(bySurface, surface.length);
    } else memoChars.set(bySurface, size);
    bySurface.set(surface, xs);
  }
  return xs;
}

/** Per period and time zone: the period as [from, end) instants. */
const periods = new WeakMap<object, Map<string, [number, number]>>();

function active(period: { from: string; to: string } | undefined, now: number, timeZone: string): boolean {
  if (!period) return true;
  let byZone = periods.get(period);
  if (!byZone) periods.set(period, (byZone = new Map()));
  let b = byZone.get(timeZone);
  if (!b) byZone.set(timeZone, (b = [parseInstant(period.from, timeZone), endOf(period.to, timeZone)]));
  return now >= b[0] && now < b[1];
}

/** A date-only `to` includes its whole local day: it ends at the next local midnight (a DST day has 23 or 25 hours). */
function endOf(to: string, timeZone: string): number {
  if (to.includes("T")) return parseInstant(to, timeZone);
  const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return parseInstant(next, timeZone);
}

const ESCAPE = { html: "html", json: "json", text: "none" } as const;

/** What an experience's steps loaded, for its variants to read. */
interface Loaded {
  vars: Record<string, unknown>;
  env: EvalEnv;
  /** Real time, not the decision's `now`: remote calls take real time, and a page is waiting. */
  deadline: number;
  /** Why each failed step failed, by the name it binds. */
  failed: Map<string, string>;
  /**
   * Failed steps whose failure is expected, not recorded as errors: a `let` over the fields of
   * a profile the store does not have (an anonymous visitor), which are null.
   */
  expected: Set<string>;
  /** Which algorithm produced each item, by recommendation name. */
  sources: Map<string, { key: string; source: string }[]>;
}

function decideExperience(r: PerRequest, x: IRExperience, surface: string, deadline: number): Decision | Promise<Decision> {
  let context = r.context;
  if (x.context) {
    // One request's context serves every surface it asks for: each experience reads the
    // fields it declares (the others are not its business), with their defaults filled in.
    const given = declaredOnly(r.context, x.context) as Record<string, unknown>;
    const problems = validate(given, x.context, "context");
    if (problems.length) {
      // Every wrong field at once: a page's developer fixes them in one go.
      const reason = `invalid context: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}`;
      recordError(r, x, undefined, reason);
      return { surface, content: null, reason, experience: x.id };
    }
    context = withDefaults(given, x.context) as Record<string, unknown>;
  }
  const vars: Record<string, unknown> = { profile: r.deps.profile, context };
  const loaded: Loaded = { vars, env: { vars, now: r.now, timeZone: r.timeZone }, deadline, failed: new Map(), expected: new Set(), sources: new Map() };
  const waiting = load(r, x, loaded, 0);
  return waiting ? waiting.then(() => choose(r, x, surface, loaded)) : choose(r, x, surface, loaded);
}

/** Run the steps from `from` on: at once, until one must wait for a remote answer; the rest after it. */
function load(r: PerRequest, x: IRExperience, l: Loaded, from: number): Promise<void> | undefined {
  for (let i = from; i < x.steps.length; i++) {
    const s = x.steps[i]!;
    const name = s.kind === "call" ? s.alias : s.name;
    const failed = (e: unknown) => {
      const message = `${s.kind} ${name ? `\`${name}\` ` : ""}failed: ${(e as Error).message}`;
      if (name) l.failed.set(name, message);
      else recordError(r, x, undefined, message);
      if (name && s.kind === "let" && !r.known) l.expected.add(name);
    };
    try {
      const waiting = runStep(r, x, l, s);
      if (waiting) return waiting.catch(failed).then(() => load(r, x, l, i + 1));
    } catch (e) {
      failed(e);
    }
  }
  return undefined;
}

/** One step: a `let` and the built-in algorithms at once; a call and a provider under the deadline. */
function runStep(r: PerRequest, x: IRExperience, l: Loaded, s: IRExperienceStep): Promise<void> | undefined {
  const { deps, now } = r;
  if (s.kind === "let") {
    // A `let` over a step that failed fails with it (its variants are skipped for that step).
    const blocked = l.failed.size ? [...letRoots(s)].find((n) => l.failed.has(n)) : undefined;
    if (blocked) throw new Error(`it reads \`${blocked}\`, which failed`);
    l.vars[s.name] = evaluate(s.value, l.env);
    return undefined;
  }
  const left = l.deadline - Date.now();
  if (left <= 0) throw new Error(`no time left of the experience's ${x.timeoutMs} ms`);
  if (s.kind === "recommend") {
    const request = requestFor(s, l.env, l.vars);
    const found = (rec: Recommendation) => {
      // Nothing to show because an algorithm failed or ran out of time: the recommendation failed.
      if (!rec.items.length && rec.errors.length) throw new Error(rec.errors.join("; "));
      // The backup filled in: the content shows, but a provider down for weeks must not go
      // unnoticed (as in a journey, where the `recommend` effect names it in `failed`).
      if (rec.errors.length) recordError(r, x, undefined, `recommend \`${s.name}\`: ${rec.errors.join("; ")}; the backup filled in`);
      l.vars[s.name] = rec.items;
      l.sources.set(s.name, rec.sources);
    };
    if (isLocal(request)) {
      found(recommendLocally(request, r.profileId, { catalog: deps.recommend.catalog, itemType: deps.recommend.itemType, now, profile: deps.profile }));
      return undefined;
    }
    // For providers, the deadline applies to each algorithm, one after the other: with a
    // backup, each gets half of what is left, and the race keeps late timers from adding up.
    const deadlineMs = s.backup ? Math.max(1, Math.floor(left / 2)) : left;
    return withTimeout(resolveRecommendation(request, r.profileId, { ...deps.recommend, deadlineMs, now, profile: deps.profile }), left).then(found);
  }
  const req = deps.program.callRequest(s.action, s.args.map((a) => evaluate(a, l.env)), l.env);
  req.timeoutMs = Math.min(req.timeoutMs, left);
  req.retries = 0; // a page is waiting: no time for retries
  return withTimeout(deps.actions.execute(withSecrets(req, deps.secrets)), req.timeoutMs).then((answer) => {
    const value = typedResponse(answer, deps.program.action(s.action)?.returns);
    if (s.alias) l.vars[s.alias] = value;
  });
}

/** The first variant that applies, rendered; a variant that cannot be shown is skipped, and why is recorded. */
function choose(r: PerRequest, x: IRExperience, surface: string, l: Loaded): Decision {
  const { deps, now } = r;
  const { failed, expected, sources } = l;
  let decision: Decision | undefined;
  /** Failed steps already recorded, with the first variant they made skip. */
  const reported = new Set<string>();
  for (const v of x.variants) {
    if (!active(v.active, now, r.timeZone)) continue;
    try {
      const p = plan(deps.program, x, v);
      const blocked = failed.size ? [...p.uses].find((n) => failed.has(n)) : undefined;
      if (blocked) {
        if (!reported.has(blocked) && !expected.has(blocked)) recordError(r, x, v.name, `skipped: ${failed.get(blocked)!}`);
        reported.add(blocked);
        continue;
      }
      if (v.when && !holds(r, v.when, l.env)) continue;
      let content = p.content;
      let arm: string | undefined;
      if (v.split) {
        const i = armIndex(v.split.arms, v.split.experiment, r.profileId, deps.program.forcedArm(v.split.experiment, r.profileId));
        if (i >= 0) {
          content = p.arms[i];
          arm = v.split.arms[i]!.label;
        }
      }
      if (content === undefined) continue;
      const text = content.render(l.vars, { timeZone: r.timeZone, locale: r.locale });
      if (content.parse) JSON.parse(text); // invalid JSON skips the variant (caught below)
      const decisionId = randomUUID();
      const record = { at: now, profileId: r.profileId, journey: x.id, key: decisionId, type: "decision", surface, experience: x.id, variant: v.name, version: x.version } as DecisionRecord;
      if (arm) record.arm = arm;
      r.recorded.push(record);
      decision = { surface, content: text, format: x.format, experience: x.id, variant: v.name, ...(arm ? { arm } : {}), version: x.version, decisionId };
      if (sources.size) {
        const shown: { key: string; source: string }[] = [];
        for (const n of p.uses) for (const item of sources.get(n) ?? []) shown.push(item);
        if (shown.length) decision.items = shown;
      }
      break;
    } catch (e) {
      recordError(r, x, v.name, (e as Error).message);
    }
  }
  // A failure no variant was skipped for is still recorded, for the experience.
  for (const [n, message] of failed) if (!reported.has(n) && !expected.has(n)) recordError(r, x, undefined, message);
  return decision ?? { surface, content: null, reason: "no variant applies", experience: x.id };
}

/**
 * Whether a variant's `when` holds. For a profile the store does not have, a condition that
 * fails on its null fields simply does not hold (an anonymous visitor is not a fault); for a
 * stored profile the failure is an error, recorded by the caller.
 */
function holds(r: PerRequest, when: NonNullable<IRVariant["when"]>, env: EvalEnv): boolean {
  if (r.known) return evaluate(when, env) === true;
  try {
    return evaluate(when, env) === true;
  } catch {
    return false;
  }
}

function recordError(r: PerRequest, x: IRExperience, variant: string | undefined, message: string): void {
  r.recorded.push({
    at: r.now,
    profileId: r.profileId,
    journey: x.id,
    key: `${x.id}:${randomUUID()}:error`,
    type: "error",
    message: `experience \`${x.id}\`${variant ? ` variant \`${variant}\`` : ""}: ${message}`,
    location: r.deps.program.location(x.id, variant ? `variant:${variant}` : "") ?? undefined,
  } as Effect);
}

/** A variant's content, compiled, and whether its output must be parsed to know it is JSON. */
interface Content {
  render: CompiledTemplate;
  parse: boolean;
}

/** What a variant needs at each request, prepared once: the names it reads and its contents. */
interface Plan {
  uses: Set<string>;
  content?: Content;
  arms: Content[];
}

const plans = new WeakMap<IRVariant, Plan>();

function plan(program: Program, x: IRExperience, v: IRVariant): Plan {
  let p = plans.get(v);
  if (!p) {
    const escape = ESCAPE[x.format];
    const prepare = (source: string): Content => ({ render: program.template(source, escape), parse: x.format === "json" && !alwaysJson(source) });
    const uses = new Set<string>();
    for (const c of [v.content ?? "", ...(v.split?.arms.map((a) => a.content) ?? [])]) for (const n of rootNames(c)) uses.add(n);
    if (v.when) pathRoots(v.when, uses);
    // Through the experience's `let`s, last first: `let first = recs[0]` read by the variant uses `recs`.
    for (let i = x.steps.length - 1; i >= 0; i--) {
      const s = x.steps[i]!;
      if (s.kind === "let" && uses.has(s.name)) for (const n of letRoots(s)) uses.add(n);
    }
    p = { uses, ...(v.content !== undefined ? { content: prepare(v.content) } : {}), arms: v.split?.arms.map((a) => prepare(a.content)) ?? [] };
    plans.set(v, p);
  }
  return p;
}

/**
 * Whether `source`, rendered with JSON escaping, is valid JSON whatever the data, so its output
 * need not be parsed: it holds only text and escaped interpolations (each writes escaped text
 * inside a string and a JSON value elsewhere), and its text with `null` for each value parses.
 */
function alwaysJson(source: string): boolean {
  const { nodes, errors } = parseTemplate(source);
  if (errors.length) return false;
  let skeleton = "";
  let inString = false;
  for (const n of nodes) {
    if (n.kind === "text") {
      skeleton += n.value;
      for (let i = 0; i < n.value.length; i++) {
        const c = n.value[i];
        if (inString && c === "\\") i++;
        else if (c === '"') inString = !inString;
      }
    } else if (n.kind === "mustache" && n.escaped) {
      if (!inString) skeleton += "null";
    } else if (n.kind !== "comment") return false;
  }
  try {
    JSON.parse(skeleton);
    return true;
  } catch {
    return false;
  }
}


function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The names a `let` reads, found once per step. */
const letReads = new WeakMap<IRExperienceStep, Set<string>>();

function letRoots(s: Extract<IRExperienceStep, { kind: "let" }>): Set<string> {
  let roots = letReads.get(s);
  if (!roots) letReads.set(s, (roots = pathRoots(s.value)));
  return roots;
}
