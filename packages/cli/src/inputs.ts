/**
 * Data files for simulations (events JSONL, profiles, catalog, canned action and provider responses):
 * read and parsed with errors that name the file, the line and the field.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileErrorReason } from "@journey/compiler";
import { isCalendarDate } from "@journey/template";
import type { IR } from "@journey/ir";
import type { CatalogItem, EventEnvelope, InvalidInputError } from "@journey/runtime";
// The simulation's entry point: it loads no store driver or network client (`journey test` needs none).
import { DataFileError, isJsonObject, parseActionResponses, parseJsonFile, parseProviderResponses, providerNamesIn, type CannedProviderRule, type CannedResponse } from "@journey/runtime/sim";
import { UserError } from "./errors.js";
import { warn } from "./report.js";

/** A file's text (its byte order mark, if any, is skipped by `parseJsonFile`). */
function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${fileErrorReason(e)}`);
  }
}

/** The runtime's JSON reading (see `parseJsonFile`), its mistakes the user's. */
function parseJson(path: string, text: string, line?: number): unknown {
  return asUserError(() => parseJsonFile(path, text, line));
}

/** A mistake the runtime finds in a data file is the user's: one clean line, no stack. */
function asUserError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof DataFileError ? new UserError(e.message) : e;
  }
}

/** A JSON file, a mistake in it named by line and column. */
export function readJson(path: string): unknown {
  return parseJson(path, read(path));
}

/**
 * One event envelope per line; blank lines are skipped. `lines[i]`: the line of `events[i]`.
 * The JSON a file of events is most often written as instead, an array or events pretty-printed
 * over several lines, is said so (with the `jq` that converts it), not as a JSON error.
 */
export function readEvents(path: string): { events: EventEnvelope[]; lines: number[] } {
  const events: EventEnvelope[] = [];
  const lines: number[] = [];
  read(path)
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((line, i) => {
      const text = line.trim();
      if (!text) return;
      const jsonLines = "an events file is JSON Lines, one event (a JSON object) per line";
      if (!events.length && text.startsWith("[")) throw new UserError(`${path}:${i + 1}: ${jsonLines}, not a JSON array: convert it with \`jq -c '.[]' ${shellWord(path)}\``);
      if (text === "{") throw new UserError(`${path}:${i + 1}: ${jsonLines}: this event spans several lines; \`jq -c . ${shellWord(path)}\` writes each on one`);
      const v = parseJson(path, line, i + 1) as EventEnvelope;
      if (!isJsonObject(v)) throw new UserError(`${path}:${i + 1}: an event is a JSON object`);
      events.push(v);
      lines.push(i + 1);
    });
  return { events, lines };
}

/**
 * The runtime names invalid input by its place in the lists it was given (`event[3].data.total`,
 * `profiles[2].email`): name it by file, and line for an event.
 */
export function invalidInput(e: InvalidInputError, files: { events?: string; lines: number[]; profiles?: string }): UserError {
  const first = e.errors[0];
  if (files.profiles && first?.path.startsWith("profiles[")) return new UserError(`${files.profiles}: ${e.message.replace(/\bprofiles\[/g, "[")}`);
  const line = e.index === undefined ? undefined : files.lines[e.index];
  if (!files.events || line === undefined || !first) return new UserError(e.message);
  const field = first.path.replace(/^event(\[\d+\])?\.?/, "");
  return new UserError(`${files.events}:${line}: invalid event: ${field ? `${field} ` : ""}${first.message}`);
}

/** `path` as one word of a shell command line (quoted when it has to be). */
function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * A file holding one JSON array (profiles, catalog items: `what`). A file of one object per
 * line, the events' format (JSON Lines), is said so, with the `jq` that converts it, rather
 * than as the JSON error at its second line.
 */
function readJsonArray(path: string, what: string): unknown[] {
  const text = read(path);
  const v = asUserError(() => {
    try {
      return parseJsonFile(path, text);
    } catch (e) {
      if (e instanceof DataFileError && isJsonLines(text)) throw new UserError(`${path}: expected a JSON array of ${what}, found JSON Lines (one object per line, the format of an events file): convert it with \`jq -s . ${shellWord(path)}\``);
      throw e;
    }
  });
  if (!Array.isArray(v)) throw new UserError(`${path}: expected a JSON array of ${what}`);
  return v;
}

/** Whether `text` starts with a line that is a JSON object by itself (and so is JSON Lines if it does not parse whole). */
function isJsonLines(text: string): boolean {
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/).find((l) => l.trim() !== "");
  if (first === undefined) return false;
  try {
    return isJsonObject(JSON.parse(first));
  } catch {
    return false;
  }
}

export function readProfiles(path: string): { id: string; [k: string]: unknown }[] {
  const v = readJsonArray(path, 'profiles ([{ "id": …, …attributes }])');
  v.forEach((p, i) => {
    const id = p && typeof p === "object" ? (p as { id?: unknown }).id : undefined;
    if (typeof id !== "string" || !id) throw new UserError(`${path}: [${i}].id must be a non-empty string`);
  });
  const profiles = v as { id: string }[];
  warnRepeated(path, profiles.map((p) => p.id), { noun: "profile id", items: "", last: "profile" });
  return profiles;
}

/**
 * The warning for events for profiles that neither the profiles file nor the store holds (a
 * mistyped id, most often): such a profile starts with the declared defaults only, and a
 * required field without one is null. Worked out before the run (which stores them), said
 * after it (when the run did not stop at an error first).
 */
