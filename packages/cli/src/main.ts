/** The `journey` command: parses the command line and keeps every failure to one clear line. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { buildCommand } from "./commands/build.js";
import { checkCommand } from "./commands/check.js";
import { decideCommand } from "./commands/decide.js";
import { fmtCommand } from "./commands/fmt.js";
import { graphCommand } from "./commands/graph.js";
import { initCommand } from "./commands/init.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { testCommand } from "./commands/test.js";
import { failureText, UserError } from "./errors.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("journey")
  .description("Check, build, run, test and serve Journey projects.")
  .version(version, "-V, --version", "print the version")
  .option("--no-color", "never color the output (also: NO_COLOR=1)")
  .addHelpText("after", "\nExit codes: 0 no errors, 1 errors found or a usage mistake, 2 an internal error.")
  .addCommand(initCommand())
  .addCommand(checkCommand())
  .addCommand(buildCommand())
  .addCommand(runCommand())
  .addCommand(testCommand())
  .addCommand(decideCommand())
  .addCommand(serveCommand())
  .addCommand(fmtCommand())
  .addCommand(graphCommand());

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
