/**
 * The one table of diagnostics. A code is stable and never reused; codes are grouped by
 * phase: J0xxx syntax, J1xxx names, J2xxx types, J3xxx journeys, J4xxx templates,
 * J5xxx experiences, J6xxx tests, J7xxx actions, channels and catalogs.
 *
 * Messages follow rustc's guide: lowercase, no final period, names in backticks, the
 * message says what is wrong. `{name}` placeholders are filled from the arguments.
 */
export type Severity = "error" | "warning";

export interface DiagnosticKind {
  code: string;
  severity: Severity;
  message: string;
}

function kind(code: string, message: string, severity: Severity = "error"): DiagnosticKind {
  return { code, severity, message };
}

export const codes = {
  // ── J0xxx syntax ──
  unexpectedCharacter: kind("J0001", "unexpected character `{char}`"),
  unterminatedString: kind("J0002", "unterminated string: a `\"` string must close on the same line"),
  unterminatedTripleString: kind("J0003", "unterminated `\"\"\"` string"),
  invalidEscape: kind("J0004", "invalid escape `{escape}` in a string"),
  syntaxError: kind("J0005", "{message}"),
  invalidLiteral: kind("J0006", "invalid {what} `{text}`"),
  tooDeep: kind("J0007", "nesting is too deep (more than {max} levels)"),
  notText: kind("J0008", "`{file}` is not a text file"),
  fileTooLarge: kind("J0009", "`{file}` is too large ({size} bytes; the limit is {max})"),
  notUtf8: kind("J0011", "`{file}` is not UTF-8 ({why}): save it as UTF-8"),
  unterminatedComment: kind("J0012", "a `/*` comment is never closed: end it with `*/`"),
  tooManyOperators: kind("J0013", "this expression chains more than {max} operators: split it with `let`, or for many alternatives write `x in [a, b, …]`"),

  // ── J1xxx names ──
  unknownName: kind("J1001", "unknown name `{name}`"),
  unknownEvent: kind("J1002", "unknown event `{name}`"),
  unknownType: kind("J1003", "unknown type `{name}`"),
  unknownField: kind("J1004", "unknown field `{field}` on `{type}`"),
  duplicateDeclaration: kind("J1005", "`{name}` is declared more than once"),
  duplicateField: kind("J1006", "field `{name}` is declared more than once"),
  duplicateProfile: kind("J1007", "a project has exactly one `profile`: this is a second one"),
  missingProfile: kind("J1008", "the project has no `profile` declaration"),
  unknownAudience: kind("J1009", "unknown audience `{name}`"),
  unknownAction: kind("J1010", "unknown action `{name}`"),
  unknownTemplate: kind("J1011", "unknown template `{name}`"),
  unknownJourney: kind("J1012", "unknown journey `{name}`"),
  unknownChannel: kind("J1013", "unknown channel `{name}`"),
  unknownFunction: kind("J1014", "unknown function `{name}`"),
  unknownCatalog: kind("J1015", "unknown catalog `{name}`"),
  unknownAlgorithm: kind("J1016", "unknown recommendation algorithm `{name}`"),
  duplicateBinding: kind("J1017", "`{name}` is already defined in this journey"),
  recursiveType: kind("J1018", "type `{name}` refers to itself"),
  unknownArgument: kind("J1019", "`{callee}` has no parameter `{name}`"),
  reservedName: kind("J1020", "`{name}` is a name the language provides and cannot be redefined"),
  duplicateParameter: kind("J1021", "parameter `{name}` is declared more than once"),
  positionalArguments: kind("J1022", "`{callee}` takes its arguments by position, not by name: leave out `{name}:`"),

  // ── J2xxx types ──
  typeMismatch: kind("J2001", "expected `{expected}`, found `{actual}`"),
  optionalUnguarded: kind("J2002", "`{expr}` may be null: add a default with `??` or check it against `null` first"),
  argumentCount: kind("J2003", "`{callee}` takes {expected} argument{s}, {actual} given"),
  conditionNotBool: kind("J2004", "a condition must be `bool`, found `{actual}`"),
  operatorTypes: kind("J2005", "`{op}` cannot be applied to `{left}` and `{right}`"),
  notIndexable: kind("J2006", "`{type}` is not a list and cannot be indexed"),
  notARecord: kind("J2007", "`{type}` has no fields"),
  comparisonAlwaysFalse: kind("J2008", "`{actual}` can never equal `{other}`: this comparison always gives the same answer"),
  nonConstantDefault: kind("J2009", "a field default must be a literal value"),
  notConstant: kind("J2010", "{what} must be known when the project compiles: a literal, or `+ - * /` of literals"),
  outOfRange: kind("J2011", "{what} must be {bound}, not {value}"),
  branchTypes: kind("J2012", "the two values of `if … then … else` must have one type: `{then}` and `{otherwise}` have none in common"),

  // ── J3xxx journeys ──
  splitTotal: kind("J3001", "split percentages add up to {total}%, not 100%"),
  waitForWithoutWithin: kind("J3002", "`wait for` needs `within <duration>`: without it an instance could wait forever"),
  unreachable: kind("J3003", "unreachable step: it comes after `{after}`", "warning"),
  recommendWithoutLimit: kind("J3004", "`recommend` needs a `limit`"),
  missingTrigger: kind("J3005", "journey `{name}` has no trigger: add `on <Event>`, `on enter <Audience>` or `on schedule …`"),
  duplicateTrigger: kind("J3006", "a journey has one trigger: this is a second one"),
  duplicateClause: kind("J3007", "`{clause}` is given more than once"),
  goalWithoutWithin: kind("J3008", "`goal` needs `within <duration>`"),
  duplicateLabel: kind("J3009", "split arm `{name}` is declared more than once"),
  invalidSetTarget: kind("J3010", "`set` assigns a profile field: `set profile.<field> = …`"),
  missingContent: kind("J3011", "`{channel}` content needs {what}"),
  unknownContentField: kind("J3012", "`{channel}` content has no field `{name}`; its fields are {fields}"),
  templateChannel: kind("J3013", "template `{name}` is for `{declared}`, not `{used}`"),
  noCatalog: kind("J3014", "`recommend` needs a `catalog` declaration in the project"),
  missingRecipient: kind("J3015", "`send {channel}` needs `to <address>`"),
  invalidPercent: kind("J3016", "a split percentage must be between 0% and 100%"),
  clauseAfterSteps: kind("J3017", "`{clause}` belongs before the journey's first step"),
  invalidExclusion: kind("J3018", "an exclusion is `purchased`, `inCart`, `viewed` or a list of keys, found `{actual}`"),
  invalidSchedule: kind("J3019", "a schedule repeats `every day`, `every week`, `every month` or `every <duration>`, found `{text}`"),
  reentryNeedsDuration: kind("J3020", "`reentry after` needs a duration"),
  itemOutsideWhere: kind("J3021", "`item` is only defined in the `where` of a `recommend`"),
  invalidReentry: kind("J3022", "unknown reentry `{text}`: reentry is `never`, `always` or `after <duration>`"),
  emptyExperiment: kind("J3023", "an experiment needs a name: two splits with the same name share one assignment"),
  duplicateGoal: kind("J3025", "goal `{name}` is declared more than once in this journey"),
  jumpToAliasReader: kind("J3024", "`jump to {target}` starts it without an event, but `{target}` reads its trigger's alias `{alias}`"),
  jumpCycle: kind("J3026", "{cycle}: these journeys jump to each other without waiting, so one input would run them forever"),
  runawayRepeat: kind("J3027", "with this `repeat`, at least {nodes} steps run without waiting, more than the {max} one input may run: the journey would always fail here, its messages undelivered"),
  invalidScheduleDay: kind("J3028", "the day of a monthly schedule is a whole number from 1 to 31, found `{text}`"),
  scheduleDayWithoutMonth: kind("J3029", "`on <day>` picks a day of the month: only `every month` takes it, not `every {every}`"),
  experimentArms: kind("J3030", "experiment \"{experiment}\" is split differently here: {differences}", "warning"),

  // ── J4xxx templates ──
  templateSyntax: kind("J4001", "{message}"),
  templateUnknownName: kind("J4002", "{message}"),
  templateUnknownField: kind("J4003", "{message}"),
  templateUnknownHelper: kind("J4004", "{message}"),
  templateHelperArity: kind("J4005", "{message}"),
  templateHelperArgument: kind("J4006", "{message}"),
  templateNotAList: kind("J4007", "{message}"),
  templateUnknownPartial: kind("J4008", "{message}"),
  templateRawInHtml: kind("J4009", "{message}", "warning"),
  unusedParameter: kind("J4010", "template parameter `{name}` is never used", "warning"),
  contentNotString: kind("J4011", "`{field}` must be a string template, found `{actual}`"),
  templateDurationAsNumber: kind("J4012", "{message}", "warning"),
  templateDatetimeAsTimestamp: kind("J4013", "{message}", "warning"),
  templateRecordAsText: kind("J4014", "{message}"),
  templateValueInCode: kind("J4015", "{message}", "warning"),
  invalidLocale: kind("J4016", "`{tag}` is not a locale: a `locale` block names a BCP 47 language tag in a string, such as `\"sv\"` or `\"nb-NO\"`"),
  duplicateLocale: kind("J4017", "locale `{tag}` is given more than once in template `{template}`"),
  localeOnlyField: kind("J4018", "`{field}` is not a field of template `{template}` itself: a `locale` block overrides the template's own fields, and a profile of any other locale would have no `{field}`"),
  emptyLocale: kind("J4019", "locale `{tag}` overrides no field: a profile of this locale gets the template's own content", "warning"),
  localeUnread: kind("J4020", "template `{template}` has `locale` blocks, but `profile` declares no `locale` field: no profile can have a locale, so every profile gets the template's own content", "warning"),

  // ── J5xxx experiences ──
  surfaceConflict: kind("J5001", "experiences `{a}` and `{b}` both claim `{surface}` with the same priority"),
  noDefaultVariant: kind("J5002", "every variant of `{name}` has a condition: when none holds ({condition}), nothing is shown", "warning"),
  invalidJson: kind("J5003", "`json` content can never be valid JSON: {reason}"),
  malformedSurface: kind("J5004", "malformed surface `{uri}`: {reason}"),
  unknownFormat: kind("J5005", "unknown format `{name}`: formats are `html`, `json` and `text`"),
  missingSurface: kind("J5006", "experience `{name}` has no `surface`"),
  missingFormat: kind("J5007", "experience `{name}` has no `format`"),
  missingVariants: kind("J5008", "experience `{name}` has no `variant`"),
  missingVariantContent: kind("J5009", "variant `{name}` has no `content`"),
  variantAfterDefault: kind("J5010", "variant `{name}` is never chosen: the variant before it has no condition", "warning"),
  invalidPeriod: kind("J5011", "the active period ends before it starts"),
  onErrorInExperience: kind("J5012", "`on error` has no place in an experience: a failed call skips to the next variant"),
  duplicateVariant: kind("J5013", "variant `{name}` is declared more than once in this experience"),

  // ── J6xxx tests ──
  testEventData: kind("J6001", "{message}"),
  invalidOffset: kind("J6002", "an offset is a time since the test's start, a duration such as `0m` or `4h` (never negative)"),
  unknownTestProfile: kind("J6003", "profile `{id}` is not declared in this test"),
  incompleteArmChoice: kind("J6004", "expected {missing}: a test chooses an arm with `split \"{experiment}\" <Arm> for \"<profile id>\"`"),
  htmlInequality: kind("J6005", "`html !=` compares the whole document with the text, so it holds for nearly every message", "warning"),
  unusedResponse: kind("J6006", "this `respond {what}` never answers: the one before it, {without}, answers every {request}", "warning"),
  keyNotInTestCatalog: kind("J6007", "`{key}` is not a key of this test's `catalog`: the provider's answer is looked up there, so this item is left out", "warning"),

  // ── J7xxx actions, channels, catalogs ──
  actionMissingRequest: kind("J7001", "action `{name}` needs a request: `get`, `post`, `put`, `patch` or `delete` with a URL"),
  invalidMethod: kind("J7002", "unknown HTTP method `{name}`"),
  secretOutsideHeaders: kind("J7003", "`secret(…)` is only allowed in an action's `headers`"),
  catalogKey: kind("J7004", "catalog `{name}` needs exactly one `key` field, found {count}"),
  signalPath: kind("J7005", "`{path}` is a `{actual}`, but a signal must name the catalog key (`{key}: {keyType}`)"),
  unknownSignal: kind("J7006", "unknown signal `{name}`: signals are `view`, `cart` and `purchase`"),
  invalidQuietHours: kind("J7007", "quiet hours are `quiet HH:MM to HH:MM`"),
  unknownChannelSetting: kind("J7008", "unknown channel setting `{name}`"),
  duplicateSetting: kind("J7009", "`{name}` is given more than once"),
  multipleCatalogs: kind("J7010", "a project has one `catalog`: this is a second one"),
  consentNotBool: kind("J7011", "a channel's `consent` must be `bool` (null counts as no consent), found `{actual}`"),
  consentNotProfile: kind("J7012", "a channel's `consent` reads the profile only: `{name}` is not known there"),
  pathError: kind("J0010", "{message}"),
} as const satisfies Record<string, DiagnosticKind>;

export type CodeName = keyof typeof codes;

/** Fill `{name}` placeholders. */
export function formatMessage(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}
