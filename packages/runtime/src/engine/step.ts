/**
 * The functional core: `step(program, state, input, now) → { state, effects }`.
 *
 * Deterministic: the result depends only on the program, the profile's state, the input and
 * the time — no clock, no I/O, no randomness. Calls and recommendations are requests
 * (effects) whose results come back as inputs, so simulation, tests and crash recovery all
 * run this same code. `step` takes ownership of the state it is given (it is updated in
 * place for speed); callers that need the old state pass a copy.
 */
import { MAX_NODES_PER_STEP, type IRExpr, type IRJourney, type IRNode, type IRTrigger } from "@journey/ir";
import { EvalError, evaluate, toInstant, type EvalEnv } from "./evaluate.js";
import type { Program } from "./program.js";
import { profileLocale, renderContent } from "./render.js";
import { armIndex } from "./split.js";
import { requestFor } from "../recs/resolve.js";
import type { AlgorithmYield, Effect, EventEnvelope, Instance, ProfileState } from "./state.js";
import { atLocalTime, lastLocalTime, localMinutes, localParts, nextLocalTime, nextMonthlyTime, parseTimeOfDay } from "./time.js";
import { attributeProblem } from "./validate.js";

export type Input =
  | { kind: "event"; event: EventEnvelope }
  /** Timers due at `now` (waits, `wait for` timeouts, schedules). */
  | { kind: "tick" }
  /** New attributes for the profile (validated, defaults applied). */
  | { kind: "profile"; attributes: Record<string, unknown> }
  /** A new deployment: schedules it added or whose cadence it changed are worked out (see `armSchedules`). */
  | { kind: "deploy" }
  /** The profile is deleted (erasure): every live instance ends, with reason `deleted`; the shell then drops the state. */
  | { kind: "erase" }
  /** The outcome of a `callRequest` or `recommendRequest`. */
  | { kind: "result"; request: string; ok: true; value: unknown; items?: { key: string; source: string }[]; failed?: string[]; short?: AlgorithmYield[] }
  | { kind: "result"; request: string; ok: false; error: string };

export interface StepResult {
  state: ProfileState;
  effects: Effect[];
}

/**
 * Upper bound of `jump to`s in one step that are under way at once (each runs its target inside
 * it): journeys that jump to each other without waiting must not overflow the stack. A chain
 * shares it with the chains started inside it (a `set` may start an `on enter` journey that
 * jumps); chains one after the other (two journeys on one event) each have all of it.
 */
const MAX_JUMPS_PER_STEP = 100;
const DAY = 86_400_000;

export function step(program: Program, state: ProfileState, input: Input, now: number): StepResult {
  const run = new Run(program, state, now);
  switch (input.kind) {
    case "event":
      run.onEvent(input.event);
      break;
    case "tick":
      run.onTick();
      break;
    case "profile":
      run.onProfile(input.attributes);
      break;
    case "deploy":
      run.armSchedules();
      break;
    case "result":
      run.onResult(input);
      break;
    case "erase":
      run.onErase();
      break;
  }
  return { state, effects: run.effects };
}

class Run {
  readonly effects: Effect[] = [];
  /** The `jump to`s under way (see `MAX_JUMPS_PER_STEP`). */
  private jumps = 0;
  /** The audiences the profile was in before this step, and those it entered during it (see `updateAudiences`). */
  private audiencesBefore?: ReadonlySet<string>;
  private entered?: Set<string>;

  constructor(
    readonly program: Program,
    readonly state: ProfileState,
    readonly now: number,
  ) {}

  /** The profile's time zone, read again only when its attributes change (they are replaced, never changed in place). */
  private get timeZone(): string {
    const attributes = this.state.attributes;
    if (attributes !== this.zoneOf) {
      const tz = attributes["timezone"];
      this.zone = typeof tz === "string" && tz ? tz : "UTC";
      this.zoneOf = attributes;
    }
    return this.zone;
  }
  private zone = "UTC";
  private zoneOf?: Record<string, unknown>;

  private env(vars: Record<string, unknown>): EvalEnv {
    return { vars: { profile: this.state.attributes, ...vars }, now: this.now, timeZone: this.timeZone };
  }

  /** `e` is a new object at every call: stamped in place rather than copied (this runs for every effect). */
  private emit(e: DistributiveOmit<Effect, "at" | "profileId">): void {
    const effect = e as Effect;
    effect.at = this.now;
    effect.profileId = this.state.id;
    this.effects.push(effect);
  }

  // ── inputs ───────────────────────────────────────────────────────────────────────

