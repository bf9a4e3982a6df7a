import { describe, expect, it } from "vitest";
import { T, checkTemplate, renderTemplate, typeToString, type Field, type TemplateDiagnostic, type TemplateEnv, type Type } from "../src/index.js";

const field = (name: string, type: Type, optional = false): Field => ({ name, type, optional });
const record = (name: string | undefined, fields: Field[]): Type => ({ kind: "record", fields, ...(name ? { name } : {}) });

const LineItem = record("LineItem", [field("sku", T.string), field("name", T.string), field("price", T.number), field("qty", T.int)]);
const Product = record("Product", [field("sku", T.string), field("name", T.string), field("price", T.number), field("url", T.string), field("inStock", T.bool)]);
const tier: Type = { kind: "union", members: [T.literal("bronze"), T.literal("silver"), T.literal("gold")] };
const profile = record(undefined, [
  field("email", T.string),
  field("firstName", T.string, true),
  field("loyalty", record(undefined, [field("tier", tier), field("points", T.int)])),
  field("lastActiveAt", T.datetime, true),
  field("address", record(undefined, [field("city", T.string)]), true),
  field("tags", T.list(T.string)),
]);
const roots: Record<string, Type> = {
  profile,
  cart: record("CartAbandoned", [field("cartId", T.string), field("items", T.list(LineItem)), field("total", T.number)]),
  recs: T.list(Product),
  unsubscribeUrl: T.string,
};

function env(escape: TemplateEnv["escape"] = "html"): TemplateEnv {
  return { lookup: (n) => roots[n], names: () => Object.keys(roots), partials: new Set(["Footer", "Header"]), escape };
}

/** Diagnostics as [kind, text under the span, message], the shape assertions read best in. */
function diags(src: string, e = env()) {
  return checkTemplate(src, e).diagnostics.map((d) => [d.kind, src.slice(d.start, d.end), d.message]);
}

function one(src: string, e = env()): TemplateDiagnostic {
  const ds = checkTemplate(src, e).diagnostics;
  expect(ds).toHaveLength(1);
  return ds[0];
}

describe("checker: valid templates", () => {
  it("accepts the brief's example content", () => {
    const src = `{{default profile.firstName 'Hi'}}, you left {{length cart.items}} items behind
{{#each cart.items as |line|}}<p>{{line.name}} — {{currency line.price "EUR"}}</p>{{/each}}
{{#each recs as |p|}}<a href="{{p.url}}"><img alt="{{p.name}}"></a>{{/each}}
{{> Footer}}<a href="{{unsubscribeUrl}}">x</a>`;
    expect(diags(src)).toEqual([]);
  });
  it("is context-stack aware", () => {
    expect(diags("{{#each cart.items}}{{name}} {{@index}} {{profile.email}} {{this.sku}}{{/each}}")).toEqual([]);
    expect(diags("{{#cart.items}}{{qty}}{{@first}}{{/cart.items}}{{#profile.loyalty}}{{tier}} {{unsubscribeUrl}}{{/profile.loyalty}}")).toEqual([]);
    expect(diags("{{#with profile.loyalty}}{{points}}{{/with}}{{#with profile as |p|}}{{p.email}}{{email}}{{/with}}")).toEqual([]);
    expect(diags("{{#each profile.tags as |t i|}}{{upper t}}{{i}}{{/each}}{{#each profile.tags}}{{lower this}}{{/each}}")).toEqual([]);
  });
  it("allows paths through optionals (they render empty) and null-safe helpers", () => {
    expect(diags("{{profile.address.city}} {{upper profile.firstName}} {{date profile.lastActiveAt 'iso'}}")).toEqual([]);
  });
  it("accepts helper argument types by assignability", () => {
    expect(diags("{{currency cart.total 'EUR'}} {{number profile.loyalty.points 0}} {{truncate profile.email 10}} {{join profile.tags ', '}}")).toEqual([]);
    expect(diags("{{#if (and (gt cart.total 10) (eq profile.loyalty.tier 'gold'))}}x{{/if}} {{upper profile.loyalty.tier}}")).toEqual([]);
    expect(diags("{{#with (first recs)}}{{name}}{{/with}} {{upper (default profile.firstName 'there')}}")).toEqual([]);
  });
});

