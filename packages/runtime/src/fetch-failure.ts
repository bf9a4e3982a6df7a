/**
 * Why a `fetch` threw, in words an operator can act on: fetch itself says only "fetch failed"
 * (its `cause` says why: connect ECONNREFUSED 127.0.0.1:8080), and a timeout's own message
 * ("The operation was aborted due to timeout") does not say how long was allowed.
 */
export function fetchFailure(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { message?: string } };
  if (err?.name === "TimeoutError") return `no answer within ${timeoutMs / 1000} s`;
  const message = err instanceof Error ? err.message : String(error);
  return `${message}${err?.cause?.message ? ` (${err.cause.message})` : ""}`;
}