  onEvent(ev: EventEnvelope): void {
    const data = ev.data;
    // Timers first, then the event: a timer already due (on the system clock, the timer loop
    // may not have reached it yet: after a restart, behind a busy queue) runs before the
    // event, so a `wait for … within 1h` whose event comes later than that has timed out.
    // On a virtual clock the shell has fired them already, and this finds none.
    if (this.hasDueTimer()) this.onTick();
    // Exits and goals first: an event that ends an instance never also resumes it.
    for (const inst of Object.values(this.state.instances)) {
      const j = this.program.journey(inst.version);
      if (!j) continue;
      for (const x of j.exits) {
        if (x.event === ev.type && this.matches(x, data, inst.vars)) {
          this.end(inst, "exit");
          break;
        }
      }
    }
    this.recordGoals(ev);
    for (const inst of Object.values(this.state.instances)) {
      if (inst.wait?.kind !== "event" || inst.wait.event !== ev.type) continue;
      const j = this.program.journey(inst.version)!;
      const node = j.nodes[inst.node] as Extract<IRNode, { kind: "waitFor" }>;
      if (!this.matches(node, data, inst.vars)) continue;
      // Inside the block the event is `event`, and its alias if it has one.
      inst.vars["event"] = data;
      if (node.alias) inst.vars[node.alias] = data;
      inst.wait = undefined;
      this.continueAt(inst, this.branch(inst, inst.node, 0, node.onEvent));
    }
    for (const j of this.program.currentJourneys()) {
      const t = j.trigger;
      if (t?.kind !== "event" || t.event !== ev.type) continue;
      if (!this.matches(t, data, {})) continue;
      this.enter(j, t.alias ? { [t.alias]: data } : {});
    }
  }

  private hasDueTimer(): boolean {
    for (const k in this.state.instances) {
      const w = this.state.instances[k]!.wait;
      if (w && w.kind !== "async" && w.due <= this.now) return true;
    }
    for (const k in this.state.schedules) if (this.state.schedules[k]! <= this.now) return true;
    return false;
  }

  onTick(): void {
    const due: { at: number; id: string; run: () => void }[] = [];
    for (const inst of Object.values(this.state.instances)) {
      const w = inst.wait;
      if (!w || w.kind === "async" || w.due > this.now) continue;
      due.push({
        at: w.due,
        id: inst.id,
        run: () => {
          inst.wait = undefined;
          if (w.kind === "event") {
            const node = this.program.journey(inst.version)!.nodes[inst.node] as Extract<IRNode, { kind: "waitFor" }>;
            this.continueAt(inst, this.branch(inst, inst.node, 1, node.onTimeout));
          } else this.continueAt(inst, w.ends ? null : inst.node);
        },
      });
    }
    for (const [name, at] of Object.entries(this.state.schedules)) {
      if (at > this.now) continue;
      due.push({ at, id: `schedule:${name}`, run: () => (name === AUDIENCE_CHECK ? this.recheckAudiences() : this.fireSchedule(name)) });
    }
    due.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    for (const d of due) d.run();
  }

  onProfile(attributes: Record<string, unknown>): void {
    // Timers first, as for an event: a run already due happens before the update moves it.
    if (this.hasDueTimer()) this.onTick();
    this.changeAttributes(attributes);
    this.updateAudiences();
  }

  /** The profile is deleted: its live instances end; the shell drops the state. */
  onErase(): void {
    for (const inst of Object.values(this.state.instances)) this.end(inst, "deleted");
  }

  onResult(r: Extract<Input, { kind: "result" }>): void {
    let inst: Instance | undefined;
    for (const k in this.state.instances) {
      const i = this.state.instances[k]!;
      if (i.wait?.kind === "async" && i.wait.request === r.request) {
        inst = i;
        break;
      }
    }
    if (!inst) return; // The instance ended meanwhile (an exit): the late result is dropped.
    const j = this.program.journey(inst.version)!;
    const node = j.nodes[inst.node]!;
    inst.wait = undefined;
    const key = `${r.request}:result`;
    if (node.kind === "call") {
      this.branch(inst, inst.node, r.ok ? 0 : 1, undefined);
      this.emit({ key, type: "call", journey: inst.journey, instanceId: inst.id, nodeId: inst.node, action: node.action, ok: r.ok, ...(r.ok ? {} : { error: r.error }) });
      if (r.ok) {
        if (node.alias) inst.vars[node.alias] = r.value;
        this.continueAt(inst, node.next);
      } else if (node.onError) {
        // The error path may go on past the call: its result is null there (the checker typed it so).
        if (node.alias) inst.vars[node.alias] = null;
        this.continueAt(inst, node.onError);
      }
      else this.fail(inst, inst.node, `call \`${node.action}\` failed: ${r.error}`);
      return;
    }
    if (node.kind === "recommend") {
      // A recommendation never fails the journey: an empty list is a valid answer.
      const items = r.ok ? (r.value as unknown[]) : [];
      inst.vars[node.name] = items;
      const recommended: DistributiveOmit<Extract<Effect, { type: "recommend" }>, "at" | "profileId"> = { key, type: "recommend", journey: inst.journey, instanceId: inst.id, nodeId: inst.node, name: node.name, items: r.ok ? (r.items ?? []) : [] };
      if (r.ok && r.failed?.length) recommended.failed = r.failed;
      if (r.ok && r.short?.length) recommended.short = r.short;
      this.emit(recommended);
      if (!r.ok) this.emit({ key: `${r.request}:error`, type: "error", journey: inst.journey, instanceId: inst.id, nodeId: inst.node, message: `recommend \`${node.name}\`: ${r.error}` });
      this.continueAt(inst, node.next);
    }
  }

