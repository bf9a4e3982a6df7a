/**
 * End-to-end tests of `journey run` and `journey test`: the built command, run as a user
 * would, on every sample project, and on a copy of one with a mistake in its data or tests.
 * Only what a user sees is checked (exit code, stdout, stderr).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJourney, samples, temporaryFolder } from "./support.js";

/** Every sample that is a project with events (the embedding service is a program, not a project). */
const projects = readdirSync(samples).filter((d) => existsSync(join(samples, d, "events.jsonl")));

const tmp = temporaryFolder("journey-run-e2e-");

const journey = (args: string[]) => runJourney(args, tmp());

/** A copy of a sample, to change: its folder. */
const copyOf = (sample: string, name: string): string => {
  const project = join(tmp(), name);
  cpSync(join(samples, sample), project, { recursive: true });
  return project;
};

/** A copy of a sample with `from` replaced by `to` in one of its files (which must contain it): the folder and the new text. */
const editedCopy = (sample: string, name: string, file: string, from: string, to: string): { project: string; text: string } => {
  const project = copyOf(sample, name);
  const original = readFileSync(join(project, file), "utf8");
  const text = original.replace(from, to);
  expect(text).not.toBe(original);
  writeFileSync(join(project, file), text);
  return { project, text };
};

describe("journey run on every sample", () => {
  it("finds the sample projects", () => {
    expect(projects.length).toBeGreaterThanOrEqual(8);
  });

  it.each(projects)("%s: a JSON timeline of entries, sends and endings, nothing on stderr", (name) => {
    const r = journey(["run", join(samples, name), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // A project of experiences only (no journey) has an empty timeline: its events feed the catalog.
    const lines = r.stdout.split("\n").filter((l) => l.trim());
    const entries = lines.map((l) => JSON.parse(l) as { at: string; type: string; profileId: string; reason?: string; channel?: string });
    if (!readdirSync(join(samples, name)).some((f) => f.endsWith(".journey") && /^journey /m.test(readFileSync(join(samples, name, f), "utf8")))) expect(entries).toEqual([]);
    else expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
      expect(["entered", "send", "suppressed", "call", "recommend", "split", "goal", "ended", "error"]).toContain(e.type);
      expect(typeof e.profileId).toBe("string");
    }
    // Times only move forward, and every instance that ends says why.
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
    for (const e of entries.filter((x) => x.type === "ended")) expect(["end", "exit", "error"]).toContain(e.reason);
  });

  it("a consent withdrawn while a message waits for quiet hours: `suppressed`, reason `noConsent`, in --json and in text", () => {
    const json = journey(["run", join(samples, "abandoned-cart"), "--json"]);
    expect(json.status).toBe(0);
    const entries = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    // Jonas's SMS fell due at 07:00 (08:00 in Stockholm, inside quiet hours); he saved the preference center without SMS consent at 07:30.
    expect(entries.filter((e) => e["profileId"] === "p2" && String(e["at"]) >= "2026-03-12")).toEqual([
      { at: "2026-03-12T07:30:00.000Z", type: "entered", journey: "Preferences", profileId: "p2" },
      { at: "2026-03-12T07:30:00.000Z", type: "ended", journey: "Preferences", profileId: "p2", reason: "end" },
      { at: "2026-03-12T08:00:00.000Z", type: "suppressed", journey: "AbandonedCart", profileId: "p2", channel: "sms", reason: "noConsent" },
      { at: "2026-03-12T08:00:00.000Z", type: "ended", journey: "AbandonedCart", profileId: "p2", reason: "end" },
    ]);
    const text = journey(["run", join(samples, "abandoned-cart")]);
    expect(text.stdout).toContain("2026-03-12T08:00:00Z  p2  AbandonedCart  sms suppressed (no consent)\n");
  });

  it("a `send transactional`: sent without consent, marked `transactional: true` in --json and `send transactional` in text; other sends carry no such field", () => {
    const json = journey(["run", join(samples, "loyalty"), "--json"]);
    expect(json.status).toBe(0);
    const sends = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e["type"] === "send");
    // Henrik (p4) has no email consent, which the channel requires: his refund receipt goes out all the same.
    expect(sends.filter((e) => e["transactional"] !== undefined)).toEqual([
      expect.objectContaining({ at: "2026-03-12T10:45:00.000Z", profileId: "p5", channel: "email", to: "giulia.ferri@example.com", transactional: true, template: "RefundReceipt", subject: "Your refund for order o-3105" }),
      expect.objectContaining({ at: "2026-03-16T15:30:00.000Z", profileId: "p4", channel: "email", to: "henrik.dahl@example.com", transactional: true, template: "RefundReceipt", subject: "Your refund for order o-3104" }),
    ]);
    expect(sends.length).toBeGreaterThan(2);
    const text = journey(["run", join(samples, "loyalty")]);
    expect(text.stdout).toContain('2026-03-16T15:30:00Z  p4  LoyaltyReturns  send transactional email to henrik.dahl@example.com  "Your refund for order o-3104"\n');
    expect(text.stdout).toContain("LoyaltyPoints  send email to ");
  });

  it("the readable timeline gives a goal's time to conversion in days, hours and minutes, and the experiment arm it converted in", () => {
    const r = journey(["run", join(samples, "winback")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('p2  WinBack  split "winback-subject": TopPicks');
    expect(r.stdout).toContain('goal reactivated after 2d5h10m ("winback-subject": TopPicks)');
  });

  it("--json: each instance's experiment arm once, and its goals carry it", () => {
    const r = journey(["run", join(samples, "winback"), "--json"]);
    expect(r.status).toBe(0);
    const entries = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const splits = entries.filter((e) => e["type"] === "split");
    const entered = entries.filter((e) => e["type"] === "entered" && e["journey"] === "WinBack");
    expect(splits).toHaveLength(entered.length);
    for (const s of splits) expect(s).toMatchObject({ journey: "WinBack", experiment: "winback-subject", arm: expect.stringMatching(/^(MissYou|TopPicks)$/) });
    const goal = entries.find((e) => e["type"] === "goal");
    expect(goal).toMatchObject({ profileId: "p2", goal: "reactivated", arms: { "winback-subject": "TopPicks" } });
  });

  it("an invalid event: its file, line and field, exit 1, no stack trace", () => {
    const project = copyOf("abandoned-cart", "cart-bad-event");
    const events = readFileSync(join(project, "events.jsonl"), "utf8").split("\n");
    const at = events.findIndex((l) => l.includes('"CartAbandoned"'));
    const bad = JSON.parse(events[at]!) as { data: { total: unknown } };
    bad.data.total = "lots";
    // A blank line before it: lines are counted in the file, not among the events.
    events.splice(at, 1, "", JSON.stringify(bad));
    writeFileSync(join(project, "events.jsonl"), events.join("\n"));
    const r = journey(["run", project]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`events.jsonl:${at + 2}: invalid event: data.total expected number, found the string "lots"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("without --json, a project of experiences only says it has no journeys, not an empty timeline", () => {
    const r = journey(["run", join(samples, "home-experience")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("no journeys in this project: its events fed the catalog (see `journey decide` for its experiences)\n");
  });

  it("without --json, a readable timeline with a summary", () => {
    const r = journey(["run", join(samples, "abandoned-cart")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/send/);
    expect(r.stdout.trim().split("\n").length).toBeGreaterThan(5);
    // A text longer than the line shows (this SMS) is cut with an ellipsis, never silently.
    expect(r.stdout).toContain(`p1  AbandonedCart  send sms to +46701234567  "Ana, your Nordvik cart (€268.90) is saved: https://shop.example.com/cart/c-1001…"`);
  });
});

describe("journey run: instances still waiting at the end", () => {
  const project = join(samples, "abandoned-cart");
  const text = readFileSync(join(project, "abandoned-cart.journey"), "utf8").split("\n");
  const lineOf = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
  const file = join(project, "abandoned-cart.journey");

  it("--until before the journeys finish: a summary by journey and the step each resumes at, with its place in the source", () => {
    const r = journey(["run", project, "--until", "2026-03-02T15:00:00Z"]);
    expect(r.status).toBe(0);
    // Ana's and Jonas's carts wait 4h (resuming at the step after the wait), Emil's reminder was sent and waits for an order.
    expect(r.stdout).toContain(
      "still waiting at 2026-03-02T15:00:00Z: 3 instances\n" +
        `  AbandonedCart  2 to resume at ${file}:${lineOf("if not profile.consent.email")}:3 (if)\n` +
        `  AbandonedCart  1 to resume at ${file}:${lineOf("wait for OrderPlaced")}:3 (waitFor)\n`,
    );
    // Run to the end, nothing waits: nothing is said.
    expect(journey(["run", project]).stdout).not.toContain("still waiting");
  });

  it("--json: a `waiting` line per journey version and step, at the run's end, after the timeline; JSON alone on stdout", () => {
    const r = journey(["run", project, "--until", "2026-03-02T15:00:00Z", "--json"]);
    expect(r.stderr).toBe("");
    const entries = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const waiting = entries.filter((e) => e["type"] === "waiting");
    expect(entries.slice(-waiting.length)).toEqual(waiting);
    expect(waiting).toEqual([
      { at: "2026-03-02T15:00:00.000Z", type: "waiting", journey: "AbandonedCart", version: expect.stringMatching(/^[0-9a-f]{16}$/), current: true, node: expect.any(String), step: "if", location: `${file}:${lineOf("if not profile.consent.email")}:3`, count: 2 },
      { at: "2026-03-02T15:00:00.000Z", type: "waiting", journey: "AbandonedCart", version: expect.stringMatching(/^[0-9a-f]{16}$/), current: true, node: expect.any(String), step: "waitFor", location: `${file}:${lineOf("wait for OrderPlaced")}:3`, count: 1 },
    ]);
    expect(journey(["run", project, "--json"]).stdout).not.toContain('"waiting"');
  });
});

describe("journey run --tz", () => {
  it("`profile`: each time in its profile's zone, with the offset (quiet hours end at 08:00 local)", () => {
    const r = journey(["run", join(samples, "abandoned-cart"), "--tz", "profile"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("2026-03-11T08:00:00+01:00  p2  AbandonedCart  send email to jonas.berg@example.com");
    expect(r.stdout).toContain("2026-03-02T14:30:00+02:00  p3  AbandonedCart  entered");
  });

  it("a zone: `local` beside `at` in --json, across a DST change", () => {
    const r = journey(["run", join(samples, "abandoned-cart"), "--tz", "America/New_York", "--json"]);
    expect(r.status).toBe(0);
    const entries = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { at: string; local: string });
    expect(entries[0]).toMatchObject({ at: "2026-03-02T10:15:00.000Z", local: "2026-03-02T05:15:00-05:00" });
    // New York moved to summer time on March 8.
    expect(entries.find((e) => e.at === "2026-03-10T23:05:00.000Z")).toMatchObject({ local: "2026-03-10T19:05:00-04:00" });
    for (const e of entries) expect(Date.parse(e.local)).toBe(Date.parse(e.at));
  });

  it("a zone Intl does not know: exit 1 before anything runs, with the nearest name", () => {
    const r = journey(["run", join(samples, "abandoned-cart"), "--tz", "Europe/Stokholm"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--tz: `Europe/Stokholm` is not an IANA time zone");
    expect(r.stderr).toContain("did you mean `Europe/Stockholm`?");
    // A city alone, as people name a zone: the zone it is in.
    const city = journey(["run", join(samples, "onboarding"), "--tz", "Oslo"]);
    expect(city.status).toBe(1);
    expect(city.stderr).toBe("journey: --tz: `Oslo` is not an IANA time zone (like Europe/Stockholm or America/New_York), nor `profile` (did you mean `Europe/Oslo`?)\n");
  });
});

describe("journey run --from", () => {
  /** The re-engagement sample (a daily schedule) without its events: a project of schedules. */
  const schedulesOnly = (events?: string) => {
    const project = copyOf("reengagement", "schedules-only");
    rmSync(join(project, "events.jsonl"));
    if (events !== undefined) writeFileSync(join(project, "events.jsonl"), events);
    return project;
  };

  it("runs a project of schedules without events, from the given time; the same every time", () => {
    const project = schedulesOnly();
    const r = journey(["run", project, "--from", "2026-03-01T00:00:00Z", "--until", "+5d", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const entries = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { at: string; type: string });
    expect(entries.some((e) => e.type === "send")).toBe(true);
    for (const e of entries) expect(e.at >= "2026-03-01T00:00:00.000Z" && e.at <= "2026-03-06T00:00:00.000Z").toBe(true);
    expect(journey(["run", project, "--from", "2026-03-01T00:00:00Z", "--until", "+5d", "--json"]).stdout).toBe(r.stdout);
  });

  it("without --from, a run needs an event (never this machine's clock) and says how to do without", () => {
    const missing = journey(["run", schedulesOnly()]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("(or --from <time> to run without events)");
    const empty = journey(["run", schedulesOnly("")]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain("events.jsonl: no events: pass --from <time>");
  });

  it("events none of which has a valid time: the first is refused with its line, not taken for no events", () => {
    const r = journey(["run", schedulesOnly('{"id":"e1","type":"SiteVisited","profileId":"p4","time":"yesterday","data":{"url":"x"}}\n')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("journey: " + join(tmp(), "schedules-only", "events.jsonl") + ":1: invalid event: time must be an ISO-8601 instant with a zone, such as 2026-03-02T10:15:00Z\n");
  });

  it("an event before --from is refused with its line", () => {
    const project = schedulesOnly('\n{"id":"e1","type":"SiteVisited","profileId":"p4","time":"2026-03-02T06:10:00Z","data":{"url":"https://shop.example.com/"}}\n');
    const r = journey(["run", project, "--from", "2026-05-01"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("events.jsonl:2: this event (2026-03-02T06:10:00Z) is before --from 2026-05-01");
  });
});

describe("journey test on every sample", () => {
  it.each(projects)("%s: every test passes", (name) => {
    const r = journey(["test", join(samples, name)]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\d+ tests?: (\d+) passed, 0 failed/);
  });

  it("a failing expectation: exit 1, its place in the source and what happened instead", () => {
    const { project, text: broken } = editedCopy("loyalty", "loyalty-broken", "loyalty.journey", 'subject == "Welcome to Silver, Omar!"', 'subject == "Welcome to Bronze, Omar!"');
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    const line = broken.split("\n").findIndex((l) => l.includes("Welcome to Bronze")) + 1;
    const column = broken.split("\n")[line - 1]!.indexOf("expect") + 1;
    expect(r.stdout).toContain(`loyalty.journey:${line}:${column}: expected send email where subject == "Welcome to Bronze, Omar!": no matching message was sent (email at +`);
    expect(r.stdout).toContain(`its subject was "Welcome to Silver, Omar!"`);
    expect(r.stdout).toMatch(/what happened[^\n]*\n(.*\n)*.*send email to omar\.haddad@example\.com {2}"Welcome to Silver, Omar!"/);
    expect(r.stdout).toMatch(/8 tests: 7 passed, 1 failed/);
  });

  it("a `contains` that fails on a character printed like a space: the closest text, the character escaped", () => {
    const { project } = editedCopy("onboarding", "onboarding-nbsp", "tests.journey", "NOK\\u00a0189.00", "NOK 189.00");
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('its html does not contain "Ethiopia Guji, 250 g</a> — NOK 189.00": the closest is …"Ethiopia Guji, 250 g</a> — NOK\\u00a0189.00</p>');
    expect(r.stdout).toContain('…, with "\\u00a0" where the expectation has " "; email at +10m: it went out at +10m; email at +30d23h: it went out at +30d23h)');
  });

  it("onboarding: a profile not as expected fails at its `expect profile` with the field that differs; `not contains` with where the text occurs", () => {
    const { project, text } = editedCopy("onboarding", "onboarding-voucher", "tests.journey", 'voucher.code == "WELCOME20"', 'voucher.code == "WELCOME25"');
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    const line = text.split("\n").findIndex((l) => l.includes('"WELCOME25"')) + 1;
    expect(r.stdout).toContain(
      `tests.journey:${line}:3: expected profile "p1" where voucher.code == "WELCOME25" and voucher.percent == 20 and voucher.expiresAt == "2026-03-16T09:00:00Z" at the end: its voucher.code was "WELCOME20", with "0" where the expectation has "5"`,
    );
    expect(r.stdout).toMatch(/11 tests: 10 passed, 1 failed/);
    const mentioned = journey(["test", editedCopy("onboarding", "onboarding-mentioned", "tests.journey", 'html not contains "Hand Grinder"', 'html not contains "Ethiopia Guji"').project]);
    expect(mentioned.status).toBe(1);
    expect(mentioned.stdout).toContain('email at +3d10m: its html contains "Ethiopia Guji": …"le/fc-101.jpg\\" alt=\\"Ethiopia Guji, 250 g\\" width=\\"140\\""…');
  });

  it("onboarding: a Norwegian member's welcome comes from the template's `locale \"nb\"` block; another locale gets the template's own content", () => {
    const passing = journey(["test", join(samples, "onboarding")]);
    expect(passing.status).toBe(0);
    expect(passing.stdout).toContain("✓ a Norwegian member gets the welcome email in Norwegian");
    const run = journey(["run", join(samples, "onboarding")]);
    expect(run.stdout).toContain('send email to ingrid.dahl@example.com  "Velkommen til Fjord, Ingrid: 25 % rabatt på din første pose"');
    expect(run.stdout).toContain('send email to lars.berg@example.com  "Welcome to Fjord, friend: 15% off your first bag"');
    const { project } = editedCopy("onboarding", "onboarding-german", "tests.journey", 'locale: "nb-NO"', 'locale: "de-DE"');
    const german = journey(["test", project]);
    expect(german.status).toBe(1);
    expect(german.stdout).toContain('its subject was "Welcome to Fjord, Ola: 10% off your first bag"');
    expect(german.stdout).toMatch(/11 tests: 10 passed, 1 failed/);
  });

  it("`html !=`: `journey check` warns with what to write instead; the tests still run, the warning in their JSON", () => {
    const { project } = editedCopy("onboarding", "onboarding-html-ne", "tests.journey", 'html not contains "Hand Grinder"', 'html != "Hand Grinder"');
    const check = journey(["check", project]);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain("warning[J6005]: `html !=` compares the whole document with the text, so it holds for nearly every message");
    expect(check.stdout).toContain("= help: to say the html does not mention a text, write `not contains`");
    const tests = journey(["test", project, "--json"]);
    expect(tests.status).toBe(0);
    const report = JSON.parse(tests.stdout) as { diagnostics: { code: string }[]; passed: number; failed: number };
    expect(report.diagnostics.map((d) => d.code)).toEqual(["J6005"]);
    expect([report.passed, report.failed]).toEqual([11, 0]);
    // Without --json, and for `run`: the warning on stderr as a code frame, before the run; stdout as ever.
    const human = journey(["test", project]);
    expect(human.status).toBe(0);
    expect(human.stderr).toContain("warning[J6005]: `html !=` compares the whole document");
    expect(human.stderr).toMatch(/tests\.journey:\d+:\d+/);
    expect(human.stdout).toMatch(/^✓ /);
    expect(human.stdout).toMatch(/11 tests: 11 passed, 0 failed/);
    const run = journey(["run", project, "--json"]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("warning[J6005]");
    for (const line of run.stdout.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("winback: each test runs in the arm it chooses; another arm fails the holdout's test, an unknown arm is a compile error", () => {
    const passing = journey(["test", join(samples, "winback")]);
    expect(passing.stdout).toContain("✓ the holdout gets nothing, and its orders are still counted");
    const { project } = editedCopy("winback", "winback-arms", "winback.journey", 'split "winback-subject" control for "p1"', 'split "winback-subject" MissYou for "p1"');
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/expected no send email: 1 matching message went out: \+2h to /);
    expect(r.stdout).toContain('split "winback-subject": MissYou');
    expect(r.stdout).toMatch(/4 tests: 3 passed, 1 failed/);
    const unknown = journey(["test", editedCopy("winback", "winback-unknown-arm", "winback.journey", 'split "winback-subject" control for "p1"', 'split "winback-subject" holdout for "p1"').project]);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain("error[J1001]: unknown name `holdout`");
    expect(unknown.stdout).toContain('help: the arms of "winback-subject" are `MissYou`, `TopPicks`, `control`');
  });
});

describe("journey run with a catalog item that does not match the declaration", () => {
  it("runs without it and says which item and why on stderr", () => {
    const project = copyOf("abandoned-cart", "cart-bad-item");
    const catalogPath = join(project, "catalog.json");
    const catalog = JSON.parse(readFileSync(catalogPath, "utf8")) as Record<string, unknown>[];
    catalog[1] = { ...catalog[1], price: "cheap" };
    writeFileSync(catalogPath, JSON.stringify(catalog));
    const r = journey(["run", project, "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`warning: ${catalogPath}: catalog item \`${String(catalog[1]!["sku"])}\` (items[1]): item.price expected number, found the string "cheap"; left out`);
    // The timeline is still clean JSON lines.
    for (const l of r.stdout.trim().split("\n")) JSON.parse(l);
  });

  it("keeps an item whose undeclared field looks like a misspelt optional one, and says so on stderr", () => {
    const { project } = editedCopy("abandoned-cart", "cart-misspelt-item", "schema.journey", "  inStock: bool\n", "  inStock: bool\n  badge?: string\n");
    const catalogPath = join(project, "catalog.json");
    const catalog = JSON.parse(readFileSync(catalogPath, "utf8")) as Record<string, unknown>[];
    catalog[0] = { ...catalog[0], Badge: "new" };
    writeFileSync(catalogPath, JSON.stringify(catalog));
    const r = journey(["run", project, "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${catalogPath}: catalog item \`${String(catalog[0]!["sku"])}\` (items[0]): item.Badge is not a declared field (did you mean \`badge\`?); kept without \`badge\`\n`);
  });

  it("a key given twice is said on stderr (the last item is used)", () => {
    const project = copyOf("abandoned-cart", "cart-twice");
    const catalogPath = join(project, "catalog.json");
    const catalog = JSON.parse(readFileSync(catalogPath, "utf8")) as Record<string, unknown>[];
    catalog.push({ ...catalog[0]!, name: "renamed" });
    writeFileSync(catalogPath, JSON.stringify(catalog));
    const r = journey(["run", project, "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`warning: ${catalogPath}: a key is given more than once, \`${String(catalog[0]!["sku"])}\` (items[0], items[${catalog.length - 1}]): the last valid item of each is used`);
  });
});

describe("journey run with bad or unusual data files: the file, line and field; exit 1; nothing run", () => {
  /** A copy of abandoned-cart, with some of its files replaced. */
  const cart = (name: string, files: Record<string, string> = {}) => {
    const project = copyOf("abandoned-cart", name);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(project, file), text);
    return project;
  };
  const sampleEvents = () => readFileSync(join(samples, "abandoned-cart", "events.jsonl"), "utf8").trimEnd().split("\n");
  /** A user mistake: exit 1, the one line expected on stderr, nothing on stdout. */
  const refused = (r: ReturnType<typeof journey>, line: string) => {
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`journey: ${line}\n`);
    expect(r.stdout).toBe("");
  };

  it.each([
    ["without a time", (e: Record<string, unknown>) => void delete e["time"]],
    ["with a time that is not one", (e: Record<string, unknown>) => void (e["time"] = "yesterday")],
    ["with a time as a number", (e: Record<string, unknown>) => void (e["time"] = 1_772_000_000_000)],
  ])("an event %s is refused, not left out of the run unseen", (_, spoil) => {
    const events = sampleEvents();
    const bad = JSON.parse(events[3]!) as Record<string, unknown>;
    spoil(bad);
    events[3] = JSON.stringify(bad);
    const project = cart("cart-untimed", { "events.jsonl": events.join("\n") });
    refused(journey(["run", project]), `${join(project, "events.jsonl")}:4: invalid event: time must be an ISO-8601 instant with a zone, such as 2026-03-02T10:15:00Z`);
  });

  it("data files saved with a byte order mark and CRLF line endings are read as any other", () => {
    const bom = "\uFEFF";
    const files = { "events.jsonl": sampleEvents().join("\r\n") + "\r\n", "profiles.json": readFileSync(join(samples, "abandoned-cart", "profiles.json"), "utf8") };
    const plain = journey(["run", cart("cart-plain", files), "--json"]);
    const r = journey(["run", cart("cart-bom", { "events.jsonl": bom + files["events.jsonl"], "profiles.json": bom + files["profiles.json"] }), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
  });

  it("invalid JSON: the line and column, on one line, without the file's text", () => {
    // Node words the mistake itself (and differently from one version to the next).
    const jsonError = (r: ReturnType<typeof journey>, where: string) => {
      expect(r.status).toBe(1);
      expect(r.stderr.startsWith(`journey: ${where}: invalid JSON: `)).toBe(true);
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stderr).not.toMatch(/position|not valid JSON/);
    };
    const profiles = cart("cart-comma", { "profiles.json": '[\n  {"id": "p1", "email": "a@example.com"},\n]\n' });
    jsonError(journey(["run", profiles]), `${join(profiles, "profiles.json")}:3:1`);
    const events = sampleEvents();
    events[1] = events[1]!.replace('"type":', '"type"');
    const project = cart("cart-colon", { "events.jsonl": events.join("\n") });
    jsonError(journey(["run", project]), `${join(project, "events.jsonl")}:2:${events[1]!.indexOf('"type"') + '"type"'.length + 1}`);
  });

  it("events as a JSON array or pretty-printed: said to be JSON Lines, with the `jq` that converts them; profiles and a catalog as JSON Lines: the mirror", () => {
    const events = sampleEvents().map((l) => JSON.parse(l) as unknown);
    const array = cart("cart-array", { "events.jsonl": JSON.stringify(events, null, 2) });
    refused(journey(["run", array]), `${join(array, "events.jsonl")}:1: an events file is JSON Lines, one event (a JSON object) per line, not a JSON array: convert it with \`jq -c '.[]' ${join(array, "events.jsonl")}\``);
    const pretty = cart("cart-pretty", { "events.jsonl": `\n${JSON.stringify(events[0], null, 2)}\n` });
    refused(journey(["run", pretty]), `${join(pretty, "events.jsonl")}:2: an events file is JSON Lines, one event (a JSON object) per line: this event spans several lines; \`jq -c . ${join(pretty, "events.jsonl")}\` writes each on one`);
    const lines = (file: string) => (JSON.parse(readFileSync(join(samples, "abandoned-cart", file), "utf8")) as unknown[]).map((x) => JSON.stringify(x)).join("\n") + "\n";
    const profiles = cart("cart-profile-lines", { "profiles.json": lines("profiles.json") });
    refused(journey(["run", profiles]), `${join(profiles, "profiles.json")}: expected a JSON array of profiles ([{ "id": …, …attributes }]), found JSON Lines (one object per line, the format of an events file): convert it with \`jq -s . ${join(profiles, "profiles.json")}\``);
    const catalog = cart("cart-catalog-lines", { "catalog.json": lines("catalog.json") });
    refused(journey(["run", catalog]), `${join(catalog, "catalog.json")}: expected a JSON array of catalog items, found JSON Lines (one object per line, the format of an events file): convert it with \`jq -s . ${join(catalog, "catalog.json")}\``);
  });

  it("a misspelt field of an event names the declared one meant, and the event's line", () => {
    const events = sampleEvents();
    const e = JSON.parse(events[2]!) as { data: Record<string, unknown> };
    e.data = Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k === "orderId" ? "orderID" : k, v]));
    events[2] = JSON.stringify(e);
    const project = cart("cart-misspelt", { "events.jsonl": events.join("\n") });
    // The first error, the one shown, names the misspelt field it was given as.
    refused(journey(["run", project]), `${join(project, "events.jsonl")}:3: invalid event: data.orderId is missing (given as \`orderID\`?)`);
  });

  it("an invalid profile: the profiles file and the field path", () => {
    const project = cart("cart-bad-profile", { "profiles.json": JSON.stringify([{ id: "p1", email: "a@example.com", consent: { email: true, sms: false } }, { id: "p2", email: 42, consent: { email: true, sms: false } }]) });
    refused(journey(["run", project]), `${join(project, "profiles.json")}: invalid profile \`p2\`: [1].email expected string, found number 42`);
  });

  it.each([
    [[1], "Weather[0] must be an object: { \"match\": {…}, \"response\": {…} } or { \"match\": {…}, \"error\": \"…\" }"],
    [[{ match: "Oslo", error: "timeout" }], "Weather[0].match must be an object of argument values"],
    [[{ match: { city: "Oslo" }, respone: { tempC: 1 } }], "Weather[0].respone is not a field of a response (match, response or error)"],
    [[{ error: 504 }], "Weather[0].error must be a string: the failure's message"],
    [[{ match: { citi: "Oslo" }, error: "timeout" }], "Weather[0].match.citi: `Weather` has no parameter `citi` (did you mean `city`?)"],
  ])("a canned action response of the wrong shape is refused, not turned into failing calls: %j", (list, message) => {
    const project = copyOf("weather-promo", `weather-${message.slice(0, 12).replace(/\W/g, "")}`);
    writeFileSync(join(project, "action-responses.json"), JSON.stringify({ Weather: list }));
    refused(journey(["run", project]), `${join(project, "action-responses.json")}: ${message}`);
  });

  it("responses for an action the project does not declare, and a catalog for a project without one: named on stderr, the run goes on", () => {
    const project = copyOf("weather-promo", "weather-typo");
    const responses = JSON.parse(readFileSync(join(project, "action-responses.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(project, "action-responses.json"), JSON.stringify({ ...responses, Wether: [] }));
    const typo = journey(["run", project]);
    expect(typo.status).toBe(0);
    expect(typo.stderr).toBe(`warning: ${join(project, "action-responses.json")}: \`Wether\` is not an action of this project, so its responses are never used (did you mean \`Weather\`?)\n`);
    const noCatalog = journey(["run", join(samples, "loyalty"), "--catalog", join(samples, "abandoned-cart", "catalog.json")]);
    expect(noCatalog.status).toBe(0);
    expect(noCatalog.stderr).toBe(`warning: ${join(samples, "abandoned-cart", "catalog.json")}: the project declares no \`catalog\`, so these items are not used\n`);
  });

  it("events for a profile the profiles file does not hold (a mistyped id) are named on stderr; with --db, profiles stored earlier count", () => {
    const events = sampleEvents().map((l) => l.replace('"profileId":"p2"', '"profileId":"P2"'));
    const project = cart("cart-unknown-profile", { "events.jsonl": events.join("\n") });
    const n = events.filter((l) => l.includes('"P2"')).length;
    const r = journey(["run", project]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${join(project, "events.jsonl")}: ${n} events are for a profile not in ${join(project, "profiles.json")} (\`P2\`): it starts with the declared defaults only\n`);
    const db = join(tmp(), "unknown.db");
    journey(["run", project, "--db", db]);
    // New ids a year later: a new event before what the store already did would be refused.
    writeFileSync(join(project, "events.jsonl"), events.map((l) => l.replace(/"id":"/, '"id":"again-').replace('"time":"2026-', '"time":"2027-')).join("\n"));
    // No word about P2 (stored by the first run); the profiles file's profiles are kept as stored.
    expect(journey(["run", project, "--db", db]).stderr).toMatch(/^warning: [^\n]*profiles\.json: \d+ profiles already in [^\n]*, kept as stored there \(the file only adds new profiles\)\n$/);
  });

  it("provider-responses.json answers a project's recommendation providers; a provider nothing asks is named on stderr, a wrong shape refused", () => {
    const { project } = editedCopy("abandoned-cart", "cart-provider", "abandoned-cart.journey", "recommend recs = cartBased(cart.items.sku)", 'recommend recs = provider("personalized", cart.cartId)');
    const run = () => journey(["run", project, "--json", "--until", "2026-03-03T00:00:00Z"]);
    const recommended = (stdout: string) => stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string; profileId: string; sources?: { source: string }[]; failed?: string[] }).filter((e) => e.type === "recommend");
    // Without the file, every request fails and the backup fills in.
    const before = recommended(run().stdout);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((e) => e.failed?.[0]?.startsWith("provider:personalized: no provider `personalized` is registered"))).toBe(true);
    writeFileSync(join(project, "provider-responses.json"), JSON.stringify({ personalized: [{ response: ["NV-1001", "NV-2001"] }], personalised: [] }));
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${join(project, "provider-responses.json")}: no recommendation of this project asks provider \`personalised\`, so its responses are never used (did you mean \`personalized\`?)\n`);
    const after = recommended(r.stdout);
    expect(after.length).toBe(before.length);
    expect(after.every((e) => !e.failed && e.sources!.some((s) => s.source === "provider:personalized"))).toBe(true);
    writeFileSync(join(project, "provider-responses.json"), JSON.stringify({ personalized: [{ response: "NV-1001" }] }));
    refused(run(), `${join(project, "provider-responses.json")}: personalized[0].response must be a list of catalog keys, such as ["NV-1001"]`);
  });

  it("an empty option value is a mistake, not a request for the default", () => {
    const project = join(samples, "abandoned-cart");
    for (const option of ["--events", "--profiles", "--until", "--db"]) {
      const r = journey(["run", project, option, ""]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: option '${option} <\\w+>' argument is empty\\n$`));
    }
  });

  it("--until past the last time a date can hold is refused rather than run for ever", () => {
    refused(journey(["run", join(samples, "abandoned-cart"), "--until", "+100000000000d"]), "--until +100000000000d: beyond the last representable time (year 275760)");
  });

  it("a time without a zone is refused (it would be read in this machine's zone); a date alone is midnight UTC", () => {
    refused(journey(["run", join(samples, "abandoned-cart"), "--until", "2026-03-03T00:00"]), "--until 2026-03-03T00:00: expected an ISO time with a zone, such as 2026-03-02T10:00:00Z or +<duration> such as +7d");
    expect(journey(["run", join(samples, "abandoned-cart"), "--until", "2026-03-03"]).status).toBe(0);
    refused(journey(["decide", join(samples, "home-experience"), "--surface", "web://shop.example.com/#hero", "--profile", "p1", "--at", "2026-11-30T23:30"]), "--at 2026-11-30T23:30: expected an ISO time with a zone, such as 2026-03-02T10:00:00Z");
  });

  it("--until before the first event runs nothing, and says so on stderr", () => {
    // A date alone is midnight UTC: easily before events of that same day.
    const r = journey(["run", join(samples, "abandoned-cart"), "--until", "2026-02-20", "--json"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("warning: --until 2026-02-20 is before the first event (2026-02-20T17:05:00Z): nothing runs\n");
  });

  it("a day that is not in its month is refused, not rolled over into the next month", () => {
    refused(journey(["run", join(samples, "abandoned-cart"), "--until", "2026-02-30"]), "--until 2026-02-30: expected an ISO time with a zone, such as 2026-03-02T10:00:00Z or +<duration> such as +7d");
    refused(journey(["decide", join(samples, "home-experience"), "--surface", "web://shop.example.com/#hero", "--profile", "p1", "--at", "2026-04-31T10:00:00Z"]), "--at 2026-04-31T10:00:00Z: expected an ISO time with a zone, such as 2026-03-02T10:00:00Z");
  });

  it("a profile with an empty id stops the run before anything is stored, naming the file and the profile", () => {
    const profiles = JSON.parse(readFileSync(join(samples, "abandoned-cart", "profiles.json"), "utf8")) as { id: string }[];
    profiles[3]!.id = "";
    const file = join(tmp(), "empty-id-profiles.json");
    writeFileSync(file, JSON.stringify(profiles));
    const db = join(tmp(), "empty-id.db");
    refused(journey(["run", join(samples, "abandoned-cart"), "--profiles", file, "--db", db]), `${file}: [3].id must be a non-empty string`);
    expect(existsSync(db)).toBe(false);
  });

  it("an invalid catalog or an invalid profile with a new --db: no database is left behind", () => {
    const catalogFile = join(tmp(), "not-a-catalog.json");
    writeFileSync(catalogFile, JSON.stringify({ items: [] }));
    const db1 = join(tmp(), "bad-catalog.db");
    refused(journey(["run", join(samples, "abandoned-cart"), "--catalog", catalogFile, "--db", db1]), `${catalogFile}: expected a JSON array of catalog items`);
    expect(existsSync(db1)).toBe(false);
    const profiles = JSON.parse(readFileSync(join(samples, "abandoned-cart", "profiles.json"), "utf8")) as { id: string; email: unknown }[];
    profiles[1]!.email = 5;
    const profilesFile = join(tmp(), "bad-email-profiles.json");
    writeFileSync(profilesFile, JSON.stringify(profiles));
    const db2 = join(tmp(), "bad-profile.db");
    const r = journey(["run", join(samples, "abandoned-cart"), "--profiles", profilesFile, "--db", db2]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("email");
    expect(readdirSync(tmp()).filter((f) => f.startsWith("bad-profile.db"))).toEqual([]);
  });

  it("a profile id given twice is said on stderr (the last one is used)", () => {
    const profiles = JSON.parse(readFileSync(join(samples, "abandoned-cart", "profiles.json"), "utf8")) as { id: string }[];
    profiles.push({ ...profiles[0]! });
    const file = join(tmp(), "twice-profiles.json");
    writeFileSync(file, JSON.stringify(profiles));
    const r = journey(["run", join(samples, "abandoned-cart"), "--profiles", file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`warning: ${file}: a profile id is given more than once, \`${profiles[0]!.id}\` ([0], [${profiles.length - 1}]): the last profile of each is used`);
  });

  it("150,000 events", () => {
    const line = (i: number) => JSON.stringify({ id: `v${i}`, type: "ProductViewed", profileId: `p${(i % 7) + 1}`, time: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), data: { sku: "NV-1001", category: "headwear" } });
    const project = cart("cart-many", { "events.jsonl": Array.from({ length: 150_000 }, (_, i) => line(i)).join("\n") });
    const r = journey(["run", project, "--until", "+1s"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("--db: a folder is named as one; a second run over the same store says its events were applied already", () => {
    const db = join(tmp(), "runs.db");
    const project = join(samples, "abandoned-cart");
    refused(journey(["run", project, "--db", tmp()]), `--db ${tmp()}: a folder, not a file`);
    expect(journey(["run", project, "--db", db]).stderr).toBe("");
    const again = journey(["run", project, "--db", db]);
    expect(again.status).toBe(0);
    const profiles = (JSON.parse(readFileSync(join(project, "profiles.json"), "utf8")) as unknown[]).length;
    expect(again.stderr).toBe(
      `warning: ${join(project, "profiles.json")}: ${profiles} profiles already in ${db}, kept as stored there (the file only adds new profiles)\n` +
        `warning: ${join(project, "events.jsonl")}: ${sampleEvents().length} events with an id seen before (in this file or in ${db}): not applied again\n`,
    );
  });

  it("--db: two runs on one file (--until in the middle, then later) give what one run gives, profiles changed by the first run included", () => {
    const project = join(samples, "loyalty");
    const whole = journey(["run", project, "--until", "2026-04-01T00:00:00Z", "--json"]);
    const db = join(tmp(), "loyalty-split.db");
    const first = journey(["run", project, "--db", db, "--until", "2026-03-12T00:00:00Z", "--json"]);
    const second = journey(["run", project, "--db", db, "--until", "2026-04-01T00:00:00Z", "--json"]);
    expect(second.stderr).toContain("kept as stored there");
    expect(first.stdout + second.stdout).toBe(whole.stdout);
  });

  describe("--db: a later run never goes back in time", () => {
    const project = join(samples, "abandoned-cart");
    type Entry = { at: string; type: string; profileId: string };
    const entries = (stdout: string) => stdout.trimEnd().split("\n").filter((l) => l).map((l) => JSON.parse(l) as Entry);
    /** A store after a run up to 11:00 on 2 March: Ana's and Jonas's reminders wait in it (14:15 and 15:00). */
    const halfRun = (name: string) => {
      const db = join(tmp(), `${name}.db`);
      expect(journey(["run", project, "--db", db, "--until", "2026-03-02T11:00:00Z"]).status).toBe(0);
      const empty = join(tmp(), "empty.jsonl");
      writeFileSync(empty, "");
      return { db, empty };
    };

    it("--from past the stored timers: they fire at --from, late, with a warning saying how many and the first one's time", () => {
      const { db, empty } = halfRun("late");
      const r = journey(["run", project, "--events", empty, "--db", db, "--from", "2026-03-10T00:00:00Z", "--json"]);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`warning: ${db}: timers of 2 profiles were due before --from 2026-03-10T00:00:00Z (the first at 2026-03-02T14:15:00Z): they fire at --from, late, as after a service was down\n`);
      const timeline = entries(r.stdout);
      expect(timeline.map((e) => e.at)).toEqual(timeline.map((e) => e.at).sort());
      expect(timeline[0]!.at).toBe("2026-03-10T00:00:00.000Z");
      // The reminders (after quiet hours, 21:00 to 08:00 in Stockholm) and the SMS a day later.
      expect(timeline.filter((e) => e.type === "send").map((e) => `${e.at} ${e.profileId}`)).toEqual(["2026-03-10T07:00:00.000Z p1", "2026-03-10T07:00:00.000Z p2", "2026-03-11T08:00:00.000Z p1", "2026-03-11T08:00:00.000Z p2"]);
    });

    it("without --from, a continuation starts at its first timer when events come later (or there are none): one run's timeline", () => {
      const whole = journey(["run", project, "--until", "2026-03-04T00:00:00Z", "--json"]);
      const { db } = halfRun("continued");
      const later = join(tmp(), "later.jsonl");
      writeFileSync(later, sampleEvents().filter((l) => Date.parse((JSON.parse(l) as { time: string }).time) > Date.parse("2026-03-02T11:00:00Z")).join("\n") + "\n");
      // The first new event (11:40) is before the stored timers: it is where the run starts.
      const r = journey(["run", project, "--events", later, "--db", db, "--until", "2026-03-04T00:00:00Z", "--json"]);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain("kept as stored there");
      const before = entries(whole.stdout).filter((e) => e.at <= "2026-03-02T11:00:00.000Z");
      expect([...before, ...entries(r.stdout)]).toEqual(entries(whole.stdout));
      // With no events at all, the stored timers say when the run starts.
      const { db: db2, empty } = halfRun("timers-only");
      const t = journey(["run", project, "--events", empty, "--db", db2, "--until", "2026-03-02T16:00:00Z"]);
      expect(t.status).toBe(0);
      expect(t.stdout.split("\n")[0]).toMatch(/^2026-03-02T14:15:00Z {2}p1 {2}AbandonedCart {2}recommend/);
    });

    it("a start before what the store already did is refused, naming its time; events it saw before are not applied again, whatever their time", () => {
      const { db, empty } = halfRun("back");
      const why = `is before 2026-03-02T11:00:00Z, the latest time ${db} records (a journey entered or ended, a message sent): the clock cannot go back to it`;
      refused(journey(["run", project, "--events", empty, "--db", db, "--from", "2026-03-02T10:00:00Z"]), `--from 2026-03-02T10:00:00Z ${why}`);
      const early = join(tmp(), "early.jsonl");
      writeFileSync(early, sampleEvents()[0]!.replace('"id":"e1"', '"id":"e1-new"') + "\n");
      refused(journey(["run", project, "--events", early, "--db", db]), `${early}:1: this event (2026-02-20T17:05:00Z) ${why}`);
      // The sample's own events: all seen before (the first run read up to 11:00), the rest new and later.
      const again = journey(["run", project, "--db", db, "--json"]);
      expect(again.status).toBe(0);
      expect(entries(again.stdout).every((e) => e.at > "2026-03-02T11:00:00.000Z")).toBe(true);
    });
  });
});

describe("journey test that runs nothing", () => {
  it("a --filter no test name contains: exit 1", () => {
    const r = journey(["test", join(samples, "loyalty"), "--filter", "no such test"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('✗ no test name contains "no such test"\n');
  });

  it("a project without tests: exit 1", () => {
    const project = copyOf("loyalty", "no-tests");
    const file = join(project, "loyalty.journey");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.search(/^test "/m)));
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`✗ no tests in ${project}\n`);
  });

  it("a failed test with a long timeline prints its first and last entries; --full-trace prints them all", () => {
    const project = join(tmp(), "daily");
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "daily.journey"),
      `profile { email: string, timezone: string = "UTC" }
audience Everyone = true
journey Daily {
  on schedule every day at 09:00 for Everyone
  reentry always
  send email { subject "Good morning" text "x" } to profile.email
}
test "a year of mornings" {
  profile "p1" { email: "p1@example.com" }
  expect at 365d send sms
}
`,
    );
    const short = journey(["test", project]);
    expect(short.status).toBe(1);
    expect(short.stdout).toMatch(/… \d+ more \(--full-trace prints them\) …/);
    expect(short.stdout.split("\n").length).toBeLessThan(80);
    const full = journey(["test", project, "--full-trace"]);
    expect(full.status).toBe(1);
    expect(full.stdout).not.toContain("--full-trace prints them");
    expect(full.stdout.split("\n").length).toBeGreaterThan(300);
  });
});

describe("journey test and a journey that fails at run time", () => {
  it("a crash is not a pass: exit 1, the error and its step, at the test's name", () => {
    const project = join(tmp(), "crash");
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "crash.journey"),
      `profile { email: string }
event Signup { plan: string }
action Score(plan: string) -> { score: int } { get "https://score.example.com/{{plan}}" }
journey Onboard {
  on Signup as s
  call Score(s.plan) as r
  send email { subject "Score {{r.score}}" text "x" } to profile.email
}
test "no email for free plans" {
  profile "p1" { email: "a@example.com" }
  at 0m "p1" Signup { plan: "free" }
  expect no send email
}
`,
    );
    // No action-responses.json: the call fails at once, and it has no \`on error\`.
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "crash.journey:9:1: expected no run-time error (write `expect ended Onboard reason error` if it is intended): Onboard of \"p1\" ended with an error at +0m: call `Score` failed: no canned response for action `Score` (",
    );
    expect(r.stdout).toMatch(/crash\.journey:6:3\)\n/);
    expect(r.stdout).toContain("1 test: 0 passed, 1 failed");
  });
});
