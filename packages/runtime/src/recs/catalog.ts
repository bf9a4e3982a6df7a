/**
 * The exact, brute-force catalog engine: it keeps every signal and every algorithm scans the
 * whole log per request. It is the definition the incremental engine
 * (`IncrementalCatalogEngine`, the runtime's default) is checked against — same meaning, see
 * `options.ts` — and is written to be obviously right rather than fast: its memory grows with
 * every signal, and a request costs time proportional to the log.
 */
import type { Type } from "@journey/template";
import { checkItems, type RejectedItem, type UpsertResult } from "./items.js";
import { BUILT_IN_ALGORITHMS, compareKeys, distinctKeys, recsConfig, requestWindow, type RecsConfig, type RecsOptions } from "./options.js";
import type { CatalogEngine, CatalogItem, CatalogRequest, Signal, SignalKind } from "./provider.js";

const DAY = 86_400_000;
/** How far back co-occurrence algorithms look unless told otherwise. */
export const DEFAULT_LOOKBACK_MS = 30 * DAY;
/** `popular()` counts the last week unless told otherwise. */
export const DEFAULT_POPULAR_WINDOW_MS = 7 * DAY;

export interface EngineOptions extends RecsOptions {
  /** The catalog's item type (`ir.catalog.item`): items are checked against it. */
  itemType?: Type;
  /** Told about every item `upsertItems` leaves out. */
  onRejectedItem?: (rejection: RejectedItem) => void;
}

export type RankRequest = Pick<CatalogRequest, "algorithm" | "args" | "named" | "profileId" | "now">;

/** Recency of key `i` of the signal recorded `seq`-th: earlier keys of one signal count as more recent. */
export function recencyRank(seq: number, i: number): number {
  return seq * 1024 + (1023 - Math.min(i, 1023));
}

export class ScanCatalogEngine implements CatalogEngine {
  readonly config: RecsConfig;
  private readonly items = new Map<string, CatalogItem>();
  /** Every signal recorded, keys made distinct, with its order of recording. */
  private readonly signals: (Signal & { seq: number })[] = [];
  private latest = -Infinity;

  constructor(
    readonly keyField: string,
    private readonly options: EngineOptions = {},
  ) {
    this.config = recsConfig(options);
  }

  upsertItems(items: CatalogItem[]): UpsertResult {
    const { accepted, result } = checkItems(items, { keyField: this.keyField, itemType: this.options.itemType, onRejectedItem: this.options.onRejectedItem });
    for (const [k, item] of accepted) this.items.set(k, item);
    return result;
  }

  removeItems(keys: string[]): void {
    for (const k of keys) this.items.delete(String(k));
  }

  item(key: string): CatalogItem | undefined {
    return this.items.get(key);
  }

  recordSignal(signal: Signal): void {
    this.signals.push({ ...signal, keys: distinctKeys(signal.keys.map(String)), seq: this.signals.length + 1 });
    this.latest = Math.max(this.latest, signal.at);
  }

  forgetProfile(profileId: string, alias: string): void {
    for (const s of this.signals) if (s.profileId === profileId) s.profileId = alias;
  }

  /** As the incremental engine: the store may forget what is older than the retention (this engine still remembers it). */
  signalsNeededSince(): number | undefined {
    if (this.latest === -Infinity) return undefined;
    const c = this.config;
    return this.bucket(this.latest - c.retentionMs) * c.bucketMs - c.sessionMs - c.bucketMs;
  }

  private bucket(t: number): number {
    return Math.floor(t / this.config.bucketMs);
  }

  /** Is a signal stamped `at` inside the window of `windowMs` at `now`? */
  private inWindow(at: number, now: number, windowMs: number): boolean {
    return this.bucket(at) >= this.bucket(now - windowMs);
  }

  profileKeys(profileId: string, kind: SignalKind, now = this.latest): Set<string> {
    const c = this.config;
    if (kind === "cart") {
      let latest: (Signal & { seq: number }) | undefined;
      for (const s of this.signals) if (s.profileId === profileId && s.kind === "cart" && (!latest || s.at >= latest.at)) latest = s;
      return new Set(latest && this.inWindow(latest.at, now, c.retentionMs) ? latest.keys.slice(0, c.cartItems) : []);
    }
    return new Set(this.latestKeys(profileId, kind, now, c.retentionMs, kind === "view" ? c.recentItems : c.purchasedItems));
  }

