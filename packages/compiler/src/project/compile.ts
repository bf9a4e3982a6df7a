import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { LineIndex } from "../syntax/line-index.js";
import type { SourceFile } from "../syntax/ast.js";
import type { SourceInput } from "./load.js";

export interface CompileOptions {
  /** Skip IR emission (the language server only needs diagnostics). */
  emit?: boolean;
}

export interface CompileResult {
  /** The IR, present when there are no errors (warnings allowed). */
  ir?: unknown;
  /** The IR serialised deterministically (same input, same bytes), when `ir` is present. */
  irJson?: string;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
  files: Map<string, SourceFile>;
  /** Line/column lookup for a file of this compilation. */
  lineIndex(path: string): LineIndex;
}

export function compile(_files: SourceInput[], _options: CompileOptions = {}): CompileResult {
  throw new Error("compile is being written");
}
