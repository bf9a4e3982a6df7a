/**
 * Local times of day in IANA time zones: schedules (`every day at 09:00`, `every month on
 * 1`), quiet hours. The zone arithmetic itself (offsets, local dates to instants) is
 * @journey/template's, which the `date` helper shares.
 */
import { localParts, offsetAt, parseInstant, utcOf, zonedInstant, type LocalTime } from "@journey/template";

export { localParts, parseInstant };

/** `HH:MM` → [hour, minute], or undefined. */
export function parseTimeOfDay(text: string): [number, number] | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? [h, min] : undefined;
}

/**
 * The instant at local `HH:MM` in `timeZone` on the local day of `ms` in `dayZone` (by default
 * the same zone): a pending run moved to another zone keeps its day.
 */
export function atLocalTime(ms: number, time: string, timeZone: string, dayZone = timeZone): number {
  const hm = parseTimeOfDay(time);
  if (!hm) throw new Error(`invalid time of day "${time}" (expected HH:MM)`);
  return onLocalDay(localParts(ms, dayZone), 0, hm, timeZone);
}

/**
 * The first instant strictly after `ms` at local `HH:MM` in `timeZone`, `stepDays` apart.
 * `onLocalDay` gives the first of a wall time the autumn overlap repeats; when `ms` is in the
 * repeated hour before `HH:MM` (02:10 the second time round, waiting for 02:30), the second
 * 02:30 is still ahead on the clock, so it is the one, not tomorrow's.
 */
export function nextLocalTime(ms: number, time: string, timeZone: string, stepDays = 1): number {
  const hm = parseTimeOfDay(time)!;
  const d = localParts(ms, timeZone);
  const today = onLocalDay(d, 0, hm, timeZone);
  if (today > ms) return today;
  if (d.hour * 60 + d.minute < hm[0] * 60 + hm[1]) {
    const again = today + offsetAt(today, timeZone) - offsetAt(ms, timeZone);
    const p = localParts(again, timeZone);
    if (again > ms && p.day === d.day && p.hour === hm[0] && p.minute === hm[1]) return again;
  }
  for (let n = stepDays; ; n += stepDays) {
    const t = onLocalDay(d, n, hm, timeZone);
    if (t > ms) return t;
  }
}

/** The last instant at or before `ms` at local `HH:MM` in `timeZone`. */
export function lastLocalTime(ms: number, time: string, timeZone: string): number {
  const hm = parseTimeOfDay(time)!;
  const d = localParts(ms, timeZone);
  const today = onLocalDay(d, 0, hm, timeZone);
  return today <= ms ? today : onLocalDay(d, -1, hm, timeZone);
}

/** Local `hour:minute` in `timeZone`, `days` after the local date `d` (past a month's end, into the next; day 0 is the last of the month before). */
function onLocalDay(d: { year: number; month: number; day: number }, days: number, [hour, minute]: [number, number], timeZone: string): number {
  const date = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return zonedInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, timeZone);
}

/**
 * The first instant strictly after `after` at local `hour:minute` in `timeZone` on day `day`
 * of the month that `month` has in `monthZone`, or of a later month. A month without that day
 * uses its last day (`31` is April 30). `day` is the intended day, never a clamped one, so
 * after February 28 the 31st comes back in March; a monthly run moved to another zone keeps
 * its month and day (see `atLocalTime`).
 */
export function nextMonthlyTime(month: number, monthZone: string, day: number, [hour, minute]: [number, number], timeZone: string, after: number): number {
  const d = localParts(month, monthZone);
  for (let n = 0; ; n++) {
    // Day 0 of the next month is the last day of this one.
    const last = new Date(Date.UTC(d.year, d.month + n, 0));
    const t = zonedInstant(last.getUTCFullYear(), last.getUTCMonth() + 1, Math.min(day, last.getUTCDate()), hour, minute, timeZone);
    if (t > after) return t;
  }
}

/** Minutes after local midnight of instant `ms` in `timeZone`. */
export function localMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return p.hour * 60 + p.minute;
}

/** ISO day of the week of a local date: 1 is Monday, 7 is Sunday. */
export function isoWeekday(d: { year: number; month: number; day: number }): number {
  return new Date(utcOf(d.year, d.month, d.day)).getUTCDay() || 7;
}

/**
 * The month and day `of`'s anniversary falls on in `year`: the same, except February 29,
 * which falls on February 28 in a year without it (a birthday is still celebrated that year).
 */
function anniversaryIn(of: LocalTime, year: number): { month: number; day: number } {
  const leap = new Date(utcOf(year, 2, 29)).getUTCMonth() === 1;
  return of.month === 2 && of.day === 29 && !leap ? { month: 2, day: 28 } : { month: of.month, day: of.day };
}

/** Whether the local date `today` is an anniversary of the local date `of` (any year, that one too). */
export function isAnniversary(of: LocalTime, today: LocalTime): boolean {
  const a = anniversaryIn(of, today.year);
  return a.month === today.month && a.day === today.day;
}

/** Whole years from the local date `from` to `to`, counted on anniversaries and rounded down as `daysSince` is (negative when `to` comes first). */
export function yearsBetween(from: LocalTime, to: LocalTime): number {
  const a = anniversaryIn(from, to.year);
  const reached = to.month > a.month || (to.month === a.month && to.day >= a.day);
  return to.year - from.year - (reached ? 0 : 1);
}
