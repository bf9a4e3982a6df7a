/**
 * The language service's own result types: plain data with offsets into a file's text
 * (UTF-16 code units, end exclusive). Nothing here knows about LSP; the server maps these
 * to protocol types with the compiler's `LineIndex`.
 */
export interface Span {
  start: number;
  end: number;
}

export interface Location {
  path: string;
  span: Span;
}

/** A type shown after a name in the editor, at `offset`. */
export interface InlayHint {
  offset: number;
  label: string;
}

/** An occurrence of the name under the cursor in the same file: where it is declared (`write`) or used. */
export interface Highlight {
  span: Span;
  write: boolean;
}

export interface TextEdit {
  path: string;
  span: Span;
  newText: string;
}

export type CompletionKind =
  | "keyword"
  | "event"
  | "type"
  | "catalog"
  | "audience"
  | "template"
  | "action"
  | "journey"
  | "fragment"
  | "field"
  | "variable"
  | "parameter"
  | "function"
  | "algorithm"
  | "helper"
  | "channel"
  | "value"
  | "snippet";

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** A one-line description (a type or a signature). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert instead of the label; a snippet (`$1`, `${1:name}`) when `snippet` is set. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
  /** The span the item replaces (the word being typed); the cursor position when absent. */
  replace?: Span;
}

export interface HoverResult {
  /** Markdown. */
  contents: string;
  span: Span;
}

/** The kinds of named declarations, shared by definitions and document symbols. */
export type DeclarationKind = "profile" | "type" | "event" | "catalog" | "audience" | "action" | "fragment" | "template" | "channel" | "journey" | "experience";

export type SymbolKind = DeclarationKind | "test" | "field" | "parameter" | "variable" | "variant" | "goal" | "step";

export interface DocumentSymbol {
  name: string;
  kind: SymbolKind;
  detail?: string;
  /** The whole declaration. */
  span: Span;
  /** The name (what is selected when the symbol is picked). */
  selection: Span;
  children: DocumentSymbol[];
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  location: Location;
  /** The declaration that holds it (for fields and variants). */
  container?: string;
}

export interface FoldingRange {
  /** From the opening character to the end (exclusive) of the closing one. */
  start: number;
  end: number;
  kind?: "comment" | "region";
}

export interface SignatureParameter {
  label: string;
  documentation?: string;
}

export interface SignatureInformation {
  label: string;
  documentation?: string;
  parameters: SignatureParameter[];
}

export interface SignatureHelpResult {
  signatures: SignatureInformation[];
  activeSignature: number;
  activeParameter: number;
}

export interface CodeAction {
  title: string;
  kind: "quickfix";
  /** The code of the diagnostic it fixes. */
  diagnostic: { code: string; span: Span; message: string };
  edits: TextEdit[];
  isPreferred?: boolean;
}

export const SEMANTIC_TOKEN_TYPES = [
  "type",
  "event",
  "function",
  "parameter",
  "variable",
  "property",
  "enumMember",
  "class",
  "macro",
  "keyword",
  "number",
] as const;
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];

export const SEMANTIC_TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  start: number;
  length: number;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

export interface RenameResult {
  edits: TextEdit[];
}

export interface PrepareRenameResult {
  span: Span;
  placeholder: string;
}
