/**
 * One experiment, one set of arms: a profile is in the same arm at every split of an
 * experiment (the bucket is a hash of the experiment's name and the profile's id) only when
 * every split lists the same arms, in the same order, with the same percentages.
 */
import { dirname, relative } from "node:path";
import type { Fix } from "../diagnostics/diagnostic.js";
import type { NamedSplitArm } from "../syntax/splits.js";
import { LineIndex } from "../syntax/line-index.js";
import type { CheckContext, ProjectSplit } from "./context.js";

const HELP =
  "every split of an experiment must list the same arms, in the same order, with the same percentages: " +
  "otherwise a profile can be in one arm here and in another there, and its goals count for the arm recorded first";

/** Each split of an experiment against the first one (files by path, then source order); a split the parser recovered inside is left out. */
export function checkExperimentArms(ctx: CheckContext): void {
  const first = new Map<string, ProjectSplit>();
  const lines = new Map<string, LineIndex>();
  for (const s of ctx.projectSplits().splits) {
    const name = s.split.experiment.value;
    // An unnamed experiment (`split ""`) is an error of its own (J3023).
    if (s.recovered || !name.trim()) continue;
    const f = first.get(name);
    if (!f) {
      first.set(name, s);
      continue;
    }
    const at = (): string => {
      let index = lines.get(f.file);
      if (!index) lines.set(f.file, (index = new LineIndex(ctx.sources.get(f.file)?.text ?? "")));
      const p = index.position(f.split.span.start);
      return `${relative(dirname(s.file), f.file)}:${p.line + 1}:${p.column + 1}`;
    };
    const differences = armDifferences(f.split.arms, s.split.arms);
    if (!differences.length) continue;
    const where = `the split at ${at()}`;
    const text = differences.map((d, i) => d(i === 0 ? where : "that split")).join("; ");
    ctx.inFile(s.file, () =>
      ctx.report("experimentArms", { experiment: name, differences: text }, headSpan(s), {
        related: [ctx.related(f.file, headSpan(f), `the first split of experiment "${name}"`)],
        help: HELP,
        ...percentFix(ctx, f.split.arms, s.split.arms),
      }),
    );
  }
}

/**
 * When only percentages differ (the same labels in the same order), the fix gives this split
 * the first one's: which split is right is the author's call, but the first is what profiles
 * assigned so far were bucketed by.
 */
function percentFix(ctx: CheckContext, there: readonly NamedSplitArm[], here: readonly NamedSplitArm[]): { fix?: Fix } {
  if (there.length !== here.length || here.some((h, i) => h.label.name !== there[i]!.label.name)) return {};
  const edits = here.flatMap((h, i) => (samePercent(h, there[i]!) ? [] : [{ file: ctx.file, span: h.percentSpan, newText: `${there[i]!.percent}%` }]));
  return edits.length ? { fix: { title: `use the first split's percentages (${list(there, true)})`, edits } } : {};
}

/** `split "name"`: where a split is pointed at. */
function headSpan(s: ProjectSplit): { start: number; end: number } {
  return { start: s.split.span.start, end: s.split.experiment.span.end };
}

/**
 * What differs between the arms of the first split (`there`) and of a later one (`here`), each
 * a phrase naming the first split as it is given (`the split at …`, then `that split`): the
 * order of the arms both have, an arm renamed (a label of neither at the same position), an
 * extra or a missing arm, a percentage.
 */
function armDifferences(there: readonly NamedSplitArm[], here: readonly NamedSplitArm[]): ((split: string) => string)[] {
  const thereLabels = new Set(there.map((a) => a.label.name));
  const hereLabels = new Set(here.map((a) => a.label.name));
  // A label here that the first split does not have, where that split has one this split lacks: renamed.
  const renamed = new Map<string, NamedSplitArm>();
  for (let i = 0; i < Math.min(there.length, here.length); i++) {
    const h = here[i]!;
    const t = there[i]!;
    if (!thereLabels.has(h.label.name) && !hereLabels.has(t.label.name)) renamed.set(h.label.name, t);
  }
  const renamedFrom = new Set([...renamed.values()].map((a) => a.label.name));
  const out: ((split: string) => string)[] = [];

  const inOrderHere = here.map((a) => renamed.get(a.label.name)?.label.name ?? a.label.name).filter((l) => thereLabels.has(l));
  const inOrderThere = there.map((a) => a.label.name).filter((l) => hereLabels.has(l) || renamedFrom.has(l));
  if (inOrderHere.join("\u0000") !== inOrderThere.join("\u0000")) {
    out.push((split) => `the arms are in another order here (${list(here)}) than in ${split} (${list(there)})`);
  }
  for (const h of here) {
    const r = renamed.get(h.label.name);
    const t = r ?? there.find((a) => a.label.name === h.label.name);
    if (r) {
      const pct = samePercent(h, r) ? "" : ` (${h.percent}% here, ${r.percent}% there)`;
      out.push((split) => `\`${h.label.name}\` here is \`${r.label.name}\` in ${split}${pct}`);
    } else if (!t) out.push((split) => `\`${h.label.name}\` is not an arm of ${split}`);
    else if (!samePercent(h, t)) out.push((split) => `\`${h.label.name}\` is ${h.percent}% here but ${t.percent}% in ${split}`);
  }
  for (const t of there) {
    if (!hereLabels.has(t.label.name) && !renamedFrom.has(t.label.name)) out.push((split) => `\`${t.label.name}\` of ${split} is missing here`);
  }
  return out;
}

/** Percentages as the total check reads them (to a thousandth: `33.3%` three times is 100%). */
function samePercent(a: NamedSplitArm, b: NamedSplitArm): boolean {
  return Math.round(a.percent * 1000) === Math.round(b.percent * 1000);
}

function list(arms: readonly NamedSplitArm[], percent = false): string {
  return arms.map((a) => `\`${a.label.name}\`${percent ? ` ${a.percent}%` : ""}`).join(", ");
}
