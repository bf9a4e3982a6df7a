/** Helpers for language service tests: the cursor is marked `<|>` in a source string. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Workspace, type WorkspaceOptions } from "@journey/lsp";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const samplesDir = join(repoRoot, "samples");

export const CURSOR = "<|>";

/** The text without its cursor mark, and the cursor's offset. */
export function cursor(src: string): { text: string; offset: number } {
  const offset = src.indexOf(CURSOR);
  if (offset < 0) throw new Error("no <|> in the source");
  return { text: src.slice(0, offset) + src.slice(offset + CURSOR.length), offset };
}

/** A workspace holding `files` (path → text); one of them may hold the cursor. */
export function workspace(files: Record<string, string>, options: WorkspaceOptions = {}): { ws: Workspace; path: string; offset: number } {
  const ws = new Workspace({ formatter: null, ...options });
  let at = { path: "", offset: -1 };
  for (const [path, src] of Object.entries(files)) {
    if (src.includes(CURSOR)) {
      const c = cursor(src);
      ws.set(path, c.text);
      at = { path, offset: c.offset };
    } else ws.set(path, src);
  }
  return { ws, ...at };
}

/** The `.journey` files of a sample project, by path relative to the repository. */
export function sample(name: string): Record<string, string> {
  const dir = join(samplesDir, name);
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) if (f.endsWith(".journey")) out[`samples/${name}/${f}`] = readFileSync(join(dir, f), "utf8");
  return out;
}

export function sampleNames(): string[] {
  return readdirSync(samplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(samplesDir, d.name)).some((f) => f.endsWith(".journey")))
    .map((d) => d.name)
    .sort();
}

/** The offset of the `n`-th occurrence of `needle` in `text` (plus `delta`). */
export function offsetOf(text: string, needle: string, delta = 0, n = 1): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not found`);
  }
  return at + delta;
}

export const SCHEMA = `/// A shopper.
profile {
  /// Where email goes.
  email: string
  firstName?: string
  phone?: string
  timezone: string = "UTC"
  consent: { email: bool, sms: bool }
  lastActiveAt?: datetime
}

/// One line of a cart.
type LineItem { sku: string, name: string, price: number, qty: int, category: string }

/// A cart was left behind.
event CartAbandoned {
  cartId: string
  /// What was in it.
  items: list<LineItem>
  total: number
}
event OrderPlaced { orderId: string, cartId?: string, items: list<LineItem>, total: number }

catalog Product {
  key sku: string
  name: string
  price: number
  category: string
  url: string
  inStock: bool
}

/// Not seen for a month.
audience Dormant = profile.lastActiveAt != null and daysSince(profile.lastActiveAt) >= 30

/// The footer.
fragment Footer """<a href="{{unsubscribeUrl}}">Unsubscribe</a>"""

/// The first reminder.
template Reminder(cart: CartAbandoned, recs: list<Product>) for email {
  subject "Hi {{profile.firstName}}, {{length cart.items}} items"
  html """
    {{#each cart.items as |line|}}<p>{{line.name}} {{currency line.price "EUR"}}</p>{{/each}}
    {{#each recs as |p|}}<a href="{{p.url}}">{{p.name}}</a>{{/each}}
    {{> Footer}}
  """
}

action Weather(city: string) -> { tempC: number, condition: "sun" | "rain" } {
  get "https://weather.example.com/now?city={{city}}"
  timeout 2s
}
`;

/** Every file of the workspace with `edits` (a rename's) applied. */
export function applyEdits(w: Workspace, edits: { path: string; span: { start: number; end: number }; newText: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of w.paths()) {
    let text = w.text(path)!;
    for (const e of edits.filter((x) => x.path === path).sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
    out[path] = text;
  }
  return out;
}
