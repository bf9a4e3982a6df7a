/**
 * Formatting through the Journey Prettier plugin (`@journey/prettier-plugin`): the same code,
 * and for a file on disk the same Prettier configuration (`.prettierrc`, `overrides`,
 * `.editorconfig`), as `journey fmt`, so the two always agree. Loaded on first use: the
 * server starts without paying for Prettier.
 */
import { isAbsolute } from "node:path";

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
