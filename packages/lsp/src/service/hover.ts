/**
 * Hover: the type of a name and its doc comment, a declaration's signature, the expansion of
 * a duration or a schedule, the signature of a built-in function, algorithm, channel or
 * template helper.
 */
import { ALGORITHMS, BUILTIN_FUNCTIONS, CHANNELS, EXCLUSIONS, type ast as A, type ChannelSpec } from "@journey/compiler";
import { HELPERS, typeToString, type Expr, type TNode } from "@journey/template";
import { algorithmSignature, channelSummary, code, declarationSignature, describeDuration, describeSchedule, functionSignature, helperSignature, oneLine } from "./describe.js";
import { symbolAt, targetDefinition, walk, type Doc, type SymbolAt } from "./document.js";
import { experimentUses, type ExperimentSite } from "./experiments.js";
import { sameProfileSites, type TestProfileSite } from "./test-profiles.js";
import { templateAt } from "./template.js";
import { wordAt } from "./text.js";
import type { HoverResult, Span } from "./types.js";

const KIND_LABEL: Record<string, string> = {
  profile: "profile",
  alias: "alias",
  event: "event",
  let: "let",
  recommend: "recommendation",
  call: "action result",
  item: "catalog item",
  param: "parameter",
  context: "context",
  runtime: "provided by the runtime",
  field: "field",
};

const within = (s: Span, offset: number) => s.start <= offset && offset <= s.end;

export function hover(doc: Doc, offset: number): HoverResult | undefined {
  const region = doc.regionAt(offset);
  if (region?.kind === "comment") return undefined;
  if (region) {
    const inTemplate = templateHover(doc, offset);
    if (inTemplate) return inTemplate;
  }
  const sym = symbolAt(doc, offset);
  if (sym) return symbolHover(doc, sym);
  if (region) return undefined;
  return literalHover(doc, offset) ?? wordHover(doc, offset);
}

function symbolHover(doc: Doc, sym: SymbolAt): HoverResult | undefined {
  if (sym.site) return { span: sym.span, contents: experimentHover(doc, sym.site) };
  if (sym.profile) return { span: sym.span, contents: testProfileHover(doc, sym.profile) };
  const a = doc.analysis;
  const def = sym.definition ?? targetDefinition(a, sym.target);
  // A declaration (or a use of one): its signature and doc.
  if (def && def.kind !== "field" && def.kind !== "param" && def.kind !== "goal" && def.kind !== "variant" && (sym.kind === def.kind || sym.definition || isDeclRef(sym.kind))) {
    if (sym.kind === "event" && sym.name === "event" && sym.reference) {
      return { span: sym.span, contents: code(`(event) event: ${typeToString(sym.type ?? { kind: "unknown" })}`) + docOf(def.decl.doc) };
    }
    if (sym.kind === "profile" && sym.reference) {
      return { span: sym.span, contents: code(`profile: ${declarationSignature(def.decl, doc.project.text(sym.target!.path) ?? "", a.ctx?.profile).slice("profile ".length)}`) + docOf(def.decl.doc) };
    }
    const text = doc.project.text(sym.target?.path ?? doc.path) ?? "";
    const type = def.kind === "profile" ? a.ctx?.profile : a.ctx?.named.get(def.name);
    return { span: sym.span, contents: code(declarationSignature(def.decl, text, type)) + docOf(def.decl.doc) };
  }
  const type = sym.type;
  const label = KIND_LABEL[sym.kind] ?? sym.kind;
  let typeText = type ? typeToString(type) : def?.field ? doc.project.text(sym.target!.path)!.slice(def.field.type.span.start, def.field.type.span.end) : def?.param ? doc.project.text(sym.target!.path)!.slice(def.param.type.span.start, def.param.type.span.end) : "";
  // A use of an optional field where a null check holds is typed without `?`, as the checker
  // types it there (`if profile.firstName != null { … }`): said, with how it is declared.
  const narrowed = !sym.definition && !!def?.field?.optional && type !== undefined && type.kind !== "optional" && type.kind !== "unknown";
  if (def?.field?.optional && type && !typeText.endsWith("?") && !narrowed) typeText += "?";
  const where = def?.field && def.container ? ` (in ${def.container.split(".")[0]}${narrowed ? ` as \`${typeText}?\`; not null here` : ""})` : "";
  const head = `(${label}) ${sym.name}${typeText ? `: ${typeText}` : ""}`;
  const dflt = def?.field?.default ? `\n\nDefault: \`${doc.project.text(sym.target!.path)!.slice(def.field.default.span.start, def.field.default.span.end)}\`` : "";
  return { span: sym.span, contents: code(head) + (where ? `\n\nDeclared${where}` : "") + docOf(def?.field?.doc) + dflt };
}

