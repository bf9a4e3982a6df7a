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
  if (raw.indexOf("\\") < 0 && !withMap) return { value: raw.slice(1, end), badEscapes };
  let value = "";
  const map: number[] | undefined = withMap ? [] : undefined;
  for (let i = 1; i < end; i++) {
    const c = raw[i]!;
    if (c !== "\\") {
      value += c;
      map?.push(base + i);
      continue;
    }
    const n = raw[i + 1] ?? "";
    if (n === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
      map?.push(base + i);
      i += 5;
    } else if (n in ESCAPES) {
      value += ESCAPES[n];
      map?.push(base + i);
      i += 1;
    } else {
      badEscapes.push({ start: base + i, end: base + i + 2, text: "\\" + n });
      value += n;
      map?.push(base + i);
      i += 1;
    }
  }
  map?.push(base + end);
  return map ? { value, map, badEscapes } : { value, badEscapes };
}

function decodeTriple(raw: string, base: number, withMap: boolean): DecodedString {
  const closed = raw.length >= 6 && raw.endsWith('"""');
  const bodyStart = 3;
  const bodyEnd = closed ? raw.length - 3 : raw.length;
  // Lines of the body as [start, end) offsets into raw, without their line break.
  const lines: [number, number][] = [];
  let s = bodyStart;
  for (let i = bodyStart; i < bodyEnd; i++) {
    if (raw[i] === "\n") {
      lines.push([s, i > s && raw[i - 1] === "\r" ? i - 1 : i]);
      s = i + 1;
    }
  }
  lines.push([s, bodyEnd]);
  const blank = ([a, b]: [number, number]) => /^[ \t]*$/.test(raw.slice(a, b));
  if (lines.length > 1 && blank(lines[0]!)) lines.shift();
  if (lines.length > 1 && blank(lines[lines.length - 1]!)) lines.pop();
  let indent = Infinity;
  for (const [a, b] of lines) {
    if (blank([a, b])) continue;
    let k = a;
    while (k < b && (raw[k] === " " || raw[k] === "\t")) k++;
    indent = Math.min(indent, k - a);
  }
  // `"""<p>x</p>"""` on one line is kept as written; a block is dedented, even a one-line one.
  const isBlock = raw.slice(bodyStart, bodyEnd).includes("\n");
  if (!Number.isFinite(indent) || !isBlock) indent = 0;
  let value = "";
  const map: number[] | undefined = withMap ? [] : undefined;
  lines.forEach(([a, b], n) => {
    if (n > 0) {
      value += "\n";
      map?.push(base + lines[n - 1]![1]);
    }
    const from = Math.min(a + indent, b);
    value += raw.slice(from, b);
    if (map) for (let k = from; k < b; k++) map.push(base + k);
  });
  map?.push(base + (lines.length ? lines[lines.length - 1]![1] : bodyEnd));
  return map ? { value, map, badEscapes: [] } : { value, badEscapes: [] };
}

/** The source offset of decoded offset `i`, given a map from `decodeString(…, true)`. */
export function sourceOffset(map: number[], i: number): number {
  return map[Math.max(0, Math.min(i, map.length - 1))]!;
}
