/**
 * Unsubscribe links: the `unsubscribeUrl` template filled in for one message, and the
 * signature that makes a link good for that message only. The link names a profile, so an
 * unsigned one would let anyone who can guess ids unsubscribe anyone. The signature is an
 * HMAC of what the link names, with a secret of the service's configuration: deterministic,
 * so the engine, which renders the link into content, stays a pure function of its inputs.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IRJourney } from "@journey/ir";

/** What one link is for: the message it came in, sent on `channel` to `profileId`. */
export interface UnsubscribeTarget {
  profileId: string;
  messageId: string;
  channel: string;
}

/** A shorter secret is refused: 32 bytes is HMAC-SHA256's own output size (RFC 2104 asks for at least that much). */
export const UNSUBSCRIBE_SECRET_MIN_BYTES = 32;

/**
 * The signature keeps the first 16 bytes (128 bits) of the HMAC, 22 base64url characters: a
 * forger can only try guesses against the service, one request each, and 2^128 of them is
 * beyond reach, while the link stays short in a `List-Unsubscribe` header.
 */
const SIGNATURE_BYTES = 16;
const SIGNATURE_LENGTH = 22;

/** Names the purpose, so that this secret's MACs of other data (if it were reused) are never a link's. */
const DOMAIN = "journey-unsubscribe-v1";
/** The purpose of the unsubscribe event's id: never a link's signature. */
const EVENT_DOMAIN = "journey-unsubscribe-event-v1";

/** The link's signature: HMAC-SHA256 of the profile, the message and its channel, base64url, truncated. */
export function unsubscribeSignature(secret: string, target: UnsubscribeTarget): string {
  return mac(secret, DOMAIN, target);
}

/**
 * The id of the event an unsubscribe becomes: one per message, and naming no one. The store
 * keeps processed ids after the profile is erased, and a message key holds the profile id
 * (an email address, for some services).
 */
export function unsubscribeEventId(secret: string, target: UnsubscribeTarget): string {
  return `unsubscribe:${mac(secret, EVENT_DOMAIN, target)}`;
}

function mac(secret: string, domain: string, target: UnsubscribeTarget): string {
  // A JSON list: ids may hold any character, and no two different triples write the same text.
  const data = JSON.stringify([domain, target.profileId, target.messageId, target.channel]);
  return createHmac("sha256", secret).update(data).digest().subarray(0, SIGNATURE_BYTES).toString("base64url");
}

/**
 * Whether `signature` is the one `unsubscribeSignature` gives for `target`, compared in
 * constant time. Anything but a string of the right length is false, without comparing.
 */
export function verifyUnsubscribeSignature(secret: string, target: UnsubscribeTarget, signature: unknown): boolean {
  if (typeof signature !== "string" || signature.length !== SIGNATURE_LENGTH) return false;
  // The texts are compared, not the bytes they decode to: base64url's last character has
  // spare bits, and a variant spelling of a good signature is not one.
  return timingSafeEqual(Buffer.from(signature), Buffer.from(unsubscribeSignature(secret, target)));
}

/**
 * Whether the link's message went to an earlier profile of the same id, erased since (a right
 * to erasure, then an event or upsert that made the id again): unsubscribing the profile now
 * under that id would act for someone else. The message's key (`journey:profile:n:t:…`, see
 * `enter` in step.ts) holds when its journey instance started (`t`, ms in base 36); a profile
 * made after that (`createdAtSeconds`) is not the one it went to; within the second the
 * profile was made, the message is taken as its own. A key without that time is of an
 * instance older than any profile that has a `createdAtSeconds` (the node id, `send`, holds
 * its place, and reads as a time in 1970). A profile stored before it was kept cannot tell:
 * false.
 */
export function sentToEarlierProfile(target: UnsubscribeTarget, createdAtSeconds: number | undefined): boolean {
  if (createdAtSeconds === undefined) return false;
  const prefix = `${target.messageId.split(":", 1)[0]!}:${target.profileId}:`;
  const t = target.messageId.startsWith(prefix) ? target.messageId.slice(prefix.length).split(":")[1] : undefined;
  const started = t !== undefined && /^[0-9a-z]+$/.test(t) ? parseInt(t, 36) : NaN;
  return !(started >= createdAtSeconds * 1000);
}

const PLACEHOLDER = /\{(profileId|messageId|channel|signature)\}/g;

/**
 * `template` with `{profileId}`, `{messageId}`, `{channel}` and `{signature}` replaced,
 * each URL-encoded; `{signature}` needs `secret` (the runtime refuses one without the other).
 */
