/**
 * Where each tag of HTML content stands in the HTML of its template's text, decided at
 * compile time: HTML escaping makes a value safe as text and inside a quoted attribute, but
 * not as a URL (`<a href="{{url}}">` with `javascript:…` is a script link). The renderer asks
 * `atUrlStart` once per tag and checks the scheme only of the values that start a URL
 * attribute's value (as Go's html/template does); every other tag pays nothing. The checker
 * asks `codePlace` for the values escaping does not make safe at all, and warns of them.
 *
 * This is a small scan of the static text, not an HTML parser: it follows the tokenizer's
 * states that matter here (text, a tag's name, its attributes and their `"`, `'` or unquoted
 * values, comments, and the raw text of `<script>`, `<style>` and the like). What a tag
 * writes is assumed not to open or close a tag, a quote or a comment: escaped values cannot
 * (`<`, `>`, `"`, `'` and `=` are escaped), raw values and fragments are the author's HTML
 * and are assumed balanced. Comments are scanned as markup: Outlook's conditional comments
 * (`<!--[if mso]>`) hold real tags (VML buttons with an `href`); but where a browser ends the
 * comment (`-->`) the scan is back in text whatever the markup inside left open, or a stray
 * quote or `<script>` in a comment would hide the tags after it.
 *
 * A block's branches (and a loop body run again) may end in different places: the context is
 * then every place the text may be in, and a tag is checked if it starts a URL in any of them
 * (Go's html/template rejects such templates instead; Journey's existing ones must compile).
 */
import type { TNode } from "./ast.js";

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
  | "rawText"
  /** `<!DOCTYPE …>`, `<![endif]>`, `<?xml …>`, `</ …>`: no markup until `>`. */
  | "bogusComment"
  /** After a loop whose body leaves the HTML somewhere else each round: anywhere, so every value is checked. */
  | "unknown";

export interface HtmlContext {
  readonly state: HtmlState;
  /** The element's name in lower case, in its tag and in its raw text ("" when a tag writes it). */
  readonly tag: string;
  /** A start tag that opens an element (false for `</…>`, and for `<script/>` in SVG or MathML): only such a tag opens raw text. */
  readonly open: boolean;
  /** The attribute's name in lower case; when a tag writes part of it, only its text before that tag. */
  readonly attr: string;
  /** Whether a tag writes part of the attribute's name (`on{{event}}=`, `{{name}}=`): it may be any name starting with `attr`. */
  readonly attrWritten: boolean;
  /** In a value: its quote, `"` or `'`, or "" for an unquoted value. */
  readonly quote: string;
  /** In a value: whether it is a URL and only white space (and tags) stand before this point in it. */
  readonly urlStart: boolean;
  /** In a URL value: its text since its leading white space, in lower case, while it is one of `CODE_URLS` or may still become one; else "". */
  readonly scheme: string;
  /** In a `<meta>` tag whose `http-equiv` is `refresh`: its `content` holds a URL the page goes to. */
  readonly refresh: boolean;
  /** Inside `<!--`: a `-->` ends it, whatever state the markup inside left. */
  readonly comment: boolean;
  /** Inside `<svg>` or `<math>`, where `<style>`, `<title>` and `<script>` hold markup, not raw text. */
  readonly foreign: boolean;
  /** Another place the text may be in (after a block whose branches end in different places), or null. */
  readonly or: HtmlContext | null;
}

/** Where nothing is known any more (see `unknown`): it stays so to the template's end. */
const HTML_UNKNOWN: HtmlContext = { state: "unknown", tag: "", open: false, attr: "", attrWritten: false, quote: "", urlStart: true, scheme: "", refresh: false, comment: false, foreign: false, or: null };

/** Where a template (and a fragment included outside of any tag) starts. */
export const HTML_TEXT: HtmlContext = { state: "text", tag: "", open: false, attr: "", attrWritten: false, quote: "", urlStart: false, scheme: "", refresh: false, comment: false, foreign: false, or: null };

/**
 * Elements whose content is raw text: a `<` in it opens no tag (`<plaintext>` never ends, so
 * nothing after it is live; `<noscript>` is raw text only where scripts run, and is read as
 * markup, which checks its tags for the clients that show them).
 */
const RAW_TEXT: ReadonlySet<string> = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"]);

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

