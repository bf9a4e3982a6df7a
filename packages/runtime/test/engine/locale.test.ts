/** `locale` blocks: which content a profile gets, by its `locale` attribute. */
import { describe, expect, it } from "vitest";
import type { IRTemplate } from "@journey/ir";
import { localeContent } from "../../src/engine/render.js";
import { T0, ev, irOf, ofType, sim } from "./helpers.js";

describe("send: a template's locale blocks", () => {
  const ir = irOf(`
    profile {
      email: string
      firstName?: string
      locale?: string
    }
    event Cart { cartId: string, total: number }
    template Reminder(cart: Cart) for email {
      subject "Your cart is waiting, {{default profile.firstName 'friend'}}"
      html "<p>Cart {{cart.cartId}}</p>"
      text "Total {{cart.total}}"
      locale "sv" {
        subject "Din varukorg väntar, {{default profile.firstName 'vän'}}"
        html "<p>Varukorg {{cart.cartId}}</p>"
      }
      locale "nb-NO" { subject "Handlekurven din venter" }
      locale "zh-Hant" { subject "購物車" }
    }
    journey J {
      on Cart as cart
      send email Reminder(cart) to profile.email
    }
  `);
  const sent = async (locale?: string) => {
    const profile: Record<string, unknown> = { id: "p1", email: "ana@example.com", firstName: "Ana" };
    if (locale !== undefined) profile["locale"] = locale;
    const { timeline } = await sim({ ir, profiles: [profile as { id: string }], events: [ev("Cart", "p1", T0, { cartId: "c1", total: 20 })] });
    const [send] = ofType(timeline, "send");
    return send!.content;
  };
  const english = { subject: "Your cart is waiting, Ana", html: "<p>Cart c1</p>", text: "Total 20" };

  it("the exact tag, ignoring case; a partial block: its fields, the others the template's own, in the template's order", async () => {
    const nb = await sent("nb-no");
    expect(nb).toEqual({ subject: "Handlekurven din venter", html: "<p>Cart c1</p>", text: "Total 20" });
    expect(Object.keys(nb)).toEqual(["subject", "html", "text"]);
  });

  it("else its language: `sv-SE` gets the `sv` block, rendered with the same names", async () => {
    expect(await sent("sv-SE")).toEqual({ subject: "Din varukorg väntar, Ana", html: "<p>Varukorg c1</p>", text: "Total 20" });
    expect(await sent("SV")).toEqual(await sent("sv-SE"));
  });

  it("a longer tag is cut short a subtag at a time: `zh-Hant-TW` gets `zh-Hant`", async () => {
    expect((await sent("zh-Hant-TW"))["subject"]).toBe("購物車");
    // Not the other way: a block for a region does not serve its whole language.
    expect(await sent("nb")).toEqual(english);
  });

  it("else, and without a locale, the template's own fields", async () => {
    expect(await sent("de-DE")).toEqual(english);
    expect(await sent()).toEqual(english);
    expect(await sent("")).toEqual(english);
  });
});

describe("localeContent", () => {
  const text = (s: string) => ({ template: s, escape: "none" as const });
  const t: IRTemplate = {
    channel: "sms",
    params: [],
    content: { text: text("Hi") },
    locales: { "sr-Latn": { text: text("Zdravo") }, "de-CH": { text: text("Grüezi") }, de: { text: text("Hallo") } },
  };

  it("looks up as RFC 4647 does, dropping a single-letter subtag with the one after it", () => {
    expect(localeContent(t, "de-CH")).toEqual({ text: text("Grüezi") });
    expect(localeContent(t, "de-AT")).toEqual({ text: text("Hallo") });
    expect(localeContent(t, "de-CH-x-phonebk")).toEqual({ text: text("Grüezi") });
    expect(localeContent(t, "sr-Latn-RS")).toEqual({ text: text("Zdravo") });
    expect(localeContent(t, "sr")).toEqual({ text: text("Hi") });
    expect(localeContent(t, undefined)).toBe(t.content);
  });

  it("a template without blocks: its own content, untouched", () => {
    const plain: IRTemplate = { channel: "sms", params: [], content: { text: text("Hi") } };
    expect(localeContent(plain, "sv-SE")).toBe(plain.content);
  });
});
