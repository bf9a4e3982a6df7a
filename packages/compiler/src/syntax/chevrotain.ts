/**
 * The values of Chevrotain the lexer and the parser use, imported here only. The build
 * (scripts/bundle-chevrotain.mjs) puts Chevrotain's own single-file build in place of this
 * module's output: its package exports only the unbundled modules, some 700 files with
 * lodash-es, which took ~0.33 s to load in every process that compiles (`journey --help`
 * and each language server start included); the single file, the same code, loads in ~10 ms.
 * Sources run by vitest and tsx import the package as it is.
 */
export { createToken, EmbeddedActionsParser, EOF, Lexer, tokenMatcher } from "chevrotain";