/** Whether the attribute `name` (lower case; `written` when a tag writes part of it, so it could be any) holds a URL. */
function isUrlAttr(name: string, written: boolean): boolean {
  if (written) return true;
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

/**
 * URLs that are code whatever follows, by the text that fixes them: a script, or an HTML
 * document, where a `<script>` runs (a data URL's type ends at `;` as at `,`, so `;` is read
 * as `,`). A value after such text in a URL attribute is code (see `CodeKind`).
 */
const CODE_URLS: ReadonlyMap<string, "script-url" | "html-url"> = new Map([
  ["javascript:", "script-url"],
  ["vbscript:", "script-url"],
  ["data:text/html,", "html-url"],
  ["data:application/xhtml+xml,", "html-url"],
]);

/** `scheme` (see `HtmlContext`) after the URL's next character `ch` in the text. */
function schemeAfter(scheme: string, ch: number): string {
  // The URL parser drops tabs and line breaks anywhere (`java\tscript:`); a data URL's type is read without white space around it.
  if (ch === 9 || ch === 10 || ch === 13 || ((ch === 32 || ch === 12) && scheme.startsWith("data:"))) return scheme;
  const next = scheme + (ch === 59 /* ; */ && scheme.startsWith("data:") ? "," : lower(ch));
  for (const url of CODE_URLS.keys()) if (url.startsWith(next)) return next;
  return "";
}

/** Whether a tag in context `c` (in any of its places) writes the start of a URL attribute's value: its value's scheme is checked. */
export function atUrlStart(c: HtmlContext): boolean {
  for (let x: HtmlContext | null = c; x !== null; x = x.or) {
    if (x.state === "unknown" || (x.state === "value" ? x.urlStart : x.state === "beforeValue" && isUrlAttr(x.attr, x.attrWritten))) return true;
  }
  return false;
}

/**
 * Where escaping does not make a value safe, because the browser reads the value as code or
 * HTML: an event handler's value (`onclick="f('{{x}}')"`: `&#39;` is `'` again when the
 * handler runs), `srcdoc` (decoded, the value is HTML again), `style` (CSS), an attribute
 * whose name a tag writes and may make one of them (`on{{event}}=`, `{{name}}=`), a URL
 * whose text is a script or HTML document (`CODE_URLS`), a refresh `<meta>`'s `content` (a
 * value anywhere in it may write the URL the page goes to: before the URL, its delay and
 * `url=` are no URL start to check), and the content of `<script>` and `<style>` (never
 * decoded: escaping only garbles it; inside `<svg>` it is decoded, and runs all the same).
 */
export type CodeKind = "handler" | "srcdoc" | "style-attr" | "attr-name" | "script-url" | "html-url" | "refresh" | "script" | "style";

export interface CodePlace {
  readonly kind: CodeKind;
  /** The attribute's name (its text before the tag that writes the rest, for a written name), the URL's scheme (`javascript:`, `data:text/html`) or the element's name. */
  readonly name: string;
}

/** The kind of code an attribute named `name` holds (`written`: a tag writes the rest of its name), or null. */
function attrCode(name: string, written: boolean): CodeKind | null {
  if (name.startsWith("on")) return "handler";
  if (written) return "on".startsWith(name) || "style".startsWith(name) || "srcdoc".startsWith(name) ? "attr-name" : null;
  return name === "srcdoc" ? "srcdoc" : name === "style" ? "style-attr" : null;
}

/** Where a tag in context `c` (in the first of its places that is one) writes into code (see `CodeKind`), or null; nowhere known (`unknown`) is not claimed to be code. */
export function codePlace(c: HtmlContext): CodePlace | null {
  for (let x: HtmlContext | null = c; x !== null; x = x.or) {
    if (x.state === "value" || x.state === "beforeValue") {
      const kind = attrCode(x.attr, x.attrWritten) ?? (x.refresh && x.attr === "content" ? "refresh" : null);
      if (kind !== null) return { kind, name: x.attr };
      const url = CODE_URLS.get(x.scheme);
      if (url !== undefined) return { kind: url, name: x.scheme.replace(/,$/, "") };
    } else if ((x.state === "rawText" || (x.state === "text" && x.foreign && x.open)) && (x.tag === "script" || x.tag === "style")) {
      return { kind: x.tag, name: x.tag };
    }
  }
  return null;
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

/** Whether the `>` at `i` ends a comment (`-->`, `--!>`; `<!-->` and `<!--->` count: the opening's dashes are read again). */
function endsComment(text: string, i: number): boolean {
  const j = text.charCodeAt(i - 1) === 33 /* ! */ ? i - 1 : i;
  return text.charCodeAt(j - 1) === 45 && text.charCodeAt(j - 2) === 45;
}

/** `&#9;`, `&#x20;`, `&Tab;`, `&NewLine;`: a character reference to what the URL parser drops at a URL's start. */
const BLANK_REF = /&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|(?:Tab|NewLine);)/y;

/** The end of a character reference at `i` to a C0 control or a space, or -1. */
function blankRef(text: string, i: number): number {
  BLANK_REF.lastIndex = i;
  const m = BLANK_REF.exec(text);
  if (m === null) return -1;
  const code = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 10) : 9;
  return code >= 1 && code <= 32 ? BLANK_REF.lastIndex : -1;
}

