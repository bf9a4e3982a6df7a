/**
 * The one store interface. Every store (memory, SQLite, later PostgreSQL) passes the same
 * conformance suite (`conformance.ts`). A unit of work writes only in `commit`, one
 * transaction, so a profile's new state, its timer, the processed event ids and the effects
 * it produced are durable together or not at all. Journey versions and catalog items, which
 * no unit of work changes, have writes of their own.
 */
import type { DeployedJourney } from "../engine/program.js";
import type { Effect, ProfileState } from "../engine/state.js";
import type { CatalogItem, Signal } from "../recs/provider.js";

export interface CommitBatch {
  /** Full new state of every profile the batch changed. */
  profiles: ProfileState[];
  /** Each changed profile's next due time (`null`: nothing scheduled). */
  timers: { profileId: string; due: number | null }[];
  /** Event ids processed in this batch (a repeated id is ignored later). */
  events: string[];
  /** New effects, appended to the outbox in order, not yet dispatched. */
  effects: Effect[];
  /**
   * Outbox effects this batch is done with — carried out, or given up as undeliverable — which
   * leave the outbox; an effect of this same batch among them never enters it.
   */
  dispatched: string[];
  /**
   * Outbox effects whose delivery failed: each replaces the key's stored record (a key not in
   * the outbox, or in `dispatched`, is ignored). What a restart needs to go on counting.
   */
  failures?: DeliveryFailure[];
  /** Catalog signals of the batch's events, appended in order: the recommendation engine is rebuilt from them on start. */
  signals?: Signal[];
  /** Signals stamped before this time are no longer needed: the store may forget them (it keeps every later one). */
  pruneSignalsBefore?: number;
  /** Profiles deleted for good (see `ErasedProfile`), after the rest of the batch is written. */
  erased?: ErasedProfile[];
  /**
   * How the batch changes the live instances (see `InstanceCount`): each (journey, version,
   * node) once, with the change of its count (an erased profile's instances are removals). The
   * store adds them to the counts it keeps, in the same transaction as the rest of the batch.
   */
  instances?: InstanceCountChange[];
}

/**
 * Live journey instances of one version waiting at one node (an instance's `node`: where it
 * resumes): what a store keeps up to date at every commit, so that they are known without
 * reading every profile.
 */
export interface InstanceCount {
  journey: string;
  version: string;
  node: string;
  count: number;
}

/** A change to an `InstanceCount`: +n, instances came to the node (started, or moved there); −n, left it (moved on, ended, erased). */
export interface InstanceCountChange {
  journey: string;
  version: string;
  node: string;
  change: number;
}

/**
 * A profile deleted for good (a right-to-erasure request): its state and due time go, and so
 * do its effects still in the outbox (never delivered) with their failure records. Its stored
 * catalog signals stay, anonymous: under `alias` instead of the profile id, each event id
 * replaced by one `erasedEventIds` gives (the signals of one event keep one id), so that
 * recommendations learned from them are the same after a restart as before it, and nothing
 * stored names the person any more. Processed event ids stay (ids only): an event
 * sent again is still ignored.
 */
export interface ErasedProfile {
  profileId: string;
  alias: string;
}

/** The id an erased profile's signal takes for event id `eventId`: `<alias>:<n>`, n counting the profile's events in commit order from 1. */
export function erasedEventIds(alias: string): (eventId: string) => string {
  const ids = new Map<string, string>();
  return (eventId) => {
    let id = ids.get(eventId);
    if (id === undefined) ids.set(eventId, (id = `${alias}:${ids.size + 1}`));
    return id;
  };
}

/** How an outbox effect's delivery has failed so far: the runtime gives it up past a limit, counted from `firstFailedAt`. */
export interface DeliveryFailure {
  key: string;
  /** Attempts that failed (0: not attempted yet, held back while its channel was failing). */
  attempts: number;
  /** When it first failed, or was first held back (ms). */
  firstFailedAt: number;
}

/** A catalog item as a store keeps it: the item and its key (the catalog's key field, as text). */
export interface StoredItem {
  key: string;
  item: CatalogItem;
}

export interface Store {
  /** The caller owns the returned state: changing it never changes the store. */
  loadProfile(id: string): Promise<ProfileState | undefined>;
  /** A profile's state to read, not change (decisions): where the store keeps objects, its own, uncopied. */
  viewProfile(id: string): Promise<Readonly<ProfileState> | undefined>;
  /** Whether an event id was processed (within the store's retention of event ids). */
  hasEvent(id: string): Promise<boolean>;
  /** The store takes ownership of the states in the batch: the caller must not change them afterwards. */
  commit(batch: CommitBatch): Promise<void>;
  /** Profiles with a due time ≤ `now`, earliest first, ties by profile id. */
  dueProfiles(now: number, limit: number): Promise<string[]>;
  /** The earliest due time of any profile. */
  nextDue(): Promise<number | undefined>;
  /**
   * Ids of stored profiles after `after` (from the first when undefined), in id order, at most
   * `limit`: a pass over every profile in pages (a redeploy re-arming schedules).
   */
  profileIds(after: string | undefined, limit: number): Promise<string[]>;
  /**
   * Effects of dispatched kinds not yet marked dispatched, in the order they were committed:
   * those after position `after` (0: from the first), at most `limit`; `next` is the position
   * to continue from (`after` itself when the page is empty). Positions follow commit order and
   * are the store's own: a pass page by page reaches every effect pending when it began and
   * still pending, whatever was dispatched meanwhile (an effect committed during the pass may
   * be left to the next one).
   */
  pendingEffects(after: number, limit: number): Promise<{ effects: Effect[]; next: number }>;
  /** The failure records (`CommitBatch.failures`) of effects still in the outbox, in commit order. */
  deliveryFailures(): Promise<DeliveryFailure[]>;
  /**
   * Stored signals after position `after` (0: from the first), in commit order, at most
   * `limit`; `next` is the position to continue from.
   */
  loadSignals(after: number, limit: number): Promise<{ signals: Signal[]; next: number }>;
  /**
   * Add or replace catalog items by key, all of them or (on a failure) none; a key given twice
   * keeps the last. The store keeps what it is given: the runtime checks items first.
   */
  saveItems(items: StoredItem[]): Promise<void>;
  /** Remove the items of these keys; resolves to those of them it held, in the order given, each once. */
  removeItems(keys: string[]): Promise<string[]>;
  /** Stored items with keys after `after` (from the first when undefined), in key order, at most `limit`. */
  loadItems(after: string | undefined, limit: number): Promise<StoredItem[]>;
  /**
   * The live instances, as the commits' `instances` changes leave them: those at a count of
   * 0 are not listed; in order of journey, version, then node.
   */
  instanceCounts(): Promise<InstanceCount[]>;
  /** Journey versions deployed so far (instances keep the version they started on). */
  saveVersions(journeys: DeployedJourney[]): Promise<void>;
  loadVersions(): Promise<DeployedJourney[]>;
  /** Settles once every commit already issued is durable. */
  close(): Promise<void>;
}

/** Instance counts in the order `Store.instanceCounts` gives them. */
export function byInstancePlace(a: InstanceCount, b: InstanceCount): number {
  return compare(a.journey, b.journey) || compare(a.version, b.version) || compare(a.node, b.node);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptyBatch(): CommitBatch {
  return { profiles: [], timers: [], events: [], effects: [], dispatched: [] };
}
