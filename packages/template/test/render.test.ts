import { describe, expect, it } from "vitest";
import { TemplateError, TemplateRenderError, compileTemplate, escapeHtml, renderTemplate } from "../src/index.js";

describe("escape contexts", () => {
  const data = { s: `<a href="x">Tom & 'Jerry'</a> \`=`, n: 3, list: ["a", "b"], o: { k: "v" } };
  it("html escapes & < > \" ' ` = like Handlebars; triple and & are raw", () => {
    expect(renderTemplate("{{s}}", data)).toBe("&lt;a href&#x3D;&quot;x&quot;&gt;Tom &amp; &#x27;Jerry&#x27;&lt;/a&gt; &#x60;&#x3D;");
    expect(renderTemplate("{{{s}}}|{{&s}}", data)).toBe(`${data.s}|${data.s}`);
    expect(renderTemplate("{{n}} {{list}} {{o}} {{missing}} {{nul}} {{f}} {{t}}", { ...data, nul: null, f: false, t: true })).toBe("3 a,b [object Object]   false true");
  });
  it("none writes raw text", () => {
    expect(renderTemplate("{{s}}", data, { escape: "none" })).toBe(data.s);
  });
  it("json: inside a string literal the value is JSON-string-escaped, outside it is a JSON value", () => {
    const src = `{"title": "Hi {{name}}!", "n": {{n}}, "name": {{name}}, "items": {{json items}}, "raw": "{{json items}}", "none": {{missing}}, "c": {{currency n "EUR"}}}`;
    const out = renderTemplate(src, { name: 'Ana "A"\n\\ </script>', n: 3, items: [{ a: 1 }, "x"] }, { escape: "json" });
    expect(JSON.parse(out)).toEqual({
      title: 'Hi Ana "A"\n\\ </script>!',
      n: 3,
      name: 'Ana "A"\n\\ </script>',
      items: [{ a: 1 }, "x"],
      raw: '[{"a":1},"x"]',
      none: null,
      c: "€3.00",
    });
  });
  it("json: string state is tracked through escaped quotes, blocks and loops", () => {
    const src = `{"a": "say \\"{{x}}\\"", "list": [{{#each xs as |x|}}{{#if @index}}, {{/if}}{"v": {{x}}, "s": "{{x}}"}{{/each}}], "b": {{#if flag}}"{{x}}"{{else}}{{x}}{{/if}}}`;
    const out = renderTemplate(src, { x: 'q"', xs: [1, "two"], flag: true }, { escape: "json" });
    expect(JSON.parse(out)).toEqual({ a: 'say "q""', list: [{ v: 1, s: "1" }, { v: "two", s: "two" }], b: 'q"' });
  });
  it("json: a partial in a value is JSON; inside a string it is HTML (a fragment), escaped for the string", () => {
    const out = renderTemplate(`{"a": "{{> P}}", "b": {{> P}}}`, { x: 'q"' }, { escape: "json", partials: { P: "{{x}}" } });
    expect(JSON.parse(out)).toEqual({ a: "q&quot;", b: 'q"' });
    const legal = renderTemplate(`{"legal": "{{> Legal}}"}`, { who: "Shop <AB>" }, { escape: "json", partials: { Legal: '<p class="legal">\n  {{who}}\n</p>' } });
    expect(JSON.parse(legal)).toEqual({ legal: '<p class="legal">\n  Shop &lt;AB&gt;\n</p>' });
  });
});

