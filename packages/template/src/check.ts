/**
 * The static checker: types every path of a template against the names in scope, the way
 * the renderer will resolve it (context stack, block parameters), and checks helper calls,
 * `#each` arguments and partial names. The compiler calls it for every content string of a
 * `.journey` file and maps the offsets into the file; the editor uses the references for
 * go-to-definition and hover on each path segment.
 */
import type { BlockNode, CallExpr, Expr, MustacheNode, PathExpr, SectionNode, Span, TNode } from "./ast.js";
import { HELPERS, helperArity, helperResultType } from "./helpers.js";
import { HTML_TEXT, codePlace, htmlPlaces, type CodeKind, type CodePlace, type HtmlContext } from "./html.js";
import { parseTemplate } from "./parse.js";
import { unknownNameHelp } from "./suggest.js";
import { T, fieldType, isAssignable, nonNull, typeToString, type Type } from "./types.js";
import { FORBIDDEN_NAMES } from "./values.js";

export interface TemplateEnv {
  /** Type of a root name in scope (`profile`, `cart`, `recs`, `unsubscribeUrl`, …), or undefined. */
  lookup(name: string): Type | undefined;
  /** All root names in scope (for "did you mean" suggestions). */
  names(): string[];
  /** Declared partial (fragment) names. */
  partials: ReadonlySet<string>;
  /** What stops partial `name` from being included here (it reads a name this content lacks, it includes this one), if anything. */
  partialProblem?(name: string): { kind: "unknown-name" | "unknown-partial"; message: string } | undefined;
  /** The source of partial `name`: included in code (`<style>{{> Css}}</style>`), the values it writes there are checked. */
  partialSource?(name: string): string | undefined;
  /** The escaping context of the content field. */
  escape: "html" | "none" | "json";
  /**
   * Whether the value at `path` (`cart.coupon`, written from a root name) is known not to be
   * null where the content is: the journey's null checks around a send.
   */
  nonNull?(path: string): boolean;
}

export type TemplateDiagnosticKind =
  | "syntax"
  | "unknown-name"
  | "unknown-field"
  | "unknown-helper"
  | "helper-arity"
  | "helper-argument"
  | "not-a-list"
  | "unknown-partial"
  | "raw-in-html"
  | "value-in-code"
  | "duration-as-number"
  | "datetime-as-timestamp"
  | "record-as-text";

/** Types whose bare rendering is a machine form, and the helper that writes them for a reader. */
const IN_WORDS: Partial<Record<Type["kind"], { kind: TemplateDiagnosticKind; message: string; helper: string; title: string; example: string }>> = {
  duration: { kind: "duration-as-number", message: "a duration renders as a number of milliseconds", helper: "duration", title: "write it in words with `duration`", example: '"4 hours"' },
  datetime: {
    kind: "datetime-as-timestamp",
    message: "a datetime renders as an ISO 8601 timestamp (`2026-03-02T09:00:00.000Z`)",
    helper: "date",
    title: "format it with `date`",
    example: '"Mar 2, 2026" in the profile\'s time zone and locale (`date … "datetime"` adds the time, `date … "iso"` keeps a timestamp)',
  },
};

/** A `style` attribute and `<style>` alike: why a value in CSS is not safe, and what to do instead. */
const IN_CSS = {
  why: "it is CSS, which can load a URL (`url(…)`) and restyle the page",
  help: "choose among fixed classes or styles with `{{#if}}` instead of writing a value into CSS",
};

