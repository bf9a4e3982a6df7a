/**
 * The imperative shell around the engine: it validates input, loads a profile's state,
 * runs `step`, persists the new state with the effects in one transaction (the outbox), and
 * only then carries the effects out — messages to channels, calls to actions,
 * recommendations to providers — feeding results back through `step`.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { channelsSentOn, type IR, type IRJourney, type IRNode } from "@journey/ir";
import { suggest } from "@journey/template";
import { MemoryChannel, type ChannelAdapter } from "../channels/adapter.js";
import { ChannelRouter } from "../channels/router.js";
import { SystemClock, VirtualClock, type Clock } from "../clock.js";
import { Program, type BranchObserver, type DeployedJourney, type NodeObserver, type SourceLocation } from "../engine/program.js";
import { newProfileState, nextDue, type DecisionRecord, type Effect, type EventEnvelope, type ProfileState } from "../engine/state.js";
import { step, type Input } from "../engine/step.js";
import { experimentsOf, type ForcedArms } from "../engine/split.js";
import { unsubscribeLinkProblem, unsubscribeOptionsProblem } from "../engine/unsubscribe.js";
import { copyData, emptyRecord, INSTANT_MESSAGE, isInstant, validate, validateProfile, withDefaults, type ValidationError } from "../engine/validate.js";
import { loadIR } from "../ir/load.js";
import { IncrementalCatalogEngine } from "../recs/incremental.js";
import { checkItems, type RejectedItem, type UpsertResult } from "../recs/items.js";
import { providerNamesIn, windowsIn } from "../recs/options.js";
import type { CatalogEngine, CatalogItem, RecommendationProvider, Signal, SignalKind } from "../recs/provider.js";
import { isLocal, recommendLocally, resolveRecommendation, type Recommendation, type RecommendDeps } from "../recs/resolve.js";
import { DueHeap } from "../store/due-heap.js";
import { MemoryStore } from "../store/memory.js";
import { emptyBatch, type CommitBatch, type DeliveryFailure, type ErasedProfile, type InstanceCountChange, type Store, type StoredItem } from "../store/store.js";
import { decide, MAX_SURFACES, type Decision, type DecideDeps, type DecideRequest } from "../experiences/decide.js";
import { CallInterruptedError, HttpActionExecutor, typedResponse, unconfiguredSecrets, withSecrets, type ActionExecutor } from "./actions.js";
import { Deliveries, givenUpKey, type Delivery, type Undelivered } from "./deliveries.js";
import { SerialQueue } from "./queue.js";
import { isJsonObject } from "../sim/json-file.js";

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silent: Logger = { info() {}, warn() {}, error() {} };

/** The most catalog items `catalogItems` reads at once. */
export const MAX_CATALOG_PAGE = 1000;

/** The envelope's fields, each a non-empty string. */
const ENVELOPE_FIELDS = ["id", "type", "profileId", "time"] as const;

const isString = (s: unknown): s is string => typeof s === "string";

/** Decisions recorded in one commit at most. */
const RECORD_GROUP = 1000;
/** Decisions kept in memory while the store refuses them, at most (the oldest go first). */
const MAX_UNRECORDED = 100_000;
/** Events applied in one unit of work (one commit) at most. */
const UNIT_EVENTS = 1000;
/** Stored timers one unit of work on a virtual clock reads ahead (see `dueTimers`). */
const UNIT_TIMERS = 1000;
/** Timer steps one unit of work on a virtual clock runs at most: a long stretch of a frequent schedule commits as it goes. */
const UNIT_TICKS = 10_000;
/** Stored catalog items read at a time by `start()`. */
const ITEMS_PAGE = 10_000;
/** How long a delivery may go on failing, from its first failure, before it is given up (`deliveryGiveUpAfterMs`). */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** Outbox effects a retry pass, or the recovery at start, reads at a time. */
const RETRY_PAGE = 1000;

/** An event with its defaults filled in, and its time in ms. */
interface TimedEvent {
  event: EventEnvelope;
  t: number;
}

export interface RuntimeOptions {
  /** The compiled project (validated on load). */
  ir: unknown;
  store?: Store;
  /** Providers for `provider("name", …)`. */
  providers?: Record<string, RecommendationProvider>;
  /** The built-in catalog engine (default: an `IncrementalCatalogEngine` over the IR's `catalog`, if it declares one). */
  catalog?: CatalogEngine;
  /** One adapter for every channel (a `ChannelRouter` to send channels different ways), or one per channel name. */
  channels?: ChannelAdapter | Record<string, ChannelAdapter>;
  clock?: Clock;
  logger?: Logger;
  /** How `call` steps reach actions (default: HTTP). */
  actions?: ActionExecutor;
  secrets?: Record<string, string>;
  /**
   * The unsubscribe link of each message (`{{unsubscribeUrl}}` in email content, and
   * `OutgoingMessage.unsubscribeUrl`): `{profileId}`, `{messageId}`, `{channel}` and
   * `{signature}` are replaced.
   */
  unsubscribeUrl?: string;
  /** The secret (32 bytes or more) that signs the link's `{signature}`; see `verifyUnsubscribeSignature`. */
  unsubscribeSecret?: string;
  /** Deadline of each recommendation algorithm, in ms (default 500). */
  recommendDeadlineMs?: number;
  /**
   * How long a message (or a decision the `decisions` sink refuses) may go on failing, counted
   * from its first failure, before it is given up as undeliverable (an `undelivered` effect; it
   * leaves the outbox). Default 24 hours; `Infinity`: never. A failure the adapter (the sink)
   * says is permanent (`PermanentDeliveryError`) gives it up at once.
   */
  deliveryGiveUpAfterMs?: number;
  /** Every effect, in order, after it is durable: the timeline. */
  onEffect?: (effect: Effect) => void;
  /**
   * Each node of a journey as an instance runs it (its id in the IR, as the source map names
   * it: `Journey#node`): step coverage for tests. Called while a profile is stepped, before
   * anything is durable, and again if that work is redone: a set of what ran, not a log.
   */
  onNode?: NodeObserver;
  /** The way each branching node goes (see `BranchObserver`): branch coverage for tests; called as `onNode` is. */
  onBranch?: BranchObserver;
  /**
   * Arms of experiments chosen ahead for some profiles, by profile id, then by experiment
   * name: `{ "qa-anna": { "winback-subject": "control" } }` puts that profile in the
   * `control` arm of every split named `winback-subject` (journey steps and experience
   * variants alike), whatever its hash says (QA accounts; `journey test`'s `split` items).
   * The assignment is recorded as any other. Each experiment must be one of the project's
   * and each arm one of its labels.
   */
  forcedArms?: ForcedArms;
  /**
   * Where decisions go once durable (analytics); they stay in the outbox until this accepts them
   * (returns, or resolves), retried as messages are, and given up as they are (see
   * `deliveryGiveUpAfterMs`; throw a `PermanentDeliveryError` to refuse one for good). After a
   * crash one may come again: `decision.key` is its `decisionId`.
   */
  decisions?: { record(decision: DecisionRecord): void | Promise<void> };
}

export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly errors: ValidationError[],
    /** For an event: its place in the list given to `ingest` (0 for a single event). */
    readonly index?: number,
  ) {
    super(message);
    this.name = "InvalidInputError";
  }

  /** An invalid profile: the first error in the message, every one in `errors`. */
  static forProfile(id: string, errors: ValidationError[]): InvalidInputError {
    return new InvalidInputError(`invalid profile \`${id}\`: ${errors[0]!.path} ${errors[0]!.message}`, errors);
  }

  /** An invalid event, named `where` (`event[3]`, or `event` alone): the first error in the message, every one in `errors`. */
  static forEvent(where: string, errors: ValidationError[], index: number): InvalidInputError {
    return new InvalidInputError(`invalid ${where}: ${errors[0]!.path} ${errors[0]!.message}`, errors, index);
  }
}

/** What `deleteProfile` did. */
export interface DeletedProfile {
  /** False when no profile had the id (nothing changed). */
  deleted: boolean;
  /** Its live journey instances, ended with reason `deleted`. */
  instancesEnded: number;
}

/**
 * Live instances of one journey version waiting at one node (`runtime.liveInstances()`): how
 * many customers are there now. An instance finishes on the version it started on, so an
 * earlier version listed here still runs what it sends and calls.
 */
export interface LiveInstances {
  journey: string;
  version: string;
  /** Whether `version` is the journey's current deployment (false: an earlier one, or a journey no longer deployed). */
  current: boolean;
  /** The node the instances resume at (each instance's `node`): a `wait for`, `call` or `recommend` step itself; for a timed `wait`, the step after it. */
  node: string;
  /** The node's kind in its version (`send`, `if`, `waitFor`, `call`, …); absent when the version is not loaded. */
  step?: IRNode["kind"];
  /** Where the node is in the source its version was compiled from, when the version kept it. */
  location?: SourceLocation;
  count: number;
}

