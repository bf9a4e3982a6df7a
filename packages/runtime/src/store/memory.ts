/** The in-memory store: the reference for the conformance suite, and the store of tests and `journey test`. */
import { cloneState, DISPATCHED, type Effect, type ProfileState } from "../engine/state.js";
import { DueHeap } from "./due-heap.js";
import type { CatalogItem, Signal, SignalKind } from "../recs/provider.js";
import { byInstancePlace, erasedEventIds, type CommitBatch, type DeliveryFailure, type InstanceCount, type Store, type StoredItem } from "./store.js";
import type { DeployedJourney } from "../engine/program.js";

export class MemoryStore implements Store {
  private readonly profiles = new Map<string, ProfileState>();
  private readonly timers = new DueHeap();
  private readonly events = new Set<string>();
  private readonly outbox = new Outbox();
  /** Failure records of outbox effects, by key: they go with their effect. */
  private readonly failures = new Map<string, DeliveryFailure>();
  private readonly versions = new Map<string, DeployedJourney>();
  private readonly signals = new SignalLog();
  /** Profile ids in order, for `profileIds`; dropped when a commit adds a profile. */
  private sortedIds?: string[];
  private readonly items = new Map<string, CatalogItem>();
  /** Item keys in order, for `loadItems`; dropped when a key is added or removed. */
  private sortedKeys?: string[];
  /** Live instances by `journey NUL version NUL node`. */
  private readonly instances = new Map<string, InstanceCount>();

  async loadProfile(id: string): Promise<ProfileState | undefined> {
    const s = this.profiles.get(id);
    // Copies in and out: a caller never shares mutable objects with the store, as with a real database.
    return s === undefined ? undefined : cloneState(s);
  }

  async viewProfile(id: string): Promise<Readonly<ProfileState> | undefined> {
    return this.profiles.get(id);
  }

  async hasEvent(id: string): Promise<boolean> {
    return this.events.has(id);
  }

  async commit(batch: CommitBatch): Promise<void> {
    // Everything that can fail is read before anything is written: all of the batch or none.
    const profiles = batch.profiles.map((p) => [p.id, p] as const);
    const signals = (batch.signals ?? []).map((s) => [s, SignalLog.keysOf(s)] as const);
    const failures = (batch.failures ?? []).map((f): DeliveryFailure => ({ key: f.key, attempts: f.attempts, firstFailedAt: f.firstFailedAt }));
    const instances = (batch.instances ?? []).map(({ journey, version, node, change }) => ({ key: `${journey}\u0000${version}\u0000${node}`, journey, version, node, change }));
    // The store owns committed states (see Store.commit): kept as they are, copied on load.
    for (const [id, p] of profiles) {
      if (!this.profiles.has(id)) this.sortedIds = undefined;
      this.profiles.set(id, p);
    }
    for (const t of batch.timers) this.timers.set(t.profileId, t.due);
    for (const e of batch.events) this.events.add(e);
    // A key already waiting in the outbox is one effect, as in every store.
    for (const e of batch.effects) if (DISPATCHED.has(e.type) && !this.outbox.has(e.key)) this.outbox.add(e);
    for (const f of failures) if (this.outbox.has(f.key)) this.failures.set(f.key, f);
    for (const k of batch.dispatched) {
      this.outbox.delete(k);
      this.failures.delete(k);
    }
    for (const [s, keys] of signals) this.signals.push(s, keys);
    for (const { key, journey, version, node, change } of instances) {
      const count = (this.instances.get(key)?.count ?? 0) + change;
      if (count === 0) this.instances.delete(key);
      else this.instances.set(key, { journey, version, node, count });
    }
    if (batch.pruneSignalsBefore !== undefined) this.signals.pruneBefore(batch.pruneSignalsBefore);
    for (const { profileId, alias } of batch.erased ?? []) {
      if (this.profiles.delete(profileId)) this.sortedIds = undefined;
      this.timers.set(profileId, null);
      for (const key of this.outbox.keysOf(profileId)) {
        this.outbox.delete(key);
        this.failures.delete(key);
      }
      this.signals.rename(profileId, alias);
    }
  }

