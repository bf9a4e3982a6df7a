/**
 * `journey serve`: a project's journeys on the system clock, durable in SQLite, behind the
 * runtime's HTTP API, until SIGTERM or SIGINT stops it gracefully.
 */
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { channelsSentOn, type IR } from "@journey/compiler";
import { ChannelRouter, createRuntime, DEFAULT_SMTP_TIMEOUT_MS, DEFAULT_WEBHOOK_TIMEOUT_MS, HttpRecommendationProvider, InvalidIRError, isUnsubscribeSecret, JsonlOutbox, loadIR, MAX_PROFILE_ID_BYTES, providerNamesIn, SmtpChannel, SystemClock, UNSUBSCRIBE_SECRET_MIN_BYTES, unsubscribeLinkProblem, WebhookChannel } from "@journey/runtime";
import { createServer, createServerLogger, DEFAULT_BODY_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, MAX_REQUEST_TIMEOUT_MS, DEFAULT_UNSUBSCRIBE_EVENT, ServerMetrics, unsubscribeEventProblem, unsubscribeLinkTemplate } from "@journey/runtime/server";
import { Command } from "commander";
import { UserError } from "../errors.js";
import { dataFile, durationMs, readCatalog, readJson } from "../inputs.js";
import { compileOrReport } from "../project.js";
import { useColor, warn, write } from "../report.js";
import { openStore, removeStore } from "../store.js";

interface ServeOptions {
  ir?: string;
  db: string;
  outbox: string;
  catalog?: string;
  port: string;
  host: string;
  tokenEnv?: string;
  bodyLimit: string;
  smtpEnv?: string;
  webhook?: string;
  webhookSecretEnv?: string;
  giveUpAfter: string;
  publicUrl?: string;
  unsubscribeSecretEnv?: string;
  unsubscribeEvent?: string;
  stopTimeout: string;
  requestTimeout: string;
  provider?: string[];
}

/**
 * How long a send may take, as a whole: the stop waits for the one in hand when the signal
 * comes (nothing more begins), so a stop limit above it lets that one finish (or be
 * abandoned) and be recorded, rather than be sent again by the next start.
 */
const SEND_TIMEOUT_MS = Math.max(DEFAULT_SMTP_TIMEOUT_MS, DEFAULT_WEBHOOK_TIMEOUT_MS);

const SECRET_PREFIX = "JOURNEY_SECRET_";