  // ── entering, schedules, audiences ───────────────────────────────────────────────

  /** `chain`: the jump chain the new instance joins, when a `jump to` starts it. */
  private enter(j: IRJourney, vars: Record<string, unknown>, forced = false, chain?: Chain): void {
    if (this.state.instances[j.id]) return;
    const h = (this.state.history[j.id] ??= { entries: 0 });
    if (!forced && h.entries > 0) {
      const r = j.reentry;
      if (r.mode === "never") return;
      if (r.mode === "after" && (h.lastEndedAt === undefined || this.now - h.lastEndedAt < (r.afterMs ?? 0))) return;
    }
    h.entries++;
    // The id joined rather than a template literal: V8 keeps `a${b}c` as a chain of string
    // pieces (~60 bytes more). `wait` is there from the start, set or not: a field added
    // later lives outside the object (40 bytes more). A waiting instance keeps both.
    // The start time in the id: a profile deleted and made again under the same id counts its
    // entries from 1 again, and its messages must not take keys (Message-IDs, idempotency keys)
    // a receiver has seen.
    const inst: Instance = { id: [j.id, this.state.id, h.entries, this.now.toString(36)].join(":"), journey: j.id, version: j.version, startedAt: this.now, node: j.entry ?? "", vars, wait: undefined };
    this.state.instances[j.id] = inst;
    this.emit({ key: `${inst.id}:entered`, type: "entered", journey: j.id, instanceId: inst.id });
    chain?.instances.add(inst.id);
    this.continueAt(inst, j.entry, chain);
  }

  private fireSchedule(name: string): void {
    // A time-zone change earlier in this tick moved it later (see `changeAttributes`).
    if (!(this.state.schedules[name]! <= this.now)) return;
    const j = this.program.current(name);
    delete this.state.schedules[name];
    if (!j || j.trigger?.kind !== "schedule") return;
    this.armSchedule(j, this.now, this.now);
    if (this.inAudience(j.trigger.audience)) this.enter(j, {});
  }

  /**
   * New attributes (an upsert, or a `set`), and the schedules they move: when the time zone
   * changed, a pending run at a local time keeps its day (a daily one its date, a weekly one
   * its date and so its weekday, a monthly one its month and day) and moves to that time in
   * the new zone. It has not run yet in its period: if that time has passed in the new zone,
   * it is due at once, neither skipped to the next period nor, moved just after a run to a
   * zone behind, run a second time. `every <duration> at` starts its grid again from now.
   */
  private changeAttributes(attributes: Record<string, unknown>): void {
    const before = this.timeZone;
    this.state.attributes = attributes;
    if (this.timeZone !== before) {
      for (const j of this.program.currentJourneys()) {
        const t = j.trigger;
        if (t?.kind !== "schedule" || !t.at) continue;
        const pending = this.state.schedules[j.id];
        const day = t.day ?? this.state.monthDays?.[j.id];
        if (pending === undefined || typeof t.every === "object" || (t.every === "month" && day === undefined)) {
          delete this.state.schedules[j.id];
          continue;
        }
        // For a month, the first one at all: in the pending run's month.
        let moved = t.every === "month" ? nextMonthlyTime(pending, before, day!, parseTimeOfDay(t.at)!, this.timeZone, -Infinity) : atLocalTime(pending, t.at, this.timeZone, before);
        // Passed already: due at once, kept at its own time (the clock fires an overdue timer now)
        // so that a second move in this step still reads its day. A daily run a day or more before
        // the pending one would be the run just done again (moved across the date line, UTC−11 to
        // UTC+13): the next day's.
        if (moved <= this.now && t.every === "day" && moved <= pending - DAY) moved = nextLocalTime(this.now, t.at, this.timeZone);
        this.state.schedules[j.id] = moved;
      }
    }
    this.armSchedules();
  }

