/** `journeyGraph`: a compiled journey as a flowchart, every step and edge, labels written back from the IR. */
import { compile, type IR } from "@journey/compiler";
import { describe, expect, it } from "vitest";
import { expr, journeyGraph } from "../src/graph.js";

function irOf(text: string): IR {
  const r = compile([{ path: "main.journey", text }]);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!;
}

const PROJECT = `
profile {
  email: string
  tier: "gold" | "silver" = "silver"
  points: int = 0
}
event SignedUp { plan: string }
event Ordered { total: number }
audience Gold = profile.tier == "gold"
journey Welcome {
  on SignedUp as s where s.plan != "free"
  exit on Ordered where event.total > 100
  goal firstOrder: Ordered within 7d
  send email { subject "Hi" text "Welcome" } to profile.email
  wait for Ordered within 2d {
    set profile.points = profile.points + 10 * 2
  } timeout {
    split "nudge" {
      A 50% { send email { subject "A" text "a" } to profile.email }
      B 50% { }
    }
  }
  if profile.tier == "gold" {
    end
  } else if not (profile.points > 5 or profile.points < 0) {
    wait 1d
  }
  repeat 2 every 1d {
    send email { subject "again" text "x" } to profile.email
  }
}
journey Vip {
  on enter Gold
  jump to Welcome2
}
journey Welcome2 {
  on schedule every week at 09:00 for Gold
  send email { subject "w" text "w" } to profile.email
}
`;

