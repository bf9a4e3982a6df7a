/** Where messages go. An adapter must treat `key` as an idempotency key: the same key twice is one message. */
export interface OutgoingMessage {
  key: string;
  at: string;
  channel: string;
  to: string | null;
  profileId: string;
  journey?: string;
  template?: string;
  content: Record<string, unknown>;
}

export interface ChannelAdapter {
  send(message: OutgoingMessage): Promise<void>;
}

/** Keeps messages in memory: for tests, `journey test` and `journey run`. */
export class MemoryChannel implements ChannelAdapter {
  readonly messages: OutgoingMessage[] = [];
  private readonly keys = new Set<string>();
  async send(message: OutgoingMessage): Promise<void> {
    if (this.keys.has(message.key)) return;
    this.keys.add(message.key);
    this.messages.push(message);
  }
}