  /**
   * Make sure every schedule-triggered journey has its next firing for this profile, worked
   * out for its current cadence: a redeploy that changed `every` or `at` has it worked out
   * again (a firing kept from `every 30d` would delay the new `every 1d` by a month).
   */
  armSchedules(): void {
    for (const j of this.program.currentJourneys()) {
      if (j.trigger?.kind !== "schedule") continue;
      const cadence = this.program.cadence(j);
      const armed = this.state.armedFor?.[j.id];
      // A state stored before cadences were kept (`armed` undefined) keeps its firing.
      if (armed !== undefined && armed !== cadence) {
        delete this.state.schedules[j.id];
        // Worked out as for a profile just stored: the day the old cadence picked goes too.
        if (this.state.monthDays) delete this.state.monthDays[j.id];
      }
      if (this.state.schedules[j.id] === undefined) this.armSchedule(j, this.now);
      if (armed !== cadence) (this.state.armedFor ??= {})[j.id] = cadence;
    }
    for (const name of Object.keys(this.state.schedules)) if (name !== AUDIENCE_CHECK && !this.program.current(name)) delete this.state.schedules[name];
    if (this.state.armedFor) {
      for (const name of Object.keys(this.state.armedFor)) {
        if (this.program.current(name)?.trigger?.kind === "schedule") continue;
        delete this.state.armedFor[name];
        if (this.state.monthDays) delete this.state.monthDays[name];
      }
      if (isEmpty(this.state.armedFor)) delete this.state.armedFor;
    }
    if (this.state.monthDays && isEmpty(this.state.monthDays)) delete this.state.monthDays;
    if (this.program.timedAudiences) this.state.schedules[AUDIENCE_CHECK] ??= this.now + AUDIENCE_CHECK_MS;
    else delete this.state.schedules[AUDIENCE_CHECK];
  }

  /** Audiences that read the clock (`daysSince`, …) change as time passes: look again. */
  private recheckAudiences(): void {
    this.state.schedules[AUDIENCE_CHECK] = this.now + AUDIENCE_CHECK_MS;
    this.updateAudiences();
  }

  /**
   * The next firing of a schedule for this profile, strictly after `after`: `every day|week
   * at HH:MM` at local time (the first run is the first HH:MM after the profile is stored, then
   * a day or a week apart); `every month` on its day of the month (see `nextMonthly`);
   * `every <duration> at HH:MM` on the grid through local HH:MM.
   */
  private armSchedule(j: IRJourney, after: number, previous?: number): void {
    const t = j.trigger;
    if (t?.kind !== "schedule") return;
    const tz = this.timeZone;
    let next: number;
    if (typeof t.every === "object") {
      const ms = t.every.ms;
      if (previous !== undefined || !t.at) next = (previous ?? after) + ms;
      else {
        const anchor = atLocalTime(after, t.at, tz);
        next = anchor + Math.ceil((after - anchor + 1) / ms) * ms;
      }
    } else if (t.every === "month") {
      next = this.nextMonthly(j.id, t, after, previous);
    } else if (t.at && previous !== undefined && t.every === "week") {
      // A week from the day of its `at` time: a run due at once after a move (see
      // `changeAttributes`) may come after midnight, and keeps its weekday.
      next = nextLocalTime(lastLocalTime(previous, t.at, tz), t.at, tz, 7);
    } else if (t.at) {
      next = nextLocalTime(previous ?? after, t.at, tz);
    } else next = (previous ?? after) + (t.every === "week" ? 7 : 1) * DAY;
    this.state.schedules[j.id] = next;
  }

  /**
   * `every month [on <day>] [at HH:MM]`: on the `on` day, else on the day of the first run
   * (the first HH:MM after `after`; without `at`, `after`'s own day, so the first run is a
   * month later), which `monthDays` keeps. Without `at`, at the local time of day of `after`,
   * then of each run, as `every day` without `at` keeps the time the profile was stored.
   */
  private nextMonthly(id: string, t: Extract<IRTrigger, { kind: "schedule" }>, after: number, previous?: number): number {
    const tz = this.timeZone;
    const from = previous ?? after;
    const local = localParts(from, tz);
    let day = t.day ?? this.state.monthDays?.[id];
    if (day === undefined) {
      day = t.at ? localParts(nextLocalTime(after, t.at, tz), tz).day : local.day;
      (this.state.monthDays ??= {})[id] = day;
    }
    if (t.at) return nextMonthlyTime(from, tz, day, parseTimeOfDay(t.at)!, tz, from);
    // `nextMonthlyTime` works in whole minutes: the seconds of `from` are added back.
    return nextMonthlyTime(from, tz, day, [local.hour, local.minute], tz, from) + local.second * 1000 + (from % 1000);
  }

  private inAudience(name: string): boolean {
    const a = this.program.ir.audiences[name];
    if (!a) return false;
    try {
      return evaluate(a.condition, this.env({})) === true;
    } catch {
      return false;
    }
  }

