/**
 * Deterministic output and stable identities: same input → same bytes (whatever the file
 * order), layout and comments do not touch versions or node ids, and editing one step
 * leaves every other step's id alone so waiting instances survive a redeploy.
 */
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { compile, type IR, type SourceInput } from "@journey/compiler";
import { briefExample, inlineProjects, sampleProjects, type Project } from "./fixtures.js";

function build(files: SourceInput[]): { ir: IR; irJson: string } {
  const r = compile(files);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) expect.fail(errors.map((d) => `${d.file}:${d.span.start} ${d.code} ${d.message}`).join("\n"));
  return { ir: r.ir!, irJson: r.irJson! };
}

const everything = (): Project => inlineProjects()[0]!;
const projects = (): Project[] => [briefExample(), ...inlineProjects(), ...sampleProjects()];

/** Every permutation of a small list (Heap's algorithm); callers keep lists short. */
function permutations<T>(items: T[]): T[][] {
  const out: T[][] = [];
  const a = [...items];
  const c = new Array<number>(a.length).fill(0);
  out.push([...a]);
  let i = 0;
  while (i < a.length) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [a[j], a[i]] = [a[i]!, a[j]!];
      out.push([...a]);
      c[i]!++;
      i = 0;
    } else c[i++] = 0;
  }
  return out;
}

/**
 * Change only layout and comments: re-indent every line outside `"""` strings, add a block
 * comment line and a blank line before it, and a trailing line comment where the line holds
 * no string or comment. Lines after a `///` doc comment get no new comment line before them,
 * since a plain comment between a doc comment and its declaration detaches the doc.
 */
