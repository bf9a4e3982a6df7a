/**
 * A `recommend` step's answer: the primary algorithm, then `where` and the exclusions, then
 * `backup` to fill what is missing — duplicates removed, each item tagged with the algorithm
 * that produced it. A failure or a missed deadline is not an error for the journey: the
 * backup fills in.
 *
 * The built-in algorithms run in-process and synchronously: a request that uses only them is
 * answered at once (`recommendLocally`), so the shell answers it inside the same unit of work
 * and a page's decision waits for no timer. Named providers are remote: each runs under a
 * deadline (`resolveRecommendation`).
 */
import type { IRAlgorithm, IRExperienceStep } from "@journey/ir";
import type { Type } from "@journey/template";
import { evaluate, type EvalEnv } from "../engine/evaluate.js";
import { declaredOnly } from "../engine/validate.js";
import type { AlgorithmYield, RecommendRequest } from "../engine/state.js";
import { providerItems } from "./items.js";
import type { CatalogEngine, CatalogItem, RecommendationProvider, SignalKind } from "./provider.js";

export interface RecommendDeps {
  catalog?: CatalogEngine;
  /** The catalog's item type (`ir.catalog.item`): what a recommendation hands out is its declared fields only. */
  itemType?: Type;
  providers: Record<string, RecommendationProvider>;
  deadlineMs: number;
  now: number;
  profile: Record<string, unknown>;
}

export interface Recommendation {
  items: CatalogItem[];
  sources: { key: string; source: string }[];
  errors: string[];
  /**
   * When fewer items than the limit were found: what each algorithm that answered offered and
   * what was left out of it, so a short or empty recommendation says why (`shortText` words
   * it). Absent when the limit was reached.
   */
  short?: AlgorithmYield[];
}

/** A short recommendation's reasons in words: `popular: 6 offered, 4 left out by where, 1 excluded`. */
export function shortText(yields: readonly AlgorithmYield[]): string {
  return yields
    .map((y) => {
      const left = [y.where && `${y.where} left out by where`, y.excluded && `${y.excluded} excluded`, y.given && `${y.given} given already`].filter(Boolean);
      return `${y.source}: ${y.offered ? `${y.offered} offered` : "none offered"}${left.length ? `, ${left.join(", ")}` : ""}`;
    })
    .join("; ");
}

type Algorithm = RecommendRequest["algorithm"];

const EXCLUSION_SIGNAL: Record<string, SignalKind> = { purchased: "purchase", inCart: "cart", viewed: "view" };

/** A `recommend` step (of a journey or an experience). */
type RecommendStep = Omit<Extract<IRExperienceStep, { kind: "recommend" }>, "kind" | "name">;

/** The request a `recommend` step makes, its arguments evaluated now; `where` will read `vars` (the step's bindings). */
export function requestFor(s: RecommendStep, env: EvalEnv, vars: Record<string, unknown>): RecommendRequest {
  // An exclusion or a limit that cannot be evaluated (`exclude [cart.items[0].sku]` on an
  // empty cart) must not fail the journey either: the exclusion excludes nothing, the limit
  // asks for nothing, and the reason is in the `recommend` effect's `failed`.
  const failed: string[] = [];
  const orElse = <T>(what: string, f: () => T, otherwise: T): T => {
    try {
      return f();
    } catch (e) {
      failed.push(`${what}: ${(e as Error).message}`);
      return otherwise;
    }
  };
  const exclude = s.exclude.map((x) => (typeof x === "string" ? x : orElse("exclude", () => evaluate(x, env) as unknown[], [])));
  // A `limit` from the data below 1 asks for nothing (no algorithm is run): an empty list, as documented.
  const limit = Math.max(0, orElse("limit", () => evaluate(s.limit, env) as number, 0));
  return {
    algorithm: orFailed(s.algorithm, env),
    ...(s.backup ? { backup: orFailed(s.backup, env) } : {}),
    ...(s.where ? { where: s.where, vars } : {}),
    exclude,
    limit,
    timeZone: env.timeZone,
    ...(failed.length ? { failed } : {}),
  };
}

/**
 * An algorithm with its arguments evaluated, or marked failed when they cannot be
 * (`category: cart.items[0].category` on an empty cart): a recommendation never fails the
 * journey, and a backup that is not needed is never the reason it has nothing.
 */
function orFailed(a: IRAlgorithm, env: EvalEnv): Algorithm {
  try {
    return algorithm(a, env);
  } catch (e) {
    return { name: a.name, args: [], named: {}, failed: `its arguments could not be evaluated: ${(e as Error).message}` };
  }
}

/** Algorithms whose arguments are all constants, evaluated once (`null`: some argument is not constant). */
const constant = new WeakMap<IRAlgorithm, Algorithm | null>();

