/** Recommendation providers: the built-in catalog engine and any provider registered by name. */
import type { UpsertResult } from "./items.js";

export type CatalogItem = Record<string, unknown>;

/** What the built-in catalog engine is asked: it answers in-process, synchronously. */
export interface CatalogRequest {
  algorithm: string;
  args: unknown[];
  named: Record<string, unknown>;
  profileId: string;
  /** How many items are wanted (a provider may return more; the runtime filters and cuts). */
  limit: number;
  now: number;
}

/** What a named provider is asked: it may be remote, so it gets the runtime's deadline as a signal. */
export interface ProviderRequest extends CatalogRequest {
  signal: AbortSignal;
  /** The runtime's catalog engine, if any: a provider that answers with keys looks the items up here. */
  catalog?: CatalogEngine;
}

export interface RecommendationProvider {
  recommend(request: ProviderRequest): Promise<ProviderAnswer>;
}

/**
 * A provider's answer: catalog items or their keys, as a list or `{ items: [...] }`; each is
 * looked up in the catalog (see `providerItems`), so what a journey gets is what it validated.
 */
export type ProviderAnswer = readonly (CatalogItem | string | number)[] | { items: readonly (CatalogItem | string | number)[] };

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
export interface CatalogEngine {
  readonly keyField: string;
  /** Items for a built-in algorithm, best first. Synchronous: the engine is in-process (a remote engine is a `provider`). */
  recommend(request: CatalogRequest): CatalogItem[];
  /** Add or replace items by key. The built-in engines check them against the catalog declaration and leave out (and report) invalid ones. */
  upsertItems(items: CatalogItem[]): UpsertResult | void;
  removeItems(keys: string[]): void;
  item(key: string): CatalogItem | undefined;
  recordSignal(signal: Signal): void;
  /**
   * Keys this profile viewed, carted or purchased (for `exclude viewed, inCart, purchased`),
   * as of `now` (default: the latest signal).
   */
  profileKeys(profileId: string, kind: SignalKind, now?: number): Set<string>;
  /** Signals stamped before this time no longer change any answer: the store may forget them. */
  signalsNeededSince?(): number | undefined;
  /**
   * The profile was deleted: what the engine keeps of it is `alias`'s from now on (as the
   * store keeps its signals, so a restart learns the same), and nothing is kept under its id.
   */
  forgetProfile?(profileId: string, alias: string): void;
}
