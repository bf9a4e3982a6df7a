/** Type expressions → types; declared types, events and catalogs resolved once, cycles reported. */
import { T, type Field, type Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import { isConstant } from "./constants.js";

/** The built-in type names and their types (the language server reads written types with them too). */
export const PRIMITIVES: Readonly<Record<string, Type>> = {
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
    const partial = d.recovered ? { partial: true as const } : {};
    if (d.kind === "TypeDecl") {
      const r = resolveType(ctx, d.type);
      return r.kind === "record" ? { ...r, name, ...partial } : r;
    }
    return { kind: "record", name, fields: resolveFields(ctx, d.fields), ...partial } as Type;
  });
  stack.delete(name);
  ctx.named.set(name, t);
  return t;
}

export function resolveFields(ctx: CheckContext, fields: A.FieldDecl[]): Field[] {
  const seen = new Map<string, A.FieldDecl>();
  const out: Field[] = [];
  for (const f of fields) {
    if (!f?.name?.name || !f.type) continue; // left incomplete by parser recovery
    const prev = seen.get(f.name.name);
    if (prev) {
      ctx.report("duplicateField", { name: f.name.name }, f.name.span, {
        related: [ctx.related(ctx.file, prev.name.span, "first declared here")],
      });
      continue;
    }
    seen.set(f.name.name, f);
    const field: Field = { name: f.name.name, type: resolveType(ctx, f.type), optional: f.optional };
    ctx.fieldDecls.set(field, { file: ctx.file, span: f.name.span });
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

export function resolveType(ctx: CheckContext, te: A.TypeExpr | undefined): Type {
  if (!te) return T.unknown; // left out by parser recovery
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
      if (t && !prim) {
        const s = ctx.symbols;
        const decl = s.types.get(n) ?? s.events.get(n) ?? s.catalogs.get(n);
        const kind = s.types.has(n) ? "type" : s.events.has(n) ? "event" : "catalog";
        if (decl) ctx.reference(te.name.span, n, kind, { file: decl.file, span: decl.decl.name.span }, t);
      }
      if (!t) {
        const candidates = [...Object.keys(PRIMITIVES), "list", ...ctx.symbols.types.keys(), ...ctx.symbols.events.keys(), ...ctx.symbols.catalogs.keys()];
        ctx.report("unknownType", { name: n }, te.name.span, ctx.didYouMean(n, candidates, te.name.span, "the types are"));
        return T.unknown;
      }
      if (te.args.length) ctx.report("typeMismatch", { expected: n, actual: ctx.text(te.span) }, te.span);
      return t;
    }
  }
}

/**
 * The types of a template's or action's parameters, resolved once per compilation: an
 * unknown type is reported at its declaration once, not again at every use.
 */
export function paramTypes(ctx: CheckContext, file: string, params: A.Param[]): Type[] {
  let types = ctx.paramTypes.get(params);
  if (!types) {
    types = ctx.inFile(file, () => params.map((p) => resolveType(ctx, p.type)));
    ctx.paramTypes.set(params, types);
  }
  return types;
}

/** An action's return type, resolved once per compilation (like `paramTypes`). */
export function returnType(ctx: CheckContext, file: string, te: A.TypeExpr): Type {
  let t = ctx.returnTypes.get(te);
  if (!t) {
    t = ctx.inFile(file, () => resolveType(ctx, te));
    ctx.returnTypes.set(te, t);
  }
  return t;
}

/** An experience's `context { … }` type, resolved once per compilation (tests read it too). */
export function contextType(ctx: CheckContext, file: string, fields: A.FieldDecl[]): Type {
  let t = ctx.contextTypes.get(fields);
  if (!t) {
    t = { kind: "record", name: "Context", fields: ctx.inFile(file, () => resolveFields(ctx, fields)) };
    ctx.contextTypes.set(fields, t);
  }
  return t;
}
