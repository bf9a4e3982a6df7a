/**
 * WebhookChannel against a real HTTP server on the loopback: what it POSTs, the signature
 * checked with the recipe docs/embedding.md gives receivers, every kind of failure as an
 * error the runtime retries, and that retry through `createRuntime` on a virtual clock.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, isPermanentFailure, PermanentDeliveryError, SqliteStore, VirtualClock, WebhookChannel, type Effect, type OutgoingMessage } from "@journey/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { T0, ev, withSchema } from "../engine/helpers.js";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A server on a free loopback port that records each request and answers it with `answer`. */
async function receiver(answer: (res: ServerResponse, n: number) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (c: string) => (body += c));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      answer(res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** The receiver's side, as docs/embedding.md writes it: true when the request is signed with `secret` and at most 5 minutes old. */
function verify(secret: string, header: string | undefined, rawBody: string, toleranceSeconds = 300): boolean {
  const parts = new Map((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex");
  return v1.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
}

const SECRET = "whsec_test_4f2a";

const message: OutgoingMessage = {
  key: "J/i1/n2/0",
  at: "2026-01-05T09:00:00.000Z",
  channel: "sms",
  to: "+46700000000",
  from: "Nordvik",
  profileId: "p1",
  journey: "J",
  content: { text: "Your cart is saved: 3 × Tent — 1 299 kr" },
};

describe("WebhookChannel", () => {
  it("POSTs the message as JSON with its key as Idempotency-Key, signed so the documented recipe verifies it", async () => {
    const r = await receiver((res) => res.writeHead(204).end());
    await new WebhookChannel({ url: `${r.url}/hooks/journey?team=7`, secret: SECRET }).send(message);
    expect(r.received).toHaveLength(1);
    const [req] = r.received;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe("/hooks/journey?team=7");
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["idempotency-key"]).toBe("J/i1/n2/0");
    expect(JSON.parse(req!.body)).toEqual(message);
    const header = req!.headers["journey-signature"] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(SECRET, header, req!.body)).toBe(true);
    // The signature covers the body and the time, under this secret only.
    expect(verify("another secret", header, req!.body)).toBe(false);
    expect(verify(SECRET, header, req!.body.replace("Nordvik", "Nordvík"))).toBe(false);
    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(verify(SECRET, header.replace(`t=${t}`, `t=${t - 1}`), req!.body)).toBe(false);
    expect(verify(SECRET, header, req!.body, -1)).toBe(false);
  });

  it("without a secret, no signature header", async () => {
    const r = await receiver((res) => res.writeHead(200).end("ok"));
    await new WebhookChannel({ url: r.url }).send(message);
    expect(r.received[0]!.headers["journey-signature"]).toBeUndefined();
  });

  it("a user and password in the URL go as Basic authorization (fetch refuses them in the URL, repeating the password in its error)", async () => {
    const r = await receiver((res) => res.writeHead(204).end());
    const url = r.url.replace("http://", "http://hook%40ops:p%3Ass%20w0rd@");
    await new WebhookChannel({ url: `${url}/in?token=t` }).send(message);
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.url).toBe("/in?token=t");
    expect(r.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from("hook@ops:p:ss w0rd").toString("base64")}`);
    // Errors still never name them.
    const failing = await receiver((res) => res.writeHead(503).end());
    const error = await new WebhookChannel({ url: failing.url.replace("http://", "http://u:secret-pw@") }).send(message).catch((e: Error) => e);
    expect((error as Error).message).toBe(`webhook ${failing.url}/: HTTP 503 Service Unavailable`);
    expect(() => new WebhookChannel({ url: "https://u:100%zz@example.com/in" })).toThrow("WebhookChannel: the user or password in the URL has a `%` that starts no percent-encoded character (write `%25` for `%`)");
  });

  it("any answer but 2xx is an error naming the URL and the status, never the secret nor the query", async () => {
    const r = await receiver((res, n) => res.writeHead(n === 1 ? 500 : 409).end("no"));
    const channel = new WebhookChannel({ url: `${r.url}/hook?token=query-token`, secret: SECRET });
    const first = await channel.send(message).catch((e: Error) => e);
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toBe(`webhook ${r.url}/hook: HTTP 500 Internal Server Error`);
    await expect(channel.send(message)).rejects.toThrow(`webhook ${r.url}/hook: HTTP 409 Conflict`);
    expect((first as Error).message).not.toContain(SECRET);
    expect((first as Error).message).not.toContain("query-token");
  });

  it("a 4xx refuses the message for good (but 401, 407, 408, 425 and 429); a 5xx does not", async () => {
    const statuses = [400, 401, 403, 404, 407, 408, 409, 410, 413, 422, 425, 429, 500, 502, 503];
    const r = await receiver((res, n) => res.writeHead(statuses[n - 1]!).end());
    const channel = new WebhookChannel({ url: r.url });
    const outcomes: Record<number, boolean> = {};
    for (const status of statuses) outcomes[status] = await channel.send(message).then(() => { throw new Error("delivered"); }, (e: Error) => isPermanentFailure(e));
    expect(outcomes).toEqual({ 400: true, 401: false, 403: true, 404: true, 407: false, 408: false, 409: true, 410: true, 413: true, 422: true, 425: false, 429: false, 500: false, 502: false, 503: false });
    // The error says why, and names the URL without its query, as every failure does.
    const refusing = await receiver((res) => res.writeHead(422).end());
    const refused = await new WebhookChannel({ url: `${refusing.url}/in?token=query-token`, secret: SECRET }).send(message).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as Error).message).toBe(`webhook ${refusing.url}/in: HTTP 422 Unprocessable Entity (the receiver refuses this message: a 4xx answer is not tried again)`);
  });

  it("in a runtime: a 400 is tried once, the message given up (`undelivered`), and never tried again, also after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "journey-webhook-test-"));
    const path = join(dir, "store.db");
    const ir = withSchema(`
      journey J {
        on Ping as ping
        send webhook { url "https://example.com/in/{{ping.n}}" json { n: ping.n } }
      }
    `);
    const r = await receiver((res) => res.writeHead(400).end("bad payload"));
    const effects: Effect[] = [];
    const open = (t: number) => {
      const store = new SqliteStore(path);
      const rt = createRuntime({ ir, store, clock: new VirtualClock(t), channels: new WebhookChannel({ url: r.url }), onEffect: (e) => void effects.push(e) });
      return { store, rt };
    };
    try {
      let { store, rt } = open(T0);
      await rt.start();
      await rt.ingest(ev("Ping", "p1", T0, { n: 1 }));
      await rt.advanceTo(T0 + 86_400_000);
      await rt.stop();
      await store.close();
      expect(r.received).toHaveLength(1);
      expect(effects.filter((e) => e.type === "undelivered")).toMatchObject([{ channel: "webhook", permanent: true, attempts: 1, reason: `webhook ${r.url}/: HTTP 400 Bad Request (the receiver refuses this message: a 4xx answer is not tried again)` }]);
      ({ store, rt } = open(T0 + 86_400_000));
      await rt.start();
      await rt.advanceTo(T0 + 2 * 86_400_000);
      expect((await store.pendingEffects(0, 10)).effects).toEqual([]);
      await rt.stop();
      await store.close();
      expect(r.received).toHaveLength(1);
      expect(effects.filter((e) => e.type === "undelivered")).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a redirect is not followed: it is an error saying where it pointed", async () => {
    const target = await receiver((res) => res.writeHead(200).end());
    const r = await receiver((res) => res.writeHead(307, { location: `${target.url}/elsewhere` }).end());
    const redirected = await new WebhookChannel({ url: r.url, secret: SECRET }).send(message).catch((e: Error) => e);
    expect((redirected as Error).message).toBe(`webhook ${r.url}/: HTTP 307, a redirect to ${target.url}/elsewhere, which is not followed: configure the URL it points to`);
    // Configuration to fix, not a message to drop: tried again.
    expect(isPermanentFailure(redirected)).toBe(false);
    expect(target.received).toHaveLength(0);
  });

  it("a receiver that does not answer in time is an error once the timeout passes", async () => {
    const r = await receiver(() => {});
    const started = Date.now();
    await expect(new WebhookChannel({ url: r.url, timeoutMs: 300 }).send(message)).rejects.toThrow(`webhook ${r.url}/: no answer within 0.3 s`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a refused connection is an error saying why", async () => {
    const r = await receiver((res) => res.end());
    const closed = servers.pop()!;
    await new Promise((done) => closed.close(done));
    await expect(new WebhookChannel({ url: r.url }).send(message)).rejects.toThrow(new RegExp(`^webhook ${r.url}/: fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\)$`));
  });

  it("refuses, when made, a URL that is not http(s), a blank secret and a timeout that is not a positive number", () => {
    expect(() => new WebhookChannel({ url: "ftp://example.com/in" })).toThrow("WebhookChannel: `ftp:` URLs cannot take a POST: give an http:// or https:// URL");
    // A host without its scheme: the message gives the URLs it may have meant (`localhost:9999` even parses, its scheme `localhost:`).
    expect(() => new WebhookChannel({ url: "example.com/in" })).toThrow("WebhookChannel: `example.com/in` is not a URL (expected http://… or https://…: http://example.com/in or https://example.com/in)");
    expect(() => new WebhookChannel({ url: "localhost:9999" })).toThrow("WebhookChannel: `localhost:9999` is not a URL (expected http://… or https://…: http://localhost:9999 or https://localhost:9999)");
    expect(() => new WebhookChannel({ url: "hooks at example.com" })).toThrow("WebhookChannel: `hooks at example.com` is not a URL (expected http://… or https://…)");
    expect(() => new WebhookChannel({ url: "https://example.com", secret: "" })).toThrow("WebhookChannel: `secret` must be a non-empty string");
    expect(() => new WebhookChannel({ url: "https://example.com", timeoutMs: 0 })).toThrow("WebhookChannel: `timeoutMs` must be a positive number of milliseconds");
    expect(new WebhookChannel({ url: "https://user:pw@example.com:8443/in?t=1#x" }).target).toBe("https://example.com:8443/in");
  });

  it("in a runtime: a receiver failing twice is retried with backoff on the clock, then the message is delivered once", async () => {
    const ir = withSchema(`
      channel email { from "Shop <hello@shop.example>" }
      journey J {
        on Ping as ping
        send email { subject "hello {{ping.n}}" text "hi" } to profile.email
      }
    `);
    const r = await receiver((res, n) => res.writeHead(n <= 2 ? 503 : 200).end());
    const errors: string[] = [];
    const logger = { info() {}, warn() {}, error: (_o: object, m?: string) => void errors.push(m ?? "") };
    const clock = new VirtualClock(T0);
    const rt = createRuntime({ ir, clock, logger, channels: new WebhookChannel({ url: r.url, secret: SECRET }) });
    await rt.start();
    await rt.ingest(ev("Ping", "p1", T0, { n: 1 }));
    expect(r.received).toHaveLength(1);
    // The first failure waits 2 s, the second 4 s more: nothing is tried before its time.
    for (const [t, requests] of [[1000, 1], [2000, 2], [5999, 2], [6000, 3], [3_600_000, 3]] as const) {
      await rt.advanceTo(T0 + t);
      expect({ t, requests: r.received.length }).toEqual({ t, requests });
    }
    await rt.stop();
    expect(new Set(r.received.map((q) => q.headers["idempotency-key"])).size).toBe(1);
    expect(r.received.every((q) => verify(SECRET, q.headers["journey-signature"] as string, q.body))).toBe(true);
    expect(JSON.parse(r.received[2]!.body)).toMatchObject({ channel: "email", to: "p@example.com", from: "Shop <hello@shop.example>", profileId: "p1", content: { subject: "hello 1", text: "hi" } });
    expect(errors).toEqual([`channel send failed: webhook ${r.url}/: HTTP 503 Service Unavailable; it stays in the outbox, tried again in 2 s`, `channel send failed: webhook ${r.url}/: HTTP 503 Service Unavailable; it stays in the outbox, tried again in 4 s`]);
  });
});
