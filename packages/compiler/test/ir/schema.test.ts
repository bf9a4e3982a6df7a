/**
 * The IR JSON Schema (packages/ir/src/schema.json) against real emitter output: the brief's complete
 * example, every sample project and inline projects that use every node kind. Also checks
 * what the schema cannot say: every node reference resolves, every node is reachable and
 * has a source location, and map keys agree with the ids inside.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { compile, type IR, type IRNode } from "@journey/compiler";
import { briefExample, inlineProjects, sampleProjects, type Project } from "./fixtures.js";

const schema = JSON.parse(readFileSync(new URL("../../../ir/src/schema.json", import.meta.url), "utf8")) as Record<string, unknown>;

function validator(): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  return ajv.compile(schema);
}
const validate = validator();

function errorsText(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`).join("\n");
}

/** Compile a project; a diagnostic of severity error fails the test and is printed. */
function compileOk(p: Project): { ir: IR; irJson: string } {
  const r = compile(p.files);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    const text = (file: string) => p.files.find((f) => f.path === file)?.text ?? "";
    const lines = errors.map((d) => {
      const pos = r.lineIndex(d.file).position(d.span.start);
      return `  ${d.file}:${pos.line + 1}:${pos.column + 1} ${d.code} ${d.message}  [${JSON.stringify(text(d.file).slice(d.span.start, Math.min(d.span.end, d.span.start + 60)))}]`;
    });
    expect.fail(`${p.name} does not compile:\n${lines.join("\n")}`);
  }
  expect(r.ir, `${p.name}: no IR although there are no errors`).toBeDefined();
  return { ir: r.ir!, irJson: r.irJson! };
}

/** The node ids a node continues at. */
function targets(n: IRNode): (string | null)[] {
  switch (n.kind) {
    case "waitFor":
      return [n.onEvent, n.onTimeout, n.next];
    case "if":
      return [...n.branches.map((b) => b.then), n.else, n.next];
    case "split":
      return [...n.arms.map((a) => a.then), n.next];
    case "call":
      return [n.onError, n.next];
    case "repeat":
      return [n.body, n.next];
    case "jump":
    case "end":
      return [];
    default:
      return [n.next];
  }
}

/** Graph invariants the schema cannot express. */
function checkGraph(ir: IR): string[] {
  const problems: string[] = [];
  for (const [name, j] of Object.entries(ir.journeys)) {
    if (j.id !== name) problems.push(`journey key ${name} has id ${j.id}`);
    const ids = new Set(Object.keys(j.nodes));
    const ref = (from: string, to: string | null) => {
      if (to !== null && !ids.has(to)) problems.push(`${name}: ${from} → unknown node ${to}`);
    };
    ref("entry", j.entry);
    for (const [id, n] of Object.entries(j.nodes)) {
      for (const t of targets(n)) ref(id, t);
      if (n.kind === "jump" && !ir.journeys[n.journey]) problems.push(`${name}: ${id} jumps to unknown journey ${n.journey}`);
      if (!ir.sourceMap.nodes[`${name}#${id}`]) problems.push(`${name}: node ${id} has no source location`);
    }
    // Every node is reachable from the entry.
    const seen = new Set<string>();
    const stack = j.entry ? [j.entry] : [];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id) || !j.nodes[id]) continue;
      seen.add(id);
      for (const t of targets(j.nodes[id]!)) if (t) stack.push(t);
    }
    for (const id of ids) if (!seen.has(id)) problems.push(`${name}: node ${id} is unreachable from the entry`);
  }
  for (const [name, x] of Object.entries(ir.experiences)) {
    if (x.id !== name) problems.push(`experience key ${name} has id ${x.id}`);
    for (const v of x.variants) if (!ir.sourceMap.nodes[`${name}#variant:${v.name}`]) problems.push(`${name}: variant ${v.name} has no source location`);
  }
  for (const [key, loc] of Object.entries(ir.sourceMap.nodes)) {
    if (loc[0] >= ir.sourceMap.files.length) problems.push(`source map ${key} points at file #${loc[0]} of ${ir.sourceMap.files.length}`);
    if (loc[1] > loc[3] || (loc[1] === loc[3] && loc[2] > loc[4])) problems.push(`source map ${key} ends before it starts`);
  }
  return problems;
}

function expectValid(p: Project): IR {
  const { ir, irJson } = compileOk(p);
  // Validate the bytes the build writes, not the in-memory object.
  const parsed = JSON.parse(irJson) as unknown;
  const ok = validate(parsed);
  if (!ok) expect.fail(`${p.name}: the IR does not match the schema:\n${errorsText(validate.errors)}`);
  expect(checkGraph(ir)).toEqual([]);
  return ir;
}

