/**
 * The abstract syntax tree. Every node has a `span` (offsets into its file's text, end
 * exclusive); every name is an `Ident` with its own span, because diagnostics, go to
 * definition and rename all want the smallest span.
 */
export interface Span {
  start: number;
  end: number;
}

export interface Ident {
  name: string;
  span: Span;
}

export interface Comment {
  kind: "line" | "block" | "doc";
  /** The comment's full text, delimiters included. */
  text: string;
  span: Span;
}

// ── Types ────────────────────────────────────────────────────────────────────────────────

export type TypeExpr = NamedTypeExpr | RecordTypeExpr | LiteralTypeExpr | UnionTypeExpr;

/** `string`, `LineItem`, `list<T>`. */
export interface NamedTypeExpr {
  kind: "NamedType";
  name: Ident;
  args: TypeExpr[];
  span: Span;
}
export interface RecordTypeExpr {
  kind: "RecordType";
  fields: FieldDecl[];
  span: Span;
}
export interface LiteralTypeExpr {
  kind: "LiteralType";
  value: string;
  span: Span;
}
export interface UnionTypeExpr {
  kind: "UnionType";
  members: TypeExpr[];
  span: Span;
}

export interface FieldDecl {
  kind: "Field";
  name: Ident;
  optional: boolean;
  /** `key sku: string` in a catalog. */
  isKey: boolean;
  type: TypeExpr;
  default?: Expr;
  doc?: string;
  span: Span;
}

export interface Param {
  name: Ident;
  type: TypeExpr;
  span: Span;
}

// ── Expressions ──────────────────────────────────────────────────────────────────────────

export type Expr =
  | StringExpr
  | NumberExpr
  | BoolExpr
  | NullExpr
  | DurationExpr
  | DateTimeExpr
  | TimeOfDayExpr
  | NameExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | ListExpr
  | RecordExpr
  | ErrorExpr;

export interface StringExpr {
  kind: "String";
  /** The decoded value (escapes resolved; `"""` strings dedented). */
  value: string;
  triple: boolean;
  span: Span;
}
export interface NumberExpr {
  kind: "Number";
  value: number;
  /** Written without a fraction or exponent: typed `int`. */
  isInt: boolean;
  span: Span;
}
export interface BoolExpr {
  kind: "Bool";
  value: boolean;
  span: Span;
}
export interface NullExpr {
  kind: "Null";
  span: Span;
}
export interface DurationExpr {
  kind: "Duration";
  /** Milliseconds. */
  ms: number;
  text: string;
  span: Span;
}
export interface DateTimeExpr {
  kind: "DateTime";
  /** `2026-12-01` (a date) or `2026-12-01T09:00:00Z` (an instant). */
  text: string;
  dateOnly: boolean;
  span: Span;
}
export interface TimeOfDayExpr {
  kind: "TimeOfDay";
  /** Minutes after midnight. */
  minutes: number;
  text: string;
  span: Span;
}
export interface NameExpr {
  kind: "Name";
  name: string;
  span: Span;
}
export interface MemberExpr {
  kind: "Member";
  object: Expr;
  property: Ident;
  span: Span;
}
export interface IndexExpr {
  kind: "Index";
  object: Expr;
  index: Expr;
  span: Span;
}
export interface Arg {
  name?: Ident;
  value: Expr;
  span: Span;
}
export interface CallExpr {
  kind: "Call";
  callee: Ident;
  args: Arg[];
  span: Span;
}
export interface UnaryExpr {
  kind: "Unary";
  op: "not" | "-";
  operand: Expr;
  span: Span;
}
export type BinaryOp = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "??" | "+" | "-" | "*" | "/" | "%";
/** `if c then a else b`: the one value of two a condition picks (`else if` nests in `otherwise`). */
export interface ConditionalExpr {
  kind: "Conditional";
  condition: Expr;
  then: Expr;
  otherwise: Expr;
  /** The `then` and `else` keywords, for the formatter and for a diagnostic about a branch. */
  thenSpan: Span;
  elseSpan: Span;
  span: Span;
}
export interface BinaryExpr {
  kind: "Binary";
  op: BinaryOp;
  opSpan: Span;
  left: Expr;
  right: Expr;
  span: Span;
  /**
   * Set by the checker for a comparison (`==`, `<`, `in`, …) of text: the runtime compares the
   * strings as they are, never as the instants a date-shaped string could be read as.
   */
  asText?: boolean;
}
export interface ListExpr {
  kind: "List";
  items: Expr[];
  span: Span;
}
export interface RecordEntry {
  name: Ident;
  value: Expr;
  span: Span;
}
export interface RecordExpr {
  kind: "Record";
  entries: RecordEntry[];
  span: Span;
}
/** What the parser leaves where an expression failed to parse; already reported. */
export interface ErrorExpr {
  kind: "Error";
  span: Span;
}

