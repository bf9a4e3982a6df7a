/** The in-memory store: the reference for the conformance suite, and the store of tests and `journey test`. */
import type { IRJourney } from "@journey/ir";
import { DISPATCHED, type Effect, type ProfileState } from "../engine/state.js";
import type { CommitBatch, Store } from "./store.js";

export class MemoryStore implements Store {
  private readonly profiles = new Map<string, string>();
  private readonly timers = new Map<string, number>();
  private readonly events = new Set<string>();
  private readonly outbox: Effect[] = [];
  private readonly dispatched = new Set<string>();
  private readonly versions = new Map<string, IRJourney>();

  async loadProfile(id: string): Promise<ProfileState | undefined> {
    const s = this.profiles.get(id);
    // Stored as JSON so a caller never shares objects with the store, as with a real database.
    return s === undefined ? undefined : (JSON.parse(s) as ProfileState);
  }

  async hasEvent(id: string): Promise<boolean> {
    return this.events.has(id);
  }

  async commit(batch: CommitBatch): Promise<void> {
    for (const p of batch.profiles) this.profiles.set(p.id, JSON.stringify(p));
    for (const t of batch.timers) {
      if (t.due === null) this.timers.delete(t.profileId);
      else this.timers.set(t.profileId, t.due);
    }
    for (const e of batch.events) this.events.add(e);
    for (const e of batch.effects) if (DISPATCHED.has(e.type)) this.outbox.push(e);
    for (const k of batch.dispatched) this.dispatched.add(k);
    if (this.dispatched.size > 1024) this.compact();
  }

  /** Dispatched effects are done: drop them from the outbox. */
  private compact(): void {
    const keep = this.outbox.filter((e) => !this.dispatched.has(e.key));
    this.outbox.length = 0;
    this.outbox.push(...keep);
    this.dispatched.clear();
  }

  async dueProfiles(now: number, limit: number): Promise<string[]> {
    return [...this.timers]
      .filter(([, due]) => due <= now)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([id]) => id);
  }

  async nextDue(): Promise<number | undefined> {
    let min: number | undefined;
    for (const d of this.timers.values()) if (min === undefined || d < min) min = d;
    return min;
  }

  async pendingEffects(limit: number): Promise<Effect[]> {
    return this.outbox.filter((e) => !this.dispatched.has(e.key)).slice(0, limit);
  }

  async saveVersions(journeys: IRJourney[]): Promise<void> {
    for (const j of journeys) this.versions.set(j.version, j);
  }

  async loadVersions(): Promise<IRJourney[]> {
    return [...this.versions.values()];
  }

  async close(): Promise<void> {}
}
