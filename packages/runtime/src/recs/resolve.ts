/**
 * A `recommend` step's answer: the primary algorithm under a deadline, then `where` and the
 * exclusions, then `backup` to fill what is missing — duplicates removed, each item tagged
 * with the algorithm that produced it. A failure or a missed deadline is not an error for
 * the journey: the backup fills in.
 */
import { evaluate } from "../engine/evaluate.js";
import type { RecommendRequest } from "../engine/state.js";
import type { CatalogEngine, CatalogItem, RecommendationProvider, SignalKind } from "./provider.js";

export interface RecommendDeps {
  catalog?: CatalogEngine;
  providers: Record<string, RecommendationProvider>;
  deadlineMs: number;
  now: number;
  profile: Record<string, unknown>;
}

export interface Recommendation {
  items: CatalogItem[];
  sources: { key: string; source: string }[];
  errors: string[];
}

const EXCLUSION_SIGNAL: Record<string, SignalKind> = { purchased: "purchase", inCart: "cart", viewed: "view" };

export async function resolveRecommendation(req: RecommendRequest, profileId: string, deps: RecommendDeps): Promise<Recommendation> {
  const keyField = deps.catalog?.keyField ?? "key";
  const excluded = new Set<string>();
  for (const x of req.exclude) {
    if (typeof x === "string") for (const k of deps.catalog?.profileKeys(profileId, EXCLUSION_SIGNAL[x]!, deps.now) ?? []) excluded.add(k);
    else for (const k of x) excluded.add(String(k));
  }
  const out: Recommendation = { items: [], sources: [], errors: [] };
  const seen = new Set<string>();
  for (const algo of [req.algorithm, req.backup]) {
    if (!algo || out.items.length >= req.limit) continue;
    let items: CatalogItem[];
    try {
      items = await withDeadline((signal) => provide(algo, profileId, req.limit, deps, signal), deps.deadlineMs);
    } catch (e) {
      out.errors.push(`${algo.name}: ${(e as Error).message}`);
      continue;
    }
    for (const item of items) {
      if (out.items.length >= req.limit) break;
      const key = String(item[keyField]);
      if (seen.has(key) || excluded.has(key)) continue;
      if (req.where && !holds(req, deps, item)) continue;
      seen.add(key);
      out.items.push(item);
      out.sources.push({ key, source: algo.name === "provider" ? `provider:${String(algo.args[0])}` : algo.name });
    }
  }
  return out;
}

/** Does `where` hold for `item`? An item it cannot be evaluated on (a missing field) is left out. */
function holds(req: RecommendRequest, deps: RecommendDeps, item: CatalogItem): boolean {
  try {
    return evaluate(req.where!, { vars: { ...req.vars, profile: deps.profile, item }, now: deps.now, timeZone: req.timeZone }) === true;
  } catch {
    return false;
  }
}

function provide(algo: RecommendRequest["algorithm"], profileId: string, limit: number, deps: RecommendDeps, signal: AbortSignal): Promise<CatalogItem[]> {
  // Ask for more than `limit`: filters and exclusions remove some.
  const base = { profileId, limit: limit * 3 + 10, now: deps.now, signal, ...(deps.catalog ? { catalog: deps.catalog } : {}) };
  if (algo.name === "provider") {
    const name = String(algo.args[0]);
    const p = deps.providers[name];
    if (!p) return Promise.reject(new Error(`no provider \`${name}\` is registered`));
    return p.recommend({ ...base, algorithm: name, args: algo.args.slice(1), named: algo.named });
  }
  if (!deps.catalog) return Promise.reject(new Error("no catalog engine is configured"));
  return deps.catalog.recommend({ ...base, algorithm: algo.name, args: algo.args, named: algo.named });
}

async function withDeadline<T>(f: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([f(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
