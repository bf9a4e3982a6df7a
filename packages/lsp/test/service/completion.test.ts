/** Completion: what is offered where (the cursor is `<|>`). */
import { describe, expect, it } from "vitest";
import { cursor, SCHEMA, workspace } from "../support.js";

function complete(src: string, extra: Record<string, string> = {}) {
  const { ws, path, offset } = workspace({ "schema.journey": SCHEMA, ...extra, "main.journey": src });
  return ws.completion(path, offset);
}
const labels = (src: string, extra?: Record<string, string>) => complete(src, extra).map((c) => c.label);

const journey = (body: string) => `journey J {\n  on CartAbandoned as cart\n${body}\n}\n`;

describe("keywords where statements go", () => {
  it("offers declarations at the top level", () => {
    const l = labels("<|>");
    expect(l).toEqual(expect.arrayContaining(["profile", "type", "event", "catalog", "audience", "action", "fragment", "template", "channel", "journey", "experience", "test"]));
    expect(l).not.toContain("wait");
  });

  it("offers clauses and steps in a journey, steps only in a block", () => {
    const inJourney = labels(journey("  <|>"));
    expect(inJourney).toEqual(expect.arrayContaining(["on", "reentry", "exit on", "goal", "wait", "wait for", "if", "split", "send", "recommend", "call", "let", "set", "repeat", "jump to", "end"]));
    const inBlock = labels(journey("  if cart.total > 0 {\n    <|>\n  }"));
    expect(inBlock).toContain("send");
    expect(inBlock).not.toContain("reentry");
  });

  it("offers `else` and `timeout` after a closing brace", () => {
    expect(labels(journey("  if cart.total > 0 { end } <|>"))).toEqual(expect.arrayContaining(["else", "timeout"]));
  });

  it("snippets carry placeholders", () => {
    const item = complete(journey("  <|>")).find((c) => c.label === "wait for")!;
    expect(item.snippet).toBe(true);
    expect(item.insertText).toContain("within ${2:24h}");
  });

  it("knows experiences, variants, tests, catalogs, channels and actions", () => {
    expect(labels("experience E {\n  <|>\n}")).toEqual(expect.arrayContaining(["surface", "format", "context", "variant", "recommend"]));
    expect(labels('experience E {\n  variant A {\n    <|>\n  }\n}')).toEqual(expect.arrayContaining(["content", "split"]));
    expect(labels('test "t" {\n  <|>\n}')).toEqual(expect.arrayContaining(["start", "profile", "catalog", "at", "expect"]));
    expect(labels("catalog C {\n  <|>\n}")).toEqual(expect.arrayContaining(["key", "signals"]));
    expect(labels("catalog C {\n  signals {\n    <|>\n  }\n}")).toEqual(["view", "cart", "purchase"]);
    expect(labels("channel email {\n  <|>\n}")).toEqual(["from", "cap", "quiet", "consent"]);
    expect(labels("action A(x: string) -> { ok: bool } {\n  <|>\n}")).toEqual(expect.arrayContaining(["get", "post", "headers", "timeout", "retries"]));
  });

  it("replaces the word being typed", () => {
    const src = journey("  wa<|>");
    const item = complete(src).find((c) => c.label === "wait")!;
    const start = src.indexOf("  wa") + 2;
    expect(item.replace).toEqual({ start, end: start + 2 });
  });
});

describe("a channel's `consent`", () => {
  it("offers the profile, then its fields along the path, and nothing of the profile in the other settings", () => {
    expect(labels("channel sms {\n  consent <|>\n}")).toContain("profile");
    expect(labels("channel sms {\n  consent profile.<|>\n}")).toEqual(expect.arrayContaining(["email", "phone", "consent"]));
    expect(labels("channel sms {\n  quiet 21:00 to 08:00\n  consent profile.consent.<|>\n}")).toEqual(["email", "sms"]);
    expect(labels("channel sms {\n  consent profile.consent.sms and <|>\n}")).toContain("profile");
    expect(labels("channel sms {\n  consent profile.consent.sms\n  from <|>\n}")).not.toContain("profile");
  });

  it("half-typed: by the statement the cursor is in, never by a word in a comment or an earlier line", () => {
    expect(labels("channel sms {\n  consent <|>\n  cap 3 per 7d\n}")).toContain("profile");
    expect(labels("channel sms {\n  consent profile.<|>\n  cap 3 per 7d\n}")).toEqual(["email", "firstName", "phone", "timezone", "consent", "lastActiveAt"]);
    expect(labels("channel sms {\n  consent profile.consent.sms\n  cap <|>\n}")).toEqual([]);
    expect(labels("channel sms {\n  consent profile.consent.sms\n  cap 3 per 7d\n  quiet <|>\n}")).toEqual([]);
    expect(labels("channel sms {\n  // consent is read for each message\n  cap <|>\n}")).toEqual([]);
    expect(labels("channel sms {\n  cap 3 per 7d // not without consent\n  from <|>\n}")).toEqual([]);
    expect(labels("channel sms {\n  consent profile.consent.sms and\n    <|>\n}")).toContain("profile");
  });

  it("parsed: by the span of the `consent` setting, over all its lines", () => {
    // The second line starts with neither an operator nor `and`/`or`: only the parse knows it is the condition's.
    const src = "channel sms {\n  consent if profile.phone != null then\n    profile.consent.sms else <|>false\n  cap 3 per 7d\n}";
    expect(labels(src)).toContain("profile");
    expect(labels("channel sms {\n  consent profile.consent.sms\n  cap 3 per 7d <|>\n}")).not.toContain("profile");
  });

  it("reads a field named like a setting (`profile.from`) as a field, not as the next setting", () => {
    const schema = "profile {\n  email: string\n  from?: bool\n  quiet: { cap: bool }\n  consent: { sms: bool }\n}\n";
    const at = (src: string) => {
      const { ws, path, offset } = workspace({ "schema.journey": schema, "main.journey": src });
      return ws.completion(path, offset).map((c) => c.label);
    };
    expect(at("channel sms {\n  consent profile.from == true and profile.<|>\n}")).toEqual(["email", "from", "quiet", "consent"]);
    expect(at("channel sms {\n  consent profile.quiet.cap and profile.consent.<|>\n}")).toEqual(["sms"]);
    expect(at("channel sms {\n  consent profile.from == true\n  quiet 21:00 to 08:00\n  cap <|>\n}")).not.toContain("profile");
  });
});

