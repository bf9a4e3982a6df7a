/** The compiler's public API: the one door every tool goes through. */
export { compile, withoutCascades, type CompileResult, type CompileOptions } from "./project/compile.js";
export { check, type CheckResult, type CheckOptions, type CheckUnit } from "./semantics/checker.js";
export type { CheckContext, Reference, ReferenceKind, CatalogInfo } from "./semantics/context.js";
export type { Symbols, Located } from "./semantics/symbols.js";
export type { Binding, BindingKind, Narrowing } from "./semantics/scope.js";
export { narrowPath } from "./semantics/scope.js";
export {
  BUILTIN_FUNCTIONS,
  ALGORITHMS,
  CHANNELS,
  EXCLUSIONS,
  HTTP_METHODS,
  REENTRY_MODES,
  RUNTIME_NAMES,
  SUPPRESSED_REASONS,
  type BuiltinFunction,
  type Algorithm,
  type ChannelSpec,
  type ContentFieldSpec,
  type ParamInfo,
} from "./semantics/builtins.js";
export { FORMATS } from "./semantics/check-experience.js";
export { PRIMITIVES } from "./semantics/types.js";
export { exampleValue } from "./semantics/expressions.js";
export { fileErrorReason, findJourneyFiles, isSkippedFolder, loadSources, MAX_FILE_BYTES, type SourceInput, type LoadResult } from "./project/load.js";
export { parseFile, type ParseResult } from "./syntax/parse.js";
export { SPAN_KEYS, walk } from "./syntax/walk.js";
export { namedSplits, type NamedSplit } from "./syntax/splits.js";
export { blocksOf } from "./syntax/blocks.js";
export { decodeString, sourceOffset } from "./syntax/strings.js";
export { keywords } from "./syntax/tokens.js";
export { BINARY_PRECEDENCE } from "./syntax/operators.js";
export { LineIndex, type Position } from "./syntax/line-index.js";
export { codes, type Severity, type CodeName } from "./diagnostics/codes.js";
export { compareDiagnostics, type Diagnostic, type Fix, type TextEdit, type RelatedInformation } from "./diagnostics/diagnostic.js";
export { renderDiagnostic, formatSummary, type RenderSource, type RenderOptions, type SummaryCounts } from "./diagnostics/render.js";
export type * as ast from "./syntax/ast.js";
export * from "@journey/ir";
export { emitIR, serializeIR } from "./ir/emit.js";
