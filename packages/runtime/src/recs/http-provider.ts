/**
 * A recommendation provider that asks a remote service over HTTP, for teams that already run
 * one: `provider("name", args…)` POSTs the request as JSON and reads back catalog keys.
 *
 *   POST <url>
 *   { "algorithm": "name", "args": [...], "named": {...}, "profileId": "p1", "limit": 22, "now": "2026-03-02T10:00:00.000Z" }
 *
 * The answer is a JSON list, or a record holding one at `itemsField` (default `items`); each
 * element is a key (string or number) or a record with the key at `keyField` (default: the
 * catalog's key field). A malformed answer, an HTTP error or no answer within the deadline
 * is a failure: the step's `backup` fills in. Keys are looked up in the runtime's catalog
 * engine (items it does not hold are left out): what reaches `where` and templates is always
 * an item that passed the catalog's validation.
 */
import type { CatalogEngine, CatalogItem, ProviderRequest, RecommendationProvider } from "./provider.js";
import { providerItems } from "./items.js";

export interface HttpProviderOptions {
  url: string;
  /** Sent with every request (e.g. `Authorization`), from the service's configuration. */
  headers?: Record<string, string>;
  /** This provider's own deadline in ms (default 2000); the runtime's `recommendDeadlineMs` applies too. */
  deadlineMs?: number;
  /** The field of each answered record that holds the catalog key (default: the catalog's key field). */
  keyField?: string;
  /** Where the list is when the answer is a record (default `items`). */
  itemsField?: string;
  /** The catalog engine to look keys up in (default: the runtime's, given with each request). */
  catalog?: CatalogEngine;
  /** For tests: the fetch to use (default the global one). */
  fetch?: typeof fetch;
}

export class HttpRecommendationProvider implements RecommendationProvider {
  private readonly deadlineMs: number;

  constructor(private readonly options: HttpProviderOptions) {
    if (typeof options?.url !== "string" || !/^https?:\/\//.test(options.url)) throw new Error(`HttpRecommendationProvider: \`url\` must be an http(s) URL, not ${JSON.stringify(options?.url)}`);
    this.deadlineMs = options.deadlineMs ?? 2000;
    if (!Number.isFinite(this.deadlineMs) || this.deadlineMs <= 0) throw new Error(`HttpRecommendationProvider: \`deadlineMs\` must be a positive number`);
    for (const [k, v] of Object.entries(options.headers ?? {})) if (typeof v !== "string") throw new Error(`HttpRecommendationProvider: header \`${k}\` must be a string`);
  }

  async recommend(req: ProviderRequest): Promise<CatalogItem[]> {
    const catalog = this.options.catalog ?? req.catalog;
    if (!catalog) throw new Error("the HTTP provider needs the catalog engine to look its keys up (the project declares no catalog)");
    const timeout = AbortSignal.timeout(this.deadlineMs);
    const signal = AbortSignal.any([req.signal, timeout]);
    const body = JSON.stringify({ algorithm: req.algorithm, args: req.args, named: req.named, profileId: req.profileId, limit: req.limit, now: new Date(req.now).toISOString() });
    let text: string;
    try {
      const res = await (this.options.fetch ?? fetch)(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...this.options.headers },
        body,
        signal,
      });
      text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`);
    } catch (e) {
      if (timeout.aborted) throw new Error(`no answer within ${this.deadlineMs} ms`);
      if (req.signal.aborted) throw new Error("aborted at the runtime's deadline");
      throw e;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`the answer is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    }
    return providerItems(value, catalog, { itemsField: this.options.itemsField, keyField: this.options.keyField });
  }
}