  /**
   * Re-evaluate every audience; `on enter` journeys start for the ones newly satisfied. Within
   * one step a profile enters an audience at most once, and only one it was not in before the
   * step: `set`s that leave and come back at one instant (a reset, then a recount) are not an
   * entry, and two journeys that `set` each other's audiences cannot start each other forever.
   */
  updateAudiences(): void {
    // Only this changes `state.audiences`: the first look sees them as they were before the step.
    this.audiencesBefore ??= new Set(this.state.audiences);
    const now = Object.keys(this.program.ir.audiences).filter((a) => this.inAudience(a));
    this.state.audiences = now;
    for (const a of now) {
      if (this.audiencesBefore.has(a) || this.entered?.has(a)) continue;
      (this.entered ??= new Set()).add(a);
      for (const j of this.program.currentJourneys()) if (j.trigger?.kind === "audience" && j.trigger.audience === a) this.enter(j, {});
    }
  }

  // ── matching, goals, ending ──────────────────────────────────────────────────────

  private matches(m: { where?: IRExpr; alias?: string }, data: unknown, vars: Record<string, unknown>): boolean {
    if (!m.where) return true;
    const v = { ...vars, event: data, ...(m.alias ? { [m.alias]: data } : {}) };
    try {
      return evaluate(m.where, this.env(v)) === true;
    } catch {
      return false;
    }
  }

  /** Goals count within their window from entry, also after the instance has ended. */
  private recordGoals(ev: EventEnvelope): void {
    if (!this.program.goalEvents.has(ev.type)) return;
    for (const name of new Set([...Object.keys(this.state.instances), ...Object.keys(this.state.history)])) {
      const last = this.state.instances[name] ?? this.state.history[name]?.last;
      const j = last && this.program.journey(last.version);
      if (!last || !j) continue;
      for (const g of j.goals) {
        if (g.event !== ev.type || last.goals?.includes(g.name)) continue;
        const after = this.now - last.startedAt;
        if (g.withinMs !== null && after > g.withinMs) continue;
        if (!this.matches(g, ev.data, last.vars)) continue;
        (last.goals ??= []).push(g.name);
        this.emit({ key: `${last.id}:goal:${g.name}`, type: "goal", journey: j.id, instanceId: last.id, goal: g.name, afterMs: after, ...(last.arms ? { arms: { ...last.arms } } : {}) });
      }
    }
  }

  private end(inst: Instance, reason: Extract<Effect, { type: "ended" }>["reason"]): void {
    delete this.state.instances[inst.journey];
    const h = (this.state.history[inst.journey] ??= { entries: 1 });
    h.lastEndedAt = this.now;
    // Kept for goals still within their window: only the bindings their conditions read.
    const j = this.program.journey(inst.version);
    const vars: Record<string, unknown> = {};
    for (const name of j ? this.program.goalVars(j) : Object.keys(inst.vars)) if (Object.hasOwn(inst.vars, name)) vars[name] = inst.vars[name];
    h.last = { id: inst.id, startedAt: inst.startedAt, vars, version: inst.version, ...(inst.goals ? { goals: inst.goals } : {}), ...(inst.arms ? { arms: inst.arms } : {}) };
    this.emit({ key: `${inst.id}:ended`, type: "ended", journey: inst.journey, instanceId: inst.id, reason });
  }

  private fail(inst: Instance, nodeId: string, message: string): void {
    this.emit({ key: `${inst.id}:${nodeId}:error`, type: "error", journey: inst.journey, instanceId: inst.id, nodeId, message, location: this.program.location(inst.journey, nodeId, inst.version) });
    this.end(inst, "error");
  }

  // ── running nodes ────────────────────────────────────────────────────────────────

  /** Tell the observer which way branching node `node` went (see `BranchObserver`); `to` is passed through. */
  private branch<T>(inst: Instance, node: string, outcome: number, to: T): T {
    this.program.onBranch?.(inst.journey, inst.version, node, outcome);
    return to;
  }

  /**
   * Run the instance from `nodeId` until it waits or ends. `chain`: the jump chain it belongs
   * to, when a `jump to` started it; a run that jumps starts one otherwise.
   */
  private continueAt(inst: Instance, nodeId: string | null, chain?: Chain): void {
    const j = this.program.journey(inst.version)!;
    // This run's effects start here: a runaway withholds the messages it sent from here on.
    const start = this.effects.length;
    let id = nodeId;
    for (let n = 0; ; n++) {
      if (this.state.instances[inst.journey] !== inst) return; // ended meanwhile
      if (id === null) {
        this.end(inst, "end");
        return;
      }
      if (n >= MAX_NODES_PER_STEP) {
        // The runaway is this run of this instance: earlier runs in the step (before a wait)
        // and other instances (an `on enter` journey its `set` started) keep their messages.
        this.withhold(start, (instanceId) => instanceId === inst.id);
        this.fail(inst, id, `more than ${MAX_NODES_PER_STEP} steps without waiting: is there a loop without a wait?`);
        return;
      }
      const node = j.nodes[id];
      if (!node) {
        this.fail(inst, id, `node \`${id}\` is missing from journey version ${inst.version}`);
        return;
      }
      const current = id;
      inst.node = current;
      this.program.onNode?.(inst.journey, inst.version, current);
      try {
        if (node.kind === "jump") {
          this.jump(inst, current, node, chain ?? { start, instances: new Set([inst.id]) });
          return;
        }
        const next = this.exec(inst, current, node);
        if (next === WAIT) {
          this.forgetDead(inst);
          return;
        }
        id = next;
      } catch (e) {
        this.fail(inst, current, e instanceof Error ? e.message : String(e));
        return;
      }
    }
  }

