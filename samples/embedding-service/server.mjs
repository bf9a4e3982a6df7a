#!/usr/bin/env node
/**
 * The Journey runtime embedded in a small HTTP service (plain `node:http`, no framework).
 * It compiles nothing: it loads an IR built beforehand with `journey build`.
 *
 *   POST /events          one event envelope or an array → 202 {accepted, duplicates}
 *   PUT  /profiles/:id    the profile's attributes       → 204
 *   GET  /profiles/:id    the profile's stored state     → 200 (404 if unknown)
 *   POST /decide          {surfaces, profileId, context?} → 200 {decisions}
 *   GET  /health          → 200 {status: "ok", …} (503 while stopping)
 *
 * Invalid input is a 400 whose body names the field (`{error, errors: [{path, message}]}`);
 * nothing of an invalid request is stored. Bodies over 1 MB get a 413.
 *
 * Configuration (command-line flags win over environment variables):
 *   --ir <file>       JOURNEY_IR        default out/abandoned-cart.ir.json
 *   --db <file>       JOURNEY_DB        default journey.db
 *   --outbox <file>   JOURNEY_OUTBOX    default outbox.jsonl (one JSON line per message)
 *   --catalog <file>  JOURNEY_CATALOG   default ../abandoned-cart/catalog.json (beside this folder)
 *   --port <n>        PORT              default 8080 (0: any free port)
 *   --host <addr>     HOST              default 127.0.0.1
 *   JOURNEY_SECRET_<NAME>=value         the secret `secret("NAME")` in action headers
 *   JOURNEY_UNSUBSCRIBE_URL             the unsubscribe link ({profileId}, {messageId} are replaced)
 *
 * It prints `listening on http://<host>:<port>` once it accepts requests, one line per
 * request after that, and stops gracefully on SIGTERM or SIGINT: no new connections, the
 * requests in flight finish, the runtime commits what it has carried out, the store closes.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, InvalidInputError, InvalidIRError, JsonlOutbox, loadIR, SqliteStore, SystemClock } from "@journey/runtime";

const MAX_BODY_BYTES = 1024 * 1024;
/** How long a graceful stop may take before the process gives up and exits with 1. */
const STOP_TIMEOUT_MS = 10_000;

// ── configuration ──────────────────────────────────────────────────────────────────

function setting(flag, env, fallback) {
  const i = process.argv.indexOf(`--${flag}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return process.env[env] ?? fallback;
}

const defaultCatalog = fileURLToPath(new URL("../abandoned-cart/catalog.json", import.meta.url));
const config = {
  ir: resolve(setting("ir", "JOURNEY_IR", "out/abandoned-cart.ir.json")),
  db: resolve(setting("db", "JOURNEY_DB", "journey.db")),
  outbox: resolve(setting("outbox", "JOURNEY_OUTBOX", "outbox.jsonl")),
  catalog: setting("catalog", "JOURNEY_CATALOG", existsSync(defaultCatalog) ? defaultCatalog : ""),
  port: Number(setting("port", "PORT", "8080")),
  host: setting("host", "HOST", "127.0.0.1"),
};
const secrets = Object.fromEntries(
  Object.entries(process.env)
    .filter(([k]) => k.startsWith("JOURNEY_SECRET_"))
    .map(([k, v]) => [k.slice("JOURNEY_SECRET_".length), v ?? ""]),
);

/** The runtime's logger: one JSON line per entry on stderr (the interface pino and bunyan have). */
const log = {
  info: (obj, msg) => process.stderr.write(JSON.stringify({ level: "info", time: new Date().toISOString(), msg, ...serializable(obj) }) + "\n"),
  warn: (obj, msg) => process.stderr.write(JSON.stringify({ level: "warn", time: new Date().toISOString(), msg, ...serializable(obj) }) + "\n"),
  error: (obj, msg) => process.stderr.write(JSON.stringify({ level: "error", time: new Date().toISOString(), msg, ...serializable(obj) }) + "\n"),
};

function serializable(obj) {
  const out = { ...obj };
  if (out.err instanceof Error) out.err = { message: out.err.message, stack: out.err.stack };
  return out;
}

if (!existsSync(config.ir)) {
  process.stderr.write(`no IR at ${config.ir}: build it first with \`npx journey build samples/abandoned-cart -o out\`, or pass --ir <file>\n`);
  process.exit(2);
}
// Check the IR before opening anything: an IR built by another version of the compiler is refused here.
const ir = JSON.parse(readFileSync(config.ir, "utf8"));
try {
  loadIR(ir);
} catch (e) {
  if (!(e instanceof InvalidIRError)) throw e;
  process.stderr.write(`${config.ir}: ${e.message}\nbuild it again with this version of the compiler: npx journey build samples/abandoned-cart -o out\n`);
  process.exit(2);
}

// ── the runtime ────────────────────────────────────────────────────────────────────

const store = new SqliteStore(config.db);
const runtime = createRuntime({
  ir,
  store,
  channels: new JsonlOutbox(config.outbox),
  clock: new SystemClock(),
  logger: log,
  secrets,
  ...(process.env.JOURNEY_UNSUBSCRIBE_URL ? { unsubscribeUrl: process.env.JOURNEY_UNSUBSCRIBE_URL } : {}),
});
// Loads the catalog items the store holds, re-dispatches what a crash left committed but not
// carried out, then starts the timers.
await runtime.start();
// The file's items, stored over those (a service whose catalog changes during the day calls
// `runtime.upsertItems` as it changes: stored items are there again after a restart). An
// invalid item is left out, and the logger says why.
if (config.catalog && runtime.catalog) await runtime.upsertItems(JSON.parse(readFileSync(config.catalog, "utf8")));

