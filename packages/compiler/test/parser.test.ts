/** The parser: the AST of representative inputs, spans, comments, literals and precedence. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as A from "../src/syntax/ast.js";
import { parseFile, MAX_NESTING } from "../src/syntax/parse.js";
import { durationMs } from "../src/syntax/parser.js";
import { namedSplits } from "../src/syntax/splits.js";
import { decodeString, sourceOffset } from "../src/syntax/strings.js";
import { lexer } from "../src/syntax/tokens.js";
import { SPAN_KEYS } from "../src/syntax/walk.js";
import { briefExample, sampleFiles, spanOf } from "./support.js";

function parse(text: string): A.SourceFile {
  const r = parseFile("a.journey", text);
  expect(r.diagnostics).toEqual([]);
  return r.file;
}

function decl<K extends A.Declaration["kind"]>(file: A.SourceFile, kind: K, i = 0): Extract<A.Declaration, { kind: K }> {
  const d = file.declarations.filter((x) => x.kind === kind)[i];
  if (!d) throw new Error(`no ${kind} #${i}`);
  return d as Extract<A.Declaration, { kind: K }>;
}

/** The expression of `audience X = <source>`. */
function expr(source: string): { e: A.Expr; text: string; base: number } {
  const text = `audience X = ${source}\n`;
  const f = parse(text);
  return { e: decl(f, "AudienceDecl").condition, text, base: "audience X = ".length };
}

/** An expression as an S-expression: the shape precedence decides. */
function sexp(e: A.Expr): string {
  switch (e.kind) {
    case "Name":
      return e.name;
    case "Number":
      return String(e.value);
    case "String":
      return JSON.stringify(e.value);
    case "Bool":
      return String(e.value);
    case "Null":
      return "null";
    case "Unary":
      return `(${e.op} ${sexp(e.operand)})`;
    case "Binary":
      return `(${e.op} ${sexp(e.left)} ${sexp(e.right)})`;
    case "Member":
      return `${sexp(e.object)}.${e.property.name}`;
    case "Index":
      return `${sexp(e.object)}[${sexp(e.index)}]`;
    case "Call":
      return `${e.callee.name}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : "") + sexp(a.value)).join(", ")})`;
    case "List":
      return `[${e.items.map(sexp).join(", ")}]`;
    case "Record":
      return `{${e.entries.map((en) => `${en.name.name}: ${sexp(en.value)}`).join(", ")}}`;
    case "Conditional":
      return `(if ${sexp(e.condition)} ${sexp(e.then)} ${sexp(e.otherwise)})`;
    default:
      return e.kind;
  }
}

const slice = (text: string, s: A.Span) => text.slice(s.start, s.end);

describe("the brief example", () => {
  it("parses with no diagnostics into its twelve kinds of declaration", () => {
    const r = parseFile("brief.journey", briefExample());
    expect(r.diagnostics).toEqual([]);
    const kinds = r.file.declarations.map((d) => d.kind);
    expect(kinds).toEqual([
      "Profile",
      "TypeDecl",
      "EventDecl",
      "EventDecl",
      "EventDecl",
      "EventDecl",
      "CatalogDecl",
      "ChannelDecl",
      "FragmentDecl",
      "TemplateDecl",
      "JourneyDecl",
      "JourneyDecl",
      "AudienceDecl",
      "JourneyDecl",
      "ExperienceDecl",
      "TestDecl",
    ]);
  });

  it("gives every declaration a span from its keyword to its end, and a keyword span", () => {
    const text = briefExample();
    const f = parseFile("brief.journey", text).file;
    for (const d of f.declarations) {
      const kw = slice(text, d.keywordSpan);
      expect(["profile", "type", "event", "catalog", "channel", "fragment", "template", "journey", "audience", "experience", "test"]).toContain(kw);
      expect(d.span.start).toBe(d.keywordSpan.start);
      expect(d.span.end).toBeGreaterThan(d.keywordSpan.end);
    }
    const j = decl(f, "JourneyDecl");
    expect(slice(text, j.span).startsWith("journey AbandonedCart {")).toBe(true);
    expect(slice(text, j.span).endsWith("}")).toBe(true);
    expect(slice(text, j.name.span)).toBe("AbandonedCart");
  });
});

