/**
 * The files of a `--messages` folder: each message as its channel renders it, and an
 * `index.html` listing them in time order. Everything from a project or its data that goes
 * into a page is HTML-escaped: a subject is data (`{{cart.name}}`), and may hold `<script>`.
 */
import { formatOffset } from "@journey/runtime/sim";
import { escapeHtml } from "@journey/template";
import { count } from "../report.js";
import { headline, iso, suppressedText } from "../timeline.js";
import { OURS } from "./folder.js";
import type { Message } from "./message.js";
import { messageFileName, ordinal, testFolderName } from "./names.js";

/** The sender of each channel that declares one (`channel email { from "…" }`), shown on an email's page. */
export type Senders = Record<string, { from?: string }>;

/** A test's part of `journey test --messages`. */
export interface TestMessages {
  name: string;
  ok: boolean;
  /** `file:line` of the test. */
  where: string;
  /** Each unmet expectation, as the report prints it. */
  failures: string[];
  messages: Message[];
}

/** The folder of a run: `index.html` and one file per message sent, by path. */
export function runFiles(title: string, messages: Message[], senders: Senders): Map<string, string> {
  return messageFiles(title, "", messages, senders);
}

/** The folder of `journey test`: `index.html` listing the tests, and a folder per test as {@link runFiles} writes one. */
export function testFiles(title: string, tests: TestMessages[], senders: Senders): Map<string, string> {
  const files = new Map<string, string>();
  const rows = tests.map((t, i) => {
    const folder = testFolderName(t.name, i, tests.length);
    const intro = `<p><a href="../index.html">all tests</a></p>\n<p class="${t.ok ? "ok" : "failed"}">${t.ok ? "passed" : "failed"}</p>\n${failureList(t.failures)}`;
    for (const [path, text] of messageFiles(`test ${JSON.stringify(t.name)} (${t.where})`, intro, t.messages, senders)) files.set(`${folder}/${path}`, text);
    return `<tr><td>${ordinal(i, tests.length, 2)}</td><td>${link(`${folder}/index.html`, t.name)}</td><td class="${t.ok ? "ok" : "failed"}">${t.ok ? "passed" : "failed"}</td><td>${tally(t.messages)}</td><td>${escapeHtml(t.where)}</td></tr>`;
  });
  const failed = tests.filter((t) => !t.ok).length;
  const summary = `<p>${count(tests.length, "test")}: ${tests.length - failed} passed, ${failed} failed. Each test's messages are in its own page.</p>`;
  const table = tests.length ? `<table>\n<tr><th>#</th><th>test</th><th>result</th><th>messages</th><th>where</th></tr>\n${rows.join("\n")}\n</table>` : "<p>No test ran.</p>";
  files.set("index.html", page(title, `<h1>${escapeHtml(title)}</h1>\n${summary}\n${table}`));
  return files;
}

/** `index.html` of `messages` (with `intro` under its heading) and their files. */
function messageFiles(title: string, intro: string, messages: Message[], senders: Senders): Map<string, string> {
  const files = new Map<string, string>();
  const local = messages.some((m) => m.local !== undefined);
  const offset = messages.some((m) => m.offsetMs !== undefined);
  const rows = messages.map((m, i) => {
    let shown = escapeHtml(`suppressed (${suppressedText(m.suppressed ?? "")})`);
    if (m.content) {
      const [file, text] = messageFile(m, messageFileName(m, i, messages.length), senders);
      files.set(file, text);
      shown = link(file, headline(m.content, 100) || file);
    }
    const cells = [
      ordinal(i, messages.length, 4),
      iso(m.at),
      ...(local ? [m.local ?? ""] : []),
      ...(offset ? [m.offsetMs !== undefined ? `+${formatOffset(m.offsetMs)}` : ""] : []),
      m.profileId,
      m.journey ?? "",
      m.transactional ? `${m.channel} (transactional)` : m.channel,
      m.to ?? "",
    ];
    return `<tr${m.content ? "" : ` class="suppressed"`}>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}<td>${shown}</td></tr>`;
  });
  const head = ["#", "time (UTC)", ...(local ? ["local time"] : []), ...(offset ? ["since the start"] : []), "profile", "journey", "channel", "to", "message"];
  const table = messages.length ? `<table>\n<tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr>\n${rows.join("\n")}\n</table>` : "<p>No message was sent or suppressed.</p>";
  const suppressed = messages.filter((m) => !m.content).length;
  const summary = `<p>${count(messages.length - suppressed, "message")} sent, ${suppressed} suppressed (listed, not rendered: a message is rendered as it is sent).</p>`;
  files.set("index.html", page(title, `<h1>${escapeHtml(title)}</h1>\n${intro}${summary}\n${table}`));
  return files;
}

