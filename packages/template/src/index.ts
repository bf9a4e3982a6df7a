/**
 * @journey/template: the template language of Journey message content (Mustache core +
 * a Handlebars subset): parse with spans, type-check against the names in scope, render.
 */
export * from "./types.js";
export type * from "./ast.js";
export { BLOCK_HELPERS } from "./ast.js";
export { TemplateError, TemplateRenderError } from "./errors.js";
export { parseTemplate, type ParseResult } from "./parse.js";
export {
  compileTemplate,
  renderTemplate,
  DEFAULT_MAX_OUTPUT_LENGTH,
  DEFAULT_MAX_PARTIAL_DEPTH,
  DEFAULT_MAX_STEPS,
  type CompileOptions,
  type CompiledTemplate,
  type EscapeMode,
  type RenderOptions,
} from "./render.js";
export {
  HELPERS,
  HELPER_SIGNATURES,
  DATE_FORMATS,
  characters,
  helperArity,
  helperResultType,
  formatHelperSignature,
  isValidLocale,
  type DateFormat,
  type HelperParam,
  type HelperSignature,
} from "./helpers.js";
export { escapeHtml, escapeJsonString, toJson } from "./values.js";
export {
  checkTemplate,
  type TemplateCheckResult,
  type TemplateDiagnostic,
  type TemplateDiagnosticKind,
  type TemplateEnv,
  type TemplateFix,
  type TemplatePathTypes,
  type TemplateReference,
  type TemplateReferenceSegment,
} from "./check.js";
export { count, editDistance, listedHelp, suggest, suggestTimeZone, unknownNameHelp } from "./suggest.js";
export { partialNames, rootNames } from "./roots.js";
export { isCalendarDate, isValidTimeZone, localParts, offsetAt, parseInstant, utcOf, zonedInstant, type LocalTime } from "./zones.js";
