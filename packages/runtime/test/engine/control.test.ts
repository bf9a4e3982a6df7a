/** Control flow: `if`, `split`, `let`, `set`, `repeat`, `jump to`, `end`. */
import { compile, emitIR } from "@journey/compiler";
import { createRuntime, Program, simulate, splitBucket, step, type ForcedArms, type ProfileState } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, SCHEMA, T0, ev, irOf, iso, ofType, sendTimes, sim, trace, withSchema } from "./helpers.js";

const subjects = (timeline: Parameters<typeof ofType>[0]) => ofType(timeline, "send").map((s) => String(s.content["subject"]));

describe("if / else if / else", () => {
  const ir = withSchema(`
    journey J {
      on Ping as p
      reentry always
      if p.n > 10 and profile.tier == "gold" {
        send email { subject "big gold" text "x" } to profile.email
      } else if p.n > 10 {
        send email { subject "big" text "x" } to profile.email
      } else if p.n == 0 {
        end
      } else {
        send email { subject "small" text "x" } to profile.email
      }
      send email { subject "after" text "x" } to profile.email
    }
  `);

  it("takes the first branch that holds, else the else branch, then the steps after", async () => {
    const cases: [string, number, string[]][] = [
      ["gold", 11, ["big gold", "after"]],
      ["bronze", 11, ["big", "after"]],
      ["gold", 5, ["small", "after"]],
      ["gold", 0, []],
    ];
    for (const [tier, n, expected] of cases) {
      const { timeline } = await sim({ ir, profiles: [{ id: "p1", tier }], events: [ev("Ping", "p1", T0, { n })] });
      expect(subjects(timeline), `${tier} ${n}`).toEqual(expected);
      expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
    }
  });

  it("an `if` without else and a false condition goes straight on", async () => {
    const ir2 = withSchema(`journey J { on Ping
      if profile.flag { send email { subject "flag" text "x" } to profile.email }
      send email { subject "done" text "x" } to profile.email }`);
    const { timeline } = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(subjects(timeline)).toEqual(["done"]);
  });
});

