/**
 * Text → AST for one file: lexing, a nesting guard, parsing with recovery, doc comments,
 * and syntax diagnostics phrased for people rather than for parser authors.
 */
import { isCalendarDate, suggest } from "@journey/template";
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Comment, Declaration, SourceFile, Span } from "./ast.js";
import { DECLARATION_KEYWORDS, MAX_OPERATORS, parser } from "./parser.js";
import * as t from "./tokens.js";
import { retype, tokEnd, tokSpan } from "./tokens.js";
import { tokenMatcher } from "./chevrotain.js";

/** Deeper nesting than this is refused before parsing: recursion must never overflow the stack. */
export const MAX_NESTING = 100;

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

/** What the parser was reading, by rule: the words that make "unexpected x" actionable. */
const RULE_CONTEXT: Record<string, string> = {
  file: "expected a declaration (`profile`, `type`, `event`, `catalog`, `audience`, `action`, `fragment`, `template`, `channel`, `journey`, `experience` or `test`)",
  declaration: "expected a declaration (`profile`, `type`, `event`, `catalog`, `audience`, `action`, `fragment`, `template`, `channel`, `journey`, `experience` or `test`)",
  step: "expected a step (`wait`, `if`, `split`, `send`, `recommend`, `call`, `let`, `set`, `repeat`, `jump to` or `end`)",
  journeyDecl: "expected a journey clause (`on`, `reentry`, `exit on`, `goal`) or a step",
  block: "expected a step (`wait`, `if`, `split`, `send`, `recommend`, `call`, `let`, `set`, `repeat`, `jump to` or `end`)",
  experienceDecl: "expected `surface`, `format`, `priority`, `timeout`, `active`, `context`, `recommend`, `let`, `call` or `variant`",
  testItem: "expected `start`, `profile`, `catalog`, `at`, `split`, `respond` or `expect`",
  expectation: "expected `send`, `suppressed`, `ended`, `goal`, `profile`, `call` or `decide` after `expect` (and its optional `at <offset>` and `no`)",
  pathConditions: "expected a condition (`field == value`)",
  fieldDecl: "expected a field (`name: type`)",
  typeAtom: "expected a type",
  primary: "expected an expression",
  expr: "expected an expression",
  unaryMinus: "expected an expression",
  // An `if` where a value goes, with no `then` before a block or the next step.
  conditional: "expected an expression (a value that depends on a condition is `if c then a else b`)",
  waitStep: "expected a duration, `until <time>` or `for <Event>` after `wait`",
  trigger: "expected an event name, `enter <Audience>` or `schedule every …` after `on`",
  sendStep: "expected a template call or `{ … }` content after the channel",
  variantDecl: "expected `content` or `split` in a variant",
  channelDecl: "expected `from`, `cap`, `quiet` or `consent`",
  actionDecl: "expected a request (`get \"…\"`), `headers`, `body`, `timeout` or `retries`",
  stringExpr: "expected a string",
};

/** The rules that read items up to a `}`, and the context saying what those items are. */
const BLOCK_ITEMS: Record<string, keyof typeof RULE_CONTEXT> = {
  testDecl: "testItem",
  journeyDecl: "journeyDecl",
  block: "block",
  experienceDecl: "experienceDecl",
  channelDecl: "channelDecl",
  actionDecl: "actionDecl",
  variantDecl: "variantDecl",
};

function describe(tok: IToken): string {
  if (tok.tokenType === t.StringLit || tok.tokenType === t.TripleStringLit) return "a string";
  if (tok.image === "") return "the end of the file";
  return "`" + (tok.image.length > 30 ? tok.image.slice(0, 30) + "…" : tok.image) + "`";
}