describe("checker: diagnostics", () => {
  it("syntax", () => {
    expect(diags("Hi {{profile.email}")).toEqual([["syntax", "{{", "unclosed tag: expected `}}`"]]);
    expect(diags("{{#if}}x{{/if}}")).toEqual([["syntax", "if", "`#if` takes exactly 1 argument but 0 were supplied"]]);
  });
  it("unknown-field with a suggestion and a fix on the bad segment", () => {
    const src = "Hi {{profile.frstName}}!";
    const d = one(src);
    expect(d).toMatchObject({ kind: "unknown-field", severity: "error", message: "unknown field `frstName` on `profile`", help: "did you mean `firstName`?" });
    expect(src.slice(d.start, d.end)).toBe("frstName");
    expect(d.fix).toEqual({ start: 13, end: 21, text: "firstName", title: "replace with `firstName`" });
    const fixed = src.slice(0, d.fix!.start) + d.fix!.text + src.slice(d.fix!.end);
    expect(diags(fixed)).toEqual([]);
  });
  it("a duration in text: a warning, with `duration` as the fix", () => {
    const e: TemplateEnv = { ...env("none"), lookup: (n) => (n === "hold" ? T.duration : n === "maybe" ? T.optional(T.duration) : roots[n]) };
    const d = one("Kept for {{hold}}.", e);
    expect(d).toMatchObject({ kind: "duration-as-number", severity: "warning", start: 11, end: 15, fix: { text: "duration hold" } });
    expect(one("{{default maybe hold}}", e).fix?.text).toBe("duration (default maybe hold)");
    expect(diags("Kept for {{duration hold}}.", e)).toEqual([]);
    // JSON content keeps the number: a machine reads it.
    expect(diags("{{hold}}", { ...e, escape: "json" })).toEqual([]);
  });
  it("a datetime in text: a warning, with `date` as the fix; `date … \"iso\"` and JSON keep the timestamp", () => {
    const e: TemplateEnv = { ...env("html"), lookup: (n) => (n === "at" ? T.datetime : n === "maybe" ? T.optional(T.datetime) : roots[n]) };
    const d = one("<p>Ordered {{at}}</p>", e);
    expect(d).toMatchObject({ kind: "datetime-as-timestamp", severity: "warning", start: 13, end: 15, fix: { text: "date at", title: "format it with `date`" } });
    expect(d.help).toContain("{{date at}}");
    expect(one("{{maybe}}", e).kind).toBe("datetime-as-timestamp");
    expect(diags("<p>Ordered {{date at}}, {{date at \"iso\"}}</p>", e)).toEqual([]);
    expect(diags("{{at}}", { ...e, escape: "json" })).toEqual([]);
  });
  it("a record in text is an error: it would render as `[object Object]`; JSON content writes it as JSON", () => {
    const item: Type = { kind: "record", fields: [{ name: "sku", type: T.string, optional: false }] };
    const e: TemplateEnv = { ...env("none"), lookup: (n) => (n === "it" ? item : n === "maybe" ? T.optional(item) : n === "its" ? T.list(item) : roots[n]) };
    const d = one("Item {{it}}", e);
    expect(d).toMatchObject({ kind: "record-as-text", severity: "error", start: 7, end: 9 });
    expect(d.help).toContain("{{json it}}");
    expect(one("{{maybe}}", e).kind).toBe("record-as-text");
    expect(one("{{its}}", e).kind).toBe("record-as-text");
    expect(one("{{first its}}", e).help).toContain("{{json (first its)}}");
    expect(one("{{#each its}}{{this}}{{/each}}", e).kind).toBe("record-as-text");
    expect(one("{{{it}}}", { ...e, escape: "json" }).kind).toBe("record-as-text");
    expect(diags("{{it.sku}} {{json it}} {{#each its as |x|}}{{x.sku}}{{/each}} {{length its}}", e)).toEqual([]);
    expect(diags("{ \"item\": {{it}} }", { ...e, escape: "json" })).toEqual([]);
  });
  it("unknown-field with nothing close: no fix, and the help lists the fields there are", () => {
    const d = one("{{profile.zzzzzzzz}}");
    expect(d.fix).toBeUndefined();
    expect(d.help).toMatch(/^the fields of `profile` are `[a-zA-Z]+`(, `[a-zA-Z]+`)*$/);
    expect(one("{{zzzzzzzz}}").help).toMatch(/^the names here are `.+`/);
    expect(one("{{zzzzzzzz 1}}").help).toMatch(/^the helpers are `.+`, and \d+ more$/);
  });
  it("unknown-field on block params, nested records, lists and scalars", () => {
    expect(diags("{{#each recs as |p|}}{{p.nme}}{{/each}}")).toEqual([["unknown-field", "nme", "unknown field `nme` on `p`"]]);
    expect(diags("{{profile.loyalty.tierr}}")).toEqual([["unknown-field", "tierr", "unknown field `tierr` on `profile.loyalty`"]]);
    expect(diags("{{cart.items.sku}}")).toEqual([["unknown-field", "sku", "unknown field `sku` on `cart.items`"]]);
    expect(diags("{{profile.email.domain}}")).toEqual([["unknown-field", "domain", "unknown field `domain` on `profile.email`"]]);
    expect(diags("{{cart.items.length}} {{cart.items.0.name}}")).toEqual([]);
  });
  it("unknown-name, with suggestions from roots, block params and context fields", () => {
    const d = one("{{profle.email}}");
    expect(d).toMatchObject({ kind: "unknown-name", message: "unknown name `profle`", fix: { start: 2, end: 8, text: "profile" } });
    expect(one("{{#each recs as |prod|}}{{prd.name}}{{/each}}").fix?.text).toBe("prod");
    expect(one("{{#each cart.items}}{{nmae}}{{/each}}").fix?.text).toBe("name");
    expect(diags("{{@index}}")).toEqual([["unknown-name", "@index", "`@index` is only available inside `{{#each}}` or a section over a list"]]);
    expect(diags("{{constructor}}")).toEqual([["unknown-name", "constructor", "`constructor` is never readable in a template"]]);
  });
  it("unknown-helper, at the helper name, with a suggestion", () => {
    const src = "{{uper profile.email}}";
    const d = one(src);
    expect(d).toMatchObject({ kind: "unknown-helper", message: "unknown helper `uper`", start: 2, end: 6, fix: { text: "upper" } });
    expect(diags("{{#if (frobnicate 1)}}x{{/if}}")).toEqual([["unknown-helper", "frobnicate", "unknown helper `frobnicate`"]]);
  });
  it("helper-arity: missing arguments at the name, extra ones at the extras", () => {
    expect(diags("{{currency cart.total}}")).toEqual([["helper-arity", "currency", "`currency` takes 2 arguments but 1 was supplied"]]);
    expect(one("{{currency cart.total}}").help).toBe('usage: `currency amount code`');
    expect(diags("{{upper profile.email 'a' 'b'}}")).toEqual([["helper-arity", "'a' 'b'", "`upper` takes 1 argument but 3 were supplied"]]);
    expect(diags("{{and profile.email}}")).toEqual([["helper-arity", "and", "`and` takes at least 2 arguments but 1 was supplied"]]);
  });
  it("a misspelled word where one of a few goes: the closest, replaced inside its quotes", () => {
    const src = "{{date profile.lastActiveAt 'shrt'}}";
    const d = one(src);
    expect(d).toMatchObject({ kind: "helper-argument", help: "did you mean `short`?", fix: { text: "short", title: "replace with `short`" } });
    expect(src.slice(0, d.fix!.start) + d.fix!.text + src.slice(d.fix!.end)).toBe("{{date profile.lastActiveAt 'short'}}");
    // Nothing close: no fix.
    expect(one("{{date profile.lastActiveAt 'yearly'}}").fix).toBeUndefined();
  });

  it("helper-argument at the argument", () => {
    expect(diags("{{currency profile.email 'EUR'}}")).toEqual([["helper-argument", "profile.email", "`currency` expects `number` for `amount`, found `string`"]]);
    expect(diags("{{truncate profile.email 'ten'}}")).toEqual([["helper-argument", "'ten'", '`truncate` expects `int` for `length`, found `"ten"`']]);
    expect(diags("{{date profile.lastActiveAt 'yearly'}}")).toEqual([
      ["helper-argument", "'yearly'", '`date` expects `"short" | "medium" | "long" | "full" | "iso" | "time" | "datetime"` for `format`, found `"yearly"`'],
    ]);
    expect(diags("{{length profile.loyalty.points}}")).toEqual([["helper-argument", "profile.loyalty.points", "`length` expects `string | list<unknown>` for `value`, found `int`"]]);
  });
  it("helper-argument for a literal that rendering would refuse", () => {
    expect(diags("{{currency cart.total 'EURO'}}")).toEqual([["helper-argument", "'EURO'", '`currency`: `EURO` is not an ISO 4217 currency code such as "EUR" or "USD"']]);
    expect(diags("{{currency cart.total 'sek'}}")).toEqual([]);
    expect(diags("{{number cart.total 25}}")).toEqual([["helper-argument", "25", "`number`: decimals must be an integer from 0 to 20, not 25"]]);
    expect(diags("{{number cart.total 2}}")).toEqual([]);
  });
  it("not-a-list for #each", () => {
    expect(diags("{{#each profile.email as |x|}}{{x}}{{/each}}")).toEqual([["not-a-list", "profile.email", "`#each` expects a list, but `profile.email` is `string`"]]);
    expect(diags("{{#each profile.loyalty}}{{/each}}")).toEqual([["not-a-list", "profile.loyalty", "`#each` expects a list, but `profile.loyalty` is `{ tier: \"bronze\" | \"silver\" | \"gold\", points: int }`"]]);
  });
  it("unknown-partial with a suggestion", () => {
    const src = "{{> Foter}}";
    const d = one(src);
    expect(d).toMatchObject({ kind: "unknown-partial", message: "unknown fragment `Foter`", fix: { text: "Footer" } });
    expect(src.slice(d.start, d.end)).toBe("Foter");
  });
  it("raw-in-html is a warning in html content only, with a fix", () => {
    const src = "<p>{{{profile.email}}}</p>{{&unsubscribeUrl}}";
    const ds = checkTemplate(src, env()).diagnostics;
    expect(ds.map((d) => [d.kind, d.severity, src.slice(d.start, d.end), d.fix?.text])).toEqual([
      ["raw-in-html", "warning", "{{{profile.email}}}", "{{profile.email}}"],
      ["raw-in-html", "warning", "{{&unsubscribeUrl}}", "{{unsubscribeUrl}}"],
    ]);
    expect(checkTemplate(src, env("none")).diagnostics).toEqual([]);
    expect(checkTemplate(src, env("json")).diagnostics).toEqual([]);
  });
  it("reports every mistake once", () => {
    expect(diags("{{profile.frstName}} {{uper x}} {{#each profile.email}}{{/each}} {{> Nope}}").map((d) => d[0])).toEqual([
      "unknown-field",
      "unknown-name",
      "unknown-helper",
      "not-a-list",
      "unknown-partial",
    ]);
  });
});

