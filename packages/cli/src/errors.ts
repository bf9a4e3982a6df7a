/** A mistake of the user's (a path that cannot be written, …): printed as one line, exit code 1. */
export class UserError extends Error {}

/**
 * What stderr says of a failure: a user's mistake as one line; anything else as the bug it is,
 * with how to see its stack trace.
 */
export function failureText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UserError) return `journey: ${message}\n`;
  return (
    `journey: internal error: ${message}\n` +
    "This is a bug in journey: please report it with the command you ran and the files it read.\n" +
    (process.env.JOURNEY_DEBUG && e instanceof Error && e.stack ? `${e.stack}\n` : "Run with JOURNEY_DEBUG=1 to see the stack trace.\n")
  );
}