export function unsubscribeLink(template: string, target: UnsubscribeTarget, secret: string | undefined): string {
  return template.replace(PLACEHOLDER, (_, name: keyof UnsubscribeTarget | "signature") => {
    if (name !== "signature") return encodeURIComponent(target[name]);
    if (secret === undefined) throw new Error("the unsubscribe link has `{signature}` but no secret signs it");
    return unsubscribeSignature(secret, target);
  });
}

/** Whether `secret` may sign unsubscribe links: a string of `UNSUBSCRIBE_SECRET_MIN_BYTES` bytes or more. */
export function isUnsubscribeSecret(secret: unknown): secret is string {
  return typeof secret === "string" && Buffer.byteLength(secret) >= UNSUBSCRIBE_SECRET_MIN_BYTES;
}

/** What is wrong with an `unsubscribeUrl` and `unsubscribeSecret` given together, if anything. */
export function unsubscribeOptionsProblem(template: string | undefined, secret: string | undefined): string | undefined {
  const signed = template?.includes("{signature}") ?? false;
  if (secret !== undefined) {
    if (!isUnsubscribeSecret(secret)) return `\`unsubscribeSecret\` must be a string of ${UNSUBSCRIBE_SECRET_MIN_BYTES} bytes or more (it signs unsubscribe links: a short one can be guessed)`;
    if (!signed) return "`unsubscribeSecret` is given but `unsubscribeUrl` has no `{signature}` for it to sign";
  } else if (signed) return "`unsubscribeUrl` has `{signature}`: give `unsubscribeSecret` to sign it";
  return undefined;
}

/**
 * The longest unsubscribe link allowed, in bytes. A mail client's one-click unsubscribe POSTs
 * to it: the link is the request's line, which nginx takes up to 8 KB by default and Node
 * (`journey serve`) up to 16 KB with the headers; within this bound it fits either, with room
 * left for the mail client's headers.
 */
export const MAX_UNSUBSCRIBE_LINK_BYTES = 8000;

/** The longest a number in a message key can be: a safe integer's 16 digits (an entry count, a `repeat` round). */
const LONGEST_COUNT = "9".repeat(16);
/** The latest instant a Date holds, in base 36, as a message key writes an instance's start. */
const LATEST_START = (8.64e15).toString(36);

/**
 * What is wrong with `template` as the unsubscribe link of the sends of `journeys`, if
 * anything: its longest link, for a profile id of `maxProfileIdBytes` whose every byte is
 * URL-encoded and counts of the largest size, over `MAX_UNSUBSCRIBE_LINK_BYTES`. The longest
 * link of each send is made as a real one is (a message key as `enter` and the send in
 * step.ts write it: journey, profile, entry, start, node, rounds of each `repeat`). Journey
 * names and node ids have no bound of their own in the language: this is where a very long one
 * is refused, before any message carries a link no mail client can follow.
 */
export function unsubscribeLinkProblem(template: string, journeys: Iterable<IRJourney>, maxProfileIdBytes: number): string | undefined {
  // "%" is URL-encoded as 3 bytes, as much as any byte of an id can take.
  const profileId = "%".repeat(maxProfileIdBytes);
  // A signature's length does not depend on the secret.
  const secret = "x".repeat(UNSUBSCRIBE_SECRET_MIN_BYTES);
  let longest: { bytes: number; journey: string; node: string } | undefined;
  for (const j of journeys) {
    const nodes = Object.values(j.nodes);
    const repeats = nodes.filter((n) => n.kind === "repeat").length;
    const rounds = repeats ? Array<string>(repeats).fill(LONGEST_COUNT).join(".") : "0";
    for (const [id, node] of Object.entries(j.nodes)) {
      if (node.kind !== "send") continue;
      const messageId = [j.id, profileId, LONGEST_COUNT, LATEST_START, id, rounds].join(":");
      const bytes = Buffer.byteLength(unsubscribeLink(template, { profileId, messageId, channel: node.channel }, secret));
      if (!longest || bytes > longest.bytes) longest = { bytes, journey: j.id, node: id };
    }
  }
  if (!longest || longest.bytes <= MAX_UNSUBSCRIBE_LINK_BYTES) return undefined;
  const address = Buffer.byteLength(template.replace(PLACEHOLDER, ""));
  return `its longest link would be ${longest.bytes} bytes, over the ${MAX_UNSUBSCRIBE_LINK_BYTES} a mail client's unsubscribe request may take (the address and query take ${address}; a message of journey \`${longest.journey}\`, step \`${longest.node}\`, to a profile id of ${maxProfileIdBytes} bytes, the rest): give a shorter address, or that journey a shorter name (or its step less nesting)`;
}