describe("split", () => {
  const ir = withSchema(`
    journey J {
      on Ping
      reentry always
      split "subject-test" {
        A 45% { send email { subject "A" text "x" } to profile.email }
        B 45% { send email { subject "B" text "x" } to profile.email }
        control 10% { }
      }
      send email { subject "after" text "x" } to profile.email
    }
  `);
  const program = new Program(ir);

  /** The arm a profile lands in, from `step` alone. */
  const armOf = (id: string): string => {
    const state: ProfileState = { id, attributes: { email: "x@example.com", timezone: "UTC", tier: "bronze", points: 0, flag: false, firstName: null, phone: null, lastOrderAt: null }, instances: {}, history: {}, audiences: [], schedules: {}, sends: {} };
    const { effects } = step(program, state, { kind: "event", event: { id: "e", type: "Ping", profileId: id, time: iso(T0), data: { n: 1 } } }, T0);
    const s = effects.filter((e) => e.type === "send").map((e) => (e.type === "send" ? String(e.content["subject"]) : ""));
    return s.length === 2 ? s[0]! : "control";
  };

  it("is deterministic per profile: every instance of a profile takes the same arm", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const events = ids.flatMap((id) => [ev("Ping", id, T0, { n: 1 }), ev("Ping", id, T0 + HOUR, { n: 2 }), ev("Ping", id, T0 + 2 * HOUR, { n: 3 })]);
    const { timeline } = await sim({ ir, profiles: ids.map((id) => ({ id })), events });
    for (const id of ids) {
      const arms = ofType(timeline, "send").filter((s) => s.profileId === id && s.content["subject"] !== "after").map((s) => s.content["subject"]);
      const expected = armOf(id);
      expect(arms, id).toEqual(expected === "control" ? [] : [expected, expected, expected]);
    }
  });

  it("is stable: two separate runtimes assign every profile to the same arm", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `customer-${i}`);
    const run = async () => {
      const { timeline } = await simulate({ ir, profiles: ids.map((id) => ({ id })), events: ids.map((id) => ev("Ping", id, T0, { n: 1 })) });
      const arm = new Map(ids.map((id) => [id, "control"]));
      for (const s of ofType(timeline, "send")) if (s.content["subject"] !== "after") arm.set(s.profileId, String(s.content["subject"]));
      return arm;
    };
    const first = await run();
    const second = await run();
    expect([...second]).toEqual([...first]);
    // Every arm is used.
    expect(new Set(first.values())).toEqual(new Set(["A", "B", "control"]));
  });

  it("10,000 profiles land within ±2 points of each declared percentage", () => {
    const counts: Record<string, number> = { A: 0, B: 0, control: 0 };
    for (let i = 0; i < 10_000; i++) counts[armOf(`user-${i}`)]!++;
    expect(Math.abs(counts["A"]! / 100 - 45)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts["B"]! / 100 - 45)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts["control"]! / 100 - 10)).toBeLessThanOrEqual(2);
  });

  it("the bucket depends on the experiment name and the profile id only", () => {
    expect(splitBucket("subject-test", "p1")).toBe(splitBucket("subject-test", "p1"));
    for (let i = 0; i < 1000; i++) {
      const b = splitBucket("x", `p${i}`);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(100);
    }
    // Different experiments are independent: not everyone keeps the same bucket.
    const same = Array.from({ length: 100 }, (_, i) => splitBucket("one", `p${i}`) === splitBucket("two", `p${i}`)).filter(Boolean).length;
    expect(same).toBeLessThan(10);
  });

  it("a 0% arm never gets anyone and a 100% arm gets everyone; decimals are honoured", async () => {
    const ir2 = withSchema(`journey J { on Ping
      split "all" { never 0% { send email { subject "never" text "x" } to profile.email } always 100% { send email { subject "always" text "x" } to profile.email } }
      split "thirds" { a 33.3% { } b 33.3% { } c 33.4% { send email { subject "c" text "x" } to profile.email } } }`);
    const ids = Array.from({ length: 300 }, (_, i) => `q${i}`);
    const { timeline } = await sim({ ir: ir2, profiles: ids.map((id) => ({ id })), events: ids.map((id) => ev("Ping", id, T0, { n: 1 })) });
    expect(subjects(timeline).filter((s) => s === "always")).toHaveLength(300);
    expect(subjects(timeline).filter((s) => s === "never")).toHaveLength(0);
    // Every profile finishes its instance (no bucket falls through every arm).
    expect(ofType(timeline, "ended").filter((e) => e.reason === "end")).toHaveLength(300);
    const c = subjects(timeline).filter((s) => s === "c").length;
    expect(c).toBeGreaterThan(60);
    expect(c).toBeLessThan(140);
  });
});

