/** `--db <file>`: the durable store for simulations. */
import { SqliteStore, StoreLockedError, type Store } from "@journey/runtime";
import { UserError } from "./errors.js";

export async function openStore(path: string): Promise<Store> {
  try {
    return new SqliteStore(path);
  } catch (e) {
    if (e instanceof StoreLockedError) throw new UserError(`--db ${path}: another process is using this store`);
    throw new UserError(`--db ${path}: ${(e as Error).message}`);
  }
}
