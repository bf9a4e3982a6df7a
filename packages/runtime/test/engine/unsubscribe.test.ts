/**
 * Signed unsubscribe links: the signature is good for the profile, message and channel it
 * was made for, with its secret, and for nothing else; a runtime writes it into each link.
 */
import { createHmac } from "node:crypto";
import { createRuntime, MemoryChannel, sentToEarlierProfile, unsubscribeSignature, verifyUnsubscribeSignature, VirtualClock } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { irOf, SCHEMA, T0 } from "./helpers.js";

const SECRET = "s".repeat(32);
const target = { profileId: "ana", messageId: "Welcome:ana:1:mk2x:send:email:0", channel: "email" };

describe("unsubscribeSignature / verifyUnsubscribeSignature", () => {
  it("is 22 base64url characters, the first 16 bytes of an HMAC-SHA256 of what the link names, the same every time", () => {
    const s = unsubscribeSignature(SECRET, target);
    expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(unsubscribeSignature(SECRET, { ...target })).toBe(s);
    const mac = createHmac("sha256", SECRET).update(JSON.stringify(["journey-unsubscribe-v1", "ana", target.messageId, "email"])).digest();
    expect(Buffer.from(s, "base64url")).toEqual(mac.subarray(0, 16));
    expect(verifyUnsubscribeSignature(SECRET, target, s)).toBe(true);
  });

  it("refuses a tampered profile, message, channel or signature, a truncated or missing one, and another secret's", () => {
    const s = unsubscribeSignature(SECRET, target);
    expect(verifyUnsubscribeSignature(SECRET, { ...target, profileId: "bo" }, s)).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, { ...target, messageId: target.messageId.replace(":0", ":1") }, s)).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, { ...target, channel: "sms" }, s)).toBe(false);
    const flipped = (s[0] === "A" ? "B" : "A") + s.slice(1);
    expect(verifyUnsubscribeSignature(SECRET, target, flipped)).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, target, s.slice(0, 21))).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, target, s + "A")).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, target, "")).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, target, undefined)).toBe(false);
    expect(verifyUnsubscribeSignature(SECRET, target, [s])).toBe(false);
    expect(verifyUnsubscribeSignature("t".repeat(32), target, s)).toBe(false);
  });

  it("tells apart ids that a plain separator would run together", () => {
    const a = unsubscribeSignature(SECRET, { profileId: "a:b", messageId: "c", channel: "email" });
    const b = unsubscribeSignature(SECRET, { profileId: "a", messageId: "b:c", channel: "email" });
    expect(a).not.toBe(b);
  });
});

describe("a runtime given unsubscribeSecret", () => {
  const ir = irOf(`${SCHEMA}
journey Hello {
  on Ping
  send email { subject "hi" text "{{unsubscribeUrl}}" } to profile.email
}
`);

  it("signs each message's link, the same in its content and in the message the adapter gets", async () => {
    const channel = new MemoryChannel();
    const rt = createRuntime({ ir, channels: channel, clock: new VirtualClock(T0), unsubscribeUrl: "https://mail.example.com/u?p={profileId}&m={messageId}&c={channel}&s={signature}", unsubscribeSecret: SECRET });
    await rt.start();
    await rt.ingest({ id: "e1", type: "Ping", profileId: "p 1", time: new Date(T0).toISOString(), data: { n: 1 } });
    const m = channel.messages[0]!;
    const link = new URL(m.unsubscribeUrl!);
    expect(m.content["text"]).toBe(m.unsubscribeUrl);
    const query = Object.fromEntries(link.searchParams);
    expect(query).toEqual({ p: "p 1", m: m.key, c: "email", s: expect.any(String) });
    expect(verifyUnsubscribeSignature(SECRET, { profileId: "p 1", messageId: m.key, channel: "email" }, query["s"])).toBe(true);
    await rt.stop();
  });

  it("refuses a short secret, a secret without {signature} to sign, and {signature} without a secret", () => {
    const url = "https://mail.example.com/u?p={profileId}&m={messageId}&c={channel}&s={signature}";
    expect(() => createRuntime({ ir, unsubscribeUrl: url, unsubscribeSecret: "short" })).toThrow("createRuntime: `unsubscribeSecret` must be a string of 32 bytes or more (it signs unsubscribe links: a short one can be guessed)");
    expect(() => createRuntime({ ir, unsubscribeUrl: "https://mail.example.com/u?p={profileId}", unsubscribeSecret: SECRET })).toThrow("createRuntime: `unsubscribeSecret` is given but `unsubscribeUrl` has no `{signature}` for it to sign");
    expect(() => createRuntime({ ir, unsubscribeSecret: SECRET })).toThrow("`unsubscribeUrl` has no `{signature}`");
    expect(() => createRuntime({ ir, unsubscribeUrl: url })).toThrow("createRuntime: `unsubscribeUrl` has `{signature}`: give `unsubscribeSecret` to sign it");
  });
});

describe("sentToEarlierProfile", () => {
  // The instance's start time, in base 36, as `enter` writes it; the node id of a send begins `send:`.
  const started = Date.parse("2026-01-05T09:00:00Z");
  const sent = { profileId: "ana", messageId: `Welcome:ana:1:${started.toString(36)}:send:email:0`, channel: "email" };
  const second = started / 1000;
  it("is true for a message whose instance started before the second the profile was made, false from then on", () => {
    expect(sentToEarlierProfile(sent, second + 1)).toBe(true);
    expect(sentToEarlierProfile(sent, second)).toBe(false);
    expect(sentToEarlierProfile({ ...sent, messageId: `Welcome:ana:1:${(started + 999).toString(36)}:send:email:0` }, second)).toBe(false);
    expect(sentToEarlierProfile({ ...sent, messageId: `Welcome:ana:1:${(started - 1).toString(36)}:send:email:0` }, second)).toBe(true);
    expect(sentToEarlierProfile(sent, second - 1)).toBe(false);
  });

  it("reads the time after the profile id, whatever `:` the id holds; a key without one is older than any profile with a `createdAtSeconds`", () => {
    const id = "a:b:1:zzzzzzzzz";
    expect(sentToEarlierProfile({ ...sent, profileId: id, messageId: `Welcome:${id}:1:${started.toString(36)}:send:email:0` }, second)).toBe(false);
    expect(sentToEarlierProfile({ ...sent, messageId: "Welcome:ana:1:send:email:0" }, second)).toBe(true);
    expect(sentToEarlierProfile({ ...sent, messageId: "not a key" }, second)).toBe(true);
  });

  it("cannot tell for a profile stored before `createdAtSeconds` was kept: false", () => {
    expect(sentToEarlierProfile({ ...sent, messageId: "Welcome:ana:1:send:email:0" }, undefined)).toBe(false);
  });
});
