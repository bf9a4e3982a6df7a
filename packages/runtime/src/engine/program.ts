/**
 * A deployed project as the engine sees it: the current IR, every journey version that an
 * instance may still be running, compiled templates, and what `step` needs from
 * configuration (links). Built once per deployment.
 */
import { journeyUses, type IR, type IRAction, type IRJourney, type IRNode, type JourneyUses } from "@journey/ir";
import { compileTemplate, rootNames, type CompiledTemplate } from "@journey/template";
import { evaluate, pathRoots, type EvalEnv } from "./evaluate.js";
import type { ForcedArms } from "./split.js";
import type { CallRequest } from "./state.js";
import { unsubscribeLink, type UnsubscribeTarget } from "./unsubscribe.js";

/** Where a node is in the source its version was compiled from. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * A journey version as deployments keep it: with where its nodes were in its own source, so an
 * instance still on it after a redeploy reports errors at the right place, and the templates,
 * fragments and actions it uses, so that instance sends and calls what its version did.
 * (Versions kept before `uses` existed use the current deployment's.)
 */
export type DeployedJourney = IRJourney & { locations?: Record<string, SourceLocation>; uses?: JourneyUses };

export interface ProgramOptions {
  /** The unsubscribe link in email content; `{profileId}`, `{messageId}`, `{channel}` and `{signature}` are replaced. */
  unsubscribeUrl?: string;
  /** Signs the links (`{signature}`): see unsubscribe.ts. */
  unsubscribeSecret?: string;
  /** Journey versions from earlier deployments that instances may still run. */
  previous?: DeployedJourney[];
  /** Told of each node as an instance runs it (see `RuntimeOptions.onNode`). */
  onNode?: NodeObserver;
  /** Told of the way each branching node goes (see `RuntimeOptions.onBranch`). */
  onBranch?: BranchObserver;
  /** Arms chosen ahead for some profiles (see `RuntimeOptions.forcedArms`). */
  forcedArms?: ForcedArms;
}

/** Watches the engine run: `journey test --coverage` counts the steps tests run. It changes nothing. */
export type NodeObserver = (journey: string, version: string, node: string) => void;

/**
 * Watches the way branching nodes go, for branch coverage; it changes nothing. `outcome`: for an
 * `if`, the index of the branch taken, the number of branches for its `else` (written or not);
 * for a `split`, the arm's index; for a `wait for`, 0 the event, 1 the timeout; for a `call`, 0
 * an answer, 1 a failure (its `on error`).
 */
export type BranchObserver = (journey: string, version: string, node: string, outcome: number) => void;

const CLOCK_FUNCTIONS = new Set(["now", "daysSince", "hoursSince", "yearsSince", "isAnniversary"]);

function readsClock(e: unknown): boolean {
  if (!e || typeof e !== "object") return false;
  if (Array.isArray(e)) return e.some(readsClock);
  const o = e as Record<string, unknown>;
  if (typeof o["call"] === "string" && CLOCK_FUNCTIONS.has(o["call"])) return true;
  return Object.values(o).some(readsClock);
}

export class Program {
  private readonly versions = new Map<string, IRJourney>();
  private readonly byName = new Map<string, IRJourney>();
  private readonly templates = compiledTemplates();
  /** What earlier versions use, where it may differ from the current deployment (see `uses`). */
  private readonly earlier = new Map<string, { uses: JourneyUses; compiled: CompiledTemplates }>();
  readonly unsubscribeUrl: string;
  private readonly unsubscribeSecret: string | undefined;
  readonly onNode: NodeObserver | undefined;
  readonly onBranch: BranchObserver | undefined;
  /** `forcedArms` by profile id, then experiment; undefined when none are chosen (the usual case costs one check). */
  private readonly forced: Map<string, Map<string, string>> | undefined;
  /** Some audience reads the clock (`now`, `daysSince`, `isAnniversary`, …): membership changes with time. */
  readonly timedAudiences: boolean;
  /** Event types some goal of some loaded version counts: other events never record a goal. */
  readonly goalEvents = new Set<string>();

