/**
 * Channels to different adapters: email by SMTP, sms to a webhook, the rest to an outbox. The
 * runtime's `channels: { email, sms }` map is a router without `otherwise`.
 */
import type { ChannelAdapter, ChannelPolicy, OutgoingMessage } from "./adapter.js";

export class ChannelRouter implements ChannelAdapter {
  constructor(
    private readonly routes: Readonly<Record<string, ChannelAdapter>>,
    /** Where channels without a route of their own go; without it, such a channel has no adapter. */
    private readonly otherwise?: ChannelAdapter,
  ) {
    if (!routes || typeof routes !== "object") throw new TypeError("ChannelRouter: the routes must be an object of adapters by channel name");
    for (const [name, adapter] of Object.entries(routes)) if (typeof adapter?.send !== "function") throw new TypeError(`ChannelRouter: the route of \`${name}\` must have \`send()\``);
    if (otherwise !== undefined && typeof otherwise?.send !== "function") throw new TypeError("ChannelRouter: `otherwise` must have `send()`");
  }

  /** The adapter `channel`'s messages go to (own names only: `toString` is no channel). */
  adapterFor(channel: string): ChannelAdapter | undefined {
    return Object.hasOwn(this.routes, channel) ? this.routes[channel] : this.otherwise;
  }

  async send(message: OutgoingMessage): Promise<void> {
    const adapter = this.adapterFor(message.channel);
    if (!adapter) throw new Error(`no channel adapter for \`${message.channel}\``);
    await adapter.send(message);
  }

  checkChannel(channel: string, policy: ChannelPolicy | undefined): void {
    this.adapterFor(channel)?.checkChannel?.(channel, policy);
  }
}
