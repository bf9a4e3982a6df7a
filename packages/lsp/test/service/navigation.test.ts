/** Go to definition, find references and rename, across files and from inside templates. */
import { describe, expect, it } from "vitest";
import type { Location, Workspace } from "@journey/lsp";
import { applyEdits, cursor, SCHEMA, workspace } from "../support.js";

const MAIN = `journey J {
  on CartAbandoned as cart where cart.total > 0
  exit on OrderPlaced where event.cartId == cart.cartId
  goal bought: OrderPlaced within 7d
  let first = cart.items[0]
  if first.qty > 1 and profile.email != "" {
    send email Reminder(cart, []) to profile.email
  }
  send sms { text "Hi {{profile.firstName}}, {{cart.total}}" } to profile.phone ?? ""
}
`;

const TEST = `test "reminder" {
  profile "p1" { email: "a@b.c", consent: { email: true, sms: false } }
  at 0m "p1" CartAbandoned { cartId: "c1", items: [], total: 3 }
  expect goal bought
  expect ended J
}
`;

function ws(main = MAIN): Workspace {
  return workspace({ "schema.journey": SCHEMA, "main.journey": main, "test.journey": TEST }).ws;
}

/** Locations as `path:text-at-location@offset`, for readable expectations. */
function show(w: Workspace, locs: Location[]): string[] {
  return locs.map((l) => `${l.path}:${w.text(l.path)!.slice(l.span.start, l.span.end)}@${l.span.start}`);
}

