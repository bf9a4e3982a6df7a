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

/**
 * Each split of an experiment against the arms most of its splits agree on (the first such
 * split by files by path, then source order; with a tie, the first split's): an odd split
 * out, wherever it is, is the one warned about. A split the parser recovered inside is left out.
 */
export function checkExperimentArms(ctx: CheckContext): void {
  const byName = new Map<string, ProjectSplit[]>();
  for (const s of ctx.projectSplits().splits) {
    const name = s.split.experiment.value;
    // An unnamed experiment (`split ""`) is an error of its own (J3023).
    if (s.recovered || !name.trim()) continue;
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const lines = new Map<string, LineIndex>();
  for (const [name, splits] of byName) {
    const ref = reference(splits);
    const first = ref === splits[0];
    const at = (s: ProjectSplit): string => {
      let index = lines.get(ref.file);
      if (!index) lines.set(ref.file, (index = new LineIndex(ctx.sources.get(ref.file)?.text ?? "")));
      const p = index.position(ref.split.span.start);
      return `${relative(dirname(s.file), ref.file)}:${p.line + 1}:${p.column + 1}`;
    };
    for (const s of splits) {
      if (s === ref) continue;
      const differences = armDifferences(ref.split.arms, s.split.arms);
      if (!differences.length) continue;
      const where = `the split at ${at(s)}`;
      const text = differences.map((d, i) => d(i === 0 ? where : "that split")).join("; ");
      ctx.inFile(s.file, () =>
        ctx.report("experimentArms", { experiment: name, differences: text }, headSpan(s), {
          related: [ctx.related(ref.file, headSpan(ref), first ? `the first split of experiment "${name}"` : `the split of experiment "${name}" that most of its splits agree with`)],
          help: HELP,
          ...percentFix(ctx, ref.split.arms, s.split.arms, first),
        }),
      );
    }
  }
}

/** The first split of the arms most splits list (labels, order, percentages); with a tie, the first split. */
function reference(splits: readonly ProjectSplit[]): ProjectSplit {
  const groups = new Map<string, { first: ProjectSplit; count: number }>();
  for (const s of splits) {
    const key = s.split.arms.map((a) => `${a.label.name} ${Math.round(a.percent * 1000)}`).join("\u0000");
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { first: s, count: 1 });
  }
  let best = groups.values().next().value!;
  for (const g of groups.values()) if (g.count > best.count) best = g;
  return best.first;
}

/**
 * When only percentages differ (the same labels in the same order), the fix gives this split
 * the reference's: which split is right is the author's call, but the reference is what most
 * splits (or, of two, the first) bucket profiles by.
 */
function percentFix(ctx: CheckContext, there: readonly NamedSplitArm[], here: readonly NamedSplitArm[], first: boolean): { fix?: Fix } {
  if (there.length !== here.length || here.some((h, i) => h.label.name !== there[i]!.label.name)) return {};
  const edits = here.flatMap((h, i) => (samePercent(h, there[i]!) ? [] : [{ file: ctx.file, span: h.percentSpan, newText: `${there[i]!.percent}%` }]));
  const whose = first ? "the first split's percentages" : "the percentages most splits have";
  return edits.length ? { fix: { title: `use ${whose} (${list(there, true)})`, edits } } : {};
}

/** `split "name"`: where a split is pointed at. */
function headSpan(s: ProjectSplit): { start: number; end: number } {
  return { start: s.split.span.start, end: s.split.experiment.span.end };
}

/**
 * What differs between the arms of the reference split (`there`) and of another (`here`), each
 * a phrase naming the reference split as it is given (`the split at …`, then `that split`): the
 * order of the arms both have, an arm renamed (a label of neither at the same position), an
 * extra or a missing arm, a percentage.
 */
function armDifferences(there: readonly NamedSplitArm[], here: readonly NamedSplitArm[]): ((split: string) => string)[] {
  const thereLabels = new Set(there.map((a) => a.label.name));
  const hereLabels = new Set(here.map((a) => a.label.name));
  // A label here that the reference split does not have, where that split has one this split lacks: renamed.
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
