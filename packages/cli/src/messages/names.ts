/**
 * File and folder names for `--messages`: deterministic (the same run gives the same names),
 * sortable (a file browser lists them in time order) and safe on every file system a folder
 * may be copied to (Windows, macOS, Linux, a zip).
 */
import { createHash } from "node:crypto";

/**
 * Longest a part of a message's name may be, and a test's folder: a whole path stays far
 * below the 255 bytes a file system allows a name, and a Windows path's 260 characters.
 */
const PART_MAX = 32;
const TEST_MAX = 60;

/**
 * `text` as a part of a file name: letters stripped of their accents (`Léa` → `Lea`), every
 * run of anything else but ASCII letters, digits, `_` and `-` as one `_` (a `/` or `:` in a
 * profile id, a character Windows refuses, a space, a dot a name cannot end with), cut to
 * `max`. A part left empty (an id in another script, `张伟`) is the start of its
 * hash, so different ids stay apart. A name is never only this: a number before it keeps
 * names that come out alike (`p/1`, `p:1`) apart, and clear of names Windows reserves (`CON`).
 */
export function safePart(text: string, max = PART_MAX): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, max)
    .replace(/[_-]+$/, "");
  return ascii || createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** Position `i` (from 0) of `count`, from 1, zero-padded to the width of `count` and at least `min` digits: names sort as they are numbered. */
export function ordinal(i: number, count: number, min: number): string {
  return String(i + 1).padStart(Math.max(min, String(count).length), "0");
}

/** An instant as a file name may hold it: `2026-03-02T14-15-00Z` (milliseconds only when there are some: `…T14-15-00.250Z`). */
export function fileTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z").replace(/:/g, "-");
}

/** What a message's file is named after. */
export interface NamedMessage {
  at: number;
  profileId: string;
  journey?: string;
  channel: string;
  template?: string;
}

/**
 * The name, without its extension, of message `i` of `count` (in time order):
 * `0001-2026-03-02T14-15-00Z-p1-AbandonedCart-email-CartReminder`.
 */
export function messageFileName(m: NamedMessage, i: number, count: number): string {
  const parts = [m.profileId, ...(m.journey !== undefined ? [m.journey] : []), m.channel, ...(m.template !== undefined ? [m.template] : [])];
  return [ordinal(i, count, 4), fileTime(m.at), ...parts.map((p) => safePart(p))].join("-");
}

/** The folder of test `i` of `count`, in the order they ran: `01-email-at-4h`; a long name cut after a whole word. */
export function testFolderName(name: string, i: number, count: number): string {
  // Words joined by dashes, whatever was between them (`left, an` → `left-an`): the number keeps folders apart.
  const whole = safePart(name.replace(/[^\p{L}\p{N}_]+/gu, "-"), Infinity);
  const end = whole.lastIndexOf("-", TEST_MAX);
  const cut = whole.length <= TEST_MAX ? whole : whole.slice(0, end > TEST_MAX / 2 ? end : TEST_MAX).replace(/[_-]+$/, "");
  return `${ordinal(i, count, 2)}-${cut}`;
}
