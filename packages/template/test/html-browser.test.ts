/**
 * The compile-time HTML scan (html.ts) against a browser's reading of the rendered HTML:
 * parse5 implements the WHATWG tokenizer and tree builder (character references, foreign
 * content, raw text). Each template is rendered with a distinct marker for each value; where
 * the parser finds a marker says what a browser does with the value there, and the scan must
 * have said as much: code (`codePlace`) where the browser runs it, a checked URL start
 * (`atUrlStart`) where it starts a URL.
 */
import { parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import type { MustacheNode } from "../src/ast.js";
import { HTML_TEXT, atUrlStart, codePlace, htmlPlaces } from "../src/html.js";
import { parseTemplate } from "../src/parse.js";
import { renderTemplate } from "../src/render.js";

type Verdict = "code" | "url-start" | "inert";

interface Node {
  nodeName: string;
  tagName?: string;
  namespaceURI?: string;
  attrs?: { name: string; value: string; prefix?: string }[];
  value?: string;
  data?: string;
  childNodes?: Node[];
  content?: Node;
}

const URL_ATTRS = new Set(["href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset"]);

/** The URL text before `at` in attribute value `v` as the URL parser reads it (leading C0 and spaces, tabs and line breaks dropped), lower case. */
function urlBefore(v: string, at: number): string {
  return v
    .slice(0, at)
    .replace(/^[\u0000-\u0020]+/, "")
    .replace(/[\t\n\r]/g, "")
    .toLowerCase();
}

/** What a browser does with marker `m` in the parsed tree: the strongest place it occurs in. */
function browserVerdicts(html: string, markers: string[]): Map<string, Verdict> {
  const out = new Map<string, Verdict>(markers.map((m) => [m, "inert"]));
  const rank = { inert: 0, "url-start": 1, code: 2 } as const;
  const note = (m: string, v: Verdict) => {
    if (rank[v] > rank[out.get(m)!]) out.set(m, v);
  };
  const visit = (n: Node, parent: Node | null) => {
    for (const a of n.attrs ?? []) {
      const name = (a.prefix ? `${a.prefix}:` : "") + a.name.toLowerCase();
      for (const m of markers) {
        const at = a.value.indexOf(m);
        if (at < 0) continue;
        const before = urlBefore(a.value, at);
        const refresh = n.tagName === "meta" && name === "content" && n.attrs!.some((b) => b.name === "http-equiv" && b.value.toLowerCase() === "refresh");
        if (/^on[a-z]+$/.test(name) || name === "style" || name === "srcdoc" || refresh) note(m, "code");
        else if (URL_ATTRS.has(a.name) && (/^(javascript|vbscript):/.test(before) || /^data:\s*(text\/html|image\/svg\+xml)\s*[,;]/.test(before))) note(m, "code");
        else if (URL_ATTRS.has(a.name) && before === "") note(m, "url-start");
      }
    }
    if (n.nodeName === "#text" && parent && (parent.tagName === "script" || parent.tagName === "style")) {
      for (const m of markers) if (n.value!.includes(m)) note(m, "code");
    }
    for (const c of n.childNodes ?? []) visit(c, n);
    if (n.content) visit(n.content, n);
  };
  visit(parseFragment(html) as unknown as Node, null);
  return out;
}

/** The scan's verdict on each value of `src` (written `{{v0}}`, `{{v1}}`, …), and the browser's on the rendered HTML. */
function verdicts(src: string): { scan: Verdict[]; browser: Verdict[]; html: string } {
  const { nodes } = parseTemplate(src);
  const places = htmlPlaces(nodes, HTML_TEXT);
  const values = [...places.keys()].filter((n): n is MustacheNode => n.kind === "mustache");
  const data: Record<string, string> = {};
  values.forEach((_, i) => (data[`v${i}`] = `qz${i}zq`));
  const scan = values.map((n): Verdict => {
    const c = places.get(n)!;
    return codePlace(c) ? "code" : atUrlStart(c) ? "url-start" : "inert";
  });
  const html = renderTemplate(src, data);
  const b = browserVerdicts(
    html,
    values.map((_, i) => data[`v${i}`]!),
  );
  return { scan, browser: values.map((_, i) => b.get(data[`v${i}`]!)!), html };
}

/** Every value the browser runs as code the scan says is code; every URL start it checks (or warns of). */
function expectCovered(src: string) {
  const { scan, browser, html } = verdicts(src);
  browser.forEach((v, i) => {
    const s = scan[i]!;
    const covered = v === "inert" || s === "code" || (v === "url-start" && s === "url-start");
    expect(covered, `{{v${i}}} in ${JSON.stringify(src)}: the browser reads it as ${v}, the scan as ${s} (${html})`).toBe(true);
  });
  return { scan, browser };
}

describe("the HTML scan against a browser's parser", () => {
  it("character references and white space before a scheme, as the browser decodes them", () => {
    for (const src of [
      `<a href="jav&#x61;script:f({{v0}})">`,
      `<a href="&#106;avascript:{{v0}}">`,
      `<a href="&#0000106avascript&#x3a{{v0}}">`,
      `<a href=" javascript:{{v0}}">`,
      `<a href="java&#9;script:{{v0}}">`,
      `<a href="java&Tab;scr&NewLine;ipt&colon;{{v0}}">`,
      `<a href="&#x20;&#1;javascript:{{v0}}">`,
      `<a href="JAVA&#X53;CRIPT:{{v0}}">`,
    ]) {
      expect(expectCovered(src).browser, src).toEqual(["code"]);
    }
    // Greedy digits make another character; `&Colon;` is `∷`, not `:`: no script there.
    for (const src of [`<a href="&#x6Aavascript:{{v0}}">`, `<a href="javascript&Colon;{{v0}}">`, `<a href="java&#32;script:{{v0}}">`]) {
      expect(verdicts(src).browser, src).toEqual(["inert"]);
      expect(verdicts(src).scan, src).toEqual(["inert"]);
    }
  });

  it("a refresh <meta> is judged on the whole tag", () => {
    expect(expectCovered(`<meta content="0;url={{v0}}" http-equiv="refresh">`).scan).toEqual(["code"]);
    expect(expectCovered(`<meta content="{{v0}}" HTTP-EQUIV="&#82;efresh"><meta content="{{v1}}" name="x">`).scan).toEqual(["code", "inert"]);
  });

  it("foreign content: nested <svg>, <math>, CDATA, integration points", () => {
    for (const src of [
      `<svg><svg></svg><title><a href="{{v0}}">x</a></title></svg>`,
      `<svg><svg><svg></svg></svg><style>a{b:{{v0}}}</style></svg>`,
      `<svg><math></math><script>f({{v0}})</script></svg>`,
      `<math><svg></svg><mi><a href="{{v0}}">x</a></mi></math>`,
      `<svg><script><![CDATA[ f("{{v0}}") ]]></script></svg>`,
      `<svg><![CDATA[ x > <a title=" ]]><a onclick="{{v0}}">`,
      `<svg><foreignObject><svg></svg><a href="{{v0}}">x</a></foreignObject></svg>`,
      `<svg></svg></svg><xmp><a href="{{v0}}"></xmp><a onclick="{{v1}}">`,
      // HTML integration points and breakouts: HTML again, where `<xmp>` and `<textarea>` are raw text.
      `<svg><p><xmp><a title="</xmp><a href="{{v0}}">`,
      `<svg><foreignObject><xmp><a title="</xmp><a href="{{v0}}">`,
      `<math><annotation-xml encoding="text/html"><xmp><a title="</xmp><a href="{{v0}}">`,
      `<math><annotation-xml><svg><title><xmp><a title="</xmp><a href="{{v0}}">`,
      `<svg></p><textarea><a title="</textarea><a href="{{v0}}">`,
      `<svg><img><textarea><a title="</textarea><a href="{{v0}}">`,
      `<math><mi><textarea><a title="</textarea><a href="{{v0}}">`,
      `<svg><font color=red><textarea><a title="</textarea><a href="{{v0}}">`,
      `<svg><font><title><a href="{{v0}}"></title></font></svg>`,
      `<svg><title><title></title><a href="{{v0}}"></title><title><a href="{{v1}}">`,
      `<math><svg><title><textarea><a href="{{v0}}"></textarea></title></svg></math>`,
      `<svg><desc><script/>{{v0}}</script></desc></svg>`,
    ]) {
      expectCovered(src);
    }
    expect(verdicts(`<svg><svg></svg><title><a href="{{v0}}">x</a></title></svg>`).scan).toEqual(["url-start"]);
  });

  it("what was tried to slip a value past the scan (see docs/language.md, J4015)", () => {
    for (const src of [
      `<A HREF="JavaScript:{{v0}}" ONCLICK={{v1}}>`,
      `<a href = 'javascript:{{v0}}'>`,
      `<a href=javascript:{{v0}}>`,
      `<!-- <a title=" --><a onclick="{{v0}}">`,
      `<textarea><a title="</textarea><a href="{{v0}}">`,
      `<title></title ><a href="{{v0}}">`,
      `<noscript><a href="{{v0}}"></noscript>`,
      `<iframe src="javascript:{{v0}}"></iframe><iframe srcdoc="{{v1}}"></iframe>`,
      `<form action="javascript:{{v0}}"><button formaction="{{v1}}">`,
      `<object data="data:text/html,{{v0}}"></object><embed src="{{v1}}">`,
      `<iframe src="data:image/svg+xml,<svg onload='{{v0}}'>"></iframe>`,
      `<svg><a xlink:href="javascript:{{v0}}"><text>x</text></a></svg>`,
      `<svg><set attributeName="onclick" to="{{v0}}"/></svg>`,
      `<div style=color:{{v0}}><p sTyLe="x">`,
      `<script type="application/ld+json">{"a": "{{v0}}"}</script>`,
      `<a/onclick="{{v0}}">`,
      `<a """="" onclick="{{v0}}">`,
      `<a title='x'onclick="{{v0}}">`,
      `<img src=x onerror={{v0}}>`,
      `<details open ontoggle="{{v0}}">`,
      `<a href="&#32;{{v0}}">`,
    ]) {
      expectCovered(src);
    }
  });

  it("escaped `{{json x}}` in a quoted handler reaches the code as the JSON it is, whatever the data", () => {
    const x = `"); alert(1); ("' \\" </a> &amp; \u2028`;
    for (const src of [`<a onclick="f({{json x}})">`, `<a onclick='f({{json x}})'>`]) {
      const html = renderTemplate(src, { x });
      const a = (parseFragment(html) as unknown as Node).childNodes![0]!;
      const code = a.attrs!.find((t) => t.name === "onclick")!.value;
      const seen: unknown[] = [];
      new Function("f", code)((v: unknown) => seen.push(v));
      expect(seen, html).toEqual([x]);
    }
  });
});
