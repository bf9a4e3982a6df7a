/**
 * Formatting through the Journey Prettier plugin (`@journey/prettier-plugin`): the same code,
 * and for a file on disk the same Prettier configuration (`.prettierrc`, `overrides`,
 * `.editorconfig`), as `journey fmt`, so the two always agree. Loaded on first use: the
 * server starts without paying for Prettier.
 */
import { isAbsolute } from "node:path";
import { diffRegion } from "./project.js";

export type Formatter = (text: string, path: string) => Promise<string>;

let cached: Promise<Formatter | undefined> | undefined;

/**
 * Whether the plugin is installed: found, not loaded (loading Prettier takes about a second,
 * which `initialize` should not wait for; formatting loads it on first use).
 */
export function prettierInstalled(): boolean {
  try {
    import.meta.resolve("@journey/prettier-plugin");
    return true;
  } catch {
    return false;
  }
}

/** The plugin's formatter; undefined when it cannot be loaded. */
export function prettierFormatter(): Promise<Formatter | undefined> {
  cached ??= (async () => {
    try {
      const plugin = await import("@journey/prettier-plugin");
      return (text: string, path: string) => (isAbsolute(path) ? plugin.formatWithConfig(text, path) : plugin.format(text, { filepath: path }));
    } catch {
      return undefined;
    }
  })();
  return cached;
}

/**
 * The edit that turns `text` into `formatted`: the one region where they differ, not the whole
 * document, so an editor keeps the cursor, selections and folds outside it (VS Code works out
 * smaller edits itself; other editors apply what they get). Its ends never split a surrogate
 * pair or a `\r\n`, which no editor position can address.
 */
export function formattingEdit(text: string, formatted: string): { start: number; end: number; newText: string } | undefined {
  const c = diffRegion(text, formatted);
  if (!c) return undefined;
  let { start, oldEnd, newEnd } = c;
  const splits = (s: string, at: number) => at > 0 && at < s.length && ((isHigh(s.charCodeAt(at - 1)) && isLow(s.charCodeAt(at))) || (s[at - 1] === "\r" && s[at] === "\n"));
  // The common prefix is shortened (and the suffix below) until no end splits either text.
  while (start > 0 && (splits(text, start) || splits(formatted, start))) start--;
  while ((splits(text, oldEnd) || splits(formatted, newEnd)) && oldEnd < text.length && newEnd < formatted.length) {
    oldEnd++;
    newEnd++;
  }
  return { start, end: oldEnd, newText: formatted.slice(start, newEnd) };
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
