/**
 * The runtime's HTTP API (fastify): events, profiles, catalog items, decisions, the deployed
 * journeys, health and metrics. It validates nothing the runtime validates: an invalid event
 * or profile is the runtime's `InvalidInputError`, answered as a 400 with its field paths
 * (nothing is stored).
 * The runtime's life is the caller's: start it before listening, stop it with `close()`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type HTTPMethods } from "fastify";
import { pino } from "pino";
import type { EventEnvelope } from "../engine/state.js";
import { isUnsubscribeSecret, UNSUBSCRIBE_SECRET_MIN_BYTES } from "../engine/unsubscribe.js";
import type { CatalogEngine, CatalogItem } from "../recs/provider.js";
import { InvalidInputError, MAX_CATALOG_PAGE, type Runtime } from "../shell/runtime.js";
import { isJsonObject } from "../sim/json-file.js";
import { journeysSummary } from "./journeys.js";
import { instancesGauge, METRICS_CONTENT_TYPE, ServerMetrics } from "./metrics.js";
import { DEFAULT_UNSUBSCRIBE_EVENT, UNSUBSCRIBE_PATH, unsubscribeEventProblem, unsubscribeRoutes, type UnsubscribeOptions } from "./unsubscribe.js";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/**
 * How long a client may take to send a whole request, headers and body (see
 * `ServerOptions.requestTimeoutMs`): 1 MiB in 10 s is 100 KB/s, slow for a service, and under
 * `journey serve`'s 15 s stop limit, so a request still arriving at a stop is answered 408 in time.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The longest `requestTimeoutMs`: the longest a Node timer waits. */
export const MAX_REQUEST_TIMEOUT_MS = 2 ** 31 - 1;

export interface ServerOptions {
  /** Requests must carry `Authorization: Bearer <token>` (all but /health and /metrics). Without it, none is asked for. */
  token?: string;
  /** The largest request body in bytes (default 1 MiB): a larger one is answered 413. */
  bodyLimit?: number;
  /**
   * How long a client may take to send a request, headers and body, in ms (default 10 s):
   * one not received by then is answered 408 and its connection closed. It bounds `close()`
   * too, which waits for the requests in flight: a client trickling a body would hold it.
   */
  requestTimeoutMs?: number;
  /** Where request lines and errors are logged (default: a new `createServerLogger()`); `false`: nowhere. */
  logger?: FastifyBaseLogger | false;
  /** The counters /metrics shows; give the same to `createRuntime({ onEffect: metrics.effect })` to count effects too. */
  metrics?: ServerMetrics;
  /**
   * Serve the unsubscribe routes (`GET` and `POST /v1/unsubscribe`, open without the token) for
   * the links a runtime given `unsubscribeUrl: unsubscribeLinkTemplate(publicUrl)` and
   * `unsubscribeSecret: secret` writes: a good one becomes the event `event`.
   */
  unsubscribe?: UnsubscribeOptions;
}

export interface JourneyServer {
  /** The fastify instance: `inject()`, more routes. */
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Start listening; resolves to the address (port 0: the one chosen). Says nothing: the caller tells where it listens. */
  listen(options: { port: number; host: string }): Promise<AddressInfo>;
  /** From now on /health answers 503 and other routes 503 (load balancers stop sending); requests in flight finish. */
  drain(): void;
  /**
   * `drain()`, stop listening and wait for the requests in flight. The runtime is not stopped:
   * stop it at the same time (`Promise.all([server.close(), runtime.stop()])`), so that the
   * requests in flight begin no send either, then close the store.
   */
  close(): Promise<void>;
}

/** The logger the server and the runtime share: pino, one JSON object per line on stdout. */
export function createServerLogger(): FastifyBaseLogger {
  return pino();
}

/** The answer to a request the routes refuse before or without the runtime: a status and a message. */
class HttpError extends Error {
  readonly errors?: { path: string; message: string }[];
  /** More of the answer, beside `error` (and `errors`). */
  readonly details?: Record<string, unknown>;
  /** What the request's log line says of the refusal, when the message quotes the body (which is never logged). */
  readonly logged: string;