describe("split: the assignment is recorded", () => {
  const ir = withSchema(`
    journey J {
      on Ping
      reentry always
      goal pinged: Stop within 7d
      repeat 3 every 1h {
        split "subject-test" {
          A 50% { send email { subject "A" text "x" } to profile.email }
          B 50% { }
        }
      }
    }
  `);
  const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);

  it("a split effect once per instance (a repeat lands in the same arm), and every goal carries the arms, also after the instance ended", async () => {
    const events = ids.flatMap((id) => [ev("Ping", id, T0, { n: 1 }), ev("Stop", id, T0 + DAY, { reason: "x" })]);
    const { timeline } = await sim({ ir, profiles: ids.map((id) => ({ id })), events });
    for (const id of ids) {
      const splits = ofType(timeline, "split").filter((e) => e.profileId === id);
      const sent = ofType(timeline, "send").filter((e) => e.profileId === id);
      expect(splits, id).toHaveLength(1);
      const arm = splits[0]!.arm;
      expect(splits[0]).toMatchObject({ journey: "J", experiment: "subject-test", at: T0 });
      // The arm recorded is the one taken: A sends at each of the three rounds, B never.
      expect(sent, id).toHaveLength(arm === "A" ? 3 : 0);
      // The instance ended after its third round (2 hours); the goal a day later still counts, by arm.
      expect(ofType(timeline, "goal").filter((e) => e.profileId === id), id).toEqual([expect.objectContaining({ goal: "pinged", arms: { "subject-test": arm } })]);
    }
    expect(new Set(ofType(timeline, "split").map((e) => e.arm))).toEqual(new Set(["A", "B"]));
  });

  it("two splits of one experiment with other arms in one instance: each routes by its own arms, the first is recorded, once", async () => {
    const twice = withSchema(`
      journey J {
        on Ping
        goal pinged: Stop within 7d
        split "subject-test" {
          A 50% { send email { subject "A" text "x" } to profile.email }
          B 50% { send email { subject "B" text "x" } to profile.email }
        }
        split "subject-test" {
          C 50% { send email { subject "C" text "x" } to profile.email }
          D 50% { send email { subject "D" text "x" } to profile.email }
        }
      }
    `);
    const events = ids.flatMap((id) => [ev("Ping", id, T0, { n: 1 }), ev("Stop", id, T0 + HOUR, { reason: "x" })]);
    const { timeline } = await sim({ ir: twice, profiles: ids.map((id) => ({ id })), events });
    for (const id of ids) {
      const [first, second] = ofType(timeline, "send").filter((e) => e.profileId === id).map((e) => String(e.content["subject"]));
      expect(second, id).toBe(splitBucket("subject-test", id) < 50 ? "C" : "D");
      expect(ofType(timeline, "split").filter((e) => e.profileId === id).map((e) => e.arm), id).toEqual([first]);
      expect(ofType(timeline, "goal").filter((e) => e.profileId === id).map((e) => e.arms), id).toEqual([{ "subject-test": first }]);
    }
  });

  it("each instance records its own assignment; a goal of an instance without a split has no arms", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p1", T0 + DAY, { n: 2 })] });
    expect(ofType(timeline, "split").map((e) => e.at)).toEqual([T0, T0 + DAY]);
    const plain = withSchema(`journey J { on Ping \n goal pinged: Stop within 1d \n wait 1h }`);
    const { timeline: t2 } = await sim({ ir: plain, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Stop", "p1", T0 + HOUR / 2, { reason: "x" })] });
    const [goal] = ofType(t2, "goal");
    expect(goal).toBeDefined();
    expect(goal).not.toHaveProperty("arms");
  });
});