describe("names by context", () => {
  it("offers events after `on`, `exit on`, `wait for` and in goals", () => {
    expect(labels("journey J {\n  on <|>\n}")).toEqual(expect.arrayContaining(["CartAbandoned", "OrderPlaced", "enter", "schedule"]));
    expect(labels(journey("  exit on <|>"))).toEqual(["CartAbandoned", "OrderPlaced"]);
    expect(labels(journey("  wait for <|>"))).toEqual(["CartAbandoned", "OrderPlaced"]);
    expect(labels(journey("  goal bought: <|>"))).toEqual(["CartAbandoned", "OrderPlaced"]);
  });

  it("offers audiences after `on enter` and a schedule's `for`", () => {
    expect(labels("journey J {\n  on enter <|>\n}")).toEqual(["Dormant"]);
    expect(labels("journey J {\n  on schedule every day at 10:00 for <|>\n}")).toEqual(["Dormant"]);
    expect(labels("journey J {\n  on schedule every <|>\n}")).toEqual(["day", "week", "month"]);
    expect(labels("journey J {\n  on schedule every month <|>\n}")).toEqual(["on", "at", "for"]);
    expect(labels("journey J {\n  on schedule every month on <|>\n}")).toEqual([]);
    expect(labels("journey J {\n  on schedule every month on 1 <|>\n}")).toEqual(["at", "for"]);
    expect(labels("journey J {\n  on schedule every month on 1 at 09:00 for <|>\n}")).toEqual(["Dormant"]);
  });

  it("offers channels after `send`, then the channel's templates with their parameters", () => {
    expect(labels(journey("  send <|>"))).toEqual(["transactional", "email", "sms", "push", "webhook"]);
    expect(complete(journey("  send <|>")).find((c) => c.label === "transactional")).toMatchObject({ kind: "keyword", detail: "sent at once, past the channel's consent, cap and quiet hours" });
    expect(labels(journey("  send transactional <|>"))).toEqual(["email", "sms", "push", "webhook"]);
    expect(labels(journey("  send transactional email <|>"))).toEqual(labels(journey("  send email <|>")));
    expect(labels(journey("  send transactional email {\n    <|>\n  } to profile.email"))).toEqual(["subject", "html", "text"]);
    // A test's expectation names the channel only: no `transactional` there.
    expect(labels('test "t" {\n  expect send <|>\n}')).toEqual(["email", "sms", "push", "webhook"]);
    const items = complete(journey("  send email <|>"));
    const reminder = items.find((c) => c.label === "Reminder")!;
    expect(reminder.kind).toBe("template");
    expect(reminder.insertText).toBe("Reminder(${1:cart}, ${2:recs})");
    expect(reminder.detail).toBe("template Reminder(cart: CartAbandoned, recs: list<Product>) for email");
    expect(items.map((c) => c.label)).toContain("{");
  });

  it("offers actions after `call` and journeys after `jump to`", () => {
    const call = complete(journey("  call <|>"));
    expect(call.map((c) => c.label)).toEqual(["Weather"]);
    expect(call[0]!.insertText).toBe("Weather(${1:city})");
    expect(labels(journey("  jump to <|>"), { "other.journey": "journey Other { on OrderPlaced }" })).toEqual(["J", "Other"]);
  });

  it("offers types in field declarations and parameters", () => {
    const inEvent = labels("event E {\n  x: <|>\n}");
    expect(inEvent).toEqual(expect.arrayContaining(["string", "int", "bool", "datetime", "duration", "list", "LineItem", "CartAbandoned", "Product"]));
    expect(labels("template T(c: <|>) for email { subject \"x\" }")).toEqual(expect.arrayContaining(["string", "LineItem"]));
    expect(labels("type T { xs: list<<|> }")).toContain("LineItem");
  });

  it("offers names in scope, built-in functions and literals in expressions", () => {
    const l = labels(journey("  let n = 3\n  if <|>"));
    expect(l).toEqual(expect.arrayContaining(["profile", "cart", "n", "length", "daysSince", "coalesce", "true", "false", "null", "not"]));
    expect(l).not.toContain("secret");
    expect(l).not.toContain("event");
  });

  it("offers `event` and the handler's alias in `exit on … where` and `wait for` bodies", () => {
    expect(labels(journey("  exit on OrderPlaced as o where <|>"))).toEqual(expect.arrayContaining(["event", "o", "cart", "profile"]));
    const inBody = labels(journey("  wait for OrderPlaced as o within 1d {\n    if <|>\n  }"));
    expect(inBody).toEqual(expect.arrayContaining(["event", "o"]));
    const inTimeout = labels(journey("  wait for OrderPlaced as o within 1d { end } timeout {\n    if <|>\n  }"));
    expect(inTimeout).not.toContain("o");
  });

  it("only offers bindings defined before the cursor", () => {
    const l = labels(journey("  if <|>\n  let later = 1"));
    expect(l).not.toContain("later");
  });

  it("does not offer the binding being written in its own value", () => {
    // The unfinished `let` does not parse: the bindings come from the text.
    expect(labels(journey("  let base = 3\n  let points = <|>"))).toEqual(expect.arrayContaining(["cart", "base"]));
    expect(labels(journey("  let base = 3\n  let points = <|>"))).not.toContain("points");
    expect(labels(journey("  let points = if <|>"))).not.toContain("points");
  });

  it("offers algorithms after `recommend x =` and `backup`, with their named parameters", () => {
    const algos = complete(journey("  recommend r = <|>"));
    expect(algos.map((c) => c.label)).toEqual(["cartBased", "viewedTogether", "boughtTogether", "recentlyViewed", "popular", "provider"]);
    expect(algos.find((c) => c.label === "cartBased")!.detail).toBe("cartBased(keys: list<string>)");
    expect(labels(journey("  recommend r = recentlyViewed() limit 4 backup <|>"))).toContain("popular");
    expect(labels(journey("  recommend r = popular(<|>) limit 4"))).toEqual(expect.arrayContaining(["by:", "category:", "window:"]));
    expect(labels(journey("  recommend r = popular(by: <|>) limit 4"))).toEqual(["views", "purchases"]);
  });

  it("offers `item` in a recommendation's `where`, and exclusions after `exclude`", () => {
    expect(labels(journey("  recommend r = popular() where <|>"))).toContain("item");
    expect(labels(journey("  recommend r = popular() limit 3\n  if <|>"))).not.toContain("item");
    expect(labels(journey("  recommend r = popular() exclude <|>"))).toEqual(expect.arrayContaining(["purchased", "inCart", "viewed"]));
  });

  it("offers what may follow a statement", () => {
    expect(labels(journey("  recommend r = popular() <|>"))).toEqual(expect.arrayContaining(["where", "exclude", "limit", "backup"]));
    expect(labels(journey("  call Weather(\"x\") <|>"))).toEqual(["as", "on error"]);
    expect(labels(journey("  send email Reminder(cart, []) <|>"))).toEqual(["to"]);
  });

  it("offers `then` and `else` inside a conditional value, and names after them", () => {
    expect(labels(journey("  let d = if cart.total > 100 <|>"))).toEqual(["then"]);
    expect(labels(journey("  let d = if cart.total > 100 then 20 <|>"))).toEqual(["else"]);
    expect(labels(journey("  let d = if cart.total > 100 then <|>"))).toContain("cart");
    expect(labels(journey("  let d = if cart.total > 100 then 20 else <|>"))).toContain("profile");
    expect(labels(journey("  if (if cart.total > 100 then true <|>"))).toEqual(["else"]);
    const conditional = complete(journey("  let d = <|>")).find((c) => c.label === "if");
    expect(conditional).toMatchObject({ kind: "keyword", insertText: "if ${1:condition} then ${2:value} else ${3:other}" });
    // An `if` step's `else if` takes a block, not a `then`.
    expect(labels(journey("  if cart.total > 100 { end } else if cart.total > 50 <|>"))).not.toContain("then");
    expect(labels(journey("  if cart.total > 100 { end } else if (if cart.total > 50 then true <|>"))).toEqual(["else"]);
  });

  it("offers reentry modes, formats and channels of a template", () => {
    expect(labels(journey("  reentry <|>"))).toEqual(["never", "always", "after"]);
    expect(labels("experience E {\n  format <|>\n}")).toEqual(["html", "json", "text"]);
    expect(labels('template T() for <|> {\n}')).toEqual(["email", "sms", "push", "webhook"]);
  });

  it("offers test expectations, events after a test event's profile, journeys after `expect ended`", () => {
    expect(labels('test "t" {\n  expect <|>\n}')).toEqual(expect.arrayContaining(["send", "no send", "ended", "goal", "decide"]));
    expect(labels('test "t" {\n  at 0m "p1" <|>\n}')).toEqual(["CartAbandoned", "OrderPlaced"]);
    expect(labels('test "t" {\n  expect ended <|>\n}', { "j.journey": "journey J { on OrderPlaced }" })).toEqual(expect.arrayContaining(["J", "reason"]));
  });

  it("offers `expect suppressed`, then the channels, `reason`, and why a message is suppressed", () => {
    expect(labels('test "t" {\n  expect <|>\n}')).toEqual(expect.arrayContaining(["suppressed"]));
    expect(labels('test "t" {\n  expect no suppressed <|>\n}')).toEqual(["email", "sms", "push", "webhook"]);
    expect(labels('test "t" {\n  expect at 4h suppressed sms <|>\n}')).toEqual(["reason"]);
    expect(labels('test "t" {\n  expect suppressed sms reason <|>\n}')).toEqual(["cap", "noRecipient", "noConsent", "runaway"]);
    expect(labels('test "t" {\n  expect ended reason <|>\n}')).toEqual(["exit", "end", "error"]);
  });

  it("offers a test's `split`: the project's experiments in the string, then the arms of the one named, then `for`", () => {
    const project = {
      "j.journey": 'journey J {\n  on OrderPlaced\n  if true {\n    split "subject" { A 45% { } B 45% { } control 10% { end } }\n  }\n  split { X 50% { } Y 50% { } }\n}',
      "x.journey": 'experience Hero {\n  surface "web://s/#hero"\n  format text\n  variant V { split "hero-copy" { Short 50% { content "a" } Long 50% { content "b" } } }\n}',
    };
    expect(labels('test "t" {\n  <|>\n}')).toContain("split");
    const experiments = complete('test "t" {\n  split "<|>"\n}', project);
    // Named splits only (an unnamed one has no name to give), of journeys and experiences.
    expect(experiments.map((c) => c.label)).toEqual(["subject", "hero-copy"]);
    expect(experiments[0]).toMatchObject({ kind: "value", detail: "experiment: A, B, control" });
    // What is typed so far in the string is what the choice replaces.
    const typed = 'test "t" {\n  split "sub<|>"\n}';
    const [first] = complete(typed, project);
    expect(first!.replace).toEqual({ start: typed.indexOf('"sub') + 1, end: typed.indexOf("<|>") });
    expect(labels('test "t" {\n  split "subject" <|>\n}', project)).toEqual(["A", "B", "control"]);
    expect(labels('test "t" {\n  split "hero-copy" L<|>\n}', project)).toEqual(["Short", "Long"]);
    expect(labels('test "t" {\n  split "nothing" <|>\n}', project)).toEqual([]);
    expect(labels('test "t" {\n  split "subject" control <|>\n}', project)).toEqual(["for"]);
    // Elsewhere a plain string offers nothing.
    expect(labels('test "t" {\n  profile "<|>"\n}', project)).toEqual([]);
    // A journey's named split: the experiments there are, to split by again (whose splits must agree, J3030).
    expect(labels(journey('  split "<|>" { A 100% { } }'), project)).toEqual(["subject", "hero-copy"]);
  });

  it("offers the channel's text fields after `where` and `and` of an `expect send`, then how to match, then `and`", () => {
    expect(labels('test "t" {\n  expect send email where <|>\n}')).toEqual(["subject", "html", "text"]);
    expect(labels('test "t" {\n  expect at 4h no send push to "tok" where title contains "x" and <|>\n}')).toEqual(["title", "body"]);
    expect(labels('test "t" {\n  expect send webhook where <|>\n}')).toEqual(["url"]);
    expect(labels('test "t" {\n  expect send sms where text <|>\n}')).toEqual(["contains", "not contains", "==", "!="]);
    expect(labels('test "t" {\n  expect send email where html not <|>\n}')).toEqual(["contains"]);
    expect(labels('test "t" {\n  expect send sms where text == "Hi" <|>\n}')).toEqual(["and", "times"]);
    expect(labels('test "t" {\n  expect send email where html not contains "Hi" <|>\n}')).toEqual(["and", "times"]);
    expect(labels('test "t" {\n  expect no send email where html contains "Hi" <|>\n}')).toEqual(["and"]);
    // `reason goal` is an error (J6001): goals do not end instances.
    expect(labels('test "t" {\n  expect ended reason <|>\n}')).toEqual(["exit", "end", "error"]);
  });

  it("offers `expect profile`, then the test's profiles, `where`, the profile's fields (through records), how to compare, then `and`", () => {
    const test = (line: string) => `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n${line}\n  profile "p2" { email: "b@example.com", consent: { email: true, sms: false } }\n}`;
    expect(labels(test("  expect <|>"))).toEqual(expect.arrayContaining(["profile"]));
    expect(complete(test("  expect <|>")).find((c) => c.label === "profile")!.insertText).toBe('profile "${1:p1}" where ');
    expect(labels(test("  expect at 3d profile <|>"))).toEqual(['"p1"', '"p2"']);
    expect(labels(test('  expect profile "<|>'))).toEqual(["p1", "p2"]);
    expect(labels(test('  expect profile "p1" <|>'))).toEqual(["where"]);
    expect(labels(test('  expect profile "p1" where <|>'))).toEqual(["email", "firstName", "phone", "timezone", "consent", "lastActiveAt"]);
    expect(labels(test('  expect profile "p1" where email contains "@" and consent.<|>'))).toEqual(["email", "sms"]);
    expect(labels(test('  expect profile "p1" where consent.sms <|>'))).toEqual(["contains", "not contains", "==", "!="]);
    expect(labels(test('  expect profile "p1" where email not <|>'))).toEqual(["contains"]);
    expect(labels(test('  expect profile "p1" where consent.sms == false <|>'))).toEqual(["and"]);
    expect(labels(test('  expect profile "p1"\n    where email == "a@example.com"\n    and <|>'))).toContain("lastActiveAt");
  });

  it("offers the fields of test data not yet written: an event's, the profile's, a catalog item's, and of records and lists in them", () => {
    expect(labels('test "t" {\n  at 0m "p1" CartAbandoned { <|> }\n}')).toEqual(["cartId", "items", "total"]);
    expect(labels('test "t" {\n  at 0m "p1" CartAbandoned {\n    cartId: "c1",\n    <|>\n  }\n}')).toEqual(["items", "total"]);
    expect(labels('test "t" {\n  at 0m "p1" CartAbandoned { cartId: "c1", items: [{ sku: "W1", <|> }] }\n}')).toEqual(["name", "price", "qty", "category"]);
    expect(labels('test "t" {\n  profile "p1" { email: "a@b.c", consent: { email: true, <|> } }\n}')).toEqual(["sms"]);
    expect(labels('test "t" {\n  catalog Product [\n    { sku: "a", name: "A" },\n    { sku: "b", <|>\n  ]\n}')).toEqual(["name", "price", "category", "url", "inStock"]);
    const item = complete('test "t" {\n  profile "p1" { <|> }\n}').find((c) => c.label === "firstName");
    expect(item).toMatchObject({ insertText: "firstName: ", detail: "firstName?: string" });
    // A value is no field; past the item, test items again.
    expect(labels('test "t" {\n  at 0m "p1" CartAbandoned { total: <|> }\n}')).not.toContain("cartId");
    expect(labels('test "t" {\n  at 0m "p1" CartAbandoned { total: 3 }\n  <|>\n}')).toEqual(expect.arrayContaining(["expect", "at"]));
  });

  it("offers no names or functions in a test: what it holds is literal; the next word or the test's profiles instead", () => {
    const test = (line: string) => `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n${line}\n  profile "p2" { email: "b@example.com", consent: { email: true, sms: false } }\n}`;
    const project = { "j.journey": 'journey J {\n  on OrderPlaced\n  split "subject" { A 50% { } B 50% { } }\n}' };
    expect(labels(test("  expect send email <|>"))).toEqual(["to", "where", "times"]);
    expect(labels(test("  expect at 4h no send webhook <|>"))).toEqual(["where"]);
    expect(labels(test('  expect send sms to "+4670" <|>'))).toEqual(["where", "times"]);
    expect(labels(test("  expect no <|>"))).toEqual(["send", "ended", "goal", "suppressed", "call"]);
    expect(labels(test("  expect ended J <|>"), project)).toEqual(["reason"]);
    expect(labels(test("  at 0m <|>"))).toEqual(['"p1"', '"p2"']);
    expect(labels(test('  at 0m "<|>"'))).toEqual(["p1", "p2"]);
    expect(labels(test("  split <|>"), project)).toEqual(['"subject"']);
    expect(labels(test('  split "subject" A for <|>'), project)).toEqual(['"p1"', '"p2"']);
    expect(labels(test('  split "subject" A for "<|>"'), project)).toEqual(["p1", "p2"]);
    // An offset, an instant, a recipient, a text: typed, nothing to choose from.
    for (const line of ["  start <|>", "  at <|>", "  expect at <|>", '  expect send email to <|>', '  expect send email where subject contains <|>', "  at 0m \"p1\" OrderPlaced { orderId: <|> }"]) expect(labels(test(line))).toEqual([]);
  });

  it("offers the values of a union of strings, `true` and `false`, `null`, where a value is compared or assigned, first", () => {
    const tier = { "tier.journey": 'type Tier = "gold" | "silver"\nevent TierChanged { tier: Tier, note?: string }' };
    // Compared: the action's result, an event's field, the profile's.
    const compared = complete(journey('  call Weather("Oslo") as w\n  if w.condition == <|>'));
    expect(compared.slice(0, 2).map((c) => [c.label, c.kind, c.sortText])).toEqual([['"sun"', "value", "0"], ['"rain"', "value", "0"]]);
    expect(compared.find((c) => c.label === "cart")!.sortText).toBe("1");
    expect(labels(journey('  call Weather("Oslo") as w\n  if w.condition != "<|>"'))).toEqual(["sun", "rain"]);
    expect(labels(journey("  if profile.consent.sms == <|>")).slice(0, 2)).toEqual(["true", "false"]);
    expect(labels(journey("  if profile.phone != <|>"))[0]).toBe("null");
    // Assigned: `set profile.… =`.
    expect(labels(journey("  set profile.consent.email = <|>")).slice(0, 2)).toEqual(["true", "false"]);
    // Test data and `expect profile`.
    expect(labels('test "t" {\n  at 0m "p1" TierChanged { tier: <|> }\n}', tier)).toEqual(['"gold"', '"silver"']);
    expect(labels('test "t" {\n  at 0m "p1" TierChanged { tier: "<|>" }\n}', tier)).toEqual(["gold", "silver"]);
    expect(labels('test "t" {\n  at 0m "p1" TierChanged { tier: "gold", note: <|> }\n}', tier)).toEqual(["null"]);
    expect(labels('test "t" {\n  profile "p1" { email: "a@b.c", consent: { email: <|> } }\n}')).toEqual(["true", "false"]);
    expect(labels('test "t" {\n  profile "p1" { email: "a@b.c" }\n  expect profile "p1" where consent.sms == <|>\n}')).toEqual(["true", "false"]);
    // Nothing to choose where the value is no such type, or nothing is compared.
    expect(labels(journey('  if cart.cartId == "<|>"'))).toEqual([]);
    expect(labels(journey("  let x = <|>"))[0]).toBe("profile");
  });

  it("offers the context fields of the experience claiming the surface in an `expect decide … context { }`", () => {
    const exp = 'experience Badge {\n  surface "web://shop.example.com/p/*#stock"\n  format text\n  context { sku: string, locale?: string }\n  variant Default { content "x" }\n}\n';
    expect(labels('test "t" {\n  profile "p1" { email: "a@b.c" }\n  expect decide "web://shop.example.com/p/a#stock" for "p1"\n    context { <|> }\n}', { "e.journey": exp })).toEqual(["sku", "locale"]);
    expect(labels('test "t" {\n  expect at 1m decide "web://shop.example.com/p/a#stock" for "p1" context { sku: "a", <|> }\n}', { "e.journey": exp })).toEqual(["locale"]);
  });

  describe("a test's `respond` and `expect call`", () => {
    const actions = {
      "actions.journey": [
        'type Customer { email: string, tier: "gold" | "silver" }',
        'action IssueVoucher(customer: Customer, campaign: "rainy-day" | "welcome", percent: int) -> { code: string, expiresAt?: datetime } {\n  post "https://vouchers.example.com/"\n  body { percent: percent }\n}',
        'action Notify(address: string) {\n  post "https://hooks.example.com/"\n  body { address: address }\n}',
      ].join("\n"),
    };
    const test = (line: string) => `test "t" {\n  profile "p1" { email: "a@example.com", consent: { email: true, sms: false } }\n${line}\n}`;
    const at = (line: string) => labels(test(line), actions);
    const item = (line: string, label: string) => complete(test(line), actions).find((c) => c.label === label);

    it("the project declares the actions the completions name", () => {
      const { ws } = workspace({ "schema.journey": SCHEMA, ...actions });
      expect(ws.diagnostics("actions.journey")).toEqual([]);
    });

    it("offers `respond` where test items start, `call` after `expect [at …] [no]`", () => {
      expect(at("  <|>")).toEqual(expect.arrayContaining(["start", "profile", "at", "split", "respond", "expect"]));
      expect(item("  <|>", "respond")).toMatchObject({ kind: "keyword", insertText: "respond ${1:Action} $0", snippet: true });
      expect(at("  expect <|>")).toContain("call");
      expect(item("  expect <|>", "call")).toMatchObject({ insertText: "call ${1:Action}", snippet: true });
      expect(at("  expect at 2h <|>")).toContain("call");
      expect(at("  expect no <|>")).toContain("call");
    });

    it("offers, in `respond provider \"`, the providers the project's recommendations ask, and after `for`, the test's profiles", () => {
      const picks = { "picks.journey": 'journey Picks {\n  on CartAbandoned as cart\n  recommend recs = provider("personalized", cart.cartId) limit 3 backup provider("fallback")\n  end\n}\n' };
      expect(labels(test('  respond provider "<|>"'), { ...actions, ...picks })).toEqual(["fallback", "personalized"]);
      expect(labels(test('  respond provider "personalized" for "<|>"'), { ...actions, ...picks })).toEqual(["p1"]);
    });

    it("offers the actions by name, without a call's arguments", () => {
      for (const line of ["  expect call <|>", "  expect at 2h no call <|>"]) expect(at(line)).toEqual(["IssueVoucher", "Notify", "Weather"]);
      // And after `respond`, a recommendation provider's answer.
      for (const line of ["  respond <|>", "  respond Wea<|>"]) expect(at(line)).toEqual(["IssueVoucher", "Notify", "Weather", "provider"]);
      expect(item("  respond <|>", "provider")).toMatchObject({ kind: "keyword", insertText: 'provider "${1:name}" ', snippet: true });
      expect(item("  respond <|>", "Weather")).toMatchObject({ kind: "action", detail: 'action Weather(city: string) -> { tempC: number, condition: "sun" | "rain" }', snippet: false });
      expect(item("  expect call <|>", "IssueVoucher")!.insertText).toBeUndefined();
      // A journey's `call` step still takes its arguments.
      expect(complete(journey("  call <|>"), actions).find((c) => c.label === "Notify")!.insertText).toBe("Notify(${1:address})");
    });

    it("offers what follows the action: `where`; a respond's answer (an example of the response type) or `error`; an expectation's `times`", () => {
      expect(at("  respond Weather <|>")).toEqual(["where", '{ tempC: 0, condition: "sun" }', "error"]);
      expect(item("  respond Weather <|>", '{ tempC: 0, condition: "sun" }')).toMatchObject({ kind: "value", detail: 'the answer: { tempC: number, condition: "sun" | "rain" }' });
      expect(item("  respond Weather <|>", "error")).toMatchObject({ insertText: 'error "${1:why}"', snippet: true });
      // An action without a response type takes no answer.
      expect(at("  respond Notify <|>")).toEqual(["where", "error"]);
      expect(at("  expect call Weather <|>")).toEqual(["where", "times"]);
      expect(at("  expect at 2h no call Weather <|>")).toEqual(["where"]);
    });

    it("offers the action's parameters after `where` and `and`, a record parameter's fields after a dot, then how to compare", () => {
      expect(at("  respond Weather where <|>")).toEqual(["city"]);
      expect(item("  respond Weather where <|>", "city")).toMatchObject({ kind: "parameter", detail: "city: string" });
      expect(at("  expect call IssueVoucher where <|>")).toEqual(["customer", "campaign", "percent"]);
      expect(at('  respond IssueVoucher where campaign == "welcome" and <|>')).toEqual(["customer", "campaign", "percent"]);
      expect(at("  expect call IssueVoucher where customer.<|>")).toEqual(["email", "tier"]);
      expect(at("  respond IssueVoucher where customer.<|> error")).toEqual(["email", "tier"]);
      expect(at("  expect call IssueVoucher where customer.email <|>")).toEqual(["contains", "not contains", "==", "!="]);
      expect(at("  respond IssueVoucher where customer.email not <|>")).toEqual(["contains"]);
      // Over lines, as the formatter breaks long conditions.
      expect(at('  respond IssueVoucher\n    where campaign == "welcome"\n    and <|>')).toEqual(["customer", "campaign", "percent"]);
    });

    it("offers the values of a union of strings a parameter (or its field) is compared with", () => {
      expect(at("  respond IssueVoucher where campaign == <|>")).toEqual(['"rainy-day"', '"welcome"']);
      expect(at('  expect call IssueVoucher where campaign != "<|>"')).toEqual(["rainy-day", "welcome"]);
      expect(at("  expect call IssueVoucher where customer.tier == <|>")).toEqual(['"gold"', '"silver"']);
      expect(at('  respond IssueVoucher\n    where percent == 10\n    and campaign == <|>')).toEqual(['"rainy-day"', '"welcome"']);
      // A text is typed: nothing to choose.
      expect(at("  respond Weather where city == <|>")).toEqual([]);
    });

    it("offers what ends the item after a condition: `and`, then the answer or `error`, or `times`", () => {
      expect(at('  respond IssueVoucher where campaign == "welcome" <|>')).toEqual(["and", '{ code: "" }', "error"]);
      expect(at("  expect call IssueVoucher where percent == 10 <|>")).toEqual(["and", "times"]);
      expect(at("  expect no call IssueVoucher where percent == 10 <|>")).toEqual(["and"]);
    });

    it("offers the response type's fields in a respond's answer, and their values", () => {
      expect(at("  respond Weather { <|> }")).toEqual(["tempC", "condition"]);
      expect(at('  respond Weather where city == "Oslo" { tempC: 3, <|> }')).toEqual(["condition"]);
      expect(item("  respond IssueVoucher { <|> }", "expiresAt")).toMatchObject({ kind: "field", insertText: "expiresAt: ", detail: "expiresAt?: datetime" });
      expect(at('  respond IssueVoucher\n    where campaign == "welcome"\n    and percent == 10 {\n    <|>\n  }')).toEqual(["code", "expiresAt"]);
      expect(at("  respond Weather { tempC: 3, condition: <|> }")).toEqual(['"sun"', '"rain"']);
      expect(at('  respond Weather { tempC: 3, condition: "<|>" }')).toEqual(["sun", "rain"]);
      // A record a parameter is compared with is no answer; past the item, test items again.
      expect(at('  respond IssueVoucher where customer == { <|> }')).not.toContain("code");
      expect(at('  respond Weather { tempC: 3, condition: "sun" }\n  <|>')).toEqual(expect.arrayContaining(["respond", "expect"]));
    });
  });

  it("offers content fields of the channel in inline content and templates (in a template, `locale` blocks too)", () => {
    expect(labels(journey("  send email {\n    <|>\n  } to profile.email"))).toEqual(["subject", "html", "text"]);
    expect(labels(journey("  send push {\n    <|>\n  } to profile.email"))).toEqual(["title", "body", "data"]);
    expect(labels("template T() for sms {\n  <|>\n}")).toEqual(["text", "locale"]);
  });

  it("offers nothing in comments and in plain strings", () => {
    expect(labels(journey("  // wait <|>"))).toEqual([]);
    expect(labels('experience E {\n  surface "web://x<|>"\n}')).toEqual([]);
  });
});

