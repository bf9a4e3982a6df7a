/** `journey build`: compile a project to `<outDir>/<project>.ir.json`, or write nothing at all. */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { fileErrorReason } from "@journey/compiler";
import { Command } from "commander";
import { deploymentChanges, describeChanges, type Deployment } from "../deployment-changes.js";
import { UserError } from "../errors.js";
import { journeyCount, loadProject } from "../project.js";
import { count, diagnosticsReport, useColor, write } from "../report.js";

export function buildCommand(): Command {
  return new Command("build")
    .description("compile a project to its IR file, and say which journeys it changes against the IR it replaces")
    .argument("[dir]", "the project folder", ".")
    .option("-o, --out <outDir>", "the folder to write <project>.ir.json into", "out")
    .action((dir: string, options: { out: string }, command: Command) => {
      process.exitCode = build(dir, options.out, useColor(command));
    });
}

function build(dir: string, outDir: string, color: boolean): number {
  const project = loadProject([dir], { emit: true });
  if (project.errors) {
    write(diagnosticsReport(project, color));
    return 1;
  }
  const irJson = project.result?.irJson;
  if (irJson === undefined) throw new Error("the compiler reported no error but returned no IR");
  const target = join(outDir, `${projectName(dir)}.ir.json`).split(sep).join("/");
  const replaced = previousIR(target);
  writeAtomically(target, irJson);
  const sources = project.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const warnings = project.warnings ? diagnosticsReport(project, color) : "";
  write(
    `${warnings}✓ wrote ${target} (${count(project.files.length, "file")}, ${count(journeyCount(project), "journey")}; ` +
      `${size(sources)} of source, ${size(Buffer.byteLength(irJson))} of IR)\n` +
      (replaced === undefined ? "" : changesReport(replaced, JSON.parse(irJson) as Deployment & { irVersion: unknown })),
  );
  return 0;
}

/**
 * The IR file `target` holds before it is replaced, read for what the new one changes; a
 * file that is not one, or not readable, is said so (and still replaced, as before).
 */
function previousIR(target: string): (Deployment & { irVersion: unknown }) | string | undefined {
  let text: string;
  try {
    text = readFileSync(target, "utf8");
  } catch {
    return undefined;
  }
  try {
    const ir = JSON.parse(text) as { irVersion?: unknown; journeys?: unknown };
    const journeys = ir.journeys;
    if (journeys && typeof journeys === "object" && Object.values(journeys).every((j) => typeof (j as { version?: unknown })?.version === "string")) return ir as Deployment & { irVersion: unknown };
  } catch {
    // Not JSON: said below.
  }
  return "the file it replaced is not an IR: nothing to compare";
}

/** What the new IR changes for the journeys of the one it replaced (see `deploymentChanges`). */
function changesReport(previous: (Deployment & { irVersion: unknown }) | string, ir: Deployment & { irVersion: unknown }): string {
  if (typeof previous === "string") return `  ${previous}\n`;
  if (previous.irVersion !== ir.irVersion) return `  the IR it replaced is irVersion ${JSON.stringify(previous.irVersion)}, this one ${JSON.stringify(ir.irVersion)}: a runtime runs one of them only (see docs/embedding.md); journeys not compared\n`;
  const changes = deploymentChanges(previous, ir);
  if (changes.every((c) => c.change === "unchanged")) return `  no journey changed since the IR it replaced\n`;
  return `  since the IR it replaced:\n${describeChanges(changes).map((l) => `    ${l}\n`).join("")}`;
}

/** The project folder's name; a single file is named after itself. */
function projectName(dir: string): string {
  const path = resolve(dir);
  const name = statSync(path).isDirectory() ? basename(path) : basename(path, ".journey");
  return name || "project";
}

/**
 * Write beside the target and rename, so a reader (or CI after a crash) never sees half a
 * file: an IR, a JUnit report. A failure leaves nothing behind: no temporary file, and no
 * output folder this call created.
 */
export function writeAtomically(target: string, text: string): void {
  const temp = `${target}.${process.pid}.tmp`;
  let created: string | undefined;
  try {
    created = mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (e) {
    try {
      if (created) rmSync(created, { recursive: true, force: true });
      else rmSync(temp, { force: true });
    } catch {
      // Nothing was created where nothing could be (a file in the way of the folder).
    }
    throw new UserError(`cannot write ${target}: ${fileErrorReason(e)}`);
  }
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}