describe("checker: values in HTML where escaping does not make them safe", () => {
  const e = env();
  /** The text under each `value-in-code` warning, and where it says the value is. */
  const inCode = (src: string, en = e) =>
    checkTemplate(src, en)
      .diagnostics.filter((d) => d.kind === "value-in-code")
      .map((d) => [src.slice(d.start, d.end), /^a value (?:in )?(.*) is not made safe|^fragment `\w+` writes a value (?:in )?(.*?), which/.exec(d.message)?.slice(1).find(Boolean)]);
  const x = "{{profile.email}}";

  it("event handlers: any case, quoted or not, after text, on SVG elements, with helper calls and raw tags", () => {
    const d = one(`<a href="/cart" onclick="track('${x}')">Cart</a>`);
    expect(d).toMatchObject({ kind: "value-in-code", severity: "warning", start: 32, end: 49 });
    expect(d.message).toBe("a value in event handler `onclick` is not made safe by escaping: the browser decodes the attribute before it runs the code (`&#39;` is `'` again)");
    expect(d.help).toContain("`data-…` attribute");
    expect(d.help).toContain("`{{json x}}`");
    expect(inCode(`<button onClick="go()" ONMOUSEOVER="f(${x})">`)).toEqual([[x, "event handler `onmouseover`"]]);
    expect(inCode(`<a onclick=${x}>`)).toEqual([[x, "event handler `onclick`"]]);
    expect(inCode(`<a onclick=go(${x}) title=t>`)).toEqual([[x, "event handler `onclick`"]]);
    expect(inCode(`<a onclick="var a = 1; f('{{profile.firstName}}', '${x}')">`)).toEqual([
      ["{{profile.firstName}}", "event handler `onclick`"],
      [x, "event handler `onclick`"],
    ]);
    expect(inCode(`<svg onload="f(${x})"><circle onclick="g(${x})"/></svg>`)).toEqual([
      [x, "event handler `onload`"],
      [x, "event handler `onclick`"],
    ]);
    expect(inCode(`<a onclick="f('{{upper profile.email}}')">`)).toEqual([["{{upper profile.email}}", "event handler `onclick`"]]);
    // Raw output there: this warning only, not also "raw output is not HTML-escaped" (escaping would not help).
    expect(diags(`<a onclick="f('{{{profile.email}}}')">`).map(([k]) => k)).toEqual(["value-in-code"]);
  });

  it("an attribute whose name a tag writes: a handler when the text starts it with `on`, maybe one when the text could begin one", () => {
    expect(inCode(`<a on{{profile.firstName}}="f(${x})">`)).toEqual([[x, "event handler `on…`"]]);
    expect(inCode(`<a {{profile.firstName}}="${x}">`)).toEqual([[x, "an attribute whose name a tag writes (`…`)"]]);
    expect(inCode(`<a st{{profile.firstName}}="${x}">`)).toEqual([[x, "an attribute whose name a tag writes (`st…`)"]]);
    expect(inCode(`<a data-{{profile.firstName}}="${x}" aria-{{profile.firstName}}=${x}>`)).toEqual([]);
    // A tag that writes a handler's name with fixed code is no value in code.
    expect(inCode(`<a on{{profile.firstName}}="track()">`)).toEqual([]);
  });

  it("names: an event handler is `on` and an event's name; other `on…` names of letters are named like one; `on-…` is none", () => {
    expect(inCode(`<a onpointerdown="${x}" ontouchstart="${x}" onanimationend="${x}"><svg><animate onbegin="${x}"/></svg>`).map(([, w]) => w)).toEqual([
      "event handler `onpointerdown`",
      "event handler `ontouchstart`",
      "event handler `onanimationend`",
      "event handler `onbegin`",
    ]);
    const d = one(`<my-widget one="${x}">`);
    expect(d.message).toBe(
      "a value in `one`, named like an event handler (`on` and an event's name) is not made safe by escaping: a browser that has such an event, or a custom element's script, runs it as code, decoded (`&#39;` is `'` again)",
    );
    expect(d.help).toContain("if it is no handler, name it `data-…`");
    expect(inCode(`<a only="${x}" online="${x}">`).map(([, w]) => w)).toEqual(["`only`, named like an event handler (`on` and an event's name)", "`online`, named like an event handler (`on` and an event's name)"]);
    // No browser runs a name with anything but letters after `on` (Polymer's `on-tap`, Svelte's `on:click`), nor `on` itself.
    expect(inCode(`<a on-tap="${x}" on:click="${x}" on="${x}" on_x="${x}">`)).toEqual([]);
  });

  it("JSON in a quoted event handler: escaped `{{json x}}` as a whole value is the safe form; raw, in quotes or unquoted it is not", () => {
    const j = "{{json profile.email}}";
    expect(diags(`<a onclick="track(${j}, {{json profile.firstName}})" onmouseover='f(${j})' data-x="1">`)).toEqual([]);
    expect(diags(`<a onclick="${j}"><a ononline="var a = ${j};">`)).toEqual([]);
    for (const bad of [`<a onclick="f('${j}')">`, `<a onclick='f("${j}")'>`, `<a onclick=f(${j})>`, `<a onclick="f({{{json profile.email}}})">`, `<a href="javascript:f(${j})">`]) {
      expect(inCode(bad).map(([v]) => v), bad).toHaveLength(1);
    }
  });

  it("srcdoc, style attributes, <style> and <script> (in SVG too)", () => {
    expect(inCode(`<iframe srcdoc="<p>${x}</p>"></iframe>`)).toEqual([[x, "`srcdoc`"]]);
    expect(inCode(`<p style="color: {{profile.firstName}}; background: url(${x})">`)).toEqual([
      ["{{profile.firstName}}", "a `style` attribute"],
      [x, "a `style` attribute"],
    ]);
    expect(inCode(`<style>.a { color: ${x} }</style><p class="a">`)).toEqual([[x, "`<style>`"]]);
    expect(inCode(`<script>var email = "${x}";</script>`)).toEqual([[x, "`<script>`"]]);
    expect(inCode(`<svg><script>f("${x}")</script><style>a{b:${x}}</style></svg>`)).toEqual([
      [x, "`<script>`"],
      [x, "`<style>`"],
    ]);
    const css = one(`<p style="color:${x}">`);
    expect(css.help).toContain("`{{#if}}`");
    expect(one(`<iframe srcdoc="${x}">`).help).toContain("`src`");
  });

  it("a value after a `javascript:`, `vbscript:` or HTML `data:` URL's text in a URL attribute, as browsers read the scheme", () => {
    const d = one(`<a href="javascript:track('${x}')">Cart</a>`);
    expect(d).toMatchObject({ kind: "value-in-code", severity: "warning" });
    expect(d.message).toBe("a value in a `javascript:` URL is not made safe by escaping: the browser decodes the attribute before it runs the URL as a script (`&#39;` is `'` again)");
    expect(d.help).toContain("`data-…` attribute");
    expect(inCode(`<a href=' \u0001 JaVa\tScRipt:f(${x})' title=${x}><form action=javascript:${x}{{profile.firstName}}>`)).toEqual([
      [x, "a `javascript:` URL"],
      [x, "a `javascript:` URL"],
      ["{{profile.firstName}}", "a `javascript:` URL"],
    ]);
    expect(inCode(`<a href="&#32;vbscript:msgbox(${x})">`)).toEqual([[x, "a `vbscript:` URL"]]);
    expect(inCode(`<iframe src="data:text/html,<p>${x}"></iframe><a href="DATA:Text/HTML;base64,${x}"><object data=" data: text/html ,${x}">`)).toEqual([
      [x, "a `data:text/html` URL"],
      [x, "a `data:text/html` URL"],
      [x, "a `data:text/html` URL"],
    ]);
    expect(one(`<iframe src="data:text/html,${x}">`).help).toContain("http(s) URL");
    // Character references are decoded, and tabs and line breaks dropped, before the URL is read.
    expect(
      inCode(`<a href="jav&#x61;script:${x}"><a href="&#106;avascript:${x}"><a href="java&#9;script:${x}"><a href="javascript&colon;${x}"><a href="&#0000106avascript&#x3a${x}">`).map(([, w]) => w),
    ).toEqual(Array(5).fill("a `javascript:` URL"));
    // Greedy digits (`&#x6Aa` is U+06AA), case (`&Colon;` is `∷`) and a space inside make no scheme.
    expect(inCode(`<a href="&#x6Aavascript:${x}"><a href="javascript&Colon;${x}"><a href="java&#32;script:${x}">`)).toEqual([]);
    // XML documents run scripts too (SVG's, and XHTML's in any XML); an image's source is loaded as an image, where none runs.
    expect(
      inCode(`<iframe src="data:image/svg+xml;utf8,<svg onload='${x}'>"></iframe><object data="data:text/xml,${x}"><a href="data:application/rss+xml,${x}"><embed src="data:text/xsl,${x}">`).map(([, w]) => w),
    ).toEqual(["a `data:image/svg+xml` URL", "a `data:text/xml` URL", "a `data:application/rss+xml` URL", "a `data:text/xsl` URL"]);
    expect(
      inCode(`<img src="data:image/svg+xml,<svg fill='${x}'>"><img srcset="data:image/svg+xml,${x}"><svg><image href="data:image/svg+xml,${x}"/></svg><a href="data:text/plain,${x}"><a href="data:image/svg,${x}">`),
    ).toEqual([]);
    // A value that starts the URL is scheme-checked at render instead; other schemes and attributes are not code.
    expect(
      inCode(
        `<a href="${x}javascript"><a href="https://x/?q=javascript:${x}"><img src="data:image/png;base64,${x}"><a href="java${x}script:${x}">` +
          `<a title="javascript:${x}" href="/">javascript:${x}<a href="javascript:void(0)" data-x="${x}">`,
      ),
    ).toEqual([]);
  });

  it("a refresh `<meta>`'s `content`: a value anywhere in it may write the URL the page goes to", () => {
    const d = one(`<meta http-equiv="refresh" content="0;url=${x}">`);
    expect(d.message).toBe("a value in a refresh `<meta>`'s `content` is not made safe by escaping: the page goes to the URL it holds, and a value anywhere in it (before `url=` too) may write that URL, with any scheme");
    expect(d.help).toContain("`<a href=");
    expect(inCode(`<META HTTP-EQUIV=Refresh content=${x}><meta http-equiv='refresh' content="{{profile.firstName}}; url=/">`)).toEqual([
      [x, "a refresh `<meta>`'s `content`"],
      ["{{profile.firstName}}", "a refresh `<meta>`'s `content`"],
    ]);
    expect(inCode(`<meta name="description" content="${x}"><meta http-equiv="refreshing" content="${x}"><meta http-equiv="refresh"><p title="${x}">`)).toEqual([]);
    // The tag is judged whole: `http-equiv` after `content`, written with a character reference, in a block, or by a tag.
    expect(inCode(`<meta content="0;url=${x}" http-equiv="refresh"><meta content='${x}' HTTP-EQUIV=&#82;efresh>`)).toEqual([
      [x, "a refresh `<meta>`'s `content`"],
      [x, "a refresh `<meta>`'s `content`"],
    ]);
    expect(inCode(`<meta content="${x}" {{#if profile.firstName}}http-equiv="refresh"{{/if}}><meta http-equiv="{{profile.firstName}}" content="${x}">`)).toEqual([
      [x, "a refresh `<meta>`'s `content`"],
      [x, "a refresh `<meta>`'s `content`"],
    ]);
    // Another tag's `http-equiv` says nothing of this one.
    expect(inCode(`<meta content="${x}" name="a"><meta http-equiv="refresh" content="1">`)).toEqual([]);
  });

  it("URLs that load code or move every relative URL, and SVG animations of a link's `href`", () => {
    expect(inCode(`<script src="${x}"></script><svg><script xlink:href="${x}"/></svg><link href="${x}" rel="stylesheet"><base href="${x}">`)).toEqual([
      [x, "at the start of a `<script>`'s `src`"],
      [x, "at the start of a `<script>`'s `xlink:href`"],
      [x, "at the start of a stylesheet `<link>`'s `href`"],
      [x, "at the start of a `<base>`'s `href`"],
    ]);
    expect(one(`<base href="${x}">`).help).toContain("in the template's text");
    // After text, the text has fixed where it loads from; other links are only scheme-checked.
    expect(inCode(`<script src="/app.js?v=${x}"></script><link rel="canonical" href="${x}"><link rel=icon href="${x}"><base href="https://shop.example/${x}">`)).toEqual([]);
    expect(inCode(`<svg><a><animate attributeName="href" values="${x}"/><set to="${x}" attributeName="xlink:href"/><animate attributeName="x" to="${x}"/></a></svg>`)).toEqual([
      [x, "`values` of an SVG animation of `href`"],
      [x, "`to` of an SVG animation of `href`"],
    ]);
  });

  it("foreign content: nested <svg>, <math>, HTML integration points, breakouts and CDATA", () => {
    expect(inCode(`<svg><svg></svg><style>a{b:${x}}</style></svg><svg><script><![CDATA[ f("${x}") ]]></script></svg>`)).toEqual([
      [x, "`<style>`"],
      [x, "`<script>`"],
    ]);
    // CDATA holds text in SVG (a quote in it opens no value); in HTML it is a bogus comment that ends at `>`.
    expect(inCode(`<svg><![CDATA[ x > <a title=" ]]><a onclick="${x}">`)).toEqual([[x, "event handler `onclick`"]]);
    // Inside `<foreignObject>` or after `<p>`, markup is HTML again: `<xmp>` is raw text there.
    expect(inCode(`<svg><foreignObject><xmp><a title="</xmp><a onclick="${x}"></foreignObject><p><xmp><a title="</xmp><a onclick="${x}">`)).toHaveLength(2);
  });

  it("a self-closing tag in SVG or MathML opens nothing; in HTML `<script/>` opens a script", () => {
    expect(inCode(`<svg><script/>${x}<style/>${x}</svg><math><style />${x}</math>`)).toEqual([]);
    expect(inCode(`<svg/><script>${x}</script>`)).toEqual([[x, "`<script>`"]]);
    expect(inCode(`<script/>${x}</script>`)).toEqual([[x, "`<script>`"]]);
    expect(inCode(`<svg><script / >${x}</script></svg>`)).toEqual([[x, "`<script>`"]]);
    // In an HTML integration point the slash is ignored again.
    expect(inCode(`<svg><desc><script/>${x}</script></desc></svg>`)).toEqual([[x, "`<script>`"]]);
  });

  it("JSON-LD is script content: `{{{json x}}}` is the safe form there (no warning, raw or not); anything else warns", () => {
    const ld = (v: string) => `<script type="application/ld+json">{"@type": "Order", "email": ${v}}</script>`;
    expect(diags(ld("{{{json profile.email}}}"))).toEqual([]);
    expect(diags(`<script>var email = {{{json profile.email}}};</script>`)).toEqual([]);
    expect(diags(`<script>\n  track({{{json profile.email}}}, [{{{json profile.firstName}}}])\n</script><script>{{{json profile.email}}}</script>`)).toEqual([]);
    // Inside a string literal JSON's own quotes end it: `x` = `+alert(1)+` would run.
    for (const quoted of [`var a = "{{{json profile.email}}}";`, `var a = '{{{json profile.email}}}';`, "var a = `Hi {{{json profile.email}}}`;", `f("Hi {{{json profile.email}}}")`]) {
      expect(inCode(`<script>${quoted}</script>`)).toEqual([["{{{json profile.email}}}", "`<script>`"]]);
    }
    expect(inCode(ld(`"${x}"`))).toEqual([[x, "`<script>`"]]);
    expect(inCode(ld("{{json profile.email}}"))).toEqual([["{{json profile.email}}", "`<script>`"]]);
    expect(inCode(ld("{{{profile.email}}}"))).toEqual([["{{{profile.email}}}", "`<script>`"]]);
    expect(one(ld(`"${x}"`)).help).toContain("{{{json x}}}");
    // Outside a script, raw JSON is still raw output in HTML.
    expect(diags(`<p data-x="{{{json profile.email}}}">`).map(([k]) => k)).toEqual(["raw-in-html"]);
  });

  it("no warning in text, in other attributes (`data-…` included), after a script ends, in comments, or outside HTML content", () => {
    expect(
      inCode(
        `<p title="${x}" data-email="${x}" data-onclick="${x}">${x} onclick="${x}"</p><a href="{{unsubscribeUrl}}">` +
          `<textarea>${x}</textarea><title>${x}</title><script src="/a.js"></script>${x}<style>a{}</style>${x}<!-- <script> -->${x}`,
      ),
    ).toEqual([]);
    for (const escape of ["none", "json"] as const) expect(inCode(`<a onclick="f('${x}')"><style>${x}</style>`, env(escape))).toEqual([]);
  });

  it("blocks: a value is in code if it is in any branch's place, or in a loop's next round", () => {
    expect(inCode(`{{#if profile.firstName}}<p style="color:{{else}}<p title="{{/if}}${x}">`)).toEqual([[x, "a `style` attribute"]]);
    expect(inCode(`{{#each profile.tags}}{{this}}<a onclick={{/each}}`)).toEqual([["{{this}}", "event handler `onclick`"]]);
    // Choosing among fixed styles with a block is the way out.
    expect(inCode(`<p style="color: {{#if profile.firstName}}red{{else}}blue{{/if}}">`)).toEqual([]);
  });

  it("fragments included in code: a warning at the include when they (or ones they include) write a value there", () => {
    const sources: Record<string, string> = { Css: ".a { color: red }", Color: ".a { color: {{profile.firstName}} }", Outer: "{{> Color}}", Self: "{{> Self}}", Button: `<a onclick="f(${x})">` };
    const fe: TemplateEnv = { ...e, partials: new Set(Object.keys(sources)), partialSource: (n) => sources[n] };
    expect(inCode("<style>{{> Css}}</style>", fe)).toEqual([]);
    expect(inCode("<style>{{> Color}}</style>", fe)).toEqual([["{{> Color}}", "`<style>`"]]);
    expect(inCode("<style>{{> Outer}}{{> Self}}</style>", fe)).toEqual([["{{> Outer}}", "`<style>`"]]);
    expect(checkTemplate("<style>{{> Color}}</style>", fe).diagnostics[0]!.message).toMatch(/^fragment `Color` writes a value in `<style>`, which escaping does not make safe: /);
    // In text, a fragment's values are checked by its own check, not at each include.
    expect(inCode("<p>{{> Button}}</p>", fe)).toEqual([]);
    expect(inCode(sources.Button!, fe)).toEqual([[x, "event handler `onclick`"]]);
  });
});

