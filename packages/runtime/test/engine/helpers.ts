/** Shared helpers of the runtime engine and simulation tests. */
import { compile, type IR } from "@journey/compiler";
import type { Effect, EventEnvelope, SimulationInput, SimulationResult } from "@journey/runtime";
import { simulate } from "@journey/runtime";
import { expect } from "vitest";

export const HOUR = 3_600_000;
export const MIN = 60_000;
export const DAY = 86_400_000;

/** Milliseconds of an ISO instant. */
export const T = (iso: string): number => Date.parse(iso);
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A Monday morning, outside usual quiet hours (the default test start). */
export const T0 = T("2026-01-05T09:00:00Z");

/**
 * A small schema most tests share. Event fields have no defaults on purpose (events are
 * validated, and their defaults are tested separately).
 */
export const SCHEMA = `
profile {
  email: string = "p@example.com"
  firstName?: string
  phone?: string
  timezone: string = "UTC"
  tier: "bronze" | "silver" | "gold" = "bronze"
  points: int = 0
  flag: bool = false
  lastOrderAt?: datetime
}
type Line { sku: string, name: string, price: number, category: string }
event Cart { cartId: string, items: list<Line>, total: number }
event Order { orderId: string, cartId?: string, items: list<Line>, total: number }
event View { sku: string, category: string }
event Ping { n: int }
event Stop { reason: string }
audience Gold = profile.tier == "gold"
audience Everyone = true
`;

/** Compile one file as a project; fails the test on any error diagnostic. */
export function irOf(text: string, path = "t.journey"): IR {
  return irOfFiles([{ path, text }]);
}

export function irOfFiles(files: { path: string; text: string }[]): IR {
  const r = compile(files);
  const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.file}: ${d.message}`);
  expect(errors).toEqual([]);
  expect(r.ir).toBeDefined();
  return r.ir!;
}

/** The catalog most recommendation tests share: products, with views, carts and orders as signals. */
export const PRODUCT_CATALOG = `
catalog Product {
  key sku: string
  name: string
  price: number
  category: string
  inStock: bool
  signals {
    view     View.sku
    cart     Cart.items.sku
    purchase Order.items.sku
  }
}
`;

/** `SCHEMA` plus the given declarations. */
export const withSchema = (rest: string): IR => irOf(SCHEMA + rest);

let counter = 0;
/** An event envelope; ids are unique unless given. */
export function ev(type: string, profileId: string, time: number | string, data: Record<string, unknown>, id?: string): EventEnvelope {
  return { id: id ?? `ev-${++counter}`, type, profileId, time: typeof time === "number" ? iso(time) : time, data };
}

/** The id of a profile's `n`th instance of a journey, started at `startedAt`. */
export const instanceId = (journey: string, profileId: string, n: number, startedAt: number): string => [journey, profileId, n, startedAt.toString(36)].join(":");

/** Effects of one type (optionally of one journey), in timeline order. */
export function ofType<K extends Effect["type"]>(timeline: Effect[], type: K, journey?: string): Extract<Effect, { type: K }>[] {
  return timeline.filter((e): e is Extract<Effect, { type: K }> => e.type === type && (journey === undefined || e.journey === journey));
}

/** A short description of each effect, for readable assertions: `09:00Z entered J`. */
export function trace(timeline: Effect[]): string[] {
  return timeline.map((e) => {
    const at = iso(e.at);
    switch (e.type) {
      case "send":
        return `${at} send ${e.channel} ${String(e.content["subject"] ?? e.content["text"] ?? "")}`;
      case "ended":
        return `${at} ended ${e.journey} ${e.reason}`;
      case "goal":
        return `${at} goal ${e.goal}`;
      default:
        return `${at} ${e.type} ${e.journey ?? ""}`;
    }
  });
}

/** Run a simulation and return it; the default horizon is short to keep tests fast. */
export function sim(input: Omit<SimulationInput, "horizonMs"> & { horizonMs?: number }): Promise<SimulationResult> {
  return simulate({ horizonMs: 10 * DAY, ...input });
}

/** Sends' delivery instants as ISO strings. */
export const sendTimes = (timeline: Effect[], channel?: string): string[] =>
  ofType(timeline, "send")
    .filter((e) => channel === undefined || e.channel === channel)
    .map((e) => iso(e.at));

export const line = (sku: string, category = "hats", price = 10) => ({ sku, name: `Item ${sku}`, price, category });

/** `promise`, or a failure naming `what` if it takes longer than `ms`: a test of a bound fails rather than hangs. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what} took longer than ${ms} ms`)), ms).unref())]);
}
