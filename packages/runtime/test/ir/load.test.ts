/** Loading an IR: the version, the shape, and the names it uses but does not define. */
import { InvalidIRError, loadIR } from "@journey/runtime";
import type { IR } from "@journey/ir";
import { describe, expect, it } from "vitest";
import { withSchema } from "../engine/helpers.js";

const ir = withSchema(`
  action Lookup(id: string) -> { ok: bool } { get "https://api.example.com/{{id}}" }
  template Hello() for email { subject "hi" text "x" }
  journey J {
    on Ping as p
    exit on Stop
    call Lookup("x") as r
    send email Hello() to profile.email
    wait for Cart within 1d { end }
  }
`);
const tampered = (change: (ir: IR) => void): IR => {
  const copy = structuredClone(ir);
  change(copy);
  return copy;
};
const refused = (value: unknown) => {
  try {
    loadIR(value);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidIRError);
    expect((e as Error).name).toBe("InvalidIRError");
    return (e as Error).message;
  }
  throw new Error("expected the IR to be refused");
};
const node = (ir: IR, kind: string) => Object.values(ir.journeys["J"]!.nodes).find((n) => n.kind === kind) as Record<string, unknown>;

describe("loadIR", () => {
  it("loads an IR the compiler made, as an object or as JSON text", () => {
    expect(loadIR(ir)).toBe(ir);
    expect(loadIR(JSON.stringify(ir)).journeys["J"]).toBeDefined();
  });

  it("refuses another IR version, text that is not JSON, and a wrong shape, saying where", () => {
    expect(refused({ ...ir, irVersion: 99 })).toMatch(/^unsupported irVersion 99: this runtime runs irVersion \d+; rebuild the project with a matching compiler$/);
    expect(refused("{ not json")).toMatch(/^the IR is not valid JSON: /);
    expect(refused("{ not json")).not.toContain("file");
    expect(refused(tampered((x) => void ((x.journeys["J"] as unknown as Record<string, unknown>)["nodes"] = 5)))).toMatch(/^invalid IR: \/journeys\/J\/nodes /);
  });

  it("says, given the name of the IR's file instead of the IR, that it takes the IR itself", () => {
    expect(refused("out/shop.ir.json")).toMatch(
      /^the IR is not valid JSON: .+; the IR itself is expected, parsed or as JSON text, not the name of its file: JSON\.parse\(readFileSync\("out\/shop\.ir\.json", "utf8"\)\)$/,
    );
  });

  it("says what is wrong inside an expression, not that it lacks every other shape's key", () => {
    const wrongArity = refused(tampered((x) => void (x.audiences["Gold"]!.condition = { op: "if", args: [{ lit: true }, { lit: 1 }] })));
    expect(wrongArity).toContain("/audiences/Gold/condition/args must NOT have fewer than 3 items");
    expect(wrongArity).not.toContain("required property");
    // A value of no known shape at all: said once.
    const noShape = refused(tampered((x) => void (x.audiences["Gold"]!.condition = { nope: 1 } as never)));
    expect(noShape).toContain("/audiences/Gold/condition must match exactly one schema in oneOf");
    expect(noShape).not.toContain("required property");
  });

  it.each([
    ["an entry node it does not have", (x: IR) => void (x.journeys["J"]!.entry = "nope"), "journeys.J.entry names node `nope`, which the journey does not have"],
    ["a next node it does not have", (x: IR) => void (node(x, "send")["next"] = "ghost"), "names node `ghost`, which the journey does not have"],
    ["an undeclared trigger event", (x: IR) => void ((x.journeys["J"]!.trigger as { event: string }).event = "Nope"), "journeys.J.trigger.event names event `Nope`, which the IR does not declare"],
    ["an undeclared exit event", (x: IR) => void (x.journeys["J"]!.exits[0]!.event = "Gone"), "journeys.J.exits[0].event names event `Gone`, which the IR does not declare"],
    ["an undeclared template", (x: IR) => void (node(x, "send")["template"] = "Nope"), "template names `Nope`, which the IR does not declare"],
    ["an undeclared action", (x: IR) => void (node(x, "call")["action"] = "Nope"), "action names `Nope`, which the IR does not declare"],
    ["an undeclared event to wait for", (x: IR) => void (node(x, "waitFor")["event"] = "Nope"), "names event `Nope`, which the IR does not declare"],
  ])("refuses %s, naming the path", (_what, change, message) => {
    expect(refused(tampered(change))).toContain(message);
  });

  it.each([
    ["a locale tag Intl cannot read", (x: IR) => void (x.templates["Hello"]!.locales = { en_GB: { subject: { template: "hiya", escape: "none" } } }), "/templates/Hello/locales must match pattern"],
    ["a locale given twice, ignoring case", (x: IR) => void (x.templates["Hello"]!.locales = { sv: { subject: { template: "hej", escape: "none" } }, SV: { subject: { template: "hej", escape: "none" } } }), "templates.Hello.locales.SV: the locale is given twice"],
    ["a locale field the template lacks", (x: IR) => void (x.templates["Hello"]!.locales = { sv: { html: { template: "<p>hej</p>", escape: "html" } } }), "templates.Hello.locales.sv.html: the template has no `html` of its own"],
    ["an empty locale", (x: IR) => void (x.templates["Hello"]!.locales = { sv: {} }), "/templates/Hello/locales/sv must NOT have fewer than 1 properties"],
    ["a tag of the right shape Intl still refuses", (x: IR) => void (x.templates["Hello"]!.locales = { "a-b": { subject: { template: "x", escape: "none" } } }), "templates.Hello.locales.a-b: `a-b` is not a BCP 47 language tag"],
  ])("refuses %s, naming the path", (_what, change, message) => {
    expect(refused(tampered(change))).toContain(message);
  });

  // What an older runtime does with `locales`: its schema forbids a template key it does not
  // know, so it refuses the IR rather than send every profile the template's own content.
  it("refuses a template key it does not know", () => {
    expect(refused(tampered((x) => void ((x.templates["Hello"] as unknown as Record<string, unknown>)["translations"] = {})))).toContain("/templates/Hello must NOT have additional properties");
  });
});