  /** A waiting instance keeps only the bindings it may still read (see `Program.liveVars`). */
  private forgetDead(inst: Instance): void {
    if (!inst.wait || this.state.instances[inst.journey] !== inst) return;
    const j = this.program.journey(inst.version);
    const live = j && this.program.liveVars(j, inst.node);
    if (!live) return;
    if (Object.keys(inst.vars).every((name) => live.has(name))) return;
    const kept: Record<string, unknown> = {};
    for (const name in inst.vars) if (live.has(name)) kept[name] = inst.vars[name];
    inst.vars = kept;
  }

  /** Execute one node (a `jump to` is `jump`'s): the next node id, null to end, or WAIT. */
  private exec(inst: Instance, id: string, node: Exclude<IRNode, { kind: "jump" }>): string | null | typeof WAIT {
    const env = () => this.env(inst.vars);
    switch (node.kind) {
      case "wait":
        return this.waitUntil(inst, node.next, this.now + (evaluate(node.duration, env()) as number));
      case "waitUntil": {
        // `wait until 09:00` waits for the next one, never none: a loop around it runs once a day.
        const t = "at" in node ? nextLocalTime(this.now, node.at, this.timeZone) : toInstant(evaluate(node.time, env()), this.timeZone);
        return this.waitUntil(inst, node.next, t);
      }
      case "waitFor":
        inst.wait = { kind: "event", event: node.event, due: this.now + (evaluate(node.within, env()) as number) };
        return WAIT;
      case "if": {
        for (let i = 0; i < node.branches.length; i++) if (evaluate(node.branches[i]!.when, env()) === true) return this.branch(inst, id, i, node.branches[i]!.then);
        return this.branch(inst, id, node.branches.length, node.else);
      }
      case "split": {
        const i = armIndex(node.arms, node.experiment, this.state.id, this.program.forcedArm(node.experiment, this.state.id));
        if (i < 0) return node.next;
        const arm = node.arms[i]!;
        // Recorded once per instance: a `repeat` going through again lands in the same arm, and
        // a later split of the same name with other arms routes by them but keeps the first on
        // record (two records would count the instance twice, its goals in one arm only).
        if (inst.arms?.[node.experiment] === undefined) {
          (inst.arms ??= {})[node.experiment] = arm.label;
          this.emit({ key: `${inst.id}:${id}:split`, type: "split", journey: inst.journey, instanceId: inst.id, nodeId: id, experiment: node.experiment, arm: arm.label });
        }
        return this.branch(inst, id, i, arm.then);
      }
      case "send":
        return this.send(inst, id, node);
      case "recommend": {
        const request = `${inst.id}:${id}:${attempt(inst)}`;
        const rec = requestFor(node, env(), { ...inst.vars });
        this.emit({ key: request, type: "recommendRequest", journey: inst.journey, instanceId: inst.id, nodeId: id, request: rec });
        inst.wait = { kind: "async", request };
        return WAIT;
      }
      case "call": {
        const request = `${inst.id}:${id}:${attempt(inst)}`;
        const call = this.program.callRequest(node.action, node.args.map((a) => evaluate(a, env())), this.env({}), inst.version);
        this.emit({ key: request, type: "callRequest", journey: inst.journey, instanceId: inst.id, nodeId: id, request: call, version: inst.version });
        inst.wait = { kind: "async", request };
        return WAIT;
      }
      case "let":
        inst.vars[node.name] = evaluate(node.value, env());
        return node.next;
      case "set": {
        const value = evaluate(node.value, env());
        const problem = node.path.length === 1 ? attributeProblem(node.path[0]!, value) : undefined;
        if (problem) throw new Error(`\`profile.${node.path[0]}\` ${problem}`);
        this.changeAttributes(setPath(this.state.attributes, node.path, value));
        this.emit({ key: `${inst.id}:${id}:${attempt(inst)}:set`, type: "profile", journey: inst.journey, instanceId: inst.id, nodeId: id, set: { [node.path.join(".")]: value } });
        this.updateAudiences();
        return node.next;
      }
      case "repeat": {
        const loop = inst.loops?.[id];
        const done = loop?.done ?? 0;
        // The count is evaluated once, when the loop starts: the body may change what it reads.
        const count = loop?.count ?? (evaluate(node.count, env()) as number);
        if (done >= count) {
          delete inst.loops?.[id];
          if (inst.loops && isEmpty(inst.loops)) delete inst.loops;
          return node.next;
        }
        (inst.loops ??= {})[id] = { done: done + 1, count, since: loop?.since ?? this.now };
        // `every 7d` is a cadence: iteration k starts 7d × k after the first, however long the body took.
        if (loop && node.every) return this.waitUntil(inst, node.body, loop.since + done * (evaluate(node.every, env()) as number));
        return node.body;
      }
      case "end":
        return null;
    }
  }

