/** Message content: a `send`'s template or inline fields rendered with the names in scope. */
import type { IRContent, IRNode, IRTemplate } from "@journey/ir";
import { isValidLocale } from "@journey/template";
import { evaluate, type EvalEnv } from "./evaluate.js";
import type { Program } from "./program.js";

export interface RenderContext {
  /** The journey version the instance runs: it renders with that version's templates and fragments. */
  version: string;
  profileId: string;
  messageId: string;
  journey: string;
  timeZone: string;
  /** The profile's `locale`, undefined when it has none: it picks a template's `locale` block, and formats (en-US without one). */
  locale: string | undefined;
}

export function renderContent(program: Program, node: Extract<IRNode, { kind: "send" }>, env: EvalEnv, ctx: RenderContext): Record<string, unknown> {
  const runtimeNames = {
    unsubscribeUrl: program.unsubscribeLink({ profileId: ctx.profileId, messageId: ctx.messageId, channel: node.channel }),
    message: { id: ctx.messageId },
    journey: { name: ctx.journey },
  };
  let fields: Record<string, IRContent>;
  let data: Record<string, unknown>;
  if (node.template) {
    const templates = program.uses(ctx.version).templates;
    const t = Object.hasOwn(templates, node.template) ? templates[node.template] : undefined;
    if (!t) throw new Error(`unknown template \`${node.template}\``);
    data = { profile: env.vars["profile"], ...runtimeNames };
    t.params.forEach((p, i) => (data[p.name] = evaluate(node.args?.[i] ?? { lit: null }, env)));
    fields = localeContent(t, ctx.locale);
  } else {
    data = { ...env.vars, ...runtimeNames };
    fields = node.content ?? {};
  }
  const out: Record<string, unknown> = {};
  const options = { locale: ctx.locale ?? "en-US", timeZone: ctx.timeZone };
  for (const [name, c] of Object.entries(fields)) {
    out[name] = "template" in c ? program.template(c.template, c.escape, ctx.version)(data, options) : evaluate(c.expr, { ...env, vars: data });
  }
  return out;
}

/**
 * The profile's `locale`, undefined when it has none (null, absent, blank) or one `Intl` cannot
 * read (a stored profile from before the check): a malformed one must not cost a message.
 */
export function profileLocale(attributes: Record<string, unknown>): string | undefined {
  const l = attributes["locale"];
  return typeof l === "string" && l && isValidLocale(l) ? l : undefined;
}

/**
 * The content of template `t` for a profile of `locale`: the template's own fields, with those
 * of the `locale` block that matches best in their place. The best is found as RFC 4647's
 * lookup does, ignoring case: the profile's tag, then the tag cut short one subtag at a time
 * (`zh-Hant-TW`, `zh-Hant`, `zh`; a single-letter subtag goes with the one after it), down to
 * its language. No block matches a profile without a locale.
 */
export function localeContent(t: IRTemplate, locale: string | undefined): Record<string, IRContent> {
  if (!t.locales || locale === undefined) return t.content;
  const byTag = new Map(Object.entries(t.locales).map(([tag, fields]) => [tag.toLowerCase(), fields]));
  const subtags = locale.toLowerCase().split("-");
  while (subtags.length) {
    const block = byTag.get(subtags.join("-"));
    if (block) return { ...t.content, ...block };
    subtags.pop();
    if (subtags.length && subtags[subtags.length - 1]!.length === 1) subtags.pop();
  }
  return t.content;
}