function tokenLabel(type: { name: string; LABEL?: string }): string {
  if (type.LABEL) return "`" + type.LABEL.replace(/^'|'$/g, "") + "`";
  if (type === t.Identifier || type === t.Name || type === t.ExprHead) return "a name";
  if (type === t.StringLit) return "a string";
  if (type === t.PercentLit) return "a percentage";
  if (type === t.DurationLit) return "a duration";
  if (type === t.TimeOfDayLit) return "a time of day (`HH:MM`)";
  if (type === t.NumberLit) return "a number";
  if (type.name.endsWith("Lit")) return "a literal";
  return "`" + type.name.toLowerCase() + "`";
}

/**
 * `if tier = "gold"`, `where event.cartId = cart.cartId`: whether the `=` at `i` is a comparison
 * written as an assignment, inside a condition. Looking back from it (at most a statement's
 * worth of tokens, outside brackets) finds `if`, `where`, `when` or `until` before any `{`,
 * `}`, `let`, `set`, declaration or other `=`; or an audience's own `=` (`audience A = x = y`).
 * Grouping parentheses are looked through (`if (tier = "gold")`); inside a call's parentheses
 * or a list it is something else (`popular(by = views)`).
 */
function comparisonSlip(tokens: IToken[], i: number): boolean {
  let depth = 0;
  for (let j = i - 1; j >= 0 && j >= i - 64; j--) {
    const type = tokens[j]!.tokenType;
    if (type === t.RParen || type === t.RBracket) depth++;
    else if (type === t.LParen || type === t.LBracket) {
      if (depth > 0) depth--;
      else if (type === t.LBracket || tokens[j - 1]?.tokenType === t.Identifier) return false;
    } else if (depth > 0) continue;
    else if (type === t.If || type === t.Where || type === t.When || type === t.Until) return true;
    else if (type === t.Equals) return tokens[j - 2]?.tokenType === t.Audience;
    else if (NOT_IN_CONDITION.has(type)) return false;
  }
  return false;
}

/** Whether `tok` can end an operand: a name, a literal, a closing bracket. */
function endsOperand(tok: IToken | undefined): boolean {
  if (!tok) return false;
  const type = tok.tokenType;
  return tokenMatcher(tok, t.Name) || type === t.StringLit || type === t.NumberLit || type === t.RParen || type === t.RBracket || type === t.True || type === t.False;
}

/**
 * `a.b contains "x"` (`contains` at `i`) as the call it means, when both sides are simple
 * (a dotted path, a literal or a path): the span and `contains(a.b, "x")`.
 */
function containsSlip(tokens: IToken[], i: number, text: string): { span: Span; replacement: string } | undefined {
  let first = i - 1;
  if (!tokenMatcher(tokens[first]!, t.Name)) return undefined;
  while (first >= 2 && tokens[first - 1]!.tokenType === t.Dot && tokenMatcher(tokens[first - 2]!, t.Name)) first -= 2;
  let last = i + 1;
  const right = tokens[last];
  if (!right) return undefined;
  if (tokenMatcher(right, t.Name)) while (tokens[last + 1]?.tokenType === t.Dot && tokens[last + 2] && tokenMatcher(tokens[last + 2]!, t.Name)) last += 2;
  else if (right.tokenType !== t.StringLit && right.tokenType !== t.NumberLit) return undefined;
  const a = text.slice(tokens[first]!.startOffset, tokEnd(tokens[i - 1]!));
  const b = text.slice(right.startOffset, tokEnd(tokens[last]!));
  return { span: { start: tokens[first]!.startOffset, end: tokEnd(tokens[last]!) }, replacement: `contains(${a}, ${b})` };
}

/**
 * `expect … at 0m` with the parser stopped right after `at <time>` (at `i`): the expectation's
 * time written at its end, on the line of the `expect`. The message and a fix moving it.
 */
