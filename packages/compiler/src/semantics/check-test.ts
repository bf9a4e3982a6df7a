/** `test` blocks: their data checked against the declarations, their expectations against channels. */
import { fieldType, isNumeric, isStringLike, isValidLocale, isValidTimeZone, nonNull, suggest, suggestTimeZone, T, typeToString, unknownNameHelp, type Field, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { CHANNELS, SUPPRESSED_REASONS } from "./builtins.js";
import { reportUnknownDecl } from "./check-declarations.js";
import { referenceDecl } from "./check-journey.js";
import type { TextEdit } from "../diagnostics/diagnostic.js";
import type { CheckContext } from "./context.js";
import { exampleValue, expectType, quotedValue, typeOf } from "./expressions.js";
import { contextType, paramTypes, returnType } from "./types.js";
import { Scope } from "./scope.js";

export function checkTest(ctx: CheckContext, d: A.TestDecl): void {
  const scope = new Scope();
  const same = ctx.testNames.get(d.name.value);
  if (same) ctx.report("testEventData", { message: `a test named "${d.name.value}" is declared already: results name their test, so the two could not be told apart` }, d.name.span, { related: [ctx.related(same.file, same.span, "first declared here")] });
  else ctx.testNames.set(d.name.value, { file: ctx.file, span: d.name.span });
  // Profiles are stored at the start, wherever they are written in the test.
  const profiles = new Set(d.items.flatMap((i) => (i.kind === "TestProfile" ? [i.id.value] : [])));
  // An arm may be chosen for a visitor the test only decides for (an anonymous one).
  const decided = new Set(d.items.flatMap((i) => (i.kind === "ExpectDecide" ? [i.profileId.value] : [])));
  /** What a test gives once (`start`, each profile): where it was first given. */
  const given = new Map<string, A.Span>();
  const once = (key: string, what: string, span: A.Span): void => {
    const first = given.get(key);
    if (first) ctx.report("testEventData", { message: `${what} is given twice in this test: the second would silently replace the first` }, span, { related: [ctx.related(ctx.file, first, "first given here")] });
    else given.set(key, span);
  };
  /** Actions (providers) a `respond` without `where` (`for`) answers, by kind and name: where that rule is. */
  const answersAll = new Map<string, A.Span>();
  for (const item of d.items) {
    switch (item.kind) {
      case "TestStart":
        once("start", "`start`", item.span);
        // Only a literal instant is kept: anything else would be ignored.
        if (item.time.kind !== "DateTime" || item.time.dateOnly) ctx.report("testEventData", { message: "`start` takes a date-time literal with its zone, such as 2026-03-02T09:00:00Z" }, item.time.span);
        else checkInstant(ctx, item.time);
        break;
      case "TestProfile":
        once(`profile\u0000${item.id.value}`, `profile \`${item.id.value}\``, item.id.span);
        checkLiteral(ctx, item.value, ctx.profile, scope, "profile");
        checkEngineAttributes(ctx, item.value);
        break;
      case "TestCatalog": {
        const cat = ctx.symbols.catalogs.get(item.catalog.name);
        if (!cat) reportUnknownDecl(ctx, "unknownCatalog", item.catalog, ctx.symbols.catalogs.keys());
        else referenceDecl(ctx, item.catalog, "catalog");
        checkLiteral(ctx, item.items, T.list(ctx.named.get(item.catalog.name) ?? T.unknown), scope);
        break;
      }
      case "TestEvent": {
        checkOffset(ctx, item.at);
        if (!profiles.has(item.profileId.value)) unknownProfile(ctx, item.profileId, profiles);
        if (!ctx.symbols.events.has(item.event.name)) reportUnknownDecl(ctx, "unknownEvent", item.event, ctx.symbols.events.keys());
        else {
          referenceDecl(ctx, item.event, "event");
          checkLiteral(ctx, item.data, ctx.named.get(item.event.name)!, scope);
        }
        break;
      }
      case "TestSplit":
        if (item.profileId && item.experiment) {
          once(`split\u0000${item.profileId.value}\u0000${item.experiment.value}`, `the arm of "${item.experiment.value}" for profile \`${item.profileId.value}\``, item.span);
          if (!profiles.has(item.profileId.value) && !decided.has(item.profileId.value)) unknownProfile(ctx, item.profileId, profiles);
        }
        checkArm(ctx, item);
        break;
      case "ExpectSend": {
        if (item.at) checkOffset(ctx, item.at);
        const channel = CHANNELS.get(item.channel.name);
        if (!channel) reportUnknownDecl(ctx, "unknownChannel", item.channel, CHANNELS.keys());
        if (item.to) {
          if (channel && !channel.needsRecipient) ctx.report("testEventData", { message: `a \`${channel.name}\` message has no recipient: leave out \`to\`` }, item.to.span);
          expectType(ctx, item.to, T.string, scope);
        }
        for (const c of item.conditions) {
          const field = channel?.fields.find((f) => f.name === c.field.name);
          if (channel && !field) {
            const s = suggest(c.field.name, channel.fields.map((f) => f.name));
            ctx.report("unknownContentField", { channel: channel.name, name: c.field.name, fields: channel.fields.map((f) => `\`${f.name}\``).join(", ") }, c.field.span, s ? { fix: ctx.replace(`change to \`${s}\``, c.field.span, s) } : {});
          } else if (field?.escape === "record") {
            const text = channel!.fields.filter((f) => f.escape !== "record").map((f) => `\`${f.name}\``).join(", ");
            ctx.report("testEventData", { message: `\`${field.name}\` is a record, not text: \`contains\` matches ${text}` }, c.field.span);
          }
          // A whole document is almost never equal to a text: `!=` on it holds for nearly every message.
          if (c.op === "!=" && field?.name === "html") ctx.report("htmlInequality", {}, c.opSpan, { help: "to say the html does not mention a text, write `not contains`", fix: ctx.replace("change to `not contains`", c.opSpan, "not contains") });
          expectType(ctx, c.value, T.string, scope);
          emptyText(ctx, c);
        }
        if (item.times) checkTimes(ctx, item.times, item.negated, "send");
        break;
      }
      case "ExpectProfile":
        if (item.at) checkOffset(ctx, item.at);
        if (item.negated) ctx.report("testEventData", { message: "`expect no profile` says nothing: say what a field is not with `!=` or `not contains`" }, { start: item.span.start, end: item.profileId.span.end });
        if (!profiles.has(item.profileId.value)) unknownProfile(ctx, item.profileId, profiles);
        if (!item.conditions.length) ctx.report("testEventData", { message: `expected \`where <field> == <value>\` after the profile's id: \`expect profile "${item.profileId.value}"\` says what the profile holds with \`==\`, \`!=\`, \`contains\` or \`not contains\`` }, item.span);
        for (const c of item.conditions) checkPathCondition(ctx, c, profileField(ctx, c.path), scope);
        break;
      case "TestRespond": {
        checkResponse(ctx, item, scope);
        // Rules are tried in order: after one without conditions, none of the action's answers.
        const before = answersAll.get(`action\u0000${item.action.name}`);
        if (before) ctx.report("unusedResponse", { what: item.action.name, without: "without `where`", request: `call of \`${item.action.name}\`` }, item.span, { related: [ctx.related(ctx.file, before, "this one answers every call")] });
        else if (!item.conditions.length) answersAll.set(`action\u0000${item.action.name}`, item.span);
        break;
      }
      case "TestRespondProvider": {
        checkProviderResponse(ctx, item, profiles, catalogKeys(ctx, d), scope);
        const name = item.provider.value;
        const before = answersAll.get(`provider\u0000${name}`);
        if (before) ctx.report("unusedResponse", { what: `provider "${name}"`, without: "without `for`", request: `request to provider "${name}"` }, item.span, { related: [ctx.related(ctx.file, before, "this one answers every request")] });
        else if (!item.profileId) answersAll.set(`provider\u0000${name}`, item.span);
        break;
      }
      case "ExpectCall": {
        if (item.at) checkOffset(ctx, item.at);
        const action = testedAction(ctx, item.action);
        for (const c of item.conditions) checkPathCondition(ctx, c, action && argumentField(ctx, action, c.path), scope);
        if (item.times) checkTimes(ctx, item.times, item.negated, "call");
        break;
      }
      case "ExpectEnded":
        if (item.at) checkOffset(ctx, item.at);
        if (item.journey && !ctx.symbols.journeys.has(item.journey.name)) reportUnknownDecl(ctx, "unknownJourney", item.journey, ctx.symbols.journeys.keys());
        else if (item.journey) referenceDecl(ctx, item.journey, "journey");
        // `goal` is reserved (goals never end an instance): such an expectation could never hold.
        if (item.times) checkTimes(ctx, item.times, item.negated, "ended");
        if (item.reason?.name === "goal") ctx.report("testEventData", { message: "no instance ends with reason `goal`: a goal is recorded and the instance goes on; expect it with `expect goal <name>`" }, item.reason.span);
        else if (item.reason && !ENDED_REASONS.includes(item.reason.name)) {
          ctx.report("testEventData", { message: `unknown reason \`${item.reason.name}\`: reasons are \`exit\`, \`end\` and \`error\`` }, item.reason.span, ctx.didYouMean(item.reason.name, ENDED_REASONS, item.reason.span));
        }
        break;
      case "ExpectSuppressed":
        if (item.at) checkOffset(ctx, item.at);
        if (!CHANNELS.has(item.channel.name)) reportUnknownDecl(ctx, "unknownChannel", item.channel, CHANNELS.keys());
        if (item.times) checkTimes(ctx, item.times, item.negated, "suppressed");
        if (item.reason && !SUPPRESSED_REASONS.includes(item.reason.name)) {
          ctx.report("testEventData", { message: `unknown reason \`${item.reason.name}\`: a message is suppressed for ${SUPPRESSED_REASONS.map((r) => `\`${r}\``).join(", ")}` }, item.reason.span, ctx.didYouMean(item.reason.name, SUPPRESSED_REASONS, item.reason.span));
        }
        break;
      case "ExpectGoal": {
        if (item.at) checkOffset(ctx, item.at);
        if (item.times) checkTimes(ctx, item.times, item.negated, "goal");
        const goals = ctx.goalNames();
        if (!goals.has(item.goal.name)) {
          ctx.report("unknownName", { name: item.goal.name }, item.goal.span, ctx.didYouMean(item.goal.name, goals, item.goal.span, "the goals declared are"));
        }
        break;
      }
      case "ExpectDecide": {
        if (item.at) checkOffset(ctx, item.at);
        // A profile the test does not declare is decided as an anonymous visitor (the default path): no check.
        const { claiming: claimingAll, certain } = ctx.experiencesClaiming(item.surface.value);
        if (!claimingAll.length && certain) ctx.report("testEventData", { message: `no experience claims \`${item.surface.value}\`: nothing could be decided for it` }, item.surface.span);
        if (item.variant) {
          const variants = ctx.variantNames();
          if (!variants.has(item.variant.name)) {
            ctx.report("unknownName", { name: item.variant.name }, item.variant.span, ctx.didYouMean(item.variant.name, variants, item.variant.span, "the variants declared are"));
          } else if (claimingAll.length && certain && !claimingAll.some((x) => x.decl.items.some((i) => i.kind === "Variant" && i.name.name === item.variant!.name))) {
            ctx.report("testEventData", { message: `no experience claiming \`${item.surface.value}\` has a variant \`${item.variant.name}\` (${claimingAll.map((x) => `\`${x.decl.name.name}\``).join(", ")} claim${claimingAll.length === 1 ? "s" : ""} it)` }, item.variant.span);
          }
        }
        if (item.json) expectType(ctx, item.json.value, T.unknown, scope);
        if (item.context) {
          // The context of the experiences claiming this surface (any will do: they share the page).
          const claiming = claimingAll[0];
          const context = claiming?.decl.items.find((i) => i.kind === "Context");
          if (claiming && context?.kind === "Context") checkLiteral(ctx, item.context, contextType(ctx, claiming.file, context.fields), scope);
          else typeOf(ctx, item.context, scope);
        }
        break;
      }
    }
  }
}

/** How an instance ends, as `expect ended … reason` names it (`goal` is none: see above). */
const ENDED_REASONS = ["exit", "end", "error"];

/** A profile id the test does not declare (`"p2"` for `"p1"`): the close one as the fix. */
function unknownProfile(ctx: CheckContext, id: A.StringExpr, profiles: Set<string>): void {
  const s = suggest(id.value, profiles);
  ctx.report("unknownTestProfile", { id: id.value }, id.span, s !== undefined ? { help: `did you mean "${s}"?`, fix: ctx.replace(`change to "${s}"`, id.span, JSON.stringify(s)) } : {});
}

/** `contains ""` always holds, `not contains ""` never: every text contains the empty one. */
function emptyText(ctx: CheckContext, c: { op: A.ExpectOp; value: A.Expr }): void {
  if ((c.op === "contains" || c.op === "not contains") && c.value.kind === "String" && c.value.value === "") {
    ctx.report("testEventData", { message: `every text contains the empty one: \`${c.op} ""\` ${c.op === "contains" ? "always holds" : "never does"}` }, c.value.span);
  }
}