describe("declarations and their spans", () => {
  it("every span an AST holds is under a key walks and the formatter's check skip (SPAN_KEYS)", () => {
    // A span under another key would be walked as a node, and make the formatter refuse a file it only moved.
    const keys = new Set<string>();
    const corpus = new URL("./invalid/", import.meta.url);
    const mistakes = readdirSync(corpus).map((name) => ({ path: name, text: readFileSync(new URL(name, corpus), "utf8") }));
    for (const f of [{ path: "brief.journey", text: briefExample() }, ...sampleFiles(), ...mistakes]) {
      JSON.stringify(parseFile(f.path, f.text).file.declarations, (key, value: unknown) => {
        if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).join() === "start,end") keys.add(key);
        return value;
      });
    }
    expect([...keys].filter((k) => !SPAN_KEYS.has(k))).toEqual([]);
    expect(keys.has("errorSpan") && keys.has("providerSpan")).toBe(true);
  });

  it("a profile: fields, optional fields, defaults, record and union types", () => {
    const text = 'profile {\n  email: string\n  phone?: string\n  timezone: string = "UTC"\n  loyalty: { tier: "bronze" | "gold", points: int }\n}\n';
    const p = decl(parse(text), "Profile");
    expect(p.fields.map((f) => [f.name.name, f.optional])).toEqual([
      ["email", false],
      ["phone", true],
      ["timezone", false],
      ["loyalty", false],
    ]);
    expect(p.fields[0]!.name.span).toEqual(spanOf(text, "email"));
    expect(slice(text, p.fields[1]!.span)).toBe("phone?: string");
    expect(p.fields[2]!.default).toMatchObject({ kind: "String", value: "UTC", triple: false, span: spanOf(text, '"UTC"') });
    const loyalty = p.fields[3]!.type as A.RecordTypeExpr;
    expect(loyalty.kind).toBe("RecordType");
    expect(slice(text, loyalty.span)).toBe('{ tier: "bronze" | "gold", points: int }');
    const tier = loyalty.fields[0]!.type as A.UnionTypeExpr;
    expect(tier.kind).toBe("UnionType");
    expect(tier.members).toMatchObject([
      { kind: "LiteralType", value: "bronze" },
      { kind: "LiteralType", value: "gold" },
    ]);
    expect(slice(text, tier.span)).toBe('"bronze" | "gold"');
  });

  it("a generic type: list<T> with its argument", () => {
    const text = "event CartAbandoned { items: list<LineItem>, total: number }\n";
    const e = decl(parse(text), "EventDecl");
    const items = e.fields[0]!.type as A.NamedTypeExpr;
    expect(items.name.name).toBe("list");
    expect(items.args).toMatchObject([{ kind: "NamedType", name: { name: "LineItem" } }]);
    expect(slice(text, items.span)).toBe("list<LineItem>");
  });

  it("a catalog: the key field and the signals with their paths", () => {
    const text = "catalog Product {\n  key sku: string\n  key: string\n  signals {\n    cart CartAbandoned.items.sku\n  }\n}\n";
    const c = decl(parse(text), "CatalogDecl");
    expect(c.fields.map((f) => [f.name.name, f.isKey])).toEqual([
      ["sku", true],
      ["key", false], // a field may be called `key`
    ]);
    expect(c.signals).toHaveLength(1);
    const s = c.signals[0]!;
    expect(s.signal.name).toBe("cart");
    expect(s.event.name).toBe("CartAbandoned");
    expect(s.path.map((p) => p.name)).toEqual(["items", "sku"]);
    expect(slice(text, s.span)).toBe("cart CartAbandoned.items.sku");
  });

  it("keywords are names where they are not ambiguous: fields called `from`, `end` and `type`", () => {
    const f = decl(parse("event E { from: string, end: int, type: string }\n"), "EventDecl");
    expect(f.fields.map((x) => x.name.name)).toEqual(["from", "end", "type"]);
  });

  it("a channel: sender, cap and quiet hours", () => {
    const text = 'channel email {\n  from "Shop <hello@shop.example.com>"\n  cap 3 per 7d\n  quiet 21:00 to 08:00\n}\n';
    const c = decl(parse(text), "ChannelDecl");
    expect(c.name.name).toBe("email");
    expect(c.from).toMatchObject({ kind: "String", value: "Shop <hello@shop.example.com>" });
    expect(c.cap?.count).toMatchObject({ kind: "Number", value: 3, isInt: true });
    expect(c.cap?.per).toMatchObject({ kind: "Duration", ms: 7 * 86_400_000, text: "7d" });
    expect(slice(text, c.cap!.span)).toBe("cap 3 per 7d");
    expect(c.quiet?.from).toMatchObject({ kind: "TimeOfDay", minutes: 21 * 60, text: "21:00" });
    expect(c.quiet?.to).toMatchObject({ kind: "TimeOfDay", minutes: 8 * 60, text: "08:00" });
  });

  it("a template's `locale` blocks: tag, fields and spans, in source order among its own fields", () => {
    const text = [
      "template CartReminder(cart: CartAbandoned) for email {",
      '  subject "Your cart is waiting"',
      '  locale "sv" {',
      '    subject "Din varukorg väntar"',
      '    html """<p>Hej</p>"""',
      "  }",
      '  html "<p>Hi</p>",',
      '  locale "nb-NO" { subject "Handlekurven din venter" }',
      "}",
      "",
    ].join("\n");
    const t = decl(parse(text), "TemplateDecl");
    expect(t.fields.map((f) => f.name.name)).toEqual(["subject", "html"]);
    expect(t.locales.map((l) => (l.tag.kind === "String" ? l.tag.value : l.tag.kind))).toEqual(["sv", "nb-NO"]);
    const [sv, nb] = t.locales;
    expect(sv!.fields.map((f) => [f.name.name, f.value.kind === "String" ? f.value.value : ""])).toEqual([
      ["subject", "Din varukorg väntar"],
      ["html", "<p>Hej</p>"],
    ]);
    expect(slice(text, sv!.keywordSpan)).toBe("locale");
    expect(slice(text, sv!.tag.span)).toBe('"sv"');
    expect(slice(text, sv!.span)).toBe('locale "sv" {\n    subject "Din varukorg väntar"\n    html """<p>Hej</p>"""\n  }');
    expect(slice(text, nb!.span)).toBe('locale "nb-NO" { subject "Handlekurven din venter" }');
    expect(slice(text, nb!.fields[0]!.name.span)).toBe("subject");
  });

  it("`locale` is the block's word only before a `{`: elsewhere a name (a binding, a field, content without a block)", () => {
    const f = parse('journey J {\n  on E\n  let locale = profile.locale\n  send sms { text "{{locale}}" }\n}\ntemplate T() for sms { locale "sv" text "x" }\n');
    const j = decl(f, "JourneyDecl");
    expect(j.body.steps[0]).toMatchObject({ kind: "Let", name: { name: "locale" } });
    const t = decl(f, "TemplateDecl");
    expect(t.locales).toEqual([]);
    expect(t.fields.map((x) => x.name.name)).toEqual(["locale", "text"]);
  });

  it("a locale block's tag that is not a string still parses (the checker reports it)", () => {
    const t = decl(parse('template T() for sms { text "x" locale sv { text "y" } }\n'), "TemplateDecl");
    expect(t.locales[0]!.tag).toMatchObject({ kind: "Name", name: "sv" });
    expect(t.locales[0]!.fields.map((x) => x.name.name)).toEqual(["text"]);
  });

  it("an action: params, return type, method, URL, headers, timeout and retries", () => {
    const text = [
      'action Weather(city: string) -> { tempC: number, condition: "sun" | "rain" } {',
      '  get "https://weather.example.com/v1/now?city={{city}}"',
      '  headers { Authorization: secret("WEATHER_TOKEN") }',
      "  timeout 2s",
      "  retries 2",
      "}",
      "",
    ].join("\n");
    const a = decl(parse(text), "ActionDecl");
    expect(a.params.map((p) => p.name.name)).toEqual(["city"]);
    expect(a.returns?.kind).toBe("RecordType");
    expect(a.method?.name).toBe("get");
    expect(a.url?.value).toBe("https://weather.example.com/v1/now?city={{city}}");
    expect(a.headers?.entries.map((e) => [e.name.name, sexp(e.value)])).toEqual([["Authorization", 'secret("WEATHER_TOKEN")']]);
    expect(a.timeout).toMatchObject({ kind: "Duration", ms: 2000 });
    expect(a.retries).toMatchObject({ kind: "Number", value: 2 });
  });

  it("a journey: trigger, reentry, exit, goal and steps, each with its span", () => {
    const text = briefExample();
    const j = decl(parseFile("b", text).file, "JourneyDecl");
    expect(j.clauses.map((c) => c.kind)).toEqual(["OnEvent", "Reentry", "ExitOn", "Goal"]);
    const [on, reentry, exit, goal] = j.clauses as [A.TriggerClause, A.ReentryClause, A.ExitClause, A.GoalClause];
    expect(slice(text, on.span)).toBe("on CartAbandoned as cart where cart.total > 0");
    expect(on.kind === "OnEvent" && on.alias?.name).toBe("cart");
    expect(reentry.mode).toBe("after");
    expect(reentry.after).toMatchObject({ kind: "Duration", ms: 7 * 86_400_000 });
    expect(slice(text, reentry.modeSpan)).toBe("after");
    expect(slice(text, exit.span)).toBe("exit on OrderPlaced where event.cartId == cart.cartId");
    expect(goal.name.name).toBe("purchase");
    expect(goal.within).toMatchObject({ kind: "Duration", ms: 7 * 86_400_000 });
    expect(j.body.steps.map((s) => s.kind)).toEqual(["Wait", "If", "Recommend", "Send", "WaitFor"]);
    const rec = j.body.steps[2] as A.RecommendStep;
    expect(rec.name.name).toBe("recs");
    expect(sexp(rec.algorithm)).toBe("cartBased(cart.items.sku)");
    expect(sexp(rec.where!)).toBe("item.inStock");
    expect(rec.exclude.map(sexp)).toEqual(["purchased", "inCart"]);
    expect(rec.limit).toMatchObject({ kind: "Number", value: 4 });
    expect(sexp(rec.backup!)).toBe("popular(category: cart.items[0].category)");
    const send = j.body.steps[3] as A.SendStep;
    expect(send.channel.name).toBe("email");
    expect(send.template?.name.name).toBe("CartReminder");
    expect(send.template?.args.map((a) => sexp(a.value))).toEqual(["cart", "recs"]);
    expect(sexp(send.to!)).toBe("profile.email");
    const waitFor = j.body.steps[4] as A.WaitForStep;
    expect(waitFor.event.name).toBe("OrderPlaced");
    expect(waitFor.within).toMatchObject({ kind: "Duration", ms: 86_400_000 });
    expect(waitFor.body.steps.map((s) => s.kind)).toEqual(["End"]);
    expect(waitFor.timeout?.steps.map((s) => s.kind)).toEqual(["If"]);
    expect(slice(text, waitFor.span).startsWith("wait for OrderPlaced within 24h {")).toBe(true);
    expect(slice(text, waitFor.span).endsWith("}")).toBe(true);
  });

  it("schedule and audience triggers", () => {
    const f = parse("journey A {\n  on schedule every day at 10:00 for Dormant\n}\njourney B {\n  on schedule every 2w for Dormant\n}\njourney C {\n  on enter Dormant\n}\n");
    const [a, b, c] = f.declarations as A.JourneyDecl[];
    expect(a!.clauses[0]).toMatchObject({ kind: "OnSchedule", every: { name: "day" }, at: { minutes: 600, text: "10:00" }, audience: { name: "Dormant" } });
    expect(b!.clauses[0]).toMatchObject({ kind: "OnSchedule", every: { kind: "Duration", ms: 14 * 86_400_000 } });
    expect(c!.clauses[0]).toMatchObject({ kind: "OnAudience", audience: { name: "Dormant" } });
  });

  it("a monthly schedule: `every month`, then `on <day>` before `at`", () => {
    const text = "journey A {\n  on schedule every month on 31 at 09:00 for Dormant\n}\njourney B {\n  on schedule every month for Dormant\n}\n";
    const [a, b] = parse(text).declarations as A.JourneyDecl[];
    expect(a!.clauses[0]).toMatchObject({ kind: "OnSchedule", every: { name: "month" }, day: { kind: "Number", value: 31, isInt: true }, at: { text: "09:00" }, audience: { name: "Dormant" } });
    expect((a!.clauses[0] as { day: A.Expr }).day.span).toEqual(spanOf(text, "31"));
    expect(b!.clauses[0]).toMatchObject({ kind: "OnSchedule", every: { name: "month" }, audience: { name: "Dormant" } });
    expect(b!.clauses[0]).not.toHaveProperty("day");
  });

  it("a split: the experiment name, labels, percentages and their spans", () => {
    const text = 'journey J {\n  on E\n  split "subject" {\n    A 45% { end }\n    B 45.5% { }\n    control 9.5% { }\n  }\n}\n';
    const s = decl(parse(text), "JourneyDecl").body.steps[0] as A.SplitStep;
    expect(s.kind).toBe("Split");
    expect(s.experiment?.value).toBe("subject");
    expect(s.arms.map((a) => [a.label.name, a.percent])).toEqual([
      ["A", 45],
      ["B", 45.5],
      ["control", 9.5],
    ]);
    expect(s.arms[0]!.percentSpan).toEqual(spanOf(text, "45%"));
    expect(slice(text, s.arms[0]!.span)).toBe("A 45% { end }");
  });

  it("every kind of step", () => {
    const text = [
      "journey J {",
      "  on E as e",
      "  wait 1h30m",
      "  wait until atTime(now(), \"09:00\", profile.timezone)",
      "  let n = 1",
      "  set profile.points = n + 1",
      "  repeat 3 every 1d { wait 1h }",
      "  call Weather(\"Oslo\") as w on error { end }",
      "  if a { end } else if b { wait 1h } else { jump to Other }",
      "  send push { title \"t\" body \"b\" data { id: e.id } } to profile.email",
      "  end",
      "}",
      "",
    ].join("\n");
    const steps = decl(parse(text), "JourneyDecl").body.steps;
    expect(steps.map((s) => s.kind)).toEqual(["Wait", "WaitUntil", "Let", "Set", "Repeat", "CallAction", "If", "Send", "End"]);
    expect((steps[0] as A.WaitStep).duration).toMatchObject({ kind: "Duration", ms: 5_400_000, text: "1h30m" });
    expect(sexp((steps[3] as A.SetStep).target)).toBe("profile.points");
    expect((steps[4] as A.RepeatStep).every).toMatchObject({ ms: 86_400_000 });
    const call = steps[5] as A.CallStep;
    expect([call.action.name, call.alias?.name, call.onError?.steps.length]).toEqual(["Weather", "w", 1]);
    const iff = steps[6] as A.IfStep;
    expect(iff.branches.map((b) => sexp(b.condition))).toEqual(["a", "b"]);
    expect(iff.else?.steps[0]).toMatchObject({ kind: "Jump", journey: { name: "Other" } });
    const send = steps[7] as A.SendStep;
    expect(send.content?.map((c) => c.name.name)).toEqual(["title", "body", "data"]);
    expect(steps[8]!.span).toEqual({ start: text.lastIndexOf("end"), end: text.lastIndexOf("end") + 3 });
  });

  it("an experience: surface, format, context, active period and variants", () => {
    const text = [
      "experience Hero {",
      '  surface "web://shop.example.com/#hero"',
      "  format json",
      "  priority 2",
      "  context { locale: string }",
      "  active from 2026-12-01 to 2026-12-24T23:59:59Z",
      '  variant Gold when profile.loyalty.tier == "gold" { content "{}" }',
      '  variant Test { split "x" { A 50% { content "1" } B 50% { } } }',
      '  variant Default { content """{"a": 1}""" }',
      "}",
      "",
    ].join("\n");
    const x = decl(parse(text), "ExperienceDecl");
    expect(x.items.map((i) => i.kind)).toEqual(["Surface", "Format", "Priority", "Context", "Active", "Variant", "Variant", "Variant"]);
    const active = x.items[4] as { kind: "Active"; period: A.ActivePeriod };
    expect(active.period.from).toMatchObject({ kind: "DateTime", text: "2026-12-01", dateOnly: true });
    expect(active.period.to).toMatchObject({ kind: "DateTime", text: "2026-12-24T23:59:59Z", dateOnly: false });
    const [gold, test, dflt] = x.items.slice(5) as A.VariantDecl[];
    expect(sexp(gold!.when!)).toBe('(== profile.loyalty.tier "gold")');
    expect(test!.split?.arms.map((a) => [a.label.name, a.percent, a.content?.value.kind])).toEqual([
      ["A", 50, "String"],
      ["B", 50, undefined],
    ]);
    expect(dflt!.content?.value).toMatchObject({ kind: "String", triple: true, value: '{"a": 1}' });
  });

  it("a test: profile, catalog, events and expectations", () => {
    const t = decl(parseFile("b", briefExample()).file, "TestDecl");
    expect(t.name.value).toBe("cart reminder goes out after four hours");
    expect(t.items.map((i) => i.kind)).toEqual(["TestProfile", "TestCatalog", "TestEvent", "ExpectSend", "ExpectSend"]);
    const ev = t.items[2] as Extract<A.TestItem, { kind: "TestEvent" }>;
    expect(ev.at).toMatchObject({ kind: "Duration", ms: 0 });
    expect(ev.profileId.value).toBe("p1");
    expect(ev.event.name).toBe("CartAbandoned");
    const first = t.items[3] as A.SendExpectation;
    expect(first).toMatchObject({ negated: false, at: { ms: 4 * 3_600_000 }, channel: { name: "email" } });
    expect(first.conditions.map((c) => [c.field.name, c.op, sexp(c.value)])).toEqual([["subject", "contains", '"Ana"']]);
    expect(t.items[4]).toMatchObject({ kind: "ExpectSend", negated: true, channel: { name: "sms" } });
  });

  it("a test's `split \"experiment\" Arm for \"id\"`: the arm may be a keyword-like label (`control`)", () => {
    const text = 'test "t" {\n  split "winback-subject" control for "p1"\n  split "x" A for\n    "p2"\n}\n';
    const t = decl(parse(text), "TestDecl");
    expect(t.items.map((i) => i.kind)).toEqual(["TestSplit", "TestSplit"]);
    const [first, second] = t.items as Extract<A.TestItem, { kind: "TestSplit" }>[];
    expect([first!.experiment?.value, first!.arm?.name, first!.profileId?.value]).toEqual(["winback-subject", "control", "p1"]);
    expect(text.slice(first!.span.start, first!.span.end)).toBe('split "winback-subject" control for "p1"');
    expect([second!.experiment?.value, second!.arm?.name, second!.profileId?.value]).toEqual(["x", "A", "p2"]);
  });

  it("a test's `split` item still being typed ends where the next item starts: no syntax error (the checker says what is missing), the next items parsed", () => {
    const items = (body: string) => {
      const r = parseFile("t", `test "t" {\n${body}\n}\n`);
      expect(r.diagnostics).toEqual([]);
      const t = decl(r.file, "TestDecl");
      expect(t.recovered).toBeUndefined();
      return t.items.map((i) => (i.kind === "TestSplit" ? `split ${i.experiment?.value ?? "-"} arm=${i.arm?.name ?? "-"} for=${i.forSpan ? "yes" : "no"} id=${i.profileId?.value ?? "-"}` : i.kind));
    };
    expect(items('  split "x"\n  at 0m "p1" E { }\n  expect no send email')).toEqual(["split x arm=- for=no id=-", "TestEvent", "ExpectSend"]);
    expect(items('  split "x" A\n  expect no send email')).toEqual(["split x arm=A for=no id=-", "ExpectSend"]);
    expect(items('  split "x" A for\n  split "y" B for "p2"')).toEqual(["split x arm=A for=yes id=-", "split y arm=B for=yes id=p2"]);
    expect(items('  split "x" for "p1"\n  start 2026-01-05T09:00:00Z')).toEqual(["split x arm=- for=yes id=p1", "TestStart"]);
    expect(items('  split "x"\n  profile "p1" { }\n  catalog Product []')).toEqual(["split x arm=- for=no id=-", "TestProfile", "TestCatalog"]);
    expect(items('  split "x"')).toEqual(["split x arm=- for=no id=-"]);
    // A word that starts an item is the arm when `for` follows it; `for` itself too.
    expect(items('  split "x" at for "p1"\n  split "x" for for "p2"')).toEqual(["split x arm=at for=yes id=p1", "split x arm=for for=yes id=p2"]);
    const text = 'test "t" {\n  split "x" A\n  expect no send email\n}\n';
    const item = decl(parse(text), "TestDecl").items[0]!;
    expect(text.slice(item.span.start, item.span.end)).toBe('split "x" A');
  });

  it("the named splits a test may choose arms of: in every kind of block, however deep; unnamed ones left out", () => {
    const file = parse(`journey J {
  on E
  split "top" { A 50% { split "inArm" { X 50% { } Y 50% { } } } B 50% { } }
  if true { split "inIf" { A 100% { } } } else { split "inElse" { A 100% { } } }
  wait for E within 1d { split "inWait" { A 100% { } } } timeout { split "inTimeout" { A 100% { } } }
  repeat 2 { split "inRepeat" { A 100% { } } }
  call Act() on error { split "inError" { A 100% { } } }
  split { A 100% { } }
}
experience X {
  surface "s"
  variant V { split "inVariant" { A 50% { content "a" } B 50% { content "b" } } }
}
`);
    const names = file.declarations.flatMap((d) => namedSplits(d).map((s) => `${s.experiment.value}:${s.arms.map((a) => a.label.name).join(",")}`));
    expect(names).toEqual(["top:A,B", "inArm:X,Y", "inIf:A", "inElse:A", "inWait:A", "inTimeout:A", "inRepeat:A", "inError:A", "inVariant:A,B"]);
  });
});

