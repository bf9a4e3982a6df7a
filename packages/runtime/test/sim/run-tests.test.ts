/** `runTests`: `test` blocks on a virtual clock, passing and failing expectations. */
import { DEFAULT_TEST_START, runTests, formatOffset, type CannedProviderRule } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { SCHEMA, irOf, irOfFiles, HOUR } from "../engine/helpers.js";

const JOURNEYS = `${SCHEMA}
channel email { quiet 21:00 to 08:00 }
journey Reminder {
  on Cart as cart
  exit on Stop
  goal bought: Order within 2d
  wait 1h
  send email { subject "Hello {{default profile.firstName 'there'}}" html "<p>{{cart.cartId}}</p>" } to profile.email
  wait 1d
  send sms { text "last call" } to profile.phone ?? ""
}
`;

const TESTS = `test "reminder after an hour" {
  profile "p1" { email: "ana@example.com", firstName: "Ana", phone: "+46700000001" }
  at 0m "p1" Cart { cartId: "c1", items: [], total: 20 }
  expect at 1h send email to "ana@example.com" where subject contains "Ana" and html == "<p>c1</p>"
  expect at 1d1h send sms
  expect ended Reminder reason end
  expect no goal bought
}

test "this one fails" {
  start 2026-03-02T08:00:00Z
  profile "p2" { email: "bo@example.com" }
  at 0m "p2" Cart { cartId: "c2", items: [], total: 20 }
  at 30m "p2" Order { orderId: "o1", items: [], total: 20 }
  expect at 2h send email
  expect no send email
  expect goal bought
  expect ended Reminder reason exit
}

test "an exit" {
  profile "p3" { email: "cy@example.com" }
  at 0m "p3" Cart { cartId: "c3", items: [], total: 20 }
  at 2h "p3" Stop { reason: "bought elsewhere" }
  expect ended Reminder reason exit
  expect at 2h ended
  expect no send sms
}

test "quiet hours: observed at delivery" {
  start 2026-03-02T20:30:00Z
  profile "p4" { email: "di@example.com" }
  at 0m "p4" Cart { cartId: "c4", items: [], total: 20 }
  expect at 11h30m send email to "di@example.com"
  expect no send email to "someone@else.example.com"
}
`;

describe("runTests", async () => {
  const ir = irOfFiles([
    { path: "journeys.journey", text: JOURNEYS },
    { path: "tests.journey", text: TESTS },
  ]);
  const results = await runTests(ir);
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  const lines = TESTS.split("\n");
  /** 1-based line and column of the `n`-th line starting with `text` (after indentation). */
  const where = (text: string, n = 0) => {
    const idx = lines.map((l, i) => (l.trimStart().startsWith(text) ? i : -1)).filter((i) => i >= 0)[n]!;
    return { line: idx + 1, column: lines[idx]!.indexOf(text) + 1 };
  };

  it("runs every test, in order, with its name and location", () => {
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ["reminder after an hour", true],
      ["this one fails", false],
      ["an exit", true],
      ["quiet hours: observed at delivery", true],
    ]);
    expect(byName["this one fails"]!.location).toMatchObject({ file: "tests.journey", ...where('test "this one fails"') });
  });

  it("a passing test: every expectation ok, on the default start", () => {
    const r = byName["reminder after an hour"]!;
    expect(r.start).toBe(DEFAULT_TEST_START);
    expect(r.expectations.map((e) => [e.ok, e.expected])).toEqual([
      [true, 'send email to ana@example.com where subject contains "Ana" and html == "<p>c1</p>" at +1h'],
      [true, "send sms at +1d1h"],
      [true, "ended Reminder reason end"],
      [true, "no goal bought"],
    ]);
    expect(r.timeline.some((e) => e.type === "send" && e.at === DEFAULT_TEST_START + HOUR)).toBe(true);
  });

  it("a failing expectation says what was expected, why it failed, and where it is", () => {
    const r = byName["this one fails"]!;
    expect(r.start).toBe(Date.parse("2026-03-02T08:00:00Z"));
    const [at2h, noSend, goal, ended] = r.expectations;
    // It says what went out on the channel instead, and how it differs.
    expect(at2h).toMatchObject({ ok: false, expected: "send email at +2h", message: "no matching message was sent (email at +1h: it went out at +1h)", location: { file: "tests.journey", ...where("expect at 2h send email") } });
    expect(at2h!.location.endLine).toBe(at2h!.location.line);
    expect(at2h!.location.endColumn).toBe(at2h!.location.column + "expect at 2h send email".length);
    expect(noSend).toMatchObject({ ok: false, expected: "no send email", message: "1 matching message went out: +1h to bo@example.com", location: where("expect no send email") });
    expect(goal).toMatchObject({ ok: true, expected: "goal bought" });
    expect(ended).toMatchObject({ ok: false, expected: "ended Reminder reason exit", message: "no instance ended that way (Reminder at +1d1h: its reason was end)", location: where("expect ended Reminder reason exit") });
    // The actual trace is there to show.
    expect(r.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(["entered", "goal", "send", "ended"]));
  });

  it("`expect at` pins the instant; quiet hours move the delivery", () => {
    expect(byName["an exit"]!.expectations.every((e) => e.ok)).toBe(true);
    expect(byName["quiet hours: observed at delivery"]!.expectations.every((e) => e.ok)).toBe(true);
  });

  it("filters tests by name", async () => {
    const only = await runTests(ir, { filter: (n) => n.startsWith("an ") });
    expect(only.map((r) => r.name)).toEqual(["an exit"]);
  });

  it("formats offsets as the language writes them", () => {
    expect(formatOffset(0)).toBe("0m");
    expect(formatOffset(HOUR)).toBe("1h");
    expect(formatOffset(25 * HOUR + 30 * 60_000)).toBe("1d1h30m");
    expect(formatOffset(1500)).toBe("1s500ms");
  });
});

