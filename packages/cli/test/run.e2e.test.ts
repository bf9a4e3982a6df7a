/**
 * End-to-end tests of `journey run` and `journey test`: the built command, run as a user
 * would, on every sample project, and on a copy of one with a mistake in its data or tests.
 * Only what a user sees is checked (exit code, stdout, stderr).
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJourney, samples, temporaryFolder } from "./support.js";

/** Every sample that is a project with events (the embedding service is a program, not a project). */
const projects = readdirSync(samples).filter((d) => existsSync(join(samples, d, "events.jsonl")));

const tmp = temporaryFolder("journey-run-e2e-");

const journey = (args: string[]) => runJourney(args, tmp());

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
      expect(["entered", "send", "suppressed", "call", "recommend", "goal", "ended", "error"]).toContain(e.type);
      expect(typeof e.profileId).toBe("string");
    }
    // Times only move forward, and every instance that ends says why.
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
    for (const e of entries.filter((x) => x.type === "ended")) expect(["end", "exit", "error"]).toContain(e.reason);
  });

  it("an invalid event: its file, line and field, exit 1, no stack trace", () => {
    const project = join(tmp(), "cart-bad-event");
    cpSync(join(samples, "abandoned-cart"), project, { recursive: true });
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

  it("without --json, a readable timeline with a summary", () => {
    const r = journey(["run", join(samples, "abandoned-cart")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/send/);
    expect(r.stdout.trim().split("\n").length).toBeGreaterThan(5);
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
    const project = join(tmp(), "loyalty-broken");
    cpSync(join(samples, "loyalty"), project, { recursive: true });
    const file = join(project, "loyalty.journey");
    const text = readFileSync(file, "utf8");
    const broken = text.replace('subject == "Welcome to Silver, Omar!"', 'subject == "Welcome to Bronze, Omar!"');
    expect(broken).not.toBe(text);
    writeFileSync(file, broken);
    const r = journey(["test", project]);
    expect(r.status).toBe(1);
    const line = broken.split("\n").findIndex((l) => l.includes("Welcome to Bronze")) + 1;
    const column = broken.split("\n")[line - 1]!.indexOf("expect") + 1;
    expect(r.stdout).toContain(`loyalty.journey:${line}:${column}: expected send email where subject == "Welcome to Bronze, Omar!": no matching message was sent`);
    expect(r.stdout).toMatch(/what happened[^\n]*\n(.*\n)*.*send email to omar\.haddad@example\.com {2}"Welcome to Silver, Omar!"/);
    expect(r.stdout).toMatch(/4 tests: 3 passed, 1 failed/);
  });
});

describe("journey run with a catalog item that does not match the declaration", () => {
  it("runs without it and says which item and why on stderr", () => {
    const project = join(tmp(), "cart-bad-item");
    cpSync(join(samples, "abandoned-cart"), project, { recursive: true });
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
});
