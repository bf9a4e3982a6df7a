/**
 * On a virtual clock, `ingest` of many events applies each at its own time, after the timers
 * due before it, in units of work of many events: the timeline must be exactly the one of
 * `advanceTo(time)` then `ingest(event)`, one event at a time.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "@journey/compiler";
import { createRuntime, MemoryStore, SqliteStore, VirtualClock, type Effect, type EventEnvelope, type Store } from "@journey/runtime";
import { generate } from "../crash/generate.mjs";

const sample = new URL("../../../../samples/abandoned-cart/", import.meta.url);
const ir = compile(readdirSync(sample).filter((f) => f.endsWith(".journey")).map((f) => ({ path: f, text: readFileSync(new URL(f, sample), "utf8") }))).ir!;
const HOUR = 3_600_000;

const tmp = mkdtempSync(join(tmpdir(), "journey-replay-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Workload {
  events: EventEnvelope[];
  profiles: { id: string; [k: string]: unknown }[];
  catalog: object[];
}

/**
 * The timeline of a workload (events in time order), replayed one event per call or all in
 * one call. Effects of different profiles at one instant may come in either order: the
 * timeline is compared by time, then profile, each profile's effects in their order.
 */
async function replay(w: Workload, mode: "one by one" | "all at once", store: Store = new MemoryStore()): Promise<Effect[]> {
  const timeline: Effect[] = [];
  const times = w.events.map((e) => Date.parse(e.time));
  const rt = createRuntime({ ir, store, clock: new VirtualClock(Math.min(...times)), onEffect: (e) => timeline.push(e) });
  await rt.start();
  rt.catalog!.upsertItems(w.catalog as never);
  for (const { id, ...attributes } of w.profiles) await rt.upsertProfile(id, attributes);
  if (mode === "all at once") await rt.ingest(w.events);
  else {
    for (const e of w.events) {
      await rt.advanceTo(Date.parse(e.time));
      await rt.ingest(e);
    }
  }
  await rt.advanceTo(Math.max(...times) + 5 * 24 * HOUR);
  await rt.stop();
  await store.close();
  return timeline
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at - y.e.at || (x.e.profileId < y.e.profileId ? -1 : x.e.profileId > y.e.profileId ? 1 : x.i - y.i))
    .map(({ e }) => e);
}

describe("ingest on a virtual clock: many events in one call", () => {
  const workload = generate({ profiles: 1500, days: 3, seed: 7 }) as unknown as Workload;

  it("gives the timeline of one event at a time (memory store)", async () => {
    const one = await replay(workload, "one by one");
    expect(one.filter((e) => e.type === "send").length).toBeGreaterThan(500);
    expect(await replay(workload, "all at once")).toEqual(one);
  });

  it("gives the timeline of one event at a time (SQLite store)", async () => {
    const one = await replay(workload, "one by one");
    expect(await replay(workload, "all at once", new SqliteStore(join(tmp, "replay.db")))).toEqual(one);
  });

  it("with more timers due inside the span of the events than one unit of work reads ahead", async () => {
    // 2,100 carts at one instant (three units of work) wait 4 hours together; orders come
    // before, at and after their timers: a timer not read ahead must still fire before them.
    const many = generate({ profiles: 2200, days: 1, seed: 8 }) as unknown as Workload;
    const [first] = many.events.filter((e) => e.type === "CartAbandoned");
    const t0 = Date.parse("2026-03-02T09:00:00Z");
    const at = (ms: number) => new Date(ms).toISOString();
    const shoppers = many.profiles.slice(0, 2100);
    const carts = shoppers.map((p, i) => ({ ...first!, id: `cart${i}`, profileId: p.id, time: at(t0) }));
    const orders = shoppers
      .filter((_, i) => i % 3 === 0)
      .map((p, i) => ({
        id: `order${i}`,
        type: "OrderPlaced",
        profileId: p.id,
        time: at(t0 + 4 * HOUR + (i % 3) * HOUR - HOUR / 2),
        data: { orderId: `o${i}`, cartId: first!.data["cartId"], items: first!.data["items"], total: first!.data["total"] },
      }));
    const w = { ...many, events: [...carts, ...orders].sort((a, b) => Date.parse(a.time) - Date.parse(b.time)) };
    const one = await replay(w, "one by one");
    expect(one.filter((e) => e.type === "send").length).toBeGreaterThan(1500);
    expect(await replay(w, "all at once")).toEqual(one);
  });
});
