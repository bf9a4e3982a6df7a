import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { itemFixture, journeyFixture, profileFixture, sendFixture, signalFixture, storeConformance } from "../../src/store/conformance.js";
import { SchemaVersionError, SqliteStore, StoreLockedError, type SqliteStoreOptions } from "../../src/store/sqlite.js";
import { emptyBatch, type CommitBatch, type Store } from "../../src/store/store.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "journey-sqlite-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const tempPath = () => join(dir, `store-${process.pid}-${++n}.db`);
const reopen = async (s: Store): Promise<Store> => {
  const path = (s as SqliteStore).path;
  const options = (s as SqliteStore & { __options?: SqliteStoreOptions }).__options;
  await s.close();
  return new SqliteStore(path, options);
};
const make = (options?: SqliteStoreOptions) => () => Object.assign(new SqliteStore(tempPath(), options), { __options: options });

storeConformance("SqliteStore (file)", make(), reopen);
storeConformance("SqliteStore (file, no group commit)", make({ groupCommit: false }), reopen);
storeConformance("SqliteStore (file, no profile cache)", make({ cachedProfiles: 0 }), reopen);
storeConformance("SqliteStore (:memory:)", () => new SqliteStore(":memory:"));

function batch(parts: Partial<CommitBatch>): CommitBatch {
  return { ...emptyBatch(), ...parts };
}