describe("comments", () => {
  const text = [
    "/// A shopper.",
    "/// Kept by the profile store.",
    "profile {",
    "  /// Where email goes.",
    "  email: string // always present",
    "  /* legacy */ phone?: string",
    "}",
    "// a plain comment does not document",
    "event E { x: int }",
    "/// documents F",
    "",
    "event F { y: int }",
    "",
  ].join("\n");

  it("are all collected, with their kind, text and span", () => {
    const f = parse(text);
    expect(f.comments.map((c) => [c.kind, c.text])).toEqual([
      ["doc", "/// A shopper."],
      ["doc", "/// Kept by the profile store."],
      ["doc", "/// Where email goes."],
      ["line", "// always present"],
      ["block", "/* legacy */"],
      ["line", "// a plain comment does not document"],
      ["doc", "/// documents F"],
    ]);
    for (const c of f.comments) expect(slice(text, c.span)).toBe(c.text);
  });

  it("`///` documents the next declaration or field; consecutive lines are joined", () => {
    const f = parse(text);
    const p = decl(f, "Profile");
    expect(p.doc).toBe("A shopper.\nKept by the profile store.");
    expect(p.fields[0]!.doc).toBe("Where email goes.");
    expect(p.fields[1]!.doc).toBeUndefined();
    expect(decl(f, "EventDecl", 0).doc).toBeUndefined();
    expect(decl(f, "EventDecl", 1).doc).toBe("documents F");
  });

  it("`///` above a leading comma documents the item after the comma", () => {
    const e = decl(parse("event E { sku: string\n/// Its group.\n, category: string }\n"), "EventDecl");
    expect(e.fields.map((f) => f.doc)).toEqual([undefined, "Its group."]);
  });

  it("do not change the AST", () => {
    const plain = parse("profile {\n  email: string\n}\n");
    const commented = parse("profile { /* a */\n  email: string // b\n}\n");
    expect(decl(commented, "Profile").fields.map((x) => x.name.name)).toEqual(decl(plain, "Profile").fields.map((x) => x.name.name));
  });
});

