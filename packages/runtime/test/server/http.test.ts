/**
 * The HTTP API through fastify's `inject` (no sockets): every route, invalid input refused with
 * its field paths and nothing stored, auth, limits, unknown routes, malformed JSON, draining,
 * and the metrics text.
 */
import { createRuntime, MemoryChannel, MemoryStore, VirtualClock, type Runtime } from "@journey/runtime";
import { createServer, ServerMetrics, type JourneyServer, type ServerOptions } from "@journey/runtime/server";
import { afterEach, describe, expect, it } from "vitest";
import { T0, withSchema } from "../engine/helpers.js";

const ir = withSchema(`
  journey Welcome {
    on Cart as cart
    send email { subject "cart {{cart.cartId}}" text "x" } to profile.email
    wait 1h
    send email { subject "still there?" text "x" } to profile.email
  }
  journey GoldPerks {
    on enter Gold
    send email { subject "perks" text "x" } to profile.email
  }
  experience Hero {
    surface "web://shop.example.com/#hero"
    format text
    variant Gold when profile.tier == "gold" { content "gold hero" }
    variant Default { content "hero" }
  }
`);

const cart = (id: string, profileId = "p1", extra: Record<string, unknown> = {}) => ({ id, type: "Cart", profileId, time: new Date(T0).toISOString(), data: { cartId: id, items: [], total: 1, ...extra } });

interface Harness {
  runtime: Runtime;
  server: JourneyServer;
  store: MemoryStore;
  channel: MemoryChannel;
  request(method: "GET" | "POST" | "PUT", url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Record<string, unknown> }>;
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.server.close();
    await h.runtime.stop();
  }
});