describe("split: arms chosen ahead (`forcedArms`)", () => {
  const ir = withSchema(`
    journey J {
      on Ping
      goal pinged: Stop within 7d
      split "subject-test" {
        A 45% { send email { subject "A" text "x" } to profile.email }
        B 45% { send email { subject "B" text "x" } to profile.email }
        control 10% { end }
        never 0% { send email { subject "never" text "x" } to profile.email }
      }
      send email { subject "after" text "x" } to profile.email
    }
    journey K {
      on Ping
      split "subject-test" { A 50% { } Fresh 50% { send email { subject "fresh" text "x" } to profile.email } }
    }
  `);
  const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
  const hashed = (id: string) => {
    const b = splitBucket("subject-test", id);
    return b < 45 ? "A" : b < 90 ? "B" : "control";
  };
  const armOf = (timeline: Parameters<typeof ofType>[0], id: string, journey: string) => ofType(timeline, "split", journey).filter((e) => e.profileId === id).map((e) => e.arm);

  it("a forced profile takes its arm whatever its hash (a 0% arm too), recorded as any assignment and carried by goals; the others keep theirs", async () => {
    // Profiles whose hash puts them elsewhere: forcing them proves the choice, not luck.
    const toB = ids.find((id) => hashed(id) === "A")!;
    const toControl = ids.find((id) => id !== toB && hashed(id) !== "control")!;
    const toNever = ids.find((id) => id !== toControl && id !== toB)!;
    const forcedArms = { [toControl]: { "subject-test": "control" }, [toB]: { "subject-test": "B" }, [toNever]: { "subject-test": "never" } };
    const events = ids.flatMap((id) => [ev("Ping", id, T0, { n: 1 }), ev("Stop", id, T0 + HOUR, { reason: "x" })]);
    const { timeline } = await sim({ ir, profiles: ids.map((id) => ({ id })), events, forcedArms });
    const sent = (id: string) => ofType(timeline, "send").filter((e) => e.profileId === id && e.journey === "J").map((e) => String(e.content["subject"]));
    expect(armOf(timeline, toControl, "J")).toEqual(["control"]);
    expect(sent(toControl)).toEqual([]);
    expect(ofType(timeline, "ended", "J").find((e) => e.profileId === toControl)).toMatchObject({ reason: "end" });
    expect(armOf(timeline, toB, "J")).toEqual(["B"]);
    expect(sent(toB)).toEqual(["B", "after"]);
    expect(armOf(timeline, toNever, "J")).toEqual(["never"]);
    expect(sent(toNever)).toEqual(["never", "after"]);
    expect(ofType(timeline, "goal").find((e) => e.profileId === toControl)).toMatchObject({ goal: "pinged", arms: { "subject-test": "control" } });
    for (const id of ids.filter((id) => !(id in forcedArms))) expect(armOf(timeline, id, "J"), id).toEqual([hashed(id)]);
  });

  it("a split without the forced label (another split of the experiment has it) assigns by the hash", async () => {
    const { timeline } = await sim({ ir, profiles: ids.map((id) => ({ id })), events: ids.map((id) => ev("Ping", id, T0, { n: 1 })), forcedArms: Object.fromEntries(ids.map((id) => [id, { "subject-test": "Fresh" }])) });
    for (const id of ids) {
      expect(armOf(timeline, id, "K"), id).toEqual(["Fresh"]);
      expect(armOf(timeline, id, "J"), id).toEqual([hashed(id)]);
    }
  });

  it("the arms given are checked when the runtime is made: a TypeError naming the option's path", () => {
    const cases: [unknown, string][] = [
      [["p1"], '`forcedArms` must be an object of arms by profile id, then experiment: { "p1": { "experiment": "Arm" } }'],
      [{ p1: "A" }, '`forcedArms.p1` must be an object of arms by experiment name: { "experiment": "Arm" }'],
      [{ p1: { "subject-test": 1 } }, "`forcedArms.p1.subject-test` must be an arm's label"],
      [{ p1: { "subject-tset": "A" } }, "`forcedArms.p1.subject-tset`: the project has no experiment `subject-tset` (did you mean `subject-test`?)"],
      [{ p1: { "subject-test": "Control" } }, "`forcedArms.p1.subject-test`: `Control` is not an arm of `subject-test` (its arms are `A`, `B`, `control`, `never`, `Fresh`)"],
    ];
    for (const [forcedArms, message] of cases) {
      expect(() => createRuntime({ ir, forcedArms: forcedArms as ForcedArms }), JSON.stringify(forcedArms)).toThrow(new TypeError(`createRuntime: ${message}`));
    }
    expect(() => createRuntime({ ir, forcedArms: {} })).not.toThrow();
  });
});

describe("let and set", () => {
  it("`let` binds a value once, when reached", async () => {
    const ir = withSchema(`journey J { on Ping as p
      let doubled = p.n * 2
      let startedAt = now()
      wait 1h
      send email { subject "{{doubled}} {{startedAt}}" text "x" } to profile.email }`);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 21 })] });
    expect(subjects(timeline)).toEqual([`42 ${iso(T0)}`]);
  });

  it("`set` updates the profile (stored, any depth) and later steps see the new value", async () => {
    const ir = withSchema(`
      journey J {
        on Ping as p
        reentry always
        set profile.points = profile.points + p.n
        if profile.points >= 100 { set profile.tier = "gold" }
        send email { subject "{{profile.points}} {{profile.tier}}" text "x" } to profile.email
      }
    `);
    const { timeline, runtime } = await sim({ ir, profiles: [{ id: "p1", points: 10 }], events: [ev("Ping", "p1", T0, { n: 50 }), ev("Ping", "p1", T0 + HOUR, { n: 40 })] });
    expect(subjects(timeline)).toEqual(["60 bronze", "100 gold"]);
    expect(ofType(timeline, "profile").map((e) => e.set)).toEqual([{ points: 60 }, { points: 100 }, { tier: "gold" }]);
    const stored = await runtime.profile("p1");
    expect(stored?.attributes).toMatchObject({ points: 100, tier: "gold" });
  });

  it("`set` of a nested field replaces only that field", async () => {
    const ir2 = irOf(`
      profile { email: string = "x@example.com", prefs: { email: bool, sms: bool } }
      event Opt { sms: bool }
      journey Nested { on Opt as o
        set profile.prefs.sms = o.sms
        send email { subject "{{profile.prefs.email}} {{profile.prefs.sms}}" text "x" } to profile.email }
    `);
    const { timeline, runtime } = await sim({ ir: ir2, profiles: [{ id: "p1", prefs: { email: true, sms: false } }], events: [ev("Opt", "p1", T0, { sms: true })] });
    expect(subjects(timeline)).toEqual(["true true"]);
    expect((await runtime.profile("p1"))?.attributes["prefs"]).toEqual({ email: true, sms: true });
  });
});

