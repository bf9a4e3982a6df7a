/**
 * End-to-end tests of `journey fmt`: run the built command in a temporary folder and look only
 * at what a user sees (exit code, output, the files on disk).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderWith, runJourney, temporaryFolder } from "./support.js";


const MODEL = `profile {
     email: string,
  consent: { email: bool } }
event CartAbandoned { cartId: string, total: number }
`;
const MODEL_FORMATTED = `profile {
  email: string
  consent: { email: bool }
}
event CartAbandoned { cartId: string, total: number }
`;
const JOURNEY = `// Reminds shoppers of their carts.
journey Reminder { on CartAbandoned as cart where cart.total > 0
  wait 4h // then
  if not profile.consent.email { end }
  send email { subject "Your cart" html """
      <p>Still there?</p>
  """ } to profile.email
}
`;
const JOURNEY_FORMATTED = `// Reminds shoppers of their carts.
journey Reminder {
  on CartAbandoned as cart where cart.total > 0
  wait 4h // then
  if not profile.consent.email {
    end
  }
  send email {
    subject "Your cart"
    html """
      <p>Still there?</p>
    """
  } to profile.email
}
`;
const BROKEN = `journey Broken {
  on CartAbandoned
  wait 4h
`;

const tmp = temporaryFolder("journey-fmt-e2e-");

const folder = (name: string, files: Record<string, string> = {}) => folderWith(tmp(), name, files);
const journey = (args: string[], cwd = tmp()) => runJourney(args, cwd, { ...process.env, NO_COLOR: "" });

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

describe("journey fmt", () => {
  it("is listed in the help", () => {
    const r = journey(["fmt", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: journey fmt [options] [paths...]");
    expect(r.stdout).toContain("--check");
  });

  it("formats every file of a folder in place and says which it changed", () => {
    const dir = folder("write", { "model.journey": MODEL, "journeys/reminder.journey": JOURNEY });
    const r = journey(["fmt", "write"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "formatted write/journeys/reminder.journey\nformatted write/model.journey\n✓ formatted 2 of 2 files\n",
    );
    expect(read(dir, "model.journey")).toBe(MODEL_FORMATTED);
    expect(read(dir, "journeys/reminder.journey")).toBe(JOURNEY_FORMATTED);
  });

  it("leaves formatted files alone (not even rewritten)", () => {
    const dir = folder("formatted", { "model.journey": MODEL_FORMATTED, "reminder.journey": JOURNEY_FORMATTED });
    const before = statSync(join(dir, "model.journey")).mtimeMs;
    const r = journey(["fmt"], dir);
    expect(r.stdout).toBe("✓ 2 files already formatted\n");
    expect(r.status).toBe(0);
    expect(statSync(join(dir, "model.journey")).mtimeMs).toBe(before);
  });

  it("--check lists the files that would change, exits 1, and writes nothing", () => {
    const dir = folder("check", { "model.journey": MODEL, "reminder.journey": JOURNEY_FORMATTED });
    const r = journey(["fmt", "--check", "check"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("check/model.journey\n✗ 1 of 2 files would be reformatted: run `journey fmt` to fix\n");
    expect(read(dir, "model.journey")).toBe(MODEL);
  });

  it("--check passes on formatted files", () => {
    folder("check-ok", { "model.journey": MODEL_FORMATTED });
    const r = journey(["fmt", "--check", "check-ok/model.journey"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("✓ 1 file formatted\n");
  });

  it("leaves a file with syntax errors untouched, reports the error, and formats the others", () => {
    const dir = folder("broken", { "broken.journey": BROKEN, "model.journey": MODEL });
    const r = journey(["fmt", "broken"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("error[J0005]: expected `}`, found the end of the file");
    expect(r.stdout).toContain("--> broken/broken.journey:3:");
    expect(r.stdout).toContain("formatted broken/model.journey\n✓ formatted 1 of 1 file\n✗ 1 file not formatted: see the errors above\n");
    expect(read(dir, "broken.journey")).toBe(BROKEN);
    expect(read(dir, "model.journey")).toBe(MODEL_FORMATTED);
  });

  it("refuses to format a file whose formatting would lose code, and says why", () => {
    const text = "profile { email: string }\njourney J {\n  on CartAbandoned\n  recommend r = popular() limit 4 limit 5\n}\n";
    const dir = folder("twice", { "twice.journey": text });
    const r = journey(["fmt", "twice"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/error: cannot format twice\/twice\.journey: .*lost `limit`/);
    expect(read(dir, "twice.journey")).toBe(text);
  });

  it("reports a missing path like journey check does", () => {
    const r = journey(["fmt", "missing.journey"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("error[J0010]: missing.journey: no such file or folder\n\n✗ nothing to format\n");
  });

  it("uses the project's .prettierrc", () => {
    const dir = folder("prettierrc", {
      ".prettierrc": JSON.stringify({ tabWidth: 4, printWidth: 40 }),
      "model.journey": MODEL,
      "reminder.journey": JOURNEY,
    });
    const r = journey(["fmt"], dir);
    expect(r.status).toBe(0);
    expect(read(dir, "model.journey")).toBe(
      "profile {\n    email: string\n    consent: { email: bool }\n}\nevent CartAbandoned {\n    cartId: string\n    total: number\n}\n",
    );
    expect(read(dir, "reminder.journey")).toContain("journey Reminder {\n    on CartAbandoned as cart\n        where cart.total > 0\n");
  });

  it("an invalid .prettierrc, endOfLine \"cr\" and a lone CR are refused with a clear error, files untouched", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ["bad-width", { ".prettierrc": JSON.stringify({ printWidth: "wide" }), "model.journey": MODEL }, /model\.journey: its Prettier configuration is invalid \(Invalid printWidth value/],
      ["bad-syntax", { ".prettierrc": '{ "printWidth": 40,', "model.journey": MODEL }, /model\.journey: its Prettier configuration is invalid/],
      ["cr", { ".prettierrc": JSON.stringify({ endOfLine: "cr" }), "model.journey": MODEL }, /endOfLine "cr" is not supported/],
      ["lone-cr", { "model.journey": `${MODEL}fragment F """\n  <p>a</p>\r\r\n  <p>b</p>\n"""\n` }, /a lone carriage return \(CR\) at 6:11/],
    ];
    for (const [name, files, message] of cases) {
      const dir = folder(name, files);
      // FORCE_COLOR makes Prettier colour its option errors (as on CI): the message must stay plain.
      const r = runJourney(["fmt"], dir, { ...process.env, NO_COLOR: "", FORCE_COLOR: "1" });
      expect(r.status, name).toBe(1);
      expect(r.stderr + r.stdout, name).toMatch(message);
      expect(r.stderr + r.stdout, name).not.toContain("internal error");
      expect(read(dir, "model.journey"), name).toBe(files["model.journey"]);
    }
  });

  it("keeps a byte order mark", () => {
    const dir = folder("bom", { "model.journey": "\uFEFF" + MODEL });
    expect(journey(["fmt"], dir).status).toBe(0);
    expect(read(dir, "model.journey")).toBe("\uFEFF" + MODEL_FORMATTED);
  });
});
