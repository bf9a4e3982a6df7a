/**
 * `journey serve`: a project's journeys on the system clock, durable in SQLite, behind the
 * runtime's HTTP API, until SIGTERM or SIGINT stops it gracefully.
 */
import { existsSync } from "node:fs";
import type { IR } from "@journey/compiler";
import { createRuntime, InvalidIRError, JsonlOutbox, loadIR, SystemClock } from "@journey/runtime";
import { createServer, createServerLogger, DEFAULT_BODY_LIMIT, ServerMetrics } from "@journey/runtime/server";
import { Command } from "commander";
import { UserError } from "../errors.js";
import { readCatalog, readJson } from "../inputs.js";
import { compileOrReport } from "../project.js";
import { useColor, warn, write } from "../report.js";
import { openStore, removeStore } from "../store.js";
import { dataFile } from "./run.js";

interface ServeOptions {
  ir?: string;
  db: string;
  outbox: string;
  catalog?: string;
  port: string;
  host: string;
  tokenEnv?: string;
  bodyLimit: string;
}

/** How long a graceful stop may take before the process gives up and exits with 1. */
const STOP_TIMEOUT_MS = 10_000;

const SECRET_PREFIX = "JOURNEY_SECRET_";

export function serveCommand(): Command {
  return new Command("serve")
    .description("run a project's journeys on the system clock behind an HTTP API")
    .argument("[project]", "the project folder (or --ir <file>)")
    .option("--ir <file>", "a built IR (`journey build`) instead of a project")
    .option("--db <file>", "the SQLite store, created if missing", "journey.db")
    .option("--outbox <file>", "where messages go, one JSON line each", "outbox.jsonl")
    .option("--catalog <file>", "catalog items as a JSON array, loaded at start (default: <project>/catalog.json if present)")
    .option("--port <n>", "the port to listen on (0: any free one)", "8080")
    .option("--host <addr>", "the address to listen on", "127.0.0.1")
    .option("--token-env <NAME>", "require `Authorization: Bearer <token>`, the token being this environment variable's value")
    .option("--body-limit <bytes>", "the largest request body accepted", String(DEFAULT_BODY_LIMIT))
    .addHelpText(
      "after",
      `
Routes: POST /v1/events, PUT and GET /v1/profiles/:id, POST /v1/decide, GET /v1/journeys,
GET /health, GET /metrics (Prometheus). See docs/cli.md.

Environment: ${SECRET_PREFIX}<NAME> is the secret \`secret("NAME")\` in actions;
JOURNEY_UNSUBSCRIBE_URL the unsubscribe link ({profileId}, {messageId} are replaced).

SIGTERM or SIGINT stops it: no new requests, those in flight finish, the store closes, exit 0.
A second signal, or a stop taking over ${STOP_TIMEOUT_MS / 1000} s, exits 1 at once.`,
    )
    .action(async (project: string | undefined, options: ServeOptions, command: Command) => {
      process.exitCode = await serve(project, options, useColor(command));
    });
}

