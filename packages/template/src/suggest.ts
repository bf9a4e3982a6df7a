/** "Did you mean …?": the closest candidate by edit distance, when it is close enough to help. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const max = Math.max(1, Math.floor(name.length / 3));
  for (const c of candidates) {
    // The distance is at least the difference in length: a candidate that much longer or shorter cannot be close.
    if (c === name || Math.abs(c.length - name.length) > max) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= max ? best : undefined;
}

/**
 * The IANA time zone meant by a name `Intl` does not know: a close spelling of a whole name
 * (`Europe/Stokholm`), else the zone of a city written alone, as people say it (`Oslo`,
 * `new york`, `Sao Paulo`: the zone's last part, in any case, spaces for underscores, with or
 * without accents), else a close spelling of that city (`Stokholm`).
 */
export function suggestTimeZone(name: string): string | undefined {
  const zones = Intl.supportedValuesOf("timeZone");
  const whole = suggest(name, zones);
  if (whole !== undefined) return whole;
  const plain = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").replace(/[\s_]+/g, " ").trim().toLowerCase();
  const byCity = new Map(zones.map((z) => [plain(z.slice(z.lastIndexOf("/") + 1)), z]));
  const city = plain(name);
  return byCity.get(city) ?? byCity.get(suggest(city, byCity.keys()) ?? "");
}

/** Candidates an unknown name's help lists at most (see `unknownNameHelp`). */
const LISTED = 12;

/**
 * The help for an unknown `name`: the close candidate (`replacement`, for the caller's fix) with
 * "did you mean …?"; otherwise, given what the candidates are (`known`: "the fields of `Order`
 * are"), the first of them, so that the reader need not look up what there is.
 */
export function unknownNameHelp(name: string, candidates: Iterable<string>, known?: string): { replacement?: string; help?: string } {
  const all = [...new Set(candidates)];
  const s = suggest(name, all);
  if (s !== undefined) return { replacement: s, help: `did you mean \`${s}\`?` };
  if (!known || !all.length) return {};
  return { help: listedHelp(known, all) };
}

/** `known` followed by the first of `all` (each written by `show`), and how many more there are. */
export function listedHelp(known: string, all: readonly string[], show: (c: string) => string = (c) => `\`${c}\``): string {
  return `${known} ${all.slice(0, LISTED).map(show).join(", ")}${all.length > LISTED ? `, and ${all.length - LISTED} more` : ""}`;
}

/** `1 message`, `3 messages`: a count and its noun, as messages to people write them (English nouns with a plain `s`). */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Damerau–Levenshtein distance (adjacent transpositions count as one edit). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}
