/**
 * End-to-end tests of `journey init`: the built command, run as a user would. The starter
 * project must work with every other command at once, and init must never overwrite.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderWith, runJourney, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-init-e2e-");

describe("journey init", () => {
  it("creates a project that checks, is formatted, passes its tests and runs", () => {
    const root = tmp();
    const r = runJourney(["init", "shop"], root);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("created a starter project in shop: events.jsonl, profiles.json, schema.journey, welcome.journey");
    const project = join(root, "shop");
    expect(runJourney(["check", project], root).status).toBe(0);
    expect(runJourney(["fmt", "--check", project], root).status).toBe(0);
    const tests = runJourney(["test", project], root);
    expect(tests.status).toBe(0);
    expect(tests.stdout).toContain("4 tests: 4 passed, 0 failed");
    const run = runJourney(["run", project, "--json"], root);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { type: string }).type)).toContain("send");
  });

  it("in the current folder by default, beside files that are not a project's", () => {
    const dir = folderWith(tmp(), "here", { "notes.txt": "mine" });
    expect(runJourney(["init"], dir).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["events.jsonl", "notes.txt", "profiles.json", "schema.journey", "welcome.journey"]);
  });

  it("overwrites nothing: a folder with a project, a file in the way, or a path that is a file is refused, nothing written", () => {
    const project = folderWith(tmp(), "project", { "mine.journey": "// mine\n" });
    const again = runJourney(["init", project], project);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already holds a project (mine.journey)");
    expect(readdirSync(project)).toEqual(["mine.journey"]);

    const data = folderWith(tmp(), "data", { "events.jsonl": "{}\n" });
    const taken = runJourney(["init", data], data);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toBe(`journey: ${data} already has events.jsonl: nothing written\n`);
    expect(readdirSync(data)).toEqual(["events.jsonl"]);
    expect(readFileSync(join(data, "events.jsonl"), "utf8")).toBe("{}\n");

    const root = tmp();
    writeFileSync(join(root, "a-file"), "x");
    const file = runJourney(["init", "a-file"], root);
    expect(file.status).toBe(1);
    expect(file.stderr).toBe("journey: a-file is a file: give a folder for the new project\n");
  });
});
