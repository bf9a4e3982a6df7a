/** Checked AST → IR. Deterministic: declarations in name order, no counters, no clocks. */
import type { Type } from "@journey/template";
import type { CheckResult } from "../semantics/checker.js";
import type { CheckContext } from "../semantics/context.js";
import { CHANNELS } from "../semantics/builtins.js";
import { constNumber, isConstant } from "../semantics/constants.js";
import { contextType, paramTypes, resolveType, returnType } from "../semantics/types.js";
import type * as A from "../syntax/ast.js";
import { LineIndex } from "../syntax/line-index.js";
import { emitExpr } from "./expressions.js";
import { digest, objectJson, versioned, type JsonPieces, type WithJson } from "./hash.js";
import { blockIds, setPath } from "./ids.js";
import {
  fragmentsIncluded,
  IR_VERSION,
  journeyUses,
  type JourneyUses,
  type PartialsMemo,
  type IR,
  type IRAlgorithm,
  type IRContent,
  type IRExperience,
  type IRExperienceStep,
  type IRExpectation,
  type IRPathCondition,
  type IRJourney,
  type IRLocation,
  type IRNode,
  type IRTest,
  type IRVariant,
} from "@journey/ir";

export type { IR } from "@journey/ir";

const DEFAULT_EXPERIENCE_TIMEOUT_MS = 150;

/** Stable JSON text (2-space indent, trailing newline): the bytes `journey build` writes. */
export function serializeIR(ir: IR): string {
  return JSON.stringify(ir, null, 2) + "\n";
}

