/**
 * The unsubscribe routes through fastify's `inject`: the GET page changes nothing; a POST
 * with a good signature (as Gmail sends it, as the page's form sends it, or empty) becomes
 * one event per message that the project's journeys act on; a bad signature is a 403 that
 * changes nothing; the routes need no bearer token, the others still do; what is logged; and
 * the project's event checked at createServer.
 */
import { Writable } from "node:stream";
import { maxHeaderSize } from "node:http";
import { createRuntime, MAX_PROFILE_ID_BYTES, MAX_UNSUBSCRIBE_LINK_BYTES, MemoryChannel, MemoryStore, unsubscribeEventId, unsubscribeLinkProblem, unsubscribeSignature, VirtualClock, type Runtime } from "@journey/runtime";
import { createServer, ServerMetrics, unsubscribeEventProblem, unsubscribeLinkTemplate, type JourneyServer, type ServerOptions } from "@journey/runtime/server";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DAY, irOf, T0 } from "../engine/helpers.js";

const SECRET = "an unsubscribe secret of 32 bytes+";

const ir = irOf(`
profile {
  email: string = "p@example.com"
  consent: { email: bool } = { email: true }
  unsubscribedFrom?: string
}
event Signup { source: string }
event Unsubscribed { messageId: string, channel: string, journey: string }
journey Newsletter {
  on Signup
  send email { subject "issue 1" text "{{unsubscribeUrl}}" } to profile.email
  wait 1d
  if profile.consent.email {
    send email { subject "issue 2" text "{{unsubscribeUrl}}" } to profile.email
  }
}
journey Promo {
  on Signup
  exit on Unsubscribed
  wait 2d
  send email { subject "promo" text "{{unsubscribeUrl}}" } to profile.email
}
journey OptOut {
  on Unsubscribed as u where u.channel == "email"
  reentry always
  set profile.consent.email = false
  set profile.unsubscribedFrom = u.journey
}
`);

interface Harness {
  runtime: Runtime;
  server: JourneyServer;
  store: MemoryStore;
  channel: MemoryChannel;
  inject(method: "GET" | "POST" | "HEAD", url: string, options?: { body?: string; headers?: Record<string, string> }): Promise<{ status: number; text: string; headers: Record<string, unknown> }>;
  /** The path and query of the unsubscribe link of the `n`th message sent. */
  link(n?: number): string;
  metric(line: string): boolean;
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.server.close();
    await h.runtime.stop();
  }
});

async function harness(options: Omit<ServerOptions, "unsubscribe"> & { unsubscribe?: ServerOptions["unsubscribe"] | false } = {}): Promise<Harness> {
  const store = new MemoryStore();
  const channel = new MemoryChannel();
  const metrics = new ServerMetrics();
  const runtime = createRuntime({ ir, store, channels: channel, clock: new VirtualClock(T0), onEffect: metrics.effect, unsubscribeUrl: unsubscribeLinkTemplate("https://mail.shop.example/journey/"), unsubscribeSecret: SECRET });
  await runtime.start();
  const { unsubscribe, ...rest } = options;
  const server = createServer(runtime, { logger: false, metrics, ...rest, ...(unsubscribe === false ? {} : { unsubscribe: unsubscribe ?? { secret: SECRET } }) });
  const h: Harness = {
    runtime,
    server,
    store,
    channel,
    async inject(method, url, { body, headers = {} } = {}) {
      const res = await server.app.inject({ method, url, headers, ...(body !== undefined ? { payload: body } : {}) });
      return { status: res.statusCode, text: res.body, headers: res.headers };
    },
    link(n = 0) {
      const url = new URL(channel.messages[n]!.unsubscribeUrl!);
      // The service behind a proxy at https://mail.shop.example/journey sees the path without the prefix.
      expect(url.origin + url.pathname).toBe("https://mail.shop.example/journey/v1/unsubscribe");
      return `/v1/unsubscribe${url.search}`;
    },
    metric: () => false,
  };
  h.metric = (line) => server.metrics.text().split("\n").includes(line);
  open.push(h);
  return h;
}

