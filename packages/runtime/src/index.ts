/** The Journey runtime: embed it in a Node service with a compiled IR, a store and channels. */
export { createRuntime, InvalidInputError, type Runtime, type RuntimeOptions, type Logger } from "./shell/runtime.js";
export { HttpActionExecutor, CannedActionExecutor, type ActionExecutor, type CannedResponse } from "./shell/actions.js";
export { SystemClock, VirtualClock, type Clock } from "./clock.js";
export { MemoryStore } from "./store/memory.js";
export type { Store, CommitBatch } from "./store/store.js";
export { MemoryChannel, type ChannelAdapter, type OutgoingMessage } from "./channels/adapter.js";
export { JsonlOutbox } from "./channels/jsonl.js";
export { ScanCatalogEngine } from "./recs/catalog.js";
export type { CatalogEngine, CatalogItem, RecommendationProvider, ProviderRequest, Signal, SignalKind } from "./recs/provider.js";
export { loadIR, InvalidIRError } from "./ir/load.js";
export { step, type Input, type StepResult } from "./engine/step.js";
export { Program, type ProgramOptions } from "./engine/program.js";
export { splitBucket } from "./engine/split.js";
export type { Effect, EventEnvelope, Instance, ProfileState } from "./engine/state.js";
export { validate, withDefaults, type ValidationError } from "./engine/validate.js";
export { decide, MAX_SURFACES, type DecideRequest, type Decision } from "./experiences/decide.js";
export { simulate, type SimulationInput, type SimulationResult } from "./sim/simulate.js";
export { runTests, formatOffset, DEFAULT_TEST_START, type TestResult, type TestOptions, type ExpectationResult } from "./sim/tests.js";