  /**
   * `jump to`: the instance ends and the target starts in its place, in the same chain. Past
   * the limit, the chain is a runaway (journeys jumping to each other in a cycle the compiler
   * could not be sure of, through an `if`): it fails, and no instance of it delivers a message
   * it sent in this step. Other errors are thrown (the instance fails, as for any step).
   */
  private jump(inst: Instance, id: string, node: Extract<IRNode, { kind: "jump" }>, chain: Chain): void {
    if (this.jumps >= MAX_JUMPS_PER_STEP) {
      this.withhold(chain.start, (instanceId) => chain.instances.has(instanceId));
      this.fail(inst, id, `more than ${MAX_JUMPS_PER_STEP} jumps without waiting: do journeys jump to each other in a cycle?`);
      return;
    }
    const target = this.program.current(node.journey);
    // An instance on an earlier version may jump to a journey a redeploy removed.
    if (!target) throw new Error(`\`jump to ${node.journey}\`: no journey \`${node.journey}\` is deployed now`);
    // A jump starts the target without an event: a target that reads its trigger's alias
    // would run on an undefined name (blank messages, exits that never match).
    const alias = target.trigger?.kind === "event" ? target.trigger.alias : undefined;
    if (alias && target.entry !== null && this.program.liveVars(target, target.entry)?.has(alias)) {
      throw new Error(`\`jump to ${node.journey}\`: \`${node.journey}\` reads its trigger's alias \`${alias}\`, which a jump leaves undefined (it starts without an event)`);
    }
    this.end(inst, "end");
    // Counted while the target runs, not for the rest of the step: a runaway chain that spent
    // the limit would otherwise fail the next journey's single jump, and hold back its messages.
    this.jumps++;
    try {
      this.enter(target, {}, true, chain);
    } finally {
      this.jumps--;
    }
  }

  /**
   * A runaway stopped by a limit delivers nothing it sent in this step: from effect `from` on,
   * each message of an instance `ofRunaway` picks becomes `suppressed` with reason `runaway`,
   * and the cap it spent is given back (a runaway must not keep the next journey's message
   * out). Messages it had over the cap become `runaway` too: they were over a cap that, given
   * back, is no longer full. Everything else stays (its `set`s, entries and endings): the
   * step is not undone, only its messages are held back. Deterministic, as the rest of `step`.
   */
  private withhold(from: number, ofRunaway: (instanceId: string) => boolean): void {
    for (let i = from; i < this.effects.length; i++) {
      const e = this.effects[i]!;
      const capped = e.type === "suppressed" && e.reason === "cap";
      if ((e.type !== "send" && !capped) || !ofRunaway(e.instanceId!)) continue;
      // A transactional message was not counted: nothing to give back.
      if (e.type === "send" && !e.transactional && this.program.ir.channels[e.channel]?.cap) {
        // `send` counts a message as `now` (the entries of this step all are): one less.
        const sent = this.state.sends[e.channel];
        const at = sent ? sent.lastIndexOf(this.now) : -1;
        if (at >= 0) sent!.splice(at, 1);
      }
      const key = capped ? e.key.slice(0, -CAPPED.length) : e.key;
      this.effects[i] = { key: `${key}:runaway`, at: e.at, profileId: e.profileId, type: "suppressed", journey: e.journey, instanceId: e.instanceId, nodeId: e.nodeId, channel: e.channel, reason: "runaway" };
    }
  }

  private waitUntil(inst: Instance, resume: string | null, due: number): string | null | typeof WAIT {
    if (due <= this.now) return resume;
    // A wait that is the last step still holds the instance until it is over (a cool-down:
    // no new entry meanwhile, exits and goals apply); then the instance ends.
    if (resume === null) inst.wait = { kind: "timer", due, ends: true };
    else {
      inst.node = resume;
      inst.wait = { kind: "timer", due };
    }
    return WAIT;
  }

