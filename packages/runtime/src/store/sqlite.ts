/**
 * The SQLite store: one file, owned by one process, on better-sqlite3 (see docs/storage.md).
 *
 * Every write happens in `commit`, inside one SQLite transaction. Commits issued in the same
 * tick (several callers not awaiting each other) are coalesced into one transaction, each
 * batch in its own savepoint: a batch that fails rolls back alone, and every caller's promise
 * settles only once the shared transaction has committed.
 */
import Database from "better-sqlite3";
import { cloneState, DISPATCHED, type Effect, type ProfileState } from "../engine/state.js";
import type { CatalogItem, Signal, SignalKind } from "../recs/provider.js";
import { byInstancePlace, erasedEventIds, type CommitBatch, type DeliveryFailure, type ErasedProfile, type InstanceCount, type Store, type StoredItem } from "./store.js";
import type { DeployedJourney } from "../engine/program.js";

/** The schema this code writes. A file with a newer version is refused; an older one is migrated. */
export const SQLITE_SCHEMA_VERSION = 5;

export interface EventRetention {
  /** Keep at most this many processed event ids (the most recent ones). */
  maxCount?: number;
  /** Forget processed event ids older than this (measured by the store's clock at commit). */
  maxAgeMs?: number;
}

export interface SqliteStoreOptions {
  /**
   * `"normal"` (default): in WAL mode a commit is not fsynced; it survives a crash of the
   * process but the last commits may be lost on a power failure or OS crash (the file stays
   * consistent). `"full"`: every commit fsyncs the WAL before it resolves.
   */
  synchronous?: "normal" | "full";
  /**
   * How long processed event ids are remembered for de-duplication; pruned inside `commit`.
   * Default: 30 days. `null`: forever (the table grows without bound).
   */
  eventRetention?: EventRetention | null;
  /** Coalesce commits issued in the same tick into one transaction (default `true`). */
  groupCommit?: boolean;
  /** How long to wait for another process to release the file before failing (default 2000 ms). */
  lockTimeoutMs?: number;
  /** The clock stamped on processed events for age-based retention (default `Date.now`). */
  now?: () => number;
  /**
   * Profile states kept in memory after they are committed, the most recently used (default
   * 100,000; 0: none). A state loaded from the cache is a copy, as from the file, without
   * reading or parsing a row: the process owns the file, so nothing else changes it.
   */
  cachedProfiles?: number;
  /** SQLite's page cache, in MiB (default 64; SQLite's own default is 2). */
  pageCacheMiB?: number;
}

/** Thrown when another process (or another store in this process) already owns the file. */
export class StoreLockedError extends Error {
  constructor(readonly path: string) {
    super(`SQLite store \`${path}\` is in use by another process (or another store in this process): one process owns a SQLite store file; stop the other one or use another file`);
    this.name = "StoreLockedError";
  }
}

/** Thrown when the file was written by a newer runtime. */
export class SchemaVersionError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(`SQLite store \`${path}\` has schema version ${found}, newer than this runtime supports (${supported}); upgrade @journey/runtime to open it`);
    this.name = "SchemaVersionError";
  }
}

export const DEFAULT_EVENT_RETENTION: EventRetention = { maxAgeMs: 30 * 24 * 60 * 60 * 1000 };

/** WAL pages (4 KB each) between automatic checkpoints. */
const WAL_CHECKPOINT_PAGES = 10_000;

/** Rows pruned per commit at least (more when a commit inserts more events), so pruning keeps up but never stalls one commit. */
const PRUNE_CHUNK = 1000;

/** A batch as rows: serialised when `commit` is called, written when the group is flushed. */
interface Rows {
  /** A state, with its new due time when the batch sets one (`undefined`: the stored due time stays). */
  profiles: [id: string, state: string, due: number | null | undefined][];
  /** Due times of profiles whose state the batch does not carry. */
  timers: { profileId: string; due: number | null }[];
  events: string[];
  effects: [key: string, effect: string][];
  failures: [key: string, attempts: number, firstFailedAt: number][];
  dispatched: string[];
  signals: [at: number, profileId: string, kind: string, keys: string, eventId: string][];
  pruneSignalsBefore?: number;
  erased: ErasedProfile[];
  instances: [journey: string, version: string, node: string, change: number][];
}

interface Pending {
  rows: Rows;
  /** The batch's states, owned by the store: cached once the batch is durable. */
  states: ProfileState[];
  resolve: () => void;
  reject: (e: unknown) => void;
  error?: unknown;
}