/** Where in HTML a value is code (see `CodeKind`), as the message puts it after "a value": why escaping does not make it safe there, and what to do instead. */
const IN_CODE: Record<CodeKind, { where: (name: string) => string; why: string; help: string }> = {
  handler: {
    where: (name) => `in event handler \`${name}\``,
    why: "the browser decodes the attribute before it runs the code (`&#39;` is `'` again)",
    help: "write it as a JSON value with `{{json x}}` (escaped, not inside quotes), or put it in a `data-…` attribute and read it from the handler (`this.dataset`)",
  },
  "handler-like": {
    where: (name) => `in \`${name}\`, named like an event handler (\`on\` and an event's name)`,
    why: "a browser that has such an event, or a custom element's script, runs it as code, decoded (`&#39;` is `'` again)",
    help: "if it is no handler, name it `data-…`; if it is, write the value as `{{json x}}` (not inside quotes), or put it in a `data-…` attribute and read it from the handler",
  },
  srcdoc: {
    where: () => "in `srcdoc`",
    why: "decoded, the attribute is HTML again, where a `<script>` runs",
    help: "give the frame its page by URL with `src`",
  },
  "style-attr": { where: () => "in a `style` attribute", ...IN_CSS },
  "attr-name": {
    where: (name) => `in an attribute whose name a tag writes (\`${name}\`)`,
    why: "the name may make it an event handler, `style` or `srcdoc`",
    help: "write the attribute's name in the template's text",
  },
  "script-url": {
    where: (scheme) => `in a \`${scheme}\` URL`,
    why: "the browser decodes the attribute before it runs the URL as a script (`&#39;` is `'` again)",
    help: "put the value in a `data-…` attribute read by a script, or make the link an http(s) URL",
  },
  "document-url": {
    where: (type) => `in a \`${type}\` URL`,
    why: "decoded, the URL is a document (HTML, or XML such as SVG), where a script runs",
    help: "link to the page by an http(s) URL",
  },
  refresh: {
    where: () => "in a refresh `<meta>`'s `content`",
    why: "the page goes to the URL it holds, and a value anywhere in it (before `url=` too) may write that URL, with any scheme",
    help: "make it a link (`<a href=\"{{url}}\">`), whose URL's scheme is checked",
  },
  "script-src": {
    where: (attr) => `at the start of a \`<script>\`'s \`${attr}\``,
    why: "the value chooses the code that runs, and the URL check lets any http(s) URL through",
    help: "write the script's URL in the template's text (a value after it, in its query, is fine)",
  },
  "stylesheet-href": {
    where: () => "at the start of a stylesheet `<link>`'s `href`",
    why: "the value chooses the CSS the page loads, which can load URLs and restyle the page, and the URL check lets any http(s) URL through",
    help: "write the stylesheet's URL in the template's text (a value after it, in its query, is fine)",
  },
  "base-href": {
    where: () => "at the start of a `<base>`'s `href`",
    why: "it moves every relative URL of the page (its scripts' included) to where the value says, and the URL check lets any http(s) URL through",
    help: "write the base URL in the template's text, or write the links' URLs whole",
  },
  "animated-url": {
    where: (attr) => `in \`${attr}\` of an SVG animation of \`href\``,
    why: "it sets the link's URL, `javascript:` included, where no URL check reads it",
    help: "write the link's URL in its own `href`, where its scheme is checked",
  },
  script: {
    where: () => "in `<script>`",
    why: "it is code (or JSON), where HTML escaping does not apply",
    help: "write it as a JSON value with `{{{json x}}}` (not inside quotes), or put it in a `data-…` attribute and read it from the script",
  },
  style: { where: () => "in `<style>`", ...IN_CSS },
};

/**
 * Whether value `n` of template `source` is safe in code `place`: JSON written as a whole
 * value, where the code reads it as the JSON it is. In a script (never decoded) that is raw
 * `{{{json x}}}`: what could end the script is written as `\u` escapes, and escaped its `"`
 * would be `&quot;` in the script. In a quoted event handler (decoded before it runs) it is
 * escaped `{{json x}}`: decoded, it is the JSON again, and raw its `"` would end the
 * attribute. Inside a string literal it is not safe: `var a = "{{{json x}}}"` with `x` =
 * `+alert(1)+` runs it. The code is not parsed: the value must stand between characters that
 * end and start a JavaScript or JSON value, or the attribute's quotes.
 */