// ── Steps ────────────────────────────────────────────────────────────────────────────────

export interface Block {
  steps: Step[];
  span: Span;
}

export type Step =
  | WaitStep
  | WaitUntilStep
  | WaitForStep
  | IfStep
  | SplitStep
  | SendStep
  | RecommendStep
  | CallStep
  | LetStep
  | SetStep
  | RepeatStep
  | JumpStep
  | EndStep;

export interface WaitStep {
  kind: "Wait";
  duration: Expr;
  span: Span;
}
export interface WaitUntilStep {
  kind: "WaitUntil";
  time: Expr;
  span: Span;
}
export interface EventMatch {
  event: Ident;
  alias?: Ident;
  where?: Expr;
}
export interface WaitForStep extends EventMatch {
  kind: "WaitFor";
  within?: Expr;
  body: Block;
  timeout?: Block;
  span: Span;
}
export interface IfBranch {
  condition: Expr;
  body: Block;
  span: Span;
}
export interface IfStep {
  kind: "If";
  branches: IfBranch[];
  else?: Block;
  span: Span;
}
export interface SplitArm {
  label: Ident;
  percent: number;
  percentSpan: Span;
  body: Block;
  span: Span;
}
export interface SplitStep {
  kind: "Split";
  experiment?: StringExpr;
  arms: SplitArm[];
  span: Span;
}
/** `subject "…"`, `html """…"""`, `data { … }`: one field of message content. */
export interface ContentField {
  name: Ident;
  value: Expr;
  span: Span;
}
export interface SendStep {
  kind: "Send";
  /** `send transactional …`: the message skips the channel's consent, cap and quiet hours. */
  transactional?: true;
  /** Where the word `transactional` is, when it is written. */
  transactionalSpan?: Span;
  channel: Ident;
  template?: { name: Ident; args: Arg[]; span: Span };
  content?: ContentField[];
  to?: Expr;
  span: Span;
}
export interface RecommendStep extends RepeatedSettings {
  kind: "Recommend";
  name: Ident;
  algorithm: CallExpr;
  where?: Expr;
  exclude: Expr[];
  limit?: Expr;
  backup?: CallExpr;
  span: Span;
}
export interface CallStep {
  kind: "CallAction";
  action: Ident;
  args: Arg[];
  alias?: Ident;
  onError?: Block;
  span: Span;
}
export interface LetStep {
  kind: "Let";
  name: Ident;
  value: Expr;
  span: Span;
}
export interface SetStep {
  kind: "Set";
  target: Expr;
  value: Expr;
  span: Span;
}
export interface RepeatStep {
  kind: "Repeat";
  count: Expr;
  every?: Expr;
  body: Block;
  span: Span;
}
export interface JumpStep {
  kind: "Jump";
  journey: Ident;
  span: Span;
}
export interface EndStep {
  kind: "End";
  span: Span;
}

// ── Journey clauses ──────────────────────────────────────────────────────────────────────

export type JourneyClause = TriggerClause | ReentryClause | ExitClause | GoalClause;

export type TriggerClause =
  | ({ kind: "OnEvent"; span: Span } & EventMatch)
  | { kind: "OnAudience"; audience: Ident; span: Span }
  | {
      kind: "OnSchedule";
      /** `day`, `week`, `month`, or a duration expression. */
      every: Ident | DurationExpr;
      /** `on <day>`: the day of the month of `every month` (the checker wants an integer 1–31). */
      day?: Expr;
      at?: TimeOfDayExpr;
      audience: Ident;
      span: Span;
    };
export interface ReentryClause {
  kind: "Reentry";
  mode: "never" | "always" | "after";
  after?: Expr;
  modeSpan: Span;
  span: Span;
}
export interface ExitClause extends EventMatch {
  kind: "ExitOn";
  span: Span;
}
export interface GoalClause extends EventMatch {
  kind: "Goal";
  name: Ident;
  within?: Expr;
  span: Span;
}

// ── Experiences ──────────────────────────────────────────────────────────────────────────

export interface ActivePeriod {
  from: Expr;
  to: Expr;
  span: Span;
}
export interface VariantDecl {
  kind: "Variant";
  name: Ident;
  when?: Expr;
  active?: ActivePeriod;
  content?: ContentField;
  split?: VariantSplit;
  span: Span;
}
/** `split "name" { A 50% { content … } … }` in a variant: an A/B test of contents. */
export interface VariantSplit {
  experiment?: StringExpr;
  arms: { label: Ident; percent: number; percentSpan: Span; content?: ContentField; span: Span }[];
  span: Span;
}
export type ExperienceItem =
  | { kind: "Surface"; uri: StringExpr; span: Span }
  | { kind: "Format"; format: Ident; span: Span }
  | { kind: "Priority"; value: Expr; span: Span }
  | { kind: "Timeout"; value: Expr; span: Span }
  | { kind: "Active"; period: ActivePeriod; span: Span }
  | { kind: "Context"; fields: FieldDecl[]; span: Span }
  | RecommendStep
  | LetStep
  | CallStep
  | VariantDecl;