describe("journeyGraph", () => {
  const ir = irOf(PROJECT);

  it("draws every step once, the trigger, exits and goals, and labels each edge with what takes it (Mermaid)", () => {
    expect(journeyGraph(ir, ["Welcome"], "mermaid")).toBe(
      [
        "flowchart TD",
        '  subgraph j1["Welcome"]',
        '    j1_0(["on SignedUp as s where s.plan != #quot;free#quot;"])',
        '    j1_1["send email { subject, text } to profile.email"]',
        '    j1_2>"exit on Ordered where event.total #gt; 100"]',
        '    j1_3>"goal firstOrder: Ordered within 7d"]',
        '    j1_4{"wait for Ordered within 2d"}',
        '    j1_5["set profile.points = profile.points + 10 * 2"]',
        '    j1_6{"split #quot;nudge#quot;"}',
        '    j1_7{"if"}',
        '    j1_8["send email { subject, text } to profile.email"]',
        '    j1_9(("end"))',
        '    j1_10[/"wait 1d"/]',
        '    j1_11{"repeat 2 every 1d"}',
        '    j1_12["send email { subject, text } to profile.email"]',
        "    j1_0 --> j1_1",
        "    j1_0 -.- j1_2",
        "    j1_0 -.- j1_3",
        "    j1_1 --> j1_4",
        '    j1_4 -->|"Ordered"| j1_5',
        '    j1_4 -->|"timeout"| j1_6',
        "    j1_5 --> j1_7",
        '    j1_6 -->|"A 50%"| j1_8',
        '    j1_6 -->|"B 50%"| j1_7',
        '    j1_7 -->|"profile.tier == #quot;gold#quot;"| j1_9',
        '    j1_7 -->|"else if not (profile.points #gt; 5 or profile.points #lt; 0)"| j1_10',
        '    j1_7 -->|"else"| j1_11',
        "    j1_8 --> j1_7",
        "    j1_10 --> j1_11",
        '    j1_11 -->|"each time"| j1_12',
        '    j1_11 -->|"done"| j1_9',
        "    j1_12 --> j1_11",
        "  end",
        "",
      ].join("\n"),
    );
  });

  it("audience and schedule triggers, jumps; several journeys one subgraph each (DOT)", () => {
    const out = journeyGraph(ir, ["Vip", "Welcome2"], "dot");
    expect(out).toContain('subgraph cluster_1 {\n    label="Vip";\n    j1_0 [shape=oval, label="on enter Gold"];\n    j1_1 [shape=doublecircle, label="jump to Welcome2"];\n    j1_0 -> j1_1;\n  }');
    expect(out).toContain('j2_0 [shape=oval, label="on schedule every week at 09:00 for Gold"];');
    expect(out.startsWith("digraph journeys {\n")).toBe(true);
    expect(out.endsWith("}\n")).toBe(true);
  });

  it("notes `reentry` beside the trigger unless it is the default, `never`", () => {
    const reentry = (clause: string) => journeyGraph(irOf(`profile { email: string }\nevent E { n: int }\njourney J {\n  on E\n  ${clause}\n  wait 1h\n}\n`), ["J"], "mermaid");
    expect(reentry("reentry after 7d")).toContain('    j1_2>"reentry after 7d"]\n');
    expect(reentry("reentry after 7d")).toContain("    j1_0 -.- j1_2\n");
    expect(reentry("reentry always")).toContain('>"reentry always"]');
    expect(reentry("reentry never")).not.toContain("reentry");
  });

  it("writes expressions back with parentheses only where they are needed", () => {
    const e = (text: string) => {
      const ir = irOf(`profile { email: string, n: int = 0, tags: list<string> = [] }\nevent E {}\njourney J {\n  on E\n  let x = ${text}\n  wait 1h\n}\n`);
      const node = Object.values(ir.journeys["J"]!.nodes).find((n) => n.kind === "let")!;
      return expr((node as { value: Parameters<typeof expr>[0] }).value);
    };
    expect(e("(profile.n + 1) * 2")).toBe("(profile.n + 1) * 2");
    expect(e("profile.n + 1 * 2")).toBe("profile.n + 1 * 2");
    expect(e("profile.n - (1 - 2)")).toBe("profile.n - (1 - 2)");
    expect(e("not (profile.n > 1 and profile.n < 3)")).toBe("not (profile.n > 1 and profile.n < 3)");
    expect(e('length(profile.tags) > 0 or profile.email == "a\\"b"')).toBe('length(profile.tags) > 0 or profile.email == "a\\"b"');
    expect(e("[1, 2][0]")).toBe("[1, 2][0]");
    expect(e("90m")).toBe("1h30m");
    // A conditional's `else` value runs to the end: in parentheses inside an operator only.
    expect(e("if profile.n > 1 then 2 else if profile.n > 0 then 1 else 0")).toBe("if profile.n > 1 then 2 else if profile.n > 0 then 1 else 0");
    expect(e("(if profile.n > 1 then 2 else 1) * 3")).toBe("(if profile.n > 1 then 2 else 1) * 3");
    expect(e("3 * (if profile.n > 1 then 2 else 1)")).toBe("3 * (if profile.n > 1 then 2 else 1)");
    expect(e("max(if profile.n > 1 then 2 else 1, 5)")).toBe("max(if profile.n > 1 then 2 else 1, 5)");
  });

  it("writes a label's `&` and a split's quoted name as text, and keeps Mermaid from eating the `;` of a `style…:…#…;` line", () => {
    const ir = irOf(`profile { email: string, style: string = "" }\nevent E { name: string }\njourney J {\n  on E where event.name == "a&amp;b"\n  set profile.style = "color:red"\n  split "x \\"1\\"" {\n    A 100% { }\n  }\n}\n`);
    const out = journeyGraph(ir, ["J"], "mermaid");
    expect(out).toContain('j1_0(["on E where event.name == #quot;a#amp;amp;b#quot;"])');
    // Mermaid's own pattern for style lines, which strips the last `;` of a line it matches.
    expect(out.split("\n").filter((l) => /style.*:\S*#.*;/.test(l))).toEqual([]);
    expect(out).toContain('j1_1["set profile.style = #quot;color#58;red#quot;"]');
    expect(out).toContain('j1_2{"split #quot;x \\#quot;1\\#quot;#quot;"}');
    expect(journeyGraph(ir, ["J"], "dot")).toContain('j1_2 [shape=diamond, label="split \\"x \\\\\\"1\\\\\\"\\""];');
  });

  it("a recommendation's label has its filter (`where`, `exclude`) and backup on lines of their own, escaped for both formats", () => {
    const ir = irOf(
      `profile { email: string }\nevent E { skus: list<string> }\ncatalog P {\n  key sku: string\n  price: number\n  tag: string\n  signals { view E.skus }\n}\n` +
        `journey J {\n  on E as e\n  recommend r = popular(by: purchases, window: 14d) where item.price > 10 and item.tag != "a&b" exclude purchased, e.skus limit 3 backup popular(by: views)\n  recommend s = popular() limit 2\n}\n`,
    );
    const mermaid = journeyGraph(ir, ["J"], "mermaid");
    expect(mermaid).toContain('j1_1["recommend r = popular(by: purchases, window: 14d) limit 3<br>where item.price #gt; 10 and item.tag != #quot;a#amp;b#quot;<br>exclude purchased, e.skus<br>backup popular(by: views)"]');
    expect(mermaid).toContain('j1_2["recommend s = popular() limit 2"]');
    expect(journeyGraph(ir, ["J"], "dot")).toContain('j1_1 [shape=box, label="recommend r = popular(by: purchases, window: 14d) limit 3\\nwhere item.price > 10 and item.tag != \\"a&b\\"\\nexclude purchased, e.skus\\nbackup popular(by: views)"];');
  });

  it("cuts a long label with `…` (a box holds a line)", () => {
    const long = irOf(`profile { email: string }\nevent E {}\njourney J {\n  on E where ${Array.from({ length: 20 }, (_, i) => `${i} < ${i + 1}`).join(" and ")}\n  wait 1h\n}\n`);
    const start = journeyGraph(long, ["J"], "mermaid").split("\n")[2]!;
    expect(start).toMatch(/^ {4}j1_0\(\["on E where 0 #lt; 1 and .*…"\]\)$/);
    expect([...start.slice(start.indexOf('"') + 1, start.lastIndexOf('"'))].length).toBeLessThan(120);
    // Each line of a recommendation on its own: the clauses after a long `where` still show.
    const rec = irOf(`profile { email: string }\nevent E { sku: string }\ncatalog P {\n  key sku: string\n  n: int\n  signals { view E.sku }\n}\njourney J {\n  on E\n  recommend r = popular() where ${Array.from({ length: 20 }, (_, i) => `item.n != ${i}`).join(" and ")} exclude viewed limit 2\n}\n`);
    expect(journeyGraph(rec, ["J"], "mermaid")).toMatch(/j1_1\["recommend r = popular\(\) limit 2<br>where item\.n != 0 and [^<]*…<br>exclude viewed"\]/);
  });
});
