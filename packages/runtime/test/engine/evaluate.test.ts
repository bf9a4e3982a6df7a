/** Built-in functions as the engine evaluates them, where arithmetic on doubles would differ from the docs. */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";

const call = (name: string, ...args: unknown[]) => evaluate({ call: name, args: args.map((lit) => ({ lit: lit as string | number | boolean | null })) }, { vars: {}, now: 0, timeZone: "UTC" });

describe("round", () => {
  it("rounds half away from zero as the number is written (1.005 is a tie), to `digits` decimals", () => {
    // `1.005 * 100` is 100.49999999999999: multiplying first rounded 1.005 down to 1.
    expect([call("round", 1.005, 2), call("round", 1.255, 2), call("round", -1.005, 2)]).toEqual([1.01, 1.26, -1.01]);
    expect([call("round", 2.5), call("round", -2.5), call("round", 0.1 + 0.2, 1), call("round", 1234.5678, -2)]).toEqual([3, -3, 0.3, 1200]);
    expect([call("round", 1e-7, 2), call("round", 1e21, 2)]).toEqual([0, 1e21]);
    expect(Object.is(call("round", -0.4), 0)).toBe(true);
    // Digits from the data that overflow the scaled number keep the number, never NaN.
    expect([call("round", 1.5, 400), call("round", 1e300, 20), call("round", -1e300, 20), call("round", 5, -400)]).toEqual([1.5, 1e300, -1e300, 0]);
  });
});

describe("comparisons of text (`as: \"text\"`, set by the compiler for strings)", () => {
  const env = { vars: { code: "2026-01-01", at: "2026-01-01T00:00:00Z" }, now: 0, timeZone: "UTC" };
  const op = (o: string, text: boolean, r: unknown = { path: ["at"] }) => evaluate({ op: o, args: [{ path: ["code"] }, r as never], ...(text ? { as: "text" as const } : {}) }, env);

  it("compares strings as they are, never as the instants a date-shaped string could be", () => {
    expect([op("==", true), op("!=", true), op("<", true), op(">=", true)]).toEqual([false, true, true, false]);
    expect(op("in", true, { list: [{ lit: "2026-01-01T00:00:00.000Z" }] })).toBe(false);
    expect(op("in", true, { list: [{ lit: "2026-01-01" }] })).toBe(true);
  });

  it("without it (date-times, or an IR from before it), date-shaped strings are instants", () => {
    expect([op("==", false), op("<", false)]).toEqual([true, false]);
  });
});

describe("conditional values (`op: \"if\"`)", () => {
  const env = { vars: { vip: true, n: 0 }, now: 0, timeZone: "UTC" };
  const divide = { op: "/", args: [{ lit: 1 }, { path: ["n"] }] };

  it("evaluates the chosen value only: the other may fail (a division by zero here)", () => {
    expect(evaluate({ op: "if", args: [{ path: ["vip"] }, { lit: 20 }, divide] }, env)).toBe(20);
    expect(evaluate({ op: "if", args: [{ op: "not", args: [{ path: ["vip"] }] }, divide, { lit: 10 }] }, env)).toBe(10);
    expect(() => evaluate({ op: "if", args: [{ lit: false }, { lit: 1 }, divide] }, env)).toThrow(/division by zero/);
  });

  it("chains as `else if` does", () => {
    const tier = (t: string) =>
      evaluate(
        { op: "if", args: [{ op: "==", args: [{ path: ["t"] }, { lit: "gold" }] }, { lit: 2 }, { op: "if", args: [{ op: "==", args: [{ path: ["t"] }, { lit: "silver" }] }, { lit: 1.5 }, { lit: 1 }] }] },
        { vars: { t }, now: 0, timeZone: "UTC" },
      );
    expect([tier("gold"), tier("silver"), tier("bronze")]).toEqual([2, 1.5, 1]);
  });
});

