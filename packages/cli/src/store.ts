/** `--db <file>`: the durable store for simulations. */
import type { Store } from "@journey/runtime";
import { UserError } from "./errors.js";

export async function openStore(path: string): Promise<Store> {
  throw new UserError(`--db ${path}: the SQLite store is not supported yet; run without --db to keep state in memory`);
}
