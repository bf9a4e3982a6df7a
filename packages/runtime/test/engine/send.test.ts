/** `send`: rendering and escaping, templates and fragments; channel policy: consent, quiet hours, caps. */
import { describe, expect, it } from "vitest";
import type { Effect } from "@journey/runtime";
import { DAY, HOUR, SCHEMA, T, T0, ev, iso, irOf, line, ofType, sendTimes, sim, withSchema } from "./helpers.js";

const NASTY = `Ana <b>&"'</b>`;

describe("send: content", () => {
  const ir = irOf(
    SCHEMA +
      `
    fragment Footer """<p>{{profile.firstName}} · <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>"""
    template Reminder(cart: Cart, note: string) for email {
      subject "{{default profile.firstName 'Hi'}}, {{length cart.items}} items: {{note}}"
      html """<h1>{{note}}</h1>{{#each cart.items as |l|}}<p>{{l.name}} {{currency l.price 'EUR'}}</p>{{/each}}{{> Footer}}"""
      text "{{note}} / {{cart.cartId}}"
    }
    journey J {
      on Cart as cart
      send email Reminder(cart, "x < y & z") to profile.email
      send email {
        subject "inline {{profile.firstName}} {{cart.cartId}} {{journey.name}}"
        html "<i>{{profile.firstName}}</i> {{{profile.firstName}}}"
        text "{{profile.firstName}}"
      } to profile.email
      send sms { text "sms {{profile.firstName}}" } to profile.phone ?? "none"
      send push { title "t {{profile.firstName}}" body "b" data { cart: cart.cartId, n: length(cart.items) } } to "device-1"
      send webhook { url "https://hooks.example.com/c/{{cart.cartId}}" json { id: cart.cartId, total: cart.total } }
    }
  `,
  );
  const run = () =>
    sim({
      ir,
      profiles: [{ id: "p1", email: "ana@example.com", firstName: NASTY, phone: "+46700000000" }],
      events: [ev("Cart", "p1", T0, { cartId: "c<1>", items: [{ sku: "W1", name: "Hat & <Scarf>", price: 20, category: "hats" }], total: 20 })],
    });

  it("a template: params bound, html escaped, subject and text raw, fragments included as partials", async () => {
    const { timeline, channel } = await run();
    const [tpl] = ofType(timeline, "send");
    expect(tpl).toMatchObject({ channel: "email", to: "ana@example.com", template: "Reminder", journey: "J" });
    expect(tpl!.content["subject"]).toBe(`${NASTY}, 1 items: x < y & z`);
    expect(tpl!.content["text"]).toBe("x < y & z / c<1>");
    const html = String(tpl!.content["html"]);
    expect(html).toContain("<h1>x &lt; y &amp; z</h1>");
    expect(html).toContain("<p>Hat &amp; &lt;Scarf&gt; ");
    expect(html).toMatch(/€|EUR/);
    // The fragment: escaped like the rest of the html, with the runtime's unsubscribe link.
    expect(html).toContain("Ana &lt;b&gt;&amp;");
    expect(html).not.toContain("<b>");
    const href = /<a href="([^"]+)">Unsubscribe<\/a><\/p>$/.exec(html)?.[1];
    expect(decodeEntities(href ?? "")).toBe(`https://example.com/unsubscribe?profile=p1&message=${encodeURIComponent(tpl!.key)}`);
    // What the channel received is what the timeline shows.
    expect(channel.messages[0]).toMatchObject({ key: tpl!.key, channel: "email", to: "ana@example.com", profileId: "p1", journey: "J", template: "Reminder", content: tpl!.content });
  });

  it("inline content: names in scope, `{{{ }}}` raw, html escaped, runtime names", async () => {
    const { timeline } = await run();
    const inline = ofType(timeline, "send")[1]!;
    expect(inline.content).toEqual({
      subject: `inline ${NASTY} c<1> J`,
      html: `<i>Ana &lt;b&gt;&amp;&quot;&#x27;&lt;/b&gt;</i> ${NASTY}`,
      text: NASTY,
    });
  });

  it("sms, push (data as a record expression) and webhook (url template, json body, no `to`)", async () => {
    const { timeline } = await run();
    const [, , sms, push, hook] = ofType(timeline, "send");
    expect(sms).toMatchObject({ channel: "sms", to: "+46700000000", content: { text: `sms ${NASTY}` } });
    expect(push).toMatchObject({ channel: "push", to: "device-1", content: { title: `t ${NASTY}`, body: "b", data: { cart: "c<1>", n: 1 } } });
    expect(hook).toMatchObject({ channel: "webhook", to: null, content: { url: "https://hooks.example.com/c/c<1>", json: { id: "c<1>", total: 20 } } });
  });

  it("a missing optional renders empty; `default` supplies the fallback", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p2", email: "b@example.com" }],
      events: [ev("Cart", "p2", T0, { cartId: "c2", items: [], total: 0 })],
    });
    const [tpl, inline, sms] = ofType(timeline, "send");
    expect(tpl!.content["subject"]).toBe("Hi, 0 items: x < y & z");
    expect(inline!.content["text"]).toBe("");
    expect(sms!.to).toBe("none");
  });
});