describe("checker: references", () => {
  it("lists every path that resolved to a root name, with segment spans and types", () => {
    const src = "{{profile.loyalty.tier}} {{#each cart.items as |line|}}{{line.name}}{{profile.firstName}}{{/each}} {{this.cart}}";
    const { references } = checkTemplate(src, env());
    expect(references.map((r) => [r.root, r.segments.map((s) => [s.name, src.slice(s.start, s.end), typeToString(s.type)])])).toEqual([
      [
        "profile",
        [
          ["profile", "profile", typeToString(profile)],
          ["loyalty", "loyalty", '{ tier: "bronze" | "silver" | "gold", points: int }'],
          ["tier", "tier", '"bronze" | "silver" | "gold"'],
        ],
      ],
      [
        "cart",
        [
          ["cart", "cart", "CartAbandoned"],
          ["items", "items", "list<LineItem>"],
        ],
      ],
      [
        "profile",
        [
          ["profile", "profile", typeToString(profile)],
          ["firstName", "firstName", "string?"],
        ],
      ],
      // At the root, `this.cart` reads the name `cart` as `cart` does.
      ["cart", [["cart", "cart", "CartAbandoned"]]],
    ]);
  });
  it("types after an optional stay optional; a bad segment ends the reference", () => {
    const src = "{{profile.address.city}} {{profile.nope.x}}";
    const { references } = checkTemplate(src, env());
    expect(references[0].segments.map((s) => typeToString(s.type))).toEqual([typeToString(profile), "{ city: string }?", "string?"]);
    expect(references[1].segments.map((s) => s.name)).toEqual(["profile"]);
  });
  it("names resolved against an element or a block parameter are not root references", () => {
    const { references } = checkTemplate("{{#each recs}}{{name}}{{/each}}{{#with profile as |p|}}{{p.email}}{{/with}}", env());
    expect(references.map((r) => r.root)).toEqual(["recs", "profile"]);
  });
});

