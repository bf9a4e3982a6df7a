import { describe, expect, it } from "vitest";
import { isCalendarDate, localParts, offsetAt, zonedInstant } from "../src/index.js";

const iso = (ms: number) => new Date(ms).toISOString();

describe("zonedInstant in DST gaps", () => {
  it("moves a wall time a spring-forward skips past the jump", () => {
    expect(iso(zonedInstant(2026, 3, 29, 2, 30, "Europe/Stockholm"))).toBe("2026-03-29T01:30:00.000Z"); // 03:30 CEST
  });
  it("does so when the gap is at midnight (the second pass lands on the day before)", () => {
    expect(iso(zonedInstant(2018, 11, 4, 0, 0, "America/Sao_Paulo"))).toBe("2018-11-04T03:00:00.000Z"); // 01:00 -02
  });
  it("does so for a skipped day, where the hour matches on the wrong day", () => {
    expect(iso(zonedInstant(2011, 12, 30, 0, 0, "Pacific/Apia"))).toBe("2011-12-30T10:00:00.000Z"); // Dec 31 00:00 +14
  });
  it("takes the first of two occurrences in an overlap", () => {
    expect(iso(zonedInstant(2026, 10, 25, 2, 30, "Europe/Stockholm"))).toBe("2026-10-25T00:30:00.000Z");
  });
});

describe("years before 100 and before 1 AD", () => {
  it("keeps years 0 to 99 (not 1900 to 1999)", () => {
    expect(offsetAt(Date.parse("0001-06-01T00:00:00Z"), "UTC")).toBe(0);
    expect(localParts(Date.parse("0050-06-01T12:00:00Z"), "UTC")).toMatchObject({ year: 50, hour: 12 });
    expect(iso(zonedInstant(1, 1, 1, 0, 0, "UTC"))).toBe("0001-01-01T00:00:00.000Z");
    expect(isCalendarDate("0000-02-29")).toBe(true); // year 0 is a leap year, 1900 is not
  });
  it("reads an era: 2 BC is year -1", () => {
    expect(offsetAt(Date.parse("-000001-01-01T00:00:00Z"), "UTC")).toBe(0);
  });
});
