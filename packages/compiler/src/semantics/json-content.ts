/**
 * Can a `json` template ever render valid JSON? Checked on its literal parts: every
 * interpolation stands for a value (or, inside a JSON string, for string text), loops are
 * taken once, and conditional parts are tried all in and all out. Only when no such
 * rendering parses is the content reported: the check never rejects content that some data
 * could make valid in these two shapes.
 */
/** `{{{raw}}}` or `{{tag}}`: a third brace closes only a tag opened with three. */
const TAG = /\{\{\{([\s\S]*?)\}\}\}|\{\{([\s\S]*?)\}\}/g;

/** Undefined when the content can be valid JSON, else the parser's reason. */
export function jsonContentProblem(template: string): string | undefined {
  let firstError: string | undefined;
  for (const includeConditionals of [true, false]) {
    const text = skeleton(template, includeConditionals);
    try {
      JSON.parse(text);
      return undefined;
    } catch (e) {
      firstError ??= (e as Error).message;
    }
  }
  return firstError;
}

function skeleton(template: string, includeConditionals: boolean): string {
  let out = "";
  let inString = false;
  let escaped = false;
  /** For each open block: whether its body is being kept. */
  const keep: boolean[] = [];
  const kept = () => keep.every(Boolean);
  let last = 0;
  const literal = (s: string) => {
    if (!kept()) return;
    // Only quotes and backslashes move the string state: the text itself is kept whole.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
      } else if (c === 34) inString = true;
    }
    out += s;
  };
  for (const m of template.matchAll(TAG)) {
    literal(template.slice(last, m.index));
    last = m.index! + m[0].length;
    const body = (m[1] ?? m[2]!).trim();
    const sigil = body[0];
    if (sigil === "!" || sigil === ">" || sigil === "=") continue;
    if (sigil === "#" || sigil === "^") {
      const helper = body.slice(1).trim().split(/\s+/)[0];
      const conditional = sigil === "^" || helper === "if" || helper === "unless";
      keep.push(conditional ? includeConditionals : true);
      continue;
    }
    if (sigil === "/") {
      keep.pop();
      continue;
    }
    if (body === "else") {
      if (keep.length) keep[keep.length - 1] = !includeConditionals;
      continue;
    }
    if (kept()) out += inString ? "x" : "0";
  }
  literal(template.slice(last));
  return out;
}
