/**
 * End-to-end tests: run the built `journey` command as a user would, in a temporary folder,
 * and look only at what a user sees (exit code, stdout, stderr, files written).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliRoot, folderWith, runJourney, temporaryFolder } from "./support.js";

const { version } = JSON.parse(readFileSync(join(cliRoot, "package.json"), "utf8")) as { version: string };

const MODEL = `/// Shopper profile, kept by the runtime's profile store.
profile {
  email: string
  firstName?: string
  consent: { email: bool, sms: bool }
}

type LineItem { sku: string, name: string, price: number, qty: int, category: string }

event CartAbandoned { cartId: string, items: list<LineItem>, total: number }
event OrderPlaced   { orderId: string, cartId?: string, items: list<LineItem>, total: number }
`;

const JOURNEYS = `journey AbandonedCart {
  on CartAbandoned as cart where cart.total > 0
  reentry after 7d
  exit on OrderPlaced where event.cartId == cart.cartId

  wait 4h
  if not profile.consent.email { end }
  send email {
    subject "{{default profile.firstName 'Hi'}}, you left {{length cart.items}} items behind"
    html """<p>Your cart is waiting.</p>"""
  } to profile.email
}

journey ThankYou {
  on OrderPlaced
  send email { subject "Thanks for your order" html "<p>Thank you!</p>" } to profile.email
}
`;

const TYPO_LINE = `  if profile.frstName == "x" { end }`;
const TYPO = `journey Typo {
  on CartAbandoned
${TYPO_LINE}
}
`;

const tmp = temporaryFolder("journey-e2e-");

/** A fresh folder under the temporary root, with the given files. */
const folder = (name: string, files: Record<string, string | Buffer> = {}) => folderWith(tmp(), name, files);
const journey = (args: string[], cwd = tmp()) => runJourney(args, cwd);

/** A user mistake: exit code 1, the message on one line, no stack trace, no color (not a terminal). */
function expectCleanFailure(r: ReturnType<typeof journey>, line: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.output.split("\n").filter((l) => line.test(l))).toHaveLength(1);
  expect(r.output).not.toContain("    at ");
  expect(r.output).not.toContain("internal error");
  expect(r.output).not.toContain("\x1b[");
}