/**
 * A condition on a field path (of the profile, of a call's arguments) whose type is `type`
 * (undefined after the path was reported): the value is a literal of that type; `contains`
 * takes a text's substring or a list's element.
 */
function checkPathCondition(ctx: CheckContext, c: A.PathCondition, type: Type | undefined, scope: Scope): void {
  if (!type) {
    typeOf(ctx, c.value, scope);
    return;
  }
  if (c.op === "==" || c.op === "!=") return checkLiteral(ctx, c.value, type, scope);
  const t = nonNull(type);
  if (isStringLike(t)) {
    checkLiteral(ctx, c.value, T.string, scope);
    emptyText(ctx, c);
  }
  else if (t.kind === "list") checkLiteral(ctx, c.value, t.element, scope);
  else if (t.kind !== "unknown") {
    const path = c.path.map((p) => p.name).join(".");
    ctx.report("testEventData", { message: `\`${c.op}\` looks for text in a string or an element in a list, and \`${path}\` is \`${typeToString(type)}\`: compare it with \`==\` or \`!=\`` }, c.opSpan);
  }
}

/** The type of a field path of the profile (`voucher.code`), null when a record on the way may be; undefined after reporting an unknown field. */
function profileField(ctx: CheckContext, path: A.Ident[]): Type | undefined {
  return fieldPath(ctx, ctx.profile, "profile", path);
}

