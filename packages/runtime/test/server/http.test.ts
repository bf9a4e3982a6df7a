/**
 * The HTTP API through fastify's `inject` (no sockets): every route, invalid input refused with
 * its field paths and nothing stored, auth, limits, unknown routes and wrong methods, malformed
 * JSON, draining, the metrics text, and what is logged.
 */
import { connect } from "node:net";
import { Writable } from "node:stream";
import { createRuntime, MemoryChannel, MemoryStore, VirtualClock, type ChannelAdapter, type Runtime } from "@journey/runtime";
import { createServer, ServerMetrics, type JourneyServer, type ServerOptions } from "@journey/runtime/server";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { IR } from "@journey/ir";
import { ev, HOUR, PRODUCT_CATALOG, T0, withSchema, within } from "../engine/helpers.js";

const ir = withSchema(`
  ${PRODUCT_CATALOG}
  journey Picks {
    on View as v
    recommend recs = recentlyViewed() limit 3
    send email { subject "picks:{{#each recs as |p|}} {{p.name}}{{/each}}" text "x" } to profile.email
  }
  journey Welcome {
    on Cart as cart
    goal ordered: Order within 7d
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
  request(method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS", url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Record<string, unknown> }>;
}

const open: Pick<Harness, "runtime" | "server">[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.server.close();
    await h.runtime.stop();
  }
});

/**
 * A raw client of the server on `port` that sends a request's headers at once and then its
 * body a byte every 100 ms (never its last byte: the request is never whole).
 */
function trickling(port: number, body: string) {
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.setEncoding("utf8").on("data", (d: string) => (answer += d));
  socket.on("error", () => {});
  const ended = new Promise<void>((r) => socket.once("close", () => r()));
  socket.write(`POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
  let sent = 0;
  const timer = setInterval(() => sent < body.length - 1 && !socket.destroyed && socket.write(body[sent++]!), 100);
  return {
    ended,
    answer: () => answer,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** A runtime on a memory store behind a server; `project` and `adapter` replace the test project and the channel's delivery. */
async function harness(options: Omit<ServerOptions, "logger"> = {}, project: IR = ir, adapter?: ChannelAdapter): Promise<Harness> {
  const store = new MemoryStore();
  const channel = new MemoryChannel();
  const metrics = options.metrics ?? new ServerMetrics();
  const runtime = createRuntime({ ir: project, store, channels: metrics.deliveries(adapter ?? channel), clock: new VirtualClock(T0), onEffect: metrics.effect });
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

  it("refuses a profile id too long for an unsubscribe link, in the body as in the path", async () => {
    const h = await harness();
    const id = "p".repeat(257);
    const r = await h.request("POST", "/v1/events", cart("c1", id));
    expect(r).toMatchObject({ status: 400, json: { errors: [{ path: "event.profileId", message: expect.stringMatching(/^must be at most 256 bytes \(UTF-8\), not 257: /) }] } });
    expect(await h.store.hasEvent("c1")).toBe(false);
    expect(await h.request("PUT", `/v1/profiles/${id}`, { email: "a@example.com" })).toMatchObject({ status: 400, json: { errors: [{ path: "id" }] } });
    // Up to the bound, an id is taken in the path as in the body (past fastify's 100 characters for a parameter).
    const most = encodeURIComponent("é".repeat(128));
    expect((await h.request("PUT", `/v1/profiles/${most}`, { email: "a@example.com" })).status).toBe(204);
    expect(await h.request("GET", `/v1/profiles/${most}`)).toMatchObject({ status: 200, json: { id: "é".repeat(128) } });
    expect(await h.request("DELETE", `/v1/profiles/${most}`)).toMatchObject({ status: 200 });
  });

  it("names the declared field a misspelt one means", async () => {
    const h = await harness();
    const { cartId, ...data } = cart("c1").data;
    const r = await h.request("POST", "/v1/events", { ...cart("c1"), data: { ...data, cartid: cartId } });
    expect(r).toMatchObject({
      status: 400,
      json: {
        errors: [
          { path: "event.data.cartId", message: "is missing (given as `cartid`?)" },
          { path: "event.data.cartid", message: "is not a declared field (did you mean `cartId`?)" },
        ],
      },
    });
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

  it("DELETE erases the profile: its live instances end (counted by reason `deleted`), its later message never goes; then 404", async () => {
    const h = await harness();
    await h.request("POST", "/v1/events", cart("c1"));
    expect(await h.request("DELETE", "/v1/profiles/p1")).toMatchObject({ status: 200, json: { instancesEnded: 1 } });
    expect(await h.request("GET", "/v1/profiles/p1")).toMatchObject({ status: 404 });
    await h.runtime.advanceTo(T0 + 2 * 3_600_000);
    expect(h.channel.messages.map((m) => m.content["subject"])).toEqual(["cart c1"]);
    const metrics = (await h.request("GET", "/metrics")).text.split("\n");
    expect(metrics).toContain('journey_ended_total{journey="Welcome",reason="deleted"} 1');
    expect(metrics).toContain("journey_profiles_deleted_total 1");
    expect(await h.request("DELETE", "/v1/profiles/p1")).toMatchObject({ status: 404, json: { error: "no profile `p1`" } });
    expect((await h.request("GET", "/metrics")).text.split("\n")).toContain("journey_profiles_deleted_total 1");
  });
});

describe("POST /v1/decide", () => {
  it("decides each surface for the profile", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/profiles/p1", { tier: "gold" });
    const r = await h.request("POST", "/v1/decide", { surfaces: ["web://shop.example.com/#hero"], profileId: "p1" });
    expect(r.status).toBe(200);
    expect(r.json.decisions).toMatchObject([{ surface: "web://shop.example.com/#hero", experience: "Hero", variant: "Gold", content: "gold hero" }]);
    // Personal, and recorded as shown: no cache may keep it.
    expect(r.headers["cache-control"]).toBe("no-store");
  });

  it("refuses a request of the wrong shape with the path", async () => {
    const h = await harness();
    expect(await h.request("POST", "/v1/decide", { surfaces: "web://x", profileId: "p1" })).toMatchObject({ status: 400, json: { errors: [{ path: "surfaces" }] } });
    expect(await h.request("POST", "/v1/decide", { surfaces: [], profileId: "" })).toMatchObject({ status: 400, json: { errors: [{ path: "profileId" }] } });
    expect(await h.request("POST", "/v1/decide", { surfaces: [], profileId: "p", context: 3 })).toMatchObject({ status: 400, json: { errors: [{ path: "context" }] } });
    expect(await h.request("POST", "/v1/decide", [])).toMatchObject({ status: 400, json: { errors: [{ path: "" }] } });
  });
});

const product = (sku: string, extra: Record<string, unknown> = {}) => ({ sku, name: `Name ${sku}`, price: 10, category: "tents", inStock: true, ...extra });

describe("catalog items", () => {
  it("PUT stores the valid items and names every wrong field of the others; GET shows a stored item", async () => {
    const h = await harness();
    // Undeclared fields are kept, also one that a did-you-mean would name (`names`).
    const r = await h.request("PUT", "/v1/catalog/items", [product("A"), { sku: "B", name: "Bee", price: "1", category: "tents" }, 42, product("C", { feedOnly: "kept", names: "kept" })]);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      upserted: 2,
      rejected: [
        { index: 1, key: "B", path: "item.price", message: expect.stringMatching(/^expected number/) },
        { index: 1, key: "B", path: "item.inStock", message: expect.any(String) },
        { index: 2, path: "item", message: "expected a record" },
      ],
    });
    expect(await h.store.loadItems(undefined, 10)).toEqual([
      { key: "A", item: product("A") },
      { key: "C", item: product("C", { feedOnly: "kept", names: "kept" }) },
    ]);
    expect(await h.request("GET", "/v1/catalog/items/A")).toMatchObject({ status: 200, json: product("A") });
    expect(await h.request("GET", "/v1/catalog/items/B")).toMatchObject({ status: 404, json: { error: "no catalog item `B`" } });
    // A declared field given misspelt is missing: the item is refused, the spelling named.
    const { price, ...rest } = product("D");
    const misspelt = await h.request("PUT", "/v1/catalog/items", [{ ...rest, prices: price }]);
    expect(misspelt).toMatchObject({ status: 400, json: { error: "no valid catalog item: catalog item `D` (items[0]): item.price is missing (given as `prices`?)" } });
    // A key is a path segment: one holding a slash or a space is sent encoded.
    await h.request("PUT", "/v1/catalog/items", [product("x/y z")]);
    expect(await h.request("GET", "/v1/catalog/items/x%2Fy%20z")).toMatchObject({ status: 200, json: { sku: "x/y z" } });
  });

  it("PUT replaces an item whole, and never with an invalid one", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/catalog/items", [product("A", { price: 10 })]);
    expect((await h.request("PUT", "/v1/catalog/items", [product("A", { price: 12 }), product("A", { price: "13" })])).json).toMatchObject({ upserted: 1, rejected: [{ index: 1, key: "A", path: "item.price" }] });
    expect((await h.request("GET", "/v1/catalog/items/A")).json.price).toBe(12);
    expect(await h.store.loadItems(undefined, 10)).toEqual([{ key: "A", item: product("A", { price: 12 }) }]);
  });

  it("PUT keeps an item whose undeclared field looks like a misspelt optional one, and says so in `warnings`", async () => {
    const h = await harness({}, withSchema(PRODUCT_CATALOG.replace("inStock: bool", "inStock: bool\n  badge?: string")));
    const r = await h.request("PUT", "/v1/catalog/items", [product("A", { Badge: "new" }), product("B", { badge: "sale", badges: "x" }), product("C", { feed: "kept" })]);
    expect(r).toMatchObject({ status: 200 });
    // B gives `badge` itself: `badges` is another field of the feed, not a misspelling.
    expect(r.json).toEqual({
      upserted: 3,
      rejected: [],
      warnings: [{ index: 0, key: "A", path: "item.Badge", message: "catalog item `A` (items[0]): item.Badge is not a declared field (did you mean `badge`?); kept without `badge`" }],
    });
    expect(h.runtime.catalog!.item("A")).toMatchObject({ Badge: "new" });
  });

  it("PUT refuses a body that is not a list, and a list of which nothing is valid, storing nothing", async () => {
    const h = await harness();
    expect(await h.request("PUT", "/v1/catalog/items", product("A"))).toMatchObject({ status: 400, json: { error: "the body must be a JSON list of catalog items", errors: [{ path: "items", message: "must be a list" }] } });
    const r = await h.request("PUT", "/v1/catalog/items", [{ sku: "" }, { ...product("B"), price: null }]);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('no valid catalog item: catalog item (items[0]): item.sku the key field must be a non-empty string, found "" (and 4 more)');
    expect(r.json.rejected.map((x: { index: number; path: string }) => `${x.index} ${x.path}`)).toEqual(["0 item.sku", "0 item.name", "0 item.price", "0 item.category", "0 item.inStock", "1 item.price"]);
    expect(await h.request("PUT", "/v1/catalog/items")).toMatchObject({ status: 400, json: { error: "the request body is empty: send JSON" } });
    expect(await h.store.loadItems(undefined, 10)).toEqual([]);
    // An empty list has nothing wrong in it: nothing to do.
    expect(await h.request("PUT", "/v1/catalog/items", [])).toMatchObject({ status: 200, json: { upserted: 0, rejected: [] } });
  });

  it("GET lists the stored items a page at a time, in key order; a limit out of bounds is a 400", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/catalog/items", [product("C"), product("A"), product("B")]);
    expect(await h.request("GET", "/v1/catalog/items")).toMatchObject({ status: 200, json: { items: [product("A"), product("B"), product("C")] } });
    expect((await h.request("GET", "/v1/catalog/items")).json).not.toHaveProperty("next");
    expect(await h.request("GET", "/v1/catalog/items?limit=2")).toMatchObject({ status: 200, json: { items: [product("A"), product("B")], next: "B" } });
    expect(await h.request("GET", "/v1/catalog/items?limit=2&after=B")).toMatchObject({ status: 200, json: { items: [product("C")] } });
    for (const limit of ["0", "1001", "ten", "2.5"]) {
      expect(await h.request("GET", `/v1/catalog/items?limit=${limit}`)).toMatchObject({ status: 400, json: { error: `limit: expected a whole number from 1 to 1000, not \`${limit}\`` } });
    }
  });

  it("DELETE removes an item from the store and the engine (204), and an absent one is a 404", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/catalog/items", [product("A"), product("B")]);
    expect(await h.request("DELETE", "/v1/catalog/items/A")).toMatchObject({ status: 204, text: "" });
    expect(await h.request("DELETE", "/v1/catalog/items/A")).toMatchObject({ status: 404, json: { error: "no catalog item `A`" } });
    expect(await h.request("GET", "/v1/catalog/items/A")).toMatchObject({ status: 404 });
    expect(h.runtime.catalog!.item("A")).toBeUndefined();
    expect(await h.store.loadItems(undefined, 10)).toEqual([{ key: "B", item: product("B") }]);
  });

  it("a recommendation sees an item as soon as it is put, and no more once it is deleted", async () => {
    const h = await harness();
    await h.request("POST", "/v1/events", ev("View", "p1", T0, { sku: "A", category: "tents" }));
    await h.request("PUT", "/v1/catalog/items", [product("A", { name: "Alpha" }), product("B", { name: "Beta" })]);
    await h.request("POST", "/v1/events", ev("View", "p2", T0, { sku: "B", category: "tents" }));
    await h.request("POST", "/v1/events", ev("View", "p3", T0, { sku: "A", category: "tents" }));
    await h.request("DELETE", "/v1/catalog/items/A");
    await h.request("POST", "/v1/events", ev("View", "p4", T0, { sku: "A", category: "tents" }));
    expect(h.channel.messages.map((m) => `${m.profileId} ${m.content["subject"]}`)).toEqual(["p1 picks:", "p2 picks: Beta", "p3 picks: Alpha", "p4 picks:"]);
  });

  it("a project without a catalog has none to serve: 404 on every catalog route", async () => {
    const h = await harness({}, withSchema(""));
    for (const [method, url, body] of [
      ["PUT", "/v1/catalog/items", [product("A")]],
      ["GET", "/v1/catalog/items/A", undefined],
      ["GET", "/v1/catalog/items", undefined],
      ["DELETE", "/v1/catalog/items/A", undefined],
    ] as const) {
      expect(await h.request(method, url, body)).toMatchObject({ status: 404, json: { error: "this project declares no catalog" } });
    }
  });
});

