/**
 * A service written against the runtime's published types, as docs/embedding.md shows it:
 * `api.test.ts` compiles it with `tsc --strict` (never run). A public type that forces a cast
 * on a service, or a name the docs use but the package does not export, fails that test.
 */
import {
  ChannelRouter,
  createRuntime,
  InvalidInputError,
  JsonlOutbox,
  MemoryStore,
  SmtpChannel,
  SqliteStore,
  SystemClock,
  WebhookChannel,
  type ChannelAdapter,
  type DecisionRecord,
  type Effect,
  type EventEnvelope,
  type Logger,
  type OutgoingMessage,
  type RecommendationProvider,
  type Runtime,
} from "@journey/runtime";

declare const ir: unknown;

const sms: ChannelAdapter = {
  async send(message: OutgoingMessage): Promise<void> {
    if (!message.to) throw new Error(`no recipient for ${message.key}`);
  },
  checkChannel(channel, policy) {
    if (!policy?.from) throw new Error(`${channel} needs a sender id`);
  },
};

// Optional settings straight from the environment (undefined when unset).
const smtp = new SmtpChannel({ url: process.env["SMTP_URL"] ?? "smtp://localhost:25", from: process.env["MAIL_FROM"] });
const routed = new ChannelRouter({ email: smtp, sms }, new WebhookChannel({ url: "https://hooks.example.com/journey", secret: process.env["WEBHOOK_SECRET"] }));

const logger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const shelf: RecommendationProvider = {
  async recommend(request) {
    return request.limit > 0 ? [{ sku: "NV-2001" }] : [];
  },
};

const seen: DecisionRecord[] = [];

export async function main(useSqlite: boolean): Promise<Runtime> {
  const runtime = createRuntime({
    ir,
    store: useSqlite ? new SqliteStore("journey.db") : new MemoryStore(),
    clock: new SystemClock(),
    channels: { email: new JsonlOutbox("outbox.jsonl"), sms },
    providers: { shelf },
    logger,
    // A synchronous sink: the runtime awaits whatever it returns.
    decisions: { record: (d) => void seen.push(d) },
    onEffect: (e: Effect) => {
      if (e.type === "send") logger.info({ channel: e.channel }, "sent");
    },
  });
  await runtime.start();
  const event: EventEnvelope = { id: "e1", type: "CartAbandoned", profileId: "p1", time: new Date().toISOString(), data: {} };
  try {
    const { accepted, duplicates } = await runtime.ingest([event]);
    logger.info({ accepted, duplicates }, "ingested");
  } catch (e) {
    if (e instanceof InvalidInputError) logger.warn({ errors: e.errors.map((x) => `${x.path}: ${x.message}`) }, "refused");
  }
  await runtime.upsertProfile("p1", { email: "ana@example.com" });
  const [first] = await runtime.decide({ profileId: "p1", surfaces: ["web://home/hero"], context: { page: "home" } });
  if (first && first.content !== null) logger.info({ id: first.decisionId, variant: first.variant }, "decided");
  else if (first) logger.info({ reason: first.reason }, "no content");
  await runtime.stop();
  smtp.close();
  createRuntime({ ir, channels: routed });
  return runtime;
}