/** The type of field path `path` under `root` (`label` names it when it has no name), as `profileField`. */
function fieldPath(ctx: CheckContext, root: Type, label: string, path: readonly A.Ident[]): Type | undefined {
  let type: Type = root;
  for (const seg of path) {
    const record = nonNull(type);
    if (record.kind === "unknown") return T.unknown;
    if (record.kind !== "record") {
      ctx.report("notARecord", { type: typeToString(type) }, seg.span);
      return undefined;
    }
    const field = fieldType(record, seg.name);
    if (!field) {
      const name = record.name ?? label;
      ctx.report("unknownField", { field: seg.name, type: name }, seg.span, ctx.didYouMean(seg.name, record.fields.map((f) => f.name), seg.span, `the fields of \`${name}\` are`));
      return undefined;
    }
    ctx.reference(seg.span, seg.name, "field", ctx.fieldTarget(record, seg.name), field);
    // Under a record that may be null, every field may be.
    type = type.kind === "optional" ? T.optional(field) : field;
    label = `${label}.${seg.name}`;
  }
  return type;
}

/**
 * `split "experiment" Arm for "p1"`: the experiment is a named split of the project (a journey
 * step or an experience variant's) and the arm one of its labels, of any split of that name.
 * An item still being typed (no arm, no `for "id"`) is one error saying what is missing, with
 * the experiment's arms; an unknown experiment is reported instead, as that comes first.
 */
