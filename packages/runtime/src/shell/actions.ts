/** How `call` steps reach custom actions: HTTP by default, with a timeout and retries with backoff. */
import { setTimeout as sleep } from "node:timers/promises";
import type { IRAction, IRExpr } from "@journey/ir";
import type { Type } from "@journey/template";
import { fillSecrets } from "../engine/evaluate.js";
import { fetchFailure } from "../fetch-failure.js";
import type { CallRequest } from "../engine/state.js";
import { declaredOnly, validate, withDefaults } from "../engine/validate.js";

/** The request with its headers' secret references replaced by the secrets' values. */
export function withSecrets(request: CallRequest, secrets: Record<string, string>): CallRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k] = fillSecrets(v, secrets);
  return { ...request, headers };
}

/**
 * The secrets `action`'s headers name that `secrets` lacks, in name order. Only names written
 * as a literal (`secret("NAME")`) are known before a call; one computed from a parameter is not.
 */
export function unconfiguredSecrets(action: IRAction, secrets: Record<string, string>): string[] {
  const missing = new Set<string>();
  const visit = (e: IRExpr): void => {
    if ("call" in e && e.call === "secret") {
      const [name] = e.args;
      if (name && "lit" in name && typeof name.lit === "string" && secrets[name.lit] === undefined) missing.add(name.lit);
    }
    const inner = "args" in e ? e.args : "list" in e ? e.list : "record" in e ? Object.values(e.record) : "get" in e ? [e.get[0]] : "index" in e ? e.index : [];
    inner.forEach(visit);
  };
  Object.values(action.headers).forEach(visit);
  return [...missing].sort();
}

/**
 * An action's response as the journey or experience reads it: fields the action does not
 * declare left out (an API answers with many), checked against the declared type (a
 * mismatch throws, naming the field), defaults filled in. Without a declared type, as it is.
 */
export function typedResponse(answer: unknown, returns: Type | undefined): unknown {
  if (!returns) return answer;
  const value = declaredOnly(answer, returns);
  const problems = validate(value, returns, "response");
  if (problems.length) throw new Error(`${problems[0]!.path} ${problems[0]!.message}`);
  return withDefaults(value, returns);
}

export interface ActionExecutor {
  /**
   * The parsed JSON response, or a thrown error (the step's `on error` path). `stopping` is
   * aborted when the runtime's `stop()` is called: begin no further attempt then, and throw
   * its reason (a `CallInterruptedError`; `stopping.throwIfAborted()` does): the call is not
   * failed, it is made again at the next start.
   */
  execute(request: CallRequest, stopping?: AbortSignal): Promise<unknown>;
}

/**
 * Why a call was left unfinished: the runtime began stopping before an attempt the call had
 * left. Not a failure of the action — the call stays in the outbox and the next start makes it.
 */
export class CallInterruptedError extends Error {
  constructor() {
    super("the runtime is stopping: the call is made again at the next start");
    this.name = "CallInterruptedError";
  }
}

export class HttpActionExecutor implements ActionExecutor {
  constructor(private readonly backoffMs = 200) {}

  async execute(request: CallRequest, stopping?: AbortSignal): Promise<unknown> {
    const failure = (what: string) => new Error(`${request.method} ${origin(request.url)}: ${what}`);
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= request.retries; attempt++) {
      // A stop cuts the backoff short: the wait rejects then, and the check below says why.
      if (attempt > 0) await sleep(this.backoffMs * 2 ** (attempt - 1), undefined, { signal: stopping }).catch(() => undefined);
      // The attempt in hand was left to finish (within its timeout); a stop allows no other.
      stopping?.throwIfAborted();
      let text: string;
      try {
        const res = await fetch(request.url, {
          method: request.method,
          headers: { accept: "application/json", ...(request.body !== undefined ? { "content-type": "application/json" } : {}), ...request.headers },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          signal: AbortSignal.timeout(request.timeoutMs),
        });
        text = await res.text();
        if (!res.ok) {
          lastError = failure(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
          // A 4xx other than 429 will not get better by retrying.
          if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
          continue;
        }
      } catch (e) {
        lastError = failure(fetchFailure(e, request.timeoutMs));
        continue;
      }
      try {
        return text ? (JSON.parse(text) as unknown) : null;
      } catch (e) {
        lastError = failure(`the answer is not JSON: ${(e as Error).message}`);
      }
    }
    throw lastError ?? new Error("call failed");
  }
}

/**
 * The scheme, host and port of an action's URL, as its errors name it: the path and query are
 * filled from the call's arguments (an email address, a customer id), which a log should not
 * hold; the `call` effect and the log name the action, whose declaration has the rest.
 */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "an invalid URL";
  }
}

/**
 * Canned responses, for simulations (`journey run --action-responses`, a test's `respond`):
 * the first entry of an action whose `match` fields equal the call's arguments, and whose
 * `when` (a test's conditions) holds for them, answers it.
 */
export interface CannedResponse {
  match?: Record<string, unknown>;
  when?: (args: Record<string, unknown>) => boolean;
  response?: unknown;
  error?: string;
}

export class CannedActionExecutor implements ActionExecutor {
  constructor(private readonly responses: Record<string, CannedResponse[]>) {}

  async execute(request: CallRequest): Promise<unknown> {
    const entries = this.responses[request.action];
    if (!entries) throw new Error(`no canned response for action \`${request.action}\``);
    const args = request.args;
    for (const e of entries) {
      if (e.match && !Object.entries(e.match).every(([k, v]) => JSON.stringify(args[k]) === JSON.stringify(v))) continue;
      if (e.when && !e.when(args)) continue;
      if (e.error !== undefined) throw new Error(e.error);
      return e.response ?? null;
    }
    throw new Error(`no canned response of \`${request.action}\` matches ${JSON.stringify(args)}`);
  }
}
