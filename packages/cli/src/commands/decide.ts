/** `journey decide`: replay a project's events, then decide experiences for surfaces of one profile. */
import { InvalidInputError, simulate, type Decision } from "@journey/runtime";
import { Command } from "commander";
import pc from "picocolors";
import { UserError } from "../errors.js";
import { dataFile, invalidInput, parseInstantFlag, readActionResponses, readProviderResponses, readCatalog, readEvents, readProfiles, unknownProfilesWarning } from "../inputs.js";
import { compileOrReport } from "../project.js";
import { count, useColor, warn, write } from "../report.js";

interface DecideOptions {
  surface: string[];
  profile: string;
  profiles?: string;
  catalog?: string;
  events?: string;
  actionResponses?: string;
  providerResponses?: string;
  context?: string;
  at?: string;
  json?: boolean;
}

export function decideCommand(): Command {
  return new Command("decide")
    .description("decide experiences for surfaces of one profile, after replaying the project's events")
    .argument("<project>", "the project folder")
    .requiredOption("--surface <uri>", "a surface to decide (repeat for several, at most 30)", (v: string, all: string[] = []) => [...all, v])
    .requiredOption("--profile <id>", "the profile asking")
    .option("--profiles <file>", "profiles (default: <project>/profiles.json if present)")
    .option("--catalog <file>", "catalog items (default: <project>/catalog.json if present)")
    .option("--events <file>", "events to replay first, as JSON Lines (default: <project>/events.jsonl if present)")
    .option("--action-responses <file>", "canned action responses (default: <project>/action-responses.json if present)")
    .option("--provider-responses <file>", "canned answers for recommendation providers (default: <project>/provider-responses.json if present)")
    .option("--context <json>", "what the page or app sends, as JSON")
    .option("--at <time>", "decide at this ISO time (default: the last event's time, or now)")
    .option("--json", "one JSON object per surface")
    .addHelpText(
      "after",
      `
What the page does not see is a warning on stderr: a variant skipped because a call or a
recommendation it reads failed, a context an experience refuses, a primary algorithm the
backup stood in for. No provider is registered here: a \`provider(…)\` step takes its backup
(journey serve --provider gives one). See docs/cli.md.`,
    )
    .action(async (project: string, options: DecideOptions, command: Command) => {
      process.exitCode = await run(project, options, useColor(command));
    });
}

async function run(project: string, options: DecideOptions, color: boolean): Promise<number> {
  const ir = compileOrReport(project, color);
  if (!ir) return 1;
  let context: Record<string, unknown> | undefined;
  if (options.context !== undefined) {
    try {
      context = JSON.parse(options.context) as Record<string, unknown>;
    } catch (e) {
      throw new UserError(`--context: invalid JSON: ${(e as Error).message}`);
    }
    if (!context || typeof context !== "object" || Array.isArray(context)) throw new UserError("--context: expected a JSON object");
  }
  const eventsPath = dataFile(project, options.events, "events.jsonl");
  const { events, lines } = eventsPath ? readEvents(eventsPath) : { events: [], lines: [] };
  const times = events.map((e) => Date.parse(e.time));
  const valid = times.filter((t) => !Number.isNaN(t));
  const at = options.at !== undefined ? parseInstantFlag("--at", options.at) : valid.length ? valid.reduce((a, b) => Math.max(a, b)) : Date.now();
  const profilesPath = dataFile(project, options.profiles, "profiles.json");
  const catalogPath = dataFile(project, options.catalog, "catalog.json");
  const responsesPath = dataFile(project, options.actionResponses, "action-responses.json");
  const providerResponsesPath = dataFile(project, options.providerResponses, "provider-responses.json");
  let decisions: Decision[] = [];
  // An event without a valid time stays in, for the simulation to reject with its line.
  const upToAt = events.map((e, i) => ({ e, line: lines[i]! })).filter((_, i) => !(times[i]! > at));
  const profiles = profilesPath ? readProfiles(profilesPath) : undefined;
  const unknown = profilesPath && eventsPath ? await unknownProfilesWarning(upToAt.map(({ e }) => e), profiles!, { events: eventsPath, profiles: profilesPath }) : undefined;
  try {
    const result = await simulate({
      ir,
      events: upToAt.map(({ e }) => e),
      ...(profiles ? { profiles } : {}),
      ...(catalogPath ? { catalog: readCatalog(catalogPath, ir.catalog) } : {}),
      ...(responsesPath ? { actionResponses: readActionResponses(responsesPath, ir.actions) } : {}),
      ...(providerResponsesPath ? { providerResponses: readProviderResponses(providerResponsesPath, ir) } : {}),
      // Not Math.min(...valid): spreading a few hundred thousand arguments overflows the stack.
      start: valid.reduce((a, b) => Math.min(a, b), at),
      until: at,
      probes: [{ at, run: async (rt) => void (decisions = await rt.decide({ surfaces: options.surface, profileId: options.profile, ...(context ? { context } : {}) })) }],
    });
    for (const r of result.rejectedItems) warn(`${catalogPath}: ${r.message}; left out`);
    for (const w of result.itemWarnings) warn(`${catalogPath}: ${w.message}`);
    if (unknown) warn(unknown);
    // A mistyped --profile would decide quietly for a shopper nobody knows.
    const known = profiles?.some((p) => p.id === options.profile) || upToAt.some(({ e }) => e.profileId === options.profile);
    if (!known) warn(`--profile ${options.profile}: no such profile in ${[profilesPath, eventsPath].filter(Boolean).join(" or ") || "the project's data"}; decided for a profile with no attributes`);
    // What the page never sees (a skipped variant, a failed call, a primary algorithm the
    // backup stood in for) is why it got what it got: said here, as `serve` logs it.
    for (const e of result.timeline) if (e.type === "error" && e.at === at && e.journey !== undefined && Object.hasOwn(ir.experiences, e.journey)) warn(e.message);
    if (result.duplicates) warn(`${eventsPath}: ${count(result.duplicates, "event")} with an id seen before in the file: not applied again`);
  } catch (e) {
    if (e instanceof InvalidInputError) throw invalidInput(e, { events: eventsPath, lines: upToAt.map(({ line }) => line), profiles: profilesPath });
    throw e;
  }
  if (options.json) write(decisions.map((d) => JSON.stringify(d)).join("\n") + "\n");
  else write(decisions.map((d) => format(d, color)).join("\n\n") + "\n");
  return 0;
}

function format(d: Decision, color: boolean): string {
  const c = color ? pc : { bold: (s: string) => s, dim: (s: string) => s };
  if (d.content === null) return `${c.bold(d.surface)}\n  ${c.dim(`nothing: ${d.reason}`)}`;
  const head = `${c.bold(d.surface)}  ${d.experience} / ${d.variant}${d.arm ? ` (arm ${d.arm})` : ""}  ${c.dim(`${d.format}, version ${d.version}, decision ${d.decisionId}`)}`;
  const items = d.items?.length ? `\n  ${c.dim(`items: ${d.items.map((i) => `${i.key} (${i.source})`).join(", ")}`)}` : "";
  return `${head}${items}\n${d.content.replace(/^/gm, "  ")}`;
}
