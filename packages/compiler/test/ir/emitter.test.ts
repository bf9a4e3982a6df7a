/**
 * Emitter regressions: versions that must differ, ids that must stay or never be reused,
 * settings written as constant expressions, empty experiment names.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { compile, type IR } from "@journey/compiler";

const schema = JSON.parse(readFileSync(new URL("../../../ir/src/schema.json", import.meta.url), "utf8")) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const HEADER = `
profile { email: string, phone?: string }
event Ping { n: int }
event Pong { n: int }
audience All = true
`;

function ir(text: string): IR {
  const r = compile([{ path: "bug.journey", text: HEADER + text }]);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.ir!;
}

describe("emitter regressions", () => {
  // Content hashes (hash.ts): a replacer that dropped every key named `loc`, meant for test
  // locations, also dropped record-expression entries called `loc` (and named algorithm args,
  // content fields …): two different journeys got the same version, and the IR the same hash.
  test("versions: a record entry named `loc` is part of the journey version", () => {
    const a = ir(`journey J { on Ping let data = { loc: "north" } wait 1h }`);
    const b = ir(`journey J { on Ping let data = { loc: "south" } wait 1h }`);
    expect(JSON.stringify(a.journeys.J!.nodes)).not.toBe(JSON.stringify(b.journeys.J!.nodes));
    expect(b.journeys.J!.version).not.toBe(a.journeys.J!.version);
  });

  // A journey's version covered its own JSON only: after a redeploy that reordered a
  // template's parameters, instances waiting on the old version rendered the new template with
  // the old arguments (an email with an empty total and no items).
  test("versions: the templates a journey sends and the fragments its content includes are part of its version", () => {
    const project = (reminder: string, footer: string, other = "x") => `
      fragment Footer """${footer}"""
      fragment Legal """{{> Footer}} ${footer}"""
      template Reminder(n: int) for sms { text "${reminder} {{n}}" }
      template Other(n: int) for sms { text "${other} {{n}}" }
      journey Uses { on Ping as p send sms Reminder(p.n) to profile.phone ?? "" }
      journey Inline { on Ping as p send sms { text "{{> Legal}}" } to profile.phone ?? "" }
      journey Plain { on Pong send sms { text "plain" } to profile.phone ?? "" }
    `;
    const base = ir(project("Hi", "Bye"));
    const template = ir(project("Hello", "Bye"));
    const fragment = ir(project("Hi", "Ciao"));
    const unrelated = ir(project("Hi", "Bye", "y"));
    expect(template.journeys.Uses!.version).not.toBe(base.journeys.Uses!.version);
    expect(template.journeys.Inline!.version).toBe(base.journeys.Inline!.version);
    // Through a fragment that includes it.
    expect(fragment.journeys.Inline!.version).not.toBe(base.journeys.Inline!.version);
    expect(fragment.journeys.Uses!.version).toBe(base.journeys.Uses!.version);
    for (const name of ["Uses", "Inline", "Plain"]) expect(unrelated.journeys[name]!.version).toBe(base.journeys[name]!.version);
    expect(fragment.journeys.Plain!.version).toBe(base.journeys.Plain!.version);
  });

  // ids.ts blockIds(): a label repeated in a block is numbered by position (`wait:1h#2`), so
  // editing or inserting a sibling with the same label renumbers the later ones, and their
  // whole subtrees. Worse, ids are reused: after the edit below, the id `wait:1h` names the
  // *second* wait, so an instance waiting at the first one resumes at the second.
  test("blockIds: editing the first of two `wait 1h` never gives its id to the other", () => {
    const a = ir(`journey J { on Ping wait 1h send sms { text "a" } to profile.phone ?? "" wait 1h }`).journeys.J!.nodes;
    const b = ir(`journey J { on Ping wait 2h send sms { text "a" } to profile.phone ?? "" wait 1h }`).journeys.J!.nodes;
    // Repeated labels are anchored on the step before them.
    expect(Object.keys(a)).toEqual(expect.arrayContaining(["wait:1h~^", "send:sms", "wait:1h~send:sms"]));
    // An id in both versions names the same step: an instance never resumes elsewhere.
    for (const id of Object.keys(a).filter((id) => id in b)) expect(b[id]!.kind).toBe(a[id]!.kind);
    expect("wait:1h~^" in b).toBe(false);
  });

  test("blockIds: inserting an `if` before another `if` keeps the existing subtree's ids", () => {
    const a = ir(`journey J { on Ping as p
      if p.n > 1 { wait 1d send sms { text "late" } to profile.phone ?? "" }
    }`).journeys.J!.nodes;
    const b = ir(`journey J { on Ping as p
      if p.n == 0 { end }
      if p.n > 1 { wait 1d send sms { text "late" } to profile.phone ?? "" }
    }`).journeys.J!.nodes;
    // An instance waiting at the first version's `wait 1d` finds its node after the redeploy.
    const waitId = Object.keys(a).find((id) => id.endsWith("/then/wait:1d"))!;
    expect(waitId).toMatch(/^if:[0-9a-f]{8}\/then\/wait:1d$/);
    expect(b[waitId]).toEqual(a[waitId]);
  });

  // emit.ts journey(): `reentry after` and `goal … within` are emitted only when the
  // duration is a literal; the checker accepts any duration-typed expression, so
  // `reentry after 1d + 2h` compiles with no diagnostic to `{ mode: "after" }` (no afterMs,
  // which the schema rejects) and `within 1d + 1d` to `withinMs: null`.
  // Settings the runtime reads as numbers may be constant expressions: folded when compiling.
  test("reentry after a duration expression keeps its duration", () => {
    const j = ir(`journey J { on Ping reentry after 1d + 2h wait 1h }`).journeys.J!;
    expect(j.reentry).toEqual({ mode: "after", afterMs: 26 * 3_600_000 });
  });

  test("the IR of `reentry after 1d + 2h` validates against the schema", () => {
    expect(validate(JSON.parse(JSON.stringify(ir(`journey J { on Ping reentry after 1d + 2h wait 1h }`))))).toBe(true);
  });

  test("goal within a duration expression keeps its window", () => {
    const j = ir(`journey J { on Ping goal g: Pong within 1d + 1d wait 1h }`).journeys.J!;
    expect(j.goals[0]!.withinMs).toBe(2 * 86_400_000);
  });

  // emitIR(): channel `cap`, action `timeout`/`retries`, experience `priority`/`timeout` are
  // emitted only for literals; checked constant expressions are silently dropped (the cap
  // disappears, the experience falls back to priority 0 and 150 ms).
  test("channel cap with an int expression is not dropped", () => {
    expect(ir(`channel sms { cap 1 + 2 per 7d }`).channels.sms!.cap).toEqual({ count: 3, perMs: 7 * 86_400_000 });
  });

  test("experience priority and timeout expressions are not dropped", () => {
    const x = ir(`experience X { surface "web://a.example.com/#x" format text priority 1 + 1 timeout 1s + 1s variant D { content "hi" } }`).experiences.X!;
    expect([x.priority, x.timeoutMs]).toEqual([2, 2000]);
  });

  test("action timeout and retries expressions are not dropped", () => {
    const a = ir(`action Hook(x: string) -> { ok: bool } { post "https://h.example.com/{{x}}" timeout 1s + 1s retries 1 + 1 }`).actions.Hook!;
    expect([a.timeoutMs, a.retries]).toEqual([2000, 2]);
  });

  // emit.ts node() (journeys) and experience() (variants): `split "" { … }` compiles with no
  // diagnostic and is emitted with `experiment: ""` (the `??` default only covers a missing
  // name), so every such split in the project shares one experiment and one assignment.
  // Either the checker rejects an empty name or the emitter treats it as absent; the schema
  // requires a non-empty experiment.
  test("a split with an empty experiment name is rejected", () => {
    const r = compile([{ path: "bug.journey", text: HEADER + `journey J { on Ping split "" { A 50% { wait 1h } B 50% { } } }` }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J3023"]);
  });

  test("a setting that is not a constant is an error, not silently dropped", () => {
    const r = compile([{ path: "bug.journey", text: HEADER + `journey J { on Ping as p reentry after 1h * p.n wait 1h }` }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["J2010"]);
  });
});

// The runtime told date-times from strings by their shape: `profile.code == "2026-01-01"`
// held for a code "2026-01-01T00:00:00Z". Comparisons the checker typed as text say so.
describe("comparisons of text", () => {
  test("are marked `as: \"text\"`; those of date-times, numbers and unknown types are not", () => {
    const r = ir(`
journey J {
  on Ping as p
  if profile.phone == "2026-01-01" and profile.email < "b" and profile.email in ["x", "y"] { end }
  if now() < 2026-01-01 { end }
  if p.n != 1 { end }
}`);
    const ops: { op: string; as?: string }[] = [];
    const visit = (x: unknown): void => {
      if (x && typeof x === "object") {
        if ("op" in x) ops.push(x as { op: string; as?: string });
        Object.values(x).forEach(visit);
      }
    };
    visit(r.journeys.J!.nodes);
    const marked = (o: string) => ops.filter((x) => x.op === o).map((x) => x.as ?? "-").sort();
    expect([marked("=="), marked("<"), marked("in"), marked("!=")]).toEqual([["text"], ["-", "text"], ["text"], ["-"]]);
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("a template's `locale` blocks", () => {
  const project = (blocks: string) => `
    fragment Legal """Stopp: svar STOPP"""
    template Reminder(n: int) for sms {
      text "Hi {{n}}"
      ${blocks}
    }
    journey Uses { on Ping as p send sms Reminder(p.n) to profile.phone ?? "" }
    journey Plain { on Pong send sms { text "plain" } to profile.phone ?? "" }
  `;

  test("are in the IR by tag, in the order of their lowercase tags, and the IR validates", () => {
    const r = ir(project(`locale "sv" { text "Hej {{n}}" } locale "nb-NO" { text "Hei {{n}}" } locale "Da" { text "Hej {{n}} {{> Legal}}" }`));
    expect(Object.keys(r.templates.Reminder!.locales!)).toEqual(["Da", "nb-NO", "sv"]);
    expect(r.templates.Reminder!.locales!["sv"]).toEqual({ text: { template: "Hej {{n}}", escape: "none" } });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });

  test("a template without blocks has no `locales` key: its IR and versions are what they were", () => {
    const r = ir(project(""));
    expect("locales" in r.templates.Reminder!).toBe(false);
  });

  test("versions: a block added, changed or removed makes a new version of the journeys that send the template; reordering blocks does not", () => {
    const sv = `locale "sv" { text "Hej {{n}}" }`;
    const nb = `locale "nb" { text "Hei {{n}}" }`;
    const base = ir(project(sv + nb));
    const reordered = ir(project(nb + sv));
    expect(reordered.journeys.Uses!.version).toBe(base.journeys.Uses!.version);
    expect(reordered.hash).toBe(base.hash);
    for (const changed of [project(sv), project(`locale "sv" { text "Hejsan {{n}}" }` + nb), project(`locale "sv-SE" { text "Hej {{n}}" }` + nb), project("")]) {
      const other = ir(changed);
      expect(other.journeys.Uses!.version).not.toBe(base.journeys.Uses!.version);
      expect(other.journeys.Plain!.version).toBe(base.journeys.Plain!.version);
    }
  });

  test("versions: a fragment a block includes is part of the version of the journeys that send the template", () => {
    const a = ir(project(`locale "sv" { text "Hej {{n}} {{> Legal}}" }`));
    const b = ir(project(`locale "sv" { text "Hej {{n}} {{> Legal}}" }`).replace("Stopp: svar STOPP", "Stopp: skriv STOPP"));
    expect(b.journeys.Uses!.version).not.toBe(a.journeys.Uses!.version);
  });

  test("deterministic: the same source twice gives the same bytes", () => {
    const text = HEADER + project(`locale "sv" { text "Hej {{n}}" } locale "nb-NO" { text "Hei {{n}}" }`);
    const a = compile([{ path: "a.journey", text }]);
    const b = compile([{ path: "a.journey", text }]);
    expect(a.irJson).toBe(b.irJson);
  });
});
