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

/**
 * The template tags of a text (`{{…}}`, `{{{…}}}`), white space inside them collapsed: HTML
 * formatting may move tags and break lines inside them, but must not change one.
 */
export function templateTags(text: string): string[] {
  return [...text.matchAll(/\{\{\{?[\s\S]*?\}?\}\}/g)].map((m) => m[0].replace(/\s+/g, " "));
}
