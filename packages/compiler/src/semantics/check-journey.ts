/** Journeys: clauses, every step kind, scopes and flow narrowing. */
import { MAX_NODES_PER_STEP } from "@journey/ir";
import { isAssignable, nonNull, rootNames, T, typeToString, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { blocksOf } from "../syntax/blocks.js";
import { walk } from "../syntax/walk.js";
import { CHANNELS, REENTRY_MODES, RESERVED_NAMES } from "./builtins.js";
import { checkContentFields, reportUnknownDecl, rootScope } from "./check-declarations.js";
import type { CheckContext } from "./context.js";
import { checkCondition, expectType, quotedValue, requireValue, typeOf, widen, expectConstant, expectAtLeast } from "./expressions.js";
import { constNumber } from "./constants.js";
import { checkRecommend } from "./recommend.js";
import { pathKey, Scope } from "./scope.js";
import { resolveType, paramTypes, returnType } from "./types.js";


/** Bindings of one journey or experience: names must be unique across it. */
export class Bindings {
  private readonly seen = new Map<string, A.Span>();
  constructor(private readonly ctx: CheckContext) {}

  /** Define `id` in `scope` with `type`, unless it is reserved or already defined. */
  define(scope: Scope, id: A.Ident, type: Type, kind: "let" | "recommend" | "call" | "alias"): void {
    if (RESERVED_NAMES.has(id.name)) {
      this.ctx.report("reservedName", { name: id.name }, id.span);
      return;
    }
    const prev = this.seen.get(id.name);
    if (prev) this.ctx.report("duplicateBinding", { name: id.name }, id.span, { related: [this.ctx.related(this.ctx.file, prev, "first defined here")] });
    else this.seen.set(id.name, id.span);
    const target = { file: this.ctx.file, span: id.span };
    scope.define({ name: id.name, type, kind, target });
    this.ctx.reference(id.span, id.name, kind, target, type, true);
  }
}

/** The scope of an event's `where` (and of a `wait for` body): the alias, and `event`. */
function eventScope(ctx: CheckContext, parent: Scope, m: A.EventMatch, bindings?: Bindings): Scope {
  const decl = ctx.symbols.events.get(m.event.name);
  if (!decl) reportUnknownDecl(ctx, "unknownEvent", m.event, ctx.symbols.events.keys());
  // An unknown event still binds `event` and the alias, of no known type: a typo in the event's
  // name is one error, not one more at every read of the alias.
  const type = decl ? (ctx.named.get(m.event.name) ?? T.unknown) : T.unknown;
  const declared = decl && { file: decl.file, span: decl.decl.name.span };
  if (declared) ctx.reference(m.event.span, m.event.name, "event", declared, type);
  const scope = parent.child();
  scope.define({ name: "event", type, kind: "event", target: declared });
  if (m.alias) {
    if (bindings) bindings.define(scope, m.alias, type, "alias");
    else {
      const target = { file: ctx.file, span: m.alias.span };
      scope.define({ name: m.alias.name, type, kind: "alias", target });
      ctx.reference(m.alias.span, m.alias.name, "alias", target, type, true);
    }
  }
  return scope;
}

function checkWhere(ctx: CheckContext, m: A.EventMatch, scope: Scope): void {
  if (m.where) checkCondition(ctx, m.where, scope);
}

export function checkJourney(ctx: CheckContext, d: A.JourneyDecl): void {
  const bindings = new Bindings(ctx);
  const scope = rootScope(ctx);
  const firstStep = d.body.steps[0]?.span.start ?? Infinity;
  const triggers = d.clauses.filter((c) => c.kind === "OnEvent" || c.kind === "OnAudience" || c.kind === "OnSchedule");
  if (triggers.length === 0) ctx.report("missingTrigger", { name: d.name.name }, d.name.span);
  for (const extra of triggers.slice(1)) ctx.report("duplicateTrigger", {}, extra.span, { related: [ctx.related(ctx.file, triggers[0]!.span, "the first trigger")] });
  const seenClauses = new Map<string, A.Span>();
  for (const c of d.clauses) {
    const word = c.kind === "Reentry" ? "reentry" : c.kind === "ExitOn" ? "exit on" : c.kind === "Goal" ? "goal" : "on";
    if (c.span.start > firstStep) ctx.report("clauseAfterSteps", { clause: word }, c.span);
    if (c.kind === "Reentry") {
      const prev = seenClauses.get("reentry");
      if (prev) ctx.report("duplicateClause", { clause: "reentry" }, c.span, { related: [ctx.related(ctx.file, prev, "first given here")] });
      seenClauses.set("reentry", c.span);
    }
    // Tests and the timeline name goals: two of one name would make `expect goal` ambiguous.
    if (c.kind === "Goal" && c.name?.name) {
      const prev = seenClauses.get(`goal ${c.name.name}`);
      if (prev) ctx.report("duplicateGoal", { name: c.name.name }, c.name.span, { related: [ctx.related(ctx.file, prev, "first declared here")] });
      else seenClauses.set(`goal ${c.name.name}`, c.name.span);
    }
  }
  // The trigger's alias is in scope for the whole journey.
  const trigger = triggers[0];
  if (trigger?.kind === "OnEvent") {
    const ts = eventScope(ctx, scope, trigger);
    checkWhere(ctx, trigger, ts);
    if (trigger.alias) bindings.define(scope, trigger.alias, ts.lookup("event")!.type, "alias");
  }
  for (const c of d.clauses) checkClause(ctx, c, scope, c === trigger);
  checkBlock(ctx, d.body.steps, scope, bindings);
  // A run starts at the journey's entry, with nothing run yet.
  checkRunawayRepeats(ctx, d.body.steps, { nodes: 0 });
}

/**
 * `jump to X` where X reads the alias of its event trigger (J3024): a jump starts X without
 * an event, so the name would be undefined. Read from the syntax of every journey after all
 * are checked (not from one journey's checking), so the answer does not depend on which
 * declarations an editor re-checked; it is an error of the jump, pointing at the alias.
 */
export function checkJumpTargets(ctx: CheckContext, files: readonly { path: string; declarations: A.Declaration[] }[]): void {
  const jumps: { file: string; step: A.JumpStep }[] = [];
  for (const f of files) {
    for (const d of f.declarations) {
      if (d.kind === "JourneyDecl" && !d.recovered) walk(d.body, (n) => n.kind === "Jump" && jumps.push({ file: f.path, step: n as unknown as A.JumpStep }));
    }
  }
  const readers = new Map<string, { alias: A.Ident; file: string } | undefined>();
  for (const { file, step } of jumps) {
    const target = step.journey.name;
    if (!readers.has(target)) readers.set(target, aliasRead(ctx.symbols.journeys.get(target)));
    const r = readers.get(target);
    if (!r) continue;
    ctx.inFile(file, () =>
      ctx.report("jumpToAliasReader", { target, alias: r.alias.name }, step.journey.span, {
        related: [ctx.related(r.file, r.alias.span, "the alias, bound only when the trigger's event starts the journey")],
        help: `make \`${target}\` read \`profile\` instead of \`${r.alias.name}\`, or jump to a journey triggered \`on enter\` or \`on schedule\``,
      }),
    );
  }
}

/**
 * Journeys that jump to each other in a cycle with no wait on the way (J3026): one input
 * would run them forever, and the runtime's limit would fail them after 100 jumps, every
 * message of the chain held back. Only jumps every run reaches are followed (steps of the body itself, no
 * wait before them): a jump inside an `if` may be how a loop ends.
 */
export function checkJumpCycles(ctx: CheckContext): void {
  const jumps = new Map<string, { step: A.JumpStep; file: string }>();
  for (const [name, { decl, file }] of ctx.symbols.journeys) {
    const step = decl.recovered ? undefined : certainJump(ctx, decl.body.steps);
    if (step) jumps.set(name, { step, file });
  }
  const reported = new Set<string>();
  for (const start of [...jumps.keys()].sort()) {
    const path = [start];
    for (let next = jumps.get(start)!.step.journey.name; jumps.has(next) && !path.includes(next); next = jumps.get(next)!.step.journey.name) path.push(next);
    const last = jumps.get(path[path.length - 1]!)!.step.journey.name;
    // Reported once, at the jump of the cycle's first journey by name.
    if (last !== start || path.some((j) => reported.has(j))) continue;
    for (const j of path) reported.add(j);
    const { step, file } = jumps.get(start)!;
    ctx.inFile(file, () =>
      ctx.report("jumpCycle", { cycle: [...path, start].map((j) => `\`${j}\``).join(" → ") }, step.span, {
        related: path.slice(1).map((j) => ctx.related(jumps.get(j)!.file, jumps.get(j)!.step.span, `\`${j}\` jumps on here`)),
        help: "wait before the `jump to` (`wait 1d`), or jump only when a condition holds",
      }),
    );
  }
}

/** The `jump to` every run of these steps reaches without waiting, if there is one. */
function certainJump(ctx: CheckContext, steps: A.Step[]): A.JumpStep | undefined {
  for (const s of steps) {
    if (s.kind === "Jump") return s;
    if (mayWait(ctx, s) || leaving(s)) return undefined;
  }
  return undefined;
}

/** The alias of the journey's event trigger, if its clauses, steps or messages read it. */
function aliasRead(loc: { decl: A.JourneyDecl; file: string } | undefined): { alias: A.Ident; file: string } | undefined {
  const d = loc?.decl;
  const trigger = d?.clauses.find((c) => c.kind === "OnEvent" || c.kind === "OnAudience" || c.kind === "OnSchedule");
  if (!d || d.recovered || trigger?.kind !== "OnEvent" || !trigger.alias) return undefined;
  const name = trigger.alias.name;
  let read = false;
  const visit = (n: { kind?: string } & Record<string, unknown>) => {
    if (n.kind === "Name" && n["name"] === name) read = true;
    else if (n.kind === "String" && typeof n["value"] === "string" && n["value"].includes("{{") && rootNames(n["value"]).has(name)) read = true;
  };
  // The trigger's own `where` runs only when its event starts the journey; a clause with an
  // alias of the same name reads its own event.
  for (const c of d.clauses) if (c !== trigger && !("alias" in c && c.alias?.name === name)) walk(c, visit);
  walk(d.body, visit);
  return read ? { alias: trigger.alias, file: loc!.file } : undefined;
}

/** What `on schedule every …` repeats by, besides a duration. */
const SCHEDULE_PERIODS = new Set(["day", "week", "month"]);

function checkClause(ctx: CheckContext, c: A.JourneyClause, scope: Scope, isTrigger: boolean): void {
  switch (c.kind) {
    case "OnEvent":
      if (!isTrigger) checkWhere(ctx, c, eventScope(ctx, scope, c));
      return;
    case "OnAudience":
      if (!ctx.symbols.audiences.has(c.audience.name)) reportUnknownDecl(ctx, "unknownAudience", c.audience, ctx.symbols.audiences.keys());
      else referenceDecl(ctx, c.audience, "audience");
      return;
    case "OnSchedule":
      if (!("kind" in c.every) && !SCHEDULE_PERIODS.has(c.every.name)) ctx.report("invalidSchedule", { text: c.every.name }, c.every.span);
      else if (c.day && ("kind" in c.every || c.every.name !== "month")) ctx.report("scheduleDayWithoutMonth", { every: ctx.text(c.every.span) }, c.day.span);
      else if (c.day && !(c.day.kind === "Number" && c.day.isInt && c.day.value >= 1 && c.day.value <= 31)) ctx.report("invalidScheduleDay", { text: ctx.text(c.day.span) }, c.day.span);
      if (!ctx.symbols.audiences.has(c.audience.name)) reportUnknownDecl(ctx, "unknownAudience", c.audience, ctx.symbols.audiences.keys());
      else referenceDecl(ctx, c.audience, "audience");
      return;
    case "Reentry":
      if (!REENTRY_MODES.includes(ctx.text(c.modeSpan))) {
        // With a duration after it, the word can only have meant `after`, however it is spelt.
        const meant = c.after ? { help: "did you mean `after`?", fix: ctx.replace("change to `after`", c.modeSpan, "after") } : ctx.didYouMean(ctx.text(c.modeSpan), REENTRY_MODES, c.modeSpan);
        ctx.report("invalidReentry", { text: ctx.text(c.modeSpan) }, c.modeSpan, meant);
      }
      else if (c.mode === "after") {
        if (!c.after) ctx.report("reentryNeedsDuration", {}, c.modeSpan);
        else expectConstant(ctx, c.after, T.duration, "`reentry after`", scope, 0);
      }
      return;
    case "ExitOn":
      checkWhere(ctx, c, eventScope(ctx, scope, c));
      return;
    case "Goal":
      checkWhere(ctx, c, eventScope(ctx, scope, c));
      if (!c.within) ctx.report("goalWithoutWithin", {}, { start: c.span.start, end: c.event.span.end });
      else expectConstant(ctx, c.within, T.duration, "a goal's `within`", scope, 0);
      return;
  }
}

/** Check a sequence of steps in `scope` (which later steps' facts and bindings extend). */
export function checkBlock(ctx: CheckContext, steps: A.Step[], scope: Scope, bindings: Bindings): void {
  let terminatedBy: string | undefined;
  for (const step of steps) {
    if (terminatedBy) {
      ctx.report("unreachable", { after: terminatedBy }, step.span);
      terminatedBy = undefined;
      // Checked all the same: a mistake in unreachable code is still a mistake.
    }
    checkStep(ctx, step, scope, bindings);
    // A `set` in a nested block that carries on past it (`if a { set profile.x = null }`)
    // may have run: past the step, what was known of its path is void.
    for (const path of assignedWithin(step)) scope.forget(path);
    if (mayWait(ctx, step)) scope.forget("profile");
    terminatedBy = leaving(step);
  }
}

/** The profile paths a step's nested blocks assign and may carry on past the step with. */
function assignedWithin(s: A.Step): string[] {
  const out: string[] = [];
  const block = (b: A.Block) => {
    if (alwaysLeaves(b)) return;
    for (const x of b.steps) {
      if (x.kind === "Set") {
        const path = pathKey(x.target);
        if (path) out.push(path);
      } else out.push(...assignedWithin(x));
    }
  };
  for (const b of blocksOf(s)) block(b);
  return out;
}

/**
 * Whether the instance may wait in `s` (or a nested block it carries on past) and go on after
 * it. While it waits, the profile changes under it (an import, another journey's `set`), so
 * what a null check proved of `profile.…` before the wait no longer holds after it.
 * Bindings (`let`, aliases, call results) cannot change: what is known of them stays.
 */
function mayWait(ctx: CheckContext, s: A.Step): boolean {
  const block = (b: A.Block | undefined) => b !== undefined && !alwaysLeaves(b) && b.steps.some((x) => mayWait(ctx, x));
  switch (s.kind) {
    case "Wait":
      return !noTime(s.duration);
    case "WaitUntil":
    case "WaitFor":
    case "Recommend": // answered asynchronously, as a call is
    case "CallAction":
      return true;
    case "Send":
      return quietHours(ctx, s);
    case "Repeat":
      return (s.every !== undefined && !noTime(s.every)) || block(s.body);
    case "If":
      return s.branches.some((b) => block(b.body)) || block(s.else);
    case "Split":
      return s.arms.some((a) => block(a.body));
    default:
      return false;
  }
}

/** A literal duration of zero: the runtime goes on at once, in the same step (`wait 0s`, `every 0s`). */
function noTime(d: A.Expr): boolean {
  return constNumber(d) === 0;
}

/** The steps certain to run in the current run before a point: how many nodes, and the first of them. */
interface RunSoFar {
  nodes: number;
  first?: A.Step;
}

/**
 * A `repeat` certain to take a run past the runtime's limit of nodes one instance runs without
 * waiting (J3027). A run is what the runtime executes for one input: from the journey's entry,
 * or from where a wait resumes (the step after a `wait`, a call or a recommendation, the body
 * or timeout of a `wait for`, an `on error`), to the next wait. Every time the `repeat` is
 * reached, the run has executed the steps certain to run before it since its start (`before`:
 * the steps before it in its block after the last one that may wait, the `if`, `split` or
 * `repeat` around it, and the steps before those) and then runs the loop's own nodes
 * (`certainNodes`: a literal count, a body that never waits nor leaves); past the limit, the
 * runtime fails it with none of its messages delivered. Only steps certain to run count: a
 * step that may wait starts the count again, an `if` counts its shortest way, so a journey the
 * check reports always fails there. Reported at the innermost such `repeat` (an outer one
 * around it is then certain too), and once per run for a loop over the limit only with the
 * steps before it (the run fails there: later loops are not reached). Returns whether it
 * reported one in `steps`.
 */
function checkRunawayRepeats(ctx: CheckContext, steps: A.Step[], before: RunSoFar): boolean {
  let run = before;
  let reported = false;
  const inBlock = (b: A.Block | undefined, start: RunSoFar) => {
    if (b && checkRunawayRepeats(ctx, b.steps, start)) reported = true;
  };
  for (const s of steps) {
    // Inside `s`'s blocks, `s` itself has run (the node that chose the branch, a round's start).
    const within: RunSoFar = { nodes: run.nodes + 1, first: run.first ?? s };
    const resumed: RunSoFar = { nodes: 0 };
    switch (s.kind) {
      case "If":
        for (const b of s.branches) inBlock(b.body, within);
        inBlock(s.else, within);
        break;
      case "Split":
        for (const a of s.arms) inBlock(a.body, within);
        break;
      case "WaitFor":
        inBlock(s.body, resumed);
        inBlock(s.timeout, resumed);
        break;
      case "CallAction":
        inBlock(s.onError, resumed);
        break;
      case "Repeat": {
        const wasReported: boolean = reported;
        reported = false;
        inBlock(s.body, within);
        const own = certainNodes(ctx, s);
        const nodes = run.nodes + own;
        if (!reported && (own > MAX_NODES_PER_STEP || (run.nodes <= MAX_NODES_PER_STEP && nodes > MAX_NODES_PER_STEP))) {
          reportRunaway(ctx, s, nodes, run);
          reported = true;
        }
        reported ||= wasReported;
        break;
      }
      default:
        break;
    }
    run = mayWait(ctx, s) ? { nodes: 0 } : { nodes: run.nodes + certainNodes(ctx, s), first: run.first ?? s };
  }
  return reported;
}

function reportRunaway(ctx: CheckContext, s: A.RepeatStep, nodes: number, before: RunSoFar): void {
  const related =
    before.nodes > 0 && before.first
      ? [ctx.related(ctx.file, before.first.span, `the ${before.nodes} steps that run before the \`repeat\` without waiting start here`)]
      : [];
  // A count of 309 digits or more is Infinity as a number.
  ctx.report("runawayRepeat", { nodes: Number.isFinite(nodes) ? nodes : "over 10^308", max: MAX_NODES_PER_STEP }, s.count.span, {
    help: "wait between rounds (`repeat … every 1h`), in the body or before the loop, or repeat fewer times",
    related,
  });
}

/**
 * The nodes a step certainly runs each time it is reached and the run goes on past it (see
 * `checkRunawayRepeats`). One node per step (the IR's shape),
 * plus the shortest of the blocks an `if` or `split` may take (none, when no branch is certain
 * to be taken); a `repeat` whose count is not a literal, or that may wait or leave, counts as
 * its own node only (it may run no round).
 */
function certainNodes(ctx: CheckContext, s: A.Step): number {
  const block = (b: A.Block | undefined): number => (b ? b.steps.reduce((n, x) => n + certainNodes(ctx, x), 0) : 0);
  switch (s.kind) {
    case "Repeat": {
      const count = s.count.kind === "Number" && s.count.isInt ? s.count.value : undefined;
      if (count === undefined || mayWait(ctx, s) || leavesWithin(s.body)) return 1;
      // The repeat node runs once per round, and once more to find the count reached.
      return count * (1 + block(s.body)) + 1;
    }
    case "If":
      return 1 + Math.min(...s.branches.map((b) => block(b.body)), block(s.else));
    case "Split": {
      // Arms that add up to less than 100% (an error of its own) may let a profile through.
      const covered = s.arms.reduce((t, a) => t + a.percent, 0) >= 100;
      return 1 + (covered && s.arms.length ? Math.min(...s.arms.map((a) => block(a.body))) : 0);
    }
    default:
      return 1;
  }
}

/** Whether a block may leave the journey somewhere inside (`end` or `jump to`, at any depth). */
function leavesWithin(b: A.Block): boolean {
  let found = false;
  walk(b, (n) => {
    if (n.kind === "End" || n.kind === "Jump") found = true;
  });
  return found;
}

/** A send on a channel with quiet hours may wait for them to end before it renders and sends (a transactional one never waits). */
function quietHours(ctx: CheckContext, s: A.SendStep): boolean {
  return !s.transactional && ctx.symbols.channels.get(s.channel.name)?.decl.quiet !== undefined;
}

/** A child of `scope` that knows nothing of the profile: it runs after the instance waited. */
function afterWaiting(scope: Scope): Scope {
  const child = scope.child();
  child.forget("profile");
  return child;
}

function forgetting(scope: Scope, paths: string[]): Scope {
  for (const p of paths) scope.forget(p);
  return scope;
}

/** Whether a block always leaves the journey (its last step is `end` or `jump to`). */
function alwaysLeaves(b: A.Block): boolean {
  const last = b.steps[b.steps.length - 1];
  return last !== undefined && leaving(last) !== undefined;
}

/** How a step leaves the journey on every path (`end`, `jump to`, or branches that all do), if it does. */
function leaving(s: A.Step): string | undefined {
  if (s.kind === "End") return "end";
  if (s.kind === "Jump") return "jump to";
  if (s.kind === "If" && s.else && s.branches.every((b) => alwaysLeaves(b.body)) && alwaysLeaves(s.else)) return "an `if` whose every branch ends";
  if (s.kind === "Split" && s.arms.length && s.arms.every((a) => alwaysLeaves(a.body))) return "a `split` whose every arm ends";
  return undefined;
}

const WAIT_UNTIL_FORMS = "`wait until` takes a date-time (`wait until order.deliveredAt + 2d`, `wait until atTime(now() + 1d, \"10:00\", profile.timezone)`) or a time of day, unquoted (`wait until 09:00`: the next 09:00 in the profile's time zone)";

function checkStep(ctx: CheckContext, s: A.Step, scope: Scope, bindings: Bindings): void {
  switch (s.kind) {
    case "Wait":
      if (isAssignable(expectType(ctx, s.duration, T.duration, scope), T.duration)) expectAtLeast(ctx, s.duration, "a `wait`", 0);
      return;
    case "WaitUntil":
      // `wait until 09:00`: the next 09:00 in the profile's time zone (the literal is checked by the parser).
      if (s.time.kind !== "TimeOfDay") expectType(ctx, s.time, T.datetime, scope, undefined, WAIT_UNTIL_FORMS);
      return;
    case "WaitFor": {
      // The `where`, the body and the timeout run when the event comes or the time is up.
      const waited = afterWaiting(scope);
      const es = eventScope(ctx, waited, s, bindings);
      checkWhere(ctx, s, es);
      if (!s.within) ctx.report("waitForWithoutWithin", {}, { start: s.span.start, end: s.event.span.end });
      // `within 0s` times out before any event: timers due at an instant run before its events.
      else if (isAssignable(expectType(ctx, s.within, T.duration, scope), T.duration)) expectAtLeast(ctx, s.within, "the `within` of a `wait for`", 1);
      checkBlock(ctx, s.body.steps, es.child(), bindings);
      if (s.timeout) checkBlock(ctx, s.timeout.steps, afterWaiting(scope), bindings);
      return;
    }
    case "If": {
      let elseFacts: string[] = [];
      for (const b of s.branches) {
        const condScope = scope.narrowed(elseFacts);
        const facts = checkCondition(ctx, b.condition, condScope);
        checkBlock(ctx, b.body.steps, condScope.narrowed(facts.whenTrue), bindings);
        elseFacts = [...elseFacts, ...facts.whenFalse];
      }
      if (s.else) checkBlock(ctx, s.else.steps, scope.narrowed(elseFacts), bindings);
      // `if x == null { end }`: past the `if`, `x` is known to be there.
      else if (s.branches.every((b) => alwaysLeaves(b.body))) scope.assume(elseFacts);
      return;
    }
    case "Split":
      checkSplitArms(ctx, s.arms, s.span, s.experiment);
      for (const arm of s.arms) checkBlock(ctx, arm.body.steps, scope.child(), bindings);
      return;
    case "Send":
      checkSend(ctx, s, scope);
      return;
    case "Recommend":
      bindings.define(scope, s.name, checkRecommend(ctx, s, scope), "recommend");
      return;
    case "CallAction": {
      const result = checkCall(ctx, s, scope);
      if (s.onError) checkBlock(ctx, s.onError.steps, afterWaiting(scope), bindings);
      // After an `on error` that goes on, the result is null: its type says so.
      const fallsThrough = s.onError !== undefined && !alwaysLeaves(s.onError);
      if (s.alias) bindings.define(scope, s.alias, fallsThrough ? T.optional(result) : result, "call");
      return;
    }
    case "Let": {
      const t = typeOf(ctx, s.value, scope);
      bindings.define(scope, s.name, widen(t), "let");
      return;
    }
    case "Set":
      checkSet(ctx, s, scope);
      return;
    case "Repeat":
      if (isAssignable(expectType(ctx, s.count, T.int, scope), T.int)) expectAtLeast(ctx, s.count, "a `repeat` count", 0);
      if (s.every && isAssignable(expectType(ctx, s.every, T.duration, scope), T.duration)) expectAtLeast(ctx, s.every, "the `every` of a `repeat`", 0);
      // A `set` later in the body has run before the next round reaches its start, and so
      // has any wait (`every` waits between rounds).
      const body = forgetting(scope.child(), assignedWithin(s));
      if (mayWait(ctx, s)) body.forget("profile");
      checkBlock(ctx, s.body.steps, body, bindings);
      return;
    case "Jump":
      if (!ctx.symbols.journeys.has(s.journey.name)) reportUnknownDecl(ctx, "unknownJourney", s.journey, ctx.symbols.journeys.keys());
      else referenceDecl(ctx, s.journey, "journey");
      return;
    case "End":
      return;
  }
}

/** Split arms: percentages in range, adding up to 100, labels unique. */
export function checkSplitArms(ctx: CheckContext, arms: { label: A.Ident; percent: number; percentSpan: A.Span }[], span: A.Span, experiment?: A.StringExpr): void {
  if (experiment && !experiment.value.trim()) ctx.report("emptyExperiment", {}, experiment.span);
  const labels = new Map<string, A.Span>();
  let total = 0;
  for (const arm of arms) {
    if (arm.percent < 0 || arm.percent > 100) ctx.report("invalidPercent", {}, arm.percentSpan);
    total += arm.percent;
    const prev = labels.get(arm.label.name);
    if (prev) ctx.report("duplicateLabel", { name: arm.label.name }, arm.label.span, { related: [ctx.related(ctx.file, prev, "first declared here")] });
    labels.set(arm.label.name, arm.label.span);
  }
  total = Math.round(total * 1000) / 1000;
  if (total !== 100) {
    // The fix gives the last arm (a holdout, most often) what the others leave of 100%, when that is a percentage.
    const last = arms[arms.length - 1];
    const rest = last && Math.round((100 - (total - last.percent)) * 1000) / 1000;
    const fix = last && rest! >= 0 && rest! <= 100 ? { fix: ctx.replace(`make \`${last.label.name}\` ${rest}% (the arms then add up to 100%)`, last.percentSpan, `${rest}%`) } : {};
    ctx.report("splitTotal", { total }, { start: span.start, end: span.start + "split".length }, {
      related: arms.map((a) => ctx.related(ctx.file, a.percentSpan, `${a.label.name}: ${a.percent}%`)),
      ...fix,
    });
  }
}

function checkSend(ctx: CheckContext, s: A.SendStep, scope: Scope): void {
  const channel = CHANNELS.get(s.channel.name);
  if (!channel) reportUnknownDecl(ctx, "unknownChannel", s.channel, CHANNELS.keys());
  // Quiet hours make the send wait before it renders: its arguments and content are evaluated
  // when they end, when a null check made before may no longer hold. Its recipient is read then
  // too, but one gone null (or blank) meanwhile makes the send suppressed (`noRecipient`), not
  // failed: a check made before the send stands for it (`if profile.phone != null { send sms … to profile.phone }`).
  const sending = quietHours(ctx, s) ? afterWaiting(scope) : scope;
  if (s.template) {
    const tpl = ctx.symbols.templates.get(s.template.name.name);
    if (!tpl) reportUnknownDecl(ctx, "unknownTemplate", s.template.name, ctx.symbols.templates.keys());
    else {
      referenceDecl(ctx, s.template.name, "template");
      if (channel && tpl.decl.channel?.name && tpl.decl.channel.name !== channel.name) {
        const [declared, used] = [tpl.decl.channel.name, channel.name];
        ctx.report("templateChannel", { name: tpl.decl.name.name, declared, used }, s.template.name.span, {
          related: [ctx.related(tpl.file, tpl.decl.channel.span, "declared for this channel")],
          help: `send it by \`${declared}\`, or, to send by \`${used}\`, use a template declared \`for ${used}\` or write the message here: \`send ${used} { … }\``,
          // Sending it on its own channel is the one change that needs nothing else (a template for a channel the project lacks is J1013 already).
          ...(CHANNELS.has(declared) ? { fix: ctx.replace(`change to \`send ${declared}\``, s.channel.span, declared) } : {}),
        });
      }
      // A template the parser recovered inside has no reliable parameters to check against.
      if (!tpl.decl.recovered) {
        const params = paramTypes(ctx, tpl.file, tpl.decl.params);
        checkArguments(ctx, tpl.decl.name.name, tpl.decl.params.map((p) => p.name.name), params, s.template.args, s.template.span, sending);
      }
    }
  } else if (s.content && channel) {
    checkContentFields(ctx, channel, s.content, sending, s.channel.span);
  }
  if (s.to) expectType(ctx, s.to, T.string, scope);
  else if (channel?.needsRecipient) ctx.report("missingRecipient", { channel: channel.name }, s.channel.span);
}

/** Positional arguments against declared parameters (templates, actions). */
export function checkArguments(ctx: CheckContext, callee: string, names: string[], params: Type[], args: A.Arg[], span: A.Span, scope: Scope): void {
  for (const a of args) {
    if (!a.name) continue;
    // `Weather(city: "Oslo")` names a parameter it has: what is wrong is naming it at all.
    if (names.includes(a.name.name)) ctx.report("positionalArguments", { callee, name: a.name.name }, a.name.span, { fix: ctx.replace(`remove \`${a.name.name}:\``, { start: a.name.span.start, end: a.value.span.start }, "") });
    else ctx.report("unknownArgument", { callee, name: a.name.name }, a.name.span);
  }
  if (args.length !== params.length) {
    ctx.report("argumentCount", { callee, expected: params.length, s: params.length === 1 ? "" : "s", actual: args.length }, span);
    for (const a of args) typeOf(ctx, a.value, scope);
    return;
  }
  args.forEach((a, i) => {
    if (names[i] === undefined) return;
    // Which parameter: a call of several arguments of one type says which is wrong.
    expectType(ctx, a.value, params[i]!, scope, undefined, `for parameter \`${names[i]}\` of \`${callee}\``);
  });
}

export function checkCall(ctx: CheckContext, s: A.CallStep, scope: Scope): Type {
  const action = ctx.symbols.actions.get(s.action.name);
  if (!action) {
    reportUnknownDecl(ctx, "unknownAction", s.action, ctx.symbols.actions.keys());
    for (const a of s.args) typeOf(ctx, a.value, scope);
    return T.unknown;
  }
  const d = action.decl;
  referenceDecl(ctx, s.action, "action");
  if (d.recovered) return T.unknown;
  const params = paramTypes(ctx, action.file, d.params);
  checkArguments(ctx, d.name.name, d.params.map((p) => p.name.name), params, s.args, { start: s.action.span.start, end: s.span.end }, scope);
  return d.returns ? returnType(ctx, action.file, d.returns) : T.null;
}

function checkSet(ctx: CheckContext, s: A.SetStep, scope: Scope): void {
  const segments: A.Ident[] = [];
  let e: A.Expr = s.target;
  while (e.kind === "Member") {
    segments.unshift(e.property);
    e = e.object;
  }
  if (e.kind !== "Name" || e.name !== "profile" || segments.length === 0) {
    ctx.report("invalidSetTarget", {}, s.target.span);
    typeOf(ctx, s.value, scope);
    return;
  }
  const root = scope.lookup("profile");
  if (root?.target) ctx.reference(e.span, "profile", "profile", root.target, ctx.profile);
  // The target is a place, not a value: an optional field may be assigned.
  let target: Type = ctx.profile;
  for (const seg of segments) {
    const base = nonNull(target);
    const f = base.kind === "record" ? base.fields.find((x) => x.name === seg.name) : undefined;
    if (!f) {
      typeOf(ctx, s.target, scope);
      typeOf(ctx, s.value, scope);
      return;
    }
    target = f.optional ? T.optional(f.type) : f.type;
    ctx.reference(seg.span, seg.name, "field", ctx.fieldDecls.get(f), target);
  }
  const v = typeOf(ctx, s.value, scope);
  const value = target.kind === "optional" ? v : requireValue(ctx, s.value, v, scope);
  if (!isAssignable(value, target)) ctx.report("typeMismatch", { expected: typeToString(target), actual: typeToString(value) }, s.value.span, quotedValue(ctx, s.value, target));
  // A null check made before no longer holds; a value that cannot be null makes a new one.
  const path = ["profile", ...segments.map((x) => x.name)].join(".");
  scope.forget(path);
  if (v.kind !== "optional" && v.kind !== "null" && v.kind !== "unknown") scope.assume([path]);
}

/** Record a use of a declared name (an audience, template, action or journey) that resolved. */
export function referenceDecl(ctx: CheckContext, id: A.Ident, kind: "audience" | "template" | "action" | "journey" | "catalog" | "event"): void {
  const decl = ctx.symbols.all.get(id.name);
  if (decl) ctx.reference(id.span, id.name, kind, { file: decl.file, span: decl.decl.name.span });
}