  constructor(
    readonly status: number,
    message: string,
    more: { errors?: { path: string; message: string }[]; details?: Record<string, unknown>; logged?: string } = {},
  ) {
    super(message);
    if (more.errors) this.errors = more.errors;
    if (more.details) this.details = more.details;
    this.logged = more.logged ?? message;
  }
}

/** Routes open without a token: probes and scrapers carry none. */
const OPEN_ROUTES = new Set(["/health", "/metrics"]);

export function createServer(runtime: Runtime, options: ServerOptions = {}): JourneyServer {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) throw new TypeError("createServer: `bodyLimit` must be a positive whole number of bytes");
  if (options.token !== undefined && (typeof options.token !== "string" || !options.token)) throw new TypeError("createServer: `token` must be a non-empty string");
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // A timer holds at most 2^31 - 1 ms (24.8 days): a longer one would fire at once.
  if (!Number.isSafeInteger(requestTimeoutMs) || requestTimeoutMs <= 0 || requestTimeoutMs > MAX_REQUEST_TIMEOUT_MS) throw new TypeError(`createServer: \`requestTimeoutMs\` must be a positive whole number of milliseconds, at most ${MAX_REQUEST_TIMEOUT_MS}`);
  const unsubscribe = options.unsubscribe;
  if (unsubscribe !== undefined) {
    if (!isUnsubscribeSecret(unsubscribe?.secret)) throw new TypeError(`createServer: \`unsubscribe.secret\` must be a string of ${UNSUBSCRIBE_SECRET_MIN_BYTES} bytes or more`);
    const problem = unsubscribeEventProblem(runtime.program.ir, unsubscribe.event ?? DEFAULT_UNSUBSCRIBE_EVENT);
    if (problem) throw new TypeError(`createServer: \`unsubscribe.event\`: ${problem}`);
  }
  const metrics = options.metrics ?? new ServerMetrics();
  const logger = options.logger === undefined ? createServerLogger() : options.logger;
  let stopping = false;

  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit,
    // fastify turns Node's limit (5 minutes) off by default: a client sending a byte now and
    // then would hold its connection, and `close()`, as long as it liked. The headers have the
    // same bound (Node's own is 60 s), and Node looks for requests past it every second
    // rather than every 30 s, so the bound is kept to within a second.
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
    // A profile id or item key in the path may be as long as a URL Node takes (fastify's
    // default, 100 characters, would leave a longer id unreadable and its profile undeletable).
    routerOptions: { maxParamLength: maxHeaderSize },
    // One line per request (onResponse below) rather than fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // While stopping, requests on open connections get this API's 503 (the hook below), not fastify's.
    return503OnClosing: false,
    // A bad URL (`/v1/profiles/%ZZ`) is the client's mistake, answered as every other.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => void reply.code(400).send({ error: error.message }),
  });

  const arriving = requestsArriving(app.server);

  // Every body is JSON whatever its content type says: `curl -d` sends form encoding, and
  // `fetch` with a string body sends text/plain.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    // A request no route takes is answered 404 or 405 by the not-found handler, which fastify
    // runs after the parser, and no DELETE route reads a body: what it holds does not matter.
    if (request.is404 || request.method === "DELETE") return done(null, undefined);
    if (!(body as string).trim()) return done(new HttpError(400, "the request body is empty: send JSON"), undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(new HttpError(400, `invalid JSON: ${(e as Error).message}`, { logged: "invalid JSON" }), undefined);
    }
  });

  // Once stopping, every answer closes its connection: one kept open for the client's next
  // request (as fetch and most clients keep them) would hold `close()` until it timed out,
  // and a request in flight when the stop came finishes after `close()` began.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (stopping) void reply.header("connection", "close");
    return payload;
  });

  const expected = options.token === undefined ? undefined : digest(options.token);
  app.addHook("onRequest", async (request, reply) => {
    // No route reads the content type (the API's bodies are JSON whatever it says, the
    // unsubscribe routes' are not read): one left out is read as none, so that an empty or
    // malformed one (`Content-Type:`), which fastify would answer 415, is no refusal either.
    delete request.headers["content-type"];
    const path = request.url.split("?")[0]!;
    if (stopping && path !== "/health") throw new HttpError(503, "the service is stopping");
    // A mail client carries no token either: an unsubscribe link is signed instead.
    if (!expected || OPEN_ROUTES.has(path) || (unsubscribe && path === UNSUBSCRIBE_PATH)) return;
    // The scheme is case-insensitive (RFC 7235); the token is not.
    const given = /^bearer +(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    // Digests of equal length, compared in constant time: the time taken says nothing of the token.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      void reply.header("www-authenticate", 'Bearer realm="journey"');
      throw new HttpError(401, given === undefined ? "missing bearer token (Authorization: Bearer <token>)" : "wrong bearer token");
    }
  });

  // Why a request was refused, for its log line: an operator sees what a client got wrong
  // without asking it. Field paths, never their values: bodies hold personal data.
  const refusals = new WeakMap<FastifyRequest, { error: string } | { fields: string[] }>();

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "(no route)";
    metrics.add("journey_http_requests_total", { route, method: request.method, status: String(reply.statusCode) });
    request.log.info({ method: request.method, url: loggedUrl(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ...refusals.get(request) }, "request");
  });

  app.setErrorHandler(async (error: FastifyError | Error, request, reply) => {
    if (error instanceof InvalidInputError) {
      refusals.set(request, { fields: error.errors.map((e) => e.path) });
      return reply.code(400).send({ error: error.message, errors: error.errors });
    }
    if (error instanceof HttpError) {
      refusals.set(request, error.errors ? { fields: error.errors.map((e) => e.path) } : { error: error.logged });
      return reply.code(error.status).send({ error: error.message, ...(error.errors ? { errors: error.errors } : {}), ...error.details });
    }
    const code = (error as FastifyError).code;
    if (code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      // The rest of a body too large is not read: the connection closes after the answer.
      void reply.header("connection", "close");
      // No route takes it: that is the mistake to tell (fastify reads the body before the not-found handler).
      if (request.is404) return noRoute(request, reply);
      const message = `the request body is over the limit of ${bodyLimit} bytes`;
      refusals.set(request, { error: message });
      return reply.code(413).send({ error: message });
    }
    const status = (error as FastifyError).statusCode;
    // fastify's own refusals (a bad Content-Length, …) say what is wrong, and nothing inside.
    if (code?.startsWith("FST_") && status !== undefined && status >= 400 && status < 500) {
      refusals.set(request, { error: error.message });
      return reply.code(status).send({ error: error.message });
    }
    request.log.error({ err: error, method: request.method, url: loggedUrl(request) }, "request failed");
    return reply.code(500).send({ error: "internal error" });
  });

  // The methods of the routes, from fastify's own registrations (HEAD for each GET too): which
  // of them a path has is asked of fastify's router when a request finds no route.
  const methods = new Set<string>();
  app.addHook("onRoute", (route) => {
    for (const m of [route.method].flat()) methods.add(m.toUpperCase());
  });

  /** A request no route takes: 405 with the methods its path has, or 404. */
  const noRoute = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0]!;
    const allowed = [...methods].filter((method) => app.findRoute({ method: method as HTTPMethods, url: path })).sort();
    if (!allowed.length) return reply.code(404).send({ error: `no route ${request.method} ${path}` });
    return reply.code(405).header("allow", allowed.join(", ")).send({ error: `${request.method} is not allowed on ${path}: ${allowed.join(", ")}` });
  };
  app.setNotFoundHandler(async (request, reply) => noRoute(request, reply));

  app.get("/health", async (_request, reply) => {
    if (stopping) return reply.code(503).send({ status: "stopping" });
    return { status: "ok" };
  });

  // The instance gauge is read from the store's counts at each scrape: right after a restart too.
  app.get("/metrics", async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send(metrics.text() + instancesGauge(await runtime.liveInstances(), runtime.program.currentJourneys())));

  // One envelope or a list: a list is one unit of work (one commit), applied in time order.
  app.post("/v1/events", async (request, reply) => {
    const body = jsonBody(request) as EventEnvelope | EventEnvelope[];
    try {
      const result = await runtime.ingest(body);
      metrics.add("journey_events_accepted_total", {}, result.accepted);
      metrics.add("journey_events_duplicate_total", {}, result.duplicates);
      return reply.code(202).send(result);
    } catch (e) {
      if (e instanceof InvalidInputError) metrics.add("journey_events_rejected_total", {}, Array.isArray(body) ? body.length : 1);
      throw e;
    }
  });

  app.put<{ Params: { id: string } }>("/v1/profiles/:id", async (request, reply) => {
    const attributes = jsonBody(request);
    if (!isJsonObject(attributes)) throw new HttpError(400, "the body must be a JSON object of the profile's attributes", { errors: [{ path: "profile", message: "must be an object" }] });
    await runtime.upsertProfile(request.params.id, attributes);
    metrics.add("journey_profiles_upserted_total");
    return reply.code(204).send();
  });

  // Erasure: the profile, its timers and undelivered messages go; its catalog signals stay anonymous.
  app.delete<{ Params: { id: string } }>("/v1/profiles/:id", async (request) => {
    const result = await runtime.deleteProfile(request.params.id);
    if (!result.deleted) throw new HttpError(404, `no profile \`${request.params.id}\``);
    metrics.add("journey_profiles_deleted_total");
    return { instancesEnded: result.instancesEnded };
  });

  // The profile's stored state: its attributes, instances (and what each waits for), history.
  app.get<{ Params: { id: string } }>("/v1/profiles/:id", async (request) => {
    const state = await runtime.profile(request.params.id);
    if (!state) throw new HttpError(404, `no profile \`${request.params.id}\``);
    return state;
  });

  // The catalog: items stored (they survive a restart) and given to the recommendation engine.
  app.put("/v1/catalog/items", async (request) => {
    catalogOf(runtime);
    const items = jsonBody(request);
    if (!Array.isArray(items)) throw new HttpError(400, "the body must be a JSON list of catalog items", { errors: [{ path: "items", message: "must be a list" }] });
    const result = await runtime.upsertItems(items as CatalogItem[]);
    const rejected = result.rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...(r.key !== undefined ? { key: r.key } : {}), path: e.path, message: e.message })));
    metrics.add("journey_catalog_items_upserted_total", {}, result.upserted);
    metrics.add("journey_catalog_items_rejected_total", {}, result.rejected.length);
    // Nothing kept of a non-empty list: the request failed, as a wholly invalid event does.
    if (items.length && !result.upserted) throw new HttpError(400, `no valid catalog item: ${result.rejected[0]!.message}`, { details: { rejected }, logged: "no valid catalog item" });
    const warnings = result.warnings.map(({ index, key, path, message }) => ({ index, key, path, message }));
    return { upserted: result.upserted, rejected, ...(warnings.length ? { warnings } : {}) };
  });

  // A page of the stored items, in key order; `next` is the `after` of the next page.
  app.get<{ Querystring: { after?: string; limit?: string } }>("/v1/catalog/items", async (request) => {
    catalogOf(runtime);
    const { after, limit: given } = request.query;
    const limit = given === undefined ? DEFAULT_CATALOG_PAGE : /^\d+$/.test(given) ? Number(given) : NaN;
    if (!(limit >= 1 && limit <= MAX_CATALOG_PAGE)) throw new HttpError(400, `limit: expected a whole number from 1 to ${MAX_CATALOG_PAGE}, not \`${given}\``, { errors: [{ path: "limit", message: `must be a whole number from 1 to ${MAX_CATALOG_PAGE}` }] });
    const page = await runtime.catalogItems(after, limit);
    return { items: page.map((s) => s.item), ...(page.length === limit ? { next: page[page.length - 1]!.key } : {}) };
  });

  app.get<{ Params: { key: string } }>("/v1/catalog/items/:key", async (request) => {
    const item = catalogOf(runtime).item(request.params.key);
    if (!item) throw new HttpError(404, `no catalog item \`${request.params.key}\``);
    return item;
  });

  app.delete<{ Params: { key: string } }>("/v1/catalog/items/:key", async (request, reply) => {
    catalogOf(runtime);
    const [removed] = await runtime.removeItems([request.params.key]);
    if (removed === undefined) throw new HttpError(404, `no catalog item \`${request.params.key}\``);
    metrics.add("journey_catalog_items_removed_total");
    return reply.code(204).send();
  });

  app.post("/v1/decide", async (request, reply) => {
    const body = jsonBody(request);
    if (!isJsonObject(body)) throw new HttpError(400, "the body must be {surfaces, profileId, context?}", { errors: [{ path: "", message: "must be an object" }] });
    // Only what a page may choose: the decision time is the runtime's clock, not the caller's.
    const decisions = await runtime.decide({ surfaces: body["surfaces"] as string[], profileId: body["profileId"] as string, context: body["context"] as Record<string, unknown> | undefined });
    metrics.add("journey_decisions_total", {}, decisions.length);
    // Each answer is one profile's, recorded as shown (its decisionId): a cache that served it
    // again would show content no decision records, and to another visitor perhaps.
    void reply.header("cache-control", "no-store");
    return { decisions };
  });

  if (unsubscribe) void app.register(unsubscribeRoutes(runtime, unsubscribe, metrics));

  app.get("/v1/journeys", async () => ({ journeys: await journeysSummary(runtime) }));

  return {
    app,
    metrics,
    async listen(options) {
      // fastify logs "Server listening at …" at info and has no option to leave it out: its
      // logger (a child fastify made of the one given, so the runtime's logs are untouched)
      // is silent meanwhile. No request is read before this returns.
      const level = app.log.level;
      app.log.level = "silent";
      try {
        await app.listen(options);
      } finally {
        app.log.level = level;
      }
      return app.server.address() as AddressInfo;
    },
    drain() {
      stopping = true;
    },
    async close() {
      stopping = true;
      // Node stops enforcing `requestTimeout` once its server is closing, and the close waits
      // for every request in flight: a client still sending one is given that time once more,
      // then answered 408 as it would have been before. Those wholly received are left alone:
      // they wait for the runtime, whose stop is bounded.
      const cutOff = setTimeout(() => {
        for (const socket of arriving()) app.server.emit("clientError", Object.assign(new Error("the request was not received in time"), { code: "ERR_HTTP_REQUEST_TIMEOUT" }), socket);
      }, requestTimeoutMs);
      try {
        await app.close();
      } finally {
        clearTimeout(cutOff);
      }
    },
  };
}