export interface Runtime {
  readonly program: Program;
  readonly clock: Clock;
  readonly catalog?: CatalogEngine;
  start(): Promise<void>;
  /** Apply events in order. Invalid events are rejected first and nothing changes. */
  ingest(events: EventEnvelope | EventEnvelope[]): Promise<{ accepted: number; duplicates: number }>;
  upsertProfile(id: string, attributes: Record<string, unknown>): Promise<void>;
  /** Run everything due up to `time` (a virtual clock moves to each due time in turn). */
  advanceTo(time: number): Promise<void>;
  /** The earliest pending timer. */
  nextDue(): Promise<number | undefined>;
  profile(id: string): Promise<ProfileState | undefined>;
  /** Content for surfaces of a page or app, decided for one profile now. Never throws for data or remote failures. */
  decide(request: DecideRequest): Promise<Decision[]>;
  /**
   * Catalog items, checked against the `catalog` declaration, stored, then given to `catalog`:
   * they are there again after a restart. An invalid item is left out and reported; the others
   * are kept. (`catalog.upsertItems` changes this process's engine only.)
   */
  upsertItems(items: CatalogItem[]): Promise<UpsertResult>;
  /** Removes catalog items from the store and from `catalog`; resolves to the keys that were there. */
  removeItems(keys: string[]): Promise<string[]>;
  /** The catalog items stored (those `upsertItems` kept), in key order: up to `limit` (1 to 1,000) after the key `after`. */
  catalogItems(after: string | undefined, limit: number): Promise<StoredItem[]>;
  /**
   * Delete a profile for good (a right-to-erasure request): its live instances end (reason
   * `deleted`), its state and timers go, its messages not yet delivered are never delivered,
   * and its catalog signals stay only as anonymous ones (see docs/embedding.md). An event or
   * upsert for the id later starts a new profile. `deleted` is false for an unknown id.
   */
  deleteProfile(id: string): Promise<DeletedProfile>;
  /**
   * Live instances by journey, version and the node each waits at, in that order (none listed
   * at 0): from counts the store keeps at every commit, so no profile is read. After `start()`,
   * which loads the earlier versions.
   */
  liveInstances(): Promise<LiveInstances[]>;
  /**
   * Finish in-flight work and begin nothing more: a message (or decision, call attempt,
   * recommendation) being handed over finishes within its adapter's timeout; those not begun,
   * and a call that had retries left, stay in the outbox, as timers stay stored, for the next
   * start. Units of work already queued (an `ingest` in flight) are still committed.
   */
  stop(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  checkOptions(options);
  return new JourneyRuntime(options);
}

/** Which functions each option's object must have: a wrong one fails here, not deep inside a step later. */
const OPTION_METHODS: Partial<Record<keyof RuntimeOptions, string[]>> = {
  store: ["loadProfile", "viewProfile", "hasEvent", "commit", "dueProfiles", "nextDue", "profileIds", "pendingEffects", "deliveryFailures", "loadSignals", "saveItems", "removeItems", "loadItems", "instanceCounts", "saveVersions", "loadVersions", "close"],
  catalog: ["recommend", "recordSignal", "upsertItems", "removeItems", "item"],
  clock: ["now"],
  logger: ["info", "warn", "error"],
  actions: ["execute"],
  decisions: ["record"],
};

function checkOptions(options: RuntimeOptions): void {
  const fail = (message: string) => {
    throw new TypeError(`createRuntime: ${message}`);
  };
  if (!options || typeof options !== "object") fail("expected an options object ({ ir, store, … })");
  const known = new Set(["ir", "store", "providers", "catalog", "channels", "clock", "logger", "actions", "secrets", "unsubscribeUrl", "unsubscribeSecret", "recommendDeadlineMs", "deliveryGiveUpAfterMs", "onEffect", "onNode", "onBranch", "forcedArms", "decisions"]);
  for (const name of Object.keys(options)) if (!known.has(name)) fail(`unknown option \`${name}\`${suggestName(name, known)}`);
  for (const [name, methods] of Object.entries(OPTION_METHODS)) {
    const v = options[name as keyof RuntimeOptions] as Record<string, unknown> | undefined;
    if (v === undefined) continue;
    const missing = methods!.filter((m) => typeof v?.[m] !== "function");
    if (missing.length) fail(`\`${name}\` must have ${missing.map((m) => `\`${m}()\``).join(", ")}`);
  }
  const { channels, providers, secrets, onEffect, recommendDeadlineMs, deliveryGiveUpAfterMs, unsubscribeUrl } = options;
  if (channels !== undefined && typeof (channels as ChannelAdapter)?.send !== "function") {
    if (!channels || typeof channels !== "object") fail("`channels` must be a channel adapter ({ send() }) or one per channel name");
    for (const [name, c] of Object.entries(channels)) if (typeof (c as ChannelAdapter)?.send !== "function") fail(`\`channels.${name}\` must have \`send()\``);
  }
  if (providers !== undefined) {
    if (!providers || typeof providers !== "object") fail("`providers` must be an object of providers by name");
    for (const [name, p] of Object.entries(providers)) if (typeof (p as RecommendationProvider)?.recommend !== "function") fail(`\`providers.${name}\` must have \`recommend()\``);
  }
  if (secrets !== undefined && (!secrets || typeof secrets !== "object" || !Object.values(secrets).every(isString))) fail("`secrets` must be an object of strings");
  if (onEffect !== undefined && typeof onEffect !== "function") fail("`onEffect` must be a function");
  if (recommendDeadlineMs !== undefined && !(typeof recommendDeadlineMs === "number" && recommendDeadlineMs > 0 && Number.isFinite(recommendDeadlineMs))) fail("`recommendDeadlineMs` must be a positive number of milliseconds");
  if (unsubscribeUrl !== undefined && typeof unsubscribeUrl !== "string") fail("`unsubscribeUrl` must be a string");
  const unsubscribe = unsubscribeOptionsProblem(unsubscribeUrl, options.unsubscribeSecret);
  if (unsubscribe) fail(unsubscribe);
  if (deliveryGiveUpAfterMs !== undefined && !(typeof deliveryGiveUpAfterMs === "number" && deliveryGiveUpAfterMs > 0)) fail("`deliveryGiveUpAfterMs` must be a positive number of milliseconds (Infinity: never give up)");
  if (options.forcedArms !== undefined) {
    if (!isJsonObject(options.forcedArms)) fail('`forcedArms` must be an object of arms by profile id, then experiment: { "p1": { "experiment": "Arm" } }');
    for (const [id, arms] of Object.entries(options.forcedArms)) {
      if (!isJsonObject(arms)) fail(`\`forcedArms.${id}\` must be an object of arms by experiment name: { "experiment": "Arm" }`);
      for (const [experiment, arm] of Object.entries(arms)) if (!isString(arm) || arm === "") fail(`\`forcedArms.${id}.${experiment}\` must be an arm's label`);
    }
  }
}

/** Each forced arm is an arm of an experiment of the project: a mistyped one would silently force nothing. */
function forcedArmsProblem(forcedArms: ForcedArms, ir: IR): string | undefined {
  const experiments = experimentsOf(ir);
  for (const [id, arms] of Object.entries(forcedArms)) {
    for (const [experiment, arm] of Object.entries(arms)) {
      const labels = experiments.get(experiment);
      const where = `\`forcedArms.${id}.${experiment}\``;
      if (!labels) return `${where}: the project has no experiment \`${experiment}\`${suggestName(experiment, new Set(experiments.keys()))}`;
      if (!labels.has(arm)) return `${where}: \`${arm}\` is not an arm of \`${experiment}\` (its arms are ${[...labels].map((l) => `\`${l}\``).join(", ")})`;
    }
  }
  return undefined;
}

function suggestName(name: string, known: Set<string>): string {
  const s = suggest(name, [...known]);
  return s ? ` (did you mean \`${s}\`?)` : "";
}

class JourneyRuntime implements Runtime {
  program: Program;
  readonly clock: Clock;
  readonly catalog?: CatalogEngine;
  private readonly store: Store;
  /** Where every message goes: a map of adapters by channel name becomes a `ChannelRouter`. */
  private readonly channels: ChannelAdapter;
  private readonly log: Logger;
  private readonly queue = new SerialQueue();
  private readonly actions: ActionExecutor;
  /** Sends and decisions that failed, held back or await the commit that records them. */
  private readonly deliveries: Deliveries;
  /** The retry pass running (or waiting for the one before it), if any: see `retryFailedDeliveries`. */
  private retrying?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** The timer loop is scheduled or running (one at a time). */
  private looping = false;
  /** The first `start()`'s loading, shared by every later call (forgotten if it fails, so it can be retried). */
  private loading?: Promise<void>;
  /**
   * Aborted by `stop()`, a new one at each start: what is under way sees the stop (a call's
   * executor begins no further attempt). `stopped` reads it.
   */
  private halt = haltController();
  /** How many times `stop()` was called: a `start()` still loading when one is called must not run afterwards. */
  private stops = 0;
  /** Decisions being made: `stop()` waits for them, so that what they record is committed before the store closes. */
  private readonly deciding = new Set<Promise<unknown>>();