function checkArm(ctx: CheckContext, item: Extract<A.TestItem, { kind: "TestSplit" }>): void {
  const { arms: experiments, certain } = ctx.experiments();
  if (!item.experiment) {
    const names = [...experiments.keys()];
    const missing = `the experiment's name, a string${names.length ? ` (${orList(names, (n) => JSON.stringify(n))})` : ""}`;
    ctx.report("incompleteArmChoice", { missing, experiment: "<experiment>" }, item.span);
    return;
  }
  const labels = experiments.get(item.experiment.value);
  if (!labels && certain) {
    const { replacement, help } = unknownNameHelp(item.experiment.value, experiments.keys(), "the experiments (named splits) are");
    const fix = replacement !== undefined ? ctx.replace(`change to "${replacement}"`, item.experiment.span, JSON.stringify(replacement)) : undefined;
    const none = "no split of the project is named: an arm is chosen by the experiment's name (`split \"name\" { … }`)";
    ctx.report("unknownName", { name: item.experiment.value }, item.experiment.span, { ...(fix ? { fix } : {}), help: help ?? none });
    return;
  }
  // A journey or experience the parser recovered from an error may hold the split: unknown labels are not reported then.
  if (item.arm && labels && !labels.includes(item.arm.name)) {
    ctx.report("unknownName", { name: item.arm.name }, item.arm.span, ctx.didYouMean(item.arm.name, labels, item.arm.span, `the arms of "${item.experiment.value}" are`));
  }
  if (!item.arm || !item.profileId) {
    const arm = `the arm of experiment "${item.experiment.value}"${labels?.length ? ` (${orList(labels)})` : ""}`;
    let missing: string;
    if (!item.arm) missing = !item.forSpan ? `${arm} and \`for "<profile id>"\`` : item.profileId ? `${arm} before \`for\`` : `${arm} before \`for\`, and the profile's id after it`;
    else missing = !item.forSpan ? `\`for "<profile id>"\` after the arm` : `the profile's id after \`for\` (a string: \`for "p1"\`)`;
    ctx.report("incompleteArmChoice", { missing, experiment: item.experiment.value }, item.span);
  }
}