/**
 * An experiment: its splits (where, with their arms' percentages) and how many test items
 * choose an arm. An arm: its percentage and what it does (its first step, or its content) in
 * each split that has it, and how many test items choose it.
 */
function experimentHover(doc: Doc, site: ExperimentSite): string {
  const uses = experimentUses(doc.analysis, site.experiment);
  const name = JSON.stringify(site.experiment);
  const where = (s: ExperimentSite) => {
    const d = s.decl as A.JourneyDecl | A.ExperienceDecl;
    return s.split?.variant ? `experience \`${d.name.name}\`, variant \`${s.split.variant.name.name}\`` : `${d.kind === "JourneyDecl" ? "journey" : "experience"} \`${d.name.name}\``;
  };
  const splits = uses.filter((s) => s.split && s.arm === undefined);
  const chosen = uses.filter((s) => !s.split && s.arm !== undefined && (site.arm === undefined || s.arm === site.arm));
  const times = (n: number) => (n === 1 ? "once" : `${n} times`);
  if (site.arm === undefined) {
    const lines = splits.map((s) => `- ${where(s)}: ${s.split!.split.arms.map((arm) => `${arm.label.name} ${arm.percent}%`).join(", ")}`);
    const counts = new Map<string, number>();
    for (const c of chosen) counts.set(c.arm!, (counts.get(c.arm!) ?? 0) + 1);
    const tests = chosen.length ? `Tests choose an arm ${times(chosen.length)}: ${[...counts].map(([arm, n]) => `\`${arm}\` ${n}`).join(", ")}.` : "No test chooses an arm.";
    return code(`(experiment) ${name}`) + "\n\n" + (lines.length ? `Split in:\n${lines.join("\n")}` : `No split is named ${name}.`) + `\n\n${tests}`;
  }
  const text = (path: string, span: A.Span) => oneLine(doc.project.text(path)!.slice(span.start, span.end));
  const lines: string[] = [];
  for (const s of splits) {
    const arm = s.split!.split.arms.find((x) => x.label.name === site.arm);
    if (!arm) continue;
    let does: string;
    if ("body" in arm) {
      const [first, ...rest] = arm.body.steps.filter((x) => x);
      does = first ? `\`${text(s.path, first.span)}\`${rest.length ? ` (then ${rest.length} more step${rest.length === 1 ? "" : "s"})` : ""}` : "no steps (the journey goes on after the split)";
    } else does = arm.content ? `\`${text(s.path, arm.content.span)}\`` : "no content";
    lines.push(`- ${arm.percent}% in ${where(s)}: ${does}`);
  }
  const tests = chosen.length ? `Tests choose it ${times(chosen.length)}.` : "No test chooses it.";
  return code(`(arm) ${site.arm} of ${name}`) + "\n\n" + (lines.length ? lines.join("\n") : `No split of ${name} has this arm.`) + `\n\n${tests}`;
}

/** A test's profile: its data as declared (on one line), and how many items of the test name it. */
function testProfileHover(doc: Doc, site: TestProfileSite): string {
  const sites = sameProfileSites(site, doc.text);
  const declared = site.test.items.find((i): i is Extract<A.TestItem, { kind: "TestProfile" }> => i?.kind === "TestProfile" && i.id.value === site.id);
  const uses = sites.filter((s) => !s.declares).length;
  const what = declared ? `\`${oneLine(doc.text.slice(declared.value.span.start, declared.value.span.end))}\`` : `This test declares no profile ${JSON.stringify(site.id)} (\`profile ${JSON.stringify(site.id)} { … }\`).`;
  return code(`(test profile) ${JSON.stringify(site.id)}`) + `\n\n${what}\n\n${uses ? `Named by ${uses} item${uses === 1 ? "" : "s"} of this test.` : "No item of this test names it."}`;
}