function safeInCode(n: MustacheNode, place: CodePlace, source: string): boolean {
  if (n.expr.kind !== "call" || n.expr.name !== "json") return false;
  const handler = place.kind === "handler" || place.kind === "handler-like";
  if (place.kind === "script" ? n.escaped : !(handler && n.escaped && place.quote !== "")) return false;
  const before = source.slice(0, n.start).trimEnd().slice(-1);
  const after = source.slice(n.end).trimStart().slice(0, 1);
  return (VALUE_BEFORE.includes(before) || (handler && before === place.quote)) && (VALUE_AFTER.includes(after) || (handler && after === place.quote));
}

/** What may stand right before a whole value in code (in a script, `>` ends the `<script>` tag), and right after it (`<` starts `</script>`); "" is the template's start or end. */
const VALUE_BEFORE = ["", "=", "(", ",", ":", "[", "{", ";", ">"];
const VALUE_AFTER = ["", ";", ",", ")", "]", "}", "<"];

export interface TemplateFix {
  start: number;
  end: number;
  text: string;
  title: string;
}

export interface TemplateDiagnostic {
  kind: TemplateDiagnosticKind;
  severity: "error" | "warning";
  message: string;
  start: number;
  end: number;
  fix?: TemplateFix;
  /** What to do about it (rustc's `help:` line), e.g. "did you mean `firstName`?". */
  help?: string;
}

export interface TemplateReferenceSegment {
  name: string;
  start: number;
  end: number;
  /** The type of the path up to and including this segment. */
  type: Type;
}

/** A path that resolved to a root name of the environment, with the type after each segment. */
export interface TemplateReference {
  root: string;
  segments: TemplateReferenceSegment[];
}

/**
 * A path as the checker typed it: `types[i]` is the type of the path up to its i-th part,
 * the parts being `this` or `@index` when written, then the segments (`this.a`: `this`,
 * `a`). Fewer types than parts where the path does not resolve.
 */
export interface TemplatePathTypes {
  start: number;
  end: number;
  types: Type[];
}

export interface TemplateCheckResult {
  diagnostics: TemplateDiagnostic[];
  references: TemplateReference[];
  /** Every path of the template, typed where it stands: optionals narrowed where a block or `nonNull` says a value is not null. */
  paths: TemplatePathTypes[];
}

/**
 * A frame of the context stack as the checker sees it: `type` is the context value
 * (undefined at the root, where names come from the environment), `params` the block
 * parameters, `iterates` whether `@index` refers to this frame, `key` what names the value
 * in `known` (see `Checker.path`), `known` the values known not to be null here.
 */
interface Frame {
  type: Type | undefined;
  params: ReadonlyMap<string, Type>;
  iterates: "yes" | "no" | "maybe";
  parent: Frame | null;
  key: string;
  known: ReadonlySet<string>;
}

export function checkTemplate(source: string, env: TemplateEnv): TemplateCheckResult {
  const { nodes, errors } = parseTemplate(source);
  const checker = new Checker(source, env, env.escape === "html" ? htmlPlaces(nodes, HTML_TEXT) : null);
  for (const e of errors) checker.report("syntax", "error", e.message, e);
  checker.nodes(nodes, { type: undefined, params: new Map(), iterates: "no", parent: null, key: "", known: new Set() });
  return { diagnostics: checker.diagnostics, references: checker.references, paths: checker.paths };
}

const noParams: ReadonlyMap<string, Type> = new Map();

/** `a.b.c` and the paths it goes through (`a.b`, `a`): a truthy `a.b.c` means none of them is null. */
function withPrefixes(key: string): string[] {
  const out = [key];
  for (let i = key.lastIndexOf("."); i > 0; i = key.lastIndexOf(".", i - 1)) out.push(key.slice(0, i));
  return out;
}

/** Whether a value of type `t` holds a record, alone or in a list: its text would be "[object Object]". */
function holdsRecord(t: Type): boolean {
  const v = nonNull(t);
  return v.kind === "record" || (v.kind === "list" && holdsRecord(v.element));
}