describe("repeat n every d", () => {
  it("runs the body n times; iterations start d apart (a cadence, however long the body takes)", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        repeat 3 every 2d {
          send email { subject "tick" text "x" } to profile.email
          wait 5h
        }
        send email { subject "done" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(ofType(timeline, "send").map((s) => `${s.content["subject"]} ${iso(s.at)}`)).toEqual([
      `tick ${iso(T0)}`,
      `tick ${iso(T0 + 2 * DAY)}`,
      `tick ${iso(T0 + 4 * DAY)}`,
      `done ${iso(T0 + 4 * DAY + 5 * HOUR)}`,
    ]);
  });

  it("an iteration longer than d: the next starts as soon as it finishes", async () => {
    const ir = withSchema(`journey J { on Ping
      repeat 2 every 1h { send email { subject "tick" text "x" } to profile.email
        wait 3h } }`);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(sendTimes(timeline)).toEqual([iso(T0), iso(T0 + 3 * HOUR)]);
    expect(ofType(timeline, "ended").map((e) => iso(e.at))).toEqual([iso(T0 + 6 * HOUR)]);
  });

  it("without every, iterations run back to back; the count may be an expression", async () => {
    const ir = withSchema(`journey J { on Ping as p
      repeat p.n { send email { subject "x" text "x" } to profile.email } }`);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 4 })] });
    expect(sendTimes(timeline)).toEqual([iso(T0), iso(T0), iso(T0), iso(T0)]);
    const zero = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 0 })] });
    expect(sendTimes(zero.timeline)).toEqual([]);
    expect(ofType(zero.timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("`end` inside the body ends the instance; an exit during the cadence wait ends it too", async () => {
    const ir = withSchema(`journey J { on Ping
      exit on Stop
      repeat 5 every 1d {
        send email { subject "tick" text "x" } to profile.email
        wait for Order within 1h { end }
      } }`);
    const ordered = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Order", "p1", T0 + DAY + 1, { orderId: "o", items: [], total: 1 })] });
    expect(sendTimes(ordered.timeline)).toEqual([iso(T0), iso(T0 + DAY)]);
    expect(ofType(ordered.timeline, "ended").map((e) => [e.reason, iso(e.at)])).toEqual([["end", iso(T0 + DAY + 1)]]);
    const stopped = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Stop", "p1", T0 + 1.5 * DAY, { reason: "" })] });
    expect(sendTimes(stopped.timeline)).toEqual([iso(T0), iso(T0 + DAY)]);
    expect(ofType(stopped.timeline, "ended").map((e) => e.reason)).toEqual(["exit"]);
  });

  it("a loop without a wait is stopped with an error instead of hanging", async () => {
    // The compiler refuses a literal count certain to pass the limit (J3027): this one is the event's.
    const ir = withSchema(`journey J { on Ping as p
      repeat p.n { let x = 1 } }`);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1_000_000 })] });
    expect(ofType(timeline, "error").map((e) => e.message)).toEqual([expect.stringContaining("without waiting")]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["error"]);
  });
});

