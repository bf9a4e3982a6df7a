/**
 * Data files for simulations (events JSONL, profiles, catalog, canned action responses):
 * read and parsed with errors that name the file, the line and the field.
 */
import { readFileSync } from "node:fs";
import type { CannedResponse, CatalogItem, EventEnvelope, InvalidInputError } from "@journey/runtime";
import { UserError } from "./errors.js";

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

function parseJson(path: string, text: string, line?: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError(`${path}${line ? `:${line}` : ""}: invalid JSON: ${(e as Error).message}`);
  }
}

/** One event envelope per line; blank lines are skipped. `lines[i]`: the line of `events[i]`. */
export function readEvents(path: string): { events: EventEnvelope[]; lines: number[] } {
  const events: EventEnvelope[] = [];
  const lines: number[] = [];
  read(path)
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const v = parseJson(path, line, i + 1) as EventEnvelope;
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new UserError(`${path}:${i + 1}: an event is a JSON object`);
      events.push(v);
      lines.push(i + 1);
    });
  return { events, lines };
}

/** The runtime names an invalid event by its place in the list it was given: name it by file and line. */
export function invalidEvent(e: InvalidInputError, path: string | undefined, lines: number[]): UserError {
  const line = e.index === undefined ? undefined : lines[e.index];
  const first = e.errors[0];
  if (!path || line === undefined || !first) return new UserError(e.message);
  const field = first.path.replace(/^event(\[\d+\])?\.?/, "");
  return new UserError(`${path}:${line}: invalid event: ${field ? `${field} ` : ""}${first.message}`);
}

export function readProfiles(path: string): { id: string; [k: string]: unknown }[] {
  const v = parseJson(path, read(path));
  if (!Array.isArray(v)) throw new UserError(`${path}: expected a JSON array of profiles ([{ "id": …, …attributes }])`);
  v.forEach((p, i) => {
    if (!p || typeof p !== "object" || typeof (p as { id?: unknown }).id !== "string") throw new UserError(`${path}: [${i}].id must be a string`);
  });
  return v as { id: string }[];
}

export function readCatalog(path: string): CatalogItem[] {
  const v = parseJson(path, read(path));
  if (!Array.isArray(v)) throw new UserError(`${path}: expected a JSON array of catalog items`);
  return v as CatalogItem[];
}

export function readActionResponses(path: string): Record<string, CannedResponse[]> {
  const v = parseJson(path, read(path));
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new UserError(`${path}: expected { "<Action>": [{ "match": {…}, "response": {…} | "error": "…" }] }`);
  for (const [k, list] of Object.entries(v)) if (!Array.isArray(list)) throw new UserError(`${path}: .${k} must be an array of responses`);
  return v as Record<string, CannedResponse[]>;
}

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--until`: an ISO instant, or `+4h`/`+7d` after the start. */
export function parseUntil(text: string, start: number): number {
  if (text.startsWith("+")) {
    const parts = [...text.slice(1).matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
    if (!parts.length || parts.map((p) => p[0]).join("") !== text.slice(1)) throw new UserError(`--until ${text}: expected an ISO time or +<duration> such as +7d`);
    return start + parts.reduce((n, p) => n + Number(p[1]) * UNIT[p[2]!]!, 0);
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UserError(`--until ${text}: expected an ISO time or +<duration> such as +7d`);
  return t;
}