describe("fields after a dot", () => {
  it("after `profile.`, with types and doc comments", () => {
    const items = complete(journey("  if profile.<|>"));
    expect(items.map((c) => c.label)).toEqual(["email", "firstName", "phone", "timezone", "consent", "lastActiveAt"]);
    const email = items.find((c) => c.label === "email")!;
    expect(email.kind).toBe("field");
    expect(email.detail).toBe("email: string");
    expect(email.documentation).toBe("Where email goes.");
    expect(items.find((c) => c.label === "firstName")!.detail).toBe("firstName?: string");
  });

  it("typed as the checker types them there: a field a null check proves is there has no `?` (as hover shows it)", () => {
    const detail = (src: string, label: string) => complete(src).find((c) => c.label === label)!.detail;
    const guarded = journey("  if profile.phone != null {\n    let m = profile.p<|>\n  }");
    expect(detail(guarded, "phone")).toBe("phone: string");
    expect(detail(guarded, "firstName")).toBe("firstName?: string");
    const { ws, path, offset } = workspace({ "schema.journey": SCHEMA, "main.journey": guarded.replace("profile.p<|>", "profile.p<|>hone") });
    expect(ws.hover(path, offset)!.contents).toContain("(field) phone: string\n");
    // Without the check, on the right of `and`, after `if … == null { end }`, and once a wait voids it.
    expect(detail(journey("  let m = profile.p<|>"), "phone")).toBe("phone?: string");
    expect(detail(journey('  let ok = profile.phone != null and profile.p<|> == ""'), "phone")).toBe("phone: string");
    expect(detail(journey("  if profile.phone == null { end }\n  let m = profile.p<|>"), "phone")).toBe("phone: string");
    expect(detail(journey("  if profile.phone == null { end }\n  wait 1d\n  let m = profile.p<|>"), "phone")).toBe("phone?: string");
    // A name the checker resolved where it is typed.
    const bound = (steps: string) => journey(`  let phone = profile.phone\n${steps}`);
    expect(detail(bound('  if phone != null {\n    send sms { text "x" } to phone<|>\n  }'), "phone")).toBe("phone: string");
    expect(detail(bound('  send sms { text "x" } to phone<|> ?? ""'), "phone")).toBe("phone: string?");
  });

  it("typed as the checker types them there with nothing after the dot yet (the line does not parse)", () => {
    const detail = (src: string, label: string) => complete(src).find((c) => c.label === label)?.detail;
    const guarded = journey('  if profile.phone != null {\n    send sms { text "x" } to profile.<|>\n  }\n  wait 1d');
    expect(detail(guarded, "phone")).toBe("phone: string");
    expect(detail(guarded, "firstName")).toBe("firstName?: string");
    expect(detail(journey('  send sms { text "x" } to profile.<|>'), "phone")).toBe("phone?: string");
    expect(detail(journey("  if profile.phone == null { end }\n  let m = profile.<|>"), "phone")).toBe("phone: string");
    expect(detail(journey("  if profile.phone == null { end }\n  wait 1d\n  let m = profile.<|>"), "phone")).toBe("phone?: string");
    expect(detail(journey("  let ok = profile.phone != null and profile.<|>"), "phone")).toBe("phone: string");
    // In a nested path, and in a file with more declarations after this one.
    const later = `${journey("  if profile.consent != null and profile.firstName != null {\n    let n = profile.<|>\n  }")}audience A = profile.consent.sms\n`;
    expect(detail(later, "firstName")).toBe("firstName: string");
    // Another mistake in the declaration: it does not parse with a name at the cursor either, so the declared types.
    expect(detail(journey('  if profile.phone != null {\n    send sms { text "x" } to profile.<|>\n  }\n  wait )'), "phone")).toBe("phone?: string");
  });

  it("after a nested record and while typing the field", () => {
    expect(labels(journey("  if profile.consent.<|>"))).toEqual(["email", "sms"]);
    const src = journey("  if profile.consent.em<|>");
    const item = complete(src).find((c) => c.label === "email")!;
    const at = src.indexOf("consent.em") + "consent.".length;
    expect(item.replace).toEqual({ start: at, end: at + 2 });
  });

  it("after the trigger alias, through lists and indexes", () => {
    expect(labels(journey("  if cart.<|>"))).toEqual(["cartId", "items", "total"]);
    expect(labels(journey("  if cart.items[0].<|>"))).toEqual(["sku", "name", "price", "qty", "category"]);
    expect(labels(journey("  let skus = cart.items.<|>"))).toEqual(["sku", "name", "price", "qty", "category"]);
  });

  it("with more steps below the line being typed (the next step is not read as the field)", () => {
    expect(labels(journey("  let t = cart.<|>\n  send email Reminder() to profile.email\n  end"))).toEqual(["cartId", "items", "total"]);
    expect(labels(`${journey("  wait 4h")}audience Big = profile.consent.<|>`)).toEqual(["email", "sms"]);
  });

  it("after `item.` in a recommendation's `where`", () => {
    expect(labels(journey("  recommend r = popular() where item.<|>"))).toEqual(["sku", "name", "price", "category", "url", "inStock"]);
  });

  it("after `event.` in a handler", () => {
    expect(labels(journey("  exit on OrderPlaced where event.<|>"))).toEqual(["orderId", "cartId", "items", "total"]);
  });

  /** Typing `x.` in a journey that was fine a moment ago: the journey does not parse now, the types of its names are remembered. */
  function typed(before: string, after: string) {
    const { ws } = workspace({ "schema.journey": SCHEMA, "main.journey": journey(before) });
    expect(ws.diagnostics("main.journey")).toEqual([]);
    const c = cursor(journey(after));
    ws.set("main.journey", c.text);
    return ws.completion("main.journey", c.offset).map((i) => i.label);
  }

  it("after an action result and a `let`, while the journey does not parse", () => {
    expect(typed('  call Weather("x") as w\n  if w.tempC > 0 { end }', '  call Weather("x") as w\n  if w.<|>')).toEqual(["tempC", "condition"]);
    expect(typed("  let first = cart.items[0]\n  if first.qty > 1 { end }", "  let first = cart.items[0]\n  if first.<|>")).toEqual(["sku", "name", "price", "qty", "category"]);
  });

  /** A journey typed from scratch has never parsed, so nothing is remembered: the text says the type. */
  it("after an action result, a `let` path and a recommendation in a journey that never parsed", () => {
    expect(labels(journey('  call Weather("x") as w\n  if w.<|>'))).toEqual(["tempC", "condition"]);
    expect(labels(journey("  let c = profile.consent\n  if c.<|>"))).toEqual(["email", "sms"]);
    expect(labels(journey("  recommend recs = popular() limit 3\n  if recs.<|>"))).toContain("sku");
  });

  /** An experience typed from scratch: unfinished, it has never parsed, and the text says the types. */
  const experience = (items: string) => `experience E {\n  format html\n${items}`;

  it("after an action result in an experience that never parsed, in a `when` and in content", () => {
    expect(labels(experience('  call Weather("x") as w\n  variant Rainy when profile.email != "" and (w.<|>'))).toEqual(["tempC", "condition"]);
    expect(labels(experience('  call Weather("x") as w\n  variant Rainy {\n    content """({{number w.<|>'))).toEqual(["tempC", "condition"]);
  });

  it("after the context and a `let` read from it in an experience that never parsed", () => {
    const context = '  context { sku: string, cart?: { id: string, lines: int }, locale?: "de" | "en" }\n';
    expect(labels(experience(`${context}  variant A when context.<|>`))).toEqual(["sku", "cart", "locale"]);
    expect(labels(experience(`${context}  let cart = context.cart\n  variant A when cart.<|>`))).toEqual(["id", "lines"]);
    expect(labels(experience(`${context}  variant A {\n    content """{{#if (eq context.<|>`))).toEqual(["sku", "cart", "locale"]);
  });

  it("through a block parameter over a recommendation in an experience that never parsed", () => {
    const src = experience('  recommend current = recentlyViewed() limit 1\n  variant A {\n    content """{{#each current as |p|}}{{#if (eq p.<|>');
    expect(labels(src)).toEqual(["sku", "name", "price", "category", "url", "inStock"]);
  });

  it("after the context and an action result in an experience the parser recovered", () => {
    const src = (when: string) => `experience E {\n  context { sku: string }\n  call Weather("x") as w\n  variant A when ${when} == "x" {\n    content "x"\n  }\n}\n`;
    expect(labels(src("context.<|>"))).toEqual(["sku"]);
    expect(labels(src("w.<|>"))).toEqual(["tempC", "condition"]);
  });

  it("after an action result in a journey that parses", () => {
    expect(labels(journey('  call Weather("x") as w\n  if w.t<|> == 1 { end }'))).toEqual(["tempC", "condition"]);
  });

  it("in a broken file: the text being typed does not parse", () => {
    expect(labels(journey("  wait 1h\n  if profile.<|>\n  send email {"))).toContain("email");
  });
});