  constructor(private readonly options: RuntimeOptions) {
    const ir = loadIR(options.ir);
    const channels = options.channels;
    this.channels = channels === undefined ? new MemoryChannel() : typeof (channels as ChannelAdapter).send === "function" ? (channels as ChannelAdapter) : new ChannelRouter(channels as Record<string, ChannelAdapter>);
    // A map without a channel the journeys send on would fail every such send, for ever; so
    // would an adapter that cannot deliver with the channel's policy (an email without a sender).
    const missing = this.missingChannels(Object.values(ir.journeys));
    if (missing.length) throw new TypeError(`createRuntime: \`channels\` has no adapter for ${missing.map((c) => `\`${c}\``).join(", ")}, which the project's journeys send on`);
    for (const c of channelsSentOn(Object.values(ir.journeys))) {
      try {
        this.channels.checkChannel?.(c, ir.channels[c]);
      } catch (e) {
        throw new TypeError(`createRuntime: channel \`${c}\`: ${(e as Error).message}`);
      }
    }
    // A link over the bound would go out in every such message, and no mail client could follow it.
    const linkProblem = options.unsubscribeUrl === undefined ? undefined : unsubscribeLinkProblem(options.unsubscribeUrl, Object.values(ir.journeys), MAX_PROFILE_ID_BYTES);
    if (linkProblem) throw new TypeError(`createRuntime: \`unsubscribeUrl\`: ${linkProblem}`);
    const armsProblem = options.forcedArms && forcedArmsProblem(options.forcedArms, ir);
    if (armsProblem) throw new TypeError(`createRuntime: ${armsProblem}`);
    this.program = new Program(ir, { unsubscribeUrl: options.unsubscribeUrl, unsubscribeSecret: options.unsubscribeSecret, onNode: options.onNode, onBranch: options.onBranch, forcedArms: options.forcedArms });
    this.store = options.store ?? new MemoryStore();
    this.clock = options.clock ?? new SystemClock();
    this.log = options.logger ?? silent;
    this.actions = options.actions ?? new HttpActionExecutor();
    this.deliveries = new Deliveries({ deliver: (e) => this.deliver(e), now: () => this.clock.now(), log: this.log, giveUpAfterMs: options.deliveryGiveUpAfterMs ?? GIVE_UP_AFTER_MS, halted: () => this.stopped });
    this.catalog =
      options.catalog ??
      (ir.catalog
        ? new IncrementalCatalogEngine({
            keyField: ir.catalog.key,
            itemType: ir.catalog.item,
            // Signals are kept as long as the longest `window:` a step asks for (30 days at least),
            // and the windows steps ask for are counted from the first signal.
            retentionMs: Math.max(0, ...windowsIn(ir)) || undefined,
            popularWindows: windowsIn(ir),
            onRejectedItem: (r) => this.warnRejected(r),
          })
        : undefined);
    this.recommendWith = { catalog: this.catalog, itemType: ir.catalog?.item, providers: options.providers ?? {} };
  }

  private get stopped(): boolean {
    return this.halt.signal.aborted;
  }

  /** Going again after a stop (or for the first time). */
  private resume(): void {
    if (this.stopped) this.halt = haltController();
  }

  /** What every recommendation is answered with, journeys' and decisions' alike. */
  private readonly recommendWith: Omit<RecommendDeps, "deadlineMs" | "now" | "profile">;

  private get ir(): IR {
    return this.program.ir;
  }

  async start(): Promise<void> {
    // Each runtime works through its own queue: two on one store would load and commit the
    // same profile at once, the later commit silently undoing the other.
    const user = storeUsers.get(this.store);
    if (user && user !== this) throw new Error("this store is already used by another runtime that has not been stopped: one runtime per store (stop the other first)");
    storeUsers.set(this.store, this);
    const restarting = this.loading !== undefined && this.stopped;
    if (!this.loading) {
      // The first start, or one after a stop that cut the loading short (see `load`): from the top.
      this.resume();
      this.loading = this.load().catch((e: unknown) => {
        this.loading = undefined;
        this.releaseStore();
        throw e;
      });
    }
    const stops = this.stops;
    await this.loading;
    // A `stop()` called while this start was loading wins (a SIGTERM during start-up): the
    // runtime stays stopped, its timer loop off and the store released, as `stop()` left them.
    if (this.stops !== stops) return;
    // A stop that came before this start cut the loading it waited for short: it loads again.
    if (!this.loading) return this.start();
    // Also after `stop()`: the timers stayed stored, the loop picks them up again, and what
    // waits in the outbox (a delivery that failed) is carried out again, as by a new runtime.
    this.resume();
    if (restarting) await this.serial(() => this.recover());
    if (!this.clock.virtual) this.schedule();
  }

  /**
   * The secrets the actions name (the current declarations, and those earlier versions still
   * call) that `secrets` lacks, each with its actions: found at start, rather than by the first
   * call of each, perhaps days later, failing its journeys' steps one by one.
   */
  private unconfiguredSecrets(): Map<string, string[]> {
    const secrets = this.options.secrets ?? {};
    const actions = [Object.entries(this.ir.actions), ...this.program.allVersions().map((j) => Object.entries(this.program.uses(j.version).actions))].flat();
    const missing = new Map<string, Set<string>>();
    for (const [name, action] of actions) for (const secret of unconfiguredSecrets(action, secrets)) missing.set(secret, (missing.get(secret) ?? new Set()).add(name));
    return new Map([...missing].sort(([a], [b]) => (a < b ? -1 : 1)).map(([secret, names]) => [secret, [...names].sort()]));
  }

  /** Versions, the catalog's signals and the effects a previous process left undone: once per runtime. */
  private async load(): Promise<void> {
    // Instances keep the version they started on: earlier deployments' versions stay loaded.
    const previous = await this.store.loadVersions();
    this.program = new Program(this.ir, { unsubscribeUrl: this.options.unsubscribeUrl, unsubscribeSecret: this.options.unsubscribeSecret, previous, onNode: this.options.onNode, onBranch: this.options.onBranch, forcedArms: this.options.forcedArms });
    // Schedules are worked out before the versions are saved: a stop or a crash halfway leaves
    // them unsaved, and the next start works the schedules out again (saved first, it would find
    // nothing new, and the profiles not reached would never have theirs). A stop ends the
    // loading here, before anything is learned, so the next `start()` loads again from the top.
    if (this.schedulesChanged(previous) && !(await this.rearmSchedules())) {
      this.loading = undefined;
      return;
    }
    const deployed = this.program.deployed();
    await this.store.saveVersions(deployed);
    // Said at the start that deploys it (once: the version is saved now), so an operator sees
    // what a deploy changed for whom; the first deployment on a store is all new, and not said.
    if (previous.length) {
      const known = new Set(previous.map((j) => j.version));
      for (const j of deployed) {
        if (known.has(j.version)) continue;
        const earlier = previous.some((p) => p.id === j.id);
        this.log.info(
          { journey: j.id, version: j.version },
          earlier
            ? `journey ${j.id}: new version ${j.version.slice(0, 8)}: new instances start on it; those started before finish on the version they started on`
            : `journey ${j.id}: new journey (version ${j.version.slice(0, 8)})`,
        );
      }
    }
    // Earlier versions may send on a channel the current one dropped: their waiting instances
    // would find no adapter. Said, not refused: those versions may have no instance left.
    const missing = this.missingChannels(this.program.allVersions());
    if (missing.length) this.log.warn({ channels: missing }, `\`channels\` has no adapter for ${missing.map((c) => `\`${c}\``).join(", ")}, which earlier versions of the journeys send on: their instances' messages will wait in the outbox until one is given`);
    for (const [secret, actions] of this.unconfiguredSecrets()) this.log.warn({ secret, actions }, `secret \`${secret}\` (in the headers of action${actions.length > 1 ? "s" : ""} ${actions.map((a) => `\`${a}\``).join(", ")}) is not in \`secrets\`: every call of ${actions.length > 1 ? "them" : "it"} fails ("secret \`${secret}\` is not configured") until the runtime is given it`);
    // A provider no one registered fails every request (the backup fills in): said once here
    // rather than only in a warning per recommendation.
    const unregistered = providerNamesIn([this.ir, this.program.allVersions()]).filter((name) => !Object.hasOwn(this.recommendWith.providers, name));
    for (const name of unregistered) this.log.warn({ provider: name }, `provider \`${name}\` (in \`recommend … = provider("${name}", …)\`) is not in \`providers\`: every request to it fails, and the step's backup, if any, fills in`);
    // `createRuntime` checked the current journeys' links; an earlier version (more nesting,
    // a journey since renamed) may make longer ones. Said, not refused, as above.
    const current = new Set(Object.values(this.ir.journeys));
    const earlier = this.program.allVersions().filter((j) => !current.has(j));
    const linkProblem = this.options.unsubscribeUrl === undefined || !earlier.length ? undefined : unsubscribeLinkProblem(this.options.unsubscribeUrl, earlier, MAX_PROFILE_ID_BYTES);
    if (linkProblem) this.log.warn({}, `\`unsubscribeUrl\`, for earlier versions of the journeys: ${linkProblem}; their messages to such profiles have links a mail client may cut short`);
    if (this.catalog) {
      await this.loadStoredItems(this.catalog);
      // The catalog engine learns again from the signals the store kept, in commit order.
      for (let after = 0; ; ) {
        const page = await this.store.loadSignals(after, 10_000);
        for (const signal of page.signals) this.catalog.recordSignal(signal);
        if (page.signals.length < 10_000) break;
        after = page.next;
      }
    }
    // Effects made durable before a crash but not carried out: carry them out now (same keys),
    // those that had failed counting on from their stored failures (their give-up clocks go on).
    this.deliveries.restore(await this.store.deliveryFailures());
    // Not after a stop: the store may be closed by then (the next `start()` recovers).
    await this.serial(async () => {
      if (!this.stopped) await this.recover();
    });
  }

  /**
   * The stored catalog items into the engine. One the declaration no longer accepts (a project
   * that added a field) is left out and said, and stays stored: the item upserted again, or a
   * later deployment, brings it back.
   */
  private async loadStoredItems(catalog: CatalogEngine): Promise<void> {
    for (let after: string | undefined; ; ) {
      const page = await this.store.loadItems(after, ITEMS_PAGE);
      const onRejectedItem = ({ index, errors }: RejectedItem) => {
        const key = page[index]!.key;
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
        this.log.warn({ key, errors }, `stored catalog item \`${key}\` left out: ${errors[0]!.path} ${errors[0]!.message}${more}; it stays stored`);
      };
      const { accepted } = checkItems(
        page.map((p) => p.item),
        { keyField: catalog.keyField, itemType: this.ir.catalog?.item, onRejectedItem },
      );
      catalog.upsertItems(accepted.map(([, item]) => item));
      if (page.length < ITEMS_PAGE) return;
      after = page[page.length - 1]!.key;
    }
  }

  private warnRejected(r: RejectedItem): void {
    this.log.warn({ key: r.key, index: r.index, errors: r.errors }, `catalog item left out: ${r.message}`);
  }

  /**
   * Whether this deployment brings a schedule-triggered journey (or a version of one) that the
   * store has not seen, or audiences that read the clock: profiles stored before it need their
   * schedules (and the hourly audience check) worked out, or they would never fire.
   */
  private schedulesChanged(previous: DeployedJourney[]): boolean {
    const seen = new Set(previous.map((j) => j.version));
    return [...this.program.currentJourneys()].some((j) => !seen.has(j.version) && (j.trigger?.kind === "schedule" || this.program.timedAudiences));
  }

  /**
   * Every stored profile is stepped with a `deploy` input, a page of profiles per unit of work;
   * only those whose schedules it changed are written (it emits nothing). False when a stop
   * came first: the store may be closed, and the rest is left to the next start.
   */
  private async rearmSchedules(): Promise<boolean> {
    const schedulesOf = (s: ProfileState) => JSON.stringify([s.schedules, s.armedFor, s.monthDays]);
    for (let after: string | undefined; ; ) {
      if (this.stopped) return false;
      const ids = await this.store.profileIds(after, UNIT_TIMERS);
      if (!ids.length) return true;
      await this.serial(async () => {
        if (this.stopped) return;
        const batch = new Batch(this.store, this.ir, this.clock);
        const now = this.clock.now();
        for (const id of ids) {
          const state = await batch.stored(id);
          if (!state) continue;
          const before = schedulesOf(state);
          if (schedulesOf(step(this.program, state, { kind: "deploy" }, now).state) !== before) batch.touch(state);
        }
        if (!batch.empty) await this.commitAndDispatch(batch);
      });
      after = ids[ids.length - 1];
    }
  }

  /** The channels `journeys` send on that a router (or a map of adapters: `channels: { email, sms }`) has no adapter for. */
  private missingChannels(journeys: IRJourney[]): string[] {
    const channels = this.channels;
    if (!channels.adapterFor) return [];
    return channelsSentOn(journeys).filter((c) => !channels.adapterFor!(c));
  }

  /** Work on the store needs the versions `start()` loads (an instance may be on an earlier one). */
  private async ready(what: string): Promise<void> {
    if (!this.loading) throw new Error(`${what} before start(): call \`await runtime.start()\` first`);
    await this.loading;
  }

  async stop(): Promise<void> {
    this.halt.abort(new CallInterruptedError());
    this.stops++;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.looping = false;
    }
    clearTimeout(this.recordRetry);
    // Decisions in flight record what they decided when they finish (within their timeouts):
    // wait for them, or the store may be closed before their record is committed.
    await Promise.allSettled(this.deciding);
    // A retry pass hands its deliveries over off the queue: its outcomes are committed below.
    while (this.retrying) await this.retrying;
    // `serial` records the waiting decisions first, in the same queue: by now that is done or failed.
    await this.serial(() => this.commitSent());
    if (this.unrecorded.length) this.log.error({ decisions: this.unrecorded.length }, "decisions not recorded at stop (the store refused them): kept in memory, recorded by the first unit of work after the next start(); lost if the process exits");
    // Released once its last commit is done: the next runtime starts on a settled store.
    this.releaseStore();
  }

  private releaseStore(): void {
    if (storeUsers.get(this.store) === this) storeUsers.delete(this.store);
  }

  /** Record the deliveries' outcomes since the last commit (sent, failed, given up), in a commit of their own. */
  private async commitSent(): Promise<void> {
    if (!this.deliveries.uncommitted) return;
    const batch = emptyBatch();
    await this.markingSent(batch, () => this.store.commit(batch));
  }

  /**
   * Run a commit that records the deliveries' outcomes since the last one: those sent and
   * those given up leave the outbox (`dispatched`), failures are counted (`failures`). A crash
   * before it re-sends the sent ones with the same key, which the adapter ignores, and tries
   * the given-up ones once more. A commit that fails leaves them to the next one (forgotten,
   * they would stay pending in the outbox until a restart sent them again). Messages given
   * up are logged, and told to `onEffect`, once durable.
   */
  private async markingSent(batch: { dispatched: string[]; failures?: DeliveryFailure[] }, commit: () => Promise<void>): Promise<void> {
    const done = this.deliveries.take();
    batch.dispatched.push(...done.sent, ...done.undelivered.map(givenUpKey));
    if (done.failures.size) batch.failures = [...done.failures.values()];
    try {
      await commit();
    } catch (e) {
      this.deliveries.failedCommit(done);
      throw e;
    }
    this.deliveries.committed(done);
    for (const u of done.undelivered) this.undeliverable(u);
  }

  private undeliverable(u: Undelivered): void {
    const since = new Date(u.firstFailedAt).toISOString();
    const why = u.permanent ? "refused for good" : `still failing, since ${since}`;
    const { attempts, reason } = u;
    if ("sendKey" in u) this.log.error({ key: u.sendKey, channel: u.channel, attempts, firstFailedAt: since, reason }, `message undeliverable (${why}): removed from the outbox, never tried again: ${reason}`);
    else this.log.error({ key: u.decisionKey, surface: u.surface, experience: u.experience, attempts, firstFailedAt: since, reason }, `decision undeliverable to the decisions sink (${why}): removed from the outbox, never tried again: ${reason}`);
    this.notify(u);
  }

  async profile(id: string): Promise<ProfileState | undefined> {
    // One deep copy of the store's own state (`loadProfile` would copy its containers first,
    // and share the attributes and bindings with the store).
    const state = await this.store.viewProfile(id);
    return state && structuredClone(state);
  }

  async nextDue(): Promise<number | undefined> {
    return this.store.nextDue();
  }

  decide(request: DecideRequest): Promise<Decision[]> {
    // Begun once stopping (a request in flight while the server and the runtime stop together):
    // `stop()` does not wait for it, so it resolves once what it decided is committed, before
    // the caller closes the store (recorded later, the decision would be lost with the process).
    const deciding = this.stopped ? this.decideNow(request).then(async (d) => (await this.serial(async () => {}), d)) : this.decideNow(request);
    this.deciding.add(deciding);
    void deciding.then(
      () => this.deciding.delete(deciding),
      () => this.deciding.delete(deciding),
    );
    return deciding;
  }

  private async decideNow(request: DecideRequest): Promise<Decision[]> {
    await this.ready("decide");
    if (!request || !Array.isArray(request.surfaces) || !request.surfaces.every(isString)) {
      throw new InvalidInputError("invalid decide request: surfaces must be a list of surface URIs", [{ path: "surfaces", message: "must be a list of strings" }]);
    }
    if (request.surfaces.length > MAX_SURFACES) {
      throw new InvalidInputError(`invalid decide request: at most ${MAX_SURFACES} surfaces, ${request.surfaces.length} given`, [{ path: "surfaces", message: `at most ${MAX_SURFACES}` }]);
    }
    if (typeof request.profileId !== "string" || !request.profileId) throw new InvalidInputError("invalid decide request: profileId must be a non-empty string", [{ path: "profileId", message: "must be a non-empty string" }]);
    const context: unknown = request.context;
    if (context !== undefined && (context === null || typeof context !== "object" || Array.isArray(context))) {
      throw new InvalidInputError("invalid decide request: context must be an object of the fields the experiences declare", [{ path: "context", message: "must be an object" }]);
    }
    // An instant a Date can hold, as for `advanceTo`: the decision records it, and a sink writes it as a date.
    if (request.now !== undefined && !(typeof request.now === "number" && !Number.isNaN(new Date(request.now).getTime()))) {
      throw new InvalidInputError("invalid decide request: now must be a time in milliseconds since 1970 (Date.parse(\"2026-03-02T10:00:00Z\"))", [{ path: "now", message: "must be a number of milliseconds a date can hold (±8.64e15)" }]);
    }
    const state = await this.store.viewProfile(request.profileId);
    // An unknown profile gets the default path: its fields are absent (null).
    const profile = state?.attributes ?? emptyRecord(this.ir.profile);
    return decide({ ...this.decideDeps(), profile, knownProfile: state !== undefined }, request, request.now ?? this.clock.now());
  }

  /** What every decision shares, made once per program. */
  private decideDeps(): Omit<DecideDeps, "profile"> {
    if (this.shared?.program !== this.program) {
      this.shared = {
        program: this.program,
        actions: this.actions,
        recommend: this.recommendWith,
        secrets: this.options.secrets ?? {},
        record: (effects: Effect[]) => {
          // A decision's problems (a skipped variant, a failed call or algorithm, an invalid
          // context) never reach the page, which gets the next variant: the log is where they show.
          for (const e of effects) if (e.type === "error") this.warnDecisionError(e);
          this.recordLater(effects);
        },
      };
    }
    return this.shared;
  }

  private shared?: Omit<DecideDeps, "profile">;

  /**
   * A decision's error, logged at most once a minute for each experience and message: decisions
   * come at page-view rate, and a provider down would otherwise write a line per view (every one
   * is counted in `journey_step_errors_total`). The next line says how many were not logged.
   */
  private warnDecisionError(e: Extract<Effect, { type: "error" }>): void {
    const key = `${e.journey}\u0000${e.message}`;
    const now = this.clock.now();
    const last = this.decisionErrorsLogged.get(key);
    if (last && now - last.at < 60_000) {
      last.unlogged++;
      return;
    }
    if (this.decisionErrorsLogged.size >= 1000) this.decisionErrorsLogged.clear();
    this.decisionErrorsLogged.set(key, { at: now, unlogged: 0 });
    this.log.warn({ profileId: e.profileId, experience: e.journey, location: e.location, ...(last?.unlogged ? { notLoggedSince: last.unlogged } : {}) }, e.message);
  }

  /** When each decision error was last logged, and how many of it since were not (see `warnDecisionError`). */
  private readonly decisionErrorsLogged = new Map<string, { at: number; unlogged: number }>();

  /**
   * Decisions are made durable in groups, off the request's path: those of one turn of the
   * event loop (or every RECORD_GROUP of them) in one commit. Any later unit of work commits
   * them first.
   */
  private recordLater(effects: Effect[]): void {
    this.unrecorded.push(...effects);
    // While the store refuses them, the retry's backoff says when to try again.
    if (this.recordRetry) return this.keepUnrecordedBounded();
    if (this.unrecorded.length >= RECORD_GROUP) this.recordNow();
    else this.recordTimer ??= setImmediate(() => this.recordNow());
  }

  private recordNow(): void {
    if (this.recordTimer) clearImmediate(this.recordTimer);
    this.recordTimer = undefined;
    clearTimeout(this.recordRetry);
    this.recordRetry = undefined;
    if (!this.unrecorded.length) return;
    const effects = this.unrecorded.splice(0);
    void this.queue
      .run(async () => {
        const batch = emptyBatch();
        batch.effects = effects;
        // With no sink to hand them to, decisions are done once durable: they never wait in the outbox.
        if (!this.options.decisions) for (const e of effects) if (e.type === "decision") batch.dispatched.push(e.key);
        try {
          // Decisions handed to the sink since the last commit are done: marked with this one.
          await this.markingSent(batch, () => this.store.commit(batch));
        } catch (e) {
          // The callers have their decisions already: what they were told must be recorded, so
          // the group waits (first, in order) for the next unit of work or a retry.
          this.unrecorded = effects.concat(this.unrecorded);
          this.keepUnrecordedBounded();
          const delay = Math.min(1000 * 2 ** this.recordFailures++, 60_000);
          if (!this.stopped) (this.recordRetry = setTimeout(() => this.recordNow(), delay)).unref();
          this.log.error({ err: e, decisions: effects.length }, `recording decisions failed; tried again in ${delay / 1000} s or with the next unit of work`);
          return;
        }
        this.recordFailures = 0;
        if (this.options.decisions) await this.dispatch(batch.effects, false);
        else for (const e of effects) this.notify(e);
      })
      .catch((e: unknown) => this.log.error({ err: e }, "dispatching recorded decisions failed"));
  }

  /** A store down for long must not take the service's memory with it: past MAX_UNRECORDED, the oldest decisions go. */
  private keepUnrecordedBounded(): void {
    const lost = this.unrecorded.length - MAX_UNRECORDED;
    if (lost <= 0) return;
    this.unrecorded.splice(0, lost);
    this.log.error({ lost }, `${lost} decisions dropped unrecorded: more than ${MAX_UNRECORDED} were waiting for the store`);
  }

  /** One unit of work, after every one queued before it, decisions not yet recorded included. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    this.recordNow();
    return this.queue.run(work);
  }

  private recordTimer?: NodeJS.Immediate;
  /** After a failed commit of decisions: when they are tried again, and how many failed in a row (the backoff). */
  private recordRetry?: NodeJS.Timeout;
  private recordFailures = 0;
  private unrecorded: Effect[] = [];

  // ── input ────────────────────────────────────────────────────────────────────────

  async ingest(input: EventEnvelope | EventEnvelope[]): Promise<{ accepted: number; duplicates: number }> {
    await this.ready("ingest");
    const given = Array.isArray(input) ? input : [input];
    const where = (i: number) => (Array.isArray(input) ? `event[${i}]` : "event");
    given.forEach((e, i) => this.validateEvent(e, where(i), i));
    // A batch applies in time order (a stable sort: equal times keep their order), with
    // the declared defaults filled in.
    const events = given
      .map((e, i) => ({ e, i, t: Date.parse(e.time) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map(({ e, t }) => ({ t, event: { ...e, data: withDefaults(copyData(e.data ?? {}), this.ir.events[e.type]!) as Record<string, unknown> } }));
    return this.serial(async () => {
      // On the queue, so that no erasure comes between the check and the unit that makes the profile.
      for (let i = 0; i < given.length; i++) {
        // Awaited only for an id over the bound: not a turn of the event loop per event.
        const pending = this.newIdProblem(given[i]!.profileId);
        const problem = pending && (await pending);
        if (problem) throw InvalidInputError.forEvent(where(i), [{ path: `${where(i)}.profileId`, message: problem }], i);
      }
      const seen = new Set<string>();
      let accepted = 0;
      for (let from = 0; from < events.length; ) {
        const batch = new Batch(this.store, this.ir, this.clock);
        const unit = await this.applyEvents(batch, events, from, seen).catch((e: unknown) => {
          this.uncommitted(batch);
          throw e;
        });
        accepted += unit.accepted;
        from = unit.next;
        await this.commitAndDispatch(batch);
        // On a virtual clock a unit ends at a request so that its answer is stepped before any
        // later event (see `applyEvents`); once stopping, no request is performed, and the
        // events after it would go ahead of its answer, unlike in a run without the stop.
        if (batch.waiting && this.stopped && this.clock.virtual && from < events.length) {
          throw new Error(`ingest cut short by stop(): ${from} of ${events.length} events applied, the rest would come before the answer to a call or recommendation, which waits for the next start(); send the list again after it (the events applied are duplicates)`);
        }
      }
      return { accepted, duplicates: events.length - accepted };
    });
  }

  /**
   * Apply events from `from` on in one unit of work, at most UNIT_EVENTS of them. On a
   * virtual clock each event applies at its own time, after the timers due before it, as
   * `advanceTo` then `ingest` one event at a time would: a replay commits a thousand events
   * at once and means the same. There the unit also ends at a step that asks for what only
   * dispatch answers (a call, a remote recommendation): its result is stepped, at the instant
   * it was asked, before anything later happens.
   */
  private async applyEvents(batch: Batch, events: TimedEvent[], from: number, seen: Set<string>): Promise<{ next: number; accepted: number }> {
    const to = Math.min(events.length, from + UNIT_EVENTS);
    const virtual = this.clock instanceof VirtualClock ? this.clock : undefined;
    const timers = virtual && (await this.dueTimers(batch, events[to - 1]!.t));
    let accepted = 0;
    for (let i = from; i < to; i++) {
      const { event: ev, t } = events[i]!;
      if (timers) {
        // Timers are known up to `bound` only: later events wait for the next unit.
        if (this.fireTimers(batch, timers, Math.min(t, timers.bound), virtual!) || t >= timers.bound) return { next: i, accepted };
        virtual!.set(t);
      }
      if (seen.has(ev.id) || (await this.store.hasEvent(ev.id))) continue;
      seen.add(ev.id);
      accepted++;
      batch.events.push(ev.id);
      this.learn(batch, ev, t);
      const now = this.clock.now();
      // A profile first seen through an event starts with its defaults, as an upsert would.
      const state = await batch.profile(ev.profileId, (s) => this.apply(batch, s, { kind: "profile", attributes: s.attributes }, now));
      this.apply(batch, state, { kind: "event", event: ev }, now);
      if (timers) {
        timers.track(state);
        if (batch.waiting) return { next: i + 1, accepted };
      }
    }
    return { next: to, accepted };
  }

  /** The stored timers due up to `horizon`, loaded into the unit (see `UnitTimers`). */
  private async dueTimers(batch: Batch, horizon: number): Promise<UnitTimers> {
    const ids = await this.store.dueProfiles(horizon, UNIT_TIMERS);
    const timers = new UnitTimers(horizon);
    let last = Infinity;
    for (const id of ids) {
      const state = await batch.profile(id);
      last = nextDue(state) ?? horizon;
      timers.track(state);
    }
    // A full page may leave timers unread: only times before the last one read are known in full.
    if (ids.length === UNIT_TIMERS) timers.bound = last;
    return timers;
  }

  /**
   * Fire the unit's timers due up to `upTo`, each at its own due time; true when the unit must
   * end here: a step asked for something to dispatch, or it ran UNIT_TICKS of them. A timer
   * due before the clock's time (stored by an earlier run, the clock started later) is
   * overdue: it fires now, late, as on the system clock after a service was down, and the
   * clock never goes back.
   */
  private fireTimers(batch: Batch, timers: UnitTimers, upTo: number, clock: VirtualClock): boolean {
    let ticks = 0;
    for (let next = timers.heap.first(); next && next.due <= upTo; next = timers.heap.first()) {
      if (++ticks > UNIT_TICKS) return true;
      const state = batch.loaded(next.id)!;
      clock.set(next.due);
      this.apply(batch, state, { kind: "tick" }, clock.now());
      timers.track(state);
      if (batch.waiting) return true;
    }
    return false;
  }

  /**
   * The event's catalog signals: stored with it, and learned by the engine at once, so that
   * a recommendation later in the same unit sees them, as it would had each event been
   * committed alone. A unit whose commit fails leaves them learned: when its events are
   * applied again, they are not learned twice. `at`: the event's time, parsed.
   */
  private learn(batch: Batch, ev: EventEnvelope, at: number): void {
    const signals = this.signalsOf(ev, at);
    if (!signals.length) return;
    batch.signals.push(...signals);
    if (this.learnedUncommitted.delete(ev.id)) return;
    for (const signal of signals) this.catalog!.recordSignal(signal);
  }

  /** Events whose signals the engine learned in a unit that failed to commit. */
  private readonly learnedUncommitted = new Set<string>();

  /** A unit of work that will not be committed: the signals it taught the engine are remembered. */
  private uncommitted(batch: Batch): void {
    for (const signal of batch.signals) this.learnedUncommitted.add(signal.eventId);
  }

  async upsertProfile(id: string, attributes: Record<string, unknown>): Promise<void> {
    await this.ready("upsertProfile");
    // Its length is checked on the queue (`newIdProblem`).
    checkProfileId(id, false);
    const errors = validateProfile(attributes, this.ir.profile, "profile");
    if (errors.length) throw InvalidInputError.forProfile(id, errors);
    // A copy: the caller may go on changing its object; the stored state must not follow.
    const full = withDefaults(copyData(attributes), this.ir.profile) as Record<string, unknown>;
    await this.serial(async () => {
      // Over the bound and not stored: refused as the bound says.
      const pending = this.newIdProblem(id);
      if (pending && (await pending)) checkProfileId(id);
      const batch = new Batch(this.store, this.ir, this.clock);
      const state = await batch.profile(id);
      this.apply(batch, state, { kind: "profile", attributes: full }, this.clock.now());
      await this.commitAndDispatch(batch);
    });
  }

  async deleteProfile(id: string): Promise<DeletedProfile> {
    await this.ready("deleteProfile");
    // Erasure of any stored profile, one with an id longer than the bound too.
    checkProfileId(id, false);
    return this.serial(async () => {
      const batch = new Batch(this.store, this.ir, this.clock);
      const state = await batch.stored(id);
      if (!state) return { deleted: false, instancesEnded: 0 };
      this.apply(batch, state, { kind: "erase" }, this.clock.now());
      // Random, not derived from the id: an alias anyone could work out from the id would still name the person.
      const alias = `erased:${randomUUID()}`;
      batch.erase(id, alias);
      await this.commitAndDispatch(batch);
      this.catalog?.forgetProfile?.(id, alias);
      this.deliveries.forgetProfile(id);
      const instancesEnded = batch.effects.filter((e) => e.type === "ended").length;
      this.log.info({ profileId: id, instancesEnded }, "profile deleted");
      return { deleted: true, instancesEnded };
    });
  }

  async liveInstances(): Promise<LiveInstances[]> {
    await this.ready("liveInstances");
    const counts = await this.store.instanceCounts();
    return counts.map(({ journey, version, node, count }) => {
      const nodes = this.program.journey(version)?.nodes;
      const step = nodes && Object.hasOwn(nodes, node) ? nodes[node]!.kind : undefined;
      const location = this.program.location(journey, node, version);
      return { journey, version, current: this.program.current(journey)?.version === version, node, ...(step ? { step } : {}), ...(location ? { location } : {}), count };
    });
  }

  async upsertItems(items: CatalogItem[]): Promise<UpsertResult> {
    await this.ready("upsertItems");
    const catalog = this.catalogFor("upsertItems");
    if (!Array.isArray(items)) throw new InvalidInputError("invalid catalog items: expected a list", [{ path: "items", message: "must be a list" }]);
    const { accepted, result } = checkItems(items, { keyField: catalog.keyField, itemType: this.ir.catalog?.item, onRejectedItem: (r) => this.warnRejected(r) });
    for (const w of result.warnings) this.log.warn({ key: w.key, index: w.index, path: w.path }, `catalog item kept with a field that looks misspelt: ${w.message}`);
    if (!accepted.length) return result;
    // In the queue: a unit of work sees the catalog before or after the change, never halfway;
    // stored first, so the engine never holds an item a restart would not find.
    await this.serial(async () => {
      await this.store.saveItems(accepted.map(([key, item]) => ({ key, item })));
      catalog.upsertItems(accepted.map(([, item]) => item));
    });
    return result;
  }

  async catalogItems(after: string | undefined, limit: number): Promise<StoredItem[]> {
    await this.ready("catalogItems");
    this.catalogFor("catalogItems");
    if (after !== undefined && typeof after !== "string") throw new TypeError("catalogItems: `after` must be a catalog key (a string) or undefined");
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CATALOG_PAGE) throw new TypeError(`catalogItems: \`limit\` must be a whole number from 1 to ${MAX_CATALOG_PAGE}`);
    return this.store.loadItems(after, limit);
  }

  async removeItems(keys: string[]): Promise<string[]> {
    await this.ready("removeItems");
    const catalog = this.catalogFor("removeItems");
    if (!Array.isArray(keys) || !keys.every(isString)) throw new InvalidInputError("invalid catalog keys: expected a list of strings", [{ path: "keys", message: "must be a list of strings" }]);
    return this.serial(async () => {
      const stored = new Set(await this.store.removeItems(keys));
      // Also those only the engine held (given to `catalog.upsertItems` directly), each once.
      const removed = [...new Set(keys)].filter((k) => stored.has(k) || catalog.item(k) !== undefined);
      catalog.removeItems(keys);
      return removed;
    });
  }

  private catalogFor(what: string): CatalogEngine {
    if (!this.catalog) throw new TypeError(`${what}: this runtime has no catalog engine (the project declares no \`catalog\`)`);
    return this.catalog;
  }

  /** Every wrong field of the envelope, and of its data when its type is declared: a client fixes them all at once. */
  private validateEvent(e: EventEnvelope, where: string, index: number): void {
    if (!e || typeof e !== "object") throw InvalidInputError.forEvent(where, [{ path: where, message: "must be an object" }], index);
    const errors: ValidationError[] = [];
    const given = (f: "id" | "type" | "profileId" | "time") => typeof e[f] === "string" && e[f] !== "";
    for (const f of ENVELOPE_FIELDS) if (!given(f)) errors.push({ path: `${where}.${f}`, message: "must be a non-empty string" });
    const { type, profileId, time } = e;
    // Its length is checked on the queue (`newIdProblem`): a stored profile's id may be over the bound.
    const idProblem = given("profileId") ? profileIdProblem(profileId, false) : undefined;
    if (idProblem) errors.push({ path: `${where}.profileId`, message: idProblem });
    if (given("time") && !isInstant(time)) errors.push({ path: `${where}.time`, message: INSTANT_MESSAGE });
    if (given("type")) {
      // Own names only: `toString` is not a declared event.
      const declared = Object.hasOwn(this.ir.events, type) ? this.ir.events[type] : undefined;
      if (!declared) errors.push({ path: `${where}.type`, message: `\`${type}\` is not a declared event${suggestName(type, new Set(Object.keys(this.ir.events)))}` });
      else errors.push(...validate(e.data ?? {}, declared, `${where}.data`));
    }
    if (errors.length) throw InvalidInputError.forEvent(where, errors, index);
  }

  /**
   * What is wrong with the id of a profile an event or upsert may make: over the bound (see
   * `MAX_PROFILE_ID_BYTES`), unless the store holds it, stored before the bound: its messages'
   * links went out already, and its events (an unsubscribe among them) must still be taken.
   */
  private newIdProblem(id: string): Promise<string | undefined> | undefined {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most ids are within the bound by their length alone.
    if (id.length * 3 <= MAX_PROFILE_ID_BYTES) return undefined;
    const problem = profileIdProblem(id);
    return problem ? this.store.viewProfile(id).then((stored) => (stored ? undefined : problem)) : undefined;
  }

  /** Events feed the catalog engine with the signals the `catalog … signals` block declares (stored with the event; see `learn`). */
  private signalsOf(ev: EventEnvelope, at: number): Signal[] {
    const out: Signal[] = [];
    if (!this.catalog) return out;
    for (const s of this.signalSpecs().get(ev.type) ?? []) {
      const keys: string[] = [];
      collectKeys(ev.data, s.path, 0, keys);
      // Stamped no later than now: an event dated ahead of the clock (a producer's clock off,
      // a typo of a year) counts now, rather than move the engine's time ahead and have the
      // store forget every signal before it.
      // A cart event without keys is a signal too: the cart is now empty, so `exclude inCart`
      // must stop excluding the previous cart's items. An empty view or purchase says nothing.
      if (keys.length || s.signal === "cart") out.push({ profileId: ev.profileId, kind: s.signal as SignalKind, keys, at: Math.min(at, this.clock.now()), eventId: ev.id });
    }
    return out;
  }

  /** The catalog's signal declarations by event type, found once per program. */
  private signalSpecs(): Map<string, CatalogSignal[]> {
    if (this.specs?.program !== this.program) {
      const byEvent = new Map<string, CatalogSignal[]>();
      for (const s of this.ir.catalog?.signals ?? []) byEvent.set(s.event, [...(byEvent.get(s.event) ?? []), s]);
      this.specs = { program: this.program, byEvent };
    }
    return this.specs.byEvent;
  }

  private specs?: { program: Program; byEvent: Map<string, CatalogSignal[]> };

  // ── time ─────────────────────────────────────────────────────────────────────────

  async advanceTo(time: number): Promise<void> {
    // Infinity (or past the last instant a Date holds) would move the clock where no time can be
    // written, and with a schedule fire timers for ever.
    if (typeof time !== "number" || Number.isNaN(new Date(time).getTime())) throw new TypeError(`advanceTo: the time must be a number of milliseconds since 1970 (Date.parse("2026-03-02T10:00:00Z")), not ${typeof time === "string" ? JSON.stringify(time) : String(time)}`);
    // The system clock cannot be moved: its timers run by themselves when they are due.
    if (!this.clock.virtual) throw new TypeError("advanceTo needs a VirtualClock: with the system clock, timers run by themselves when they are due");
    await this.ready("advanceTo");
    for (;;) {
      const due = await this.store.nextDue();
      if (due === undefined || due > time) break;
      // Once stopping, no request is performed: later timers would come before its answer (as in `ingest`).
      if (this.stopped) throw new Error(`advanceTo cut short by stop(): timers due from ${new Date(due).toISOString()} on stay stored; call it again after the next start()`);
      await this.serial(() => this.runDue(time));
    }
    if (this.clock instanceof VirtualClock) this.clock.set(time);
    await this.retryFailedDeliveries();
  }

  /**
   * Run what is due up to `upTo`, many profiles in one commit. On a virtual clock every timer
   * runs at its own due time, all of them in time order (as between events: a profile's next
   * timer may come before another's first), so the clock only moves forward; on the system
   * clock, at the time it is now.
   */
  private async runDue(upTo: number): Promise<void> {
    const batch = new Batch(this.store, this.ir, this.clock);
    if (this.clock instanceof VirtualClock) {
      const timers = await this.dueTimers(batch, upTo);
      this.fireTimers(batch, timers, Math.min(upTo, timers.bound), this.clock);
    } else {
      const ids = await this.store.dueProfiles(upTo, UNIT_TIMERS);
      if (!ids.length) return;
      for (const id of ids) this.apply(batch, await batch.profile(id), { kind: "tick" }, this.clock.now());
    }
    await this.commitAndDispatch(batch);
  }

  /** With the system clock: wake up when the next timer is due (one loop, however often it is asked for). */
  private schedule(): void {
    if (this.stopped || this.looping) return;
    this.looping = true;
    const again = () => {
      this.looping = false;
      this.schedule();
    };
    this.store.nextDue().then(
      (due) => {
        if (this.stopped) return void (this.looping = false);
        const wait = due === undefined ? 1000 : Math.max(0, Math.min(due - this.clock.now(), 1000));
        this.timer = setTimeout(() => {
          this.timer = undefined;
          // Beside the queue: a retry's network time holds no timer back (one pass at a time).
          if (!this.retrying) this.retryFailedDeliveries().catch((e: unknown) => this.log.error({ err: e }, "retrying failed deliveries failed"));
          void this.queue
            .run(() => this.runDue(this.clock.now()))
            .catch((e: unknown) => this.log.error({ err: e }, "timer processing failed"))
            .finally(again);
        }, wait);
      },
      (e: unknown) => {
        this.log.error({ err: e }, "reading the next due time failed; trying again in a second");
        this.timer = setTimeout(() => {
          this.timer = undefined;
          again();
        }, 1000);
      },
    );
  }

  /**
   * Sends a channel refused and decisions the sink refused, tried again when their backoff
   * says (by key; the adapter dedupes). The adapters are called off the queue, so events and
   * timers go on while a receiver takes its time; only the outcomes take the queue, to be
   * committed. One pass at a time: a call while one runs makes one more after it.
   */
  private retryFailedDeliveries(): Promise<void> {
    const pass = (this.retrying ?? Promise.resolve()).then(() => this.retryPass());
    const settled: Promise<void> = pass.then(
      () => undefined,
      () => undefined,
    );
    this.retrying = settled;
    void settled.then(() => {
      if (this.retrying === settled) this.retrying = undefined;
    });
    return pass;
  }

  private async retryPass(): Promise<void> {
    // On a virtual clock the backoff is in its time: `advanceTo` retries what it made due.
    const now = this.clock.now();
    const due = this.deliveries.dueCount(now);
    if (!due) return;
    await this.deliveries.carryOut(this.duePages(now, due), true);
    // Those delivered leave the outbox now rather than with the next unit of work (an idle
    // service has none); a pass a stop cut short left its last page's to this commit.
    await this.serial(() => this.commitSent());
  }

  /**
   * The deliveries due by `now`, a page of the outbox at a time, in commit order, until the
   * `count` of them are met: all of them are reached (a working channel's message behind a
   * failing one's backlog too), with one page in memory. Each page's outcomes are committed
   * before the next is read, so a crash hands over again at most a page's worth.
   */
  private async *duePages(now: number, count: number): AsyncGenerator<Delivery[]> {
    let left = count;
    for await (const effects of this.outboxPages(() => left > 0 && !this.stopped)) {
      const due = this.deliveries.due(effects, now);
      if (due.length) {
        yield due;
        await this.serial(() => this.commitSent());
      }
      left -= due.length;
    }
  }

  /** The outbox a page at a time, in commit order, while `goOn()` holds before each read: one page in memory. */
  private async *outboxPages(goOn: () => boolean): AsyncGenerator<Effect[]> {
    for (let after = 0; goOn(); ) {
      const page = await this.store.pendingEffects(after, RETRY_PAGE);
      yield page.effects;
      if (page.effects.length < RETRY_PAGE) return;
      after = page.next;
    }
  }

  /**
   * What a previous process (or this runtime before `stop()`) left in the outbox, carried out
   * again with the same keys, not told to `onEffect` again: a page at a time, as a retry pass
   * reads it, so a backlog of any size takes one page of memory, a failing lane costs one
   * timeout for the whole of it (its later deliveries, on every page, are held back), and
   * each page's outcomes are committed before the next is read. Requests (calls,
   * recommendations) are performed and their results stepped page by page. On the queue.
   */
  private async recover(): Promise<void> {
    await this.deliveries.carryOut(this.recoveryPages(), true);
    await this.commitSent();
  }

  private async *recoveryPages(): AsyncGenerator<Delivery[]> {
    for await (const effects of this.outboxPages(() => !this.stopped)) {
      const deliveries = effects.filter((e): e is Delivery => e.type === "send" || e.type === "decision");
      if (deliveries.length) {
        yield deliveries;
        await this.commitSent();
      }
      await this.dispatch(effects.filter((e) => e.type === "callRequest" || e.type === "recommendRequest"), true);
    }
  }

  // ── steps, commits, dispatch ─────────────────────────────────────────────────────

  /**
   * Step a profile. A recommendation the built-in catalog can answer is answered here, inside
   * the same unit of work: it is a read, so a crash before the commit just runs it all again.
   * It sees the signals of the unit's earlier events: they are learned as each event applies
   * (`learn`). Any other request marks the unit `waiting`: dispatch answers it after the commit.
   */
  private apply(batch: Batch, state: ProfileState, input: Input, now: number): void {
    // The input, then the answers to the requests it made, in the order they were made.
    const inputs: Input[] = [input];
    for (let i = 0; i < inputs.length; i++) {
      const r = step(this.program, state, inputs[i]!, now);
      state = r.state;
      batch.touch(state);
      for (const e of r.effects) {
        batch.effects.push(e);
        if (e.type === "recommendRequest" && isLocal(e.request)) {
          batch.answered.add(e.key);
          // Named fields rather than a spread of `recommendWith`: this runs for every recommendation.
          const deps = { catalog: this.recommendWith.catalog, itemType: this.recommendWith.itemType, now, profile: state.attributes };
          inputs.push(this.recommended(e, recommendLocally(e.request, e.profileId, deps)));
        } else if (e.type === "recommendRequest" || e.type === "callRequest") batch.waiting = true;
      }
    }
  }

  private async commitAndDispatch(batch: Batch): Promise<void> {
    if (batch.signals.length) batch.pruneSignalsBefore = this.catalog?.signalsNeededSince?.();
    try {
      await this.markingSent(batch, () => batch.commit());
    } catch (e) {
      this.uncommitted(batch);
      throw e;
    }
    await this.dispatch(batch.effects, false, batch.answered);
  }

  /**
   * Carry out effects, in order. Sends go to their channel with the effect key as the
   * idempotency key, decisions to the sink: one that fails stays in the outbox, retried with
   * backoff, and the effects after it still go (see `Deliveries`). Requests (calls,
   * recommendations) are performed together; their results are stepped in one batch and
   * committed with "request done". `recovering`: effects a previous run left pending, carried
   * out again (by `start()`), not told to `onEffect` again.
   */
  private async dispatch(effects: Effect[], recovering: boolean, answered?: ReadonlySet<string>): Promise<void> {
    const deliveries: Delivery[] = [];
    const requests: (Effect & { type: "callRequest" | "recommendRequest" })[] = [];
    for (const e of effects) {
      if (!recovering) this.notify(e);
      if (e.type === "decision" || e.type === "send") deliveries.push(e);
      else if ((e.type === "callRequest" || e.type === "recommendRequest") && !answered?.has(e.key)) requests.push(e);
    }
    // On the queue: the unit's work resolves once its messages are handed over (see docs/embedding.md).
    if (deliveries.length) await this.deliveries.carryOut(deliveries, recovering);
    if (this.deliveries.givenUp) await this.commitSent();
    // Once a stop has come, no call or recommendation begins either (each may take its whole
    // timeout, and its result steps on to more): they stay in the outbox, and the next start
    // performs them.
    if (!requests.length || this.stopped) return;
    // The profiles are loaded once, into the batch that will step the results.
    const batch = new Batch(this.store, this.ir, this.clock);
    const states: ProfileState[] = [];
    for (const r of requests) states.push(await batch.profile(r.profileId));
    const results = await Promise.all(requests.map((r, i) => this.perform(r, states[i]!.attributes)));
    let stepped = 0;
    for (let i = 0; i < requests.length; i++) {
      // A call the stop interrupted stays in the outbox, as if not begun: the next start makes it.
      const result = results[i];
      if (!result) continue;
      stepped++;
      batch.dispatched.push(requests[i]!.key);
      this.apply(batch, states[i]!, result, this.answeredAt(requests[i]!));
    }
    if (stepped) await this.commitAndDispatch(batch);
  }

  /** Hand one message to its channel's adapter, or one decision to the sink. */
  private async deliver(e: Delivery): Promise<void> {
    if (e.type === "send") {
      const from = this.ir.channels[e.channel]?.from;
      // Only a link the service gave: the default one, a placeholder, is no address to unsubscribe at.
      const unsubscribeUrl = this.options.unsubscribeUrl === undefined ? undefined : this.program.unsubscribeLink({ profileId: e.profileId, messageId: e.key, channel: e.channel });
      await this.channels.send({
        key: e.key,
        at: new Date(e.at).toISOString(),
        channel: e.channel,
        to: e.to,
        ...(from !== undefined ? { from } : {}),
        ...(e.transactional ? { transactional: true } : {}),
        profileId: e.profileId,
        journey: e.journey,
        template: e.template,
        content: e.content,
        ...(unsubscribeUrl !== undefined ? { unsubscribeUrl } : {}),
      });
    } else if (this.options.decisions) await this.options.decisions.record(e);
  }

  /**
   * When a request is answered. On a virtual clock, at the instant it was made; one a crash
   * left behind and a later run finds (its clock started past it) is answered late, at the
   * clock's time: the clock never goes back.
   */
  private answeredAt(r: Effect): number {
    return this.clock.virtual ? Math.max(r.at, this.clock.now()) : this.clock.now();
  }

  /** Perform one request; its outcome is an input for `step`, never an exception; none for a call the stop interrupted. */
  private async perform(e: Effect & { type: "callRequest" | "recommendRequest" }, profile: Record<string, unknown>): Promise<Input | undefined> {
    if (e.type === "callRequest") return this.call(e);
    const r = await resolveRecommendation(e.request, e.profileId, {
      ...this.recommendWith,
      deadlineMs: this.options.recommendDeadlineMs ?? 500,
      now: this.answeredAt(e),
      profile,
    });
    return this.recommended(e, r);
  }

  private recommended(e: Effect & { type: "recommendRequest" }, r: Recommendation): Input {
    for (const err of r.errors) this.log.warn({ profileId: e.profileId, key: e.key, err }, "recommendation algorithm failed; backup used");
    return { kind: "result", request: e.key, ok: true, value: r.items, items: r.sources, ...(r.errors.length ? { failed: r.errors } : {}), ...(r.short ? { short: r.short } : {}) };
  }

  private async call({ request, key, version, profileId }: Effect & { type: "callRequest" }): Promise<Input | undefined> {
    // This start's signal: a stop aborts it, a later start makes another.
    const stopping = this.halt.signal;
    try {
      const answer = await this.actions.execute(withSecrets(request, this.options.secrets ?? {}), stopping);
      return { kind: "result", request: key, ok: true, value: typedResponse(answer, this.program.action(request.action, version)?.returns) };
    } catch (e) {
      // Our own stop is no failure of the action: no `on error` path for it.
      if (stopping.aborted && e instanceof CallInterruptedError) {
        this.log.info({ key, action: request.action }, "call interrupted by the stop: it stays in the outbox and is made at the next start");
        return undefined;
      }
      const error = (e as Error).message;
      // The journey handles it (`on error`, or the instance ends), but an action down, refusing
      // its token or answering out of type is the operator's to fix: said, not only recorded.
      this.log.warn({ profileId, key, action: request.action, err: e }, `call of action \`${request.action}\` failed: ${error}; the step takes its \`on error\` path, or its instance ends with reason \`error\``);
      return { kind: "result", request: key, ok: false, error };
    }
  }

  /** `onEffect` is the caller's code: its failure is logged, never the unit's (whose work is committed). */
  private notify(e: Effect): void {
    try {
      this.options.onEffect?.(e);
    } catch (err) {
      this.log.error({ err, key: e.key }, "onEffect threw; the effect itself is unaffected");
    }
  }

}

/** What `stop()` aborts: every call under way listens to its signal, so any number may (Node warns past 10). */
function haltController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** The runtime that started on each store and has not stopped (see `start`). */
const storeUsers = new WeakMap<Store, JourneyRuntime>();

type CatalogSignal = NonNullable<IR["catalog"]>["signals"][number];

/** `bounded` false: an id of any length, as a profile stored before the bound may have (see `MAX_PROFILE_ID_BYTES`). */
function checkProfileId(id: unknown, bounded = true): asserts id is string {
  const problem = profileIdProblem(id, bounded);
  if (problem) throw new InvalidInputError(`invalid profile id: ${problem}`, [{ path: "id", message: problem }]);
}

/** What is wrong with a profile id, if anything: a phrase to follow its field path. */
function profileIdProblem(id: unknown, bounded = true): string | undefined {
  if (typeof id !== "string" || !id) return "must be a non-empty string";
  // Half of a UTF-16 pair without the other: no text encoding holds it, so the id could not go
  // in a link (`encodeURIComponent` throws), a file or a database as it was given.
  if (!id.isWellFormed()) return "must be well-formed Unicode text (it holds half of a UTF-16 surrogate pair)";
  const bytes = bounded ? Buffer.byteLength(id) : 0;
  if (bytes > MAX_PROFILE_ID_BYTES) return `must be at most ${MAX_PROFILE_ID_BYTES} bytes (UTF-8), not ${bytes}: it goes into the unsubscribe link of every message, which mail clients must be able to follow`;
  return undefined;
}

/**
 * The longest profile id an event or upsert may give, in UTF-8 bytes (an email address is at
 * most 254). Each message's unsubscribe link holds the id twice (alone, and in the message
 * key), URL-encoded (up to 3 characters a byte): within the bound, a link stays a few KB,
 * which mail clients, proxies and `journey serve` (16 KB for a request's line and headers)
 * all take. Profiles stored before the bound with a longer id still load, run, take events
 * and upserts (their links went out already: an unsubscribe must still be acted on), and can
 * be read and deleted.
 */
export const MAX_PROFILE_ID_BYTES = 256;

/** The keys at `path` in event data: lists along the way are walked through, missing values skipped. */
function collectKeys(value: unknown, path: string[], at: number, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectKeys(v, path, at, out);
    return;
  }
  if (at === path.length) {
    if (value !== undefined && value !== null) out.push(String(value));
    return;
  }
  if (value && typeof value === "object") collectKeys((value as Record<string, unknown>)[path[at]!], path, at + 1, out);
}

