/** Message content: a `send`'s template or inline fields rendered with the names in scope. */
import type { IRContent, IRNode } from "@journey/ir";
import { evaluate, type EvalEnv } from "./evaluate.js";
import type { Program } from "./program.js";

export interface RenderContext {
  /** The journey version the instance runs: it renders with that version's templates and fragments. */
  version: string;
  profileId: string;
  messageId: string;
  journey: string;
  timeZone: string;
  locale: string;
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
    fields = t.content;
  } else {
    data = { ...env.vars, ...runtimeNames };
    fields = node.content ?? {};
  }
  const out: Record<string, unknown> = {};
  const options = { locale: ctx.locale, timeZone: ctx.timeZone };
  for (const [name, c] of Object.entries(fields)) {
    out[name] = "template" in c ? program.template(c.template, c.escape, ctx.version)(data, options) : evaluate(c.expr, { ...env, vars: data });
  }
  return out;
}
