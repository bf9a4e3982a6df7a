/**
 * The default channel: every message appended as one JSON line to an outbox file. Keys
 * already in the file are skipped, so a message re-dispatched after a crash is written once.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { ChannelAdapter, OutgoingMessage } from "./adapter.js";

export class JsonlOutbox implements ChannelAdapter {
  private readonly keys = new Set<string>();

  constructor(readonly path: string) {
    // Checked now, not at the first send (which would fail, and be retried, for ever).
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`JsonlOutbox: the folder of \`${path}\` does not exist`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error(`JsonlOutbox: \`${path}\` is a folder, not a file`);
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
    // Messages carry addresses: the file is readable by its owner only (when this creates it).
    appendFileSync(this.path, JSON.stringify(message) + "\n", { mode: 0o600 });
    this.keys.add(message.key);
  }
}
