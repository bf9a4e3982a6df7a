/**
 * Where each tag of HTML content stands in the HTML of its template's text, decided at
 * compile time: HTML escaping makes a value safe as text and inside a quoted attribute, but
 * not as a URL (`<a href="{{url}}">` with `javascript:…` is a script link). The renderer asks
 * `atUrlStart` once per tag and checks the scheme only of the values that start a URL
 * attribute's value (as Go's html/template does); every other tag pays nothing.
 *
 * This is a small scan of the static text, not an HTML parser: it follows the tokenizer's
 * states that matter here (text, a tag's name, its attributes and their `"`, `'` or unquoted
 * values, and the raw text of `<script>`/`<style>`/`<textarea>`/`<title>`). What a tag
 * writes is assumed not to change the state: escaped values cannot (`<`, `"`, `'` and `=` are
 * escaped), raw values and fragments are the author's HTML and are assumed balanced.
 * Comments are scanned as markup: Outlook's conditional comments (`<!--[if mso]>`) hold
 * real tags (VML buttons with an `href`), and scanning more only checks more.
 */

export type HtmlState =
  /** Outside any tag. */
  | "text"
  /** After `<`. */
  | "tagOpen"
  /** After `</`. */
  | "endTagOpen"
  | "tagName"
  /** Between attributes. */
  | "beforeAttr"
  | "attrName"
  /** After an attribute's name: `=` or the next attribute follows. */
  | "afterAttr"
  /** After `=`, before the value. */
  | "beforeValue"
  | "value"
  /** Inside `<script>` and the like, until the end tag. */
  | "rawText";

export interface HtmlContext {
  readonly state: HtmlState;
  /** The element's name in lower case, in its tag and in its raw text ("" when a tag writes it). */
  readonly tag: string;
  /** A start tag (false for `</…>`): only a start tag opens raw text. */
  readonly open: boolean;
  /** The attribute's name in lower case; null when a tag writes (part of) it. */
  readonly attr: string | null;
  /** In a value: its quote, `"` or `'`, or "" for an unquoted value. */
  readonly quote: string;
  /** In a value: whether it is a URL and only white space (and tags) stand before this point in it. */
  readonly urlStart: boolean;
}

/** Where a template (and a fragment included outside of any tag) starts. */
export const HTML_TEXT: HtmlContext = { state: "text", tag: "", open: false, attr: null, quote: "", urlStart: false };

/** Elements whose content is raw text: a `<` in it opens no tag. */
const RAW_TEXT: ReadonlySet<string> = new Set(["script", "style", "textarea", "title"]);

/**
 * Attributes whose value is a URL: Go html/template's list (HTML 4 and 5 URL attributes),
 * `srcset`, and `xmlns`. A namespace prefix (`xlink:href`) and a `data-` prefix are
 * ignored, and, as in Go, a name containing `src`, `uri` or `url` is one too
 * (`data-src`, `v:fill` with `url`…): custom attributes holding URLs are named so.
 */
const URL_ATTRS: ReadonlySet<string> = new Set([
  "action",
  "archive",
  "background",
  "cite",
  "classid",
  "codebase",
  "data",
  "formaction",
  "href",
  "icon",
  "longdesc",
  "manifest",
  "poster",
  "profile",
  "src",
  "srcset",
  "usemap",
  "xmlns",
]);

/** Whether the attribute `name` (lower case; null when a tag writes it, so it could be any) holds a URL. */
function isUrlAttr(name: string | null): boolean {
  if (name === null) return true;
  let n = name;
  if (n.startsWith("data-")) n = n.slice(5);
  else {
    const colon = n.indexOf(":");
    if (colon >= 0) {
      if (n.slice(0, colon) === "xmlns") return true;
      n = n.slice(colon + 1);
    }
  }
  return URL_ATTRS.has(n) || n.includes("src") || n.includes("uri") || n.includes("url");
}

/** Whether a tag in context `c` writes the start of a URL attribute's value: its value's scheme is checked. */
export function atUrlStart(c: HtmlContext): boolean {
  return c.state === "value" ? c.urlStart : c.state === "beforeValue" && isUrlAttr(c.attr);
}

/** The HTML tokenizer's white space (a CR is a line break too). */
function isHtmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isAsciiAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The character in lower case (ASCII letters only, as HTML names are compared). */
function lower(c: number): string {
  return String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
}