  /** This profile's keys of one kind in the window, by their latest signal, newest first, at most `max`. */
  private latestKeys(profileId: string, kind: SignalKind, now: number, windowMs: number, max: number): string[] {
    const best = new Map<string, [at: number, rank: number]>();
    for (const s of this.signals) {
      if (s.profileId !== profileId || s.kind !== kind || !this.inWindow(s.at, now, windowMs)) continue;
      s.keys.forEach((k, i) => {
        const r = recencyRank(s.seq, i);
        const b = best.get(k);
        if (!b || s.at > b[0] || (s.at === b[0] && r > b[1])) best.set(k, [s.at, r]);
      });
    }
    return [...best]
      .sort((x, y) => y[1][0] - x[1][0] || y[1][1] - x[1][1])
      .slice(0, max)
      .map(([k]) => k);
  }

  recommend(req: CatalogRequest): CatalogItem[] {
    const out: CatalogItem[] = [];
    for (const k of this.rank(req)) {
      const item = this.items.get(k);
      if (item) out.push(item);
      if (out.length >= req.limit) break;
    }
    return out;
  }

  /** Keys, best first; ties broken by key so answers are deterministic. */
  rank(req: RankRequest): string[] {
    const c = this.config;
    if (!(BUILT_IN_ALGORITHMS as readonly string[]).includes(req.algorithm)) throw new Error(`unknown algorithm \`${req.algorithm}\``);
    const windowMs = requestWindow(c, req.algorithm, req.named);
    switch (req.algorithm) {
      case "recentlyViewed":
        return this.latestKeys(req.profileId, "view", req.now, windowMs, c.recentItems);
      case "popular": {
        const kind: SignalKind = req.named["by"] === "views" ? "view" : "purchase";
        const category = req.named["category"];
        const counts = new Map<string, number>();
        for (const s of this.signals) {
          if (s.kind !== kind || !this.inWindow(s.at, req.now, windowMs)) continue;
          for (const k of s.keys) {
            if (category !== undefined && category !== null && this.items.get(k)?.[c.categoryField] !== category) continue;
            counts.set(k, (counts.get(k) ?? 0) + 1);
          }
        }
        return sortByScore(counts);
      }
      case "cartBased":
        return this.cooccurring(anchorsOf(req.args[0]), this.baskets(["cart", "purchase"]), req.now, windowMs);
      case "boughtTogether":
        return this.cooccurring(anchorsOf([req.args[0]]), this.baskets(["purchase"]), req.now, windowMs);
      default:
        return this.cooccurring(anchorsOf([req.args[0]]), this.sessions(), req.now, windowMs);
    }
  }

  /** Each cart or purchase signal is a basket: its first keys, in the bucket of its time. */
  private baskets(kinds: SignalKind[]): { at: number; keys: string[] }[] {
    return this.signals.filter((s) => kinds.includes(s.kind)).map((s) => ({ at: s.at, keys: s.keys.slice(0, this.config.maxGroupItems) }));
  }

  /**
   * A profile's views in one period of `sessionMs` form a session, dated at the period's
   * start. A view of a period earlier than the profile's latest session so far is left out.
   */
  private sessions(): { at: number; keys: string[] }[] {
    const { sessionMs, maxGroupItems } = this.config;
    const latest = new Map<string, number>();
    const sessions = new Map<string, { at: number; keys: string[] }>();
    for (const s of this.signals) {
      if (s.kind !== "view") continue;
      const idx = Math.floor(s.at / sessionMs);
      const last = latest.get(s.profileId);
      if (last !== undefined && idx < last) continue;
      latest.set(s.profileId, idx);
      const id = `${s.profileId}\u0000${idx}`;
      let g = sessions.get(id);
      if (!g) sessions.set(id, (g = { at: idx * sessionMs, keys: [] }));
      for (const k of s.keys) if (g.keys.length < maxGroupItems && !g.keys.includes(k)) g.keys.push(k);
    }
    return [...sessions.values()];
  }

  /** Σ over anchors of co-occurrences, over the square root of the item's own frequency. */
  private cooccurring(anchors: Set<string>, groups: { at: number; keys: string[] }[], now: number, windowMs: number): string[] {
    const frequency = new Map<string, number>();
    const co = new Map<string, number>();
    for (const g of groups) {
      if (!this.inWindow(g.at, now, windowMs)) continue;
      for (const k of g.keys) frequency.set(k, (frequency.get(k) ?? 0) + 1);
      const n = g.keys.filter((k) => anchors.has(k)).length;
      if (!n) continue;
      for (const k of g.keys) if (!anchors.has(k)) co.set(k, (co.get(k) ?? 0) + n);
    }
    const scores = new Map<string, number>();
    for (const [k, n] of co) scores.set(k, n / Math.sqrt(frequency.get(k)!));
    return sortByScore(scores);
  }
}

export function anchorsOf(v: unknown): Set<string> {
  return new Set((Array.isArray(v) ? v : []).filter((k) => k !== undefined && k !== null).map(String));
}

function sortByScore(scores: Map<string, number>): string[] {
  return [...scores].sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0])).map(([k]) => k);
}