  async loadSignals(after: number, limit: number): Promise<{ signals: Signal[]; next: number }> {
    return this.signals.read(after, limit);
  }

  async dueProfiles(now: number, limit: number): Promise<string[]> {
    return this.timers.due(now, limit);
  }

  async nextDue(): Promise<number | undefined> {
    return this.timers.peek();
  }

  async profileIds(after: string | undefined, limit: number): Promise<string[]> {
    const ids = (this.sortedIds ??= sorted(this.profiles.keys()));
    return pageAfter(ids, after, limit);
  }

  async pendingEffects(after: number, limit: number): Promise<{ effects: Effect[]; next: number }> {
    return this.outbox.page(after, limit);
  }

  async deliveryFailures(): Promise<DeliveryFailure[]> {
    const out: DeliveryFailure[] = [];
    for (const key of this.outbox.keys()) {
      const f = this.failures.get(key);
      if (f) out.push({ ...f });
    }
    return out;
  }

  async saveItems(items: StoredItem[]): Promise<void> {
    // Copied in, all before any is kept (a copy that fails keeps none), and out on load: as a database would.
    const copies = items.map(({ key, item }) => [key, structuredClone(item)] as const);
    for (const [key, item] of copies) {
      if (!this.items.has(key)) this.sortedKeys = undefined;
      this.items.set(key, item);
    }
  }

  async removeItems(keys: string[]): Promise<string[]> {
    const removed: string[] = [];
    for (const key of keys) {
      if (!this.items.delete(key)) continue;
      removed.push(key);
      this.sortedKeys = undefined;
    }
    return removed;
  }

  async loadItems(after: string | undefined, limit: number): Promise<StoredItem[]> {
    const keys = (this.sortedKeys ??= sorted(this.items.keys()));
    return pageAfter(keys, after, limit).map((key) => ({ key, item: structuredClone(this.items.get(key)!) }));
  }

  async instanceCounts(): Promise<InstanceCount[]> {
    return [...this.instances.values()].map((c) => ({ ...c })).sort(byInstancePlace);
  }

  async saveVersions(journeys: DeployedJourney[]): Promise<void> {
    for (const j of journeys) this.versions.set(j.version, j);
  }

  async loadVersions(): Promise<DeployedJourney[]> {
    return [...this.versions.values()];
  }

  async close(): Promise<void> {}
}

/**
 * Pending effects in commit order, each at its position (`seq`: 1, 2, …, never reused), so a
 * page after a position is found by binary search. A dispatched effect is dropped at once, as
 * the SQLite store deletes its row (rendered messages are large, and kept any longer they
 * outlive the young generation and burden the collector); its emptied slot is swept out with
 * the others once they are half the list.
 */
class Outbox {
  private readonly byKey = new Map<string, { seq: number; effect?: Effect }>();
  private slots: { seq: number; effect?: Effect }[] = [];
  private emptied = 0;
  private seq = 0;

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  add(effect: Effect): void {
    const slot = { seq: ++this.seq, effect };
    this.byKey.set(effect.key, slot);
    this.slots.push(slot);
  }

  delete(key: string): void {
    const slot = this.byKey.get(key);
    if (!slot) return;
    this.byKey.delete(key);
    slot.effect = undefined;
    if (++this.emptied * 2 > this.slots.length) {
      this.slots = this.slots.filter((s) => s.effect);
      this.emptied = 0;
    }
  }

  /** The keys pending, in commit order. */
  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** The keys of one profile's pending effects (an erasure). */
  keysOf(profileId: string): string[] {
    const keys: string[] = [];
    for (const [key, slot] of this.byKey) if (slot.effect!.profileId === profileId) keys.push(key);
    return keys;
  }

