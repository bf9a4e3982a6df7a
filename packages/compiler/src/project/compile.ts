/** `compile(project)`: the one door every tool goes through. */
import { compareDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { emitIR, serializeIR, type IR } from "../ir/emit.js";
import { check, type CheckResult } from "../semantics/checker.js";
import type { SourceFile, Span } from "../syntax/ast.js";
import { LineIndex } from "../syntax/line-index.js";
import { declarationOfError, parseFile } from "../syntax/parse.js";
import type { SourceInput } from "./load.js";

export interface CompileOptions {
  /** Emit the IR (default true); the language server only needs diagnostics. */
  emit?: boolean;
  /**
   * Record every resolved name in `checked.ctx.references` (default false): what hover, go
   * to definition and rename read; a compile for `check` or `build` would only throw them away.
   */
  references?: boolean;
}

export interface CompileResult {
  /** The IR, present when emitting and there are no errors (warnings allowed). */
  ir?: IR;
  /** The IR serialised deterministically (same input, same bytes), when `ir` is present; built on first read. */
  readonly irJson?: string;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
  files: Map<string, SourceFile>;
  /** The checked program, for tools that need names and types (the language server). */
  checked: CheckResult;
  /** Line/column lookup for a file of this compilation. */
  lineIndex(path: string): LineIndex;
}

export function compile(inputs: SourceInput[], options: CompileOptions = {}): CompileResult {
  const files = new Map<string, SourceFile>();
  const syntax: Diagnostic[] = [];
  for (const input of [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const r = parseFile(input.path, input.text);
    files.set(input.path, r.file);
    syntax.push(...r.diagnostics);
  }
  const checked = check([...files.values()], { references: options.references ?? false });
  const diagnostics = [...syntax, ...withoutCascades(checked.ctx.diagnostics, syntax, files)].sort(compareDiagnostics);
  const hasErrors = diagnostics.some((d) => d.severity === "error");
  const indexes = new Map<string, LineIndex>();
  const ir = options.emit !== false && !hasErrors ? emitIR(checked, files) : undefined;
  let irJson: string | undefined;
  return {
    ir,
    // Serialised on first read, once: `journey check` and the language server never write the IR.
    get irJson() {
      return ir && (irJson ??= serializeIR(ir));
    },
    diagnostics,
    hasErrors,
    files,
    checked,
    lineIndex(path) {
      let idx = indexes.get(path);
      if (!idx) {
        idx = new LineIndex(files.get(path)?.text ?? "");
        indexes.set(path, idx);
      }
      return idx;
    },
  };
}

/**
 * A declaration the parser had to recover inside is partly guesswork: its semantic
 * diagnostics would mostly repeat the syntax error. Drop them; keep the rest of the file's.
 */
export function withoutCascades(semantic: Diagnostic[], syntax: Diagnostic[], files: Map<string, SourceFile>): Diagnostic[] {
  if (!syntax.length) return semantic;
  const broken: { file: string; span: Span }[] = [];
  for (const d of syntax) {
    const decl = declarationOfError(files.get(d.file)?.declarations ?? [], d.span.start);
    broken.push({ file: d.file, span: decl ? decl.span : d.span });
  }
  return semantic.filter((d) => !broken.some((b) => b.file === d.file && b.span.start <= d.span.start && d.span.start < b.span.end));
}
