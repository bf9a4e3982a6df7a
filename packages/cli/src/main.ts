/** The `journey` command: parses the command line and keeps every failure to one clear line. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { failureText, UserError } from "./errors.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("journey")
  .description("Check, build, run, test and serve Journey projects.")
  .version(version, "-V, --version", "print the version")
  .option("--no-color", "never color the output (also: NO_COLOR=1)")
  .addHelpText("after", "\nExit codes: 0 no errors, 1 errors found or a usage mistake, 2 an internal error.");

/**
 * The commands, in the order help lists them, each loaded only when needed: `journey check`
 * need not load the runtime, nor `journey run` the HTTP server (~0.15 s of each start).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import("./commands/init.js")).initCommand(),
  check: async () => (await import("./commands/check.js")).checkCommand(),
  build: async () => (await import("./commands/build.js")).buildCommand(),
  run: async () => (await import("./commands/run.js")).runCommand(),
  test: async () => (await import("./commands/test.js")).testCommand(),
  decide: async () => (await import("./commands/decide.js")).decideCommand(),
  serve: async () => (await import("./commands/serve.js")).serveCommand(),
  fmt: async () => (await import("./commands/fmt.js")).fmtCommand(),
  graph: async () => (await import("./commands/graph.js")).graphCommand(),
};
// The first word that is not an option names the command (the program's own options take no
// value); anything else (`--help`, `help`, a typo commander suggests a command for) needs them all.
const named = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
for (const name of named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS)) program.addCommand(await COMMANDS[name]!());

// An empty value (`--events ""`, `run "$DIR"` with DIR unset) is a mistake, not a request for
// the default or the current folder.
program.hook("preAction", (_, command) => {
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (value === "" || (Array.isArray(value) && value.includes(""))) command.error(`error: option '${option.flags}' argument is empty`);
  }
  if ((command.processedArgs as unknown[]).flat().includes("")) command.error("error: an argument is empty");
});

// A reader that stops early (`journey check | head`) is not a failure.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  process.stderr.write(failureText(e));
  process.exitCode = 2;
});

try {
  await program.parseAsync();
} catch (e) {
  process.stderr.write(failureText(e));
  process.exitCode = e instanceof UserError ? 1 : 2;
}