class Checker {
  readonly diagnostics: TemplateDiagnostic[] = [];
  readonly references: TemplateReference[] = [];
  readonly paths: TemplatePathTypes[] = [];
  /** The key of each path resolved so far, for the facts a block's condition gives. */
  private readonly keys = new Map<PathExpr, string>();
  private frames = 0;

  constructor(
    private readonly source: string,
    private readonly env: TemplateEnv,
    /** HTML content only: where each value and fragment tag stands in the HTML. */
    private readonly places: ReadonlyMap<TNode, HtmlContext> | null,
  ) {}

  report(kind: TemplateDiagnosticKind, severity: "error" | "warning", message: string, span: Span, extra?: { fix?: TemplateFix; help?: string }): void {
    this.diagnostics.push({ kind, severity, message, start: span.start, end: span.end, ...extra });
  }

  nodes(nodes: readonly TNode[], frame: Frame): void {
    for (const n of nodes) this.node(n, frame);
  }

  private node(n: TNode, frame: Frame): void {
    switch (n.kind) {
      case "text":
      case "comment":
      case "delimiters":
        return;
      case "mustache": {
        const t = this.expr(n.expr, frame);
        // Durations and datetimes have a machine form ("14400000", "2026-03-02T09:00:00.000Z"):
        // in text a reader wants words. JSON content keeps the machine form (a machine reads it).
        const words = this.env.escape === "json" ? undefined : IN_WORDS[nonNull(t).kind];
        if (words) {
          const e = n.expr;
          const arg = e.kind === "call" && !e.subexpr ? `(${this.source.slice(e.start, e.end)})` : this.source.slice(e.start, e.end);
          this.report(words.kind, "warning", words.message, e, {
            fix: { start: e.start, end: e.end, text: `${words.helper} ${arg}`, title: words.title },
            help: `write \`{{${words.helper} ${arg}}}\` for ${words.example}`,
          });
        }
        // A record has no text form: it would render as "[object Object]". JSON content writes
        // it as a JSON value, except inside a string or raw, which the checker does not tell apart.
        if (holdsRecord(t) && (this.env.escape !== "json" || !n.escaped)) {
          const e = n.expr;
          const arg = e.kind === "call" && !e.subexpr ? `(${this.source.slice(e.start, e.end)})` : this.source.slice(e.start, e.end);
          this.report("record-as-text", "error", `\`${this.source.slice(e.start, e.end)}\` is \`${typeToString(t)}\`, which renders as \`[object Object]\``, e, {
            help: `write one of its fields (\`{{x.field}}\`), loop over a list with \`{{#each}}\`, or write it as JSON with \`{{json ${arg}}}\``,
          });
        }
        // In code, escaping does not make a value safe: the raw-output warning's advice (escape it) would not help.
        const place = this.places && codePlace(this.places.get(n)!);
        if (place) {
          if (!safeInCode(n, place, this.source)) {
            const { where, why, help } = IN_CODE[place.kind];
            this.report("value-in-code", "warning", `a value ${where(place.name)} is not made safe by escaping: ${why}`, n, { help });
          }
        } else if (!n.escaped && this.env.escape === "html") {
          const text = this.source.slice(n.start, n.end);
          const fix =
            text.startsWith("{{{") || text.startsWith("{{&")
              ? { start: n.start, end: n.end, text: `{{${this.source.slice(n.expr.start, n.expr.end)}}}`, title: "escape the output" }
              : undefined;
          this.report("raw-in-html", "warning", "raw output is not HTML-escaped", n, {
            fix,
            help: "use `{{…}}` unless the value is trusted HTML",
          });
        }
        return;
      }
      case "partial": {
        if (!this.env.partials.has(n.name)) {
          this.report("unknown-partial", "error", `unknown fragment \`${n.name}\``, n.nameSpan, this.suggestion({ ...n.nameSpan, name: n.name }, this.env.partials, "the fragments declared are"));
          return;
        }
        const problem = this.env.partialProblem?.(n.name);
        if (problem) this.report(problem.kind, "error", problem.message, n.nameSpan);
        else if (this.places && codePlace(this.places.get(n)!)) {
          // Included in code: the values it writes there (its own check reads it from text).
          const code = this.fragmentInCode(n.name, this.places.get(n)!, new Set());
          if (code) {
            const { where, why, help } = IN_CODE[code.kind];
            this.report("value-in-code", "warning", `fragment \`${n.name}\` writes a value ${where(code.name)}, which escaping does not make safe: ${why}`, n, { help });
          }
        }
        return;
      }
      case "section":
        return this.section(n, frame);
      case "block":
        return this.block(n, frame);
    }
  }