describe("calendar functions, in the profile's time zone", () => {
  const at = (now: string, timeZone: string) => ({ vars: {}, now: Date.parse(now), timeZone });
  const f = (name: string, arg: string, now = "2026-03-12T08:00:00Z", timeZone = "UTC") => evaluate({ call: name, args: [{ lit: arg }] }, at(now, timeZone));

  it("year, month, day and weekday read the local date (1 is Monday, 7 Sunday)", () => {
    expect(["year", "month", "day", "weekday"].map((n) => f(n, "2026-03-15T23:30:00Z"))).toEqual([2026, 3, 15, 7]);
    // 00:30 the next day in Stockholm: a Monday.
    expect(["year", "month", "day", "weekday"].map((n) => f(n, "2026-03-15T23:30:00Z", undefined, "Europe/Stockholm"))).toEqual([2026, 3, 16, 1]);
    // A date is the profile's day, wherever it lives.
    expect(["month", "day"].map((n) => f(n, "1990-03-12", undefined, "America/Los_Angeles"))).toEqual([3, 12]);
    expect(f("year", "2026-12-31T23:00:00Z", undefined, "Asia/Tokyo")).toBe(2027);
    // Years 0 to 99 are those years (`Date.UTC` would read 1 as 1901): 0001-01-01 was a Monday.
    expect(["year", "weekday"].map((n) => f(n, "0001-01-01"))).toEqual([1, 1]);
    expect(f("weekday", "0099-12-31")).toBe(4);
  });

  it("isAnniversary: the date's month and day today, there; February 29 on February 28 in other years", () => {
    expect(f("isAnniversary", "1990-03-12", "2026-03-12T08:00:00Z")).toBe(true);
    expect(f("isAnniversary", "1990-03-12", "2026-03-13T08:00:00Z")).toBe(false);
    // 23:30 UTC on the 11th is already the 12th in Stockholm.
    expect(f("isAnniversary", "1990-03-12", "2026-03-11T23:30:00Z", "Europe/Stockholm")).toBe(true);
    expect(f("isAnniversary", "1990-03-12", "2026-03-11T23:30:00Z")).toBe(false);
    expect(f("isAnniversary", "2000-02-29", "2027-02-28T12:00:00Z")).toBe(true);
    expect(f("isAnniversary", "2000-02-29", "2027-03-01T12:00:00Z")).toBe(false);
    expect(f("isAnniversary", "2000-02-29", "2028-02-28T12:00:00Z")).toBe(false);
    expect(f("isAnniversary", "2000-02-29", "2028-02-29T12:00:00Z")).toBe(true);
  });

  it("yearsSince counts anniversaries reached, rounded down as daysSince is (negative for a date to come)", () => {
    expect(f("yearsSince", "1990-03-12", "2026-03-11T12:00:00Z")).toBe(35);
    expect(f("yearsSince", "1990-03-12", "2026-03-12T00:00:00Z")).toBe(36);
    expect(f("yearsSince", "2000-02-29", "2027-02-27T12:00:00Z")).toBe(26);
    expect(f("yearsSince", "2000-02-29", "2027-02-28T12:00:00Z")).toBe(27);
    expect(f("yearsSince", "2026-03-12", "2026-03-12T12:00:00Z")).toBe(0);
    expect(f("yearsSince", "2028-06-01", "2026-03-12T12:00:00Z")).toBe(-3);
    expect(f("yearsSince", "2027-03-13", "2026-03-12T12:00:00Z")).toBe(-2);
    expect(f("yearsSince", "2027-03-12", "2026-03-12T12:00:00Z")).toBe(-1);
  });
});

describe("string", () => {
  it("writes numbers as JavaScript does, booleans as words, and keeps text and date-times as they are", () => {
    expect([call("string", 42), call("string", 1.5), call("string", -0), call("string", true), call("string", "2026-03-12"), call("string", "x")]).toEqual(["42", "1.5", "0", "true", "2026-03-12", "x"]);
  });
});

describe("date", () => {
  it("reads a day or an instant, and refuses a day the calendar lacks rather than roll it over (February 30 is no March 2)", () => {
    expect([call("date", "2026-03-02"), call("date", "2026-03-02T10:00:00+01:00")]).toEqual(["2026-03-02T00:00:00.000Z", "2026-03-02T09:00:00.000Z"]);
    expect(() => call("date", "2026-02-30")).toThrow('date: "2026-02-30" is no day of the calendar');
    expect(() => call("date", "2026-13-01T00:00:00Z")).toThrow("no day of the calendar");
  });
});
