/**
 * Reads docs/tutorial.md as a script, so that a test can follow it as a reader would. The
 * markup, which the tutorial's own comment at its top repeats:
 *
 * - a fenced block whose info string has `file=<path>` writes that file, whole; with `append`
 *   too, it adds its text to the end of the file; a `diff file=<path>` block changes the
 *   file: its lines ` ` (kept) and `-` (removed) must occur exactly once in the file, and are
 *   replaced by its lines ` ` and `+`;
 * - in a `sh` block, each line that starts with `$ ` is a command (a line ending in ` \`
 *   goes on at the next), and the lines up to the next command are its output. In an output
 *   line, `…` stands for any text (`✓ wrote …` matches a line that starts with `✓ wrote `);
 *   a line that is `…` alone stands for any number of lines. `sh exit=<n>` says each
 *   command of the block exits with n (0 otherwise). A `sh` block without `$ ` lines is not
 *   run.
 *
 * Every other block is prose: read by people, not run.
 */

/** One thing the reader does: write or change a file, or run a command and compare what it prints. */
export type Step =
  | { kind: "write"; line: number; path: string; text: string; append: boolean }
  | { kind: "diff"; line: number; path: string; before: string; after: string }
  | { kind: "command"; line: number; argv: string[]; expected: string[]; exit: number };

/** The steps of a tutorial, in order; `line` is each block's first line in the Markdown (1-based), for messages. */
export function readSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
    if (i === lines.length) throw new Error(`tutorial.md:${start}: this block is never closed`);
    const lang = open[1]!;
    const words = open[2]!.trim().split(/\s+/).filter(Boolean);
    const attribute = (name: string) => words.find((w) => w.startsWith(`${name}=`))?.slice(name.length + 1);
    const path = attribute("file");
    if (path !== undefined && lang === "diff") steps.push({ kind: "diff", line: start, path, ...readDiff(body, start) });
    else if (path !== undefined) steps.push({ kind: "write", line: start, path, text: body.join("\n") + "\n", append: words.includes("append") });
    else if (lang === "sh") steps.push(...readCommands(body, start, Number(attribute("exit") ?? "0")));
  }
  return steps;
}

function readDiff(body: string[], line: number): { before: string; after: string } {
  const before: string[] = [];
  const after: string[] = [];
  for (const [n, text] of body.entries()) {
    const mark = text[0] ?? " ";
    const rest = text.slice(1);
    if (mark === " " || mark === "-") before.push(rest);
    if (mark === " " || mark === "+") after.push(rest);
    if (!" -+".includes(mark)) throw new Error(`tutorial.md:${line + n + 1}: a diff line starts with " ", "-" or "+"`);
  }
  return { before: before.join("\n") + "\n", after: after.join("\n") + "\n" };
}

function readCommands(body: string[], line: number, exit: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < body.length; i++) {
    if (!body[i]!.startsWith("$ ")) {
      if (steps.length > 0) throw new Error(`tutorial.md:${line + i + 1}: output before any command`);
      return [];
    }
    const start = line + i + 1;
    let command = body[i]!.slice(2);
    while (command.endsWith(" \\") && i + 1 < body.length) command = command.slice(0, -2) + " " + body[++i]!.trim();
    const expected: string[] = [];
    while (i + 1 < body.length && !body[i + 1]!.startsWith("$ ")) expected.push(body[++i]!);
    steps.push({ kind: "command", line: start, argv: splitWords(command, start), expected, exit });
  }
  return steps;
}

/** A command line's words as a POSIX shell splits them, for the quoting the tutorial uses: '…', "…" (no escapes) and plain words. */
export function splitWords(command: string, line: number): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = command.indexOf(c, i + 1);
      if (end < 0) throw new Error(`tutorial.md:${line}: \`${command}\` has an unclosed quote`);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if ("|;&<>".includes(c)) {
      throw new Error(`tutorial.md:${line}: \`${command}\`: pipes, redirections and lists are not followed by the test`);
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Whether `actual` (a command's output) is what the tutorial shows. Trailing blank lines of
 * either do not count.
 */
export function outputMatches(expected: string[], actual: string): boolean {
  const got = trimEnd(actual.split("\n"));
  const want = trimEnd(expected);
  const lineMatches = (pattern: string, text: string) => new RegExp(`^${pattern.split("…").map(escapeRegExp).join(".*")}$`).test(text);
  const from = (w: number, g: number): boolean => {
    if (w === want.length) return g === got.length;
    if (want[w] === "…") {
      for (let k = g; k <= got.length; k++) if (from(w + 1, k)) return true;
      return false;
    }
    return g < got.length && lineMatches(want[w]!, got[g]!) && from(w + 1, g + 1);
  };
  return from(0, 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function trimEnd(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out[out.length - 1]!.trim() === "") out.pop();
  return out;
}
