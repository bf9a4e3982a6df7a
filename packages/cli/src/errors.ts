/** A mistake of the user's (a path that cannot be written, …): printed as one line, exit code 1. */
export class UserError extends Error {}