/** The context after the static text `text`, from `c` (from each of its places). */
function scanHtml(text: string, c: HtmlContext): HtmlContext {
  const a = scanOne(text, c);
  return c.or === null ? a : joinHtml(a, scanHtml(text, c.or));
}

function scanOne(text: string, c: HtmlContext): HtmlContext {
  if (c.state === "unknown") return c;
  let { state, tag, open, attr, attrWritten, quote, urlStart, scheme, refresh, comment, foreign } = c;
  // Where the value being read started in `text` (-1: in an earlier text, before a tag that wrote part of it).
  let valueStart = -1;
  const endTag = (selfClosing: boolean) => {
    // In SVG and MathML (`<svg/>` itself included) a self-closing tag is closed at once: `<script/>` opens nothing.
    // In HTML the slash is ignored: `<script/>` opens a script.
    if (selfClosing && (foreign || tag === "svg" || tag === "math")) open = false;
    else if (tag === "svg" || tag === "math") foreign = open;
    state = open && !foreign && RAW_TEXT.has(tag) ? "rawText" : "text";
    refresh = false;
  };
  const endValue = (i: number) => {
    if (tag === "meta" && attr === "http-equiv" && valueStart >= 0 && text.slice(valueStart, i).toLowerCase() === "refresh") refresh = true;
    urlStart = false;
    scheme = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    // A browser ends a comment here, in whatever state its markup left us.
    if (ch === 62 && comment && endsComment(text, i)) {
      state = "text";
      comment = false;
      continue;
    }
    switch (state) {
      case "text":
        if (ch === 60 /* < */) state = "tagOpen";
        break;
      case "tagOpen":
        if (isAsciiAlpha(ch)) {
          state = "tagName";
          tag = lower(ch);
          open = true;
          refresh = false;
        } else if (ch === 47 /* / */) {
          state = "endTagOpen";
        } else if (ch === 33 /* ! */ && text.startsWith("--", i + 1)) {
          // `<!--`: its content is scanned as markup (see above) until `-->`.
          state = "text";
          comment = true;
          i += 2;
        } else if (ch === 33 || ch === 63 /* ? */) {
          state = "bogusComment";
        } else {
          // `a < b`: no tag; a second `<` may open one.
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
          // `</>` is dropped; `</ x>`, `</3>` are bogus comments.
          state = ch === 62 ? "text" : "bogusComment";
        }
        break;
      case "bogusComment":
        if (ch === 62) state = "text";
        break;
      case "tagName":
        if (isHtmlSpace(ch) || ch === 47) state = "beforeAttr";
        else if (ch === 62 /* > */) endTag(false);
        else tag += lower(ch);
        break;
      case "beforeAttr":
        // `/>`: a self-closing tag (`<a x=1/>` is not: the slash is the value's).
        if (ch === 62) endTag(text.charCodeAt(i - 1) === 47);
        else if (!isHtmlSpace(ch) && ch !== 47) {
          state = "attrName";
          attr = lower(ch);
          attrWritten = false;
        }
        break;
      case "attrName":
      case "afterAttr":
        if (ch === 61 /* = */) state = "beforeValue";
        else if (ch === 62) endTag(false);
        else if (ch === 47) state = "beforeAttr";
        else if (isHtmlSpace(ch)) state = "afterAttr";
        else if (state === "afterAttr") {
          state = "attrName";
          attr = lower(ch);
          attrWritten = false;
        } else if (!attrWritten) attr += lower(ch);
        break;
      case "beforeValue":
        if (isHtmlSpace(ch)) break;
        if (ch === 62) {
          endTag(false);
          break;
        }
        state = "value";
        urlStart = isUrlAttr(attr, attrWritten);
        scheme = "";
        if (ch === 34 /* " */ || ch === 39 /* ' */) {
          quote = text[i];
          valueStart = i + 1;
        } else {
          quote = "";
          valueStart = i--;
        }
        break;
      case "value": {
        if (quote !== "" ? ch === quote.charCodeAt(0) : isHtmlSpace(ch)) {
          endValue(i);
          state = "beforeAttr";
        } else if (quote === "" && ch === 62) {
          endValue(i);
          endTag(false);
        } else if (urlStart && ch === 38 /* & */) {
          // `&#32;`, `&Tab;`: decoded before the URL is parsed, so dropped like the character itself.
          const end = blankRef(text, i);
          if (end < 0) urlStart = false;
          else i = end - 1;
        }
        // The URL parser drops leading C0 controls and spaces: they leave the value at its start.
        // After them, the text is read while it may make the URL code (`javascript:`).
        else if (urlStart ? ch > 32 : scheme !== "" && !CODE_URLS.has(scheme)) {
          urlStart = false;
          scheme = schemeAfter(scheme, ch);
        }
        break;
      }
      case "rawText":
        if (ch === 60 && text.charCodeAt(i + 1) === 47 && text.slice(i + 2, i + 2 + tag.length).toLowerCase() === tag) {
          // Only `</script` then white space, `/` or `>` ends it (`</scripts>` does not).
          const next = i + 2 + tag.length;
          const after = text.charCodeAt(next);
          if (next < text.length && !isHtmlSpace(after) && after !== 47 && after !== 62) break;
          state = "tagName";
          open = false;
          i = next - 1;
        }
        break;
    }
  }
  if (
    c.or === null &&
    state === c.state &&
    tag === c.tag &&
    open === c.open &&
    attr === c.attr &&
    attrWritten === c.attrWritten &&
    quote === c.quote &&
    urlStart === c.urlStart &&
    scheme === c.scheme &&
    refresh === c.refresh &&
    comment === c.comment &&
    foreign === c.foreign
  )
    return c;
  return { state, tag, open, attr, attrWritten, quote, urlStart, scheme, refresh, comment, foreign, or: null };
}

