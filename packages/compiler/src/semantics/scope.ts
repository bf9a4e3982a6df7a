/** Names in scope, and the paths known not to be null there (flow narrowing). */
import type { Type } from "@journey/template";
import type * as A from "../syntax/ast.js";
import type { Target } from "./context.js";

export type BindingKind = "profile" | "alias" | "event" | "let" | "recommend" | "call" | "item" | "param" | "context" | "runtime";

export interface Binding {
  name: string;
  type: Type;
  kind: BindingKind;
  /** Where it was declared, for go to definition (shared by every reference to it). */
  target?: Target;
}

/** What the null checks around a point prove: which paths are known not to be null there. */
export interface Narrowing {
  isNonNull(path: string): boolean;
}

export class Scope implements Narrowing {
  // Made on first use: most scopes (a block's, a branch's) define nothing or narrow nothing.
  private vars?: Map<string, Binding>;
  private nonNullPaths?: Set<string>;
  /** Paths assigned in this scope (`set profile.x = …`): what outer scopes knew of them is void. */
  private assigned?: Set<string>;

  constructor(readonly parent?: Scope) {}

  define(b: Binding): void {
    (this.vars ??= new Map()).set(b.name, b);
  }

  lookup(name: string): Binding | undefined {
    return this.vars?.get(name) ?? this.parent?.lookup(name);
  }

  /** Whether `name` is defined in this scope itself (not a parent). */
  ownsName(name: string): boolean {
    return this.vars?.has(name) ?? false;
  }

  names(): string[] {
    const out = new Set<string>(this.parent?.names() ?? []);
    for (const k of this.vars?.keys() ?? []) out.add(k);
    return [...out];
  }

  child(): Scope {
    return new Scope(this);
  }

  /** A child scope in which the given paths are known not to be null. */
  narrowed(paths: Iterable<string>): Scope {
    const s = new Scope(this);
    s.assume(paths);
    return s;
  }

  /** Adds facts to this scope (after `if x == null { end }`, `x` is not null). */
  assume(paths: Iterable<string>): void {
    for (const p of paths) (this.nonNullPaths ??= new Set()).add(p);
  }

  /** After `set profile.x = …`: from here on nothing is known of `profile.x` and the paths under it. */
  forget(path: string): void {
    for (const p of this.nonNullPaths ?? []) if (p === path || p.startsWith(`${path}.`)) this.nonNullPaths!.delete(p);
    (this.assigned ??= new Set()).add(path);
  }

  isNonNull(path: string): boolean {
    const dot = path.indexOf(".");
    const root = dot < 0 ? path : path.slice(0, dot);
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.nonNullPaths?.has(path)) return true;
      if (s.assigned) for (const p of s.assigned) if (path === p || path.startsWith(`${p}.`)) return false;
      // A scope that defines the path's root again (`event` in a nested `wait for`) hides
      // what outer scopes knew of the outer one.
      if (s.vars?.has(root)) return false;
    }
    return false;
  }
}

/** The type of the value at `path` (`"profile.phone"`): without its optional where `narrowing` proves it there. */
export function narrowPath(t: Type, path: string | undefined, narrowing: Narrowing): Type {
  return t.kind === "optional" && path !== undefined && narrowing.isNonNull(path) ? t.inner : t;
}

/** `profile.phone` → "profile.phone"; undefined for anything that is not a plain path. */
export function pathKey(e: A.Expr): string | undefined {
  if (e.kind === "Name") return e.name;
  if (e.kind === "Member") {
    const o = pathKey(e.object);
    return o === undefined ? undefined : `${o}.${e.property.name}`;
  }
  return undefined;
}

/** The paths known non-null when `e` is true (`whenTrue`) or false. */
export function nullFacts(e: A.Expr, whenTrue: boolean): string[] {
  if (e.kind === "Unary" && e.op === "not") return nullFacts(e.operand, !whenTrue);
  if (e.kind !== "Binary") return [];
  if (e.op === "and" && whenTrue) return [...nullFacts(e.left, true), ...nullFacts(e.right, true)];
  if (e.op === "or" && !whenTrue) return [...nullFacts(e.left, false), ...nullFacts(e.right, false)];
  if ((e.op === "!=" && whenTrue) || (e.op === "==" && !whenTrue)) {
    const [path, other] = e.right.kind === "Null" ? [e.left, e.right] : [e.right, e.left];
    if (other.kind !== "Null") return [];
    const k = pathKey(path);
    return k ? [k] : [];
  }
  return [];
}
