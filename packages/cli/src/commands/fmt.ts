/**
 * `journey fmt`: format `.journey` files in place with the Prettier plugin, or (`--check`) list
 * the files that would change. A file with syntax errors is never touched: its errors are
 * reported as `journey check` reports them. The project's own Prettier configuration
 * (`.prettierrc`, `.editorconfig`) applies, as it does for `prettier --write`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { codes, fileErrorReason, LineIndex, loadSources, renderDiagnostic, type Diagnostic } from "@journey/compiler";
import { Command } from "commander";
import pc from "picocolors";
import { count, useColor, write } from "../report.js";

interface FmtOptions {
  check?: boolean;
}

const BOM = "\uFEFF";

export function fmtCommand(): Command {
  return new Command("fmt")
    .description("format .journey files in place (with --check: list the files that would change)")
    .argument("[paths...]", "folders or .journey files (default: the current folder)")
    .option("--check", "write nothing; list the files that are not formatted and exit 1 if there are any")
    .action(async (paths: string[], options: FmtOptions, command: Command) => {
      process.exitCode = await fmt(paths, options, useColor(command));
    });
}

type Outcome =
  | { kind: "unchanged" }
  | { kind: "changed"; text: string }
  | { kind: "syntax"; diagnostics: Diagnostic[]; text: string }
  | { kind: "refused"; message: string };

/** Loaded only when formatting: Prettier need not slow down the other commands. */
type Formatter = typeof import("@journey/prettier-plugin");

async function fmt(paths: string[], options: FmtOptions, color: boolean): Promise<number> {
  const formatter: Formatter = await import("@journey/prettier-plugin");
  const c = pc.createColors(color);
  const loaded = loadSources(paths);
  let out = "";
  let failed = loaded.diagnostics.length > 0;
  for (const d of loaded.diagnostics) {
    // A path error names its path already and has no line to show.
    const shown = d.code === codes.pathError.code ? { ...d, file: "" } : d;
    out += renderDiagnostic(shown, undefined, { color }) + "\n\n";
  }

  let changed = 0;
  let unformattable = 0;
  const listed: string[] = [];
  for (const file of loaded.files) {
    const outcome = await formatOne(formatter, file.path);
    if (outcome.kind === "syntax") {
      unformattable++;
      const source = { text: outcome.text, lineIndex: new LineIndex(outcome.text) };
      for (const d of outcome.diagnostics) out += renderDiagnostic(d, source, { color }) + "\n\n";
    } else if (outcome.kind === "refused") {
      unformattable++;
      out += `${c.red("error")}: ${outcome.message}\n\n`;
    } else if (outcome.kind === "changed") {
      changed++;
      if (options.check) listed.push(file.path);
      else {
        const failure = writeInPlace(resolve(file.path), outcome.text);
        // A file that cannot be written is reported like one that cannot be formatted; the others still are.
        if (failure) {
          changed--;
          unformattable++;
          out += `${c.red("error")}: cannot write ${file.path}: ${failure}\n\n`;
        } else listed.push(`formatted ${file.path}`);
      }
    }
  }

  const ok = loaded.files.length - unformattable;
  const lines = listed.map((l) => l + "\n").join("");
  const summary: string[] = [];
  if (ok) {
    if (options.check) {
      summary.push(
        changed
          ? `${c.red("✗")} ${changed} of ${count(ok, "file")} would be reformatted: run \`journey fmt\` to fix`
          : `${c.green("✓")} ${count(ok, "file")} formatted`,
      );
    } else {
      summary.push(changed ? `${c.green("✓")} formatted ${changed} of ${count(ok, "file")}` : `${c.green("✓")} ${count(ok, "file")} already formatted`);
    }
  }
  if (unformattable) summary.push(`${c.red("✗")} ${count(unformattable, "file")} not formatted: see the errors above`);
  if (!loaded.files.length) summary.push(`${c.red("✗")} nothing to format`);
  write(out + lines + summary.map((l) => l + "\n").join(""));
  failed ||= unformattable > 0 || (options.check === true && changed > 0);
  return failed ? 1 : 0;
}

async function formatOne(formatter: Formatter, path: string): Promise<Outcome> {
  const { formatWithConfig, JourneyFormatError, parseSafely } = formatter;
  const abs = resolve(path);
  let raw = readFileSync(abs, "utf8");
  const bom = raw.startsWith(BOM);
  if (bom) raw = raw.slice(1);
  const parsed = parseSafely(path, raw);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) return { kind: "syntax", diagnostics: errors, text: raw };
  let text: string;
  try {
    text = await formatWithConfig(raw, abs);
  } catch (e) {
    if (e instanceof JourneyFormatError) return { kind: "refused", message: e.message.replace(abs, path) };
    throw e;
  }
  if (bom) text = BOM + text;
  return text === (bom ? BOM + raw : raw) ? { kind: "unchanged" } : { kind: "changed", text };
}

/** Written in place (not renamed over), so links, owner and mode stay as they were. Why it failed, if it did. */
function writeInPlace(target: string, text: string): string | undefined {
  try {
    writeFileSync(target, text);
    return undefined;
  } catch (e) {
    return fileErrorReason(e);
  }
}
