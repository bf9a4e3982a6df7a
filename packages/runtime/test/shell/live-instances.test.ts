/**
 * `runtime.liveInstances()`: how many instances of each journey version wait at each node,
 * from the counts the store keeps at every commit. They must always say what a scan of every
 * stored profile says: as instances enter, move on, end, wait for a call, are erased, and
 * across a redeploy (an earlier version's instances finish on it) and a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, MemoryChannel, MemoryStore, SqliteStore, VirtualClock, type ActionExecutor, type LiveInstances, type Runtime, type Store } from "@journey/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { HOUR, MIN, SCHEMA, T0, ev, irOf } from "../engine/helpers.js";

const v1Text = `${SCHEMA}
action Score(id: string) -> { score: int } {
  get "https://scores.example.com/{{id}}"
}
journey Reminder {
  on Ping
  reentry always
  wait 4h
  send email { subject "reminder" text "x" } to profile.email
  wait for Order within 1d {
    end
  }
}
journey Scored {
  on Stop
  call Score("x") as s
}
`;
// The reminder's first wait moves down a line and gets shorter: a new version.
const v2Text = v1Text.replace("  wait 4h\n", "  send email { subject \"hello\" text \"x\" } to profile.email\n  wait 2h\n");

const tmp = mkdtempSync(join(tmpdir(), "journey-live-instances-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An action executor whose calls wait until `answer()`. */
function heldCalls(): ActionExecutor & { answer(): void } {
  const waiting: (() => void)[] = [];
  return {
    execute: () => new Promise((resolve) => waiting.push(() => resolve({ score: 1 }))),
    answer: () => waiting.splice(0).forEach((w) => w()),
  };
}

function open(store: Store, text = v1Text, actions: ActionExecutor = heldCalls(), clock = new VirtualClock(T0)): Runtime {
  return createRuntime({ ir: irOf(text, "reminders.journey"), store, clock, channels: new MemoryChannel(), actions });
}

/** The counts a scan of every stored profile gives: what the maintained counts must equal. */
async function scanned(store: Store): Promise<{ journey: string; version: string; node: string; count: number }[]> {
  const counts = new Map<string, { journey: string; version: string; node: string; count: number }>();
  for (let after: string | undefined; ; ) {
    const ids = await store.profileIds(after, 100);
    if (!ids.length) break;
    for (const id of ids) {
      for (const i of Object.values((await store.viewProfile(id))!.instances)) {
        const key = `${i.journey}|${i.version}|${i.node}`;
        const c = counts.get(key) ?? { journey: i.journey, version: i.version, node: i.node, count: 0 };
        c.count++;
        counts.set(key, c);
      }
    }
    after = ids[ids.length - 1];
  }
  return [...counts.values()].sort((a, b) => (`${a.journey}|${a.version}|${a.node}` < `${b.journey}|${b.version}|${b.node}` ? -1 : 1));
}

