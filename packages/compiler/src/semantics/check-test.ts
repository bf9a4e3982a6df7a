/** `test` blocks: their data checked against the declarations, their expectations against channels. */
import { nonNull, suggest, T, typeToString, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import { CHANNELS } from "./builtins.js";
import { reportUnknownDecl } from "./check-declarations.js";
import { referenceDecl } from "./check-journey.js";
import type { CheckContext } from "./context.js";
import { expectType, typeOf } from "./expressions.js";
import { surfaceMatches } from "@journey/ir";
import { contextType } from "./types.js";
import { Scope } from "./scope.js";

export function checkTest(ctx: CheckContext, d: A.TestDecl): void {
  const scope = new Scope();
  const profiles = new Set<string>();
  for (const item of d.items) {
    switch (item.kind) {
      case "TestStart":
        expectType(ctx, item.time, T.datetime, scope);
        break;
      case "TestProfile":
        profiles.add(item.id.value);
        checkLiteral(ctx, item.value, ctx.profile, scope, "profile");
        break;
      case "TestCatalog": {
        const cat = ctx.symbols.catalogs.get(item.catalog.name);
        if (!cat) reportUnknownDecl(ctx, "unknownCatalog", item.catalog, ctx.symbols.catalogs.keys());
        else referenceDecl(ctx, item.catalog, "catalog");
        checkLiteral(ctx, item.items, T.list(ctx.named.get(item.catalog.name) ?? T.unknown), scope);
        break;
      }
      case "TestEvent": {
        checkOffset(ctx, item.at);
        if (!profiles.has(item.profileId.value)) ctx.report("unknownTestProfile", { id: item.profileId.value }, item.profileId.span);
        if (!ctx.symbols.events.has(item.event.name)) reportUnknownDecl(ctx, "unknownEvent", item.event, ctx.symbols.events.keys());
        else {
          referenceDecl(ctx, item.event, "event");
          checkLiteral(ctx, item.data, ctx.named.get(item.event.name)!, scope);
        }
        break;
      }
      case "ExpectSend": {
        if (item.at) checkOffset(ctx, item.at);
        const channel = CHANNELS.get(item.channel.name);
        if (!channel) reportUnknownDecl(ctx, "unknownChannel", item.channel, CHANNELS.keys());
        if (item.to) expectType(ctx, item.to, T.string, scope);
        for (const c of item.conditions) {
          if (channel && !channel.fields.some((f) => f.name === c.field.name)) {
            const s = suggest(c.field.name, channel.fields.map((f) => f.name));
            ctx.report("unknownContentField", { channel: channel.name, name: c.field.name, fields: channel.fields.map((f) => `\`${f.name}\``).join(", ") }, c.field.span, s ? { fix: ctx.replace(`change to \`${s}\``, c.field.span, s) } : {});
          }
          expectType(ctx, c.value, T.string, scope);
        }
        break;
      }
      case "ExpectEnded":
        if (item.at) checkOffset(ctx, item.at);
        if (item.journey && !ctx.symbols.journeys.has(item.journey.name)) reportUnknownDecl(ctx, "unknownJourney", item.journey, ctx.symbols.journeys.keys());
        else if (item.journey) referenceDecl(ctx, item.journey, "journey");
        // `goal` is reserved (goals never end an instance): such an expectation could never hold.
        if (item.reason?.name === "goal") ctx.report("testEventData", { message: "no instance ends with reason `goal`: a goal is recorded and the instance goes on; expect it with `expect goal <name>`" }, item.reason.span);
        else if (item.reason && !["exit", "end", "error"].includes(item.reason.name)) {
          ctx.report("testEventData", { message: `unknown reason \`${item.reason.name}\`: reasons are \`exit\`, \`end\` and \`error\`` }, item.reason.span);
        }
        break;
      case "ExpectGoal": {
        if (item.at) checkOffset(ctx, item.at);
        const goals = ctx.goalNames();
        if (!goals.has(item.goal.name)) {
          const s = suggest(item.goal.name, goals);
          ctx.report("unknownName", { name: item.goal.name }, item.goal.span, s ? { fix: ctx.replace(`change to \`${s}\``, item.goal.span, s), help: `did you mean \`${s}\`?` } : {});
        }
        break;
      }
      case "ExpectDecide": {
        if (item.at) checkOffset(ctx, item.at);
        if (item.variant) {
          const variants = ctx.variantNames();
          if (!variants.has(item.variant.name)) {
            const s = suggest(item.variant.name, variants);
            ctx.report("unknownName", { name: item.variant.name }, item.variant.span, s ? { fix: ctx.replace(`change to \`${s}\``, item.variant.span, s), help: `did you mean \`${s}\`?` } : {});
          }
        }
        if (item.json) expectType(ctx, item.json.value, T.unknown, scope);
        if (item.context) {
          // The context of the experiences claiming this surface (any will do: they share the page).
          const claiming = [...ctx.symbols.experiences.values()].find(
            (x) => !x.decl.recovered && x.decl.items.some((i) => i.kind === "Surface" && surfaceMatches(i.uri.value, item.surface.value)),
          );
          const context = claiming?.decl.items.find((i) => i.kind === "Context");
          if (claiming && context?.kind === "Context") checkLiteral(ctx, item.context, contextType(ctx, claiming.file, context.fields), scope);
          else typeOf(ctx, item.context, scope);
        }
        break;
      }
    }
  }
}

function checkOffset(ctx: CheckContext, e: A.Expr): void {
  if (e.kind !== "Duration") ctx.report("invalidOffset", {}, e.span);
}

/** Literal data against a declared type, field by field, so each mistake points at its field. */
/** Literal test data against its type; `label` names a record that has no name of its own (`profile`). */
export function checkLiteral(ctx: CheckContext, e: A.Expr, type: Type, scope: Scope, label?: string): void {
  const t = nonNull(type);
  if (e.kind === "Null" && type.kind === "optional") return;
  if (e.kind === "Record" && t.kind === "record") {
    const given = new Set<string>();
    for (const en of e.entries) {
      given.add(en.name.name);
      const f = t.fields.find((x) => x.name === en.name.name);
      if (!f && t.partial) continue;
      if (!f) {
        const s = suggest(en.name.name, t.fields.map((x) => x.name));
        ctx.report("unknownField", { field: en.name.name, type: t.name ?? label ?? typeToString(t) }, en.name.span, s ? { fix: ctx.replace(`change to \`${s}\``, en.name.span, s), help: `did you mean \`${s}\`?` } : {});
        continue;
      }
      ctx.reference(en.name.span, en.name.name, "field", ctx.fieldDecls.get(f), f.optional ? T.optional(f.type) : f.type);
      checkLiteral(ctx, en.value, f.optional ? T.optional(f.type) : f.type, scope);
    }
    const missing = t.fields.filter((f) => !f.optional && f.default === undefined && !given.has(f.name)).map((f) => `\`${f.name}\``);
    if (missing.length) {
      ctx.report("testEventData", { message: `missing field${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of \`${t.name ?? label ?? "record"}\`` }, { start: e.span.start, end: e.span.start + 1 });
    }
    return;
  }
  if (e.kind === "List" && t.kind === "list") {
    for (const i of e.items) checkLiteral(ctx, i, t.element, scope);
    return;
  }
  expectType(ctx, e, type, scope);
}