function algorithm(a: IRAlgorithm, env: EvalEnv): Algorithm {
  const known = constant.get(a);
  if (known) return known;
  const evaluated = evaluateAlgorithm(a, env);
  // Shared by every request from now on: frozen, so no engine or provider can change it for the others.
  if (known === undefined) constant.set(a, isConstant(a) ? (Object.freeze({ ...evaluated, args: Object.freeze(evaluated.args), named: Object.freeze(evaluated.named) }) as Algorithm) : null);
  return evaluated;
}

function isConstant(a: IRAlgorithm): boolean {
  const fixed = (x: unknown) => typeof x === "string" || (typeof x === "object" && x !== null && ("lit" in x || "dur" in x));
  return a.args.every(fixed) && Object.values(a.named).every(fixed);
}

function evaluateAlgorithm(a: IRAlgorithm, env: EvalEnv): Algorithm {
  const named: Record<string, unknown> = {};
  for (const k in a.named) {
    const v = a.named[k]!;
    named[k] = typeof v === "string" ? v : evaluate(v, env);
  }
  return { name: a.name, args: a.args.length ? a.args.map((x) => evaluate(x, env)) : [], named };
}

/** Whether every algorithm of the request is built in (no named provider): then it can be answered synchronously. */
export function isLocal(req: RecommendRequest): boolean {
  return req.algorithm.name !== "provider" && req.backup?.name !== "provider";
}

/** The answer to a request that uses built-in algorithms only (see `isLocal`). */
export function recommendLocally(req: RecommendRequest, profileId: string, deps: Omit<RecommendDeps, "providers" | "deadlineMs">): Recommendation {
  const answer = new Answer(req, profileId, deps);
  for (const algo of [req.algorithm, req.backup]) {
    if (!algo || answer.full) continue;
    try {
      if (algo.failed) throw new Error(algo.failed);
      answer.fromBuiltIn(algo, profileId, deps);
    } catch (e) {
      answer.fail(algo, e);
    }
  }
  return answer.done();
}

/** The answer to any request: named providers under the deadline, built-in algorithms at once. */
export async function resolveRecommendation(req: RecommendRequest, profileId: string, deps: RecommendDeps): Promise<Recommendation> {
  const answer = new Answer(req, profileId, deps);
  for (const algo of [req.algorithm, req.backup]) {
    if (!algo || answer.full) continue;
    try {
      if (algo.failed) throw new Error(algo.failed);
      if (algo.name === "provider") answer.take(algo, await withDeadline((signal) => fromProvider(algo, profileId, req.limit, deps, signal), deps.deadlineMs));
      else answer.fromBuiltIn(algo, profileId, deps);
    } catch (e) {
      answer.fail(algo, e);
    }
  }
  return answer.done();
}

/** The answer being filled, algorithm after algorithm. */
class Answer {
  readonly result: Recommendation = { items: [], sources: [], errors: [] };
  private readonly excluded = new Set<string>();
  /** Keys taken, with the algorithm (source) that gave each. */
  private readonly seen = new Map<string, string>();
  /** What each algorithm's last answer gave (an algorithm asked again answers again from the start). */
  private readonly yields: AlgorithmYield[] = [];
  private readonly keyField: string;

  constructor(
    private readonly req: RecommendRequest,
    profileId: string,
    private readonly deps: Pick<RecommendDeps, "catalog" | "now" | "profile" | "itemType">,
  ) {
    this.keyField = deps.catalog?.keyField ?? "key";
    if (req.failed) this.result.errors.push(...req.failed);
    for (const x of req.exclude) {
      if (typeof x === "string") for (const k of deps.catalog?.profileKeys(profileId, EXCLUSION_SIGNAL[x]!, deps.now) ?? []) this.excluded.add(k);
      else for (const k of x) this.excluded.add(String(k));
    }
  }

  get full(): boolean {
    return this.result.items.length >= this.req.limit;
  }

  take(algo: Algorithm, items: CatalogItem[]): void {
    const source = sourceOf(algo, this.req);
    const y: AlgorithmYield = { source, offered: items.length, where: 0, excluded: 0, given: 0 };
    // The primary and the backup at most: an algorithm asked again replaces its earlier answer's.
    const earlier = this.yields.findIndex((x) => x.source === source);
    if (earlier >= 0) this.yields[earlier] = y;
    else this.yields.push(y);
    for (const item of items) {
      if (this.full) break;
      const key = String(item[this.keyField]);
      const from = this.seen.get(key);
      if (from !== undefined) {
        // Taken from this algorithm's earlier, shorter answer: not a duplicate.
        if (from !== source) y.given++;
        continue;
      }
      if (this.excluded.has(key)) {
        y.excluded++;
        continue;
      }
      if (this.req.where && !this.holds(item)) {
        y.where++;
        continue;
      }
      this.seen.set(key, source);
      this.result.items.push(this.deps.itemType ? declaredView(item, this.deps.itemType) : item);
      this.result.sources.push({ key, source });
    }
  }

