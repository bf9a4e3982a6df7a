/** Hover: types, doc comments, declarations, durations, schedules and built-ins. */
import { describe, expect, it } from "vitest";
import { SCHEMA, workspace } from "../support.js";

function hover(src: string, extra: Record<string, string> = {}) {
  const { ws, path, offset } = workspace({ "schema.journey": SCHEMA, ...extra, "main.journey": src });
  return ws.hover(path, offset);
}
const text = (src: string, extra?: Record<string, string>) => hover(src, extra)?.contents;

const journey = (body: string) => `journey J {\n  on CartAbandoned as cart\n${body}\n}\n`;

describe("hover", () => {
  it("shows a field's type and doc comment", () => {
    expect(text(journey("  send email { subject \"x\" text \"y\" } to profile.em<|>ail"))).toBe("```journey\n(field) email: string\n```\n\nDeclared (in profile)\n\n---\n\nWhere email goes.");
  });

  it("shows the fields of a channel's `consent`", () => {
    expect(text("channel sms {\n  consent profile.consent.s<|>ms\n}\n")).toContain("(field) sms: bool");
    expect(text("channel sms {\n  consent prof<|>ile.consent.sms\n}\n")).toContain("profile");
    expect(text("channel s<|>ms {\n  cap 1 per 7d\n  consent profile.consent.sms\n    and profile.phone != null\n}\n")).toContain("channel sms\n  cap 1 per 7d\n  consent profile.consent.sms and profile.phone != null");
  });

  it("shows optional fields with `?` and the span of the name", () => {
    const src = journey("  if profile.first<|>Name != null { end }");
    const h = hover(src)!;
    expect(h.contents).toContain("(field) firstName: string?");
    const at = src.replace("<|>", "").indexOf("firstName");
    expect(h.span).toEqual({ start: at, end: at + "firstName".length });
  });

  it("shows an optional field where a null check holds as not null, with how it is declared", () => {
    const narrowed = "```journey\n(field) firstName: string\n```\n\nDeclared (in profile as `string?`; not null here)";
    expect(text(journey("  if profile.firstName != null {\n    let m = profile.first<|>Name\n  }"))).toContain(narrowed);
    expect(text(journey('  let n = if profile.firstName != null then profile.first<|>Name else "x"'))).toContain(narrowed);
    // Without the check (and in the check itself) it may be null.
    expect(text(journey("  let m = profile.first<|>Name"))).toContain("(field) firstName: string?\n```\n\nDeclared (in profile)");
  });

  it("shows what a content field holds: in a send, a template, and a test's `expect send … where`", () => {
    const subject = "```journey\n(content) subject: template\n```\n\nA content field of `email`: The subject line (plain text).";
    expect(text(journey('  send email { sub<|>ject "x" text "y" } to profile.email'))).toBe(subject);
    expect(text('template T() for email {\n  sub<|>ject "x"\n  text "y"\n}\n')).toBe(subject);
    const t = 'test "t" {\n  at 0m "p1" CartAbandoned { cartId: "c", items: [], total: 1 }\n  expect send sms where te<|>xt contains "x"\n}\n';
    expect(text(t, { "j.journey": journey('  send sms { text "x" } to "+46"') })).toContain("A content field of `sms`: The message text.");
  });

  it("shows the profile's fields in a test's `expect profile … where`, as in an expression", () => {
    const t = (condition: string) => `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n  expect profile "p1" where ${condition}\n}\n`;
    expect(text(t("consent.s<|>ms == false"))).toContain("(field) sms: bool");
    expect(text(t('em<|>ail contains "@"'))).toContain("Where email goes.");
  });

  it("shows the action, its parameters (and their fields) and the answer's fields in a test's `respond` and `expect call`", () => {
    const voucher = {
      "v.journey": 'type Customer {\n  /// Where the voucher goes.\n  email: string\n}\n/// Gives a customer a voucher.\naction IssueVoucher(customer: Customer, percent: int) -> { code: string } {\n  post "https://v.example.com/"\n  body { percent: percent }\n}\n',
    };
    const t = (line: string) => `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n${line}\n}\n`;
    const action = "```journey\naction IssueVoucher(customer: Customer, percent: int) -> { code: string }\n```\n\n---\n\nGives a customer a voucher.";
    expect(text(t('  respond Issue<|>Voucher where percent == 10 { code: "W10" }'), voucher)).toBe(action);
    expect(text(t("  expect at 2h no call Issue<|>Voucher"), voucher)).toBe(action);
    expect(text(t('  expect call IssueVoucher where per<|>cent == 10 times 1'), voucher)).toBe("```journey\n(parameter) percent: int\n```");
    expect(text(t('  respond IssueVoucher where cust<|>omer.email == "a@example.com" error "down"'), voucher)).toBe("```journey\n(parameter) customer: Customer\n```");
    expect(text(t('  respond IssueVoucher where customer.em<|>ail == "a@example.com" error "down"'), voucher)).toContain("Where the voucher goes.");
    expect(text(t('  respond Weather { tem<|>pC: 3, condition: "rain" }'))).toContain("(field) tempC: number");
  });

  it("shows the trigger alias and `let` bindings with their types", () => {
    expect(text(journey("  if ca<|>rt.total > 0 { end }"))).toBe("```journey\n(alias) cart: CartAbandoned\n```");
    expect(text(journey("  let n = length(cart.items)\n  if <|>n > 2 { end }"))).toBe("```journey\n(let) n: int\n```");
    expect(text(journey("  recommend recs = popular() limit 3\n  if length(re<|>cs) > 0 { end }"))).toBe("```journey\n(recommendation) recs: list<Product>\n```");
  });

  it("shows a list projection's type", () => {
    expect(text(journey("  let skus = cart.items.s<|>ku"))).toContain("(field) sku: list<string>");
  });

  it("shows an event's declaration and doc comment at a use", () => {
    expect(text(journey("  wait for Order<|>Placed within 1d { end }"))).toBe(
      "```journey\nevent OrderPlaced {\n  orderId: string\n  cartId?: string\n  items: list<LineItem>\n  total: number\n}\n```",
    );
    expect(text("journey K {\n  on Cart<|>Abandoned\n}")).toContain("---\n\nA cart was left behind.");
  });

  it("shows `event` in a handler as the handler's event", () => {
    expect(text(journey("  exit on OrderPlaced where ev<|>ent.cartId == cart.cartId"))).toContain("(event) event: OrderPlaced");
  });

  it("shows template, action, audience and type declarations at their uses", () => {
    expect(text(journey("  send email Remin<|>der(cart, []) to profile.email"))).toBe(
      "```journey\ntemplate Reminder(cart: CartAbandoned, recs: list<Product>) for email\n```\n\n---\n\nThe first reminder.",
    );
    expect(text(journey('  call Wea<|>ther("Oslo") as w'))).toBe('```journey\naction Weather(city: string) -> { tempC: number, condition: "sun" | "rain" }\n```');
    expect(text("journey K {\n  on enter Dorm<|>ant\n}")).toBe(
      "```journey\naudience Dormant = profile.lastActiveAt != null and daysSince(profile.lastActiveAt) >= 30\n```\n\n---\n\nNot seen for a month.",
    );
    expect(text("type T { xs: list<Line<|>Item> }")).toContain("type LineItem {\n  sku: string");
  });

  it("shows a declaration at its own name", () => {
    expect(text("journey Wel<|>come {\n  on OrderPlaced\n}")).toBe("```journey\njourney Welcome\n  on OrderPlaced\n```");
  });

  it("expands durations", () => {
    expect(text(journey("  wait 4<|>h"))).toBe("`4h`: 4 hours (14,400,000 ms)");
    expect(text(journey("  wait 1h3<|>0m"))).toBe("`1h30m`: 1 hour 30 minutes (90 minutes, 5,400,000 ms)");
    expect(text(journey("  reentry after 7<|>d"))).toBe("`7d`: 7 days (168 hours, 604,800,000 ms)");
  });

  it("says what `wait until 09:00` waits for", () => {
    expect(text(journey("  wait until 09:<|>00"))).toBe("`wait until 09:00`: until the next 09:00 after now in the profile's time zone (UTC without one); at 09:00 exactly, the next day's.");
  });

  it("expands a schedule", () => {
    const h = text("journey W {\n  on sch<|>edule every day at 10:00 for Dormant\n}");
    expect(h).toBe("```journey\non schedule every day at 10:00 for Dormant\n```\n\nRuns every day at 10:00 in each profile's time zone (its `timezone`, else UTC), for each profile in `Dormant` at that moment.");
    expect(text("journey W {\n  on sch<|>edule every week for Dormant\n}")).toContain("Runs every week (every 7 days), the first time one week after the profile is stored, for each profile in `Dormant` at that moment.");
    expect(text("journey W {\n  on sch<|>edule every month on 31 at 09:00 for Dormant\n}")).toContain("Runs every month on the 31st (the last day of a shorter month) at 09:00 in each profile's time zone (its `timezone`, else UTC), for each profile in `Dormant` at that moment.");
    expect(text("journey W {\n  on sch<|>edule every month on 2 for Dormant\n}")).toContain("Runs every month on the 2nd, at the time of day the profile was stored, for each profile in `Dormant` at that moment.");
    expect(text("journey W {\n  on sch<|>edule every month at 09:00 for Dormant\n}")).toContain("Runs every month on the same day (the last day of a shorter month) at 09:00 in each profile's time zone (its `timezone`, else UTC), starting with the first 09:00 after the profile is stored, for each profile in `Dormant` at that moment.");
    expect(text("journey W {\n  on sch<|>edule every month for Dormant\n}")).toContain("Runs every month on the same day (the last day of a shorter month), the first time one month after the profile is stored, for each profile in `Dormant` at that moment.");
    expect(text("journey W {\n  on sch<|>edule every 12h for Dormant\n}")).toContain("Runs every 12 hours, the first time 12 hours after the profile is stored, for each profile in `Dormant` at that moment.");
  });

  it("documents the keywords of journeys, the step's `if` apart from a conditional value's", () => {
    expect(text(journey("  wa<|>it 4h"))).toContain("Pauses the instance");
    expect(text(journey("  wait 4h\n  se<|>nd email { subject \"x\" text \"y\" } to profile.email"))).toContain("Renders the message and sends it");
    expect(text(journey("  i<|>f cart.total > 10 { end }"))).toContain("Runs the first branch whose condition is true");
    expect(text(journey("  if cart.total > 10 { end } el<|>se { end }"))).toContain("Runs the first branch");
    const value = journey("  let d = i<|>f cart.total > 10 then 20 else 10");
    expect(text(value)).toContain("A value that depends on a condition");
    expect(text(journey("  let d = if cart.total > 10 th<|>en 20 else 10"))).toContain("only the chosen value is computed");
    expect(text(journey("  let d = if cart.total > 10 then 20 el<|>se 10"))).toContain("only the chosen value is computed");
    expect(text(journey("  ex<|>it on OrderPlaced"))).toContain("Ends the instance wherever it waits");
    // `on` of `exit on` is the exit's, not the trigger's.
    expect(text(journey("  exit o<|>n OrderPlaced"))).toContain("Ends the instance wherever it waits");
    expect(text("journey J {\n  o<|>n CartAbandoned as cart\n  end\n}\n")).toContain("What starts the journey");
    // A record key or a field of a keyword's name is no keyword.
    expect(text(journey("  let r = { en<|>d: 1 }"))).toBeUndefined();
  });

  it("documents a channel's settings and a test's items, on the word that starts one", () => {
    const channel = (body: string) => `channel email {\n${body}\n}\n`;
    expect(text(channel('  fr<|>om "Shop <a@example.com>"'))).toMatch(/^```journey\nfrom <string>\n```\n\nThe sender/);
    expect(text(channel("  con<|>sent profile.consent.email"))).toContain("suppressed (`noConsent`)");
    expect(text(channel("  ca<|>p 3 per 7d"))).toContain("in any window of that length");
    expect(text(channel("  qui<|>et 21:00 to 08:00"))).toContain("the start included, the end not");
    const test = (body: string) => `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n${body}\n}\n`;
    expect(text(test("  sta<|>rt 2026-03-02T08:00:00Z"))).toContain("virtual clock starts");
    expect(text(test('  a<|>t 0m "p1" CartAbandoned { cartId: "c" }'))).toContain("at the start plus the offset");
    expect(text(test("  exp<|>ect no send email"))).toContain("What the test checks");
    expect(text(test('  res<|>pond Weather where city == "Oslo" error "timeout"'))).toMatch(/^```journey\nrespond <Action> \[where <param> == <value> and …\] <answer> \| error "why"\nrespond provider "<name>" \[for "id"\] \[<key>, …\] \| error "why"\n```\n\nIn this test, a call of the action/);
    expect(text('test "t" {\n  pro<|>file "p1" { email: "a@example.com" }\n}\n')).toContain("A profile stored at the start");
    // Not the start of an item: `profile` in `expect profile`, `at` in `expect at`, `call` in `expect call`.
    expect(text(test('  expect pro<|>file "p1" where email == "x"'))).toBeUndefined();
    expect(text(test("  expect a<|>t 4h no send email"))).toBeUndefined();
    expect(text(test("  expect ca<|>ll Weather times 1"))).toBeUndefined();
  });

  it("explains `transactional` on the send it marks; a binding of that name is a binding", () => {
    const marked = text(journey('  send transac<|>tional email { subject "x" text "y" } to profile.email'));
    expect(marked).toContain("send transactional <channel>");
    expect(marked).toContain("past the channel's `consent`, `cap` and `quiet` hours, and not counted toward the cap");
    // The channel after it keeps its own hover.
    expect(text(journey('  send transactional em<|>ail { subject "x" text "y" } to profile.email'))).toContain("channel email");
    const binding = text(journey("  let transactional = true\n  if transac<|>tional { end }"));
    expect(binding).toContain("transactional: bool");
    expect(binding).not.toContain("past the channel");
  });

  it("documents built-in functions, algorithms, channels and reentry modes", () => {
    expect(text(journey("  if days<|>Since(profile.lastActiveAt ?? now()) > 3 { end }"))).toBe("```journey\ndaysSince(time: datetime) -> int\n```\n\nWhole days elapsed since an instant.");
    expect(text(journey("  recommend r = cart<|>Based(cart.items.sku) limit 3"))).toContain("cartBased(keys: list<string>)");
    expect(text(journey("  send em<|>ail { subject \"x\" text \"y\" } to profile.email"))).toContain("- `subject`: The subject line (plain text).");
    expect(text(journey("  reentry al<|>ways"))).toContain("a new trigger starts another instance as soon as the last one ended".replace(/^a/, "A"));
  });

  it("shows types and helpers inside templates", () => {
    const src = 'template T(c: CartAbandoned) for email {\n  subject "{{c.to<|>tal}}"\n  text "{{currency c.total \'EUR\'}}"\n}';
    expect(text(src)).toBe("```journey\n(field) total: number\n```\n\nDeclared (in CartAbandoned)");
    const helper = 'template T(c: CartAbandoned) for email {\n  subject "x"\n  text "{{curr<|>ency c.total \'EUR\'}}"\n}';
    expect(text(helper)).toContain("currency amount: number code: string -> string");
    const param = 'template T(c: CartAbandoned) for email {\n  subject "x"\n  text "{{#each c.items as |line|}}{{line.na<|>me}}{{/each}}"\n}';
    expect(text(param)).toBe("```journey\n(field) name: string\n```\n\nDeclared (in LineItem)");
    const block = 'template T(c: CartAbandoned) for email {\n  subject "x"\n  text "{{#ea<|>ch c.items as |line|}}{{line.name}}{{/each}}"\n}';
    expect(text(block)).toContain("Renders its body once per element of a list");
  });

  describe("inside templates, types as the template checker narrows them", () => {
    const EXTRA = { "coupon.journey": "type Coupon { code: string, percent?: int }\ntype Line { sku: string, note?: string }\nevent Checkout { coupon?: Coupon, lines: list<Line> }\n" };
    const checkout = (body: string) => `journey K {\n  on Checkout as order\n${body}\n}\n`;
    const send = (content: string) => checkout(`  send email { subject "${content}" text "y" } to profile.email`);
    const hoverIn = (src: string) => text(src, EXTRA);
    const narrowed = (name: string, type: string, container: string) => `\`\`\`journey\n(field) ${name}: ${type}\n\`\`\`\n\nDeclared (in ${container} as \`${type}?\`; not null here)`;
    const optional = (name: string, type: string, container: string) => `\`\`\`journey\n(field) ${name}: ${type}?\n\`\`\`\n\nDeclared (in ${container})`;

    it("`{{#if x}}`: not null in its body, optional in its `{{else}}` and after it", () => {
      expect(hoverIn(send("{{#if order.coupon}}{{order.cou<|>pon.code}}{{/if}}"))).toBe(narrowed("coupon", "Coupon", "Checkout"));
      expect(hoverIn(send("{{#if order.coupon}}x{{else}}{{order.cou<|>pon.code}}{{/if}}"))).toBe(optional("coupon", "Coupon", "Checkout"));
      expect(hoverIn(send("{{#if order.coupon}}x{{/if}}{{order.cou<|>pon.code}}"))).toBe(optional("coupon", "Coupon", "Checkout"));
      // A field read through an optional is optional there, and not where the optional is known.
      expect(hoverIn(send("{{order.coupon.co<|>de}}"))).toContain("(field) code: string?");
      expect(hoverIn(send("{{#if order.coupon}}{{order.coupon.co<|>de}}{{/if}}"))).toBe("```journey\n(field) code: string\n```\n\nDeclared (in Coupon)");
    });

    it("`{{#unless x}}`: not null in its `{{else}}`; in `\"\"\"` strings too", () => {
      expect(hoverIn(send("{{#unless order.coupon}}none{{else}}{{order.cou<|>pon.code}}{{/unless}}"))).toBe(narrowed("coupon", "Coupon", "Checkout"));
      const multiline = checkout('  send email {\n    subject "x"\n    html """\n      {{#if order.coupon.percent}}\n        {{order.coupon.perc<|>ent}}% off\n      {{/if}}\n    """\n  } to profile.email');
      expect(hoverIn(multiline)).toBe(narrowed("percent", "int", "Coupon"));
    });

    it("`{{#with x}}`, `{{#each xs}}`: block parameters, the context and `this` narrowed by the blocks inside", () => {
      expect(hoverIn(send("{{#with order.coupon as |c|}}{{#if c.percent}}{{c.perc<|>ent}}{{/if}}{{/with}}"))).toBe(narrowed("percent", "int", "Coupon"));
      expect(hoverIn(send("{{#with order.coupon}}{{perc<|>ent}}{{/with}}"))).toBe(optional("percent", "int", "Coupon"));
      expect(hoverIn(send("{{#each order.lines as |l|}}{{#if l.note}}{{l.no<|>te}}{{/if}}{{/each}}"))).toBe(narrowed("note", "string", "Line"));
      expect(hoverIn(send("{{#each order.lines}}{{#if this.note}}{{no<|>te}}{{/if}}{{/each}}"))).toBe(narrowed("note", "string", "Line"));
      // Not the other way round: a line without a note reads `note` from around the loop.
      expect(hoverIn(send("{{#each order.lines}}{{#if note}}{{this.no<|>te}}{{/if}}{{/each}}"))).toBe(optional("note", "string", "Line"));
      expect(hoverIn(send("{{#each order.lines}}{{th<|>is.sku}} {{@index}}{{/each}}"))).toContain("(template) this: Line");
      expect(hoverIn(send("{{#each order.lines}}{{this.sku}} {{@ind<|>ex}}{{/each}}"))).toContain("(template) @index: int");
      // Outside a loop `@index` is an error: nothing to show.
      expect(hoverIn(send("{{@ind<|>ex}}"))).toBeUndefined();
      // At the top, `this` is the content's names: no type to show.
      expect(hoverIn(send("{{th<|>is.order}}"))).toBeUndefined();
    });

    it("the journey's null checks around the send hold in its content", () => {
      expect(hoverIn(checkout(`  if order.coupon != null {\n    send email { subject "{{order.cou<|>pon.code}}" text "y" } to profile.email\n  }`))).toBe(narrowed("coupon", "Coupon", "Checkout"));
      expect(hoverIn(checkout(`  if order.coupon == null { end }\n  send email { subject "{{order.cou<|>pon.code}}" text "y" } to profile.email`))).toBe(narrowed("coupon", "Coupon", "Checkout"));
      expect(hoverIn(checkout(`  if order.coupon != null { end }\n  send email { subject "{{order.cou<|>pon.code}}" text "y" } to profile.email`))).toBe(optional("coupon", "Coupon", "Checkout"));
    });
  });

  it("answers in a declaration after one whose `}` is missing", () => {
    const unclosed = "journey Draft {\n  on CartAbandoned\n  wait 1h\n";
    expect(text(`${unclosed}${journey("  if ca<|>rt.total > 0 { end }")}`)).toBe("```journey\n(alias) cart: CartAbandoned\n```");
  });

  it("says nothing on punctuation and in comments", () => {
    expect(hover(journey("  // a com<|>ment"))).toBeUndefined();
    expect(hover(journey("  wait 4h <|>"))).toBeUndefined();
  });
});