// ── Tests ────────────────────────────────────────────────────────────────────────────────

/** How a `where` condition of an expectation compares: `not contains` is one operator (`opSpan` covers both words). */
export type ExpectOp = "contains" | "not contains" | "==" | "!=";
export interface SendExpectation {
  kind: "ExpectSend";
  negated: boolean;
  at?: Expr;
  channel: Ident;
  to?: Expr;
  conditions: { field: Ident; op: ExpectOp; opSpan: Span; value: Expr; span: Span }[];
  times?: Times;
  span: Span;
}
/** `expect [at t] profile "p1" where a.b == v and …`: the stored profile, at that instant or at the end. */
export interface ProfileExpectation {
  kind: "ExpectProfile";
  at?: Expr;
  /** `expect no profile …` parses, to be reported: it has no meaning. */
  negated: boolean;
  profileId: StringExpr;
  /** Empty while `where` is still being typed (the checker reports it). */
  conditions: PathCondition[];
  span: Span;
}
/** `times 3` of an expectation: exactly that many match; `span` covers the word and the number. */
export interface Times {
  count: number;
  span: Span;
}
/** `[0]` in a JSON path: a list's element by its index from 0; `span` covers the brackets. */
export interface JsonIndex {
  index: number;
  span: Span;
}
/** A condition on a field path (`where voucher.code == "W20"`): of the profile in `expect profile`, of a call's arguments (by parameter name) in `respond` and `expect call`. */
export interface PathCondition {
  path: Ident[];
  op: ExpectOp;
  opSpan: Span;
  value: Expr;
  span: Span;
}
/**
 * `respond Weather [where city == "Oslo" and …] { tempC: 3, condition: "rain" }` or
 * `… error "timeout"`: in this test, a call of the action whose arguments meet the conditions
 * gets that answer (or fails with that message). Both are left out while being typed (the
 * checker says what the action needs); `errorSpan` is the word `error`, when written.
 */
export interface TestResponse extends ResponseAnswer {
  kind: "TestRespond";
  action: Ident;
  conditions: PathCondition[];
  span: Span;
}
/**
 * `respond provider "reco" [for "p1"] ["NV-1", "NV-2"]` or `… error "timeout"`: in this test,
 * the recommendation provider of that name answers those catalog keys (for that profile), or
 * fails. `providerSpan` is the span of the word `provider`.
 */
export interface TestProviderResponse extends ResponseAnswer {
  kind: "TestRespondProvider";
  providerSpan: Span;
  provider: StringExpr;
  profileId?: StringExpr;
  span: Span;
}
/** The answer of a `respond` item, or `error "why"` (`errorSpan`: the word); both absent while being typed. */
export interface ResponseAnswer {
  answer?: Expr;
  errorSpan?: Span;
  error?: StringExpr;
}
/** `expect [at t] [no] call Weather [where city == "Oslo" and …] [times n]`: a call of the action was made (with those arguments). */
export interface CallExpectation {
  kind: "ExpectCall";
  at?: Expr;
  negated: boolean;
  action: Ident;
  conditions: PathCondition[];
  times?: Times;
  span: Span;
}
export type TestItem =
  | { kind: "TestStart"; time: Expr; span: Span }
  | { kind: "TestProfile"; id: StringExpr; value: RecordExpr; span: Span }
  | { kind: "TestCatalog"; catalog: Ident; items: Expr; span: Span }
  | { kind: "TestEvent"; at: Expr; profileId: StringExpr; event: Ident; data: RecordExpr; span: Span }
  /**
   * `split "experiment" Arm for "p1"`: in this test, the profile is in that arm of the
   * experiment. The experiment, the arm and the profile are left out while being typed
   * (`split` alone, `split "x"`, `split "x" A`, `split "x" A for`): the checker reports what is missing,
   * and the test's other items are still read and checked. `forSpan` is the `for`, when written.
   */
  | { kind: "TestSplit"; experiment?: StringExpr; arm?: Ident; forSpan?: Span; profileId?: StringExpr; span: Span }
  | TestResponse
  | TestProviderResponse
  | SendExpectation
  | ProfileExpectation
  | CallExpectation
  | { kind: "ExpectEnded"; at?: Expr; journey?: Ident; reason?: Ident; negated: boolean; times?: Times; span: Span }
  | { kind: "ExpectGoal"; at?: Expr; goal: Ident; negated: boolean; times?: Times; span: Span }
  /** `expect [no] suppressed <channel> [reason <why>]`: a message of the channel was held back (why). */
  | { kind: "ExpectSuppressed"; at?: Expr; channel: Ident; reason?: Ident; negated: boolean; times?: Times; span: Span }
  | {
      kind: "ExpectDecide";
      at?: Expr;
      /** `expect no decide …`: nothing matching is shown (no content, or another variant). */
      negated?: boolean;
      surface: StringExpr;
      profileId: StringExpr;
      /** What the calling page sends (`context { sku: "NV-1" }`). */
      context?: RecordExpr;
      variant?: Ident;
      contains?: StringExpr;
      /** `json items[0].sku == "NV-1"`: the path into the content's JSON, by key and list index. */
      json?: { path: (Ident | JsonIndex)[]; value: Expr };
      span: Span;
    };

