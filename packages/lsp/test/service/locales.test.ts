/** A template's `locale` blocks in the editor: completion, hover and diagnostics as in its own fields. */
import { describe, expect, it } from "vitest";
import { cursor, SCHEMA, workspace } from "../support.js";

/** The shared schema, with the `locale` a block is chosen by (without it, blocks are J4020). */
const LOCALIZED_SCHEMA = SCHEMA.replace('timezone: string = "UTC"', 'timezone: string = "UTC"\n  locale?: string');

function ws(src: string) {
  return workspace({ "schema.journey": LOCALIZED_SCHEMA, "main.journey": src });
}
const labels = (src: string) => {
  const { ws: w, path, offset } = ws(src);
  return w.completion(path, offset).map((c) => c.label);
};
const hover = (src: string) => {
  const { ws: w, path, offset } = ws(src);
  return w.hover(path, offset);
};

/** A template with its own `subject` and `html`, and a Swedish block whose body is `block`. */
const tpl = (block: string, own = '  subject "Hi"\n  html """<p>{{c.cartId}}</p>"""\n') => `template T(c: CartAbandoned) for email {\n${own}  locale "sv" {\n${block}\n  }\n}\n`;

describe("completion", () => {
  it("offers `locale` among a template's content fields, as a snippet; not in a send's content", () => {
    const { ws: w, path, offset } = ws('template T(c: CartAbandoned) for email {\n  subject "Hi"\n  <|>\n}\n');
    const items = w.completion(path, offset);
    expect(items.map((c) => c.label)).toEqual(["subject", "html", "text", "locale"]);
    expect(items.find((c) => c.label === "locale")).toMatchObject({ kind: "keyword", snippet: true, insertText: 'locale "${1:sv}" {\n\t$0\n}' });
    expect(labels('journey J {\n  on CartAbandoned\n  send email {\n    <|>\n  } to profile.email\n}\n')).toEqual(["subject", "html", "text"]);
  });

  it("offers in a locale block the fields it may override: the template's own", () => {
    expect(labels(tpl("    <|>"))).toEqual(["subject", "html"]);
    expect(labels(tpl('    subject "Hej"\n    <|>'))).toEqual(["subject", "html"]);
    // No `locale` inside a block.
    expect(labels(tpl("    <|>"))).not.toContain("locale");
    // A template that has no fields yet: the channel's.
    expect(labels(tpl("    <|>", ""))).toEqual(["subject", "html", "text"]);
  });

  it("offers the template's names inside a block's templates, as in its own fields", () => {
    expect(labels(tpl('    html """{{c.<|>"""'))).toEqual(["cartId", "items", "total"]);
    expect(labels(tpl('    subject "{{<|>"'))).toEqual(expect.arrayContaining(["c", "profile", "unsubscribeUrl", "default"]));
  });
});

describe("hover", () => {
  it("shows a block's content fields and the paths in its templates, as in the template's own", () => {
    expect(hover(tpl('    sub<|>ject "Hej"'))?.contents).toBe("```journey\n(content) subject: template\n```\n\nA content field of `email`: The subject line (plain text).");
    expect(hover(tpl('    html """<p>{{c.car<|>tId}}</p>"""'))?.contents).toContain("(field) cartId: string");
    expect(hover(tpl('    html """<p>{{profile.first<|>Name}}</p>"""'))?.contents).toContain("(field) firstName: string?");
  });

  it("says what the block is on its word", () => {
    const src = tpl('    subject "Hej"').replace('locale "sv"', 'loc<|>ale "sv"');
    const h = hover(src)!;
    expect(h.contents).toMatch(/^```journey\nlocale "sv"\n```\n\nThis template's content for profiles of this locale/);
    const at = cursor(src).text.indexOf('locale "sv"');
    expect(h.span).toEqual({ start: at, end: at + "locale".length });
  });
});

describe("diagnostics", () => {
  it("a block's template mistakes at their exact place, with the fix; the block's own codes", () => {
    const src = tpl('    subject "Hej {{profile.frstName}}"\n    text "x"');
    const ds = ws(src).ws.diagnostics("main.journey");
    expect(ds.map((d) => [d.code, src.slice(d.span.start, d.span.end)])).toEqual([
      ["J4003", "frstName"],
      ["J4018", "text"],
    ]);
    expect(ds[0]!.fix!.title).toBe("replace with `firstName`");
  });
});
