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
function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      // The era tells 2 BC ("2 BC") from 2 AD: years before 1 AD are counted back from it.
      era: "short",
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

/**
 * `Date.UTC` of calendar fields for any year: `Date.UTC` itself reads years 0 to 99 as
 * 1900 to 1999, so "0001-01-01" (a common "no date" sentinel) would be off by 1900 years.
 */
export function utcOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
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
    const year = parts.find((p) => p.type === "era")?.value === "BC" ? 1 - get("year") : get("year");
    off = utcOf(year, get("month"), get("day"), get("hour") % 24, get("minute"), get("second")) - q * QUARTER;
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
  const naive = utcOf(year, month, day, hour, minute);
  // Two passes settle on the right offset on either side of a transition.
  let guess = naive - offsetAt(naive, timeZone);
  guess = naive - offsetAt(guess, timeZone);
  const back = localParts(guess, timeZone);
  // The day too: Samoa skipped 2011-12-30 whole, and its midnight came back as the 29th's.
  if (back.day !== day || back.hour !== hour || back.minute !== minute) {
    // In a DST gap the local time does not exist: take the same wall time after the jump,
    // that is the time read with the offset before the gap (the smaller one). The offsets
    // a day either side bound any gap (Samoa skipped a whole day); the second pass above may
    // land on either side, so it cannot tell which offset came first (São Paulo's midnight
    // gap of 2018-11-04 came out as 23:00 the day before).
    const before = Math.min(offsetAt(guess - 86_400_000, timeZone), offsetAt(guess + 86_400_000, timeZone));
    return Math.max(guess, naive - before);
  }
  // In an overlap the wall time happens twice; the passes above may settle on the second.
  // The first is the one read with the larger offset (the one before the clocks went back).
  const first = naive - Math.max(offsetAt(guess - 86_400_000, timeZone), offsetAt(guess + 86_400_000, timeZone));
  if (first < guess) {
    const p = localParts(first, timeZone);
    if (p.day === day && p.hour === hour && p.minute === minute) return first;
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
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(utcOf(y, mo + 1, 0)).getUTCDate();
}

/** `2026-12-01` is midnight in `timeZone`; a full instant stands for itself. */
export function parseInstant(text: string, timeZone = "UTC"): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return zonedInstant(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, timeZone);
  const ms = Date.parse(/(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : text + "Z");
  if (Number.isNaN(ms)) throw new Error(`invalid date "${text}"`);
  return ms;
}