/**
 * The timers of a unit of work on a virtual clock, up to its last event's time (`horizon`):
 * those stored, and each profile's new due time as the unit steps it (a later one needs no
 * place here: the unit never runs past its horizon). `bound`: where the stored ones read
 * ahead stop being complete.
 */
class UnitTimers {
  readonly heap = new DueHeap();
  bound = Infinity;

  constructor(readonly horizon: number) {}

  track(state: ProfileState): void {
    const due = nextDue(state);
    this.heap.set(state.id, due !== undefined && due <= this.horizon ? due : null);
  }
}

/** The profiles one unit of work touches, kept in memory until one commit writes them all. */
class Batch {
  private readonly states = new Map<string, ProfileState>();
  /**
   * Where each profile's live instances were when the unit loaded it (see `placesOf`), before
   * any step moved them: `step` changes a state in place. The commit counts its changes from them.
   */
  private readonly loadedPlaces = new Map<string, readonly string[]>();
  readonly effects: Effect[] = [];
  readonly events: string[] = [];
  readonly dispatched: string[] = [];
  failures?: DeliveryFailure[];
  readonly signals: Signal[] = [];
  readonly erased: ErasedProfile[] = [];
  /** Requests answered inside this unit of work: committed as dispatched, never dispatched. */
  readonly answered = new Set<string>();
  /** Whether a step asked for something only dispatch answers (a call, a remote recommendation). */
  waiting = false;
  pruneSignalsBefore?: number;

