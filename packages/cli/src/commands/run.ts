/** `journey run`: compile a project and replay events on a virtual clock, printing the timeline. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InvalidInputError, simulate, type Effect, type EventEnvelope, type LiveInstances, type Runtime, type Store } from "@journey/runtime";
import { isValidTimeZone, offsetAt, suggestTimeZone } from "@journey/template";
import { Command } from "commander";
import pc from "picocolors";
import { UserError } from "../errors.js";
import { dataFile, invalidInput, parseInstantFlag, readActionResponses, readProviderResponses, readCatalog, readEvents, readProfiles, parseUntil, unknownProfilesWarning } from "../inputs.js";
import { compileOrReport } from "../project.js";
import { count, useColor, warn, write } from "../report.js";
import { latestActivity, openStore, removeStore } from "../store.js";
import { checkMessagesFolder, inMessagesFolder, writeMessagesFolder } from "../messages/folder.js";
import { messagesOf } from "../messages/message.js";
import { runFiles, type Senders } from "../messages/pages.js";
import { formatEntry, iso, timelineEntry, type TimelineEntry } from "../timeline.js";
import { watchProject } from "../watch.js";

interface RunOptions {
  events?: string;
  profiles?: string;
  catalog?: string;
  actionResponses?: string;
  providerResponses?: string;
  until?: string;
  from?: string;
  db?: string;
  json?: boolean;
  tz?: string;
  watch?: boolean;
  messages?: string;
}

export function runCommand(): Command {
  return new Command("run")
    .description("replay events through a project's journeys on a virtual clock")
    .argument("<project>", "the project folder")
    .option("--events <file>", "events as JSON Lines, one JSON envelope per line, not an array (default: <project>/events.jsonl)")
    .option("--profiles <file>", "profiles: [{ \"id\": …, …attributes }] (default: <project>/profiles.json if present)")
    .option("--catalog <file>", "catalog items as a JSON array, over those a `journey serve` stored in --db, and not stored (default: <project>/catalog.json if present)")
    .option("--action-responses <file>", "canned action responses (default: <project>/action-responses.json if present)")
    .option("--provider-responses <file>", "canned answers for recommendation providers (default: <project>/provider-responses.json if present)")
    .option("--from <time>", "start the virtual clock at this ISO time, before the first event or without events (a project of schedules); default: the first event's time, or a --db's first timer when earlier")
    .option("--until <time>", "stop at an ISO time or +<duration> after the start (default: when nothing is left to fire, at most 30 days after the last event or the start); instances still waiting then are summarised by journey and step")
    .option("--db <file>", "keep state in this SQLite file instead of memory")
    .option("--json", "one JSON object per timeline entry, then one of type `waiting` per journey step instances still wait at when the run ends")
    .option("--tz <zone>", "also show each time in this IANA time zone, or `profile` for each profile's own (its `timezone` at the end of the run)")
    .option("--watch", "run again whenever a file of the project changes, until Ctrl-C")
    .option("--messages <dir>", "also write every message the run sent into this folder, one file each, and an index.html listing them (and those suppressed) in time order; replaces a folder an earlier --messages wrote, refuses any other that is not empty")
    .action(async (project: string, options: RunOptions, command: Command) => {
      const color = useColor(command);
      if (!options.watch) {
        process.exitCode = await run(project, options, color);
        return;
      }
      if (options.json) throw new UserError("--watch reports for people as files change: leave out --json");
      if (options.db) throw new UserError("--watch replays the events from the start at every save: leave out --db, which keeps what a run did");
      await watchProject(project, () => run(project, options, color), color, (path) => options.messages !== undefined && inMessagesFolder(options.messages, path));
    });
}

async function run(project: string, options: RunOptions, color: boolean): Promise<number> {
  // Before the compile: a mistyped zone is found at once, not after a long run.
  if (options.tz !== undefined && options.tz !== "profile" && !isValidTimeZone(options.tz)) {
    const near = suggestTimeZone(options.tz);
    throw new UserError(`--tz: \`${options.tz}\` is not an IANA time zone (like Europe/Stockholm or America/New_York), nor \`profile\`${near ? ` (did you mean \`${near}\`?)` : ""}`);
  }
  if (options.messages !== undefined) checkMessagesFolder(options.messages);
  const compiled = compileOrReport(project, color);
  if (!compiled) return 1;
  const from = options.from !== undefined ? parseInstantFlag("--from", options.from) : undefined;
  // Events are optional from a given start: a project of schedules runs on its profiles alone.
  // A --db from an earlier run is continued: its timers say when a run without events starts.
  const continuing = options.db !== undefined && existsSync(options.db);
  const eventsPath = dataFile(project, options.events, "events.jsonl", from === undefined && !continuing);
  const { events, lines } = eventsPath ? readEvents(eventsPath) : { events: [], lines: [] };
  const profilesPath = dataFile(project, options.profiles, "profiles.json");
  const catalogPath = dataFile(project, options.catalog, "catalog.json");
  const responsesPath = dataFile(project, options.actionResponses, "action-responses.json");
  const providerResponsesPath = dataFile(project, options.providerResponses, "provider-responses.json");
  const times = events.map((e) => Date.parse(e.time)).filter((t) => !Number.isNaN(t));
  // A run's start is the input's, never this machine's clock: the same files give the same timeline.
  if (from === undefined && !events.length && !continuing) throw new UserError(`${eventsPath}: no events: pass --from <time> to say when a run without events starts`);
  // Not Math.min(...times): spreading a few hundred thousand arguments overflows the stack.
  const first = times.length ? times.reduce((a, b) => Math.min(a, b)) : undefined;
  if (from !== undefined && first !== undefined && first < from) {
    const at = events.findIndex((e) => Date.parse(e.time) === first);
    throw new UserError(`${eventsPath}:${lines[at]}: this event (${events[at]!.time}) is before --from ${options.from}: the clock cannot go back to it`);
  }
  const profiles = profilesPath ? readProfiles(profilesPath) : undefined;
  // Every input is read before the store is opened: a mistake in one leaves no database behind.
  const catalog = catalogPath ? readCatalog(catalogPath, compiled.catalog) : undefined;
  const actionResponses = responsesPath ? readActionResponses(responsesPath, compiled.actions) : undefined;
  const providerResponses = providerResponsesPath ? readProviderResponses(providerResponsesPath, compiled) : undefined;
  const store = options.db ? await openStore(options.db) : undefined;
  let ok = false;
  try {
    // No event with a valid time: the run refuses the first of them (its line and field) before anything runs.
    const start = store && continuing ? await continuedStart(store, options.db!, { from, text: options.from, first, events, lines, eventsPath }) : (from ?? first ?? 0);
    const until = options.until !== undefined ? parseUntil(options.until, start) : undefined;
    // An empty timeline with exit 0 would look like "the journeys did nothing" (a date alone is midnight UTC).
    if (until !== undefined && until < start) warn(`--until ${options.until} is before the ${from !== undefined ? "start (--from)" : start === first ? "first event" : `first timer in ${options.db}`} (${iso(start)}): nothing runs`);
    const unknown = profilesPath && eventsPath ? await unknownProfilesWarning(events, profiles!, { events: eventsPath, profiles: profilesPath }, store && (async (id) => (await store.viewProfile(id)) !== undefined)) : undefined;
    const result = await simulate({
      ir: compiled,
      events,
      start,
      ...(profiles ? { profiles } : {}),
      ...(catalog ? { catalog } : {}),
      ...(actionResponses ? { actionResponses } : {}),
      ...(providerResponses ? { providerResponses } : {}),
      ...(until !== undefined ? { until } : { horizonMs: RUN_HORIZON_MS }),
      ...(store ? { store } : {}),
    });
    ok = true;
    for (const r of result.rejectedItems) warn(`${catalogPath}: ${r.message}; left out`);
    for (const w of result.itemWarnings) warn(`${catalogPath}: ${w.message}`);
    if (unknown) warn(unknown);
    if (result.keptProfiles.length) warn(`${profilesPath}: ${count(result.keptProfiles.length, "profile")} already in ${options.db}, kept as stored there (the file only adds new profiles)`);
    // Each id is applied once: with a --db from an earlier run (or another project), all may be skipped.
    if (result.duplicates) warn(`${eventsPath}: ${count(result.duplicates, "event")} with an id seen before${options.db ? ` (in this file or in ${options.db})` : ""}: not applied again`);
    const utc = result.timeline.map(timelineEntry).filter((e) => e !== undefined);
    const localOf = options.tz === undefined ? undefined : localTimes(options.tz, result.runtime);
    const entries = localOf ? await withLocalTimes(utc, localOf) : utc;
    // Written before the timeline is printed: a folder that cannot be written is the last word, not lost above it.
    const written = options.messages !== undefined ? await writeMessages(options.messages, project, result.timeline, compiled.channels, localOf) : undefined;
    const waiting = await result.runtime.liveInstances();
    if (options.json) write([...entries, ...waiting.map((w) => waitingEntry(w, result.end))].map((e) => JSON.stringify(e) + "\n").join(""));
    else if (!Object.keys(compiled.journeys).length) write(`no journeys in this project: its events fed the catalog (see \`journey decide\` for its experiences)\n`);
    else write(entries.map((e) => `${formatEntry(e, color)}\n`).join("") + summary(result.timeline, color) + "\n" + stillWaiting(waiting, result.end, color));
    if (written && !options.json) write(written + "\n");
    return 0;
  } catch (e) {
    if (e instanceof InvalidInputError) throw invalidInput(e, { events: eventsPath ?? "events", lines, profiles: profilesPath });
    throw e;
  } finally {
    await store?.close();
    // A database this run created and then refused to fill (an invalid profile or event) is removed.
    if (options.db !== undefined && !continuing && !ok) removeStore(options.db);
  }
}

/**
 * Where a run on a --db from earlier runs starts. The clock never goes back: not before the
 * latest time the store records (an event there would come before what it already did), and
 * without --from not after its first timer, so a continuation fires each at its own time, as
 * one run would. A --from past timers leaves them overdue: they fire at --from, late, as the
 * runtime fires them after a service was down.
 */
