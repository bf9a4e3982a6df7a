/**
 * Code-based experiences: for each requested surface, the experience that claims it and the
 * first variant whose condition holds, rendered. Data an experience loads (`let`, `call`,
 * `recommend`) runs under the experience's deadline; a variant whose data failed, whose
 * rendering failed or whose `json` is invalid is skipped for the next one, and the error is
 * recorded. `decide` never throws for a profile's data or a remote failure.
 */
import { randomUUID } from "node:crypto";
import { surfaceMatches, type IRAlgorithm, type IRExperience, type IRVariant } from "@journey/ir";
import { rootNames } from "@journey/template";
import { evaluate, type EvalEnv } from "../engine/evaluate.js";
import type { Program } from "../engine/program.js";
import { splitBucket } from "../engine/split.js";
import type { Effect, RecommendRequest } from "../engine/state.js";
import { parseInstant } from "../engine/time.js";
import { validate } from "../engine/validate.js";
import { resolveRecommendation, type RecommendDeps } from "../recs/resolve.js";
import { withSecrets, type ActionExecutor } from "../shell/actions.js";

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
  actions: ActionExecutor;
  recommend: Omit<RecommendDeps, "deadlineMs" | "now" | "profile">;
  /** Filled into action headers when a call is made. */
  secrets: Record<string, string>;
  /** Where decisions and errors are recorded (the outbox). */
  record(effects: Effect[]): void;
}

/** Per experience and variant: the names its condition and content read (computed once). */
const variantUses = new WeakMap<IRVariant, Set<string>>();

function uses(v: IRVariant): Set<string> {
  let u = variantUses.get(v);
  if (!u) {
    u = new Set<string>();
    const contents = [v.content ?? "", ...(v.split?.arms.map((a) => a.content) ?? [])];
    for (const c of contents) for (const n of rootNames(c)) u.add(n);
    if (v.when) collectPathRoots(v.when, u);
    variantUses.set(v, u);
  }
  return u;
}

function collectPathRoots(e: unknown, out: Set<string>): void {
  if (!e || typeof e !== "object") return;
  if (Array.isArray(e)) return e.forEach((x) => collectPathRoots(x, out));
  const o = e as Record<string, unknown>;
  if (Array.isArray(o["path"])) out.add(String((o["path"] as unknown[])[0]));
  for (const v of Object.values(o)) collectPathRoots(v, out);
}

function active(period: { from: string; to: string } | undefined, now: number, timeZone: string): boolean {
  if (!period) return true;
  // A date-only `to` includes its whole day.
  const to = parseInstant(period.to, timeZone) + (period.to.includes("T") ? 0 : 86_400_000);
  return now >= parseInstant(period.from, timeZone) && now < to;
}

export async function decide(deps: DecideDeps, request: DecideRequest, now: number): Promise<Decision[]> {
  const surfaces = request.surfaces.slice(0, MAX_SURFACES);
  const tz = typeof deps.profile["timezone"] === "string" && deps.profile["timezone"] ? (deps.profile["timezone"] as string) : "UTC";
  const recorded: Effect[] = [];
  const results = await Promise.all(surfaces.map((s) => decideOne(deps, request, s, now, tz, recorded)));
  if (recorded.length) deps.record(recorded);
  return results;
}

