/**
 * End-to-end tests of `--messages` (`journey run`, `journey test`): the built command on the
 * abandoned-cart sample, the folder it writes opened as a browser would (each link of each
 * page resolves to a file), and the folders it must refuse.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJourney, samples, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-messages-e2e-");
const journey = (args: string[]) => runJourney(args, tmp());
const cart = join(samples, "abandoned-cart");

/** The pages reachable from `index` by its links (and theirs), each link checked to resolve to a file. */
function pagesFrom(index: string): string[] {
  const seen = new Set<string>([index]);
  const queue = [index];
  while (queue.length) {
    const page = queue.shift()!;
    for (const [, href] of readFileSync(page, "utf8").matchAll(/<a href="([^"]+)"/g)) {
      const target = join(dirname(page), decodeURIComponent(href!));
      expect(existsSync(target), `${page} links to ${href}`).toBe(true);
      if (target.endsWith(".html") && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

/** HTML text as a browser reads it: the references escaping writes, decoded. */
const unescape = (html: string) =>
  html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&(lt|gt|quot|amp);/g, (_, name: string) => ({ lt: "<", gt: ">", quot: '"', amp: "&" })[name]!);

/** Files and folders directly in `dir`, sorted. */
const listing = (dir: string) => readdirSync(dir).sort();

describe("journey run --messages", () => {
  it("writes each message sent as its channel renders it, and an index of all of them in time order", () => {
    const dir = join(tmp(), "run", "messages");
    const r = journey(["run", cart, "--messages", dir]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote ${dir}: 4 messages sent, 1 suppressed; open ${join(dir, "index.html")}`);
    expect(listing(dir)).toEqual([
      "0001-2026-03-02T14-15-00Z-p1-AbandonedCart-email-CartReminder.html",
      "0002-2026-03-02T17-20-00Z-p4-AbandonedCart-email-CartReminder.html",
      "0003-2026-03-03T14-15-00Z-p1-AbandonedCart-sms-CartNudge.txt",
      "0004-2026-03-11T07-00-00Z-p2-AbandonedCart-email-CartReminder.html",
      "index.html",
    ]);
    // Every message file is linked from the index, and every link resolves.
    const pages = pagesFrom(join(dir, "index.html"));
    expect(pages).toHaveLength(4);
    const index = readFileSync(join(dir, "index.html"), "utf8");
    expect(index.indexOf("2026-03-02T14:15:00Z")).toBeLessThan(index.indexOf("2026-03-11T07:00:00Z"));
    expect(index).toContain("0003-2026-03-03T14-15-00Z-p1-AbandonedCart-sms-CartNudge.txt");
    // The SMS Jonas withdrew his consent for is listed, not rendered.
    expect(index).toMatch(/<tr class="suppressed">.*<td>p2<\/td>.*<td>sms<\/td>.*suppressed \(no consent\)/);

    const email = readFileSync(join(dir, "0001-2026-03-02T14-15-00Z-p1-AbandonedCart-email-CartReminder.html"), "utf8");
    expect(email).toContain("<tr><th>From</th><td>Nordvik Outdoor &lt;hello@shop.example.com&gt;</td></tr>");
    expect(email).toContain("<tr><th>To</th><td>ana.lindqvist@example.com</td></tr>");
    expect(email).toContain("<h1>Ana, your cart is still here (€268.90)</h1>");
    // The HTML as the JSON timeline has it, in the frame; the text part beside it.
    const sent = (JSON.parse(journey(["run", cart, "--json"]).stdout.split("\n").find((l) => l.includes('"subject":"Ana'))!) as { html: string; text: string });
    const srcdoc = /srcdoc="([^"]*)"/.exec(email)![1]!;
    expect(unescape(srcdoc)).toBe(sent.html);
    expect(unescape(/<pre>([^<]*)<\/pre>/.exec(email)![1]!)).toBe(sent.text);
    expect(readFileSync(join(dir, "0003-2026-03-03T14-15-00Z-p1-AbandonedCart-sms-CartNudge.txt"), "utf8")).toBe(
      "Ana, your Nordvik cart (€268.90) is saved: https://shop.example.com/cart/c-1001 Reply STOP to opt out.",
    );
  });

  it("escapes what comes from data: a name with HTML in it is text in the index and on the page", () => {
    const project = join(tmp(), "html-name");
    cpSync(cart, project, { recursive: true });
    const profiles = readFileSync(join(project, "profiles.json"), "utf8");
    writeFileSync(join(project, "profiles.json"), profiles.replace('"firstName":"Ana"', '"firstName":"<script>alert(1)</script>"'));
    const dir = join(tmp(), "html-name-messages");
    expect(journey(["run", project, "--messages", dir]).status).toBe(0);
    for (const page of pagesFrom(join(dir, "index.html"))) {
      const text = readFileSync(page, "utf8");
      expect(text).not.toContain("<script>");
    }
    expect(readFileSync(join(dir, "index.html"), "utf8")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;, your cart is still here");
  });

  it("with --json, --tz, --until and --db: JSON alone on stdout, local times in the index, the messages of each run", () => {
    const dir = join(tmp(), "json-messages");
    const db = join(tmp(), "continued.db");
    const first = journey(["run", cart, "--json", "--tz", "Europe/Stockholm", "--until", "2026-03-03T00:00:00Z", "--db", db, "--messages", dir]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    for (const line of first.stdout.trim().split("\n")) JSON.parse(line);
    let index = readFileSync(join(dir, "index.html"), "utf8");
    expect(index).toContain("<th>local time</th>");
    expect(index).toContain("<td>2026-03-02T15:15:00+01:00</td>");
    expect(index).toContain("2 messages sent, 0 suppressed");
    // The run that continues the store writes the messages it sent, over those of the first.
    const second = journey(["run", cart, "--db", db, "--messages", dir]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`replaced the messages of an earlier run in ${dir}: 2 messages sent, 1 suppressed`);
    index = readFileSync(join(dir, "index.html"), "utf8");
    expect(index).not.toContain("2026-03-02T14:15:00Z");
    expect(index).toContain("2026-03-03T14:15:00Z");
  });

  it("replaces the folder an earlier run wrote, files it no longer writes included", () => {
    const dir = join(tmp(), "again");
    expect(journey(["run", cart, "--messages", dir]).status).toBe(0);
    writeFileSync(join(dir, "0009-left-over.html"), "stale");
    const before = listing(tmp());
    const r = journey(["run", cart, "--messages", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`replaced the messages of an earlier run in ${dir}`);
    expect(listing(dir)).not.toContain("0009-left-over.html");
    expect(listing(dir)).toHaveLength(5);
    // Nothing left beside it: no temporary folder, no old copy.
    expect(listing(tmp())).toEqual(before);
  });

  it("refuses a folder that holds anything else, and writes nothing", () => {
    const dir = join(tmp(), "mine");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "my notes");
    const before = listing(tmp());
    const r = journey(["run", cart, "--messages", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`journey: --messages ${dir}: the folder holds files that an earlier --messages did not write (no index.html of its own): nothing is written; give a new or empty folder\n`);
    expect(listing(dir)).toEqual(["notes.txt"]);
    expect(listing(tmp())).toEqual(before);
  });

  it("refuses the current folder and a folder around it, which a run would replace", () => {
    const cwd = join(tmp(), "here");
    mkdirSync(join(cwd, "below"), { recursive: true });
    for (const [dir, what] of [
      [".", "the current folder"],
      ["..", "the current folder is inside it"],
    ] as const) {
      const r = runJourney(["run", cart, "--messages", dir], join(cwd, "below"));
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`journey: --messages ${dir}: ${what}: the folder is replaced at each run, so give one beside or below it (e.g. \`--messages messages\`)\n`);
    }
    expect(listing(cwd)).toEqual(["below"]);
    expect(listing(join(cwd, "below"))).toEqual([]);
  });

  it("refuses a file where the folder should be, and a file in its path", () => {
    const file = join(tmp(), "a-file.txt");
    writeFileSync(file, "text");
    const r = journey(["run", cart, "--messages", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`journey: --messages ${file}: a file, not a folder: give a folder to write the messages into (it is made when missing)\n`);
    expect(readFileSync(file, "utf8")).toBe("text");
    const under = journey(["run", cart, "--messages", join(file, "messages")]);
    expect(under.status).toBe(1);
    expect(under.stderr).toBe(`journey: --messages ${join(file, "messages")}: a file is in the way (a folder was expected)\n`);
    expect(under.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("journey test --messages", () => {
  it("writes a folder per test, and an index of the tests whose links resolve", () => {
    const dir = join(tmp(), "tests");
    const r = journey(["test", cart, "--messages", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote the messages of each test to ${dir}; open ${join(dir, "index.html")}`);
    const folders = listing(dir).filter((f) => f !== "index.html");
    expect(folders).toHaveLength(6);
    expect(folders[0]).toBe("01-the-cart-reminder-goes-out-four-hours-after-the-cart-is");
    expect(listing(join(dir, folders[2]!))).toEqual([
      "0001-2026-03-02T12-00-00Z-p1-AbandonedCart-email-CartReminder.html",
      "0002-2026-03-03T12-00-00Z-p1-AbandonedCart-sms-CartNudge.txt",
      "index.html",
    ]);
    // The index, each test's index and each email page.
    expect(pagesFrom(join(dir, "index.html")).length).toBe(1 + 6 + 4);
    expect(readFileSync(join(dir, folders[2]!, "index.html"), "utf8")).toContain("<td>+1d4h</td>");
  });

  it("shows a failed test's unmet expectations above its messages", () => {
    const project = join(tmp(), "failing");
    cpSync(cart, project, { recursive: true });
    const tests = readFileSync(join(project, "tests.journey"), "utf8");
    writeFileSync(join(project, "tests.journey"), tests.replace('expect at 4h send email to "ana.lindqvist@example.com"', 'expect at 5h send email to "ana.lindqvist@example.com"'));
    const dir = join(tmp(), "failing-messages");
    const r = journey(["test", project, "--messages", dir]);
    expect(r.status).toBe(1);
    const index = readFileSync(join(dir, "index.html"), "utf8");
    expect(index).toContain("6 tests: 5 passed, 1 failed");
    const page = readFileSync(join(dir, "01-the-cart-reminder-goes-out-four-hours-after-the-cart-is", "index.html"), "utf8");
    expect(page).toContain('<p class="failed">failed</p>');
    expect(page).toMatch(/<ul class="failures">\n<li>[^<]*tests\.journey:46:\d+: /);
    expect(page).toContain("0001-2026-03-02T12-00-00Z-p1-AbandonedCart-email-CartReminder.html");
  });
});