  private send(inst: Instance, id: string, node: Extract<IRNode, { kind: "send" }>): string | null | typeof WAIT {
    // A transactional message (a receipt, a password reset) is none of the channel's policy's
    // business: no consent, cap or quiet hours, and it spends none of the cap. Its `from` stays
    // (the shell reads it), and so does the recipient check.
    const channel = node.transactional ? undefined : this.program.ir.channels[node.channel];
    // Quiet hours delay a message, they never drop it: wait until they end, then send.
    if (channel?.quiet) {
      const from = parseTimeOfDay(channel.quiet.from)!;
      const to = parseTimeOfDay(channel.quiet.to)!;
      const m = localMinutes(this.now, this.timeZone);
      const [a, b] = [from[0] * 60 + from[1], to[0] * 60 + to[1]];
      const quiet = a <= b ? m >= a && m < b : m >= a || m < b;
      if (quiet) return this.waitUntil(inst, id, nextLocalTime(this.now, channel.quiet.to, this.timeZone));
    }
    const key = `${inst.id}:${id}:${attempt(inst)}`;
    const env = this.env(inst.vars);
    // Consent is read as the message is handed over (after quiet hours, as the recipient is),
    // from the profile as it is now: withdrawn meanwhile, or null, nothing goes out. (It reads
    // `profile` only, the checker makes sure: the send's names beside it change nothing.)
    if (channel?.consent && consentOf(channel.consent, node.channel, env) !== true) {
      this.emit({ key: `${key}:suppressed`, type: "suppressed", journey: inst.journey, instanceId: inst.id, nodeId: id, channel: node.channel, reason: "noConsent" });
      return node.next;
    }
    const to = node.to ? evaluate(node.to, env) : null;
    // No address (`profile.phone ?? ""`, a profile stored without one): nothing to deliver,
    // recorded as such, and the cap is not spent.
    if (node.to && (to === null || String(to).trim() === "")) {
      this.emit({ key: `${key}:suppressed`, type: "suppressed", journey: inst.journey, instanceId: inst.id, nodeId: id, channel: node.channel, reason: "noRecipient" });
      return node.next;
    }
    let recent: number[] | undefined;
    if (channel?.cap) {
      recent = (this.state.sends[node.channel] ?? []).filter((t) => this.now - t < channel.cap!.perMs);
      this.state.sends[node.channel] = recent;
      if (recent.length >= channel.cap.count) {
        this.emit({ key: `${key}${CAPPED}`, type: "suppressed", journey: inst.journey, instanceId: inst.id, nodeId: id, channel: node.channel, reason: "cap" });
        return node.next;
      }
    }
    const content = renderContent(this.program, node, env, { version: inst.version, profileId: this.state.id, messageId: key, journey: inst.journey, timeZone: this.timeZone, locale: profileLocale(this.state.attributes) });
    // Counted once rendered: a send whose content fails (an index out of range in an argument)
    // fails the step and delivers nothing, so it must not keep another journey's message out.
    recent?.push(this.now);
    this.emit({ key, type: "send", journey: inst.journey, instanceId: inst.id, nodeId: id, channel: node.channel, to: to === null ? null : String(to), ...(node.transactional && TRANSACTIONAL), ...(node.template ? { template: node.template } : {}), content });
    return node.next;
  }
}

const WAIT = Symbol("wait");

/**
 * A channel's consent for one message. One that fails (an index out of range) fails the step,
 * as any expression's failure does, and nothing is sent; the error names the channel's
 * `consent`, as the failure is reported at the `send`, whose own code may be fine.
 */
function consentOf(consent: IRExpr, channel: string, env: EvalEnv): unknown {
  try {
    return evaluate(consent, env);
  } catch (e) {
    throw new EvalError(`channel \`${channel}\`'s consent: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * A jump chain, in one step: the instance whose run jumped first and those its jumps started
 * (`instances`), and where that run's effects begin (`start`). If the chain runs away, what
 * they all sent since then is withheld (see `withhold`).
 */
interface Chain {
  readonly start: number;
  readonly instances: Set<string>;
}

/** The mark of a transactional send's effect: one shared object, so an ordinary send allocates nothing for it. */
const TRANSACTIONAL = { transactional: true } as const;

/** The key suffix of a send suppressed over the cap (the send's own key before it). */
const CAPPED = ":capped";

/** The schedule entry that re-evaluates clock-dependent audiences, hourly. */
const AUDIENCE_CHECK = "@audiences";
const AUDIENCE_CHECK_MS = 3_600_000;

/**
 * The attempt part of an effect key: which iteration of each enclosing `repeat` this is, so
 * the same node sends once per iteration, and a replay after a crash sends nothing twice.
 */
function attempt(inst: Instance): string {
  if (!inst.loops) return "0";
  const loops = Object.values(inst.loops);
  return loops.length ? loops.map((l) => l.done).join(".") : "0";
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A copy of `obj` with `path` set to `value` (records along the path are copied, not shared). */
function setPath(obj: Record<string, unknown>, path: string[], value: unknown, at = "profile"): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...obj };
  const inner = obj[head!];
  // A field of an absent (optional) record: making the record from one field would leave its
  // other required fields missing.
  if (rest.length && (inner === null || inner === undefined)) throw new Error(`\`${at}.${head!}\` is null: set the whole record (\`set ${at}.${head!} = { … }\`) before one of its fields`);
  copy[head!] = rest.length ? setPath(inner as Record<string, unknown>, rest, value, `${at}.${head!}`) : value;
  return copy;
}