// ── Declarations ─────────────────────────────────────────────────────────────────────────

interface DeclBase {
  doc?: string;
  span: Span;
  /** The span of the declaration's keyword, for diagnostics about the declaration as a whole. */
  keywordSpan: Span;
  /** The parser recovered from a syntax error inside: bound, but not checked. */
  recovered?: boolean;
}
export interface ProfileDecl extends DeclBase {
  kind: "Profile";
  fields: FieldDecl[];
}
export interface TypeDecl extends DeclBase {
  kind: "TypeDecl";
  name: Ident;
  type: TypeExpr;
}
export interface EventDecl extends DeclBase {
  kind: "EventDecl";
  name: Ident;
  fields: FieldDecl[];
}
export interface SignalDecl {
  signal: Ident;
  event: Ident;
  path: Ident[];
  span: Span;
}
export interface CatalogDecl extends DeclBase {
  kind: "CatalogDecl";
  name: Ident;
  fields: FieldDecl[];
  signals: SignalDecl[];
}
export interface AudienceDecl extends DeclBase {
  kind: "AudienceDecl";
  name: Ident;
  condition: Expr;
}
/** Settings given more than once (`timeout` twice): the last one counts, the checker reports the others. */
export interface RepeatedSettings {
  repeated?: Ident[];
}
export interface ActionDecl extends DeclBase, RepeatedSettings {
  kind: "ActionDecl";
  name: Ident;
  params: Param[];
  returns?: TypeExpr;
  method?: Ident;
  url?: StringExpr;
  headers?: RecordExpr;
  body?: Expr;
  timeout?: Expr;
  retries?: Expr;
}
export interface FragmentDecl extends DeclBase {
  kind: "FragmentDecl";
  name: Ident;
  body: Expr;
}
/** `locale "sv-SE" { subject "…" }` in a template: content fields for profiles of that locale. */
export interface LocaleBlock {
  /** The word `locale` (not a keyword: a name projects may use for their own bindings). */
  keywordSpan: Span;
  /** A string (`"sv-SE"`) when written right; the checker reports anything else. */
  tag: Expr;
  fields: ContentField[];
  span: Span;
}
export interface TemplateDecl extends DeclBase {
  kind: "TemplateDecl";
  name: Ident;
  params: Param[];
  channel: Ident;
  fields: ContentField[];
  /** Its `locale` blocks, in source order. */
  locales: LocaleBlock[];
}
export interface ChannelDecl extends DeclBase, RepeatedSettings {
  kind: "ChannelDecl";
  name: Ident;
  /** Settings the language does not know (`sender "…"`), reported by the checker. */
  unknown?: Ident[];
  from?: Expr;
  cap?: { count: Expr; per: Expr; span: Span };
  quiet?: { from: Expr; to: Expr; span: Span };
  /** Whether the profile consents to this channel, read when each message is handed over. */
  consent?: Expr;
  /** The whole `consent <condition>` setting (the editor offers the profile there). */
  consentSpan?: Span;
}
export interface JourneyDecl extends DeclBase {
  kind: "JourneyDecl";
  name: Ident;
  clauses: JourneyClause[];
  body: Block;
}
export interface ExperienceDecl extends DeclBase {
  kind: "ExperienceDecl";
  name: Ident;
  items: ExperienceItem[];
}
export interface TestDecl extends DeclBase {
  kind: "TestDecl";
  name: StringExpr;
  items: TestItem[];
}

export type Declaration =
  | ProfileDecl
  | TypeDecl
  | EventDecl
  | CatalogDecl
  | AudienceDecl
  | ActionDecl
  | FragmentDecl
  | TemplateDecl
  | ChannelDecl
  | JourneyDecl
  | ExperienceDecl
  | TestDecl;

export interface SourceFile {
  path: string;
  text: string;
  declarations: Declaration[];
  comments: Comment[];
}