const signup = (profileId: string) => ({ id: `s-${profileId}`, type: "Signup", profileId, time: new Date(T0).toISOString(), data: { source: "ads" } });

/** The request Gmail and Yahoo send for one-click unsubscribe (RFC 8058). */
const ONE_CLICK = { body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } };

describe("GET /v1/unsubscribe", () => {
  it("answers a self-contained page whose button POSTs the same link, escaped, and changes nothing", async () => {
    const h = await harness();
    const id = `a<b>"&'`;
    await h.runtime.ingest(signup(id));
    const link = h.link();
    const r = await h.inject("GET", link);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
    const action = /<form method="post" action="([^"]*)">/.exec(r.text)?.[1];
    expect(action?.replace(/&amp;/g, "&").replace(/&#x3D;/g, "=")).toBe(link.slice("/v1/unsubscribe".length));
    expect(r.text).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(r.text).toContain('<button type="submit">Unsubscribe</button>');
    // Nothing of the id unescaped, nothing loaded from elsewhere, no script.
    expect(r.text).not.toContain("<b>");
    expect(r.text).not.toMatch(/<script|src=|https?:\/\//);
    // A GET (a mail scanner, a link preview) never unsubscribes.
    await h.inject("GET", link);
    await h.inject("HEAD", link);
    expect((await h.runtime.profile(id))!.attributes["consent"]).toEqual({ email: true });
    expect(await h.store.hasEvent(unsubscribeEventId(SECRET, { profileId: id, messageId: h.channel.messages[0]!.key, channel: "email" }))).toBe(false);
    expect(h.metric("journey_unsubscribes_accepted_total 0")).toBe(true);
  });

  it("answers 403 for a link whose signature does not match", async () => {
    const h = await harness();
    await h.runtime.ingest(signup("ana"));
    const r = await h.inject("GET", h.link().replace("p=ana", "p=bo"));
    expect(r).toMatchObject({ status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
    expect(r.text).toContain("This unsubscribe link is not valid");
  });
});

describe("POST /v1/unsubscribe", () => {
  it("one-click as Gmail sends it: the event is ingested, a journey sets consent, another exits, and the later sends do not go", async () => {
    const h = await harness();
    await h.runtime.ingest(signup("ana"));
    expect(h.channel.messages.map((m) => m.content["subject"])).toEqual(["issue 1"]);
    const r = await h.inject("POST", h.link(), ONE_CLICK);
    expect(r).toMatchObject({ status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
    expect(r.text).toContain("Your unsubscribe request is recorded.");
    const state = (await h.runtime.profile("ana"))!;
    expect(state.attributes).toMatchObject({ consent: { email: false }, unsubscribedFrom: "Newsletter" });
    // Its id is one per message and names no one: the store keeps it after the profile is erased.
    const key = h.channel.messages[0]!.key;
    expect(await h.store.hasEvent(unsubscribeEventId(SECRET, { profileId: "ana", messageId: key, channel: "email" }))).toBe(true);
    expect(await h.store.hasEvent(`unsubscribe:${key}`)).toBe(false);
    expect(unsubscribeEventId(SECRET, { profileId: "ana", messageId: key, channel: "email" })).toMatch(/^unsubscribe:[\w-]{22}$/);
    await h.runtime.advanceTo(T0 + 3 * DAY);
    // The newsletter's second issue checks consent; the promo exited on the event.
    expect(h.channel.messages.map((m) => m.content["subject"])).toEqual(["issue 1"]);
    expect(h.metric('journey_ended_total{journey="Promo",reason="exit"} 1')).toBe(true);
    expect(h.metric('journey_entered_total{journey="OptOut"} 1')).toBe(true);
    expect(h.metric("journey_unsubscribes_accepted_total 1")).toBe(true);
  });

  it("takes the page's form post and an empty POST too; repeated POSTs for one message are one event", async () => {
    const h = await harness();
    await h.runtime.ingest(signup("ana"));
    const link = h.link();
    expect((await h.inject("POST", link, ONE_CLICK)).status).toBe(200);
    expect((await h.inject("POST", link)).status).toBe(200);
    expect((await h.inject("POST", link, { body: "", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(200);
    expect((await h.inject("POST", link, { body: "{}", headers: { "content-type": "application/json" } })).status).toBe(200);
    const state = (await h.runtime.profile("ana"))!;
    // `reentry always`: a second event would have run OptOut again.
    expect(state.history["OptOut"]!.entries).toBe(1);
    expect(h.metric("journey_unsubscribes_accepted_total 1")).toBe(true);
  });

  it("refuses a bad or missing signature with a 403 that changes nothing, and counts it", async () => {
    const h = await harness();
    await h.runtime.ingest([signup("ana"), signup("bo")]);
    const link = h.link();
    const s = new URLSearchParams(link.split("?")[1]).get("s")!;
    const other = createServer(h.runtime, { logger: false, unsubscribe: { secret: "another secret, also of 32 bytes+" } });
    for (const bad of [
      link.replace("p=ana", "p=bo"),
      link.replace(/m=[^&]+/, `m=${encodeURIComponent(h.channel.messages[1]!.key)}`),
      link.replace("c=email", "c=sms"),
      link.replace(`s=${s}`, `s=${s.slice(0, -1)}${s.endsWith("A") ? "B" : "A"}`),
      link.replace(`s=${s}`, `s=${s.slice(0, 21)}`),
      link.replace(`&s=${s}`, ""),
      `${link}&s=${s}`,
      "/v1/unsubscribe",
    ]) {
      const r = await h.inject("POST", bad, ONE_CLICK);
      expect({ bad, status: r.status, type: r.headers["content-type"] }).toEqual({ bad, status: 403, type: "text/plain; charset=utf-8" });
    }
    // The same link checked with another secret.
    expect((await other.app.inject({ method: "POST", url: link, headers: ONE_CLICK.headers, payload: ONE_CLICK.body })).statusCode).toBe(403);
    await other.close();
    for (const id of ["ana", "bo"]) expect((await h.runtime.profile(id))!.attributes["consent"]).toEqual({ email: true });
    expect(h.metric("journey_unsubscribes_refused_total 8")).toBe(true);
    expect(h.metric("journey_unsubscribes_accepted_total 0")).toBe(true);
  });

  it("does not make again a profile erased since the message went", async () => {
    const h = await harness();
    await h.runtime.ingest(signup("ana"));
    const link = h.link();
    await h.runtime.deleteProfile("ana");
    expect((await h.inject("POST", link, ONE_CLICK)).status).toBe(200);
    expect(await h.runtime.profile("ana")).toBeUndefined();
    expect(h.metric("journey_unsubscribes_accepted_total 0")).toBe(true);
  });

  it("does not unsubscribe a profile made again under an erased one's id: the link's message went to the earlier one", async () => {
    const h = await harness();
    await h.runtime.ingest(signup("ana"));
    const old = h.link();
    await h.runtime.deleteProfile("ana");
    await h.runtime.advanceTo(T0 + 60_000);
    await h.runtime.ingest({ ...signup("ana"), id: "s-ana-again", time: new Date(T0 + 60_000).toISOString() });
    expect((await h.runtime.profile("ana"))!.createdAtSeconds).toBe(Math.floor((T0 + 60_000) / 1000));
    const r = await h.inject("POST", old, ONE_CLICK);
    // The same answer as for an erased profile: the link's holder learns nothing of the new one.
    expect(r).toMatchObject({ status: 200 });
    expect(r.text).toContain("Your unsubscribe request is recorded.");
    expect((await h.runtime.profile("ana"))!.attributes["consent"]).toEqual({ email: true });
    expect(h.metric("journey_unsubscribes_accepted_total 0")).toBe(true);
    // The new profile's own link works.
    expect((await h.inject("POST", h.link(1), ONE_CLICK)).status).toBe(200);
    expect((await h.runtime.profile("ana"))!.attributes["consent"]).toEqual({ email: false });
  });

  it("the link of a profile id at the longest is a few KB (Node takes 16 for a request's line and headers), and works", async () => {
    const h = await harness();
    // 256 bytes, each "€" 3 of them and 9 characters URL-encoded: the longest an id encodes to.
    const id = `${"€".repeat(85)}a`;
    await h.runtime.ingest(signup(id));
    const link = h.channel.messages[0]!.unsubscribeUrl!;
    expect(link.length).toBeLessThan(4096);
    expect((await h.inject("POST", h.link(), ONE_CLICK)).status).toBe(200);
    expect((await h.runtime.profile(id))!.attributes["consent"]).toEqual({ email: false });
  });
  it("works for a profile with an id over the bound, stored by a runtime before it: its links went out, and the person's unsubscribe is acted on", async () => {
    const h = await harness();
    await h.runtime.ingest(signup("ana"));
    const long = "a".repeat(300);
    // The state as a runtime without the bound stored it (and without `createdAtSeconds`), under the long id.
    const { createdAtSeconds: _, ...stored } = structuredClone((await h.store.viewProfile("ana"))!);
    const renamed = JSON.parse(JSON.stringify({ ...stored, id: long }).replaceAll("Newsletter:ana:", `Newsletter:${long}:`).replaceAll("Promo:ana:", `Promo:${long}:`));
    await h.store.commit({ profiles: [renamed], timers: [], events: [], effects: [], dispatched: [] });
    const target = { profileId: long, messageId: h.channel.messages[0]!.key.replace("Newsletter:ana:", `Newsletter:${long}:`), channel: "email" };
    const link = `/v1/unsubscribe?${new URLSearchParams({ p: target.profileId, m: target.messageId, c: target.channel, s: unsubscribeSignature(SECRET, target) }).toString()}`;
    const r = await h.inject("POST", link, ONE_CLICK);
    expect([r.status, r.text]).toEqual([200, expect.stringContaining("Your unsubscribe request is recorded.")]);
    expect((await h.runtime.profile(long))!.attributes["consent"]).toEqual({ email: false });
    expect(h.metric("journey_unsubscribes_accepted_total 1")).toBe(true);
  });
});

describe("the length of links", () => {
  const journeys = Object.values(ir.journeys);
  const at = (path: string) => unsubscribeLinkTemplate(`https://mail.shop.example/${path}`);
  /** The longest path under the address whose links all stay within the bound. */
  function longestPath(): string {
    let n = 0;
    while (!unsubscribeLinkProblem(at("a".repeat(n + 1)), journeys, MAX_PROFILE_ID_BYTES)) n++;
    return "a".repeat(n);
  }

  it("the longest address allowed makes links within the bound, also for the longest profile id, and they work; one byte more is refused by createRuntime", async () => {
    const path = longestPath();
    expect(path.length).toBeGreaterThan(5000);
    const template = at(path);
    const channel = new MemoryChannel();
    const live = createRuntime({ ir, channels: channel, clock: new VirtualClock(T0), unsubscribeUrl: template, unsubscribeSecret: SECRET });
    await live.start();
    // 256 bytes, each encoded as 3: the longest an id makes its links.
    const id = "%".repeat(MAX_PROFILE_ID_BYTES);
    await live.ingest(signup(id));
    await live.advanceTo(T0 + 3 * DAY);
    expect(channel.messages.length).toBeGreaterThan(0);
    for (const m of channel.messages) expect(Buffer.byteLength(m.unsubscribeUrl!)).toBeLessThanOrEqual(MAX_UNSUBSCRIBE_LINK_BYTES);
    // Node takes 16 KB for a request's line and headers: the link leaves half of it for the headers.
    expect(MAX_UNSUBSCRIBE_LINK_BYTES * 2).toBeLessThanOrEqual(maxHeaderSize);
    const server = createServer(live, { logger: false, unsubscribe: { secret: SECRET } });
    const res = await server.app.inject({ method: "POST", url: `/v1/unsubscribe${new URL(channel.messages[0]!.unsubscribeUrl!).search}`, ...ONE_CLICK, payload: ONE_CLICK.body });
    expect(res.statusCode).toBe(200);
    expect((await live.profile(id))!.attributes["consent"]).toEqual({ email: false });
    await server.close();
    await live.stop();

    expect(() => createRuntime({ ir, unsubscribeUrl: at(`${path}a`), unsubscribeSecret: SECRET })).toThrow(
      `createRuntime: \`unsubscribeUrl\`: its longest link would be ${MAX_UNSUBSCRIBE_LINK_BYTES + 1} bytes, over the ${MAX_UNSUBSCRIBE_LINK_BYTES} a mail client's unsubscribe request may take (the address and query take ${Buffer.byteLength(at(`${path}a`).replace(/\{\w+\}/g, ""))}; a message of journey \`Newsletter\``,
    );
  });

  it("a journey name (or step) long enough to make links over the bound is refused, naming the journey, with the shortest address", () => {
    const name = `Newsletter${"x".repeat(MAX_UNSUBSCRIBE_LINK_BYTES)}`;
    const long = irOf(`
      profile { email: string }
      event Signup { source: string }
      journey ${name} {
        on Signup
        send email { subject "s" text "{{unsubscribeUrl}}" } to "p@example.com"
      }
    `);
    expect(() => createRuntime({ ir: long, unsubscribeUrl: unsubscribeLinkTemplate("https://m.example"), unsubscribeSecret: SECRET })).toThrow(`a message of journey \`${name}\`, step \`send:email\``);
    // Without a link of the service's, nothing is refused: the placeholder is no link to follow.
    expect(() => createRuntime({ ir: long })).not.toThrow();
  });

  it("an earlier version kept in the store whose links would be over the bound is warned of at start (not refused: it may have no instance left)", async () => {
    const name = `Newsletter${"x".repeat(MAX_UNSUBSCRIBE_LINK_BYTES)}`;
    const project = (journey: string) => `
      profile { email: string }
      event Signup { source: string }
      journey ${journey} {
        on Signup
        wait 1d
        send email { subject "s" text "{{unsubscribeUrl}}" } to "p@example.com"
      }
    `;
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const before = createRuntime({ ir: irOf(project(name)), store, clock });
    await before.start();
    await before.ingest(signup("ana"));
    await before.stop();
    const warnings: string[] = [];
    const logger = { info() {}, warn: (_o: unknown, m?: string) => void warnings.push(String(m)), error() {} };
    const url = unsubscribeLinkTemplate("https://m.example");
    const after = createRuntime({ ir: irOf(project("Newsletter")), store, clock, logger, unsubscribeUrl: url, unsubscribeSecret: SECRET });
    await after.start();
    await after.stop();
    expect(warnings).toEqual([expect.stringContaining(`\`unsubscribeUrl\`, for earlier versions of the journeys: its longest link would be`)]);
    expect(warnings[0]).toContain(`a message of journey \`${name}\``);
    // The current journeys alone, as createRuntime checked them: nothing to say.
    const fresh: string[] = [];
    const again = createRuntime({ ir: irOf(project("Newsletter")), store: new MemoryStore(), clock, logger: { ...logger, warn: (_o: unknown, m?: string) => void fresh.push(String(m)) }, unsubscribeUrl: url, unsubscribeSecret: SECRET });
    await again.start();
    await again.stop();
    expect(fresh).toEqual([]);
  });
});

describe("auth, logs and configuration", () => {
  it("the unsubscribe routes need no bearer token; every other route still does; without `unsubscribe` there is no such route", async () => {
    const h = await harness({ token: "s3cret" });
    await h.runtime.ingest(signup("ana"));
    expect((await h.inject("GET", h.link())).status).toBe(200);
    expect((await h.inject("POST", h.link(), ONE_CLICK)).status).toBe(200);
    expect((await h.inject("GET", "/v1/profiles/ana")).status).toBe(401);
    expect((await h.inject("GET", "/v1/profiles/ana", { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    expect((await h.inject("POST", "/v1/unsubscribe/x", ONE_CLICK)).status).toBe(401);

    const closed = await harness({ token: "s3cret", unsubscribe: false });
    await closed.runtime.ingest(signup("ana"));
    expect((await closed.inject("POST", closed.link(), ONE_CLICK)).status).toBe(401);
    const plain = await harness({ unsubscribe: false });
    await plain.runtime.ingest(signup("ana"));
    expect((await plain.inject("POST", plain.link())).status).toBe(404);
  });

  it("logs one info line per unsubscribe with the profile id, and the request line without the link's query (its signature)", async () => {
    let out = "";
    const logger = pino(new Writable({ write: (chunk, _encoding, done) => void ((out += String(chunk)), done()) }));
    const h = await harness({ logger });
    await h.runtime.ingest(signup("ana"));
    const link = h.link();
    await h.inject("POST", link, ONE_CLICK);
    const logs = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.map((l) => l["msg"])).toEqual(["unsubscribed", "request"]);
    expect(logs[0]).toMatchObject({ level: 30, profileId: "ana", messageId: h.channel.messages[0]!.key, channel: "email", journey: "Newsletter", event: "Unsubscribed", repeated: false });
    expect(logs[1]).toMatchObject({ method: "POST", url: "/v1/unsubscribe", status: 200 });
    expect(out).not.toContain(new URLSearchParams(link.split("?")[1]).get("s")!);
    expect(out).not.toContain("p@example.com");
  });

  it("createServer refuses a short secret, and a project whose event does not take what an unsubscribe sends, naming the field", async () => {
    const h = await harness({ unsubscribe: false });
    expect(() => createServer(h.runtime, { logger: false, unsubscribe: { secret: "short" } })).toThrow("createServer: `unsubscribe.secret` must be a string of 32 bytes or more");
    expect(() => createServer(h.runtime, { logger: false, unsubscribe: { secret: SECRET, event: "Unsubscribe" } })).toThrow(
      "createServer: `unsubscribe.event`: the project declares no event `Unsubscribe` (did you mean `Unsubscribed`?): declare `event Unsubscribe { messageId: string, channel: string, journey: string }`, and journeys `on Unsubscribe` that act on it",
    );
    const problem = (fields: string) => unsubscribeEventProblem(irOf(`profile { email: string }\nevent Unsubscribed { ${fields} }\n`), "Unsubscribed");
    expect(problem("messageId: string, channel: string")).toBe(
      "event `Unsubscribed` has no field `journey`: an unsubscribe sends `messageId`, `channel` and `journey`, each a string (`event Unsubscribed { messageId: string, channel: string, journey: string }`)",
    );
    expect(problem('messageId: string, channel: "email" | "sms", journey: string')).toBe('event `Unsubscribed` field `channel` is `"email" | "sms"`: an unsubscribe sends any string there (declare `channel: string`)');
    expect(problem("messageId: int, channel: string, journey: string")).toBe("event `Unsubscribed` field `messageId` is `int`: an unsubscribe sends any string there (declare `messageId: string`)");
    expect(problem("messageId: string, channel: string, journey: string, reason: string")).toBe(
      "event `Unsubscribed` field `reason` is required, and an unsubscribe cannot fill it: make it optional (`reason?: …`) or give it a default",
    );
    expect(problem('messageId: string, channel: string, journey?: string, reason?: string, source: string = "link"')).toBeUndefined();
  });

  it("unsubscribeLinkTemplate points at the route under the service's address, and refuses what is not one", () => {
    expect(unsubscribeLinkTemplate("https://mail.example.com")).toBe("https://mail.example.com/v1/unsubscribe?p={profileId}&m={messageId}&c={channel}&s={signature}");
    expect(unsubscribeLinkTemplate("https://example.com/journey//")).toBe("https://example.com/journey/v1/unsubscribe?p={profileId}&m={messageId}&c={channel}&s={signature}");
    expect(() => unsubscribeLinkTemplate("mail.example.com")).toThrow("`mail.example.com` is not a URL");
    expect(() => unsubscribeLinkTemplate("ftp://mail.example.com")).toThrow("`ftp:` URLs cannot take a POST");
    expect(() => unsubscribeLinkTemplate("https://mail.example.com/?x=1")).toThrow("without a query or fragment");
    expect(() => unsubscribeLinkTemplate("https://u:p@mail.example.com")).toThrow("without a user or password");
  });
});
