/**
 * `@journey/runtime/server`: the runtime's HTTP API. A subpath of its own, so that a service
 * that embeds the runtime without it never loads fastify.
 */
export { createServer, createServerLogger, DEFAULT_BODY_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, MAX_REQUEST_TIMEOUT_MS, type JourneyServer, type ServerOptions } from "./http.js";
export { ServerMetrics, METRICS_CONTENT_TYPE, type CounterName } from "./metrics.js";
export { unsubscribeLinkTemplate, unsubscribeEventProblem, DEFAULT_UNSUBSCRIBE_EVENT, UNSUBSCRIBE_PATH, type UnsubscribeOptions } from "./unsubscribe.js";