describe("literals", () => {
  it("a list may end with a comma; two commas in a row are an error", () => {
    for (const src of ["[1, 2, 3,]", "[1, 2, 3]", "[1,]", "[]"]) {
      const { e } = expr(src);
      expect(e.kind, src).toBe("List");
      expect((e as A.ListExpr).items.length, src).toBe(src === "[]" ? 0 : src === "[1,]" ? 1 : 3);
    }
    expect(parseFile("x.journey", "audience X = [1,, 2]\n").diagnostics.map((d) => d.code)).toEqual(["J0005"]);
  });

  it.each([
    ["30s", 30_000],
    ["15m", 900_000],
    ["4h", 14_400_000],
    ["7d", 604_800_000],
    ["2w", 1_209_600_000],
    ["1h30m", 5_400_000],
    ["500ms", 500],
    ["1d12h", 129_600_000],
  ])("duration %s is %i ms", (text, ms) => {
    expect(expr(text).e).toMatchObject({ kind: "Duration", ms, text });
    expect(durationMs(text)).toBe(ms);
  });

  it("numbers: ints and fractions", () => {
    expect(expr("42").e).toMatchObject({ kind: "Number", value: 42, isInt: true });
    expect(expr("3.5").e).toMatchObject({ kind: "Number", value: 3.5, isInt: false });
  });

  it("dates and instants", () => {
    expect(expr("2026-12-01").e).toMatchObject({ kind: "DateTime", text: "2026-12-01", dateOnly: true });
    expect(expr("2026-12-01T09:00:00Z").e).toMatchObject({ kind: "DateTime", text: "2026-12-01T09:00:00Z", dateOnly: false });
    expect(expr("2026-12-01T09:00+02:00").e).toMatchObject({ kind: "DateTime", dateOnly: false });
  });

  it("times of day, in minutes after midnight", () => {
    expect(expr("10:00").e).toMatchObject({ kind: "TimeOfDay", minutes: 600, text: "10:00" });
    expect(expr("8:30").e).toMatchObject({ kind: "TimeOfDay", minutes: 510 });
    expect(expr("23:59").e).toMatchObject({ kind: "TimeOfDay", minutes: 1439 });
  });

  it("percentages are tokens of their own", () => {
    const toks = lexer.tokenize("45% 12.5%").tokens;
    expect(toks.map((t) => [t.tokenType.name, t.image])).toEqual([
      ["PercentLit", "45%"],
      ["PercentLit", "12.5%"],
    ]);
  });

  it("booleans, null, lists and records", () => {
    expect(sexp(expr('[1, 2, 3]').e)).toBe("[1, 2, 3]");
    expect(sexp(expr('{ a: true, b: null, c: "x" }').e)).toBe('{a: true, b: null, c: "x"}');
    expect(sexp(expr("{ a: 1\n b: 2 }").e)).toBe("{a: 1, b: 2}"); // a newline stands for a comma
  });

  it('"…" strings decode JSON escapes', () => {
    const { e } = expr(String.raw`"a\"b\\c\/d\n\t\u0041"`);
    expect(e).toMatchObject({ kind: "String", triple: false, value: 'a"b\\c/d\n\tA' });
  });

  it('"""…""" strings are raw: no escapes', () => {
    const { e } = expr(String.raw`"""a\nb \"c\" """`);
    expect(e).toMatchObject({ kind: "String", triple: true, value: String.raw`a\nb \"c\" ` });
  });

  it('"""…""" strings drop an empty first and last line and their common indentation', () => {
    const text = 'fragment F """\n    <h1>Title</h1>\n      <p>indented</p>\n\n    <p>end</p>\n  """\n';
    const f = decl(parse(text), "FragmentDecl");
    expect(f.body).toMatchObject({ kind: "String", triple: true, value: "<h1>Title</h1>\n  <p>indented</p>\n\n<p>end</p>" });
  });

  it('a one-line """…""" keeps its spaces', () => {
    const f = decl(parse('fragment F """  <p>x</p>  """\n'), "FragmentDecl");
    expect((f.body as A.StringExpr).value).toBe("  <p>x</p>  ");
  });

  it("maps every decoded character back to its source offset (escapes and dedent)", () => {
    const raw = String.raw`"a\"{{x}}"`;
    const d = decodeString(raw, 100, true);
    expect(d.value).toBe('a"{{x}}');
    expect(sourceOffset(d.map!, d.value.indexOf("x"))).toBe(100 + raw.indexOf("x"));
    const triple = '"""\n      <p>{{y}}</p>\n      <p>z</p>\n    """';
    const t = decodeString(triple, 10, true);
    expect(t.value).toBe("<p>{{y}}</p>\n<p>z</p>");
    expect(sourceOffset(t.map!, t.value.indexOf("y"))).toBe(10 + triple.indexOf("y"));
  });
});