describe("URL attributes in HTML content", () => {
  const UNSAFE = "about:invalid#journey-unsafe-url";
  const href = (url: unknown, src = '<a href="{{url}}">x</a>', partials?: Record<string, string>) => renderTemplate(src, { url }, { partials });
  it("a value starting an href with another scheme than http, https, mailto, tel or sms writes a URL that goes nowhere", () => {
    for (const url of [
      "javascript:alert(document.cookie)",
      "JaVaScRiPt:alert(1)",
      " \u0001\u001f javascript:alert(1)",
      "\n\tjavascript:alert(1)",
      "java\tscript:alert(1)",
      "java\nscr\ript:alert(1)",
      "vbscript:msgbox(1)",
      "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
      "data:image/png;base64,iVBOR",
      "file:///etc/passwd",
    ]) {
      expect(href(url), JSON.stringify(url)).toBe(`<a href="${UNSAFE}">x</a>`);
    }
  });
  it("safe and relative URLs are written as before, escaped", () => {
    for (const url of ["https://shop.example.com/p/1?a=1&b=2", "HTTP://x", "mailto:ana@example.com", "tel:+46 70 123", "SMS:+4670123?body=hi", "/cart", "#top", "?q=1", "p/1", "products.html", "", "&#106;avascript:alert(1)", "./x:y", "1:2", ":x"]) {
      expect(href(url), JSON.stringify(url)).toBe(`<a href="${escapeHtml(url)}">x</a>`);
    }
    expect(href(42)).toBe('<a href="42">x</a>');
    expect(href(null)).toBe('<a href="">x</a>');
  });
  it("single-quoted, unquoted and spaced attributes; other URL attributes and cases of the name", () => {
    const js = "javascript:alert(1)";
    expect(href(js, "<a href='{{url}}'>")).toBe(`<a href='${UNSAFE}'>`);
    expect(href(js, "<a href={{url}}>")).toBe(`<a href=${UNSAFE}>`);
    expect(href(js, '<a class="b"\n   HREF = " {{url}}">')).toBe(`<a class="b"\n   HREF = " ${UNSAFE}">`);
    expect(href(js, '<img alt="" src="{{url}}"/>')).toBe(`<img alt="" src="${UNSAFE}"/>`);
    expect(href(js, '<form action="{{url}}"><button formaction="{{url}}">')).toBe(`<form action="${UNSAFE}"><button formaction="${UNSAFE}">`);
    expect(href(js, '<td background="{{url}}"><svg><a xlink:href="{{url}}"><img data-src="{{url}}">')).toBe(
      `<td background="${UNSAFE}"><svg><a xlink:href="${UNSAFE}"><img data-src="${UNSAFE}">`,
    );
    // An attribute whose name a tag writes could be any: its value is checked.
    expect(renderTemplate('<a {{name}}="{{url}}" data-{{k}}={{url}} title="{{url}}">', { name: "href", k: "x", url: js })).toBe(`<a href="${UNSAFE}" data-x=${UNSAFE} title="${js}">`);
    expect(href(js, '<{{tag}} href="{{url}}">')).toBe(`< href="${UNSAFE}">`);
    // Outlook's buttons: markup inside a conditional comment is checked too.
    expect(href(js, '<!--[if mso]><v:roundrect href="{{url}}"><![endif]-->')).toBe(`<!--[if mso]><v:roundrect href="${UNSAFE}"><![endif]-->`);
  });
  it("helper calls and raw values are checked; raw values with a character reference before the scheme too", () => {
    expect(href("JavaScript:x", '<a href="{{lower url}}">')).toBe(`<a href="${UNSAFE}">`);
    expect(href(null, "<a href=\"{{default url 'javascript:x'}}\">")).toBe(`<a href="${UNSAFE}">`);
    expect(href("javascript:x", '<a href="{{{url}}}">|<a href="{{& url}}">')).toBe(`<a href="${UNSAFE}">|<a href="${UNSAFE}">`);
    expect(href("&#106;avascript:alert(1)", '<a href="{{{url}}}">')).toBe(`<a href="${UNSAFE}">`);
    expect(href("https://x/?a=1&b=2", '<a href="{{{url}}}">')).toBe('<a href="https://x/?a=1&b=2">');
  });
  it("only the start of the value: a value after text in it, other attributes and text are escaped only", () => {
    const js = "javascript:alert(1)";
    expect(href(js, '<a href="https://x/{{url}}">')).toBe('<a href="https://x/javascript:alert(1)">');
    expect(href(js, '<a href="/p?next={{url}}">')).toBe('<a href="/p?next=javascript:alert(1)">');
    expect(href(js, '<a title="{{url}}" href="/">{{url}}</a>')).toBe(`<a title="${js}" href="/">${js}</a>`);
    expect(href(js, "<p>href={{url}} <a href=\"/\">{{url}}</a>")).toBe(`<p>href=${js} <a href="/">${js}</a>`);
    expect(href(js, "<style>a[href='x']{}</style><script>if (a<b) x = '<a href=\"';</script>{{url}}")).toContain(`</script>${js}`);
  });
  it("every value before any text in the value is checked; blocks and loops keep the context", () => {
    expect(renderTemplate('<a href="{{a}}{{b}}">', { a: "", b: "javascript:x" })).toBe(`<a href="${UNSAFE}">`);
    expect(renderTemplate('<a href="{{a}}/{{b}}">', { a: "", b: "javascript:x" })).toBe('<a href="/javascript:x">');
    const branchy = '<a href="{{#if vip}}https://vip.example/{{/if}}{{url}}">';
    expect(renderTemplate(branchy, { vip: false, url: "javascript:x" })).toBe(`<a href="${UNSAFE}">`);
    expect(renderTemplate("{{#each ps as |p|}}<a href='{{p}}'>{{p}}</a>{{/each}}", { ps: ["/a", "javascript:x"] })).toBe(`<a href='/a'>/a</a><a href='${UNSAFE}'>javascript:x</a>`);
  });
  it("the scan ends comments, bogus comments and raw text where a browser does", () => {
    const js = "javascript:alert(1)";
    const after = (prefix: string) => expect(href(js, `${prefix}<a href="{{url}}">`), prefix).toBe(`${prefix}<a href="${UNSAFE}">`);
    // What the markup inside a comment leaves open ends with it.
    after('<!-- <a title="-->');
    after("<!-- <script> -->");
    after("<!--<title>--!>");
    // `<!…>`, `<?…>` and `</ …>` hold no markup.
    after('<!x <a title=">');
    after('<?xml <a title="?>');
    after('</ <a title=">');
    // Raw text elements beyond script/style/textarea/title.
    after('<xmp><a title="</xmp>');
    after('<iframe><a title="</iframe>');
    after('<noembed><a title="</noembed>');
    // Only `</script` then white space, `/` or `>` ends a script.
    after('<script>s = "</scripts>"; t = \'<a title="\';</script>');
    // In SVG and MathML, <title> and <style> hold markup.
    expect(href(js, '<svg><title><a href="{{url}}">x</a></title><style><a href="{{url}}"></style></svg>')).toBe(
      `<svg><title><a href="${UNSAFE}">x</a></title><style><a href="${UNSAFE}"></style></svg>`,
    );
    expect(href(js, "</svg><title>{{url}}</title>")).toBe(`</svg><title>${js}</title>`);
    // A self-closing `<svg/>` opens no SVG: its `<title>` is raw text. In HTML, `<script/>` opens a script.
    expect(href(js, '<svg/><title><a href="{{url}}"></title><script/><a href="{{url}}"></script>')).toBe(`<svg/><title><a href="${js}"></title><script/><a href="${js}"></script>`);
    expect(href(js, '<svg><title/><a href="{{url}}"></svg>')).toBe(`<svg><title/><a href="${UNSAFE}"></svg>`);
    // An inner `<svg>` closed leaves the outer one open: its `<title>` still holds markup.
    expect(href(js, '<svg><svg></svg><title><a href="{{url}}">x</a></title></svg>')).toBe(`<svg><svg></svg><title><a href="${UNSAFE}">x</a></title></svg>`);
  });
  it("a value that may end a tag's name, and character references to white space at a URL's start", () => {
    const js = "javascript:alert(1)";
    expect(renderTemplate('<a{{x}}="{{url}}">', { x: " href", url: js })).toBe(`<a href="${UNSAFE}">`);
    expect(href(js, '<a href="&#32;{{url}}">|<a href="&#x09;&NewLine;&Tab;{{url}}">')).toBe(`<a href="&#32;${UNSAFE}">|<a href="&#x09;&NewLine;&Tab;${UNSAFE}">`);
    expect(href(js, '<a href="&#x2F;{{url}}">|<a href="&nbsp;{{url}}">')).toBe(`<a href="&#x2F;${js}">|<a href="&nbsp;${js}">`);
  });
  it("branches ending in different places: a tag is checked if it starts a URL after either; a loop's body runs again from its end", () => {
    const js = "javascript:alert(1)";
    expect(renderTemplate("{{#if a}}<b>{{else}}<a href={{/if}}{{url}}>", { a: false, url: js })).toBe(`<a href=${UNSAFE}>`);
    expect(renderTemplate("{{#if a}}<a title=\"{{else}}<a href='{{/if}}{{url}}{{#if a}}\"{{else}}'{{/if}}>", { a: false, url: js })).toBe(`<a href='${UNSAFE}'>`);
    expect(renderTemplate('{{#unless a}}<b>{{else}}<a href="{{/unless}}{{url}}', { a: true, url: js })).toBe(`<a href="${UNSAFE}`);
    expect(renderTemplate("{{#each xs}}{{this}}<a href={{/each}}>", { xs: ["x", js] })).toBe(`x<a href=${UNSAFE}<a href=>`);
    expect(renderTemplate("{{#xs}}{{.}}<a href={{/xs}}>", { xs: ["x", js] })).toBe(`x<a href=${UNSAFE}<a href=>`);
    // Balanced branches and bodies collapse back to one place: text after them is escaped only.
    expect(renderTemplate('{{#each xs}}<a href="{{this}}">{{this}}</a>{{/each}}{{url}}', { xs: [js], url: js })).toBe(`<a href="${UNSAFE}">${js}</a>${js}`);
    // A body that never settles (ever longer tag names) leaves the HTML nowhere known: it
    // compiles (the compiler accepted it), and every value from there on is checked.
    expect(renderTemplate("<a{{#each xs}}b{{/each}} x={{url}}>{{url}}", { xs: [1, 2], url: js })).toBe(`<abb x=${UNSAFE}>${UNSAFE}`);
  });
  it("fragments compile from where they are included", () => {
    const js = "javascript:alert(1)";
    expect(href(js, '<a href="{{> U}}">{{> U}}', { U: "{{url}}" })).toBe(`<a href="${UNSAFE}">${js}`);
    expect(href(js, "<p>{{> Link}}</p>", { Link: '<a href="{{url}}">x</a>' })).toBe(`<p><a href="${UNSAFE}">x</a></p>`);
  });
  it("text and JSON content are not HTML: written as before", () => {
    const js = "javascript:alert(1)";
    expect(renderTemplate('<a href="{{url}}">', { url: js }, { escape: "none" })).toBe(`<a href="${js}">`);
    expect(JSON.parse(renderTemplate('{"html": "<a href=\\"{{url}}\\">"}', { url: js }, { escape: "json" }))).toEqual({ html: `<a href="${js}">` });
    // A fragment inside a JSON string renders as HTML: its URLs are checked.
    const legal = renderTemplate('{"legal": "{{> L}}"}', { url: js }, { escape: "json", partials: { L: '<a href="{{url}}">x</a>' } });
    expect(JSON.parse(legal)).toEqual({ legal: `<a href="${UNSAFE}">x</a>` });
  });
});

