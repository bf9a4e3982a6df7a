/**
 * Regressions: compiler bugs found by the invalid-program corpus and one-token edits of the
 * brief (crashes on recovered declarations, NaN spans, cascades, misleading messages). Each
 * test states what the brief and codes.ts require.
 */
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "@journey/compiler";
import type * as A from "../src/syntax/ast.js";
import { parseFile } from "../src/syntax/parse.js";
import { lexer, tokEnd } from "../src/syntax/tokens.js";
import { briefExample, spanOf } from "./support.js";

const PROFILE = "profile {\n  email: string\n  phone?: string\n}\nevent SiteVisited { url: string }\n";

function run(text: string): CompileResult {
  return compile([{ path: "main.journey", text }]);
}

/** Compiles without throwing, and every reported span is a real range of the file. */
function sane(text: string): CompileResult {
  let r: CompileResult | undefined;
  expect(() => (r = run(text))).not.toThrow();
  for (const d of r!.diagnostics) {
    expect(Number.isInteger(d.span.start) && Number.isInteger(d.span.end), `${d.code} ${d.message}: span ${JSON.stringify(d.span)}`).toBe(true);
    expect(0 <= d.span.start && d.span.start <= d.span.end && d.span.end <= text.length, `${d.code} span inside the file`).toBe(true);
  }
  return r!;
}

const shown = (r: CompileResult) => r.diagnostics.map((d) => `${d.code} ${JSON.stringify(r.files.get(d.file)!.text.slice(d.span.start, d.span.end))}`);

describe("regression: parseFile throws when a file ends inside a declaration", () => {
  // parse.ts: `parser.file()` returns undefined when recovery fails at the top rule, and
  // `.filter` is called on it. Every prefix of every sample cut inside a declaration throws
  // (robustness.test.ts).
  it("a file ending inside an event", () => {
    const text = `${PROFILE}event OrderPlaced { total: number\n`;
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0005"]);
    // The end of the file: the last character that is not white space.
    expect(r.diagnostics[0]!.span).toEqual({ start: text.trimEnd().length - 1, end: text.trimEnd().length });
    expect(r.diagnostics[0]!.message).toContain("the end of the file");
  });

  it("a file ending after a binary operator", () => {
    const text = `${PROFILE}audience A = profile.email ==   \n\n`;
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0005"]);
    expect(r.diagnostics[0]!.span).toEqual({ start: text.indexOf("==") + 1, end: text.indexOf("==") + 2 });
  });

  it("the file `profile`", () => {
    const r = sane("profile");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0005"]);
  });
});

describe("a template left unfinished at the end of the file (as while typing)", () => {
  it("still resolves: no `unknown template` at its sends, and one message for the end of the file", () => {
    const text = `${PROFILE}event Go { n: int }
journey J {
  on Go
  send email Hi() to profile.email
}
template Hi() for email {
  subject "Hi"
  text `;
    const r = sane(text);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["J0005 unexpected end of file: expected an expression"]);
  });
});

describe("regression: the checker throws on declarations the parser recovered", () => {
  // Recovery leaves fields of AST nodes undefined (params, args, blocks, expressions); the
  // checker reads them. Each input below has one syntax error and must report just that.
  it.each([
    ["a profile field with a default and no type", 'profile {\n  email: string\n  timezone: = "UTC"\n}\n'],
    ["a template name written twice", `${PROFILE}template Hello Hello() for sms {\n  text "Hi"\n}\n`],
    ["an action name written twice", `${PROFILE}action Score Score() -> { value: int } {\n  get "https://score.example.com/v1"\n}\n`],
    ["a template parameter with two colons", `${PROFILE}template Hello(name: : string) for sms {\n  text "Hi {{name}}"\n}\n`],
    [
      "a recommendation name written twice",
      `${PROFILE}catalog Product { key sku: string }\njourney J {\n  on SiteVisited\n  recommend recs recs = popular() limit 4\n}\n`,
    ],
    [
      "a missing first argument of a template call",
      `${PROFILE}template Hello(a: string, b: string) for sms {\n  text "{{a}} {{b}}"\n}\njourney J {\n  on SiteVisited\n  send sms Hello(, "b") to profile.email\n}\n`,
    ],
    ["a stray word before `timeout`", `${PROFILE}journey J {\n  on SiteVisited\n  wait for SiteVisited within 1h {\n    end\n  x timeout {\n    end\n  }\n}\n`],
    ["`surface` written twice", `${PROFILE}experience Hero {\n  surface surface "web://s.example.com/#hero"\n  format text\n  variant D { content "Hi" }\n}\n`],
    ["`to` written twice in an active period", `${PROFILE}experience Hero {\n  surface "web://s.example.com/#hero"\n  format text\n  active from 2026-01-01 to to 2026-02-01\n  variant D { content "Hi" }\n}\n`],
    ["a test profile without its id", `${PROFILE}test "t" {\n  profile { email: "a@example.com" }\n}\n`],
    ["a test event without its offset", `${PROFILE}test "t" {\n  profile "p1" { email: "a@example.com" }\n  at "p1" SiteVisited { url: "/" }\n}\n`],
  ])("%s", (_, text) => {
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0005"]);
  });
});