  constructor(
    private readonly store: Store,
    private readonly ir: IR,
    /** When a profile seen for the first time is made. */
    private readonly clock: Clock,
  ) {}

  /** A profile's state; a profile seen for the first time starts with its defaults. */
  async profile(id: string, onNew?: (s: ProfileState) => void): Promise<ProfileState> {
    let s = this.states.get(id);
    if (s) return s;
    const stored = await this.store.loadProfile(id);
    s = stored ?? newProfileState(id, emptyRecord(this.ir.profile), this.clock.now());
    this.loadedPlaces.set(id, placesOf(s));
    this.states.set(id, s);
    if (!stored) onNew?.(s);
    return s;
  }

  /** A stored profile's state (undefined when none is), held by the unit only once `touch`ed: a redeploy writes only those it changed. */
  async stored(id: string): Promise<ProfileState | undefined> {
    const s = await this.store.loadProfile(id);
    if (s) this.loadedPlaces.set(id, placesOf(s));
    return s;
  }

  /** A profile this unit already holds. */
  loaded(id: string): ProfileState | undefined {
    return this.states.get(id);
  }

  touch(s: ProfileState): void {
    this.states.set(s.id, s);
  }

  /** The profile goes for good when the unit commits (see `ErasedProfile`): its state is not written. */
  erase(id: string, alias: string): void {
    this.states.delete(id);
    this.erased.push({ profileId: id, alias });
  }