describe("blocks and sections", () => {
  const r = (src: string, data: unknown, partials?: Record<string, string>) => renderTemplate(src, data, { escape: "none", partials });
  it("each with block params, @index/@first/@last and else", () => {
    const src = "{{#each xs as |x i|}}{{#if @first}}[{{/if}}{{i}}={{x.n}}{{#if @last}}]{{else}}, {{/if}}{{else}}none{{/each}}";
    expect(r(src, { xs: [{ n: "a" }, { n: "b" }, { n: "c" }] })).toBe("[0=a, 1=b, 2=c]");
    expect(r(src, { xs: [] })).toBe("none");
    expect(r(src, {})).toBe("none");
    expect(r(src, { xs: "not a list" })).toBe("none");
  });
  it("each without params pushes the element; outer names stay visible; `this`", () => {
    expect(r("{{#each xs}}{{this}}{{sep}}{{/each}}", { xs: [1, 2], sep: ";" })).toBe("1;2;");
    expect(r("{{#each xs}}{{name}}@{{shop}} {{/each}}", { xs: [{ name: "a" }, { name: "b", shop: "B" }], shop: "S" })).toBe("a@S b@B ");
  });
  it("nested block params resolve to the right frame and shadow data", () => {
    const src = "{{#each rows as |row r|}}{{#each row.cells as |c|}}{{r}}{{c}}{{row.id}}{{x}} {{/each}}{{/each}}";
    expect(r(src, { rows: [{ id: "A", cells: ["1", "2"] }, { id: "B", cells: ["3"] }], x: "!", r: "shadowed" })).toBe("0" + "1A! 02A! 13B! ");
  });
  it("with, with as, with else", () => {
    expect(r("{{#with p}}{{name}}{{/with}}|{{#with p as |q|}}{{q.name}}{{/with}}|{{#with nope}}x{{else}}y{{/with}}", { p: { name: "N" } })).toBe("N|N|y");
  });
  it("if / unless / else if chains", () => {
    const src = "{{#if a}}A{{else if b}}B{{else unless c}}notC{{else}}C{{/if}}";
    expect(r(src, { a: 1 })).toBe("A");
    expect(r(src, { b: 1 })).toBe("B");
    expect(r(src, {})).toBe("notC");
    expect(r(src, { c: 1 })).toBe("C");
    expect(r("{{#unless a}}no{{else}}yes{{/unless}}", { a: [] })).toBe("no");
  });
  it("Mustache sections: lists, objects, true, falsy values, else", () => {
    expect(r("{{#xs}}({{.}}){{/xs}}", { xs: [1, 2] })).toBe("(1)(2)");
    expect(r("{{#o}}{{k}}{{/o}}", { o: { k: "v" } })).toBe("v");
    expect(r("{{#t}}{{k}}{{/t}}", { t: true, k: "outer" })).toBe("outer");
    expect(r("{{#z}}x{{else}}none{{/z}}|{{^z}}inv{{/z}}", { z: 0 })).toBe("none|inv");
  });
  it("standalone block tags leave no blank lines", () => {
    const src = "<ul>\n  {{#each xs as |x|}}\n  <li>{{x}}</li>\n  {{else}}\n  <li>none</li>\n  {{/each}}\n</ul>\n";
    expect(r(src, { xs: [1, 2] })).toBe("<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
    expect(r(src, {})).toBe("<ul>\n  <li>none</li>\n</ul>\n");
  });
  it("standalone partials are indented line by line", () => {
    expect(r("<div>\n  {{> P}}\n</div>", {}, { P: "<p>a</p>\n<p>b</p>\n" })).toBe("<div>\n  <p>a</p>\n  <p>b</p>\n</div>");
  });
  it("set delimiters", () => {
    expect(r("{{=<% %>=}}<% x %> {{x}} <%={{ }}=%>{{x}}", { x: 1 })).toBe("1 {{x}} 1");
  });
  it("literals", () => {
    expect(r("{{default missing 'it\\'s'}}|{{default missing \"d\"}}|{{default missing -1.5}}|{{#if true}}t{{/if}}{{#if null}}n{{/if}}", {})).toBe("it's|d|-1.5|t");
    expect(r("{{default missing 'a}}b'}}", {})).toBe("a}}b");
  });
  it("compiles once and renders many times with different data and options", () => {
    const t = compileTemplate("Hi {{name}}{{> F}}", { partials: { F: "!" } });
    expect(t({ name: "A" })).toBe("Hi A!");
    expect(t({ name: "B" }, { partials: { F: "?" } })).toBe("Hi B?");
  });
  it("a missing partial renders empty (Mustache spec)", () => {
    expect(r("[{{> nope}}]", {})).toBe("[]");
  });
  it("syntax errors throw a TemplateError with offsets", () => {
    for (const [src, start] of [
      ["ab {{foo}", 3],
      ["{{#a}}x{{/b}}", 7],
      ["{{#a}}x", 0],
      ["x{{else}}", 1],
    ] as const) {
      try {
        compileTemplate(src);
        expect.unreachable(src);
      } catch (e) {
        expect(e).toBeInstanceOf(TemplateError);
        expect((e as TemplateError).start).toBe(start);
      }
    }
  });
});

describe("safety", () => {
  const r = (src: string, data: unknown, opts = {}) => renderTemplate(src, data, { escape: "none", ...opts });
  it("never reads inherited members, __proto__, constructor or prototype", () => {
    expect(r("[{{toString}}{{constructor}}{{__proto__}}{{hasOwnProperty}}{{valueOf}}]", {})).toBe("[]");
    expect(r("[{{o.constructor.name}}{{o.__proto__.x}}{{xs.constructor}}{{xs.map}}{{s.length}}]", { o: {}, xs: [], s: "abc" })).toBe("[]");
    const own = JSON.parse('{"__proto__": {"x": "polluted"}, "constructor": "c", "prototype": "p"}');
    expect(r("[{{__proto__.x}}{{constructor}}{{prototype}}{{#__proto__}}{{x}}{{/__proto__}}]", own)).toBe("[]");
    class Secret {
      get leaked() {
        return "inherited getter";
      }
    }
    expect(r("[{{s.leaked}}]", { s: new Secret() })).toBe("[]");
    expect(r("{{json o}}", { o: Object.create({ inherited: 1 }) })).toBe("{}");
  });
  it("never calls functions found in data", () => {
    let called = 0;
    const f = () => {
      called++;
      return "called";
    };
    const data = { f, o: { f, toString: f, valueOf: f, toJSON: f }, xs: [f], g: Object.assign(() => "x", { y: 1 }) };
    expect(r("[{{f}}{{o.f}}{{#f}}s{{/f}}{{#each xs}}{{this}}{{/each}}{{o}}{{g.y}}{{upper o}}{{json o}}{{#with f}}w{{/with}}{{default f 'd'}}]", data)).toBe(
      "[[object Object][OBJECT OBJECT]{}d]",
    );
    expect(r("{{.}}", f)).toBe("");
    expect(called).toBe(0);
  });
  it("a partial that includes itself stops at maxPartialDepth", () => {
    expect(() => r("{{> loop}}", {}, { partials: { loop: "x{{> loop}}" } })).toThrow(TemplateRenderError);
    expect(() => r("{{> loop}}", {}, { partials: { loop: "x{{> loop}}" } })).toThrow(/partials nested deeper than 32 levels/);
    expect(() => r("{{> a}}", {}, { partials: { a: "{{> b}}", b: "{{> a}}" }, maxPartialDepth: 5 })).toThrow(/deeper than 5/);
    // Recursion bounded by data is fine.
    const tree = { n: "1", kids: [{ n: "2", kids: [{ n: "3", kids: [] }] }] };
    expect(r("{{> node}}", tree, { partials: { node: "{{n}}({{#each kids}}{{> node}}{{/each}})" } })).toBe("1(2(3()))");
  });
  it("output beyond maxOutputLength throws instead of growing", () => {
    const data = { xs: Array.from({ length: 100 }, (_, i) => i), big: "x".repeat(1000) };
    expect(() => r("{{#each xs}}{{big}}{{/each}}", data, { maxOutputLength: 50_000 })).toThrow(/exceeds the limit of 50000 characters/);
    expect(r("{{#each xs}}{{big}}{{/each}}", data).length).toBe(100_000);
    expect(() => r("{{big}}", data, { maxOutputLength: 10 })).toThrow(TemplateRenderError);
    // Exponential partials: doubling per level is caught long before it finishes.
    const partials: Record<string, string> = { p20: "0123456789" };
    for (let i = 0; i < 20; i++) partials[`p${i}`] = `{{> p${i + 1}}}{{> p${i + 1}}}`;
    expect(() => r("{{> p0}}", {}, { partials })).toThrow(/exceeds the limit/);
  });
  it("work without output is bounded too (maxSteps)", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const start = Date.now();
    expect(() => r("{{#xs}}{{#xs}}{{#xs}}{{#xs}}{{/xs}}{{/xs}}{{/xs}}{{/xs}}", { xs })).toThrow(/limit of 1000000 steps/);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(() => r("{{#xs}}{{#xs}}{{/xs}}{{/xs}}", { xs }, { maxSteps: 1000 })).toThrow(TemplateRenderError);
  });
  it("the renderer does not use eval or new Function", async () => {
    const { readFileSync } = await import("node:fs");
    for (const f of ["render.ts", "helpers.ts", "values.ts", "parse.ts"]) {
      const src = readFileSync(new URL(`../src/${f}`, import.meta.url), "utf8");
      expect(src).not.toMatch(/\beval\(|new Function\(/);
    }
  });
});

describe("a tag is standalone only when nothing but white space and the line's end follow it", () => {
  // Found by a differential fuzz against Handlebars 4.7.8 and mustache.js 4.2.0, which agree.
  it.each([
    ["{{#if o}} {{/if}}", { o: 1 }, " "],
    ["{{#each xs}} {{/each}}", { xs: [1, 2] }, "  "],
    ["Items:\n{{#each xs}} {{.}}{{/each}}", { xs: [1, 2] }, "Items:\n 1 2"],
    ["{{!-- a}} b --}}\t{{t}}", { t: "T" }, "\tT"],
  ] as [string, Record<string, unknown>, string][])("%j", (src, data, expected) => {
    expect(renderTemplate(src, data, { escape: "none" })).toBe(expected);
  });
});

describe("whitespace control (`{{~`, `~}}`), as Handlebars 4.7 renders it", () => {
  // Each expectation was rendered by handlebars 4.7.8 from the same template and data.
  const cases: [string, Record<string, unknown>, string][] = [
    ["a  {{~x~}}  b", { x: "X" }, "aXb"],
    ["{{#if x~}}\n  y\n{{~/if}}!", { x: 1 }, "y!"],
    ["<ul>\n  {{~#each xs~}}\n  <li>{{this}}</li>\n  {{~/each~}}\n</ul>", { xs: [1, 2] }, "<ul><li>1</li><li>2</li></ul>"],
    ["a {{~{h}~}} b", { h: "<i>" }, "a<i>b"],
    ["a {{~! c ~}} b", {}, "ab"],
    ["a {{~!-- c --~}} b", {}, "ab"],
    ["{{#if f}}x{{~else~}}  y  {{/if}}", { f: false }, "y  "],
    ["a {{~> P ~}} b", {}, "a[p]b"],
    ["{{#each xs}}\n  {{~this}}\n{{/each}}", { xs: [1, 2] }, "1\n2\n"],
    [" {{~#if x}}\n a \n{{/if~}} ", { x: 1 }, " a \n"],
    // `~` takes the indentation before a standalone partial: none is left to indent it with.
    ["a\n  {{~> P}}\n", {}, "a[p]"],
    ["a{{! c ~}}\n  {{> P}}\nb", {}, "a[p]b"],
  ];
  it.each(cases)("%j", (src, data, expected) => {
    expect(renderTemplate(src, data, { partials: { P: "[p]" } })).toBe(expected);
  });
  it("a `~` elsewhere is still a syntax error", () => {
    expect(() => renderTemplate("{{ ~x}}", {})).toThrow(TemplateError);
  });
});
