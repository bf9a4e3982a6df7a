/**
 * JUnit XML, the report format CI systems read (GitHub Actions' reporters, GitLab, Jenkins).
 * Written by hand: the format is a few elements, and the CLI has no XML dependency.
 */

export interface JUnitCase {
  name: string;
  classname: string;
  file: string;
  line: number;
  timeMs: number;
  /** Why it failed (`failure`), or why it could not run at all (`error`: the project does not compile). */
  problem?: { kind: "failure" | "error"; message: string; text: string };
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
}

export function junitXml(suites: JUnitSuite[]): string {
  const all = suites.flatMap((s) => s.cases);
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attributes({ name: "journey test", ...totals(all) })}>\n`;
  for (const s of suites) {
    out += `  <testsuite${attributes({ name: s.name, ...totals(s.cases) })}>\n`;
    for (const c of s.cases) {
      const open = `    <testcase${attributes({ name: c.name, classname: c.classname, file: c.file, line: c.line, time: seconds(c.timeMs) })}`;
      if (!c.problem) out += `${open}/>\n`;
      else out += `${open}>\n      <${c.problem.kind}${attributes({ message: c.problem.message })}>${text(c.problem.text)}</${c.problem.kind}>\n    </testcase>\n`;
    }
    out += `  </testsuite>\n`;
  }
  return out + `</testsuites>\n`;
}

function totals(cases: JUnitCase[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.problem?.kind === "failure").length,
    errors: cases.filter((c) => c.problem?.kind === "error").length,
    time: seconds(cases.reduce((n, c) => n + c.timeMs, 0)),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${attribute(String(value))}"`)
    .join("");
}

/**
 * Characters XML 1.0 does not allow anywhere, not even escaped: control characters other than
 * tab and line breaks, lone surrogates, U+FFFE and U+FFFF. A parser rejects the whole file for
 * one of them, so they are dropped. (With the `u` flag a pair of surrogates is one code point, kept.)
 */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s.replace(FORBIDDEN, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Also quotes, and line breaks and tabs as references: a parser turns literal ones in an attribute into spaces. */
function attribute(s: string): string {
  return text(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}
