/**
 * The wall clock of an IANA time zone, from `Intl` alone: one formatter per zone, shared by
 * the `date` helper and the runtime's time arithmetic.
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

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
