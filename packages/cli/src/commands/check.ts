/** `journey check`: report every problem in one project, or in each project of a folder. */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { join, sep } from "node:path";
import { findJourneyFiles, formatSummary, isSkippedFolder } from "@journey/compiler";
import { Command } from "commander";
import pc from "picocolors";
import { journeyCount, loadProject, type Project } from "../project.js";
import { count, diagnosticsReport, renderDiagnostics, summaryCounts, toJson, useColor, write } from "../report.js";

interface CheckOptions {
  json?: boolean;
  summary?: boolean;
}

export function checkCommand(): Command {
  return new Command("check")
    .description("check projects for errors without building them")
    .argument("[paths...]", "project folders or .journey files (default: the current folder)")
    .option("--json", "print the diagnostics as JSON and nothing else")
    .option("--summary", "check each project folder inside the given folders on its own, one line each")
    .action((paths: string[], options: CheckOptions, command: Command) => {
      const color = useColor(command);
      process.exitCode = options.summary ? checkEach(paths, options, color) : checkOne(paths, options, color);
    });
}

function checkOne(paths: string[], options: CheckOptions, color: boolean): number {
  const project = loadProject(paths, { emit: false });
  if (options.json) {
    write(JSON.stringify({ diagnostics: project.diagnostics.map((d) => toJson(d, project)) }) + "\n");
  } else {
    write(diagnosticsReport(project, color));
  }
  return project.errors ? 1 : 0;
}

interface NamedProject {
  path: string;
  project: Project;
}

function checkEach(paths: string[], options: CheckOptions, color: boolean): number {
  const projects = (paths.length ? paths : ["."]).flatMap(projectsIn);
  const all = projects.map((p) => p.project);
  const errors = sum(all, (p) => p.errors);
  if (options.json) {
    write(
      JSON.stringify({
        diagnostics: all.flatMap((p) => p.diagnostics.map((d) => toJson(d, p))),
        projects: projects.map(({ path, project }) => ({
          path,
          files: project.files.length,
          journeys: journeyCount(project),
          errors: project.errors,
          warnings: project.warnings,
        })),
      }) + "\n",
    );
    return errors ? 1 : 0;
  }
  const c = pc.createColors(color);
  const width = Math.max(...projects.map((p) => p.path.length));
  const lines = projects.map(({ path, project }) => {
    const mark = project.errors ? c.red("✗") : c.green("✓");
    const counts = [count(project.files.length, "file"), count(journeyCount(project), "journey"), count(project.errors, "error")];
    if (project.warnings) counts.push(count(project.warnings, "warning"));
    return `${mark} ${path.padEnd(width)}  ${counts.join(", ")}\n`;
  });
  const details = all.map((p) => renderDiagnostics(p, color)).join("");
  const counts = all.map(summaryCounts);
  const total = { errors, warnings: sum(counts, (c) => c.warnings), files: sum(counts, (c) => c.files), filesWithProblems: sum(counts, (c) => c.filesWithProblems) };
  write(lines.join("") + "\n" + details + formatSummary(total, { color }) + "\n");
  return errors ? 1 : 0;
}

/**
 * The projects a path stands for: itself when it is a file or holds `.journey` files directly,
 * otherwise each immediate subfolder that holds some (as `samples/` does).
 */
function projectsIn(path: string): NamedProject[] {
  const entries = folderEntries(path);
  if (entries && !entries.some((e) => e.isFile() && e.name.endsWith(".journey"))) {
    const inside = entries
      .filter((e) => e.isDirectory() && !isSkippedFolder(e.name))
      .map((e) => join(path, e.name).split(sep).join("/"))
      .sort()
      .filter(holdsSomething)
      .map((sub) => ({ path: sub, project: loadProject([sub], { emit: false }) }));
    if (inside.length) return inside;
  }
  // Anything else (a missing path, a folder with nothing to check) reports itself.
  return [{ path, project: loadProject([path], { emit: false }) }];
}

/** A subfolder worth checking: it has `.journey` files, or a part that cannot be read (reported then, never dropped). */
function holdsSomething(folder: string): boolean {
  let unreadable = false;
  return findJourneyFiles(folder, () => (unreadable = true)).length > 0 || unreadable;
}

/** What a folder holds; undefined for anything else, or a folder that cannot be read (which then reports itself). */
function folderEntries(path: string): Dirent[] | undefined {
  try {
    return statSync(path).isDirectory() ? readdirSync(path, { withFileTypes: true }) : undefined;
  } catch {
    return undefined;
  }
}

function sum<T>(items: T[], f: (x: T) => number): number {
  return items.reduce((n, x) => n + f(x), 0);
}
