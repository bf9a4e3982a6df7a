/** Data against declared types: every kind, valid and invalid, nested, with the error paths. */
import type { Type } from "@journey/template";
import { describe, expect, it } from "vitest";
import { emptyRecord, localeProblem, validate, validateProfile, withDefaults } from "../../src/engine/validate.js";

const str: Type = { kind: "string" };
const item: Type = {
  kind: "record",
  name: "Item",
  fields: [
    { name: "sku", type: str, optional: false },
    { name: "qty", type: { kind: "int" }, optional: false },
    { name: "note", type: { kind: "optional", inner: str }, optional: true },
    { name: "size", type: str, optional: false, default: "M" },
  ],
};
const cart: Type = {
  kind: "record",
  fields: [
    { name: "items", type: { kind: "list", element: item }, optional: false },
    { name: "tier", type: { kind: "union", members: [{ kind: "literal", value: "gold" }, { kind: "literal", value: "silver" }] }, optional: false },
    { name: "at", type: { kind: "datetime" }, optional: false },
    { name: "wait", type: { kind: "duration" }, optional: false },
    { name: "total", type: { kind: "number" }, optional: false },
    { name: "vip", type: { kind: "bool" }, optional: false },
    { name: "any", type: { kind: "unknown" }, optional: true },
  ],
};
const valid = () => ({ items: [{ sku: "A", qty: 1 }, { sku: "B", qty: 2, note: null, size: "L" }], tier: "gold", at: "2026-03-01T10:00:00Z", wait: 0, total: 9.5, vip: false });

describe("validate", () => {
  it("accepts valid data, with optionals and defaulted fields absent", () => {
    expect(validate(valid(), cart, "data")).toEqual([]);
    expect(validate({ ...valid(), at: "2026-03-01", any: { whatever: [1] } }, cart, "data")).toEqual([]);
  });

  it.each([
    ["a field of the wrong type", (d: Record<string, unknown>) => (d["total"] = "9"), [{ path: "data.total", message: 'expected number, found the string "9"' }]],
    ["a non-finite number", (d: Record<string, unknown>) => (d["total"] = Infinity), [{ path: "data.total", message: "expected number, found number Infinity" }]],
    ["a missing field", (d: Record<string, unknown>) => delete d["vip"], [{ path: "data.vip", message: "is missing" }]],
    ["a null required field", (d: Record<string, unknown>) => (d["vip"] = null), [{ path: "data.vip", message: "must not be null" }]],
    ["an undeclared field", (d: Record<string, unknown>) => (d["extra"] = 1), [{ path: "data.extra", message: "is not a declared field" }]],
    [
      "a misspelt field, with the declared one meant",
      (d: Record<string, unknown>) => {
        d["totl"] = d["total"];
        delete d["total"];
      },
      // Both errors name the other: the first one shown (the missing field) gives the hint too.
      [
        { path: "data.total", message: "is missing (given as `totl`?)" },
        { path: "data.totl", message: "is not a declared field (did you mean `total`?)", insteadOf: "total" },
      ],
    ],
    [
      "a misspelt optional field, in a list, with the declared one not given",
      (d: Record<string, unknown>) => (d["items"] = [{ sku: "A", qty: 1, nte: "gift" }]),
      [{ path: "data.items[0].nte", message: "is not a declared field (did you mean `note`?)", insteadOf: "note" }],
    ],
    [
      "a near name beside the declared field, which is given: no field is meant instead",
      (d: Record<string, unknown>) => (d["items"] = [{ sku: "A", qty: 1, note: "gift", nte: "x" }]),
      [{ path: "data.items[0].nte", message: "is not a declared field (did you mean `note`?)" }],
    ],
    ["a literal outside the union", (d: Record<string, unknown>) => (d["tier"] = "bronze"), [{ path: "data.tier", message: 'expected "gold" | "silver", found the string "bronze"' }]],
    ["a date-time that is not one", (d: Record<string, unknown>) => (d["at"] = "2026-13-45T99:00:00Z"), [{ path: "data.at", message: 'expected datetime (an ISO 8601 string such as 2026-03-02T10:15:00Z), found the string "2026-13-45T99:00:00Z"' }]],
    ["a date-time whose day is not in its month (Date.parse would roll it over into March)", (d: Record<string, unknown>) => (d["at"] = "2026-02-30T10:00:00Z"), [{ path: "data.at", message: 'expected datetime (an ISO 8601 string such as 2026-03-02T10:15:00Z), found the string "2026-02-30T10:00:00Z"' }]],
    ["a negative duration", (d: Record<string, unknown>) => (d["wait"] = -1), [{ path: "data.wait", message: "expected duration (milliseconds, a number 0 or more), found number -1" }]],
    ["a list that is a record", (d: Record<string, unknown>) => (d["items"] = {}), [{ path: "data.items", message: "expected a list, found a record" }]],
    [
      "errors deep in a list, all of them",
      (d: Record<string, unknown>) => (d["items"] = [{ sku: "A", qty: 1.5 }, { qty: 1, bad: true }]),
      [
        { path: "data.items[0].qty", message: "expected int, found number 1.5" },
        { path: "data.items[1].sku", message: "is missing" },
        { path: "data.items[1].bad", message: "is not a declared field" },
      ],
    ],
  ])("rejects %s, naming the path", (_, change, errors) => {
    const d = valid() as Record<string, unknown>;
    change(d);
    expect(validate(d, cart, "data")).toEqual(errors);
  });

  it("rejects what is not a record at all", () => {
    expect(validate([], cart, "data")).toEqual([{ path: "data", message: "expected a record, found a list" }]);
    expect(validate(null, cart, "data")).toEqual([{ path: "data", message: "expected a record, found null" }]);
  });
});