async function decideOne(deps: DecideDeps, request: DecideRequest, surface: string, now: number, tz: string, recorded: Effect[]): Promise<Decision> {
  const candidates = Object.values(deps.program.ir.experiences)
    .filter((x) => x.surfaces.some((p) => surfaceMatches(p, surface)) && active(x.active, now, tz))
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1));
  const x = candidates[0];
  if (!x) return { surface, content: null, reason: "no experience claims this surface" };
  const base = { at: now, profileId: request.profileId, journey: x.id };
  const error = (variant: string | undefined, message: string) =>
    recorded.push({
      ...base,
      key: `${x.id}:${randomUUID()}:error`,
      type: "error",
      message: `experience \`${x.id}\`${variant ? ` variant \`${variant}\`` : ""}: ${message}`,
      location: deps.program.location(x.id, variant ? `variant:${variant}` : "") ?? undefined,
    } as Effect);

  const context = request.context ?? {};
  if (x.context) {
    const problems = validate(context, x.context, "context");
    if (problems.length) {
      error(undefined, `invalid context: ${problems[0]!.path} ${problems[0]!.message}`);
      return { surface, content: null, reason: `invalid context: ${problems[0]!.path} ${problems[0]!.message}`, experience: x.id };
    }
  }
  const deadline = now + x.timeoutMs;
  const vars: Record<string, unknown> = { profile: deps.profile, context };
  const failed = new Set<string>();
  /** Which algorithm produced each item, by recommendation name. */
  const sources = new Map<string, { key: string; source: string }[]>();
  const env = (): EvalEnv => ({ vars, now, timeZone: tz });
  for (const s of x.steps) {
    const name = s.kind === "call" ? s.alias : s.name;
    try {
      if (s.kind === "let") vars[s.name] = evaluate(s.value, env());
      else if (s.kind === "recommend") {
        const r = await resolveRecommendation(
          {
            algorithm: evalAlgorithm(s.algorithm, env()),
            ...(s.backup ? { backup: evalAlgorithm(s.backup, env()) } : {}),
            ...(s.where ? { where: s.where } : {}),
            exclude: s.exclude.map((e) => (typeof e === "string" ? e : (evaluate(e, env()) as unknown[]))),
            limit: evaluate(s.limit, env()) as number,
            timeZone: tz,
          },
          request.profileId,
          { ...deps.recommend, deadlineMs: Math.max(1, deadline - Date.now()), now, profile: deps.profile },
        );
        vars[s.name] = r.items;
        sources.set(s.name, r.sources);
      } else {
        const req = deps.program.callRequest(s.action, s.args.map((a) => evaluate(a, env())), env());
        req.timeoutMs = Math.min(req.timeoutMs, Math.max(1, deadline - Date.now()));
        req.retries = 0; // a page is waiting: no time for retries
        const value = await withTimeout(deps.actions.execute(withSecrets(req, deps.secrets)), req.timeoutMs);
        const returns = deps.program.ir.actions[s.action]?.returns;
        const problems = returns ? validate(value, returns, "response") : [];
        if (problems.length) throw new Error(`${problems[0]!.path} ${problems[0]!.message}`);
        if (s.alias) vars[s.alias] = value;
      }
    } catch (e) {
      if (name) failed.add(name);
      error(undefined, `${s.kind} ${name ? `\`${name}\` ` : ""}failed: ${(e as Error).message}`);
    }
  }

  for (const v of x.variants) {
    if (!active(v.active, now, tz)) continue;
    const blocked = [...uses(v)].find((n) => failed.has(n));
    if (blocked) continue;
    try {
      if (v.when && evaluate(v.when, env()) !== true) continue;
      let template = v.content;
      let arm: string | undefined;
      if (v.split) {
        const bucket = splitBucket(v.split.experiment, request.profileId);
        let acc = 0;
        for (const a of v.split.arms) {
          acc += a.percent;
          if (bucket < acc) {
            template = a.content;
            arm = a.label;
            break;
          }
        }
      }
      if (template === undefined) continue;
      const escape = x.format === "html" ? "html" : x.format === "json" ? "json" : "none";
      const content = deps.program.template(template, escape)(vars, { timeZone: tz, locale: typeof deps.profile["locale"] === "string" ? (deps.profile["locale"] as string) : "en-US" });
      if (x.format === "json") JSON.parse(content); // invalid JSON skips the variant (caught below)
      const decisionId = randomUUID();
      recorded.push({ ...base, key: decisionId, type: "decision", surface, experience: x.id, variant: v.name, ...(arm ? { arm } : {}), version: x.version });
      const shown = [...uses(v)].flatMap((n) => sources.get(n) ?? []);
      return { surface, content, format: x.format, experience: x.id, variant: v.name, ...(arm ? { arm } : {}), version: x.version, decisionId, ...(shown.length ? { items: shown } : {}) };
    } catch (e) {
      error(v.name, (e as Error).message);
    }
  }
  return { surface, content: null, reason: "no variant applies", experience: x.id };
}

function evalAlgorithm(a: IRAlgorithm, env: EvalEnv): RecommendRequest["algorithm"] {
  const named: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a.named)) named[k] = typeof v === "string" ? v : evaluate(v, env);
  return { name: a.name, args: a.args.map((x) => evaluate(x, env)), named };
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