function lateExpectationTime(tokens: IToken[], i: number, text: string): { message: string; span: Span; replacement: string } | undefined {
  const time = tokens[i - 1];
  const at = tokens[i - 2];
  if (!time || at?.tokenType !== t.At || (time.tokenType !== t.DurationLit && time.tokenType !== t.NumberLit)) return undefined;
  let k = i - 3;
  while (k >= 0 && tokens[k]!.startLine === at.startLine && tokens[k]!.tokenType !== t.Expect) k--;
  const expect = tokens[k];
  if (!expect || expect.tokenType !== t.Expect || expect.startLine !== at.startLine || k === i - 3) return undefined;
  const what = text.slice(tokEnd(expect), at.startOffset).trim();
  const when = text.slice(at.startOffset, tokEnd(time));
  return {
    message: `\`${when}\` goes right after \`expect\`: \`expect ${when} ${what}\``,
    span: { start: expect.startOffset, end: tokEnd(time) },
    replacement: `expect ${when} ${what}`,
  };
}

/**
 * `subject "Hi {{date (now) "long"}}"`: a `"` inside a tag ends the `"…"` string, and the rest
 * would read as more fields (`long`). When a string leaves a tag open and the tokens right after
 * it (no space between) close it in another string, they are joined into the one string meant,
 * in place (`tokens[i]` grows, the others go): one diagnostic, with single quotes as the fix.
 */
function quoteInTag(tokens: IToken[], i: number, text: string): { message: string; span: Span; fix?: { span: Span; newText: string } } | undefined {
  const first = tokens[i]!;
  if (first.image.lastIndexOf("{{") < first.image.lastIndexOf("}}")) return undefined;
  let k = i;
  while (k + 1 < tokens.length && tokens[k + 1]!.startOffset === tokEnd(tokens[k]!) && !(tokens[k]!.tokenType === t.StringLit && k > i && tokens[k]!.image.includes("}}"))) k++;
  const last = tokens[k]!;
  if (k === i || last.tokenType !== t.StringLit || !last.image.includes("}}")) return undefined;
  const joined = text.slice(first.startOffset, tokEnd(last));
  Object.assign(first, { image: joined, endOffset: last.endOffset, endLine: last.endLine, endColumn: last.endColumn });
  tokens.splice(i + 1, k - i);
  const inner = joined.slice(1, -1);
  const start = first.startOffset + 1 + inner.indexOf('"');
  return {
    message: "this `\"` ends the string: inside a tag of a `\"…\"` string, write strings in single quotes (`{{date d 'long'}}`), or use a `\"\"\"…\"\"\"` string",
    span: { start, end: start + 1 },
    // Single quotes only where the tag's strings hold none.
    ...(inner.includes("'") ? {} : { fix: { span: { start: first.startOffset + 1, end: tokEnd(first) - 1 }, newText: inner.replaceAll('"', "'") } }),
  };
}

/**
 * Where a statement or a declaration begins: looking back from a `=`, reaching one first means
 * the `=` is its own (`let x =`, `recommend r =`, `audience A =`), or the condition, if any, is
 * an earlier statement's (`on E where …` on the line before `recommend r = …`).
 */
const NOT_IN_CONDITION: ReadonlySet<TokenType> = new Set([
  t.LCurly, t.RCurly,
  t.Let, t.Set, t.Recommend, t.Wait, t.Send, t.Call, t.Repeat, t.Split, t.Jump, t.End, t.Exit, t.Goal, t.Reentry, t.Expect,
  t.Audience, t.Type, t.Catalog, t.Action, t.Fragment, t.Template, t.Channel, t.Journey, t.Experience, t.Test, t.Variant,
]);

/** Declaration keywords by their word (`test` is `t.Test`). */
const DECLARATION_WORDS = new Map([...DECLARATION_KEYWORDS].map((type) => [type.name.toLowerCase(), type]));

/**
 * `tst "name" {`, `jouney Cart {`: a misspelt declaration keyword at the top level (token `i`,
 * outside brackets, first on its line but not after a declaration keyword, followed by a name
 * or string and then a block, or by the block itself). Left alone, the parser skips to the next
 * declaration keyword it finds, which in a test is the `profile` of its first item: a second
 * profile, and an error at every field that uses the real one. The keyword it is close to, if any.
 */