  /** Whether the unit holds no profile: nothing to commit. */
  get empty(): boolean {
    return this.states.size === 0;
  }

  async commit(): Promise<void> {
    const profiles: ProfileState[] = [];
    const timers: CommitBatch["timers"] = [];
    for (const s of this.states.values()) {
      profiles.push(s);
      timers.push({ profileId: s.id, due: nextDue(s) ?? null });
    }
    const batch: CommitBatch = {
      profiles,
      timers,
      events: this.events,
      effects: this.effects,
      dispatched: this.answered.size ? [...this.dispatched, ...this.answered] : this.dispatched,
      ...(this.failures ? { failures: this.failures } : {}),
      signals: this.signals,
      ...(this.pruneSignalsBefore !== undefined ? { pruneSignalsBefore: this.pruneSignalsBefore } : {}),
      ...(this.erased.length ? { erased: this.erased } : {}),
    };
    const instances = this.instanceChanges();
    if (instances.length) batch.instances = instances;
    await this.store.commit(batch);
  }

  /** How the unit moved live instances: each profile's places now against those it was loaded with; an erased profile's all go. */
  private instanceChanges(): InstanceCountChange[] {
    const changes = new Map<string, InstanceCountChange>();
    const count = (places: readonly string[], by: number) => {
      for (let i = 0; i < places.length; i += 3) {
        const journey = places[i]!;
        const version = places[i + 1]!;
        const node = places[i + 2]!;
        const key = `${journey}\u0000${version}\u0000${node}`;
        const c = changes.get(key);
        if (c) c.change += by;
        else changes.set(key, { journey, version, node, change: by });
      }
    };
    for (const s of this.states.values()) {
      const before = this.loadedPlaces.get(s.id);
      if (!before) throw new Error(`a unit of work holds profile \`${s.id}\` without having loaded it: its instances could not be counted`);
      if (atPlaces(s, before)) continue;
      count(before, -1);
      count(placesOf(s), 1);
    }
    for (const { profileId } of this.erased) count(this.loadedPlaces.get(profileId) ?? [], -1);
    return [...changes.values()].filter((c) => c.change !== 0);
  }
}

/** The places of a profile without instances (most of them): shared, as nothing changes it. */
const NO_PLACES: readonly string[] = [];

/**
 * A profile's live instances as (journey, version, node) triples, flat: a copy of what `step`
 * may change in place. Done for every profile a unit loads, so it allocates only for one with instances.
 */
function placesOf(s: ProfileState): readonly string[] {
  let places: string[] | undefined;
  for (const k in s.instances) {
    const i = s.instances[k]!;
    (places ??= []).push(i.journey, i.version, i.node);
  }
  return places ?? NO_PLACES;
}

/** Whether a profile's instances are where `places` has them, in the same order (compared in place: most units move few). */
function atPlaces(s: ProfileState, places: readonly string[]): boolean {
  let i = 0;
  for (const k in s.instances) {
    const inst = s.instances[k]!;
    if (places[i] !== inst.journey || places[i + 1] !== inst.version || places[i + 2] !== inst.node) return false;
    i += 3;
  }
  return i === places.length;
}
