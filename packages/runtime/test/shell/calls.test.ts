/**
 * A `call` step under way when `stop()` comes, through the default `HttpActionExecutor`
 * against a real HTTP server: no further attempt is begun (a backoff is cut short), the
 * attempt in hand finishes, and a call the stop interrupted is not failed — it stays in the
 * outbox and is made at the next start, once, its result stepping the instance on.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CallInterruptedError, createRuntime, HttpActionExecutor, MemoryChannel, SqliteStore, VirtualClock, type CallRequest, type Effect } from "@journey/runtime";
import type { IR } from "@journey/ir";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { T0, ev, withSchema, within } from "../engine/helpers.js";
import { actionServer } from "./action-server.js";

const dir = mkdtempSync(join(tmpdir(), "journey-calls-test-"));
let files = 0;
const dbPath = () => join(dir, `store-${++files}.db`);

/** The action's server: how it answers the next request, and every request it had. */
const api = actionServer();
let ir: IR;

beforeAll(() => {
  ir = withSchema(`
    action Lookup(id: string) -> { code: string } {
      get "${api.origin}/lookup?id={{id}}"
      timeout 2s
      retries 2
    }
    journey J {
      on Ping as ping
      call Lookup("x") as r on error {
        send email { subject "failed" text "x" } to profile.email
      }
      if r != null {
        send email { subject "code {{r.code}}" text "x" } to profile.email
      }
    }
  `);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ping = (n: number) => ev("Ping", "p1", T0, { n }, `ping-${n}`);
/** Resolves once the server has had `n` requests. */
async function hitCount(n: number): Promise<void> {
  for (let i = 0; i < 500 && api.hits.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  expect(api.hits).toHaveLength(n);
}
/** The runtime on `path`; a backoff longer than any test, so that a retry begun would show. */
function open(path: string, effects: Effect[] = []) {
  const store = new SqliteStore(path);
  const channel = new MemoryChannel();
  const rt = createRuntime({ ir, store, clock: new VirtualClock(T0), channels: channel, actions: new HttpActionExecutor(10_000), onEffect: (e) => effects.push(e) });
  return { store, channel, rt, effects };
}

describe("a call under way when stop() comes", () => {
  it("in its backoff: no further attempt, the call is not failed; the next start makes it once and its result steps the instance on", async () => {
    api.hits.length = 0;
    api.answer = (res) => res.writeHead(503).end();
    const path = dbPath();
    const first = open(path);
    await first.rt.start();
    const ingesting = first.rt.ingest(ping(1));
    await hitCount(1);
    // The first attempt failed; the executor waits 10 s before the next. The stop cuts that short.
    await within(Promise.all([first.rt.stop(), ingesting]), 2000, "stop()");
    expect(api.hits).toHaveLength(1);
    // Not failed: no `call` result, no `on error` path, nothing sent; the request waits in the outbox.
    expect(first.effects.map((e) => e.type)).toEqual(["entered", "callRequest"]);
    expect(first.channel.messages).toEqual([]);
    expect((await first.store.pendingEffects(0, 10)).effects.map((e) => e.type)).toEqual(["callRequest"]);
    await first.store.close();

    api.answer = (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: "C-1" }));
    const next = open(path);
    await next.rt.start();
    await next.rt.stop();
    expect(api.hits).toHaveLength(2);
    expect(next.channel.messages.map((m) => m.content["subject"])).toEqual(["code C-1"]);
    expect(next.effects.filter((e) => e.type === "call")).toMatchObject([{ action: "Lookup", ok: true }]);
    expect((await next.store.pendingEffects(0, 10)).effects).toEqual([]);
    await next.store.close();

    // Done with: a third start makes it no more.
    const third = open(path);
    await third.rt.start();
    await third.rt.stop();
    await third.store.close();
    expect(api.hits).toHaveLength(2);
    expect(third.channel.messages).toEqual([]);
  });

  it("in an attempt that then goes through: the attempt finishes and its result is stepped, nothing is left for the next start", async () => {
    api.hits.length = 0;
    let respond!: () => void;
    api.answer = (res) => (respond = () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: "C-2" })));
    const { rt, store, channel, effects } = open(dbPath());
    await rt.start();
    const ingesting = rt.ingest(ping(1));
    await hitCount(1);
    const stopping = rt.stop();
    respond();
    await within(Promise.all([stopping, ingesting]), 2000, "stop()");
    expect(api.hits).toHaveLength(1);
    expect(effects.filter((e) => e.type === "call")).toMatchObject([{ ok: true }]);
    // The send its result led to was not begun (nothing is, once stopping): it waits in the outbox.
    expect(channel.messages).toEqual([]);
    expect((await store.pendingEffects(0, 10)).effects.map((e) => e.type)).toEqual(["send"]);
    await store.close();
  });

  it("in an attempt that then fails with retries left: not failed, made again at the next start", async () => {
    api.hits.length = 0;
    let respond!: () => void;
    api.answer = (res) => (respond = () => res.writeHead(503).end());
    const path = dbPath();
    const first = open(path);
    await first.rt.start();
    const ingesting = first.rt.ingest(ping(1));
    await hitCount(1);
    const stopping = first.rt.stop();
    respond();
    await within(Promise.all([stopping, ingesting]), 2000, "stop()");
    expect(first.effects.map((e) => e.type)).toEqual(["entered", "callRequest"]);
    await first.store.close();

    api.answer = (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: "C-3" }));
    const next = open(path);
    await next.rt.start();
    await next.rt.stop();
    await next.store.close();
    expect(api.hits).toHaveLength(2);
    expect(next.channel.messages.map((m) => m.content["subject"])).toEqual(["code C-3"]);
  });
});

describe("HttpActionExecutor and `stopping`", () => {
  const request = (retries: number): CallRequest => ({ action: "Lookup", args: {}, method: "GET", url: `${api.origin}/direct`, headers: {}, timeoutMs: 2000, retries });

  it("already aborted: no attempt is begun; it throws the signal's reason", async () => {
    api.hits.length = 0;
    const stopping = new AbortController();
    stopping.abort(new CallInterruptedError());
    await expect(new HttpActionExecutor(0).execute(request(2), stopping.signal)).rejects.toBeInstanceOf(CallInterruptedError);
    expect(api.hits).toEqual([]);
  });

  it("the last attempt failing while stopping is the call's failure, not an interruption", async () => {
    api.hits.length = 0;
    const stopping = new AbortController();
    api.answer = (res) => {
      stopping.abort(new CallInterruptedError());
      res.writeHead(503).end();
    };
    await expect(new HttpActionExecutor(0).execute(request(0), stopping.signal)).rejects.toThrow("HTTP 503");
    expect(api.hits).toHaveLength(1);
  });
});
