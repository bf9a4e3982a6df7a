/** `--db <file>`: the durable store for simulations. */
import { existsSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { lastActivity, SqliteStore, StoreLockedError, type Store } from "@journey/runtime";
import { UserError } from "./errors.js";

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function openStore(path: string): Promise<Store> {
  // SQLite would only say "unable to open database file".
  if (isFolder(path)) throw new UserError(`--db ${path}: a folder, not a file`);
  // SQLite creates the file, not its folder (and says "Cannot open database because the directory does not exist").
  if (!existsSync(dirname(path))) throw new UserError(`--db ${path}: the folder ${dirname(path)} does not exist: create it first (the store file is created in it)`);
  try {
    return new SqliteStore(path);
  } catch (e) {
    if (e instanceof StoreLockedError) throw new UserError(`--db ${path}: another process is using this store`);
    if ((e as { code?: unknown }).code === "SQLITE_NOTADB") throw new UserError(`--db ${path}: not an SQLite file, so not a store: give the store's file, or a new name to create one`);
    throw new UserError(`--db ${path}: ${(e as Error).message}`);
  }
}

/** Remove a store file with its write-ahead log: one a command created and then could not use leaves nothing behind. */
export function removeStore(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
}

/** The latest time the profiles of `store` record (see `lastActivity`), read a page of profiles at a time. */
export async function latestActivity(store: Store): Promise<number | undefined> {
  let latest: number | undefined;
  for (let after: string | undefined; ; ) {
    const ids = await store.profileIds(after, 1000);
    for (const id of ids) {
      const state = await store.viewProfile(id);
      const t = state && lastActivity(state);
      if (t !== undefined && (latest === undefined || t > latest)) latest = t;
    }
    if (ids.length < 1000) return latest;
    after = ids[ids.length - 1];
  }
}