async function harness(options: Omit<ServerOptions, "logger"> = {}): Promise<Harness> {
  const store = new MemoryStore();
  const channel = new MemoryChannel();
  const metrics = options.metrics ?? new ServerMetrics();
  const runtime = createRuntime({ ir, store, channels: channel, clock: new VirtualClock(T0), onEffect: metrics.effect });
  await runtime.start();
  const server = createServer(runtime, { ...options, metrics, logger: false });
  const h: Harness = {
    runtime,
    server,
    store,
    channel,
    async request(method, url, body, headers = {}) {
      const res = await server.app.inject({
        method,
        url,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        ...(body !== undefined ? { payload: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const json = res.body && String(res.headers["content-type"]).startsWith("application/json") ? JSON.parse(res.body) : undefined;
      return { status: res.statusCode, json, text: res.body, headers: res.headers };
    },
  };
  open.push(h);
  return h;
}

describe("POST /v1/events", () => {
  it("accepts one envelope or a list, and acknowledges a repeated id as a duplicate", async () => {
    const h = await harness();
    expect(await h.request("POST", "/v1/events", cart("c1"))).toMatchObject({ status: 202, json: { accepted: 1, duplicates: 0 } });
    expect(await h.request("POST", "/v1/events", [cart("c1"), cart("c2", "p2")])).toMatchObject({ status: 202, json: { accepted: 1, duplicates: 1 } });
    expect(h.channel.messages.map((m) => m.content["subject"])).toEqual(["cart c1", "cart c2"]);
  });

  it("refuses an invalid event with the field path, and stores nothing of its list", async () => {
    const h = await harness();
    const r = await h.request("POST", "/v1/events", [cart("c1"), cart("c2", "p2", { total: "lots" })]);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^invalid event\[1\]: event\[1\]\.data\.total /);
    expect(r.json.errors).toEqual([{ path: "event[1].data.total", message: expect.any(String) }]);
    expect(await h.store.viewProfile("p1")).toBeUndefined();
    expect(await h.store.hasEvent("c1")).toBe(false);
    expect(h.channel.messages).toEqual([]);
  });

  it("refuses what is not an event at all with a path", async () => {
    const h = await harness();
    expect(await h.request("POST", "/v1/events", "42")).toMatchObject({ status: 400, json: { errors: [{ path: "event", message: "must be an object" }] } });
    expect(await h.request("POST", "/v1/events", { ...cart("c1"), type: "Nope" })).toMatchObject({ status: 400, json: { errors: [{ path: "event.type" }] } });
  });
});

describe("profiles", () => {
  it("PUT stores the attributes (204) and GET shows the state: instances, what they wait for, history", async () => {
    const h = await harness();
    expect((await h.request("PUT", "/v1/profiles/p%201", { email: "a@example.com", tier: "gold" })).status).toBe(204);
    await h.request("POST", "/v1/events", cart("c1", "p 1"));
    const r = await h.request("GET", "/v1/profiles/p%201");
    expect(r.status).toBe(200);
    expect(r.json.id).toBe("p 1");
    expect(r.json.attributes).toMatchObject({ email: "a@example.com", tier: "gold" });
    const welcome = Object.values(r.json.instances as Record<string, { journey: string; waiting?: unknown }>).find((i) => i.journey === "Welcome");
    expect(welcome).toMatchObject({ journey: "Welcome" });
    expect(JSON.stringify(r.json)).toContain("GoldPerks");
  });

  it("GET of an unknown profile is a 404", async () => {
    const h = await harness();
    expect(await h.request("GET", "/v1/profiles/nobody")).toMatchObject({ status: 404, json: { error: "no profile `nobody`" } });
  });

  it("PUT refuses invalid attributes with their paths, and stores nothing", async () => {
    const h = await harness();
    const r = await h.request("PUT", "/v1/profiles/p1", { tier: "platinum", points: "many" });
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(["profile.tier", "profile.points"]);
    expect(await h.request("PUT", "/v1/profiles/p1", [1, 2])).toMatchObject({ status: 400, json: { errors: [{ path: "profile", message: "must be an object" }] } });
    expect(await h.store.viewProfile("p1")).toBeUndefined();
  });
});

describe("POST /v1/decide", () => {
  it("decides each surface for the profile", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/profiles/p1", { tier: "gold" });
    const r = await h.request("POST", "/v1/decide", { surfaces: ["web://shop.example.com/#hero"], profileId: "p1" });
    expect(r.status).toBe(200);
    expect(r.json.decisions).toMatchObject([{ surface: "web://shop.example.com/#hero", experience: "Hero", variant: "Gold", content: "gold hero" }]);
  });

  it("refuses a request of the wrong shape with the path", async () => {
    const h = await harness();
    expect(await h.request("POST", "/v1/decide", { surfaces: "web://x", profileId: "p1" })).toMatchObject({ status: 400, json: { errors: [{ path: "surfaces" }] } });
    expect(await h.request("POST", "/v1/decide", { surfaces: [], profileId: "" })).toMatchObject({ status: 400, json: { errors: [{ path: "profileId" }] } });
    expect(await h.request("POST", "/v1/decide", { surfaces: [], profileId: "p", context: 3 })).toMatchObject({ status: 400, json: { errors: [{ path: "context" }] } });
    expect(await h.request("POST", "/v1/decide", [])).toMatchObject({ status: 400, json: { errors: [{ path: "" }] } });
  });
});

describe("GET /v1/journeys", () => {
  it("lists the deployed journeys by name, with their versions and triggers", async () => {
    const h = await harness();
    const r = await h.request("GET", "/v1/journeys");
    expect(r.status).toBe(200);
    expect(r.json.journeys).toEqual([
      { name: "GoldPerks", version: ir.journeys["GoldPerks"]!.version, trigger: { kind: "audience", audience: "Gold" } },
      { name: "Welcome", version: ir.journeys["Welcome"]!.version, trigger: { kind: "event", event: "Cart" } },
    ]);
  });
});

describe("health, auth, limits and errors", () => {
  it("health is ok, and 503 once draining (other routes too, with the connection closed)", async () => {
    const h = await harness();
    expect(await h.request("GET", "/health")).toMatchObject({ status: 200, json: { status: "ok" } });
    h.server.drain();
    expect(await h.request("GET", "/health")).toMatchObject({ status: 503, json: { status: "stopping" } });
    const r = await h.request("POST", "/v1/events", cart("c1"));
    expect(r).toMatchObject({ status: 503, json: { error: "the service is stopping" } });
    expect(r.headers["connection"]).toBe("close");
    expect(await h.store.hasEvent("c1")).toBe(false);
  });

  it("with a token, every route but /health and /metrics needs it", async () => {
    const h = await harness({ token: "s3cret" });
    const missing = await h.request("GET", "/v1/journeys");
    expect(missing).toMatchObject({ status: 401, json: { error: expect.stringContaining("missing bearer token") } });
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="journey"');
    expect(await h.request("POST", "/v1/events", cart("c1"), { authorization: "Bearer s3cre" })).toMatchObject({ status: 401, json: { error: "wrong bearer token" } });
    expect(await h.request("GET", "/v1/journeys", undefined, { authorization: "Basic s3cret" })).toMatchObject({ status: 401 });
    expect(await h.store.hasEvent("c1")).toBe(false);
    expect((await h.request("GET", "/v1/journeys", undefined, { authorization: "Bearer s3cret" })).status).toBe(200);
    expect((await h.request("GET", "/health")).status).toBe(200);
    expect((await h.request("GET", "/metrics")).status).toBe(200);
  });

  it("a body over the limit is a 413 with a JSON error, and nothing is stored", async () => {
    const h = await harness({ bodyLimit: 200 });
    const r = await h.request("POST", "/v1/events", cart("c1", "p1", { cartId: "x".repeat(300) }));
    expect(r).toMatchObject({ status: 413, json: { error: "the request body is over the limit of 200 bytes" } });
    expect(await h.store.hasEvent("c1")).toBe(false);
  });

  it("malformed JSON, an empty body and an unknown route are answered in JSON", async () => {
    const h = await harness();
    const bad = await h.request("POST", "/v1/events", '{"id": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^invalid JSON: /);
    expect(await h.request("POST", "/v1/events", "  ")).toMatchObject({ status: 400, json: { error: "the request body is empty: send JSON" } });
    expect(await h.request("PUT", "/v1/profiles/p1")).toMatchObject({ status: 400, json: { error: "the request body is empty: send JSON" } });
    expect(await h.request("GET", "/v2/nothing")).toMatchObject({ status: 404, json: { error: "no route GET /v2/nothing" } });
    expect(await h.request("GET", "/v1/profiles/%ZZ")).toMatchObject({ status: 400, json: { error: expect.any(String) } });
  });

  it("reads JSON whatever the content type says (curl -d, fetch with a string body)", async () => {
    const h = await harness();
    const r = await h.request("POST", "/v1/events", JSON.stringify(cart("c1")), { "content-type": "application/x-www-form-urlencoded" });
    expect(r).toMatchObject({ status: 202, json: { accepted: 1 } });
  });

  it("a failure inside is a 500 with a generic message, never the error's", async () => {
    const h = await harness();
    h.store.viewProfile = () => Promise.reject(new Error("disk on fire at /var/lib/secret"));
    const r = await h.request("GET", "/v1/profiles/p1");
    expect(r).toMatchObject({ status: 500, json: { error: "internal error" } });
    expect(r.text).not.toContain("disk on fire");
  });
});

describe("GET /metrics", () => {
  it("counts events, profiles, decisions, effects and requests in the Prometheus text format", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/profiles/p1", {});
    await h.request("POST", "/v1/events", [cart("c1"), cart("c1")]);
    await h.request("POST", "/v1/events", [cart("c2"), { ...cart("c3"), time: "yesterday" }]);
    await h.request("POST", "/v1/decide", { surfaces: ["web://shop.example.com/#hero"], profileId: "p1" });
    await h.request("GET", "/v1/profiles/nobody");
    const r = await h.request("GET", "/metrics");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const lines = r.text.split("\n");
    for (const line of [
      "# TYPE journey_events_accepted_total counter",
      "journey_events_accepted_total 1",
      "journey_events_duplicate_total 1",
      "journey_events_rejected_total 2",
      "journey_profiles_upserted_total 1",
      "journey_decisions_total 1",
      'journey_effects_total{type="send"} 1',
      'journey_http_requests_total{route="/v1/events",method="POST",status="202"} 1',
      'journey_http_requests_total{route="/v1/events",method="POST",status="400"} 1',
      'journey_http_requests_total{route="/v1/profiles/:id",method="GET",status="404"} 1',
    ]) {
      expect(lines).toContain(line);
    }
  });
});
