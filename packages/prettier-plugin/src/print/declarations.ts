/** Declarations: the top level of a file. */
import type { Doc } from "prettier";
import type { ast } from "@journey/compiler";
import { printExpr, printRecord } from "./expressions.js";
import { printExperience } from "./experiences.js";
import type { JourneyPrinter } from "./printer.js";
import { printClause, printContentBlock, printContentField, printStep } from "./steps.js";
import { printString } from "./strings.js";
import { printTest } from "./tests.js";
import { printField, printFieldBlock, printParams, printType } from "./types.js";
import type { Item } from "./base.js";

export function printDeclaration(p: JourneyPrinter, d: ast.Declaration): Doc {
  switch (d.kind) {
    case "Profile":
      return ["profile ", printFieldBlock(p, d.fields, p.find(d.keywordSpan.end, "{"), d.span.end - 1)];
    case "TypeDecl":
      if (d.type.kind === "RecordType") return ["type ", p.id(d.name), " ", printType(p, d.type)];
      return ["type ", p.id(d.name), p.equals(d.name.span.end), printType(p, d.type)];
    case "EventDecl":
      return ["event ", p.id(d.name), " ", printFieldBlock(p, d.fields, p.find(d.name.span.end, "{"), d.span.end - 1)];
    case "CatalogDecl":
      return printCatalog(p, d);
    case "AudienceDecl":
      return ["audience ", p.id(d.name), p.equals(d.name.span.end), printExpr(p, d.condition)];
    case "ActionDecl":
      return printAction(p, d);
    case "FragmentDecl":
      return ["fragment ", p.id(d.name), " ", printExpr(p, d.body)];
    case "TemplateDecl": {
      // Fields and `locale` blocks as they come in the source.
      const items = [
        ...d.fields.map((f) => p.item(f.span, () => printContentField(p, f))),
        ...d.locales.map((l) => p.item(l.span, () => [p.kw("locale", l.tag.span.start), " ", printExpr(p, l.tag), " ", printContentBlock(p, l.fields, p.find(l.tag.span.end, "{"))])),
      ].sort((a, b) => a.start - b.start);
      return [
        "template ",
        p.id(d.name),
        printParams(p, d.params, d.name.span.end),
        " ",
        p.kw("for", d.channel.span.start),
        " ",
        p.id(d.channel),
        " ",
        p.hardBraces(p.find(d.channel.span.end, "{"), d.span.end - 1, items),
      ];
    }
    case "ChannelDecl":
      return printChannel(p, d);
    case "JourneyDecl": {
      const items: Item[] = [
        ...d.clauses.map((c) => p.item(c.span, () => printClause(p, c))),
        ...d.body.steps.map((s) => p.item(s.span, () => printStep(p, s))),
      ];
      return ["journey ", p.id(d.name), " ", p.hardBraces(d.body.span.start, d.body.span.end - 1, items)];
    }
    case "ExperienceDecl":
      return printExperience(p, d);
    case "TestDecl":
      return printTest(p, d);
  }
}

function printCatalog(p: JourneyPrinter, d: ast.CatalogDecl): Doc {
  const items: Item[] = d.fields.map((f) => p.item(f.span, () => printField(p, f)));
  if (d.signals.length) {
    const first = d.signals[0]!;
    const open = p.prevSignificantEnd(first.span.start) - 1;
    const close = p.matching(open);
    const start = p.keywordBefore(open);
    items.push({
      start,
      end: close + 1,
      print: () => [
        "signals ",
        p.hardBraces(
          open,
          close,
          d.signals.map((s) =>
            p.item(s.span, () => [
              p.id(s.signal),
              " ",
              p.id(s.event),
              s.path.map((x, i) => [p.punctuation((s.path[i - 1] ?? s.event).span.end, "."), p.id(x)]),
            ]),
          ),
        ),
      ],
    });
  }
  return ["catalog ", p.id(d.name), " ", p.hardBraces(p.find(d.name.span.end, "{"), d.span.end - 1, items)];
}

function printAction(p: JourneyPrinter, d: ast.ActionDecl): Doc {
  const items: Item[] = [];
  const at = (e: { span: ast.Span }) => p.keywordBefore(e.span.start);
  if (d.method && d.url) {
    const [m, u] = [d.method, d.url];
    items.push({ start: m.span.start, end: u.span.end, print: () => [p.id(m), " ", printString(p, u)] });
  }
  if (d.headers) {
    const h = d.headers;
    items.push({ start: at(h), end: h.span.end, print: () => [p.kw("headers", h.span.start), " ", printRecord(p, h)] });
  }
  for (const [word, e] of [
    ["body", d.body],
    ["timeout", d.timeout],
    ["retries", d.retries],
  ] as const) {
    if (e) items.push({ start: at(e), end: e.span.end, print: () => [p.kw(word, e.span.start), " ", printExpr(p, e)] });
  }
  // The body's `{` is the first one after the parameters and the return type.
  const afterParams = p.matching(p.find(d.name.span.end, "("));
  const open = d.returns ? p.find(d.returns.span.end, "{") : p.find(afterParams + 1, "{");
  return [
    "action ",
    p.id(d.name),
    printParams(p, d.params, d.name.span.end, () => (d.returns ? [p.punctuation(afterParams + 1, "-", " -> "), printType(p, d.returns)] : "")),
    " ",
    p.hardBraces(open, d.span.end - 1, items),
  ];
}

function printChannel(p: JourneyPrinter, d: ast.ChannelDecl): Doc {
  const items: Item[] = [];
  if (d.from) {
    const f = d.from;
    items.push({ start: p.keywordBefore(f.span.start), end: f.span.end, print: () => [p.kw("from", f.span.start), " ", printExpr(p, f)] });
  }
  if (d.cap) {
    const c = d.cap;
    items.push(p.item(c.span, () => ["cap ", printExpr(p, c.count), " ", p.kw("per", c.per.span.start), " ", printExpr(p, c.per)]));
  }
  if (d.quiet) {
    const q = d.quiet;
    items.push(p.item(q.span, () => ["quiet ", printExpr(p, q.from), " ", p.kw("to", q.to.span.start), " ", printExpr(p, q.to)]));
  }
  if (d.consent) {
    const e = d.consent;
    items.push({ start: p.keywordBefore(e.span.start), end: e.span.end, print: () => [p.kw("consent", e.span.start), " ", printExpr(p, e)] });
  }
  // Settings the language does not know (`sender "…"`, an error the checker reports): the AST
  // keeps their names only, so they are printed as written, up to the next setting.
  const open = p.find(d.name.span.end, "{");
  const close = d.span.end - 1;
  const starts = items.map((i) => i.start);
  for (const u of d.unknown ?? []) starts.push(u.span.start);
  starts.sort((a, b) => a - b);
  for (const u of d.unknown ?? []) {
    const next = starts.find((s) => s > u.span.start) ?? close;
    const end = p.prevSignificantEnd(next);
    items.push({ start: u.span.start, end, print: () => p.verbatimRange(u.span.start, end) });
  }
  return ["channel ", p.id(d.name), " ", p.hardBraces(open, close, items)];
}