describe("operator precedence", () => {
  it("a or b and not c == d ?? e + f * -g", () => {
    expect(sexp(expr("a or b and not c == d ?? e + f * -g").e)).toBe("(or a (and b (not (== c (?? d (+ e (* f (- g))))))))");
  });

  it.each([
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b % c", "(% (/ a b) c)"],
    ["a ?? b ?? c", "(?? (?? a b) c)"],
    ["a ?? b == c", "(== (?? a b) c)"],
    ["a in b and c", "(and (in a b) c)"],
    ["not a and b", "(and (not a) b)"],
    ["not not a", "(not (not a))"],
    ["a or b or c", "(or (or a b) c)"],
    ["(a or b) and c", "(and (or a b) c)"],
    ["- a.b[0].c", "(- a.b[0].c)"],
    ["length(cart.items) > 0", "(> length(cart.items) 0)"],
    ["popular(by: views, window: 14d)", "popular(by: views, window: Duration)"],
    // A conditional is an operand whose last value runs as far as the expression goes.
    ["if a then b else c", "(if a b c)"],
    ["if a then b else c + d", "(if a b (+ c d))"],
    ["(if a then b else c) + d", "(+ (if a b c) d)"],
    ["x + if a then b else c", "(+ x (if a b c))"],
    ["if a and b then 1 else if c then 2 else 3", "(if (and a b) 1 (if c 2 3))"],
    ["if if a then b else c then 1 else 2", "(if (if a b c) 1 2)"],
    ["if x == { a: 1 } then [1] else f(if y then 2 else 3)", "(if (== x {a: 1}) [1] f((if y 2 3)))"],
    ["not if a then b else c", "(not (if a b c))"],
    // A record inside brackets, or where a value goes, is no block: the `then` after it counts.
    ["if contains([{ a: 1 }], r) then 1 else 2", "(if contains([{a: 1}], r) 1 2)"],
    ["if ({ a: 1 }) == r then 1 else 2", "(if (== {a: 1} r) 1 2)"],
    ["if { a: 1 } == r then 1 else 2", "(if (== {a: 1} r) 1 2)"],
    ["if if a then { b: 1 } else { b: 2 } == r then 1 else 2", "(if (if a {b: 1} (== {b: 2} r)) 1 2)"],
  ])("%s", (source, shape) => {
    expect(sexp(expr(source).e)).toBe(shape);
  });

  it("binary nodes span their operands and point at their operator", () => {
    const { e, text } = expr("profile.a + 2 * 3");
    const b = e as A.BinaryExpr;
    expect(slice(text, b.span)).toBe("profile.a + 2 * 3");
    expect(slice(text, b.opSpan)).toBe("+");
    expect(slice(text, (b.right as A.BinaryExpr).span)).toBe("2 * 3");
    expect(slice(text, (b.left as A.MemberExpr).property.span)).toBe("a");
  });

  it("member, index and call nodes have the smallest spans", () => {
    const { e, text } = expr("cart.items[0].category");
    const m = e as A.MemberExpr;
    expect(slice(text, m.span)).toBe("cart.items[0].category");
    const idx = m.object as A.IndexExpr;
    expect(idx.kind).toBe("Index");
    expect(slice(text, idx.span)).toBe("cart.items[0]");
    expect(slice(text, idx.index.span)).toBe("0");
    const call = expr("daysSince(profile.lastActiveAt) >= 30").e as A.BinaryExpr;
    expect(slice(expr("daysSince(profile.lastActiveAt) >= 30").text, (call.left as A.CallExpr).span)).toBe("daysSince(profile.lastActiveAt)");
    expect((call.left as A.CallExpr).callee.name).toBe("daysSince");
  });
});

