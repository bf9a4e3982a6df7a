/**
 * The server's counters, written in the Prometheus text exposition format (0.0.4). A handful
 * of counters by hand rather than a client library: no dependency, and no registry shared by
 * the whole process (two servers in one process, as in tests, keep their own counts).
 */
import type { Effect } from "../engine/state.js";

interface Counter {
  help: string;
  /** Whether its counts carry labels: one without labels is written as 0 before its first count. */
  labelled: boolean;
  /** Values by their label set, written as `{a="x",b="y"}` (empty for none). */
  values: Map<string, number>;
}

export type CounterName =
  | "journey_events_accepted_total"
  | "journey_events_duplicate_total"
  | "journey_events_rejected_total"
  | "journey_profiles_upserted_total"
  | "journey_decisions_total"
  | "journey_effects_total"
  | "journey_http_requests_total";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export class ServerMetrics {
  private readonly counters = new Map<CounterName, Counter>();

  constructor() {
    this.define("journey_events_accepted_total", "Events applied (a repeated id is not)");
    this.define("journey_events_duplicate_total", "Events acknowledged and ignored: their id was seen before");
    this.define("journey_events_rejected_total", "Events refused as invalid (with every other event of their request)");
    this.define("journey_profiles_upserted_total", "Profiles created or updated");
    this.define("journey_decisions_total", "Surfaces decided");
    this.define("journey_effects_total", "Effects made durable, by type (given to the runtime as `onEffect`)", true);
    this.define("journey_http_requests_total", "HTTP requests answered, by route, method and status", true);
  }

  /** For `createRuntime({ onEffect })`: counts effects by type. */
  readonly effect = (e: Effect): void => this.add("journey_effects_total", { type: e.type });

  add(name: CounterName, labels: Record<string, string> = {}, by = 1): void {
    const counter = this.counters.get(name)!;
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(",");
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  text(): string {
    let out = "";
    for (const [name, { help, labelled, values }] of this.counters) {
      out += `# HELP ${name} ${help}\n# TYPE ${name} counter\n`;
      if (!values.size && !labelled) out += `${name} 0\n`;
      for (const [labels, value] of values) out += `${name}${labels ? `{${labels}}` : ""} ${value}\n`;
    }
    return out;
  }

  private define(name: CounterName, help: string, labelled = false): void {
    this.counters.set(name, { help, labelled, values: new Map() });
  }
}

/** A label value as the format quotes it: backslash, double quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