  /** The result, with why it is short when it is (see `Recommendation.short`). */
  done(): Recommendation {
    if (!this.full && this.req.limit) this.result.short = this.yields;
    return this.result;
  }

  /**
   * A built-in algorithm is asked for a few more than are missing; while filters and
   * exclusions leave too few and it has more, it is asked again for four times as many (what
   * is taken is not taken twice): "best sellers in stock" finds the in-stock ones however
   * far down the list they are.
   */
  fromBuiltIn(algo: Algorithm, profileId: string, deps: Pick<RecommendDeps, "catalog" | "now">): void {
    let ask = this.req.limit - this.result.items.length + this.excluded.size + 4;
    for (;;) {
      const items = builtIn(algo, profileId, ask, deps);
      this.take(algo, items);
      if (this.full || items.length < ask) return;
      ask = Math.max(ask * 4, wanted(this.req.limit));
    }
  }

  /**
   * A failure is named as its items would be (`provider:recs`, `popular (backup)`): with two
   * providers, or a backup of the same algorithm, `failed` says which one it was.
   */
  fail(algo: Algorithm, e: unknown): void {
    this.result.errors.push(`${sourceOf(algo, this.req)}: ${(e as Error).message}`);
  }

  /** What `where` reads, made once: `item` changes from one item to the next. */
  private scope?: EvalEnv;

  /** Does `where` hold for `item`? An item it cannot be evaluated on (a missing field) is left out. */
  private holds(item: CatalogItem): boolean {
    this.scope ??= { vars: { ...this.req.vars, profile: this.deps.profile, item }, now: this.deps.now, timeZone: this.req.timeZone };
    this.scope.vars["item"] = item;
    try {
      return evaluate(this.req.where!, this.scope) === true;
    } catch {
      return false;
    }
  }
}

/**
 * What an item's `source` says produced it: the algorithm (`popular`, `provider:name`), and
 * `(backup)` after it when the backup is the same algorithm as the primary (`popular` with a
 * `popular` backup over another window): a timeline shows whether the backup filled in.
 */
function sourceOf(algo: Algorithm, req: RecommendRequest): string {
  const name = (a: Algorithm) => (a.name === "provider" ? `provider:${String(a.args[0])}` : a.name);
  const own = name(algo);
  return algo === req.backup && own === name(req.algorithm) ? `${own} (backup)` : own;
}

/**
 * An item as content sees it: the fields the `catalog` declares. A shop's feed carries more
 * (cost, margin, supplier) that must never reach a message or a page through `{{json item}}`
 * or a webhook body; engines keep the whole item (their `category` may be undeclared). Items
 * are frozen and kept by the engine, so each view is made once.
 */
function declaredView(item: CatalogItem, itemType: Type): CatalogItem {
  let view = views.get(item);
  if (!view) views.set(item, (view = declaredOnly(item, itemType) as CatalogItem));
  return view;
}

const views = new WeakMap<CatalogItem, CatalogItem>();

/** Ask for more than `limit` at once: filters and exclusions remove some. */
const wanted = (limit: number) => limit * 3 + 10;

function builtIn(algo: Algorithm, profileId: string, count: number, deps: Pick<RecommendDeps, "catalog" | "now">): CatalogItem[] {
  if (!deps.catalog) throw new Error("no catalog engine is configured");
  const items: unknown = deps.catalog.recommend({ algorithm: algo.name, args: algo.args, named: algo.named, profileId, limit: count, now: deps.now });
  // A catalog engine is in-process: an engine written against the provider interface (a promise) is a configuration error.
  if (!Array.isArray(items)) throw new Error("the catalog engine must answer synchronously with a list of items (a remote engine is a `provider`)");
  return items as CatalogItem[];
}

function fromProvider(algo: Algorithm, profileId: string, limit: number, deps: RecommendDeps, signal: AbortSignal): Promise<CatalogItem[]> {
  const name = String(algo.args[0]);
  const p = deps.providers[name];
  if (!p) return Promise.reject(new Error(`no provider \`${name}\` is registered`));
  const catalog = deps.catalog;
  const answer = p.recommend({ algorithm: name, args: algo.args.slice(1), named: algo.named, profileId, limit: wanted(limit), now: deps.now, signal, ...(catalog ? { catalog } : {}) });
  // What reaches `where` and templates is what the catalog validated, whatever the provider sent.
  // Without a catalog engine there is nothing to look keys up in: the answer is taken as items.
  return catalog ? Promise.resolve(answer).then((value) => providerItems(value, catalog)) : (answer as Promise<CatalogItem[]>);
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