describe("GET /v1/journeys", () => {
  const current = (name: string, instances = 0, nodes: unknown[] = []) => ({ instances, versions: [{ version: ir.journeys[name]!.version, current: true, instances, nodes }] });

  it("lists the deployed journeys by name, with their versions, triggers and live instances", async () => {
    const h = await harness();
    const r = await h.request("GET", "/v1/journeys");
    expect(r.status).toBe(200);
    expect(r.json.journeys).toEqual([
      { name: "GoldPerks", version: ir.journeys["GoldPerks"]!.version, trigger: { kind: "audience", audience: "Gold" }, ...current("GoldPerks") },
      { name: "Picks", version: ir.journeys["Picks"]!.version, trigger: { kind: "event", event: "View" }, ...current("Picks") },
      { name: "Welcome", version: ir.journeys["Welcome"]!.version, trigger: { kind: "event", event: "Cart" }, ...current("Welcome") },
    ]);
    // Two carts: their Welcome instances wait 1h, counted at the send they resume at.
    await h.request("POST", "/v1/events", [cart("c1"), cart("c2", "p2")]);
    const welcome = (await h.request("GET", "/v1/journeys")).json.journeys[2];
    expect(welcome).toMatchObject(current("Welcome", 2, [{ node: expect.any(String), step: "send", location: `t.journey:${withSchemaLine(ir, "Welcome", "still there?")}:5`, instances: 2 }]));
    await h.runtime.advanceTo(T0 + 2 * HOUR);
    expect((await h.request("GET", "/v1/journeys")).json.journeys[2]).toMatchObject(current("Welcome", 0));
  });

  it("after a redeploy: an earlier version while its instances run, and a journey no longer deployed while it has instances", async () => {
    const v1 = withSchema(`
      journey Reminder {
        on Ping
        wait 4h
        send email { subject "v1" text "x" } to profile.email
      }
      journey Retired {
        on Ping
        wait 1d
        send email { subject "bye" text "x" } to profile.email
      }
    `);
    const v2 = withSchema(`
      journey Reminder {
        on Ping
        wait 2h
        send email { subject "v2" text "x" } to profile.email
      }
    `);
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const before = createRuntime({ ir: v1, store, clock });
    await before.start();
    await before.ingest([ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p2", T0, { n: 1 })]);
    await before.stop();
    const runtime = createRuntime({ ir: v2, store, clock });
    await runtime.start();
    const server = createServer(runtime, { logger: false });
    open.push({ runtime, server });
    await runtime.ingest(ev("Ping", "p3", T0 + 60_000, { n: 1 }));

    const { journeys } = (await server.app.inject({ method: "GET", url: "/v1/journeys" })).json();
    const at = (project: IR, journey: string, subject: string) => `t.journey:${withSchemaLine(project, journey, subject)}:9`;
    expect(journeys).toEqual([
      {
        name: "Reminder",
        version: v2.journeys["Reminder"]!.version,
        trigger: { kind: "event", event: "Ping" },
        instances: 3,
        versions: [
          { version: v2.journeys["Reminder"]!.version, current: true, instances: 1, nodes: [{ node: expect.any(String), step: "send", location: at(v2, "Reminder", "v2"), instances: 1 }] },
          { version: v1.journeys["Reminder"]!.version, current: false, instances: 2, nodes: [{ node: expect.any(String), step: "send", location: at(v1, "Reminder", "v1"), instances: 2 }] },
        ],
      },
      {
        name: "Retired",
        version: null,
        trigger: null,
        instances: 2,
        versions: [{ version: v1.journeys["Retired"]!.version, current: false, instances: 2, nodes: [{ node: expect.any(String), step: "send", location: at(v1, "Retired", "bye"), instances: 2 }] }],
      },
    ]);

    // The gauge: by journey and version, from the same counts.
    const gauge = (await server.app.inject({ method: "GET", url: "/metrics" })).body.split("\n").filter((l) => l.startsWith("journey_instances") || l.includes(" journey_instances "));
    expect(gauge).toEqual([
      "# HELP journey_instances Journey instances live now (entered, not yet ended), by journey and version: an earlier version is listed while instances started on it still run (what it sends and calls must keep working until then)",
      "# TYPE journey_instances gauge",
      `journey_instances{journey="Reminder",version="${v2.journeys["Reminder"]!.version}"} 1`,
      `journey_instances{journey="Reminder",version="${v1.journeys["Reminder"]!.version}"} 2`,
      `journey_instances{journey="Retired",version="${v1.journeys["Retired"]!.version}"} 2`,
    ]);

    // Once the earlier instances have finished, only the current version is left, at 0.
    await runtime.advanceTo(T0 + 2 * 24 * HOUR);
    expect((await server.app.inject({ method: "GET", url: "/v1/journeys" })).json().journeys).toEqual([
      { name: "Reminder", version: v2.journeys["Reminder"]!.version, trigger: { kind: "event", event: "Ping" }, instances: 0, versions: [{ version: v2.journeys["Reminder"]!.version, current: true, instances: 0, nodes: [] }] },
    ]);
    expect((await server.app.inject({ method: "GET", url: "/metrics" })).body.split("\n").filter((l) => l.startsWith("journey_instances{"))).toEqual([`journey_instances{journey="Reminder",version="${v2.journeys["Reminder"]!.version}"} 0`]);
  });
});

/** The line of the `send` whose subject is `subject` in `journey` of a project written by `withSchema`. */
function withSchemaLine(project: IR, journey: string, subject: string): number {
  const [id] = Object.entries(project.journeys[journey]!.nodes).find(([, n]) => n.kind === "send" && JSON.stringify(n).includes(`"${subject}"`))!;
  return project.sourceMap.nodes[`${journey}#${id}`]![1];
}

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

  it("a request in flight when close() is called is answered, its kept-alive connection closed: close() does not wait for it to time out", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let handed!: () => void;
    const sending = new Promise<void>((r) => (handed = r));
    const slow: ChannelAdapter = {
      async send() {
        handed();
        await released;
      },
    };
    const h = await harness({}, ir, slow);
    const { port } = await h.server.listen({ port: 0, host: "127.0.0.1" });
    // fetch keeps its connections alive for the next request.
    const answered = fetch(`http://127.0.0.1:${port}/v1/events`, { method: "POST", body: JSON.stringify(cart("c1")) });
    await sending;
    let closed = false;
    const closing = h.server.close().then(() => (closed = true));
    release();
    const res = await answered;
    expect(res.status).toBe(202);
    expect(res.headers.get("connection")).toBe("close");
    await Promise.race([closing, new Promise((r) => setTimeout(r, 2000))]);
    expect(closed).toBe(true);
  });

  it("a client that sends its headers and then trickles the body is answered 408 at the request timeout, its connection closed", async () => {
    const h = await harness({ requestTimeoutMs: 500 });
    const { port } = await h.server.listen({ port: 0, host: "127.0.0.1" });
    const client = trickling(port, JSON.stringify(cart("c1")));
    try {
      // Node looks for late requests every second: the bound is kept to within one.
      await within(client.ended, 2500, "a request trickling in");
    } finally {
      client.stop();
    }
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await h.store.hasEvent("c1")).toBe(false);
  });

  it("close() with a body trickling in: the client is given the request timeout once more, then answered 408; close() does not wait for it", async () => {
    const h = await harness({ requestTimeoutMs: 1000 });
    const { port } = await h.server.listen({ port: 0, host: "127.0.0.1" });
    const client = trickling(port, JSON.stringify(cart("c1")));
    // Just after the headers: without a bound of its own, close() would wait for the whole body.
    await new Promise((r) => setTimeout(r, 200));
    try {
      await within(Promise.all([h.server.close(), client.ended]), 2500, "close() with a body trickling in");
    } finally {
      client.stop();
    }
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await h.store.hasEvent("c1")).toBe(false);
  });

  it("close() with a client still sending its headers: it is cut off at the request timeout too", async () => {
    const h = await harness({ requestTimeoutMs: 500 });
    const { port } = await h.server.listen({ port: 0, host: "127.0.0.1" });
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    const ended = new Promise<void>((r) => socket.once("close", () => r()));
    socket.write("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const trickle = setInterval(() => socket.write("X-Slow: 1\r\n"), 100);
    await new Promise((r) => setTimeout(r, 100));
    try {
      await within(Promise.all([h.server.close(), ended]), 2000, "close() with headers trickling in");
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it("a request timeout that is not a positive whole number of ms is refused when the server is made", async () => {
    const h = await harness();
    for (const requestTimeoutMs of [0, -1, 1.5, Infinity, 2 ** 31, "10s"]) {
      expect(() => createServer(h.runtime, { requestTimeoutMs: requestTimeoutMs as number, logger: false })).toThrow("createServer: `requestTimeoutMs` must be a positive whole number of milliseconds, at most 2147483647");
    }
  });

  it("with a token, every route but /health and /metrics needs it", async () => {
    const h = await harness({ token: "s3cret" });
    const missing = await h.request("GET", "/v1/journeys");
    expect(missing).toMatchObject({ status: 401, json: { error: expect.stringContaining("missing bearer token") } });
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="journey"');
    expect(await h.request("POST", "/v1/events", cart("c1"), { authorization: "Bearer s3cre" })).toMatchObject({ status: 401, json: { error: "wrong bearer token" } });
    expect(await h.request("GET", "/v1/journeys", undefined, { authorization: "Basic s3cret" })).toMatchObject({ status: 401 });
    expect(await h.store.hasEvent("c1")).toBe(false);
    for (const [method, url, body] of [
      ["PUT", "/v1/catalog/items", [product("A")]],
      ["GET", "/v1/catalog/items/A", undefined],
      ["DELETE", "/v1/catalog/items/A", undefined],
      // A wrong method is said only to a caller with the token.
      ["GET", "/v1/events", undefined],
    ] as const) {
      expect(await h.request(method, url, body)).toMatchObject({ status: 401 });
    }
    expect(await h.store.loadItems(undefined, 10)).toEqual([]);
    const bearer = { authorization: "Bearer s3cret" };
    expect(await h.request("PUT", "/v1/catalog/items", [product("A")], bearer)).toMatchObject({ status: 200, json: { upserted: 1 } });
    expect(await h.request("GET", "/v1/catalog/items/A", undefined, bearer)).toMatchObject({ status: 200 });
    expect(await h.request("DELETE", "/v1/catalog/items/A", undefined, bearer)).toMatchObject({ status: 204 });
    expect((await h.request("GET", "/v1/journeys", undefined, { authorization: "Bearer s3cret" })).status).toBe(200);
    expect((await h.request("GET", "/health")).status).toBe(200);
    expect((await h.request("GET", "/metrics")).status).toBe(200);
  });

  it("a body over the limit is a 413 with a JSON error, and nothing is stored", async () => {
    const h = await harness({ bodyLimit: 200 });
    const r = await h.request("POST", "/v1/events", cart("c1", "p1", { cartId: "x".repeat(300) }));
    expect(r).toMatchObject({ status: 413, json: { error: "the request body is over the limit of 200 bytes" } });
    expect(await h.store.hasEvent("c1")).toBe(false);
    // Where no route takes the request, that is what it is told, whatever the body's size.
    const big = { data: "x".repeat(300) };
    expect(await h.request("POST", "/v2/events", big)).toMatchObject({ status: 404, json: { error: "no route POST /v2/events" } });
    expect(await h.request("PUT", "/v1/events", big)).toMatchObject({ status: 405, json: { error: "PUT is not allowed on /v1/events: POST" } });
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

  it("a known path with another method is a 405 naming the methods it has in Allow", async () => {
    const h = await harness();
    for (const [method, url, allow] of [
      ["GET", "/v1/events", "POST"],
      ["GET", "/v1/events?since=1", "POST"],
      ["POST", "/v1/profiles/p1", "DELETE, GET, HEAD, PUT"],
      ["POST", "/health", "GET, HEAD"],
      ["PATCH", "/v1/catalog/items/A", "DELETE, GET, HEAD"],
      ["POST", "/v1/catalog/items", "GET, HEAD, PUT"],
      ["OPTIONS", "/v1/decide", "POST"],
    ] as const) {
      const r = await h.request(method, url, method === "PATCH" ? {} : undefined);
      expect({ method, url, status: r.status, allow: r.headers["allow"], json: r.json }).toEqual({ method, url, status: 405, allow, json: { error: `${method} is not allowed on ${url.split("?")[0]}: ${allow}` } });
    }
    // Nothing was done.
    expect(await h.store.viewProfile("p1")).toBeUndefined();
    expect((await h.request("GET", "/metrics")).text.split("\n")).toContain('journey_http_requests_total{route="(no route)",method="GET",status="405"} 2');
    // A path no route has stays a 404, whatever the method.
    expect(await h.request("DELETE", "/v1/profiles")).toMatchObject({ status: 404, json: { error: "no route DELETE /v1/profiles" } });
    expect((await h.request("GET", "/v1/catalog/items/A/more")).status).toBe(404);
  });

  it("routes before it parses: a bad body to an unknown path is a 404, to a known path with another method a 405", async () => {
    const h = await harness();
    for (const body of ['{"id": ', "not json at all", "  "]) {
      expect(await h.request("POST", "/v2/nothing", body)).toMatchObject({ status: 404, json: { error: "no route POST /v2/nothing" } });
      const r = await h.request("POST", "/v1/profiles/p1", body);
      expect({ status: r.status, allow: r.headers["allow"], json: r.json }).toEqual({ status: 405, allow: "DELETE, GET, HEAD, PUT", json: { error: "POST is not allowed on /v1/profiles/p1: DELETE, GET, HEAD, PUT" } });
    }
    // The route found, its body is still parsed, and a bad one refused; a DELETE's is never read.
    expect((await h.request("PUT", "/v1/profiles/p1", '{"id": ')).json.error).toMatch(/^invalid JSON: /);
    expect(await h.request("DELETE", "/v1/profiles/nobody", "not json at all")).toMatchObject({ status: 404, json: { error: "no profile `nobody`" } });
  });

  it("reads JSON whatever the content type says (curl -d, fetch with a string body), an empty or malformed Content-Type as none", async () => {
    const h = await harness();
    const r = await h.request("POST", "/v1/events", JSON.stringify(cart("c1")), { "content-type": "application/x-www-form-urlencoded" });
    expect(r).toMatchObject({ status: 202, json: { accepted: 1 } });
    for (const [id, contentType] of [["c2", ""], ["c3", "  "], ["c4", "json"]] as const) {
      expect(await h.request("POST", "/v1/events", JSON.stringify(cart(id)), { "content-type": contentType })).toMatchObject({ status: 202, json: { accepted: 1 } });
    }
    expect((await h.request("POST", "/v1/events", '{"id": ', { "content-type": "" })).json.error).toMatch(/^invalid JSON: /);
    expect(await h.request("PUT", "/v1/profiles/p1", undefined, { "content-type": "" })).toMatchObject({ status: 400, json: { error: "the request body is empty: send JSON" } });
  });

  it("a failure inside is a 500 with a generic message, never the error's", async () => {
    const h = await harness();
    h.store.viewProfile = () => Promise.reject(new Error("disk on fire at /var/lib/secret"));
    const r = await h.request("GET", "/v1/profiles/p1");
    expect(r).toMatchObject({ status: 500, json: { error: "internal error" } });
    expect(r.text).not.toContain("disk on fire");
  });
});

describe("logs", () => {
  it("one JSON line per request, without its body or Authorization header, and no line of fastify's when listening", async () => {
    let out = "";
    const logger = pino(new Writable({ write: (chunk, _encoding, done) => void ((out += String(chunk)), done()) }));
    const runtime = createRuntime({ ir, channels: new MemoryChannel(), clock: new VirtualClock(T0), logger });
    await runtime.start();
    const server = createServer(runtime, { logger, token: "s3cret" });
    try {
      const address = await server.listen({ port: 0, host: "127.0.0.1" });
      expect(address).toMatchObject({ address: "127.0.0.1", port: expect.any(Number) });
      const res = await fetch(`http://127.0.0.1:${address.port}/v1/profiles/p1`, { method: "PUT", headers: { authorization: "Bearer s3cret" }, body: JSON.stringify({ email: "ana.secret@example.com" }) });
      expect(res.status).toBe(204);
    } finally {
      await server.close();
      await runtime.stop();
    }
    const lines = out.trim().split("\n");
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.map((l) => l["msg"])).toEqual(["request"]);
    expect(logs[0]).toMatchObject({ level: 30, method: "PUT", url: "/v1/profiles/p1", status: 204 });
    expect(out).not.toContain("ana.secret");
    expect(out).not.toContain("s3cret");
    expect(out).not.toContain("listening");
  });

  it("a refused request's line says why: the wrong fields' paths (never their values), or the message answered", async () => {
    let out = "";
    const logger = pino(new Writable({ write: (chunk, _encoding, done) => void ((out += String(chunk)), done()) }));
    const runtime = createRuntime({ ir, channels: new MemoryChannel(), clock: new VirtualClock(T0), logger });
    await runtime.start();
    const server = createServer(runtime, { logger, token: "s3cret", bodyLimit: 2000 });
    const auth = { authorization: "Bearer s3cret" };
    try {
      await server.app.inject({ method: "POST", url: "/v1/events", headers: auth, payload: [cart("c1"), { ...cart("c2", "p1", { total: "ana.secret@example.com" }), time: "yesterday" }] });
      await server.app.inject({ method: "PUT", url: "/v1/profiles/p1", headers: auth, payload: '{"email": "ana.secret@example.com"' });
      await server.app.inject({ method: "GET", url: "/v1/profiles/nobody", headers: auth });
      await server.app.inject({ method: "GET", url: "/v1/profiles/p1", headers: { authorization: "Bearer wrong" } });
      await server.app.inject({ method: "PUT", url: "/v1/profiles/p1", headers: auth, payload: JSON.stringify({ email: "x".repeat(3000) }) });
      await server.app.inject({ method: "PUT", url: "/v1/profiles/p1", headers: auth, payload: JSON.stringify({ email: "ana@example.com" }) });
    } finally {
      await server.close();
      await runtime.stop();
    }
    const logs = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const refusal = ({ status, fields, error }: Record<string, unknown>) => ({ status, ...(fields ? { fields } : {}), ...(error ? { error } : {}) });
    expect(logs.map(refusal)).toEqual([
      { status: 400, fields: ["event[1].time", "event[1].data.total"] },
      { status: 400, error: "invalid JSON" },
      { status: 404, error: "no profile `nobody`" },
      { status: 401, error: "wrong bearer token" },
      { status: 413, error: "the request body is over the limit of 2000 bytes" },
      { status: 204 },
    ]);
    expect(out).not.toContain("ana.secret");
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

  it("counts per journey what the runtime reports: entries, ends by reason, goals, messages delivered, calls", async () => {
    const h = await harness();
    await h.request("PUT", "/v1/profiles/p1", {});
    await h.request("POST", "/v1/events", [cart("c1"), cart("c2", "p2"), { ...ev("Order", "p1", T0 + 1000, { orderId: "o1", items: [], total: 1 }) }]);
    // The waits end: each Welcome sends its second message and ends.
    await h.runtime.advanceTo(T0 + 2 * HOUR);
    await h.request("PUT", "/v1/catalog/items", [product("A"), { sku: "B" }]);
    await h.request("DELETE", "/v1/catalog/items/A");
    const lines = (await h.request("GET", "/metrics")).text.split("\n");
    for (const line of [
      'journey_entered_total{journey="Welcome"} 2',
      'journey_ended_total{journey="Welcome",reason="end"} 2',
      'journey_goals_total{journey="Welcome",goal="ordered"} 1',
      'journey_messages_sent_total{channel="email"} 4',
      "journey_catalog_items_upserted_total 1",
      "journey_catalog_items_rejected_total 1",
      "journey_catalog_items_removed_total 1",
      "# TYPE journey_delivery_failures_total counter",
    ]) {
      expect(lines).toContain(line);
    }
    expect(lines.filter((l) => l.startsWith("journey_delivery_failures_total"))).toEqual([]);
  });

  it("a message held back for consent withdrawn by a PUT while it waited: suppressed, counted by reason `noConsent`", async () => {
    const project = withSchema(`
      channel email { consent profile.flag }
      journey Welcome {
        on Cart as cart
        send email { subject "cart {{cart.cartId}}" text "x" } to profile.email
        wait 1h
        send email { subject "still there?" text "x" } to profile.email
      }
    `);
    const h = await harness({}, project);
    await h.request("PUT", "/v1/profiles/p1", { flag: true });
    await h.request("POST", "/v1/events", cart("c1"));
    expect((await h.request("PUT", "/v1/profiles/p1", { flag: false })).status).toBe(204);
    await h.runtime.advanceTo(T0 + 2 * HOUR);
    expect(h.channel.messages.map((m) => m.content["subject"])).toEqual(["cart c1"]);
    const lines = (await h.request("GET", "/metrics")).text.split("\n");
    expect(lines).toContain('journey_messages_suppressed_total{channel="email",reason="noConsent"} 1');
    expect(lines).toContain('journey_messages_sent_total{channel="email"} 1');
  });

  it("a message the channel refuses is a delivery failure per attempt, and sent once it goes through", async () => {
    let down = true;
    const channel = new MemoryChannel();
    const flaky: ChannelAdapter = { send: (m) => (down ? Promise.reject(new Error("smtp down")) : channel.send(m)) };
    const h = await harness({}, ir, flaky);
    await h.request("POST", "/v1/events", cart("c1"));
    // Retried with backoff (2 s, then 4 s) on the runtime's clock.
    await h.runtime.advanceTo(T0 + 2500);
    down = false;
    await h.runtime.advanceTo(T0 + 7000);
    expect(channel.messages).toHaveLength(1);
    const lines = (await h.request("GET", "/metrics")).text.split("\n");
    expect(lines).toContain('journey_delivery_failures_total{channel="email"} 2');
    expect(lines).toContain('journey_messages_sent_total{channel="email"} 1');
  });

  it("counts experiment assignments and the goals of each arm", () => {
    const metrics = new ServerMetrics();
    const base = { at: 0, journey: "Winback", instanceId: "i", nodeId: "split:subject" };
    metrics.effect({ ...base, key: "a", profileId: "p1", type: "split", experiment: "subject", arm: "A" });
    metrics.effect({ ...base, key: "b", profileId: "p2", type: "split", experiment: "subject", arm: "B" });
    metrics.effect({ ...base, key: "c", profileId: "p3", type: "split", experiment: "subject", arm: "A" });
    metrics.effect({ ...base, key: "d", profileId: "p1", type: "goal", goal: "ordered", afterMs: 5, arms: { subject: "A", layout: "wide" } });
    metrics.effect({ ...base, key: "e", profileId: "p4", type: "goal", goal: "ordered", afterMs: 5 });
    const lines = metrics.text().split("\n");
    expect(lines).toContain('journey_split_assignments_total{journey="Winback",experiment="subject",arm="A"} 2');
    expect(lines).toContain('journey_split_assignments_total{journey="Winback",experiment="subject",arm="B"} 1');
    expect(lines).toContain('journey_experiment_goals_total{journey="Winback",experiment="subject",arm="A",goal="ordered"} 1');
    expect(lines).toContain('journey_experiment_goals_total{journey="Winback",experiment="layout",arm="wide",goal="ordered"} 1');
    expect(lines.filter((l) => l.startsWith("journey_experiment_goals_total{"))).toHaveLength(2);
    expect(lines).toContain('journey_goals_total{journey="Winback",goal="ordered"} 2');
  });

  it("escapes label values as the text format says: backslash, double quote, newline", () => {
    const metrics = new ServerMetrics();
    metrics.effect({ type: "goal", key: "k", at: 0, profileId: "p", journey: 'a\\b"c\nd', goal: "g", afterMs: 0 });
    expect(metrics.text().split("\n")).toContain('journey_goals_total{journey="a\\\\b\\"c\\nd",goal="g"} 1');
  });
});
