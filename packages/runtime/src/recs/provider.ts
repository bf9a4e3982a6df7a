/** Recommendation providers: the built-in catalog engine and any provider registered by name. */
export type CatalogItem = Record<string, unknown>;

export interface ProviderRequest {
  algorithm: string;
  args: unknown[];
  named: Record<string, unknown>;
  profileId: string;
  /** How many items are wanted (a provider may return more; the runtime filters and cuts). */
  limit: number;
  now: number;
  signal: AbortSignal;
}

export interface RecommendationProvider {
  recommend(request: ProviderRequest): Promise<CatalogItem[]>;
}

export type SignalKind = "view" | "cart" | "purchase";

export interface Signal {
  profileId: string;
  kind: SignalKind;
  keys: string[];
  at: number;
  /** The event the signal came from: keys of one event co-occur. */
  eventId: string;
}

/** The built-in engine: it keeps the catalog and learns from the signals events carry. */
export interface CatalogEngine extends RecommendationProvider {
  readonly keyField: string;
  upsertItems(items: CatalogItem[]): void;
  removeItems(keys: string[]): void;
  item(key: string): CatalogItem | undefined;
  recordSignal(signal: Signal): void;
  /** Keys this profile viewed, carted or purchased (for `exclude viewed, inCart, purchased`). */
  profileKeys(profileId: string, kind: SignalKind): Set<string>;
}
