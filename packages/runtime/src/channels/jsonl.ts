/**
 * The default channel: every message appended as one JSON line to an outbox file. Keys
 * already in the file are skipped, so a message re-dispatched after a crash is written once.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { ChannelAdapter, OutgoingMessage } from "./adapter.js";

export class JsonlOutbox implements ChannelAdapter {
  private readonly keys = new Set<string>();

  constructor(readonly path: string) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text && !text.endsWith("\n")) appendFileSync(path, "\n");
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        try {
          this.keys.add((JSON.parse(line) as { key: string }).key);
        } catch {
          // A line cut short by a crash: its message is re-sent, and written whole.
        }
      }
    }
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (this.keys.has(message.key)) return;
    appendFileSync(this.path, JSON.stringify(message) + "\n");
    this.keys.add(message.key);
  }
}