  constructor(
    readonly ir: IR,
    options: ProgramOptions = {},
  ) {
    for (const j of options.previous ?? []) {
      this.versions.set(j.version, j);
      if (j.locations) this.previousLocations.set(j.version, j.locations);
      if (j.uses) this.earlier.set(j.version, { uses: j.uses, compiled: compiledTemplates() });
    }
    for (const j of Object.values(ir.journeys)) {
      this.versions.set(j.version, j);
      this.byName.set(j.id, j);
      // A version is a hash of what it uses too: the current deployment's are the same.
      this.earlier.delete(j.version);
    }
    for (const j of this.versions.values()) for (const g of j.goals) this.goalEvents.add(g.event);
    this.timedAudiences = Object.values(ir.audiences).some((a) => readsClock(a.condition));
    this.unsubscribeUrl = options.unsubscribeUrl ?? "https://example.com/unsubscribe?profile={profileId}&message={messageId}";
    this.unsubscribeSecret = options.unsubscribeSecret;
    this.onNode = options.onNode;
    this.onBranch = options.onBranch;
    const forced = Object.entries(options.forcedArms ?? {}).map(([id, arms]) => [id, new Map(Object.entries(arms))] as const);
    this.forced = forced.length ? new Map(forced) : undefined;
  }

  /** The arm chosen ahead for a profile in an experiment (`forcedArms`), if any. */
  forcedArm(experiment: string, profileId: string): string | undefined {
    return this.forced?.get(profileId)?.get(experiment);
  }

  /** The unsubscribe link of one message (`unsubscribeUrl` filled in for it, signed when it asks for `{signature}`). */
  unsubscribeLink(target: UnsubscribeTarget): string {
    return unsubscribeLink(this.unsubscribeUrl, target, this.unsubscribeSecret);
  }

  /** The bindings the goals of a journey version read: what an ended instance keeps for them. */
  goalVars(j: IRJourney): Set<string> {
    let names = this.goalNames.get(j.version);
    if (!names) {
      names = new Set<string>();
      for (const g of j.goals) if (g.where) pathRoots(g.where, names);
      this.goalNames.set(j.version, names);
    }
    return names;
  }

  private readonly goalNames = new Map<string, Set<string>>();

  /**
   * The bindings an instance waiting at `nodeId` of version `j` may still read: those read
   * there or at any node after it, and those its exits and goals read. The others are behind
   * it for good (a recommendation's items after the message that shows them): a waiting
   * instance need not keep them. Undefined for a node the version does not have.
   */
  liveVars(j: IRJourney, nodeId: string): ReadonlySet<string> | undefined {
    let live = this.live.get(j.version);
    if (!live) this.live.set(j.version, (live = liveness(j)));
    return live.get(nodeId);
  }

  private readonly live = new Map<string, Map<string, Set<string>>>();

  /**
   * A schedule trigger's cadence (`every`, `at`, a monthly one's `on` day) as a text: what a
   * profile's next firing was worked out for. The day is there only when given, so the text
   * of a schedule without one is the one profiles were armed for before days existed (a
   * redeploy does not work out all their firings again).
   */
  cadence(j: IRJourney): string {
    const t = j.trigger;
    if (t?.kind !== "schedule") return "";
    let c = this.cadences.get(j);
    if (c === undefined) this.cadences.set(j, (c = JSON.stringify(t.day === undefined ? [t.every, t.at ?? null] : [t.every, t.at ?? null, t.day])));
    return c;
  }

  private readonly cadences = new WeakMap<IRJourney, string>();

  /** A journey by version (an instance keeps the version it started on). */
  journey(version: string): IRJourney | undefined {
    return this.versions.get(version);
  }

  /** The currently deployed version of a journey. */
  current(name: string): IRJourney | undefined {
    return this.byName.get(name);
  }

  currentJourneys(): Iterable<IRJourney> {
    return this.byName.values();
  }

  allVersions(): IRJourney[] {
    return [...this.versions.values()];
  }

  /**
   * Where a node is in the source, for errors that point at it: in the current deployment's
   * source map, or for an instance on an earlier version, in the locations kept with that
   * version (none rather than a wrong one when they were not kept).
   */
  location(journey: string, nodeId: string, version?: string): SourceLocation | undefined {
    if (version !== undefined && this.byName.get(journey)?.version !== version) return this.previousLocations.get(version)?.[nodeId];
    const loc = this.ir.sourceMap.nodes[`${journey}#${nodeId}`];
    if (!loc) return undefined;
    return { file: this.ir.sourceMap.files[loc[0]] ?? "", line: loc[1], column: loc[2] };
  }

  private readonly previousLocations = new Map<string, Record<string, SourceLocation>>();

  /** The current journeys as a deployment keeps them, each with its nodes' locations. */
  deployed(): DeployedJourney[] {
    return [...this.byName.values()].map((j) => {
      const locations: Record<string, SourceLocation> = {};
      for (const nodeId of Object.keys(j.nodes)) {
        const loc = this.location(j.id, nodeId);
        if (loc) locations[nodeId] = loc;
      }
      return { ...j, locations, uses: journeyUses(j, this.ir) };
    });
  }

