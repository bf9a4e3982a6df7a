/** The compiler's public API: the one door every tool goes through. */
export { compile, type CompileResult, type CompileOptions } from "./project/compile.js";
export { loadSources, MAX_FILE_BYTES, type SourceInput, type LoadResult } from "./project/load.js";
export { parseFile, type ParseResult } from "./syntax/parse.js";
export { decodeString, sourceOffset } from "./syntax/strings.js";
export { keywords } from "./syntax/tokens.js";
export { LineIndex, type Position } from "./syntax/line-index.js";
export { codes, type Severity, type CodeName } from "./diagnostics/codes.js";
export type { Diagnostic, Fix, TextEdit, RelatedInformation } from "./diagnostics/diagnostic.js";
export { renderDiagnostic, formatSummary, type RenderSource, type RenderOptions, type SummaryCounts } from "./diagnostics/render.js";
export type * as ast from "./syntax/ast.js";
export * from "@journey/ir";
export { serializeIR } from "./ir/emit.js";