export function serveCommand(): Command {
  return new Command("serve")
    .description("run a project's journeys on the system clock behind an HTTP API")
    .argument("[project]", "the project folder (or --ir <file>)")
    .option("--ir <file>", "a built IR (`journey build`) instead of a project")
    .option("--db <file>", "the SQLite store, created if missing", "journey.db")
    .option("--outbox <file>", "where messages go, one JSON line each (those --smtp-env and --webhook do not take)", "outbox.jsonl")
    .option("--smtp-env <NAME>", "send email by SMTP, to the URL in this environment variable (smtps://user:pass@host:465)")
    .option("--webhook <url>", "POST every message but the email --smtp-env takes to this http(s) URL, as JSON")
    .option("--webhook-secret-env <NAME>", "sign webhook requests (Journey-Signature) with this environment variable's value")
    .option("--give-up-after <duration>", "give a message up when it still fails this long after its first failure (`never`: keep trying)", "24h")
    .option("--catalog <file>", "catalog items as a JSON array, stored at start over those the --db holds (default: <project>/catalog.json if present)")
    .option("--provider <name=url>", 'answer `provider("name", …)` recommendations by POSTing to this http(s) URL (repeat for several)', (v: string, all: string[] = []) => [...all, v])
    .option("--public-url <url>", "the service's address as mail clients reach it (https://…): unsubscribe links point to its /v1/unsubscribe (needs --unsubscribe-secret-env)")
    .option("--unsubscribe-secret-env <NAME>", `sign unsubscribe links with this environment variable's value (${UNSUBSCRIBE_SECRET_MIN_BYTES} bytes or more; needs --public-url)`)
    .option("--unsubscribe-event <Event>", `the project's event an unsubscribe becomes (default: ${DEFAULT_UNSUBSCRIBE_EVENT})`)
    .option("--port <n>", "the port to listen on (0: any free one)", "8080")
    .option("--host <addr>", "the address to listen on", "127.0.0.1")
    .option("--token-env <NAME>", "require `Authorization: Bearer <token>`, the token being this environment variable's value")
    .option("--body-limit <bytes>", "the largest request body accepted", String(DEFAULT_BODY_LIMIT))
    .option("--request-timeout <duration>", "how long a client may take to send a whole request, headers and body (then 408)", `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s`)
    .option("--stop-timeout <duration>", `how long a stop (SIGTERM, SIGINT) may take before serve exits 1 (keep it over a send's ${SEND_TIMEOUT_MS / 1000} s)`, "15s")
    .addHelpText(
      "after",
      `
Routes: POST /v1/events, PUT, GET and DELETE /v1/profiles/:id, PUT /v1/catalog/items,
GET and DELETE /v1/catalog/items/:key, POST /v1/decide, GET /v1/journeys (with the live
instances of each version, by the step they wait at), GET /health, GET /metrics
(Prometheus); with --public-url and --unsubscribe-secret-env, GET and POST
/v1/unsubscribe (no token: the links are signed). See docs/cli.md.

Unsubscribe links: with --public-url and --unsubscribe-secret-env, each message's
{{unsubscribeUrl}} (and an email's List-Unsubscribe header) is a link to this service,
signed for that message. GET shows a page with a button and changes nothing; POST (the
button, or a mail client's one-click unsubscribe) ingests the event --unsubscribe-event
(${DEFAULT_UNSUBSCRIBE_EVENT} by default), which the project must declare as
\`event ${DEFAULT_UNSUBSCRIBE_EVENT} { messageId: string, channel: string, journey: string }\`:
its journeys decide what it means (\`set profile.consent.email = false\`, \`exit on ${DEFAULT_UNSUBSCRIBE_EVENT}\`).

A changed project: stop serve and start it again on the same --db. The start logs each
journey it deploys anew ("journey Welcome: new version …"); an instance under way
finishes on the version it started on.

Catalog items are kept in the --db: those stored through the API are there after a restart.
An item left out of --catalog since the last start stays: remove it with DELETE.

Messages: email to --smtp-env when given, every other channel (and email without --smtp-env)
to --webhook when given, the rest to --outbox. A send may take ${SEND_TIMEOUT_MS / 1000} s in all. A failed delivery
stays stored and is retried (2 s, 4 s, … every 5 minutes at most); a message the receiver
refuses for good (a webhook's 4xx, an SMTP 5xx for the address) or still failing
--give-up-after its first failure is given up: logged, counted
(journey_messages_undeliverable_total), never tried again. The lines printed at start say
which channel goes where. See docs/cli.md for the signature and the Message-ID.

Recommendation providers: --provider recs=https://recs.internal/v1/recommend answers the
steps that say \`provider("recs", …)\`: each request is POSTed as JSON and the answer (a
list of catalog keys, or {"items": [...]}) looked up in the catalog. A provider that fails,
or does not answer within 500 ms (an experience's own timeout in decisions), is logged
and the step's backup fills in; one the project asks without a --provider is a warning at
start (every request to it fails). See docs/recommendations.md.

Environment: ${SECRET_PREFIX}<NAME> is the secret \`secret("NAME")\` in actions (one
the actions name and the environment lacks is a warning at start: its calls fail);
JOURNEY_UNSUBSCRIBE_URL an unsubscribe link of your own instead ({profileId}, {messageId},
{channel} are replaced; not with --public-url and --unsubscribe-secret-env).

SIGTERM or SIGINT stops it: no new requests; those in flight finish (one still arriving
gets --request-timeout once more, then 408); the sends (call attempts, decisions) in hand
finish, and no other begins: they stay stored and go at the next start (a call with retries
left is made again there, not failed);
the store closes, exit 0. A second signal, or a stop taking over --stop-timeout (15 s),
exits 1 at once.`,
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
  const stopTimeoutMs = durationMs(options.stopTimeout);
  if (!stopTimeoutMs) throw new UserError(`--stop-timeout ${options.stopTimeout}: expected a duration such as 15s or 1m`);
  const requestTimeoutMs = durationMs(options.requestTimeout);
  if (!requestTimeoutMs || requestTimeoutMs > MAX_REQUEST_TIMEOUT_MS) throw new UserError(`--request-timeout ${options.requestTimeout}: expected a duration such as 10s or 1m, at most 24d`);
  // A stop waits for a request still arriving as long as this: a client sending slowly would hold it.
  if (stopTimeoutMs <= requestTimeoutMs) warn(`--stop-timeout ${options.stopTimeout}: a request may take --request-timeout ${options.requestTimeout} to arrive: one arriving at the stop may make serve exit 1`);
  if (stopTimeoutMs <= SEND_TIMEOUT_MS) warn(`--stop-timeout ${options.stopTimeout}: a send may take ${SEND_TIMEOUT_MS / 1000} s: one in hand at the stop may be cut short, and sent again at the next start`);
  const giveUpAfterMs = options.giveUpAfter === "never" ? Infinity : durationMs(options.giveUpAfter);
  if (!giveUpAfterMs) throw new UserError(`--give-up-after ${options.giveUpAfter}: expected a duration such as 24h or 7d, or never`);
  const token = options.tokenEnv === undefined ? undefined : envValue("--token-env", options.tokenEnv);
  if (options.webhookSecretEnv !== undefined && options.webhook === undefined) throw new UserError("--webhook-secret-env: give --webhook <url> too (it signs the webhook's requests)");
  const webhook = options.webhook === undefined ? undefined : openWebhook(options.webhook, options.webhookSecretEnv);
  const unsubscribe = unsubscribeLinks(options);
  // Its connections open at the first send: closed once the runtime stops (or the process would not exit).
  const smtp = options.smtpEnv === undefined ? undefined : openSmtp(options.smtpEnv);
  const providerSpecs = providerUrls(options.provider ?? []);
  const providers = openProviders(providerSpecs);
  const ir = project !== undefined ? compileOrReport(project, color) : readIR(options.ir!);
  if (!ir) return 1;
  const asked = providerNamesIn(ir);
  // A provider no step asks would be configured for nothing: a misspelt name, most often.
  for (const name of Object.keys(providers)) if (!asked.includes(name)) warn(`--provider ${name}: no \`recommend\` step of the project asks \`provider("${name}")\`${asked.length ? ` (it asks ${asked.map((a) => `\`${a}\``).join(", ")})` : ""}: it is never used`);
  const catalogPath = project !== undefined ? dataFile(project, options.catalog, "catalog.json") : options.catalog;
  const catalog = catalogPath ? readCatalog(catalogPath, ir.catalog) : undefined;
  const sentOn = channelsSentOn(Object.values(ir.journeys));
  if (unsubscribe) {
    const problem = unsubscribeEventProblem(ir, unsubscribe.event);
    if (problem) throw new UserError(`--unsubscribe-event ${unsubscribe.event}: ${problem}`);
  }
  if (smtp && sentOn.includes("email")) asFlagMistake(`--smtp-env ${options.smtpEnv}`, "SmtpChannel", () => smtp.checkChannel("email", ir.channels["email"]));
  // The outbox is opened (and its folder checked) only when some channel may go there.
  const outbox = webhook ? undefined : openOutbox(options.outbox);
  const channels = new ChannelRouter(smtp ? { email: smtp } : {}, webhook ?? outbox);
  const unsubscribeUrl = unsubscribe?.url ?? (process.env.JOURNEY_UNSUBSCRIBE_URL || undefined);
  // Its longest link, for the project's journeys, must be one a mail client can follow (the
  // runtime would refuse it too, but as a TypeError): the address is not repeated, it may be long.
  const linkProblem = unsubscribeUrl && unsubscribeLinkProblem(unsubscribeUrl, Object.values(ir.journeys), MAX_PROFILE_ID_BYTES);
  if (linkProblem) throw new UserError(`${unsubscribe ? "--public-url" : "JOURNEY_UNSUBSCRIBE_URL"}: ${linkProblem}`);
  if (smtp && sentOn.includes("email") && !unsubscribeUrl) warn("no unsubscribe link (--public-url with --unsubscribe-secret-env, or JOURNEY_UNSUBSCRIBE_URL): email goes out without a List-Unsubscribe header, and its {{unsubscribeUrl}} links are a placeholder (example.com)");
  if (!token && !isLoopback(options.host)) warn(`no --token-env: anyone who can reach ${options.host}:${port} can send events and read profiles`);

  const created = !existsSync(options.db);
  const store = await openStore(options.db);
  const logger = createServerLogger();
  const metrics = new ServerMetrics();
  const runtime = createRuntime({
    ir,
    store,
    channels: metrics.deliveries(channels),
    clock: new SystemClock(),
    logger,
    secrets: secrets(),
    providers,
    onEffect: metrics.effect,
    deliveryGiveUpAfterMs: giveUpAfterMs,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
    ...(unsubscribe ? { unsubscribeSecret: unsubscribe.secret } : {}),
  });
  const server = createServer(runtime, { ...(token ? { token } : {}), bodyLimit, requestTimeoutMs, logger, metrics, ...(unsubscribe ? { unsubscribe: { secret: unsubscribe.secret, event: unsubscribe.event } } : {}) });
  let actual: AddressInfo;
  try {
    // Loads the catalog items the store holds, carries out what a previous process committed
    // but did not, then starts the timers.
    await runtime.start();
    // The file is stored over them: it adds and replaces items, and removes none.
    if (catalog && runtime.catalog) {
      const result = await runtime.upsertItems(catalog);
      for (const r of result.rejected) warn(`${catalogPath}: ${r.message}; left out`);
      for (const w of result.warnings) warn(`${catalogPath}: ${w.message}`);
    }
    actual = await server.listen({ port, host: options.host }).catch((e: unknown) => {
      throw listenError(e as NodeJS.ErrnoException, options.host, port);
    });
  } catch (e) {
    await server.close();
    await runtime.stop();
    await store.close();
    smtp?.close();
    // A store this start created is removed: a mistake (a port in use) leaves no database behind.
    if (created) removeStore(options.db);
    throw e;
  }
  // Listened for before the lines below: a supervisor that signals as soon as it reads
  // `listening on` must find the handler, not Node's default (an exit without a stop).
  const signalled = nextSignal();
  // Where each channel goes, never with credentials (the SMTP URL's, the webhook URL's query).
  const where = (adapter: unknown) => (adapter === smtp ? `SMTP ${smtp!.server}` : adapter === webhook ? `webhook ${webhook!.target}${options.webhookSecretEnv ? " (signed)" : ""}` : `outbox ${options.outbox}`);
  for (const c of sentOn) write(`channel ${c} → ${where(channels.adapterFor(c))}\n`);
  for (const [name, url] of Object.entries(providerSpecs)) write(`provider ${name} → ${withoutCredentials(url)}\n`);
  if (unsubscribe) write(`unsubscribe → ${unsubscribe.route} (event ${unsubscribe.event})\n`);
  write(`listening on http://${actual.address.includes(":") ? `[${actual.address}]` : actual.address}:${actual.port}\n`);

  const signal = await signalled;
  logger.info({ signal }, "stopping: no new requests; those in flight finish");
  const timeout = setTimeout(() => {
    logger.error({ timeoutMs: stopTimeoutMs }, "not stopped in time: exiting");
    process.exit(1);
  }, stopTimeoutMs);
  const again = (second: NodeJS.Signals) => {
    logger.error({ signal: second }, "a second signal: exiting without waiting");
    process.exit(1);
  };
  process.once("SIGTERM", again).once("SIGINT", again);
  try {
    // Together: the runtime begins no send from now on, also for the requests in flight the
    // server waits for (each send may take its whole timeout: one after another, they would
    // outlast any limit). Those in hand finish and are marked done; the others, and timers,
    // stay stored. The store closes once both are done: requests in flight still commit.
    await Promise.all([server.close(), runtime.stop()]);
    await store.close();
    logger.info({}, "stopped");
    return 0;
  } catch (e) {
    logger.error({ err: e }, "stopping failed");
    return 1;
  } finally {
    smtp?.close();
    clearTimeout(timeout);
    process.off("SIGTERM", again).off("SIGINT", again);
  }
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UserError(`${flag}: expected a whole number from ${min} to ${max}, not \`${text}\``);
  return n;
}

/** The value of the environment variable a `--…-env <NAME>` flag names: credentials never go on the command line, where `ps` shows them. */
function envValue(flag: string, name: string): string {
  const value = process.env[name];
  if (!value) throw new UserError(`${flag} ${name}: the environment variable ${name} is ${value === undefined ? "not set" : "empty"}`);
  return value;
}

/**
 * The signed unsubscribe links of `--public-url` and `--unsubscribe-secret-env`, which go
 * together, and not with JOURNEY_UNSUBSCRIBE_URL (two answers to where the links go).
 */
function unsubscribeLinks(options: ServeOptions): { url: string; route: string; secret: string; event: string } | undefined {
  const { publicUrl, unsubscribeSecretEnv, unsubscribeEvent } = options;
  if (publicUrl === undefined && unsubscribeSecretEnv === undefined) {
    // Only the runtime given a secret can sign: a link of one's own cannot ask for it.
    if (process.env.JOURNEY_UNSUBSCRIBE_URL?.includes("{signature}")) throw new UserError("JOURNEY_UNSUBSCRIBE_URL has {signature}: serve signs only the links of its own route (--public-url with --unsubscribe-secret-env)");
    if (unsubscribeEvent !== undefined) throw new UserError("--unsubscribe-event: give --public-url <https://…> and --unsubscribe-secret-env <NAME> too (the event comes from their links)");
    return undefined;
  }
  if (process.env.JOURNEY_UNSUBSCRIBE_URL) throw new UserError("JOURNEY_UNSUBSCRIBE_URL is set, and --public-url with --unsubscribe-secret-env make links of their own: unset it, or leave the flags out");
  if (unsubscribeSecretEnv === undefined) throw new UserError("--public-url: give --unsubscribe-secret-env <NAME> too (the secret that signs the unsubscribe links)");
  if (publicUrl === undefined) throw new UserError("--unsubscribe-secret-env: give --public-url <https://…> too (the service's address, where the unsubscribe links point)");
  const secret = envValue("--unsubscribe-secret-env", unsubscribeSecretEnv);
  // Named by the variable, never the value.
  if (!isUnsubscribeSecret(secret)) throw new UserError(`--unsubscribe-secret-env ${unsubscribeSecretEnv}: the secret is ${Buffer.byteLength(secret)} bytes, give at least ${UNSUBSCRIBE_SECRET_MIN_BYTES} (a random one: openssl rand -base64 32)`);
  let url: string;
  try {
    url = unsubscribeLinkTemplate(publicUrl);
  } catch (e) {
    throw new UserError(`--public-url ${publicUrl}: ${(e as Error).message}`);
  }
  // RFC 8058: mail clients offer one-click unsubscribe for an https link only (SmtpChannel writes List-Unsubscribe-Post for those).
  if (url.startsWith("http:")) warn(`--public-url ${publicUrl}: not https: mail clients offer no one-click unsubscribe for an http:// link`);
  return { url, route: url.slice(0, url.indexOf("?")), secret, event: unsubscribeEvent ?? DEFAULT_UNSUBSCRIBE_EVENT };
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
  return asFlagMistake(`--outbox ${path}`, "JsonlOutbox", () => new JsonlOutbox(path));
}

function openWebhook(url: string, secretEnv: string | undefined): WebhookChannel {
  const secret = secretEnv === undefined ? undefined : envValue("--webhook-secret-env", secretEnv);
  return asFlagMistake(`--webhook ${url}`, "WebhookChannel", () => new WebhookChannel({ url, ...(secret ? { secret } : {}) }));
}

function openSmtp(name: string): SmtpChannel {
  const url = envValue("--smtp-env", name);
  // Named by the variable, not the URL: the URL holds the password (and no channel message repeats it).
  return asFlagMistake(`--smtp-env ${name}`, "SmtpChannel", () => new SmtpChannel({ url }));
}

/** `--provider name=url`, each once: the name as `provider("name", …)` says it. */
function providerUrls(specs: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? "" : spec.slice(0, eq);
    if (!name || /\s/.test(name)) throw new UserError(`--provider ${spec}: expected <name>=<url>, the name as the steps say it (\`--provider recs=https://recs.internal/v1/recommend\` for \`provider("recs", …)\`)`);
    if (Object.hasOwn(urls, name)) throw new UserError(`--provider ${name}: given more than once`);
    urls[name] = spec.slice(eq + 1);
  }
  return urls;
}

/** An HTTP provider for each `--provider`'s URL, by name. */
function openProviders(urls: Record<string, string>): Record<string, HttpRecommendationProvider> {
  return Object.fromEntries(
    Object.entries(urls).map(([name, url]) => {
      const provider = asFlagMistake(`--provider ${name}`, "HttpRecommendationProvider", () => new HttpRecommendationProvider({ url }));
      if (!URL.canParse(url)) throw new UserError(`--provider ${name}: \`${url}\` is not a URL`);
      return [name, provider];
    }),
  );
}

/** As the channel lines show a webhook: a URL's user, password and query may carry a token. */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname;
}

/** `make()`, a channel's refusal said as a mistake in `flag`, without the channel's own name in front. */
function asFlagMistake<T>(flag: string, channel: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new UserError(`${flag}: ${(e as Error).message.replace(`${channel}: `, "")}`);
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