function misspeltDeclaration(tokens: IToken[], i: number, text: string): { word: string; type: TokenType } | undefined {
  const tok = tokens[i]!;
  const before = tokens[i - 1];
  // The name of a declaration whose keyword ends the line before (`journey` ⏎ `Journey1 {`) is no keyword.
  if (before && (!text.slice(tokEnd(before), tok.startOffset).includes("\n") || DECLARATION_KEYWORDS.has(before.tokenType))) return undefined;
  const next = tokens[i + 1]?.tokenType;
  const named = next === t.StringLit || next === t.Identifier;
  const opens = (type: TokenType | undefined) => type === t.LCurly || type === t.LParen || type === t.Equals;
  if (!(named ? opens(tokens[i + 2]?.tokenType) : next === t.LCurly)) return undefined;
  const word = suggest(tok.image, DECLARATION_WORDS.keys());
  return word ? { word, type: DECLARATION_WORDS.get(word)! } : undefined;
}

/** The one token a mismatch wanted (`expected \`}\``), if that is what the error is. */
function expectedToken(e: IRecognitionException): { name: string; LABEL?: string } | undefined {
  if (e.name !== "MismatchedTokenException") return undefined;
  const m = /-->\s*(.+?)\s*<--/.exec(e.message);
  return m ? (t.allTokens.find((x) => x.name === m[1] || x.LABEL === m[1]) ?? { name: m[1]! }) : undefined;
}

/** Each closing bracket and the opening one it closes. */
const OPENER_OF = new Map<unknown, TokenType>([
  [t.RCurly, t.LCurly],
  [t.RParen, t.LParen],
  [t.RBracket, t.LBracket],
]);

/**
 * For "expected `}`": the bracket it would close, still open where the error is (the last one
 * of its kind not closed before `at`). A missing `}` is found far from where it belongs: the
 * note points where to look.
 */
function unclosedBracket(tokens: IToken[], closer: unknown, at: number): IToken | undefined {
  const opener = OPENER_OF.get(closer);
  if (!opener) return undefined;
  const open: IToken[] = [];
  for (const tok of tokens) {
    if (tok.startOffset >= at) break;
    const type = tok.tokenType;
    if (type === t.LCurly || type === t.LParen || type === t.LBracket) open.push(tok);
    else if (OPENER_OF.has(type)) {
      const i = open.findLastIndex((o) => o.tokenType === OPENER_OF.get(type));
      if (i >= 0) open.length = i;
    }
  }
  return open.findLast((o) => o.tokenType === opener);
}

/** The fix that writes `newText` over `span`. */
function replacing(file: string, span: Span, newText: string, title = `replace with \`${newText}\``) {
  return { title, edits: [{ file, span, newText }] };
}

/** Unit words a duration may be written with in English (`2 days`), and the unit they mean. */
const UNIT_WORDS: Record<string, string> = {
  ms: "ms", millisecond: "ms", milliseconds: "ms",
  sec: "s", secs: "s", second: "s", seconds: "s",
  min: "m", mins: "m", minute: "m", minutes: "m",
  hr: "h", hrs: "h", hour: "h", hours: "h",
  day: "d", days: "d",
  week: "w", weeks: "w",
};

/**
 * A mistake whose message replaces the parser's: said in the writer's terms, and not about a
 * bracket (the "this `{` is not closed" note would send the reader to the wrong place).
 */