/** `` `a`, `b` or `c` `` (each name as `show` writes it). */
function orList(names: readonly string[], show: (name: string) => string = (n) => `\`${n}\``): string {
  const quoted = names.map(show);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}` : quoted.join("");
}

/**
 * The edit adding `fields` to record literal `e`, each with a value of its type to change
 * (see `exampleValue`): after its last entry, on lines of their own when the record's entries
 * are on lines of their own, else on its line.
 */
function addedFields(ctx: CheckContext, e: Extract<A.Expr, { kind: "Record" }>, fields: readonly Field[]): TextEdit {
  const text = ctx.sources.get(ctx.file)?.text ?? "";
  const last = e.entries[e.entries.length - 1];
  const at = last ? last.value.span.end : e.span.start + 1;
  const entry = (f: Field) => `${f.name}: ${exampleValue(f.type)}`;
  if (last && text.slice(e.span.start, e.span.end).includes("\n")) {
    const lineStart = text.lastIndexOf("\n", last.name.span.start) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    return { file: ctx.file, span: { start: at, end: at }, newText: fields.map((f) => `\n${indent}${entry(f)}`).join("") };
  }
  return { file: ctx.file, span: { start: at, end: at }, newText: `${last ? "," : ""} ${fields.map(entry).join(", ")}` };
}

/** An instant in test data has a zone: without one, when it is would depend on the machine. */
function checkInstant(ctx: CheckContext, e: A.DateTimeExpr): void {
  // UTC is the fix, as the message's first choice: an offset is the author's to know.
  if (!e.dateOnly && !/(Z|[+-]\d{2}:\d{2})$/.test(e.text)) ctx.report("testEventData", { message: `\`${e.text}\` has no zone: write \`${e.text}Z\` (UTC) or an offset such as \`${e.text}+01:00\`` }, e.span, { fix: ctx.replace(`change to \`${e.text}Z\` (UTC)`, e.span, `${e.text}Z`) });
}

