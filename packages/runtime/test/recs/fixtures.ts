/** A small, hand-computed data set shared by the recommendation tests. */
import { IncrementalCatalogEngine, ScanCatalogEngine, type CatalogEngine, type RecsOptions, type Signal } from "@journey/runtime";

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Midnight UTC: bucket and session boundaries fall on the hour. */
export const T0 = Date.UTC(2026, 2, 2);

export const item = (sku: string, category: string, price = 20, inStock = true) => ({ sku, name: `Product ${sku}`, price, category, inStock });

export const CATALOG = [
  item("H1", "hats", 20),
  item("H2", "hats", 25),
  item("H3", "hats", 90, false),
  item("S1", "scarves", 30),
  item("S2", "scarves", 35),
  item("G1", "gloves", 15),
  item("BEST", "misc", 10),
];

let n = 0;
export const sig = (profileId: string, kind: Signal["kind"], at: number, ...keys: string[]): Signal => ({ profileId, kind, keys, at, eventId: `e${++n}` });

/**
 * Baskets: BEST is the best seller (in five baskets), H1 is bought with S1 twice.
 *
 *   1 purchase q1 +1h  H1 S1          5 purchase q5 +5h  BEST S2
 *   2 purchase q2 +2h  H1 S1 G1       6 purchase q6 +6h  BEST G1
 *   3 cart     q3 +3h  H1 H2          7 cart     q7 +7h  BEST
 *   4 purchase q4 +4h  H1 BEST        8 purchase q8 +8h  BEST
 *   9 cart     q3 +9h  S2             (q3's latest cart)
 *
 * Views (sessions are hours): p1 H1 1:00, S1 1:10, H1 1:20 | G1 2:05, H2 2:30;
 * p2 H1 1:15, H2 1:40; p3 S1 3:00, H1 3:05.
 */
export const SIGNALS: Signal[] = [
  sig("p1", "view", T0 + HOUR, "H1"),
  sig("q1", "purchase", T0 + HOUR, "H1", "S1"),
  sig("p1", "view", T0 + HOUR + 10 * MIN, "S1"),
  sig("p2", "view", T0 + HOUR + 15 * MIN, "H1"),
  sig("p1", "view", T0 + HOUR + 20 * MIN, "H1"),
  sig("p2", "view", T0 + HOUR + 40 * MIN, "H2"),
  sig("q2", "purchase", T0 + 2 * HOUR, "H1", "S1", "G1"),
  sig("p1", "view", T0 + 2 * HOUR + 5 * MIN, "G1"),
  sig("p1", "view", T0 + 2 * HOUR + 30 * MIN, "H2"),
  sig("q3", "cart", T0 + 3 * HOUR, "H1", "H2"),
  sig("p3", "view", T0 + 3 * HOUR, "S1"),
  sig("p3", "view", T0 + 3 * HOUR + 5 * MIN, "H1"),
  sig("q4", "purchase", T0 + 4 * HOUR, "H1", "BEST"),
  sig("q5", "purchase", T0 + 5 * HOUR, "BEST", "S2"),
  sig("q6", "purchase", T0 + 6 * HOUR, "BEST", "G1"),
  sig("q7", "cart", T0 + 7 * HOUR, "BEST"),
  sig("q8", "purchase", T0 + 8 * HOUR, "BEST"),
  sig("q3", "cart", T0 + 9 * HOUR, "S2"),
];

export type Engine = CatalogEngine & { rank(req: { algorithm: string; args: unknown[]; named: Record<string, unknown>; profileId: string; now: number }): string[] };

/** Both engines, each loaded with the catalog and the signals. */
export const ENGINES: [string, (o?: RecsOptions) => Engine][] = [
  ["ScanCatalogEngine", (o) => new ScanCatalogEngine("sku", o)],
  ["IncrementalCatalogEngine", (o) => new IncrementalCatalogEngine({ keyField: "sku", ...o })],
];

export function loaded(make: (o?: RecsOptions) => Engine, o?: RecsOptions, signals = SIGNALS): Engine {
  const e = make(o);
  e.upsertItems(CATALOG);
  for (const s of signals) e.recordSignal(s);
  return e;
}

export const req = (algorithm: string, now: number, args: unknown[] = [], named: Record<string, unknown> = {}, profileId = "p1") => ({ algorithm, args, named, profileId, now });
