/**
 * End-to-end test of `samples/embedding-service`: build the abandoned-cart IR with the built
 * CLI, start the service as a child process on a free loopback port, talk HTTP to it, stop it
 * with SIGTERM, and look at what it left on disk with a new runtime on the same store.
 *
 * Needs the built packages (`npm run build`): the service imports `@journey/runtime` from dist/.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, MemoryChannel, SqliteStore, VirtualClock } from "@journey/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const server = join(repo, "samples", "embedding-service", "server.mjs");

let tmp: string;
let irPath: string;
let child: ChildProcess;
let base: string;
let stdout = "";
let stderr = "";
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

const cart = (id: string, profileId: string, price: unknown = 249) => ({
  id,
  type: "CartAbandoned",
  profileId,
  time: new Date().toISOString(),
  data: {
    cartId: `c-${id}`,
    items: [{ sku: "NV-2001", name: "Storm Shell Jacket", price, qty: 1, category: "jackets" }],
    total: 249,
    cartUrl: `https://shop.example.com/cart/c-${id}`,
  },
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, {
    method,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  for (const f of ["packages/runtime/dist/index.js", "packages/cli/dist/main.js"]) {
    if (!existsSync(join(repo, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  tmp = mkdtempSync(join(tmpdir(), "journey-embedding-e2e-"));
  const built = spawnSync(process.execPath, [join(repo, "packages/cli/bin/journey.js"), "build", join(repo, "samples/abandoned-cart"), "-o", tmp], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`journey build failed:\n${built.stdout}${built.stderr}`);
  irPath = join(tmp, "abandoned-cart.ir.json");

  child = spawn(process.execPath, [server, "--ir", irPath, "--db", join(tmp, "journey.db"), "--outbox", join(tmp, "outbox.jsonl"), "--port", "0", "--host", "127.0.0.1"], {
    cwd: tmp,
    stdio: ["ignore", "pipe", "pipe"],
  });
  exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  base = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then(({ code }) => reject(new Error(`the service exited (${code}) before listening:\n${stdout}${stderr}`)));
  });
}, 30_000);

afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("samples/embedding-service", () => {
  it("is healthy", async () => {
    const r = await call("GET", "/health");
    expect(r).toEqual({ status: 200, json: { status: "ok", nextDue: null } });
  });

  it("stores a profile, and refuses an invalid one naming the field", async () => {
    expect((await call("PUT", "/profiles/p1", { email: "ana@example.com", firstName: "Ana", consent: { email: true, sms: false } })).status).toBe(204);
    const bad = await call("PUT", "/profiles/p2", { firstName: "Bo", consent: { email: true, sms: false } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe("profile.email");
  });

  it("refuses an invalid event with 400 and the field path, and stores nothing of it", async () => {
    const one = await call("POST", "/events", cart("bad-1", "p9", "249"));
    expect(one.status).toBe(400);
    expect(one.json.errors).toEqual([{ path: "event.data.items[0].price", message: expect.stringContaining("expected number") }]);
    // In a list, the path names the element; the valid element before it is not stored either.
    const list = await call("POST", "/events", [cart("ok-in-bad-list", "p9"), { ...cart("bad-2", "p9"), type: "Nope" }]);
    expect(list.status).toBe(400);
    expect(list.json.errors[0].path).toBe("event[1].type");
    const json = await call("POST", "/events", "{not json");
    expect(json.status).toBe(400);
    expect(json.json.error).toMatch(/invalid JSON/);
  });

  it("accepts a CartAbandoned event with 202, and counts a redelivery as a duplicate", async () => {
    expect(await call("POST", "/events", cart("e-1", "p1"))).toEqual({ status: 202, json: { accepted: 1, duplicates: 0 } });
    expect(await call("POST", "/events", cart("e-1", "p1"))).toEqual({ status: 202, json: { accepted: 0, duplicates: 1 } });
    // The journey now waits 4 h: the next timer is stored.
    const health = await call("GET", "/health");
    expect(health.json.nextDue).toBeGreaterThan(Date.now() + 3.9 * 3_600_000);
  });

  it("decides surfaces (none is claimed in this project: no content, with the reason)", async () => {
    const r = await call("POST", "/decide", { surfaces: ["web://shop.example.com/#hero"], profileId: "p1", context: { pageUrl: "https://shop.example.com/" } });
    expect(r.status).toBe(200);
    expect(r.json.decisions).toEqual([{ surface: "web://shop.example.com/#hero", content: null, reason: expect.any(String) }]);
    const bad = await call("POST", "/decide", { surfaces: "web://shop.example.com/#hero", profileId: "p1" });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe("surfaces");
  });

  it("refuses a body over 1 MB with 413", async () => {
    const r = await fetch(base + "/events", { method: "POST", body: "x".repeat(1024 * 1024 + 1), headers: { "content-type": "application/json" } }).catch((e: Error) => e);
    // The service answers without reading the body to its end; the answer is 413.
    expect(r instanceof Error ? r.message : r.status).toBe(413);
  });

  it("answers 404 and 405 for what it does not serve", async () => {
    expect((await call("GET", "/nothing")).status).toBe(404);
    expect((await call("DELETE", "/events")).status).toBe(405);
  });

  it("answers 400, not 500, for a profile id that is not valid percent-encoding", async () => {
    for (const method of ["PUT", "GET"]) {
      const r = await call(method, "/profiles/%ZZ", method === "PUT" ? { email: "a@example.com", consent: { email: true, sms: false } } : undefined);
      expect(r.status).toBe(400);
      expect(r.json.errors[0].path).toBe("id");
    }
  });

  it("stops cleanly on SIGTERM, leaving the profile with its waiting instance in the store", async () => {
    child.kill("SIGTERM");
    const { code, signal } = await exited;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    expect(stdout).toContain("SIGTERM: stopping");
    expect(stdout).toContain("stopped");
    // One log line per request (16 requests above).
    expect(stdout.split("\n").filter((l) => /^\S+Z (GET|PUT|POST|DELETE) \/\S* \d{3} /.test(l))).toHaveLength(16);

    const db = join(tmp, "journey.db");
    expect(existsSync(db)).toBe(true);
    // No message yet: the email is 4 h away.
    expect(existsSync(join(tmp, "outbox.jsonl")) ? readFileSync(join(tmp, "outbox.jsonl"), "utf8") : "").toBe("");

    const store = new SqliteStore(db);
    try {
      const runtime = createRuntime({ ir: JSON.parse(readFileSync(irPath, "utf8")), store, clock: new VirtualClock(Date.now()), channels: new MemoryChannel() });
      const p1 = await runtime.profile("p1");
      expect(p1?.attributes).toMatchObject({ email: "ana@example.com", firstName: "Ana" });
      const instance = p1?.instances["AbandonedCart"];
      expect(instance?.wait).toEqual({ kind: "timer", due: expect.any(Number) });
      expect(instance?.vars["cart"]).toMatchObject({ cartId: "c-e-1" });
      expect(await runtime.nextDue()).toBe(instance?.wait?.kind === "timer" ? instance.wait.due : NaN);
      // Nothing of the refused requests.
      expect(await runtime.profile("p2")).toBeUndefined();
      expect(await runtime.profile("p9")).toBeUndefined();
      expect(await store.hasEvent("ok-in-bad-list")).toBe(false);
      expect(await store.hasEvent("e-1")).toBe(true);
      expect((await store.pendingEffects(0, 100)).effects).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
