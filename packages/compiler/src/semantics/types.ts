/** Type expressions → types; declared types, events and catalogs resolved once, cycles reported. */
import { suggest, T, type Field, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import { isConstant } from "./constants.js";

const PRIMITIVES: Record<string, Type> = {
  string: T.string,
  number: T.number,
  int: T.int,
  bool: T.bool,
  datetime: T.datetime,
  duration: T.duration,
};

const resolving = new WeakMap<CheckContext, Set<string>>();

/** The type a declared name stands for (`LineItem`, an event, a catalog), resolving it on first use. */
export function namedType(ctx: CheckContext, name: string, useSpan?: A.Span): Type | undefined {
  const cached = ctx.named.get(name);
  if (cached) return cached;
  const s = ctx.symbols;
  const decl = s.types.get(name) ?? s.events.get(name) ?? s.catalogs.get(name);
  if (!decl) return undefined;
  const stack = resolving.get(ctx) ?? new Set<string>();
  resolving.set(ctx, stack);
  if (stack.has(name)) {
    if (useSpan) ctx.report("recursiveType", { name }, useSpan);
    return T.unknown;
  }
  stack.add(name);
  const t = ctx.inFile(decl.file, () => {
    const d = decl.decl;
    if (d.kind === "TypeDecl") {
      const r = resolveType(ctx, d.type);
      return r.kind === "record" ? { ...r, name } : r;
    }
    return { kind: "record", name, fields: resolveFields(ctx, d.fields) } as Type;
  });
  stack.delete(name);
  ctx.named.set(name, t);
  return t;
}

export function resolveFields(ctx: CheckContext, fields: A.FieldDecl[]): Field[] {
  const seen = new Map<string, A.FieldDecl>();
  const out: Field[] = [];
  for (const f of fields) {
    const prev = seen.get(f.name.name);
    if (prev) {
      ctx.report("duplicateField", { name: f.name.name }, f.name.span, {
        related: [ctx.related(ctx.file, prev.name.span, "first declared here")],
      });
      continue;
    }
    seen.set(f.name.name, f);
    const field: Field = { name: f.name.name, type: resolveType(ctx, f.type), optional: f.optional };
    if (f.doc !== undefined) field.doc = f.doc;
    if (f.default) {
      const value = isConstant(f.default);
      if (value === undefined) ctx.report("nonConstantDefault", {}, f.default.span);
      else field.default = value.value;
    }
    out.push(field);
  }
  return out;
}

export function resolveType(ctx: CheckContext, te: A.TypeExpr): Type {
  switch (te.kind) {
    case "LiteralType":
      return T.literal(te.value);
    case "UnionType":
      return { kind: "union", members: te.members.map((m) => resolveType(ctx, m)) };
    case "RecordType":
      return { kind: "record", fields: resolveFields(ctx, te.fields) };
    case "NamedType": {
      const n = te.name.name;
      if (n === "list") {
        if (te.args.length !== 1) {
          ctx.report("typeMismatch", { expected: "list<T>", actual: ctx.text(te.span) }, te.span);
          return T.unknown;
        }
        return T.list(resolveType(ctx, te.args[0]!));
      }
      const prim = PRIMITIVES[n];
      const t = prim ?? namedType(ctx, n, te.name.span);
      if (!t) {
        const candidates = [...Object.keys(PRIMITIVES), "list", ...ctx.symbols.types.keys(), ...ctx.symbols.events.keys(), ...ctx.symbols.catalogs.keys()];
        const s = suggest(n, candidates);
        ctx.report("unknownType", { name: n }, te.name.span, s ? { fix: ctx.replace(`change to \`${s}\``, te.name.span, s), help: `did you mean \`${s}\`?` } : {});
        return T.unknown;
      }
      if (te.args.length) ctx.report("typeMismatch", { expected: n, actual: ctx.text(te.span) }, te.span);
      return t;
    }
  }
}