describe("jump to and end", () => {
  const ir = withSchema(`
    journey First {
      on Ping as p
      reentry always
      send email { subject "first" text "x" } to profile.email
      if p.n == 1 { jump to Second }
      send email { subject "not jumped" text "x" } to profile.email
    }
    journey Second {
      on Stop
      reentry always
      wait 1h
      send email { subject "second" text "x" } to profile.email
    }
  `);

  it("`jump to` ends the instance (reason end) and starts the target for the same profile", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(trace(timeline)).toEqual([
      `${iso(T0)} entered First`,
      `${iso(T0)} send email first`,
      `${iso(T0)} ended First end`,
      `${iso(T0)} entered Second`,
      `${iso(T0 + HOUR)} send email second`,
      `${iso(T0 + HOUR)} ended Second end`,
    ]);
  });

  it("`jump to` a journey that is live for the profile does not start a second instance", async () => {
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Stop", "p1", T0, { reason: "" }), ev("Ping", "p1", T0 + 1, { n: 1 })] });
    expect(ofType(timeline, "entered", "Second")).toHaveLength(1);
    expect(ofType(timeline, "ended", "First").map((e) => e.reason)).toEqual(["end"]);
  });

  it("journeys that jump to each other without waiting fail the step instead of overflowing the stack", async () => {
    // The compiler refuses a certain cycle (J3026): this one looks conditional to it.
    const cycle = withSchema(`
      journey A { on Ping
        reentry always
        if profile.email != "never" { jump to B } }
      journey B { on Stop
        reentry always
        jump to A }
    `);
    const { timeline } = await sim({ ir: cycle, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(ofType(timeline, "error").map((e) => e.message)).toEqual(["more than 100 jumps without waiting: do journeys jump to each other in a cycle?"]);
    expect(ofType(timeline, "entered")).toHaveLength(101);
    expect(ofType(timeline, "ended").at(-1)!.reason).toBe("error");
  });

  it("`jump to` a journey that reads its trigger's alias fails the step instead of running it with the alias undefined", async () => {
    // The compiler refuses such a jump (J3024); an IR from elsewhere may still hold one: here
    // Second's exit is made to read `cart` after compiling.
    const jumps = withSchema(`
      journey First { on Ping
        reentry always
        jump to Second }
      journey Second { on Cart as cart where cart.total > 0
        exit on Order where event.cartId == "c1"
        send email { subject "cart" text "x" } to profile.email }
      journey Third { on Cart as cart where cart.total > 0
        send email { subject "third" text "x" } to profile.email }
      journey Fourth { on Stop
        jump to Third }
    `);
    jumps.journeys["Second"]!.exits[0]!.where = { op: "==", args: [{ path: ["event", "cartId"] }, { path: ["cart", "cartId"] }] } as never;
    const { timeline } = await sim({ ir: jumps, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Stop", "p1", T0 + 1, { reason: "x" })] });
    expect(ofType(timeline, "error").map((e) => e.message)).toEqual(["`jump to Second`: `Second` reads its trigger's alias `cart`, which a jump leaves undefined (it starts without an event)"]);
    expect(ofType(timeline, "entered", "Second")).toEqual([]);
    // Third reads `cart` only in its trigger's `where`, which a jump does not evaluate.
    expect(subjects(timeline)).toEqual(["third"]);
  });

  it("`end` stops the instance there (reason end)", async () => {
    const ir2 = withSchema(`journey J { on Ping as p
      send email { subject "before" text "x" } to profile.email
      if p.n > 0 { end }
      send email { subject "after" text "x" } to profile.email }`);
    const { timeline } = await sim({ ir: ir2, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(subjects(timeline)).toEqual(["before"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });
});

describe("runaways: what a limit stops delivers nothing", () => {
  // Before, the limits stopped a runaway only after its messages were out: thousands of
  // emails to one customer. Counts come from the event: the compiler refuses a `repeat`
  // certain to pass the limit (J3027) and a certain jump cycle (J3026).
  const delivered = (r: { channel: { messages: { content: Record<string, unknown> }[] } }) => r.channel.messages.map((m) => String(m.content["subject"]));

  it("a loop without a wait: none of its messages is delivered, each is suppressed (reason runaway); another journey on the event still sends", async () => {
    const ir = withSchema(`
      journey Loop { on Ping as p
        send email { subject "before" text "x" } to profile.email
        repeat p.n { send email { subject "again" text "x" } to profile.email } }
      journey Other { on Ping
        send email { subject "other" text "x" } to profile.email }
    `);
    const r = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 20_000 })] });
    expect(delivered(r)).toEqual(["other"]);
    expect(ofType(r.timeline, "send", "Loop")).toEqual([]);
    // "before" and 4,999 rounds (a round runs two nodes, the repeat and the send) fit in 10,000 nodes.
    const suppressed = ofType(r.timeline, "suppressed", "Loop");
    expect(suppressed).toHaveLength(5_000);
    expect(new Set(suppressed.map((s) => `${s.channel} ${s.reason}`))).toEqual(new Set(["email runaway"]));
    // Each keeps an idempotency key of its own.
    expect(new Set(suppressed.map((s) => s.key)).size).toBe(5_000);
    expect(ofType(r.timeline, "error", "Loop").map((e) => e.message)).toEqual(["more than 10000 steps without waiting: is there a loop without a wait?"]);
    expect(ofType(r.timeline, "ended").map((e) => `${e.journey} ${e.reason}`)).toEqual(["Loop error", "Other end"]);
  });

  // J3027 counts the steps certain to run before a loop in the same run: what it refuses
  // really fails here, and its near miss (one step fewer, or a wait between) really runs.
  describe("a loop after steps that run without waiting (J3027)", () => {
    const SEND = (subject: string) => `send email { subject "${subject}" text "x" } to profile.email`;
    const journey = (before: string) => `${SCHEMA}
      journey Loop { on Ping
        ${before}
        if profile.email != "" { repeat 4999 { ${SEND("again")} } } }`;
    /** The IR of the program even when the checker refuses it, with the codes it reported. */
    const program = (text: string) => {
      const r = compile([{ path: "t.journey", text }]);
      return { codes: r.diagnostics.map((d) => d.code), ir: emitIR(r.checked, r.files) };
    };

    it("refused: it fails at run time, its messages held back", async () => {
      // One step, the `if` and the loop's 9,999: 10,001.
      const { codes, ir } = program(journey(SEND("before")));
      expect(codes).toEqual(["J3027"]);
      const r = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
      expect(ofType(r.timeline, "error", "Loop").map((e) => e.message)).toEqual(["more than 10000 steps without waiting: is there a loop without a wait?"]);
      expect(ofType(r.timeline, "send", "Loop")).toEqual([]);
    });

    it("the near misses run to the end", async () => {
      // The `if` and the loop: 10,000; after a wait, the same in a run of their own.
      for (const [before, sends] of [["", 4_999], [`${SEND("before")}\nwait 1h`, 5_000]] as const) {
        const { codes, ir } = program(journey(before));
        expect(codes, before).toEqual([]);
        const r = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
        expect(ofType(r.timeline, "error", "Loop"), before).toEqual([]);
        expect(subjects(r.timeline).length, before).toBe(sends);
        expect(ofType(r.timeline, "ended", "Loop").map((e) => e.reason), before).toEqual(["end"]);
      }
    });
  });

  it("a runaway does not spend the cap: its messages, sent or over the cap, are all runaway, and the next message goes out", async () => {
    const ir = withSchema(`
      channel email { cap 2 per 1d }
      journey Loop { on Ping as p
        repeat p.n { send email { subject "again" text "x" } to profile.email } }
      journey Later { on Stop
        send email { subject "later" text "x" } to profile.email
        send email { subject "later 2" text "x" } to profile.email }
    `);
    const r = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 20_000 }), ev("Stop", "p1", T0 + HOUR, { reason: "" })] });
    expect(delivered(r)).toEqual(["later", "later 2"]);
    expect(ofType(r.timeline, "suppressed").map((s) => s.reason).filter((reason) => reason !== "runaway")).toEqual([]);
    expect(ofType(r.timeline, "ended", "Loop").map((e) => e.reason)).toEqual(["error"]);
  });

  it("the state keeps no send of the runaway for the cap, and the step stays deterministic", () => {
    const capped = withSchema(`
      channel email { cap 5 per 1d }
      journey Loop { on Ping as p
        send email { subject "first" text "x" } to profile.email
        repeat p.n { send email { subject "again" text "x" } to profile.email } }
    `);
    const program = new Program(capped);
    const run = () => {
      const state: ProfileState = { id: "p1", attributes: { email: "p@example.com", timezone: "UTC" }, instances: {}, history: {}, audiences: [], schedules: {}, sends: { email: [T0 - HOUR] } };
      return step(program, state, { kind: "event", event: ev("Ping", "p1", T0, { n: 20_000 }, "e1") }, T0);
    };
    const first = run();
    // The send an hour before stays counted; those of the runaway are gone.
    expect(first.state.sends).toEqual({ email: [T0 - HOUR] });
    expect(ofType(first.effects, "send")).toEqual([]);
    expect(run()).toEqual(first);
  });

  it("a runaway's transactional messages are held back too, and give back none of the cap: they spent none", () => {
    const ir = withSchema(`
      channel email { cap 5 per 1d }
      journey Loop { on Ping as p
        repeat p.n { send transactional email { subject "again" text "x" } to profile.email } }
    `);
    // A message counted at this very instant (an earlier step at the same time): it stays counted.
    const state: ProfileState = { id: "p1", attributes: { email: "p@example.com", timezone: "UTC" }, instances: {}, history: {}, audiences: [], schedules: {}, sends: { email: [T0] } };
    const r = step(new Program(ir), state, { kind: "event", event: ev("Ping", "p1", T0, { n: 20_000 }, "e1") }, T0);
    expect(ofType(r.effects, "send")).toEqual([]);
    const suppressed = ofType(r.effects, "suppressed");
    expect(suppressed.length).toBeGreaterThan(0);
    expect(new Set(suppressed.map((s) => s.reason))).toEqual(new Set(["runaway"]));
    expect(r.state.sends).toEqual({ email: [T0] });
  });

  it("a jump cycle through an `if`: no journey of the chain delivers; another journey on the event, and one the chain's `set` started, still send", async () => {
    const ir = withSchema(`
      journey A { on Ping
        reentry always
        send email { subject "a" text "x" } to profile.email
        set profile.tier = "gold"
        if profile.email != "never" { jump to B } }
      journey B { on Stop
        reentry always
        send email { subject "b" text "x" } to profile.email
        jump to A }
      journey Bystander { on Ping
        send email { subject "bystander" text "x" } to profile.email }
      journey Welcome { on enter Gold
        send email { subject "welcome" text "x" } to profile.email }
    `);
    const r = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(delivered(r).sort()).toEqual(["bystander", "welcome"]);
    expect(ofType(r.timeline, "error").map((e) => e.message)).toEqual(["more than 100 jumps without waiting: do journeys jump to each other in a cycle?"]);
    // 101 instances (A, B, A, …), each sent one message before it jumped: all held back.
    const suppressed = ofType(r.timeline, "suppressed");
    expect(suppressed.map((s) => `${s.journey} ${s.reason}`)).toEqual(Array.from({ length: 101 }, (_, i) => `${i % 2 ? "B" : "A"} runaway`));
    // The chain's `set`s stay: the profile is gold (and Welcome started on entering Gold).
    expect((await r.runtime.profile("p1"))!.attributes["tier"]).toBe("gold");
  });

  // The limit counted every jump of the step: after a runaway chain had spent it, another
  // journey's single jump on the same event failed as a runaway too, its message held back.
  it("a journey that jumps once, after a runaway chain on the same event, still jumps and sends", async () => {
    const ir = withSchema(`
      journey A { on Ping
        reentry always
        if profile.email != "never" { jump to B } }
      journey B { on Stop
        reentry always
        jump to A }
      journey Innocent { on Ping
        send email { subject "innocent" text "x" } to profile.email
        jump to Next }
      journey Next { on Stop
        send email { subject "next" text "x" } to profile.email }
    `);
    const r = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(ofType(r.timeline, "error").map((e) => e.journey)).toEqual(["A"]);
    expect(delivered(r)).toEqual(["innocent", "next"]);
    expect(ofType(r.timeline, "ended").filter((e) => !["A", "B"].includes(e.journey ?? "")).map((e) => `${e.journey} ${e.reason}`)).toEqual(["Innocent end", "Next end"]);
  });
});
