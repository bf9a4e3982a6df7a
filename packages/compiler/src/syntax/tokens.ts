/**
 * Every token of the Journey language, in one place, and the lexer built once per process.
 *
 * Keywords are reserved only where they would be ambiguous: each keyword also belongs to the
 * `Name` category, so a field, a path segment or a declaration may be called `from` or `end`.
 * Only the words that are expressions themselves (`true`, `false`, `null`, `not`, `and`, `or`,
 * `in`) are not names.
 */
import type { ILexerConfig, ILexingResult, IToken, TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";
import type { Span } from "./ast.js";

export const Name = createToken({ name: "Name", pattern: Lexer.NA });
/** What may start a path expression: identifiers and the few keywords that are also values. */
export const ExprHead = createToken({ name: "ExprHead", pattern: Lexer.NA });
/** Every binary operator: the parser reads them all alike and applies precedence afterwards. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA });
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name, ExprHead],
});

/**
 * Keywords by their text. The lexer has no pattern for them: it reads every word as an
 * `Identifier`, and `lexer.tokenize` gives the words of this table their keyword type. Trying
 * each keyword's pattern before `Identifier` (with `Identifier` as the longer alternative)
 * gives the same tokens, but took over a third of the lexing time.
 */
const KEYWORDS = new Map<string, TokenType>();
function keyword(word: string, categories: TokenType[] = [Name]): TokenType {
  const t = createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: Lexer.NA, categories });
  KEYWORDS.set(word, t);
  return t;
}

// Declarations.
export const Profile = keyword("profile", [Name, ExprHead]);
export const Type = keyword("type");
export const Event = keyword("event", [Name, ExprHead]);
export const Catalog = keyword("catalog");
export const Audience = keyword("audience");
export const Action = keyword("action");
export const Fragment = keyword("fragment");
export const Template = keyword("template");
export const Channel = keyword("channel");
export const Journey = keyword("journey");
export const Experience = keyword("experience");
export const Test = keyword("test");
// Journey clauses and steps.
export const On = keyword("on");
export const As = keyword("as");
export const Where = keyword("where");
export const Enter = keyword("enter");
export const Schedule = keyword("schedule");
export const Every = keyword("every");
export const At = keyword("at");
export const For = keyword("for");
export const Reentry = keyword("reentry");
export const Exit = keyword("exit");
export const Goal = keyword("goal");
export const Within = keyword("within");
export const Wait = keyword("wait");
export const Until = keyword("until");
export const Timeout = keyword("timeout");
export const If = keyword("if");
export const Then = keyword("then");
export const Else = keyword("else");
export const Split = keyword("split");
export const Send = keyword("send");
export const To = keyword("to");
export const Recommend = keyword("recommend");
export const Exclude = keyword("exclude");
export const Limit = keyword("limit");
export const Backup = keyword("backup");
export const Call = keyword("call");
export const Error = keyword("error");
export const Let = keyword("let");
export const Set = keyword("set");
export const Repeat = keyword("repeat");
export const Jump = keyword("jump");
export const End = keyword("end");
// Catalogs, channels, actions.
export const Key = keyword("key");
export const Signals = keyword("signals");
export const From = keyword("from");
export const Cap = keyword("cap");
export const Per = keyword("per");
export const Quiet = keyword("quiet");
export const Headers = keyword("headers");
export const Body = keyword("body");
export const Retries = keyword("retries");
// Experiences.
export const Surface = keyword("surface");
export const Format = keyword("format");
export const Context = keyword("context", [Name, ExprHead]);
export const Variant = keyword("variant");
export const When = keyword("when");
export const Active = keyword("active");
export const Content = keyword("content");
export const Priority = keyword("priority");
// Tests.
export const Start = keyword("start");
export const Expect = keyword("expect");
export const No = keyword("no");
export const Ended = keyword("ended");
export const Reason = keyword("reason");
export const Decide = keyword("decide");
export const Contains = keyword("contains", [Name, ExprHead]);
export const Json = keyword("json");
// Words that are expressions: never names.
export const True = keyword("true", []);
export const False = keyword("false", []);
export const Null = keyword("null", []);
export const Not = keyword("not", []);
export const And = keyword("and", [BinaryOperator]);
export const Or = keyword("or", [BinaryOperator]);
export const In = keyword("in", [BinaryOperator]);

// Comments go to a group, not SKIPPED: the formatter and hover need them.
export const DocComment = createToken({ name: "DocComment", pattern: /\/\/\/[^\n\r]*/, group: "comments" });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: "comments",
  line_breaks: true,
});
/** A `/*` never closed: the rest of the file, reported once (J0012) rather than as stray `/` and `*`. */
export const UnterminatedBlockComment = createToken({ name: "UnterminatedBlockComment", pattern: /\/\*[\s\S]*/, group: "comments", line_breaks: true });
/**
 * A byte order mark (U+FEFF) is white space, as in JavaScript: the loaders drop the one at the
 * start of a file, but an editor may send it in a document's text, and positions must then
 * count it as the editor does. Anywhere, not only at offset 0, so a declaration parsed again
 * on its own after an edit (the language server does) reads it as the whole file does.
 */
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });

// Literals. All of these start with a digit, so their order decides: the longest forms first.
export const DateTimeLit = createToken({
  name: "DateTimeLit",
  pattern: /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/,
});
export const TimeOfDayLit = createToken({ name: "TimeOfDayLit", pattern: /\d{1,2}:\d{2}(?![\d:])/ });
export const DurationLit = createToken({ name: "DurationLit", pattern: /(?:\d+(?:ms|s|m|h|d|w)(?![A-Za-z_]))+/ });
/** How a duration is written, for messages about one written otherwise (`2 days`, `wait 2`). */
export const DURATION_FORMS = "a duration is a number and its unit, without a space: `500ms`, `30s`, `15m`, `4h`, `2d`, `1w`, `1h30m`";
export const PercentLit = createToken({ name: "PercentLit", pattern: /\d+(?:\.\d+)?%/ });
export const NumberLit = createToken({ name: "NumberLit", pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
export const TripleStringLit = createToken({ name: "TripleStringLit", pattern: /"""[\s\S]*?"""/, line_breaks: true });
/** A `"""` that never closed: one clear error instead of a cascade. */
export const UnterminatedTripleString = createToken({ name: "UnterminatedTripleString", pattern: /"""[\s\S]*/, line_breaks: true });
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/ });
/** A string that never closed on its line: one clear error instead of a cascade. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n\r]|\\.)*/ });

// Punctuation and operators.
export const LCurly = createToken({ name: "LCurly", pattern: /{/, label: "'{'" });
export const RCurly = createToken({ name: "RCurly", pattern: /}/, label: "'}'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /]/, label: "']'" });
export const Arrow = createToken({ name: "Arrow", pattern: /->/, label: "'->'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const QuestionQuestion = createToken({ name: "QuestionQuestion", pattern: /\?\?/, categories: [BinaryOperator], label: "'??'" });
export const Question = createToken({ name: "Question", pattern: /\?/, label: "'?'" });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "'|'" });

export const EqEq = createToken({ name: "EqEq", pattern: /==/, categories: [BinaryOperator], label: "'=='" });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/, categories: [BinaryOperator], label: "'!='" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, categories: [BinaryOperator], label: "'<='" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, categories: [BinaryOperator], label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, categories: [BinaryOperator], label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, categories: [BinaryOperator], label: "'>'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });

export const Plus = createToken({ name: "Plus", pattern: /\+/, categories: [BinaryOperator], label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, categories: [BinaryOperator], label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, categories: [BinaryOperator], label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, categories: [BinaryOperator], label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: /%/, categories: [BinaryOperator], label: "'%'" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  TripleStringLit,
  UnterminatedTripleString,
  StringLit,
  UnterminatedString,
  DateTimeLit,
  TimeOfDayLit,
  DurationLit,
  PercentLit,
  NumberLit,
  Arrow,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Colon,
  QuestionQuestion,
  Question,
  Pipe,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Identifier,
  ...KEYWORDS.values(),
  Name,
  ExprHead,
  BinaryOperator,
];

export const keywords: readonly string[] = [...KEYWORDS.keys()];

/**
 * Tokens carry their start offset only (see `tokEnd`): spans are offsets, and tracking lines
 * and columns made the lexer allocate 2.5 times as much. The definition's validations run in
 * the tests (test/grammar.test.ts), not in every process (~20 ms of each start).
 */
export const lexerConfig = (validate: boolean): ILexerConfig => ({ ensureOptimizations: true, positionTracking: "onlyOffset", skipValidations: !validate });

/** Built once per process: constructing a Chevrotain lexer is far more costly than using one. */
const wordLexer = new Lexer(allTokens, lexerConfig(false));

/** The lexer: Chevrotain's, with keywords typed from `KEYWORDS`. */
export const lexer = {
  tokenize(text: string): ILexingResult {
    const lexed = wordLexer.tokenize(text);
    for (const tok of lexed.tokens) {
      if (tok.tokenType !== Identifier) continue;
      const kw = KEYWORDS.get(tok.image);
      if (kw) retype(tok, kw);
    }
    return lexed;
  },
};

/** Gives a lexed token another type. */
export function retype(tok: IToken, type: TokenType): void {
  tok.tokenType = type;
  tok.tokenTypeIdx = type.tokenTypeIdx!;
}

/** Where a token ends (exclusive); NaN for a token recovery inserted, like its start. */
export function tokEnd(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

export function tokSpan(tok: IToken): Span {
  return { start: tok.startOffset, end: tokEnd(tok) };
}
