/**
 * The plugin as Prettier users meet it: options (`printWidth`, `tabWidth`, `useTabs`,
 * `endOfLine`), syntax errors, `// prettier-ignore`, pragmas, a project's `.prettierrc`, the
 * HTML option, and the guard that refuses to print anything that would change the meaning.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import plugin, { format, formatWithConfig, JourneyFormatError, JourneySyntaxError, languages } from "@journey/prettier-plugin";
import { afterAll, describe, expect, it } from "vitest";
import { commentsOf, fixtureProject, fmt, irWithoutPositions, repoRoot } from "./support.js";

const JOURNEY = `journey J {
  on CartAbandoned as cart where cart.total > 0 and length(cart.items) > 0 and profile.consent.email
  if profile.consent.email {
    send email {
      subject "Hi"
      html """
        <p>Hello</p>
          <p>indented</p>
      """
    } to profile.email
  }
}
`;

describe("the plugin object", () => {
  it("declares the language, parser and printer", () => {
    expect(languages[0]).toMatchObject({ name: "Journey", parsers: ["journey"], extensions: [".journey"] });
    expect(Object.keys(plugin.parsers ?? {})).toEqual(["journey"]);
    expect(Object.keys(plugin.printers ?? {})).toEqual(["journey"]);
    expect(plugin.options).toHaveProperty("journeyFormatHtml");
  });

  it("infers the parser from the file name, as `prettier --write x.journey` does", async () => {
    const out = await prettier.format("journey J { on CartAbandoned end }", { filepath: "x.journey", plugins: [plugin] });
    expect(out).toBe("journey J {\n  on CartAbandoned\n  end\n}\n");
  });
});

describe("options", () => {
  it("breaks where printWidth says", async () => {
    const wide = await fmt(JOURNEY, { printWidth: 120 });
    expect(wide).toContain("on CartAbandoned as cart where cart.total > 0 and length(cart.items) > 0 and profile.consent.email\n");
    const narrow = await fmt(JOURNEY, { printWidth: 40 });
    expect(narrow).toContain("  on CartAbandoned as cart\n    where cart.total > 0\n      and length(cart.items) > 0\n");
    for (const l of narrow.split("\n")) expect(l.length).toBeLessThanOrEqual(40);
  });

  it("defaults to a width of 100", async () => {
    const out = await fmt(`audience A = ${Array.from({ length: 8 }, (_, i) => `profile.points > ${i}00`).join(" and ")}`);
    expect(out.split("\n").length).toBeGreaterThan(2);
    expect(Math.max(...out.split("\n").map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it("indents with tabWidth spaces", async () => {
    const out = await fmt(JOURNEY, { tabWidth: 4 });
    expect(out).toContain("\n    if profile.consent.email {\n        send email {\n");
    // The content of a """ string moves with its block and keeps its own relative indentation.
    expect(out).toContain('            html """\n                <p>Hello</p>\n                  <p>indented</p>\n            """\n');
  });

  it("indents with tabs when useTabs is set", async () => {
    const out = await fmt(JOURNEY, { useTabs: true });
    expect(out).toContain("\n\tif profile.consent.email {\n\t\tsend email {\n");
    expect(out).toContain('\t\t\thtml """\n\t\t\t\t<p>Hello</p>\n\t\t\t\t  <p>indented</p>\n\t\t\t"""\n');
  });

  it("reads CRLF input and writes the line endings asked for", async () => {
    const crlf = JOURNEY.replace(/\n/g, "\r\n");
    expect(await fmt(crlf)).toBe(await fmt(JOURNEY));
    const out = await fmt(JOURNEY, { endOfLine: "crlf" });
    expect(out.split("\r\n").join("\n")).toBe(await fmt(JOURNEY));
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
  });
});

describe("syntax errors", () => {
  it("rejects a file that does not parse, with the compiler's diagnostic and its position", async () => {
    const bad = "journey J {\n  wait 4h\n  if x {\n}\n";
    const err = await fmt(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JourneySyntaxError);
    const e = err as JourneySyntaxError;
    expect(e.diagnostics[0]!.code).toBe("J0005");
    expect(e.loc.start).toEqual({ line: 4, column: 1 });
    expect(e.message).toContain("expected `}`");
  });

  it("rejects input that makes the parser itself fail, instead of crashing", async () => {
    await expect(fmt("fragment")).rejects.toBeInstanceOf(JourneySyntaxError);
  });
});

describe("the faithfulness guard", () => {
  it("refuses to drop a clause given twice (the AST keeps only the last)", async () => {
    const twice = "journey J {\n  on CartAbandoned\n  recommend r = popular() limit 4 limit 5\n}\n";
    const err = await fmt(twice).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JourneyFormatError);
    expect((err as Error).message).toMatch(/lost `limit`.*lost `4`|lost `4`.*lost `limit`/);
  });

  it("keeps `no` in `expect no ended` and `expect no decide`, which the AST does not record", async () => {
    const text = 'test "t" {\n  expect  no  ended\n  expect at 1h no decide "web://x/#y" for "p1"\n}\n';
    expect(await fmt(text)).toBe('test "t" {\n  expect no ended\n  expect at 1h no decide "web://x/#y" for "p1"\n}\n');
  });
});

describe("prettier-ignore and pragmas", () => {
  it("prints a declaration or step after `// prettier-ignore` as written", async () => {
    const text = "journey J {\n  on   CartAbandoned\n  // prettier-ignore\n  wait    4h\n  wait    5h\n}\n";
    expect(await fmt(text)).toBe("journey J {\n  on CartAbandoned\n  // prettier-ignore\n  wait    4h\n  wait 5h\n}\n");
  });

  it("keeps a field or record entry after `// prettier-ignore` as written", async () => {
    const text = "profile {\n  // prettier-ignore\n  email  :   string\n  x:   int\n}\n";
    expect(await fmt(text)).toBe("profile {\n  // prettier-ignore\n  email  :   string\n  x: int\n}\n");
  });

  it("honours requirePragma and insertPragma", async () => {
    const text = "journey J {   on CartAbandoned end }";
    expect(await prettier.format(text, { parser: "journey", plugins: [plugin], requirePragma: true })).toBe(text);
    const tagged = "// @format\n" + text;
    expect(await prettier.format(tagged, { parser: "journey", plugins: [plugin], requirePragma: true })).toBe(
      "// @format\njourney J {\n  on CartAbandoned\n  end\n}\n",
    );
    expect(await prettier.format(text, { parser: "journey", plugins: [plugin], insertPragma: true })).toMatch(/^\/\/ @format\n/);
  });
});

describe("HTML inside html strings", () => {
  const text = `journey J {
  on CartAbandoned as cart
  send email {
    subject "Hi"
    html """
      <div><p>Your cart {{cart.cartId}}</p><ul>{{#each cart.items as |line|}}<li>{{line.name}}</li>{{/each}}</ul></div>
    """
  } to profile.email
}
`;

  it("is left alone by default", async () => {
    const out = await fmt(text);
    expect(out).toContain("      <div><p>Your cart {{cart.cartId}}</p><ul>{{#each cart.items as |line|}}<li>");
  });

  it("is formatted by Prettier's HTML printer with journeyFormatHtml, and still compiles", async () => {
    const out = await fmt(text, { journeyFormatHtml: true, printWidth: 60 });
    expect(out).toContain('    html """\n      <div>\n');
    expect(out).not.toContain("<div><p>");
    expect(await fmt(out, { journeyFormatHtml: true, printWidth: 60 })).toBe(out);
    expect(irWithoutPositions(fixtureProject(out)).errors).toEqual([]);
    expect(commentsOf(out)).toEqual(commentsOf(text));
  });
});

describe("HTML formatting never changes a template tag or anything but white space", () => {
  const templates = (text: string) => {
    const { ir, errors } = irWithoutPositions(fixtureProject(text));
    expect(errors).toEqual([]);
    const all = (ir as { templates: Record<string, { content: { html?: { template: string } } }> }).templates;
    return { Long: all["Long"]!.content.html!.template, Loop: all["Loop"]!.content.html!.template };
  };
  const text = `template Long() for email {
  subject "s"
  html """
    <p>Dear {{default profile.firstName 'valued customer of our little shop in the north of Sweden'}}, hi</p>
    <p>{{#if (eq profile.tier 'gold  member')}}Gold{{/if}}</p>
  """
}
template Loop(cart: CartAbandoned) for email {
  subject "s"
  html """<ul>{{#each cart.items as |x|}}<li>{{x.name}}{{/each}}</ul>"""
}
`;

  it("keeps tags whole (a literal inside one is never broken or its spaces collapsed) at any width", async () => {
    const before = templates(text);
    for (const printWidth of [40, 60, 100]) {
      const out = await fmt(text, { journeyFormatHtml: true, printWidth });
      const after = templates(out);
      expect(after["Long"]).toContain("{{default profile.firstName 'valued customer of our little shop in the north of Sweden'}}");
      expect(after["Long"]).toContain("'gold  member'");
      expect(after["Long"]!.replace(/\s+/g, "")).toBe(before["Long"]!.replace(/\s+/g, ""));
    }
  });

  it("leaves a string as written when the HTML printer would add to it (an implicit `</li>` made explicit)", async () => {
    const out = await fmt(text, { journeyFormatHtml: true });
    expect(templates(out)["Loop"]).toBe(templates(text)["Loop"]);
  });
});

describe("comments in an `expect decide`", () => {
  it("stay before the part they were before (the clauses after them used to take them)", async () => {
    const text = `experience X {
  surface "web://x.example.com/#hero"
  format text
  variant Default { content "x" }
}
test "t" {
  profile "p1" { email: "a@b.c" }
  expect decide /* surface */ "web://x.example.com/#hero" for /* who */ "p1" variant Default
}
`;
    const out = await fmt(text);
    expect(out).toContain('expect decide /* surface */ "web://x.example.com/#hero" for /* who */ "p1" variant Default');
  });
});

describe("comments between the keywords of a trigger or an exit", () => {
  it("stay between them", async () => {
    const text = `audience A = true
