/** @journey/lsp: the Journey language service and its language server. */
export { Workspace, type WorkspaceOptions } from "./service/workspace.js";
export { Project, Analysis, type AnalysisStats } from "./service/project.js";
export type { DataFileProblem, ReadDataFile, TestDiagnostic, TestFailure, TestLens, TestOutcome, TestRun } from "./service/tests.js";
export type * from "./service/types.js";
export { SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS } from "./service/types.js";
export { connectionStrategy, RUN_TESTS_COMMAND, startServer, type RunTestsSetting, type ServerOptions } from "./server.js";
