/**
 * Content hashes: the first 16 hex digits of the SHA-256 of a value's compact JSON text.
 * The project hash covers every journey again, so each journey and experience is serialised
 * once, for its own version, and that text is reused: the hashes are those of
 * `JSON.stringify` of the whole, byte for byte, without building the whole (the text goes to
 * the hash in pieces, as it is).
 */
import { createHash } from "node:crypto";

/** JSON text in pieces, to be read in order. */
export type JsonPieces = readonly string[];

export function digest(json: string | JsonPieces): string {
  const hash = createHash("sha256");
  if (typeof json === "string") hash.update(json);
  else for (const piece of json) hash.update(piece);
  return hash.digest("hex").slice(0, 16);
}

/** A value and its JSON text (what `JSON.stringify(value)` returns). */
export interface WithJson<T> {
  value: T;
  json: JsonPieces;
}

/**
 * `value` with `version`, the hash of its JSON text (followed by `also`, what else its
 * behaviour depends on, when given), added as its last key.
 */
export function versioned<T extends object>(value: T, also?: string): WithJson<T & { version: string }> {
  const json = JSON.stringify(value);
  const version = digest(also === undefined ? json : [json, also]);
  const v = value as T & { version: string };
  v.version = version;
  // `value` has keys (an id at least): its text ends with the `}` the version goes before.
  return { value: v, json: [json.slice(0, -1), `,"version":${JSON.stringify(version)}}`] };
}

/**
 * The JSON text of an object, from the JSON texts of its values in key order; an undefined
 * text is left out, as `JSON.stringify` leaves out undefined values. Keys must not look like
 * array indexes (JSON.stringify would write those first).
 */
export function objectJson(entries: [key: string, json: string | JsonPieces | undefined][]): JsonPieces {
  const out = ["{"];
  for (const [key, json] of entries) {
    if (json === undefined) continue;
    out.push(`${out.length > 1 ? "," : ""}${JSON.stringify(key)}:`);
    if (typeof json === "string") out.push(json);
    else for (const piece of json) out.push(piece);
  }
  out.push("}");
  return out;
}
