/** End-to-end tests of `journey graph`: the built command on the samples, as a user runs it. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderWith, runJourney, samples, temporaryFolder } from "./support.js";

const tmp = temporaryFolder("journey-graph-e2e-");
const journey = (args: string[]) => runJourney(args, tmp());

describe("journey graph", () => {
  it("draws every journey of a sample as Mermaid on stdout, nothing on stderr", () => {
    const r = journey(["graph", join(samples, "brief-example")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith("flowchart TD\n")).toBe(true);
    const subgraphs = [...r.stdout.matchAll(/^ {2}subgraph j\d+\["(\w+)"\]$/gm)].map((m) => m[1]);
    expect(subgraphs.length).toBeGreaterThan(1);
    expect(subgraphs).toEqual([...subgraphs].sort());
    expect(r.stdout.match(/^ {2}end$/gm)).toHaveLength(subgraphs.length);
  });

  it("--journey picks journeys, --format dot writes Graphviz", () => {
    const r = journey(["graph", join(samples, "abandoned-cart"), "--journey", "AbandonedCart", "--format", "dot"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('label="AbandonedCart";');
    expect(r.stdout).toContain('j1_1 [shape=parallelogram, label="wait 4h"];');
    expect(r.stdout).toMatch(/-> j1_\d+ \[label="timeout"\];/);
  });

  it("an unknown journey names the close one, or lists them; an unknown format lists the formats", () => {
    const cart = join(samples, "abandoned-cart");
    const close = journey(["graph", cart, "--journey", "AbandonedCrat"]);
    expect(close.status).toBe(1);
    expect(close.stderr).toBe(`journey: --journey AbandonedCrat: no journey \`AbandonedCrat\` in ${cart}: did you mean \`AbandonedCart\`?\n`);
    expect(journey(["graph", cart, "--journey", "Zzz"]).stderr).toBe(`journey: --journey Zzz: no journey \`Zzz\` in ${cart}: its journeys are \`AbandonedCart\`, \`Preferences\`\n`);
    const format = journey(["graph", cart, "--format", "svg"]);
    expect(format.status).toBe(1);
    expect(format.stderr).toContain("Allowed choices are mermaid, dot");
  });

  it("a project with errors prints them and draws nothing; one without journeys says so", () => {
    const broken = folderWith(tmp(), "broken", { "a.journey": "profile { email: string }\njourney J {\n  on Nope\n}\n" });
    const r = journey(["graph", broken]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("error[");
    expect(r.stdout).not.toContain("flowchart");
    const empty = folderWith(tmp(), "empty", { "a.journey": "profile { email: string }\n" });
    expect(journey(["graph", empty])).toMatchObject({ status: 1, stderr: `journey: ${empty}: no journeys to draw\n` });
  });
});