/** The context after a tag in context `c` wrote a value (its text is not known at compile time). */
function afterValue(c: HtmlContext): HtmlContext {
  const a = afterValueOne(c);
  return c.or === null ? a : joinHtml(a, afterValue(c.or));
}

function afterValueOne(c: HtmlContext): HtmlContext {
  if (c.state === "unknown") return c;
  const one = c.or === null ? c : { ...c, or: null };
  switch (c.state) {
    // `<{{tag}} …`: a tag name, unknown.
    case "tagOpen":
    case "endTagOpen":
      return { ...one, state: "tagName", tag: "", open: c.state === "tagOpen" };
    // `<a {{name}}=…`, `<a data-{{k}}=…`: an attribute name, unknown, so its value is taken for a URL.
    // `<a{{x}}=…` too: an escaped value may hold a space or a `/`, which ends the tag's name.
    case "tagName":
    case "beforeAttr":
    case "afterAttr":
      return { ...one, state: "attrName", attr: "", attrWritten: true };
    case "attrName":
      return { ...one, attrWritten: true };
    // `<a href={{x}}>`: an unquoted value; it may be empty, so the next tag may still start it.
    case "beforeValue":
      return { ...one, state: "value", quote: "", urlStart: isUrlAttr(c.attr, c.attrWritten), scheme: "" };
    // A value may be empty: a URL value's next tag is still checked (`href="{{base}}{{path}}"`), as in Go.
    // A tag inside a scheme (`href="java{{x}}script:`) leaves it unknown: not read on (see `scheme`).
    default:
      return c.scheme !== "" && !CODE_URLS.has(c.scheme) ? { ...one, scheme: "" } : one;
  }
}