function knownMistake(e: IRecognitionException, text: string, tokens: IToken[]): { message: string; help?: string; span?: Span; replacement?: string } | undefined {
  const i = tokens.indexOf(e.token);
  // `expect no send email at 0m`: the time read as the start of a test event (`at 0m "p1" …`),
  // which fails at the next line. The time of an expectation comes right after `expect`.
  const late = lateExpectationTime(tokens, i, text);
  if (late) return late;
  // `every month at 09:00 on 7`: the day written after the time.
  const at = tokens[i - 2];
  const time = tokens[i - 1];
  const day = tokens[i + 1];
  if (e.token.tokenType === t.On && at?.tokenType === t.At && time?.tokenType === t.TimeOfDayLit && day) {
    const moved = `on ${day.image} at ${time.image}`;
    return { message: `\`on <day>\` comes before \`at\`: \`${moved}\``, span: { start: at.startOffset, end: tokEnd(day) }, replacement: moved };
  }
  // `wait 2 days`: a duration in words. The number parsed as a whole expression, so the
  // parser only sees a name where the step should end.
  const unit = UNIT_WORDS[e.token.image.toLowerCase()];
  const number = i > 0 ? tokens[i - 1]! : undefined;
  if (unit && number?.tokenType === t.NumberLit && /^\d+$/.test(number.image)) {
    const written = text.slice(number.startOffset, tokEnd(e.token));
    return {
      message: `\`${written}\` is not a duration: write \`${number.image}${unit}\``,
      help: t.DURATION_FORMS,
      span: { start: number.startOffset, end: tokEnd(e.token) },
      replacement: number.image + unit,
    };
  }
  // `9:5`, `009:00`, `12:00:00`: digits and colons with no space, which the lexer does not
  // take for a time of day (`HH:MM`), so the parser trips on a `:`.
  const malformed = malformedTime(tokens, i, text);
  if (malformed) return malformed;
  // `wait 1h` in a test, `foo` in a journey: a word the block does not take where it could
  // end, which the parser reports as a missing `}`. What the block takes is the useful answer
  // (a declaration's keyword there is a `}` left out: the parser's message and its note stand).
  const rules = e.context.ruleStack;
  const items = BLOCK_ITEMS[rules[rules.length - 1] ?? ""];
  // A variant is one content (or one split of contents): a second one reads as a missing `}`.
  if (rules[rules.length - 1] === "variantDecl" && expectedToken(e) === t.RCurly && (e.token.tokenType === t.Content || e.token.tokenType === t.Split)) {
    return { message: `unexpected ${describe(e.token)}: a variant holds one \`content\` or one \`split\` of contents (another content is another variant, with its own \`when\`)` };
  }
  if (items && expectedToken(e) === t.RCurly && e.token.image !== "" && !DECLARATION_KEYWORDS.has(e.token.tokenType)) {
    return { message: `unexpected ${describe(e.token)}: ${RULE_CONTEXT[items]}, or \`}\`` };
  }
  return undefined;
}

function syntaxMessage(e: IRecognitionException, text: string): string {
  const found = describe(e.token);
  const unexpected = e.token.image === "" ? "unexpected end of file" : `unexpected ${found}`;
  if (e.name === "NotAllInputParsedException") return `${unexpected}: ${RULE_CONTEXT["file"]}`;
  const expected = expectedToken(e);
  if (expected?.name === "EOF") return `${unexpected}: ${RULE_CONTEXT["file"]}`;
  if (expected) return `expected ${tokenLabel(expected)}, found ${found}`;
  const rules = e.context.ruleStack;
  for (let i = rules.length - 1; i >= 0; i--) {
    const ctx = RULE_CONTEXT[rules[i]!];
    if (ctx) return `${unexpected}: ${ctx}`;
  }
  return unexpected;
}

