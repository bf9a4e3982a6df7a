import type { IR } from "@journey/ir";

/** Where messages go. An adapter must treat `key` as an idempotency key: the same key twice is one message. */
export interface OutgoingMessage {
  key: string;
  at: string;
  channel: string;
  to: string | null;
  /** The sender the project's `channel` block declares (`channel email { from "…" }`), when it declares one. */
  from?: string;
  /**
   * Sent by `send transactional` (a receipt, a password reset), past the channel's consent, cap
   * and quiet hours; absent for other messages. An adapter may route it apart, as providers keep
   * transactional and marketing mail in separate streams.
   */
  transactional?: true;
  profileId: string;
  journey?: string;
  template?: string;
  content: Record<string, unknown>;
  /**
   * The message's unsubscribe link, the one its content's `{{unsubscribeUrl}}` renders, when
   * the runtime was given `unsubscribeUrl` (an email adapter writes it as `List-Unsubscribe`).
   */
  unsubscribeUrl?: string;
}

/** A channel's delivery policy as the project declares it (`channel email { from "…" cap … }`). */
export type ChannelPolicy = IR["channels"][string];

export interface ChannelAdapter {
  send(message: OutgoingMessage): Promise<void>;
  /**
   * Called by `createRuntime` for every channel the project's journeys send on through this
   * adapter, with that channel's policy (undefined when the project declares none): throw to
   * refuse a configuration the adapter cannot deliver with (an email without a sender), so it
   * fails at start-up rather than at every send, retried for ever.
   */
  checkChannel?(channel: string, policy: ChannelPolicy | undefined): void;
  /**
   * For an adapter that hands channels to others (`ChannelRouter`): the one that takes
   * `channel`, undefined when none does, which `createRuntime` refuses for a channel the
   * journeys send on. An adapter without it takes every channel.
   */
  adapterFor?(channel: string): ChannelAdapter | undefined;
}

/**
 * A failure the receiver will repeat for this message whatever the number of tries (an HTTP
 * 400, an SMTP 550 for the address): the runtime gives the message up at once — an
 * `undelivered` effect, the message out of the outbox — instead of trying it again. Any
 * error with `permanent: true` says the same. Throw it only for what is wrong with the
 * message, not with the adapter's configuration (a refused login would give up every message).
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;

  constructor(message: string) {
    super(message);
    this.name = "PermanentDeliveryError";
  }
}

/** Whether a `send` failed for good (see `PermanentDeliveryError`). */
export function isPermanentFailure(error: unknown): boolean {
  return error instanceof PermanentDeliveryError || (typeof error === "object" && error !== null && (error as { permanent?: unknown }).permanent === true);
}

/** Keeps messages in memory: for tests, `journey test` and `journey run`. */
export class MemoryChannel implements ChannelAdapter {
  readonly messages: OutgoingMessage[] = [];
  private readonly keys = new Set<string>();
  async send(message: OutgoingMessage): Promise<void> {
    if (this.keys.has(message.key)) return;
    this.keys.add(message.key);
    this.messages.push(message);
  }
}

/** An adapter's `timeoutMs` option, checked: a positive, finite number of milliseconds. */
export function checkTimeout(adapter: string, timeoutMs: unknown): number {
  if (!(typeof timeoutMs === "number" && timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new TypeError(`${adapter}: \`timeoutMs\` must be a positive number of milliseconds`);
  return timeoutMs;
}
