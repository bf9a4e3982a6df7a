/**
 * End-to-end tests of `journey serve`: the built command as a child process on a free loopback
 * port, talked to with fetch. Its journey waits one second on the system clock, so the second
 * message really comes from the timer loop; SIGTERM stops it with 0, and a restart on the same
 * --db finds the profile again (and deletes it), and the catalog items put through the API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { describe, expect, it } from "vitest";
import { cliRoot, folderWith, runJourney, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-serve-e2e-");

const PROJECT = `
profile {
  email: string
  plan: "free" | "pro" = "free"
}
event SignedUp { source: string }
journey Welcome {
  on SignedUp as s
  send email { subject "welcome from {{s.source}}" text "hi" } to profile.email
  wait 1s
  send email { subject "one second later" text "still here" } to profile.email
}
`;

/** A catalog, and a journey that recommends from it what the shopper just viewed. */
const CATALOG_PROJECT = `
profile { email: string }
event Viewed { sku: string }
catalog Product {
  key sku: string
  name: string
  signals {
    view Viewed.sku
  }
}
journey Picks {
  on Viewed as v
  recommend recs = recentlyViewed() limit 3
  send email { subject "picks:{{#each recs as |p|}} {{p.name}}{{/each}}" text "x" } to profile.email
}
`;

/** An email with its unsubscribe link, and the journey that takes the unsubscribe as the end of consent. */
const UNSUBSCRIBE_PROJECT = `
profile {
  email: string
  consent: { email: bool } = { email: true }
}
event SignedUp { source: string }
event Unsubscribed { messageId: string, channel: string, journey: string }
journey Welcome {
  on SignedUp as s
  send email { subject "welcome" text "Unsubscribe: {{unsubscribeUrl}}" } to profile.email
}
journey OptOut {
  on Unsubscribed
  reentry always
  set profile.consent.email = false
}
`;

const TOKEN = "t0ken-for-tests";
const UNSUBSCRIBE_SECRET = "unsubscribe-secret-for-tests-32-bytes";

interface Served {
  base: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** `journey serve <args>` in `cwd` (with `env` added to the environment), once it says where it listens. */
function serve(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [join(cliRoot, "bin", "journey.js"), "serve", ...args, "--port", "0"], {
    cwd,
    env: { ...process.env, SERVE_TEST_TOKEN: TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (output += c));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      output += c;
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (m) resolve({ base: m[1]!, child, exited, output: () => output });
    });
    void exited.then(({ code }) => reject(new Error(`journey serve exited (${code}) before listening:\n${output}`)));
  });
}

/**
 * Ana is stored with `attributes` and signs up; once the send that causes has begun
 * (`sending`), serve gets SIGTERM. The POST's answer waits for the send: it is returned
 * unawaited (in an object: an async function would await a promise it returns), for after the stop.
 */
async function signUpThenStop(s: Served, attributes: Record<string, unknown>, sending: Promise<void>): Promise<{ posted: Promise<{ status: number; json: any }> }> {
  expect((await call(s.base, "PUT", "/v1/profiles/ana", attributes)).status).toBe(204);
  const event = { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } };
  const posted = call(s.base, "POST", "/v1/events", event);
  await sending;
  s.child.kill("SIGTERM");
  return { posted };
}

