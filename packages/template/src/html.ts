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
  /** `<![CDATA[` in SVG or MathML: text until `]]>` (in HTML it is a bogus comment). */
  | "cdata"
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
  /** In a URL value: its text since its leading white space, in lower case, while it may make the URL code (see `codeUrl`; a data URL's `;` read as `,`), or is code; else "". */
  readonly scheme: string;
  /** What the tag's attributes read so far say of the whole tag (`REFRESH`, …); 0 outside a tag. */
  readonly facts: number;
  /** Inside `<!--`: a `-->` ends it, whatever state the markup inside left. */
  readonly comment: boolean;
  /** The open elements that change how markup is read (see `FOREIGN`), outermost first: inside `<svg>` or `<math>`, `<style>`, `<title>` and `<script>` hold markup, not raw text. */
  readonly foreign: string;
  /** Another place the text may be in (after a block whose branches end in different places), or null. */
  readonly or: HtmlContext | null;
}

/** Where nothing is known any more (see `unknown`): it stays so to the template's end. */
const HTML_UNKNOWN: HtmlContext = { state: "unknown", tag: "", open: false, attr: "", attrWritten: false, quote: "", urlStart: true, scheme: "", facts: 0, comment: false, foreign: "", or: null };

/** Where a template (and a fragment included outside of any tag) starts. */
export const HTML_TEXT: HtmlContext = { state: "text", tag: "", open: false, attr: "", attrWritten: false, quote: "", urlStart: false, scheme: "", facts: 0, comment: false, foreign: "", or: null };

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
 * Schemes that make a URL a script whatever follows; and `data:`, whose type decides (see
 * `isDocumentType`). A value after such text in a URL attribute is code (see `CodeKind`).
 */
const SCRIPT_SCHEMES = ["javascript:", "vbscript:"];