async function serve(project: string | undefined, options: ServeOptions, color: boolean): Promise<number> {
  // Every flag is checked before anything is compiled, opened or created.
  if (project !== undefined && options.ir !== undefined) throw new UserError("give a project or --ir <file>, not both");
  if (project === undefined && options.ir === undefined) throw new UserError("give a project folder, or --ir <file> with a built IR");
  const port = wholeNumber("--port", options.port, 0, 65_535);
  const bodyLimit = wholeNumber("--body-limit", options.bodyLimit, 1, Number.MAX_SAFE_INTEGER);
  const token = options.tokenEnv === undefined ? undefined : tokenFrom(options.tokenEnv);
  const ir = project !== undefined ? compileOrReport(project, color) : readIR(options.ir!);
  if (!ir) return 1;
  const catalogPath = project !== undefined ? dataFile(project, options.catalog, "catalog.json") : options.catalog;
  const catalog = catalogPath ? readCatalog(catalogPath, ir.catalog) : undefined;
  const outbox = openOutbox(options.outbox);
  if (!token && !isLoopback(options.host)) warn(`no --token-env: anyone who can reach ${options.host}:${port} can send events and read profiles`);

  const created = !existsSync(options.db);
  const store = await openStore(options.db);
  const logger = createServerLogger();
  const metrics = new ServerMetrics();
  const runtime = createRuntime({
    ir,
    store,
    channels: outbox,
    clock: new SystemClock(),
    logger,
    secrets: secrets(),
    onEffect: metrics.effect,
    ...(process.env.JOURNEY_UNSUBSCRIBE_URL ? { unsubscribeUrl: process.env.JOURNEY_UNSUBSCRIBE_URL } : {}),
  });
  const server = createServer(runtime, { ...(token ? { token } : {}), bodyLimit, logger, metrics });
  try {
    // The catalog engine keeps its items in memory: they are loaded at every start.
    if (catalog && runtime.catalog) for (const r of runtime.catalog.upsertItems(catalog)?.rejected ?? []) warn(`${catalogPath}: ${r.message}; left out`);
    // Carries out what a previous process committed but did not, then starts the timers.
    await runtime.start();
    await server.app.listen({ port, host: options.host }).catch((e: unknown) => {
      throw listenError(e as NodeJS.ErrnoException, options.host, port);
    });
  } catch (e) {
    await server.close();
    await runtime.stop();
    await store.close();
    // A store this start created is removed: a mistake (a port in use) leaves no database behind.
    if (created) removeStore(options.db);
    throw e;
  }
  const address = server.app.server.address();
  const actual = address && typeof address === "object" ? address : { address: options.host, port };
  write(`listening on http://${actual.address.includes(":") ? `[${actual.address}]` : actual.address}:${actual.port}\n`);

  const signal = await nextSignal();
  logger.info({ signal }, "stopping: no new requests; those in flight finish");
  const timeout = setTimeout(() => {
    logger.error({ timeoutMs: STOP_TIMEOUT_MS }, "not stopped in time: exiting");
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  const again = (second: NodeJS.Signals) => {
    logger.error({ signal: second }, "a second signal: exiting without waiting");
    process.exit(1);
  };
  process.once("SIGTERM", again).once("SIGINT", again);
  try {
    await server.close();
    // The work in flight finishes; sends carried out are marked done; timers stay stored.
    await runtime.stop();
    await store.close();
    logger.info({}, "stopped");
    return 0;
  } catch (e) {
    logger.error({ err: e }, "stopping failed");
    return 1;
  } finally {
    clearTimeout(timeout);
    process.off("SIGTERM", again).off("SIGINT", again);
  }
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UserError(`${flag}: expected a whole number from ${min} to ${max}, not \`${text}\``);
  return n;
}

function tokenFrom(name: string): string {
  const token = process.env[name];
  if (!token) throw new UserError(`--token-env ${name}: the environment variable ${name} is ${token === undefined ? "not set" : "empty"}`);
  return token;
}

/** A built IR, refused here when it is not one or another compiler version built it. */
function readIR(path: string): IR {
  const value = readJson(path);
  try {
    return loadIR(value);
  } catch (e) {
    if (!(e instanceof InvalidIRError)) throw e;
    throw new UserError(`--ir ${path}: ${e.message}`);
  }
}

function openOutbox(path: string): JsonlOutbox {
  try {
    return new JsonlOutbox(path);
  } catch (e) {
    throw new UserError(`--outbox ${path}: ${(e as Error).message.replace(/^JsonlOutbox: /, "")}`);
  }
}

/** `JOURNEY_SECRET_<NAME>=value`: the secret `secret("NAME")` in action headers. */
function secrets(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env)
      .filter(([k]) => k.startsWith(SECRET_PREFIX))
      .map(([k, v]) => [k.slice(SECRET_PREFIX.length), v ?? ""]),
  );
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (e.code) {
    case "EADDRINUSE":
      return new UserError(`--port ${port}: ${host}:${port} is already in use by another process`);
    case "EACCES":
      return new UserError(`--port ${port}: not allowed to listen on it (ports below 1024 need privileges)`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new UserError(`--host ${host}: not an address of this machine`);
    default:
      return e;
  }
}

/** The first SIGTERM or SIGINT. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", on).off("SIGINT", on);
      resolve(signal);
    };
    process.on("SIGTERM", on).on("SIGINT", on);
  });
}