describe("inside templates", () => {
  const tpl = (content: string) => `template T(c: CartAbandoned) for email {\n  subject "x"\n  html """${content}"""\n}`;

  it("offers names in scope, runtime names and helpers at the start of a tag", () => {
    const l = labels(tpl("{{<|>"));
    expect(l).toEqual(expect.arrayContaining(["c", "profile", "unsubscribeUrl", "message", "journey", "default", "currency", "upper", "else"]));
  });

  it("offers fields after a dot, through block parameters", () => {
    expect(labels(tpl("{{profile.<|>"))).toContain("firstName");
    expect(labels(tpl("{{#each c.items as |line|}}{{line.<|>}}{{/each}}"))).toEqual(["sku", "name", "price", "qty", "category"]);
    expect(labels(tpl("{{#each c.items as |line|}}{{<|>"))).toEqual(expect.arrayContaining(["line", "sku", "c", "@index"]));
    expect(labels(tpl("{{c.items.<|>"))).toEqual(expect.arrayContaining(["sku", "length"]));
  });

  it("offers `@index`, `@first` and `@last` only inside a loop, where the checker accepts them", () => {
    expect(labels(tpl("{{#each c.items}}{{#if sku}}{{<|>"))).toEqual(expect.arrayContaining(["@index", "@first", "@last"]));
    expect(labels(tpl("{{#with c}}{{<|>"))).not.toContain("@index");
    expect(labels(tpl("{{#if c.total}}{{<|>"))).not.toContain("@index");
  });

  it("offers partials after `{{>`, block helpers after `{{#` and the open block after `{{/`", () => {
    expect(labels(tpl("{{> <|>"))).toEqual(["Footer"]);
    expect(labels(tpl("{{#<|>"))).toEqual(["if", "unless", "each", "with"]);
    expect(labels(tpl("{{#each c.items as |line|}}x{{/<|>"))).toEqual(["each"]);
  });

  it("completes the same after whitespace control (`{{~`)", () => {
    expect(labels(tpl("{{~#<|>"))).toEqual(["if", "unless", "each", "with"]);
    expect(labels(tpl("{{#each c.items as |line|~}}{{~line.<|>"))).toEqual(["sku", "name", "price", "qty", "category"]);
    expect(labels(tpl("{{~> <|>"))).toEqual(["Footer"]);
  });

  it("offers names in a journey's inline content and in subjects", () => {
    const l = labels(journey('  send email { subject "Hi {{<|>" html "x" } to profile.email'));
    expect(l).toEqual(expect.arrayContaining(["cart", "profile", "unsubscribeUrl"]));
    expect(labels(journey('  send email { subject "Hi {{cart.<|>}}" html "x" } to profile.email'))).toEqual(["cartId", "items", "total"]);
  });

  it("types parameters in a template that has never parsed, from their written types", () => {
    // Opened with its string still open: no check ever typed `line` or `recs`.
    const header = "template T(line: LineItem, recs: list<Product>, tier: \"gold\" | \"silver\", n: int) for email {\n";
    expect(labels(`${header}  subject "{{line.<|>"\n`)).toEqual(["sku", "name", "price", "qty", "category"]);
    expect(labels(`${header}  subject "{{#each recs as |p|}}{{p.<|>"\n`)).toEqual(["sku", "name", "price", "category", "url", "inStock"]);
    expect(labels(`action A(c: CartAbandoned) -> { ok: bool } {\n  post "https://a.example.com/{{c.<|>"\n`)).toEqual(["cartId", "items", "total"]);
  });

  it("offers nothing outside tags", () => {
    expect(labels(tpl("plain <|> text {{c.total}}"))).toEqual([]);
  });
});