describe("withDefaults", () => {
  it("fills defaults and absent optionals at any depth, copying only what changes", () => {
    const data = valid();
    const filled = withDefaults(data, cart) as ReturnType<typeof valid> & { items: Record<string, unknown>[]; any: unknown };
    expect(filled.items).toEqual([
      { sku: "A", qty: 1, note: null, size: "M" },
      { sku: "B", qty: 2, note: null, size: "L" },
    ]);
    expect(filled.any).toBeNull();
    // The given value is never changed; an item that needed nothing is the same object.
    expect(data.items[0]).toEqual({ sku: "A", qty: 1 });
    expect(filled.items[1]).toBe(data.items[1]);
  });

  it("returns a value whose type has nothing to fill as it is, and null for an absent optional", () => {
    const plain: Type = { kind: "record", fields: [{ name: "xs", type: { kind: "list", element: { kind: "record", fields: [{ name: "n", type: { kind: "int" }, optional: false }] } }, optional: false }] };
    const value = { xs: [{ n: 1 }, { n: 2 }] };
    expect(withDefaults(value, plain)).toBe(value);
    expect(withDefaults(undefined, { kind: "optional", inner: plain })).toBeNull();
  });

  it("a defaulted field sent as null gets its default, as if left out (docs/language.md)", () => {
    const d = valid() as Record<string, unknown> & { items: Record<string, unknown>[] };
    d.items[0]!["size"] = null;
    expect(validate(d, cart, "data")).toEqual([]);
    expect((withDefaults(d, cart) as typeof d).items[0]).toEqual({ sku: "A", qty: 1, note: null, size: "M" });
  });

  it("emptyRecord: every field its default, or null", () => {
    const d = emptyRecord(item);
    expect(d).toEqual({ sku: null, qty: null, note: null, size: "M" });
  });
});


describe("profile attributes the engine reads", () => {
  const profile: Type = {
    kind: "record",
    fields: [
      { name: "timezone", type: { kind: "optional", inner: str }, optional: true },
      { name: "locale", type: { kind: "optional", inner: str }, optional: true },
    ],
  };

  it("a time zone and a locale that cannot be used are refused, with the field's path", () => {
    expect(validateProfile({ timezone: "Europe/Stockholm", locale: "sv-SE" }, profile, "profile")).toEqual([]);
    expect(validateProfile({ timezone: null, locale: "" }, profile, "profile")).toEqual([]);
    expect(validateProfile({ timezone: "Europe/Stokholm", locale: "en_US" }, profile, "profile").map((e) => e.path)).toEqual(["profile.timezone", "profile.locale"]);
    expect(localeProblem("en_US")).toContain("BCP 47");
  });
});
