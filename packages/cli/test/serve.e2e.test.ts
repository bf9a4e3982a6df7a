/**
 * End-to-end tests of `journey serve`: the built command as a child process on a free loopback
 * port, talked to with fetch. Its journey waits one second on the system clock, so the second
 * message really comes from the timer loop; SIGTERM stops it with 0, and a restart on the same
 * --db finds the profile again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

const TOKEN = "t0ken-for-tests";

interface Served {
  base: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** `journey serve <args>` in `cwd`, once it says where it listens. */
function serve(args: string[], cwd: string): Promise<Served> {
  const child = spawn(process.execPath, [join(cliRoot, "bin", "journey.js"), "serve", ...args, "--port", "0"], {
    cwd,
    env: { ...process.env, SERVE_TEST_TOKEN: TOKEN },
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
    // Structured log lines, with one per request, and never a stack trace.
    const logs = first
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; url?: string; status?: number });
    expect(logs.filter((l) => l.msg === "request").map((l) => `${l.url} ${l.status}`)).toContain("/v1/events 202");
    expect(logs.map((l) => l.msg)).toContain("stopped");

    const second = await serve(args, tmp());
    try {
      const again = await call(second.base, "GET", "/v1/profiles/ana");
      expect(again).toMatchObject({ status: 200, json: { attributes: { email: "ana@example.com" }, history: { Welcome: { entries: 1 } } } });
      // The event id is remembered too: a redelivery is a duplicate.
      expect((await call(second.base, "POST", "/v1/events", { id: "e1", type: "SignedUp", profileId: "ana", time: new Date().toISOString(), data: { source: "ads" } })).json).toEqual({ accepted: 0, duplicates: 1 });
      second.child.kill("SIGINT");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      second.child.kill("SIGKILL");
    }
    // Nothing was sent twice across the restart.
    expect(readFileSync(join(tmp(), "outbox.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("refuses a project with errors, or a mistake in its flags, in one line without starting", () => {
    const broken = folderWith(tmp(), "broken", { "app.journey": "journey Nope { on Missing }\n" });
    const r = runJourney(["serve", broken, "--db", "broken.db"], tmp());
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/error/);
    expect(existsSync(join(tmp(), "broken.db"))).toBe(false);
    for (const [args, message] of [
      [[], "journey: give a project folder, or --ir <file> with a built IR\n"],
      [["--ir", "missing.ir.json"], "journey: cannot read missing.ir.json: no such file or folder\n"],
      [[broken, "--port", "http"], "journey: --port: expected a whole number from 0 to 65535, not `http`\n"],
      [[broken, "--token-env", "SERVE_TEST_UNSET"], "journey: --token-env SERVE_TEST_UNSET: the environment variable SERVE_TEST_UNSET is not set\n"],
    ] as const) {
      const bad = runJourney(["serve", ...args], tmp());
      expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 1, stderr: message });
    }
  });
});