  page(after: number, limit: number): { effects: Effect[]; next: number } {
    const lo = firstAfter(this.slots.length, (i) => this.slots[i]!.seq <= after);
    const effects: Effect[] = [];
    let next = after;
    for (let i = lo; i < this.slots.length && effects.length < limit; i++) {
      const { seq, effect } = this.slots[i]!;
      if (!effect) continue;
      effects.push(effect);
      next = seq;
    }
    return { effects, next };
  }
}

function sorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Of keys in order, at most `limit` after `after` (from the first when undefined). */
function pageAfter(keys: string[], after: string | undefined, limit: number): string[] {
  const lo = after === undefined ? 0 : firstAfter(keys.length, (i) => keys[i]! <= after);
  return keys.slice(lo, lo + Math.max(0, limit));
}

/**
 * In a list in order, the first position past the entries `atOrBefore` holds for (they all
 * come first), by binary search: a pass reads page after page without scanning the list.
 */
function firstAfter(length: number, atOrBefore: (i: number) => boolean): number {
  let lo = 0;
  for (let hi = length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (atOrBefore(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Signals in commit order, a column per field: one object per signal (with its list of keys
 * and its boxed time) costs ~200 bytes, these columns ~60. A store keeps a signal per
 * catalog event for as long as the catalog engine may need it, which can be every event.
 */
class SignalLog {
  private readonly profileIds: string[] = [];
  private readonly kinds: SignalKind[] = [];
  /** A signal's keys as one string, joined by SEPARATOR; a list when there are none or a key holds it. */
  private readonly keys: (string | string[])[] = [];
  private readonly at: number[] = [];
  private readonly eventIds: string[] = [];
  /** The position in the log of signal 0 here (positions count the pruned ones; the first is 1). */
  private first = 1;

  /** A signal's keys as the log keeps them (a copy: the caller owns its list). */
  static keysOf(s: Signal): string | string[] {
    return s.keys.length === 0 || s.keys.some((k) => k.includes(SEPARATOR)) ? [...s.keys] : s.keys.join(SEPARATOR);
  }

  push(s: Signal, keys: string | string[]): void {
    this.profileIds.push(s.profileId);
    this.kinds.push(s.kind);
    this.keys.push(keys);
    this.at.push(s.at);
    this.eventIds.push(s.eventId);
  }

  /** Like the SQLite store: the oldest signals go, up to the first one still needed. */
  pruneBefore(before: number): void {
    let n = 0;
    while (n < this.at.length && this.at[n]! < before) n++;
    if (!n) return;
    for (const column of [this.profileIds, this.kinds, this.keys, this.at, this.eventIds]) column.splice(0, n);
    this.first += n;
  }

  /** An erased profile's signals become `alias`'s, their event ids anonymous (see `ErasedProfile`). */
  rename(profileId: string, alias: string): void {
    const eventId = erasedEventIds(alias);
    for (let i = 0; i < this.profileIds.length; i++) {
      if (this.profileIds[i] !== profileId) continue;
      this.profileIds[i] = alias;
      this.eventIds[i] = eventId(this.eventIds[i]!);
    }
  }

  /** Up to `limit` signals after position `after`, as new objects (the caller owns them). */
  read(after: number, limit: number): { signals: Signal[]; next: number } {
    const from = Math.max(0, Math.min(after - this.first + 1, this.at.length)) || 0;
    const n = Number.isNaN(limit) || limit <= 0 ? 0 : Math.min(limit, this.at.length - from);
    const signals: Signal[] = [];
    for (let i = from; i < from + n; i++) {
      const keys = this.keys[i]!;
      signals.push({ profileId: this.profileIds[i]!, kind: this.kinds[i]!, keys: typeof keys === "string" ? keys.split(SEPARATOR) : [...keys], at: this.at[i]!, eventId: this.eventIds[i]! });
    }
    return { signals, next: n ? this.first + from + n - 1 : after };
  }
}

/** Between the keys of a signal in the log: a character catalog keys do not hold (see `keysOf`). */
const SEPARATOR = "\u0000";