// ── HTTP ───────────────────────────────────────────────────────────────────────────

class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

/** The request body as JSON, refusing more than MAX_BODY_BYTES without reading it all. */
async function readJson(req) {
  const declared = Number(req.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new HttpError(400, "the request body is empty: send JSON");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `invalid JSON: ${e.message}`);
  }
}

function send(res, status, body) {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body) + "\n";
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}

let stopping = false;

async function route(req, res) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  const profileMatch = /^\/profiles\/([^/]+)$/.exec(path);

  if (path === "/health" && req.method === "GET") {
    if (stopping) return send(res, 503, { status: "stopping" });
    return send(res, 200, { status: "ok", nextDue: (await runtime.nextDue()) ?? null });
  }
  if (stopping) throw new HttpError(503, "the service is stopping");

  if (path === "/events" && req.method === "POST") {
    const body = await readJson(req);
    // One envelope or a list: a list is one unit of work (one commit), applied in time order.
    const result = await runtime.ingest(body);
    return send(res, 202, result);
  }
  if (profileMatch && req.method === "PUT") {
    const id = profileId(profileMatch[1]);
    const attributes = await readJson(req);
    if (!attributes || typeof attributes !== "object" || Array.isArray(attributes)) throw new HttpError(400, "the profile must be a JSON object of attributes", { errors: [{ path: "profile", message: "must be an object" }] });
    await runtime.upsertProfile(id, attributes);
    return send(res, 204);
  }
  if (profileMatch && req.method === "GET") {
    const state = await runtime.profile(profileId(profileMatch[1]));
    if (!state) throw new HttpError(404, "no such profile");
    return send(res, 200, state);
  }
  if (path === "/decide" && req.method === "POST") {
    const body = await readJson(req);
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "the body must be {surfaces, profileId, context?}", { errors: [{ path: "", message: "must be an object" }] });
    // Only what a page may choose: the decision time is the runtime's clock, not the caller's.
    const decisions = await runtime.decide({ surfaces: body.surfaces, profileId: body.profileId, context: body.context });
    return send(res, 200, { decisions });
  }
  const known = path === "/events" || path === "/decide" || path === "/health" || profileMatch;
  throw new HttpError(known ? 405 : 404, known ? `${req.method} is not allowed on ${path}` : `no route ${path}`);
}

/** The id in `/profiles/:id`, percent-decoded; a malformed escape (`%ZZ`) is the client's mistake, a 400. */
function profileId(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, "the profile id in the path is not valid percent-encoding", { errors: [{ path: "id", message: "must be percent-encoded UTF-8" }] });
  }
}

function handle(req, res) {
  const began = performance.now();
  res.on("finish", () => {
    process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode} ${(performance.now() - began).toFixed(1)}ms\n`);
  });
  route(req, res).catch((e) => {
    if (res.headersSent) return res.destroy();
    if (e instanceof InvalidInputError) return send(res, 400, { error: e.message, errors: e.errors });
    if (e instanceof HttpError) {
      // A body too large is not read to its end: close the connection after answering.
      if (e.status === 413) res.setHeader("connection", "close");
      return send(res, e.status, { error: e.message, ...e.extra });
    }
    log.error({ err: e, method: req.method, url: req.url }, "request failed");
    send(res, 500, { error: "internal error" });
  });
}

const server = createServer(handle);
// A client that asks first (`Expect: 100-continue`, as curl does for large bodies) is told
// 413 before it uploads a body that is too large.
server.on("checkContinue", (req, res) => {
  if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) {
    res.on("finish", () => process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} 413 (not uploaded)\n`));
    res.setHeader("connection", "close");
    return send(res, 413, { error: `request body over ${MAX_BODY_BYTES} bytes` });
  }
  res.writeContinue();
  handle(req, res);
});

server.listen(config.port, config.host, () => {
  const { address, port } = server.address();
  process.stdout.write(`listening on http://${address}:${port} (ir ${config.ir}, db ${config.db}, outbox ${config.outbox})\n`);
});

// ── graceful stop ──────────────────────────────────────────────────────────────────

async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping\n`);
  const timer = setTimeout(() => {
    process.stderr.write(`not stopped after ${STOP_TIMEOUT_MS} ms: exiting\n`);
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  timer.unref();
  try {
    // Together, as docs/embedding.md advises: no new connections (idle keep-alive ones close
    // now, busy ones after their response), and from now on the runtime begins no send, also
    // for the requests in flight (their messages wait in the outbox for the next start). The
    // work in flight finishes; sends already carried out are marked done; timers stay stored.
    const closed = new Promise((done) => {
      server.close(() => done());
      server.closeIdleConnections();
    });
    await Promise.all([closed, runtime.stop()]);
    // After both: the requests in flight still commit.
    await store.close();
    process.stdout.write("stopped\n");
    process.exitCode = 0;
  } catch (e) {
    log.error({ err: e }, "stopping failed");
    process.exitCode = 1;
  }
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