const byName = <V>(m: Map<string, V>): [string, V][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

class Emitter {
  readonly fileNames: string[];
  private readonly fileIndex: Map<string, number>;
  private readonly lines = new Map<string, LineIndex>();
  /**
   * Source map entries (keyed `name#id`), by declaration name and then by id, in the order
   * met: sorted at the end, see `sourceMapNodes`.
   */
  readonly locations = new Map<string, Map<string, IRLocation>>();
  file = "";
  /** The project's templates, fragments and actions, emitted first: what journeys and experiences use is part of their versions. */
  declared: Pick<IR, "templates" | "fragments" | "actions"> = { templates: {}, fragments: {}, actions: {} };
  private readonly partials: PartialsMemo = new Map();
  /** Each template's, fragment's and action's hash, by kind and name, computed once: versions name them by hash. */
  private readonly hashes = new Map<string, string>();

  constructor(
    readonly checked: CheckResult,
    readonly files: Map<string, A.SourceFile>,
  ) {
    this.fileNames = [...files.keys()].sort();
    this.fileIndex = new Map(this.fileNames.map((f, i) => [f, i]));
  }

  loc(span: A.Span): IRLocation {
    let idx = this.lines.get(this.file);
    if (!idx) {
      idx = new LineIndex(this.files.get(this.file)?.text ?? "");
      this.lines.set(this.file, idx);
    }
    const s = idx.position(span.start);
    const e = idx.position(span.end);
    return [this.fileIndex.get(this.file) ?? 0, s.line + 1, s.column + 1, e.line + 1, e.column + 1];
  }

  private locate(name: string, id: string, span: A.Span): void {
    let entries = this.locations.get(name);
    if (!entries) this.locations.set(name, (entries = new Map()));
    entries.set(id, this.loc(span));
  }

  // ── journeys ─────────────────────────────────────────────────────────────────────

  /** A journey and its JSON text; it holds no source positions: moving code makes no new version. */
  journey(d: A.JourneyDecl): WithJson<IRJourney> {
    const nodes: Record<string, IRNode> = {};
    const entry = this.block(d.body.steps, "", null, nodes, d.name.name);
    const trigger = d.clauses.find((c) => c.kind === "OnEvent" || c.kind === "OnAudience" || c.kind === "OnSchedule") as A.TriggerClause | undefined;
    const reentry = d.clauses.find((c) => c.kind === "Reentry") as A.ReentryClause | undefined;
    const j: Omit<IRJourney, "version"> = {
      id: d.name.name,
      ...(d.doc !== undefined ? { doc: d.doc } : {}),
      trigger: trigger ? this.trigger(trigger) : null,
      reentry: reentry
        ? reentry.mode === "after" && reentry.after
          ? { mode: "after", afterMs: constNumber(reentry.after) ?? 0 }
          : { mode: reentry.mode }
        : { mode: "never" },
      exits: d.clauses.filter((c): c is A.ExitClause => c.kind === "ExitOn").map((c) => this.match(c)),
      goals: d.clauses
        .filter((c): c is A.GoalClause => c.kind === "Goal")
        .map((c) => ({ name: c.name.name, ...this.match(c), withinMs: c.within ? (constNumber(c.within) ?? null) : null })),
      entry,
      nodes,
    };
    return versioned(j, this.alsoJson(journeyUses(j, this.declared, this.partials)));
  }

  private trigger(t: A.TriggerClause): IRJourney["trigger"] {
    switch (t.kind) {
      case "OnEvent":
        return { kind: "event", ...this.match(t) };
      case "OnAudience":
        return { kind: "audience", audience: t.audience.name };
      case "OnSchedule":
        return {
          kind: "schedule",
          every: "kind" in t.every ? { ms: t.every.ms } : (t.every.name as "day" | "week" | "month"),
          ...(t.day?.kind === "Number" ? { day: t.day.value } : {}),
          ...(t.at ? { at: t.at.text } : {}),
          audience: t.audience.name,
        };
    }
  }

  private match(m: A.EventMatch): { event: string; alias?: string; where?: IR["audiences"][string]["condition"] } {
    return { event: m.event.name, ...(m.alias ? { alias: m.alias.name } : {}), ...(m.where ? { where: emitExpr(m.where) } : {}) };
  }

  /**
   * Emit a block whose last step continues at `next`; returns the id of its first node
   * (or `next` for an empty block).
   */
  private block(steps: A.Step[], parent: string, next: string | null, nodes: Record<string, IRNode>, journey: string): string | null {
    const ids = blockIds(steps, parent);
    for (let i = steps.length - 1; i >= 0; i--) {
      const id = ids[i]!;
      const after = i + 1 < steps.length ? ids[i + 1]! : next;
      nodes[id] = this.node(steps[i]!, id, after, nodes, journey);
      this.locate(journey, id, steps[i]!.span);
    }
    return steps.length ? ids[0]! : next;
  }

  private node(s: A.Step, id: string, next: string | null, nodes: Record<string, IRNode>, journey: string): IRNode {
    const sub = (steps: A.Step[], suffix: string, cont: string | null) => this.block(steps, `${id}/${suffix}`, cont, nodes, journey);
    switch (s.kind) {
      case "Wait":
        return { kind: "wait", duration: emitExpr(s.duration), next };
      case "WaitUntil":
        return s.time.kind === "TimeOfDay" ? { kind: "waitUntil", at: s.time.text, next } : { kind: "waitUntil", time: emitExpr(s.time), next };
      case "WaitFor":
        return {
          kind: "waitFor",
          ...this.match(s),
          within: s.within ? emitExpr(s.within) : { dur: 0 },
          onEvent: sub(s.body.steps, "on", next),
          onTimeout: sub(s.timeout?.steps ?? [], "timeout", next),
          next,
        };
      case "If":
        return {
          kind: "if",
          branches: s.branches.map((b, i) => ({ when: emitExpr(b.condition), then: sub(b.body.steps, i === 0 ? "then" : `elif${i}`, next) })),
          else: sub(s.else?.steps ?? [], "else", next),
          next,
        };
      case "Split":
        return {
          kind: "split",
          experiment: s.experiment?.value ?? `${journey}/${id}`,
          arms: s.arms.map((a) => ({ label: a.label.name, percent: a.percent, then: sub(a.body.steps, a.label.name, next) })),
          next,
        };
      case "Send": {
        const n: IRNode & { kind: "send" } = { kind: "send", channel: s.channel.name, next };
        if (s.transactional) n.transactional = true;
        if (s.template) {
          n.template = s.template.name.name;
          n.args = s.template.args.map((a) => emitExpr(a.value));
        }
        if (s.content) n.content = this.content(s.channel.name, s.content);
        if (s.to) n.to = emitExpr(s.to);
        return n;
      }
      case "Recommend":
        return { kind: "recommend", ...this.recommend(s), next };
      case "CallAction":
        return {
          kind: "call",
          action: s.action.name,
          args: s.args.map((a) => emitExpr(a.value)),
          ...(s.alias ? { alias: s.alias.name } : {}),
          onError: s.onError ? sub(s.onError.steps, "error", next) : null,
          next,
        };
      case "Let":
        return { kind: "let", name: s.name.name, value: emitExpr(s.value), next };
      case "Set":
        return { kind: "set", path: setPath(s.target) ?? [], value: emitExpr(s.value), next };
      case "Repeat":
        // The body loops back to the repeat node, which counts iterations.
        return { kind: "repeat", count: emitExpr(s.count), ...(s.every ? { every: emitExpr(s.every) } : {}), body: sub(s.body.steps, "body", id), next };
      case "Jump":
        return { kind: "jump", journey: s.journey.name };
      case "End":
        return { kind: "end" };
    }
  }

  private recommend(s: A.RecommendStep): Omit<IRExperienceStep & { kind: "recommend" }, "kind"> {
    return {
      name: s.name.name,
      algorithm: algorithm(s.algorithm),
      ...(s.where ? { where: emitExpr(s.where) } : {}),
      exclude: s.exclude.map((x) => (x.kind === "Name" && ["purchased", "inCart", "viewed"].includes(x.name) ? x.name : emitExpr(x))),
      limit: s.limit ? emitExpr(s.limit) : { lit: 0 },
      ...(s.backup ? { backup: algorithm(s.backup) } : {}),
    };
  }

  content(channel: string, fields: A.ContentField[]): Record<string, IRContent> {
    const spec = CHANNELS.get(channel);
    const out: Record<string, IRContent> = {};
    for (const f of fields) {
      const escape = spec?.fields.find((x) => x.name === f.name.name)?.escape ?? "none";
      out[f.name.name] = escape === "record" || f.value.kind !== "String" ? { expr: emitExpr(f.value) } : { template: f.value.value, escape };
    }
    return out;
  }

  /**
   * A template's `locale` blocks by tag, in the order of their lowercase tags (reordering the
   * blocks makes no new version); an empty block changes nothing and is left out. Undefined
   * when none is left.
   */
  locales(d: A.TemplateDecl): Record<string, Record<string, IRContent>> | undefined {
    const blocks = d.locales
      .filter((b) => b.fields.length && b.tag.kind === "String")
      .map((b) => [(b.tag as A.StringExpr).value, b.fields] as const)
      .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    if (!blocks.length) return undefined;
    return Object.fromEntries(blocks.map(([tag, fields]) => [tag, this.content(d.channel.name, fields)]));
  }

  // ── experiences ──────────────────────────────────────────────────────────────────

  /** An experience and its JSON text (versioned like a journey). */
  experience(d: A.ExperienceDecl): WithJson<IRExperience> {
    const steps: IRExperienceStep[] = [];
    const variants: IRVariant[] = [];
    let format: IRExperience["format"] = "text";
    let priority = 0;
    let timeoutMs = DEFAULT_EXPERIENCE_TIMEOUT_MS;
    let active: IRExperience["active"];
    let context: Type | undefined;
    const surfaces: string[] = [];
    for (const item of d.items) {
      switch (item.kind) {
        case "Surface":
          surfaces.push(item.uri.value);
          break;
        case "Format":
          format = item.format.name as IRExperience["format"];
          break;
        case "Priority":
          priority = constNumber(item.value) ?? priority;
          break;
        case "Timeout":
          timeoutMs = constNumber(item.value) ?? timeoutMs;
          break;
        case "Active":
          active = period(item.period);
          break;
        case "Context":
          // The checker's type: with the fields' defaults, which the runtime fills in.
          context = contextType(this.checked.ctx, this.file, item.fields);
          break;
        case "Recommend":
          steps.push({ kind: "recommend", ...this.recommend(item) });
          break;
        case "Let":
          steps.push({ kind: "let", name: item.name.name, value: emitExpr(item.value) });
          break;
        case "CallAction":
          steps.push({ kind: "call", action: item.action.name, args: item.args.map((a) => emitExpr(a.value)), ...(item.alias ? { alias: item.alias.name } : {}) });
          break;
        case "Variant": {
          const v: IRVariant = { name: item.name.name };
          if (item.when) v.when = emitExpr(item.when);
          if (item.active) v.active = period(item.active);
          if (item.content?.value.kind === "String") v.content = item.content.value.value;
          if (item.split) {
            v.split = {
              experiment: item.split.experiment?.value ?? `${d.name.name}/${item.name.name}`,
              arms: item.split.arms.map((a) => ({ label: a.label.name, percent: a.percent, content: a.content?.value.kind === "String" ? a.content.value.value : "" })),
            };
          }
          variants.push(v);
          this.locate(d.name.name, `variant:${item.name.name}`, item.span);
          break;
        }
      }
    }
    const x: Omit<IRExperience, "version"> = {
      id: d.name.name,
      ...(d.doc !== undefined ? { doc: d.doc } : {}),
      surfaces,
      format,
      priority,
      timeoutMs,
      ...(active ? { active } : {}),
      ...(context ? { context } : {}),
      steps,
      variants,
    };
    const contents = variants.flatMap((v) => [v.content ?? "", ...(v.split?.arms.map((arm) => arm.content) ?? [])]);
    return versioned(x, this.alsoJson({ fragments: fragmentsIncluded(contents, this.declared.fragments, this.partials) }));
  }

  /**
   * What else a version depends on, as JSON for `versioned`: each template, fragment and
   * action by name and hash. Undefined when it uses nothing outside itself, so that its
   * version is the hash of its own JSON alone.
   */
  private alsoJson(uses: Partial<JourneyUses>): string | undefined {
    const out: Record<string, [string, string][]> = {};
    for (const [kind, named] of Object.entries(uses) as [string, Record<string, unknown>][]) {
      if (!Object.keys(named).length) continue;
      out[kind] = Object.keys(named).map((name) => {
        const key = `${kind}\u0000${name}`;
        let h = this.hashes.get(key);
        if (h === undefined) this.hashes.set(key, (h = digest(JSON.stringify(named[name]))));
        return [name, h];
      });
    }
    return Object.keys(out).length ? JSON.stringify(out) : undefined;
  }

  // ── tests ────────────────────────────────────────────────────────────────────────

  test(d: A.TestDecl): IRTest {
    const t: IRTest = { name: d.name.value, profiles: [], events: [], expectations: [], loc: this.loc(d.span) };
    const ms = (e: A.Expr | undefined) => (e?.kind === "Duration" ? { atMs: e.ms } : {});
    const times = (n: A.Times | undefined) => (n ? { times: n.count } : {});
    for (const item of d.items) {
      switch (item.kind) {
        case "TestStart":
          if (item.time.kind === "DateTime") t.start = item.time.text;
          break;
        case "TestProfile":
          t.profiles.push({ id: item.id.value, data: emitExpr(item.value) });
          break;
        case "TestCatalog": {
          // Several `catalog` blocks of a test add up (a list split for reading).
          const items = emitExpr(item.items);
          const before = t.catalog && "list" in t.catalog.items ? t.catalog.items.list : undefined;
          t.catalog = { name: item.catalog.name, items: before && "list" in items ? { list: [...before, ...items.list] } : items };
          break;
        }
        case "TestEvent":
          t.events.push({ atMs: item.at.kind === "Duration" ? item.at.ms : 0, profileId: item.profileId.value, type: item.event.name, data: emitExpr(item.data), loc: this.loc(item.span) });
          break;
        case "TestSplit":
          // An item without its arm or profile is an error (J6004): never here.
          if (item.experiment && item.arm && item.profileId) (t.forcedArms ??= []).push({ profileId: item.profileId.value, experiment: item.experiment.value, arm: item.arm.name });
          break;
        case "ExpectSend":
          t.expectations.push({
            kind: "send",
            negated: item.negated,
            ...ms(item.at),
            channel: item.channel.name,
            ...(item.to ? { to: emitExpr(item.to) } : {}),
            conditions: item.conditions.map((c) => ({ field: c.field.name, op: c.op, value: emitExpr(c.value) })),
            ...times(item.times),
            loc: this.loc(item.span),
          });
          break;
        case "ExpectProfile":
          t.expectations.push({ kind: "profile", ...ms(item.at), profileId: item.profileId.value, conditions: item.conditions.map(pathCondition), loc: this.loc(item.span) });
          break;
        case "TestRespond":
          (t.responses ??= []).push({
            action: item.action.name,
            conditions: item.conditions.map(pathCondition),
            ...(item.answer ? { answer: emitExpr(item.answer) } : {}),
            ...(item.error ? { error: item.error.value } : {}),
            loc: this.loc(item.span),
          });
          break;
        case "TestRespondProvider":
          (t.providerResponses ??= []).push({
            provider: item.provider.value,
            ...(item.profileId ? { profileId: item.profileId.value } : {}),
            ...(item.answer ? { answer: emitExpr(item.answer) } : {}),
            ...(item.error ? { error: item.error.value } : {}),
            loc: this.loc(item.span),
          });
          break;
        case "ExpectCall":
          t.expectations.push({
            kind: "call",
            negated: item.negated,
            ...ms(item.at),
            action: item.action.name,
            conditions: item.conditions.map(pathCondition),
            ...times(item.times),
            loc: this.loc(item.span),
          });
          break;
        case "ExpectEnded":
          t.expectations.push({ kind: "ended", negated: item.negated, ...ms(item.at), ...(item.journey ? { journey: item.journey.name } : {}), ...(item.reason ? { reason: item.reason.name } : {}), ...times(item.times), loc: this.loc(item.span) });
          break;
        case "ExpectSuppressed":
          t.expectations.push({ kind: "suppressed", negated: item.negated, ...ms(item.at), channel: item.channel.name, ...(item.reason ? { reason: item.reason.name } : {}), ...times(item.times), loc: this.loc(item.span) });
          break;
        case "ExpectGoal":
          t.expectations.push({ kind: "goal", negated: item.negated, ...ms(item.at), goal: item.goal.name, ...times(item.times), loc: this.loc(item.span) });
          break;
        case "ExpectDecide": {
          const e: IRExpectation & { kind: "decide" } = { kind: "decide", ...ms(item.at), surface: item.surface.value, profileId: item.profileId.value, loc: this.loc(item.span) };
          if (item.negated) e.negated = true;
          if (item.context) e.context = emitExpr(item.context);
          if (item.variant) e.variant = item.variant.name;
          if (item.contains) e.contains = item.contains.value;
          if (item.json) e.json = { path: item.json.path.map((p) => ("index" in p ? p.index : p.name)), value: emitExpr(item.json.value) };
          t.expectations.push(e);
          break;
        }
      }
    }
    return t;
  }
}

function pathCondition(c: A.PathCondition): IRPathCondition {
  return { path: c.path.map((p) => p.name), op: c.op, value: emitExpr(c.value) };
}

/** Parameters with their types as the checker resolved them (once per compilation). */
function params(ctx: CheckContext, file: string, ps: A.Param[]): { name: string; type: Type }[] {
  const types = paramTypes(ctx, file, ps);
  return ps.map((p, i) => ({ name: p.name.name, type: types[i]! }));
}

/**
 * The source map's nodes in key order (code unit order, as `<` compares, which the default
 * sort runs natively). Names are identifiers, whose characters all sort after the `#` of
 * `name#id`: so the keys' order is the names' order, then the ids' within a name, and no
 * sort compares the long keys of a whole project.
 */
function sourceMapNodes(locations: Map<string, Map<string, IRLocation>>): Record<string, IRLocation> {
  const nodes: Record<string, IRLocation> = {};
  for (const name of [...locations.keys()].sort()) {
    const entries = locations.get(name)!;
    for (const id of [...entries.keys()].sort()) nodes[`${name}#${id}`] = entries.get(id)!;
  }
  return nodes;
}

function algorithm(c: A.CallExpr): IRAlgorithm {
  const named: Record<string, IRAlgorithm["named"][string]> = {};
  for (const a of c.args) {
    if (!a.name) continue;
    // `by: views` names a signal, not a variable.
    named[a.name.name] = a.name.name === "by" && a.value.kind === "Name" ? a.value.name : emitExpr(a.value);
  }
  return { name: c.callee.name, args: c.args.filter((a) => !a.name).map((a) => emitExpr(a.value)), named };
}

function period(p: A.ActivePeriod): { from: string; to: string } {
  const text = (e: A.Expr) => (e.kind === "DateTime" ? e.text : String(isConstant(e)?.value ?? ""));
  return { from: text(p.from), to: text(p.to) };
}

export function emitIR(checked: CheckResult, files: Map<string, A.SourceFile>): IR {
  const { symbols, ctx } = checked;
  const em = new Emitter(checked, files);
  const inFile = <R>(file: string, f: () => R): R => {
    em.file = file;
    return f();
  };
  const types: Record<string, Type> = {};
  for (const [name] of byName(symbols.types)) types[name] = ctx.named.get(name)!;
  const events: Record<string, Type> = {};
  for (const [name] of byName(symbols.events)) events[name] = ctx.named.get(name)!;
  const catalogLoc = [...symbols.catalogs.values()][0];
  const catalog = catalogLoc && ctx.catalog
    ? {
        name: ctx.catalog.name,
        key: ctx.catalog.key?.name ?? "",
        item: ctx.catalog.type,
        signals: catalogLoc.decl.signals.map((s) => ({ signal: s.signal.name, event: s.event.name, path: s.path.map((p) => p.name) })),
      }
    : undefined;
  const audiences: IR["audiences"] = {};
  for (const [name, l] of byName(symbols.audiences)) audiences[name] = { condition: emitExpr(l.decl.condition) };
  const actions: IR["actions"] = {};
  for (const [name, l] of byName(symbols.actions)) {
    const d = l.decl;
    actions[name] = {
      params: params(ctx, l.file, d.params),
      ...(d.returns ? { returns: returnType(ctx, l.file, d.returns) } : {}),
      method: d.method?.name ?? "get",
      url: d.url?.value ?? "",
      headers: Object.fromEntries((d.headers?.entries ?? []).map((h) => [h.name.name, emitExpr(h.value)])),
      ...(d.body ? { body: emitExpr(d.body) } : {}),
      ...(d.timeout && constNumber(d.timeout) !== undefined ? { timeoutMs: constNumber(d.timeout) } : {}),
      ...(d.retries && constNumber(d.retries) !== undefined ? { retries: constNumber(d.retries) } : {}),
    };
  }
  const channels: IR["channels"] = {};
  for (const [name, l] of byName(symbols.channels)) {
    const d = l.decl;
    channels[name] = {
      ...(d.from?.kind === "String" ? { from: d.from.value } : {}),
      ...(d.cap && constNumber(d.cap.count) !== undefined && constNumber(d.cap.per) !== undefined ? { cap: { count: constNumber(d.cap.count)!, perMs: constNumber(d.cap.per)! } } : {}),
      ...(d.quiet && d.quiet.from.kind === "TimeOfDay" && d.quiet.to.kind === "TimeOfDay" ? { quiet: { from: d.quiet.from.text, to: d.quiet.to.text } } : {}),
      ...(d.consent ? { consent: emitExpr(d.consent) } : {}),
    };
  }
  const fragments: IR["fragments"] = {};
  for (const [name, l] of byName(symbols.fragments)) fragments[name] = l.decl.body.kind === "String" ? l.decl.body.value : "";
  const templates: IR["templates"] = {};
  for (const [name, l] of byName(symbols.templates)) {
    const locales = em.locales(l.decl);
    templates[name] = {
      channel: l.decl.channel.name,
      params: params(ctx, l.file, l.decl.params),
      content: em.content(l.decl.channel.name, l.decl.fields),
      ...(locales ? { locales } : {}),
    };
  }
  em.declared = { templates, fragments, actions };
  const journeys: IR["journeys"] = {};
  const journeyTexts: [string, JsonPieces][] = [];
  for (const [name, l] of byName(symbols.journeys)) {
    const { value, json } = inFile(l.file, () => em.journey(l.decl));
    journeys[name] = value;
    journeyTexts.push([name, json]);
  }
  const experiences: IR["experiences"] = {};
  const experienceTexts: [string, JsonPieces][] = [];
  for (const [name, l] of byName(symbols.experiences)) {
    const { value, json } = inFile(l.file, () => em.experience(l.decl));
    experiences[name] = value;
    experienceTexts.push([name, json]);
  }
  const tests = symbols.tests.map((l) => inFile(l.file, () => em.test(l.decl)));

  const body = {
    profile: ctx.profile,
    types,
    events,
    ...(catalog ? { catalog } : {}),
    audiences,
    actions,
    channels,
    fragments,
    templates,
    journeys,
    experiences,
    tests,
  };
  // The hash of the body, its journeys and experiences from their texts. It leaves test
  // locations out, like the source map: only meaning counts.
  const hash = digest(
    objectJson([
      ["profile", JSON.stringify(body.profile)],
      ["types", JSON.stringify(types)],
      ["events", JSON.stringify(events)],
      ["catalog", catalog && JSON.stringify(catalog)],
      ["audiences", JSON.stringify(audiences)],
      ["actions", JSON.stringify(actions)],
      ["channels", JSON.stringify(channels)],
      ["fragments", JSON.stringify(fragments)],
      ["templates", JSON.stringify(templates)],
      ["journeys", objectJson(journeyTexts)],
      ["experiences", objectJson(experienceTexts)],
      // Every `loc` of a test (its own, its events', responses' and expectations') is a location.
      ["tests", JSON.stringify(tests, (key, value: unknown) => (key === "loc" ? undefined : value))],
    ]),
  );
  return { irVersion: IR_VERSION, hash, ...body, sourceMap: { files: em.fileNames, nodes: sourceMapNodes(em.locations) } };
}
