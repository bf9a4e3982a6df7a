/** The checker: expression types, narrowing, fixes, related locations, order independence. */
import { describe, expect, it } from "vitest";
import { typeToString } from "@journey/template";
import { compile, type CompileResult, type Diagnostic } from "@journey/compiler";
import { rootScope } from "../src/semantics/check-declarations.js";
import { typeOf } from "../src/semantics/expressions.js";
import type * as A from "../src/syntax/ast.js";
import { parseFile } from "../src/syntax/parse.js";
import { briefExample, replaceOnce, spanOf } from "./support.js";

const brief = briefExample();

function codesOf(r: CompileResult): string[] {
  return r.diagnostics.map((d) => d.code);
}

/** Diagnostics as `CODE "spanned text"`, the shortest readable form. */
function shown(r: CompileResult): string[] {
  return r.diagnostics.map((d) => `${d.code} ${JSON.stringify(r.files.get(d.file)!.text.slice(d.span.start, d.span.end))}`);
}

function one(text: string, path = "main.journey"): CompileResult {
  return compile([{ path, text }]);
}

/** Apply a fix's edits (all in one file) to `text`, last edit first. */
function applyFix(text: string, d: Diagnostic): string {
  expect(d.fix, `${d.code} has a fix`).toBeDefined();
  let out = text;
  for (const e of [...d.fix!.edits].sort((a, b) => b.span.start - a.span.start)) {
    expect(e.file).toBe(d.file);
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  }
  return out;
}

const PROFILE = `profile {
  email: string
  firstName?: string
  phone?: string
  timezone: string = "UTC"
  loyalty: { tier: "bronze" | "silver" | "gold", points: int }
}
event SiteVisited { url: string }
`;

/** A journey on `SiteVisited` with the given steps, on the small profile above. */
function journey(steps: string): string {
  return `${PROFILE}journey J {\n  on SiteVisited\n${steps}\n}\n`;
}