describe("runTests: failures show what did happen", async () => {
  const ir = irOfFiles([
    { path: "journeys.journey", text: JOURNEYS },
    {
      path: "tests.journey",
      text: `test "wrong endings and goals" {
  profile "p1" { email: "ana@example.com", phone: "+46700000001" }
  at 0m "p1" Cart { cartId: "c1", items: [], total: 20 }
  at 30m "p1" Order { orderId: "o1", items: [], total: 20 }
  expect ended Reminder reason exit
  expect no ended Reminder
  expect at 2h goal bought
  expect no goal bought
}`,
    },
  ]);
  const [r] = await runTests(ir);

  it("an ended or goal expectation that fails names the endings and goal times there were", () => {
    expect(r!.expectations.map((e) => e.message)).toEqual([
      "no instance ended that way (Reminder at +1d1h: its reason was end)",
      '1 matching instance ended: Reminder of "p1" (end) at +1d1h',
      "no matching goal was recorded (bought at +30m: it was recorded at +30m)",
      '1 matching goal was recorded: +30m for "p1"',
    ]);
  });
});

describe("runTests: a content condition that fails says which, and where the text differs", async () => {
  // `currency` in en-GB writes `NOK 189.00` with a no-break space (U+00A0) after the code,
  // which prints as a space.
  const ir = irOfFiles([
    {
      path: "journeys.journey",
      text: `profile { email: string, locale: string = "en-GB" }
event Order { orderId: string, total: number }
journey Receipt {
  on Order as order
  send email {
    subject "Thanks for order {{order.orderId}}"
    html "<h1>Thank you</h1><p>Your coffee is on its way.</p><p>Total: {{currency order.total 'NOK'}}, paid by card.</p>"
  } to profile.email
}
`,
    },
    {
      path: "tests.journey",
      text: `test "receipt" {
  profile "p1" { email: "ana@example.com" }
  at 0m "p1" Order { orderId: "o1", total: 189 }
  expect send email where subject contains "order o1" and html contains "Total: NOK 189.00, paid"
  expect send email where html contains "shipped"
  expect send email where subject == "Thanks for order o2"
  expect send email where subject != "Thanks for order o1"
  expect send email where html contains "Total: NOK\\u00a0189.00, paid"
  expect send email where html not contains "Thank you" and html not contains "Total: NOK 189.00"
}`,
    },
  ]);
  const [r] = await runTests(ir);

  it("names the condition, shows the closest text and the character that differs, invisible ones escaped", () => {
    expect(r!.expectations.map((e) => e.message)).toEqual([
      'no matching message was sent (email at +0m: its html does not contain "Total: NOK 189.00, paid": the closest is …"Total: NOK\\u00a0189.00, paid by card.<"…, with "\\u00a0" where the expectation has " ")',
      'no matching message was sent (email at +0m: its html does not contain "shipped"; it was "<h1>Thank you</h1><p>Your coffee is on its way.</p><p>Total: NOK\\u00a0189.00, paid by card.</p>")',
      'no matching message was sent (email at +0m: its subject was "Thanks for order o1", with "1" where the expectation has "2")',
      'no matching message was sent (email at +0m: its subject was exactly "Thanks for order o1")',
      undefined,
      'no matching message was sent (email at +0m: its html contains "Thank you": "<h1>Thank you</h1><p>Your coffee "…)',
    ]);
  });
});

