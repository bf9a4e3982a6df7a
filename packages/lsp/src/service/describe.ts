/** Words for hover and completion: types, durations, schedules, declarations and built-ins. */
import { type ast as A, type Algorithm, type BuiltinFunction, type ChannelSpec } from "@journey/compiler";
import { nonNull, typeToString, type HelperSignature, type Type } from "@journey/template";

export { typeToString };

const UNITS: Record<string, [string, number]> = {
  w: ["week", 604_800_000],
  d: ["day", 86_400_000],
  h: ["hour", 3_600_000],
  m: ["minute", 60_000],
  s: ["second", 1000],
  ms: ["millisecond", 1],
};

/** Source text on one line, shortened: a detail or a summary of a step. */
export function oneLine(s: string): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > 60 ? t.slice(0, 59) + "…" : t;
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** `1h30m` → "1 hour 30 minutes". */
export function durationWords(text: string): string {
  const parts: string[] = [];
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) parts.push(plural(Number(m[1]), UNITS[m[2]!]![0]));
  return parts.join(" ");
}

export function durationMs(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(m[1]) * UNITS[m[2]!]![1];
  return ms;
}

/** The hover text of a duration literal. */
export function describeDuration(text: string): string {
  const ms = durationMs(text);
  const words = durationWords(text);
  const lines = [`\`${text}\`: ${words}`];
  const alt: string[] = [];
  if (ms >= 86_400_000 && ms % 3_600_000 === 0 && !/^\d+[h]$/.test(text)) alt.push(plural(ms / 3_600_000, "hour"));
  if (ms >= 60_000 && ms < 86_400_000 && ms % 60_000 === 0 && /^\d+[a-z]+\d/.test(text)) alt.push(plural(ms / 60_000, "minute"));
  alt.push(`${ms.toLocaleString("en-US")} ms`);
  lines[0] += ` (${alt.join(", ")})`;
  return lines.join("\n");
}

/** The hover text of `on schedule every … at … for Audience` (see "Triggers" in docs/language.md). */
export function describeSchedule(c: Extract<A.TriggerClause, { kind: "OnSchedule" }>): string {
  const audience = `for each profile in \`${c.audience.name}\` at that moment`;
  if ("kind" in c.every) {
    const words = durationWords(c.every.text);
    const at = c.at ? ` (\`at ${c.at.text}\` has no effect on a schedule that repeats every duration)` : "";
    return `Runs every ${words}, the first time ${words} after the profile is stored, ${audience}${at}.`;
  }
  if (c.every.name === "month") {
    const n = c.day?.kind === "Number" ? c.day.value : undefined;
    const day = n === undefined ? undefined : monthDay(n);
    const on = `on ${day ? `the ${day}` : "the same day"}${n === undefined || n > 28 ? " (the last day of a shorter month)" : ""}`;
    const at = c.at ? ` at ${c.at.text} in each profile's time zone (its \`timezone\`, else UTC)` : "";
    const first = c.at ? (day ? "" : `, starting with the first ${c.at.text} after the profile is stored`) : day ? ", at the time of day the profile was stored" : ", the first time one month after the profile is stored";
    return `Runs every month ${on}${at}${first}, ${audience}.`;
  }
  const period = c.every.name === "week" ? "every week (every 7 days)" : c.every.name === "day" ? "every day" : `every \`${c.every.name}\``;
  const one = c.every.name === "week" ? "one week" : "one day";
  const when = c.at ? ` at ${c.at.text} in each profile's time zone (its \`timezone\`, else UTC)` : `, the first time ${one} after the profile is stored`;
  return `Runs ${period}${when}, ${audience}.`;
}

/** `1` → `1st`, `22` → `22nd`, `13` → `13th`. */
function monthDay(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";
  return `${n}${suffix}`;
}

export function optionalType(t: Type, optional: boolean): string {
  return optional ? `${typeToString(t)}?` : typeToString(t);
}

/** A record type's fields, one per line, as a declaration would write them. */
export function recordBody(t: Type | undefined, indent = "  "): string {
  const r = t && nonNull(t);
  if (!r || r.kind !== "record") return "";
  return r.fields.map((f) => `${indent}${f.name}${f.optional ? "?" : ""}: ${typeToString(f.type)}`).join("\n");
}