export function parseFile(path: string, text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = t.lexer.tokenize(text);
  for (const e of lexed.errors) {
    // The lexer reports a run of characters it cannot read: the span covers the characters the
    // message names, in whole code points (half an emoji is no position an editor can show).
    const chars = [...text.slice(e.offset, e.offset + Math.max(1, e.length))];
    const named = chars.slice(0, 20).join("");
    diagnostics.push(
      diagnostic("unexpectedCharacter", { char: named + (chars.length > 20 ? "…" : "") }, path, {
        start: e.offset,
        end: e.offset + named.length,
      }),
    );
  }
  const tokens = lexed.tokens;
  // One pass over the tokens: literals the lexer accepted by their shape only, `=` written for `==`, strings left
  // open, and the nesting depth (refused beyond MAX_NESTING).
  let depth = 0;
  let tooDeep: IToken | undefined;
  /** The keyword of the declaration the pass is in (a test's `where` takes `contains`). */
  let declaration: TokenType | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const type = tok.tokenType;
    if (depth === 0 && DECLARATION_KEYWORDS.has(type)) declaration = type;
    // `contains(` is the built-in function.
    if (type === t.Contains && declaration !== t.Test && tokens[i + 1]?.tokenType !== t.LParen && endsOperand(tokens[i - 1]) && comparisonSlip(tokens, i)) {
      // `if profile.email contains "vip"`: a test's condition written in a journey. Read as a
      // comparison so the rest parses: one diagnostic, which says what to write.
      const slip = containsSlip(tokens, i, text);
      diagnostics.push(diagnostic("syntaxError", { message: "`contains` is a condition of a test's `where`, not an operator: in an expression, call `contains(text or list, part)`" }, path, tokSpan(tok), slip ? { fix: replacing(path, slip.span, slip.replacement) } : {}));
      retype(tok, t.EqEq);
    } else if (type === t.Equals && comparisonSlip(tokens, i)) {
      // Read as the `==` it means: one diagnostic, and the rest of the statement parses as written.
      const span = tokSpan(tok);
      diagnostics.push(diagnostic("syntaxError", { message: "unexpected `=`: to compare, write `==`" }, path, span, { fix: replacing(path, span, "==") }));
      retype(tok, t.EqEq);
    } else if (type === t.StringLit && tok.image.includes("{{")) {
      const quote = quoteInTag(tokens, i, text);
      if (quote) diagnostics.push(diagnostic("syntaxError", { message: quote.message }, path, quote.span, quote.fix ? { fix: replacing(path, quote.fix.span, quote.fix.newText, "write the tag's strings in single quotes") } : {}));
    } else if (type === t.LCurly || type === t.LParen || type === t.LBracket) {
      if (++depth > MAX_NESTING) tooDeep ??= tok;
    } else if (type === t.RCurly || type === t.RParen || type === t.RBracket) {
      depth = Math.max(0, depth - 1);
    } else if (type === t.TimeOfDayLit || type === t.DateTimeLit) {
      const bad = invalidLiteral(tok);
      if (bad) diagnostics.push(diagnostic("invalidLiteral", { what: bad, text: tok.image }, path, tokSpan(tok)));
    } else if (type === t.UnterminatedString) {
      diagnostics.push(diagnostic("unterminatedString", {}, path, tokSpan(tok)));
      retype(tok, t.StringLit);
    } else if (type === t.UnterminatedTripleString) {
      diagnostics.push(diagnostic("unterminatedTripleString", {}, path, { start: tok.startOffset, end: tok.startOffset + 3 }));
      retype(tok, t.TripleStringLit);
    } else if (type === t.Identifier && depth === 0) {
      const meant = misspeltDeclaration(tokens, i, text);
      if (meant) {
        // Read as the keyword it means: one diagnostic, and the block parses as that declaration.
        const span = tokSpan(tok);
        diagnostics.push(diagnostic("syntaxError", { message: `unknown declaration \`${tok.image}\`: did you mean \`${meant.word}\`?` }, path, span, { fix: replacing(path, span, meant.word) }));
        retype(tok, meant.type);
      }
    }
  }
  for (const c of lexed.groups["comments"] ?? []) if (c.tokenType === t.UnterminatedBlockComment) diagnostics.push(diagnostic("unterminatedComment", {}, path, { start: c.startOffset, end: c.startOffset + 2 }));
  const comments = collectComments(lexed.groups["comments"] ?? []);
  const file: SourceFile = { path, text, declarations: [], comments };

  if (tooDeep) {
    diagnostics.push(diagnostic("tooDeep", { max: MAX_NESTING }, path, tokSpan(tooDeep)));
    return { file, diagnostics };
  }

  parser.input = tokens;
  parser.docs = docComments(lexed.groups["comments"] ?? [], tokens);
  parser.badEscapes = [];
  parser.keywordNames = [];
  parser.missingNames = [];
  parser.tooLong = [];
  parser.text = text;
  parser.declarations = [];
  parser.unfinished = undefined;
  parser.file();
  // A journey left unfinished at the end of the file fails the top rule itself.
  parser.keepUnfinished();
  file.declarations = parser.declarations;
  for (const b of parser.badEscapes) diagnostics.push(diagnostic("invalidEscape", { escape: b.text }, path, b));
  for (const k of parser.keywordNames) diagnostics.push(diagnostic("syntaxError", { message: `\`${k.name}\` is a keyword: choose another name` }, path, k.span));
  for (const dot of parser.missingNames) diagnostics.push(diagnostic("syntaxError", { message: "expected a field name after `.`" }, path, dot));
  for (const span of parser.tooLong) diagnostics.push(diagnostic("tooManyOperators", { max: MAX_OPERATORS }, path, span));
  // Every error marks its declaration, also those not reported (one mistake, one diagnostic).
  markRecovered(file, [...diagnostics.map((d) => d.span.start), ...parser.errors.map((e) => errorSpan(e.token, text).start)]);
  let last: Span | undefined;
  for (const e of parser.errors) {
    const span = errorSpan(e.token, text);
    // Recovery often trips again on the rest of the same line, or on a closing bracket the
    // first mistake left over at the top level: one mistake, one diagnostic.
    const leftover = OPENER_OF.has(e.token.tokenType) && e.context.ruleStack.length <= 1;
    if (last && (span.start <= last.end || !text.slice(last.end, span.start).includes("\n") || leftover)) continue;
    last = span;
    const known = knownMistake(e, text, tokens);
    if (known) {
      const at = known.span ?? span;
      diagnostics.push(diagnostic("syntaxError", { message: known.message }, path, at, { ...(known.help ? { help: known.help } : {}), ...(known.replacement !== undefined ? { fix: replacing(path, at, known.replacement) } : {}) }));
      continue;
    }
    const bracket = unclosedBracket(tokens, expectedToken(e), span.start);
    const related = bracket ? [{ file: path, span: tokSpan(bracket), message: `this \`${bracket.image}\` is not closed` }] : [];
    diagnostics.push(diagnostic("syntaxError", { message: syntaxMessage(e, text) }, path, span, { related }));
  }
  return { file, diagnostics };
}

