import { describe, expect, it } from "vitest";
import { HELPERS, HELPER_SIGNATURES, TemplateError, TemplateRenderError, compileTemplate, formatHelperSignature, helperArity, renderTemplate, typeToString } from "../src/index.js";

const r = (src: string, data: unknown = {}, opts: Parameters<typeof renderTemplate>[2] = {}) => renderTemplate(src, data, { escape: "none", ...opts });

describe("helper table", () => {
  it("has exactly the brief's helpers, `duration` and `plural`, each documented", () => {
    expect(HELPER_SIGNATURES.map((s) => s.name)).toEqual([
      "default", "length", "upper", "lower", "capitalize", "truncate", "join", "first", "currency", "number", "date", "duration", "plural", "json", "eq", "ne", "gt", "lt", "and", "or", "not",
    ]);
    for (const s of HELPER_SIGNATURES) expect(s.doc.length).toBeGreaterThan(10);
  });
  it("formats signatures for completion", () => {
    expect(formatHelperSignature(HELPERS.get("currency")!, typeToString)).toBe("currency(amount: number, code: string): string");
    expect(formatHelperSignature(HELPERS.get("number")!, typeToString)).toBe("number(value: number, decimals?: int): string");
    expect(helperArity(HELPERS.get("and")!)).toEqual({ min: 2, max: Infinity });
    expect(helperArity(HELPERS.get("date")!)).toEqual({ min: 1, max: 2 });
  });
});