describe("IR JSON Schema", () => {
  test("is a strict draft 2020-12 schema with the published $id", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe("https://journey.dev/schemas/ir-v1.json");
    expect(() => validator()).not.toThrow();
  });

  test("the brief's complete example validates", () => {
    const ir = expectValid(briefExample());
    expect(Object.keys(ir.journeys)).toEqual(["AbandonedCart", "RecentlyViewed", "WinBack"]);
    expect(Object.keys(ir.experiences)).toEqual(["HomeHero"]);
  });

  const samples = sampleProjects();
  test("there are sample projects", () => {
    expect(samples.length).toBeGreaterThan(0);
  });
  test.each(samples.map((p) => [p.name, p] as const))("%s validates", (_name, p) => {
    expectValid(p);
  });

  test.each(inlineProjects().map((p) => [p.name, p] as const))("%s validates", (_name, p) => {
    expectValid(p);
  });

  test("the inline projects cover every node, trigger, step and expectation kind", () => {
    const irs = inlineProjects().map((p) => compileOk(p).ir);
    const nodes = new Set<string>();
    const triggers = new Set<string>();
    const expStep = new Set<string>();
    const expectations = new Set<string>();
    const channels = new Set<string>();
    let splitVariant = false;
    let ifWithElifAndElse = false;
    const contentKinds = new Set<string>();
    const features = new Set<string>();
    for (const ir of irs) {
      for (const j of Object.values(ir.journeys)) {
        if (j.trigger) triggers.add(j.trigger.kind);
        for (const n of Object.values(j.nodes)) {
          nodes.add(n.kind);
          if (n.kind === "send") {
            channels.add(n.channel);
            if (n.template) contentKinds.add("template");
            for (const c of Object.values(n.content ?? {})) contentKinds.add("template" in c ? `inline:${c.escape}` : "inline:expr");
          }
          if (n.kind === "if" && n.branches.length > 1 && n.else) ifWithElifAndElse = true;
          if (n.kind === "waitFor" && n.onEvent && n.onTimeout && n.alias && n.where) features.add("waitFor body+timeout+alias+where");
          if (n.kind === "call" && n.alias && n.onError) features.add("call as+on error");
          if (n.kind === "recommend" && n.where && n.backup && n.exclude.some((x) => typeof x === "string") && n.exclude.some((x) => typeof x !== "string")) features.add("recommend where+exclude+limit+backup");
          if (n.kind === "repeat" && n.every) features.add("repeat every");
          if (n.kind === "waitUntil" && "at" in n) features.add("waitUntil <time of day>");
        }
        if (j.exits.length && j.goals.length) features.add("exits+goals");
        if (j.trigger?.kind === "schedule" && typeof j.trigger.every === "object") features.add("schedule every <duration>");
        if (j.trigger?.kind === "schedule" && typeof j.trigger.every === "string") features.add(j.trigger.day ? "schedule every month on <day>" : "schedule every day|week");
      }
      for (const x of Object.values(ir.experiences)) {
        for (const s of x.steps) expStep.add(s.kind);
        if (x.variants.some((v) => v.split)) splitVariant = true;
        if (x.context && x.active && x.variants.some((v) => v.when) && x.variants.some((v) => v.active)) features.add("experience context+active+when");
      }
      for (const t of ir.tests) {
        for (const e of t.expectations) {
          expectations.add(`${e.kind}${"negated" in e && e.negated ? ":no" : ""}`);
          if (e.kind === "decide") for (const k of ["variant", "contains", "json"] as const) if (e[k] !== undefined) features.add(`decide ${k}`);
          if (e.kind === "send" || e.kind === "profile") for (const c of e.conditions) features.add(`${e.kind} where ${c.op}`);
        }
        if (t.start && t.catalog && t.events.length) features.add("test start+catalog+events");
        for (const r of t.responses ?? []) features.add(`respond ${r.error !== undefined ? "error" : "answer"}${r.conditions.length ? "+where" : ""}`);
      }
    }
    expect([...nodes].sort()).toEqual(["call", "end", "if", "jump", "let", "recommend", "repeat", "send", "set", "split", "wait", "waitFor", "waitUntil"]);
    expect([...triggers].sort()).toEqual(["audience", "event", "schedule"]);
    expect([...expStep].sort()).toEqual(["call", "let", "recommend"]);
    expect([...expectations].sort()).toEqual(["call", "call:no", "decide", "ended", "goal", "goal:no", "profile", "send", "send:no", "suppressed", "suppressed:no"]);
    expect([...channels].sort()).toEqual(["email", "push", "sms", "webhook"]);
    expect([...contentKinds].sort()).toEqual(["inline:expr", "inline:html", "inline:none", "template"]);
    expect(splitVariant).toBe(true);
    expect(ifWithElifAndElse).toBe(true);
    expect([...features].sort()).toEqual(
      [
        "call as+on error",
        "decide contains",
        "decide json",
        "decide variant",
        "exits+goals",
        "experience context+active+when",
        "profile where !=",
        "profile where ==",
        "profile where contains",
        "profile where not contains",
        "recommend where+exclude+limit+backup",
        "repeat every",
        "respond answer",
        "respond error+where",
        "schedule every <duration>",
        "schedule every day|week",
        "schedule every month on <day>",
        "send where ==",
        "send where contains",
        "send where not contains",
        "test start+catalog+events",
        "waitUntil <time of day>",
        "waitFor body+timeout+alias+where",
      ].sort(),
    );
  });
});