/**
 * A time of day written otherwise than `HH:MM` where the parser trips on its `:` (token `i`):
 * the run of numbers and colons around it with no space between, and the `HH:MM` it means
 * when there is one (`9:5` is `09:05`; seconds are dropped: a time of day has none).
 */
function malformedTime(tokens: IToken[], i: number, text: string): { message: string; span: Span; replacement?: string } | undefined {
  const tok = tokens[i];
  if (tok?.tokenType !== t.Colon) return undefined;
  const glued = (a: IToken, b: IToken) => tokEnd(a) === b.startOffset;
  const part = (x: IToken | undefined) => x !== undefined && (x.tokenType === t.NumberLit || x.tokenType === t.Colon || x.tokenType === t.TimeOfDayLit);
  let first = i;
  while (part(tokens[first - 1]) && glued(tokens[first - 1]!, tokens[first]!)) first--;
  let last = i;
  while (part(tokens[last + 1]) && glued(tokens[last]!, tokens[last + 1]!)) last++;
  if (first === i || last === i) return undefined;
  const span = { start: tokens[first]!.startOffset, end: tokEnd(tokens[last]!) };
  const written = text.slice(span.start, span.end);
  const m = /^(\d+):(\d+)(?::\d+)?$/.exec(written);
  if (!m) return undefined;
  const [h, min] = [Number(m[1]), Number(m[2])];
  const meant = h < 24 && min < 60 ? `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}` : undefined;
  return { message: `\`${written}\` is not a time of day: write it \`HH:MM\`${meant ? `, \`${meant}\`` : ""} (hours 00 to 23, two digits for the minutes, no seconds)`, span, ...(meant ? { replacement: meant } : {}) };
}

/** What is wrong with a literal the lexer accepted by shape (`25:00`, `2026-13-45`), if anything. */
function invalidLiteral(tok: IToken): string | undefined {
  if (tok.tokenType === t.TimeOfDayLit) {
    const [h, m] = tok.image.split(":").map(Number);
    return h! > 23 || m! > 59 ? "time of day" : undefined;
  }
  if (tok.tokenType === t.DateTimeLit) {
    if (!isCalendarDate(tok.image)) return "date";
    const m = /^\d{4}-\d{2}-\d{2}(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(tok.image)!;
    if (m[1] !== undefined && (Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59)) return "date-time";
  }
  return undefined;
}

/**
 * Declarations the parser recovered inside are marked: their content is partly guesswork,
 * so the checker binds their names but does not check them.
 */
function markRecovered(file: SourceFile, offsets: number[]): void {
  for (const at of offsets) {
    const decl = declarationOfError(file.declarations, at);
    if (decl) decl.recovered = true;
  }
}

/**
 * The declaration a syntax error at `at` belongs to. An error at a declaration's first word
 * is the previous one's (its `}` is missing): the declaration itself parsed whole, and stays
 * checked and known to the editor.
 */
export function declarationOfError(decls: readonly Declaration[], at: number): Declaration | undefined {
  const i = decls.findIndex((d) => d.span.start <= at && at <= d.span.end);
  if (i < 0) return undefined;
  return at === decls[i]!.span.start && i > 0 ? decls[i - 1] : decls[i];
}

function errorSpan(tok: IToken, text: string): Span {
  if (!Number.isFinite(tok.startOffset) || tok.image === "") {
    // The end of the file: point at the last character (or nothing, in an empty file).
    let end = text.length;
    while (end > 0 && /\s/.test(text[end - 1]!)) end--;
    return { start: Math.max(0, end - 1), end };
  }
  return tokSpan(tok);
}

function collectComments(group: IToken[]): Comment[] {
  return group.map((tok) => ({
    kind: tok.tokenType === t.DocComment ? "doc" : tok.tokenType === t.BlockComment ? "block" : "line",
    text: tok.image,
    span: tokSpan(tok),
  }));
}

/** Consecutive `///` lines document the token that follows them (past a comma): keyed by that token's offset. */
function docComments(group: IToken[], tokens: IToken[]): Map<number, string> {
  const docs = new Map<number, string>();
  let lines: string[] = [];
  let ti = 0;
  for (let i = 0; i < group.length; i++) {
    const c = group[i]!;
    if (c.tokenType !== t.DocComment) {
      lines = [];
      continue;
    }
    // Trailing white space is nobody's meaning (and editors and the formatter drop it).
    lines.push(c.image.slice(3).replace(/^ /, "").trimEnd());
    const next = group[i + 1];
    while (ti < tokens.length && tokens[ti]!.startOffset < c.startOffset) ti++;
    // Leading-comma style (`/// why` above `, category: string`) documents the item after the comma.
    const tok = tokens[ti]?.tokenType === t.Comma ? (tokens[ti + 1] ?? tokens[ti]) : tokens[ti];
    if (!tok) break;
    // More doc lines before the documented token: keep collecting.
    if (next && next.tokenType === t.DocComment && next.startOffset < tok.startOffset) continue;
    if (!next || next.startOffset > tok.startOffset) docs.set(tok.startOffset, lines.join("\n"));
    lines = [];
  }
  return docs;
}