/**
 * Rowids only grow: a new row gets max(rowid) + 1, and only the oldest rows are ever deleted
 * (dispatched effects are removed in any order, but a later row still gets a higher seq than
 * every row left). So `events` is in insertion order by rowid, and pruning walks it from the
 * oldest end with no index on `at`; and `outbox.seq` is commit order without AUTOINCREMENT
 * (which would write `sqlite_sequence` on every commit). Each index costs a page write per
 * commit: a single-profile commit wrote about 5 pages to the WAL, against 7 with an index on
 * `events.at` and AUTOINCREMENT (schema version 1). NOT NULL on the text primary keys: SQLite otherwise accepts
 * NULL in them.
 *
 * A profile's due time is a column of its row (schema version 2), not a row of its own: a
 * change rewrites one row instead of two: a single-profile commit that also writes a message
 * and deletes the one before writes 7 pages instead of 8. `state` is NULL for
 * a profile with a due time but no state (the interface allows it; the engine never does it).
 */
const PROFILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS profiles (id TEXT NOT NULL PRIMARY KEY, state TEXT, due INTEGER);
CREATE INDEX IF NOT EXISTS profiles_due ON profiles (due, id) WHERE due IS NOT NULL;
`;

/**
 * Catalog items by key (schema version 3). A version of its own, unlike `signals`: a runtime
 * that did not know the table would run on the file without the catalog it holds (its
 * recommendations quietly missing every item added through the API), so it must refuse it.
 */
const ITEMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_items (key TEXT NOT NULL PRIMARY KEY, item TEXT NOT NULL);
`;

/**
 * How each outbox effect's delivery has failed so far (schema version 4): columns of its row,
 * updated in place, so a failure costs no row and no index of its own, and goes with the row.
 * A version of its own: a runtime that did not know them would start every give-up clock anew.
 */
const OUTBOX_FAILURE_COLUMNS = `
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN first_failed_at INTEGER;
`;

/**
 * Live instances by (journey, version, node) (schema version 5), changed by each commit with
 * the profiles that moved them: a few rows, and a page rewritten per commit that moves an
 * instance. A version of its own: a runtime that did not know the table would commit without
 * changing it, and the counts would be wrong from then on.
 */
const INSTANCES_SCHEMA = `
CREATE TABLE IF NOT EXISTS instance_counts (journey TEXT NOT NULL, version TEXT NOT NULL, node TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (journey, version, node)) WITHOUT ROWID;
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
${PROFILES_SCHEMA}
CREATE TABLE IF NOT EXISTS events (id TEXT NOT NULL PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, effect TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, first_failed_at INTEGER);
CREATE TABLE IF NOT EXISTS versions (version TEXT NOT NULL PRIMARY KEY, journey TEXT NOT NULL);
${ITEMS_SCHEMA}
${INSTANCES_SCHEMA}
`;

/**
 * Catalog signals, in commit order (seq), for the recommendation engine to be rebuilt on
 * start; pruned from the oldest end like `events`. Added without a schema version change:
 * created on open when missing, and a runtime that does not know it leaves it alone.
 */
const SIGNALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS signals (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, profile_id TEXT NOT NULL, kind TEXT NOT NULL, keys TEXT NOT NULL, event_id TEXT NOT NULL);
`;

/** SQLite's LIMIT: a negative value means "no limit", so clamp, and map "huge" to -1. */
function sqlLimit(limit: number): number {
  if (Number.isNaN(limit) || limit <= 0) return 0;
  return limit >= Number.MAX_SAFE_INTEGER ? -1 : Math.floor(limit);
}

export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly groupCommit: boolean;
  private readonly retention: EventRetention | null;
  private readonly now: () => number;
  private queue: Pending[] = [];
  /** Committed states by profile id, least recently used first (a Map keeps insertion order). */
  private readonly cache = new Map<string, ProfileState>();
  private readonly cacheLimit: number;
  private closed = false;
  private transactions = 0;

  private readonly stmt: {
    loadProfile: Database.Statement<[string], string | null>;
    hasEvent: Database.Statement<[string], number>;
    putProfile: Database.Statement<[string, string]>;
    putProfileAndDue: Database.Statement<[string, string, number | null]>;
    putDue: Database.Statement<[string, number]>;
    clearDue: Database.Statement<[string]>;
    dropEmpty: Database.Statement<[string]>;
    putEvent: Database.Statement<[string, number]>;
    putEffect: Database.Statement<[string, string]>;
    dispatch: Database.Statement<[string]>;
    recordFailure: Database.Statement<[number, number, string]>;
    failures: Database.Statement<[], { key: string; attempts: number; first_failed_at: number }>;
    oldestEvents: Database.Statement<[number], { rowid: number; at: number }>;
    pruneThrough: Database.Statement<[number]>;
    pruneByCount: Database.Statement<[number, number]>;
    dueProfiles: Database.Statement<[number, number], string>;
    nextDue: Database.Statement<[], number | null>;
    profileIds: Database.Statement<[string, number], string>;
    pending: Database.Statement<[number, number], { seq: number; effect: string }>;
    putVersion: Database.Statement<[string, string]>;
    versions: Database.Statement<[], string>;
    putSignal: Database.Statement<[number, string, string, string, string]>;
    oldestSignals: Database.Statement<[number], { seq: number; at: number }>;
    pruneSignalsThrough: Database.Statement<[number]>;
    signals: Database.Statement<[number, number], { seq: number; at: number; profile_id: string; kind: string; keys: string; event_id: string }>;
    eraseProfile: Database.Statement<[string]>;
    eraseEffects: Database.Statement<[string]>;
    signalsOf: Database.Statement<[string], { seq: number; event_id: string }>;
    renameSignal: Database.Statement<[string, string, number]>;
    putItem: Database.Statement<[string, string]>;
    removeItem: Database.Statement<[string]>;
    firstItems: Database.Statement<[number], { key: string; item: string }>;
    itemsAfter: Database.Statement<[string, number], { key: string; item: string }>;
    countInstances: Database.Statement<[string, string, string, number], number>;
    dropInstanceCount: Database.Statement<[string, string, string]>;
    instanceCounts: Database.Statement<[], InstanceCount>;
  };
  /** One batch, atomically: a transaction on its own, a savepoint inside a group. */
  private readonly applyOne: Database.Transaction<(rows: Rows) => void>;
  private readonly applyGroup: Database.Transaction<(items: Pending[]) => void>;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.groupCommit = options.groupCommit ?? true;
    this.retention = options.eventRetention === undefined ? DEFAULT_EVENT_RETENTION : options.eventRetention;
    this.now = options.now ?? Date.now;
    this.cacheLimit = Math.max(0, Math.floor(options.cachedProfiles ?? 100_000));
    const synchronous = options.synchronous ?? "normal";
    if (synchronous !== "normal" && synchronous !== "full") throw new Error(`SqliteStore: \`synchronous\` must be "normal" or "full", not ${JSON.stringify(synchronous)}`);
    // A number given as text (`maxAgeMs: "30d"`) would prune every id at once: de-duplication off, silently.
    const counts = { cachedProfiles: options.cachedProfiles, pageCacheMiB: options.pageCacheMiB, lockTimeoutMs: options.lockTimeoutMs, "eventRetention.maxCount": options.eventRetention?.maxCount, "eventRetention.maxAgeMs": options.eventRetention?.maxAgeMs };
    for (const [name, v] of Object.entries(counts)) {
      if (v !== undefined && !(typeof v === "number" && v >= 0 && !Number.isNaN(v))) throw new Error(`SqliteStore: \`${name}\` must be a number ≥ 0, not ${JSON.stringify(v)}`);
    }

    this.db = new Database(path, { timeout: options.lockTimeoutMs ?? 2000 });
    try {
      // One process owns the file: the exclusive lock is taken by the first write below
      // and held until `close` (the OS drops it if the process dies, so it is never stale).
      this.db.pragma("locking_mode = EXCLUSIVE");
      this.db.pragma("journal_mode = WAL");
      this.db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      // Checkpoint every ~40 MB of WAL instead of SQLite's ~4 MB: pages rewritten by many
      // commits (the due index, the outbox, the newest events) are copied back once, and
      // checkpoints (which fsync even with synchronous=NORMAL) are 10× rarer; small commits
      // measured 1.5–3× faster. The WAL file is truncated back to 64 MB after a checkpoint.
      this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      this.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      // Profiles, timers and the outbox are read and rewritten all over the file: SQLite's
      // default 2 MiB page cache rereads pages from the OS at almost every statement.
      this.db.pragma(`cache_size = ${-1024 * Math.max(1, Math.floor(options.pageCacheMiB ?? 64))}`);
      // What a commit deletes or replaces (a sent message, a profile's older state, an erased
      // profile) is overwritten with zeros, not left in free space for anyone reading the file:
      // an erasure must leave nothing of the person. No measurable cost on the store-writes
      // benchmark (the pages it zeroes are written anyway).
      this.db.pragma("secure_delete = ON");
      this.db.transaction(() => {
        this.migrate();
        this.db.exec(SIGNALS_SCHEMA);
      }).exclusive();
    } catch (e) {
      this.db.close();
      const code = String((e as { code?: unknown }).code ?? "");
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) throw new StoreLockedError(path);
      throw e;
    }

    const db = this.db;
    this.stmt = {
      loadProfile: db.prepare<[string], string | null>("SELECT state FROM profiles WHERE id = ?").pluck(),
      hasEvent: db.prepare<[string], number>("SELECT 1 FROM events WHERE id = ?").pluck(),
      // An unchanged row is not rewritten (its page stays clean: no WAL write for it).
      putProfile: db.prepare("INSERT INTO profiles (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state WHERE state IS NOT excluded.state"),
      putProfileAndDue: db.prepare("INSERT INTO profiles (id, state, due) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, due = excluded.due WHERE state IS NOT excluded.state OR due IS NOT excluded.due"),
      putDue: db.prepare("INSERT INTO profiles (id, due) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET due = excluded.due WHERE due IS NOT excluded.due"),
      clearDue: db.prepare("UPDATE profiles SET due = NULL WHERE id = ? AND due IS NOT NULL"),
      // A row that held only a due time goes with it.
      dropEmpty: db.prepare("DELETE FROM profiles WHERE id = ? AND state IS NULL AND due IS NULL"),
      putEvent: db.prepare("INSERT OR IGNORE INTO events (id, at) VALUES (?, ?)"),
      // A key already in the outbox is not appended twice (effect keys are idempotency keys).
      putEffect: db.prepare("INSERT OR IGNORE INTO outbox (key, effect) VALUES (?, ?)"),
      // A dispatched effect is done: its row goes.
      dispatch: db.prepare("DELETE FROM outbox WHERE key = ?"),
      recordFailure: db.prepare("UPDATE outbox SET attempts = ?, first_failed_at = ? WHERE key = ?"),
      // A scan of the outbox, which holds pending work only: read once, by `start()`.
      failures: db.prepare<[], { key: string; attempts: number; first_failed_at: number }>("SELECT key, attempts, first_failed_at FROM outbox WHERE first_failed_at IS NOT NULL ORDER BY seq"),
      oldestEvents: db.prepare<[number], { rowid: number; at: number }>("SELECT rowid, at FROM events ORDER BY rowid LIMIT ?"),
      pruneThrough: db.prepare("DELETE FROM events WHERE rowid <= ?"),
      // The newest `maxCount` ids are those above max(rowid) - maxCount; at most `chunk` go at once.
      pruneByCount: db.prepare("DELETE FROM events WHERE rowid <= min((SELECT max(rowid) FROM events) - ?, (SELECT min(rowid) FROM events) + ? - 1)"),
      dueProfiles: db.prepare<[number, number], string>("SELECT id FROM profiles WHERE due <= ? ORDER BY due, id LIMIT ?").pluck(),
      nextDue: db.prepare<[], number | null>("SELECT min(due) FROM profiles WHERE due IS NOT NULL").pluck(),
      profileIds: db.prepare<[string, number], string>("SELECT id FROM profiles WHERE id > ? AND state IS NOT NULL ORDER BY id LIMIT ?").pluck(),
      // Positions are `seq`: a row after the last one read has a higher one, unless the highest
      // row was deleted meanwhile and its seq given again (that effect waits for the next pass).
      pending: db.prepare<[number, number], { seq: number; effect: string }>("SELECT seq, effect FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?"),
      putVersion: db.prepare("INSERT INTO versions (version, journey) VALUES (?, ?) ON CONFLICT (version) DO UPDATE SET journey = excluded.journey"),
      versions: db.prepare<[], string>("SELECT journey FROM versions ORDER BY rowid").pluck(),
      putSignal: db.prepare("INSERT INTO signals (at, profile_id, kind, keys, event_id) VALUES (?, ?, ?, ?, ?)"),
      oldestSignals: db.prepare<[number], { seq: number; at: number }>("SELECT seq, at FROM signals ORDER BY seq LIMIT ?"),
      pruneSignalsThrough: db.prepare("DELETE FROM signals WHERE seq <= ?"),
      signals: db.prepare<[number, number], { seq: number; at: number; profile_id: string; kind: string; keys: string; event_id: string }>("SELECT seq, at, profile_id, kind, keys, event_id FROM signals WHERE seq > ? ORDER BY seq LIMIT ?"),
      eraseProfile: db.prepare("DELETE FROM profiles WHERE id = ?"),
      // Scans: the outbox holds pending work only, and `signals` has no index on the profile
      // (one would cost a page write per signal); an erasure is rare.
      eraseEffects: db.prepare("DELETE FROM outbox WHERE json_extract(effect, '$.profileId') = ?"),
      signalsOf: db.prepare<[string], { seq: number; event_id: string }>("SELECT seq, event_id FROM signals WHERE profile_id = ? ORDER BY seq"),
      renameSignal: db.prepare("UPDATE signals SET profile_id = ?, event_id = ? WHERE seq = ?"),
      putItem: db.prepare("INSERT INTO catalog_items (key, item) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET item = excluded.item"),
      removeItem: db.prepare("DELETE FROM catalog_items WHERE key = ?"),
      firstItems: db.prepare<[number], { key: string; item: string }>("SELECT key, item FROM catalog_items ORDER BY key LIMIT ?"),
      itemsAfter: db.prepare<[string, number], { key: string; item: string }>("SELECT key, item FROM catalog_items WHERE key > ? ORDER BY key LIMIT ?"),
      countInstances: db.prepare<[string, string, string, number], number>("INSERT INTO instance_counts (journey, version, node, count) VALUES (?, ?, ?, ?) ON CONFLICT (journey, version, node) DO UPDATE SET count = count + excluded.count RETURNING count").pluck(),
      dropInstanceCount: db.prepare("DELETE FROM instance_counts WHERE journey = ? AND version = ? AND node = ?"),
      instanceCounts: db.prepare<[], InstanceCount>("SELECT journey, version, node, count FROM instance_counts"),
    };
    this.applyOne = db.transaction((rows: Rows) => this.write(rows));
    this.applyGroup = db.transaction((items: Pending[]) => {
      for (const item of items) {
        try {
          this.applyOne(item.rows);
        } catch (e) {
          // The batch's savepoint was rolled back; the others go on. If SQLite rolled back
          // the whole transaction (I/O error, disk full), nothing can be committed: give up.
          if (!db.inTransaction) throw e;
          item.error = e;
        }
      }
    });
  }

  private migrate(): void {
    const hasTable = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    if (hasTable) {
      const found = this.db.prepare<[], number>("SELECT max(version) FROM schema_version").pluck().get();
      if (typeof found === "number" && found > SQLITE_SCHEMA_VERSION) throw new SchemaVersionError(this.path, found, SQLITE_SCHEMA_VERSION);
      if (typeof found === "number" && found === SQLITE_SCHEMA_VERSION) return;
      // One step at a time, each from the version the one before it leaves.
      if (found === 1) this.migrateFrom1();
      if (found === 1 || found === 2) this.migrateFrom2();
      if (found === 1 || found === 2 || found === 3) this.migrateFrom3();
      if (found === 1 || found === 2 || found === 3 || found === 4) return this.migrateFrom4();
    } else if (this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table'").get()) {
      throw new Error(`SqliteStore: \`${this.path}\` is an SQLite database but not a Journey store (no schema_version table)`);
    }
    this.db.exec(SCHEMA);
    this.db.exec("DELETE FROM schema_version");
    this.db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SQLITE_SCHEMA_VERSION);
  }

  /** Version 1 kept due times in a `timers` table of their own: they move into `profiles`. */
  private migrateFrom1(): void {
    this.db.exec(`
      ALTER TABLE profiles RENAME TO profiles_v1;
      ${PROFILES_SCHEMA}
      INSERT INTO profiles (id, state, due) SELECT p.id, p.state, t.due FROM profiles_v1 p LEFT JOIN timers t ON t.profile_id = p.id;
      INSERT INTO profiles (id, due) SELECT t.profile_id, t.due FROM timers t WHERE NOT EXISTS (SELECT 1 FROM profiles_v1 p WHERE p.id = t.profile_id);
      DROP TABLE profiles_v1;
      DROP TABLE timers;
      DELETE FROM schema_version;
      INSERT INTO schema_version (version) VALUES (2);
    `);
  }

  /** Version 2 had no catalog items: their table is added, empty. */
  private migrateFrom2(): void {
    this.db.exec(`
      ${ITEMS_SCHEMA}
      DELETE FROM schema_version;
      INSERT INTO schema_version (version) VALUES (3);
    `);
  }

  /** Version 3 kept no delivery failures: the outbox gets their columns (no failure recorded yet). */
  private migrateFrom3(): void {
    this.db.exec(`
      ${OUTBOX_FAILURE_COLUMNS}
      DELETE FROM schema_version;
      INSERT INTO schema_version (version) VALUES (4);
    `);
  }

  /**
   * Version 4 kept no instance counts: they are counted once, here, from every stored state
   * (by SQLite, without a state parsed in JavaScript), and kept by each commit from then on.
   */
  private migrateFrom4(): void {
    this.db.exec(`
      ${INSTANCES_SCHEMA}
      INSERT INTO instance_counts (journey, version, node, count)
        SELECT json_extract(i.value, '$.journey'), json_extract(i.value, '$.version'), json_extract(i.value, '$.node'), count(*)
        FROM profiles p, json_each(p.state, '$.instances') i WHERE p.state IS NOT NULL GROUP BY 1, 2, 3;
      DELETE FROM schema_version;
      INSERT INTO schema_version (version) VALUES (5);
    `);
  }

  /**
   * Serialise a batch now, so what is written is the batch as it was when `commit` was
   * called, and a state that cannot be serialised fails its own commit before any write.
   */
  private rows(batch: CommitBatch): Rows {
    // An effect dispatched in the batch that creates it is not inserted (its key is still
    // deleted: the same key may be waiting from an earlier batch).
    const done = new Set(batch.dispatched);
    const effects = batch.effects.filter((e) => DISPATCHED.has(e.type) && !done.has(e.key));
    // A due time is written with its profile's state when the batch carries both (one row
    // rewritten, not two); the last one given for a profile wins, as separate writes would.
    const due = new Map<string, number | null>();
    for (const t of batch.timers) due.set(t.profileId, t.due);
    const profiles = batch.profiles.map((p): Rows["profiles"][number] => [p.id, JSON.stringify(p), due.get(p.id)]);
    for (const p of batch.profiles) due.delete(p.id);
    return {
      profiles,
      timers: [...due].map(([profileId, at]) => ({ profileId, due: at })),
      events: [...batch.events],
      effects: effects.map((e) => [e.key, JSON.stringify(e)]),
      failures: (batch.failures ?? []).map((f) => [f.key, f.attempts, f.firstFailedAt]),
      dispatched: [...batch.dispatched],
      signals: (batch.signals ?? []).map((x) => [x.at, x.profileId, x.kind, JSON.stringify(x.keys), x.eventId]),
      ...(batch.pruneSignalsBefore !== undefined ? { pruneSignalsBefore: batch.pruneSignalsBefore } : {}),
      erased: (batch.erased ?? []).map((e) => ({ ...e })),
      instances: (batch.instances ?? []).map((c) => [c.journey, c.version, c.node, c.change]),
    };
  }

  /** All writes of one batch. Runs inside a transaction or savepoint: a throw undoes all of it. */
  private write(rows: Rows): void {
    const s = this.stmt;
    for (const [id, state, due] of rows.profiles) {
      if (due === undefined) s.putProfile.run(id, state);
      else s.putProfileAndDue.run(id, state, due);
    }
    for (const t of rows.timers) {
      if (t.due !== null) s.putDue.run(t.profileId, t.due);
      else if (s.clearDue.run(t.profileId).changes) s.dropEmpty.run(t.profileId);
    }
    if (rows.events.length) {
      const at = this.now();
      for (const id of rows.events) s.putEvent.run(id, at);
    }
    for (const [key, effect] of rows.effects) s.putEffect.run(key, effect);
    for (const [key, attempts, firstFailedAt] of rows.failures) s.recordFailure.run(attempts, firstFailedAt, key);
    for (const k of rows.dispatched) s.dispatch.run(k);
    if (rows.events.length && this.retention) this.prune(rows.events.length);
    for (const [at, profileId, kind, keys, eventId] of rows.signals) s.putSignal.run(at, profileId, kind, keys, eventId);
    if (rows.pruneSignalsBefore !== undefined) this.pruneSignals(rows.pruneSignalsBefore, rows.signals.length);
    for (const [journey, version, node, change] of rows.instances) {
      if (s.countInstances.get(journey, version, node, change) === 0) s.dropInstanceCount.run(journey, version, node);
    }
    for (const { profileId, alias } of rows.erased) {
      s.eraseProfile.run(profileId);
      s.eraseEffects.run(profileId);
      const eventId = erasedEventIds(alias);
      for (const row of s.signalsOf.all(profileId)) s.renameSignal.run(alias, eventId(row.event_id), row.seq);
    }
  }

  /** From the oldest signal on, up to the first one still needed (usually none: one row read). */
  private pruneSignals(before: number, inserted: number): void {
    let last: number | undefined;
    for (const row of this.stmt.oldestSignals.iterate(Math.max(PRUNE_CHUNK, 2 * inserted))) {
      if (row.at >= before) break;
      last = row.seq;
    }
    if (last !== undefined) this.stmt.pruneSignalsThrough.run(last);
  }

  private prune(inserted: number): void {
    const chunk = Math.max(PRUNE_CHUNK, 2 * inserted);
    const { maxAgeMs, maxCount } = this.retention!;
    if (maxAgeMs !== undefined) {
      // From the oldest id on, up to the first one young enough to keep: usually none, and
      // then this reads one row.
      const cutoff = this.now() - maxAgeMs;
      let last: number | undefined;
      for (const row of this.stmt.oldestEvents.iterate(chunk)) {
        if (row.at >= cutoff) break;
        last = row.rowid;
      }
      if (last !== undefined) this.stmt.pruneThrough.run(last);
    }
    if (maxCount !== undefined) this.stmt.pruneByCount.run(Math.max(0, Math.floor(maxCount)), chunk);
  }

  commit(batch: CommitBatch): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    let rows: Rows;
    try {
      rows = this.rows(batch);
      if (!this.groupCommit) {
        this.applyOne(rows);
        this.transactions++;
        this.durable(batch.profiles, rows.erased);
        return Promise.resolve();
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, states: batch.profiles, resolve, reject });
      if (this.queue.length === 1) queueMicrotask(() => this.flush());
    });
  }

  /** Write every queued batch; called at the end of the tick, and before any read or close. */
  private flush(): void {
    if (!this.queue.length) return;
    const items = this.queue;
    this.queue = [];
    if (items.length === 1) {
      const item = items[0]!;
      try {
        this.applyOne(item.rows);
        this.transactions++;
      } catch (e) {
        item.reject(e);
        return;
      }
      this.durable(item.states, item.rows.erased);
      item.resolve();
      return;
    }
    try {
      this.applyGroup(items);
      this.transactions++;
    } catch (e) {
      for (const item of items) item.reject(item.error ?? e);
      return;
    }
    for (const item of items) {
      if (item.error !== undefined) item.reject(item.error);
      else {
        this.durable(item.states, item.rows.erased);
        item.resolve();
      }
    }
  }

  /**
   * A batch is durable: its states are cached, its erased profiles no longer. After an
   * erasure the WAL is copied back and emptied: its older frames hold the profile's pages as
   * they were before (rare enough for the checkpoint's fsync not to matter).
   */
  private durable(states: ProfileState[], erased: ErasedProfile[]): void {
    this.remember(states);
    for (const e of erased) this.cache.delete(e.profileId);
    if (erased.length) this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** Durable states, kept for the next load (a failed batch's states are never kept). */
  private remember(states: ProfileState[]): void {
    if (!this.cacheLimit) return;
    for (const state of states) {
      this.cache.delete(state.id);
      this.cache.set(state.id, state);
    }
    for (const id of this.cache.keys()) {
      if (this.cache.size <= this.cacheLimit) break;
      this.cache.delete(id);
    }
  }

  /** A committed state, from the cache (then the most recently used) or the file. */
  private committed(id: string): ProfileState | undefined {
    const cached = this.cache.get(id);
    if (cached) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const row = this.stmt.loadProfile.get(id);
    // No row, or a row with a due time only.
    if (row === undefined || row === null) return undefined;
    const state = JSON.parse(row) as ProfileState;
    this.remember([state]);
    return state;
  }

  /** Reads (and `saveVersions`) run after the commits already issued, so a caller always reads its own writes. */
  private run<T>(f: () => T): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    try {
      this.flush();
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  loadProfile(id: string): Promise<ProfileState | undefined> {
    return this.run(() => {
      const s = this.committed(id);
      // A cached state stays the store's: the caller gets a copy (uncached, it is a fresh parse).
      return s !== undefined && this.cacheLimit ? cloneState(s) : s;
    });
  }

  viewProfile(id: string): Promise<Readonly<ProfileState> | undefined> {
    return this.run(() => this.committed(id));
  }

  hasEvent(id: string): Promise<boolean> {
    return this.run(() => this.stmt.hasEvent.get(id) !== undefined);
  }

  dueProfiles(now: number, limit: number): Promise<string[]> {
    return this.run(() => (sqlLimit(limit) === 0 ? [] : this.stmt.dueProfiles.all(now, sqlLimit(limit))));
  }

  nextDue(): Promise<number | undefined> {
    return this.run(() => this.stmt.nextDue.get() ?? undefined);
  }

  profileIds(after: string | undefined, limit: number): Promise<string[]> {
    // Ids are non-empty: every one is greater than "".
    return this.run(() => (sqlLimit(limit) === 0 ? [] : this.stmt.profileIds.all(after ?? "", sqlLimit(limit))));
  }

  pendingEffects(after: number, limit: number): Promise<{ effects: Effect[]; next: number }> {
    return this.run(() => {
      const n = sqlLimit(limit);
      const rows = n === 0 ? [] : this.stmt.pending.all(after, n);
      return { effects: rows.map((r) => JSON.parse(r.effect) as Effect), next: rows.length ? rows[rows.length - 1]!.seq : after };
    });
  }

  deliveryFailures(): Promise<DeliveryFailure[]> {
    return this.run(() => this.stmt.failures.all().map((r) => ({ key: r.key, attempts: r.attempts, firstFailedAt: r.first_failed_at })));
  }

  loadSignals(after: number, limit: number): Promise<{ signals: Signal[]; next: number }> {
    return this.run(() => {
      const n = sqlLimit(limit);
      if (n === 0) return { signals: [], next: after };
      const rows = this.stmt.signals.all(after, n);
      const signals = rows.map((r): Signal => ({ profileId: r.profile_id, kind: r.kind as SignalKind, keys: JSON.parse(r.keys) as string[], at: r.at, eventId: r.event_id }));
      return { signals, next: rows.length ? rows[rows.length - 1]!.seq : after };
    });
  }

  instanceCounts(): Promise<InstanceCount[]> {
    // Sorted here rather than by SQL: in the order JavaScript compares strings, as every store gives them.
    return this.run(() => this.stmt.instanceCounts.all().sort(byInstancePlace));
  }

  saveVersions(journeys: DeployedJourney[]): Promise<void> {
    return this.run(() => {
      const rows = journeys.map((j) => [j.version, JSON.stringify(j)] as const);
      this.db.transaction(() => {
        for (const [v, j] of rows) this.stmt.putVersion.run(v, j);
      })();
    });
  }

  loadVersions(): Promise<DeployedJourney[]> {
    return this.run(() => this.stmt.versions.all().map((s) => JSON.parse(s) as DeployedJourney));
  }

  saveItems(items: StoredItem[]): Promise<void> {
    return this.run(() => {
      // Serialised before the transaction: an item that cannot be (a BigInt) fails the call with nothing written.
      const rows = items.map(({ key, item }) => [key, JSON.stringify(item)] as const);
      this.db.transaction(() => {
        for (const [key, item] of rows) this.stmt.putItem.run(key, item);
      })();
    });
  }

  removeItems(keys: string[]): Promise<string[]> {
    return this.run(() => this.db.transaction(() => keys.filter((key) => this.stmt.removeItem.run(key).changes > 0))());
  }

  loadItems(after: string | undefined, limit: number): Promise<StoredItem[]> {
    return this.run(() => {
      const n = sqlLimit(limit);
      if (n === 0) return [];
      const rows = after === undefined ? this.stmt.firstItems.all(n) : this.stmt.itemsAfter.all(after, n);
      return rows.map((r) => ({ key: r.key, item: JSON.parse(r.item) as CatalogItem }));
    });
  }

  /** A consistent copy of the store in another file, while it runs (SQLite's online backup). */
  async backup(destination: string): Promise<void> {
    await this.run(() => undefined);
    await this.db.backup(destination);
  }

  /** Diagnostics: pragmas in force, row counts, and how many write transactions have committed. */
  stats(): { journalMode: string; synchronous: "normal" | "full" | "other"; lockingMode: string; schemaVersion: number; profiles: number; timers: number; events: number; outbox: number; versions: number; signals: number; items: number; transactions: number } {
    if (this.closed) throw this.closedError();
    this.flush();
    const count = (from: string) => this.db.prepare<[], number>(`SELECT count(*) FROM ${from}`).pluck().get() ?? 0;
    const sync = this.db.pragma("synchronous", { simple: true }) as number;
    return {
      journalMode: String(this.db.pragma("journal_mode", { simple: true })),
      synchronous: sync === 1 ? "normal" : sync === 2 ? "full" : "other",
      lockingMode: String(this.db.pragma("locking_mode", { simple: true })),
      schemaVersion: this.db.prepare<[], number>("SELECT max(version) FROM schema_version").pluck().get() ?? 0,
      profiles: count("profiles WHERE state IS NOT NULL"),
      timers: count("profiles WHERE due IS NOT NULL"),
      events: count("events"),
      outbox: count("outbox"),
      versions: count("versions"),
      signals: count("signals"),
      items: count("catalog_items"),
      transactions: this.transactions,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      // Checkpoints the WAL into the file and releases the lock.
      this.db.close();
    }
  }

  private closedError(): Error {
    return new Error(`SqliteStore \`${this.path}\` is closed`);
  }
}
