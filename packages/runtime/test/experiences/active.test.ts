/** `active from … to …`: whole local days in the profile's time zone, both inclusive; instants are exact. */
import { describe, expect, it } from "vitest";
import { runtimeOf, T, variantOf, withSchema } from "./helpers.js";

const PROMO = "web://shop.example.com/c/jackets#promo";

const ir = withSchema(`
experience Holiday {
  surface "web://shop.example.com/*#promo"
  format text
  priority 10
  active from 2026-12-01 to 2026-12-27
  variant Urgent active from 2026-12-19 to 2026-12-21 { content "order by the 21st" }
  variant Holiday { content "holiday" }
}
experience Spring {
  surface "web://shop.example.com/*#promo"
  format text
  priority 5
  active from 2026-03-01 to 2026-03-29
  variant Spring { content "spring" }
}
experience Autumn {
  surface "web://shop.example.com/*#promo"
  format text
  priority 4
  active from 2026-10-01 to 2026-10-25
  variant Autumn { content "autumn" }
}
experience Flash {
  surface "web://shop.example.com/*#promo"
  format text
  priority 3
  active from 2026-06-10T10:00:00Z to 2026-06-10T12:00:00Z
  variant Flash { content "flash" }
}
experience AllYear {
  surface "web://shop.example.com/*#promo"
  format text
  variant Shipping { content "free shipping" }
}
`);

const ZONES = {
  auckland: "Pacific/Auckland", // UTC+13 in December
  la: "America/Los_Angeles", // UTC-8 in December
  utc: "UTC",
  stockholm: "Europe/Stockholm",
  kolkata: "Asia/Kolkata", // UTC+5:30
};
const profiles = Object.fromEntries(Object.entries(ZONES).map(([id, timezone]) => [id, { timezone }]));
// A time zone the runtime now refuses at the door, stored before it did.
const h = await runtimeOf(ir, { profiles, stored: { broken: { timezone: "Mars/Olympus_Mons" } } });
const at = async (iso: string, profile: string) => variantOf(await h.one(PROMO, profile, { now: T(iso) }));

describe("a period starts at local midnight of its first day", () => {
  it.each([
    ["auckland", "2026-11-30T11:00:00.000Z"],
    ["la", "2026-12-01T08:00:00.000Z"],
    ["utc", "2026-12-01T00:00:00.000Z"],
    ["stockholm", "2026-11-30T23:00:00.000Z"],
    ["kolkata", "2026-11-30T18:30:00.000Z"],
  ])("%s: from %s", async (profile, start) => {
    expect(await at(new Date(T(start) - 1).toISOString(), profile)).toBe("Shipping");
    expect(await at(start, profile)).toBe("Holiday");
  });

  it("one instant, two answers: already December in Auckland, still November in Los Angeles", async () => {
    expect(await at("2026-12-01T00:00:00Z", "auckland")).toBe("Holiday");
    expect(await at("2026-12-01T00:00:00Z", "la")).toBe("Shipping");
  });
});

describe("a period ends at the end of its last local day (inclusive)", () => {
  it.each([
    ["auckland", "2026-12-27T11:00:00.000Z"],
    ["la", "2026-12-28T08:00:00.000Z"],
    ["utc", "2026-12-28T00:00:00.000Z"],
    ["stockholm", "2026-12-27T23:00:00.000Z"],
    ["kolkata", "2026-12-27T18:30:00.000Z"],
  ])("%s: until %s", async (profile, end) => {
    expect(await at(new Date(T(end) - 1).toISOString(), profile)).toBe("Holiday");
    expect(await at(end, profile)).toBe("Shipping");
  });

  it("a last day with a DST change has 23 or 25 hours, all of them in the period", async () => {
    // Stockholm springs forward on 29 March 2026: the day ends at 22:00Z.
    expect(await at("2026-03-29T21:59:59.999Z", "stockholm")).toBe("Spring");
    expect(await at("2026-03-29T22:00:00.000Z", "stockholm")).toBe("Shipping");
    // ...and falls back on 25 October 2026: the day ends at 23:00Z.
    expect(await at("2026-10-25T22:30:00.000Z", "stockholm")).toBe("Autumn");
    expect(await at("2026-10-25T23:00:00.000Z", "stockholm")).toBe("Shipping");
  });
});

describe("variant periods", () => {
  it("a variant answers only in its own period, in the profile's time zone; outside it the next variant does", async () => {
    expect(await at("2026-12-18T10:59:59.999Z", "auckland")).toBe("Holiday");
    expect(await at("2026-12-18T11:00:00.000Z", "auckland")).toBe("Urgent");
    expect(await at("2026-12-19T07:59:59.999Z", "la")).toBe("Holiday");
    expect(await at("2026-12-19T08:00:00.000Z", "la")).toBe("Urgent");
    expect(await at("2026-12-22T07:59:59.999Z", "la")).toBe("Urgent");
    expect(await at("2026-12-22T08:00:00.000Z", "la")).toBe("Holiday");
  });
});

describe("instants are exact, whatever the time zone", () => {
  it.each(Object.keys(ZONES))("%s", async (profile) => {
    expect(await at("2026-06-10T09:59:59.999Z", profile)).toBe("Shipping");
    expect(await at("2026-06-10T10:00:00.000Z", profile)).toBe("Flash");
    expect(await at("2026-06-10T11:59:59.999Z", profile)).toBe("Flash");
    // A `to` instant ends the period: at it exactly, the period is over (one may start there).
    expect(await at("2026-06-10T12:00:00.000Z", profile)).toBe("Shipping");
  });
});

describe("the time zone of the decision", () => {
  it("a profile with a malformed time zone is decided in UTC, without an error", async () => {
    expect(await at("2026-11-30T23:59:59.999Z", "broken")).toBe("Shipping");
    expect(await at("2026-12-01T00:00:00.000Z", "broken")).toBe("Holiday");
  });

  it("an unknown profile takes the profile's declared default time zone", async () => {
    expect(await at("2026-12-01T00:00:00.000Z", "stranger")).toBe("Holiday");
    expect(await at("2026-11-30T23:59:59.999Z", "stranger")).toBe("Shipping");
  });

  it("without `now`, the runtime's clock decides", async () => {
    h.clock.set(T("2026-12-20T12:00:00Z"));
    expect(variantOf(await h.one(PROMO, "utc"))).toBe("Urgent");
  });
});
