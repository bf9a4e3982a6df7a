/**
 * Completion that knows its context. The context comes from the text before the cursor
 * (the tokens of the statement, the blocks around it) because the text being typed rarely
 * parses; the names and types come from the last analysis (the declarations, the checker's
 * types for `let`s, aliases and parameters).
 */
import { ALGORITHMS, BUILTIN_FUNCTIONS, CHANNELS, exampleValue, EXCLUSIONS, FORMATS, HTTP_METHODS, narrowPath, PRIMITIVES, REENTRY_MODES, SUPPRESSED_REASONS, type ast as A, type Narrowing } from "@journey/compiler";
import { BLOCK_HELPERS, HELPER_SIGNATURES, nonNull, T, typeToString, type Type } from "@journey/template";
import { algorithmSignature, declarationSignature, functionSignature, helperSignature, paramsText } from "./describe.js";
import { symbolAt, type Doc } from "./document.js";
import { comparedType, conditionRoot, literalValues } from "./expected.js";
import { placeholderReference } from "./placeholder.js";
import { actionTypes, inConsent, namesAt, pathBefore, recordOf, walkPath, type ScopeName } from "./scope.js";
import { isTemplateString, pathTypes, resolveHead, templateAt, type Frame } from "./template.js";
import { blockEnd, lastTokens, openBlocks, statementWords, wordBefore, type OpenBlock } from "./text.js";
import type { CompletionItem, CompletionKind, Span } from "./types.js";

type BlockKind =
  | "top"
  | "journey"
  | "steps"
  | "split"
  | "experience"
  | "variant"
  | "variantSplit"
  | "variantArm"
  | "test"
  | "fields"
  | "catalog"
  | "signals"
  | "channel"
  | "action"
  | "content"
  | "record"
  | "unknown";

interface BlockContext {
  kind: BlockKind;
  channel?: string;
  /** Content: `template` in a template's own body (where `locale` blocks go), `locale` in one of them. */
  content?: "template" | "locale";
}