async function continuedStart(
  store: Store,
  db: string,
  input: { from?: number; text?: string; first?: number; events: EventEnvelope[]; lines: number[]; eventsPath?: string },
): Promise<number> {
  const { from, first, events, lines, eventsPath } = input;
  const timer = await store.nextDue();
  const latest = await latestActivity(store);
  const why = latest !== undefined ? `, the latest time ${db} records (a journey entered or ended, a message sent): the clock cannot go back to it` : "";
  if (from !== undefined) {
    if (latest !== undefined && from < latest) throw new UserError(`--from ${input.text} is before ${iso(latest)}${why}`);
    if (timer !== undefined && timer < from) {
      const overdue = await store.dueProfiles(from - 1, Number.MAX_SAFE_INTEGER);
      warn(`${db}: timers of ${count(overdue.length, "profile")} were due before --from ${input.text} (the first at ${iso(timer)}): they fire at --from, late, as after a service was down`);
    }
    return from;
  }
  // Events seen before are not applied again, whatever their time: only a new one cannot be earlier.
  if (latest !== undefined) {
    for (const [i, e] of events.entries()) {
      if (Date.parse(e.time) < latest && !(await store.hasEvent(e.id))) throw new UserError(`${eventsPath}:${lines[i]}: this event (${e.time}) is before ${iso(latest)}${why}`);
    }
  }
  const start = Math.min(first ?? Infinity, timer ?? Infinity);
  if (start === Infinity) throw new UserError(`${eventsPath ?? "events"}: no events, and no timers in ${db}: pass --from <time> to say when a run without events starts`);
  return start;
}

