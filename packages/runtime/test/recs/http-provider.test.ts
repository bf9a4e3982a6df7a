/** The built-in HTTP provider against a local server (127.0.0.1 only), alone and through the runtime. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpRecommendationProvider, IncrementalCatalogEngine, type ProviderRequest } from "@journey/runtime";
import { PRODUCT_CATALOG, SCHEMA, T0 as T0E, MIN as MINE, ev, irOf, ofType, sim } from "../engine/helpers.js";
import { CATALOG } from "./fixtures.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
const seen: { method?: string; headers: IncomingMessage["headers"]; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, headers: req.headers, body: body ? JSON.parse(body) : undefined });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/recs`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

const json = (value: unknown, status = 200): Handler => (_req, _body, res) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof value === "string" ? value : JSON.stringify(value));
};

function catalog() {
  const c = new IncrementalCatalogEngine({ keyField: "sku" });
  c.upsertItems(CATALOG);
  return c;
}

const request = (over: Partial<ProviderRequest> = {}): ProviderRequest => ({
  algorithm: "remote",
  args: ["home"],
  named: {},
  profileId: "p1",
  limit: 22,
  now: Date.UTC(2026, 2, 2, 10),
  signal: new AbortController().signal,
  catalog: catalog(),
  ...over,
});

const skus = (items: Record<string, unknown>[]) => items.map((i) => i["sku"]);

describe("HttpRecommendationProvider", () => {
  it("POSTs the request with the configured headers, and maps the answered keys to catalog items", async () => {
    handler = json(["S1", "NOT-IN-CATALOG", "H1", "S1", 42]);
    const p = new HttpRecommendationProvider({ url, headers: { authorization: "Bearer t0ken" } });
    const items = await p.recommend(request());
    // Unknown keys (and the number 42, a key no item has) are left out; duplicates once.
    expect(skus(items)).toEqual(["S1", "H1"]);
    expect(items[0]).toEqual(CATALOG.find((i) => i.sku === "S1"));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.headers["authorization"]).toBe("Bearer t0ken");
    expect(seen[0]!.headers["content-type"]).toBe("application/json");
    expect(seen[0]!.body).toEqual({ algorithm: "remote", args: ["home"], named: {}, profileId: "p1", limit: 22, now: "2026-03-02T10:00:00.000Z" });
  });

  it("reads records under `items`, the key at `keyField` (default: the catalog key)", async () => {
    handler = json({ items: [{ sku: "G1", score: 0.9 }, { sku: "BEST", score: 0.5 }] });
    expect(skus(await new HttpRecommendationProvider({ url }).recommend(request()))).toEqual(["G1", "BEST"]);
    handler = json({ results: [{ id: "H2" }, { id: "S2" }] });
    expect(skus(await new HttpRecommendationProvider({ url, itemsField: "results", keyField: "id" }).recommend(request()))).toEqual(["H2", "S2"]);
  });

  it("an HTTP error fails, with the status", async () => {
    handler = json({ error: "overloaded" }, 503);
    await expect(new HttpRecommendationProvider({ url }).recommend(request())).rejects.toThrow('HTTP 503: {"error":"overloaded"}');
  });

  it("an answer of the wrong shape fails, naming where", async () => {
    const p = new HttpRecommendationProvider({ url });
    handler = json("<html>");
    await expect(p.recommend(request())).rejects.toThrow('the answer is not JSON: "<html>"');
    handler = json({ items: "S1" });
    await expect(p.recommend(request())).rejects.toThrow('answer.items: expected a list of keys or records, found string "S1"');
    handler = json({ data: [] });
    await expect(p.recommend(request())).rejects.toThrow("answer.items: expected a list of keys or records, found nothing");
    handler = json([{ sku: "S1" }, { name: "no key" }]);
    await expect(p.recommend(request())).rejects.toThrow("answer[1].sku: expected a catalog key (a string), found nothing");
    handler = json([["S1"]]);
    await expect(p.recommend(request())).rejects.toThrow("answer[0]: expected a catalog key (a string), found a list");
  });

  it("no answer within its deadline fails (and so does the runtime's deadline)", async () => {
    handler = (_req, _body, res) => setTimeout(() => json(["S1"])(_req, _body, res), 500);
    const started = Date.now();
    await expect(new HttpRecommendationProvider({ url, deadlineMs: 50 }).recommend(request())).rejects.toThrow("no answer within 50 ms");
    expect(Date.now() - started).toBeLessThan(400);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await expect(new HttpRecommendationProvider({ url }).recommend(request({ signal: ac.signal }))).rejects.toThrow("aborted at the runtime's deadline");
  });

  it("needs a catalog engine to look keys up, and a usable configuration", async () => {
    handler = json(["S1"]);
    await expect(new HttpRecommendationProvider({ url }).recommend(request({ catalog: undefined }))).rejects.toThrow(/needs the catalog engine/);
    expect(() => new HttpRecommendationProvider({ url: "ftp://x" })).toThrow(/must be an http\(s\) URL/);
    expect(() => new HttpRecommendationProvider({ url, deadlineMs: 0 })).toThrow(/deadlineMs/);
  });
});

describe("provider(\"name\", …) through the runtime", () => {
  const ir = irOf(`${SCHEMA}${PRODUCT_CATALOG}
journey Picks {
  on Ping
  recommend picks = provider("remote", "home", 3) where item.inStock limit 2 backup popular()
  send email { subject "{{#each picks as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
}
`);
  const events = () => [
    ev("Order", "q", T0E, { orderId: "o1", items: [{ sku: "BEST", name: "b", price: 1, category: "misc" }], total: 1 }),
    ev("Ping", "p1", T0E + MINE, { n: 1 }),
  ];
  const run = (providerOptions: { deadlineMs?: number } = {}) =>
    sim({ ir, catalog: CATALOG, profiles: [{ id: "p1" }, { id: "q" }], events: events(), providers: { remote: new HttpRecommendationProvider({ url, headers: { "x-api-key": "k" }, ...providerOptions }) } });

  it("registered by name: its keys become the step's items, tagged `provider:remote`", async () => {
    handler = json({ items: ["H3", "S2", "G1"] });
    const { timeline } = await run();
    // H3 is out of stock (`where`), so S2 and G1.
    expect(ofType(timeline, "send").map((s) => String(s.content["subject"]).trim())).toEqual(["S2 G1"]);
    expect(ofType(timeline, "recommend")[0]!.items).toEqual([
      { key: "S2", source: "provider:remote" },
      { key: "G1", source: "provider:remote" },
    ]);
    expect(seen[0]!.body).toMatchObject({ algorithm: "remote", args: ["home", 3], profileId: "p1" });
    expect(seen[0]!.headers["x-api-key"]).toBe("k");
  });

  it("a failing or slow service: the backup fills in", async () => {
    handler = json({ error: "down" }, 500);
    const failed = await run();
    expect(ofType(failed.timeline, "recommend")[0]!.items).toEqual([{ key: "BEST", source: "popular" }]);
    handler = (_req, _body, res) => setTimeout(() => json(["S2"])(_req, _body, res), 300);
    const slow = await run({ deadlineMs: 30 });
    expect(ofType(slow.timeline, "recommend")[0]!.items).toEqual([{ key: "BEST", source: "popular" }]);
  });
});
