/** The in-memory store: the reference for the conformance suite, and the store of tests and `journey test`. */
import { cloneState, DISPATCHED, type Effect, type ProfileState } from "../engine/state.js";
import { DueHeap } from "./due-heap.js";
import type { Signal } from "../recs/provider.js";
import type { CommitBatch, Store } from "./store.js";
import type { DeployedJourney } from "../engine/program.js";

export class MemoryStore implements Store {
  private readonly profiles = new Map<string, ProfileState>();
  private readonly timers = new DueHeap();
  private readonly events = new Set<string>();
  /**
   * Pending effects by key, in commit order (a Map keeps insertion order). A dispatched one is
   * deleted at once, as the SQLite store deletes its row: rendered messages are large, and
   * kept any longer they outlive the young generation and burden the collector.
   */
  private readonly outbox = new Map<string, Effect>();
  private readonly versions = new Map<string, DeployedJourney>();
  /** Signals in commit order; `signalSeq[i]` is the position of `signals[i]`. */
  private signals: Signal[] = [];
  private signalSeq: number[] = [];
  private lastSignalSeq = 0;

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
    const signals = (batch.signals ?? []).map(copySignal);
    // The store owns committed states (see Store.commit): kept as they are, copied on load.
    for (const [id, p] of profiles) this.profiles.set(id, p);
    for (const t of batch.timers) this.timers.set(t.profileId, t.due);
    for (const e of batch.events) this.events.add(e);
    // A key already waiting in the outbox is one effect, as in every store.
    for (const e of batch.effects) if (DISPATCHED.has(e.type) && !this.outbox.has(e.key)) this.outbox.set(e.key, e);
    for (const k of batch.dispatched) this.outbox.delete(k);
    for (const s of signals) {
      this.signals.push(s);
      this.signalSeq.push(++this.lastSignalSeq);
    }
    if (batch.pruneSignalsBefore !== undefined) this.pruneSignals(batch.pruneSignalsBefore);
  }

  /** Like the SQLite store: the oldest signals go, up to the first one still needed. */
  private pruneSignals(before: number): void {
    let n = 0;
    while (n < this.signals.length && this.signals[n]!.at < before) n++;
    if (!n) return;
    this.signals.splice(0, n);
    this.signalSeq.splice(0, n);
  }

  async loadSignals(after: number, limit: number): Promise<{ signals: Signal[]; next: number }> {
    let lo = 0;
    let hi = this.signalSeq.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.signalSeq[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    const n = Number.isNaN(limit) || limit <= 0 ? 0 : Math.min(limit, this.signals.length - lo);
    const signals = this.signals.slice(lo, lo + n).map(copySignal);
    return { signals, next: n ? this.signalSeq[lo + n - 1]! : after };
  }

  async dueProfiles(now: number, limit: number): Promise<string[]> {
    return this.timers.due(now, limit);
  }

  async nextDue(): Promise<number | undefined> {
    return this.timers.peek();
  }

  async pendingEffects(limit: number): Promise<Effect[]> {
    const pending: Effect[] = [];
    for (const e of this.outbox.values()) {
      if (pending.length >= limit) break;
      pending.push(e);
    }
    return pending;
  }

  async saveVersions(journeys: DeployedJourney[]): Promise<void> {
    for (const j of journeys) this.versions.set(j.version, j);
  }

  async loadVersions(): Promise<DeployedJourney[]> {
    return [...this.versions.values()];
  }

  async close(): Promise<void> {}
}

function copySignal(s: Signal): Signal {
  return { profileId: s.profileId, kind: s.kind, keys: [...s.keys], at: s.at, eventId: s.eventId };
}
