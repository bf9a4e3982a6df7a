/**
 * What an operator learns when a `call` fails: `HttpActionExecutor`'s errors say what went
 * wrong and where (never the path or query, which hold the arguments), each failed call is
 * logged as a warning besides its `call` effect, and `start()` warns of a secret the actions
 * name that the runtime was not given, before any call needs it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRuntime, HttpActionExecutor, MemoryChannel, unconfiguredSecrets, VirtualClock, type CallRequest, type Effect } from "@journey/runtime";
import type { IR } from "@journey/ir";
import { beforeAll, describe, expect, it } from "vitest";
import { T0, ev, ofType, withSchema } from "../engine/helpers.js";
import { actionServer } from "./action-server.js";

const api = actionServer();

const request = (over: Partial<CallRequest> = {}): CallRequest => ({ action: "Lookup", args: {}, method: "GET", url: `${api.origin}/customers/ana%40example.com?token=t0p`, headers: {}, timeoutMs: 2000, retries: 0, ...over });
const failure = (r: CallRequest) =>
  new HttpActionExecutor(0).execute(r).then(
    () => expect.unreachable("the call should fail"),
    (e: Error) => e.message,
  );

describe("HttpActionExecutor's errors", () => {
  it("name the method and the origin, never the path or query the arguments fill in", async () => {
    api.answer = (res) => res.writeHead(503, "Service Unavailable").end("down");
    expect(await failure(request())).toBe(`GET ${api.origin}: HTTP 503 Service Unavailable`);
  });

  it("say why a connection failed, which fetch alone does not", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await failure(request({ method: "POST", url: `http://127.0.0.1:${port}/x` }))).toBe(`POST http://127.0.0.1:${port}: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it("say how long was waited for an answer that did not come", async () => {
    api.answer = () => undefined; // never answers
    expect(await failure(request({ timeoutMs: 50 }))).toBe(`GET ${api.origin}: no answer within 0.05 s`);
  });

  it("say that an answer is not JSON, after the retries it is given", async () => {
    api.hits.length = 0;
    api.answer = (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>");
    expect(await failure(request({ retries: 1 }))).toMatch(new RegExp(`^GET ${api.origin}: the answer is not JSON: `));
    expect(api.hits).toHaveLength(2);
  });

  it("do not retry a 4xx but 429, and retry a 429 and a 5xx", async () => {
    for (const [status, attempts] of [[404, 1], [429, 3], [500, 3]] as const) {
      api.hits.length = 0;
      api.answer = (res) => res.writeHead(status).end();
      expect(await failure(request({ retries: 2 }))).toMatch(new RegExp(`^GET ${api.origin}: HTTP ${status}`));
      expect(api.hits).toHaveLength(attempts);
    }
  });
});

describe("unconfiguredSecrets", () => {
  const ir = withSchema(`
    action A(id: string) -> { ok: bool } {
      get "https://api.example.com/{{id}}"
      headers { Authorization: "Bearer " + secret("TOKEN_A"), "X-Key": secret("KEY"), "X-Id": id }
    }
  `);

  it("lists the secrets an action's headers name, also inside an expression, that the configuration lacks", () => {
    expect(unconfiguredSecrets(ir.actions["A"]!, {})).toEqual(["KEY", "TOKEN_A"]);
    expect(unconfiguredSecrets(ir.actions["A"]!, { KEY: "k" })).toEqual(["TOKEN_A"]);
    expect(unconfiguredSecrets(ir.actions["A"]!, { KEY: "k", TOKEN_A: "" })).toEqual([]);
  });
});

describe("a runtime whose calls fail", () => {
  let ir: IR;
  beforeAll(() => {
    ir = withSchema(`
      action Lookup(id: string) -> { code: string } {
        get "${api.origin}/lookup/{{id}}"
        headers { Authorization: secret("LOOKUP_TOKEN") }
      }
      action Unused() -> { ok: bool } {
        get "${api.origin}/unused"
        headers { Authorization: secret("LOOKUP_TOKEN"), "X-Other": secret("OTHER") }
      }
      journey J {
        on Ping as ping
        call Lookup("p-1") as r on error { end }
        send email { subject "code {{r.code}}" text "x" } to profile.email
      }
    `);
  });
  const open = (secrets?: Record<string, string>) => {
    const warnings: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
    const effects: Effect[] = [];
    const logger = { info() {}, error() {}, warn: (obj: object, msg?: string) => void warnings.push({ obj: obj as Record<string, unknown>, msg }) };
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: new MemoryChannel(), logger, onEffect: (e) => effects.push(e), ...(secrets ? { secrets } : {}) });
    return { rt, warnings, effects };
  };

  it("start() warns of each secret the actions name and the runtime lacks, with the actions that name it", async () => {
    const { rt, warnings } = open({ OTHER: "x" });
    await rt.start();
    expect(warnings).toEqual([
      {
        obj: { secret: "LOOKUP_TOKEN", actions: ["Lookup", "Unused"] },
        msg: 'secret `LOOKUP_TOKEN` (in the headers of actions `Lookup`, `Unused`) is not in `secrets`: every call of them fails ("secret `LOOKUP_TOKEN` is not configured") until the runtime is given it',
      },
    ]);
    await rt.stop();
    const configured = open({ OTHER: "x", LOOKUP_TOKEN: "t" });
    await configured.rt.start();
    expect(configured.warnings).toEqual([]);
    await configured.rt.stop();
  });

  it("logs each failed call as a warning, with the action, the profile and the error, as the `call` effect records it", async () => {
    api.answer = (res) => res.writeHead(502, "Bad Gateway").end();
    const { rt, warnings, effects } = open({ LOOKUP_TOKEN: "t", OTHER: "x" });
    await rt.start();
    await rt.ingest(ev("Ping", "p1", T0, { n: 1 }, "ping-1"));
    const [call] = ofType(effects, "call");
    expect(call).toMatchObject({ ok: false, error: `GET ${api.origin}: HTTP 502 Bad Gateway` });
    expect(warnings).toEqual([
      {
        obj: { profileId: "p1", key: expect.stringMatching(/^J:p1:1:/), action: "Lookup", err: expect.objectContaining({ message: call!.error }) },
        msg: `call of action \`Lookup\` failed: GET ${api.origin}: HTTP 502 Bad Gateway; the step takes its \`on error\` path, or its instance ends with reason \`error\``,
      },
    ]);
    await rt.stop();
  });
});
