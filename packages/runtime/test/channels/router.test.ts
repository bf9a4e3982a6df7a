/**
 * ChannelRouter in a runtime: each channel to its adapter, the rest to `otherwise`; a channel
 * with nowhere to go refused at createRuntime; the project's sender on every message.
 */
import { ChannelRouter, createRuntime, MemoryChannel, VirtualClock, type ChannelAdapter } from "@journey/runtime";
import { ServerMetrics } from "@journey/runtime/server";
import { describe, expect, it } from "vitest";
import { T0, ev, withSchema } from "../engine/helpers.js";

const ir = withSchema(`
  channel email { from "Shop <hello@shop.example>" }
  journey J {
    on Ping
    send email { subject "e" text "x" } to profile.email
    send sms { text "s" } to profile.phone ?? ""
    send push { title "p" body "b" } to profile.firstName ?? ""
  }
`);

describe("ChannelRouter", () => {
  it("sends each channel to its route and the others to `otherwise`, with the sender the project declares", async () => {
    const email = new MemoryChannel();
    const rest = new MemoryChannel();
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: new ChannelRouter({ email }, rest) });
    await rt.start();
    await rt.upsertProfile("p1", { phone: "+46700000000", firstName: "device-token" });
    await rt.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt.stop();
    expect(email.messages.map((m) => [m.channel, m.from])).toEqual([["email", "Shop <hello@shop.example>"]]);
    // A channel the project declares no sender for has no `from` at all (the outbox lines stay as they were).
    expect(rest.messages.map((m) => m.channel)).toEqual(["sms", "push"]);
    expect(rest.messages.every((m) => !("from" in m))).toBe(true);
  });

  it("without `otherwise`, a channel the journeys send on and no route takes is refused at createRuntime, as a map is", () => {
    const memory = new MemoryChannel();
    expect(() => createRuntime({ ir, channels: new ChannelRouter({ email: memory, sms: memory }) })).toThrow("createRuntime: `channels` has no adapter for `push`, which the project's journeys send on");
    expect(() => createRuntime({ ir, channels: { email: memory } })).toThrow("`channels` has no adapter for `push`, `sms`");
    expect(() => createRuntime({ ir, channels: new ChannelRouter({ email: memory }, memory) })).not.toThrow();
    // Wrapped to count deliveries, a router still says which channels it lacks.
    expect(() => createRuntime({ ir, channels: new ServerMetrics().deliveries(new ChannelRouter({ email: memory, sms: memory })) })).toThrow("`channels` has no adapter for `push`");
  });

  it("asks the adapter each channel goes to whether it can deliver it", () => {
    const refusing: ChannelAdapter = {
      send: async () => {},
      checkChannel(channel, policy) {
        if (channel === "email") throw new Error(`cannot send as ${policy?.from}`);
      },
    };
    expect(() => createRuntime({ ir, channels: new ChannelRouter({ email: refusing }, new MemoryChannel()) })).toThrow("createRuntime: channel `email`: cannot send as Shop <hello@shop.example>");
    expect(() => createRuntime({ ir, channels: new ChannelRouter({ email: new MemoryChannel() }, refusing) })).not.toThrow();
  });

  it("refuses routes that are not adapters when made", () => {
    expect(() => new ChannelRouter({ email: {} as ChannelAdapter })).toThrow("ChannelRouter: the route of `email` must have `send()`");
    expect(() => new ChannelRouter({}, {} as ChannelAdapter)).toThrow("ChannelRouter: `otherwise` must have `send()`");
  });
});