function isDeclRef(kind: string): boolean {
  return ["type", "event", "catalog", "audience", "action", "template", "journey", "fragment", "profile"].includes(kind);
}

function docOf(doc: string | undefined): string {
  return doc ? `\n\n---\n\n${doc}` : "";
}

/** Durations, schedules, built-in calls, algorithms, channels and exclusions. */
function literalHover(doc: Doc, offset: number): HoverResult | undefined {
  const d = doc.declarationAt(offset);
  if (!d) return undefined;
  let found: HoverResult | undefined;
  let best = Infinity;
  const take = (span: Span, contents: string) => {
    if (within(span, offset) && span.end - span.start < best) {
      best = span.end - span.start;
      found = { span, contents };
    }
  };
  walk(d, (n) => {
    if (!n.span || !within(n.span, offset + 0)) {
      if (n.kind !== "OnSchedule" && n.kind !== "Send") return;
    }
    switch (n.kind) {
      case "Duration":
        take(n.span!, describeDuration((n as unknown as A.DurationExpr).text));
        break;
      case "WaitUntil": {
        const time = (n as unknown as A.WaitUntilStep).time;
        if (time.kind === "TimeOfDay") take(time.span, `\`wait until ${time.text}\`: until the next ${time.text} after now in the profile's time zone (UTC without one); at ${time.text} exactly, the next day's.`);
        break;
      }
      case "OnSchedule": {
        const c = n as unknown as Extract<A.TriggerClause, { kind: "OnSchedule" }>;
        const head = { start: c.span.start, end: Math.max(c.span.start, c.audience.span.start - 1) };
        if (within(head, offset)) take(head, code(doc.text.slice(c.span.start, c.span.end)) + "\n\n" + describeSchedule(c));
        break;
      }
      case "Call": {
        const c = n as unknown as A.CallExpr;
        const f = BUILTIN_FUNCTIONS.get(c.callee.name);
        const algo = ALGORITHMS.get(c.callee.name);
        if (algo && (d.kind === "JourneyDecl" || d.kind === "ExperienceDecl") && isAlgorithmCall(d, c)) {
          const key = doc.analysis.ctx?.catalog?.key?.type;
          take(c.callee.span, code(algorithmSignature(algo, key ? typeToString(key) : undefined)) + `\n\nRecommendation algorithm: ${algo.doc}`);
        } else if (f) take(c.callee.span, code(functionSignature(f)) + `\n\n${f.doc}`);
        break;
      }
      case "Send": {
        const s = n as unknown as A.SendStep;
        const ch = CHANNELS.get(s.channel?.name ?? "");
        if (s.transactionalSpan && within(s.transactionalSpan, offset)) take(s.transactionalSpan, code(TRANSACTIONAL[0]) + `\n\n${TRANSACTIONAL[1]}`);
        if (ch && s.channel && within(s.channel.span, offset)) take(s.channel.span, code(`channel ${ch.name}`) + `\n\nContent fields:\n${channelSummary(ch)}`);
        for (const f of s.content ?? []) contentField(ch, f.name, take);
        break;
      }
      case "ExpectSend": {
        const e = n as unknown as A.SendExpectation;
        for (const c of e.conditions) contentField(CHANNELS.get(e.channel.name), c.field, take);
        break;
      }
      case "Name": {
        const e = n as unknown as A.NameExpr;
        if ((EXCLUSIONS as readonly string[]).includes(e.name)) take(e.span, code(e.name) + `\n\nExclude items the profile has ${e.name === "inCart" ? "in a cart" : e.name} from the recommendation.`);
        break;
      }
    }
  });
  if (!found && d.kind === "ChannelDecl" && within(d.name.span, offset)) {
    const ch = CHANNELS.get(d.name.name);
    if (ch) found = { span: d.name.span, contents: code(`channel ${ch.name}`) + `\n\nContent fields:\n${channelSummary(ch)}` };
  }
  if (!found && d.kind === "TemplateDecl" && d.channel && within(d.channel.span, offset)) {
    const ch = CHANNELS.get(d.channel.name);
    if (ch) found = { span: d.channel.span, contents: code(`channel ${ch.name}`) + `\n\nContent fields:\n${channelSummary(ch)}` };
  }
  if (!found && d.kind === "TemplateDecl") for (const f of [...d.fields, ...d.locales.flatMap((l) => l.fields)]) contentField(CHANNELS.get(d.channel?.name ?? ""), f.name, take);
  if (!found && d.kind === "TemplateDecl") {
    const l = d.locales.find((x) => within(x.keywordSpan, offset));
    if (l) found = { span: l.keywordSpan, contents: code(`locale ${doc.text.slice(l.tag.span.start, l.tag.span.end)}`) + "\n\nThis template's content for profiles of this locale (their `locale`: the same tag, or one that starts with it and a `-`): the fields given here replace the template's own; the others stay the template's." };
  }
  return found;
}