  /**
   * Where fragment `name`, included at `c`, writes a value into code, itself or through the
   * fragments it includes (`seen`: each once), or null. Its text is the author's: a fragment
   * of fixed CSS in `<style>` is fine.
   */
  private fragmentInCode(name: string, c: HtmlContext, seen: Set<string>): CodePlace | null {
    const source = this.env.partialSource?.(name);
    if (source === undefined || seen.has(name)) return null;
    seen.add(name);
    for (const [n, at] of htmlPlaces(parseTemplate(source).nodes, c)) {
      const place = n.kind === "mustache" ? codePlace(at) : n.kind === "partial" ? this.fragmentInCode(n.name, at, seen) : null;
      if (place && !(n.kind === "mustache" && safeInCode(n, place, source))) return place;
    }
    return null;
  }

  private section(n: SectionNode, frame: Frame): void {
    const t = this.path(n.path, frame);
    // A section renders its body when the value is truthy (a list: not empty), an inverted one its `{{else}}`.
    const truthy = this.knowing(frame, this.facts(n.path, true));
    if (n.inverse) this.nodes(n.inverse, n.inverted ? truthy : frame);
    if (n.inverted) {
      this.nodes(n.body, frame);
      return;
    }
    // The renderer pushes the list element, the value itself, or (for `true`) the current context again.
    const v = nonNull(t);
    let inner: Frame;
    if (v.kind === "list") inner = this.inner(truthy, v.element, noParams, "yes");
    else if (v.kind === "unknown") inner = this.inner(truthy, T.unknown, noParams, "maybe");
    else if (v.kind === "bool") inner = { ...this.inner(truthy, frame.type, noParams, "no"), key: frame.key };
    else inner = this.inner(truthy, v, noParams, "no");
    this.nodes(n.body, inner);
  }

  /** A frame pushed inside `frame` (`#each`, `#with`, a section), with a key of its own. */
  private inner(frame: Frame, type: Type | undefined, params: ReadonlyMap<string, Type>, iterates: Frame["iterates"]): Frame {
    return { type, params, iterates, parent: frame, key: `#${++this.frames}`, known: frame.known };
  }

  /** `frame`, knowing that the values `keys` name are not null. */
  private knowing(frame: Frame, keys: string[]): Frame {
    return keys.length ? { ...frame, known: new Set([...frame.known, ...keys]) } : frame;
  }

  /**
   * The keys of the values known not to be null when `e` is truthy (`truthy`) or falsy:
   * a truthy path is not null (nor is any path it goes through); `and`, `or` and `not` combine.
   */
  private facts(e: Expr, truthy: boolean): string[] {
    if (e.kind === "path") {
      const key = this.keys.get(e);
      return truthy && key !== undefined ? withPrefixes(key) : [];
    }
    if (e.kind !== "call") return [];
    if (e.name === "not" && e.args.length === 1) return this.facts(e.args[0], !truthy);
    if (e.name === (truthy ? "and" : "or")) return e.args.flatMap((a) => this.facts(a, truthy));
    return [];
  }