describe("regression: diagnostics about a token the parser inserted have NaN spans", () => {
  // A recovered rule builds an Ident from Chevrotain's virtual token (offset NaN, image ""):
  // the checker then reports "unknown event ``" at NaN, and withoutCascades cannot drop it.
  it.each([
    ["a signal without its name", `${PROFILE}event ProductViewed { sku: string }\ncatalog Product {\n  key sku: string\n  signals {\n    ProductViewed.sku\n  }\n}\n`],
    ["`jump to` without a journey", `${PROFILE}journey J {\n  on SiteVisited\n  jump to\n}\n`],
    ["`reentry` without its mode", `${PROFILE}journey J {\n  on SiteVisited\n  reentry 7d\n  wait 1h\n}\n`],
    ["a channel without its name", `${PROFILE}channel {\n  from "Shop"\n}\n`],
  ])("%s", (_, text) => {
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0005"]);
  });
});

describe("regression: one typo yields more than one error", () => {
  it("a misspelt step keyword (`sned`) followed by its arguments", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  sned email { subject "Hi" text "Come back" } to profile.email\n}\nevent OrderPlaced { total: number }\n`;
    expect(shown(sane(text))).toEqual(['J0005 "sned"']);
  });

  it("`=` for `==` in a condition", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  if profile.email = "a" { end }\n}\n`;
    expect(shown(sane(text))).toEqual(['J0005 "="']);
  });
});

