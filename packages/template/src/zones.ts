/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl`: the wall clock of a zone,
 * its offset at an instant, and the instant of a local date and time (DST gaps move forward,
 * overlaps take the first occurrence, as calendar apps do). Shared by the `date` helper and
 * the runtime (schedules, quiet hours, date literals).
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** Whether `Intl` knows the IANA time zone `tz` (the profile attribute the engine reads; a compiler check of test data). */
export function isValidTimeZone(tz: string): boolean {
  try {
    wallClockFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** A formatter of an instant's wall-clock parts (24-hour) in `timeZone`; a RangeError for an unknown zone. */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    wallClocks.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Offsets by zone and quarter hour: zones change offset only on quarter-hour boundaries. */
const offsets = new Map<string, Map<number, number>>();
const QUARTER = 900_000;

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds. */
export function offsetAt(ms: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const q = Math.floor(ms / QUARTER);
  let off = zone.get(q);
  if (off === undefined) {
    const parts = wallClockFormatter(timeZone).formatToParts(new Date(q * QUARTER));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    off = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second")) - q * QUARTER;
    if (zone.size > 100_000) zone.clear();
    zone.set(q, off);
  }
  return off;
}

/** The local calendar fields of instant `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalTime {
  const d = new Date(ms + offsetAt(ms, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** The instant of local `year-month-day hour:minute` in `timeZone`. */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle on the right offset on either side of a transition.
  let guess = naive - offsetAt(naive, timeZone);
  guess = naive - offsetAt(guess, timeZone);
  const back = localParts(guess, timeZone);
  if (back.hour !== hour || back.minute !== minute) {
    // In a DST gap the local time does not exist: take the same wall time after the jump.
    const later = naive - offsetAt(guess + 3_600_000, timeZone);
    return Math.max(guess, later);
  }
  return guess;
}

/**
 * Whether a text starting `YYYY-MM-DD` names a day of the calendar: `Date.parse` rolls
 * February 30 over into March 2, so a text it reads may still name no day. Texts without the
 * prefix are not this function's to judge (true).
 */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return true;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** `2026-12-01` is midnight in `timeZone`; a full instant stands for itself. */
export function parseInstant(text: string, timeZone = "UTC"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return zonedInstant(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, timeZone);
  const ms = Date.parse(/(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : text + "Z");
  if (Number.isNaN(ms)) throw new Error(`invalid date "${text}"`);
  return ms;
}