describe("the schema rejects broken IRs", () => {
  const base = (): IR => JSON.parse(compileOk(inlineProjects()[0]!).irJson) as IR;
  const rejects = (ir: unknown, path: RegExp) => {
    expect(validate(ir)).toBe(false);
    expect(errorsText(validate.errors)).toMatch(path);
  };

  test("the unmodified IR is accepted (control)", () => {
    expect(validate(base()), errorsText(validate.errors)).toBe(true);
  });

  test("a wrong irVersion", () => {
    rejects({ ...base(), irVersion: 2 }, /^ {2}\/irVersion must be equal to constant/m);
  });

  test("an unknown node kind", () => {
    const ir = base();
    const j = ir.journeys.Everything!;
    (j.nodes[j.entry!] as { kind: string }).kind = "sleep";
    rejects(ir, /\/journeys\/Everything\/nodes\/wait:4h/);
  });

  test("a node without `next`", () => {
    const ir = base();
    const j = ir.journeys.Everything!;
    delete (j.nodes[j.entry!] as { next?: unknown }).next;
    rejects(ir, /must have required property 'next'/);
  });

  test("an unknown property on a node, a journey and the root", () => {
    const a = base();
    (a.journeys.Everything!.nodes["wait:4h"] as unknown as Record<string, unknown>).extra = 1;
    rejects(a, /must NOT have additional properties/);
    const b = base();
    (b.journeys.Everything as unknown as Record<string, unknown>).color = "red";
    rejects(b, /\/journeys\/Everything must NOT have additional properties/);
    rejects({ ...base(), extra: true }, /^ {2}\/ must NOT have additional properties/m);
  });

  test("a schedule's day: 1 to 31, and with `every: \"month\"` only", () => {
    const schedule = (trigger: object) => {
      const ir = base();
      ir.journeys.Statement!.trigger = { kind: "schedule", audience: "Gold", ...trigger } as IR["journeys"][string]["trigger"];
      return ir;
    };
    expect(validate(schedule({ every: "month", day: 31, at: "09:00" })), errorsText(validate.errors)).toBe(true);
    expect(validate(schedule({ every: "month" })), errorsText(validate.errors)).toBe(true);
    rejects(schedule({ every: "month", day: 32 }), /\/journeys\/Statement\/trigger\/day must be <= 31/);
    rejects(schedule({ every: "month", day: 1.5 }), /\/journeys\/Statement\/trigger\/day must be integer/);
    rejects(schedule({ every: "week", day: 1 }), /\/journeys\/Statement\/trigger\/every must be equal to constant/);
  });

  test("a malformed expression and type", () => {
    const a = base();
    a.audiences.Gold!.condition = { op: "==", args: [{ path: ["profile", "tier"] }, { lit: "gold" }], extra: 1 } as never;
    rejects(a, /\/audiences\/Gold\/condition/);
    const b = base();
    (b.profile as { kind: string }).kind = "map";
    rejects(b, /^ {2}\/profile/m);
  });

  test("an operator with a wrong number of operands: one for `not` and `neg`, two for the binary ones, three for `if`", () => {
    const condition = (e: unknown) => {
      const ir = base();
      ir.audiences.Gold!.condition = e as never;
      return ir;
    };
    const t = { lit: true };
    for (const [op, n] of [["not", 1], ["neg", 1], ["and", 2], ["+", 2], ["==", 2], ["if", 3]] as const) {
      expect(validate(condition({ op, args: Array(n).fill(t) })), `${op} with ${n}: ${errorsText(validate.errors)}`).toBe(true);
      for (const wrong of [n - 1, n + 1].filter((k) => k > 0)) rejects(condition({ op, args: Array(wrong).fill(t) }), /\/audiences\/Gold\/condition/);
    }
  });

  test("a source location that is not five integers", () => {
    const ir = base();
    const key = Object.keys(ir.sourceMap.nodes)[0]!;
    (ir.sourceMap.nodes as Record<string, unknown>)[key] = [0, 1, 1, 2];
    rejects(ir, /\/sourceMap\/nodes\//);
    (ir.sourceMap.nodes as Record<string, unknown>)[key] = [0, 1, 1, 2, 3.5];
    rejects(ir, /\/sourceMap\/nodes\//);
  });

  test("a missing required section and a bad journey version", () => {
    const a = base() as Partial<IR>;
    delete a.journeys;
    rejects(a, /must have required property 'journeys'/);
    const b = base();
    b.journeys.Everything!.version = "v1";
    rejects(b, /\/journeys\/Everything\/version must match pattern/);
  });
});