/** The profile attributes the engine reads (`timezone`, `locale`), when given as literals, are ones it can use. */
function checkEngineAttributes(ctx: CheckContext, e: A.Expr): void {
  if (e.kind !== "Record") return;
  for (const en of e.entries) {
    if (en.value.kind !== "String" || en.value.value === "") continue;
    const v = en.value.value;
    // The same checks as the runtime's when it stores the profile.
    let problem: string | undefined;
    if (en.name.name === "timezone" && !isValidTimeZone(v)) {
      const near = suggestTimeZone(v);
      problem = `\`${v}\` is not an IANA time zone${near ? `: did you mean "${near}"?` : ' such as "Europe/Stockholm"'}`;
    }
    else if (en.name.name === "locale" && !isValidLocale(v)) problem = `\`${v}\` is not a BCP 47 locale such as "sv-SE"`;
    if (problem) ctx.report("testEventData", { message: problem }, en.value.span);
  }
}

function checkOffset(ctx: CheckContext, e: A.Expr): void {
  if (e.kind === "Duration") return;
  // `at 0`, the start, without its unit, is `0m`; `at "4h"` a duration in quotes.
  const extras = e.kind === "Number" && e.value === 0 ? { fix: ctx.replace("change to `0m`", e.span, "0m") } : quotedValue(ctx, e, T.duration);
  ctx.report("invalidOffset", {}, e.span, extras);
}

/** Literal test data against its type, field by field, so each mistake points at its field; `label` names a record that has no name of its own (`profile`). */
export function checkLiteral(ctx: CheckContext, e: A.Expr, type: Type, scope: Scope, label?: string): void {
  const t = nonNull(type);
  if (e.kind === "DateTime") checkInstant(ctx, e);
  if (e.kind === "Null" && type.kind === "optional") return;
  if (e.kind === "Record" && t.kind === "record") {
    const given = new Set<string>();
    for (const en of e.entries) {
      given.add(en.name.name);
      const f = t.fields.find((x) => x.name === en.name.name);
      if (!f && t.partial) continue;
      if (!f) {
        const type = t.name ?? label ?? typeToString(t);
        ctx.report("unknownField", { field: en.name.name, type }, en.name.span, ctx.didYouMean(en.name.name, t.fields.map((x) => x.name), en.name.span, `the fields of \`${type}\` are`));
        continue;
      }
      ctx.reference(en.name.span, en.name.name, "field", ctx.fieldDecls.get(f), f.optional ? T.optional(f.type) : f.type);
      checkLiteral(ctx, en.value, f.optional ? T.optional(f.type) : f.type, scope);
    }
    const required = t.fields.filter((f) => !f.optional && f.default === undefined && !given.has(f.name));
    if (required.length) {
      const missing = required.map((f) => `\`${f.name}\``);
      ctx.report("testEventData", { message: `missing field${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of \`${t.name ?? label ?? "record"}\`` }, { start: e.span.start, end: e.span.start + 1 }, {
        fix: { title: `add ${missing.join(", ")} (with a value to change)`, edits: [addedFields(ctx, e, required)] },
      });
    }
    return;
  }
  if (e.kind === "List" && t.kind === "list") {
    for (const i of e.items) checkLiteral(ctx, i, t.element, scope);
    return;
  }
  expectType(ctx, e, type, scope);
}