/**
 * A message's file, named `name` and an extension, and its text: an email as a page showing
 * what an inbox shows (sender, recipient, subject), its HTML as the mail client renders it
 * (in a sandboxed frame: the email's styles stay its own, and no script runs) and its text
 * part; an SMS as its text; anything else (push, webhook) as its content in JSON.
 */
function messageFile(m: Message, name: string, senders: Senders): [string, string] {
  const content = m.content!;
  if (m.channel === "sms" && typeof content["text"] === "string") return [`${name}.txt`, content["text"]];
  if (m.channel !== "email") return [`${name}.json`, JSON.stringify(content, null, 2) + "\n"];
  const text = (field: string) => (typeof content[field] === "string" ? (content[field] as string) : undefined);
  const subject = text("subject") ?? "";
  const from = senders[m.channel]?.from;
  const fields: [string, string | undefined][] = [
    ["From", from],
    ["To", m.to ?? undefined],
    ["Subject", subject],
    ["Sent", [iso(m.at), m.local, m.offsetMs !== undefined ? `+${formatOffset(m.offsetMs)} since the test's start` : undefined].filter((t) => t !== undefined).join(" · ")],
    ["Journey", `${m.journey ?? ""}${m.transactional ? " (transactional)" : ""}`],
    ["Profile", m.profileId],
    ["Template", m.template],
  ];
  const rows = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v!)}</td></tr>`);
  const html = text("html");
  const plain = text("text");
  const body = [
    `<p><a href="index.html">all messages</a></p>`,
    `<h1>${escapeHtml(subject || "(no subject)")}</h1>`,
    `<table class="headers">\n${rows.join("\n")}\n</table>`,
    `<h2>HTML</h2>`,
    html !== undefined ? `<iframe class="email" sandbox="allow-popups allow-popups-to-escape-sandbox" title="the email's HTML" srcdoc="${escapeHtml(html)}"></iframe>` : `<p>No HTML part: mail clients show the text part.</p>`,
    `<h2>Text</h2>`,
    plain !== undefined ? `<pre>${escapeHtml(plain)}</pre>` : `<p>No text part: a mail client that shows only text shows nothing but the subject.</p>`,
  ];
  return [`${name}.html`, page(subject || name, body.join("\n"))];
}

function failureList(failures: string[]): string {
  return failures.length ? `<ul class="failures">\n${failures.map((f) => `<li>${escapeHtml(f)}</li>`).join("\n")}\n</ul>\n` : "";
}

function tally(messages: Message[]): string {
  const suppressed = messages.filter((m) => !m.content).length;
  return `${messages.length - suppressed} sent${suppressed ? `, ${suppressed} suppressed` : ""}`;
}

/** A link to a file of the folder (its name is safe, see names.ts; encoded all the same). */
function link(path: string, text: string): string {
  return `<a href="${escapeHtml(path.split("/").map(encodeURIComponent).join("/"))}">${escapeHtml(text)}</a>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }
table { border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid #ddd; }
tr.suppressed td { color: #777; }
.ok { color: #1a7f37; } .failed, .failures { color: #cf222e; }
table.headers th { color: #555; font-weight: normal; }
iframe.email { width: 100%; height: 70vh; border: 1px solid #ccc; resize: both; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .8rem; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${OURS}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