describe("regression: a keyword as a declared name is more than one error (or a crash)", () => {
  // docs/language.md: names you declare must be plain identifiers, so `let profile = 1` is
  // a syntax error; "parsing recovers: one typo, one error". Today the error cascades, and
  // at the end of a file it crashes (the parseFile bug above).
  it("`let profile = 1` before another declaration", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  let profile = 1\n}\nevent OrderPlaced { total: number }\n`;
    expect(shown(sane(text))).toEqual(['J0005 "profile"']);
  });

  it("`let profile = 1` at the end of the file", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  let profile = 1\n}\n`;
    expect(shown(sane(text))).toEqual(['J0005 "profile"']);
  });

  it("a trigger alias `as journey`", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited as journey\n  wait 1h\n}\n`;
    expect(shown(sane(text))).toEqual(['J0005 "journey"']);
  });

  it("a template parameter called `profile`", () => {
    const text = `${PROFILE}template Hello(profile: string) for sms {\n  text "Hi {{profile}}"\n}\n`;
    expect(shown(sane(text))).toEqual(['J0005 "profile"']);
  });
});

describe("regression: a template parameter silently shadowed by a runtime name", () => {
  // checkTemplateDecl only checks the root scope (`profile`); the runtime names are defined
  // in a child scope afterwards and silently shadow the parameter.
  it("a template parameter called `message` (a runtime name in content)", () => {
    const text = `${PROFILE}template Hello(message: string) for sms {\n  text "Hi {{message}}"\n}\n`;
    expect(shown(sane(text))).toEqual(['J1020 "message"']);
  });

  it("an email template parameter called `unsubscribeUrl`", () => {
    const text = `${PROFILE}template Hello(unsubscribeUrl: string) for email {\n  subject "Hi"\n  text "Bye: {{unsubscribeUrl}}"\n}\n`;
    expect(shown(sane(text))).toEqual(['J1020 "unsubscribeUrl"']);
  });
});

describe("regression: duplicate parameters", () => {
  it("a template parameter declared twice is not 'a name the language provides'", () => {
    const text = `${PROFILE}template Hello(name: string, name: string) for sms {\n  text "Hi {{name}}"\n}\n`;
    const r = sane(text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.span).toEqual(spanOf(text, "name", 1));
    expect(r.diagnostics[0]!.code).not.toBe("J1020");
    expect(r.diagnostics[0]!.message).toMatch(/more than once/);
  });

  it("an action parameter declared twice is reported", () => {
    const text = `${PROFILE}action A(x: int, x: int) -> { v: int } {\n  get "https://a.example.com/{{x}}"\n}\n`;
    const r = sane(text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.span).toEqual(spanOf(text, "x", 1));
    expect(r.diagnostics[0]!.message).toMatch(/more than once/);
  });
});

describe("regression: an unknown parameter type is reported once per use", () => {
  // checkSend and checkCall resolve the template's / action's parameter types again, in
  // the declaring file, for every call: each call repeats the declaration's J1003.
  it("a template used twice", () => {
    const text = `${PROFILE}template Hello(name: Strng) for sms {\n  text "Hi {{name}}"\n}\njourney J {\n  on SiteVisited\n  send sms Hello("a") to profile.email\n  send sms Hello("b") to profile.email\n}\n`;
    expect(shown(sane(text))).toEqual(['J1003 "Strng"']);
  });

  it("an action called once", () => {
    const text = `${PROFILE}action Score(x: Strng) -> { value: Nmber } {\n  get "https://score.example.com/v1?x={{x}}"\n}\njourney J {\n  on SiteVisited\n  call Score("a") as s\n}\n`;
    expect(shown(sane(text))).toEqual(['J1003 "Strng"', 'J1003 "Nmber"']);
  });
});

describe("regression: a template syntax error also reports its parameters unused", () => {
  // The parameter is read (`{{name`), but the template's parse error loses the reference:
  // one typo, two diagnostics, one of them false.
  it("an unclosed tag reading the only parameter", () => {
    const text = `${PROFILE}template Hello(name: string) for sms {\n  text "Hi {{name"\n}\n`;
    expect(shown(sane(text))).toEqual(['J4001 "{{"']);
  });
});

describe("regression: an out-of-range literal is J0006 (it used to be missed)", () => {
  it("a time of day past 23:59", () => {
    const text = `${PROFILE}channel email {\n  quiet 25:00 to 08:00\n}\n`;
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0006"]);
    expect(r.diagnostics[0]!.span).toEqual(spanOf(text, "25:00"));
  });

  it("a date with month 13", () => {
    const text = `${PROFILE}experience Hero {\n  surface "web://s.example.com/#hero"\n  format text\n  active from 2026-13-45 to 2027-01-01\n  variant D { content "x" }\n}\n`;
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J0006"]);
    expect(r.diagnostics[0]!.span).toEqual(spanOf(text, "2026-13-45"));
  });
});

describe("regression: channel and action settings", () => {
  it("J7008: an unknown channel setting is named (it used to be a bare syntax error)", () => {
    const text = `${PROFILE}channel email {\n  sender "Shop"\n}\n`;
    expect(shown(sane(text))).toEqual(['J7008 "sender"']);
  });

  it("J7009: a channel setting given twice is silently overwritten", () => {
    const text = `${PROFILE}channel email {\n  cap 3 per 7d\n  cap 4 per 7d\n}\n`;
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J7009"]);
    expect(r.diagnostics[0]!.span.start).toBe(spanOf(text, "cap", 1).start);
  });

  it("J7009: an action setting given twice is silently overwritten", () => {
    const text = `${PROFILE}action A() -> { v: int } {\n  get "https://a.example.com/"\n  timeout 2s\n  timeout 3s\n}\n`;
    const r = sane(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J7009"]);
    expect(r.diagnostics[0]!.span.start).toBe(spanOf(text, "timeout", 1).start);
  });
});

describe("regression: syntax messages written for parser authors", () => {
  it("a misspelt declaration keyword says `expected eof`", () => {
    const text = `${PROFILE}evnt OrderPlaced { total: number }\n`;
    const r = sane(text);
    expect(shown(r)).toEqual(['J0005 "evnt"']);
    expect(r.diagnostics[0]!.message).not.toContain("eof");
    // Close to a keyword: that keyword, as the fix; otherwise what is expected there.
    expect(r.diagnostics[0]!.message).toBe("unknown declaration `evnt`: did you mean `event`?");
    expect(r.diagnostics[0]!.fix?.edits[0]?.newText).toBe("event");
    const far = sane(`${PROFILE}whatever OrderPlaced { total: number }\n`);
    expect(shown(far)).toEqual(['J0005 "whatever"']);
    expect(far.diagnostics[0]!.message).toContain("expected a declaration");
  });

  it("a misspelt `test` does not make its `profile` item a second profile, nor a name after `journey` a keyword", () => {
    const r = sane(`${PROFILE}tst "t" {\n  profile "p1" { email: "a@example.com" }\n  expect no send email\n}\n`);
    expect(shown(r)).toEqual(['J0005 "tst"']);
    const named = sane(`${PROFILE}journey\nJourney1 {\n  on SiteVisited\n  end\n}\n`);
    expect(named.diagnostics).toEqual([]);
  });
});

describe('regression: a """ string with one content line is not dedented', () => {
  // strings.ts decodeTriple: `lines.length === 1` is tested after the blank first and last
  // lines are dropped, so the indentation of a lone content line is kept.
  it("the value has no leading indentation", () => {
    const r = parseFile("a.journey", 'fragment F """\n    <p>x</p>\n  """\n');
    expect(r.diagnostics).toEqual([]);
    expect(((r.file.declarations[0] as A.FragmentDecl).body as A.StringExpr).value).toBe("<p>x</p>");
  });
});

describe("regression: one-token edits of the brief example throw or report NaN spans", () => {
  // Every token of the brief deleted or doubled: the compiler must never
  // throw and every span must be a range of the file. Today dozens of edits throw (the
  // checker crashes above) or report spans of NaN (the inserted-token bug above); the first
  // edit of each kind of failure is listed.
  it("no edit throws, every span is inside the file", () => {
    const text = briefExample();
    const failures = new Map<string, string>();
    for (const tok of lexer.tokenize(text).tokens) {
      const s = tok.startOffset;
      const e = tokEnd(tok);
      const edits: [string, string][] = [
        [`delete ${JSON.stringify(tok.image)} at ${s}`, text.slice(0, s) + text.slice(e)],
        [`double ${JSON.stringify(tok.image)} at ${s}`, text.slice(0, e) + " " + tok.image + text.slice(e)],
      ];
      for (const [what, edited] of edits) {
        try {
          const r = compile([{ path: "brief.journey", text: edited }], { emit: false });
          for (const d of r.diagnostics) {
            if (!(Number.isInteger(d.span.start) && Number.isInteger(d.span.end) && 0 <= d.span.start && d.span.start <= d.span.end && d.span.end <= edited.length)) {
              const key = `${d.code} span ${JSON.stringify(d.span)}`;
              if (!failures.has(key)) failures.set(key, what);
            }
          }
        } catch (err) {
          const key = String((err as Error).stack ?? err).split("\n").slice(0, 2).join(" ").replace(/\/[^\s()]*\/src\//g, "src/");
          if (!failures.has(key)) failures.set(key, what);
        }
      }
    }
    expect([...failures].map(([k, v]) => `${v}: ${k}`)).toEqual([]);
  });
});

describe("regression: an error the dedupe hides still marks its declaration as recovered", () => {
  it("a template parameter without a type after junk on another line", () => {
    const text = `profile { email: string }\nx)\ntemplate T(a) for email { subject "hi" }\n`;
    const r = sane(text);
    expect(shown(r)).toEqual(['J0005 "x"', 'J0005 ")"']);
  });
});

describe("fragments and the names content has (review of 6 December 2026)", () => {
  it("`this.message` inside a section of a fragment is the element's field, not the runtime name", () => {
    const r = run(`profile {
  email: string
  notices: list<{ message: string }>
}
fragment Notices """{{#each profile.notices}}<p>{{this.message}}</p>{{/each}}"""
experience Inbox {
  surface "web://s/#inbox"
  format html
  variant A { content "<div>{{> Notices}}</div>" }
}
`);
    expect(shown(r)).toEqual([]);
  });

  it("an SMS that includes a fragment which includes one reading `unsubscribeUrl` is J4002, at the include", () => {
    const text = `profile {
  email: string
  phone?: string
}
fragment Unsub """<a href="{{unsubscribeUrl}}">Unsubscribe</a>"""
fragment Footer """Shop AB {{> Unsub}}"""
template Nudge() for sms {
  text "Your cart is waiting. {{> Footer}}"
}
`;
    expect(shown(run(text))).toEqual(['J4002 "Footer"']);
  });

  it("a cycle of fragments is one error, in the fragment on it that sorts first, with the path", () => {
    const r = run(`profile { email: string }
fragment C """c {{> A}}"""
fragment A """a {{> B}}"""
fragment B """b {{> C}}"""
`);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["J4008 fragment `A` includes itself through `A` → `B` → `C` → `A`: it would never finish"]);
    expect(shown(r)).toEqual(['J4008 "B"']);
    // Two cycles through B (A ⇄ B and B ⇄ C): two errors.
    const two = run(`profile { email: string }
fragment A """a {{> B}}"""
fragment B """b {{> A}} {{> C}}"""
fragment C """c {{> B}}"""
`);
    expect(two.diagnostics.map((d) => d.message)).toEqual([
      "fragment `A` includes itself through `A` → `B` → `A`: it would never finish",
      "fragment `B` includes itself through `B` → `C` → `B`: it would never finish",
    ]);
  });
});

describe("long operator chains (review of 6 December 2026)", () => {
  // Thousands of operators folded into a tree every later phase walks recursively: the
  // checker overflowed the stack ("internal error") at about 2,000.
  const chain = (operators: number) => `${PROFILE}audience A = ${Array.from({ length: operators }, () => "1").join(" + ")} > 0\n`;

  it("500 operators compile and build", () => {
    const r = sane(chain(499));
    expect(r.diagnostics).toEqual([]);
    expect(r.ir).toBeDefined();
  });

  it("more are one J0013 over the expression, whatever their number", () => {
    for (const n of [501, 20_000]) expect(sane(chain(n)).diagnostics.map((d) => d.code)).toEqual(["J0013"]);
  });
});

describe("test blocks (review of 6 December 2026)", () => {
  const project = (test: string) => `profile { email: string, phone?: string, timezone: string = "UTC", since?: datetime }
event Ping { n: int, at?: datetime }
journey J {
  on Ping as p
  send sms { text "ping {{p.n}}" } to profile.phone ?? ""
}
journey W {
  on Ping as p
  send webhook { url "https://h.example.com/{{p.n}}" json { who: profile.email } }
}
experience Hero {
  surface "web://s.example.com/#hero"
  format text
  variant Everyone { content "hi" }
}
experience Other {
  surface "web://s.example.com/#other"
  format text
  variant LastOne { content "bye" }
}
test "t" {
${test}
}
`;
  const messages = (test: string) => sane(project(test)).diagnostics.map((d) => `${d.code} ${d.message}`);

  it("two tests of one name are an error (their results could not be told apart)", () => {
    const r = sane(project(`  profile "p1" { email: "a@x.com" }`) + `test "t" {\n  profile "p1" { email: "a@x.com" }\n}\n`);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['J6001 a test named "t" is declared already: results name their test, so the two could not be told apart']);
    expect(r.diagnostics[0]!.related).toHaveLength(1);
  });

  it("a profile may be written after the events that use it (profiles are stored at the start)", () => {
    expect(messages(`  at 0m "p1" Ping { n: 1 }\n  profile "p1" { email: "a@x.com", phone: "+1" }\n  expect send sms`)).toEqual([]);
  });

  it("`start` takes a literal instant with its zone; data instants need a zone; engine attributes are checked", () => {
    expect(messages(`  start 2026-03-02T08:00:00Z + 1h\n  profile "p1" { email: "a@x.com" }`)).toEqual(["J6001 `start` takes a date-time literal with its zone, such as 2026-03-02T09:00:00Z"]);
    expect(messages(`  start 2026-03-02T10:00:00\n  profile "p1" { email: "a@x.com", since: 2026-01-01T00:00:00, timezone: "Europe/Stokholm" }\n  at 0m "p1" Ping { n: 1, at: 2026-03-02T10:00:00+01:00 }`)).toEqual([
      "J6001 `2026-03-02T10:00:00` has no zone: write `2026-03-02T10:00:00Z` (UTC) or an offset such as `2026-03-02T10:00:00+01:00`",
      "J6001 `2026-01-01T00:00:00` has no zone: write `2026-01-01T00:00:00Z` (UTC) or an offset such as `2026-01-01T00:00:00+01:00`",
      'J6001 `Europe/Stokholm` is not an IANA time zone: did you mean "Europe/Stockholm"?',
    ]);
    expect(messages(`  profile "p1" { email: "a@x.com", timezone: "Oslo" }\n  profile "p2" { email: "b@x.com", timezone: "Mars/Base" }`)).toEqual([
      'J6001 `Oslo` is not an IANA time zone: did you mean "Europe/Oslo"?',
      'J6001 `Mars/Base` is not an IANA time zone such as "Europe/Stockholm"',
    ]);
  });

  it("what a test gives once, given twice, is an error (the second silently replaced the first)", () => {
    expect(messages(`  start 2026-03-02T08:00:00Z\n  start 2026-03-03T08:00:00Z\n  profile "p1" { email: "a@x.com", phone: "+1" }\n  profile "p1" { email: "b@x.com" }`)).toEqual([
      "J6001 `start` is given twice in this test: the second would silently replace the first",
      "J6001 profile `p1` is given twice in this test: the second would silently replace the first",
    ]);
  });

  it("several `catalog` blocks of a test add up", () => {
    const text = `profile { email: string }
catalog Product {
  key sku: string
  name: string
}
test "t" {
  catalog Product [{ sku: "A", name: "a" }, { sku: "B", name: "b" }]
  catalog Product [{ sku: "C", name: "c" }]
}
`;
    const r = sane(text);
    expect(r.diagnostics).toEqual([]);
    expect((r.ir!.tests[0]!.catalog!.items as { list: unknown[] }).list).toHaveLength(3);
  });

  it("a webhook has no recipient and its `json` is no text to match", () => {
    expect(messages(`  profile "p1" { email: "a@x.com" }\n  at 0m "p1" Ping { n: 7 }\n  expect no send webhook to "x" where json contains "a@x.com"`)).toEqual([
      "J6001 a `webhook` message has no recipient: leave out `to`",
      "J6001 `json` is a record, not text: `contains` matches `url`",
    ]);
  });

  it("`expect decide` names a claimed surface and a variant of an experience claiming it (an undeclared profile is an anonymous visitor)", () => {
    expect(messages(`  profile "p1" { email: "a@x.com" }\n  expect decide "web://s.example.com/#hero" for "nobody" variant LastOne\n  expect decide "web://s.example.com/#nowhere" for "p1"`)).toEqual([
      "J6001 no experience claiming `web://s.example.com/#hero` has a variant `LastOne` (`Hero` claims it)",
      "J6001 no experience claims `web://s.example.com/#nowhere`: nothing could be decided for it",
    ]);
  });
});

