/**
 * The crash test's worker: replays a whole workload through the BUILT runtime on a virtual
 * clock, durably (SQLite store + JSONL outbox), and can be killed at any moment and started
 * again with the same arguments. A restart does exactly what the first run did, from the
 * first event: events already processed are ignored by id, timers already fired are gone from
 * the store, and `start()` restores the catalog engine from the signals the store kept, then
 * re-dispatches effects that were committed but not dispatched.
 *
 *   node worker.mjs --db <file> --outbox <file> --events <jsonl> --profiles <json>
 *                   --catalog <json> [--ir <ir.json>] [--tail-hours 96]
 *                   [--kill-after-events N] [--kill-at-request N] [--kill-after-send N]
 *                   [--provider NAME]
 *
 * Without `--ir` it compiles samples/abandoned-cart with the built compiler.
 *
 * The `--kill-*` options make the worker SIGKILL itself at a precise point: after the Nth
 * event of the file, when the Nth recommendation request of this run is committed but not
 * performed, or right after the Nth message of this run is written to the outbox (before the
 * store records it as sent).
 *
 * stdout, one line each: `start <json>`, `e <i>` after event i (0-based), `t <k>` after hour k
 * of the tail (the time after the last event), `done <json>`. The test kills the worker
 * after a random number of lines.
 *
 * The virtual clock starts at the first event on every run: `advanceTo` only moves forward,
 * the timers still stored are all at or after the point the previous run reached, and a
 * request recovered by `start()` is answered at the instant it was made (its effect's `at`).
 *
 * `--provider NAME` registers a recommendation provider of that name that answers `cartBased`
 * from the catalog engine after a macrotask: a remote provider, whose requests are in flight
 * between two commits (the built-in algorithms are answered inside the unit of work).
 *
 * The catalog items are loaded into `runtime.catalog` before `start()` (the store keeps the
 * signals the engine learns from, not the shop's catalog).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRuntime, JsonlOutbox, SqliteStore, VirtualClock } from "../../dist/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  if (i + 1 >= args.length) throw new Error(`--${name} needs a value`);
  return args[i + 1];
};
const required = (name) => {
  const v = option(name);
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
};

const HOUR = 3_600_000;
const out = (line) => process.stdout.write(line + "\n");

/** The IR: a prebuilt file, or the sample compiled now with the built compiler. */
async function loadIr() {
  const path = option("ir");
  if (path) return JSON.parse(readFileSync(path, "utf8"));
  const { compile, loadSources } = await import("../../../compiler/dist/index.js");
  const dir = fileURLToPath(new URL("../../../../samples/abandoned-cart/", import.meta.url));
  const loaded = loadSources([dir]);
  const result = compile(loaded.files, { emit: true });
  if (result.irJson === undefined) throw new Error(`abandoned-cart does not compile: ${JSON.stringify([...loaded.diagnostics, ...(result.diagnostics ?? [])].slice(0, 3))}`);
  return JSON.parse(result.irJson);
}

async function main() {
  const began = performance.now();
  const ir = await loadIr();
  const events = readFileSync(required("events"), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const profiles = JSON.parse(readFileSync(required("profiles"), "utf8"));
  const items = JSON.parse(readFileSync(required("catalog"), "utf8"));
  const tailHours = Number(option("tail-hours", "96"));
  const killAfterEvents = option("kill-after-events") === undefined ? -1 : Number(option("kill-after-events"));
  const killAtRequest = option("kill-at-request") === undefined ? -1 : Number(option("kill-at-request"));
  const killAfterSend = option("kill-after-send") === undefined ? -1 : Number(option("kill-after-send"));
  const times = events.map((e) => Date.parse(e.time));
  const first = Math.min(...times);
  const last = Math.max(...times);

  const store = new SqliteStore(required("db"));
  const outbox = new JsonlOutbox(required("outbox"));
  let sends = 0;
  const channel = {
    async send(message) {
      await outbox.send(message);
      if (++sends === killAfterSend) process.kill(process.pid, "SIGKILL");
    },
  };
  const clock = new VirtualClock(first);

  // What a previous run left: processed events and effects not carried out.
  let processed = 0;
  const seenIds = new Set();
  for (const ev of events) {
    if (seenIds.has(ev.id) || !(await store.hasEvent(ev.id))) continue;
    seenIds.add(ev.id);
    processed++;
  }
  const pending = (await store.pendingEffects(0, Number.MAX_SAFE_INTEGER)).effects;
  const requests = pending.filter((e) => e.type === "callRequest" || e.type === "recommendRequest");

  let recommendRequests = 0;
  const providerName = option("provider");
  const providers = providerName
    ? {
        [providerName]: {
          recommend: (req) =>
            new Promise((resolve) => setImmediate(() => resolve(runtime.catalog.recommend({ algorithm: "cartBased", args: req.args, named: {}, profileId: req.profileId, limit: req.limit, now: req.now })))),
        },
      }
    : {};
  const runtime = createRuntime({
    ir,
    store,
    providers,
    channels: channel,
    clock,
    logger: { info() {}, warn: (o, m) => process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`), error: (o, m) => process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`) },
    onEffect(e) {
      if (e.type === "recommendRequest" && ++recommendRequests === killAtRequest) process.kill(process.pid, "SIGKILL");
    },
  });
  runtime.catalog.upsertItems(items);
  await runtime.start();
  out(`start ${JSON.stringify({ processed, pending: pending.length, pendingRequests: requests.length })}`);

  // Profiles first, as the shop's profile store would send them (attributes unchanged: no-op on a restart).
  for (const { id, ...attributes } of profiles) await runtime.upsertProfile(id, attributes);

  let accepted = 0;
  let duplicates = 0;
  for (let i = 0; i < events.length; i++) {
    await runtime.advanceTo(times[i]);
    const r = await runtime.ingest(events[i]);
    accepted += r.accepted;
    duplicates += r.duplicates;
    out(`e ${i}`);
    if (i + 1 === killAfterEvents) process.kill(process.pid, "SIGKILL");
  }
  // After the last event: every wait (4 h, 24 h, quiet hours) runs out.
  for (let h = 1; h <= tailHours; h++) {
    await runtime.advanceTo(last + h * HOUR);
    out(`t ${h}`);
  }
  await runtime.stop();
  await store.close();
  out(`done ${JSON.stringify({ accepted, duplicates, ms: Math.round(performance.now() - began) })}`);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
