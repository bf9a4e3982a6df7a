/**
 * The value expected at the cursor, for completion: the type of what it is compared with or
 * assigned to, read from the text before it (`s.segment == `, `set profile.plan = `,
 * `expect profile "p1" where plan == `, `respond Weather where city == `), and the values of
 * such a type that can be written as they are (a union's strings, `true` and `false`, `null`
 * where it may be null). The text being typed rarely parses, so the path is read from the text
 * and typed as completion after a `.` types it.
 */
import { nonNull, T, typeToString, type Type } from "@journey/template";
import type { Doc } from "./document.js";
import { actionTypes, namesAt, pathBefore, walkPath } from "./scope.js";
import { openBlocks, statementWords } from "./text.js";

/** The words of an `expect profile` once its conditions begin (strings are `"xx"` in the code text). */
const PROFILE_WHERE = /^expect (?:at \S+ )?(?:no )?profile "[^"]*" where\b/;
/** The words of a `respond` or an `expect call` once its conditions begin, with the action's name. */
const CALL_WHERE = /^(?:respond|expect (?:at \S+ )?(?:no )?call) (\w+) where\b/;

/**
 * What the paths of a test item's `where` conditions start at, by the words of its statement
 * (`statementWords`): the profile's fields in `expect profile`, the call's arguments by
 * parameter name in `respond` and `expect call` (as a record of the parameters); undefined
 * elsewhere, or when the action is unknown.
 */
export function conditionRoot(doc: Doc, stmt: string): { type: Type; of: "profile" | "arguments" } | undefined {
  const profile = doc.analysis.ctx?.profile;
  if (PROFILE_WHERE.test(stmt)) return profile && { type: profile, of: "profile" };
  const action = CALL_WHERE.exec(stmt)?.[1];
  const params = action !== undefined ? actionTypes(doc, action)?.params : undefined;
  return params && { type: { kind: "record", fields: params.map((p) => ({ name: p.name, type: p.type, optional: false })) }, of: "arguments" };
}

/**
 * The type of the path before `==`, `!=` or `set profile.… =`, where `at` is just after the
 * operator (white space allowed between); undefined elsewhere or when the path is unknown.
 */
export function comparedType(doc: Doc, code: string, at: number): Type | undefined {
  let i = at;
  while (i > 0 && /[ \t]/.test(code[i - 1]!)) i--;
  const two = code.slice(i - 2, i);
  let assign = false;
  if (two === "==" || two === "!=") i -= 2;
  else if (code[i - 1] === "=" && !/[=!<>]/.test(code[i - 2] ?? "")) {
    assign = true;
    i -= 1;
  } else return undefined;
  while (i > 0 && /[ \t]/.test(code[i - 1]!)) i--;
  const parts = pathBefore(code, i);
  if (!parts || !("name" in parts[0]!)) return undefined;
  const line = code.slice(code.lastIndexOf("\n", i - 1) + 1, i);
  if (assign) {
    // `set profile.plan = `: the one assignment whose target is a path (`let x = ` has no type yet).
    return /^\s*set\s+[\w.[\]]+$/.test(line) && parts[0].name === "profile" ? walkPath(doc.analysis.ctx?.profile ?? T.unknown, parts.slice(1)) : undefined;
  }
  // A test item's condition (`expect profile "p1" where plan ==`, `respond Weather where city ==`), over lines too.
  const condition = conditionRoot(doc, statementWords(code, i, openBlocks(code, i)));
  if (condition) return walkPath(condition.type, parts);
  const root = namesAt(doc, at).find((n) => n.name === (parts[0] as { name: string }).name);
  return root ? walkPath(root.type, parts.slice(1)) : undefined;
}

/** A value of type `t` that is written as it is: the strings of a union (quoted), `true`, `false`, `null`. */
export interface LiteralValue {
  /** As written in code (`"gold"`). */
  code: string;
  /** Inside a string already open (`gold`); undefined for a value that is not a string. */
  text?: string;
  detail: string;
}

export function literalValues(t: Type): LiteralValue[] {
  const v = nonNull(t);
  const detail = typeToString(t);
  const out: LiteralValue[] = [];
  const members = v.kind === "union" ? v.members : [v];
  for (const m of members) {
    if (m.kind === "literal") out.push({ code: JSON.stringify(m.value), text: m.value, detail });
    else if (m.kind === "bool") out.push({ code: "true", detail }, { code: "false", detail });
  }
  // `!= null` is how a value that may be null is checked: offered for any such value.
  if (t.kind === "optional" || t.kind === "null") out.push({ code: "null", detail });
  return out;
}