function relayout(text: string): string {
  const out: string[] = [];
  let inTriple = false;
  let prevDoc = false;
  for (const line of text.split("\n")) {
    const triples = (line.match(/"""/g) ?? []).length;
    if (inTriple) {
      out.push(line);
    } else {
      const trimmed = line.trim();
      const isDoc = trimmed.startsWith("///");
      if (!prevDoc && trimmed !== "") out.push("", "   /* layout-only edit */");
      const trailing = !line.includes('"') && !line.includes("//") && !line.includes("/*") && trimmed !== "" ? "   // trailing note" : "";
      out.push(`\t  ${line}${trailing}`);
      prevDoc = isDoc;
    }
    if (triples % 2 === 1) inTriple = !inTriple;
  }
  return out.join("\r\n") + "\n\n// end of file\n";
}

/** The IR without what legitimately moves with the text: the source map and test locations. */
function withoutPositions(ir: IR): unknown {
  return JSON.parse(JSON.stringify({ ...ir, sourceMap: undefined }, (k, v: unknown) => (k === "loc" ? undefined : v)));
}

function nodeIds(ir: IR): Record<string, string[]> {
  return Object.fromEntries(Object.entries(ir.journeys).map(([name, j]) => [name, Object.keys(j.nodes).sort()]));
}

function versions(ir: IR): Record<string, string> {
  return Object.fromEntries([...Object.entries(ir.journeys), ...Object.entries(ir.experiences)].map(([name, x]) => [name, x.version]));
}

/** Replace exactly one occurrence of `from` in the project's files (fails if not exactly one). */
function edit(p: Project, from: string, to: string): SourceInput[] {
  const hits = p.files.flatMap((f) => f.text.split(from).length - 1);
  expect(hits.reduce((a, b) => a + b, 0), `"${from}" must occur exactly once`).toBe(1);
  return p.files.map((f) => (f.text.includes(from) ? { ...f, text: f.text.replace(from, to) } : f));
}

describe("same input, same bytes", () => {
  test.each(projects().map((p) => [p.name, p] as const))("%s: compiling twice gives identical bytes", (_n, p) => {
    const a = build(p.files).irJson;
    const b = build(p.files).irJson;
    expect(b).toBe(a);
  });

  test("no state leaks from one compilation into the next", () => {
    const first = projects().map((p) => build(p.files).irJson);
    const again = [...projects()].reverse().map((p) => build(p.files).irJson).reverse();
    expect(again).toEqual(first);
  });

  test("every permutation of the input file order gives identical bytes", () => {
    const p = everything();
    expect(p.files.length).toBe(4);
    const expected = build(p.files).irJson;
    const perms = permutations(p.files);
    expect(perms.length).toBe(24);
    for (const files of perms) expect(build(files).irJson).toBe(expected);
  });

  test.each(sampleProjects().filter((p) => p.files.length > 1).map((p) => [p.name, p] as const))("%s: reversed file order gives identical bytes", (_n, p) => {
    expect(build([...p.files].reverse()).irJson).toBe(build(p.files).irJson);
  });

  test("the serialised IR is the stable JSON text of the IR", () => {
    const { ir, irJson } = build(everything().files);
    expect(irJson).toBe(JSON.stringify(ir, null, 2) + "\n");
    expect(irJson).toBe(JSON.stringify(JSON.parse(irJson), null, 2) + "\n");
  });
});

describe("layout and comments change nothing but positions", () => {
  test.each(projects().map((p) => [p.name, p] as const))("%s", (_n, p) => {
    const before = build(p.files).ir;
    const after = build(p.files.map((f) => ({ ...f, text: relayout(f.text) }))).ir;
    // The transformation really moved things.
    expect(after.sourceMap.nodes).not.toEqual(before.sourceMap.nodes);
    expect(versions(after)).toEqual(versions(before));
    expect(nodeIds(after)).toEqual(nodeIds(before));
    expect(Object.keys(after.sourceMap.nodes)).toEqual(Object.keys(before.sourceMap.nodes));
    expect(after.hash).toBe(before.hash);
    expect(withoutPositions(after)).toEqual(withoutPositions(before));
  });
});

describe("node ids are stable across unrelated edits", () => {
  const base = build(everything().files).ir;
  const others = (ir: IR, journey: string, except: string[]) => Object.keys(ir.journeys[journey]!.nodes).filter((id) => !except.includes(id)).sort();

  test("the ids this suite relies on exist", () => {
    const ids = Object.keys(base.journeys.Everything!.nodes);
    expect(ids).toContain("wait:4h");
    // `if` and `repeat` labels carry a hash of their conditions: two `if`s in a block never collide.
    expect(ids.filter((id) => /^if:[0-9a-f]{8}\/elif2\/wait:1h$/.test(id))).toHaveLength(1);
    expect(ids.filter((id) => /^split:cart-followup\/A\/waitFor:OrderPlaced\/timeout\/repeat:[0-9a-f]{8}\/body\/send:sms$/.test(id))).toHaveLength(1);
    expect(ids).toContain("call:Weather:w/error/send:sms");
  });

  test("changing `wait 4h` to `wait 3h` changes that step's id only, and the journey's version", () => {
    const after = build(edit(everything(), "wait 4h", "wait 3h")).ir;
    const j = after.journeys.Everything!;
    expect(Object.keys(j.nodes)).toContain("wait:3h");
    expect(Object.keys(j.nodes)).not.toContain("wait:4h");
    expect(others(after, "Everything", ["wait:3h"])).toEqual(others(base, "Everything", ["wait:4h"]));
    expect(j.version).not.toBe(base.journeys.Everything!.version);
    // Every other journey and experience: same version, same nodes.
    for (const name of Object.keys(base.journeys).filter((n) => n !== "Everything")) {
      expect(after.journeys[name]).toEqual(base.journeys[name]);
    }
    for (const name of Object.keys(base.experiences)) expect(after.experiences[name]).toEqual(base.experiences[name]);
  });

  test("editing a step's expression keeps every id (same label) and changes the version", () => {
    const after = build(edit(everything(), "let total = cart.total * 1.25", "let total = cart.total * 1.5")).ir;
    expect(nodeIds(after)).toEqual(nodeIds(base));
    expect(after.journeys.Everything!.version).not.toBe(base.journeys.Everything!.version);
    expect(after.journeys.WinBack!.version).toBe(base.journeys.WinBack!.version);
  });

  test("adding a step inside one `if` branch leaves every existing id unchanged", () => {
    const after = build(edit(everything(), "} else if w.tempC > 25 {\n    wait 1h", "} else if w.tempC > 25 {\n    send sms { text \"Hot!\" } to profile.phone ?? \"\"\n    wait 1h")).ir;
    const ids = Object.keys(after.journeys.Everything!.nodes);
    for (const id of Object.keys(base.journeys.Everything!.nodes)) expect(ids).toContain(id);
    expect(ids.length).toBe(Object.keys(base.journeys.Everything!.nodes).length + 1);
    expect(ids.filter((id) => /^if:[0-9a-f]{8}\/elif2\/send:sms$/.test(id))).toHaveLength(1);
    expect(after.journeys.Everything!.version).not.toBe(base.journeys.Everything!.version);
  });

  test("adding a step in another split arm or an `on error` block leaves every existing id unchanged", () => {
    const p = everything();
    const a = build(edit(p, "B 40% {\n      wait for SiteVisited", "B 40% {\n      let marker = 1\n      wait for SiteVisited")).ir;
    const b = build(edit(p, "call Weather(profile.city ?? \"Stockholm\") as w on error {\n", "call Weather(profile.city ?? \"Stockholm\") as w on error {\n    wait 5m\n")).ir;
    for (const after of [a, b]) {
      const ids = Object.keys(after.journeys.Everything!.nodes);
      for (const id of Object.keys(base.journeys.Everything!.nodes)) expect(ids).toContain(id);
      expect(ids.length).toBe(Object.keys(base.journeys.Everything!.nodes).length + 1);
    }
  });

  test("appending a step at the end of a journey keeps every existing id", () => {
    const after = build(edit(everything(), "repeat 2 { wait 30m }\n  jump to WinBack", "repeat 2 { wait 30m }\n  let appended = 1\n  jump to WinBack")).ir;
    const ids = Object.keys(after.journeys.Everything!.nodes);
    for (const id of Object.keys(base.journeys.Everything!.nodes)) expect(ids).toContain(id);
  });
});

describe("journey versions", () => {
  const base = build(everything().files).ir;

  test("a redeploy that does not touch a journey keeps its version", () => {
    // Edit one journey, add a journey, an event, a test; reorder declarations across files.
    const p = everything();
    const files = edit(p, "wait 4h", "wait 5h").map((f) =>
      f.path.endsWith("schema.journey") ? { ...f, text: f.text + "\nevent Extra { x: int }\n" } : f.path.endsWith("tests.journey") ? { ...f, text: f.text + '\ntest "more" { profile "z" { email: "z@example.com", consent: { email: true, sms: true, push: true } } }\n' } : f,
    );
    files.push({ path: "shop/zz-new.journey", text: "journey Brand_New {\n  on Extra as x\n  wait 1h\n}\n" });
    const after = build(files).ir;
    for (const name of Object.keys(base.journeys)) {
      if (name === "Everything") expect(after.journeys[name]!.version).not.toBe(base.journeys[name]!.version);
      else expect(after.journeys[name]!.version, name).toBe(base.journeys[name]!.version);
    }
    for (const name of Object.keys(base.experiences)) expect(after.experiences[name]!.version, name).toBe(base.experiences[name]!.version);
    expect(after.hash).not.toBe(base.hash);
  });

  test("moving a journey to another file keeps its version and node ids", () => {
    const p = everything();
    const src = p.files.find((f) => f.path.endsWith("journeys.journey"))!;
    const start = src.text.indexOf("journey Weekly {");
    const end = src.text.indexOf("\n}\n", start) + 3;
    const weekly = src.text.slice(start, end);
    const files = p.files.map((f) => (f === src ? { ...f, text: src.text.slice(0, start) + src.text.slice(end) } : f));
    files.push({ path: "aaa/weekly.journey", text: "\n\n" + weekly });
    const after = build(files).ir;
    expect(versions(after)).toEqual(versions(base));
    expect(nodeIds(after)).toEqual(nodeIds(base));
    expect(after.sourceMap.nodes["Weekly#recommend:seen"]![0]).toBe(after.sourceMap.files.indexOf("aaa/weekly.journey"));
  });

  test("changing any part of a journey changes its version", () => {
    const p = everything();
    const edits: [string, string][] = [
      ["reentry after 7d", "reentry after 8d"],
      ['where opened.campaign == "stop"', 'where opened.campaign == "halt"'],
      ["goal purchase: OrderPlaced within 7d", "goal purchase: OrderPlaced within 6d"],
      ["limit 4\n", "limit 5\n"],
      ["A 50% {\n      wait for", "A 60% {\n      wait for"],
      ["B 40% {", "B 30% {"],
      ['{ text "Still there?" }', '{ text "Still here?" }'],
      ["repeat 3 every 1d", "repeat 4 every 1d"],
    ];
    for (const [from, to] of edits) {
      let files = edit(p, from, to);
      // Percentages must still add up to 100.
      if (from.startsWith("A 50%")) files = edit({ name: "", files }, "B 40% {", "B 30% {");
      if (from === "B 40% {") files = edit({ name: "", files }, "control 10% { }", "control 20% { }");
      const after = build(files).ir;
      expect(after.journeys.Everything!.version, `${from} → ${to}`).not.toBe(base.journeys.Everything!.version);
      expect(after.journeys.WinBack!.version).toBe(base.journeys.WinBack!.version);
    }
  });

  test("versions and hashes look like content hashes", () => {
    for (const v of Object.values(versions(base))) expect(v).toMatch(/^[0-9a-f]{16}$/);
    expect(base.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(Object.values(versions(base))).size).toBe(Object.keys(versions(base)).length);
  });
});

describe("experience versions", () => {
  const project = (legal: string): SourceInput[] => [
    {
      path: "x.journey",
      text: `profile { email: string }
fragment Legal """${legal}"""
fragment Fine """<small>{{> Legal}}</small>"""
experience WithFooter {
  surface "web://s.example.com/#a"
  format html
  variant D { content "<p>Hi</p>{{> Fine}}" }
}
experience Plain {
  surface "web://s.example.com/#b"
  format html
  variant D { content "<p>Hi</p>" }
}
`,
    },
  ];

  test("a fragment the content includes (through another one) is part of the version; other experiences keep theirs", () => {
    const before = build(project("Terms apply.")).ir;
    const after = build(project("Terms and conditions apply.")).ir;
    expect(after.experiences.WithFooter!.version).not.toBe(before.experiences.WithFooter!.version);
    expect(after.experiences.Plain!.version).toBe(before.experiences.Plain!.version);
    // Without fragments, the version is the hash of the experience's own JSON, as a journey's.
    expect(after.experiences.Plain!.version).toBe(createHash("sha256").update(JSON.stringify({ ...after.experiences.Plain!, version: undefined })).digest("hex").slice(0, 16));
  });
});