describe("help and version", () => {
  it("describes the program and its commands", () => {
    const r = journey(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: journey");
    expect(r.stdout).toMatch(/^\s+check \[options\] \[paths\.\.\.\]/m);
    expect(r.stdout).toMatch(/^\s+build \[options\] \[dir\]/m);
    expect(r.stdout).toMatch(/^\s+run \[options\] <project>/m);
    expect(r.stdout).toMatch(/^\s+test \[options\] \[project\]/m);
    expect(r.stdout).toMatch(/^\s+serve \[options\] \[project\]/m);
    expect(r.stdout).toMatch(/^\s+graph \[options\] \[project\]/m);
    expect(r.stdout).toContain("--no-color");
  });

  it("describes check", () => {
    const r = journey(["check", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: journey check");
    expect(r.stdout).toContain("--json");
    expect(r.stdout).toContain("--summary");
  });

  it("describes build", () => {
    const r = journey(["build", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: journey build");
    expect(r.stdout).toContain("-o, --out <outDir>");
  });

  // Commands are loaded on demand (main.ts): these are the paths that need all of them, or one.
  it("lists every command in order, and `help <command>` describes that command", () => {
    const listed = [...journey(["--help"]).stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(["init", "check", "build", "run", "test", "decide", "serve", "fmt", "graph", "help"]);
    const r = journey(["help", "check"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: journey check");
  });

  it("suggests the command a misspelt one meant", () => {
    const r = journey(["chek"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown command 'chek'");
    expect(r.stderr).toContain("(Did you mean check?)");
  });

  it("takes the program's options before the command", () => {
    const dir = folder("before", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    const r = journey(["--no-color", "check", dir]);
    expect(r.status).toBe(0);
    expect(r.output).toBe("✓ 2 files checked, no problems\n");
  });

  it("prints the version", () => {
    const r = journey(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });
});

describe("journey check", () => {
  it("accepts a valid project", () => {
    const dir = folder("valid", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    const r = journey(["check", dir]);
    expect(r.output).toBe("✓ 2 files checked, no problems\n");
    expect(r.status).toBe(0);
  });

  it("checks the current folder by default", () => {
    const dir = folder("default-path", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    const r = journey(["check"], dir);
    expect(r.stdout).toContain("✓ 2 files checked, no problems");
    expect(r.status).toBe(0);
  });

  it("shows a typo with a code frame and a caret under it", () => {
    folder("typo", { "model.journey": MODEL, "typo.journey": TYPO });
    const r = journey(["check", "typo"]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines).toContain("error[J1004]: unknown field `frstName` on `profile`");
    expect(lines).toContain(` --> typo/typo.journey:3:${TYPO_LINE.indexOf("frstName") + 1}`);
    const source = lines.indexOf(`3 | ${TYPO_LINE}`);
    expect(source).toBeGreaterThan(0);
    expect(lines[source + 1]!.indexOf("^")).toBe(lines[source]!.indexOf("frstName"));
    expect(lines[source + 1]).toMatch(/\^{8}$/);
    expect(lines.at(-2)).toBe("1 error in 1 of 2 files");
    expect(r.output).not.toContain("\x1b[");
  });

  it("counts a file found but not read as a file with a problem, and a missing path as no file", () => {
    folder("unread", { "model.journey": MODEL, "journeys.journey": JOURNEYS, "logo.journey": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]) });
    expect(journey(["check", "unread"]).stdout.split("\n").at(-2)).toBe("1 error in 1 of 3 files");
    // The clean file checked has no problem: not `1 error in 1 file`.
    const missing = journey(["check", "unread/model.journey", "unread/missing.journey"]);
    expect(missing.status).toBe(1);
    expect(missing.stdout.split("\n").at(-2)).toBe("1 error");
  });

  it("prints diagnostics as JSON with 1-based positions and nothing else", () => {
    folder("typo-json", { "model.journey": MODEL, "typo.journey": TYPO });
    const r = journey(["check", "typo-json", "--json"]);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(Object.keys(json)).toEqual(["diagnostics"]);
    const column = TYPO_LINE.indexOf("frstName") + 1;
    expect(json.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "J1004",
        severity: "error",
        message: "unknown field `frstName` on `profile`",
        file: "typo-json/typo.journey",
        line: 3,
        column,
        endLine: 3,
        endColumn: column + "frstName".length,
      }),
    );
    for (const d of json.diagnostics) {
      for (const key of ["code", "severity", "message", "file", "line", "column", "endLine", "endColumn"]) expect(d).toHaveProperty(key);
    }
  });

  it("reports path errors as J0010 diagnostics in JSON", () => {
    const r = journey(["check", "no-such-folder", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      diagnostics: [
        {
          code: "J0010",
          severity: "error",
          message: "no-such-folder: no such file or folder",
          file: "no-such-folder",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
        },
      ],
    });
  });

  it("summarises each project of a folder on one line", () => {
    const samples = folder("samples");
    folder("samples/good", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    folder("samples/typo", { "model.journey": MODEL, "typo.journey": TYPO });
    folder("samples/notes", { "README.md": "not a project" });
    const r = journey(["check", "samples", "--summary"]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("✓ samples/good  2 files, 2 journeys, 0 errors");
    expect(lines[1]).toBe("✗ samples/typo  2 files, 1 journey, 1 error");
    expect(r.stdout).toContain("error[J1004]");
    expect(lines.at(-2)).toBe("1 error in 1 of 4 files");

    rmSync(join(samples, "typo"), { recursive: true });
    const ok = journey(["check", "samples", "--summary"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe("✓ samples/good  2 files, 2 journeys, 0 errors\n\n✓ 2 files checked, no problems\n");
  });
});

describe("journey check on experiments", () => {
  const split = (name: string, event: string, arms: string) => `journey ${name} {\n  on ${event}\n  split "subject" {\n${arms}  }\n}\n`;
  const sendArm = (label: string, pct: number) => `    ${label} ${pct}% { send email { subject "${label}" html "<p>${label}</p>" } to profile.email }\n`;

  it("warns at a split whose arms differ from the first of its experiment, in another file, pointing at that one; the project still builds", () => {
    const dir = folder("experiment-arms", {
      "model.journey": MODEL,
      "abandoned.journey": split("Abandoned", "CartAbandoned", sendArm("A", 50) + sendArm("B", 50)),
      "winback/thanks.journey": split("Thanks", "OrderPlaced", sendArm("A", 45) + sendArm("B", 55)),
    });
    const r = journey(["check", dir]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContain('warning[J3030]: experiment "subject" is split differently here: `A` is 45% here but 50% in the split at ../abandoned.journey:3:3; `B` is 55% here but 50% in that split');
    expect(r.stdout).toMatch(/--> .*experiment-arms\/winback\/thanks\.journey:3:3\n/);
    expect(lines).toContain('  = note: the first split of experiment "subject" (experiment-arms/abandoned.journey:3:3)');
    expect(lines.at(-2)).toBe("1 warning in 1 of 3 files");
    const built = journey(["build", dir, "--out", join(tmp(), "experiment-arms-out")]);
    expect(built.status).toBe(0);
  });

  it("refuses a test's `split` still being typed with one error naming the arms, and still checks the items after it", () => {
    const dir = folder("half-typed-split", {
      "model.journey": MODEL,
      "abandoned.journey": split("Abandoned", "CartAbandoned", sendArm("MissYou", 50) + sendArm("TopPicks", 50)),
      "tests.journey": `test "t" {\n  profile "p1" { email: "ana@example.com", consent: { email: true, sms: false } }\n  split "subject"\n  expect no send emial\n}\n`,
    });
    const r = journey(["check", dir]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines).toContain('error[J6004]: expected the arm of experiment "subject" (`MissYou` or `TopPicks`) and `for "<profile id>"`: a test chooses an arm with `split "subject" <Arm> for "<profile id>"`');
    expect(r.stdout).toMatch(/--> .*half-typed-split\/tests\.journey:3:3\n/);
    expect(lines.filter((l) => l.startsWith("error["))).toEqual([expect.stringMatching(/^error\[J6004\]/), expect.stringMatching(/^error\[J1013\]: unknown channel `emial`/)]);
    expect(r.output).not.toContain("    at ");
  });
});

describe("journey build", () => {
  it("writes <outDir>/<project>.ir.json", () => {
    folder("shop", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    const r = journey(["build", "shop", "-o", "build-out"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^✓ wrote build-out\/shop\.ir\.json \(2 files, 2 journeys; .* of source, .* of IR\)\n$/);
    expect(readdirSync(join(tmp(), "build-out"))).toEqual(["shop.ir.json"]);
    const ir = JSON.parse(readFileSync(join(tmp(), "build-out", "shop.ir.json"), "utf8")) as Record<string, unknown>;
    expect(ir).toHaveProperty("irVersion");
  });

  it("builds the current folder into out/ by default", () => {
    const dir = folder("cafe", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    const r = journey(["build"], dir);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "out", "cafe.ir.json"))).toBe(true);
    // The output folder is not read back as part of the project.
    expect(journey(["build"], dir).status).toBe(0);
  });

  it("says what the IR changes for the journeys of the one it replaces", () => {
    const dir = folder("deploy", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    const build = () => journey(["build", "deploy", "-o", "deploy-out"]);
    expect(build().stdout).not.toContain("replaced");
    const versions = () => (JSON.parse(readFileSync(join(tmp(), "deploy-out", "deploy.ir.json"), "utf8")) as { journeys: Record<string, { version: string }> }).journeys;
    const before = versions();
    expect(build().stdout.split("\n")[1]).toBe("  no journey changed since the IR it replaced");
    // A wait changed, a journey renamed: one new version, one journey new, one removed.
    writeFileSync(join(dir, "journeys.journey"), JOURNEYS.replace("wait 4h", "wait 5h").replace("journey ThankYou", "journey Thanks"));
    const r = build();
    expect(r.status).toBe(0);
    const after = versions();
    expect(r.stdout.split("\n").slice(1)).toEqual([
      "  since the IR it replaced:",
      `    AbandonedCart  new version ${after["AbandonedCart"]!.version.slice(0, 8)} (was ${before["AbandonedCart"]!.version.slice(0, 8)}): new instances start on it, those already started finish on theirs`,
      `    ThankYou       removed: instances already started finish on their version (${before["ThankYou"]!.version.slice(0, 8)})`,
      "    Thanks         new journey",
      "",
    ]);
    writeFileSync(join(tmp(), "deploy-out", "deploy.ir.json"), "not json");
    expect(build().stdout.split("\n")[1]).toBe("  the file it replaced is not an IR: nothing to compare");
    writeFileSync(join(tmp(), "deploy-out", "deploy.ir.json"), JSON.stringify({ irVersion: 0, journeys: before }));
    expect(build().stdout.split("\n")[1]).toMatch(/^ {2}the IR it replaced is irVersion 0, this one \d+: a runtime runs one of them only \(see docs\/embedding\.md\); journeys not compared$/);
  });

  it("writes nothing when the project has errors", () => {
    folder("broken", { "model.journey": MODEL, "typo.journey": TYPO });
    const r = journey(["build", "broken", "-o", "broken-out"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("error[J1004]");
    expect(existsSync(join(tmp(), "broken-out"))).toBe(false);
  });

  it("reports an output folder that cannot be created", () => {
    folder("blocked", { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    writeFileSync(join(tmp(), "a-file"), "");
    expectCleanFailure(journey(["build", "blocked", "-o", "a-file"]), /^journey: cannot write a-file\/blocked\.ir\.json: a file is in the way \(a folder was expected\)$/);
  });

  it("a write that fails leaves no output folder it created behind", () => {
    // A project name of 250 characters: its folder can exist, but the temporary file's name is too long.
    const name = "p".repeat(250);
    folder(name, { "model.journey": MODEL, "journeys.journey": JOURNEYS });
    expectCleanFailure(journey(["build", name, "-o", "new-out/nested"]), new RegExp(`^journey: cannot write new-out/nested/${name}\\.ir\\.json: the name is too long$`));
    expect(existsSync(join(tmp(), "new-out"))).toBe(false);
  });
});

describe("bad input gives one clear line, exit code 1 and no stack trace", () => {
  it("a missing file", () => {
    expectCleanFailure(journey(["check", "missing.journey"]), /^error\[J0010\]: missing\.journey: no such file or folder$/);
  });

  it("a folder with no .journey files", () => {
    folder("nothing-here", { "notes.txt": "hello" });
    expectCleanFailure(journey(["check", "nothing-here"]), /^error\[J0010\]: nothing-here: no \.journey files in this folder$/);
  });

  it("a binary file", () => {
    folder("binary", { "logo.journey": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a]) });
    expectCleanFailure(journey(["check", "binary"]), /^error\[J0008\]: `binary\/logo\.journey` is not a text file$/);
  });

  it("a 10 MB file", () => {
    folder("huge", { "huge.journey": `// ${"x".repeat(10 * 1024 * 1024)}\n` });
    expectCleanFailure(journey(["check", "huge"]), /^error\[J0009\]: `huge\/huge\.journey` is too large/);
  });

  it("a file of 100,000 nested brackets", () => {
    folder("deep", { "deep.journey": `audience Deep = ${"(".repeat(100_000)}\n` });
    const r = journey(["check", "deep"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^error\[J\d{4}\]: /m);
    expect(r.output).not.toContain("    at ");
    expect(r.output).not.toContain("internal error");
    // The code frame shows a window of the line, not 100,000 characters of it.
    expect(Math.max(...r.output.split("\n").map((l) => l.length))).toBeLessThan(300);
  });

  it("an unknown command", () => {
    const r = journey(["deploy", "shop"]);
    expectCleanFailure(r, /^error: unknown command 'deploy'$/);
    expect(r.stdout).toBe("");
  });

  it("an unknown option", () => {
    expectCleanFailure(journey(["check", "--frobnicate"]), /^error: unknown option '--frobnicate'$/);
  });
});