function sameHtml(a: HtmlContext, b: HtmlContext): boolean {
  return (
    a.state === b.state &&
    a.tag === b.tag &&
    a.open === b.open &&
    a.attr === b.attr &&
    a.attrWritten === b.attrWritten &&
    a.quote === b.quote &&
    a.urlStart === b.urlStart &&
    a.scheme === b.scheme &&
    a.refresh === b.refresh &&
    a.comment === b.comment &&
    a.foreign === b.foreign
  );
}

/** Whether `c` has the place `x` among its places. */
function hasPlace(c: HtmlContext, x: HtmlContext): boolean {
  for (let y: HtmlContext | null = c; y !== null; y = y.or) if (sameHtml(y, x)) return true;
  return false;
}

/**
 * The context after a block whose branches end in `a` and `b`: either may have run, so the
 * text may be in any place of either. `a` itself when `b` adds no place (a loop body compiles
 * again from the joined context until it does not).
 */
function joinHtml(a: HtmlContext, b: HtmlContext): HtmlContext {
  if (a === b) return a;
  let out = a;
  for (let x: HtmlContext | null = b; x !== null; x = x.or) if (!hasPlace(out, x)) out = { ...x, or: out };
  return out;
}

/** A key for compiled fragments: a fragment compiles differently in each context. */
export function htmlKey(c: HtmlContext): string {
  let key = "";
  for (let x: HtmlContext | null = c; x !== null; x = x.or) {
    key += `${x.state} ${x.tag} ${x.open ? 1 : 0} ${x.attr} ${x.attrWritten ? 1 : 0} ${x.quote} ${x.urlStart ? 1 : 0} ${x.scheme} ${x.refresh ? 1 : 0} ${x.comment ? 1 : 0} ${x.foreign ? 1 : 0}|`;
  }
  return key;
}

/**
 * The context of each value and fragment tag of `nodes` (a template's, or a fragment's from
 * where it is included), read from `start`. A block's branches start where it does and the
 * context after it is every place either may leave (an empty inverse included). A loop's
 * body runs again from where it ended: it is read again from there too, until that adds no
 * place (as Go's html/template does), so `{{#each xs}}{{x}}<a href={{/each}}` checks `{{x}}`;
 * each tag keeps its context of the last reading, which holds those of the others.
 */
export function htmlPlaces(nodes: readonly TNode[], start: HtmlContext): Map<TNode, HtmlContext> {
  const places = new Map<TNode, HtmlContext>();
  placesIn(nodes, start, places);
  return places;
}

/** Records the context of each tag of `nodes` from `c` in `places`; returns the context after them. */
function placesIn(nodes: readonly TNode[], c: HtmlContext, places: Map<TNode, HtmlContext>): HtmlContext {
  for (const n of nodes) {
    switch (n.kind) {
      case "text":
        c = scanHtml(n.value, c);
        break;
      case "mustache":
        places.set(n, c);
        c = afterValue(c);
        break;
      // The text after a fragment is assumed to be where it started: fragments are given at
      // render time, and one is expected to close what it opens.
      case "partial":
        places.set(n, c);
        break;
      case "section":
        c = placesInBlock(n.body, n.inverse, !n.inverted, c, places);
        break;
      case "block":
        c = placesInBlock(n.body, n.inverse, n.helper === "each", c, places);
        break;
    }
  }
  return c;
}

function placesInBlock(body: readonly TNode[], inverse: readonly TNode[] | null, loop: boolean, start: HtmlContext, places: Map<TNode, HtmlContext>): HtmlContext {
  const inv = inverse === null ? start : placesIn(inverse, start, places);
  let from = start;
  let end = placesIn(body, from, places);
  if (loop) {
    // Each round adds a place. A body that keeps adding some (`<a{{#each xs}}b{{/each}}>`
    // makes ever longer tag names) leaves the HTML nowhere known: from there on, every value
    // is checked (the check costs little; a template the compiler accepted must render).
    for (let round = 0, next = joinHtml(from, end); next !== from; next = joinHtml(from, end)) {
      from = ++round > 8 ? HTML_UNKNOWN : next;
      end = placesIn(body, from, places);
      if (from === HTML_UNKNOWN) break;
    }
  }
  return joinHtml(end, inv);
}
