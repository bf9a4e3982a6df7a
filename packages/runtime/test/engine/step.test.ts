/** The functional core on its own: `step(program, state, input, now)` is pure and deterministic. */
import { Program, step, withDefaults, type Input, type ProfileState } from "@journey/runtime";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HOUR, SCHEMA, T0, instanceId, irOf, iso } from "./helpers.js";

const ir = irOf(`${SCHEMA}
action Lookup(id: string) -> { score: int } { get "https://api.example.com/score/{{id}}" }
journey J {
  on Cart as cart
  exit on Stop
  goal bought: Order within 1d
  let started = now()
  split "s" { A 50% { let arm = "A" } B 50% { let armB = "B" } }
  wait 1h
  call Lookup(cart.cartId) as r on error { end }
  send email { subject "{{cart.cartId}} {{started}} {{r.score}}" text "x" } to profile.email
  wait for Order within 2h { send email { subject "thanks" text "x" } to profile.email }
}
`);
const program = new Program(ir);

const fresh = (id = "p1"): ProfileState => ({
  id,
  attributes: withDefaults({ email: "a@example.com" }, ir.profile) as Record<string, unknown>,
  instances: {},
  history: {},
  audiences: [],
  schedules: {},
  sends: {},
});

const cartEvent: Input = { kind: "event", event: { id: "e1", type: "Cart", profileId: "p1", time: iso(T0), data: { cartId: "c1", items: [], total: 5 } } };

/** A scripted run: each input at its time, on a state that `step` owns. */
function script(state: ProfileState): { effects: unknown[]; state: ProfileState } {
  const all: unknown[] = [];
  const push = (input: Input, now: number) => {
    const r = step(program, state, input, now);
    state = r.state;
    all.push(...r.effects);
    return r;
  };
  push(cartEvent, T0);
  push({ kind: "tick" }, T0 + HOUR);
  const request = (all.find((e) => (e as { type: string }).type === "callRequest") as { key: string }).key;
  push({ kind: "result", request, ok: true, value: { score: 7 } }, T0 + HOUR);
  push({ kind: "event", event: { id: "e2", type: "Order", profileId: "p1", time: iso(T0 + 2 * HOUR), data: { orderId: "o1", items: [], total: 1 } } }, T0 + 2 * HOUR);
  return { effects: all, state };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("step", () => {
  it("is deterministic: the same inputs give the same state and effects, whatever the wall clock or Math.random", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2020-01-01T00:00:00Z"));
    const first = script(fresh());
    vi.setSystemTime(new Date("2031-06-15T12:34:56Z"));
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const second = script(fresh());
    expect(second.effects).toEqual(first.effects);
    expect(second.state).toEqual(first.state);
    // The run itself: entered, the split's assignment, the call, the send with `now()` bound to the step's time, the goal, the wait-for branch.
    const types = (first.effects as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(["entered", "split", "callRequest", "call", "send", "goal", "send", "ended"]);
    const send = (first.effects as { type: string; content?: Record<string, unknown> }[]).find((e) => e.type === "send")!;
    expect(send.content!["subject"]).toBe(`c1 ${iso(T0)} 7`);
  });

  it("does not touch anything but the state it is given: a copy keeps the original as it was", () => {
    const original = fresh();
    const before = structuredClone(original);
    step(program, structuredClone(original), cartEvent, T0);
    expect(original).toEqual(before);
    const input = structuredClone(cartEvent);
    step(program, fresh(), input, T0);
    expect(input).toEqual(cartEvent);
  });

  it("a state serialised to JSON between steps behaves like the live one (nothing hides outside the state)", () => {
    let state = fresh();
    const all: unknown[] = [];
    const collect = (input: Input, now: number) => {
      const r = step(program, state, input, now);
      all.push(...r.effects);
      state = JSON.parse(JSON.stringify(r.state)) as ProfileState;
    };
    collect(cartEvent, T0);
    collect({ kind: "tick" }, T0 + HOUR);
    const request = (all.find((e) => (e as { type: string }).type === "callRequest") as { key: string }).key;
    collect({ kind: "result", request, ok: true, value: { score: 7 } }, T0 + HOUR);
    collect({ kind: "event", event: { id: "e2", type: "Order", profileId: "p1", time: iso(T0 + 2 * HOUR), data: { orderId: "o1", items: [], total: 1 } } }, T0 + 2 * HOUR);
    expect(all).toEqual(script(fresh()).effects);
  });

  it("a tick before a timer is due does nothing; at the due time it resumes", () => {
    const state = step(program, fresh(), cartEvent, T0).state;
    const early = step(program, structuredClone(state), { kind: "tick" }, T0 + HOUR - 1);
    expect(early.effects).toEqual([]);
    expect(early.state).toEqual(state);
    const due = step(program, structuredClone(state), { kind: "tick" }, T0 + HOUR);
    expect(due.effects.map((e) => e.type)).toEqual(["callRequest"]);
  });

  it("timers already due run before a profile update, as before an event (the system clock's timer loop may lag behind)", () => {
    const state = step(program, fresh(), cartEvent, T0).state;
    const update = step(program, state, { kind: "profile", attributes: { ...state.attributes, email: "b@example.com" } }, T0 + 2 * HOUR);
    expect(update.effects.map((e) => [e.type, e.at])).toEqual([["callRequest", T0 + 2 * HOUR]]);
  });

  it("a result for a request nobody waits for (the instance exited meanwhile) is dropped", () => {
    let state = step(program, fresh(), cartEvent, T0).state;
    const r = step(program, state, { kind: "tick" }, T0 + HOUR);
    state = r.state;
    const request = r.effects.find((e) => e.type === "callRequest")!.key;
    const exited = step(program, state, { kind: "event", event: { id: "e3", type: "Stop", profileId: "p1", time: iso(T0 + HOUR), data: { reason: "x" } } }, T0 + HOUR);
    expect(exited.effects.map((e) => (e.type === "ended" ? `ended ${e.reason}` : e.type))).toEqual(["ended exit"]);
    const late = step(program, exited.state, { kind: "result", request, ok: true, value: { score: 1 } }, T0 + HOUR + 1);
    expect(late.effects).toEqual([]);
    expect(late.state.instances).toEqual({});
  });

  it("effects carry deterministic keys: (instance, node, iteration)", () => {
    const { effects } = script(fresh());
    const keys = (effects as { key: string }[]).map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe(`${instanceId("J", "p1", 1, T0)}:entered`);
    expect(keys.every((k) => k.startsWith(`${instanceId("J", "p1", 1, T0)}:`))).toBe(true);
    expect(script(fresh()).effects.map((e) => (e as { key: string }).key)).toEqual(keys);
  });
});