describe("helpers", () => {
  it("default", () => {
    expect(r("{{default name 'Hi'}}", { name: "Ana" })).toBe("Ana");
    expect(r("{{default name 'Hi'}}", { name: null })).toBe("Hi");
    expect(r("{{default name 'Hi'}}", { name: "" })).toBe("Hi");
    expect(r("{{default name 'Hi'}}", {})).toBe("Hi");
    expect(r("{{default n 5}}", { n: 0 })).toBe("0");
  });
  it("length of lists and strings (in characters, not UTF-16 units)", () => {
    expect(r("{{length xs}} {{length s}} {{length e}} {{length missing}}", { xs: [1, 2, 3], s: "héllo😀", e: [] })).toBe("3 6 0 0");
  });
  it("upper, lower, capitalize", () => {
    expect(r("{{upper s}}|{{lower s}}|{{capitalize t}}|{{capitalize ''}}|{{upper missing}}", { s: "Straße", t: "élan vital" })).toBe("STRASSE|straße|Élan vital||");
  });
  it("upper, lower, capitalize follow the render's locale (Turkish dotted i); an unusable locale falls back to the default case rules", () => {
    const data = { city: "istanbul", up: "IŞIK" };
    expect(r("{{upper city}}|{{lower up}}|{{capitalize city}}", data, { locale: "tr-TR" })).toBe("İSTANBUL|ışık|İstanbul");
    expect(r("{{upper city}}|{{lower up}}|{{capitalize city}}", data, { locale: "en-US" })).toBe("ISTANBUL|işik|Istanbul");
    expect(r("{{upper city}}", data, { locale: "not a locale" })).toBe("ISTANBUL");
  });
  it("truncate adds … only when it cuts", () => {
    expect(r("{{truncate s 5}}|{{truncate s 50}}|{{truncate s 6}}", { s: "Hello world" })).toBe("Hello…|Hello world|Hello…");
    expect(r("{{truncate s 2}}", { s: "😀😀😀" })).toBe("😀😀…");
    // A length from the data below zero is zero (a literal one is a compile error).
    expect(r("{{truncate s n}}", { s: "xy", n: -1 })).toBe("…");
    expect(r("{{truncate s n}}", { s: "xy", n: null })).toBe("xy");
  });
  it("truncate and length count characters as a reader sees them", () => {
    const s = "👨‍👩‍👧🇸🇪e\u0301x";
    expect(r("{{length s}}", { s })).toBe("4");
    expect(r("{{truncate s 2}}", { s })).toBe("👨‍👩‍👧🇸🇪…");
    expect(r("{{truncate s 3}}", { s })).toBe("👨‍👩‍👧🇸🇪e\u0301…");
  });
  it("plural: the count and the word its number takes, by the locale's rules; a list counts its elements", () => {
    const t = "{{plural n 'item' 'items'}}";
    expect([0, 1, 2, 1200, 1.5].map((n) => r(t, { n }))).toEqual(["0 items", "1 item", "2 items", "1,200 items", "1.5 items"]);
    expect(r("you left {{plural cart.items 'item' 'items'}} behind", { cart: { items: [{}] } })).toBe("you left 1 item behind");
    expect(r("{{plural cart.items 'item' 'items'}}", { cart: { items: [{}, {}, {}] } })).toBe("3 items");
    // French says "one" of 0 too; German writes the thousands with a dot.
    expect(r("{{plural n 'article' 'articles'}}", { n: 0 }, { locale: "fr-FR" })).toBe("0 article");
    expect(r("{{plural n 'Artikel' 'Artikel'}}", { n: 1200 }, { locale: "de-DE" })).toBe("1.200 Artikel");
    expect(r("[{{plural missing 'item' 'items'}}]")).toBe("[]");
    expect(formatHelperSignature(HELPERS.get("plural")!, typeToString)).toBe("plural(count: number | list<unknown>, one: string, other: string): string");
  });
  it("duration in words, for the locale", () => {
    const h = 3_600_000;
    expect(r("{{duration d}}", { d: 4 * h })).toBe("4 hours");
    expect(r("{{duration d}}", { d: 1.5 * h })).toBe("1 hour, 30 minutes");
    expect(r("{{duration d}}", { d: 14 * 24 * h + 1000 })).toBe("14 days, 1 second");
    expect(r("{{duration d}}", { d: 1500 })).toBe("1 second, 500 milliseconds");
    expect(r("{{duration d}}", { d: 0 })).toBe("0 seconds");
    expect(r("{{duration d}}", { d: -1.5 * h })).toBe("-1 hour, 30 minutes");
    expect(r("{{duration d}}", { d: 2 * h + 60_000 }, { locale: "de-DE" })).toBe("2 Stunden, 1 Minute");
    expect(r("{{duration d}}|{{duration missing}}", { d: null })).toBe("|");
  });
  it("join and first", () => {
    expect(r("{{join xs}}|{{join xs ' / '}}|{{join missing}}", { xs: ["a", 1, "c"] })).toBe("a, 1, c|a / 1 / c|");
    expect(r("{{first xs}}|{{first e}}|{{#with (first ps)}}{{name}}{{/with}}", { xs: ["a", "b"], e: [], ps: [{ name: "P" }] })).toBe("a||P");
  });
  it("currency uses Intl with the locale option (default en-US)", () => {
    expect(r("{{currency 1234.5 'EUR'}}", {})).toBe("€1,234.50");
    expect(r("{{currency p 'USD'}}", { p: 20 })).toBe("$20.00");
    expect(r("{{currency p 'EUR'}}", { p: 1234.5 }, { locale: "de-DE" })).toBe("1.234,50\u00a0€");
    expect(r("{{currency p 'JPY'}}", { p: 1234 }, { locale: "ja-JP" })).toBe("￥1,234");
    expect(r("{{currency p 'EUR'}}", { p: null })).toBe("");
    // A code from the data that is no currency: the amount and the code, not a failed message.
    expect(r("{{currency 1 c}}", { c: "NOPE!" })).toBe("1.00 NOPE!");
    // Missing or blank: the amount alone (the price must not vanish from the message).
    expect(r("{{currency 1234.5 c}}|{{currency 1 d}}", { c: "", d: null })).toBe("1,234.50|1.00");
    // A difference that is zero but for rounding has no minus sign.
    expect(r("{{currency n 'EUR'}}|{{number n 2}}", { n: 0.3 - 0.1 - 0.2 })).toBe("€0.00|0.00");
  });
  it("one compiled template renders in several locales", () => {
    const t = compileTemplate("{{currency p 'EUR'}}", { escape: "none" });
    expect(t({ p: 5 }, { locale: "fr-FR" })).toBe("5,00\u00a0€");
    expect(t({ p: 5 }, { locale: "en-GB" })).toBe("€5.00");
    expect(t({ p: 5 })).toBe("€5.00");
  });
  it("number with and without decimals", () => {
    expect(r("{{number n}}|{{number n 2}}|{{number n 0}}", { n: 1234.5678 })).toBe("1,234.568|1,234.57|1,235");
    expect(r("{{number n 1}}", { n: 1234.5 }, { locale: "fr-FR" })).toBe("1\u202f234,5");
    expect(r("{{number n}}", { n: "12" })).toBe("12");
    expect(r("{{number n}}", { n: "abc" })).toBe("");
    // Decimals from the data are brought into 0…20.
    expect(r("{{number n d}}|{{number n e}}", { n: 1, d: 25, e: -3 })).toBe(`1.${"0".repeat(20)}|1`);
  });
  it("date formats in the time zone option", () => {
    const d = "2026-12-01T23:30:00Z";
    expect(r("{{date d}}", { d })).toBe("Dec 1, 2026");
    expect(r("{{date d}}", { d }, { timeZone: "Europe/Paris" })).toBe("Dec 2, 2026");
    expect(r("{{date d 'short'}}|{{date d 'long'}}|{{date d 'full'}}|{{date d 'time'}}", { d }, { timeZone: "Asia/Tokyo" })).toBe(
      "12/2/26|December 2, 2026|Wednesday, December 2, 2026|8:30 AM",
    );
    expect(r("{{date d 'long'}}", { d }, { locale: "de-DE", timeZone: "Europe/Berlin" })).toBe("2. Dezember 2026");
    expect(r("{{date d 'datetime'}}", { d }, { timeZone: "Europe/Paris" })).toBe("Dec 2, 2026, 12:30 AM");
    expect(r("{{date d 'datetime'}}", { d }, { locale: "sv-SE", timeZone: "Europe/Stockholm" })).toBe("2 dec. 2026 00:30");
    expect(r("{{date d 'iso'}}", { d }, { timeZone: "UTC" })).toBe("2026-12-01T23:30:00Z");
    expect(r("{{date d 'iso'}}", { d }, { timeZone: "Europe/Paris" })).toBe("2026-12-02T00:30:00+01:00");
    expect(r("{{date d 'iso'}}", { d: "2026-07-01T12:00:00Z" }, { timeZone: "America/New_York" })).toBe("2026-07-01T08:00:00-04:00");
    expect(r("{{date d 'iso'}}", { d: "2026-01-01T00:00:00Z" }, { timeZone: "Asia/Kolkata" })).toBe("2026-01-01T05:30:00+05:30");
    expect(r("{{date d 'iso'}}", { d: Date.UTC(2026, 0, 2) })).toBe("2026-01-02T00:00:00Z");
    expect(r("{{date d 'iso'}}", { d: "not a date" })).toBe("");
    expect(() => r("{{date d f}}", { d, f: "weird" })).toThrow(/unknown format/);
  });
  it("date reads a date alone as that day in the render's zone, a time without a zone as UTC (never the machine's zone)", () => {
    expect(r("{{date d 'long'}}", { d: "2026-12-01" }, { timeZone: "America/New_York" })).toBe("December 1, 2026");
    expect(r("{{date d 'iso'}}", { d: "2026-12-01" }, { timeZone: "America/New_York" })).toBe("2026-12-01T00:00:00-05:00");
    expect(r("{{date d 'iso'}}", { d: "2026-12-01T10:00:00" }, { timeZone: "UTC" })).toBe("2026-12-01T10:00:00Z");
    // Other forms a catalog or an action may hold, as `Date` reads them.
    expect(r("{{date d 'long'}}", { d: "Mon, 02 Mar 2026 10:00:00 GMT" })).toBe("March 2, 2026");
    expect(r("{{date d 'iso'}}", { d: "2026-03-04T12:00:00+0100" })).toBe("2026-03-04T11:00:00Z");
  });
  it("json writes valid JSON for any value without calling data code", () => {
    const data = { v: { a: [1, "x", null, true], s: 'q"\n<', d: new Date(Date.UTC(2026, 0, 1)), nan: NaN, f: () => 1, toJSON: () => "hacked", u: undefined } };
    const out = r("{{json v}}", data);
    expect(JSON.parse(out)).toEqual({ a: [1, "x", null, true], s: 'q"\n<', d: "2026-01-01T00:00:00.000Z", nan: null });
    expect(r("{{json missing}}", {})).toBe("null");
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => r("{{json c}}", { c: cyc })).toThrow(TemplateRenderError);
  });
  it("json writes the same for data JSON.stringify can take and data it cannot", () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON() {
        return "data code ran";
      }
    }
    let deep: unknown = [1];
    for (let i = 0; i < 100; i++) deep = { d: deep };
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [, 1];
    const plain = { a: [1, -0, 2.5, "é\u2028", null], o: { u: undefined, f: () => 1 }, d: new Date(Date.UTC(2026, 0, 1)), bad: new Date(NaN) };
    const asJson = (v: unknown) => JSON.parse(r("{{json v}}", { v }));
    expect(asJson(plain)).toEqual(JSON.parse(JSON.stringify(plain)));
    expect(asJson({ m: new Money(5), n: 1 })).toEqual({ m: { cents: 5 }, n: 1 });
    expect(asJson({ big: 12n, xs: [1n] })).toEqual({ big: "12", xs: ["1"] });
    expect(asJson(deep)).toEqual(JSON.parse(JSON.stringify(deep)));
    expect(asJson({ sparse, withBig: [1n, , 2] })).toEqual({ sparse: [null, 1], withBig: ["1", null, 2] });
  });
  it("json of frozen values is written once and stays right", () => {
    const item = Object.freeze({ sku: "A", tags: Object.freeze(["x"]), n: 1 });
    const shallow = Object.freeze({ sku: "B", tags: ["y"] });
    const list = [item, shallow, undefined, item];
    expect(r("{{json v}}", { v: list })).toBe(JSON.stringify(list));
    expect(r("{{json v}}", { v: list })).toBe(JSON.stringify(list));
    // Only deeply frozen values are remembered: a list inside a shallowly frozen record can change.
    shallow.tags.push("z");
    expect(r("{{json v}}", { v: [shallow] })).toBe('[{"sku":"B","tags":["y","z"]}]');
    const withDate = Object.freeze({ at: new Date(Date.UTC(2026, 0, 1)) });
    expect(r("{{json v}}", { v: [withDate] })).toBe('[{"at":"2026-01-01T00:00:00.000Z"}]');
    withDate.at.setTime(Date.UTC(2027, 0, 1));
    expect(r("{{json v}}", { v: [withDate] })).toBe('[{"at":"2027-01-01T00:00:00.000Z"}]');
  });
  it("comparisons and logic", () => {
    expect(r("{{eq a 1}} {{eq a '1'}} {{ne a 2}} {{eq missing null}}", { a: 1 })).toBe("true false true true");
    expect(r("{{gt a 1}} {{gt a 2}} {{lt a 3}} {{lt 'a' 'b'}} {{gt missing 1}}", { a: 2 })).toBe("true false true true false");
    expect(r("{{and a b}} {{and a c}} {{or c d}} {{or c d a}} {{not c}} {{not e}} {{not a}}", { a: 1, b: "x", c: 0, d: [], e: [] })).toBe(
      "true false false true true true false",
    );
    expect(r("{{#if (and (gt n 1) (not flag))}}yes{{else}}no{{/if}}", { n: 3, flag: false })).toBe("yes");
  });
  it("unknown helpers and wrong arity are compile-time errors with offsets", () => {
    const err = (src: string) => {
      try {
        compileTemplate(src);
      } catch (e) {
        return e as TemplateError;
      }
      throw new Error("expected a compile error");
    };
    const e1 = err("Hi {{shout name}}");
    expect(e1).toBeInstanceOf(TemplateError);
    expect(e1.message).toBe("unknown helper `shout`");
    expect([e1.start, e1.end]).toEqual([5, 10]);
    const e2 = err("{{#if (eq a)}}x{{/if}}");
    expect(e2.message).toBe("`eq` takes 2 arguments but 1 was supplied");
    expect([e2.start, e2.end]).toEqual([7, 9]);
    expect(err("{{upper a b}}").message).toBe("`upper` takes 1 argument but 2 were supplied");
    expect(err("{{date}}x{{date a b c}}").message).toBe("`date` takes 1 to 2 arguments but 3 were supplied");
  });
  it("a bare name is a path even when a helper has that name", () => {
    expect(r("{{first}} {{date}} {{length}}", { first: "F", date: "D", length: 3 })).toBe("F D 3");
  });
});