/** A content field's name (`subject` of an email, in a send, a template or a test's `expect send … where`): what it holds. */
function contentField(ch: ChannelSpec | undefined, name: A.Ident, take: (span: Span, contents: string) => void): void {
  const f = ch?.fields.find((x) => x.name === name.name);
  if (f) take(name.span, code(`(content) ${f.name}: ${f.escape === "record" ? "record" : "template"}`) + `\n\nA content field of \`${ch!.name}\`: ${f.doc}`);
}

function isAlgorithmCall(d: A.Declaration, c: A.CallExpr): boolean {
  const steps: unknown[] = [];
  walk(d, (n) => {
    if (n.kind === "Recommend") steps.push(n);
  });
  return steps.some((s) => (s as A.RecommendStep).algorithm === c || (s as A.RecommendStep).backup === c);
}

/** Keywords with something to say: `reentry` modes, journey keywords, channel settings, test items. */
function wordHover(doc: Doc, offset: number): HoverResult | undefined {
  const { word, span } = wordAt(doc.text, offset);
  const d = doc.declarationAt(offset);
  if (d?.kind === "JourneyDecl") {
    const r = d.clauses.find((c) => c.kind === "Reentry" && within(c.span, offset)) as A.ReentryClause | undefined;
    if (r && within(r.modeSpan, offset)) {
      const what = r.mode === "never" ? "a profile enters this journey at most once" : r.mode === "always" ? "a new trigger starts another instance as soon as the last one ended" : "a new trigger starts another instance once this long has passed since the last one ended";
      return { span, contents: code(`reentry ${word}`) + `\n\n${what[0]!.toUpperCase()}${what.slice(1)}.` };
    }
  }
  return keywordHover(doc, d, word, span);
}

/** What the keywords of journeys mean, in a line or two (docs/language.md has the whole of it). */
const KEYWORD_DOCS: Record<string, [form: string, meaning: string]> = {
  on: ["on <Event> [as x] [where …] | on enter <Audience> | on schedule every … for <Audience>", "What starts the journey for a profile: an event, entering an audience, or a schedule in the profile's time zone."],
  reentry: ["reentry never | always | after <duration>", "Whether a profile may start the journey again once an instance ended (by default, never)."],
  exit: ["exit on <Event> [where …]", "Ends the instance wherever it waits when the event comes (reason `exit`)."],
  goal: ["goal <name>: <Event> [where …] within <duration>", "A conversion: recorded, with the time it took, when the event comes within the window after entry."],
  wait: ["wait <duration> | wait until <datetime> | wait until <HH:MM> | wait for <Event> within <duration> { … } timeout { … }", "Pauses the instance: for a while, until an instant, until the next time of day in the profile's time zone (`wait until 09:00`), or until an event comes (its block) or the time is up (`timeout`). Timers are stored and survive restarts."],
  split: ["split [\"name\"] { A 50% { … } B 50% { … } }", "Sends each profile down one arm by percentage: the same arm every time (a hash of the profile and the split's name), across restarts and versions."],
  send: ["send [transactional] <channel> Template(args) | { fields } [to <address>]", "Renders the message and sends it on the channel; quiet hours delay it; a cap, a missing address or no consent (the channel's `consent`) suppresses it. A `transactional` message skips consent, cap and quiet hours."],
  recommend: ["recommend <name> = algorithm(…) [where …] [exclude …] limit <n> [backup algorithm(…)]", "Items from the catalog engine (or a provider) within a deadline; `backup` fills what is missing."],
  call: ["call Action(args) [as <name>] [on error { … }]", "Calls a declared action (HTTP, with its timeout and retries); `as` binds its typed response; `on error` runs when it fails."],
  let: ["let <name> = <value>", "Binds a name for the rest of the journey; the value is computed once, here."],
  set: ["set profile.<field> = <value>", "Changes the profile; audiences are looked at again, so an `on enter` journey may start."],
  repeat: ["repeat <count> [every <duration>] { … }", "Runs its block that many times, waiting between rounds with `every`."],
  jump: ["jump to <Journey>", "Ends this instance and starts the other journey for the profile."],
  end: ["end", "Ends the instance here (reason `end`)."],
  then: ["if <condition> then <value> else <value>", "A value that depends on a condition: only the chosen value is computed; `else if` chains."],
};