/** The context after the static text `text`, from `c`. */
export function scanHtml(text: string, c: HtmlContext): HtmlContext {
  let { state, tag, open, attr, quote, urlStart } = c;
  const endTag = () => {
    state = open && RAW_TEXT.has(tag) ? "rawText" : "text";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    switch (state) {
      case "text":
        if (ch === 60 /* < */) state = "tagOpen";
        break;
      case "tagOpen":
        if (isAsciiAlpha(ch)) {
          state = "tagName";
          tag = lower(ch);
          open = true;
        } else if (ch === 47 /* / */) {
          state = "endTagOpen";
        } else {
          // `<!--`, `<!DOCTYPE`, `a < b`: no tag; a second `<` may open one.
          state = "text";
          if (ch === 60) i--;
        }
        break;
      case "endTagOpen":
        if (isAsciiAlpha(ch)) {
          state = "tagName";
          tag = lower(ch);
          open = false;
        } else {
          state = "text";
          if (ch === 60) i--;
        }
        break;
      case "tagName":
        if (isHtmlSpace(ch) || ch === 47) state = "beforeAttr";
        else if (ch === 62 /* > */) endTag();
        else tag += lower(ch);
        break;
      case "beforeAttr":
        if (ch === 62) endTag();
        else if (!isHtmlSpace(ch) && ch !== 47) {
          state = "attrName";
          attr = lower(ch);
        }
        break;
      case "attrName":
      case "afterAttr":
        if (ch === 61 /* = */) state = "beforeValue";
        else if (ch === 62) endTag();
        else if (ch === 47) state = "beforeAttr";
        else if (isHtmlSpace(ch)) state = "afterAttr";
        else if (state === "afterAttr") {
          state = "attrName";
          attr = lower(ch);
        } else if (attr !== null) attr += lower(ch);
        break;
      case "beforeValue":
        if (isHtmlSpace(ch)) break;
        if (ch === 62) {
          endTag();
          break;
        }
        state = "value";
        urlStart = isUrlAttr(attr);
        if (ch === 34 /* " */ || ch === 39 /* ' */) quote = text[i];
        else {
          quote = "";
          i--;
        }
        break;
      case "value":
        if (quote !== "" ? ch === quote.charCodeAt(0) : isHtmlSpace(ch)) state = "beforeAttr";
        else if (quote === "" && ch === 62) endTag();
        // The URL parser drops leading C0 controls and spaces: they leave the value at its start.
        else if (ch > 32) urlStart = false;
        break;
      case "rawText":
        if (ch === 60 && text.charCodeAt(i + 1) === 47 && text.slice(i + 2, i + 2 + tag.length).toLowerCase() === tag) {
          state = "tagName";
          open = false;
          i += 1 + tag.length;
        }
        break;
    }
  }
  if (state === c.state && tag === c.tag && open === c.open && attr === c.attr && quote === c.quote && urlStart === c.urlStart) return c;
  return { state, tag, open, attr, quote, urlStart };
}

/** The context after a tag in context `c` wrote a value (its text is not known at compile time). */
export function afterValue(c: HtmlContext): HtmlContext {
  switch (c.state) {
    // `<{{tag}} …`: a tag name, unknown.
    case "tagOpen":
    case "endTagOpen":
      return { ...c, state: "tagName", tag: "", open: c.state === "tagOpen" };
    // `<a {{name}}=…`, `<a data-{{k}}=…`: an attribute name, unknown, so its value is taken for a URL.
    case "beforeAttr":
    case "afterAttr":
    case "attrName":
      return { ...c, state: "attrName", attr: null };
    // `<a href={{x}}>`: an unquoted value; it may be empty, so the next tag may still start it.
    case "beforeValue":
      return { ...c, state: "value", quote: "", urlStart: isUrlAttr(c.attr) };
    // A value may be empty: a URL value's next tag is still checked (`href="{{base}}{{path}}"`), as in Go.
    default:
      return c;
  }
}

/**
 * The context after a block whose branches end in `a` and `b`. Either may have run: in the
 * same value, the value is still at its start after the block if it is after either branch.
 * Otherwise `a` (the main branch) holds, as for JSON strings.
 */
export function joinHtml(a: HtmlContext, b: HtmlContext): HtmlContext {
  if (a === b || a.state !== "value" || b.state !== "value" || a.urlStart || !b.urlStart || a.quote !== b.quote) return a;
  return { ...a, urlStart: true };
}

/** A key for compiled fragments: a fragment compiles differently in each context. */
export function htmlKey(c: HtmlContext): string {
  return `${c.state} ${c.tag} ${c.open ? 1 : 0} ${c.attr ?? "\u0000"} ${c.quote} ${c.urlStart ? 1 : 0}`;
}
