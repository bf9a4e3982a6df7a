/**
 * Decoding string literals, and mapping offsets in a decoded string back to the source.
 *
 * `"…"` strings take JSON escapes. `"""…"""` strings are raw (no escapes: HTML and JSON
 * content reads as written) and dedented: a first line that is empty is dropped, a last
 * line of only white space is dropped, and the common indentation of the non-blank lines
 * is removed. Templates live inside strings, so a template diagnostic at offset `i` of the
 * decoded value must land on the exact source column: `sourceOffset` gives that mapping.
 */
export interface DecodedString {
  value: string;
  /** `map[i]` is the source offset of decoded character `i`; `map[value.length]` is the end. */
  map?: number[];
  /** Offsets (into the source) and text of invalid escapes. */
  badEscapes: { start: number; end: number; text: string }[];
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Decode the literal whose full text (quotes included) is `raw`, found at offset `base`
 * of its file. With `withMap`, also build the offset map.
 */
export function decodeString(raw: string, base: number, withMap = false): DecodedString {
  return raw.startsWith('"""') ? decodeTriple(raw, base, withMap) : decodeQuoted(raw, base, withMap);
}

function decodeQuoted(raw: string, base: number, withMap: boolean): DecodedString {
  const badEscapes: DecodedString["badEscapes"] = [];
  const end = raw.length > 1 && raw.endsWith('"') ? raw.length - 1 : raw.length;
  const map: number[] | undefined = withMap ? [] : undefined;
  let value = "";
  // Runs of plain characters are copied whole: escapes are rare.
  for (let i = 1; i < end; ) {
    const slash = raw.indexOf("\\", i);
    const runEnd = slash < 0 || slash > end ? end : slash;
    value += raw.slice(i, runEnd);
    if (map) for (let k = i; k < runEnd; k++) map.push(base + k);
    if (runEnd === end) break;
    const n = raw[runEnd + 1] ?? "";
    map?.push(base + runEnd);
    if (n === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(runEnd + 2, runEnd + 6))) {
      value += String.fromCharCode(parseInt(raw.slice(runEnd + 2, runEnd + 6), 16));
      i = runEnd + 6;
      continue;
    }
    if (n in ESCAPES) value += ESCAPES[n];
    else {
      badEscapes.push({ start: base + runEnd, end: base + runEnd + 2, text: "\\" + n });
      value += n;
    }
    i = runEnd + 2;
  }
  map?.push(base + end);
  return map ? { value, map, badEscapes } : { value, badEscapes };
}

function decodeTriple(raw: string, base: number, withMap: boolean): DecodedString {
  const { from, end } = tripleLines(raw);
  const lines: string[] = [];
  const map: number[] | undefined = withMap ? [] : undefined;
  for (let n = 0; n < from.length; n++) {
    if (n > 0) map?.push(base + end[n - 1]!);
    lines.push(raw.slice(from[n], end[n]));
    if (map) for (let k = from[n]!; k < end[n]!; k++) map.push(base + k);
  }
  map?.push(base + end[end.length - 1]!);
  // Joined at once, into a flat string: appended line by line, it was a rope of pieces that
  // its first reader (the template checker) had to copy flat again.
  const value = lines.join("\n");
  return map ? { value, map, badEscapes: [] } : { value, badEscapes: [] };
}

/**
 * The lines of a `"""` literal's value, as offsets into `raw`: line `n` is
 * `raw.slice(from[n], end[n])` (its indentation removed, without its line break).
 */
function tripleLines(raw: string): { from: number[]; end: number[] } {
  const closed = raw.length >= 6 && raw.endsWith('"""');
  const bodyEnd = closed ? raw.length - 3 : raw.length;
  const starts: number[] = [];
  const ends: number[] = [];
  let s = 3;
  for (let i = raw.indexOf("\n", 3); i >= 0 && i < bodyEnd; i = raw.indexOf("\n", i + 1)) {
    starts.push(s);
    ends.push(i > s && raw.charCodeAt(i - 1) === 13 ? i - 1 : i);
    s = i + 1;
  }
  starts.push(s);
  ends.push(bodyEnd);
  // `"""<p>x</p>"""` on one line is kept as written; a block is dedented, even a one-line one.
  const isBlock = starts.length > 1;
  let first = 0;
  let last = starts.length - 1;
  if (last > first && blank(raw, starts[first]!, ends[first]!)) first++;
  if (last > first && blank(raw, starts[last]!, ends[last]!)) last--;
  let indent = Infinity;
  for (let n = first; n <= last; n++) {
    const a = starts[n]!;
    const b = ends[n]!;
    if (blank(raw, a, b)) continue;
    let k = a;
    while (k < b && (raw.charCodeAt(k) === 32 || raw.charCodeAt(k) === 9)) k++;
    indent = Math.min(indent, k - a);
  }
  if (!Number.isFinite(indent) || !isBlock) indent = 0;
  const from: number[] = [];
  const end: number[] = [];
  for (let n = first; n <= last; n++) {
    from.push(Math.min(starts[n]! + indent, ends[n]!));
    end.push(ends[n]!);
  }
  return { from, end };
}

/** Whether `raw[a, b)` holds only spaces and tabs. */
function blank(raw: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = raw.charCodeAt(k);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** The source offset of decoded offset `i`, given a map from `decodeString(…, true)`. */
export function sourceOffset(map: number[], i: number): number {
  return map[Math.max(0, Math.min(i, map.length - 1))]!;
}

/**
 * The source offset of each offset into the value of the literal `raw` (found at `base`):
 * what `sourceOffset` gives with the map of `decodeString(raw, base, true)`, without a map
 * entry per character (the checker maps a few offsets of every template).
 */
export function sourceOffsets(raw: string, base: number): (i: number) => number {
  if (raw.startsWith('"""')) {
    const { from, end } = tripleLines(raw);
    // The value's offset of each line: lines are joined by one `\n`.
    const starts: number[] = [];
    let length = 0;
    for (let n = 0; n < from.length; n++) {
      if (n > 0) length++;
      starts.push(length);
      length += end[n]! - from[n]!;
    }
    return (i) => {
      const at = Math.max(0, Math.min(i, length));
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      const column = at - starts[lo]!;
      // Past a line's last character: its line break (or the end of the value).
      return base + (column < end[lo]! - from[lo]! ? from[lo]! + column : end[lo]!);
    };
  }
  if (raw.includes("\\")) {
    const map = decodeString(raw, base, true).map!;
    return (i) => sourceOffset(map, i);
  }
  const length = (raw.length > 1 && raw.endsWith('"') ? raw.length - 1 : raw.length) - 1;
  return (i) => base + 1 + Math.max(0, Math.min(i, length));
}
