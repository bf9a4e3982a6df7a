/**
 * The built-in catalog engine, computed directly from the signal log: every algorithm scans
 * the signals in its window. It is exact and simple, the reference the faster incremental
 * engine is checked against, and fast enough for simulations and small shops.
 */
import type { CatalogEngine, CatalogItem, ProviderRequest, Signal, SignalKind } from "./provider.js";

const DAY = 86_400_000;
/** How far back co-occurrence algorithms look unless told otherwise. */
export const DEFAULT_LOOKBACK_MS = 30 * DAY;
/** `popular()` counts the last week unless told otherwise. */
export const DEFAULT_POPULAR_WINDOW_MS = 7 * DAY;

export class ScanCatalogEngine implements CatalogEngine {
  private readonly items = new Map<string, CatalogItem>();
  private readonly signals: Signal[] = [];

  constructor(
    readonly keyField: string,
    private readonly lookbackMs = DEFAULT_LOOKBACK_MS,
  ) {}

  upsertItems(items: CatalogItem[]): void {
    for (const item of items) this.items.set(String(item[this.keyField]), item);
  }

  removeItems(keys: string[]): void {
    for (const k of keys) this.items.delete(k);
  }

  item(key: string): CatalogItem | undefined {
    return this.items.get(key);
  }

  recordSignal(signal: Signal): void {
    this.signals.push(signal);
  }

  /** Viewed and purchased: every key this profile ever had; in cart: its latest cart only. */
  profileKeys(profileId: string, kind: SignalKind): Set<string> {
    const out = new Set<string>();
    for (let i = this.signals.length - 1; i >= 0; i--) {
      const s = this.signals[i]!;
      if (s.profileId !== profileId || s.kind !== kind) continue;
      for (const k of s.keys) out.add(k);
      if (kind === "cart") break;
    }
    return out;
  }

  async recommend(req: ProviderRequest): Promise<CatalogItem[]> {
    const keys = this.rank(req);
    const out: CatalogItem[] = [];
    for (const k of keys) {
      const item = this.items.get(k);
      if (item) out.push(item);
      if (out.length >= req.limit) break;
    }
    return out;
  }

  /** Keys, best first; ties broken by key so answers are deterministic. */
  rank(req: Pick<ProviderRequest, "algorithm" | "args" | "named" | "profileId" | "now">): string[] {
    const windowMs = typeof req.named["window"] === "number" ? (req.named["window"] as number) : undefined;
    switch (req.algorithm) {
      case "recentlyViewed": {
        const seen = new Set<string>();
        const out: string[] = [];
        for (let i = this.signals.length - 1; i >= 0; i--) {
          const s = this.signals[i]!;
          if (s.profileId !== req.profileId || s.kind !== "view" || req.now - s.at > (windowMs ?? this.lookbackMs)) continue;
          for (const k of s.keys) if (!seen.has(k)) (seen.add(k), out.push(k));
        }
        return out;
      }
      case "popular": {
        const kind: SignalKind = req.named["by"] === "views" ? "view" : "purchase";
        const category = req.named["category"];
        const counts = new Map<string, number>();
        for (const s of this.inWindow(req.now, windowMs ?? DEFAULT_POPULAR_WINDOW_MS)) {
          if (s.kind !== kind) continue;
          for (const k of s.keys) {
            if (typeof category === "string" && this.items.get(k)?.["category"] !== category) continue;
            counts.set(k, (counts.get(k) ?? 0) + 1);
          }
        }
        return sortByScore(counts);
      }
      case "cartBased":
        return this.cooccurring(new Set((req.args[0] as unknown[] | undefined ?? []).map(String)), ["cart", "purchase"], "event", req.now, windowMs);
      case "boughtTogether":
        return this.cooccurring(new Set([String(req.args[0])]), ["purchase"], "event", req.now, windowMs);
      case "viewedTogether":
        return this.cooccurring(new Set([String(req.args[0])]), ["view"], "profile", req.now, windowMs);
    }
    throw new Error(`unknown algorithm \`${req.algorithm}\``);
  }

  private inWindow(now: number, windowMs: number): Signal[] {
    return this.signals.filter((s) => s.at <= now && now - s.at <= windowMs);
  }

  /**
   * Items that occur with `anchors` in the same basket (`event`) or the same profile's
   * history (`profile`), scored by co-occurrence divided by the square root of the item's
   * own frequency, so best-sellers do not top every list.
   */
  private cooccurring(anchors: Set<string>, kinds: SignalKind[], by: "event" | "profile", now: number, windowMs?: number): string[] {
    const groups = new Map<string, Set<string>>();
    const frequency = new Map<string, number>();
    for (const s of this.inWindow(now, windowMs ?? this.lookbackMs)) {
      if (!kinds.includes(s.kind)) continue;
      const g = by === "event" ? s.eventId : s.profileId;
      let set = groups.get(g);
      if (!set) groups.set(g, (set = new Set()));
      for (const k of s.keys) set.add(k);
    }
    for (const set of groups.values()) for (const k of set) frequency.set(k, (frequency.get(k) ?? 0) + 1);
    const co = new Map<string, number>();
    for (const set of groups.values()) {
      if (![...anchors].some((a) => set.has(a))) continue;
      for (const k of set) if (!anchors.has(k)) co.set(k, (co.get(k) ?? 0) + 1);
    }
    const scores = new Map<string, number>();
    for (const [k, c] of co) scores.set(k, c / Math.sqrt(frequency.get(k)!));
    return sortByScore(scores);
  }
}

function sortByScore(scores: Map<string, number>): string[] {
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}