/** What `times <n>` counts, by expectation. */
const COUNTED = { send: "messages", call: "calls", ended: "endings", goal: "goals recorded", suppressed: "messages held back" } as const;

/** `times <n>`: a whole number, at least one; none is `expect no …`, which `times` does not go with. */
function checkTimes(ctx: CheckContext, times: A.Times, negated: boolean, what: keyof typeof COUNTED): void {
  if (negated) ctx.report("testEventData", { message: `\`expect no ${what}\` already says how many: none; leave out \`times\`` }, times.span);
  else if (times.count === 0) ctx.report("testEventData", { message: `\`times 0\` is \`expect no ${what} …\`: write \`no\` after \`expect\` (and its \`at <offset>\`)` }, times.span);
  else if (!Number.isSafeInteger(times.count)) ctx.report("testEventData", { message: `\`times\` takes a whole number of ${COUNTED[what]}, such as \`times 2\`` }, times.span);
}

/** The action a test item names (`respond Weather`, `expect call Weather`), or undefined after reporting it unknown. */
function testedAction(ctx: CheckContext, name: A.Ident): { decl: A.ActionDecl; file: string } | undefined {
  const action = ctx.symbols.actions.get(name.name);
  if (!action) {
    reportUnknownDecl(ctx, "unknownAction", name, ctx.symbols.actions.keys());
    return undefined;
  }
  referenceDecl(ctx, name, "action");
  return action;
}

/**
 * The type of a path into a call's arguments (`city`, `customer.email`): its first name is a
 * parameter of the action; undefined after reporting it. An action whose declaration did not
 * parse whole is not checked (its syntax error is the one diagnostic).
 */
function argumentField(ctx: CheckContext, action: { decl: A.ActionDecl; file: string }, path: readonly A.Ident[]): Type | undefined {
  const d = action.decl;
  if (d.recovered) return T.unknown;
  const [first, ...rest] = path;
  const i = d.params.findIndex((p) => p.name.name === first!.name);
  if (i < 0) {
    const names = d.params.map((p) => p.name.name);
    ctx.report("unknownArgument", { callee: d.name.name, name: first!.name }, first!.span, names.length ? ctx.didYouMean(first!.name, names, first!.span, `the parameters of \`${d.name.name}\` are`) : { help: `\`${d.name.name}\` takes no arguments` });
    return undefined;
  }
  const type = paramTypes(ctx, action.file, d.params)[i]!;
  ctx.reference(first!.span, first!.name, "param", { file: action.file, span: d.params[i]!.name.span }, type);
  return fieldPath(ctx, type, first!.name, rest);
}

/**
 * `respond provider "name" [for "id"] [keys] | error "why"`: a provider a recommendation of the
 * project asks, a profile of the test, and catalog keys, each one an item of the test's
 * catalog (a provider's answer is looked up there: a key it lacks is left out, J6007).
 */
function checkProviderResponse(ctx: CheckContext, item: A.TestProviderResponse, profiles: Set<string>, keys: ReadonlySet<string> | undefined, scope: Scope): void {
  const { names, certain } = ctx.providerNames();
  const name = item.provider.value;
  if (!names.has(name) && certain) {
    const asked = [...names].sort();
    const near = suggest(name, asked);
    ctx.report("testEventData", { message: `no recommendation of the project asks provider "${name}"${asked.length ? `: the providers asked are ${orList(asked, (n) => `"${n}"`)}` : ": none asks a provider (`recommend … = provider(\"name\") limit n`)"}` }, item.provider.span, near ? { fix: ctx.replace(`change to "${near}"`, item.provider.span, JSON.stringify(near)) } : {});
  }
  if (item.profileId && !profiles.has(item.profileId.value)) unknownProfile(ctx, item.profileId, profiles);
  if (item.errorSpan) return checkError(ctx, item.errorSpan, item.error);
  const keyType = ctx.catalog?.key?.type ?? T.unknown;
  if (!item.answer) {
    ctx.report("testEventData", { message: `expected the catalog keys provider "${name}" answers, such as \`[${exampleValue(keyType)}]\`, or \`error "why"\` for a request that fails` }, item.span, {
      fix: { title: "add an answer (with a key to change)", edits: [{ file: ctx.file, span: { start: item.span.end, end: item.span.end }, newText: ` [${exampleValue(keyType)}]` }] },
    });
    return;
  }
  checkLiteral(ctx, item.answer, T.list(keyType), scope);
  if (!keys || item.answer.kind !== "List") return;
  // Keys of the key's type only: another is a type error already.
  const numeric = isNumeric(nonNull(keyType));
  for (const k of item.answer.items) {
    const key = k.kind === "String" && !numeric ? k.value : k.kind === "Number" && numeric ? String(k.value) : undefined;
    if (key !== undefined && !keys.has(key)) ctx.report("keyNotInTestCatalog", { key }, k.span, ctx.didYouMean(key, keys, k.span, "the keys of the test's catalog are"));
  }
}