export async function unknownProfilesWarning(events: EventEnvelope[], profiles: { id: string }[], files: { events: string; profiles: string }, stored?: (id: string) => Promise<boolean>): Promise<string | undefined> {
  const known = new Set(profiles.map((p) => p.id));
  const unknown = new Map<string, number>();
  for (const e of events) if (typeof e?.profileId === "string" && !known.has(e.profileId)) unknown.set(e.profileId, (unknown.get(e.profileId) ?? 0) + 1);
  if (stored) for (const id of [...unknown.keys()]) if (await stored(id)) unknown.delete(id);
  if (!unknown.size) return undefined;
  const n = [...unknown.values()].reduce((a, b) => a + b, 0);
  const ids = [...unknown.keys()];
  const shown = ids.slice(0, 3).map((id) => `\`${id}\``).join(", ") + (ids.length > 3 ? `, and ${ids.length - 3} more` : "");
  return `${files.events}: ${n === 1 ? "1 event is" : `${n} events are`} for ${ids.length === 1 ? "a profile" : "profiles"} not in ${files.profiles} (${shown}): ${ids.length === 1 ? "it starts" : "they start"} with the declared defaults only`;
}

/** Catalog items; for a project that declares no `catalog` (`declared` undefined), said on stderr: they would go unused. */
export function readCatalog(path: string, declared: unknown): CatalogItem[] {
  if (!declared) warn(`${path}: the project declares no \`catalog\`, so these items are not used`);
  const v = readJsonArray(path, "catalog items");
  // An item given twice is an upsert: the last one is used — the last *valid* one, since an
  // invalid row is left out and leaves the key as it was. Likely a mistake in a file: said.
  const keyField = (declared as { key?: unknown } | undefined)?.key;
  if (typeof keyField === "string") {
    const keys = v.map((item: unknown) => {
      const key = isJsonObject(item) ? item[keyField] : undefined;
      return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
    });
    warnRepeated(path, keys, { noun: "key", items: "items", last: "valid item" });
  }
  return v as CatalogItem[];
}

/**
 * Said when a data file gives a key more than once (a mistake, most often): which, and at
 * which places. Loading is an upsert: the last one of each is used.
 */
function warnRepeated(path: string, keys: (string | undefined)[], words: { noun: string; items: string; last: string }): void {
  const at = new Map<string, number[]>();
  keys.forEach((key, i) => key !== undefined && at.set(key, [...(at.get(key) ?? []), i]));
  const twice = [...at].filter(([, is]) => is.length > 1);
  if (!twice.length) return;
  const shown = twice.slice(0, 3).map(([k, is]) => `\`${k}\` (${is.map((i) => `${words.items}[${i}]`).join(", ")})`).join(", ") + (twice.length > 3 ? `, and ${twice.length - 3} more` : "");
  warn(`${path}: ${twice.length === 1 ? `a ${words.noun} is` : `${twice.length} ${words.noun}s are`} given more than once, ${shown}: the last ${words.last} of each is used`);
}

/** Canned answers for `call` steps (see `parseActionResponses`); responses for an action the project does not declare (a typo) are named on stderr. */
export function readActionResponses(path: string, declared: Record<string, unknown>): Record<string, CannedResponse[]> {
  const { responses, warnings } = asUserError(() => parseActionResponses(path, read(path), declared));
  for (const w of warnings) warn(w);
  return responses;
}

/** Canned answers for recommendation providers (see `parseProviderResponses`); responses for a provider no recommendation asks (a typo) are named on stderr. */
export function readProviderResponses(path: string, ir: IR): Record<string, CannedProviderRule[]> {
  const { responses, warnings } = asUserError(() => parseProviderResponses(path, read(path), providerNamesIn(ir)));
  for (const w of warnings) warn(w);
  return responses;
}

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--until`: an ISO instant, or `+4h`/`+7d` after the start. */
export function parseUntil(text: string, start: number): number {
  if (!text.startsWith("+")) return parseInstantFlag("--until", text, "or +<duration> such as +7d");
  const ms = durationMs(text.slice(1));
  if (ms === undefined) throw new UserError(`--until ${text}: expected an ISO time or +<duration> such as +7d`);
  return representable("--until", text, start + ms);
}

/** A duration as the language writes it (`90m`, `1d12h`), in ms; undefined when it is none. */
export function durationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((n, p) => n + Number(p[1]) * UNIT[p[2]!]!, 0);
}

/**
 * An instant given on the command line: a date and time with its zone (`Z` or `+01:00`), or
 * a date alone (midnight UTC). A time without a zone is refused: it would be read in the
 * zone of the machine the command runs on, and give other answers elsewhere.
 */
export function parseInstantFlag(flag: string, text: string, alternative = ""): number {
  const t = Date.parse(text);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  if (Number.isNaN(t) || (!dateOnly && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) || !isCalendarDate(text)) {
    throw new UserError(`${flag} ${text}: expected an ISO time with a zone, such as 2026-03-02T10:00:00Z${alternative ? ` ${alternative}` : ""}`);
  }
  return representable(flag, text, t);
}

/** Past the last instant a Date can hold, timers would fire until memory runs out. */
function representable(flag: string, text: string, t: number): number {
  if (Number.isNaN(new Date(t).getTime())) throw new UserError(`${flag} ${text}: beyond the last representable time (year 275760)`);
  return t;
}

/** A data file given explicitly, or the project's own by convention. */
export function dataFile(project: string, given: string | undefined, name: string, required = false): string | undefined {
  if (given) return given;
  const path = join(project, name);
  if (existsSync(path)) return path;
  if (required) throw new UserError(`no events: pass --events <file> or put ${name} in ${project} (or --from <time> to run without events)`);
  return undefined;
}
