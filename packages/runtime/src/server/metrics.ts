/**
 * The server's counters, written in the Prometheus text exposition format (0.0.4). A handful
 * of counters by hand rather than a client library: no dependency, and no registry shared by
 * the whole process (two servers in one process, as in tests, keep their own counts).
 */
import type { ChannelAdapter, ChannelPolicy, OutgoingMessage } from "../channels/adapter.js";
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
  | "journey_profiles_deleted_total"
  | "journey_decisions_total"
  | "journey_effects_total"
  | "journey_entered_total"
  | "journey_ended_total"
  | "journey_goals_total"
  | "journey_split_assignments_total"
  | "journey_experiment_goals_total"
  | "journey_messages_suppressed_total"
  | "journey_action_calls_total"
  | "journey_step_errors_total"
  | "journey_messages_sent_total"
  | "journey_delivery_failures_total"
  | "journey_messages_undeliverable_total"
  | "journey_decisions_undeliverable_total"
  | "journey_catalog_items_upserted_total"
  | "journey_catalog_items_rejected_total"
  | "journey_catalog_items_removed_total"
  | "journey_unsubscribes_accepted_total"
  | "journey_unsubscribes_refused_total"
  | "journey_http_requests_total";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export class ServerMetrics {
  private readonly counters = new Map<CounterName, Counter>();

  constructor() {
    this.define("journey_events_accepted_total", "Events applied (a repeated id is not)");
    this.define("journey_events_duplicate_total", "Events acknowledged and ignored: their id was seen before");
    this.define("journey_events_rejected_total", "Events refused as invalid (with every other event of their request)");
    this.define("journey_profiles_upserted_total", "Profiles created or updated");
    this.define("journey_profiles_deleted_total", "Profiles deleted (erasure requests for an unknown id are not counted)");
    this.define("journey_decisions_total", "Surfaces decided");
    this.define("journey_effects_total", "Effects made durable, by type", true);
    this.define("journey_entered_total", "Journeys entered, by journey", true);
    this.define("journey_ended_total", "Journey instances ended, by journey and reason (end, exit, error, deleted)", true);
    this.define("journey_goals_total", "Goals reached, by journey and goal", true);
    this.define("journey_split_assignments_total", "Instances assigned an arm of an experiment (`split`), by journey, experiment and arm", true);
    this.define("journey_experiment_goals_total", "Goals reached by instances that went through an experiment (`split`), by journey, experiment, arm and goal", true);
    this.define("journey_messages_suppressed_total", "Messages not sent, by channel and reason (cap, noRecipient, noConsent, runaway)", true);
    this.define("journey_action_calls_total", "Action calls answered, by action and outcome (ok, error)", true);
    this.define("journey_step_errors_total", "Errors in steps, by journey (a failed step ends its instance; a failed recommendation gives no items)", true);
    this.define("journey_messages_sent_total", "Messages a channel accepted (SMTP server, webhook, outbox file), by channel", true);
    this.define("journey_delivery_failures_total", "Deliveries a channel refused, by channel: each attempt (a refused message stays in the outbox and is retried, unless it is given up)", true);
    this.define("journey_messages_undeliverable_total", "Messages given up, by channel: refused for good, or still failing past the give-up time after their first failure (journey serve --give-up-after, 24h by default)", true);
    // Not by surface: a decision's is the URI asked for (a product page's), without bound.
    this.define("journey_decisions_undeliverable_total", "Decisions given up: the decisions sink refused them for good, or still failed past the give-up time (0 under journey serve, which has no sink)");
    this.define("journey_catalog_items_upserted_total", "Catalog items stored through the API");
    this.define("journey_catalog_items_rejected_total", "Catalog items refused as invalid through the API");
    this.define("journey_catalog_items_removed_total", "Catalog items removed through the API");
    this.define("journey_unsubscribes_accepted_total", "Unsubscribe links POSTed with a good signature and applied as the unsubscribe event (a repeat for the same message is not)");
    this.define("journey_unsubscribes_refused_total", "Unsubscribe links POSTed with a bad or missing signature: refused, nothing changed");
    this.define("journey_http_requests_total", "HTTP requests answered, by route, method and status", true);
  }

  /**
   * For `createRuntime({ onEffect })`: counts effects by type, and the journeys' outcomes. The
   * runtime calls it once per effect made durable (never again for work redone after a
   * restart), so each counts what happened once.
   */
  readonly effect = (e: Effect): void => {
    this.add("journey_effects_total", { type: e.type });
    const journey = e.journey ?? "";
    switch (e.type) {
      case "entered":
        return this.add("journey_entered_total", { journey });
      case "ended":
        return this.add("journey_ended_total", { journey, reason: e.reason });
      case "split":
        return this.add("journey_split_assignments_total", { journey, experiment: e.experiment, arm: e.arm });
      case "goal":
        this.add("journey_goals_total", { journey, goal: e.goal });
        // Once per experiment the instance went through: conversions by arm.
        for (const experiment in e.arms) this.add("journey_experiment_goals_total", { journey, experiment, arm: e.arms[experiment]!, goal: e.goal });
        return;
      case "suppressed":
        return this.add("journey_messages_suppressed_total", { channel: e.channel, reason: e.reason });
      case "undelivered":
        return "sendKey" in e ? this.add("journey_messages_undeliverable_total", { channel: e.channel }) : this.add("journey_decisions_undeliverable_total");
      case "call":
        return this.add("journey_action_calls_total", { action: e.action, outcome: e.ok ? "ok" : "error" });
      case "error":
        return this.add("journey_step_errors_total", { journey });
    }
  };

  /**
   * The adapter, counting what it accepts and refuses by channel: sent means delivered to the
   * channel, which `onEffect` (called when a send is decided and committed) cannot tell.
   */
  deliveries(adapter: ChannelAdapter): ChannelAdapter {
    return {
      send: async (message: OutgoingMessage) => {
        try {
          await adapter.send(message);
        } catch (e) {
          this.add("journey_delivery_failures_total", { channel: message.channel });
          throw e;
        }
        this.add("journey_messages_sent_total", { channel: message.channel });
      },
      // What the adapter checks of a channel's policy at `createRuntime`, and which channels it routes, it still says.
      ...(adapter.checkChannel ? { checkChannel: (channel: string, policy: ChannelPolicy | undefined) => adapter.checkChannel!(channel, policy) } : {}),
      ...(adapter.adapterFor ? { adapterFor: (channel: string) => adapter.adapterFor!(channel) } : {}),
    };
  }

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

/**
 * The gauge `journey_instances`: live instances by journey and version, written from the
 * counts the store keeps (read at each scrape, so right after a restart too). Each current
 * version is written, at 0 too, so that its series exists; an earlier one while instances
 * still run on it.
 */
export function instancesGauge(live: readonly { journey: string; version: string; count: number }[], current: Iterable<{ id: string; version: string }>): string {
  const counts = new Map<string, number>();
  const labels = (journey: string, version: string) => `journey="${escapeLabel(journey)}",version="${escapeLabel(version)}"`;
  for (const j of current) counts.set(labels(j.id, j.version), 0);
  for (const l of live) {
    const key = labels(l.journey, l.version);
    counts.set(key, (counts.get(key) ?? 0) + l.count);
  }
  let out = "# HELP journey_instances Journey instances live now (entered, not yet ended), by journey and version: an earlier version is listed while instances started on it still run (what it sends and calls must keep working until then)\n# TYPE journey_instances gauge\n";
  for (const [key, n] of counts) out += `journey_instances{${key}} ${n}\n`;
  return out;
}

/** A label value as the format quotes it: backslash, double quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
