/**
 * HTML inside `html """…"""` strings, formatted with Prettier's own HTML printer when the
 * `journeyFormatHtml` option is on (off by default: it changes the string's content, so the
 * message's bytes, though not what a browser shows).
 */
import type { ast } from "@journey/compiler";

type Node = Record<string, unknown>;

const isString = (v: unknown): v is ast.StringExpr =>
  !!v && typeof v === "object" && (v as Node).kind === "String" && (v as ast.StringExpr).triple;

/** A content field (`html """…"""`, `content """…"""`) whose value is a `"""` string. */
function contentString(v: unknown, name: string): ast.StringExpr | undefined {
  if (!v || typeof v !== "object") return undefined;
  const f = v as Node;
  const id = f.name as Node | undefined;
  if (!id || typeof id !== "object" || id.name !== name || !("value" in f) || "kind" in f) return undefined;
  return isString(f.value) ? f.value : undefined;
}

/**
 * The `"""` strings that hold HTML: `html` fields of templates and sends, and the content of
 * the variants of an experience whose format is `html`.
 */
export function htmlStrings(file: ast.SourceFile): Set<ast.StringExpr> {
  const out = new Set<ast.StringExpr>();
  const walk = (v: unknown, inHtmlExperience: boolean): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, inHtmlExperience);
      return;
    }
    if (!v || typeof v !== "object") return;
    const s = contentString(v, "html") ?? (inHtmlExperience ? contentString(v, "content") : undefined);
    if (s) out.add(s);
    for (const [k, x] of Object.entries(v as Node)) {
      if (k === "span" || typeof x !== "object") continue;
      walk(x, inHtmlExperience);
    }
  };
  for (const d of file.declarations) {
    const html =
      d.kind === "ExperienceDecl" && d.items.some((i) => i.kind === "Format" && i.format.name === "html");
    walk(d, html);
  }
  return out;
}

const TAG = /\{\{\{?[\s\S]*?\}?\}\}/g;

/**
 * HTML with each template tag (`{{…}}`, `{{{…}}}`) replaced by a word of its own, for
 * Prettier's HTML printer: a word is never broken, never has its spaces collapsed, and is
 * text wherever it stands (an attribute value too). `restore` puts the tags back.
 */
export function maskTags(html: string): { masked: string; restore: (text: string) => string } {
  // A prefix the text does not hold, so no word of the text is taken for a tag.
  let prefix = "jtag";
  while (html.includes(prefix)) prefix += "x";
  const tags: string[] = [];
  const masked = html.replace(TAG, (tag) => `${prefix}${tags.push(tag) - 1}q`);
  const word = new RegExp(`${prefix}(\\d+)q`, "g");
  return { masked, restore: (text) => text.replace(word, (w, i: string) => tags[Number(i)] ?? w) };
}

/**
 * What HTML formatting may not change: the text without its white space, template tags
 * kept exactly. Formatting that adds or moves anything but white space (a closing tag the
 * source left implicit, a quote changed) is not used for that string.
 */
export function htmlSkeleton(html: string): string {
  let out = "";
  let at = 0;
  for (const m of html.matchAll(TAG)) {
    out += html.slice(at, m.index).replace(/\s+/g, "") + m[0];
    at = m.index + m[0].length;
  }
  return out + html.slice(at).replace(/\s+/g, "");
}