journey J1 {
  on /* a */ enter A
  exit /* b */ on CartAbandoned
}
journey J2 {
  on /* c */ schedule /* d */ every /* e */ day at 09:00 for A
}
`;
    expect(await fmt(text)).toBe(text);
  });

  it("before a comma in a list, arguments or a record: they stay before it", async () => {
    const text = `audience A = max(1 /* one */, 2) > 0 and profile.email in ["a" /* first */, "b"]\ntype T { a: int /* x */, b: int }\n`;
    expect(await fmt(text)).toBe(text);
  });

  it("before a name's colon: they stay before it", async () => {
    const text = `type T { a /* x */: int, b? /* maybe */: string }\naction A(city /* c */: string) -> T {\n  get "https://a.example.com/{{city}}"\n}\n`;
    expect(await fmt(text)).toBe(text);
  });

  it("before a member's dot and a type's `<`: they stay before it", async () => {
    const text = `type T { tags: list /* of tags */<string> }\naudience A = profile /* who */.consent.email and profile.consent /* which */.sms\n`;
    expect(await fmt(text)).toBe(text);
  });

  it("of `else if`, `expect no` and a test's `where` operators too", async () => {
    const text = `journey J {
  on CartAbandoned as c
  if c.total > 10 {
    end
  } else /* small */ if c.total > 5 {
    wait 1h
  }
}
test "t" {
  expect /* never */ no send sms
  expect send email where subject /* exactly */ == "Hi" and text /* part */ contains "x"
}
`;
    expect(await fmt(text)).toBe(text);
  });
});

describe("a block comment followed by a comment on its line", () => {
  // Found by the property test: printed apart before a closing brace, the next run moved the
  // line comment to a line of its own; after an opening brace, they left its line.
  it("stays on that line with it, before a closing brace and after an opening one", async () => {
    const text = "journey J { /* a */ // b\n  on SiteVisited\n  let v = (42 - (17 // c1\n  )\n  /* block\n  two */\n) // c2\n}\n";
    const out = await fmt(text);
    expect(out).toBe("journey J { /* a */ // b\n  on SiteVisited\n  let v = 42 - 17 // c1\n  /* block\n  two */ // c2\n}\n");
    expect(await fmt(out)).toBe(out);
  });

  it("two block comments after an opening bracket stay together before the first element", async () => {
    const out = await fmt("journey J {\n  on SiteVisited\n  let v = max( /* a */ ( /* b */ 109.11\n ), 2)\n}\n");
    expect(out).toContain("let v = max(/* a */ /* b */ 109.11, 2)");
    expect(await fmt(out)).toBe(out);
  });
});

describe("a test's `expect suppressed`", () => {
  it("prints its words once each, comments kept", async () => {
    const out = await fmt('test "t" {\n  expect   at 4h  no  suppressed   sms   reason  /* why */  noConsent\n  expect suppressed email // why\n}\n');
    expect(out).toBe('test "t" {\n  expect at 4h no suppressed sms reason /* why */ noConsent\n  expect suppressed email // why\n}\n');
    expect(await fmt(out)).toBe(out);
  });
});

describe("a test's `expect send … times`", () => {
  it("prints the count after the conditions, on the last one's line when they break", async () => {
    const out = await fmt('test "t" {\n  expect  send   email   times   3 // three\n  expect send email where subject == "Week"   times 5\n}\n');
    expect(out).toBe('test "t" {\n  expect send email times 3 // three\n  expect send email where subject == "Week" times 5\n}\n');
    expect(await fmt(out)).toBe(out);
    const long = await fmt('test "t" {\n  expect send email to "ana@example.com" where subject == "We miss you, Ana" and html contains "It\'s been 51 days" times 3\n}\n');
    expect(long).toBe('test "t" {\n  expect send email to "ana@example.com"\n    where subject == "We miss you, Ana"\n    and html contains "It\'s been 51 days" times 3\n}\n');
    expect(await fmt(long)).toBe(long);
  });
});

describe("a test's `expect profile` and `not contains`", () => {
  it("prints the path, operators and values canonically, comments kept, and breaks long conditions one per line", async () => {
    const out = await fmt('test "t" {\n  expect  at 3d  profile   "p1"  where voucher . code=="W20"  and tags   not  /* why */ contains "vip"\n  expect send email where html not   contains "Grinder"\n}\n');
    expect(out).toBe('test "t" {\n  expect at 3d profile "p1" where voucher.code == "W20" and tags not /* why */ contains "vip"\n  expect send email where html not contains "Grinder"\n}\n');
    expect(await fmt(out)).toBe(out);
    const long = await fmt('test "t" {\n  expect profile "p1" where voucher.code == "WELCOME20" and voucher.percent == 20 and voucher.expiresAt == 2026-03-16T09:00:00Z\n}\n');
    expect(long).toBe('test "t" {\n  expect profile "p1"\n    where voucher.code == "WELCOME20"\n    and voucher.percent == 20\n    and voucher.expiresAt == 2026-03-16T09:00:00Z\n}\n');
    expect(await fmt(long)).toBe(long);
  });
});

describe("a test's `split … for`", () => {
  it("continues on the next line, indented, after a line comment before `for`", async () => {
    const out = await fmt('test "t" {\n  split "exp" A // c\n  for "p1"\n  split "exp" B for "p2"\n}\n');
    expect(out).toBe('test "t" {\n  split "exp" A // c\n    for "p1"\n  split "exp" B for "p2"\n}\n');
    expect(await fmt(out)).toBe(out);
  });

  it("still being typed (no arm, no `for`, no id: the checker's error, not a syntax error): printed as written, nothing lost", async () => {
    const typed = ['split   "exp"', 'split "exp"  A', 'split "exp" A /* who */ for', 'split "exp"   for "p1"'];
    const out = await fmt(`test "t" {\n${typed.map((i) => `  ${i}\n`).join("")}  expect no send email\n}\n`);
    expect(out).toBe('test "t" {\n  split "exp"\n  split "exp" A\n  split "exp" A /* who */ for\n  split "exp" for "p1"\n  expect no send email\n}\n');
    expect(await fmt(out)).toBe(out);
    // Without its experiment yet, too.
    expect(await fmt('test "t" {\n  split\n  split   A for "p1"\n  expect no send email\n}\n')).toBe('test "t" {\n  split\n  split A for "p1"\n  expect no send email\n}\n');
  });
});

describe("a block comment between two tokens of a line stays between them", () => {
  it("before an `=`, a `?`, an index's `[`, a union's `|`, an action's `->` and a path's `.`", async () => {
    const text = `type Tier = "bronze" /* lowest */ | "silver" | "gold"
type T { phone /* if any */?: string, zone: string /* default */ = "UTC" }
action A(city: string) /* returns */ -> T {
  get "https://a.example.com/{{city}}"
}
audience Gold /* rich */ = profile.tags /* first */[0] == "gold"
catalog C {
  sku: string
  signals {
    view ProductViewed /* its */.sku
  }
}
test "t" {
  expect decide "home" for "p1" json hero /* field */.title /* exactly */ == "x"
}
`;
    expect(await fmt(text)).toBe(text);
  });

  it("before the second keyword of `wait for` and `on error`, a goal's colon and a step's `=`", async () => {
    const text = `journey J {
  on CartAbandoned as c
  goal bought /* any order */: OrderPlaced
  let n /* items */ = length(c.items)
  set profile.points /* reset */ = 0
  recommend r /* top */ = popular(by: views)
  wait /* an order */ for OrderPlaced within 1d {
    end
  }
  call A("x") as w /* failed */ on error {
    end
  }
}
`;
    expect(await fmt(text)).toBe(text);
  });

  it("after an operand or a clause that a broken chain or step puts on a line of its own: at the end of that line", async () => {
    const long = "e.longFieldNameNumberOne > 1 /* big */ and e.longFieldNameNumberTwo < 5 and e.n > 100000 and e.longFieldNameNumberTwo > 3";
    const text = `journey J {\n  on E as e\n  if ${long} {\n    end\n  }\n  recommend recs = cartBased(e.skus) /* by cart */ where item.inStock and item.price > 10 exclude purchased limit 4\n}\n`;
    const out = await fmt(text);
    expect(out).toContain("  if e.longFieldNameNumberOne > 1 /* big */\n    and e.longFieldNameNumberTwo < 5\n");
    expect(out).toContain("  recommend recs = cartBased(e.skus) /* by cart */\n    where item.inStock");
    expect(await fmt(out)).toBe(out);
  });

  it("inside parentheses the source has: it stays inside them (spans exclude parentheses)", async () => {
    const text = `audience A = (/* b */ profile.points > 1 or profile.email == "x" /* c */) and true\naudience B = not /* x */ (true and false)\n`;
    expect(await fmt(text)).toBe(text);
  });

  it("a line comment after a `(` goes before it, so that the operand does not start a line", async () => {
    expect(await fmt("audience A = ( // why\n  true or false) and true\n")).toBe("audience A = // why\n(true or false) and true\n");
  });

  it("before parentheses that are dropped, or nested ones (which `(` is whose is not known): before them all", async () => {
    const text = "audience A = (/* x */ true) and false\naudience B = ((/* y */ true or false) and true) or false\n";
    const out = "audience A = /* x */ true and false\naudience B = /* y */ ((true or false) and true) or false\n";
    expect(await fmt(text)).toBe(out);
    expect(await fmt(out)).toBe(out);
  });
});

describe("doc comments", () => {
  it("trailing spaces are dropped, not a reason to refuse the file", async () => {
    expect(await format("/// The shopper.  \nprofile { email: string }\n")).toBe("/// The shopper.\nprofile { email: string }\n");
  });

  it("one above a leading comma documents the field after it, and is printed above that field", async () => {
    // The formatter refused this file: the parser attached the comment to nothing, the printed one to `category`.
    expect(await format("event E { sku: string\n/// Its group.\n, category: string }\n")).toBe("event E {\n  sku: string\n  /// Its group.\n  category: string\n}\n");
  });
});

describe("texts Prettier would change the meaning of", () => {
  it("a lone CR (Prettier reads every CR as a line break before the plugin sees the text)", async () => {
    const text = 'fragment F """\n  <p>a</p>\r\r\n  <p>b</p>\n"""\n';
    await expect(format(text)).rejects.toThrow(/a lone carriage return \(CR\) at 2:11/);
    await expect(format(text.replace("\r\r\n", "\r\n"))).resolves.toContain("<p>a</p>");
  });

  it('endOfLine "cr", through Prettier itself too', async () => {
    await expect(format("profile { email: string }\n", { endOfLine: "cr" })).rejects.toBeInstanceOf(JourneyFormatError);
    await expect(prettier.format("profile { email: string }\n", { parser: "journey", plugins: [plugin], endOfLine: "cr" })).rejects.toThrow(/endOfLine "cr" is not supported/);
  });
});

describe("a project's own Prettier configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "journey-prettierrc-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dist = join(repoRoot, "packages/prettier-plugin/dist/index.js");

  it("applies .prettierrc options through formatWithConfig (journey fmt, the language server)", async () => {
    writeFileSync(join(dir, ".prettierrc"), JSON.stringify({ tabWidth: 4, overrides: [{ files: "*.journey", options: { printWidth: 50 } }] }));
    const file = join(dir, "a.journey");
    const out = await formatWithConfig(JOURNEY, file);
    expect(out).toContain("\n    if profile.consent.email {\n");
    for (const l of out.split("\n")) if (!l.includes("<p>")) expect(l.length).toBeLessThanOrEqual(50);
  });

  it.skipIf(!existsSync(dist))("is loaded from .prettierrc by the Prettier CLI (`prettier --write`, `--check`)", () => {
    writeFileSync(join(dir, ".prettierrc"), JSON.stringify({ plugins: [dist], printWidth: 60 }));
    const file = join(dir, "b.journey");
    writeFileSync(file, JOURNEY);
    const cli = join(repoRoot, "node_modules/prettier/bin/prettier.cjs");
    const check = spawnSync(process.execPath, [cli, "--check", "b.journey"], { cwd: dir, encoding: "utf8" });
    expect(check.status).toBe(1);
    const write = spawnSync(process.execPath, [cli, "--write", "b.journey"], { cwd: dir, encoding: "utf8" });
    expect(write.status).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("  on CartAbandoned as cart\n    where cart.total > 0\n");
    expect(spawnSync(process.execPath, [cli, "--check", "b.journey"], { cwd: dir, encoding: "utf8" }).status).toBe(0);
    // A syntax error is reported and the file left as it is.
    writeFileSync(file, "journey J {\n");
    const bad = spawnSync(process.execPath, [cli, "--write", "b.journey"], { cwd: dir, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("J0005");
    expect(readFileSync(file, "utf8")).toBe("journey J {\n");
  });
});

describe("the language server's formatting request", () => {
  it("formats with the editor's tab size and spaces-or-tabs", async () => {
    const out = await format("journey J { on CartAbandoned end }", { tabWidth: 3, useTabs: false });
    expect(out).toBe("journey J {\n   on CartAbandoned\n   end\n}\n");
  });
});

describe("long conditions", () => {
  const conditions = [
    "(profile.consent.sms or profile.consent.email or profile.consent.push) and length(cart.items) > 3",
    "not (profile.consent.sms and profile.phone != null and length(cart.items) > 3 and cart.total > 1)",
    "profile.points + profile.points * 2 + length(cart.items) * 3 + round(cart.total) > 1000000",
    "(if profile.tier == \"gold\" then cart.total > 100 else cart.total > 500) and profile.consent.email",
    "contains(profile.email, \"@example.com\") and startsWith(profile.email, \"someone-with-a-long-name\")",
  ];
  const journey = (condition: string) => `journey J {\n  on CartAbandoned as cart\n  if ${condition} {\n    end\n  } else if ${condition} {\n    wait 1h\n  }\n}\n`;

  // The `{` of an `if` goes on a line of its own exactly when its header broke, at any width:
  // a header that only the ` {` made too long used to break while its condition stayed on one
  // line, or keep the ` {` after a broken `not (…)`, level with the body.
  it("put the `{` on a line of its own exactly when the header breaks, at any width, idempotently", async () => {
    for (const condition of conditions) {
      for (let printWidth = 30; printWidth <= 120; printWidth++) {
        const out = await fmt(journey(condition), { printWidth });
        const lines = out.split("\n");
        const ctx = `${condition} at ${printWidth}:\n${out}`;
        expect(await fmt(out, { printWidth }), ctx).toBe(out);
        lines.forEach((l, i) => {
          if (!/^\s*(} else )?if /.test(l)) return;
          const broke = !l.endsWith(" {");
          // A header on one line fits with its ` {`; a broken one has its `{` alone, right after it.
          if (!broke) expect(l.length <= printWidth || !/ (and|or|else|[-+*/<>]=?|[!=]=) /.test(l), ctx).toBe(true);
          else expect(lines.slice(i + 1).find((x) => /^\s*\{$/.test(x) || / \{$/.test(x))?.trim(), ctx).toBe("{");
        });
      }
    }
  });

  it("indent a chain nested in a broken chain one level deeper than its operators", async () => {
    const out = await fmt(journey(conditions[0]!), { printWidth: 40 });
    expect(out).toContain(["  if (profile.consent.sms", "      or profile.consent.email", "      or profile.consent.push)", "    and length(cart.items) > 3", "  {"].join("\n"));
    const sum = await fmt(journey(conditions[2]!), { printWidth: 60 });
    expect(sum).toContain(["  if profile.points", "      + profile.points * 2", "      + length(cart.items) * 3", "      + round(cart.total)", "    > 1000000", "  {"].join("\n"));
  });

  it("keep a call's arguments in its parentheses, the ` {` after the closing one", async () => {
    const out = await fmt(journey('contains(profile.email, "@example.com-a-rather-long-domain-name.example")'), { printWidth: 50 });
    expect(out).toContain(['  if contains(', "    profile.email,", '    "@example.com-a-rather-long-domain-name.example"', "  ) {"].join("\n"));
  });
});
