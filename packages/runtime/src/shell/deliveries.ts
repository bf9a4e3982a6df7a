/**
 * Deliveries — messages to channel adapters, decisions to the sink — as the runtime carries
 * them out: what failed and when it is tried again (2 s, 4 s, … 5 minutes), which lanes (a
 * channel, the sink) are failing, so that their next deliveries wait for a retry rather than
 * hold the runtime's queue each for a timeout, which deliveries are given up (undeliverable),
 * and the outcomes the next commit records. The store is never told a delivery succeeded
 * that did not, and a key is never handed to an adapter twice at once.
 */
import { isPermanentFailure } from "../channels/adapter.js";
import type { Effect } from "../engine/state.js";
import type { DeliveryFailure } from "../store/store.js";

export type Delivery = Extract<Effect, { type: "send" | "decision" }>;
export type Undelivered = Extract<Effect, { type: "undelivered" }>;

/** What deliveries came to since the last commit: the next commit records it. */
export interface Outcomes {
  /** Keys delivered: they leave the outbox. */
  sent: string[];
  /** Failure records by key (the latest of a key wins). */
  failures: Map<string, DeliveryFailure>;
  /** Deliveries given up: they leave the outbox; once that is committed, they are logged and told to `onEffect`. */
  undelivered: Undelivered[];
}

export interface DeliveriesOptions {
  /** Hand one delivery to its adapter or sink; throws when it fails. */
  deliver(e: Delivery): Promise<void>;
  now(): number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** A delivery still failing this long after its first failure is given up. */
  giveUpAfterMs: number;
  /** The runtime is stopping: nothing more is handed over (the rest stays in the outbox for the next start). */
  halted(): boolean;
}

/** How long after its nth failure a delivery is tried again: 2 s, 4 s, … 5 minutes at most. */
function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** attempts, 300_000);
}

/** Deliveries of one lane fail together: a channel (its adapter, its receiver) or the decisions sink. */
function laneOf(e: Delivery): string {
  return e.type === "send" ? `channel \`${e.channel}\`` : "the decisions sink";
}