  /** The templates, fragments and actions an instance on `version` uses (see `DeployedJourney`); the current ones without a version. */
  uses(version?: string): JourneyUses {
    return (version !== undefined && this.earlier.get(version)?.uses) || this.ir;
  }

  /**
   * A template compiled once per (source, escaping), then reused for every render; with the
   * fragments of `version` when given (an instance on an earlier version includes its own).
   */
  template(source: string, escape: "html" | "none" | "json", version?: string): CompiledTemplate {
    const earlier = version === undefined ? undefined : this.earlier.get(version);
    // By escaping, then by source: the IR's own strings, whose hash is computed once (a key
    // joined from both would be a new string, hashed in full, at every render).
    const bySource = (earlier?.compiled ?? this.templates)[escape];
    let t = bySource.get(source);
    if (!t) {
      t = compileTemplate(source, { escape, partials: earlier?.uses.fragments ?? this.ir.fragments });
      bySource.set(source, t);
    }
    return t;
  }

  /** An action as `version` declares it (see `uses`); the current declaration without a version. */
  action(name: string, version?: string): IRAction | undefined {
    const actions = this.uses(version).actions;
    return Object.hasOwn(actions, name) ? actions[name] : undefined;
  }

  /** The HTTP request of a `call`, from the action declaration (of `version`, see `uses`) and the evaluated arguments. */
  callRequest(action: string, args: unknown[], env: EvalEnv, version?: string): CallRequest {
    const a = this.action(action, version);
    if (!a) throw new Error(`unknown action \`${action}\``);
    const params: Record<string, unknown> = {};
    const encoded: Record<string, unknown> = {};
    a.params.forEach((p, i) => {
      params[p.name] = args[i];
      encoded[p.name] = args[i] === null || typeof args[i] === "object" ? args[i] : encodeURIComponent(String(args[i]));
    });
    const penv: EvalEnv = { ...env, vars: { ...env.vars, ...params } };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(a.headers)) headers[k] = String(evaluate(v, penv));
    return {
      action,
      args: params,
      method: a.method.toUpperCase(),
      // URL parameters are percent-encoded: a city called "São Paulo" stays one parameter.
      url: this.template(a.url, "none")(encoded),
      headers,
      ...(a.body ? { body: evaluate(a.body, penv) } : {}),
      timeoutMs: a.timeoutMs ?? 5000,
      retries: a.retries ?? 0,
    };
  }
}

type CompiledTemplates = Record<"html" | "none" | "json", Map<string, CompiledTemplate>>;

function compiledTemplates(): CompiledTemplates {
  return { html: new Map(), none: new Map(), json: new Map() };
}

/** Each node's live bindings (see `Program.liveVars`): its reads, and those of every node after it. */
function liveness(j: IRJourney): Map<string, Set<string>> {
  const always = new Set<string>();
  for (const m of [...j.exits, ...j.goals]) if (m.where) pathRoots(m.where, always);
  const live = new Map<string, Set<string>>();
  for (const [id, node] of Object.entries(j.nodes)) live.set(id, reads(node, new Set(always)));
  // Loops (`repeat`) make the graph cyclic: grow the sets until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, names] of live) {
      for (const next of successors(j.nodes[id]!)) {
        for (const name of (next !== null && live.get(next)) || []) {
          if (names.has(name)) continue;
          names.add(name);
          changed = true;
        }
      }
    }
  }
  return live;
}

/**
 * The bindings a node reads: the roots of its expressions, and the names its inline content
 * reads (fragments it includes read none: they see only `profile` and the runtime's names).
 */
function reads(node: IRNode, out: Set<string>): Set<string> {
  // A `set` node's `path` is a profile path, not an expression.
  pathRoots(node.kind === "set" ? node.value : node, out);
  if (node.kind === "send" && node.content) {
    for (const c of Object.values(node.content)) if ("template" in c) for (const name of rootNames(c.template)) out.add(name);
  }
  return out;
}

/** The nodes a node may continue at (null: the instance ends). */
function successors(node: IRNode): (string | null)[] {
  switch (node.kind) {
    case "waitFor":
      return [node.onEvent, node.onTimeout, node.next];
    case "if":
      return [...node.branches.map((b) => b.then), node.else, node.next];
    case "split":
      return [...node.arms.map((a) => a.then), node.next];
    case "call":
      return [node.onError, node.next];
    case "repeat":
      return [node.body, node.next];
    case "jump":
    case "end":
      return [];
    default:
      return [node.next];
  }
}
