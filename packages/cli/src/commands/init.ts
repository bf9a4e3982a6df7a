/**
 * `journey init`: a starter project to learn from and change (a data model, a journey with a
 * template and its tests, events and profiles to replay), so that `check`, `test` and `run`
 * work on it at once. It writes into a folder without `.journey` files and overwrites nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileErrorReason } from "@journey/compiler";
import { Command } from "commander";
import pc from "picocolors";
import { UserError } from "../errors.js";
import { useColor, write } from "../report.js";

/** The starter project, shipped beside the compiled CLI (packages/cli/starter). */
const STARTER = new URL("../../starter/", import.meta.url);

export function initCommand(): Command {
  return new Command("init")
    .description("create a starter project (a journey, its data model, tests, events and profiles)")
    .argument("[dir]", "the folder to create it in (created when missing)", ".")
    .action((dir: string, _options: unknown, command: Command) => {
      process.exitCode = init(dir, useColor(command));
    });
}

function init(dir: string, color: boolean): number {
  const files = readdirSync(STARTER).sort();
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is a file: give a folder for the new project`);
    // Its declarations (`Welcome`, `SignedUp`, …) would meet a project's own in one namespace.
    const journeys = readdirSync(dir).filter((f) => f.endsWith(".journey"));
    if (journeys.length) throw new UserError(`${dir} already holds a project (${journeys.join(", ")}): init makes a new one; give an empty or new folder`);
    const taken = files.filter((f) => existsSync(join(dir, f)));
    if (taken.length) throw new UserError(`${dir} already has ${taken.join(", ")}: nothing written`);
  }
  const written: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      // `wx`: a file that appeared meanwhile is not overwritten.
      writeFileSync(join(dir, f), readFileSync(new URL(f, STARTER)), { flag: "wx" });
      written.push(f);
    }
  } catch (e) {
    // All of it or nothing: a half-written project would not compile.
    for (const f of written) rmSync(join(dir, f), { force: true });
    throw new UserError(`cannot write ${dir}: ${fileErrorReason(e)}`);
  }
  const c = color ? pc : { green: (s: string) => s, dim: (s: string) => s };
  const at = dir === "." ? "" : ` ${dir.includes(" ") ? JSON.stringify(dir) : dir}`;
  write(`${c.green("✓")} created a starter project${at === "" ? " here" : ` in${at}`}: ${files.join(", ")}\n${c.dim("next:")}\n  journey test${at}\n  journey run${at}\n`);
  return 0;
}