export function classifyBlocks(blocks: OpenBlock[]): BlockContext {
  if (blocks.length === 0) return { kind: "top" };
  const h = blocks[blocks.length - 1]!.header;
  const parent = () => classifyBlocks(blocks.slice(0, -1));
  if (/^journey\b/.test(h)) return { kind: "journey" };
  if (/^experience\b/.test(h)) return { kind: "experience" };
  if (/^test\b/.test(h)) return { kind: "test" };
  // A test's `expect decide … context { … }` is data, an experience's `context { … }` declares fields.
  if (/(^|\s)context$/.test(h) && parent().kind === "test") return { kind: "record" };
  if (/^(profile|context)$/.test(h) || /^(type|event)\s+\w+$/.test(h)) return { kind: "fields" };
  if (/^catalog\s+\w+$/.test(h)) return { kind: "catalog" };
  if (/^signals$/.test(h)) return { kind: "signals" };
  if (/^channel\b/.test(h)) return { kind: "channel" };
  let m = /^template\b.*\bfor\s+(\w+)$/.exec(h);
  if (m) return { kind: "content", channel: m[1], content: "template" };
  // `locale "sv" {` in a template (the string's text is blanked in the header).
  if (/^locale\s+"x*"$/.test(h)) {
    const outer = parent();
    if (outer.content === "template") return { kind: "content", channel: outer.channel, content: "locale" };
  }
  m = /\bsend\s+(?:transactional\s+)?(\w+)$/.exec(h);
  if (m) return { kind: "content", channel: m[1] };
  if (/^variant\b/.test(h)) return { kind: "variant" };
  if (/^split\b/.test(h)) return { kind: parent().kind === "variant" ? "variantSplit" : "split" };
  if (/^\w+\s+\d+(\.\d+)?%$/.test(h)) return { kind: parent().kind === "variantSplit" ? "variantArm" : "steps" };
  if (/^action\b/.test(h)) return { kind: /->$/.test(h) ? "fields" : "action" };
  if (/^headers$/.test(h) || /^(profile|at)\b.*"$/.test(h) || /^at\b/.test(h)) return { kind: "record" };
  if (/^(if|else|timeout|repeat|wait)\b/.test(h) || /\b(else|timeout)$/.test(h) || /\bon error$/.test(h)) return { kind: "steps" };
  if (/:$/.test(h)) return { kind: parent().kind === "fields" || parent().kind === "catalog" || parent().kind === "action" ? "fields" : "record" };
  if (/[=(,[]$/.test(h) || /\b(to|where|when|and|or|not|in)$/.test(h)) return { kind: "record" };
  return { kind: "unknown" };
}

const STEP_KEYWORDS: [string, string?][] = [
  ["wait", "wait ${1:4h}"],
  ["wait for", "wait for ${1:Event} within ${2:24h} {\n\t$0\n}"],
  ["wait until", "wait until ${1:time}"],
  ["if", "if ${1:condition} {\n\t$0\n}"],
  ["split", "split {\n\t${1:A} 50% { $2 }\n\t${3:B} 50% { $4 }\n}"],
  ["send", "send ${1:email} "],
  ["recommend", "recommend ${1:recs} = ${2:popular}($3) limit ${4:4}"],
  ["call", "call ${1:Action}($2)"],
  ["let", "let ${1:name} = $0"],
  ["set", "set profile.${1:field} = $0"],
  ["repeat", "repeat ${1:3} every ${2:1d} {\n\t$0\n}"],
  ["jump to", "jump to ${1:Journey}"],
  ["end"],
];
const JOURNEY_CLAUSES: [string, string?][] = [
  ["on", "on ${1:Event}"],
  ["reentry", "reentry ${1|never,always,after|}"],
  ["exit on", "exit on ${1:Event}"],
  ["goal", "goal ${1:name}: ${2:Event} within ${3:7d}"],
];
const DECLARATIONS: [string, string?][] = [
  ["profile", "profile {\n\t${1:email}: ${2:string}\n}"],
  ["type", "type ${1:Name} {\n\t$0\n}"],
  ["event", "event ${1:Name} {\n\t$0\n}"],
  ["catalog", "catalog ${1:Product} {\n\tkey ${2:sku}: string\n\t$0\n}"],
  ["audience", "audience ${1:Name} = $0"],
  ["action", 'action ${1:Name}(${2}) -> ${3:{ ok: bool \\}} {\n\tget "${4:https://}"\n}'],
  ["fragment", 'fragment ${1:Name} """\n\t$0\n"""'],
  ["template", "template ${1:Name}(${2}) for ${3:email} {\n\t$0\n}"],
  ["channel", "channel ${1:email} {\n\t$0\n}"],
  ["journey", "journey ${1:Name} {\n\ton ${2:Event}\n\t$0\n}"],
  ["experience", 'experience ${1:Name} {\n\tsurface "${2:web://example.com/#hero}"\n\tformat ${3|html,json,text|}\n\t$0\n}'],
  ["test", 'test "${1:name}" {\n\t$0\n}'],
];
const EXPERIENCE_ITEMS: [string, string?][] = [
  ["surface", 'surface "${1:web://example.com/#slot}"'],
  ["format", "format ${1|html,json,text|}"],
  ["priority", "priority ${1:1}"],
  ["timeout", "timeout ${1:200ms}"],
  ["active", "active from ${1:2026-01-01} to ${2:2026-12-31}"],
  ["context", "context {\n\t$0\n}"],
  ["recommend", "recommend ${1:recs} = ${2:popular}($3) limit ${4:4}"],
  ["let", "let ${1:name} = $0"],
  ["call", "call ${1:Action}($2) as ${3:result}"],
  ["variant", "variant ${1:Name} {\n\tcontent $0\n}"],
];
/** How an expectation's `where` condition compares. */
const WHERE_OPERATORS = ["contains", "not contains", "==", "!="] as const;
/** A test's item about an action's calls (`respond Weather …`, `expect [at …] [no] call Weather …`): what it is, the action's name. */
const CALL_ITEM = /^(respond|expect (?:at \S+ )?(no )?call) (\w+)\b/;

const TEST_ITEMS: [string, string?][] = [
  ["start", "start ${1:2026-01-01T09:00:00Z}"],
  ["profile", 'profile "${1:p1}" { $0 }'],
  ["catalog", "catalog ${1:Product} [$0]"],
  ["at", 'at ${1:0m} "${2:p1}" ${3:Event} { $0 }'],
  ["split", 'split "${1:experiment}" ${2:Arm} for "${3:p1}"'],
  ["respond", "respond ${1:Action} $0"],
  ["expect", "expect "],
];
const KEYWORDS_BY_BLOCK: Partial<Record<BlockKind, [string, string?][]>> = {
  top: DECLARATIONS,
  journey: [...JOURNEY_CLAUSES, ...STEP_KEYWORDS],
  steps: STEP_KEYWORDS,
  experience: EXPERIENCE_ITEMS,
  variant: [["content", "content $0"], ["split", "split {\n\t${1:A} 50% { content $2 }\n\t${3:B} 50% { content $4 }\n}"]],
  variantArm: [["content", "content $0"]],
  test: TEST_ITEMS,
  catalog: [["key", "key ${1:sku}: ${2:string}"], ["signals", "signals {\n\t$0\n}"]],
  signals: [["view"], ["cart"], ["purchase"]],
  channel: [["from", 'from "${1:Name <hello@example.com>}"'], ["cap", "cap ${1:3} per ${2:7d}"], ["quiet", "quiet ${1:21:00} to ${2:08:00}"], ["consent", "consent profile.$0"]],
  action: [...HTTP_METHODS.map((m): [string, string] => [m, `${m} "\${1:https://}"`]), ["headers", "headers { $0 }"], ["body"], ["timeout", "timeout ${1:2s}"], ["retries", "retries ${1:2}"]],
};

const EXPR_WORDS = new Set(["if", "then", "else", "where", "and", "or", "not", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "??", "(", ",", "[", "=", "to", "limit", "within", "until", "when", "in", "wait", "repeat", "every", "after", "timeout", "priority", "exclude", "from"]);

export function completion(doc: Doc, offset: number): CompletionItem[] {
  const region = doc.regionAt(offset);
  if (region) {
    if (region.kind === "comment") return [];
    if (!isTemplateString(doc, region.start)) return region.kind === "string" ? stringCompletion(doc, region.start, offset) : [];
    return templateCompletion(doc, offset);
  }
  const text = doc.text;
  const code = doc.code;
  const { span } = wordBefore(text, offset);
  const at = span.start;
  const items = new Items(span);

  // `profile.`, `cart.items[0].`, `Event.path` in a signal.
  if (code[at - 1] === ".") {
    const parts = pathBefore(code, at - 1);
    // `expect profile "p1" where voucher.`, `respond Weather where customer.`: a path of the profile's fields (without `profile.`), of the call's arguments.
    const condition = parts && conditionRoot(doc, statementWords(code, at, openBlocks(code, at)));
    if (condition) return items.fields(walkPath(condition.type, parts!)).list;
    if (parts && "name" in parts[0]!) {
      const rootName = parts[0].name;
      const root = namesAt(doc, offset).find((n) => n.name === rootName);
      const t = root ? root.type : doc.analysis.ctx?.named.get(rootName);
      // A plain path (`profile.address.`) is typed as the checker typed its root there, with
      // the null checks around it: its fields are offered as hover shows them.
      const path = parts.every((x) => "name" in x) ? parts.map((x) => (x as { name: string }).name).join(".") : undefined;
      const rootSpan = path !== undefined ? { start: at - 1 - path.length, end: at - 1 - path.length + rootName.length } : undefined;
      // Nothing typed after the dot: the declaration does not parse, so it was not checked; with a
      // name at the cursor it may, and the checker says what the null checks prove there.
      const narrowing = rootSpan && (narrowingOf(doc, rootSpan) ?? (at === offset ? placeholderReference(doc, offset, rootSpan)?.narrowing : undefined));
      if (t) items.fields(walkPath(t, parts.slice(1)), path, narrowing);
    }
    return items.list;
  }

  const toks = lastTokens(code, at, 10);
  const newline = toks[toks.length - 1] === "\n";
  const r = toks.filter((t) => t !== "\n");
  const p1 = r[r.length - 1] ?? "";
  const p2 = r[r.length - 2] ?? "";
  const p3 = r[r.length - 3] ?? "";
  const blocks = openBlocks(code, at);
  const block = classifyBlocks(blocks);
  const stmt = statementWords(code, at, blocks);
  const s = doc.analysis.symbols;
  const call = enclosingCall(code, at, blocks);

  // Inside the parentheses of an algorithm call: named parameters and their values.
  if (call && ALGORITHMS.has(call.name) && /^(recommend\b|backup\b)|\bbackup\b/.test(call.statement)) {
    const algo = ALGORITHMS.get(call.name)!;
    if (p1 === ":" && p2 === "by") return items.values(["views", "purchases"], "value").list;
    if (p1 === "(" || p1 === ",") {
      for (const p of algo.named) items.add({ label: `${p.name}:`, kind: "parameter", detail: p.type, insertText: `${p.name}: `, sortText: "0" });
      if (algo.params.length) items.expression(doc, offset);
      return items.list;
    }
    return items.expression(doc, offset).list;
  }

  // Types: field declarations, parameters, `->`, `list<…>`.
  const inParams = call !== undefined && /^(action|template)\b/.test(call.statement) && call.depth === 1;
  if ((p1 === ":" && (block.kind === "fields" || block.kind === "catalog" || inParams)) || p1 === "->" || (p1 === "<" && p2 === "list") || (p1 === "|" && block.kind === "fields")) {
    return items.types(doc).list;
  }

  if (p1 === "on" && p2 === "exit") return items.decls(s?.events, "event", doc).list;
  // `every month on <day>`: a number is written there, and the trigger's words would mislead.
  if (p1 === "on" && p2 === "month" && /\bschedule\b/.test(stmt)) return items.list;
  if (p1 === "on" && block.kind === "journey") {
    items.decls(s?.events, "event", doc);
    items.keyword("enter", "enter ${1:Audience}");
    items.keyword("schedule", "schedule every ${1|day,week,month|} at ${2:10:00} for ${3:Audience}");
    return items.list;
  }
  if (p1 === "enter" && p2 === "on") return items.decls(s?.audiences, "audience", doc).list;
  if (p1 === "every" && p2 === "schedule") return items.values(["day", "week", "month"], "keyword").list;
  if (p1 === "for" && /\bschedule\b/.test(stmt)) return items.decls(s?.audiences, "audience", doc).list;
  if (p1 === "for" && p2 === "wait") return items.decls(s?.events, "event", doc).list;
  if (p1 === "wait" && block.kind !== "top") {
    items.keyword("for", "for ${1:Event} within ${2:24h} {\n\t$0\n}");
    items.keyword("until", "until ${1:time}");
    return items.expression(doc, offset).list;
  }
  if (p1 === ":" && p3 === "goal") return items.decls(s?.events, "event", doc).list;
  if (p1 === "reentry") return items.values([...REENTRY_MODES], "keyword").list;
  if (p1 === "format" && block.kind === "experience") return items.values([...FORMATS], "value").list;
  if (p1 === "for" && /^template\b/.test(stmt)) return items.channels().list;
  if (p1 === "channel" && block.kind === "top") return items.channels().list;
  if (p1 === "send" && (p2 === "expect" || p2 === "no")) return items.channels().list;
  if (p1 === "send" && block.kind !== "test") {
    items.add({ label: "transactional", kind: "keyword", detail: "sent at once, past the channel's consent, cap and quiet hours", sortText: "5" });
    return items.channels().list;
  }
  if (p1 === "transactional" && p2 === "send" && block.kind !== "test") return items.channels().list;
  if ((p2 === "send" || (p2 === "transactional" && p3 === "send")) && CHANNELS.has(p1) && block.kind !== "test") {
    items.templates(doc, p1);
    items.add({ label: "{", kind: "snippet", detail: `inline ${p1} content`, insertText: `{\n\t${CHANNELS.get(p1)!.fields[0]!.name} "$1"\n}`, snippet: true, sortText: "9" });
    return items.list;
  }
  // A call step takes arguments; a test's `expect call` names the action only.
  if (p1 === "call") return items.decls(s?.actions, "action", doc, block.kind === "test" ? undefined : (d) => `${d.name.name}(${d.params.map((p, i) => `\${${i + 1}:${p.name.name}}`).join(", ")})`).list;
  if (p1 === "to" && p2 === "jump") return items.decls(s?.journeys, "journey", doc).list;
  if (p1 === "jump") return items.values(["to"], "keyword").list;
  if ((p1 === "=" && p3 === "recommend") || p1 === "backup") return items.algorithms(doc).list;
  if (p1 === "exclude" || (p1 === "," && /\bexclude\b[^=]*$/.test(stmt) && /^recommend\b/.test(stmt))) {
    items.values([...EXCLUSIONS], "value", "exclude items of this kind");
    return items.expression(doc, offset).list;
  }
  if (p1 === "set") return items.values(["profile"], "variable").list;

  // Test data: the fields of the event, profile or catalog item being written, not yet written.
  if ((block.kind === "record" || block.kind === "unknown") && (p1 === "{" || p1 === "," || newline) && p1 !== ":") {
    const data = testData(doc, code, at, blocks);
    if (data) {
      for (const f of data.record.fields) {
        if (!data.written.has(f.name)) items.add({ label: f.name, kind: "field", detail: `${f.name}${f.optional ? "?" : ""}: ${typeToString(f.type)}`, documentation: f.doc, insertText: `${f.name}: ` });
      }
      return items.list;
    }
  }

  // Test data is literal: after `key:`, the values of the field's type that are written as they are.
  const inTest = blocks.some((b) => /^test\b/.test(b.header));
  if (inTest && p1 === ":" && block.kind !== "test") {
    const field = testDataField(doc, code, at, blocks, p2);
    return field ? items.literals(field).list : items.list;
  }

  // Tests.
  if (block.kind === "test") {
    if (p1 === "expect" || (p2 === "at" && p3 === "expect")) {
      for (const [w, snip] of [["send", "send ${1:email}"], ["no send", "no send ${1:email}"], ["ended", "ended"], ["goal", "goal ${1:name}"], ["suppressed", "suppressed ${1:sms}"], ["profile", 'profile "${1:p1}" where '], ["call", "call ${1:Action}"], ["decide", 'decide "${1:surface}" for "${2:p1}"'], ["at", "at ${1:4h} "]] as const) items.keyword(w, snip);
      return items.list;
    }
    // `expect profile "p1" where a.b == v and …`: the test's profiles, `where`, the profile's fields, how to compare, `and`.
    if (p1 === "profile" && /^expect (?:at \S+ )?(?:no )?profile$/.test(stmt)) {
      for (const id of testProfiles(doc, blocks[blocks.length - 1]!.open)) items.add({ label: JSON.stringify(id), kind: "value", detail: "a profile of this test" });
      return items.list;
    }
    if (p1 === '"' && p2 === "profile" && /^expect\b/.test(stmt)) return items.values(["where"], "keyword").list;
    // `respond Weather …`, `expect call Weather …`: the project's actions; then `where`, and what may end the item.
    if (p1 === "respond" && stmt === "respond") return items.decls(s?.actions, "action", doc).keyword("provider", 'provider "${1:name}" ').list;
    const callItem = CALL_ITEM.exec(stmt);
    if (callItem && stmt === callItem[0]) return callItemEnd(doc, items.values(["where"], "keyword"), callItem).list;
    // Conditions on a path (of the profile, of the call's arguments): its first names, how to compare, `and`.
    const condition = conditionRoot(doc, stmt);
    if (condition) {
      if (p1 === "where" || p1 === "and") return items.fields(condition.type, undefined, undefined, condition.of === "arguments" ? "parameter" : "field").list;
      if (/ (?:where|and) [\w.]+$/.test(stmt)) return items.values([...WHERE_OPERATORS], "keyword").list;
      if (p1 === "==" || p1 === "!=") return items.literals(comparedType(doc, code, at)).list;
      if (p1 === "not") return items.values(["contains"], "keyword").list;
      if (/ (?:==|!=|contains) \S+$/.test(stmt)) {
        items.values(["and"], "keyword");
        return (callItem ? callItemEnd(doc, items, callItem) : items).list;
      }
    }
    if (p1 === "ended") {
      items.decls(s?.journeys, "journey", doc);
      return items.values(["reason"], "keyword").list;
    }
    if (p2 === "ended" && s?.journeys.has(p1)) return items.values(["reason"], "keyword").list;
    // `expect no …`: what can be expected not to happen (`expect no profile` says nothing, J6001).
    if (p1 === "no" && /^expect(?: at \S+)? no$/.test(stmt)) {
      for (const [w, snip] of [["send", "send ${1:email}"], ["ended", "ended"], ["goal", "goal ${1:name}"], ["suppressed", "suppressed ${1:sms}"], ["call", "call ${1:Action}"]] as const) items.keyword(w, snip);
      return items.list;
    }
    // `expect send email …`: its recipient (a channel that has one) and its conditions.
    const sendHead = /^expect (?:at \S+ )?(?:no )?send (\w+)( to "[^"]*")?$/.exec(stmt);
    // `times <n>` counts the messages; `expect no send` says none already.
    const counted = /^expect (?:at \S+ )?send\b/.test(stmt) ? ["times"] : [];
    if (sendHead && CHANNELS.has(sendHead[1]!) && (CHANNELS.has(p1) || p1 === '"')) {
      if (!sendHead[2] && CHANNELS.get(sendHead[1]!)!.needsRecipient) items.keyword("to");
      return items.values(["where", ...counted], "keyword").list;
    }
    // A profile of the test: after `split "e" Arm for`, `decide "…" for` and an event's offset (`at 0m`).
    if ((p1 === "for" && /^(split|expect)\b/.test(stmt)) || (p2 === "at" && /^at \S+$/.test(stmt))) {
      for (const id of testProfiles(doc, blocks[blocks.length - 1]!.open)) items.add({ label: JSON.stringify(id), kind: "value", detail: "a profile of this test" });
      return items.list;
    }
    // `expect send email where subject contains "x" and …`: the channel's text fields, then how to match.
    const sent = /^expect (?:at \S+ )?(?:no )?send (\w+)\b.* where\b/.exec(stmt);
    const matched = CHANNELS.get(sent?.[1] ?? "")?.fields.filter((f) => f.escape !== "record");
    if (matched && (p1 === "where" || p1 === "and")) {
      for (const f of matched) items.add({ label: f.name, kind: "field", detail: `${sent![1]} content`, documentation: f.doc });
      return items.list;
    }
    if (matched?.some((f) => f.name === p1) && (p2 === "where" || p2 === "and")) return items.values([...WHERE_OPERATORS], "keyword").list;
    if (matched && p1 === "not" && (p3 === "where" || p3 === "and")) return items.values(["contains"], "keyword").list;
    if (matched && p1 === '"' && /^(contains|==|!=)$/.test(p2)) return items.values(["and", ...counted], "keyword").list;
    if (p1 === "reason") return items.values(/^expect (?:at \S+ )?(?:no )?suppressed\b/.test(stmt) ? [...SUPPRESSED_REASONS] : ["exit", "end", "error"], "value").list;
    if (p1 === "suppressed") return items.channels().list;
    if (p2 === "suppressed" && CHANNELS.has(p1)) return items.values(["reason"], "keyword").list;
    if (p1 === "goal") return items.values(goals(doc), "value").list;
    if (p1 === "variant") return items.values(variants(doc), "value").list;
    if (p1 === "catalog") return items.decls(s?.catalogs, "catalog", doc).list;
    if (p1 === '"' && p3 === "at") return items.decls(s?.events, "event", doc).list;
    if (p1 === "split" && stmt === "split") return items.experiments(doc, true).list;
    // `split "experiment" <arm> for "p1"`: the experiment's arms, then `for`.
    if (p1 === '"' && p2 === "split") {
      const experiment = /\bsplit\s+"([^"\n]*)"\s*$/.exec(text.slice(Math.max(0, at - 500), at))?.[1];
      const arms = experiment !== undefined ? doc.analysis.ctx?.experiments().arms.get(experiment) : undefined;
      return items.values([...(arms ?? [])], "value", `an arm of "${experiment}"`).list;
    }
    if (p2 === '"' && p3 === "split") return items.values(["for"], "keyword").list;
  }

  const statementStart = r.length === 0 || p1 === "{" || p1 === "}" || (newline && !EXPR_WORDS.has(p1) && !/^(and|or|not)$/.test(p1));
  if (statementStart) {
    const kws = KEYWORDS_BY_BLOCK[block.kind];
    if (block.kind === "content") {
      // In a `locale` block, the fields it may override: the template's own (as last parsed), when it has any.
      const own = block.content === "locale" ? templateFields(doc, at) : undefined;
      for (const f of CHANNELS.get(block.channel ?? "")?.fields ?? []) {
        if (own && !own.has(f.name)) continue;
        items.add({ label: f.name, kind: "field", detail: block.content === "locale" ? `${block.channel} content, translated` : `${block.channel} content`, documentation: f.doc, insertText: f.escape === "record" ? `${f.name} { $0 }` : `${f.name} "$0"`, snippet: true });
      }
      if (block.content === "template") items.add({ label: "locale", kind: "keyword", detail: "content in another language", insertText: 'locale "${1:sv}" {\n\t$0\n}', snippet: true, sortText: "5" });
      return items.list;
    }
    if (kws) for (const [w, snip] of kws) items.keyword(w, snip);
    if (p1 === "}" && (block.kind === "steps" || block.kind === "journey")) {
      items.keyword("else", "else {\n\t$0\n}");
      items.keyword("timeout", "timeout {\n\t$0\n}");
    }
    if (kws || block.kind !== "unknown") return items.list;
  }

  // After a complete expression or name: what may follow in this statement.
  if (!EXPR_WORDS.has(p1) && !/^(and|or|not)$/.test(p1) && /^[\w"')\]%]/.test(p1) && p1 !== "") {
    const follow = followKeywords(stmt);
    if (follow.length) {
      for (const w of follow) items.keyword(w);
      return items.list;
    }
  }

  // What a test holds is literal (offsets, instants, ids, data): no names or functions there.
  if (inTest) return items.list;
  // A channel's `consent` is an expression over the profile; its other settings are constants.
  if (block.kind === "channel" && inConsent(doc, offset)) return items.expression(doc, offset, comparedType(doc, code, at)).list;
  if (block.kind === "fields" || block.kind === "catalog" || block.kind === "signals" || block.kind === "channel" || block.kind === "top") return items.list;
  return items.expression(doc, offset, comparedType(doc, code, at)).list;
}

const KEY = /^(\w+)[ \t\r\n]*:/;

/**
 * The record of test data around `at`, and the keys it already has: an event's
 * (`at 0m "p1" CartAbandoned { … }`), the profile's (`profile "p1" { … }`), a catalog item's
 * (`catalog Product [{ … }]`) or an action's answer (`respond Weather where … { … }`), and
 * records nested in them through their keys (`loyalty: { … }`, `items: [{ … }]`).
 */
function testData(doc: Doc, code: string, at: number, blocks: OpenBlock[]): { record: Type & { kind: "record" }; written: Set<string> } | undefined {
  const test = blocks.findIndex((b) => /^test\b/.test(b.header));
  if (test < 0 || test === blocks.length - 1) return undefined;
  const ctx = doc.analysis.ctx;
  // The last test item started before the position: the one being written.
  const start = blocks[test]!.open + 1;
  const heads = [...code.slice(start, at).matchAll(/(?:^|\n)[ \t]*(?:profile\s+"[^"\n]*"|at\s+\S+\s+"[^"\n]*"\s+(\w+)|catalog\s+(\w+)|expect\s+(?:at\s+\S+\s+)?(?:no\s+)?decide\s+"([^"\n]*)"\s+for\s+"[^"\n]*"\s+context|respond\s+(\w+))\s*/dg)];
  const head = heads[heads.length - 1];
  if (!head) return undefined;
  let from = start + head.index + head[0].length;
  let root: Type | undefined;
  if (head[1]) root = ctx?.named.get(head[1]);
  else if (head[2]) root = ctx?.catalog && { kind: "list", element: ctx.catalog.type };
  else if (head[3] !== undefined) root = contextOf(ctx, doc.text.slice(start + head.indices![3]![0], start + head.indices![3]![1]));
  else if (head[4]) {
    root = actionTypes(doc, head[4])?.returns;
    from = answerStart(code, from, at);
  } else root = ctx?.profile;
  if (!root || from < 0) return undefined;
  // What each open `{` or `[` holds, from the item's first one to the position.
  const stack: { type: Type; written: Set<string> }[] = [];
  let key: string | undefined;
  for (let i = from; i < at; i++) {
    const c = code[i]!;
    if (c === "{" || c === "[") {
      const top = stack[stack.length - 1];
      const outer = top ? nonNull(top.type) : undefined;
      const type = !outer ? root : outer.kind === "list" ? outer.element : outer.kind === "record" && key ? (outer.fields.find((f) => f.name === key)?.type ?? T.unknown) : T.unknown;
      stack.push({ type, written: new Set() });
      key = undefined;
    } else if (c === "}" || c === "]") {
      stack.pop();
      if (stack.length === 0) return undefined;
    } else if (/[A-Za-z_]/.test(c) && !/[\w]/.test(code[i - 1] ?? "")) {
      const m = KEY.exec(code.slice(i, Math.min(at, i + 200)));
      if (m) {
        key = m[1];
        stack[stack.length - 1]?.written.add(key!);
        i += m[0].length - 1;
      }
    }
  }
  const record = stack.length ? nonNull(stack[stack.length - 1]!.type) : undefined;
  return record?.kind === "record" ? { record, written: stack[stack.length - 1]!.written } : undefined;
}

/**
 * Where a `respond`'s answer opens (its `{`) between `from` (after the action's name) and `at`;
 * -1 before it. A `{` after `==`, `!=` or `contains` is a condition's value, not the answer.
 */
function answerStart(code: string, from: number, at: number): number {
  let depth = 0;
  for (let i = from; i < at; i++) {
    const c = code[i];
    if (c === "{" && depth === 0 && !/(==|!=|\bcontains)\s*$/.test(code.slice(from, i))) return i;
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth--;
  }
  return -1;
}

/** The type of the field `key` of the test data being written around `at` (`plan: …`), undefined when unknown. */
function testDataField(doc: Doc, code: string, at: number, blocks: OpenBlock[], key: string): Type | undefined {
  const f = testData(doc, code, at, blocks)?.record.fields.find((x) => x.name === key);
  return f && (f.optional ? T.optional(f.type) : f.type);
}

/** The `context` of the experiences claiming a surface (they share the page), as the checker typed it. */
function contextOf(ctx: Doc["analysis"]["ctx"], surface: string): Type | undefined {
  const claiming = ctx?.experiencesClaiming(surface).claiming[0];
  const context = claiming?.decl.items.find((i) => i.kind === "Context");
  return context?.kind === "Context" ? ctx!.contextTypes.get(context.fields) : undefined;
}

/** Keywords that may follow what the statement already has. */
function followKeywords(stmt: string): string[] {
  const first = stmt.split(" ")[0];
  const has = (w: string) => new RegExp(`\\b${w}\\b`).test(stmt);
  // Inside `if c then a else b`: the `then`, then the `else`, still to come. An `if` step's own
  // `if` (or `else if`) is none: its condition takes a block.
  const value = stmt.replace(/^(else )?if /, "");
  const count = (w: string) => value.match(new RegExp(`\\b${w}\\b`, "g"))?.length ?? 0;
  const ifs = count("if");
  if (ifs > count("then")) return ["then"];
  if (count("then") > count("else")) return ["else"];
  switch (first) {
    case "recommend":
      return ["where", "exclude", "limit", "backup"].filter((w) => !has(w) || w === "where");
    case "on":
    case "exit":
      if (has("schedule") && /\bevery month$/.test(stmt)) return ["on", "at", "for"];
      return has("schedule") || has("enter") ? (has("at") ? ["for"] : ["at", "for"]) : ["as", "where"].filter((w) => !has(w));
    case "goal":
      return ["as", "where", "within"].filter((w) => !has(w));
    case "wait":
      return has("for") ? ["as", "where", "within"].filter((w) => !has(w)) : [];
    case "call":
      return ["as", "on error"].filter((w) => !has(w.split(" ")[0]!));
    case "send":
      return has("to") ? [] : ["to"];
    case "repeat":
      return has("every") ? [] : ["every"];
    case "variant":
      return ["when", "active"].filter((w) => !has(w));
    case "reentry":
      return [];
    default:
      return [];
  }
}

/** The call whose parentheses hold the cursor: its name, the statement it is in, and its nesting depth. */
export function enclosingCall(code: string, at: number, blocks: OpenBlock[]): { name: string; open: number; statement: string; depth: number } | undefined {
  const from = blocks.length ? blocks[blocks.length - 1]!.open + 1 : 0;
  let depth = 0;
  let open = -1;
  let total = 0;
  for (let i = at - 1; i >= from; i--) {
    const c = code[i];
    if (c === ")" || c === "]") depth++;
    else if (c === "(" || c === "[") {
      if (depth === 0) {
        if (open < 0) {
          if (c === "[") return undefined;
          open = i;
        }
        total++;
      } else depth--;
    } else if (c === "{" || c === "}") break;
  }
  if (open < 0) return undefined;
  let e = open;
  while (e > 0 && /\s/.test(code[e - 1]!)) e--;
  let s = e;
  while (s > 0 && /[A-Za-z0-9_]/.test(code[s - 1]!)) s--;
  const name = code.slice(s, e);
  if (!name) return undefined;
  return { name, open, statement: statementWords(code, s, blocks), depth: total };
}

/**
 * What the null checks prove where the name at `span` is read, as the checker recorded it
 * with the name (hover's record of it); none where the checker did not type that name (a
 * declaration that does not parse right now is not checked).
 */
function narrowingOf(doc: Doc, span: Span): Narrowing | undefined {
  const ref = symbolAt(doc, span.start)?.reference;
  return ref && ref.span.start === span.start && ref.span.end === span.end ? ref.narrowing : undefined;
}

/**
 * Inside a plain string: the strings of the union it is compared with or assigned to
 * (`s.segment == "`, a test's `plan: "`); the project's experiments (its named splits) after
 * `split`; in a test, the test's profiles where an id goes (`expect profile "`, `for "`,
 * `at 0m "`).
 */
function stringCompletion(doc: Doc, start: number, offset: number): CompletionItem[] {
  const code = doc.code;
  const before = lastTokens(code, start, 3).filter((t) => t !== "\n");
  const blocks = openBlocks(code, start);
  const items = new Items({ start: start + 1, end: offset });
  const word = before[before.length - 1];
  const inTest = blocks.some((b) => /^test\b/.test(b.header));
  const expected = inTest && word === ":" ? testDataField(doc, code, start, blocks, before[before.length - 2] ?? "") : comparedType(doc, code, start);
  for (const v of expected ? literalValues(expected) : []) if (v.text !== undefined) items.add({ label: v.text, kind: "value", detail: v.detail });
  // `split "`: an experiment a test chooses an arm of, or, in a journey or a variant, one to split again by (its splits must agree: J3030).
  if (word === "split") items.experiments(doc, false);
  if (classifyBlocks(blocks).kind !== "test") return items.list;
  const stmt = statementWords(code, start, blocks);
  const idGoesHere = (word === "profile" && /^expect\b/.test(stmt)) || (word === "for" && /^(split|expect|respond)\b/.test(stmt)) || /^at \S+$/.test(stmt);
  if (idGoesHere) for (const id of testProfiles(doc, blocks[blocks.length - 1]!.open)) items.add({ label: id, kind: "value", detail: "a profile of this test" });
  // `respond provider "`: the providers the project's recommendations ask.
  if (word === "provider" && stmt === "respond provider") for (const name of [...(doc.analysis.ctx?.providerNames().names ?? [])].sort()) items.add({ label: name, kind: "value", detail: "a provider the project's recommendations ask" });
  return items.list;
}

/**
 * What may end a test's item about an action's calls (`item` is its `CALL_ITEM` match) after
 * its action and conditions: a `respond`'s answer (an example of the action's response type,
 * to change) or `error "why"`; an `expect call`'s `times` (not `expect no call`'s: none is how many).
 */
function callItemEnd(doc: Doc, items: Items, item: RegExpExecArray): Items {
  if (item[1] !== "respond") return item[2] ? items : items.values(["times"], "keyword");
  const returns = actionTypes(doc, item[3]!)?.returns;
  if (returns) items.add({ label: exampleValue(returns), kind: "value", detail: `the answer: ${typeToString(returns)}`, sortText: "4" });
  return items.keyword("error", 'error "${1:why}"');
}

/** The ids of the profiles a test declares (`profile "p1" { … }`, anywhere in it), read from its text: a test being typed rarely parses. */
function testProfiles(doc: Doc, open: number): string[] {
  const end = blockEnd(doc.code, open);
  const body = doc.text.slice(open, end < 0 ? doc.text.length : end);
  return [...body.matchAll(/(?:^|[\n{])[ \t]*profile\s+"([^"\n]*)"/g)].map((m) => m[1]!);
}

function goals(doc: Doc): string[] {
  const out: string[] = [];
  for (const j of doc.analysis.symbols?.journeys.values() ?? []) for (const c of j.decl.clauses) if (c.kind === "Goal") out.push(c.name.name);
  return out;
}

function variants(doc: Doc): string[] {
  const out: string[] = [];
  for (const x of doc.analysis.symbols?.experiences.values() ?? []) for (const i of x.decl.items) if (i.kind === "Variant") out.push(i.name.name);
  return out;
}

class Items {
  readonly list: CompletionItem[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly replace: Span) {}

  add(item: CompletionItem): this {
    if (this.seen.has(item.label)) return this;
    this.seen.add(item.label);
    this.list.push({ replace: this.replace, ...item });
    return this;
  }

  keyword(word: string, snippet?: string): this {
    return this.add({ label: word, kind: "keyword", insertText: snippet, snippet: snippet !== undefined, sortText: "5" });
  }

  values(words: string[], kind: CompletionKind, detail?: string): this {
    for (const w of words) this.add({ label: w, kind, detail });
    return this;
  }

  /** The project's experiments (its named splits), with their arms; `quoted` where no string is open yet. */
  experiments(doc: Doc, quoted: boolean): this {
    for (const [name, arms] of doc.analysis.ctx?.experiments().arms ?? []) this.add({ label: quoted ? JSON.stringify(name) : name, kind: "value", detail: `experiment: ${arms.join(", ")}` });
    return this;
  }

  channels(): this {
    for (const c of CHANNELS.values()) this.add({ label: c.name, kind: "channel", detail: `channel: ${c.fields.map((f) => f.name).join(", ")}` });
    return this;
  }

  /** The fields of `t`, read at `path` (`profile.address`) where `narrowing` holds: a field a null check proves is there is offered without its `?`; `kind` says what they are (a call's arguments are parameters). */
  fields(t: Type, path?: string, narrowing?: Narrowing, kind: CompletionKind = "field"): this {
    const r = recordOf(t);
    if (r) {
      // Through a list, a field is projected (`cart.items.note` is a list): no path to narrow.
      const at = nonNull(t).kind === "record" ? path : undefined;
      for (const f of r.fields) {
        const present = f.optional && narrowing !== undefined && at !== undefined && narrowPath(T.optional(f.type), `${at}.${f.name}`, narrowing) === f.type;
        this.add({ label: f.name, kind, detail: `${f.name}${f.optional && !present ? "?" : ""}: ${typeToString(f.type)}`, documentation: f.doc });
      }
    }
    return this;
  }

  decls<D extends A.Declaration & { name: A.Ident }>(table: Map<string, { decl: D; file: string }> | undefined, kind: CompletionKind, doc: Doc, snippet?: (d: D) => string): this {
    for (const [name, loc] of table ?? []) {
      const text = doc.project.text(loc.file) ?? "";
      const type = kind === "event" || kind === "type" || kind === "catalog" ? doc.analysis.ctx?.named.get(name) : undefined;
      this.add({
        label: name,
        kind,
        detail: declarationSignature(loc.decl, text, type).split("\n")[0],
        documentation: loc.decl.doc,
        insertText: snippet?.(loc.decl),
        snippet: snippet !== undefined,
      });
    }
    return this;
  }

  templates(doc: Doc, channel: string): this {
    for (const [name, loc] of doc.analysis.symbols?.templates ?? []) {
      const d = loc.decl;
      const text = doc.project.text(loc.file) ?? "";
      this.add({
        label: name,
        kind: "template",
        detail: `template ${name}(${paramsText(d.params, text)}) for ${d.channel.name}`,
        documentation: d.doc,
        insertText: `${name}(${d.params.map((p, i) => `\${${i + 1}:${p.name.name}}`).join(", ")})`,
        snippet: true,
        sortText: d.channel.name === channel ? "0" : "8",
      });
    }
    return this;
  }

  algorithms(doc: Doc): this {
    const key = doc.analysis.ctx?.catalog?.key?.type;
    for (const a of ALGORITHMS.values()) {
      const params = a.params.map((p, i) => `\${${i + 1}:${p.name}}`).join(", ");
      this.add({ label: a.name, kind: "algorithm", detail: algorithmSignature(a, key ? typeToString(key) : undefined), documentation: a.doc, insertText: `${a.name}(${params})`, snippet: true });
    }
    return this;
  }

  types(doc: Doc): this {
    for (const p of Object.keys(PRIMITIVES)) this.add({ label: p, kind: "type", sortText: "1" });
    this.add({ label: "list", kind: "type", insertText: "list<$1>", snippet: true, sortText: "1" });
    const s = doc.analysis.symbols;
    this.decls(s?.types, "type", doc);
    this.decls(s?.events, "event", doc);
    this.decls(s?.catalogs, "catalog", doc);
    return this;
  }

  /** The values of `expected` written as they are (`"gold"`, `true`, `null`), first. */
  literals(expected: Type | undefined): this {
    for (const v of expected ? literalValues(expected) : []) this.add({ label: v.code, kind: "value", detail: v.detail, sortText: "0" });
    return this;
  }

  /** Names in scope, typed where `narrowing` holds (as hover types them there). */
  scopeNames(names: ScopeName[], narrowing?: Narrowing, sortText = "0"): this {
    for (const n of names) this.add({ label: n.name, kind: "variable", detail: `${n.name}: ${typeToString(narrowing ? narrowPath(n.type, n.name, narrowing) : n.type)}`, sortText });
    return this;
  }

  /** What an expression may start with; the values of `expected` (the type it is compared with or assigned to) before the names. */
  expression(doc: Doc, offset: number, expected?: Type): this {
    const before = this.list.length;
    this.literals(expected);
    // The word being typed, when the checker resolved it, says what the null checks there prove.
    this.scopeNames(namesAt(doc, offset), this.replace.end > this.replace.start ? narrowingOf(doc, this.replace) : undefined, this.list.length > before ? "1" : "0");
    for (const f of BUILTIN_FUNCTIONS.values()) {
      if (f.name === "secret") continue;
      this.add({ label: f.name, kind: "function", detail: functionSignature(f), documentation: f.doc, insertText: f.params.length ? `${f.name}($1)` : `${f.name}()`, snippet: true, sortText: "3" });
    }
    for (const w of ["true", "false", "null", "not"]) this.add({ label: w, kind: "keyword", sortText: "6" });
    this.add({ label: "if", kind: "keyword", detail: "if … then … else …", documentation: "A value that depends on a condition.", insertText: "if ${1:condition} then ${2:value} else ${3:other}", snippet: true, sortText: "6" });
    return this;
  }
}

// ── inside templates ───────────────────────────────────────────────────────────────────

function templateCompletion(doc: Doc, offset: number): CompletionItem[] {
  const t = templateAt(doc, offset);
  if (!t) return [];
  const { scope, at } = t;
  const value = scope.site.value;
  const open = value.lastIndexOf("{{", at - 1);
  if (open < 0 || open + 2 > at) return [];
  const closed = value.indexOf("}}", open + 2);
  if (closed >= 0 && closed + 2 <= at) return [];
  let inner = value.slice(open + 2, at);
  // Whitespace control (`{{~`) comes before the sigil.
  if (inner.startsWith("~")) inner = inner.slice(1);
  if (inner.startsWith("{") || inner.startsWith("&")) inner = inner.slice(1);
  const m = /[A-Za-z0-9_.@]*$/.exec(inner)!;
  const word = m[0];
  const dot = word.lastIndexOf(".");
  const segStart = at - (word.length - dot - 1);
  const replace = { start: scope.site.toSource(segStart), end: offset };
  const items = new Items(replace);
  const frames = scope.framesAt(at);

  if (/^\s*>/.test(inner)) {
    for (const [name, loc] of doc.analysis.symbols?.fragments ?? []) items.add({ label: name, kind: "fragment", detail: `fragment ${name}`, documentation: loc.decl.doc });
    return items.list;
  }
  if (/^\s*#\s*[A-Za-z]*$/.test(inner)) {
    for (const h of BLOCK_HELPERS) items.add({ label: h, kind: "keyword", detail: `{{#${h}}}…{{/${h}}}`, insertText: h === "each" ? "each ${1:list} as |${2:item}|" : `${h} $1`, snippet: true });
    return items.list;
  }
  if (/^\s*\/\s*[A-Za-z]*$/.test(inner)) {
    const name = innermostOpen(scope.nodes, at);
    if (name) items.add({ label: name, kind: "keyword", detail: `close {{#${name}}}` });
    return items.list;
  }
  if (dot >= 0) {
    const path = word.slice(0, dot);
    const segments = path.split(".");
    const fake = { kind: "path" as const, head: segments[0] === "this" ? ("this" as const) : ("name" as const), segments: (segments[0] === "this" ? segments.slice(1) : segments).map((name) => ({ name, start: 0, end: 0 })), text: path, start: 0, end: 0 };
    const { types } = pathTypes(fake, frames, scope.roots);
    const last = fake.head === "this" && fake.segments.length === 0 ? resolveHead(fake, frames, scope.roots) : undefined;
    const t = last && last.kind === "this" ? last.type : types[types.length - 1];
    if (t) {
      items.fields(t);
      if (nonNull(t).kind === "list") items.add({ label: "length", kind: "field", detail: "length: int" });
    }
    return items.list;
  }
  const firstToken = /^\s*[#^]?\s*[A-Za-z0-9_@]*$/.test(inner) && !/^\s*[#^]/.test(inner);
  const afterParen = /\(\s*[A-Za-z0-9_]*$/.test(inner);
  const names = templateNames(frames, scope.roots);
  for (const n of names) items.add(n);
  if (firstToken || afterParen) {
    for (const h of HELPER_SIGNATURES) items.add({ label: h.name, kind: "helper", detail: helperSignature(h), documentation: h.doc, sortText: "3" });
  }
  if (firstToken) {
    items.add({ label: "else", kind: "keyword", sortText: "6" });
    items.add({ label: "this", kind: "keyword", sortText: "6" });
  }
  // As the checker reads them: only inside a loop (`{{#each}}`, a section over a list).
  if (frames.some((f) => f.iterates)) for (const w of ["@index", "@first", "@last"]) items.add({ label: w, kind: "keyword", sortText: "6" });
  return items.list;
}

function templateNames(frames: Frame[], roots: ScopeName[]): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (let i = frames.length - 1; i >= 0; i--) {
    for (const [name, p] of frames[i]!.params) out.push({ label: name, kind: "variable", detail: `${name}: ${typeToString(p.type)}`, sortText: "0" });
    const t = frames[i]!.type;
    const r = t && recordOf(t);
    if (r && i > 0 && nonNull(t!).kind === "record") for (const f of r.fields) out.push({ label: f.name, kind: "field", detail: `${f.name}${f.optional ? "?" : ""}: ${typeToString(f.type)}`, documentation: f.doc, sortText: "1" });
  }
  for (const n of roots) out.push({ label: n.name, kind: "variable", detail: `${n.name}: ${typeToString(n.type)}`, sortText: "2" });
  return out;
}

function innermostOpen(nodes: readonly import("@journey/template").TNode[], at: number): string | undefined {
  let name: string | undefined;
  const visit = (ns: readonly import("@journey/template").TNode[] | null) => {
    for (const n of ns ?? []) {
      if ((n.kind === "block" || n.kind === "section") && n.open.end <= at && (n.close === null || at <= n.close.start)) {
        name = n.kind === "block" ? n.helper : n.path.text;
        visit(n.body);
        visit(n.inverse);
      }
    }
  };
  visit(nodes);
  return name;
}

/** The names of the fields of the template around `offset`, as last parsed; undefined when it has none (yet). */
function templateFields(doc: Doc, offset: number): Set<string> | undefined {
  const t = doc.file.declarations.find((d): d is A.TemplateDecl => d.kind === "TemplateDecl" && d.span.start <= offset && offset <= d.span.end);
  return t?.fields.length ? new Set(t.fields.map((f) => f.name.name)) : undefined;
}
