/**
 * JSON read from a data file (canned action responses, events, profiles, a catalog): a
 * mistake is named by file, line and column, as an editor shows them, never by Node's
 * character offset.
 */

/** A mistake in a data file; the message names the file (and the line, the field). */
export class DataFileError extends Error {
  constructor(
    message: string,
    /** Where in the file, when known (invalid JSON): 1-based, the column in UTF-16 code units as editors count. */
    readonly position?: { line: number; column: number },
  ) {
    super(message);
    this.name = "DataFileError";
  }
}

/**
 * Parse the JSON text of file `path` (a leading byte order mark, which editors on Windows
 * add and JSON.parse rejects, is skipped). `line`: which line of the file `text` is, for
 * JSON Lines.
 */
export function parseJsonFile(path: string, text: string, line?: number): unknown {
  const json = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    const message = (e as Error).message;
    const before = json.slice(0, errorOffset(json, message)).split("\n");
    const position = { line: (line ?? 1) + before.length - 1, column: before[before.length - 1]!.length + 1 };
    // Node quotes the text (`Unexpected token ']', "[…" is not valid JSON`), newlines and all.
    throw new DataFileError(`${path}:${position.line}:${position.column}: invalid JSON: ${message.replace(/ (in JSON )?at position \d+.*$|, (\.\.\.)?".*" is not valid JSON$/s, "")}`, position);
  }
}

/**
 * Where JSON.parse stopped. Node says so as an offset, except for `Unexpected token …`: then the
 * mistake ends the shortest prefix of the text that fails before its own end.
 */
function errorOffset(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message)?.[1];
  if (at !== undefined) return Number(at);
  if (message.includes("end of JSON input")) return text.trimEnd().length;
  const failsInside = (prefix: string) => {
    try {
      JSON.parse(prefix);
      return false;
    } catch (e) {
      const m = (e as Error).message;
      const p = /at position (\d+)/.exec(m)?.[1];
      return !m.includes("end of JSON input") && (p === undefined || Number(p) < prefix.length);
    }
  };
  let [lo, hi] = [0, text.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(text.slice(0, mid + 1))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Whether a value read from JSON is an object (not an array, not null). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A rule of a canned-responses file (`action-responses.json`, `provider-responses.json`), named
 * `at`: an object of `match`, `response` and `error` only; `shape` says what one looks like.
 */
export function responseRule(at: string, r: unknown, shape: string): Record<string, unknown> {
  if (!isJsonObject(r)) throw new DataFileError(`${at} must be an object: ${shape}`);
  const unknown = Object.keys(r).find((f) => f !== "match" && f !== "response" && f !== "error");
  if (unknown !== undefined) throw new DataFileError(`${at}.${unknown} is not a field of a response (match, response or error)`);
  return r;
}
