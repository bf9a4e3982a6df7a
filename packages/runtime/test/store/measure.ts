/**
 * A quick measurement of the SQLite store (not a test): commits per second of single-profile
 * and 100-profile batches, synchronous NORMAL and FULL, one at a time (as the shell commits)
 * and issued together (group commit on and off).
 * Run: npx tsx packages/runtime/test/store/measure.ts   (ROUNDS=n, default 5)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newProfileState, type Effect, type ProfileState } from "../../src/engine/state.js";
import { SqliteStore, type SqliteStoreOptions } from "../../src/store/sqlite.js";
import type { CommitBatch } from "../../src/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "journey-sqlite-measure-"));
let files = 0;
let seq = 0;

function profile(id: string): ProfileState {
  const s = newProfileState(id, { email: `${id}@example.com`, firstName: "Ana", country: "SE", plan: "pro", cart: [{ sku: "A-1", price: 25 }, { sku: "B-7", price: 12.5 }] }, 0);
  s.instances["abandoned-cart"] = { id: `abandoned-cart:${id}:1`, journey: "abandoned-cart", version: "3f2a9c", startedAt: 1_700_000_000_000, node: "n4", wait: { kind: "timer", due: 1_700_003_600_000 }, vars: { cart: { items: 2, total: 50 } }, loops: {}, goals: [] };
  s.history["abandoned-cart"] = { entries: 1 };
  s.audiences = ["all", "buyers"];
  s.sends = { email: [1_700_000_000_000] };
  return s;
}

function unit(profiles: number): CommitBatch {
  const b: CommitBatch = { profiles: [], timers: [], events: [], effects: [], dispatched: [] };
  for (let i = 0; i < profiles; i++) {
    const id = `p${seq++ % 50_000}`;
    b.profiles.push(profile(id));
    b.timers.push({ profileId: id, due: 1_700_003_600_000 + (seq % 1000) });
    b.events.push(`ev-${seq}`);
    const send: Effect = { type: "send", key: `k-${seq}`, at: 1_700_000_000_000, profileId: id, journey: "abandoned-cart", channel: "email", to: `${id}@example.com`, template: "reminder", content: { subject: "You left something", items: 2 } };
    b.effects.push(send, { type: "entered", key: `e-${seq}`, at: 1_700_000_000_000, profileId: id, journey: "abandoned-cart" });
    b.dispatched.push(`k-${seq - 1}`);
  }
  return b;
}

async function run(label: string, options: SqliteStoreOptions, profiles: number, concurrent: boolean, ms = 1000, memory = false): Promise<void> {
  profilesOf[label] = profiles;
  const s = new SqliteStore(memory ? ":memory:" : join(dir, `m${files++}.db`), options);
  // Fresh batches (new event ids and effect keys), built inside the timed loop: ~2 µs a profile.
  for (let i = 0; i < 50; i++) await s.commit(unit(profiles)); // warm up
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    if (concurrent) {
      await Promise.all(Array.from({ length: 100 }, () => s.commit(unit(profiles))));
      n += 100;
    } else {
      await s.commit(unit(profiles));
      n++;
    }
  }
  const secs = (performance.now() - start) / 1000;
  await s.close();
  (results[label] ??= []).push(n / secs);
}

const results: Record<string, number[]> = {};
const profilesOf: Record<string, number> = {};

const rounds = Number(process.env.ROUNDS ?? 5);
for (let r = 0; r < rounds; r++) {
  for (const synchronous of ["normal", "full"] as const) {
    await run(`${synchronous}: 1-profile batches, one at a time`, { synchronous }, 1, false);
    await run(`${synchronous}: 1-profile batches, one at a time, no group commit`, { synchronous, groupCommit: false }, 1, false);
    await run(`${synchronous}: 100-profile batches, one at a time`, { synchronous }, 100, false);
    await run(`${synchronous}: 1-profile batches, 100 issued together`, { synchronous }, 1, true);
    await run(`${synchronous}: 1-profile batches, 100 together, no group commit`, { synchronous, groupCommit: false }, 1, true);
  }
  // The same work on ":memory:": the CPU cost alone, without the file.
  await run(`:memory: 1-profile batches, one at a time`, {}, 1, false, 1000, true);
  await run(`:memory: 100-profile batches, one at a time`, {}, 100, false, 1000, true);
}
const fmt = (x: number) => Math.round(x).toLocaleString("en").padStart(8);
console.log(`${rounds} rounds of 1 s each; commits/s: median (min–max); profiles/s at the median`);
for (const [label, v] of Object.entries(results)) {
  v.sort((a, b) => a - b);
  const median = v[Math.floor(v.length / 2)]!;
  console.log(`${label.padEnd(56)} ${fmt(median)} (${fmt(v[0]!).trim()}–${fmt(v[v.length - 1]!).trim()})  ${fmt(median * profilesOf[label]!)} profiles/s`);
}
rmSync(dir, { recursive: true, force: true });