describe("a declaration after one whose `}` is missing (review of 7 December 2026)", () => {
  // The error is reported at the next declaration's first word; it marked that declaration
  // recovered, so it went unchecked and the editor lost its names (no hover, no completion).
  it("is checked, and the unclosed one is the one marked recovered", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  wait 1h\njourney K {\n  on SiteVisited as v\n  send sms Missing() to "+46700000000"\n}\n`;
    const r = sane(text);
    expect(shown(r)).toEqual(['J0005 "journey"', 'J1011 "Missing"']);
    const decls = parseFile("main.journey", text).file.declarations;
    expect(decls.filter((d) => d.recovered).map((d) => (d as A.JourneyDecl).name?.name)).toEqual(["J"]);
  });

  it("points at the bracket still open, however far from where the `}` is missed", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  if profile.email == "x" {\n    wait 1h\n  send sms { text "hi" } to "+46700000000"\n}\n`;
    const [d] = sane(text).diagnostics;
    expect(d!.message).toBe("expected `}`, found the end of the file");
    expect(d!.related).toEqual([{ file: "main.journey", span: { start: spanOf(text, "{\n    wait").start, end: spanOf(text, "{\n    wait").start + 1 }, message: "this `{` is not closed" }]);
    // Not for a `}` the parser does not expect: the note is about the bracket a mismatch wants.
    expect(sane(`${PROFILE}journey J {\n  on SiteVisited\n  wait 1h }\n}\n`).diagnostics[0]!.related).toBeUndefined();
  });
});