const places = (live: LiveInstances[]) => live.map(({ journey, version, node, count }) => ({ journey, version, node, count }));
const summary = (live: LiveInstances[]) => live.map((l) => `${l.journey} ${l.current ? "current" : "earlier"} ${l.step} ${l.location ? `${l.location.file}:${l.location.line}:${l.location.column}` : "?"} ×${l.count}`);
const lineOf = (text: string, needle: string, from = 0) => text.split("\n").findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe.each([
  ["MemoryStore", () => new MemoryStore()],
  ["SqliteStore", () => new SqliteStore(join(tmp, `l-${Math.random()}.db`))],
])("liveInstances on the %s", (_name, makeStore) => {
  it("counts instances as they enter, move on, end and are erased, always as a scan of the profiles does", async () => {
    const store = makeStore();
    const rt = open(store);
    await rt.start();
    expect(await rt.liveInstances()).toEqual([]);
    await rt.ingest([ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p2", T0, { n: 1 }), ev("Ping", "p3", T0 + HOUR, { n: 1 })]);
    // A timed wait's instances are counted at the step they resume at: the send after it.
    const wait = lineOf(v1Text, 'subject "reminder"');
    expect(summary(await rt.liveInstances())).toEqual([`Reminder current send reminders.journey:${wait}:3 ×3`]);
    expect(places(await rt.liveInstances())).toEqual(await scanned(store));

    // p1 and p2's waits end: they wait for an order; p3 still waits 4h.
    await rt.advanceTo(T0 + 4 * HOUR + MIN);
    const waitFor = lineOf(v1Text, "wait for Order");
    // In order of node id, which says nothing of the source order: compared as sets.
    expect(summary(await rt.liveInstances()).sort()).toEqual([`Reminder current waitFor reminders.journey:${waitFor}:3 ×2`, `Reminder current send reminders.journey:${wait}:3 ×1`].sort());
    expect(places(await rt.liveInstances())).toEqual(await scanned(store));

    // p1 orders: its instance ends. p2 is erased: its instance goes with it.
    await rt.ingest(ev("Order", "p1", T0 + 4 * HOUR + 30 * MIN, { orderId: "o1", items: [], total: 1 }));
    await rt.deleteProfile("p2");
    expect(summary(await rt.liveInstances())).toEqual([`Reminder current send reminders.journey:${wait}:3 ×1`]);
    expect(places(await rt.liveInstances())).toEqual(await scanned(store));

    // Everything ends: nothing is listed.
    await rt.advanceTo(T0 + 3 * 24 * HOUR);
    expect(await rt.liveInstances()).toEqual([]);
    expect(await scanned(store)).toEqual([]);
    await rt.stop();
    await store.close();
  });

  it("an instance waiting for a call's answer is counted at the call, from the commit before the call is made", async () => {
    const store = makeStore();
    const actions = heldCalls();
    const rt = open(store, v1Text, actions);
    await rt.start();
    const ingesting = rt.ingest(ev("Stop", "p1", T0, { reason: "x" }));
    for (let i = 0; i < 100 && !(await rt.liveInstances()).length; i++) await new Promise((r) => setTimeout(r, 5));
    expect(summary(await rt.liveInstances())).toEqual([`Scored current call reminders.journey:${lineOf(v1Text, "call Score")}:3 ×1`]);
    actions.answer();
    await ingesting;
    expect(await rt.liveInstances()).toEqual([]);
    await rt.stop();
    await store.close();
  });

  it("after a redeploy, the earlier version's instances are listed as not current, at their own source lines, until they finish", async () => {
    const store = makeStore();
    const clock = new VirtualClock(T0);
    const rt1 = open(store, v1Text, heldCalls(), clock);
    await rt1.start();
    await rt1.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt1.stop();

    const rt2 = open(store, v2Text, heldCalls(), clock);
    await rt2.start();
    await rt2.ingest(ev("Ping", "p2", T0 + MIN, { n: 1 }));
    const live = await rt2.liveInstances();
    const oldWait = lineOf(v1Text, 'subject "reminder"');
    const newWait = lineOf(v2Text, 'subject "reminder"');
    expect(oldWait).not.toBe(newWait);
    // Versions are hashes: in no particular order of deployment.
    expect(live.map((l) => [l.current, l.step, l.location?.line, l.count]).sort()).toEqual([
      [false, "send", oldWait, 1],
      [true, "send", newWait, 1],
    ]);
    expect(live.find((l) => l.current)!.version).toBe(rt2.program.current("Reminder")!.version);
    expect(live.find((l) => !l.current)!.version).not.toBe(rt2.program.current("Reminder")!.version);
    expect(places(live)).toEqual(await scanned(store));
    await rt2.stop();
    await store.close();
  });

  it("before start(): refused, saying so", async () => {
    const store = makeStore();
    await expect(open(store).liveInstances()).rejects.toThrow(/liveInstances before start\(\)/);
    await store.close();
  });
});

it("on a SQLite file, the counts survive a restart and go on from there", async () => {
  const path = join(tmp, "restart.db");
  const clock = new VirtualClock(T0);
  const first = new SqliteStore(path);
  const rt1 = open(first, v1Text, heldCalls(), clock);
  await rt1.start();
  await rt1.ingest([ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p2", T0, { n: 1 })]);
  await rt1.stop();
  await first.close();

  const second = new SqliteStore(path);
  const rt2 = open(second, v1Text, heldCalls(), clock);
  await rt2.start();
  expect(places(await rt2.liveInstances())).toEqual([{ journey: "Reminder", version: rt2.program.current("Reminder")!.version, node: expect.any(String), count: 2 }]);
  await rt2.ingest(ev("Ping", "p3", T0 + MIN, { n: 1 }));
  expect((await rt2.liveInstances())[0]!.count).toBe(3);
  expect(places(await rt2.liveInstances())).toEqual(await scanned(second));
  await rt2.stop();
  await second.close();
});