async function call(base: string, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** The outbox's messages once it has `n` of them (within a few seconds). */
async function messages(path: string, n: number): Promise<{ content: { subject: string }; to: string }[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l.trim()) : [];
    if (lines.length >= n || Date.now() > deadline) return lines.map((l) => JSON.parse(l) as { content: { subject: string }; to: string });
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("journey serve", () => {
  it("takes a profile and an event over HTTP, fires the wait on the system clock, stops on SIGTERM and keeps its state", async () => {
    const dir = folderWith(tmp(), "welcome", { "app.journey": PROJECT });
    const args = [dir, "--db", "state.db", "--outbox", "outbox.jsonl", "--token-env", "SERVE_TEST_TOKEN"];
    const first = await serve(args, tmp());
    try {
      expect(await call(first.base, "GET", "/health", undefined, null)).toEqual({ status: 200, json: { status: "ok" } });
      expect((await call(first.base, "GET", "/v1/journeys", undefined, null)).status).toBe(401);
      expect(await call(first.base, "GET", "/v1/journeys")).toMatchObject({ status: 200, json: { journeys: [{ name: "Welcome", trigger: { kind: "event", event: "SignedUp" } }] } });

      expect((await call(first.base, "PUT", "/v1/profiles/ana", { email: "ana@example.com" })).status).toBe(204);
      const bad = await call(first.base, "PUT", "/v1/profiles/bo", { plan: "gold" });
      expect(bad).toMatchObject({ status: 400, json: { errors: [{ path: "profile.email" }, { path: "profile.plan" }] } });
      const event = { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } };
      expect(await call(first.base, "POST", "/v1/events", event)).toEqual({ status: 202, json: { accepted: 1, duplicates: 0 } });

      const sent = await messages(join(tmp(), "outbox.jsonl"), 2);
      expect(sent.map((m) => [m.to, m.content.subject])).toEqual([
        ["ana@example.com", "welcome from ads"],
        ["ana@example.com", "one second later"],
      ]);
      const profile = await call(first.base, "GET", "/v1/profiles/ana");
      expect(profile.status).toBe(200);
      expect(profile.json).toMatchObject({ id: "ana", attributes: { email: "ana@example.com", plan: "free" }, history: { Welcome: { entries: 1 } } });
      expect((await call(first.base, "GET", "/v1/profiles/bo")).status).toBe(404);

      // A second server on the same store, or on the same port, is refused in one line.
      const locked = runJourney(["serve", dir, "--db", "state.db", "--port", "0"], tmp());
      expect({ status: locked.status, stderr: locked.stderr }).toEqual({ status: 1, stderr: "journey: --db state.db: another process is using this store\n" });
      const port = new URL(first.base).port;
      const busy = runJourney(["serve", dir, "--db", "other.db", "--port", port], tmp());
      expect({ status: busy.status, stderr: busy.stderr }).toEqual({ status: 1, stderr: `journey: --port ${port}: 127.0.0.1:${port} is already in use by another process\n` });
      expect(existsSync(join(tmp(), "other.db"))).toBe(false);

      first.child.kill("SIGTERM");
      expect(await first.exited).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
    }
    // Structured log lines, with one per request, and never a stack trace; our lines say where
    // each channel goes and where it listens (not fastify's too); no body (profiles carry
    // personal data) nor token.
    const lines = first.output().trim().split("\n");
    expect(lines.filter((l) => !l.startsWith("{"))).toEqual([expect.stringMatching(/^channel email → outbox .*outbox\.jsonl$/), expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+$/)]);
    const logs = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { msg: string; url?: string; status?: number });
    expect(logs.filter((l) => l.msg === "request").map((l) => `${l.url} ${l.status}`)).toContain("/v1/events 202");
    expect(logs.map((l) => l.msg)).toContain("stopped");
    expect(logs.map((l) => l.msg).filter((m) => /listening/i.test(m))).toEqual([]);
    expect(first.output()).not.toContain("ana@example.com");
    expect(first.output()).not.toContain(TOKEN);

    const second = await serve(args, tmp());
    try {
      const again = await call(second.base, "GET", "/v1/profiles/ana");
      expect(again).toMatchObject({ status: 200, json: { attributes: { email: "ana@example.com" }, history: { Welcome: { entries: 1 } } } });
      // The event id is remembered too: a redelivery is a duplicate.
      expect((await call(second.base, "POST", "/v1/events", { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } })).json).toEqual({ accepted: 0, duplicates: 1 });
      // Erasure: the profile goes (her instance ended a second after it started: none to end).
      expect(await call(second.base, "DELETE", "/v1/profiles/ana")).toEqual({ status: 200, json: { instancesEnded: 0 } });
      expect((await call(second.base, "GET", "/v1/profiles/ana")).status).toBe(404);
      expect((await call(second.base, "DELETE", "/v1/profiles/ana")).status).toBe(404);
      second.child.kill("SIGINT");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      second.child.kill("SIGKILL");
    }
    // Nothing was sent twice across the restart.
    expect(readFileSync(join(tmp(), "outbox.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("a changed project deployed while an instance waits: the start logs the new versions, and the instance finishes on its own", async () => {
    const v1 = `
      profile { email: string }
      event SignedUp { source: string }
      journey Welcome {
        on SignedUp
        wait 3s
        send email { subject "v1" text "x" } to profile.email
      }
    `;
    const v2 = v1.replace('"v1"', '"v2"') + "journey Tips { on SignedUp send email { subject \"tips\" text \"x\" } to profile.email }\n";
    const dir = folderWith(tmp(), "redeploy", { "app.journey": v1 });
    const args = [dir, "--db", "redeploy.db", "--outbox", "redeploy.jsonl"];
    const first = await serve(args, tmp());
    let waitingOn: string;
    try {
      expect((await call(first.base, "PUT", "/v1/profiles/ana", { email: "ana@example.com" })).status).toBe(204);
      expect((await call(first.base, "POST", "/v1/events", { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } })).status).toBe(202);
      // A client's mistakes, as its request's log line says them: field paths, no values.
      const bad = await call(first.base, "POST", "/v1/events", { id: "e2", type: "SignedUpp", profileId: "ana", time: "now", data: {} });
      expect(bad.json.errors).toEqual([
        { path: "event.time", message: expect.stringMatching(/^must be an ISO-8601 instant/) },
        { path: "event.type", message: "`SignedUpp` is not a declared event (did you mean `SignedUp`?)" },
      ]);
      waitingOn = (await call(first.base, "GET", "/v1/profiles/ana")).json.instances.Welcome.version;
      first.child.kill("SIGTERM");
      expect(await first.exited).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
    }
    const refused = first.output().split("\n").filter((l) => l.includes('"status":400')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(refused).toMatchObject([{ method: "POST", url: "/v1/events", fields: ["event.time", "event.type"] }]);
    /** The runtime's log lines of the versions a start deploys anew. */
    const deployed = (output: string) => output.split("\n").filter((l) => l.includes('"journey":') && l.includes("version")).map((l) => (JSON.parse(l) as { msg: string }).msg);
    // A new store says nothing of versions: there is no earlier one.
    expect(deployed(first.output())).toEqual([]);

    writeFileSync(join(dir, "app.journey"), v2);
    const second = await serve(args, tmp());
    try {
      const journeys = (await call(second.base, "GET", "/v1/journeys")).json.journeys as { name: string; version: string }[];
      const version = (name: string) => journeys.find((j) => j.name === name)!.version;
      expect(version("Welcome")).not.toBe(waitingOn);
      expect(deployed(second.output())).toEqual([
        `journey Tips: new journey (version ${version("Tips").slice(0, 8)})`,
        `journey Welcome: new version ${version("Welcome").slice(0, 8)}: new instances start on it; those started before finish on the version they started on`,
      ]);
      // Ana's instance waited through the restart, on the version it started on.
      expect((await messages(join(tmp(), "redeploy.jsonl"), 1)).map((m) => m.content.subject)).toEqual(["v1"]);
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      second.child.kill("SIGKILL");
    }
    // Unchanged, a restart says nothing more than the first start did.
    const third = await serve(args, tmp());
    try {
      third.child.kill("SIGTERM");
      expect(await third.exited).toEqual({ code: 0, signal: null });
    } finally {
      third.child.kill("SIGKILL");
    }
    expect(deployed(third.output())).toEqual([]);
  });

  it("says how many instances wait where, by version, in /v1/journeys and the /metrics gauge: across a restart that deploys a new version", async () => {
    const v1 = PROJECT.replace("wait 1s", "wait 1d");
    const v2 = PROJECT.replace("wait 1s", "send email { subject \"tip\" text \"x\" } to profile.email\n  wait 2d");
    const dir = folderWith(tmp(), "waiting", { "app.journey": v1 });
    const args = [dir, "--db", "waiting.db", "--outbox", "waiting.jsonl"];
    const lineOf = (text: string) => text.split("\n").findIndex((l) => l.includes("one second later")) + 1;
    const signUp = (s: Served, id: string) => call(s.base, "POST", "/v1/events", { id: `e-${id}`, type: "SignedUp", profileId: id, time: new Date().toISOString(), data: { source: "ads" } });
    const gauge = async (s: Served) => (await fetch(`${s.base}/metrics`).then((r) => r.text())).split("\n").filter((l) => l.startsWith("journey_instances{"));

    const first = await serve(args, tmp());
    let before: string;
    try {
      for (const id of ["ana", "bo"]) {
        expect((await call(first.base, "PUT", `/v1/profiles/${id}`, { email: `${id}@example.com` })).status).toBe(204);
        expect((await signUp(first, id)).status).toBe(202);
      }
      const { json } = await call(first.base, "GET", "/v1/journeys");
      before = json.journeys[0].version;
      // Waiting a day, counted at the send the wait resumes at: the line of the source.
      expect(json.journeys).toEqual([
        {
          name: "Welcome",
          version: before,
          trigger: { kind: "event", event: "SignedUp" },
          instances: 2,
          versions: [{ version: before, current: true, instances: 2, nodes: [{ node: expect.any(String), step: "send", location: expect.stringMatching(new RegExp(`app\\.journey:${lineOf(v1)}:3$`)), instances: 2 }] }],
        },
      ]);
      expect(await gauge(first)).toEqual([`journey_instances{journey="Welcome",version="${before}"} 2`]);
      first.child.kill("SIGTERM");
      expect(await first.exited).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
    }

    // A new version: Ana and Bo finish on the one they started on; Cy starts on the new one.
    writeFileSync(join(dir, "app.journey"), v2);
    const second = await serve(args, tmp());
    try {
      expect((await call(second.base, "PUT", "/v1/profiles/cy", { email: "cy@example.com" })).status).toBe(204);
      expect((await signUp(second, "cy")).status).toBe(202);
      const [welcome] = (await call(second.base, "GET", "/v1/journeys")).json.journeys;
      expect(welcome.version).not.toBe(before);
      expect(welcome).toMatchObject({ instances: 3 });
      expect(welcome.versions).toEqual([
        { version: welcome.version, current: true, instances: 1, nodes: [{ node: expect.any(String), step: "send", location: expect.stringMatching(new RegExp(`app\\.journey:${lineOf(v2)}:3$`)), instances: 1 }] },
        { version: before, current: false, instances: 2, nodes: [{ node: expect.any(String), step: "send", location: expect.stringMatching(new RegExp(`app\\.journey:${lineOf(v1)}:3$`)), instances: 2 }] },
      ]);
      expect(await gauge(second)).toEqual([`journey_instances{journey="Welcome",version="${welcome.version}"} 1`, `journey_instances{journey="Welcome",version="${before}"} 2`]);
      // Bo is erased: his instance is no longer counted.
      expect(await call(second.base, "DELETE", "/v1/profiles/bo")).toEqual({ status: 200, json: { instancesEnded: 1 } });
      expect(await gauge(second)).toEqual([`journey_instances{journey="Welcome",version="${welcome.version}"} 1`, `journey_instances{journey="Welcome",version="${before}"} 1`]);
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      second.child.kill("SIGKILL");
    }
  });


  it("keeps catalog items put through the API across a restart, and a journey's recommendation sees them", async () => {
    const dir = folderWith(tmp(), "shop", {
      "app.journey": CATALOG_PROJECT,
      "catalog.json": JSON.stringify([{ sku: "F", name: "Filed" }]),
    });
    const outbox = join(tmp(), "shop-outbox.jsonl");
    const args = [dir, "--db", "shop.db", "--outbox", outbox, "--token-env", "SERVE_TEST_TOKEN"];
    const view = (id: string, profileId: string, sku: string) => ({ id, type: "Viewed", profileId, time: new Date().toISOString(), data: { sku } });
    const first = await serve(args, tmp());
    try {
      // The project's catalog.json is loaded at start.
      expect(await call(first.base, "GET", "/v1/catalog/items/F")).toEqual({ status: 200, json: { sku: "F", name: "Filed" } });
      const put = await call(first.base, "PUT", "/v1/catalog/items", [{ sku: "A", name: "Alpha" }, { sku: "B" }]);
      expect(put).toMatchObject({ status: 200, json: { upserted: 1, rejected: [{ index: 1, key: "B", path: "item.name" }] } });
      // The stored items, a page at a time, in key order.
      expect(await call(first.base, "GET", "/v1/catalog/items?limit=1")).toEqual({ status: 200, json: { items: [{ sku: "A", name: "Alpha" }], next: "A" } });
      expect(await call(first.base, "GET", "/v1/catalog/items?after=A")).toEqual({ status: 200, json: { items: [{ sku: "F", name: "Filed" }] } });
      expect((await call(first.base, "POST", "/v1/catalog/items", [])).status).toBe(405);
      expect((await call(first.base, "PUT", "/v1/profiles/ana", { email: "ana@example.com" })).status).toBe(204);
      expect((await call(first.base, "POST", "/v1/events", view("v1", "ana", "A"))).status).toBe(202);
      expect((await messages(outbox, 1)).map((m) => m.content.subject)).toEqual(["picks: Alpha"]);
      const metrics = await fetch(`${first.base}/metrics`).then((r) => r.text());
      expect(metrics.split("\n")).toEqual(expect.arrayContaining(['journey_entered_total{journey="Picks"} 1', 'journey_messages_sent_total{channel="email"} 1']));
      first.child.kill("SIGTERM");
      expect(await first.exited).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
    }

    // F is no longer in the file: the file adds and replaces items, it removes none.
    writeFileSync(join(dir, "catalog.json"), JSON.stringify([{ sku: "G", name: "Given" }]));
    const second = await serve(args, tmp());
    try {
      expect(await call(second.base, "GET", "/v1/catalog/items/A")).toEqual({ status: 200, json: { sku: "A", name: "Alpha" } });
      expect((await call(second.base, "GET", "/v1/catalog/items/F")).status).toBe(200);
      expect((await call(second.base, "GET", "/v1/catalog/items/G")).status).toBe(200);
      await call(second.base, "PUT", "/v1/profiles/bo", { email: "bo@example.com" });
      expect((await call(second.base, "POST", "/v1/events", view("v2", "bo", "A"))).status).toBe(202);
      expect(await call(second.base, "DELETE", "/v1/catalog/items/A")).toEqual({ status: 204, json: undefined });
      expect((await call(second.base, "GET", "/v1/catalog/items/A")).status).toBe(404);
      await call(second.base, "PUT", "/v1/profiles/cy", { email: "cy@example.com" });
      expect((await call(second.base, "POST", "/v1/events", view("v3", "cy", "A"))).status).toBe(202);
      expect((await messages(outbox, 3)).map((m) => `${m.to} ${m.content.subject}`)).toEqual(["ana@example.com picks: Alpha", "bo@example.com picks: Alpha", "cy@example.com picks:"]);
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      second.child.kill("SIGKILL");
    }
  });

  it("sends email by SMTP and the other channels to a signed webhook, each message once, and says at start which goes where", async () => {
    const dir = folderWith(tmp(), "routed", {
      "app.journey": `
profile { email: string, phone: string }
event SignedUp { source: string }
channel email { from "Nordvik <hello@shop.example>" }
journey Welcome {
  on SignedUp as s
  send email { subject "welcome from {{s.source}}" text "hi" } to profile.email
  send sms { text "welcome, {{s.source}}" } to profile.phone
}
`,
    });
    const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
    const hookServer = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (c: string) => (body += c));
      req.on("end", () => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    const mails: string[] = [];
    const smtpServer = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => (auth.username === "shop" && auth.password === "smtp-pass" ? callback(null, { user: "shop" }) : callback(new Error("Invalid login"))),
      onData(stream, _session, callback) {
        let raw = "";
        stream.setEncoding("utf8").on("data", (c: string) => (raw += c));
        stream.on("end", () => {
          mails.push(raw);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => smtpServer.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/in`;
    const smtpPort = (smtpServer.server.address() as AddressInfo).port;
    const env = { SERVE_TEST_SMTP: `smtp://shop:smtp-pass@127.0.0.1:${smtpPort}`, SERVE_TEST_HOOK_SECRET: "hook-secret" };
    const args = [dir, "--db", "routed.db", "--outbox", "routed.jsonl", "--smtp-env", "SERVE_TEST_SMTP", "--webhook", hookUrl, "--webhook-secret-env", "SERVE_TEST_HOOK_SECRET", "--token-env", "SERVE_TEST_TOKEN"];
    const served = await serve(args, tmp(), env);
    try {
      expect(served.output()).toContain(`channel email → SMTP smtp://127.0.0.1:${smtpPort}\nchannel sms → webhook ${hookUrl} (signed)\nlistening on`);
      expect(served.output()).not.toMatch(/smtp-pass|hook-secret/);
      expect((await call(served.base, "PUT", "/v1/profiles/ana", { email: "ana@example.com", phone: "+46700000000" })).status).toBe(204);
      const event = { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } };
      expect((await call(served.base, "POST", "/v1/events", event)).status).toBe(202);
      for (let i = 0; i < 50 && (hooks.length < 1 || mails.length < 1); i++) await new Promise((r) => setTimeout(r, 100));
      served.child.kill("SIGTERM");
      // Exits: the SMTP connection pool is closed at stop.
      expect(await served.exited).toEqual({ code: 0, signal: null });
    } finally {
      served.child.kill("SIGKILL");
      hookServer.close();
      smtpServer.close();
    }
    expect(hooks).toHaveLength(1);
    const hook = hooks[0]!;
    expect(JSON.parse(hook.body)).toMatchObject({ channel: "sms", to: "+46700000000", profileId: "ana", journey: "Welcome", content: { text: "welcome, ads" } });
    const key = hook.headers["idempotency-key"] as string;
    expect(key).toBe(JSON.parse(hook.body).key);
    // The receiver's check, as docs/embedding.md writes it.
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(hook.headers["journey-signature"] as string)!;
    const expected = createHmac("sha256", "hook-secret").update(`${t}.${hook.body}`).digest("hex");
    expect(timingSafeEqual(Buffer.from(v1!), Buffer.from(expected))).toBe(true);

    expect(mails).toHaveLength(1);
    // The header lines, long ones unfolded.
    const headers = mails[0]!.split("\r\n\r\n")[0]!.replace(/\r\n[ \t]+/g, " ");
    expect(headers).toMatch(/^From: Nordvik <hello@shop\.example>$/m);
    expect(headers).toMatch(/^To: ana@example\.com$/m);
    expect(headers).toMatch(/^Subject: welcome from ads$/m);
    // Derived from the message key (see the runtime's SMTP tests), in the sender's domain.
    expect(headers).toMatch(/^Message-ID: <[0-9a-f]{64}@shop\.example>$/m);
    expect(existsSync(join(tmp(), "routed.jsonl"))).toBe(false);
  });

  it("a SIGTERM during an SMTP send the server drags out stops in time: the send is abandoned after 10 s, and goes at the next start", async () => {
    const dir = folderWith(tmp(), "slow-smtp", {
      "app.journey": `
profile { email: string }
event SignedUp { source: string }
channel email { from "Nordvik <hello@shop.example>" }
journey Welcome {
  on SignedUp as s
  send email { subject "welcome from {{s.source}}" text "hi" } to profile.email
}
`,
    });
    // Each answer comes in 6 s, within every step's timeout (10 s): MAIL FROM, RCPT TO and
    // DATA would take 18 s in all, past serve's 15 s stop limit.
    let slowMs = 6000;
    let began!: () => void;
    const sending = new Promise<void>((resolve) => (began = resolve));
    const mails: string[] = [];
    const smtpServer = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        began();
        setTimeout(() => callback(), slowMs);
      },
      onRcptTo: (_address, _session, callback) => void setTimeout(() => callback(), slowMs),
      onData(stream, _session, callback) {
        let raw = "";
        stream.setEncoding("utf8").on("data", (c: string) => (raw += c));
        stream.on("end", () => {
          mails.push(raw);
          setTimeout(() => callback(), slowMs);
        });
      },
    });
    await new Promise<void>((resolve) => smtpServer.listen(0, "127.0.0.1", resolve));
    const env = { SERVE_TEST_SMTP: `smtp://127.0.0.1:${(smtpServer.server.address() as AddressInfo).port}` };
    const args = [dir, "--db", "slow.db", "--smtp-env", "SERVE_TEST_SMTP", "--token-env", "SERVE_TEST_TOKEN"];
    const first = await serve(args, tmp(), env);
    let second: Served | undefined;
    try {
      const { posted } = await signUpThenStop(first, { email: "ana@example.com" }, sending);
      // 0: stopped within the 15 s (past them, serve exits 1).
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect((await posted).status).toBe(202);
      expect(first.output()).toContain("not done within 10 s: abandoned");
      expect(mails).toEqual([]);

      // The message stayed in the outbox: the next start sends it, to a server quick again.
      slowMs = 0;
      second = await serve(args, tmp(), env);
      for (let i = 0; i < 50 && mails.length < 1; i++) await new Promise((r) => setTimeout(r, 100));
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
      second?.child.kill("SIGKILL");
      smtpServer.close();
    }
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^Subject: welcome from ads$/m);
  });

  it("a stop during a slow send that goes through begins no other: it ends within --stop-timeout, and the next start sends the rest", async () => {
    const dir = folderWith(tmp(), "slow-hook", {
      "app.journey": `
profile { phone: string }
event SignedUp { source: string }
journey Welcome {
  on SignedUp as s
  send sms { text "one" } to profile.phone
  send sms { text "two" } to profile.phone
}
`,
    });
    // The first request is answered in 1 s; any other not at all (the webhook gives up after 10 s).
    let slow = true;
    let began!: () => void;
    const sending = new Promise<void>((resolve) => (began = resolve));
    const texts: string[] = [];
    const hookServer = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (c: string) => (body += c));
      req.on("end", () => {
        texts.push((JSON.parse(body) as { content: { text: string } }).content.text);
        if (!slow) return void res.writeHead(204).end();
        if (texts.length > 1) return;
        began();
        setTimeout(() => res.writeHead(204).end(), 1000);
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
    const args = [dir, "--db", "slow-hook.db", "--webhook", `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/in`, "--token-env", "SERVE_TEST_TOKEN", "--stop-timeout", "4s"];
    const first = await serve(args, tmp());
    let second: Served | undefined;
    try {
      expect(first.output()).toContain("warning: --stop-timeout 4s: a send may take 10 s: one in hand at the stop may be cut short, and sent again at the next start\n");
      const { posted } = await signUpThenStop(first, { phone: "+46700000000" }, sending);
      // 0: the second send, which would have waited 10 s for its answer, was not begun.
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect((await posted).status).toBe(202);
      expect(texts).toEqual(["one"]);

      slow = false;
      second = await serve(args, tmp());
      for (let i = 0; i < 50 && texts.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill("SIGKILL");
      second?.child.kill("SIGKILL");
      hookServer.closeAllConnections();
      hookServer.close();
    }
    // The first was recorded as sent at the stop: only the second went again.
    expect(texts).toEqual(["one", "two"]);
  });

  it("links each email to its own signed unsubscribe route: a one-click POST, without the token, sets the profile's consent through the project's journey", async () => {
    const dir = folderWith(tmp(), "unsubscribe", { "app.journey": UNSUBSCRIBE_PROJECT });
    const outbox = join(tmp(), "unsubscribe.jsonl");
    const args = [dir, "--db", "unsubscribe.db", "--outbox", outbox, "--token-env", "SERVE_TEST_TOKEN", "--public-url", "https://mail.shop.example/journey", "--unsubscribe-secret-env", "SERVE_TEST_UNSUBSCRIBE"];
    const served = await serve(args, tmp(), { SERVE_TEST_UNSUBSCRIBE: UNSUBSCRIBE_SECRET });
    let link: URL;
    try {
      expect(served.output()).toContain("unsubscribe → https://mail.shop.example/journey/v1/unsubscribe (event Unsubscribed)\nlistening on");
      expect((await call(served.base, "PUT", "/v1/profiles/ana", { email: "ana@example.com" })).status).toBe(204);
      const event = { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } };
      expect((await call(served.base, "POST", "/v1/events", event)).status).toBe(202);
      const [sent] = (await messages(outbox, 1)) as unknown as { key: string; content: { text: string }; unsubscribeUrl: string }[];
      // The link as the email's content renders it; behind the proxy at /journey, the service sees /v1/unsubscribe.
      link = new URL(sent!.content.text.replace("Unsubscribe: ", ""));
      expect(sent!.unsubscribeUrl).toBe(link.href);
      expect(link.origin + link.pathname).toBe("https://mail.shop.example/journey/v1/unsubscribe");
      expect(Object.fromEntries(link.searchParams)).toEqual({ p: "ana", m: sent!.key, c: "email", s: expect.stringMatching(/^[\w-]{22}$/) });
      const post = (search: string) =>
        fetch(`${served.base}/v1/unsubscribe${search}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
      // Tampered: refused, nothing changed.
      const forged = await post(link.search.replace("p=ana", "p=bo"));
      expect(forged.status).toBe(403);
      expect((await call(served.base, "GET", "/v1/profiles/ana")).json.attributes.consent).toEqual({ email: true });
      // The page a browser opens changes nothing either.
      const page = await fetch(`${served.base}/v1/unsubscribe${link.search}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form method="post"');
      expect((await call(served.base, "GET", "/v1/profiles/ana")).json.attributes.consent).toEqual({ email: true });
      // What Gmail sends for its unsubscribe button (RFC 8058), with no token.
      const res = await post(link.search);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect((await post(link.search)).status).toBe(200);
      const profile = await call(served.base, "GET", "/v1/profiles/ana");
      expect(profile.json).toMatchObject({ attributes: { consent: { email: false } }, history: { OptOut: { entries: 1 } } });
      const metrics = (await fetch(`${served.base}/metrics`).then((r) => r.text())).split("\n");
      expect(metrics).toEqual(expect.arrayContaining(["journey_unsubscribes_accepted_total 1", "journey_unsubscribes_refused_total 1", 'journey_entered_total{journey="OptOut"} 1']));
      served.child.kill("SIGTERM");
      expect(await served.exited).toEqual({ code: 0, signal: null });
    } finally {
      served.child.kill("SIGKILL");
    }
    const logs = served
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; profileId?: string; url?: string });
    expect(logs.filter((l) => l.msg === "unsubscribed")).toEqual([
      expect.objectContaining({ profileId: "ana", channel: "email", journey: "Welcome", event: "Unsubscribed", repeated: false }),
      expect.objectContaining({ profileId: "ana", repeated: true }),
    ]);
    // The link's signature is a credential: no log line holds it, nor the secret.
    expect(served.output()).not.toContain(link.searchParams.get("s")!);
    expect(served.output()).not.toContain(UNSUBSCRIBE_SECRET);
  });

  // About 30 processes, one after another: over a second each on a busy machine.
  it("--provider answers `provider(…)` steps over HTTP; a provider that is down or slow is logged and the backup fills in", async () => {
    const dir = folderWith(tmp(), "provided", {
      "app.journey": `
profile { email: string }
event Viewed { sku: string }
catalog Product {
  key sku: string
  name: string
  inStock: bool
  signals { view Viewed.sku }
}
experience Picks {
  surface "web://s/#picks"
  format json
  timeout 400ms
  recommend picks = provider("ml", "home") where item.inStock limit 2 backup popular(by: views)
  variant Main { content """{"items": {{json picks}} }""" }
}
`,
      "catalog.json": JSON.stringify([
        { sku: "A", name: "Alpha", inStock: true },
        { sku: "B", name: "Beta", inStock: false },
        { sku: "C", name: "Gamma", inStock: true },
        { sku: "V", name: "Viewed", inStock: true },
      ]),
    });
    // The shop's recommendation service: answers, fails, or takes its time, as the test says.
    let mode: "ok" | "down" | "slow" = "ok";
    const asked: unknown[] = [];
    const recs = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        asked.push(JSON.parse(body));
        if (mode === "down") return void res.writeHead(503).end("maintenance");
        const answer = () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: ["B", "GONE", "C", "A"] }));
        if (mode === "slow") setTimeout(answer, 2000).unref();
        else answer();
      });
    });
    await new Promise<void>((r) => recs.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(recs.address() as AddressInfo).port}/recommend`;
    const s = await serve([dir, "--db", "provided.db", "--outbox", join(tmp(), "provided-outbox.jsonl"), "--provider", `ml=${url}?token=pw-secret`, "--provider", "unused=http://127.0.0.1:9/x"], tmp());
    try {
      // Without the query, where a token may be.
      expect(s.output()).toContain(`provider ml → ${url}\n`);
      expect(s.output()).not.toContain("pw-secret");
      expect(s.output()).toContain('warning: --provider unused: no `recommend` step of the project asks `provider("unused")` (it asks `ml`): it is never used\n');
      const view = { id: "v1", type: "Viewed", profileId: "bo", time: new Date().toISOString(), data: { sku: "V" } };
      expect((await call(s.base, "POST", "/v1/events", view)).status).toBe(202);
      const decide = async () => (await call(s.base, "POST", "/v1/decide", { surfaces: ["web://s/#picks"], profileId: "ana" })).json.decisions[0] as { items: unknown };
      // In stock and in the catalog, in the provider's order; the backup is not needed.
      expect((await decide()).items).toEqual([
        { key: "C", source: "provider:ml" },
        { key: "A", source: "provider:ml" },
      ]);
      expect(asked[0]).toMatchObject({ algorithm: "ml", args: ["home"], profileId: "ana" });
      mode = "down";
      expect((await decide()).items).toEqual([{ key: "V", source: "popular" }]);
      // The experience's 400 ms, half of it for the provider (it has a backup): not the provider's 2 s.
      mode = "slow";
      const t0 = Date.now();
      expect((await decide()).items).toEqual([{ key: "V", source: "popular" }]);
      expect(Date.now() - t0).toBeLessThan(1500);
      // Each failure is in the log, though the page got content.
      const deadline = Date.now() + 5000;
      while (!/no answer within/.test(s.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const warned = s.output().split("\n").filter((l) => l.includes('"experience":"Picks"')).map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(warned).toEqual(["experience `Picks`: recommend `picks`: provider:ml: HTTP 503: maintenance; the backup filled in", "experience `Picks`: recommend `picks`: provider:ml: no answer within 200 ms; the backup filled in"]);
      s.child.kill("SIGTERM");
      expect(await s.exited).toEqual({ code: 0, signal: null });
    } finally {
      s.child.kill("SIGKILL");
      recs.closeAllConnections();
      recs.close();
    }
  });

  it("refuses a project with errors, or a mistake in its flags, in one line without starting", { timeout: 90_000 }, () => {
    const broken = folderWith(tmp(), "broken", { "app.journey": "journey Nope { on Missing }\n" });
    const r = runJourney(["serve", broken, "--db", "broken.db"], tmp());
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/error/);
    expect(existsSync(join(tmp(), "broken.db"))).toBe(false);
    for (const [args, message] of [
      [[], "journey: give a project folder, or --ir <file> with a built IR\n"],
      [["--ir", "missing.ir.json"], "journey: cannot read missing.ir.json: no such file or folder\n"],
      [[broken, "--port", "http"], "journey: --port: expected a whole number from 0 to 65535, not `http`\n"],
      [[broken, "--give-up-after", "a day"], "journey: --give-up-after a day: expected a duration such as 24h or 7d, or never\n"],
      [[broken, "--give-up-after", "0s"], "journey: --give-up-after 0s: expected a duration such as 24h or 7d, or never\n"],
      [[broken, "--stop-timeout", "soon"], "journey: --stop-timeout soon: expected a duration such as 15s or 1m\n"],
      [[broken, "--request-timeout", "0s"], "journey: --request-timeout 0s: expected a duration such as 10s or 1m, at most 24d\n"],
      [[broken, "--token-env", "SERVE_TEST_UNSET"], "journey: --token-env SERVE_TEST_UNSET: the environment variable SERVE_TEST_UNSET is not set\n"],
      [[broken, "--webhook", "ftp://hooks.example.com/in"], "journey: --webhook ftp://hooks.example.com/in: `ftp:` URLs cannot take a POST: give an http:// or https:// URL\n"],
      [[broken, "--webhook", "hooks.example.com/in"], "journey: --webhook hooks.example.com/in: `hooks.example.com/in` is not a URL (expected http://… or https://…: http://hooks.example.com/in or https://hooks.example.com/in)\n"],
      [[broken, "--webhook", "localhost:9999"], "journey: --webhook localhost:9999: `localhost:9999` is not a URL (expected http://… or https://…: http://localhost:9999 or https://localhost:9999)\n"],
      [[broken, "--webhook-secret-env", "SERVE_TEST_SECRET"], "journey: --webhook-secret-env: give --webhook <url> too (it signs the webhook's requests)\n"],
      [[broken, "--smtp-env", "SERVE_TEST_UNSET"], "journey: --smtp-env SERVE_TEST_UNSET: the environment variable SERVE_TEST_UNSET is not set\n"],
      [[broken, "--smtp-env", "SERVE_TEST_EMPTY"], "journey: --smtp-env SERVE_TEST_EMPTY: the environment variable SERVE_TEST_EMPTY is empty\n"],
      [[broken, "--smtp-env", "SERVE_TEST_HTTPS"], "journey: --smtp-env SERVE_TEST_HTTPS: the SMTP URL must start with smtp:// or smtps://, not https://\n"],
      [[broken, "--smtp-env", "SERVE_TEST_NOT_URL"], "journey: --smtp-env SERVE_TEST_NOT_URL: the SMTP URL is not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)\n"],
      [[broken, "--public-url", "https://mail.example.com"], "journey: --public-url: give --unsubscribe-secret-env <NAME> too (the secret that signs the unsubscribe links)\n"],
      [[broken, "--unsubscribe-secret-env", "SERVE_TEST_UNSUBSCRIBE"], "journey: --unsubscribe-secret-env: give --public-url <https://…> too (the service's address, where the unsubscribe links point)\n"],
      [[broken, "--unsubscribe-event", "Unsubscribed"], "journey: --unsubscribe-event: give --public-url <https://…> and --unsubscribe-secret-env <NAME> too (the event comes from their links)\n"],
      [[broken, "--public-url", "https://mail.example.com", "--unsubscribe-secret-env", "SERVE_TEST_SHORT"], "journey: --unsubscribe-secret-env SERVE_TEST_SHORT: the secret is 9 bytes, give at least 32 (a random one: openssl rand -base64 32)\n"],
      [[broken, "--public-url", "mail.example.com", "--unsubscribe-secret-env", "SERVE_TEST_UNSUBSCRIBE"], "journey: --public-url mail.example.com: `mail.example.com` is not a URL (expected https://… , the service's address as mail clients reach it)\n"],
      [[broken, "--public-url", "https://mail.example.com/?a=1", "--unsubscribe-secret-env", "SERVE_TEST_UNSUBSCRIBE"], "journey: --public-url https://mail.example.com/?a=1: give the service's address without a query or fragment (the link adds its own query)\n"],
      [[broken, "--provider", "http://recs.example.com"], 'journey: --provider http://recs.example.com: expected <name>=<url>, the name as the steps say it (`--provider recs=https://recs.internal/v1/recommend` for `provider("recs", …)`)\n'],
      [[broken, "--provider", "recs=recs.example.com"], 'journey: --provider recs: `url` must be an http(s) URL, not "recs.example.com"\n'],
      [[broken, "--provider", "recs=http://a.example.com", "--provider", "recs=http://b.example.com"], "journey: --provider recs: given more than once\n"],
      [[broken, "--provider", "recs=http://"], "journey: --provider recs: `http://` is not a URL\n"],
    ] as const) {
      const env = { ...process.env, SERVE_TEST_EMPTY: "", SERVE_TEST_HTTPS: "https://user:pw-secret@mail.example.com", SERVE_TEST_NOT_URL: "mail host with pw-secret", SERVE_TEST_SHORT: "too-short", SERVE_TEST_UNSUBSCRIBE: UNSUBSCRIBE_SECRET };
      const bad = runJourney(["serve", ...args], tmp(), env);
      expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 1, stderr: message });
    }
    // Email by SMTP needs the project's sender: said before anything is opened.
    const welcome = folderWith(tmp(), "no-sender", { "app.journey": PROJECT });
    const noSender = runJourney(["serve", welcome, "--db", "no-sender.db", "--smtp-env", "SERVE_TEST_SMTP"], tmp(), { ...process.env, SERVE_TEST_SMTP: "smtp://user:pw@127.0.0.1:2525" });
    expect({ status: noSender.status, stderr: noSender.stderr }).toEqual({
      status: 1,
      stderr: 'journey: --smtp-env SERVE_TEST_SMTP: no sender for email: declare `channel email { from "Name <address@example.com>" }` in the project\n',
    });
    expect(existsSync(join(tmp(), "no-sender.db"))).toBe(false);
    // A --db SQLite cannot open says what to do, not SQLite's words.
    const noFolder = runJourney(["serve", welcome, "--db", "no/such/folder/state.db"], tmp());
    expect({ status: noFolder.status, stderr: noFolder.stderr }).toEqual({ status: 1, stderr: "journey: --db no/such/folder/state.db: the folder no/such/folder does not exist: create it first (the store file is created in it)\n" });
    writeFileSync(join(tmp(), "notes.txt"), "not a database, but long enough for SQLite to read its header and refuse it\n".repeat(20));
    const notStore = runJourney(["serve", welcome, "--db", "notes.txt"], tmp());
    expect({ status: notStore.status, stderr: notStore.stderr }).toEqual({ status: 1, stderr: "journey: --db notes.txt: not an SQLite file, so not a store: give the store's file, or a new name to create one\n" });
    expect(readFileSync(join(tmp(), "notes.txt"), "utf8")).toMatch(/^not a database/);
    // Signed links need the project's event, and are one answer to where links go: JOURNEY_UNSUBSCRIBE_URL is another.
    const unsubscribeFlags = ["--public-url", "https://mail.example.com", "--unsubscribe-secret-env", "SERVE_TEST_UNSUBSCRIBE"];
    const unsubscribeEnv = { ...process.env, SERVE_TEST_UNSUBSCRIBE: UNSUBSCRIBE_SECRET };
    const noEvent = runJourney(["serve", welcome, "--db", "no-event.db", ...unsubscribeFlags], tmp(), unsubscribeEnv);
    expect({ status: noEvent.status, stderr: noEvent.stderr }).toEqual({
      status: 1,
      stderr: "journey: --unsubscribe-event Unsubscribed: the project declares no event `Unsubscribed`: declare `event Unsubscribed { messageId: string, channel: string, journey: string }`, and journeys `on Unsubscribed` that act on it\n",
    });
    expect(existsSync(join(tmp(), "no-event.db"))).toBe(false);
    const noField = folderWith(tmp(), "no-field", { "app.journey": UNSUBSCRIBE_PROJECT.replace("channel: string, ", "") });
    const missing = runJourney(["serve", noField, "--db", "no-field.db", ...unsubscribeFlags], tmp(), unsubscribeEnv);
    expect(missing.stderr).toBe(
      "journey: --unsubscribe-event Unsubscribed: event `Unsubscribed` has no field `channel`: an unsubscribe sends `messageId`, `channel` and `journey`, each a string (`event Unsubscribed { messageId: string, channel: string, journey: string }`)\n",
    );
    // An address so long that the project's links could not be followed: refused in one line, without repeating it.
    const unsubscribing = folderWith(tmp(), "long-url", { "app.journey": UNSUBSCRIBE_PROJECT });
    const longUrl = runJourney(["serve", unsubscribing, "--db", "long-url.db", "--public-url", `https://mail.example.com/${"a".repeat(8000)}`, "--unsubscribe-secret-env", "SERVE_TEST_UNSUBSCRIBE"], tmp(), unsubscribeEnv);
    expect(longUrl.status).toBe(1);
    expect(longUrl.stderr).toMatch(/^journey: --public-url: its longest link would be \d+ bytes, over the 8000 a mail client's unsubscribe request may take \(the address and query take 8\d{3}; a message of journey `\w+`, step `[^`]+`, to a profile id of 256 bytes, the rest\): give a shorter address, or that journey a shorter name \(or its step less nesting\)\n$/);
    expect(existsSync(join(tmp(), "long-url.db"))).toBe(false);
    const both = runJourney(["serve", welcome, ...unsubscribeFlags], tmp(), { ...unsubscribeEnv, JOURNEY_UNSUBSCRIBE_URL: "https://shop.example.com/u?p={profileId}" });
    expect({ status: both.status, stderr: both.stderr }).toEqual({
      status: 1,
      stderr: "journey: JOURNEY_UNSUBSCRIBE_URL is set, and --public-url with --unsubscribe-secret-env make links of their own: unset it, or leave the flags out\n",
    });
  });
});
