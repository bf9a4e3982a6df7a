/** `--db <file>`: the durable store for simulations. */
import { statSync } from "node:fs";
import { SqliteStore, StoreLockedError, type Store } from "@journey/runtime";
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
  try {
    return new SqliteStore(path);
  } catch (e) {
    if (e instanceof StoreLockedError) throw new UserError(`--db ${path}: another process is using this store`);
    throw new UserError(`--db ${path}: ${(e as Error).message}`);
  }
}