describe("conditional values", () => {
  it("span from `if` to the end of the last value, and point at `then` and `else`", () => {
    const { e, text } = expr("if profile.vip then 20 else 10");
    const c = e as A.ConditionalExpr;
    expect([slice(text, c.span), slice(text, c.thenSpan), slice(text, c.elseSpan), slice(text, c.otherwise.span)]).toEqual(["if profile.vip then 20 else 10", "then", "else", "10"]);
  });

  it("an `if` with no `then` where a value goes stays an `if` step: one error, at the `if`, as while typing `let x =`", () => {
    const text = "journey J {\n  on E\n  let x =\n  if a { end }\n  wait 1h\n}\n";
    const r = parseFile("a.journey", text);
    expect(r.diagnostics.map((d) => [d.message, slice(text, d.span)])).toEqual([
      ["unexpected `if`: expected an expression (a value that depends on a condition is `if c then a else b`)", "if"],
    ]);
    const steps = decl(r.file, "JourneyDecl").body.steps.map((s) => s.kind);
    expect(steps).toContain("If");
    expect(steps).toContain("Wait");
  });

  it("a missing `then` is named, once, wherever the conditional is (its `else` shows it is one)", () => {
    for (const line of ["let x = if a 1 else 2", "if if a true else false { end }", "wait until if a b else c", "let x = if a then 1 else if b 2 else 3"]) {
      const text = `journey J {\n  on E\n  ${line}\n  wait 1h\n}\n`;
      const r = parseFile("a.journey", text);
      expect(r.diagnostics.map((d) => d.message), line).toHaveLength(1);
      expect(r.diagnostics[0]!.message, line).toMatch(/^expected `then`, found /);
    }
  });

  it("a missing `else` is named", () => {
    const text = "journey J {\n  on E\n  let x = if a then 1\n  wait 1h\n}\n";
    const r = parseFile("a.journey", text);
    expect(r.diagnostics.map((d) => d.message)).toEqual(["expected `else`, found `wait`"]);
  });
});