describe("date at the edges of the calendar and of time zones", () => {
  it("writes years before 100 as they are: `Date.UTC` reads 1 as 1901", () => {
    // "0001-01-01" is a common "no date" sentinel (.NET's DateTime.MinValue).
    expect(r('{{date d "iso"}}', { d: "0001-01-01T00:00:00Z" })).toBe("0001-01-01T00:00:00Z");
    expect(r('{{date d "iso"}}', { d: "0099-12-31T23:00:00Z" }, { timeZone: "UTC" })).toBe("0099-12-31T23:00:00Z");
  });
  it("writes years outside 0…9999 in ISO's expanded form, never a garbled offset", () => {
    expect(r('{{date d "iso"}}', { d: -62198755200000 })).toBe("-000001-01-01T00:00:00Z");
    expect(r('{{date d "iso"}}', { d: 253402300800000 })).toBe("+010000-01-01T00:00:00Z");
    expect(r('{{date d "iso"}}', { d: 8.64e15 + 1 })).toBe("");
  });
  it("reads a day whose midnight a DST jump skips as the first moment of that day", () => {
    // São Paulo's clocks went from 00:00 to 01:00 on 2018-11-04; Cairo's on 2024-04-26.
    expect(r('{{date d "iso"}}', { d: "2018-11-04" }, { timeZone: "America/Sao_Paulo" })).toBe("2018-11-04T01:00:00-02:00");
    expect(r('{{date d "iso"}}', { d: "2024-04-26" }, { timeZone: "Africa/Cairo" })).toBe("2024-04-26T01:00:00+03:00");
    expect(r("{{date d 'full'}}", { d: "2018-11-04" }, { timeZone: "America/Sao_Paulo" })).toBe("Sunday, November 4, 2018");
    // Samoa skipped 2011-12-30 whole: its midnight is the next day's.
    expect(r('{{date d "iso"}}', { d: "2011-12-30" }, { timeZone: "Pacific/Apia" })).toBe("2011-12-31T00:00:00+14:00");
  });
  it("renders a text that is no date empty, never what `Date` guesses in the machine's zone", () => {
    expect(r("{{date d}}", { d: "12" })).toBe(""); // `Date` reads it as Dec 1, 2001
    expect(r("{{date d}}", { d: "March 7, 2026" })).toBe(""); // no zone: the machine's
    expect(r("{{date d}}", { d: "2026-02-30" })).toBe(""); // not March 2
    expect(r("{{date d}}", { d: "Mon, 02 Mar 2026 10:00:00 GMT" })).toBe("Mar 2, 2026");
  });
});

describe("currency codes from the data", () => {
  it("trims a padded code", () => {
    expect(r("{{currency a c}}", { a: 10, c: " EUR " })).toBe("€10.00");
    expect(r("{{currency a c}}", { a: 1234.5, c: "kwd" })).toBe("KWD\u00a01,234.500"); // 3 decimals; Intl puts a no-break space
  });
});

describe("json inside HTML", () => {
  it("escapes what would end a <script> as \\u escapes, keeping the same JSON value", () => {
    const s = "</script><!--\u2028&";
    const out = r("{{{json s}}}", { s });
    expect(out).toBe('"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"');
    expect(JSON.parse(out)).toBe(s);
  });
});
