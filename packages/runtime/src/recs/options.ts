/**
 * What the built-in algorithms mean, shared by the exact reference (`ScanCatalogEngine`) and
 * the incremental engine (`IncrementalCatalogEngine`), so that both compute the same ranking
 * from the same signals (docs/recommendations.md has the reasoning).
 *
 * - Time is cut into buckets of `bucketMs` (1 hour). A window of length W at time `now`
 *   holds the signals whose bucket is at or after the bucket of `now − W`: at least W, at most
 *   W plus one bucket. Signals stamped after `now` count too (a producer's clock ahead of
 *   ours), so a window has no upper end.
 * - A *basket* is one cart or purchase signal (one event): its first `maxGroupItems` distinct
 *   keys. A *session* is one profile's views in one period of `sessionMs` (aligned on the
 *   epoch): its first `maxGroupItems` distinct keys, in the order they were recorded. A view
 *   of a period earlier than the profile's latest session is not part of any session (it
 *   still counts as a view). A basket belongs to the bucket of its time, a session to the
 *   bucket where its period starts.
 * - Co-occurrence (`cartBased`, `boughtTogether`, `viewedTogether`): score(k) = Σ over the
 *   anchors a of co(a, k) / √freq(k), where co(a, k) is the number of groups (baskets or
 *   sessions) in the window that hold both a and k, and freq(k) the number that hold k.
 *   Anchors themselves are never recommended. Ties by key.
 * - `popular`: the number of view (or purchase) signals in the window holding the key, each
 *   signal counting a key once. Ties by key.
 * - Per profile: the latest view and purchase of each key (newest first, at most
 *   `recentItems` / `purchasedItems` keys), and the keys of the latest cart (at most
 *   `cartItems`). "Latest" is by signal time, then by the order signals were recorded; inside
 *   one signal, earlier keys count as more recent.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface RecsWindows {
  cartBased: number;
  boughtTogether: number;
  viewedTogether: number;
  recentlyViewed: number;
  /** The default of `popular(window: …)`. */
  popular: number;
}

export interface RecsOptions {
  /** Time bucket in ms: the granularity of every window (default 1 hour). */
  bucketMs?: number;
  /** Length of a view session in ms, aligned on the epoch (default 1 hour). */
  sessionMs?: number;
  /** Look-back of each algorithm, in ms (default 30 days; `popular` 7 days unless the step says `window:`). */
  windows?: Partial<RecsWindows>;
  /**
   * How far back signals are kept, in ms: the longest window that can be asked for, and the
   * window of the `purchased`, `inCart` and `viewed` exclusions (default: the longest of
   * `windows`). A `popular(window: …)` longer than this is cut to it.
   */
  retentionMs?: number;
  /** Keys of one basket or session taken into co-occurrence (default 50). */
  maxGroupItems?: number;
  /** Viewed keys kept per profile (default 50). */
  recentItems?: number;
  /** Purchased keys kept per profile (default 200). */
  purchasedItems?: number;
  /** Keys kept of a profile's latest cart (default 100). */
  cartItems?: number;
  /** The item field `popular(category: …)` compares with (default `category`). */
  categoryField?: string;
}

export interface RecsConfig {
  bucketMs: number;
  sessionMs: number;
  windows: RecsWindows;
  retentionMs: number;
  maxGroupItems: number;
  recentItems: number;
  purchasedItems: number;
  cartItems: number;
  categoryField: string;
}

export const DEFAULT_WINDOWS: RecsWindows = { cartBased: 30 * DAY, boughtTogether: 30 * DAY, viewedTogether: 30 * DAY, recentlyViewed: 30 * DAY, popular: 7 * DAY };

export function recsConfig(o: RecsOptions = {}): RecsConfig {
  const windows = { ...DEFAULT_WINDOWS, ...o.windows };
  const positive = (name: string, v: number) => {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`recommendations: \`${name}\` must be a positive number, not ${String(v)}`);
    return v;
  };
  const count = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`recommendations: \`${name}\` must be a positive integer, not ${String(v)}`);
    return v;
  };
  for (const [k, v] of Object.entries(windows)) positive(`windows.${k}`, v);
  const longest = Math.max(...Object.values(windows));
  return {
    bucketMs: positive("bucketMs", o.bucketMs ?? HOUR),
    sessionMs: positive("sessionMs", o.sessionMs ?? HOUR),
    windows,
    retentionMs: Math.max(positive("retentionMs", o.retentionMs ?? longest), longest),
    maxGroupItems: count("maxGroupItems", o.maxGroupItems ?? 50),
    recentItems: count("recentItems", o.recentItems ?? 50),
    purchasedItems: count("purchasedItems", o.purchasedItems ?? 200),
    cartItems: count("cartItems", o.cartItems ?? 100),
    categoryField: o.categoryField ?? "category",
  };
}

/** The algorithms of the catalog engine. */
export const BUILT_IN_ALGORITHMS = ["cartBased", "boughtTogether", "viewedTogether", "recentlyViewed", "popular"] as const;

/** The window a request asks for: `popular(window: …)`, else the algorithm's own; never longer than the retention. */
export function requestWindow(config: RecsConfig, algorithm: string, named: Record<string, unknown>): number {
  const asked = named["window"];
  const own = (config.windows as unknown as Record<string, number>)[algorithm] ?? config.retentionMs;
  const w = typeof asked === "number" && Number.isFinite(asked) && asked >= 0 ? asked : own;
  return Math.min(w, config.retentionMs);
}

/** Distinct keys of a signal, in order. */
export function distinctKeys(keys: readonly string[]): string[] {
  if (keys.length < 2) return keys.slice();
  if (keys.length === 2) return keys[0] === keys[1] ? [keys[0]!] : keys.slice();
  return [...new Set(keys)];
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every literal `window:` of the `recommend` steps of the IR (journeys and experiences), in ms. */
export function windowsIn(ir: unknown): number[] {
  const found = new Set<number>();
  for (const algo of algorithmsIn(ir)) {
    const w = algo.named?.["window"] as { dur?: unknown } | undefined;
    if (typeof w?.dur === "number" && Number.isFinite(w.dur) && w.dur > 0) found.add(w.dur);
  }
  return [...found].sort((a, b) => a - b);
}

/** The names of the providers the `recommend` steps under `root` ask (`provider("recs", …)`), sorted. */
export function providerNamesIn(root: unknown): string[] {
  const found = new Set<string>();
  for (const algo of algorithmsIn(root)) {
    const name = (algo.args?.[0] as { lit?: unknown } | undefined)?.lit;
    if (algo.name === "provider" && typeof name === "string") found.add(name);
  }
  return [...found].sort();
}

type AlgorithmShape = { name?: unknown; args?: unknown[]; named?: Record<string, unknown> };

/** The algorithms (primary and backup) of every `recommend` step found under `root`, each once. */
function algorithmsIn(root: unknown): AlgorithmShape[] {
  const found: AlgorithmShape[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o["kind"] === "recommend") for (const algo of [o["algorithm"], o["backup"]]) if (algo && typeof algo === "object") found.push(algo as AlgorithmShape);
    for (const x of Object.values(o)) walk(x);
  };
  walk(root);
  return found;
}