describe("syntax errors", () => {
  it("are phrased for people and point at the token", () => {
    const text = "journey J {\n  on E\n  let x 5\n}\n";
    const r = parseFile("a.journey", text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "J0005", severity: "error", file: "a.journey", span: spanOf(text, "5") });
    expect(r.diagnostics[0]!.message).toBe("expected `=`, found `5`");
  });

  it("name what was expected from the rule being read", () => {
    const text = "journey J {\n  on E\n  wait\n}\n";
    const r = parseFile("a.journey", text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.span).toEqual({ start: text.lastIndexOf("}"), end: text.lastIndexOf("}") + 1 });
    expect(r.diagnostics[0]!.message).toBe("unexpected `}`: expected a duration, `until <time>` or `for <Event>` after `wait`");
  });

  it("a time of day written otherwise than `HH:MM` says how to write it, with the fix when it means one", () => {
    const at = (time: string) => {
      const text = `journey J {\n  on E\n  wait until ${time}\n}\n`;
      const [d] = parseFile("a.journey", text).diagnostics;
      return [d!.message, text.slice(d!.span.start, d!.span.end), d!.fix?.edits[0]!.newText];
    };
    const how = "(hours 00 to 23, two digits for the minutes, no seconds)";
    expect(at("9:5")).toEqual([`\`9:5\` is not a time of day: write it \`HH:MM\`, \`09:05\` ${how}`, "9:5", "09:05"]);
    expect(at("009:00")).toEqual([`\`009:00\` is not a time of day: write it \`HH:MM\`, \`09:00\` ${how}`, "009:00", "09:00"]);
    expect(at("12:00:00")).toEqual([`\`12:00:00\` is not a time of day: write it \`HH:MM\`, \`12:00\` ${how}`, "12:00:00", "12:00"]);
    expect(at("99:5")).toEqual([`\`99:5\` is not a time of day: write it \`HH:MM\` ${how}`, "99:5", undefined]);
    expect(parseFile("a.journey", "journey J {\n  on E\n  wait until 9:05\n}\n").diagnostics).toEqual([]);
  });

  it("a word a block does not take names what the block takes (every item the grammar has), not only the `}`", () => {
    const message = (text: string) => parseFile("a.journey", text).diagnostics.map((d) => [d.message, d.related]);
    expect(message('test "t" {\n  wait 1h\n}\n')).toEqual([["unexpected `wait`: expected `start`, `profile`, `catalog`, `at`, `split`, `respond` or `expect`, or `}`", undefined]]);
    expect(message('test "t" {\n  expect maybe send email\n}\n')).toEqual([["unexpected `maybe`: expected `send`, `suppressed`, `ended`, `goal`, `profile`, `call` or `decide` after `expect` (and its optional `at <offset>` and `no`)", undefined]]);
    expect(message("journey J {\n  on E\n  if true {\n    foo\n  }\n}\n")[0]![0]).toBe("unexpected `foo`: expected a step (`wait`, `if`, `split`, `send`, `recommend`, `call`, `let`, `set`, `repeat`, `jump to` or `end`), or `}`");
    expect(message("channel email {\n  5\n}\n")[0]![0]).toBe("unexpected `5`: expected `from`, `cap`, `quiet` or `consent`, or `}`");
    const experience = (variant: string) => `experience X {\n  surface "web://x"\n  format text\n  variant V {\n    ${variant}\n  }\n}\n`;
    expect(message(experience("foo"))[0]![0]).toBe("unexpected `foo`: expected `content` or `split` in a variant, or `}`");
    expect(message(experience('content "a"\n    content "b"'))[0]![0]).toBe("unexpected `content`: a variant holds one `content` or one `split` of contents (another content is another variant, with its own `when`)");
    // A declaration where an item goes is a `}` left out: said so, with the `{` it would close.
    const unclosed = message("journey J {\n  on E\n  wait 1h\njourney K {\n}\n");
    expect(unclosed.map(([m]) => m)).toEqual(["expected `}`, found `journey`"]);
    expect(unclosed[0]![1]).toHaveLength(1);
  });

  it("nesting deeper than the limit is refused before parsing", () => {
    const ok = `audience A = ${"(".repeat(MAX_NESTING)}true${")".repeat(MAX_NESTING)}\n`;
    expect(parseFile("a", ok).diagnostics).toEqual([]);
    const deep = `audience A = ${"[".repeat(MAX_NESTING + 1)}${"]".repeat(MAX_NESTING + 1)}\n`;
    const r = parseFile("a", deep);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0007"]);
    expect(r.diagnostics[0]!.span.start).toBe("audience A = ".length + MAX_NESTING);
  });

  it("an unexpected character is marked whole: an emoji is two UTF-16 units, a run is one diagnostic", () => {
    const slices = (text: string) => parseFile("a", text).diagnostics.filter((d) => d.code === "J0001").map((d) => [d.message, slice(text, d.span)]);
    expect(slices("profile { email: string }\n😀\n")).toEqual([["unexpected character `😀`", "😀"]]);
    expect(slices("profile { email: string }\n中文\n")).toEqual([["unexpected character `中文`", "中文"]]);
    // A long run is named by its first 20 characters, never cut inside one.
    expect(slices(`profile { email: string }\n${"😀".repeat(25)}\n`)).toEqual([[`unexpected character \`${"😀".repeat(20)}…\``, "😀".repeat(20)]]);
  });

  it("a byte order mark is white space, at the start (an editor may keep it in the text) or anywhere", () => {
    const text = "\uFEFFprofile { email: string }\n\uFEFFevent E { id: string }\n";
    const r = parseFile("a", text);
    expect(r.diagnostics).toEqual([]);
    expect(r.file.declarations.map((d) => slice(text, d.span).split(" ")[0])).toEqual(["profile", "event"]);
  });

  it("an empty file is an empty AST", () => {
    expect(parseFile("a", "")).toEqual({ file: { path: "a", text: "", declarations: [], comments: [] }, diagnostics: [] });
    expect(parseFile("a", "// only a comment\n").file.declarations).toEqual([]);
  });
});
