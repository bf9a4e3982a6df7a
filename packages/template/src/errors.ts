/**
 * Errors of the template engine. Compile errors carry offsets into the template source so
 * that the compiler can map them to a column inside the `.journey` string; render errors
 * have no span because they depend on data, not on text.
 */

/** A syntax or compile error (unknown helper, bad arity, unclosed tag …) at `start`..`end`. */
export class TemplateError extends Error {
  readonly start: number;
  readonly end: number;
  constructor(message: string, start: number, end: number) {
    super(message);
    this.name = "TemplateError";
    this.start = start;
    this.end = end;
  }
}

/** A render-time failure: a bound was exceeded (output size, partial depth, work) or bad input to a helper. */
export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateRenderError";
  }
}