/** A channel's settings, hovered on the word that starts one. */
const CHANNEL_SETTING_DOCS: Record<string, [form: string, meaning: string]> = {
  from: ["from <string>", "The sender: an address for email, a sender id for SMS. `send transactional` messages use it too."],
  consent: ["consent <condition over profile>", "Whether the profile consents to this channel, read as each message is handed over (after quiet hours): a message without it is suppressed (`noConsent`), spends no cap, and the instance goes on."],
  cap: ["cap <n> per <duration>", "At most `n` messages of this channel per profile in any window of that length, across every journey of the project; one over it is suppressed (`cap`)."],
  quiet: ["quiet HH:MM to HH:MM", "Quiet hours in the profile's time zone (its `timezone`, else UTC), the start included, the end not; may span midnight. A send reached in them waits until they end, then goes."],
};

/** The items of a `test` block, hovered on the word that starts one. */
const TEST_ITEM_DOCS: Record<string, [form: string, meaning: string]> = {
  start: ["start <instant>", "When the test's virtual clock starts (default 2026-01-05T09:00:00Z); offsets count from it."],
  profile: ['profile "id" { … }', "A profile stored at the start, checked against `profile` (defaults apply)."],
  catalog: ["catalog Name [ { … }, … ]", "Catalog items, loaded at the start."],
  at: ['at <offset> "id" Event { … }', "An event for a profile of the test, at the start plus the offset."],
  split: ['split "<experiment>" <Arm> for "id"', "In this test the profile is in that arm of the experiment, wherever it is used, instead of the arm its id hashes to."],
  respond: [
    'respond <Action> [where <param> == <value> and …] <answer> | error "why"\nrespond provider "<name>" [for "id"] [<key>, …] | error "why"',
    "In this test, a call of the action whose arguments meet the conditions gets that answer (a value of its response type) or fails with that message. The first matching `respond` answers, before the project's `action-responses.json`. `respond provider` answers a recommendation provider with catalog keys (looked up in the test's catalog), for one profile or all.",
  ],
  expect: [
    "expect [at <offset>] [no] send | ended | goal | suppressed | profile | call | decide …",
    "What the test checks, over the whole run or at exactly that offset: a message sent (`where` on its content), an instance ended (with a reason), a goal recorded, a message suppressed, what the profile holds, an action called (`where` on its arguments), what an experience decides.",
  ],
};

/** The word of `send transactional` (not a keyword: a name elsewhere), hovered on the send it marks. */
const TRANSACTIONAL: [form: string, meaning: string] = [
  "send transactional <channel> …",
  "A message that must go out whatever the marketing rules (a receipt, a password reset): sent at once, past the channel's `consent`, `cap` and `quiet` hours, and not counted toward the cap. The channel's `from` applies; a missing recipient still suppresses it (`noRecipient`).",
];