describe("a newcomer's first projects (review of 7 December 2026)", () => {
  it("a duration in words is named as such, with the fix, and no note about a bracket", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  wait 2 days\n  send sms { text "hi" } to "+46700000000"\n}\n`;
    const [d, ...rest] = sane(text).diagnostics;
    expect(rest).toEqual([]);
    expect(d!.message).toBe("`2 days` is not a duration: write `2d`");
    expect(d!.related).toBeUndefined();
    expect(d!.fix?.edits).toEqual([{ file: "main.journey", span: spanOf(text, "2 days"), newText: "2d" }]);
    expect(sane(`${PROFILE}journey J {\n  on SiteVisited\n  wait 90 Minutes\n}\n`).diagnostics[0]!.message).toBe("`90 Minutes` is not a duration: write `90m`");
  });

  it("`contains` in a journey's condition is one diagnostic, with the call it means as the fix; in a test's `where` it is the condition it is", () => {
    const text = `${PROFILE}audience Ana = profile.email contains "ana"\njourney J {\n  on SiteVisited as v where v.url contains "/sale"\n  if profile.email contains "vip" {\n    wait 1h\n  }\n  wait 1d\n}\n`;
    const ds = sane(text).diagnostics;
    const message = "`contains` is a condition of a test's `where`, not an operator: in an expression, call `contains(text or list, part)`";
    expect(ds.map((d) => [d.message, text.slice(d.span.start, d.span.end), d.fix?.edits[0]!.newText])).toEqual([
      [message, "contains", 'contains(profile.email, "ana")'],
      [message, "contains", 'contains(v.url, "/sale")'],
      [message, "contains", 'contains(profile.email, "vip")'],
    ]);
    expect(ds[2]!.fix!.edits[0]!.span).toEqual(spanOf(text, 'profile.email contains "vip"'));
    // Not after an operand (the built-in function), and not in a test.
    expect(sane(`${PROFILE}journey J {\n  on SiteVisited\n  if contains(profile.email, "vip") { wait 1h }\n}\ntest "t" {\n  profile "p1" { email: "a" }\n  expect no send email where subject contains "x"\n}\n`).diagnostics).toEqual([]);
  });

  it("`=` in a trigger's condition is not blamed on the journey's `{`", () => {
    const [d] = sane(`${PROFILE}journey J {\n  on SiteVisited where event.url = "x"\n  wait 1h\n}\n`).diagnostics;
    expect(d!.message).toBe("unexpected `=`: to compare, write `==`");
    expect(d!.related).toBeUndefined();
  });

  it("`=` in a condition is one diagnostic with its fix; the rest parses as written (read as `==`)", () => {
    const text = `${PROFILE}audience Gold = profile.email = "x"\njourney J {\n  on SiteVisited\n  if profile.email = "a" {\n    wait 1h\n  }\n  let n = 2\n  wait 1d\n}\njourney K {\n  on SiteVisited\n  set profile.email = "b"\n}\n`;
    const ds = sane(text).diagnostics;
    const equalsIn = (s: string) => ({ start: text.indexOf(s) + s.indexOf("="), end: text.indexOf(s) + s.indexOf("=") + 1 });
    expect(ds.map((d) => [d.message, d.span])).toEqual([
      ["unexpected `=`: to compare, write `==`", equalsIn('email = "x"')],
      ["unexpected `=`: to compare, write `==`", equalsIn('email = "a"')],
    ]);
    expect(ds[1]!.fix?.edits).toEqual([{ file: "main.journey", span: ds[1]!.span, newText: "==" }]);
    // A statement's own `=` after a condition of the statement before it (on the line before, or on the same line) assigns.
    const recommends = `${PROFILE}catalog Product {\n  key sku: string\n  name: string\n}\njourney J {\n  on SiteVisited as v where v.url == "x"\n  recommend r = popular() limit 2\n  recommend s = popular() limit 2\n  wait 1h\n}\njourney K { on SiteVisited where 1 == 1 recommend r = popular() limit 2 wait 1h }\n`;
    expect(sane(recommends).diagnostics).toEqual([]);
    // Inside brackets a `=` is another mistake, named by the parser (`popular(by = views)`).
    expect(sane(`${PROFILE}journey J {\n  on SiteVisited where length([1]) == 1\n  let x = (1 = 1)\n}\n`).diagnostics.map((d) => d.message)).not.toContain("unexpected `=`: to compare, write `==`");
  });

  it("`=` inside a condition's grouping parentheses is the same slip (not an unclosed `(`); inside a call it is not", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  if not (profile.email = "a") and (1 == 1 or (profile.email = "b")) {\n    wait 1h\n  }\n}\n`;
    expect(sane(text).diagnostics.map((d) => [d.message, d.span.start])).toEqual([
      ["unexpected `=`: to compare, write `==`", text.indexOf('= "a"')],
      ["unexpected `=`: to compare, write `==`", text.indexOf('= "b"')],
    ]);
    const call = `${PROFILE}journey J {\n  on SiteVisited\n  if length((profile.email = "a")) == 1 {\n    wait 1h\n  }\n}\n`;
    expect(sane(call).diagnostics.map((d) => d.message)).not.toContain("unexpected `=`: to compare, write `==`");
  });

  it("a `\"` inside a tag of a `\"…\"` string: one diagnostic with single quotes as the fix, not a field named after the tag's string", () => {
    const text = `${PROFILE}journey J {\n  on SiteVisited\n  send email { subject "Hi {{default profile.email "you"}}!" text "x" } to profile.email\n  wait 1h\n}\n`;
    const [d, ...rest] = sane(text).diagnostics;
    expect(rest).toEqual([]);
    expect(d!.span).toEqual({ start: text.indexOf('"you'), end: text.indexOf('"you') + 1 });
    expect(d!.fix?.edits).toEqual([{ file: "main.journey", span: { start: text.indexOf('"Hi') + 1, end: text.indexOf('!"') + 1 }, newText: "Hi {{default profile.email 'you'}}!" }]);
    // A string that holds a `'` gets no fix (single quotes would end it); strings apart stay apart.
    expect(sane(`${PROFILE}journey J {\n  on SiteVisited\n  send email { subject "{{default profile.email "it's"}}" text "x" } to profile.email\n}\n`).diagnostics[0]!.fix).toBeUndefined();
    expect(sane(`${PROFILE}journey J {\n  on SiteVisited\n  send email { subject "{{profile.email}}" text "x" } to profile.email\n}\n`).diagnostics).toEqual([]);
  });

  it("an unknown field or name with nothing close lists what there is (no fix to guess)", () => {
    const text = `${PROFILE}event SignedUp { source: string, plan: string }\njourney J {\n  on SignedUp as signup\n  if signup.orderId == "x" {\n    end\n  }\n  let p = percent + 1\n  send sms { text "{{discount}}" } to profile.email\n}\n`;
    const ds = sane(text).diagnostics;
    expect(ds.map((d) => [d.code, d.help, d.fix])).toEqual([
      ["J1004", "the fields of `SignedUp` are `source`, `plan`", undefined],
      ["J1001", "the names here are `profile`, `signup`", undefined],
      ["J4002", "the names here are `profile`, `signup`, `p`, `message`, `journey`", undefined],
    ]);
  });

  it("a mistyped argument names its parameter; a number where a duration goes says how durations are written", () => {
    const text = `${PROFILE}action Give(email: string, percent: int) -> { code: string } {\n  post "https://x.example.com/give"\n}\njourney J {\n  on SiteVisited\n  call Give(profile.email, 10.5) as g\n  wait 2\n}\n`;
    expect(sane(text).diagnostics.map((d) => [d.code, d.help])).toEqual([
      ["J2001", "for parameter `percent` of `Give`"],
      ["J2001", "a duration is a number and its unit, without a space: `500ms`, `30s`, `15m`, `4h`, `2d`, `1w`, `1h30m`"],
    ]);
  });

  it("a template's advice reaches the diagnostic when there is no fix", () => {
    const text = `profile {\n  email: string\n  orders: list<{ name: string }> = []\n}\nevent SiteVisited { url: string }\njourney J {\n  on SiteVisited\n  send sms { text "{{profile.orders.name}}" } to profile.email\n}\n`;
    const [d] = sane(text).diagnostics;
    expect(d!.code).toBe("J4003");
    expect(d!.help).toBe("`profile.orders` is a list: iterate it with `{{#each profile.orders as |x|}}`");
  });

  it("a function of expressions used as a template helper says where its value can come from", () => {
    const [d] = sane(`${PROFILE}journey J {\n  on SiteVisited\n  send sms { text "{{date (now) 'long'}}" } to profile.email\n}\n`).diagnostics;
    expect(d!.code).toBe("J4004");
    expect(d!.fix).toBeUndefined();
    expect(d!.help).toMatch(/^`now\(…\)` is a function of expressions, not a template helper/);
  });
});