export function paramsText(params: A.Param[], text: string): string {
  return params.map((p) => `${p.name.name}: ${text.slice(p.type.span.start, p.type.span.end)}`).join(", ");
}

/** A declaration's signature, as code (for hover and completion details). */
export function declarationSignature(d: A.Declaration, text: string, type?: Type): string {
  const src = (s: A.Span) => text.slice(s.start, s.end);
  switch (d.kind) {
    case "Profile":
      return `profile {\n${recordBody(type)}\n}`;
    case "TypeDecl":
      return type && nonNull(type).kind === "record" ? `type ${d.name.name} {\n${recordBody(type)}\n}` : `type ${d.name.name} = ${src(d.type.span)}`;
    case "EventDecl":
      return `event ${d.name.name} {\n${recordBody(type)}\n}`;
    case "CatalogDecl": {
      const key = d.fields.find((f) => f.isKey)?.name.name;
      const body = recordBody(type).replace(new RegExp(`^  ${key}:`, "m"), `  key ${key}:`);
      return `catalog ${d.name.name} {\n${body}\n}`;
    }
    case "AudienceDecl":
      return `audience ${d.name.name} = ${src(d.condition.span)}`;
    case "ActionDecl":
      return `action ${d.name.name}(${paramsText(d.params, text)})${d.returns ? ` -> ${src(d.returns.span).replace(/\s+/g, " ")}` : ""}`;
    case "FragmentDecl":
      return `fragment ${d.name.name}`;
    case "TemplateDecl":
      return `template ${d.name.name}(${paramsText(d.params, text)}) for ${d.channel.name}`;
    case "ChannelDecl": {
      const lines = [`channel ${d.name.name}`];
      if (d.from) lines.push(`  from ${src(d.from.span)}`);
      if (d.cap) lines.push(`  cap ${src(d.cap.count.span)} per ${src(d.cap.per.span)}`);
      if (d.quiet) lines.push(`  quiet ${src(d.quiet.from.span)} to ${src(d.quiet.to.span)}`);
      if (d.consent) lines.push(`  consent ${src(d.consent.span).replace(/\s+/g, " ")}`);
      return lines.join("\n");
    }
    case "JourneyDecl": {
      const trigger = d.clauses.find((c) => c.kind === "OnEvent" || c.kind === "OnAudience" || c.kind === "OnSchedule");
      return `journey ${d.name.name}${trigger ? `\n  ${src(trigger.span).replace(/\s+/g, " ")}` : ""}`;
    }
    case "ExperienceDecl": {
      const surface = d.items.find((i) => i.kind === "Surface");
      return `experience ${d.name.name}${surface ? `\n  ${src(surface.span)}` : ""}`;
    }
    case "TestDecl":
      return `test ${src(d.name.span)}`;
  }
}

export function functionSignature(f: BuiltinFunction): string {
  return `${f.name}(${f.params.map((p) => `${p.name}${p.optional ? "?" : ""}: ${p.type}`).join(", ")}) -> ${f.returns}`;
}

export function algorithmSignature(a: Algorithm, keyType?: string): string {
  const ty = (t: string) => (keyType ? t.replace(/\bkey\b/, keyType) : t);
  const params = [...a.params.map((p) => `${p.name}: ${ty(p.type)}`), ...a.named.map((p) => `${p.name}${p.optional ? "?" : ""}: ${p.type}`)];
  if (a.variadic) params.push("args…");
  return `${a.name}(${params.join(", ")})`;
}

export function channelSummary(c: ChannelSpec): string {
  return c.fields.map((f) => `- \`${f.name}\`: ${f.doc}`).join("\n");
}

/** `{{currency amount code}}` helpers are called with spaces: `currency amount: number code: string -> string`. */
export function helperSignature(h: HelperSignature): string {
  return `${h.name} ${h.params.map(helperParam).join(" ")} -> ${typeToString(h.returns)}`;
}

/** A helper's parameter as its signature shows it: `…b: unknown`, `decimals?: int`. */
export function helperParam(p: HelperSignature["params"][number]): string {
  return `${p.rest ? "…" : ""}${p.name}${p.optional ? "?" : ""}: ${typeToString(p.type)}`;
}

export function code(s: string): string {
  return "```journey\n" + s + "\n```";
}
