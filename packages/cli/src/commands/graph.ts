/** `journey graph`: a project's journeys as flowcharts (Mermaid or Graphviz DOT) on stdout. */
import { unknownNameHelp } from "@journey/template";
import { Command, Option } from "commander";
import { UserError } from "../errors.js";
import { journeyGraph, type GraphFormat } from "../graph.js";
import { compileOrReport } from "../project.js";
import { useColor, write } from "../report.js";

export function graphCommand(): Command {
  return new Command("graph")
    .description("draw a project's journeys as flowcharts (Mermaid or Graphviz DOT)")
    .argument("[project]", "the project folder", ".")
    .option("--journey <name...>", "only these journeys (default: all, by name)")
    .addOption(new Option("--format <format>", "mermaid (GitHub and Markdown previews draw it) or dot (Graphviz)").choices(["mermaid", "dot"]).default("mermaid"))
    .addHelpText("after", "\nExamples:\n  journey graph samples/abandoned-cart > cart.mmd\n  journey graph . --journey Welcome --format dot | dot -Tsvg > welcome.svg")
    .action((project: string, options: { journey?: string[]; format: GraphFormat }, command: Command) => {
      process.exitCode = graph(project, options, useColor(command));
    });
}

function graph(project: string, options: { journey?: string[]; format: GraphFormat }, color: boolean): number {
  const ir = compileOrReport(project, color);
  if (!ir) return 1;
  const known = Object.keys(ir.journeys).sort();
  if (!known.length) throw new UserError(`${project}: no journeys to draw`);
  for (const name of options.journey ?? []) {
    if (known.includes(name)) continue;
    const { help } = unknownNameHelp(name, known, "its journeys are");
    throw new UserError(`--journey ${name}: no journey \`${name}\` in ${project}${help ? `: ${help}` : ""}`);
  }
  write(journeyGraph(ir, options.journey ?? known, options.format));
  return 0;
}
