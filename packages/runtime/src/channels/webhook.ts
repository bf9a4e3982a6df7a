/**
 * Messages POSTed as JSON to a URL. The receiver dedupes on `Idempotency-Key` (the message
 * key: a message the runtime hands over again after a crash or a failure carries the same
 * one) and, with a secret, checks `Journey-Signature` (see docs/embedding.md for the recipe).
 */
import { createHmac } from "node:crypto";
import { fetchFailure } from "../fetch-failure.js";
import { checkTimeout, PermanentDeliveryError, type ChannelAdapter, type OutgoingMessage } from "./adapter.js";

export interface WebhookOptions {
  /** An http or https URL. */
  url: string;
  /** Signs every request (`Journey-Signature`) so the receiver can tell it came from here, unchanged. */
  secret?: string | undefined;
  /** How long one request may take, answer included (default 10 s): the runtime's queue of work waits for it. */
  timeoutMs?: number | undefined;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export class WebhookChannel implements ChannelAdapter {
  /** The URL as errors and start-up lines name it: without credentials, query or fragment, which may hold tokens. */
  readonly target: string;
  private readonly url: URL;
  /** `Basic …` from the URL's `user:pass@`, which fetch refuses in a URL (and would repeat, password included, in its error). */
  private readonly authorization?: string;
  private readonly secret?: string;
  private readonly timeoutMs: number;

  constructor(options: WebhookOptions) {
    const given = String(options?.url);
    // A host without a scheme: `localhost:9999` even parses, as a URL of the scheme `localhost:`.
    const schemeless = /^[\w-]+(\.[\w-]+)*(:\d+)?(\/\S*)?$/.test(given);
    let url: URL | undefined;
    try {
      if (!schemeless) url = new URL(given);
    } catch {
      // not a URL: refused below
    }
    if (!url) throw new TypeError(`WebhookChannel: \`${given}\` is not a URL (expected http://… or https://…${schemeless ? `: http://${given} or https://${given}` : ""})`);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`WebhookChannel: \`${url.protocol}\` URLs cannot take a POST: give an http:// or https:// URL`);
    const { secret, timeoutMs = DEFAULT_WEBHOOK_TIMEOUT_MS } = options;
    if (secret !== undefined && (typeof secret !== "string" || !secret)) throw new TypeError("WebhookChannel: `secret` must be a non-empty string");
    checkTimeout("WebhookChannel", timeoutMs);
    if (url.username || url.password) {
      let credentials: string;
      try {
        credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      } catch {
        // Not repeated: it holds the password.
        throw new TypeError("WebhookChannel: the user or password in the URL has a `%` that starts no percent-encoded character (write `%25` for `%`)");
      }
      this.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
      url.username = url.password = "";
    }
    this.url = url;
    this.target = url.origin + url.pathname;
    this.secret = secret;
    this.timeoutMs = timeoutMs;
  }

  async send(message: OutgoingMessage): Promise<void> {
    const body = JSON.stringify(message);
    const headers: Record<string, string> = { "content-type": "application/json", "idempotency-key": message.key };
    if (this.authorization) headers["authorization"] = this.authorization;
    if (this.secret) headers["journey-signature"] = signature(this.secret, body, Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      // A redirect is not followed: it would POST the message (and its signature) somewhere
      // the configuration never named. It is a failure the operator sees in the log.
      res = await fetch(this.url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new Error(`webhook ${this.target}: ${fetchFailure(e, this.timeoutMs)}`);
    }
    // The body is not needed; reading it frees the connection for the next message.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return;
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get("location");
      throw new Error(`webhook ${this.target}: HTTP ${res.status}, a redirect${location ? ` to ${location}` : ""}, which is not followed: configure the URL it points to`);
    }
    const failure = `webhook ${this.target}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    if (refusedForGood(res.status)) throw new PermanentDeliveryError(`${failure} (the receiver refuses this message: a 4xx answer is not tried again)`);
    throw new Error(failure);
  }
}

/**
 * A 4xx answer refuses the request itself, and would refuse it again: except 408 (timeout),
 * 425 (too early) and 429 (too many requests), which say "later", and 401 and 407, which
 * refuse the sender's credentials (a secret the receiver does not share yet, a proxy login):
 * configuration to fix, not a message to drop, or every message would be dropped meanwhile.
 */
function refusedForGood(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 407, 408, 425, 429].includes(status);
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs: the time in the
 * signed text lets a receiver refuse an old request replayed.
 */
function signature(secret: string, body: string, t: number): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}