describe("runTests: expect profile", async () => {
  const ir = irOfFiles([
    {
      path: "t.journey",
      text: `profile {
  email: string
  tier: "bronze" | "silver" | "gold" = "bronze"
  points: int = 0
  tags: list<string>
  note?: string
  lastOrderAt?: datetime
  voucher?: { code: string, percent: int, expiresAt: datetime }
  snooze: duration = 1d
}
event Order { orderId: string, total: number }
journey Reward {
  on Order as order
  set profile.points = profile.points + 10
  set profile.lastOrderAt = now()
  set profile.voucher = { code: "THANKS" + order.orderId, percent: 10, expiresAt: now() + 14d }
  wait 3d
  set profile.tier = "gold"
}
test "as stored" {
  start 2026-03-02T09:00:00Z
  profile "p1" { email: "ana@example.com", tags: ["coffee"], note: "likes Guji beans" }
  profile "p2" { email: "bo@example.com", tags: [] }
  at 0m "p1" Order { orderId: "o1", total: 20 }
  expect at 0m profile "p1" where tier == "bronze" and points == 10 and voucher.code == "THANKSo1"
  expect at 3d profile "p1" where tier == "gold"
  expect profile "p1" where tier == "gold" and voucher.percent == 10 and voucher.expiresAt == 2026-03-16T09:00:00Z
    and lastOrderAt == 2026-03-02T10:00:00+01:00 and voucher != null
  expect profile "p1" where tags contains "coffee" and tags not contains "tea" and note contains "Guji" and note not contains "Kenya"
  expect profile "p2" where voucher == null and voucher.code == null and note not contains "x" and tier != "gold"
}
test "not as stored" {
  start 2026-03-02T09:00:00Z
  profile "p1" { email: "ana@example.com", tags: ["coffee"], note: "likes Guji beans" }
  at 0m "p1" Order { orderId: "o1", total: 20 }
  expect at 0m profile "p1" where tier == "gold" and voucher.code == "THANKSo2" and points == 10
  expect profile "p1" where tags contains "tea" and note not contains "Guji" and voucher == null
  expect profile "p1" where lastOrderAt == 2026-03-02T09:00:01Z and note contains "Kenya" and voucher.expiresAt != 2026-03-16T09:00:00Z
  expect profile "p1" where snooze == 14d
}
`,
    },
  ]);
  const [passing, failing] = await runTests(ir);

  it("holds when every condition holds for the profile as stored then (at the end without \`at\`)", () => {
    expect(passing!.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(passing!.ok).toBe(true);
  });

  it("fails with each field that differs and what it was", () => {
    expect(failing!.expectations.map((e) => [e.ok, e.expected, e.message])).toEqual([
      [false, 'profile "p1" where tier == "gold" and voucher.code == "THANKSo2" and points == 10 at +0m', 'its tier was "bronze"; its voucher.code was "THANKSo1", with "1" where the expectation has "2"'],
      [false, 'profile "p1" where tags contains "tea" and note not contains "Guji" and voucher == null at the end', 'its tags was ["coffee"], which does not hold "tea"; its note contains "Guji": "likes Guji beans"; its voucher was {"code":"THANKSo1","percent":10,"expiresAt":"2026-03-16T09:00:00.000Z"}'],
      [
        false,
        'profile "p1" where lastOrderAt == "2026-03-02T09:00:01Z" and note contains "Kenya" and voucher.expiresAt != "2026-03-16T09:00:00Z" at the end',
        'its lastOrderAt was "2026-03-02T09:00:00.000Z"; its note does not contain "Kenya"; it was "likes Guji beans"; its voucher.expiresAt was "2026-03-16T09:00:00.000Z"',
      ],
      // A duration as the test writes it, not in milliseconds.
      [false, 'profile "p1" where snooze == 14d at the end', "its snooze was 1d"],
    ]);
  });
});

describe("runTests: a run-time error fails the test unless it is expected", async () => {
  const CRASHES = `${SCHEMA}
action Score(id: string) -> { score: int } { get "https://score.example.com/{{id}}" }
journey Scored {
  on Cart as cart
  call Score(cart.cartId) as s
  send email { subject "Score {{s.score}}" html "<p>x</p>" } to profile.email
}
`;
  const ir = irOfFiles([
    { path: "journeys.journey", text: CRASHES },
    {
      path: "tests.journey",
      text: `test "passes only because the journey crashed" {
  profile "p1" { email: "ana@example.com" }
  at 0m "p1" Cart { cartId: "c1", items: [], total: 20 }
  expect no send email
}

test "the error path, on purpose" {
  profile "p1" { email: "ana@example.com" }
  at 0m "p1" Cart { cartId: "c1", items: [], total: 20 }
  expect ended Scored reason error
  expect no send email
}`,
    },
  ]);
  // No canned response for Score: the call fails at once, and the call has no \`on error\`.
  const [crashed, onPurpose] = await runTests(ir);

  it("an instance ending with reason error is a failure at the test, with the error and its step", () => {
    expect(crashed!.ok).toBe(false);
    const failure = crashed!.expectations.at(-1)!;
    expect(failure).toMatchObject({ ok: false, expected: "no run-time error (write `expect ended Scored reason error` if it is intended)", location: { file: "tests.journey", line: 1, column: 1 } });
    expect(failure.message).toMatch(/^Scored of "p1" ended with an error at \+0m: call `Score` failed: .*\(journeys\.journey:\d+:3\)$/);
  });

  it("`expect ended … reason error` makes the error part of the scenario", () => {
    expect(onPurpose!.ok).toBe(true);
    expect(onPurpose!.expectations).toHaveLength(2);
  });
});

describe("runTests: expect suppressed", async () => {
  const ir = irOfFiles([
    {
      path: "t.journey",
      text: `${SCHEMA}
channel sms { consent profile.flag  cap 1 per 7d }
journey Nudge {
  on Ping as p
  reentry always
  send sms { text "nudge {{p.n}}" } to profile.phone ?? ""
}
test "held back, and why" {
  profile "p1" { phone: "+46700000001", flag: true }
  profile "p2" { phone: "+46700000002", flag: false }
  profile "p3" { flag: true }
  at 0m "p1" Ping { n: 1 }
  at 1h "p1" Ping { n: 2 }
  at 0m "p2" Ping { n: 1 }
  at 0m "p3" Ping { n: 1 }
  expect at 1h suppressed sms reason cap
  expect suppressed sms reason noConsent
  expect at 0m suppressed sms reason noRecipient
  expect no suppressed sms reason runaway
  expect no suppressed email
}
test "wrong reason, wrong time" {
  profile "p1" { phone: "+46700000001", flag: true }
  at 0m "p1" Ping { n: 1 }
  at 1h "p1" Ping { n: 2 }
  expect suppressed sms reason noConsent
  expect at 2h suppressed sms
  expect no suppressed sms
}
`,
    },
  ]);
  const [passing, failing] = await runTests(ir, {});

  it("holds when a message of the channel was held back for that reason (at that time)", () => {
    expect(passing!.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(passing!.ok).toBe(true);
  });

  it("fails with the messages held back that did happen", () => {
    expect(failing!.expectations.map((e) => [e.ok, e.expected, e.message])).toEqual([
      [false, "suppressed sms reason noConsent", "no sms message was suppressed that way (sms at +1h: its reason was cap)"],
      [false, "suppressed sms at +2h", "no sms message was suppressed that way (sms at +1h: it was held back at +1h)"],
      [false, "no suppressed sms", '1 matching message was held back: cap at +1h for "p1"'],
    ]);
  });
});

describe("runTests: a test chooses the arm of an experiment for a profile", async () => {
  const SPLITS = `${SCHEMA}
journey Subject {
  on Cart
  split "subject" {
    A 45% { send email { subject "Subject A" text "x" } to profile.email }
    B 45% { send email { subject "Subject B" text "x" } to profile.email }
    control 10% { end }
  }
}
experience Hero {
  surface "web://shop.example.com/#hero"
  format text
  variant Everyone { split "subject" { A 50% { content "hero A" } B 50% { content "hero B" } } }
}
`;
  // The same profile id in every test: only the choice can put it in each arm.
  const test = (arm: string, expectations: string, name = `arm ${arm}`) => `test "${name}" {
  profile "p1" { email: "ana@example.com" }
  split "subject" ${arm} for "p1"
  at 0m "p1" Cart { cartId: "c1", items: [], total: 20 }
${expectations}
}
`;
  const ir = irOfFiles([
    { path: "journeys.journey", text: SPLITS },
    {
      path: "tests.journey",
      text: [
        test("A", '  expect send email where subject == "Subject A"\n  expect decide "web://shop.example.com/#hero" for "p1" content contains "hero A"'),
        test("B", '  expect send email where subject == "Subject B"\n  expect decide "web://shop.example.com/#hero" for "p1" content contains "hero B"'),
        test("control", "  expect no send email\n  expect ended Subject reason end"),
        // Wrong on purpose: the choice is what decides, so this one fails.
        test("control", '  expect send email where subject == "Subject A"', "wrong on purpose"),
      ].join("\n"),
    },
  ]);
  const results = await runTests(ir);

  it("each test runs with its arm: the journey's split and the experience's variant split alike, recorded in the timeline", () => {
    expect(results.slice(0, 3).map((r) => [r.name, r.ok, r.expectations.filter((e) => !e.ok).map((e) => e.message)])).toEqual([
      ["arm A", true, []],
      ["arm B", true, []],
      ["arm control", true, []],
    ]);
    expect(results.slice(0, 3).map((r) => r.timeline.filter((e) => e.type === "split").map((e) => (e as { arm: string }).arm))).toEqual([["A"], ["B"], ["control"]]);
  });

  it("an expectation the chosen arm does not meet fails", () => {
    expect(results[3]!.ok).toBe(false);
    expect(results[3]!.expectations[0]!.message).toBe("no email message was sent");
  });
});

describe("runTests: counting messages, and the nearest ones when a message is not there", async () => {
  const WEEKLY = `${SCHEMA}
journey Weekly {
  on Cart
  repeat 5 every 7d {
    send email { subject "Week" text "x" } to profile.email
  }
}
`;
  const ir = irOfFiles([
    { path: "journeys.journey", text: WEEKLY },
    {
      path: "tests.journey",
      text: `test "counts" {
  profile "p1" { email: "ana@example.com" }
  at 0m "p1" Cart { cartId: "c1", items: [], total: 20 }
  expect send email where subject == "Week" times 5
  expect at 7d send email times 1
  expect send email times 4
  expect send email where subject == "Month" times 2
  expect at 22d send email
  expect no send email where subject contains "Wee"
}
`,
    },
  ]);
  const [r] = await runTests(ir);

  it("`times n` holds for exactly n matching messages, and says how many went out when not", () => {
    expect(r!.expectations.map((e) => [e.ok, e.expected, e.message])).toEqual([
      [true, 'send email where subject == "Week" times 5', undefined],
      [true, "send email times 1 at +7d", undefined],
      [false, "send email times 4", "5 matching messages went out, not 4: +0m to ana@example.com; +7d to ana@example.com; +14d to ana@example.com; +21d to ana@example.com; +28d to ana@example.com"],
      // None matches: what went out instead, as without `times`.
      [false, 'send email where subject == "Month" times 2', 'no matching message was sent (email at +0m: its subject was "Week"; email at +7d: its subject was "Week"; email at +14d: its subject was "Week"; and 2 more)'],
      // With `at`, the messages nearest that instant come first.
      [false, "send email at +22d", "no matching message was sent (email at +21d: it went out at +21d; email at +28d: it went out at +28d; email at +14d: it went out at +14d; and 2 more)"],
      [false, 'no send email where subject contains "Wee"', "5 matching messages went out: +0m to ana@example.com; +7d to ana@example.com; +14d to ana@example.com; and 2 more"],
    ]);
  });
});

describe("runTests: counting endings, goals and messages held back", async () => {
  const ir = irOfFiles([
    {
      path: "t.journey",
      text: `${SCHEMA}
channel sms { cap 1 per 1d }
journey Visits {
  on Ping
  reentry always
  goal bought: Order within 1d
  send sms { text "hi" } to profile.phone ?? ""
}
test "counts" {
  profile "p1" { email: "ana@example.com", phone: "+46700000001" }
  at 0m "p1" Ping { n: 1 }
  at 1h "p1" Ping { n: 2 }
  at 2h "p1" Ping { n: 3 }
  at 3h "p1" Order { orderId: "o1", items: [], total: 1 }
  expect ended Visits reason end times 3
  expect at 1h ended times 1
  expect suppressed sms reason cap times 2
  expect goal bought times 1
  expect ended times 2
  expect suppressed sms times 3
  expect goal bought times 2
}
`,
    },
  ]);
  const [r] = await runTests(ir);

  it("`times n` counts endings, messages held back and goals as it counts messages", () => {
    expect(r!.expectations.map((e) => [e.ok, e.expected, e.message])).toEqual([
      [true, "ended Visits reason end times 3", undefined],
      [true, "ended times 1 at +1h", undefined],
      [true, "suppressed sms reason cap times 2", undefined],
      [true, "goal bought times 1", undefined],
      [false, "ended times 2", '3 matching instances ended, not 2: Visits of "p1" (end) at +0m; Visits of "p1" (end) at +1h; Visits of "p1" (end) at +2h'],
      [false, "suppressed sms times 3", '2 matching messages were held back, not 3: cap at +1h for "p1"; cap at +2h for "p1"'],
      [false, "goal bought times 2", '1 matching goal was recorded, not 2: +3h for "p1"'],
    ]);
  });
});

describe("runTests: respond and expect call", async () => {
  const ir = irOfFiles([
    {
      path: "t.journey",
      text: `profile { email: string, city?: string, tier: "bronze" | "gold" = "bronze" }
event Visit { url: string }
action Weather(city: string, customer: { email: string, tier: string }) -> { tempC: number, condition: string } {
  get "https://weather.example.com/{{city}}"
}
action Notify(email: string) {
  post "https://hooks.example.com/notify"
  body { email: email }
}
journey Forecast {
  on Visit
  call Weather(profile.city ?? "Stockholm", { email: profile.email, tier: profile.tier }) as w on error {
    send email { subject "no forecast" text "…" } to profile.email
    end
  }
  send email { subject "{{w.condition}} at {{w.tempC}}" text "…" } to profile.email
  call Notify(profile.email)
}
test "answered by the test" {
  profile "p1" { email: "ana@example.com", city: "Oslo" }
  profile "p2" { email: "bo@example.com", city: "Bergen", tier: "gold" }
  profile "p3" { email: "cy@example.com", city: "Oslo" }
  respond Weather where city == "Oslo" and customer.email != "cy@example.com" { tempC: 3, condition: "rain" }
  respond Weather where customer.tier == "gold" { tempC: 21, condition: "sun" }
  respond Weather error "timeout"
  respond Notify
  at 0m "p1" Visit { url: "/" }
  at 1h "p2" Visit { url: "/" }
  at 2h "p3" Visit { url: "/" }
  expect at 0m send email to "ana@example.com" where subject == "rain at 3"
  expect at 1h send email to "bo@example.com" where subject == "sun at 21"
  expect at 2h send email to "cy@example.com" where subject == "no forecast"
  expect call Weather where city == "Oslo" times 2
  expect at 1h call Weather where customer.tier == "gold" and city contains "erg"
  expect call Notify times 2
  expect no call Notify where email == "cy@example.com"
}
test "calls not as expected" {
  profile "p1" { email: "ana@example.com", city: "Oslo" }
  respond Weather { tempC: 3, condition: "rain" }
  respond Notify
  at 0m "p1" Visit { url: "/" }
  expect call Weather where city == "Bergen"
  expect at 1h call Weather
  expect no call Weather where customer.tier == "bronze"
  expect call Weather times 2
  expect call Notify where email == "bo@example.com"
}
test "the file answers what the test does not" {
  profile "p1" { email: "ana@example.com", city: "Madrid" }
  respond Weather where city == "Oslo" { tempC: 3, condition: "rain" }
  at 0m "p1" Visit { url: "/" }
  expect send email where subject == "sun at 25"
}
`,
    },
  ]);
  const file = { Weather: [{ match: { city: "Madrid" }, response: { tempC: 25, condition: "sun" } }], Notify: [{ response: null }] };
  const [answered, notAsExpected, fromFile] = await runTests(ir, { actionResponses: file });

  it("answers each call with the first rule whose conditions hold, or fails it with the rule's error", () => {
    expect(answered!.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(answered!.ok).toBe(true);
  });

  it("fails an expected call with the calls made instead and their first difference, or the matching ones", () => {
    expect(notAsExpected!.expectations.map((e) => [e.ok, e.expected, e.message])).toEqual([
      [false, 'call Weather where city == "Bergen"', 'no matching call was made (Weather at +0m: its city was "Oslo")'],
      [false, "call Weather at +1h", "no matching call was made (Weather at +0m: it was made at +0m)"],
      [false, 'no call Weather where customer.tier == "bronze"', '1 matching call was made: +0m for "p1"'],
      [false, "call Weather times 2", '1 matching call was made, not 2: +0m for "p1"'],
      [false, 'call Notify where email == "bo@example.com"', 'no matching call was made (Notify at +0m: its email was "ana@example.com")'],
    ]);
  });

  it("leaves the calls no rule of the test matches to the responses the run was given", () => {
    expect(fromFile!.expectations.filter((e) => !e.ok)).toEqual([]);
  });

  it("says when the action was never called", async () => {
    const [r] = await runTests(irOfFiles([{ path: "t.journey", text: `profile { email: string }\nevent Visit { url: string }\naction Ping(id: string) { post "https://x.example.com/{{id}}" }\njourney J {\n  on Visit\n  end\n}\ntest "t" {\n  profile "p1" { email: "a@b.c" }\n  at 0m "p1" Visit { url: "/" }\n  expect call Ping\n}\n` }]));
    expect(r!.expectations.map((e) => e.message)).toEqual(["`Ping` was never called"]);
  });
});

describe("runTests: respond provider", async () => {
  const ir = irOfFiles([
    {
      path: "t.journey",
      text: `profile { email: string }
event SiteVisited { url: string }
catalog Product {
  key sku: string
  name: string
  inStock: bool
}
journey Picks {
  on SiteVisited
  recommend picks = provider("personalized", profile.email) where item.inStock limit 2 backup popular()
  send email { subject "Picks:{{#each picks as |p|}} {{p.name}}{{/each}}" text "x" } to profile.email
}
test "answered by the test" {
  profile "p1" { email: "ana@example.com" }
  profile "p2" { email: "bo@example.com" }
  catalog Product [
    { sku: "A", name: "Alpha", inStock: true },
    { sku: "B", name: "Beta", inStock: true },
    { sku: "C", name: "Gamma", inStock: false },
  ]
  respond provider "personalized" for "p1" ["B", "C", "A"]
  respond provider "personalized" error "timeout"
  at 0m "p1" SiteVisited { url: "/" }
  at 1m "p2" SiteVisited { url: "/" }
  expect send email to "ana@example.com" where subject == "Picks: Beta Alpha"
  expect send email to "bo@example.com" where subject == "Picks:"
}
test "answered by the file" {
  profile "p1" { email: "ana@example.com" }
  catalog Product [
    { sku: "A", name: "Alpha", inStock: true },
    { sku: "B", name: "Beta", inStock: true },
  ]
  at 0m "p1" SiteVisited { url: "/" }
  expect send email where subject == "Picks: Beta Alpha"
}
test "a profile no rule answers" {
  profile "p1" { email: "ana@example.com" }
  respond provider "personalized" for "p2" ["A"]
  profile "p2" { email: "bo@example.com" }
  at 0m "p1" SiteVisited { url: "/" }
  expect send email where subject == "Picks:"
}
`,
    },
  ]);
  const [answered, , unanswered] = await runTests(ir);

  it("answers a provider's requests with the keys of the first rule for the profile, looked up in the test's catalog, or fails them", () => {
    expect(answered!.expectations.filter((e) => !e.ok)).toEqual([]);
    const recommended = answered!.timeline.filter((e) => e.type === "recommend").map((e) => [e.profileId, (e as { items: { key: string; source: string }[] }).items, (e as { failed?: string[] }).failed]);
    expect(recommended).toEqual([
      ["p1", [{ key: "B", source: "provider:personalized" }, { key: "A", source: "provider:personalized" }], undefined],
      ["p2", [], ["provider:personalized: timeout"]],
    ]);
  });

  it("fails a request no rule of the test answers, as with no provider", () => {
    expect(unanswered!.ok).toBe(true);
    const failed = unanswered!.timeline.find((e) => e.type === "recommend") as { failed?: string[] };
    expect(failed.failed?.[0]).toBe('provider:personalized: no canned response of provider `personalized` answers profile "p1"');
  });

  it("leaves the requests no rule of the test answers to the responses the run was given (provider-responses.json)", async () => {
    const byFile = (providerResponses?: Record<string, CannedProviderRule[]>) => runTests(ir, { filter: (n) => n === "answered by the file", ...(providerResponses ? { providerResponses } : {}) });
    const file = { personalized: [{ profileId: "p2", keys: ["A"] }, { profileId: "p1", keys: ["B", "A"] }] };
    expect((await byFile(file))[0]!.ok).toBe(true);
    expect((await byFile())[0]!.ok).toBe(false);
    // The test's own rules come first: the file's rule for every profile answers no request of theirs.
    const [answered] = await runTests(ir, { filter: (n) => n === "answered by the test", providerResponses: { personalized: [{ keys: ["C"] }] } });
    expect(answered!.ok).toBe(true);
  });
});

describe("runTests: the ways branching steps go (onBranch)", async () => {
  const ir = irOf(`${SCHEMA}
action Score(id: string) -> { score: int } {
  get "https://score.example.com/{{id}}"
}
journey Ways {
  on Ping as p
  if p.n == 1 { let a1 = 1 } else if p.n == 2 { let a2 = 2 }
  split "ab" {
    A 50% { let b1 = 1 }
    B 50% { let b2 = 2 }
  }
  call Score(profile.email) as s on error { let c = 0 }
  wait for Stop within 1h { let d = 1 }
}
test "two profiles" {
  profile "p1" { email: "a@example.com" }
  profile "p2" { email: "b@example.com" }
  split "ab" B for "p2"
  respond Score where id == "a@example.com" { score: 1 }
  respond Score error "down"
  at 0m "p1" Ping { n: 2 }
  at 0m "p2" Ping { n: 7 }
  at 30m "p1" Stop { reason: "x" }
}
`);
  it("reports each branching node's outcome: an if's branch (its else as the branch count), a split's arm, a wait for's event or timeout, a call's answer or failure", async () => {
    const ways = new Map<string, Set<number>>();
    const kinds = new Map(Object.entries(ir.journeys["Ways"]!.nodes).map(([id, n]) => [id, n.kind]));
    await runTests(ir, { onBranch: (_j, _v, node, outcome) => void ways.set(kinds.get(node)!, (ways.get(kinds.get(node)!) ?? new Set()).add(outcome)) });
    const seen = Object.fromEntries([...ways].map(([k, v]) => [k, [...v].sort()]));
    // p1: the second branch, the answer, the event; p2: the else, arm B, the failure, the timeout. p1's arm is its hash's.
    expect(seen["if"]).toEqual([1, 2]);
    expect(seen["split"]).toContain(1);
    expect(seen["call"]).toEqual([0, 1]);
    expect(seen["waitFor"]).toEqual([0, 1]);
  });
});