describe("valid programs", () => {
  it("the brief's complete example compiles with no diagnostics and emits its IR", () => {
    const r = one(brief, "brief.journey");
    expect(r.diagnostics).toEqual([]);
    expect(r.hasErrors).toBe(false);
    expect(r.ir).toBeDefined();
    expect(typeof r.irJson).toBe("string");
  });

  it("declaration order does not matter", () => {
    const text = `journey J {\n  on SiteVisited as v where v.url != ""\n  send sms Hello(v) to profile.email\n}\ntemplate Hello(v: SiteVisited) for sms {\n  text "You saw {{v.url}}"\n}\nevent SiteVisited { url: string }\nprofile {\n  email: string\n}\n`;
    expect(one(text).diagnostics).toEqual([]);
  });

  it("names are shared across the files of a project", () => {
    const r = compile([
      { path: "schema.journey", text: "profile {\n  email: string\n}\nevent SiteVisited { url: string }\n" },
      { path: "templates.journey", text: 'template Hello() for sms {\n  text "Hi"\n}\n' },
      { path: "journeys.journey", text: "journey J {\n  on SiteVisited\n  send sms Hello() to profile.email\n}\n" },
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("warnings do not stop the IR", () => {
    const r = one(journey("  end\n  wait 1h"));
    expect(codesOf(r)).toEqual(["J3003"]);
    expect(r.hasErrors).toBe(false);
    expect(r.ir).toBeDefined();
  });

  it("a template parameter read only in a record field is used", () => {
    const text = `${PROFILE}template P(code: string) for push {\n  title "t"\n  body "b"\n  data { code: code }\n}\n`;
    expect(one(text).diagnostics).toEqual([]);
  });

  it("records the names it resolves only when asked (`references: true`), with the same diagnostics", () => {
    const plain = compile([{ path: "b.journey", text: brief }]);
    const withNames = compile([{ path: "b.journey", text: brief }], { references: true });
    expect(plain.checked.ctx.references).toEqual([]);
    expect(withNames.checked.ctx.references.length).toBeGreaterThan(100);
    expect(withNames.checked.ctx.references.some((r) => r.kind === "field" && r.name === "firstName")).toBe(true);
    expect(withNames.diagnostics).toEqual(plain.diagnostics);
    expect(withNames.irJson).toBe(plain.irJson);
  });

  it("`compile(…, { emit: false })` checks without emitting", () => {
    const r = compile([{ path: "b.journey", text: brief }], { emit: false });
    expect(r.diagnostics).toEqual([]);
    expect(r.ir).toBeUndefined();
  });
});

describe("expression types", () => {
  const base = compile([{ path: "brief.journey", text: brief }]);
  const ctx = base.checked.ctx;

  /** The type of `source` with `profile` and `cart: CartAbandoned` in scope, and its diagnostics. */
  function typeIn(source: string): { type: string; codes: string[] } {
    const text = `audience X = ${source}\n`;
    const parsed = parseFile("expr.journey", text);
    expect(parsed.diagnostics).toEqual([]);
    const e = (parsed.file.declarations[0] as A.AudienceDecl).condition;
    ctx.sources.set("expr.journey", parsed.file);
    const before = ctx.diagnostics.length;
    const type = ctx.inFile("expr.journey", () => {
      const scope = rootScope(ctx).child();
      scope.define({ name: "cart", type: ctx.named.get("CartAbandoned")!, kind: "alias" });
      return typeOf(ctx, e, scope);
    });
    const codes = ctx.diagnostics.splice(before).map((d) => d.code);
    return { type: typeToString(type), codes };
  }

  it.each([
    ["cart.items.sku", "list<string>"],
    ["cart.items.price", "list<number>"],
    ["cart.items", "list<LineItem>"],
    ["cart.items[0]", "LineItem"],
    ["cart.items[0].price", "number"],
    ["cart.total > 0", "bool"],
    ["profile.firstName", "string?"],
    ["profile.lastActiveAt", "datetime?"],
    ['profile.firstName ?? "there"', "string"],
    ["profile.loyalty.tier", '"bronze" | "silver" | "gold"'],
    ["profile.consent", "{ email: bool, sms: bool }"],
    ["length(cart.items)", "int"],
    ["1 + 2", "int"],
    ["1 + 2.5", "number"],
    ["7 / 2", "number"],
    ["7 % 2", "int"],
    ['"a" + "b"', "string"],
    ["now() + 4h", "datetime"],
    ["4h + 30m", "duration"],
    ["now() - now()", "duration"],
    ["[1, 2.5]", "list<number>"],
    ["[1, null]", "list<int?>"],
    ["sum(cart.items.qty)", "int"],
    ["sum(cart.items.price)", "number"],
    ["max(cart.items.price)", "number"],
    ["max(cart.items.qty)", "int"],
    ["min(cart.items.qty)", "int"],
    ["min(1, 2.5)", "number"],
    ["min(1, 2)", "int"],
    ["round(2.5)", "int"],
    ["round(2.5, 1)", "number"],
    ['coalesce(profile.firstName, "x")', "string"],
    ["daysSince(now())", "int"],
    ["yearsSince(2000-02-29)", "int"],
    ['"SAVE" + string(round(cart.total)) + string(true) + string(now())', "string"],
    ["weekday(now()) + month(now()) + day(now()) + year(now())", "int"],
    ["isAnniversary(date(\"1990-03-12\"))", "bool"],
    ['atTime(now(), "09:00", profile.timezone)', "datetime"],
    ["2026-01-01", "datetime"],
    ["-cart.total", "number"],
    ['profile.email in ["a", "b"]', "bool"],
    ["not profile.consent.email", "bool"],
    ['{ a: 1, b: profile.firstName }', "{ a: int, b?: string }"],
    // A default that fits keeps the left's type; string literals in a list stay literals.
    ['profile.loyalty.tier ?? "gold"', '"bronze" | "silver" | "gold"'],
    ['["gold", "silver", "gold"]', 'list<"gold" | "silver">'],
    ['["gold", profile.email]', "list<string>"],
    ['[profile.loyalty.tier, "gold"]', 'list<"bronze" | "silver" | "gold">'],
    // A conditional is what both its values fit; its condition narrows them as an `if` does.
    ["if cart.total > 100 then 20 else 10", "int"],
    ["if cart.total > 100 then 2 else 1.5", "number"],
    ['if cart.total > 100 then "gold" else "silver"', '"gold" | "silver"'],
    ['if cart.total > 100 then profile.email else "none"', "string"],
    ["if cart.total > 100 then profile.firstName else null", "string?"],
    ["if cart.total > 100 then null else cart.total", "number?"],
    ['if profile.firstName != null then profile.firstName else "there"', "string"],
    ['if profile.firstName == null then "there" else upper(profile.firstName)', "string"],
    ['if profile.firstName == null then "there" else if length(profile.firstName) > 10 then "friend" else profile.firstName', "string"],
    ["1 + (if cart.total > 100 then 1 else 2) * 3", "int"],
  ])("%s is %s", (source, type) => {
    expect(typeIn(source)).toEqual({ type, codes: [] });
  });

  it.each([
    ["cart.items.skuu", "J1004"],
    ["cart.total.x", "J2007"],
    ["cart.total[0]", "J2006"],
    ['cart.items["0"]', "J2001"],
    ["length(profile.firstName)", "J2002"],
    ['cart.total + "x"', "J2005"],
    ["not cart.total", "J2004"],
    ["lenght(cart.items)", "J1014"],
    ["length()", "J2003"],
    ["daysSince(cart.total)", "J2001"],
    ['isAnniversary("1990-03-12")', "J2001"],
    ["string(4h)", "J2001"],
    ["string(cart.items)", "J2001"],
    ["yearsSince(profile.lastActiveAt)", "J2002"],
    ["carts.total", "J1001"],
    ['profile.loyalty.tier == "platinum"', "J2008"],
    ['[1, "a"]', "J2001"],
    ['if cart.total > 100 then 1 else "a"', "J2012"],
    ["if cart.total then 1 else 2", "J2004"],
    // What the condition proves holds in its own value only.
    ['if profile.firstName != null then "x" else upper(profile.firstName)', "J2002"],
    ["if cart.total > 100 then cart.totl else 0", "J1004"],
  ])("%s is reported as %s, once", (source, code) => {
    expect(typeIn(source).codes).toEqual([code]);
  });

  it("a projection through an optional field of the items gives optionals, as the runtime reads a missing one (null)", () => {
    const text = `${PROFILE}type Line { sku: string, meta?: { color: string } }
event Order { lines: list<Line> }
journey J {
  on Order as o
  let colors = o.lines.meta.color
  if "red" in colors { end }
  let first = colors[0] ?? "none"
}
`;
    const r = compile([{ path: "main.journey", text }], { references: true });
    expect(shown(r)).toEqual([]);
    const colors = r.checked.ctx.references.find((x) => x.name === "colors" && x.definition);
    expect(typeToString(colors!.type!)).toBe("list<string?>");
  });
});

describe("narrowing", () => {
  it("`x != null and …x…` needs no default on the right", () => {
    expect(one(`${PROFILE}audience A = profile.phone != null and length(profile.phone) > 0\n`).diagnostics).toEqual([]);
  });

  it("`x == null or …x…` needs no default on the right", () => {
    expect(one(`${PROFILE}audience A = profile.phone == null or length(profile.phone) > 3\n`).diagnostics).toEqual([]);
  });

  it("without the check, the optional is reported", () => {
    const r = one(`${PROFILE}audience A = length(profile.phone) > 0\n`);
    expect(shown(r)).toEqual(['J2002 "profile.phone"']);
  });

  it("after `if x == null { end }`, x is known to be there", () => {
    expect(one(journey('  if profile.phone == null { end }\n  send sms { text "Hi" } to profile.phone')).diagnostics).toEqual([]);
  });

  it("after `if x == null { jump to … }` too", () => {
    const text = journey('  if profile.phone == null { jump to Other }\n  send sms { text "Hi" } to profile.phone') + "journey Other {\n  on SiteVisited\n  wait 1h\n}\n";
    expect(one(text).diagnostics).toEqual([]);
  });

  it("an `if x == null` that does not leave proves nothing after it", () => {
    const r = one(journey('  if profile.phone == null { wait 1h }\n  send sms { text "Hi" } to profile.phone'));
    expect(shown(r)).toEqual(['J2002 "profile.phone"']);
  });

  it("inside `if x != null { … }` only", () => {
    const r = one(journey('  if profile.phone != null { send sms { text "Hi" } to profile.phone }\n  send sms { text "Hi" } to profile.phone'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toBe("J2002");
    expect(r.diagnostics[0]!.span).toEqual(spanOf(r.files.get("main.journey")!.text, "profile.phone", 2));
  });

  it("in `else` and `else if` branches of `if x == null`", () => {
    expect(one(journey('  if profile.phone == null { wait 1h } else { send sms { text "Hi" } to profile.phone }')).diagnostics).toEqual([]);
    expect(one(journey('  if profile.phone == null { wait 1h } else if length(profile.phone) > 3 { send sms { text "Hi" } to profile.phone }')).diagnostics).toEqual([]);
  });

  it("a `set` in a nested block voids the check past the block", () => {
    const guarded = '  if profile.phone == null { end }\n';
    const sms = '  send sms { text "Hi" } to profile.phone';
    const cases = [
      "  if profile.email == \"a\" { set profile.phone = null }\n",
      "  split {\n    A 50% { set profile.phone = null }\n    B 50% { wait 1h }\n  }\n",
      "  wait for SiteVisited within 1d { wait 1h } timeout { if profile.email == \"a\" { set profile.phone = null } }\n",
    ];
    for (const c of cases) expect(shown(one(journey(guarded + c + sms))), c).toEqual(['J2002 "profile.phone"']);
    // A branch that leaves cannot carry its assignment on; one that sets a value keeps none either way.
    expect(one(journey(guarded + '  if profile.email == "a" {\n    set profile.phone = null\n    end\n  }\n' + sms)).diagnostics).toEqual([]);
    // A sibling branch checked after the one that assigns still knows the check.
    expect(one(journey(guarded + '  if profile.email == "a" { set profile.phone = null } else {\n' + sms + "\n  }")).diagnostics).toEqual([]);
  });

  it("`wait until` takes a date-time or an unquoted time of day; anything else says both forms", () => {
    expect(one(journey("  wait until 09:00\n  wait until 7:30\n  wait until now() + 1h")).diagnostics).toEqual([]);
    const quoted = one(journey('  wait until "09:00"'));
    expect(shown(quoted)).toEqual([`J2001 ${JSON.stringify('"09:00"')}`]);
    expect(quoted.diagnostics[0]!.help).toContain("or a time of day, unquoted (`wait until 09:00`: the next 09:00 in the profile's time zone)");
    const ir = one(journey("  wait until 09:00")).ir!;
    expect(Object.values(ir.journeys)[0]!.nodes).toMatchObject({ waitUntil: { kind: "waitUntil", at: "09:00", next: null } });
  });

  it("a `set` late in a `repeat` body voids the check at its start (the next round)", () => {
    const r = one(journey('  if profile.phone == null { end }\n  repeat 3 every 1d {\n    send sms { text "Hi" } to profile.phone\n    set profile.phone = null\n  }'));
    expect(shown(r)).toEqual(['J2002 "profile.phone"']);
  });

  it("a wait voids what was known of the profile: it may change meanwhile (an import, another journey's `set`)", () => {
    const guarded = "  if profile.firstName == null { end }\n";
    const use = '  send webhook { url "https://h" json { greeting: "Hi " + profile.firstName } }';
    const quiet = (channel: string) => `channel ${channel} {\n  quiet 21:00 to 08:00\n}\n`;
    const waits = [
      "  wait 1d\n",
      "  wait until now() + 1h\n",
      "  wait until 09:00\n",
      "  wait for SiteVisited within 1d { }\n",
      "  if profile.email == \"a\" { wait 1h }\n",
      "  repeat 2 { wait 1h }\n",
      '  send sms { text "Hi" } to profile.email\n',
    ];
    for (const w of waits) expect(shown(one(journey(guarded + w + use) + quiet("sms"))), w).toEqual(['J2002 "profile.firstName"']);
    // Inside a `wait for`'s `where`, body and timeout, in a later round of a `repeat … every`,
    // and in the content of a send that waits for quiet hours before it renders.
    const inside = [
      `  wait for SiteVisited where profile.firstName + "x" == "" within 1d { }`,
      `  wait for SiteVisited within 1d {\n${use}\n  }`,
      `  wait for SiteVisited within 1d { } timeout {\n${use}\n  }`,
      `  repeat 2 every 1d {\n${use}\n  }`,
    ];
    for (const w of inside) expect(shown(one(journey(guarded + w))), w).toEqual(['J2002 "profile.firstName"']);
    expect(shown(one(journey(guarded + use) + quiet("webhook")))).toEqual(['J2002 "profile.firstName"']);
    // So are a template's arguments: they too are evaluated when the quiet hours end.
    const template = 'template Hello(name: string) for sms {\n  text "Hi {{name}}"\n}\n';
    expect(shown(one(journey(guarded + "  send sms Hello(profile.firstName) to profile.email") + quiet("sms") + template))).toEqual(['J2002 "profile.firstName"']);
    expect(one(journey(guarded + "  send sms Hello(profile.firstName) to profile.email") + template).diagnostics).toEqual([]);
    // Without a wait, after a check made after the wait, or on bindings (they never change), the check holds.
    expect(one(journey(guarded + use)).diagnostics).toEqual([]);
    expect(one(journey(guarded + '  send sms { text "Hi" } to profile.email\n' + use)).diagnostics).toEqual([]);
    expect(one(journey("  wait 1d\n" + guarded + use)).diagnostics).toEqual([]);
    expect(one(journey('  let name = profile.firstName\n  if name == null { end }\n  wait 1d\n  send webhook { url "https://h" json { greeting: "Hi " + name } }')).diagnostics).toEqual([]);
    // A recipient checked before a quiet-hours wait may still be sent to: a null one is suppressed.
    expect(one(journey('  if profile.phone != null { send sms { text "Hi" } to profile.phone }') + quiet("sms")).diagnostics).toEqual([]);
  });

  it("a list of string literals and a `??` with a literal default fit a union of literals", () => {
    const text = `profile {
  email: string
  tier: "a" | "b" = "a"
  tiers: list<"a" | "b"> = []
}
event Go { tier?: "a" | "b" }
action Api(tiers: list<"a" | "b">) -> { ok: bool } {
  post "https://api.example.com"
  body { tiers: tiers }
}
journey J {
  on Go as g
  set profile.tier = g.tier ?? "b"
  set profile.tiers = ["a", "b"]
  set profile.tiers = [g.tier ?? "a"]
  call Api(["a"]) as r
}
`;
    expect(one(text).diagnostics).toEqual([]);
    expect(shown(one(replaceOnce(text, 'set profile.tiers = ["a", "b"]', 'set profile.tiers = ["a", "c"]')))).toEqual(['J2001 "[\\"a\\", \\"c\\"]"']);
    expect(shown(one(replaceOnce(text, 'g.tier ?? "b"', 'g.tier ?? "c"')))).toEqual(['J2001 "g.tier ?? \\"c\\""']);
  });

  it("through `not`", () => {
    expect(one(journey('  if not (profile.phone == null) { send sms { text "Hi" } to profile.phone }')).diagnostics).toEqual([]);
  });

  it("in the brief: `profile.consent.sms and profile.phone != null`", () => {
    const unguarded = replaceOnce(brief, "if profile.consent.sms and profile.phone != null {", "if profile.consent.sms {");
    const r = one(unguarded, "brief.journey");
    expect(shown(r)).toEqual(['J2002 "profile.phone"']);
  });

  it("`??` gives a value", () => {
    expect(one(journey('  send sms { text "Hi" } to profile.phone ?? profile.email')).diagnostics).toEqual([]);
  });

  it("in a variant's `when`", () => {
    const text = `${PROFILE}experience Hero {
  surface "web://shop.example.com/#hero"
  format text
  variant Named when profile.firstName != null and length(profile.firstName) > 1 { content "Hi {{profile.firstName}}" }
  variant Default { content "Hi" }
}
`;
    expect(one(text).diagnostics).toEqual([]);
  });
});

describe("fixes", () => {
  /** The one diagnostic of `text`, its fix applied, must leave a program with no diagnostics. */
  function fixed(text: string, code: string, newText: string, span: { start: number; end: number }): void {
    const r = one(text);
    expect(codesOf(r)).toEqual([code]);
    const d = r.diagnostics[0]!;
    expect(d.fix?.edits).toEqual([{ file: "main.journey", span, newText }]);
    expect(d.fix?.title).toContain(newText.replace(/^\((.*)\)$/, "$1"));
    const after = one(applyFix(text, d));
    expect(after.diagnostics).toEqual([]);
  }

  it("unknown field: did you mean `email`?", () => {
    const text = `${PROFILE}audience A = profile.emial == "x"\n`;
    fixed(text, "J1004", "email", spanOf(text, "emial"));
    expect(one(text).diagnostics[0]!.help).toBe("did you mean `email`?");
  });

  it("unknown field inside a template, at its exact column", () => {
    const text = journey('  send sms { text "Say \\"hi\\", {{profile.frstName}}" } to profile.email');
    fixed(text, "J4003", "firstName", spanOf(text, "frstName"));
  });

  it("unknown field inside a dedented `\"\"\"` template", () => {
    const text = journey('  send email {\n    subject "Hi"\n    html """\n      <h1>Hi</h1>\n        <p>{{profile.frstName}}</p>\n    """\n  } to profile.email');
    fixed(text, "J4003", "firstName", spanOf(text, "frstName"));
  });

  it("unknown name", () => {
    const text = `${PROFILE}audience A = profil.email == "x"\n`;
    fixed(text, "J1001", "profile", { start: text.indexOf("profil."), end: text.indexOf("profil.") + "profil".length });
  });

  it("unknown event", () => {
    const text = journey("  wait 1h").replace("on SiteVisited", "on SiteVisitd");
    fixed(text, "J1002", "SiteVisited", spanOf(text, "SiteVisitd"));
  });

  it("unknown type", () => {
    const text = `${PROFILE}event E { at: datetme }\n`;
    fixed(text, "J1003", "datetime", spanOf(text, "datetme"));
  });

  it("unknown function", () => {
    const text = `${PROFILE}audience A = lenght(profile.email) > 3\n`;
    fixed(text, "J1014", "length", spanOf(text, "lenght"));
  });

  it("a literal no value can equal", () => {
    const text = `${PROFILE}audience A = profile.loyalty.tier == "silvr"\n`;
    fixed(text, "J2008", '"silver"', spanOf(text, '"silvr"'));
  });

  it("a literal no value can equal, nothing close: the help lists the values, the first dozen of many", () => {
    const few = one(`${PROFILE}audience A = profile.loyalty.tier == "wood"\n`).diagnostics;
    expect(few).toMatchObject([{ code: "J2008", message: '`"wood"` can never equal `profile.loyalty.tier`: this comparison always gives the same answer', help: '`profile.loyalty.tier` is one of `"bronze"`, `"silver"`, `"gold"`' }]);
    expect(few[0]!.fix).toBeUndefined();
    const tiers = Array.from({ length: 14 }, (_, i) => `"t${i + 1}"`);
    const many = one(`${PROFILE}event T { tier: ${tiers.join(" | ")} }\njourney J {\n  on T as t\n  if t.tier == "wood" { end }\n}\n`).diagnostics;
    expect(many).toMatchObject([{ code: "J2008", help: `\`t.tier\` is one of ${tiers.slice(0, 12).map((v) => `\`${v}\``).join(", ")}, and 2 more` }]);
  });

  it("a number or bool in quotes: the help says to remove them, and the fix does when the text is one", () => {
    const data = (fields: string) =>
      `${PROFILE}event Paid { total: number, count: int, gift: bool }\ntest "t" {\n  start 2026-03-02T08:00:00Z\n  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 0 } }\n  at 0m "p1" Paid { ${fields} }\n}\n`;
    const number = data('total: "189", count: 2, gift: false');
    fixed(number, "J2001", "189", spanOf(number, '"189"'));
    expect(one(number).diagnostics[0]!.help).toBe("remove the quotes: a `number` is not written as a string");
    const bool = data('total: 1, count: 2, gift: "true"');
    fixed(bool, "J2001", "true", spanOf(bool, '"true"'));
    const int = data('total: 1, count: "-3", gift: false');
    fixed(int, "J2001", "-3", spanOf(int, '"-3"'));
    // Not the type's literal in quotes: how it is written, and no fix.
    for (const [fields, help] of [
      ['total: 1, count: "1.5", gift: false', "an `int` is a whole number written without quotes, such as `12`"],
      ['total: 1, count: 2, gift: "yes"', "a `bool` is `true` or `false`, without quotes"],
    ]) {
      const [d] = one(data(fields!)).diagnostics;
      expect(d).toMatchObject({ code: "J2001", help });
      expect(d!.fix).toBeUndefined();
    }
    // A step's value as well.
    const set = `${PROFILE}journey J {\n  on SiteVisited\n  set profile.loyalty.points = "10"\n}\n`;
    fixed(set, "J2001", "10", spanOf(set, '"10"'));
  });

  it("a date-time or a duration in quotes: the fix removes them when the text is one", () => {
    const data = (fields: string) =>
      `${PROFILE}event Booked { at: datetime, stay: duration }\ntest "t" {\n  start 2026-03-02T08:00:00Z\n  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 0 } }\n  at 0m "p1" Booked { ${fields} }\n}\n`;
    const at = data('at: "2026-03-09T10:00:00Z", stay: 2d');
    fixed(at, "J2001", "2026-03-09T10:00:00Z", spanOf(at, '"2026-03-09T10:00:00Z"'));
    expect(one(at).diagnostics[0]!.help).toBe("remove the quotes: a `datetime` is not written as a string");
    const stay = data('at: 2026-03-09T10:00:00Z, stay: "1h30m"');
    fixed(stay, "J2001", "1h30m", spanOf(stay, '"1h30m"'));
    const [d] = one(data('at: "next monday", stay: 2d')).diagnostics;
    expect(d).toMatchObject({ code: "J2001", help: "a `datetime` is written without quotes, such as `2026-03-02T09:00:00Z`" });
    expect(d!.fix).toBeUndefined();
    // `wait until "…"` keeps the help on both of its forms, with the fix.
    const wait = journey('  wait until "2026-03-09T10:00:00Z"');
    fixed(wait, "J2001", "2026-03-09T10:00:00Z", spanOf(wait, '"2026-03-09T10:00:00Z"'));
    expect(one(wait).diagnostics[0]!.help).toContain("`wait until` takes a date-time");
  });

  it("a string that is not one of a union's: the close one, wherever the value is written", () => {
    const set = journey('  set profile.loyalty.tier = "Gold"');
    fixed(set, "J2001", '"gold"', spanOf(set, '"Gold"'));
    expect(one(set).diagnostics[0]!.help).toBe('did you mean "gold"?');
    const test = `${PROFILE}test "t" {\n  profile "p1" { email: "a@example.com", loyalty: { tier: "silvr", points: 0 } }\n  expect profile "p1" where loyalty.tier == "gold"\n}\n`;
    fixed(test, "J2001", '"silver"', spanOf(test, '"silvr"'));
    const expected = `${PROFILE}test "t" {\n  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 0 } }\n  expect profile "p1" where loyalty.tier == "brnze"\n}\n`;
    fixed(expected, "J2001", '"bronze"', spanOf(expected, '"brnze"'));
    // Nothing close: the message has the union, no fix.
    const [far] = one(journey('  set profile.loyalty.tier = "wood"')).diagnostics;
    expect(far).toMatchObject({ code: "J2001", message: 'expected `"bronze" | "silver" | "gold"`, found `"wood"`' });
    expect(far!.fix).toBeUndefined();
  });

  it("a misspelt algorithm parameter or `by:` value", () => {
    const catalog = "catalog Product { key sku: string, name: string }\n";
    const param = `${catalog}${journey("  recommend r = popular(by: views, windw: 7d) limit 3\n  if length(r) > 0 { end }")}`;
    fixed(param, "J1019", "window", spanOf(param, "windw"));
    const by = `${catalog}${journey("  recommend r = popular(by: view) limit 3\n  if length(r) > 0 { end }")}`;
    fixed(by, "J2001", "views", spanOf(by, "view"));
  });

  it("`reentry` misspelt: the close mode, `after` when a duration follows", () => {
    const after = journey("  reentry aftr 7d");
    fixed(after, "J3022", "after", spanOf(after, "aftr"));
    const always = journey("  reentry alwys");
    fixed(always, "J3022", "always", spanOf(always, "alwys"));
  });

  it("in a test: a profile id close to a declared one, a reason misspelt, an instant without a zone", () => {
    const test = (items: string) => `${PROFILE}journey J {\n  on SiteVisited\n}\ntest "t" {\n  start 2026-03-02T08:00:00Z\n  profile "ana" { email: "a@example.com", loyalty: { tier: "gold", points: 0 } }\n${items}\n}\n`;
    const id = test('  at 0m "anna" SiteVisited { url: "/" }');
    fixed(id, "J6003", '"ana"', spanOf(id, '"anna"'));
    expect(one(id).diagnostics[0]!.help).toBe('did you mean "ana"?');
    const reason = test("  expect ended J reason ends");
    fixed(reason, "J6001", "end", spanOf(reason, "ends"));
    const zone = test("  at 0m \"ana\" SiteVisited { url: \"/\" }").replace("start 2026-03-02T08:00:00Z", "start 2026-03-02T08:00:00");
    fixed(zone, "J6001", "2026-03-02T08:00:00Z", spanOf(zone, "2026-03-02T08:00:00"));
    const start = test('  at 0 "ana" SiteVisited { url: "/" }');
    const zero = spanOf(start, '0 "ana"').start;
    fixed(start, "J6002", "0m", { start: zero, end: zero + 1 });
    const quoted = test('  at "4h" "ana" SiteVisited { url: "/" }');
    fixed(quoted, "J6002", "4h", spanOf(quoted, '"4h"'));
  });

  it("test data missing required fields: the fix adds them with values of their types to change, on the record's line or lines", () => {
    const test = (data: string) => `${PROFILE}test "t" {\n  profile "p1" ${data}\n}\n`;
    const inline = test('{ firstName: "Ana" }');
    const [d] = one(inline).diagnostics;
    expect(d).toMatchObject({ code: "J6001", message: "missing fields `email`, `loyalty` of `profile`" });
    expect(d!.fix!.title).toBe("add `email`, `loyalty` (with a value to change)");
    expect(applyFix(inline, d!)).toContain('profile "p1" { firstName: "Ana", email: "", loyalty: { tier: "bronze", points: 0 } }');
    expect(one(applyFix(inline, d!)).diagnostics).toEqual([]);
    const lines = test('{\n    firstName: "Ana"\n    email: "a@example.com"\n  }');
    const fixed = applyFix(lines, one(lines).diagnostics[0]!);
    expect(fixed).toContain('    email: "a@example.com"\n    loyalty: { tier: "bronze", points: 0 }\n  }');
    expect(one(fixed).diagnostics).toEqual([]);
    const empty = test("{}");
    expect(one(applyFix(empty, one(empty).diagnostics[0]!)).diagnostics).toEqual([]);
  });

  it("a template sent on another channel than its own: the help says what to do, the fix sends it on its own", () => {
    const text = `${PROFILE}template Nudge() for sms {\n  text "x"\n}\n` + journey("  send email Nudge() to profile.email").slice(PROFILE.length);
    const channel = spanOf(text, "email Nudge").start;
    fixed(text, "J3013", "sms", { start: channel, end: channel + "email".length });
    expect(one(text).diagnostics[0]!.help).toBe("send it by `sms`, or, to send by `email`, use a template declared `for email` or write the message here: `send email { … }`");
  });

  it("an unknown channel says the channels once, in the help", () => {
    const [d] = one(journey('  send fax { text "x" } to profile.email')).diagnostics;
    expect(d).toMatchObject({ code: "J1013", message: "unknown channel `fax`", help: "the channels are `email`, `sms`, `push`, `webhook`" });
  });

  it("an optional used without a default gets one", () => {
    const text = journey('  send sms { text "Hi" } to profile.phone');
    fixed(text, "J2002", '(profile.phone ?? "")', spanOf(text, "profile.phone"));
  });

  it("unknown helper and unknown fragment in a template", () => {
    const helper = journey('  send sms { text "{{uper profile.email}}" } to profile.email');
    fixed(helper, "J4004", "upper", spanOf(helper, "uper"));
    const partial = `${PROFILE}fragment Footer """<p>Bye</p>"""\n` + journey('  send email { subject "Hi" html "<p>Hi</p>{{> Foter}}" } to profile.email').slice(PROFILE.length);
    fixed(partial, "J4008", "Footer", spanOf(partial, "Foter"));
  });

  it("unknown format, method, signal and content field", () => {
    const exp = `${PROFILE}experience Hero {\n  surface "web://s.example.com/#hero"\n  format jsn\n  variant D { content "{}" }\n}\n`;
    fixed(exp, "J5005", "json", spanOf(exp, "jsn"));
    const action = `${PROFILE}action A() -> { x: int } {\n  gett "https://a.example.com/"\n}\n`;
    fixed(action, "J7002", "get", spanOf(action, "gett"));
    const content = journey('  send email { subjet "Hi" text "x" } to profile.email');
    const r = one(content);
    expect(codesOf(r)).toContain("J3012");
    expect(r.diagnostics.find((d) => d.code === "J3012")!.fix?.edits).toEqual([{ file: "main.journey", span: spanOf(content, "subjet"), newText: "subject" }]);
  });

  it("`xs.length`, a template's way to count, is `length(xs)` in an expression", () => {
    const PROFILE_TAGS = PROFILE.replace("email: string", "email: string\n  tags: list<string> = []\n  orders: list<{ id: string }> = []");
    const list = `${PROFILE_TAGS}audience A = profile.tags.length > 2\n`;
    const r = one(list);
    expect(r.diagnostics[0]!.message).toBe("unknown field `length` on `list<string>`");
    expect(r.diagnostics[0]!.help).toBe("count with `length(profile.tags)`");
    fixed(list, "J1004", "length(profile.tags)", spanOf(list, "profile.tags.length"));
    const records = `${PROFILE_TAGS}audience A = profile.orders.length > 2\n`;
    fixed(records, "J1004", "length(profile.orders)", spanOf(records, "profile.orders.length"));
    const text = `${PROFILE}audience A = profile.email.length > 2\n`;
    fixed(text, "J2007", "length(profile.email)", spanOf(text, "profile.email.length"));
  });

  it("no fix when nothing is close", () => {
    const r = one(`${PROFILE}audience A = profile.zzzzzzzz == "x"\n`);
    expect(codesOf(r)).toEqual(["J1004"]);
    expect(r.diagnostics[0]!.fix).toBeUndefined();
  });
});

describe("related locations", () => {
  const a = `${PROFILE}event OrderPlaced { total: number }\n`;
  const b = "event OrderPlaced { total: number }\n";

  it("a name declared in two files points at the first declaration", () => {
    const r = compile([
      { path: "a.journey", text: a },
      { path: "b.journey", text: b },
    ]);
    expect(r.diagnostics).toEqual([
      {
        code: "J1005",
        severity: "error",
        message: "`OrderPlaced` is declared more than once",
        file: "b.journey",
        span: spanOf(b, "OrderPlaced"),
        related: [{ file: "a.journey", span: spanOf(a, "OrderPlaced"), message: "first declared here" }],
      },
    ]);
  });

  it("which declaration is first does not depend on the order files are given in", () => {
    const ab = compile([
      { path: "a.journey", text: a },
      { path: "b.journey", text: b },
    ]);
    const ba = compile([
      { path: "b.journey", text: b },
      { path: "a.journey", text: a },
    ]);
    expect(ba.diagnostics).toEqual(ab.diagnostics);
  });

  it("a second profile in another file points at the first", () => {
    const r = compile([
      { path: "a.journey", text: PROFILE },
      { path: "z.journey", text: "profile {\n  email: string\n}\n" },
    ]);
    expect(r.diagnostics).toMatchObject([
      { code: "J1007", file: "z.journey", span: { start: 0, end: 7 }, related: [{ file: "a.journey", span: spanOf(PROFILE, "profile") }] },
    ]);
  });

  it("a duplicate field and a duplicate split arm point at the first", () => {
    const field = `${PROFILE}event E { x: int, x: string }\n`;
    expect(one(field).diagnostics).toMatchObject([
      { code: "J1006", span: spanOf(field, "x", 1), related: [{ file: "main.journey", span: spanOf(field, "x", 0) }] },
    ]);
    const arm = journey("  split {\n    A 50% { }\n    A 50% { }\n  }");
    expect(one(arm).diagnostics).toMatchObject([
      { code: "J3009", span: { start: arm.lastIndexOf("A 50%"), end: arm.lastIndexOf("A 50%") + 1 }, related: [{ span: { start: arm.indexOf("A 50%"), end: arm.indexOf("A 50%") + 1 } }] },
    ]);
  });

  it("split percentages that do not add up name every arm", () => {
    const text = journey("  split {\n    A 45% { }\n    B 45% { }\n  }");
    const r = one(text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "J3001", message: "split percentages add up to 90%, not 100%", span: spanOf(text, "split") });
    expect(r.diagnostics[0]!.related?.map((x) => x.span)).toEqual([spanOf(text, "45%", 0), spanOf(text, "45%", 1)]);
    // The fix gives the last arm what the others leave.
    expect(r.diagnostics[0]!.fix).toEqual({ title: "make `B` 55% (the arms then add up to 100%)", edits: [{ file: "main.journey", span: spanOf(text, "45%", 1), newText: "55%" }] });
    expect(one(applyFix(text, r.diagnostics[0]!)).diagnostics).toEqual([]);
    const over = journey("  split {\n    A 33.3% { }\n    B 33.3% { }\n    control 40% { }\n  }");
    expect(one(over).diagnostics[0]!.fix!.edits[0]!.newText).toBe("33.4%");
  });

  it("a percentage over 100% is reported, and so is the total; no fix when the last arm cannot make up the difference", () => {
    const text = journey("  split {\n    A 150% { }\n    B 0% { }\n  }");
    expect(shown(one(text))).toEqual(['J3001 "split"', 'J3016 "150%"']);
    expect(one(text).diagnostics[0]!.fix).toBeUndefined();
  });

  it("two experiences on one surface in two files", () => {
    const x = (name: string) => `experience ${name} {\n  surface "web://s.example.com/#hero"\n  format text\n  variant D { content "x" }\n}\n`;
    const r = compile([
      { path: "a.journey", text: PROFILE + x("Alpha") },
      { path: "b.journey", text: x("Beta") },
    ]);
    expect(r.diagnostics).toMatchObject([
      { code: "J5001", file: "b.journey", related: [{ file: "a.journey", span: spanOf(PROFILE + x("Alpha"), '"web://s.example.com/#hero"') }] },
    ]);
  });

  it("a template used for the wrong channel points at its declaration", () => {
    const tpl = 'template Nudge() for sms {\n  text "x"\n}\n';
    const r = compile([
      { path: "a.journey", text: journey("  send email Nudge() to profile.email") },
      { path: "t.journey", text: tpl },
    ]);
    expect(r.diagnostics).toMatchObject([{ code: "J3013", file: "a.journey", related: [{ file: "t.journey", span: spanOf(tpl, "sms") }] }]);
  });
});

describe("order of diagnostics", () => {
  const files = [
    { path: "b.journey", text: 'audience B = profile.emial == "x"\nevent E { x: strng }\naudience C = 1\n' },
    { path: "a.journey", text: `${PROFILE}audience A = lenght(profile.email) > 1 and profile.frstName == "x"\n` },
    { path: "c.journey", text: 'journey J {\n  wait "4h"\n  end\n  wait 1h\n}\nevent E { y: int }\n' },
  ];

  function permutations<T>(xs: T[]): T[][] {
    if (xs.length <= 1) return [xs];
    return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  }

  it("diagnostics are sorted by file, then position, then code", () => {
    const r = compile(files);
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(8);
    const keys = r.diagnostics.map((d) => [d.file, d.span.start, d.span.end, d.code] as const);
    const sorted = [...keys].sort((x, y) => (x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] - y[1] || x[2] - y[2] || (x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : 0)));
    expect(keys).toEqual(sorted);
    expect(new Set(r.diagnostics.map((d) => d.file))).toEqual(new Set(["a.journey", "b.journey", "c.journey"]));
  });

  it("are identical whatever the order of the input files", () => {
    const reference = compile(files).diagnostics;
    for (const p of permutations(files)) expect(compile(p).diagnostics).toEqual(reference);
  });

  it("the IR is identical whatever the order of the input files", () => {
    const parts = [
      { path: "1.journey", text: brief.slice(0, brief.indexOf("channel email")) },
      { path: "2.journey", text: brief.slice(brief.indexOf("channel email"), brief.indexOf("/// Use case 2")) },
      { path: "3.journey", text: brief.slice(brief.indexOf("/// Use case 2")) },
    ];
    const reference = compile(parts);
    expect(reference.diagnostics).toEqual([]);
    for (const p of permutations(parts)) expect(compile(p).irJson).toBe(reference.irJson);
  });
});

describe("checks of the brief's rules", () => {
  it.each([
    ["wait 4h", 'wait "4h"', "J2001", '"4h"'],
    ["limit 4\n    backup", 'limit "4"\n    backup', "J2001", '"4"'],
    ["wait for OrderPlaced within 24h {", "wait for OrderPlaced {", "J3002", "wait for OrderPlaced"],
    ["goal purchase: OrderPlaced within 7d", "goal purchase: OrderPlaced", "J3008", "goal purchase: OrderPlaced"],
    ["    limit 4\n    backup popular(category", "    backup popular(category", "J3004", "recommend recs = cartBased(cart.items.sku)"],
    ["A 45%", "A 40%", "J3001", "split"],
    ["  on SiteVisited\n  reentry after 3d", "  reentry after 3d", "J3005", "RecentlyViewed"],
    ["{{> Footer}}", "{{> Foter}}", "J4008", "Foter"],
    ["{{length cart.items}}", "{{length cart.itemz}}", "J4003", "itemz"],
    ["{{currency line.price \"EUR\"}}", "{{curency line.price \"EUR\"}}", "J4004", "curency"],
    ['{{#each recs as |p|}}<a href="{{p.url}}"><img src="{{p.imageUrl}}" alt="{{p.name}}"></a>{{/each}}', "", "J4010", "recs"],
    ['subject "Still interested?"\n', "", "J3011", "email"],
    ["if not profile.consent.email { end }", "if profile.consent { end }", "J2004", "profile.consent"],
    ["send email CartReminder(cart, recs)", "send sms CartReminder(cart, recs)", "J3013", "CartReminder"],
    ["send email CartReminder(cart, recs)", "send email CartReminder(cart)", "J2003", "CartReminder(cart)"],
    ["variant Default {", "variant Fallback when profile.loyalty.points > 10 {", "J5002", "HomeHero"],
    ['surface "web://shop.example.com/#hero"', 'surface "web://shop.example.com/hero"', "J5004", '"web://shop.example.com/hero"'],
    ['at 0m  "p1" CartAbandoned', 'at 0m  "p2" CartAbandoned', "J6003", '"p2"'],
    ['tier: "gold", points: 10', 'tier: "gold"', "J6001", "{"],
  ])("brief with `%s` → `%s` is %s", (from, to, code, spanned) => {
    const r = one(replaceOnce(brief, from, to), "brief.journey");
    expect(shown(r)).toEqual([`${code} ${JSON.stringify(spanned)}`]);
  });

  it("a template parameter read as `this.name` at the top of the content is used (no J4010)", () => {
    const r = one('profile { email: string }\ntemplate Hello(name: string) for sms {\n  text "Hi {{this.name}}"\n}\n', "t.journey");
    expect(shown(r)).toEqual([]);
  });

  it("an event field typo in `exit on … where` is one diagnostic with a fix", () => {
    const text = replaceOnce(brief, "event.cartId == cart.cartId", "event.cartID == cart.cartId");
    const r = one(text, "brief.journey");
    expect(shown(r)).toEqual(['J1004 "cartID"']);
    expect(r.diagnostics[0]!.fix?.edits[0]?.newText).toBe("cartId");
  });

  it("`item` is typed by the catalog in a recommendation's `where`", () => {
    const r = one(replaceOnce(brief, "where item.inStock", "where item.inStok"), "brief.journey");
    expect(shown(r)).toEqual(['J1004 "inStok"']);
    expect(r.diagnostics[0]!.message).toBe("unknown field `inStok` on `Product`");
  });

  it("a recommendation is typed `list<CatalogItem>`", () => {
    const r = one(replaceOnce(brief, "if length(seen) > 0 and", "if seen.price > 0 and"), "brief.journey");
    expect(codesOf(r)).toEqual(["J2005"]);
    expect(r.diagnostics[0]!.message).toBe("`>` cannot be applied to `list<number>` and `int`");
  });
});

describe("a channel's `consent`", () => {
  const project = (consent: string) =>
    one(`profile {
  email: string
  smsOptIn?: bool
  optInAt?: datetime
  consent: { email: bool, sms: bool }
  prefs?: { sms: bool, channels: list<string> }
}
event Cart { cartId: string }
channel sms {
  consent ${consent}
}
`);

  it("is a bool over the profile: optional, a path through an optional record (null is no consent), or the clock", () => {
    for (const ok of ["profile.consent.sms", "profile.smsOptIn", "profile.prefs.sms", "profile.consent.sms and (profile.prefs.sms ?? false)", "profile.optInAt != null and daysSince(profile.optInAt) < 365", '"sms" in (profile.prefs.channels ?? [])']) {
      expect(shown(project(ok)), ok).toEqual([]);
    }
    // Types the IR: the expression as an audience's condition would be.
    expect(project("profile.prefs.sms").ir!.channels["sms"]).toEqual({ consent: { path: ["profile", "prefs", "sms"] } });
  });

  it("a null inside it still needs a default, as anywhere: only the whole may be null", () => {
    expect(shown(project("profile.consent.sms and profile.prefs.sms"))).toEqual(['J2002 "profile.prefs.sms"']);
    expect(shown(project("not profile.smsOptIn"))).toEqual(['J2002 "profile.smsOptIn"']);
    // The condition of an `if … then … else` inside it too: the whole path, with its default.
    const cond = project("if profile.prefs.sms then true else false");
    expect(shown(cond)).toEqual(['J2002 "profile.prefs.sms"']);
    expect(cond.diagnostics[0]!.fix?.title).toBe("add a default: `profile.prefs.sms ?? false`");
  });

  it("anything but a bool is J7011; a journey's names J7012; a misspelt `profile` J1001 with its fix", () => {
    expect(shown(project("profile.prefs.channels"))).toEqual(['J7011 "profile.prefs.channels"']);
    expect(project("profile.prefs.channels").diagnostics[0]!.message).toBe("a channel's `consent` must be `bool` (null counts as no consent), found `list<string>`");
    expect(shown(project("event.cartId == \"\" or cart.cartId == \"\""))).toEqual(['J7012 "event"', 'J7012 "cart"']);
    const typo = project("profle.consent.sms");
    expect(shown(typo)).toEqual(['J1001 "profle"']);
    expect(typo.diagnostics[0]!.fix?.title).toBe("change to `profile`");
  });

  it("`consent` is a channel setting's name, not a keyword: a field, a path, test data and a binding all keep it", () => {
    const text = (name: string) => `profile {
  email: string
  consent: { email: bool }
}
event Cart { consent: bool }
channel email { consent profile.consent.email }
journey J {
  on Cart as cart
  let ${name} = cart.consent and profile.consent.email
  if ${name} { send email { subject "x" text "y" } to profile.email }
}
test "t" {
  profile "p1" { email: "a@example.com", consent: { email: true } }
  at 0m "p1" Cart { consent: true }
  expect send email
}
`;
    expect(one(text("agreed")).diagnostics).toEqual([]);
    // A project that named its own binding `consent` before channels had the setting still compiles.
    expect(one(text("consent")).diagnostics).toEqual([]);
    const params = one(`profile { email: string, consent: { email: bool } }
event Cart { total: number }
template Hi(consent: bool) for email { subject "{{#if consent}}yes{{/if}}" text "x" }
channel email { consent profile.consent.email }
journey J {
  on Cart as consent
  goal consent: Cart within 1d
  send email Hi(consent.total > 0) to profile.email
}
`);
    expect(params.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(params.ir!.channels["email"]!.consent).toEqual({ path: ["profile", "consent", "email"] });
  });

  it("given twice is J7009, as any setting (the last would count, silently replacing the first)", () => {
    expect(shown(project("profile.consent.sms\n  consent profile.consent.email"))).toEqual(['J7009 "consent"']);
  });

  it("an unknown channel setting lists it", () => {
    const r = one(`${PROFILE}channel sms {
  consnet profile.email == ""
}
`);
    expect(r.diagnostics.map((d) => [d.code, d.help])).toEqual([["J7008", "did you mean `consent`?"]]);
  });
});

describe("J4015: a value where HTML escaping does not make it safe", () => {
  it("is a warning at the tag; a fragment included in code is one at the include when it writes a value there", () => {
    const fragments = `fragment Theme """.btn { color: #c00 }"""\nfragment Named """.hi::after { content: "{{profile.firstName}}" }"""\n`;
    const text = `${PROFILE}${fragments}` + journey('  send email { subject "Hi" html "<style>{{> Theme}}{{> Named}}</style><p style=\\"color: {{profile.email}}\\" data-email=\\"{{profile.email}}\\">Hi</p>" } to profile.email').slice(PROFILE.length);
    const r = one(text);
    expect(shown(r)).toEqual(['J4015 "{{> Named}}"', 'J4015 "{{profile.email}}"']);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(["warning", "warning"]);
    expect(r.diagnostics[0]!.message).toMatch(/^fragment `Named` writes a value in `<style>`, which escaping does not make safe/);
    expect(r.ir).toBeDefined();
  });
});

describe("J3024: `jump to` a journey that reads its trigger's alias", () => {
  const project = (target: string, jumper = "journey Visit {\n  on Ping\n  jump to Target\n}") =>
    compile([
      { path: "a.journey", text: `profile { email: string }\nevent Cart { cartId: string, total: number }\nevent Order { cartId: string }\nevent Ping { n: int }\n${jumper}` },
      { path: "b.journey", text: target },
    ]);

  it("is reported at the jump, in another file than the target, with the alias as related location, wherever the target reads it", () => {
    for (const read of ['send email { subject "{{cart.cartId}}" text "x" } to profile.email', "let id = cart.cartId", 'exit on Order where event.cartId == cart.cartId\n  send email { subject "x" text "x" } to profile.email']) {
      const r = project(`journey Target {\n  on Cart as cart\n  ${read}\n}`);
      expect(shown(r)).toEqual(['J3024 "Target"']);
      expect(r.diagnostics[0]!.file).toBe("a.journey");
      expect(r.diagnostics[0]!.related?.[0]).toMatchObject({ file: "b.journey", message: "the alias, bound only when the trigger's event starts the journey" });
    }
  });

  it("is not reported when the alias is read only by the trigger's `where`, or by a clause with an alias of its own", () => {
    const r = project(`journey Target {\n  on Cart as cart where cart.total > 0\n  exit on Order as cart where cart.cartId == "x"\n  send email { subject "x" text "x" } to profile.email\n}`);
    expect(shown(r)).toEqual([]);
  });
});

describe("J3026: journeys that jump to each other without waiting", () => {
  const journeys = (...bodies: [string, string][]) => `${PROFILE}event Ping { n: int }\n` + bodies.map(([name, steps]) => `journey ${name} {\n  on Ping\n${steps}\n}\n`).join("");
  const SEND = '  send email { subject "x" text "x" } to profile.email';

  it("is reported once per cycle, at the jump of its first journey, with the others' jumps as related locations", () => {
    const r = one(journeys(["B", `${SEND}\n  jump to C`], ["C", "  let n = 1\n  jump to A"], ["A", `${SEND}\n  jump to B`], ["D", "  jump to A"]));
    expect(shown(r)).toEqual(['J3026 "jump to B"']);
    expect(r.diagnostics[0]!.message).toBe("`A` → `B` → `C` → `A`: these journeys jump to each other without waiting, so one input would run them forever");
    expect(r.diagnostics[0]!.related?.map((x) => x.message)).toEqual(["`B` jumps on here", "`C` jumps on here"]);
  });

  it("is not reported when a wait, a call or a condition comes first, or the jump leaves the cycle", () => {
    for (const first of ["  wait 1d", "  wait for SiteVisited within 1d { end }", "  recommend r = popular() limit 1"]) {
      expect(codesOf(one(journeys(["A", `${first}\n  jump to A`])))).not.toContain("J3026");
    }
    expect(codesOf(one(journeys(["A", `  if profile.firstName == null { jump to A }`])))).toEqual([]);
    expect(codesOf(one(journeys(["A", "  jump to B"], ["B", `${SEND}`])))).toEqual([]);
  });
});

describe("J3027: a `repeat` certain to pass the limit of steps without waiting", () => {
  const ACTION = 'action Weather(city: string) -> { tempC: number } {\n  get "https://weather.example.com/now?city={{city}}"\n}\n';
  const journey = (steps: string) => `${PROFILE}event Ping { n: int }\nchannel push { quiet 21:00 to 08:00 }\n${ACTION}journey J {\n  on Ping as p\n${steps}\n}\n`;
  const SEND = 'send email { subject "x" text "x" } to profile.email';

  // The runtime fails an instance past 10,000 nodes: a round is the repeat node and the body's
  // nodes, and the repeat node runs once more to find the count reached.
  it("is reported at the count when count × (1 + the body's nodes) + 1 passes 10,000, and not at 10,000", () => {
    expect(shown(one(journey(`  repeat 5000 { ${SEND} }`)))).toEqual(['J3027 "5000"']);
    expect(one(journey(`  repeat 5000 { ${SEND} }`)).diagnostics[0]!.message).toBe(
      "with this `repeat`, at least 10001 steps run without waiting, more than the 10000 one input may run: the journey would always fail here, its messages undelivered",
    );
    expect(shown(one(journey(`  repeat 4999 { ${SEND} }`)))).toEqual([]);
    // An `if` counts its shortest way: here none of its body (no else).
    expect(shown(one(journey(`  repeat 5000 { if p.n > 1 { let a = 1\n let b = 2 } }`)))).toEqual(['J3027 "5000"']);
    expect(shown(one(journey(`  repeat 3333 { if p.n > 1 { let a = 1 } else { let b = 1 } }`)))).toEqual([]);
    expect(shown(one(journey(`  repeat 3334 { if p.n > 1 { let a = 1 } else { let b = 1 } }`)))).toEqual(['J3027 "3334"']);
  });

  it("nested loops multiply; only the innermost certain one is reported", () => {
    expect(shown(one(journey("  repeat 100 { repeat 200 { let x = 1 } }")))).toEqual(['J3027 "100"']);
    expect(shown(one(journey("  repeat 2 { repeat 20000 { let x = 1 } }")))).toEqual(['J3027 "20000"']);
    // An inner count from an expression may be 0: the inner loop counts as its own node only.
    expect(shown(one(journey("  repeat 5000 { repeat p.n { let x = 1 } }")))).toEqual(['J3027 "5000"']);
    expect(shown(one(journey("  repeat 4999 { repeat p.n { let x = 1 } }")))).toEqual([]);
  });

  // The runtime goes on at once after a wait of zero (as at every round of `every 0s`): such
  // a loop ran away at run time though the compiler took it for one that waits.
  it("a wait of zero is no wait", () => {
    expect(shown(one(journey(`  repeat 5000 { wait 0s\n ${SEND} }`)))).toEqual(['J3027 "5000"']);
    expect(shown(one(journey(`  repeat 10000 every 0s { ${SEND} }`)))).toEqual(['J3027 "10000"']);
    expect(shown(one(journey(`  repeat 3333 { wait 0s\n ${SEND} }`)))).toEqual([]);
  });

  // The runtime's limit is per run (one input, from the entry or a resume to the next wait):
  // the steps certain to run before the loop in that run count too.
  it("counts the steps certain to run before the loop in the same run", () => {
    const twoBefore = `  let a = 1\n  ${SEND}\n  repeat 4999 { ${SEND} }`;
    const r = one(journey(twoBefore));
    expect(shown(r)).toEqual(['J3027 "4999"']);
    expect(r.diagnostics[0]!.message).toContain("at least 10001 steps run without waiting");
    expect(r.diagnostics[0]!.related?.map((x) => [r.files.get(x.file)!.text.slice(x.span.start, x.span.end), x.message])).toEqual([
      ["let a = 1", "the 2 steps that run before the `repeat` without waiting start here"],
    ]);
    // The near miss: one step before, 10,000 in all.
    expect(shown(one(journey(`  ${SEND}\n  repeat 4999 { ${SEND} }`)))).toEqual([]);
    // A wait before the loop starts a new run; a wait of zero does not.
    expect(shown(one(journey(`  let a = 1\n  ${SEND}\n  wait 1h\n  repeat 4999 { ${SEND} }`)))).toEqual([]);
    expect(shown(one(journey(`  let a = 1\n  wait 0s\n  repeat 4999 { ${SEND} }`)))).toEqual(['J3027 "4999"']);
    // Steps before the `if` the loop is in, and the `if` itself, count; an earlier loop counts all its rounds.
    expect(shown(one(journey(`  let a = 1\n  if p.n > 1 { repeat 4999 { ${SEND} } }`)))).toEqual(['J3027 "4999"']);
    expect(shown(one(journey(`  if p.n > 1 { repeat 4999 { ${SEND} } }`)))).toEqual([]);
    expect(shown(one(journey(`  repeat 2500 { ${SEND} }\n  repeat 2500 { ${SEND} }`)))).toEqual(['J3027 "2500"']);
    // Inside a loop's body, the first round: the outer node, and the steps before the outer loop.
    expect(shown(one(journey(`  let a = 1\n  repeat 1 { repeat 4999 { ${SEND} } }`)))).toEqual(['J3027 "4999"']);
  });

  it("counts only steps certain to run in the same run", () => {
    for (const steps of [
      // Each may wait: the run may resume after it.
      `  let a = 1\n  call Weather("x")\n  repeat 4999 { ${SEND} }`,
      `  let a = 1\n  send push { title "x" body "x" } to "t"\n  repeat 4999 { ${SEND} }`,
      `  let a = 1\n  if p.n > 1 { wait 1h }\n  repeat 4999 { ${SEND} }`,
      // A wait for's body and an on error's block are runs of their own.
      `  let a = 1\n  let b = 2\n  wait for Ping within 1h { repeat 4999 { ${SEND} } }`,
      `  let a = 1\n  let b = 2\n  call Weather("x") on error { repeat 4999 { ${SEND} } }`,
      // An \`if\` counts its shortest way (none without an else), a count from an expression its own node.
      `  if p.n > 1 { let a = 1\n let b = 2 }\n  repeat 4999 { ${SEND} }`,
      `  repeat p.n { ${SEND} }\n  repeat 4999 { ${SEND} }`,
    ]) {
      expect(codesOf(one(journey(steps))), steps).not.toContain("J3027");
    }
  });

  it("is not reported when the count is not a literal, or the loop may wait or leave", () => {
    for (const steps of [
      `  repeat p.n { ${SEND} }`,
      `  repeat 20000 every 1m { ${SEND} }`,
      "  repeat 20000 { wait 1m }",
      `  repeat 20000 { send push { title "x" body "x" } to "t" }`, // quiet hours: may wait
      "  repeat 20000 { wait for Ping within 1m { end } }",
      "  repeat 20000 { if p.n > 1 { end } }",
      "  repeat 20000 { if profile.email == \"\" { jump to J } }",
    ]) {
      expect(codesOf(one(journey(steps))), steps).not.toContain("J3027");
    }
  });
});

describe("`send transactional`", () => {
  const text = (steps: string, extra = "") => `profile {
  email: string
  firstName?: string
  phone?: string
  consent: { email: bool }
}
event Order { orderId: string, n: int }
channel email {
  consent profile.consent.email
  cap 1 per 1d
  quiet 21:00 to 08:00
}
channel webhook { quiet 21:00 to 08:00 }
template Receipt(o: Order) for email { subject "Order {{o.orderId}}" text "x" }
${extra}journey J {
  on Order as o
${steps}
}
`;

  it("parses before a channel, with a template or content; the IR's send node is marked, ordinary ones are not", () => {
    const r = one(text('  send transactional email Receipt(o) to profile.email\n  send transactional webhook { url "https://h/{{o.orderId}}" }\n  send email { subject "s" text "x" } to profile.email'));
    expect(r.diagnostics).toEqual([]);
    const nodes = r.ir!.journeys["J"]!.nodes;
    expect(nodes["send:email:Receipt"]).toMatchObject({ kind: "send", channel: "email", transactional: true, template: "Receipt" });
    expect(nodes["send:webhook"]).toMatchObject({ kind: "send", channel: "webhook", transactional: true });
    expect(Object.keys(nodes["send:email"]!)).not.toContain("transactional");
  });

  it("is no keyword: a binding, a parameter, a field and an event alias named `transactional` keep the name", () => {
    const r = one(
      text(
        "  let transactional = o.n > 0\n  if transactional { send transactional email Receipt(o) to profile.email }\n  send email Note(transactional) to profile.email",
        'template Note(transactional: bool) for email { subject "{{#if transactional}}yes{{/if}}" text "x" }\nevent Refund { transactional: bool }\njourney K {\n  on Refund as transactional\n  if transactional.transactional { send transactional email { subject "r" text "x" } to profile.email }\n}\n',
      ),
    );
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    // Without a channel after it, the word is a channel's name: an unknown one.
    expect(codesOf(one(text('  send transactional { subject "x" text "y" } to profile.email')))).toEqual(["J1013"]);
  });

  it("never waits for quiet hours: a null check made before it holds for its arguments and content, and it is no wait in a loop", () => {
    const guarded = "  if profile.firstName == null { end }\n";
    const content = 'webhook { url "https://h" json { greeting: "Hi " + profile.firstName } }';
    expect(shown(one(text(`${guarded}  send ${content}`)))).toEqual(['J2002 "profile.firstName"']);
    expect(one(text(`${guarded}  send transactional ${content}`)).diagnostics).toEqual([]);
    // Nor does it void a check for the steps after it, as a quiet-hours send does.
    expect(shown(one(text(`${guarded}  send email Receipt(o) to profile.email\n  send transactional ${content}`)))).toEqual(['J2002 "profile.firstName"']);
    expect(one(text(`${guarded}  send transactional email Receipt(o) to profile.email\n  send transactional ${content}`)).diagnostics).toEqual([]);
    expect(codesOf(one(text("  repeat 20000 { send email Receipt(o) to profile.email }")))).not.toContain("J3027");
    expect(codesOf(one(text("  repeat 20000 { send transactional email Receipt(o) to profile.email }")))).toContain("J3027");
  });

  it("the node id is the send's without the word: adding it keeps the step's id", () => {
    const ids = (steps: string) => Object.keys(one(text(steps)).ir!.journeys["J"]!.nodes);
    expect(ids("  send transactional email Receipt(o) to profile.email")).toEqual(ids("  send email Receipt(o) to profile.email"));
  });
});

describe("monthly schedules: `on schedule every month [on <day>] [at HH:MM] for Audience`", () => {
  const schedule = (trigger: string) => one(`${PROFILE}audience Gold = profile.loyalty.tier == "gold"\njourney J {\n  ${trigger}\n  send email { subject "s" text "x" } to profile.email\n}\n`);

  it("is accepted with and without a day and a time, and emits `every: \"month\"` with the day", () => {
    const cases: [string, object][] = [
      ["on schedule every month for Gold", { kind: "schedule", every: "month", audience: "Gold" }],
      ["on schedule every month at 09:00 for Gold", { kind: "schedule", every: "month", at: "09:00", audience: "Gold" }],
      ["on schedule every month on 1 for Gold", { kind: "schedule", every: "month", day: 1, audience: "Gold" }],
      ["on schedule every month on 31 at 09:00 for Gold", { kind: "schedule", every: "month", day: 31, at: "09:00", audience: "Gold" }],
    ];
    for (const [trigger, expected] of cases) {
      const r = schedule(trigger);
      expect(shown(r), trigger).toEqual([]);
      expect(r.ir!.journeys["J"]!.trigger, trigger).toEqual(expected);
    }
  });

  it("refuses a day that is not a whole number from 1 to 31 (J3028), at the day", () => {
    for (const day of ["0", "32", "1.5", "1e1", "lastDay", "1 + 2", '"1"']) {
      const r = schedule(`on schedule every month on ${day} at 09:00 for Gold`);
      expect(shown(r), day).toEqual([`J3028 ${JSON.stringify(day)}`]);
      expect(r.diagnostics[0]!.message).toBe(`the day of a monthly schedule is a whole number from 1 to 31, found \`${day}\``);
    }
  });

  it("refuses `on <day>` with another period (J3029), and still refuses other periods (J3019)", () => {
    expect(shown(schedule("on schedule every week on 1 for Gold"))).toEqual(['J3029 "1"']);
    expect(schedule("on schedule every 30d on 1 for Gold").diagnostics[0]!.message).toBe("`on <day>` picks a day of the month: only `every month` takes it, not `every 30d`");
    expect(shown(schedule("on schedule every year on 1 for Gold"))).toEqual(['J3019 "year"']);
    expect(schedule("on schedule every year for Gold").diagnostics[0]!.message).toBe("a schedule repeats `every day`, `every week`, `every month` or `every <duration>`, found `year`");
  });
});

describe("a test chooses the arm of an experiment: `split \"experiment\" Arm for \"p1\"`", () => {
  const project = (items: string, extra = "") =>
    one(`${PROFILE}journey J {
  on SiteVisited
  if profile.loyalty.points > 0 {
    split "subject" { A 45% { } B 45% { } control 10% { end } }
  }
  split { X 50% { } Y 50% { } }
}
experience Hero {
  surface "web://s/#hero"
  format text
  variant V { split "hero-copy" { Short 50% { content "a" } Long 50% { content "b" } } }
}
${extra}test "t" {
  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 1 } }
${items}
}
`);

  it("accepts an arm of a journey's split (at any depth) and of an experience's, also for a profile only decided for; the IR lists them in source order", () => {
    const r = project(`  split "subject" control for "p1"\n  split "hero-copy" Long for "visitor"\n  split "subject" B for "visitor"\n  expect decide "web://s/#hero" for "visitor"`);
    expect(shown(r)).toEqual([]);
    expect(r.ir!.tests[0]!.forcedArms).toEqual([
      { profileId: "p1", experiment: "subject", arm: "control" },
      { profileId: "visitor", experiment: "hero-copy", arm: "Long" },
      { profileId: "visitor", experiment: "subject", arm: "B" },
    ]);
    // A test without any leaves the IR as it was.
    expect(project("").ir!.tests[0]).not.toHaveProperty("forcedArms");
  });

  it("refuses an experiment no named split has (J1001), with the close name as a fix, or the experiments there are", () => {
    const r = project(`  split "subjet" A for "p1"`);
    expect(shown(r)).toEqual(['J1001 "\\"subjet\\""']);
    expect(r.diagnostics[0]!.message).toBe("unknown name `subjet`");
    expect(r.diagnostics[0]!.help).toBe("did you mean `subject`?");
    expect(applyFix(r.files.get("main.journey")!.text, r.diagnostics[0]!)).toContain(`split "subject" A for "p1"`);
    // An unnamed split has no name a test could give (`J/split` is not one).
    const far = project(`  split "J/split" X for "p1"`);
    expect(shown(far)).toEqual(['J1001 "\\"J/split\\""']);
    expect(far.diagnostics[0]!.help).toBe("the experiments (named splits) are `subject`, `hero-copy`");
    const none = one(`${PROFILE}journey J {\n  on SiteVisited\n  split { X 50% { } Y 50% { } }\n}\ntest "t" {\n  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 1 } }\n  split "x" X for "p1"\n}\n`);
    expect(shown(none)).toEqual(['J1001 "\\"x\\""']);
    expect(none.diagnostics[0]!.help).toMatch(/^no split of the project is named/);
  });

  it("refuses an arm the experiment does not have (J1001), with the close label or the experiment's arms", () => {
    const r = project(`  split "subject" contrl for "p1"`);
    expect(shown(r)).toEqual(['J1001 "contrl"']);
    expect(applyFix(r.files.get("main.journey")!.text, r.diagnostics[0]!)).toContain(`split "subject" control for "p1"`);
    const other = project(`  split "subject" Long for "p1"`);
    expect(shown(other)).toEqual(['J1001 "Long"']);
    expect(other.diagnostics[0]!.help).toBe('the arms of "subject" are `A`, `B`, `control`');
  });

  it("takes an arm of any split sharing the experiment's name (the splits differing is a warning of its own, J3030)", () => {
    const extra = `journey K {\n  on SiteVisited\n  split "subject" { A 50% { } Fresh 50% { } }\n}\n`;
    expect(shown(project(`  split "subject" Fresh for "p1"`, extra))).toEqual(['J3030 "split \\"subject\\""']);
    expect(shown(project(`  split "subject" control for "p1"`, extra))).toEqual(['J3030 "split \\"subject\\""']);
  });

  describe("an item still being typed: one error saying what is missing, the rest of the test checked", () => {
    const arms = "(`A`, `B` or `control`)";
    const shape = 'a test chooses an arm with `split "subject" <Arm> for "<profile id>"`';
    const cases: [string, string, string][] = [
      ['split "subject"', 'split "subject"', `expected the arm of experiment "subject" ${arms} and \`for "<profile id>"\`: ${shape}`],
      ['split "subject" B', 'split "subject" B', `expected \`for "<profile id>"\` after the arm: ${shape}`],
      ['split "subject" B for', 'split "subject" B for', `expected the profile's id after \`for\` (a string: \`for "p1"\`): ${shape}`],
      ['split "subject" for "p1"', 'split "subject" for "p1"', `expected the arm of experiment "subject" ${arms} before \`for\`: ${shape}`],
      ['split "subject" for', 'split "subject" for', `expected the arm of experiment "subject" ${arms} before \`for\`, and the profile's id after it: ${shape}`],
    ];
    // No experiment yet: the project's experiments are named.
    it("split", () => {
      const r = project(`  split\n  at 0m "p1" SiteVisited { url: "/" }\n  expect no send emial`);
      expect(shown(r)).toEqual(['J6004 "split"', 'J1013 "emial"']);
      expect(r.diagnostics[0]!.message).toMatch(/^expected the experiment's name, a string \("[^"]+"( or "[^"]+")?[^)]*\): a test chooses an arm with `split "<experiment>" <Arm> for "<profile id>"`$/);
    });
    for (const [item, span, message] of cases) {
      it(item, () => {
        // The next item's own mistake (an unknown channel) is still reported.
        const r = project(`  ${item}\n  at 0m "p1" SiteVisited { url: "/" }\n  expect no send emial`);
        expect(shown(r)).toEqual([`J6004 ${JSON.stringify(span)}`, 'J1013 "emial"']);
        expect(r.diagnostics[0]!.message).toBe(message);
        expect(r.diagnostics[0]!.severity).toBe("error");
      });
    }

    it("an arm that is a keyword of test items is read as the arm only when `for` follows it", () => {
      const extra = `journey K {\n  on SiteVisited\n  split "words" { at 50% { } expect 50% { } }\n}\n`;
      expect(codesOf(project(`  split "words" at for "p1"`, extra))).toEqual([]);
      expect(shown(project(`  split "words"\n  expect no send email`, extra))).toEqual(['J6004 "split \\"words\\""']);
    });

    it("an unknown experiment is reported rather than what is missing; without a certain list of experiments, the arms go unnamed", () => {
      expect(shown(project(`  split "subjet"`))).toEqual(['J1001 "\\"subjet\\""']);
      const r = project(`  split "elsewhere"`, `journey Broken {\n  on SiteVisited\n  wait 1h +\n}\n`);
      expect(shown(r).filter((d) => !d.startsWith("J0005"))).toEqual(['J6004 "split \\"elsewhere\\""']);
      expect(r.diagnostics.find((d) => d.code === "J6004")!.message).toMatch(/^expected the arm of experiment "elsewhere" and `for/);
    });

    it("an unknown arm and a missing `for` are two mistakes, each at its place", () => {
      expect(shown(project(`  split "subject" Control`))).toEqual(['J6004 "split \\"subject\\" Control"', 'J1001 "Control"']);
    });
  });

  it("refuses a profile the test neither declares nor decides for (J6003), and the same profile and experiment twice (J6001)", () => {
    expect(shown(project(`  split "subject" A for "p2"`))).toEqual(['J6003 "\\"p2\\""']);
    const twice = project(`  split "subject" A for "p1"\n  split "hero-copy" Short for "p1"\n  split "subject" B for "p1"`);
    expect(shown(twice)).toEqual([`J6001 ${JSON.stringify('split "subject" B for "p1"')}`]);
    expect(twice.diagnostics[0]!.message).toBe('the arm of "subject" for profile `p1` is given twice in this test: the second would silently replace the first');
    expect(twice.diagnostics[0]!.related?.[0]?.message).toBe("first given here");
  });

  it("says nothing of an unknown experiment while a journey has a syntax error (it may hold the split)", () => {
    const r = project(`  split "elsewhere" A for "p1"`, `journey Broken {\n  on SiteVisited\n  wait 1h +\n}\n`);
    expect(codesOf(r).filter((c) => c !== "J0005")).toEqual([]);
  });
});

describe("J3030: every split of an experiment lists the same arms, in the same order, with the same percentages", () => {
  const FIRST = `${PROFILE}journey J {
  on SiteVisited
  split "subject" {
    A 45% { send email { subject "A" text "a" } to profile.email }
    B 45% { send email { subject "B" text "b" } to profile.email }
    control 10% { end }
  }
}
`;
  /** The project with a second journey holding `split "subject" { <arms> }`, in the same file. */
  const later = (arms: string) => one(`${FIRST}journey K {\n  on SiteVisited\n  split "subject" { ${arms} }\n}\n`);
  const message = (r: CompileResult) => r.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`);
  const head = 'J3030 warning experiment "subject" is split differently here: ';
  const at = "the split at main.journey:11:3";

  it("says nothing when the arms agree, holdouts (`end`, an empty block) included, at any depth; unnamed splits are not compared", () => {
    expect(later("A 45% { } B 45% { } control 10% { end }").diagnostics).toEqual([]);
    const nested = one(`${FIRST}journey K {\n  on SiteVisited\n  if profile.loyalty.points > 0 { split "subject" { A 45% { end } B 45% { } control 10% { } } }\n  split { X 50% { } Y 50% { } }\n}\n`);
    expect(nested.diagnostics).toEqual([]);
  });

  it("a percentage", () => {
    expect(message(later("A 45% { } B 55% { } control 0% { }"))).toEqual([`${head}\`B\` is 55% here but 45% in ${at}; \`control\` is 0% here but 10% in that split`]);
    // Read to a thousandth, as the total is.
    expect(later("A 45.0004% { } B 44.9996% { } control 10% { }").diagnostics).toEqual([]);
  });

  it("percentages only: the fix gives this split the first one's; other differences have none", () => {
    const r = later("A 45% { } B 55% { } control 0% { }");
    const fix = r.diagnostics[0]!.fix!;
    expect(fix.title).toBe("use the first split's percentages (`A` 45%, `B` 45%, `control` 10%)");
    const text = r.files.get("main.journey")!.text;
    expect(fix.edits.map((e) => [text.slice(e.span.start, e.span.end), e.newText])).toEqual([["55%", "45%"], ["0%", "10%"]]);
    expect(one(applyFix(text, r.diagnostics[0]!)).diagnostics).toEqual([]);
    expect(later("B 45% { } A 45% { } control 10% { }").diagnostics[0]!.fix).toBeUndefined();
    expect(later("A 45% { } B 45% { } holdout 10% { }").diagnostics[0]!.fix).toBeUndefined();
  });

  it("the order", () => {
    expect(message(later("B 45% { } A 45% { } control 10% { }"))).toEqual([`${head}the arms are in another order here (\`B\`, \`A\`, \`control\`) than in ${at} (\`A\`, \`B\`, \`control\`)`]);
  });

  it("a label (renamed, with its percentage when that differs too)", () => {
    expect(message(later("A 45% { } B 45% { } holdout 10% { }"))).toEqual([`${head}\`holdout\` here is \`control\` in ${at}`]);
    expect(message(later("A 45% { } B 40% { } holdout 15% { }"))).toEqual([`${head}\`B\` is 40% here but 45% in ${at}; \`holdout\` here is \`control\` in that split (15% here, 10% there)`]);
  });

  it("the number of arms: one missing, one extra", () => {
    expect(message(later("A 50% { } B 50% { }"))).toEqual([`${head}\`A\` is 50% here but 45% in ${at}; \`B\` is 50% here but 45% in that split; \`control\` of that split is missing here`]);
    expect(message(later("A 45% { } B 45% { } control 5% { } C 5% { }"))).toEqual([`${head}\`control\` is 5% here but 10% in ${at}; \`C\` is not an arm of that split`]);
  });

  it("is reported at the later split, `split \"name\"`, with the first as related location; the program still compiles", () => {
    const r = later("A 50% { } B 50% { }");
    expect(shown(r)).toEqual(['J3030 "split \\"subject\\""']);
    expect(r.files.get("main.journey")!.text.slice(0, r.diagnostics[0]!.span.start)).toContain("journey K");
    const related = r.diagnostics[0]!.related!;
    expect(related.map((x) => [x.file, r.files.get(x.file)!.text.slice(x.span.start, x.span.end), x.message])).toEqual([["main.journey", 'split "subject"', 'the first split of experiment "subject"']]);
    expect(spanOf(r.files.get("main.journey")!.text, 'split "subject"').start).toBe(related[0]!.span.start);
    expect(r.diagnostics[0]!.help).toMatch(/^every split of an experiment must list the same arms/);
    expect(r.hasErrors).toBe(false);
    expect(r.ir).toBeDefined();
  });

  it("a journey declared twice (J1005): the second declaration's splits are not compared", () => {
    const twice = one(`${FIRST}journey J {\n  on SiteVisited\n  split "subject" { A 50% { } B 50% { } }\n}\n`);
    expect(twice.diagnostics.map((d) => d.code)).toEqual(["J1005"]);
  });

  it("journeys and experiences alike: an experience's variant split against a journey's, and the other way round", () => {
    const experience = (arms: string) => `experience Hero {\n  surface "web://s/#hero"\n  format text\n  variant V { split "subject" { ${arms} } }\n}\n`;
    const x = one(`${FIRST}${experience('A 45% { content "a" } B 45% { content "b" } control 10% { content "" }')}`);
    expect(x.diagnostics).toEqual([]);
    const y = one(`${FIRST}${experience('A 45% { content "a" } B 55% { content "b" }')}`);
    expect(message(y)).toEqual([`${head}\`B\` is 55% here but 45% in ${at}; \`control\` of that split is missing here`]);
    // The experience first in the file: the journey's split is the later one.
    const z = one(`${PROFILE}${experience('A 50% { content "a" } B 50% { content "b" }')}${FIRST.slice(PROFILE.length)}`);
    expect(message(z)).toEqual([`${head}\`A\` is 45% here but 50% in the split at main.journey:12:15; \`B\` is 45% here but 50% in that split; \`control\` is not an arm of that split`]);
  });

  it("across files: the first split is the one of the first file by path, named by its path from the later one's folder", () => {
    const second = `journey K {\n  on SiteVisited\n  split "subject" { A 50% { } B 50% { } }\n}\n`;
    const files = [
      { path: "project/winback/k.journey", text: second },
      { path: "project/abandoned.journey", text: FIRST },
    ];
    const r = compile(files);
    expect(r.diagnostics.map((d) => d.file)).toEqual(["project/winback/k.journey"]);
    expect(`J3030 warning ${r.diagnostics[0]!.message}`).toBe(`${head}\`A\` is 50% here but 45% in the split at ../abandoned.journey:11:3; \`B\` is 50% here but 45% in that split; \`control\` of that split is missing here`);
    expect(r.diagnostics[0]!.related![0]!.file).toBe("project/abandoned.journey");
    // The order of the inputs does not matter, only the paths.
    expect(compile([...files].reverse()).diagnostics).toEqual(r.diagnostics);
  });

  it("compares every later split with the first, each reported once; a declaration recovered from a syntax error is left out", () => {
    const r = one(`${FIRST}journey K {\n  on SiteVisited\n  split "subject" { A 50% { } B 50% { } }\n  split "subject" { A 45% { } B 45% { } control 10% { } }\n  split "subject" { A 50% { } B 50% { } }\n}\n`);
    expect(r.diagnostics.map((d) => r.lineIndex("main.journey").position(d.span.start).line + 1)).toEqual([19, 21]);
    const broken = one(`${FIRST}journey K {\n  on SiteVisited\n  split "subject" { A 50% { } B 50% { } }\n  wait 1h +\n}\n`);
    expect(codesOf(broken)).toEqual(["J0005"]);
  });

  it("compares with what most splits agree on: when the first split is the odd one out, it alone is warned about", () => {
    const agreeing = `journey K {\n  on SiteVisited\n  split "subject" { A 50% { } B 50% { } }\n  split "subject" { A 50% { } B 50% { } }\n}\n`;
    const r = one(`${FIRST}${agreeing}`);
    expect(r.diagnostics.map((d) => r.lineIndex("main.journey").position(d.span.start).line + 1)).toEqual([11]);
    expect(message(r)).toEqual([`${head}\`A\` is 45% here but 50% in the split at main.journey:19:3; \`B\` is 45% here but 50% in that split; \`control\` is not an arm of that split`]);
    expect(r.diagnostics[0]!.related!.map((x) => x.message)).toEqual(['the split of experiment "subject" that most of its splits agree with']);
    const percentOnly = one(`${PROFILE}journey J {\n  on SiteVisited\n  split "subject" { A 60% { } B 40% { } }\n}\n${agreeing}`);
    expect(percentOnly.diagnostics[0]!.fix!.title).toBe("use the percentages most splits have (`A` 50%, `B` 50%)");
    expect(one(applyFix(percentOnly.files.get("main.journey")!.text, percentOnly.diagnostics[0]!)).diagnostics).toEqual([]);
  });
});

describe("a test's `expect profile` and `not contains`", () => {
  const project = (items: string) => one(`${PROFILE}test "t" {\n  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 1 } }\n${items}\n}\n`);

  it("checks field paths through records and literals against their types; the IR keeps path, operator and value in source order", () => {
    const r = project(`  expect at 3d profile "p1" where loyalty.tier == "gold" and loyalty.points != 0 and firstName == null\n    and email contains "@" and email not contains " "`);
    expect(shown(r)).toEqual([]);
    expect(r.ir!.tests[0]!.expectations).toEqual([
      {
        kind: "profile",
        atMs: 3 * 86_400_000,
        profileId: "p1",
        conditions: [
          { path: ["loyalty", "tier"], op: "==", value: { lit: "gold" } },
          { path: ["loyalty", "points"], op: "!=", value: { lit: 0 } },
          { path: ["firstName"], op: "==", value: { lit: null } },
          { path: ["email"], op: "contains", value: { lit: "@" } },
          { path: ["email"], op: "not contains", value: { lit: " " } },
        ],
        loc: [0, 11, 3, 12, 54],
      },
    ]);
  });

  it("an unknown field is J1004 with the close name as a fix; a literal of another type J2001; a tier not of the union J2001", () => {
    const r = project(`  expect profile "p1" where loyalty.tir == "gold"`);
    expect(shown(r)).toEqual(['J1004 "tir"']);
    expect(r.diagnostics[0]!.message).toBe("unknown field `tir` on `profile.loyalty`");
    expect(applyFix(r.files.get("main.journey")!.text, r.diagnostics[0]!)).toContain(`where loyalty.tier == "gold"`);
    expect(shown(project(`  expect profile "p1" where loyalty.tier == "platinum"`))).toEqual(['J2001 "\\"platinum\\""']);
    expect(shown(project(`  expect profile "p1" where loyalty == null`))).toEqual(["J2001 \"null\""]);
  });

  it("a field path's names are references to the profile's fields (hover, go to definition)", () => {
    const text = `${PROFILE}test "t" {\n  profile "p1" { email: "a@example.com", loyalty: { tier: "gold", points: 1 } }\n  expect profile "p1" where loyalty.points == 1\n}\n`;
    const r = compile([{ path: "main.journey", text }], { references: true });
    const at = text.indexOf("points == 1");
    const ref = r.checked.ctx.references.find((x) => x.file === "main.journey" && x.span.start === at);
    expect(ref?.kind).toBe("field");
    expect(ref?.target?.span.start).toBe(text.indexOf("points: int"));
  });

  it("warns of `html !=` (J6005), with `not contains` as the fix; `!=` on a subject and `html not contains` are fine", () => {
    const r = project(`  expect send email where html != "Hand Grinder" and subject != "Hi"`);
    expect(shown(r)).toEqual(['J6005 "!="']);
    expect(r.diagnostics[0]!.severity).toBe("warning");
    expect(r.diagnostics[0]!.help).toBe("to say the html does not mention a text, write `not contains`");
    expect(applyFix(r.files.get("main.journey")!.text, r.diagnostics[0]!)).toContain(`where html not contains "Hand Grinder" and subject != "Hi"`);
    const fine = project(`  expect send email where html not contains "Hand Grinder"`);
    expect(shown(fine)).toEqual([]);
    expect(fine.ir!.tests[0]!.expectations[0]).toMatchObject({ kind: "send", conditions: [{ field: "html", op: "not contains", value: { lit: "Hand Grinder" } }] });
  });

  it("refuses `contains \"\"` and `not contains \"\"` (J6001): every text contains the empty one", () => {
    const r = project(`  expect send email where html contains ""\n  expect send email where subject not contains ""`);
    expect(shown(r)).toEqual(['J6001 "\\"\\""', 'J6001 "\\"\\""']);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['every text contains the empty one: `contains ""` always holds', 'every text contains the empty one: `not contains ""` never does']);
  });
});

describe("a template's `locale` blocks", () => {
  /** The small profile, with the `locale` a block is chosen by. */
  const LOCALIZED_PROFILE = PROFILE.replace('timezone: string = "UTC"', 'timezone: string = "UTC"\n  locale?: string');
  /** A template `T(visit)` for `channel` with the given body, sent by a journey. */
  function localized(channel: string, body: string): string {
    const to = channel === "sms" ? " to profile.phone ?? \"\"" : " to profile.email";
    return `${LOCALIZED_PROFILE}template T(visit: SiteVisited) for ${channel} {\n${body}\n}\njourney J {\n  on SiteVisited as v\n  send ${channel} T(v)${to}\n}\n`;
  }

  it("J4020: blocks in a project whose profile declares no `locale` can never be chosen: a warning at the first block, with what to declare", () => {
    const text = localized("sms", '  text "Hi {{visit.url}}"\n  locale "sv" { text "Hej" }\n  locale "nb" { text "Hei" }').replace("\n  locale?: string", "");
    const r = one(text);
    expect(shown(r)).toEqual(['J4020 "locale"']);
    expect(r.diagnostics[0]).toMatchObject({ severity: "warning", span: spanOf(text, "locale"), help: 'declare it in `profile`: `locale?: string` (a BCP 47 tag such as "nb-NO")' });
  });

  it("a complete and a partial block compile clean: a block needs none of the channel's required fields", () => {
    const r = one(localized("email", '  subject "Hi"\n  html "<p>{{visit.url}}</p>"\n  locale "sv" { subject "Hej" html "<p>{{visit.url}}</p>" }\n  locale "nb-NO" { subject "Hei" }'));
    expect(shown(r)).toEqual([]);
    expect(r.ir!.templates["T"]!.locales).toEqual({
      "nb-NO": { subject: { template: "Hei", escape: "none" } },
      sv: { subject: { template: "Hej", escape: "none" }, html: { template: "<p>{{visit.url}}</p>", escape: "html" } },
    });
  });

  it("templates in a block are type-checked against the template's names, at the exact column", () => {
    const text = localized("sms", '  text "Hi {{visit.url}}"\n  locale "sv" { text "Hej {{visit.ur}} {{profile.frstName}} {{nope}}" }');
    const r = one(text);
    expect(shown(r)).toEqual(['J4003 "ur"', 'J4003 "frstName"', 'J4002 "nope"']);
    // The fix the template's own fields would get.
    expect(applyFix(text, r.diagnostics[0]!)).toContain('text "Hej {{visit.url}}');
  });

  it("a block's fields are checked as the channel's content: unknown (J3012, not also J4018), given twice (J7009), not a string (J4011)", () => {
    const r = one(localized("sms", '  text "Hi"\n  locale "sv" { txt "Hej" }\n  locale "da" { text "Hej" text "Hejsa" }\n  locale "fi" { text 42 }'));
    expect(shown(r).filter((d) => !d.startsWith("J4010"))).toEqual(['J3012 "txt"', 'J7009 "text"', 'J4011 "42"']);
    expect(applyFix(localized("sms", '  text "Hi"\n  locale "sv" { txt "Hej" }'), r.diagnostics.find((d) => d.code === "J3012")!)).toContain('locale "sv" { text "Hej" }');
  });

  it("a parameter only a block reads is used (no J4010); one nothing reads still is unused", () => {
    expect(shown(one(localized("sms", '  text "Hi"\n  locale "sv" { text "Hej {{visit.url}}" }')))).toEqual([]);
    expect(shown(one(localized("sms", '  text "Hi"\n  locale "sv" { text "Hej" }')))).toEqual(['J4010 "visit"']);
  });

  it("J4016: a tag Intl cannot read, or written as a name (with the fix that quotes it)", () => {
    expect(shown(one(localized("sms", '  text "Hi {{visit.url}}"\n  locale "en_GB" { text "Hiya" }')))).toEqual(['J4016 "\\"en_GB\\""']);
    const text = localized("sms", '  text "Hi {{visit.url}}"\n  locale sv { text "Hej" }');
    const r = one(text);
    expect(shown(r)).toEqual(['J4016 "sv"']);
    expect(r.diagnostics[0]!.message).toBe('`sv` is not a locale: a `locale` block names a BCP 47 language tag in a string, such as `"sv"` or `"nb-NO"`');
    expect(shown(one(applyFix(text, r.diagnostics[0]!)))).toEqual([]);
  });

  it("J4017: a tag given twice, ignoring case, at the second with the first as related", () => {
    const r = one(localized("sms", '  text "Hi {{visit.url}}"\n  locale "sv-SE" { text "Hej" }\n  locale "sv-se" { text "Hejsan" }\n  locale "sv" { text "Hej då" }'));
    expect(shown(r)).toEqual(['J4017 "\\"sv-se\\""']);
    expect(r.diagnostics[0]!.message).toBe("locale `sv-se` is given more than once in template `T`");
    const related = r.diagnostics[0]!.related![0]!;
    expect(r.files.get(related.file)!.text.slice(related.span.start, related.span.end)).toBe('"sv-SE"');
  });

  it("J4018: each field the template itself lacks, even where other blocks have it", () => {
    const r = one(localized("email", '  subject "Hi"\n  html "<p>{{visit.url}}</p>"\n  locale "sv" { subject "Hej" text "Hej" }\n  locale "da" { text "Hej" }'));
    expect(shown(r)).toEqual(['J4018 "text"', 'J4018 "text"']);
  });

  it("J4019 is a warning: the IR leaves the empty block out", () => {
    const r = one(localized("sms", '  text "Hi {{visit.url}}"\n  locale "de" {}'));
    expect(shown(r)).toEqual(['J4019 "locale \\"de\\""']);
    expect(r.hasErrors).toBe(false);
    expect(r.ir!.templates["T"]!.locales).toBeUndefined();
  });
});