/**
 * The connections of `server` whose request is still arriving: its headers (a connection
 * that has not yet had a request, or whose last one was answered), or its body.
 */
function requestsArriving(server: Server): () => Socket[] {
  const current = new Map<Socket, IncomingMessage | undefined>();
  server.on("connection", (socket: Socket) => {
    current.set(socket, undefined);
    socket.once("close", () => current.delete(socket));
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    current.set(request.socket, request);
    // Answered: until its next request begins, the connection has none.
    response.once("finish", () => {
      if (current.has(request.socket)) current.set(request.socket, undefined);
    });
  });
  return () => [...current].filter(([socket, request]) => !socket.destroyed && !request?.complete).map(([socket]) => socket);
}

/** The runtime's catalog engine; a project without a `catalog` has no items to serve. */
/** Catalog items in a page of `GET /v1/catalog/items` without `limit`. */
const DEFAULT_CATALOG_PAGE = 100;

function catalogOf(runtime: Runtime): CatalogEngine {
  if (!runtime.catalog) throw new HttpError(404, "this project declares no catalog");
  return runtime.catalog;
}

/** The URL as logged: an unsubscribe link's query holds its signature, a credential, and is left out. */
function loggedUrl(request: FastifyRequest): string {
  const path = request.url.split("?")[0]!;
  return path === UNSUBSCRIBE_PATH ? path : request.url;
}

/** The parsed body; a request without one is refused as an empty one is (the parser never sees it). */
function jsonBody(request: FastifyRequest): unknown {
  if (request.body === undefined) throw new HttpError(400, "the request body is empty: send JSON");
  return request.body;
}


function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