/** A data URL's text while its type is read: MIME token characters and `/`, up to the `,` that ends it (`;` is read as `,`). */
const DATA_TYPE = /^data:[-a-z0-9!#$%&'*+.^_`|~/]*,?$/;

/**
 * Whether a data URL of MIME type `type` (lower case) opens as a document where a script
 * runs: HTML, and XML, whose XHTML `<script>` runs too (SVG, `image/svg+xml`, included; any
 * `…/…+xml`, and `text/xsl`, as browsers take them for XML).
 */
function isDocumentType(type: string): boolean {
  return type === "text/html" || type === "text/xml" || type === "application/xml" || type === "text/xsl" || /^[^/]+\/[^/]+\+xml$/.test(type);
}

/** The kind of code a URL whose text `scheme` (see `HtmlContext`) has fixed is, or null while it is not fixed (yet). */
function codeUrl(scheme: string): "script-url" | "document-url" | null {
  if (SCRIPT_SCHEMES.includes(scheme)) return "script-url";
  return scheme.endsWith(",") ? "document-url" : null;
}

/** `scheme` (see `HtmlContext`) after the URL's next character `ch` (decoded) in the text. */
function schemeAfter(scheme: string, ch: number): string {
  // The URL parser drops tabs and line breaks anywhere (`java\tscript:`); a data URL's type is read without white space around it.
  if (ch === 9 || ch === 10 || ch === 13 || ((ch === 32 || ch === 12) && scheme.startsWith("data:"))) return scheme;
  if (ch > 127) return "";
  const next = scheme + (ch === 59 /* ; */ && scheme.startsWith("data:") ? "," : lower(ch));
  if (next.startsWith("data:")) return DATA_TYPE.test(next) && !(next.endsWith(",") && !isDocumentType(next.slice(5, -1))) ? next : "";
  return "data:".startsWith(next) || SCRIPT_SCHEMES.some((s) => s.startsWith(next)) ? next : "";
}

/** Whether a tag in place `x` writes the start of a URL attribute's value. */
function startsUrl(x: HtmlContext): boolean {
  return x.state === "value" ? x.urlStart : x.state === "beforeValue" && isUrlAttr(x.attr, x.attrWritten);
}

/** Whether a tag in context `c` (in any of its places) writes the start of a URL attribute's value: its value's scheme is checked. */
export function atUrlStart(c: HtmlContext): boolean {
  for (let x: HtmlContext | null = c; x !== null; x = x.or) if (x.state === "unknown" || startsUrl(x)) return true;
  return false;
}

/**
 * Facts about a whole tag, read from one of its attributes, that make another attribute's
 * value code or change how what follows is read, whichever of the two comes first in the tag
 * (a tag's facts are given, where it ends, to the values written inside it; see `Walk`). A
 * value a tag writes, in part or whole, may state one: the fact holds.
 */
const REFRESH = 1; // `<meta http-equiv="refresh">`: its `content` holds a URL the page goes to
const STYLESHEET = 2; // `<link rel="stylesheet">`: its `href` loads CSS
const ANIMATES_URL = 4; // `<set>`/`<animate>` of `href`: its `to`, `from`, `by`, `values` write a link's URL
const HTML_ANNOTATION = 8; // `<annotation-xml encoding="text/html">` in MathML: its content is HTML
const FONT_ATTRS = 16; // `<font>` with `color`, `face` or `size`: in SVG or MathML it is HTML's (see `FOREIGN.breakout`)

/** The fact that attribute `attr` of element `tag` with value `value` (decoded, lower case; null when a tag writes part of it) states, or 0. */
function factOf(tag: string, attr: string, value: string | null): number {
  if (tag === "meta" && attr === "http-equiv") return value === null || value === "refresh" ? REFRESH : 0;
  if (tag === "link" && attr === "rel") return value === null || value.split(/[\t\n\f\r ]+/).includes("stylesheet") ? STYLESHEET : 0;
  if ((tag === "set" || tag === "animate") && attr === "attributename") return value === null || value === "href" || value === "xlink:href" ? ANIMATES_URL : 0;
  if (tag === "annotation-xml" && attr === "encoding") return value === null || value === "text/html" || value === "application/xhtml+xml" ? HTML_ANNOTATION : 0;
  return 0;
}

/** The attributes whose value may state a fact (see `factOf`): only theirs are decoded. */
const FACT_ATTRS: ReadonlySet<string> = new Set(["http-equiv", "rel", "attributename", "encoding"]);

/** Attributes of an SVG animation that write the animated attribute's value. */
const ANIMATION_VALUES: ReadonlySet<string> = new Set(["to", "from", "by", "values"]);

/** Whether attribute `attr` of element `tag` is only ever loaded as an image, where neither SVG nor HTML runs a script. */
function isImageSource(tag: string, attr: string): boolean {
  if (attr === "srcset" || attr === "poster" || attr === "background") return true;
  if (attr === "src") return tag === "img" || tag === "image";
  return (tag === "image" || tag === "feimage") && (attr === "href" || attr === "xlink:href");
}

/**
 * Where escaping does not make a value safe, because the browser reads the value as code or
 * HTML: an event handler's value (`onclick="f('{{x}}')"`: `&#39;` is `'` again when the
 * handler runs; `handler-like`: an `on…` attribute no browser is known to run, see
 * `EVENTS`), `srcdoc` (decoded, the value is HTML again), `style` (CSS), an attribute whose
 * name a tag writes and may make one of them (`on{{event}}=`, `{{name}}=`), a URL whose text
 * is a script or a document (`codeUrl`), a refresh `<meta>`'s `content` (a value anywhere in
 * it may write the URL the page goes to: before the URL, its delay and `url=` are no URL
 * start to check), the start of a URL that loads code (`<script src>`, a stylesheet's
 * `<link href>`) or moves every relative URL (`<base href>`), which the scheme check lets
 * through when it is http(s), an SVG animation's value for a link's `href` (no scheme check
 * reads it), and the content of `<script>` and `<style>` (never decoded: escaping only
 * garbles it; inside `<svg>` it is decoded, and runs all the same).
 */
export type CodeKind =
  | "handler"
  | "handler-like"
  | "srcdoc"
  | "style-attr"
  | "attr-name"
  | "script-url"
  | "document-url"
  | "refresh"
  | "script-src"
  | "stylesheet-href"
  | "base-href"
  | "animated-url"
  | "script"
  | "style";

export interface CodePlace {
  readonly kind: CodeKind;
  /** The attribute's name (with `…` when a tag writes the rest of it), the URL's scheme or type (`javascript:`, `data:text/html`) or the element's name. */
  readonly name: string;
  /** In an attribute: its quote, `"`, `'` or "" (unquoted). */
  readonly quote: string;
}

/** `on` and letters: the form of every event handler's name. */
const HANDLER_NAME = /^on[a-z]+$/;

/**
 * The events whose handler attribute (`on` and the name) browsers run: HTML's global, window
 * and document handlers, pointer, touch, animation and transition events, and SVG's. Only the
 * wording depends on it: any other `on…` name of letters may be one in a browser the list
 * does not know (they add events), or to a custom element's script, and is warned of too.
 */
const EVENTS: ReadonlySet<string> = new Set(
  (
    "abort activate afterprint animationcancel animationend animationiteration animationstart auxclick beforecopy beforecut beforeinput " +
    "beforematch beforepaste beforeprint beforetoggle beforeunload beforexrselect begin blur cancel canplay canplaythrough change click " +
    "close command contentvisibilityautostatechange contextlost contextmenu contextrestored copy cuechange cut dblclick drag dragend " +
    "dragenter dragexit dragleave dragover dragstart drop durationchange emptied end ended error focus focusin focusout formdata " +
    "fullscreenchange fullscreenerror gotpointercapture hashchange input invalid keydown keypress keyup languagechange load loadeddata " +
    "loadedmetadata loadstart lostpointercapture message messageerror mousedown mouseenter mouseleave mousemove mouseout mouseover " +
    "mouseup mousewheel offline online pagehide pagereveal pageshow pageswap paste pause play playing pointercancel pointerdown " +
    "pointerenter pointerleave pointerlockchange pointerlockerror pointermove pointerout pointerover pointerrawupdate pointerup popstate " +
    "progress ratechange readystatechange rejectionhandled repeat reset resize scroll scrollend scrollsnapchange scrollsnapchanging " +
    "search securitypolicyviolation seeked seeking select selectionchange selectstart show slotchange stalled storage submit suspend " +
    "timeupdate toggle touchcancel touchend touchmove touchstart transitioncancel transitionend transitionrun transitionstart " +
    "unhandledrejection unload visibilitychange volumechange waiting webkitanimationend webkitanimationiteration webkitanimationstart " +
    "webkittransitionend wheel zoom"
  ).split(" "),
);

/** The kind of code an attribute named `name` holds (`written`: a tag writes the rest of its name), or null. */
function attrCode(name: string, written: boolean): CodeKind | null {
  if (written) {
    // `on{{event}}`: letters may follow, so it may be a handler; `{{name}}`, `st{{x}}` may become one of the code attributes.
    if (/^on[a-z]*$/.test(name)) return "handler";
    return "on".startsWith(name) || "style".startsWith(name) || "srcdoc".startsWith(name) ? "attr-name" : null;
  }
  if (HANDLER_NAME.test(name)) return EVENTS.has(name.slice(2)) ? "handler" : "handler-like";
  return name === "srcdoc" ? "srcdoc" : name === "style" ? "style-attr" : null;
}

/** The kind of code a value in attribute place `x` (a value, or before one) writes into, or null. */
function attrPlaceCode(x: HtmlContext): CodeKind | null {
  const kind = attrCode(x.attr, x.attrWritten);
  if (kind !== null) return kind;
  if (x.attrWritten) return null;
  if (x.attr === "content" && x.tag === "meta" && x.facts & REFRESH) return "refresh";
  if (ANIMATION_VALUES.has(x.attr) && x.facts & ANIMATES_URL) return "animated-url";
  const url = codeUrl(x.scheme);
  if (url !== null) return url === "document-url" && isImageSource(x.tag, x.attr) ? null : url;
  if (!startsUrl(x)) return null;
  if (x.tag === "script" && (x.attr === "src" || x.attr === "href" || x.attr === "xlink:href")) return "script-src";
  if (x.tag === "link" && x.attr === "href" && x.facts & STYLESHEET) return "stylesheet-href";
  return x.tag === "base" && x.attr === "href" ? "base-href" : null;
}

/** Where a tag in context `c` (in the first of its places that is one) writes into code (see `CodeKind`), or null; nowhere known (`unknown`) is not claimed to be code. */
export function codePlace(c: HtmlContext): CodePlace | null {
  for (let x: HtmlContext | null = c; x !== null; x = x.or) {
    if (x.state === "value" || x.state === "beforeValue") {
      const kind = attrPlaceCode(x);
      if (kind === null) continue;
      const name = kind === "script-url" || kind === "document-url" ? x.scheme.replace(/,$/, "") : x.attrWritten ? x.attr + "…" : x.attr;
      return { kind, name, quote: x.quote };
    }
    if ((x.state === "rawText" || ((x.state === "text" || x.state === "cdata") && inForeign(x.foreign) && x.open)) && (x.tag === "script" || x.tag === "style")) {
      return { kind: x.tag, name: x.tag, quote: "" };
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

/**
 * The named character references to ASCII characters: all of them (HTML's other names are of
 * non-ASCII characters, which no scheme or MIME type holds). Names are case-sensitive
 * (`&Colon;` is `∷`), and these are decoded only with their `;`.
 */
const NAMED_ASCII: ReadonlyMap<string, string> = new Map(
  Object.entries({
    "\t": "Tab",
    "\n": "NewLine",
    "!": "excl",
    '"': "quot QUOT",
    "#": "num",
    $: "dollar",
    "%": "percnt",
    "&": "amp AMP",
    "'": "apos",
    "(": "lpar",
    ")": "rpar",
    "*": "ast midast",
    "+": "plus",
    ",": "comma",
    ".": "period",
    "/": "sol",
    ":": "colon",
    ";": "semi",
    "<": "lt LT",
    "=": "equals",
    ">": "gt GT",
    "?": "quest",
    "@": "commat",
    "[": "lsqb lbrack",
    "\\": "bsol",
    "]": "rsqb rbrack",
    "^": "Hat",
    _: "lowbar UnderBar",
    "`": "grave DiacriticalGrave",
    "{": "lcub lbrace",
    "|": "verbar vert VerticalLine",
    "}": "rcub rbrace",
  }).flatMap(([ch, names]) => names.split(" ").map((n) => [n, ch] as const)),
);

const NUMERIC_REF = /&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?/y;
const NAMED_REF = /&([A-Za-z0-9]+);/y;

/**
 * The character reference at `i` (a `&`) in an attribute's value, as the tokenizer decodes
 * it: its code point and where it ends; null when it is none this reading decodes (a name
 * without its `;`, or of a non-ASCII character: either way no scheme's character). Numeric
 * references need no `;` and take every digit; 0, surrogates and what is past Unicode are
 * U+FFFD.
 */
function charRef(text: string, i: number): { code: number; end: number } | null {
  NUMERIC_REF.lastIndex = i;
  const m = NUMERIC_REF.exec(text);
  if (m !== null) {
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    return { code: code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? 0xfffd : code, end: NUMERIC_REF.lastIndex };
  }
  NAMED_REF.lastIndex = i;
  const n = NAMED_REF.exec(text);
  const ch = n === null ? undefined : NAMED_ASCII.get(n[1]!);
  return ch === undefined ? null : { code: ch.charCodeAt(0), end: NAMED_REF.lastIndex };
}

/** An attribute's value `text` decoded (see `charRef`) and in lower case: what a tag's fact is read from (`http-equiv="&#82;efresh"`). */
function decodedLower(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ref = text.charCodeAt(i) === 38 ? charRef(text, i) : null;
    if (ref === null) out += lower(text.charCodeAt(i));
    else {
      out += ref.code < 128 ? lower(ref.code) : String.fromCodePoint(ref.code);
      i = ref.end - 1;
    }
  }
  return out;
}

/**
 * The elements that change how the markup inside them is read, as the tree builder does, kept
 * in `HtmlContext.foreign` as a stack of words: `s` and `m` then the name for an SVG or
 * MathML element (`ssvg`, `mmath`; `<svg>` inside MathML is MathML, `msvg`, except in an
 * `<annotation-xml>`), `h` then the name for an HTML integration point, whose content is
 * HTML again (`<foreignObject>`, `<desc>` and `<title>` in SVG; `<mi>`, `<mo>`, `<mn>`,
 * `<ms>`, `<mtext>` and `<annotation-xml encoding="text/html">` in MathML). An end tag closes
 * the innermost open one of its name and what is open inside it; one of no open element is
 * ignored. Other elements are not kept: the scan is no tree builder.
 */
const FOREIGN = {
  svgPoints: new Set(["foreignobject", "desc", "title"]),
  mathPoints: new Set(["mi", "mo", "mn", "ms", "mtext"]),
  /** HTML start tags that end SVG and MathML (back to the nearest integration point, or HTML): `<svg><p>` is HTML's `<p>`. `</p>` and `</br>` do too. */
  breakout: new Set(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var".split(" "),
  ),
};

/** Whether markup in `foreign` (see `FOREIGN`) is read as SVG or MathML (not HTML). */
function inForeign(foreign: string): boolean {
  const top = foreign.slice(foreign.lastIndexOf(" ") + 1);
  return top.startsWith("s") || top.startsWith("m");
}

/** `foreign` without its innermost word named `name` and those inside it; as is when none is. */
function closeForeign(foreign: string, name: string): string {
  const words = foreign === "" ? [] : foreign.split(" ");
  for (let i = words.length - 1; i >= 0; i--) if (words[i]!.slice(1) === name) return words.slice(0, i).join(" ");
  return foreign;
}

/** `foreign` after a breakout (see `FOREIGN.breakout`): its SVG and MathML words closed back to the innermost integration point. */
function breakOut(foreign: string): string {
  let f = foreign;
  while (inForeign(f)) f = f.slice(0, Math.max(0, f.lastIndexOf(" ")));
  return f;
}

/** `foreign` after start tag `tag` (not self-closing) opens, with the tag's facts. */
function openForeign(foreign: string, tag: string, facts: number): string {
  const top = foreign.slice(foreign.lastIndexOf(" ") + 1);
  const push = (word: string) => (foreign === "" ? word : `${foreign} ${word}`);
  if (top.startsWith("s")) return FOREIGN.svgPoints.has(tag) ? push("h" + tag) : tag === "svg" ? push("ssvg") : foreign;
  if (top.startsWith("m")) {
    if (FOREIGN.mathPoints.has(tag) || (tag === "annotation-xml" && facts & HTML_ANNOTATION)) return push("h" + tag);
    if (tag === "annotation-xml") return push("mannotation-xml");
    return tag === "svg" ? push(top === "mannotation-xml" ? "ssvg" : "msvg") : tag === "math" ? push("mmath") : foreign;
  }
  return tag === "svg" ? push("ssvg") : tag === "math" ? push("mmath") : foreign;
}

/** What a text did to the start tag open where it began: whether it ended there, and the facts (`REFRESH`, …) that tag had then. */
interface TagEnd {
  ended: boolean;
  facts: number;
}

/** The context after the static text `text`, from `c` (from each of its places); `end` collects what became of the tag each place was in. */
function scanHtml(text: string, c: HtmlContext, end: TagEnd): HtmlContext {
  const a = scanOne(text, c, end);
  return c.or === null ? a : joinHtml(a, scanHtml(text, c.or, end));
}

function scanOne(text: string, c: HtmlContext, end: TagEnd): HtmlContext {
  if (c.state === "unknown") return c;
  let { state, tag, open, attr, attrWritten, quote, urlStart, scheme, facts, comment, foreign } = c;
  // Where the value being read started in `text` (-1: in an earlier text, before a tag that wrote part of it).
  let valueStart = -1;
  // Whether the tag open where the text began has ended (its facts are reported once, at its end).
  let first = true;
  const leaveTag = () => {
    if (first) {
      end.ended = true;
      end.facts |= facts;
      first = false;
    }
    facts = 0;
  };
  // Whether the end tag being read ends raw text (`</title>` of an HTML `<title>`): it closes no word of `foreign`.
  let rawEnd = false;
  const endTag = (selfClosing: boolean) => {
    if (open && inForeign(foreign) && (FOREIGN.breakout.has(tag) || (tag === "font" && facts & FONT_ATTRS))) foreign = breakOut(foreign);
    const html = !inForeign(foreign);
    // In SVG and MathML (`<svg/>` itself included) a self-closing tag is closed at once: `<script/>` opens nothing.
    // In HTML the slash is ignored: `<script/>` opens a script.
    if (selfClosing && (!html || tag === "svg" || tag === "math")) open = false;
    else if (open) foreign = openForeign(foreign, tag, facts);
    else if (!rawEnd) foreign = !html && (tag === "p" || tag === "br") ? breakOut(foreign) : closeForeign(foreign, tag);
    rawEnd = false;
    state = open && html && RAW_TEXT.has(tag) ? "rawText" : "text";
    leaveTag();
  };
  const endValue = (i: number) => {
    if (valueStart >= 0 && FACT_ATTRS.has(attr)) facts |= factOf(tag, attr, decodedLower(text.slice(valueStart, i)));
    urlStart = false;
    scheme = "";
  };
  for (let i = 0; i < text.length; i++) {
    let ch = text.charCodeAt(i);
    // A browser ends a comment here, in whatever state its markup left us.
    if (ch === 62 && comment && endsComment(text, i)) {
      if (state !== "text" && state !== "rawText" && state !== "cdata") leaveTag();
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
          facts = 0;
        } else if (ch === 47 /* / */) {
          state = "endTagOpen";
        } else if (ch === 33 /* ! */ && text.startsWith("--", i + 1)) {
          // `<!--`: its content is scanned as markup (see above) until `-->`.
          state = "text";
          comment = true;
          i += 2;
        } else if (ch === 33 && inForeign(foreign) && text.startsWith("[CDATA[", i + 1)) {
          state = "cdata";
          i += 7;
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
      case "cdata":
        if (ch === 62 && text.charCodeAt(i - 1) === 93 && text.charCodeAt(i - 2) === 93) state = "text";
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
        if (state === "attrName" && tag === "font" && !attrWritten && (attr === "color" || attr === "face" || attr === "size") && (ch === 61 || ch === 62 || ch === 47 || isHtmlSpace(ch))) {
          facts |= FONT_ATTRS;
        }
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
          break;
        }
        if (quote === "" && ch === 62) {
          endValue(i);
          endTag(false);
          break;
        }
        const reading = urlStart || (scheme !== "" && codeUrl(scheme) === null);
        if (!reading) break;
        // The URL is parsed after the attribute is decoded: `&#106;`, `&colon;`, `&Tab;` are read as the characters they write.
        if (ch === 38 /* & */) {
          const ref = charRef(text, i);
          if (ref !== null) {
            ch = ref.code;
            i = ref.end - 1;
          }
        }
        // The URL parser drops leading C0 controls and spaces: they leave the value at its start.
        // After them, the text is read while it may make the URL code (`javascript:`).
        if (!urlStart || ch > 32) {
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
          rawEnd = true;
          i = next - 1;
        }
        break;
    }
  }
  const out: HtmlContext = { state, tag, open, attr, attrWritten, quote, urlStart, scheme, facts, comment, foreign, or: null };
  return c.or === null && sameHtml(out, c) ? c : out;
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
      return { ...one, state: "tagName", tag: "", open: c.state === "tagOpen", facts: 0 };
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
      return { ...one, state: "value", quote: "", urlStart: isUrlAttr(c.attr, c.attrWritten), scheme: "", facts: c.facts | factOf(c.tag, c.attr, null) };
    // A value may be empty: a URL value's next tag is still checked (`href="{{base}}{{path}}"`), as in Go.
    // A tag inside a scheme (`href="java{{x}}script:`) leaves it unknown: not read on (see `scheme`).
    // A tag inside a value that states a fact (`http-equiv="{{x}}"`) may state it.
    case "value": {
      const scheme = c.scheme !== "" && codeUrl(c.scheme) === null ? "" : c.scheme;
      const facts = c.facts | factOf(c.tag, c.attr, null);
      return scheme === c.scheme && facts === c.facts ? one : { ...one, scheme, facts };
    }
    default:
      return one;
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
    a.facts === b.facts &&
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
    key += `${x.state} ${x.tag} ${x.open ? 1 : 0} ${x.attr} ${x.attrWritten ? 1 : 0} ${x.quote} ${x.urlStart ? 1 : 0} ${x.scheme} ${x.facts} ${x.comment ? 1 : 0} ${x.foreign}|`;
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
  const walk: Walk = { places: new Map(), pending: [] };
  placesIn(nodes, start, walk);
  return walk.places;
}

/**
 * The walk's record: each tag's context, and the tags written inside the start tag being read
 * (`pending`), whose contexts take the facts the rest of that tag states when it ends
 * (`<meta content="{{x}}" http-equiv="refresh">`: the tag is judged whole).
 */
interface Walk {
  readonly places: Map<TNode, HtmlContext>;
  pending: TNode[];
}

/** Whether `c` is, in one of its places, inside a start tag (where a later attribute may state a fact of the tag). */
function inStartTag(c: HtmlContext): boolean {
  for (let x: HtmlContext | null = c; x !== null; x = x.or) if (x.open && x.state !== "text" && x.state !== "rawText" && x.state !== "cdata" && x.state !== "unknown") return true;
  return false;
}

/** `c` with `facts` added to each of its places inside a tag. */
function withFacts(c: HtmlContext, facts: number): HtmlContext {
  const or = c.or === null ? null : withFacts(c.or, facts);
  return inStartTag({ ...c, or: null }) ? { ...c, facts: c.facts | facts, or } : or === c.or ? c : { ...c, or };
}

/** Records the context of each tag of `nodes` from `c` in the walk; returns the context after them. */
function placesIn(nodes: readonly TNode[], c: HtmlContext, walk: Walk): HtmlContext {
  for (const n of nodes) {
    switch (n.kind) {
      case "text": {
        const end: TagEnd = { ended: false, facts: 0 };
        c = scanHtml(n.value, c, end);
        if (end.ended) {
          for (const p of walk.pending) if (end.facts !== 0) walk.places.set(p, withFacts(walk.places.get(p)!, end.facts));
          walk.pending = [];
        }
        break;
      }
      case "mustache":
        walk.places.set(n, c);
        if (inStartTag(c)) walk.pending.push(n);
        c = afterValue(c);
        break;
      // The text after a fragment is assumed to be where it started: fragments are given at
      // render time, and one is expected to close what it opens.
      case "partial":
        walk.places.set(n, c);
        if (inStartTag(c)) walk.pending.push(n);
        break;
      case "section":
        c = placesInBlock(n.body, n.inverse, !n.inverted, c, walk);
        break;
      case "block":
        c = placesInBlock(n.body, n.inverse, n.helper === "each", c, walk);
        break;
    }
  }
  return c;
}

function placesInBlock(body: readonly TNode[], inverse: readonly TNode[] | null, loop: boolean, start: HtmlContext, walk: Walk): HtmlContext {
  // Each branch starts with the tags pending before the block; after it, what either leaves pending is.
  const before = walk.pending;
  walk.pending = before.slice();
  const inv = inverse === null ? start : placesIn(inverse, start, walk);
  const invPending = walk.pending;
  walk.pending = before.slice();
  let from = start;
  let end = placesIn(body, from, walk);
  if (loop) {
    // Each round adds a place. A body that keeps adding some (`<a{{#each xs}}b{{/each}}>`
    // makes ever longer tag names) leaves the HTML nowhere known: from there on, every value
    // is checked (the check costs little; a template the compiler accepted must render).
    for (let round = 0, next = joinHtml(from, end); next !== from; next = joinHtml(from, end)) {
      from = ++round > 8 ? HTML_UNKNOWN : next;
      end = placesIn(body, from, walk);
      if (from === HTML_UNKNOWN) break;
    }
  }
  walk.pending = [...new Set([...walk.pending, ...invPending])];
  return joinHtml(end, inv);
}