/** A profile's time at an instant, as `--tz` shows it: see {@link localTimes}. */
type LocalTimes = (ms: number, profileId: string) => Promise<string>;

/**
 * Times in `tz` (or in each profile's `timezone`, UTC when it has none) with their offset:
 * quiet hours and schedules are local, and a reader should not have to work out that 07:00Z
 * was the end of quiet hours in Stockholm.
 */
function localTimes(tz: string, runtime: Runtime): LocalTimes {
  const zones = new Map<string, string>();
  const zoneOf = async (profileId: string) => {
    let zone = zones.get(profileId);
    if (zone === undefined) {
      const stored = (await runtime.profile(profileId))?.attributes["timezone"];
      zones.set(profileId, (zone = typeof stored === "string" && isValidTimeZone(stored) ? stored : "UTC"));
    }
    return zone;
  };
  return async (ms, profileId) => localTime(ms, tz === "profile" ? await zoneOf(profileId) : tz);
}

/** Entries with `local`, their time as {@link localTimes} gives it. */
async function withLocalTimes(entries: TimelineEntry[], localOf: LocalTimes): Promise<TimelineEntry[]> {
  const out: TimelineEntry[] = [];
  for (const { at, ...rest } of entries) out.push({ at, local: await localOf(Date.parse(at), rest.profileId), ...rest } as TimelineEntry);
  return out;
}

