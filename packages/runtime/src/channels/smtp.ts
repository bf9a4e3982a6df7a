/**
 * Email sent by SMTP (nodemailer, its connections pooled): the email channel's rendered
 * `subject`, `html` and `text`, from the project's `channel email { from "…" }`. The
 * Message-ID is derived from the message key, so a message handed over again after a crash
 * carries the same one; SMTP has no idempotency key, so that is all a sender can do: a mail
 * server that accepted the first copy may deliver the second too (see docs/embedding.md).
 */
import { createHash } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import addressparser from "nodemailer/lib/addressparser";
import { checkTimeout, PermanentDeliveryError, type ChannelAdapter, type ChannelPolicy, type OutgoingMessage } from "./adapter.js";

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://user:pass@host:465` (TLS from the start); nodemailer's options may follow as a query (`?ignoreTLS=true`). */
  url: string;
  /** The sender when the project's `channel email` declares none. */
  from?: string | undefined;
  /**
   * How long one send may take in all, connecting and the server's every answer included
   * (default 10 s): the runtime's queue of work, and a stop, wait for it. A send that takes
   * longer is abandoned (its connection closed) and fails, to be tried again.
   */
  timeoutMs?: number | undefined;
}

export const DEFAULT_SMTP_TIMEOUT_MS = 10_000;

export class SmtpChannel implements ChannelAdapter {
  /** The server as errors and start-up lines name it: scheme, host and port, never the credentials. */
  readonly server: string;
  private readonly from?: string;
  private readonly transport: Transporter;
  private readonly timeoutMs: number;

  constructor(options: SmtpOptions) {
    let url: URL;
    // The URL holds the password: no message here repeats it.
    try {
      url = new URL(options?.url);
    } catch {
      throw new TypeError("SmtpChannel: the SMTP URL is not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)");
    }
    if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new TypeError(`SmtpChannel: the SMTP URL must start with smtp:// or smtps://, not ${url.protocol}//`);
    if (!url.hostname) throw new TypeError("SmtpChannel: the SMTP URL names no host (expected smtp://user:pass@host:587)");
    const { from, timeoutMs = DEFAULT_SMTP_TIMEOUT_MS } = options;
    if (from !== undefined && !senderAddress(from)) throw new TypeError(`SmtpChannel: \`from\` is not an email address: \`${from}\``);
    checkTimeout("SmtpChannel", timeoutMs);
    this.server = `${url.protocol}//${url.host}`;
    this.from = from;
    this.timeoutMs = timeoutMs;
    // nodemailer waits minutes by default; every send holds the runtime's queue meanwhile. Each
    // step has the whole send's time (a step that outlasts it fails by its own name, "Greeting
    // never received"); the send's deadline (`send`) bounds a server that answers each step
    // just in time, or trickles an answer that never ends.
    this.transport = nodemailer.createTransport({
      url: options.url,
      pool: true,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
  }

  checkChannel(channel: string, policy: ChannelPolicy | undefined): void {
    if (channel !== "email") throw new Error(`SmtpChannel: email only: \`${channel}\` messages cannot go by SMTP`);
    const from = policy?.from ?? this.from;
    if (from === undefined) throw new Error('SmtpChannel: no sender for email: declare `channel email { from "Name <address@example.com>" }` in the project');
    if (!senderAddress(from)) throw new Error(`SmtpChannel: the sender \`${from}\` is not an email address`);
  }

  async send(message: OutgoingMessage): Promise<void> {
    const from = message.from ?? this.from;
    const address = from === undefined ? undefined : senderAddress(from);
    // `createRuntime` refuses a project without a sender (`checkChannel`): this is a message
    // from elsewhere.
    if (!address) throw new Error(`SMTP ${this.server}: message ${message.key} has no sender address`);
    const field = (name: string) => (typeof message.content[name] === "string" ? (message.content[name] as string) : undefined);
    try {
      await this.transport.sendMail({
        from,
        to: message.to ?? undefined,
        subject: field("subject"),
        html: field("html"),
        text: field("text"),
        messageId: messageId(message.key, address),
        // Aborted, nodemailer closes the connection delivering it; the pool's others go on.
        signal: AbortSignal.timeout(this.timeoutMs),
        // Bulk senders must offer a one-click unsubscribe (RFC 8058, Gmail's and Yahoo's rules
        // since 2024): the link, and the POST a mail client makes to it, for an https one. Not
        // on transactional mail (a receipt): it is no list message, and an unsubscribe button
        // on a receipt reads as "stop sending me receipts", which it would not do.
        ...(message.unsubscribeUrl && !message.transactional
          ? {
              list: { unsubscribe: message.unsubscribeUrl },
              ...(message.unsubscribeUrl.startsWith("https://") ? { headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } } : {}),
            }
          : {}),
      });
    } catch (e) {
      // The server may have taken the message by then: sent again, it may arrive twice (see the top).
      if ((e as { code?: unknown }).code === "EABORT") throw new Error(`SMTP ${this.server}: not done within ${this.timeoutMs / 1000} s: abandoned`);
      const failure = `SMTP ${this.server}: ${(e as Error).message}`;
      throw refusedForGood(e) ? new PermanentDeliveryError(failure) : new Error(failure);
    }
  }

  /** Closes the pooled connections (a process that keeps them open does not exit). */
  close(): void {
    this.transport.close();
  }
}

/**
 * This message's envelope or content is refused for good: the server's 5xx reply to MAIL FROM,
 * RCPT TO or DATA (a 550 unknown recipient, a 553 bad address, a 552 too large; not 503, a
 * command out of sequence: nodemailer's `permanent` says which), or nodemailer's own refusal
 * before asking the server (an address it cannot use, a size over the server's limit). Not a
 * 5xx of the login or the greeting (`EAUTH`, `EPROTOCOL`): those concern every message.
 */
function refusedForGood(e: unknown): boolean {
  const { code, permanent, responseCode } = e as { code?: unknown; permanent?: unknown; responseCode?: unknown };
  if (code !== "EENVELOPE" && code !== "EMESSAGE") return false;
  return responseCode === undefined || permanent === true;
}

/** `<sha256(key)@domain of the sender>`: the same message always has the same id, in the sender's domain as receivers expect. */
function messageId(key: string, senderAddress: string): string {
  return `<${createHash("sha256").update(key).digest("hex")}@${senderAddress.slice(senderAddress.lastIndexOf("@") + 1)}>`;
}

/** The one address of a sender (`Name <address@example.com>` or the address alone), if it has one. */
function senderAddress(from: string): string | undefined {
  const parsed = typeof from === "string" ? addressparser(from, { flatten: true }) : [];
  const address = parsed.length === 1 ? parsed[0]!.address : "";
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : undefined;
}
