/**
 * `@journey/runtime/sim`: test runs and simulations, in memory, without a store driver, a
 * channel's network client or the HTTP server: what a tool that only runs tests (the language
 * server) needs, and all it bundles.
 */
export { simulate, type SimulationInput, type SimulationResult } from "./simulate.js";
export { runTests, failureText, formatOffset, DEFAULT_TEST_START, type TestResult, type TestOptions, type ExpectationResult } from "./tests.js";
export { nodeKey, stepCoverage, type JourneyCoverage } from "./coverage.js";
export { parseActionResponses, type ActionResponses } from "./action-responses.js";
export { parseProviderResponses, cannedProviders, type ProviderResponses, type CannedProviderRule } from "./provider-responses.js";
export { providerNamesIn } from "../recs/options.js";
export { shortText } from "../recs/resolve.js";
export { DataFileError, isJsonObject, parseJsonFile } from "./json-file.js";
export type { CannedResponse } from "../shell/actions.js";