  private block(n: BlockNode, frame: Frame): void {
    const arg = n.args[0];
    const t = arg ? this.expr(arg, frame) : T.unknown;
    // Which branch renders when the argument is truthy: `#unless` its `{{else}}`, the others their body.
    const whenTruthy = arg ? this.knowing(frame, this.facts(arg, true)) : frame;
    const whenFalsy = arg ? this.knowing(frame, this.facts(arg, false)) : frame;
    if (n.inverse) this.nodes(n.inverse, n.helper === "unless" ? whenTruthy : whenFalsy);
    switch (n.helper) {
      case "if":
        this.nodes(n.body, whenTruthy);
        return;
      case "unless":
        this.nodes(n.body, whenFalsy);
        return;
      case "each": {
        const v = nonNull(t);
        let element: Type = T.unknown;
        if (v.kind === "list") element = v.element;
        else if (v.kind !== "unknown" && arg) {
          const what = arg.kind === "path" ? `\`${arg.text}\`` : "the argument";
          this.report("not-a-list", "error", `\`#each\` expects a list, but ${what} is \`${typeToString(t)}\``, arg);
        }
        const params = new Map<string, Type>();
        if (n.params[0]) params.set(n.params[0].name, element);
        if (n.params[1]) params.set(n.params[1].name, T.int);
        this.nodes(n.body, this.inner(whenTruthy, element, params, "yes"));
        return;
      }
      case "with": {
        const v = nonNull(t);
        const params = new Map<string, Type>();
        if (n.params[0]) params.set(n.params[0].name, v);
        this.nodes(n.body, this.inner(whenTruthy, v, params, "no"));
        return;
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Expressions

  private expr(e: Expr, frame: Frame): Type {
    switch (e.kind) {
      case "literal":
        if (typeof e.value === "string") return T.literal(e.value);
        if (typeof e.value === "number") return Number.isInteger(e.value) ? T.int : T.number;
        if (typeof e.value === "boolean") return T.bool;
        return T.null;
      case "path":
        return this.path(e, frame);
      case "call":
        return this.call(e, frame);
    }
  }

  private call(e: CallExpr, frame: Frame): Type {
    const argTypes = e.args.map((a) => this.expr(a, frame));
    const sig = HELPERS.get(e.name);
    if (!sig) {
      this.report("unknown-helper", "error", `unknown helper \`${e.name}\``, e.nameSpan, this.suggestion({ ...e.nameSpan, name: e.name }, HELPERS.keys(), "the helpers are"));
      return T.unknown;
    }
    const { min, max } = helperArity(sig);
    const n = e.args.length;
    if (n < min || n > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      const span = n > max ? { start: e.args[max].start, end: e.args[n - 1].end } : e.nameSpan;
      const usage = sig.params.map((p) => (p.optional ? `[${p.name}]` : p.rest ? `${p.name}…` : p.name)).join(" ");
      this.report(
        "helper-arity",
        "error",
        `\`${e.name}\` takes ${expected} argument${expected === "1" ? "" : "s"} but ${n} ${n === 1 ? "was" : "were"} supplied`,
        span,
        { help: `usage: \`${e.name} ${usage}\`` },
      );
      return helperResultType(e.name, argTypes);
    }
    for (let i = 0; i < n; i++) {
      const p = sig.params[Math.min(i, sig.params.length - 1)];
      const at = argTypes[i];
      // Helpers are null-safe (a path through an optional renders empty), so `T?` passes for `T`.
      if (!isAssignable(nonNull(at), p.type)) {
        this.report(
          "helper-argument",
          "error",
          `\`${e.name}\` expects \`${typeToString(p.type)}\` for \`${p.name}\`, found \`${typeToString(at)}\``,
          e.args[i],
          this.literalSuggestion(e.args[i], p.type),
        );
        continue;
      }
      const arg = e.args[i];
      const problem = arg.kind === "literal" ? p.literal?.(arg.value) : undefined;
      if (problem) this.report("helper-argument", "error", `\`${e.name}\`: ${problem}`, arg);
    }
    return helperResultType(e.name, argTypes);
  }

  /**
   * Types path `p` where it stands. Each value a path reads has a key, the same however it
   * is written: a root name and its fields (`cart.coupon`, as the environment's `nonNull`
   * names them), a frame's field read with `this` (`#3.coupon`) or from the context stack
   * (`#3:coupon`: where the frame's value lacks it, null or without the field, the renderer
   * reads it further out), or a block parameter's (`#3/line.note`) own key.
   */
  private path(p: PathExpr, frame: Frame): Type {
    const typed: TemplatePathTypes = { start: p.start, end: p.end, types: [] };
    this.paths.push(typed);
    if (p.head === "data") {
      const seg = p.segments[0];
      let f: Frame | null = frame;
      while (f !== null && f.iterates === "no") f = f.parent;
      if (f === null) {
        this.report("unknown-name", "error", `\`@${seg.name}\` is only available inside \`{{#each}}\` or a section over a list`, p);
        return T.unknown;
      }
      typed.types.push(seg.name === "index" ? T.int : T.bool);
      return typed.types[0]!;
    }
    if (p.head === "this") {
      if (frame.type !== undefined || p.segments.length === 0) {
        const self = frame.type === undefined ? T.unknown : this.narrowed(frame, frame.key, frame.type);
        typed.types.push(self);
        return this.walk(p, 0, self, "this", frame.key, frame, typed);
      }
      // `this.x` at the root reads the environment, as `x` does.
      typed.types.push(T.unknown);
      return this.root(p, frame, typed, "this.");
    }
    const first = p.segments[0];
    const name = first.name;
    if (FORBIDDEN_NAMES.has(name)) {
      this.report("unknown-name", "error", `\`${name}\` is never readable in a template`, first);
      return T.unknown;
    }
    // 1. block parameters, innermost first (they shadow the context stack, as at run time)
    for (let f: Frame | null = frame; f !== null; f = f.parent) {
      const t = f.params.get(name);
      if (t !== undefined) return this.head(p, t, `${f.key}/${name}`, frame, typed);
    }
    // 2. the context stack: the innermost frame whose record holds the name
    for (let f: Frame | null = frame; f !== null; f = f.parent) {
      if (f.type === undefined) continue;
      const v = nonNull(f.type);
      if (v.kind === "unknown") return T.unknown;
      if (v.kind === "record") {
        const t = fieldType(v, name);
        if (t === undefined) continue;
        // A frame whose value may be null (an element of a `list<T?>`) may hold nothing: the renderer then reads the name further out, or finds none.
        const mayBeNull = f.type.kind === "optional" && !this.known(frame, f.key);
        return this.head(p, mayBeNull ? T.optional(t) : t, `${f.key}:${name}`, frame, typed);
      }
    }
    // 3. the root names of the environment
    return this.root(p, frame, typed, "");
  }

  /** A path whose first segment is a root name of the environment (at the root, `this.` + it reads the same name: a reference alike). */
  private root(p: PathExpr, frame: Frame, typed: TemplatePathTypes, written: string): Type {
    const first = p.segments[0];
    const t = this.env.lookup(first.name);
    if (t === undefined) {
      this.unknownName(first, frame);
      return T.unknown;
    }
    const from = typed.types.length;
    const result = this.head(p, t, first.name, frame, typed, written);
    this.references.push({ root: first.name, segments: p.segments.slice(0, typed.types.length - from).map((s, i) => ({ name: s.name, start: s.start, end: s.end, type: typed.types[from + i]! })) });
    return result;
  }

  /** A path whose first segment is a value of type `t` named `key`. */
  private head(p: PathExpr, t: Type, key: string, frame: Frame, typed: TemplatePathTypes, written = ""): Type {
    const self = this.narrowed(frame, key, t);
    typed.types.push(self);
    return this.walk(p, 1, self, written + p.segments[0].name, key, frame, typed);
  }

  /**
   * Whether the value `key` names is known not to be null in `frame` (the environment knows of
   * root names'). A name read from the context stack is the frame's own field when that is
   * known (`this.note` truthy: `note` finds it there), not the other way round.
   */
  private known(frame: Frame, key: string): boolean {
    if (frame.known.has(key)) return true;
    if (!key.startsWith("#")) return this.env.nonNull?.(key) === true;
    const own = key.replace(":", ".");
    return own !== key && frame.known.has(own);
  }

  private narrowed(frame: Frame, key: string, t: Type): Type {
    return this.known(frame, key) ? nonNull(t) : t;
  }

  /**
   * Follows `p.segments[from…]` from `t`, the type of what is read before them (key `key`),
   * pushing the type after each onto `typed`; `prefix` is the path so far, for messages. A
   * segment read through an optional is optional, unless its value is known not to be null
   * (then nothing before it was null either).
   */
  private walk(p: PathExpr, from: number, t: Type, prefix: string, key: string, frame: Frame, typed: TemplatePathTypes): Type {
    let optional = false;
    let cur = t;
    for (let i = from; i < p.segments.length; i++) {
      const seg = p.segments[i];
      if (cur.kind === "optional" || cur.kind === "null") optional = true;
      const v = nonNull(cur);
      if (v.kind === "unknown") return T.unknown;
      let next: Type | undefined;
      if (FORBIDDEN_NAMES.has(seg.name)) {
        this.report("unknown-field", "error", `\`${seg.name}\` is never readable in a template`, seg);
        return T.unknown;
      }
      if (v.kind === "record") {
        next = fieldType(v, seg.name);
        if (next === undefined) {
          this.report("unknown-field", "error", `unknown field \`${seg.name}\` on \`${prefix}\``, seg, this.suggestion(seg, v.fields.map((f) => f.name), `the fields of \`${prefix}\` are`));
          return T.unknown;
        }
      } else if (v.kind === "list") {
        if (seg.name === "length") next = T.int;
        else if (/^[0-9]+$/.test(seg.name)) next = T.optional(v.element);
      }
      if (next === undefined) {
        const help = v.kind === "list" ? `\`${prefix}\` is a list: iterate it with \`{{#each ${prefix} as |x|}}\`` : `\`${prefix}\` is \`${typeToString(cur)}\``;
        this.report("unknown-field", "error", `unknown field \`${seg.name}\` on \`${prefix}\``, seg, { help });
        return T.unknown;
      }
      key += "." + seg.name;
      if (this.known(frame, key)) {
        next = nonNull(next);
        optional = false;
      }
      cur = next;
      prefix += "." + seg.name;
      typed.types.push(optional ? T.optional(cur) : cur);
    }
    this.keys.set(p, key);
    return optional ? T.optional(cur) : cur;
  }

  private unknownName(seg: { name: string; start: number; end: number }, frame: Frame): void {
    const candidates = new Set<string>(this.env.names());
    for (let f: Frame | null = frame; f !== null; f = f.parent) {
      for (const k of f.params.keys()) candidates.add(k);
      const v = f.type && nonNull(f.type);
      if (v && v.kind === "record") for (const fl of v.fields) candidates.add(fl.name);
    }
    this.report("unknown-name", "error", `unknown name \`${seg.name}\``, seg, this.suggestion(seg, candidates, "the names here are"));
  }

  /**
   * "Did you mean …?" with its fix when one of `candidates` is close to the name at `span`;
   * otherwise, given what they are (`known`), the first of them: the reader need not look up
   * what there is.
   */
  /** A quoted string given where one of a few words goes (`{{date d 'shrt'}}`): the closest, inside the quotes. */
  private literalSuggestion(arg: Expr, expected: Type): { fix?: TemplateFix; help?: string } {
    const words = expected.kind === "union" ? expected.members : [expected];
    if (arg.kind !== "literal" || typeof arg.value !== "string" || !words.every((w) => w.kind === "literal")) return {};
    return this.suggestion({ start: arg.start + 1, end: arg.end - 1, name: arg.value }, words.map((w) => (w as Extract<Type, { kind: "literal" }>).value));
  }

  private suggestion(span: Span & { name: string }, candidates: Iterable<string>, known?: string): { fix?: TemplateFix; help?: string } {
    const { replacement: s, help } = unknownNameHelp(span.name, candidates, known);
    if (s !== undefined) return { help, fix: { start: span.start, end: span.end, text: s, title: `replace with \`${s}\`` } };
    return help ? { help } : {};
  }
}