/**
 * The keys of test `d`'s catalog items, when its `catalog` is literal; an empty set without a
 * catalog (nothing can be looked up); undefined when they cannot be known.
 */
function catalogKeys(ctx: CheckContext, d: A.TestDecl): ReadonlySet<string> | undefined {
  const field = ctx.catalog?.key?.name;
  if (!field) return undefined;
  const keys = new Set<string>();
  for (const item of d.items) {
    if (item.kind !== "TestCatalog") continue;
    if (item.items.kind !== "List") return undefined;
    for (const x of item.items.items) {
      const v = x.kind === "Record" ? x.entries.find((e) => e.name.name === field)?.value : undefined;
      if (v?.kind === "String") keys.add(v.value);
      else if (v?.kind === "Number") keys.add(String(v.value));
      else return undefined;
    }
  }
  return keys;
}

/** `error` (at `word`) without its message, or with an empty one. */
function checkError(ctx: CheckContext, word: A.Span, error: A.StringExpr | undefined): void {
  if (!error) ctx.report("testEventData", { message: "expected the failure's message after `error`, such as `error \"timeout\"`: the request fails with it" }, word);
  else if (!error.value.trim()) ctx.report("testEventData", { message: "the failure's message is empty: say what failed, such as `error \"timeout\"`" }, error.span);
}

/**
 * `respond Action [where …] <answer> | error "why"`: the conditions are on the action's
 * parameters, the answer a literal of its response type; an action that declares no response
 * type takes none (its answer is never read), and one that does needs it, or an error.
 */
function checkResponse(ctx: CheckContext, item: A.TestResponse, scope: Scope): void {
  const action = testedAction(ctx, item.action);
  for (const c of item.conditions) checkPathCondition(ctx, c, action && argumentField(ctx, action, c.path), scope);
  if (item.errorSpan) return checkError(ctx, item.errorSpan, item.error);
  const d = action?.decl;
  if (!d || d.recovered) {
    if (item.answer) typeOf(ctx, item.answer, scope);
    return;
  }
  if (!d.returns) {
    if (item.answer) ctx.report("testEventData", { message: `\`${d.name.name}\` declares no response type (\`-> Type\`), so its answer is never read: leave it out` }, item.answer.span, { fix: ctx.replace("remove the answer", { start: item.answer.span.start - 1, end: item.answer.span.end }, "") });
    return;
  }
  const type = returnType(ctx, action.file, d.returns);
  if (item.answer) return checkLiteral(ctx, item.answer, type, scope);
  const example = exampleValue(type);
  ctx.report("testEventData", { message: `expected the answer of \`${d.name.name}\` (\`${typeToString(type)}\`) after ${item.conditions.length ? "its conditions" : "its name"}, or \`error "why"\` for a call that fails` }, item.span, {
    fix: { title: "add an answer (with values to change)", edits: [{ file: ctx.file, span: { start: item.span.end, end: item.span.end }, newText: ` ${example}` }] },
  });
}