describe("SqliteStore", () => {
  let open: SqliteStore[] = [];
  const store = (path = tempPath(), options?: SqliteStoreOptions) => {
    const s = new SqliteStore(path, options);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open) await s.close();
    open = [];
  });

  describe("file and pragmas", () => {
    it("uses WAL, synchronous=NORMAL by default, and holds the file exclusively", () => {
      const s = store();
      expect(s.stats()).toMatchObject({ journalMode: "wal", synchronous: "normal", lockingMode: "exclusive", schemaVersion: 5 });
    });

    it("synchronous: full", async () => {
      const s = store(tempPath(), { synchronous: "full" });
      expect(s.stats().synchronous).toBe("full");
      await s.commit(batch({ profiles: [profileFixture("p1")] }));
      expect(await s.loadProfile("p1")).toEqual(profileFixture("p1"));
    });

    it("rejects an unknown synchronous mode", () => {
      expect(() => new SqliteStore(tempPath(), { synchronous: "off" as "full" })).toThrow(/synchronous/);
    });

    it("leaves one file once closed (the WAL is checkpointed)", async () => {
      const path = tempPath();
      const s = new SqliteStore(path);
      await s.commit(batch({ profiles: [profileFixture("p1")] }));
      await s.close();
      expect(existsSync(path)).toBe(true);
      expect(existsSync(`${path}-wal`)).toBe(false);
      const raw = new Database(path, { readonly: true });
      expect(raw.prepare("SELECT count(*) AS n FROM profiles").get()).toEqual({ n: 1 });
      raw.close();
    });

    it("an erased profile leaves no byte of it in the file or its WAL, while open and once closed", async () => {
      const path = tempPath();
      const s = new SqliteStore(path);
      const occurrences = (file: string) => (existsSync(file) ? readFileSync(file).toString("latin1").split("ana-erased").length - 1 : 0);
      // Its state rewritten, messages sent (dispatched: deleted) and one still pending, signals.
      for (let n = 0; n < 5; n++) await s.commit(batch({ profiles: [profileFixture("ana-erased", n), profileFixture("bob", n)], effects: [sendFixture(`k${n}`, "ana-erased")], dispatched: n ? [`k${n - 1}`] : [], signals: [signalFixture(n, 1000 + n, "ana-erased")] }));
      expect(occurrences(path) + occurrences(`${path}-wal`)).toBeGreaterThan(0);
      await s.commit(batch({ erased: [{ profileId: "ana-erased", alias: "erased:x" }] }));
      expect([occurrences(path), occurrences(`${path}-wal`)]).toEqual([0, 0]);
      expect(await s.loadProfile("bob")).toEqual(profileFixture("bob", 4));
      await s.close();
      expect(occurrences(path)).toBe(0);
    });

    it("a closed store refuses work; closing twice is harmless", async () => {
      const s = new SqliteStore(tempPath());
      await s.close();
      await s.close();
      await expect(s.loadProfile("p1")).rejects.toThrow(/closed/);
      await expect(s.commit(emptyBatch())).rejects.toThrow(/closed/);
    });

    it("backup copies a consistent store while it runs", async () => {
      const s = store();
      await s.commit(batch({ profiles: [profileFixture("p1")], events: ["e1"], effects: [sendFixture("k1")] }));
      const copy = tempPath();
      await s.backup(copy);
      const b = store(copy);
      expect(await b.loadProfile("p1")).toEqual(profileFixture("p1"));
      expect(await b.hasEvent("e1")).toBe(true);
      expect((await b.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1"]);
    });
  });

  describe("schema", () => {
    it("refuses a file written by a newer schema version", async () => {
      const path = tempPath();
      await new SqliteStore(path).close();
      const raw = new Database(path);
      raw.prepare("UPDATE schema_version SET version = 99").run();
      raw.close();
      expect(() => new SqliteStore(path)).toThrow(SchemaVersionError);
      expect(() => new SqliteStore(path)).toThrow(/schema version 99, newer than this runtime supports \(5\)/);
    });

    it("migrates a version 1 file: due times move from `timers` into `profiles`", async () => {
      const path = tempPath();
      // The version 1 schema, as runtimes before December 2026 wrote it.
      const raw = new Database(path);
      raw.exec(`
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        CREATE TABLE profiles (id TEXT NOT NULL PRIMARY KEY, state TEXT NOT NULL);
        CREATE TABLE timers (profile_id TEXT NOT NULL PRIMARY KEY, due INTEGER NOT NULL);
        CREATE INDEX timers_due ON timers (due, profile_id);
        CREATE TABLE events (id TEXT NOT NULL PRIMARY KEY, at INTEGER NOT NULL);
        CREATE TABLE outbox (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, effect TEXT NOT NULL);
        CREATE TABLE versions (version TEXT NOT NULL PRIMARY KEY, journey TEXT NOT NULL);
        INSERT INTO schema_version VALUES (1);
      `);
      const put = raw.prepare("INSERT INTO profiles VALUES (?, ?)");
      put.run("p1", JSON.stringify(profileFixture("p1", 1)));
      put.run("p2", JSON.stringify(profileFixture("p2", 2)));
      raw.prepare("INSERT INTO timers VALUES (?, ?)").run("p1", 500);
      // A due time without a state: the interface allows it.
      raw.prepare("INSERT INTO timers VALUES (?, ?)").run("ghost", 300);
      raw.prepare("INSERT INTO events VALUES (?, ?)").run("e1", 1);
      raw.prepare("INSERT INTO outbox (key, effect) VALUES (?, ?)").run("k1", JSON.stringify(sendFixture("k1")));
      raw.close();

      const s = store(path);
      expect(s.stats()).toMatchObject({ schemaVersion: 5, profiles: 2, timers: 2, events: 1, outbox: 1, items: 0 });
      expect(await s.loadProfile("p1")).toEqual(profileFixture("p1", 1));
      expect(await s.loadProfile("p2")).toEqual(profileFixture("p2", 2));
      expect(await s.loadProfile("ghost")).toBeUndefined();
      expect(await s.dueProfiles(1000, 10)).toEqual(["ghost", "p1"]);
      expect(await s.nextDue()).toBe(300);
      expect(await s.hasEvent("e1")).toBe(true);
      expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1"]);
      expect(await s.instanceCounts()).toEqual([{ journey: "welcome", version: "v1", node: "n2", count: 2 }]);
      // Clearing the state-less due time removes its row; p1 keeps its state without a due time.
      await s.commit(batch({ timers: [{ profileId: "ghost", due: null }, { profileId: "p1", due: null }] }));
      expect(s.stats()).toMatchObject({ profiles: 2, timers: 0 });
      await s.close();
      open = [];
      const after = new Database(path, { readonly: true });
      expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(["catalog_items", "events", "instance_counts", "outbox", "profiles", "schema_version", "signals", "versions"]);
      expect(after.prepare("SELECT count(*) FROM profiles").pluck().get()).toBe(2);
      after.close();
    });

    /** A file made from an SQL dump of an older schema (text in the repository, not a binary .db). */
    function fromDump(name: string): string {
      const path = tempPath();
      const raw = new Database(path);
      raw.exec(readFileSync(join(here, "fixtures", name), "utf8"));
      raw.close();
      return path;
    }

    /** A profile as the runtime wrote it before `createdAtSeconds` was kept (the dumps are of then): it loads without one. */
    const olderProfile = (id: string, n: number) => {
      const { createdAtSeconds: _, ...state } = profileFixture(id, n);
      return state;
    };

    it("migrates a version 2 file, as the runtime before catalog items wrote it: everything kept, items added", async () => {
      const path = fromDump("schema-v2.sql");
      const s = store(path);
      expect(s.stats()).toMatchObject({ schemaVersion: 5, profiles: 2, timers: 2, events: 2, outbox: 1, versions: 1, signals: 2, items: 0 });
      expect(await s.loadProfile("p1")).toEqual(olderProfile("p1", 1));
      expect(await s.loadProfile("p2")).toEqual(olderProfile("p2", 2));
      expect(await s.dueProfiles(1000, 10)).toEqual(["p2", "p1"]);
      expect(await s.hasEvent("e2")).toBe(true);
      expect((await s.pendingEffects(0, 10)).effects).toEqual([sendFixture("k2")]);
      expect(await s.loadVersions()).toEqual([journeyFixture("a", "a-v1")]);
      expect((await s.loadSignals(0, 10)).signals).toEqual([signalFixture(1), signalFixture(2)]);
      expect(await s.loadItems(undefined, 10)).toEqual([]);
      await s.saveItems([itemFixture("A")]);
      await s.close();
      open = [];
      // Opened again it is a version 5 file like any other: nothing is migrated twice.
      const again = store(path);
      expect(again.stats()).toMatchObject({ schemaVersion: 5, profiles: 2, items: 1 });
      expect(await again.loadItems(undefined, 10)).toEqual([itemFixture("A")]);
    });

    it("migrates a version 3 file, as the runtime before delivery failures wrote it: everything kept, failures recorded from then on", async () => {
      const path = fromDump("schema-v3.sql");
      const s = store(path);
      expect(s.stats()).toMatchObject({ schemaVersion: 5, profiles: 2, timers: 2, events: 2, outbox: 1, versions: 1, signals: 2, items: 1 });
      expect(await s.loadProfile("p1")).toEqual(olderProfile("p1", 1));
      expect(await s.dueProfiles(1000, 10)).toEqual(["p2", "p1"]);
      expect((await s.pendingEffects(0, 10)).effects).toEqual([sendFixture("k2")]);
      expect(await s.loadItems(undefined, 10)).toEqual([itemFixture("A")]);
      expect(await s.instanceCounts()).toEqual([{ journey: "welcome", version: "v1", node: "n2", count: 2 }]);
      // The pending send has no failure yet; one recorded now is kept with it.
      expect(await s.deliveryFailures()).toEqual([]);
      await s.commit(batch({ failures: [{ key: "k2", attempts: 1, firstFailedAt: 5000 }] }));
      await s.close();
      open = [];
      const again = store(path);
      expect(again.stats()).toMatchObject({ schemaVersion: 5, outbox: 1 });
      expect(await again.deliveryFailures()).toEqual([{ key: "k2", attempts: 1, firstFailedAt: 5000 }]);
    });

    it("migrates a version 4 file, as the runtime before instance counts wrote it: everything kept, the live instances counted once from the stored states", async () => {
      const path = fromDump("schema-v4.sql");
      const s = store(path);
      expect(s.stats()).toMatchObject({ schemaVersion: 5, profiles: 4, timers: 3, events: 2, outbox: 1, versions: 1, signals: 2, items: 1 });
      expect(await s.deliveryFailures()).toEqual([{ key: "k2", attempts: 1, firstFailedAt: 5000 }]);
      expect((await s.loadProfile("p3"))?.instances["winback"]?.node).toBe("m1");
      const counts = [
        { journey: "welcome", version: "v1", node: "n2", count: 2 },
        { journey: "welcome", version: "v1", node: "n3", count: 1 },
        { journey: "winback", version: "w1", node: "m1", count: 1 },
      ];
      expect(await s.instanceCounts()).toEqual(counts);
      // From then on each commit keeps them; opened again, nothing is counted twice.
      await s.commit(batch({ instances: [{ journey: "winback", version: "w1", node: "m1", change: -1 }] }));
      await s.close();
      open = [];
      const again = store(path);
      expect(again.stats()).toMatchObject({ schemaVersion: 5, profiles: 4 });
      expect(await again.instanceCounts()).toEqual(counts.slice(0, 2));
    });

    it("refuses an SQLite file that is not a Journey store", () => {
      const path = tempPath();
      const raw = new Database(path);
      raw.exec("CREATE TABLE something (x)");
      raw.close();
      expect(() => new SqliteStore(path)).toThrow(/not a Journey store/);
    });

    it("refuses a file that is not SQLite", () => {
      const path = tempPath();
      writeFileSync(path, "x".repeat(4096));
      expect(() => new SqliteStore(path)).toThrow(/not a database/);
    });
  });

  describe("one process owns the file", () => {
    it("a second store on the same file fails clearly", () => {
      const path = tempPath();
      store(path);
      const t = Date.now();
      expect(() => new SqliteStore(path, { lockTimeoutMs: 50 })).toThrow(StoreLockedError);
      expect(Date.now() - t).toBeLessThan(2000);
      expect(() => new SqliteStore(path, { lockTimeoutMs: 50 })).toThrow(/in use by another process/);
    });

    it("another process can neither read nor write the file while it is open", () => {
      const path = tempPath();
      store(path);
      const code = `const D = require("better-sqlite3"); try { new D(${JSON.stringify(path)}, { timeout: 50 }).prepare("SELECT count(*) FROM profiles").get(); console.log("read"); } catch (e) { console.log(e.code); }`;
      const r = spawnSync(process.execPath, ["-e", code], { cwd: here, encoding: "utf8" });
      expect(r.stdout.trim()).toBe("SQLITE_BUSY");
    });

    it("a store fails clearly while another process holds the file, and opens once that process is gone", async () => {
      const path = tempPath();
      await new SqliteStore(path).close();
      const code = `const D = require("better-sqlite3"); const db = new D(${JSON.stringify(path)}); db.pragma("locking_mode = EXCLUSIVE"); db.exec("BEGIN EXCLUSIVE; COMMIT"); console.log("locked"); setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ["-e", code], { cwd: here, stdio: ["ignore", "pipe", "inherit"] });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
          child.on("exit", () => reject(new Error("child exited")));
        });
        expect(() => new SqliteStore(path, { lockTimeoutMs: 50 })).toThrow(StoreLockedError);
      } finally {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      // A dead owner's lock is released by the OS: no stale lock to clean up.
      const s = store(path);
      expect(await s.loadProfile("p1")).toBeUndefined();
    });

    it("the file opens again once the owner closes it", async () => {
      const path = tempPath();
      const a = new SqliteStore(path);
      await a.commit(batch({ events: ["e1"] }));
      await a.close();
      expect(await store(path).hasEvent("e1")).toBe(true);
    });
  });

  describe("group commit", () => {
    it("commits issued in the same tick share one transaction", async () => {
      const s = store();
      const before = s.stats().transactions;
      await Promise.all(Array.from({ length: 10 }, (_, i) => s.commit(batch({ profiles: [profileFixture(`p${i}`)] }))));
      expect(s.stats().transactions - before).toBe(1);
      await s.commit(batch({ events: ["e1"] }));
      await s.commit(batch({ events: ["e2"] }));
      expect(s.stats().transactions - before).toBe(3);
    });

    it("without group commit each commit is its own transaction", async () => {
      const s = store(tempPath(), { groupCommit: false });
      const before = s.stats().transactions;
      await Promise.all(Array.from({ length: 10 }, (_, i) => s.commit(batch({ profiles: [profileFixture(`p${i}`)] }))));
      expect(s.stats().transactions - before).toBe(10);
    });

    it("a read issued after a commit sees it, even before the commit's promise settles", async () => {
      const s = store();
      const committed = s.commit(batch({ profiles: [profileFixture("p1")], effects: [sendFixture("k1")] }));
      expect(await s.loadProfile("p1")).toEqual(profileFixture("p1"));
      expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1"]);
      await committed;
    });

    /** Fails inside the transaction, after its profile and event rows are written: a timer without a profile id breaks NOT NULL. */
    const failsInSql = () =>
      batch({ profiles: [profileFixture("b")], events: ["e-bad"], effects: [sendFixture("k-bad")], timers: [{ profileId: null as unknown as string, due: 5 }], dispatched: ["k1"] });

    it("a batch failing inside the transaction is rolled back whole", async () => {
      for (const groupCommit of [true, false]) {
        const s = store(tempPath(), { groupCommit });
        await s.commit(batch({ effects: [sendFixture("k1")] }));
        await expect(s.commit(failsInSql())).rejects.toThrow(/NOT NULL/);
        expect(await s.loadProfile("b")).toBeUndefined();
        expect(await s.hasEvent("e-bad")).toBe(false);
        expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1"]);
        expect(s.stats()).toMatchObject({ profiles: 0, outbox: 1, events: 0, timers: 0 });
      }
    });

    it("a failing batch in a group fails alone and takes none of its writes with it", async () => {
      const s = store();
      const unserialisable = profileFixture("u");
      unserialisable.attributes["n"] = BigInt(1);
      const before = s.stats().transactions;
      const results = await Promise.allSettled([
        s.commit(batch({ profiles: [profileFixture("a")], effects: [sendFixture("k1")] })),
        s.commit(failsInSql()),
        s.commit(batch({ profiles: [profileFixture("c")], effects: [sendFixture("k2")] })),
        s.commit(batch({ profiles: [profileFixture("d"), unserialisable], events: ["e-u"] })),
        s.commit(batch({ profiles: [profileFixture("e")], events: ["e-e"] })),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled"]);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
      expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/BigInt/);
      expect(s.stats().transactions - before).toBe(1);
      expect(await s.loadProfile("b")).toBeUndefined();
      expect(await s.loadProfile("d")).toBeUndefined();
      expect(await s.hasEvent("e-bad")).toBe(false);
      expect(await s.hasEvent("e-u")).toBe(false);
      expect(await s.hasEvent("e-e")).toBe(true);
      expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1", "k2"]);
      expect(s.stats()).toMatchObject({ profiles: 3, outbox: 2, events: 1 });
    });

    it("the file holds the batch as it was when commit was called", async () => {
      // The store owns a committed state (Store.commit): changing it afterwards is a caller's
      // bug, but what is written is still the batch as committed.
      const path = tempPath();
      const s = new SqliteStore(path);
      const p = profileFixture("p1");
      const b = batch({ profiles: [p], events: ["e1"] });
      const committed = s.commit(b);
      p.audiences.push("later");
      b.events.push("e2");
      await committed;
      expect(await s.hasEvent("e2")).toBe(false);
      await s.close();
      const again = store(path);
      expect(await again.loadProfile("p1")).toEqual(profileFixture("p1"));
    });

    it("a cached profile loads as a copy, and only committed states are cached", async () => {
      const s = store();
      await s.commit(batch({ profiles: [profileFixture("p1")] }));
      const first = (await s.loadProfile("p1"))!;
      first.audiences.push("mine");
      expect(await s.loadProfile("p1")).toEqual(profileFixture("p1"));
      // A batch that fails is not cached: the next load is the last committed state.
      const bad = { ...profileFixture("p1"), audiences: ["bad"], attributes: { n: 10n } };
      await expect(s.commit(batch({ profiles: [bad as never] }))).rejects.toThrow();
      expect(await s.loadProfile("p1")).toEqual(profileFixture("p1"));
    });

    it("keeps at most `cachedProfiles` states in memory, and loads the rest from the file", async () => {
      const s = store(tempPath(), { cachedProfiles: 2 });
      await s.commit(batch({ profiles: ["a", "b", "c"].map((id) => profileFixture(id)) }));
      for (const id of ["a", "b", "c", "a"]) expect(await s.loadProfile(id)).toEqual(profileFixture(id));
      expect((s as unknown as { cache: Map<string, unknown> }).cache.size).toBe(2);
    });
  });

  describe("outbox", () => {
    it("dispatched effects are deleted", async () => {
      const s = store();
      await s.commit(batch({ effects: [sendFixture("k1"), sendFixture("k2")] }));
      await s.commit(batch({ dispatched: ["k1"] }));
      expect(s.stats().outbox).toBe(1);
    });

    it("a key already pending is not appended twice", async () => {
      const s = store();
      await s.commit(batch({ effects: [sendFixture("k1"), sendFixture("k2")] }));
      await s.commit(batch({ effects: [sendFixture("k1")] }));
      expect((await s.pendingEffects(0, 10)).effects.map((e) => e.key)).toEqual(["k1", "k2"]);
    });
  });

  describe("event retention", () => {
    it("keeps 30 days by default", async () => {
      let now = 0;
      const s = store(tempPath(), { now: () => now });
      await s.commit(batch({ events: ["old"] }));
      now = 30 * 24 * 3600 * 1000 - 1;
      await s.commit(batch({ events: ["e1"] }));
      expect(await s.hasEvent("old")).toBe(true);
      now = 30 * 24 * 3600 * 1000 + 1;
      await s.commit(batch({ events: ["e2"] }));
      expect(await s.hasEvent("old")).toBe(false);
      expect(await s.hasEvent("e1")).toBe(true);
    });

    it("maxCount keeps the most recent ids", async () => {
      const s = store(tempPath(), { eventRetention: { maxCount: 5 } });
      for (let i = 0; i < 12; i++) await s.commit(batch({ events: [`e${i}`] }));
      await s.commit(batch({ events: ["e12", "e13", "e14"] }));
      expect(s.stats().events).toBe(5);
      for (let i = 0; i < 15; i++) expect(await s.hasEvent(`e${i}`)).toBe(i >= 10);
    });

    it("maxAgeMs forgets ids older than the window", async () => {
      let now = 1_000_000;
      const s = store(tempPath(), { eventRetention: { maxAgeMs: 1000 }, now: () => now });
      await s.commit(batch({ events: ["a", "b"] }));
      now += 600;
      await s.commit(batch({ events: ["c"] }));
      now += 600;
      await s.commit(batch({ events: ["d"] }));
      expect([await s.hasEvent("a"), await s.hasEvent("b"), await s.hasEvent("c"), await s.hasEvent("d")]).toEqual([false, false, true, true]);
    });

    it("pruning never drops more than the window, and a big backlog is pruned over several commits", async () => {
      let now = 0;
      const path = tempPath();
      const a = new SqliteStore(path, { eventRetention: null, now: () => now });
      await a.commit(batch({ events: Array.from({ length: 5000 }, (_, i) => `old${i}`) }));
      expect(a.stats().events).toBe(5000);
      await a.close();
      now = 10_000;
      const s = store(path, { eventRetention: { maxAgeMs: 1000 }, now: () => now });
      await s.commit(batch({ events: ["new1"] }));
      expect(s.stats().events).toBe(5000 - 1000 + 1);
      for (let i = 0; i < 5; i++) await s.commit(batch({ events: [`new${i + 2}`] }));
      expect(s.stats().events).toBe(6);
      expect(await s.hasEvent("new1")).toBe(true);
    });

    it("null keeps every id", async () => {
      let now = 0;
      const s = store(tempPath(), { eventRetention: null, now: () => now });
      await s.commit(batch({ events: ["a"] }));
      now = 1e12;
      await s.commit(batch({ events: ["b"] }));
      expect(await s.hasEvent("a")).toBe(true);
    });
  });
});
