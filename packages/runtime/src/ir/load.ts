/**
 * Loading an IR: the version is checked first (a clear refusal for an IR from another
 * compiler), then the shape against the IR's JSON Schema, with the path of the first problem,
 * then what the schema cannot say (names used but not defined, `locale` blocks).
 */
import { IR_VERSION, type IR } from "@journey/ir";
import { validateIR } from "@journey/ir";
import { isValidLocale } from "@journey/template";

export class InvalidIRError extends Error {
  override name = "InvalidIRError";
}

export function loadIR(value: unknown): IR {
  if (typeof value === "string") {
    const text = value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // `createRuntime({ ir: "out/shop.ir.json" })` is an easy first mistake: say what it takes
      // (a file's name has no braces and no line breaks; an IR's text has both).
      const fileName = !/[{}\n]/.test(text) ? `; the IR itself is expected, parsed or as JSON text, not the name of its file: JSON.parse(readFileSync(${JSON.stringify(text.slice(0, 200))}, "utf8"))` : "";
      throw new InvalidIRError(`the IR is not valid JSON: ${(e as Error).message}${fileName}`);
    }
  }
  if (!value || typeof value !== "object") throw new InvalidIRError("the IR must be a JSON object");
  const version = (value as { irVersion?: unknown }).irVersion;
  if (version !== IR_VERSION) {
    throw new InvalidIRError(`unsupported irVersion ${JSON.stringify(version)}: this runtime runs irVersion ${IR_VERSION}; rebuild the project with a matching compiler`);
  }
  const problems = validateIR(value);
  if (problems.length) throw new InvalidIRError(`invalid IR: ${problems[0]}`);
  const problem = danglingReference(value as IR) ?? localeBlockProblem(value as IR);
  if (problem) throw new InvalidIRError(`invalid IR: ${problem}`);
  return value as IR;
}

/**
 * The first `locale` block the compiler would have refused (the schema checks shapes only): a
 * tag `Intl` cannot read, one given twice ignoring case (which one a profile got would depend on
 * key order), or a field the template itself lacks (another locale's profile would have none).
 */
function localeBlockProblem(ir: IR): string | undefined {
  for (const [name, t] of Object.entries(ir.templates)) {
    const seen = new Set<string>();
    for (const [tag, content] of Object.entries(t.locales ?? {})) {
      const at = `templates.${name}.locales.${tag}`;
      if (!isValidLocale(tag)) return `${at}: \`${tag}\` is not a BCP 47 language tag`;
      if (seen.has(tag.toLowerCase())) return `${at}: the locale is given twice (tags are compared ignoring case)`;
      seen.add(tag.toLowerCase());
      const extra = Object.keys(content).find((field) => !Object.hasOwn(t.content, field));
      if (extra !== undefined) return `${at}.${extra}: the template has no \`${extra}\` of its own`;
    }
  }
  return undefined;
}

/**
 * The first name the IR uses but does not define (a node, an event, a template, an action):
 * the schema checks shapes only, and such an IR (edited by hand, or cut short) would fail
 * deep inside a step, or leave a journey silently never starting.
 */
function danglingReference(ir: IR): string | undefined {
  for (const [name, j] of Object.entries(ir.journeys)) {
    const at = `journeys.${name}`;
    const node = (id: string | null | undefined, where: string) => (id !== null && id !== undefined && !Object.hasOwn(j.nodes, id) ? `${at}.${where} names node \`${id}\`, which the journey does not have` : undefined);
    const event = (e: string, where: string) => (!Object.hasOwn(ir.events, e) ? `${at}.${where} names event \`${e}\`, which the IR does not declare` : undefined);
    const problem =
      node(j.entry, "entry") ??
      (j.trigger?.kind === "event" ? event(j.trigger.event, "trigger.event") : undefined) ??
      j.exits.map((x, i) => event(x.event, `exits[${i}].event`)).find(Boolean) ??
      j.goals.map((g, i) => event(g.event, `goals[${i}].event`)).find(Boolean);
    if (problem) return problem;
    for (const [id, n] of Object.entries(j.nodes)) {
      const where = `nodes.${id}`;
      for (const [key, value] of Object.entries(n)) {
        if (["next", "then", "else", "body", "onEvent", "onTimeout", "onError"].includes(key) && (typeof value === "string" || value === null)) {
          const p = node(value, `${where}.${key}`);
          if (p) return p;
        }
      }
      const branches = "branches" in n ? n.branches : "arms" in n ? n.arms : [];
      for (const [i, b] of branches.entries()) {
        const p = node(b.then, `${where}.${"branches" in n ? "branches" : "arms"}[${i}].then`);
        if (p) return p;
      }
      if (n.kind === "waitFor") {
        const p = event(n.event, `${where}.event`);
        if (p) return p;
      }
      if (n.kind === "send" && n.template && !Object.hasOwn(ir.templates, n.template)) return `${at}.${where}.template names \`${n.template}\`, which the IR does not declare`;
      if (n.kind === "call" && !Object.hasOwn(ir.actions, n.action)) return `${at}.${where}.action names \`${n.action}\`, which the IR does not declare`;
    }
  }
  return undefined;
}