/** The outbox key of the delivery an `undelivered` effect gave up: a message's or a decision's. */
export function givenUpKey(u: Undelivered): string {
  return "sendKey" in u ? u.sendKey : u.decisionKey;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A failure that is a mistake in code (an adapter's bug), not the receiver's answer: its stack
 * says where. A receiver's failure (a refused connection, an HTTP 503) is said by its message;
 * its stack, the runtime's own calls, would be logged at every retry and say nothing.
 */
function isBug(err: unknown): boolean {
  return err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError || err instanceof SyntaxError;
}

export class Deliveries {
  /** Deliveries that failed (or were held back), still in the outbox: when each is tried again. */
  private readonly failing = new Map<string, { attempts: number; firstFailedAt: number; next: number; profileId?: string }>();
  /** Lanes whose last attempt failed (not for good): when one is tried again, and why it failed. */
  private readonly down = new Map<string, { next: number; error: string }>();
  /** Keys with an adapter now. */
  private readonly inFlight = new Set<string>();
  /** Keys delivered or given up, not yet committed as such: not tried again meanwhile. */
  private readonly settled = new Set<string>();
  private outcomes: Outcomes = { sent: [], failures: new Map(), undelivered: [] };
  /**
   * Profiles deleted since the last retry pass ended: a pass may hold their messages, read
   * from the outbox before, and hands none over. (A profile made again meanwhile under the same
   * id has its failed messages retried by the pass after.)
   */
  private readonly deleted = new Set<string>();

  constructor(private readonly options: DeliveriesOptions) {}

  /** The records a store kept (of an earlier process): their counts and give-up clocks go on; each is due now. */
  restore(stored: DeliveryFailure[]): void {
    const now = this.options.now();
    for (const f of stored) if (!this.failing.has(f.key)) this.failing.set(f.key, { attempts: f.attempts, firstFailedAt: f.firstFailedAt, next: now });
  }

  /** A deleted profile's messages are never handed over (its outbox entries are gone with it). */
  forgetProfile(profileId: string): void {
    this.deleted.add(profileId);
    for (const [key, f] of this.failing) if (f.profileId === profileId) this.failing.delete(key);
  }

  /** How many deliveries are to be tried again by `now`: a retry pass reads the outbox until it has met them. */
  dueCount(now: number): number {
    let n = 0;
    for (const f of this.failing.values()) if (f.next <= now) n++;
    return n;
  }

  /** Of effects pending in the outbox, the deliveries to be tried again by `now`. */
  due(pending: Effect[], now: number): Delivery[] {
    return pending.filter((e): e is Delivery => (e.type === "send" || e.type === "decision") && (this.failing.get(e.key)?.next ?? Infinity) <= now);
  }

  /**
   * Hand deliveries over (a list, or pages of them read as the pass goes), one at a time, in
   * order. Once a lane fails (not for good), its later deliveries in this pass, on every later
   * page, are held back for its next retry, not attempted: one timeout per failing lane, not
   * one per message. First attempts (`retrying` false) hold back at once the deliveries of a
   * lane already failing; a retry (and `start()`) tries each lane again.
   */
  async carryOut(deliveries: Delivery[] | AsyncIterable<Delivery[]>, retrying: boolean): Promise<void> {
    const failed = new Map<string, string>();
    if (!retrying) for (const [lane, { error }] of this.down) failed.set(lane, error);
    const held = new Map<string, number>();
    pages: for await (const page of Array.isArray(deliveries) ? [deliveries] : deliveries) {
      for (const e of page) {
        // Once a stop has come, nothing more is begun, first attempts or retries: each could
        // take its adapter's whole timeout, one after another, past any stop limit, even when
        // the one before went through. The one in hand finishes; the rest wait in the outbox
        // for the next start, as they are (nothing failed).
        if (this.options.halted()) break pages;
        if (this.inFlight.has(e.key) || this.settled.has(e.key) || (retrying && this.deleted.has(e.profileId))) continue;
        const lane = laneOf(e);
        const error = failed.get(lane);
        if (error !== undefined) {
          this.holdBack(e, lane, error);
          held.set(lane, (held.get(lane) ?? 0) + 1);
          continue;
        }
        this.inFlight.add(e.key);
        try {
          await this.options.deliver(e);
          this.delivered(e, lane);
        } catch (err) {
          // Its profile was deleted while the adapter had it: nothing is left to retry (a failure
          // recorded would be retried, never found, at every pass). Its lane failed all the same.
          if (retrying && this.deleted.has(e.profileId)) {
            if (!isPermanentFailure(err)) failed.set(lane, messageOf(err));
            continue;
          }
          if (this.failed(e, lane, err)) failed.set(lane, messageOf(err));
        } finally {
          this.inFlight.delete(e.key);
        }
      }
    }
    // The next pass reads the outbox afresh, without them (one pass at a time; first attempts, on
    // the runtime's queue, never hold messages of a profile deleted before them).
    if (retrying) this.deleted.clear();
    // Said once a retry, per lane; first attempts held back are said by the retry that tries them.
    if (retrying) for (const [lane, n] of held) this.options.log.warn({ lane, held: n }, `${n} deliveries on ${lane} held back, not attempted: it is failing; they are tried when it is retried`);
  }

  private delivered(e: Delivery, lane: string): void {
    // Said once, as its failures were: whoever watched them learns the outage is over.
    if (this.down.delete(lane)) this.options.log.info({ lane, key: e.key }, `${lane} works again: ${e.key} went through`);
    this.failing.delete(e.key);
    this.settled.add(e.key);
    this.outcomes.sent.push(e.key);
  }

  /** A failed attempt; true when its lane is failing (the failure was not this delivery's alone). */
  private failed(e: Delivery, lane: string, err: unknown): boolean {
    const now = this.options.now();
    const before = this.failing.get(e.key);
    const attempts = (before?.attempts ?? 0) + 1;
    const firstFailedAt = before?.firstFailedAt ?? now;
    const next = now + backoffMs(attempts);
    const reason = messageOf(err);
    // A refusal for good is an answer: the lane works.
    const permanent = isPermanentFailure(err);
    if (permanent) this.down.delete(lane);
    else this.down.set(lane, { next, error: reason });
    if (permanent || this.expired(firstFailedAt, now)) {
      this.giveUp(e, { reason, permanent, attempts, firstFailedAt, at: now });
      return !permanent;
    }
    this.failing.set(e.key, { attempts, firstFailedAt, next, profileId: e.profileId });
    this.outcomes.failures.set(e.key, { key: e.key, attempts, firstFailedAt });
    const what = e.type === "send" ? "channel send" : "recording a decision";
    const retryAt = new Date(next).toISOString();
    this.options.log.error({ ...(isBug(err) ? { err } : { error: reason }), key: e.key, ...(e.type === "send" ? { channel: e.channel } : {}), attempts, retryAt }, `${what} failed: ${reason}; it stays in the outbox, tried again in ${(next - now) / 1000} s`);
    return true;
  }

  /** Not attempted, its lane failing: it waits for the lane's retry; its give-up clock runs from now, if it was not running. */
  private holdBack(e: Delivery, lane: string, error: string): void {
    const now = this.options.now();
    const before = this.failing.get(e.key);
    const attempts = before?.attempts ?? 0;
    const firstFailedAt = before?.firstFailedAt ?? now;
    if (this.expired(firstFailedAt, now)) return this.giveUp(e, { reason: `${error} (held back: ${e.type === "send" ? "its channel" : "the decisions sink"} kept failing)`, permanent: false, attempts, firstFailedAt, at: now });
    this.failing.set(e.key, { attempts, firstFailedAt, next: this.down.get(lane)?.next ?? now + backoffMs(1), profileId: e.profileId });
    if (!before) this.outcomes.failures.set(e.key, { key: e.key, attempts, firstFailedAt });
  }

  private expired(firstFailedAt: number, now: number): boolean {
    return now - firstFailedAt >= this.options.giveUpAfterMs;
  }

  private giveUp(e: Delivery, why: { reason: string; permanent: boolean; attempts: number; firstFailedAt: number; at: number }): void {
    this.failing.delete(e.key);
    this.settled.add(e.key);
    this.outcomes.failures.delete(e.key);
    const { journey, instanceId, nodeId } = e;
    const record = {
      type: "undelivered" as const,
      key: `${e.key}:undelivered`,
      at: why.at,
      profileId: e.profileId,
      ...(journey !== undefined ? { journey } : {}),
      ...(instanceId !== undefined ? { instanceId } : {}),
      ...(nodeId !== undefined ? { nodeId } : {}),
      reason: why.reason,
      permanent: why.permanent,
      attempts: why.attempts,
      firstFailedAt: why.firstFailedAt,
    };
    this.outcomes.undelivered.push(e.type === "send" ? { ...record, sendKey: e.key, channel: e.channel } : { ...record, decisionKey: e.key, surface: e.surface, experience: e.experience });
  }

  /** Whether deliveries were given up since the last commit: they are committed (and said) at once, not with the next unit. */
  get givenUp(): boolean {
    return this.outcomes.undelivered.length > 0;
  }

  /** Whether outcomes wait for a commit. */
  get uncommitted(): boolean {
    return this.outcomes.sent.length > 0 || this.outcomes.failures.size > 0 || this.outcomes.undelivered.length > 0;
  }

  /** The outcomes since the last commit, for the commit about to be made (then `committed` or `failedCommit`). */
  take(): Outcomes {
    const taken = this.outcomes;
    this.outcomes = { sent: [], failures: new Map(), undelivered: [] };
    return taken;
  }

  committed(o: Outcomes): void {
    for (const k of o.sent) this.settled.delete(k);
    for (const u of o.undelivered) this.settled.delete(givenUpKey(u));
  }

  /** A commit that failed: its outcomes go with the next one (records taken since are newer, and win). */
  failedCommit(o: Outcomes): void {
    this.outcomes.sent.unshift(...o.sent);
    this.outcomes.undelivered.unshift(...o.undelivered);
    for (const [key, f] of o.failures) if (!this.outcomes.failures.has(key)) this.outcomes.failures.set(key, f);
  }
}