describe("checker: narrowing", () => {
  /** The types the checker gives the parts of the path written at `needle` (its `n`-th occurrence). */
  function typesAt(src: string, needle: string, e: TemplateEnv = env(), n = 1): string[] {
    let at = -1;
    for (let i = 0; i < n; i++) at = src.indexOf(needle, at + 1);
    const p = checkTemplate(src, e).paths.find((x) => x.start === at);
    if (!p) throw new Error(`no path at ${needle}`);
    return p.types.map(typeToString);
  }
  const lines = record("Line", [field("sku", T.string), field("note", T.string, true)]);
  const withLines: TemplateEnv = { ...env(), lookup: (n) => (n === "lines" ? T.list(lines) : roots[n]), names: () => [...Object.keys(roots), "lines"] };

  it("`{{#if x}}` knows `x` (and the paths it goes through) is not null in its body, not in its `{{else}}` nor after it", () => {
    const src = "{{#if profile.address.city}}{{profile.address.city}}{{else}}{{profile.address.city}}{{/if}}{{profile.address.city}}";
    const P = typeToString(profile);
    expect(typesAt(src, "profile.address.city", env(), 2)).toEqual([P, "{ city: string }", "string"]);
    expect(typesAt(src, "profile.address.city", env(), 3)).toEqual([P, "{ city: string }?", "string?"]);
    expect(typesAt(src, "profile.address.city", env(), 4)).toEqual([P, "{ city: string }?", "string?"]);
  });

  it("`{{#unless x}}` knows it in its `{{else}}`; `not`, `and` and `or` combine", () => {
    expect(typesAt("{{#unless profile.firstName}}{{profile.firstName}}{{else}}{{profile.firstName}}{{/unless}}", "profile.firstName", env(), 2)).toEqual([typeToString(profile), "string?"]);
    expect(typesAt("{{#unless profile.firstName}}{{profile.firstName}}{{else}}{{profile.firstName}}{{/unless}}", "profile.firstName", env(), 3)).toEqual([typeToString(profile), "string"]);
    expect(typesAt("{{#if (not profile.firstName)}}x{{else}}{{profile.firstName}}{{/if}}", "profile.firstName", env(), 2)).toEqual([typeToString(profile), "string"]);
    expect(typesAt("{{#if (and profile.firstName profile.address)}}{{profile.address}}{{/if}}", "profile.address", env(), 2)).toEqual([typeToString(profile), "{ city: string }"]);
    // Either may be null when `or` is true; neither is when it is false.
    expect(typesAt("{{#if (or profile.firstName profile.address)}}{{profile.firstName}}{{/if}}", "profile.firstName", env(), 2)).toEqual([typeToString(profile), "string?"]);
    expect(typesAt("{{#if (or (not profile.firstName) (not profile.address))}}{{else}}{{profile.address.city}}{{/if}}", "profile.address.city")).toEqual([typeToString(profile), "{ city: string }", "string"]);
  });

  it("a block parameter, an element's field and `this.field` are narrowed as the value they read", () => {
    expect(typesAt("{{#each lines as |l|}}{{#if l.note}}{{l.note}}{{/if}}{{l.note}}{{/each}}", "l.note", withLines, 2)).toEqual(["Line", "string"]);
    expect(typesAt("{{#each lines as |l|}}{{#if l.note}}{{l.note}}{{/if}}{{l.note}}{{/each}}", "l.note", withLines, 3)).toEqual(["Line", "string?"]);
    expect(typesAt("{{#each lines}}{{#if this.note}}{{note}}{{/if}}{{/each}}", "note}}{{/if", withLines)).toEqual(["string"]);
    expect(typesAt("{{#each lines}}{{#if this.note}}{{this.note}} {{this}}{{/if}}{{/each}}", "this.note", withLines, 2)).toEqual(["Line", "string"]);
    // Another element's field is another value.
    expect(typesAt("{{#each lines}}{{#if note}}{{#each lines}}{{note}}{{/each}}{{/if}}{{/each}}", "note}}{{/each", withLines)).toEqual(["string?"]);
  });

  it("a name read from the context stack proves nothing of `this`: the renderer looks further out when the element lacks it", () => {
    // A null line, or one without a note, reads the note around the loop.
    const src = "{{#each lines}}{{#if note}}[{{this.note}}|{{this}}]{{/if}}{{/each}}";
    const outer: TemplateEnv = { ...env(), lookup: (n) => (n === "lines" ? T.list(T.optional(lines)) : n === "note" ? T.string : roots[n]), names: () => [...Object.keys(roots), "lines", "note"] };
    expect(renderTemplate(src, { lines: [null, { sku: "a" }], note: "outer" }, { escape: "none" })).toBe("[|][|[object Object]]");
    expect(typesAt(src, "this.note", outer)).toEqual(["Line?", "string?"]);
    expect(typesAt(src, "this}}", outer)).toEqual(["Line?"]);
    // The name itself is narrowed, as `{{#if note}}` read it.
    expect(typesAt("{{#each lines}}{{#if note}}{{note}}{{/if}}{{/each}}", "note}}{{/if", withLines)).toEqual(["string"]);
  });

  it("a field of a list element that may be null may be null: the renderer then reads the name further out", () => {
    const src = "{{#each lines}}[{{sku}}]{{#if this}}{{sku}}{{/if}}{{/each}}";
    const maybe: TemplateEnv = { ...env(), lookup: (n) => (n === "lines" ? T.list(T.optional(lines)) : roots[n]), names: () => [...Object.keys(roots), "lines"] };
    expect(renderTemplate(src, { lines: [null] }, { escape: "none" })).toBe("[]");
    expect(typesAt(src, "sku", maybe)).toEqual(["string?"]);
    expect(typesAt(src, "sku", maybe, 2)).toEqual(["string"]);
    expect(diags(src, maybe)).toEqual([]);
  });

  it("types `this` and `@index`: the element of the loop, its position", () => {
    const src = "{{#each cart.items}}{{this}} {{@index}} {{@first}}{{/each}}";
    expect(typesAt(src, "this")).toEqual(["LineItem"]);
    expect(typesAt(src, "@index")).toEqual(["int"]);
    expect(typesAt(src, "@first")).toEqual(["bool"]);
  });

  it("the environment's `nonNull` (the journey's null checks) narrows paths written from a root name", () => {
    const known: TemplateEnv = { ...env(), nonNull: (p) => p === "profile.firstName" };
    expect(typesAt("{{profile.firstName}}", "profile.firstName", known)).toEqual([typeToString(profile), "string"]);
    expect(typesAt("{{profile.firstName}}", "profile.firstName")).toEqual([typeToString(profile), "string?"]);
    // The value of a `{{#with}}` is a value of its own: a field read from it is not a path from a root name.
    expect(typesAt("{{#with profile}}{{firstName}}{{/with}}", "firstName", known)).toEqual(["string?"]);
  });

  it("narrowing changes no diagnostic: every path through an optional is already read safely", () => {
    const src = "{{#if profile.lastActiveAt}}{{profile.lastActiveAt}}{{/if}}{{#each lines as |l|}}{{#if l.note}}{{upper l.note}}{{/if}}{{/each}}";
    expect(diags(src, withLines)).toEqual(diags(src.replace(/\{\{#if [^}]*\}\}|\{\{\/if\}\}/g, ""), withLines));
  });
});
