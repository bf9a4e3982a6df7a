/** Content follows the experience's format: HTML-escaped, JSON-escaped or as is; invalid JSON falls through. */
import { describe, expect, it } from "vitest";
import { contentOf, runtimeOf, withSchema } from "./helpers.js";

const NASTY = `Zoë "Z" <b>&</b> \\ end\nline two`;

describe("escaping follows the format", async () => {
  const ir = withSchema(`
experience AsHtml {
  surface "web://shop.example.com/#html"
  format html
  variant Only { content """<p title="{{profile.firstName}}">{{profile.firstName}}</p>""" }
}
experience AsJson {
  surface "web://shop.example.com/#json"
  format json
  variant Only { content """{"name": "{{profile.firstName}}", "value": {{profile.firstName}}, "points": {{profile.points}}, "hello": "Hi {{profile.firstName}}!"}""" }
}
experience AsText {
  surface "web://shop.example.com/#text"
  format text
  variant Only { content "Hi {{profile.firstName}}" }
}
experience RawHtml {
  surface "web://shop.example.com/#raw"
  format html
  variant Only { content "<div>{{{profile.code}}}</div>" }
}
`);
  const { one } = await runtimeOf(ir, { profiles: { p: { firstName: NASTY, points: 42, code: "<em>trusted</em>" } } });

  it("html: every interpolation is HTML-escaped, in text and in attributes", async () => {
    const html = contentOf(await one("web://shop.example.com/#html", "p"));
    expect(html).toBe(`<p title="Zoë &quot;Z&quot; &lt;b&gt;&amp;&lt;/b&gt; \\ end\nline two">Zoë &quot;Z&quot; &lt;b&gt;&amp;&lt;/b&gt; \\ end\nline two</p>`);
    expect(html).not.toContain("<b>");
  });

  it("json: inside a string, string-escaped text; elsewhere, a JSON value; the result parses", async () => {
    const json = contentOf(await one("web://shop.example.com/#json", "p"));
    expect(JSON.parse(json)).toEqual({ name: NASTY, value: NASTY, points: 42, hello: `Hi ${NASTY}!` });
  });

  it("text: as is", async () => {
    expect(contentOf(await one("web://shop.example.com/#text", "p"))).toBe(`Hi ${NASTY}`);
  });

  it("triple braces write raw text", async () => {
    expect(contentOf(await one("web://shop.example.com/#raw", "p"))).toBe("<div><em>trusted</em></div>");
  });
});

describe("invalid JSON falls through to the next variant", async () => {
  const ir = withSchema(`
experience Hero {
  surface "web://shop.example.com/#hero"
  format json
  variant Coded when profile.code != null { content """{"code": {{{profile.code}}} }""" }
  variant Listed when profile.points > 0 { content """{"list": [1{{#if profile.firstName}},{{/if}}]}""" }
  variant Default { content """{"code": null}""" }
}
`);
  const h = await runtimeOf(ir, { profiles: { good: { code: "[1, 2]" }, bad: { code: "[1, 2" }, listed: { points: 1 }, trailing: { points: 1, firstName: "Ana" } } });

  it("valid JSON is kept", async () => {
    expect(JSON.parse(contentOf(await h.one("web://shop.example.com/#hero", "good")))).toEqual({ code: [1, 2] });
  });

  it("content that renders invalid JSON is skipped for the next variant, and the error recorded with its variant and span", async () => {
    const d = await h.one("web://shop.example.com/#hero", "bad");
    expect(d).toMatchObject({ variant: "Default", content: `{"code": null}` });
    await h.settle();
    const errors = h.effects.filter((e) => e.type === "error" && e.profileId === "bad");
    expect(errors).toEqual([
      expect.objectContaining({ type: "error", journey: "Hero", message: expect.stringMatching(/^experience `Hero` variant `Coded`: .*JSON/), location: { file: "x.journey", line: expect.any(Number), column: 3 } }),
    ]);
  });

  it("so does a section that renders invalid JSON for some profiles", async () => {
    expect(await h.one("web://shop.example.com/#hero", "listed")).toMatchObject({ variant: "Listed", content: `{"list": [1]}` });
    expect(await h.one("web://shop.example.com/#hero", "trailing")).toMatchObject({ variant: "Default" });
  });
});