const at = (w: Workspace, path: string, needle: string, delta = 1, n = 1) => {
  const text = w.text(path)!;
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in ${path}`);
  return i + delta;
};

const decl = (w: Workspace, path: string, needle: string, n = 1) => {
  const i = at(w, path, needle, 0, n);
  return `${path}:${needle}@${i}`;
};

describe("go to definition", () => {
  it("jumps from uses to declarations across files", () => {
    const w = ws();
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "CartAbandoned")))).toEqual([decl(w, "schema.journey", "CartAbandoned")]);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "Reminder")))).toEqual([decl(w, "schema.journey", "Reminder")]);
    expect(show(w, w.definition("test.journey", at(w, "test.journey", "ended J", 6)))).toEqual([decl(w, "main.journey", "J")]);
  });

  it("jumps from a field to its declaration, nested records and list projections included", () => {
    const w = ws();
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "cart.total", 6)))).toEqual([decl(w, "schema.journey", "total")]);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "first.qty", 7)))).toEqual([decl(w, "schema.journey", "qty")]);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "event.cartId", 7)))).toEqual([decl(w, "schema.journey", "cartId", 2)]);
    expect(show(w, w.definition("test.journey", at(w, "test.journey", "sms: false")))).toEqual([decl(w, "schema.journey", "sms")]);
  });

  it("jumps from locals to their definition and from `event` to the handler's event", () => {
    const w = ws();
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "first.qty")))).toEqual([decl(w, "main.journey", "first")]);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "cart.total")))).toEqual([decl(w, "main.journey", "cart", 1)]);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "event.cartId")))).toEqual([decl(w, "schema.journey", "OrderPlaced")]);
  });

  it("jumps from inside templates: names, fields, block parameters and partials", () => {
    const w = ws();
    const schema = w.text("schema.journey")!;
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "profile.firstName", 9)))).toEqual([decl(w, "schema.journey", "firstName")]);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "{{length cart.items}}", 10)))).toEqual([`schema.journey:cart@${at(w, "schema.journey", "cart: CartAbandoned", 0)}`]);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "{{line.name}}", 3)))).toEqual([`schema.journey:line@${schema.indexOf("|line|") + 1}`]);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "{{line.name}}", 8)))).toEqual([decl(w, "schema.journey", "name")]);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "{{> Footer}}", 5)))).toEqual([decl(w, "schema.journey", "Footer")]);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "{{city}}", 3)))).toEqual([decl(w, "schema.journey", "city")]);
  });

  it("jumps from `item` to the catalog, and from a type in a field", () => {
    const w = ws(`journey K {\n  on OrderPlaced\n  recommend r = popular() where item.inStock limit 3\n}`);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "item.")))).toEqual([decl(w, "schema.journey", "Product")]);
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "inStock")))).toEqual([decl(w, "schema.journey", "inStock")]);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "list<LineItem>", 6)))).toEqual([decl(w, "schema.journey", "LineItem")]);
  });

  it("jumps from a channel named in a send, a template or a test to its `channel` declaration; not from a field of its name", () => {
    const channels = `channel email {\n  from "Shop <a@example.com>"\n  cap 3 per 7d\n}\n`;
    const w = workspace({ "schema.journey": SCHEMA, "main.journey": MAIN, "test.journey": TEST.replace("expect goal bought", "expect send email where subject contains \"x\"\n  expect goal bought"), "channels.journey": channels }).ws;
    const declared = [decl(w, "channels.journey", "email")];
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "send email", 6)))).toEqual(declared);
    expect(show(w, w.definition("schema.journey", at(w, "schema.journey", "for email", 5)))).toEqual(declared);
    expect(show(w, w.definition("test.journey", at(w, "test.journey", "send email", 6)))).toEqual(declared);
    // `profile.email` is a field, `email:` a key; `sms` has no declaration.
    expect(show(w, w.definition("main.journey", at(w, "main.journey", "profile.email", 9)))).toEqual([`schema.journey:email@${w.text("schema.journey")!.indexOf("email:")}`]);
    expect(w.definition("test.journey", at(w, "test.journey", "{ email:", 3))).not.toEqual(declared);
    expect(w.definition("main.journey", at(w, "main.journey", "send sms", 6))).toEqual([]);
  });

  it("finds nothing on keywords and literals", () => {
    const w = ws();
    expect(w.definition("main.journey", at(w, "main.journey", "within"))).toEqual([]);
    expect(w.definition("main.journey", at(w, "main.journey", "7d"))).toEqual([]);
  });
});

describe("document highlights", () => {
  it("marks a binding's declaration as written and its uses as read, in this file only", () => {
    const w = ws();
    const marks = w.highlights("main.journey", at(w, "main.journey", "cart.total", 2));
    const text = w.text("main.journey")!;
    expect(marks.map((m) => `${text.slice(m.span.start, m.span.end)}@${m.span.start}${m.write ? " (write)" : ""}`)).toEqual([
      `cart@${at(w, "main.journey", "as cart", 3)} (write)`,
      `cart@${at(w, "main.journey", "cart.total", 0)}`,
      `cart@${at(w, "main.journey", "cart.cartId", 0)}`,
      `cart@${at(w, "main.journey", "cart.items", 0)}`,
      `cart@${at(w, "main.journey", "cart, []", 0)}`,
      `cart@${at(w, "main.journey", "cart.total}}", 0)}`,
    ]);
  });

  it("marks an event's uses in this file, and nothing where there is no name", () => {
    const w = ws();
    const marks = w.highlights("main.journey", at(w, "main.journey", "OrderPlaced"));
    expect(marks.map((m) => m.write)).toEqual([false, false]);
    expect(w.highlights("main.journey", at(w, "main.journey", "journey J", 0))).toEqual([]);
  });
});

describe("find references", () => {
  it("finds every use of an event across files, declaration first", () => {
    const w = ws();
    const refs = show(w, w.references("schema.journey", at(w, "schema.journey", "event OrderPlaced", 7)));
    expect(refs).toEqual([
      `main.journey:OrderPlaced@${at(w, "main.journey", "OrderPlaced", 0)}`,
      `main.journey:OrderPlaced@${at(w, "main.journey", "OrderPlaced", 0, 2)}`,
      decl(w, "schema.journey", "OrderPlaced"),
    ]);
    expect(w.references("schema.journey", at(w, "schema.journey", "event OrderPlaced", 7), false)).toHaveLength(2);
  });

  it("finds a field's uses in expressions, templates, block parameters and test data", () => {
    const w = ws();
    const refs = show(w, w.references("schema.journey", at(w, "schema.journey", "  email: string", 3)));
    expect(refs).toEqual(expect.arrayContaining([decl(w, "schema.journey", "email: string".slice(0, 5), 2)]));
    expect(refs.filter((r) => r.startsWith("main.journey:email"))).toHaveLength(2);
    expect(refs.filter((r) => r.startsWith("test.journey:email"))).toHaveLength(1);
    const name = show(w, w.references("schema.journey", at(w, "schema.journey", "name: string")));
    expect(name.filter((r) => r.startsWith("schema.journey:name"))).toHaveLength(2); // the field and `{{line.name}}`
  });

  it("finds the uses of a fragment in partials, and of a goal in tests", () => {
    const w = ws();
    expect(show(w, w.references("schema.journey", at(w, "schema.journey", "fragment Footer", 10)))).toEqual([decl(w, "schema.journey", "Footer"), decl(w, "schema.journey", "Footer", 2)]);
    expect(show(w, w.references("main.journey", at(w, "main.journey", "bought")))).toEqual([decl(w, "main.journey", "bought"), decl(w, "test.journey", "bought")]);
  });

  it("finds the uses of a local name only", () => {
    const w = ws();
    expect(show(w, w.references("main.journey", at(w, "main.journey", "let first", 5)))).toEqual([decl(w, "main.journey", "first"), decl(w, "main.journey", "first", 2)]);
  });
});

describe("rename", () => {
  it("renames an event everywhere, and the project still checks", () => {
    const w = ws();
    const r = w.rename("main.journey", at(w, "main.journey", "OrderPlaced"), "Purchase");
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect(after["schema.journey"]).toContain("event Purchase {");
    expect(after["main.journey"]).toContain("exit on Purchase where event.cartId");
    expect(after["main.journey"]).toContain("goal bought: Purchase within 7d");
    const again = workspace(after).ws;
    expect([...again.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
  });

  it("renames a field in expressions, templates (also through block parameters) and test data", () => {
    const w = ws();
    const r = w.rename("schema.journey", at(w, "schema.journey", "name: string"), "title");
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect(after["schema.journey"]).toContain("type LineItem { sku: string, title: string");
    expect(after["schema.journey"]).toContain("{{line.title}}");
    expect(after["schema.journey"]).toContain("name: string\n  price: number"); // the catalog's `name` is another field
    const email = w.rename("main.journey", at(w, "main.journey", "profile.email", 9), "mail");
    if ("error" in email) throw new Error(email.error);
    const after2 = applyEdits(w, email.edits);
    expect(after2["test.journey"]).toContain('profile "p1" { mail: "a@b.c"');
    expect(after2["main.journey"]).toContain("to profile.mail");
    expect(after2["schema.journey"]).toContain("  mail: string");
  });

  it("renames a template parameter inside its content", () => {
    const w = ws();
    const r = w.rename("schema.journey", at(w, "schema.journey", "Reminder(cart", 10), "basket");
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect(after["schema.journey"]).toContain("template Reminder(basket: CartAbandoned");
    expect(after["schema.journey"]).toContain("{{length basket.items}}");
    expect(after["schema.journey"]).toContain("{{#each basket.items as |line|}}");
    expect(after["main.journey"]).toContain("Reminder(cart, [])"); // the argument is another name
  });

  it("renames a fragment in its partials", () => {
    const w = ws();
    const r = w.rename("schema.journey", at(w, "schema.journey", "{{> Footer}}", 5), "Legal");
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect(after["schema.journey"]).toContain("fragment Legal");
    expect(after["schema.journey"]).toContain("{{> Legal}}");
  });

  it("renames a block parameter inside its template, and a goal in the tests that name it", () => {
    const w = ws();
    const r = w.rename("schema.journey", at(w, "schema.journey", "{{line.name}}", 3), "row");
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect(after["schema.journey"]).toContain("{{#each cart.items as |row|}}<p>{{row.name}} {{currency row.price \"EUR\"}}</p>{{/each}}");
    const g = w.rename("test.journey", at(w, "test.journey", "goal bought", 6), "purchased");
    if ("error" in g) throw new Error(g.error);
    const after2 = applyEdits(w, g.edits);
    expect(after2["main.journey"]).toContain("goal purchased: OrderPlaced");
    expect(after2["test.journey"]).toContain("expect goal purchased");
  });

  it("prepares: the span and name under the cursor, or why not", () => {
    const w = ws();
    expect(w.prepareRename("main.journey", at(w, "main.journey", "first.qty"))).toEqual({ span: { start: at(w, "main.journey", "first.qty", 0), end: at(w, "main.journey", "first.qty", 5) }, placeholder: "first" });
    expect(w.prepareRename("main.journey", at(w, "main.journey", "profile.email"))).toEqual({ error: "`profile` is provided by the language and cannot be renamed" });
    expect(w.prepareRename("main.journey", at(w, "main.journey", "event.cartId"))).toEqual({ error: "`event` is provided by the language and cannot be renamed" });
    const channels = workspace({ "c.journey": "channel email { from \"x\" }" }).ws;
    expect(channels.prepareRename("c.journey", 10)).toMatchObject({ error: expect.stringContaining("channel names are fixed") });
    expect(w.prepareRename("main.journey", at(w, "main.journey", "within"))).toEqual({ error: "there is no name to rename here" });
  });

  it("refuses names that would clash or are not names", () => {
    const w = ws();
    expect(w.rename("main.journey", at(w, "main.journey", "OrderPlaced"), "CartAbandoned")).toEqual({ error: "`CartAbandoned` is already declared" });
    expect(w.rename("main.journey", at(w, "main.journey", "OrderPlaced"), "2fast")).toEqual({ error: "`2fast` is not a valid name" });
    expect(w.rename("main.journey", at(w, "main.journey", "first.qty"), "profile")).toEqual({ error: "`profile` is a name the language provides" });
  });

  it("refuses a name the project would not compile with, saying why", () => {
    const w = ws();
    const refused = (path: string, needle: string, name: string, delta = 0) => {
      const r = w.rename(path, at(w, path, needle, delta), name);
      return "error" in r ? r.error : "renamed";
    };
    // A keyword, a sibling field, a binding the journey already has.
    expect(refused("schema.journey", "event OrderPlaced", "wait", 6)).toMatch(/^renaming to `wait` would break the project: .*`wait`.* \(in \w+\.journey\)$/);
    expect(refused("schema.journey", "  total: number", "cartId", 2)).toMatch(/^renaming to `cartId` would break the project: /);
    expect(refused("main.journey", "first.qty", "cart")).toMatch(/^renaming to `cart` would break the project: /);
    expect(refused("main.journey", "first.qty", "firstItem")).toBe("renamed");
  });

  it("refuses a name a block parameter would capture: the project would still compile, and print something else", () => {
    const text = `template Lines(cart: CartAbandoned, top: Product) for email {
  subject "x"
  html """
    {{#each cart.items as |line|}}{{line.name}} and {{top.name}}{{/each}} {{top.name}}
  """
}
`;
    const { ws: w } = workspace({ "schema.journey": SCHEMA, "lines.journey": text });
    const at2 = (needle: string, delta = 0) => w.text("lines.journey")!.indexOf(needle) + delta;
    const r = w.rename("lines.journey", at2("top.name"), "line");
    expect("error" in r && r.error).toBe("renaming to `line` would change what it names in lines.journey:4: another `line` (a block parameter, a binding) is in scope there");
    const ok = w.rename("lines.journey", at2("top.name"), "best");
    if ("error" in ok) throw new Error(ok.error);
    expect(ok.edits).toHaveLength(3);
  });
});

describe("a test's `respond` and `expect call`: the action and its parameters, through the checker's references", () => {
  const VOUCHER = `type Customer { email: string, tier: "gold" | "silver" }

action IssueVoucher(customer: Customer, percent: int) -> { code: string } {
  post "https://vouchers.example.com/{{customer.email}}"
  body { percent: percent }
}

journey Rainy {
  on OrderPlaced
  call Weather("Oslo") as w
  if w.condition == "rain" {
    call IssueVoucher({ email: profile.email, tier: "gold" }, 10) as v
  }
}
`;
  const CALLS = `test "rainy" {
  profile "p1" { email: "a@b.c", consent: { email: true, sms: false } }
  respond Weather where city == "Oslo" { tempC: 3, condition: "rain" }
  respond IssueVoucher where customer.email == "a@b.c" and percent == 10 { code: "W10" }
  at 0m "p1" OrderPlaced { orderId: "o1", items: [], total: 3 }
  expect call Weather where city == "Oslo" times 1
  expect at 1m no call IssueVoucher where percent == 20
}
`;
  const calls = () => workspace({ "schema.journey": SCHEMA, "voucher.journey": VOUCHER, "calls.journey": CALLS }).ws;
  const renamed = (w: Workspace, path: string, offset: number, name: string) => {
    const r = w.rename(path, offset, name);
    if ("error" in r) throw new Error(r.error);
    const after = applyEdits(w, r.edits);
    expect([...workspace(after).ws.diagnosticsByFile().values()].flat().filter((d) => d.severity === "error")).toEqual([]);
    return after;
  };

  it("the project checks without errors", () => {
    expect([...calls().diagnosticsByFile().values()].flat()).toEqual([]);
  });

  it("goes from the action, a parameter and a parameter's field to their declarations", () => {
    const w = calls();
    expect(show(w, w.definition("calls.journey", at(w, "calls.journey", "respond Weather", 9)))).toEqual([decl(w, "schema.journey", "Weather")]);
    expect(show(w, w.definition("calls.journey", at(w, "calls.journey", "no call IssueVoucher", 9)))).toEqual([decl(w, "voucher.journey", "IssueVoucher")]);
    expect(show(w, w.definition("calls.journey", at(w, "calls.journey", "where city", 7, 2)))).toEqual([decl(w, "schema.journey", "city")]);
    expect(show(w, w.definition("calls.journey", at(w, "calls.journey", "customer.email", 2)))).toEqual([decl(w, "voucher.journey", "customer")]);
    expect(show(w, w.definition("calls.journey", at(w, "calls.journey", "customer.email", 10)))).toEqual([decl(w, "voucher.journey", "email")]);
    // The answer's fields are the response type's.
    expect(show(w, w.definition("calls.journey", at(w, "calls.journey", "{ code", 3)))).toEqual([decl(w, "voucher.journey", "code")]);
  });

  it("finds the uses of the action and of a parameter in the tests too", () => {
    const w = calls();
    expect(show(w, w.references("calls.journey", at(w, "calls.journey", "respond IssueVoucher", 9)))).toEqual([
      decl(w, "calls.journey", "IssueVoucher"),
      decl(w, "calls.journey", "IssueVoucher", 2),
      decl(w, "voucher.journey", "IssueVoucher"),
      decl(w, "voucher.journey", "IssueVoucher", 2),
    ]);
    expect(show(w, w.references("voucher.journey", at(w, "voucher.journey", "percent: int"), false))).toEqual([
      decl(w, "calls.journey", "percent"),
      decl(w, "calls.journey", "percent", 2),
      decl(w, "voucher.journey", "percent", 3),
    ]);
    expect(w.highlights("calls.journey", at(w, "calls.journey", "city")).map((h) => `${h.span.start}:${h.write}`)).toEqual([`${at(w, "calls.journey", "city", 0)}:false`, `${at(w, "calls.journey", "city", 0, 2)}:false`]);
  });

  it("renames the action, from a test or its declaration, in the tests' items too", () => {
    const w = calls();
    const after = renamed(w, "calls.journey", at(w, "calls.journey", "expect call Weather", 13), "Forecast");
    expect(after["schema.journey"]).toContain("action Forecast(city: string)");
    expect(after["voucher.journey"]).toContain('call Forecast("Oslo") as w');
    expect(after["calls.journey"]).toContain('respond Forecast where city == "Oslo"');
    expect(after["calls.journey"]).toContain('expect call Forecast where city == "Oslo" times 1');
    const fromDecl = renamed(w, "voucher.journey", at(w, "voucher.journey", "action IssueVoucher", 8), "GiveVoucher");
    expect(fromDecl["calls.journey"]).toContain("respond GiveVoucher where customer.email");
    expect(fromDecl["calls.journey"]).toContain("expect at 1m no call GiveVoucher where percent == 20");
  });

  it("renames a parameter in the action and in the tests' conditions, and a parameter's field in their paths", () => {
    const w = calls();
    const city = renamed(w, "calls.journey", at(w, "calls.journey", "where city", 8), "town");
    expect(city["schema.journey"]).toContain("action Weather(town: string)");
    expect(city["schema.journey"]).toContain("city={{town}}");
    expect(city["calls.journey"]).toContain('respond Weather where town == "Oslo" {');
    expect(city["calls.journey"]).toContain('expect call Weather where town == "Oslo" times 1');
    const percent = renamed(w, "voucher.journey", at(w, "voucher.journey", "percent: int"), "share");
    expect(percent["voucher.journey"]).toContain("body { percent: share }");
    expect(percent["calls.journey"]).toContain('and share == 10 { code: "W10" }');
    expect(percent["calls.journey"]).toContain("no call IssueVoucher where share == 20");
    const email = renamed(w, "voucher.journey", at(w, "voucher.journey", "email: string"), "address");
    expect(email["voucher.journey"]).toContain("{{customer.address}}");
    expect(email["calls.journey"]).toContain('respond IssueVoucher where customer.address == "a@b.c"');
    // A name another parameter has would break the action: refused, with the checker's reason.
    const clash = w.rename("calls.journey", at(w, "calls.journey", "and percent", 5), "customer");
    expect(clash).toMatchObject({ error: expect.stringMatching(/^renaming to `customer` would break the project: /) });
  });
});

describe("with a cursor", () => {
  it("works from a `<|>` mark", () => {
    const src = MAIN.replace("first.qty", "fir<|>st.qty");
    const c = cursor(src);
    const { ws: w } = workspace({ "schema.journey": SCHEMA, "main.journey": src });
    expect(w.definition("main.journey", c.offset)[0]!.span.start).toBe(c.text.indexOf("first"));
  });
});
const WITH = `template Recent(seen: list<Product>) for email {
  subject "The {{#with (first seen)}}{{na<|>me}}{{/with}} is waiting"
  html "{{#each seen as |p|}}{{p.name}}{{/each}}"
}
`;

describe("a block whose context is a sub-expression", () => {
  it("resolves the context's fields: hover, definition, references and rename", () => {
    const { ws, path, offset } = workspace({ "schema.journey": SCHEMA, "main.journey": WITH });
    expect(ws.hover(path, offset)?.contents).toContain("name: string");
    const def = ws.definition(path, offset);
    expect(def).toHaveLength(1);
    expect(ws.text(def[0]!.path)!.slice(def[0]!.span.start, def[0]!.span.end)).toBe("name");
    expect(def[0]!.path).toBe("schema.journey");
    const inMain = ws.references(path, offset).filter((l) => l.path === path);
    expect(inMain).toHaveLength(2);
    const r = ws.rename(path, offset, "title");
    expect("edits" in r && r.edits.filter((e) => e.path === path)).toHaveLength(2);
  });

  it("completes the context's fields", () => {
    const { text, offset } = cursor(WITH.replace("{{na<|>me}}", "{{<|>}}"));
    const { ws } = workspace({ "schema.journey": SCHEMA });
    ws.set("main.journey", text);
    expect(ws.completion("main.journey", offset).map((c) => c.label)).toContain("inStock");
  });
});