/** HTML character references back to text (enough for attribute values). */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  );
}

describe("send: no recipient", () => {
  it("a null or blank `to` is suppressed (reason noRecipient), not delivered, and does not spend the cap", async () => {
    const ir = withSchema(`
      channel sms { cap 1 per 1d }
      journey J {
        on Ping as p
        reentry always
        if p.n == 1 { send sms { text "one" } to profile.phone ?? "" }
        if p.n == 2 { send sms { text "two" } to "  " }
        send sms { text "three" } to "+46700000003"
      }
    `);
    const { timeline, channel } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p1", T0 + DAY, { n: 2 })] });
    expect(ofType(timeline, "suppressed").map((s) => [s.reason, iso(s.at)])).toEqual([
      ["noRecipient", iso(T0)],
      ["noRecipient", iso(T0 + DAY)],
    ]);
    expect(channel.messages.map((m) => [m.to, m.content["text"]])).toEqual([
      ["+46700000003", "three"],
      ["+46700000003", "three"],
    ]);
  });
});

describe("channels: consent", () => {
  // Consent is read when a message is handed over: after quiet hours, from the profile then.
  const ir = irOf(`
    profile {
      email: string = "p@example.com"
      phone?: string
      consent?: { sms: bool, email: bool }
      optInAt?: datetime
    }
    event Ping { n: int }
    event Stop { reason: string }
    event OptIn { sms: bool }
    channel sms {
      consent profile.consent.sms
      cap 1 per 7d
      quiet 21:00 to 08:00
    }
    channel email { consent profile.optInAt != null and daysSince(profile.optInAt) < 365 }
    journey Nudge {
      on Ping as p
      reentry always
      send sms { text "nudge {{p.n}}" } to profile.phone ?? ""
      send push { title "after" body "x" } to "device-1"
    }
    journey Preferences {
      on OptIn as o
      reentry always
      set profile.consent = { sms: o.sms, email: true }
    }
    journey Mail {
      on Stop
      reentry always
      send email { subject "hello" text "x" } to profile.email
    }
  `);
  const evening = T("2026-01-05T22:00:00Z");
  const morning = T("2026-01-06T08:00:00Z");
  const consenting = { id: "p1", phone: "+46700000001", consent: { sms: true, email: true } };

  it("given at delivery: sent when quiet hours end", async () => {
    const { timeline } = await sim({ ir, profiles: [consenting], events: [ev("Ping", "p1", evening, { n: 1 })] });
    expect(sendTimes(timeline, "sms")).toEqual([iso(morning)]);
    expect(ofType(timeline, "suppressed")).toEqual([]);
  });

  it("withdrawn during quiet hours: suppressed (noConsent) when they end, the journey goes on, the cap is not spent", async () => {
    const { timeline, channel } = await sim({
      ir,
      profiles: [consenting],
      events: [ev("Ping", "p1", evening, { n: 1 }), ev("OptIn", "p1", evening + HOUR, { sms: false }), ev("OptIn", "p1", morning + HOUR, { sms: true }), ev("Ping", "p1", morning + 2 * HOUR, { n: 2 })],
    });
    expect(ofType(timeline, "suppressed").map((s) => [s.journey, s.channel, s.reason, iso(s.at)])).toEqual([["Nudge", "sms", "noConsent", iso(morning)]]);
    // The next step ran at once; with the cap unspent, the second nudge (consent given again) goes out.
    expect(channel.messages.map((m) => [m.channel, m.content["text"] ?? m.content["title"], m.at])).toEqual([
      ["push", "after", iso(morning)],
      ["sms", "nudge 2", iso(morning + 2 * HOUR)],
      ["push", "after", iso(morning + 2 * HOUR)],
    ]);
  });

  it("null counts as no consent: a profile without the record, or with no recipient either, is suppressed for consent", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p2", phone: "+46700000002" }, { id: "p3" }], events: [ev("Ping", "p2", morning, { n: 1 }), ev("Ping", "p3", morning, { n: 1 })] });
    expect(ofType(timeline, "suppressed").map((s) => [s.profileId, s.reason])).toEqual([
      ["p2", "noConsent"],
      ["p3", "noConsent"],
    ]);
    expect(sendTimes(timeline, "sms")).toEqual([]);
  });

  it("reads the clock: a consent that lapses a year after the opt-in", async () => {
    const events = [ev("Stop", "p1", morning, { reason: "" })];
    const recent = await sim({ ir, profiles: [{ id: "p1", optInAt: "2025-06-01T00:00:00Z" }], events });
    expect(sendTimes(recent.timeline, "email")).toEqual([iso(morning)]);
    const lapsed = await sim({ ir, profiles: [{ id: "p1", optInAt: "2024-06-01T00:00:00Z" }], events });
    expect(ofType(lapsed.timeline, "suppressed").map((s) => [s.channel, s.reason])).toEqual([["email", "noConsent"]]);
  });

  it("one that fails (an index out of range) fails the step, nothing sent, the error naming the channel's consent", async () => {
    const failing = irOf(`
      profile { email: string, tags: list<string> }
      event Ping { n: int }
      channel email { consent profile.tags[0] == "ok" }
      journey Mail {
        on Ping
        send email { subject "hello" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir: failing, profiles: [{ id: "p1", email: "a@example.com", tags: [] }], events: [ev("Ping", "p1", morning, { n: 1 })] });
    expect(sendTimes(timeline, "email")).toEqual([]);
    expect(ofType(timeline, "error").map((e) => e.message)).toEqual(["channel `email`'s consent: index 0 is out of range of a list of 0"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["error"]);
  });

  it("a channel without `consent` sends whatever the profile says", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1", consent: { sms: false, email: false } }], events: [ev("Ping", "p1", morning, { n: 1 })] });
    expect(sendTimes(timeline, "push")).toEqual([iso(morning)]);
  });
});

describe("send transactional: past the channel's policy", () => {
  // A receipt on a channel whose consent, cap (1 a day) and quiet hours are the marketing's.
  const ir = irOf(`
    profile {
      email?: string
      timezone: string = "UTC"
      consent?: { email: bool }
    }
    event Ping { n: int }
    event Order { orderId: string }
    channel email {
      from "Shop <shop@example.com>"
      consent profile.consent.email
      cap 1 per 1d
      quiet 21:00 to 08:00
    }
    template Receipt(o: Order) for email { subject "receipt {{o.orderId}}" text "thanks" }
    journey Marketing {
      on Ping as p
      reentry always
      send email { subject "promo {{p.n}}" text "x" } to profile.email ?? ""
    }
    journey Receipts {
      on Order as o
      reentry always
      send transactional email Receipt(o) to profile.email ?? ""
      send push { title "after" body "x" } to "device-1"
    }
  `);
  const consenting = { id: "p1", email: "ana@example.com", consent: { email: true } };
  const subjects = (timeline: Effect[]) => ofType(timeline, "send").filter((s) => s.channel === "email").map((s) => `${iso(s.at)} ${String(s.content["subject"])}`);

  it("inside quiet hours: sent at once, marked transactional, with the channel's `from`; the journey goes on at once", async () => {
    const night = T("2026-01-05T23:00:00Z");
    const { timeline, channel } = await sim({ ir, profiles: [consenting], events: [ev("Order", "p1", night, { orderId: "o1" }), ev("Ping", "p1", night, { n: 1 })] });
    // The marketing email of the same instant waits for 08:00.
    expect(subjects(timeline)).toEqual([`${iso(night)} receipt o1`, "2026-01-06T08:00:00.000Z promo 1"]);
    const [receipt] = ofType(timeline, "send", "Receipts");
    expect(receipt).toMatchObject({ transactional: true, template: "Receipt", to: "ana@example.com" });
    expect(sendTimes(timeline, "push")).toEqual([iso(night)]);
    expect(channel.messages.find((m) => m.template === "Receipt")).toMatchObject({ transactional: true, from: "Shop <shop@example.com>", to: "ana@example.com" });
    // An ordinary message carries no flag at all.
    expect(channel.messages.find((m) => m.journey === "Marketing")).not.toHaveProperty("transactional");
    expect(ofType(timeline, "send", "Marketing")[0]).not.toHaveProperty("transactional");
  });

  it("without consent (withdrawn, or null): sent; the marketing email is suppressed (noConsent)", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1", email: "ana@example.com", consent: { email: false } }, { id: "p2", email: "bo@example.com" }],
      events: [ev("Order", "p1", T0, { orderId: "o1" }), ev("Ping", "p1", T0, { n: 1 }), ev("Order", "p2", T0, { orderId: "o2" })],
    });
    expect(ofType(timeline, "send").filter((s) => s.channel === "email").map((s) => `${s.profileId} ${String(s.content["subject"])}`)).toEqual(["p1 receipt o1", "p2 receipt o2"]);
    expect(ofType(timeline, "suppressed").map((s) => `${s.profileId} ${s.journey} ${s.reason}`)).toEqual(["p1 Marketing noConsent"]);
  });

  it("over the cap: sent, and not counted: the next marketing email still has the whole cap", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [consenting],
      events: [
        // The marketing email fills the cap of 1; the receipts after it go out all the same.
        ev("Ping", "p1", T0, { n: 1 }),
        ev("Order", "p1", T0 + HOUR, { orderId: "o1" }),
        ev("Order", "p1", T0 + 2 * HOUR, { orderId: "o2" }),
        // A day later the cap is free again: two receipts first, then the marketing email goes
        // out (they took none of it), and the one after it is over the cap.
        ev("Order", "p1", T0 + DAY, { orderId: "o3" }),
        ev("Order", "p1", T0 + DAY, { orderId: "o4" }),
        ev("Ping", "p1", T0 + DAY + HOUR, { n: 2 }),
        ev("Ping", "p1", T0 + DAY + 2 * HOUR, { n: 3 }),
      ],
    });
    expect(subjects(timeline)).toEqual([
      `${iso(T0)} promo 1`,
      `${iso(T0 + HOUR)} receipt o1`,
      `${iso(T0 + 2 * HOUR)} receipt o2`,
      `${iso(T0 + DAY)} receipt o3`,
      `${iso(T0 + DAY)} receipt o4`,
      `${iso(T0 + DAY + HOUR)} promo 2`,
    ]);
    expect(ofType(timeline, "suppressed").map((s) => `${iso(s.at)} ${s.journey} ${s.reason}`)).toEqual([`${iso(T0 + DAY + 2 * HOUR)} Marketing cap`]);
  });

  it("a missing recipient is still suppressed (noRecipient), and the journey goes on", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1", consent: { email: true } }], events: [ev("Order", "p1", T0, { orderId: "o1" })] });
    expect(ofType(timeline, "send").map((s) => s.channel)).toEqual(["push"]);
    expect(ofType(timeline, "suppressed").map((s) => `${s.journey} ${s.channel} ${s.reason}`)).toEqual(["Receipts email noRecipient"]);
    expect(ofType(timeline, "ended", "Receipts").map((e) => e.reason)).toEqual(["end"]);
  });
});

describe("channels: quiet hours", () => {
  const ir = withSchema(`
    channel email { quiet 21:00 to 08:00 }
    journey J {
      on Ping
      send email { subject "hello" text "x" } to profile.email
    }
  `);

  it("a send inside quiet hours is delayed to their end, in the profile's time zone", async () => {
    // 03:00Z is 22:00 in New York (quiet), 04:00 in Stockholm (quiet), 03:00 UTC (quiet) and 12:00 in Tokyo (not quiet).
    const at = T("2026-01-06T03:00:00Z");
    const { timeline } = await sim({
      ir,
      profiles: [
        { id: "ny", timezone: "America/New_York" },
        { id: "sto", timezone: "Europe/Stockholm" },
        { id: "utc" },
        { id: "tokyo", timezone: "Asia/Tokyo" },
      ],
      events: ["ny", "sto", "utc", "tokyo"].map((p) => ev("Ping", p, at, { n: 1 })),
    });
    const byProfile = Object.fromEntries(ofType(timeline, "send").map((s) => [s.profileId, iso(s.at)]));
    expect(byProfile).toEqual({
      tokyo: "2026-01-06T03:00:00.000Z",
      sto: "2026-01-06T07:00:00.000Z", // 08:00 CET
      utc: "2026-01-06T08:00:00.000Z",
      ny: "2026-01-06T13:00:00.000Z", // 08:00 EST
    });
    // Delayed, not lost: each was sent exactly once.
    expect(ofType(timeline, "send")).toHaveLength(4);
  });

  it("quiet hours include their start and exclude their end", async () => {
    const profiles = [{ id: "p1" }];
    const atStart = await sim({ ir, profiles, events: [ev("Ping", "p1", T("2026-01-05T21:00:00Z"), { n: 1 })] });
    expect(sendTimes(atStart.timeline)).toEqual(["2026-01-06T08:00:00.000Z"]);
    const before = await sim({ ir, profiles, events: [ev("Ping", "p1", T("2026-01-05T20:59:00Z"), { n: 1 })] });
    expect(sendTimes(before.timeline)).toEqual(["2026-01-05T20:59:00.000Z"]);
    const atEnd = await sim({ ir, profiles, events: [ev("Ping", "p1", T("2026-01-06T08:00:00Z"), { n: 1 })] });
    expect(sendTimes(atEnd.timeline)).toEqual(["2026-01-06T08:00:00.000Z"]);
  });

  it("quiet hours that do not span midnight", async () => {
    const ir2 = withSchema(`channel sms { quiet 12:00 to 14:00 }
      journey J { on Ping
        send sms { text "x" } to "+1" }`);
    const { timeline } = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T("2026-01-05T13:15:00Z"), { n: 1 })] });
    expect(sendTimes(timeline)).toEqual(["2026-01-05T14:00:00.000Z"]);
    const outside = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T("2026-01-05T23:00:00Z"), { n: 1 })] });
    expect(sendTimes(outside.timeline)).toEqual(["2026-01-05T23:00:00.000Z"]);
  });

  it("a channel without quiet hours is not delayed", async () => {
    const ir2 = withSchema(`channel email { quiet 21:00 to 08:00 }
      journey J { on Ping
        send sms { text "x" } to "+1" }`);
    const { timeline } = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T("2026-01-05T23:00:00Z"), { n: 1 })] });
    expect(sendTimes(timeline)).toEqual(["2026-01-05T23:00:00.000Z"]);
  });
});

describe("channels: frequency cap", () => {
  const ir = withSchema(`
    channel email { cap 2 per 1d }
    journey A {
      on Ping
      reentry always
      send email { subject "A" text "x" } to profile.email
      send sms { text "sms" } to "+1"
    }
    journey B {
      on Stop
      reentry always
      send email { subject "B" text "x" } to profile.email
      send email { subject "B2" text "x" } to profile.email
    }
  `);

  it("a send over the cap is suppressed (recorded), the journey goes on; caps count across journeys, per profile", async () => {
    const { timeline, channel } = await sim({
      ir,
      profiles: [{ id: "p1" }, { id: "p2" }],
      events: [ev("Ping", "p1", T0, { n: 1 }), ev("Stop", "p1", T0 + HOUR, { reason: "" }), ev("Ping", "p2", T0 + HOUR, { n: 1 })],
    });
    expect(ofType(timeline, "send").map((s) => `${s.profileId} ${s.channel} ${s.content["subject"] ?? s.content["text"]}`)).toEqual([
      "p1 email A",
      "p1 sms sms",
      "p1 email B",
      "p2 email A",
      "p2 sms sms",
    ]);
    expect(ofType(timeline, "suppressed").map((s) => [s.profileId, s.journey, s.channel, s.reason, iso(s.at)])).toEqual([["p1", "B", "email", "cap", iso(T0 + HOUR)]]);
    expect(ofType(timeline, "ended").map((e) => `${e.journey} ${e.reason}`)).toEqual(["A end", "B end", "A end"]);
    expect(channel.messages).toHaveLength(5);
  });

  it("the window slides: once the oldest send is older than the window, sends go out again", async () => {
    const { timeline } = await sim({
      ir,
      profiles: [{ id: "p1" }],
      events: [ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p1", T0 + HOUR, { n: 2 }), ev("Ping", "p1", T0 + 2 * HOUR, { n: 3 }), ev("Ping", "p1", T0 + DAY - 1, { n: 4 }), ev("Ping", "p1", T0 + DAY, { n: 5 })],
    });
    expect(ofType(timeline, "send", "A").filter((s) => s.channel === "email").map((s) => iso(s.at))).toEqual([iso(T0), iso(T0 + HOUR), iso(T0 + DAY)]);
    expect(ofType(timeline, "suppressed").map((s) => iso(s.at))).toEqual([iso(T0 + 2 * HOUR), iso(T0 + DAY - 1)]);
  });

  it("quiet hours and a cap together: the delayed send counts at delivery", async () => {
    const ir2 = withSchema(`
      channel email { cap 1 per 1d quiet 21:00 to 08:00 }
      journey J { on Ping
        reentry always
        send email { subject "s" text "x" } to profile.email }
    `);
    const { timeline } = await sim({
      ir: ir2,
      profiles: [{ id: "p1" }],
      events: [ev("Ping", "p1", T("2026-01-05T22:00:00Z"), { n: 1 }), ev("Ping", "p1", T("2026-01-06T09:00:00Z"), { n: 2 })],
    });
    expect(sendTimes(timeline)).toEqual(["2026-01-06T08:00:00.000Z"]);
    expect(ofType(timeline, "suppressed").map((s) => iso(s.at))).toEqual(["2026-01-06T09:00:00.000Z"]);
  });

  // The cap counts messages delivered: one whose content fails to render (here an argument's
  // index out of range) fails its step and delivers nothing; counted, it kept out the next.
  it("a send that fails while rendering does not spend the cap", async () => {
    const ir2 = withSchema(`
      channel email { cap 1 per 1d }
      template Reminder(l: Line) for email { subject "{{l.sku}}" text "x" }
      journey Broken { on Cart as cart
        send email Reminder(cart.items[3]) to profile.email }
      journey Later { on Ping
        send email { subject "later" text "x" } to profile.email }
    `);
    const { timeline } = await sim({
      ir: ir2,
      profiles: [{ id: "p1" }],
      events: [ev("Cart", "p1", T0, { cartId: "c", items: [line("A")], total: 1 }), ev("Ping", "p1", T0 + HOUR, { n: 1 })],
    });
    expect(ofType(timeline, "ended", "Broken").map((e) => e.reason)).toEqual(["error"]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["later"]);
    expect(ofType(timeline, "suppressed")).toEqual([]);
  });
});