/** A keyword of a journey (not a field or record key of the same name), a channel's setting or a test's item: its form and meaning. */
function keywordHover(doc: Doc, d: A.Declaration | undefined, word: string, span: Span): HoverResult | undefined {
  if (doc.text[span.start - 1] === "." || /^\s*:/.test(doc.text.slice(span.end))) return undefined;
  // A setting or an item is the first word of its line, inside its block (`profile` in `expect profile` is not one).
  const items = d?.kind === "ChannelDecl" ? CHANNEL_SETTING_DOCS : d?.kind === "TestDecl" ? TEST_ITEM_DOCS : undefined;
  if (items) {
    const first = /(?:^|\n)[ \t]*$/.test(doc.text.slice(Math.max(0, span.start - 200), span.start)) && span.start > d!.span.start;
    const entry = first && Object.hasOwn(items, word) ? items[word]! : undefined;
    return entry && { span, contents: code(entry[0]) + `\n\n${entry[1]}` };
  }
  if (d?.kind !== "JourneyDecl") return undefined;
  // `if`, `then` and `else` of a conditional value are the value's; `if` and `else` elsewhere are a step's.
  let conditional = false;
  walk(d, (n) => {
    const c = n as unknown as A.Expr;
    if (c.kind === "Conditional" && (c.span.start === span.start || within(c.thenSpan, span.start) || within(c.elseSpan, span.start))) conditional = true;
  });
  const key = word === "on" && d.clauses.some((c) => c.kind === "ExitOn" && within(c.span, span.start)) ? "exit" : word;
  const entry = conditional ? KEYWORD_DOCS["then"] : word === "if" || word === "else" ? (["if <condition> { … } else if … { … } else { … }", "Runs the first branch whose condition is true (`else` when none is)."] as const) : Object.hasOwn(KEYWORD_DOCS, key) ? KEYWORD_DOCS[key] : undefined;
  if (!entry || (word === "then" && !conditional)) return undefined;
  return { span, contents: code(entry[0]) + `\n\n${entry[1]}` };
}

// ── inside templates ───────────────────────────────────────────────────────────────────

function templateHover(doc: Doc, offset: number): HoverResult | undefined {
  const t = templateAt(doc, offset);
  if (!t) return undefined;
  const { scope, at } = t;
  const src = (s: { start: number; end: number }) => ({ start: scope.site.toSource(s.start), end: scope.site.toSource(s.end) });
  let found: HoverResult | undefined;
  const expr = (e: Expr) => {
    if (e.kind === "path" && e.head !== "name") {
      // `this` (of `this.name` too) and `@index`: what the checker types them as here.
      const part = { start: e.start, end: e.head === "this" && e.segments.length ? e.start + (e.text.startsWith("this") ? 4 : 1) : e.end };
      const type = scope.typesOf(e)[0];
      // Nothing where the checker has no type: `@index` outside a loop, `this` at the top (the content's names).
      if (type && type.kind !== "unknown" && part.start <= at && at <= part.end) {
        const name = e.head === "this" ? "this" : `@${e.segments[0]!.name}`;
        found = { span: src(part), contents: code(`(template) ${name}: ${typeToString(type)}`) + `\n\n${DATA_DOCS[name]}` };
      }
    }
    if (e.kind === "call") {
      if (e.nameSpan.start <= at && at <= e.nameSpan.end) {
        const h = HELPERS.get(e.name);
        if (h) found = { span: src(e.nameSpan), contents: code(helperSignature(h)) + `\n\nTemplate helper: ${h.doc}` };
      }
      e.args.forEach(expr);
    }
  };
  const nodes = (ns: readonly TNode[] | null) => {
    for (const n of ns ?? []) {
      if (n.kind === "mustache") expr(n.expr);
      else if (n.kind === "block") {
        if (n.helperSpan.start <= at && at <= n.helperSpan.end) found = { span: src(n.helperSpan), contents: code(`{{#${n.helper}}}`) + `\n\n${BLOCK_DOCS[n.helper]}` };
        n.args.forEach(expr);
        nodes(n.body);
        nodes(n.inverse);
      } else if (n.kind === "section") {
        expr(n.path);
        nodes(n.body);
        nodes(n.inverse);
      }
    }
  };
  nodes(scope.nodes);
  return found;
}

const DATA_DOCS: Record<string, string> = {
  this: "The current context: the element of the `{{#each}}` around it, the value of the `{{#with}}` or section; at the top, the content's names.",
  "@index": "The position of the element in the innermost loop (`{{#each}}`, a section over a list), from 0.",
  "@first": "Whether the element is the innermost loop's first.",
  "@last": "Whether the element is the innermost loop's last.",
};

const BLOCK_DOCS: Record<string, string> = {
  if: "Renders its body when the value is truthy (not false, null, 0, empty string or empty list), else the `{{else}}` part.",
  unless: "Renders its body when the value is falsy.",
  each: "Renders its body once per element of a list; `as |item index|` names the element and its index.",
  with: "Renders its body with the value as the context; `as |x|` names it.",
};