/** Write the run's messages to `dir` (see `--messages`); the line that says so. */
async function writeMessages(dir: string, project: string, timeline: Effect[], senders: Senders, localOf: LocalTimes | undefined): Promise<string> {
  const messages = messagesOf(timeline);
  if (localOf) for (const m of messages) m.local = await localOf(m.at, m.profileId);
  const replaced = writeMessagesFolder(dir, runFiles(`journey run ${project}`, messages, senders));
  const suppressed = messages.filter((m) => m.suppressed !== undefined).length;
  return `${replaced ? "replaced the messages of an earlier run in" : "wrote"} ${dir}: ${count(messages.length - suppressed, "message")} sent, ${suppressed} suppressed; open ${join(dir, "index.html")}`;
}

/** ISO 8601 in the zone's wall-clock time with its offset: `2026-03-02T08:00:00+01:00`. */
export function localTime(ms: number, tz: string): string {
  const offset = offsetAt(ms, tz);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${new Date(ms + offset).toISOString().slice(0, 19)}${offset < 0 ? "-" : "+"}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** Schedules never stop: without `--until`, a run looks this far past the last event. */
const RUN_HORIZON_MS = 30 * 86_400_000;

/** A `--json` line for instances still waiting when the run ends, at its end: after every timeline line. */
function waitingEntry(w: LiveInstances, end: number): Record<string, unknown> {
  const location = w.location && `${w.location.file}:${w.location.line}:${w.location.column}`;
  return { at: new Date(end).toISOString(), type: "waiting", journey: w.journey, version: w.version, current: w.current, node: w.node, ...(w.step ? { step: w.step } : {}), ...(location ? { location } : {}), count: w.count };
}

/**
 * Instances the run ended with (an `--until` before their journeys finish): by journey, then
 * the step each resumes at. Nothing when none waits.
 */
function stillWaiting(waiting: LiveInstances[], end: number, color: boolean): string {
  if (!waiting.length) return "";
  const total = waiting.reduce((n, w) => n + w.count, 0);
  const width = Math.max(...waiting.map((w) => w.journey.length));
  const lines = waiting.map((w) => {
    const at = w.location ? `${w.location.file}:${w.location.line}:${w.location.column}` : `node ${w.node}`;
    return `  ${w.journey.padEnd(width)}  ${w.count} to resume at ${at}${w.step ? ` (${w.step})` : ""}${w.current ? "" : `, on earlier version ${w.version.slice(0, 8)}`}\n`;
  });
  const head = `still waiting at ${iso(end)}: ${count(total, "instance")}`;
  return `${color ? pc.bold(head) : head}\n${lines.join("")}`;
}

function summary(timeline: Effect[], color: boolean): string {
  const n = (t: Effect["type"]) => timeline.filter((e) => e.type === t).length;
  const text = `${n("entered")} entered, ${n("send")} sent, ${count(n("goal"), "goal")}, ${n("ended")} ended, ${count(n("error"), "error")}`;
  return color ? pc.dim(text) : text;
}
