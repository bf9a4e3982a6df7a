/**
 * Regressions: runtime bugs found against the brief and `docs/language.md` (repeat keys,
 * defaults, schedules, clock-dependent audiences, test horizons, exclusions, batch order),
 * and the documented decisions they led to. Each test asserts the documented behaviour.
 */
import { createRuntime, MemoryStore, runTests, VirtualClock, type Effect } from "@journey/runtime";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MIN, SCHEMA, T, T0, ev, iso, irOf, irOfFiles, ofType, sendTimes, sim, withSchema } from "./helpers.js";

describe("runtime regressions", () => {
  // Was bug 1. step.ts `send` (and `call`, `recommend`, `set`) build the key from
  // `inst.loops[id]` where `id` is the send's own node id, but `loops` is keyed by the
  // `repeat` node: every iteration of a repeat gets the key `…:<node>:0`. The channel adapter
  // treats the key as an idempotency key, so iterations 2..n are silently dropped.
  it("repeat: every iteration's send has its own idempotency key and is delivered", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        repeat 3 every 1d {
          send email { subject "tick" text "x" } to profile.email
        }
      }
    `);
    const { timeline, channel } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    const keys = ofType(timeline, "send").map((s) => s.key);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(channel.messages.map((m) => m.at)).toEqual([iso(T0), iso(T0 + DAY), iso(T0 + 2 * DAY)]);
  });

  // Was bug 2. docs/language.md `repeat`: "`n` is an `int` expression evaluated once". step.ts
  // evaluates `node.count` on every iteration, so a body that changes what `n` reads never
  // stops (here it runs until the 10,000-node guard fails the instance with an error).
  it("repeat: the count is evaluated once, when the repeat starts", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        repeat profile.points {
          set profile.points = profile.points + 1
          send email { subject "tick {{profile.points}}" text "x" } to profile.email
        }
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1", points: 2 }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(ofType(timeline, "error")).toEqual([]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["tick 3", "tick 4"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  // Was bug 3. The language binds `event` inside a `wait for` block (brief: "`event` inside
  // `exit on`/`wait for` handlers (or their alias)"; the checker accepts it), but step.ts
  // binds only the alias: `let t = event.total` fails the instance with "`event` is not
  // defined", and `{{event.…}}` renders empty.
  it("wait for: `event` is bound inside the event block", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        wait for Order within 1d {
          let paid = event.total
          send email { subject "paid {{paid}} for {{event.orderId}}" text "x" } to profile.email
        }
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Order", "p1", T0 + HOUR, { orderId: "o9", items: [], total: 42 })] });
    expect(ofType(timeline, "error")).toEqual([]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["paid 42 for o9"]);
  });

  // Was bug 4. A recommendation's `where` may read the journey's bindings (the checker accepts
  // `where item.category == cart.items[0].category`), but resolve.ts evaluates it with only
  // `profile` and `item` in scope: the evaluation throws out of resolveRecommendation, the
  // whole `ingest` rejects, and the instance is stuck waiting for a result that never comes.
  it("recommend: `where` can read the trigger alias", async () => {
    const ir = irOf(`${SCHEMA}
      catalog Product {
        key sku: string
        name: string
        category: string
        signals { purchase Order.items.sku }
      }
      journey J {
        on Cart as cart
        recommend same = popular() where item.category == cart.items[0].category limit 5
        send email { subject "{{#each same as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
      }
    `);
    const l = (sku: string, category: string) => ({ sku, name: sku, price: 1, category });
    const result = await sim({
      ir,
      catalog: [
        { sku: "H1", name: "H1", category: "hats" },
        { sku: "S1", name: "S1", category: "socks" },
      ],
      profiles: [{ id: "p1" }, { id: "q" }],
      events: [ev("Order", "q", T0, { orderId: "o", items: [l("H1", "hats"), l("S1", "socks")], total: 2 }), ev("Cart", "p1", T0 + MIN, { cartId: "c", items: [l("H9", "hats")], total: 1 })],
    }).catch((e: unknown) => e as Error);
    expect(result).not.toBeInstanceOf(Error);
    const { timeline } = result as Awaited<ReturnType<typeof sim>>;
    expect(ofType(timeline, "send").map((s) => String(s.content["subject"]).trim())).toEqual(["H1"]);
  });

  // Was bug 5. docs/language.md `jump to`: starts the target "subject to the target's `reentry`
  // rule" (decision 15). step.ts calls `enter(target, {}, true)` and `forced` skips the
  // reentry check, so a `reentry never` journey runs again for the same profile.
  // docs/language.md decision 15: `jump to` starts the target as if triggered, whatever its `reentry`.
  it("jump to: the target starts whatever its `reentry`", async () => {
    const ir = withSchema(`
      journey Source {
        on Ping
        reentry always
        jump to Target
      }
      journey Target {
        on Stop
        reentry never
        send email { subject "target" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Stop", "p1", T0, { reason: "" }), ev("Ping", "p1", T0 + HOUR, { n: 1 }), ev("Ping", "p1", T0 + 2 * HOUR, { n: 2 })] });
    expect(ofType(timeline, "entered", "Target")).toHaveLength(3);
    expect(ofType(timeline, "send").map((s) => iso(s.at))).toEqual([iso(T0), iso(T0 + HOUR), iso(T0 + 2 * HOUR)]);
  });

  // Was bug 6. docs/language.md "Optional fields and defaults": a default "is used when a
  // profile, event or test record leaves the field out", and "reading it never gives null".
  // `ingest` validates the event (a defaulted field may be missing) but steps the raw data:
  // the field reads as null, so `where p.n == 5` is false.
  it("events: declared defaults are applied to event data", async () => {
    const ir = withSchema(`
      event Tap { n: int = 5, tags: list<string> = [] }
      journey J {
        on Tap as t where t.n == 5
        send email { subject "n={{t.n}} tags={{length t.tags}}" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Tap", "p1", T0, {})] });
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["n=5 tags=0"]);
  });

  // Was bug 7. docs/language.md "Triggers" (decision 12): `every <duration> [at HH:MM]` "runs at
  // HH:MM (default 00:00) and every <duration> after it". step.ts `armSchedule` ignores
  // `at` for a duration and fires `<duration>` after the profile was stored (21:17 here).
  it("schedule: `every 12h at 06:00` is anchored at 06:00", async () => {
    const ir = withSchema(`
      journey J {
        on schedule every 12h at 06:00 for Everyone
        reentry always
        send email { subject "s" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, start: T("2026-01-05T09:17:00Z"), until: T("2026-01-06T19:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(sendTimes(timeline)).toEqual(["2026-01-05T18:00:00.000Z", "2026-01-06T06:00:00.000Z", "2026-01-06T18:00:00.000Z"]);
  });

  // Was bug 8. docs/language.md "Triggers": "`every week at 10:00` runs on Mondays". step.ts
  // fires on the first day at 10:00 after the profile was stored, then every 7 days (here
  // Wednesdays).
  // docs/language.md (schedules): the first 10:00 after the profile is stored, then every 7 days.
  it("schedule: `every week at 10:00` runs 7 days apart from the first 10:00", async () => {
    const ir = withSchema(`
      journey J {
        on schedule every week at 10:00 for Everyone
        reentry always
        send email { subject "s" text "x" } to profile.email
      }
    `);
    // 2026-01-07 is a Wednesday.
    const { timeline } = await sim({ ir, start: T("2026-01-07T12:00:00Z"), until: T("2026-01-20T00:00:00Z"), profiles: [{ id: "p1" }], events: [] });
    expect(sendTimes(timeline)).toEqual(["2026-01-08T10:00:00.000Z", "2026-01-15T10:00:00.000Z"]);
  });

  // Was bug 9. docs/language.md `audience` (decision 11): a profile enters an audience "when
  // time makes it true (conditions using `now()`, `daysSince` or `hoursSince` are
  // re-evaluated as time passes)". step.ts re-evaluates audiences only on profile changes and
  // `set`; nothing schedules a re-evaluation, so `on enter Dormant` never fires by time.
  it("audiences: time makes a profile enter (`daysSince`)", async () => {
    const ir = withSchema(`
      audience Dormant = profile.lastOrderAt != null and daysSince(profile.lastOrderAt) >= 30
      journey WinBack {
        on enter Dormant
        send email { subject "we miss you" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, start: T0, until: T0 + 3 * DAY, profiles: [{ id: "p1", lastOrderAt: iso(T0 - 29 * DAY) }], events: [] });
    const entered = ofType(timeline, "entered", "WinBack");
    expect(entered).toHaveLength(1);
    // It became true at T0 + 1d; a daily re-evaluation is enough.
    expect(entered[0]!.at).toBeGreaterThanOrEqual(T0 + DAY);
    expect(entered[0]!.at).toBeLessThanOrEqual(T0 + 2 * DAY);
  });

  // Was bug 10. docs/language.md `channel`: "A send that falls into quiet hours is delayed to the
  // end of the quiet period, never lost; the journey does not wait for the delivery and goes
  // on with its next step." step.ts makes the instance itself wait at the send node, so
  // every later step (here an SMS on a channel without quiet hours) is delayed too.
  // (If the docs are what should change, fix docs/language.md instead and drop this test.)
  // docs/language.md `channel`: a send in quiet hours waits until they end, and the steps after it move too.
  it("quiet hours delay the send and the steps after it", async () => {
    const ir = withSchema(`
      channel email { quiet 21:00 to 08:00 }
      journey J {
        on Ping
        send email { subject "email" text "x" } to profile.email
        send sms { text "sms" } to "+1"
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }], events: [ev("Ping", "p1", T("2026-01-05T22:00:00Z"), { n: 1 })] });
    expect(ofType(timeline, "send").map((s) => `${s.channel} ${iso(s.at)}`)).toEqual(["email 2026-01-06T08:00:00.000Z", "sms 2026-01-06T08:00:00.000Z"]);
  });

  // Was bug 11. docs/language.md "Tests": "A test runs until nothing is pending (no timer, no
  // delayed message), at most 400 days of virtual time." sim/tests.ts stops 30 days after
  // the last event or expectation offset, so a 45-day wait is never seen.
  it("runTests: a test runs until nothing is pending (up to 400 days)", async () => {
    const ir = irOfFiles([
      {
        path: "t.journey",
        text: `${SCHEMA}
          journey Slow { on Ping
            wait 45d
            send email { subject "late" text "x" } to profile.email }
          test "late send" {
            profile "p1" { email: "a@example.com" }
            at 0m "p1" Ping { n: 1 }
            expect send email where subject == "late"
          }`,
      },
    ]);
    const [result] = await runTests(ir);
    expect(result!.expectations.map((e) => [e.ok, e.message])).toEqual([[true, undefined]]);
  });

  // Was bug 12. docs/language.md "Literals": a date `2026-12-01` is a `datetime` at "midnight
  // UTC". evaluate.ts turns a date literal into midnight in the *profile's* time zone, so the
  // same journey waits until different instants for different profiles. (time.ts's comment,
  // "`2026-12-01` is midnight in `timeZone`", says this is deliberate: then the docs are what
  // is wrong. Either way the runtime is inconsistent with itself: a date-only *value* in data,
  // e.g. a profile field "2026-02-01", is midnight UTC for `wait until` (Date.parse) but
  // midnight in the profile's zone for comparisons (parseInstant).)
  // docs/language.md "Literals" and decision 21: a date is midnight in the profile's time zone.
  it("a date literal is midnight in the profile's time zone", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        wait until 2026-02-01
        send email { subject "s" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, horizonMs: 40 * DAY, profiles: [{ id: "p1", timezone: "Europe/Berlin" }], events: [ev("Ping", "p1", T0, { n: 1 })] });
    expect(sendTimes(timeline)).toEqual(["2026-01-31T23:00:00.000Z"]);
  });

  // Was bug 13. docs/language.md "Recommendations": `exclude inCart` excludes "items in this
  // profile's latest cart". ScanCatalogEngine.profileKeys returns every key of every cart
  // the profile ever had, so an item of an old, abandoned cart stays excluded for ever.
  it("recommend: `exclude inCart` means the latest cart only", async () => {
    const ir = irOf(`${SCHEMA}
      catalog Product {
        key sku: string
        name: string
        signals { cart Cart.items.sku purchase Order.items.sku }
      }
      journey J {
        on Cart as cart where cart.cartId == "second"
        recommend recs = popular() exclude inCart limit 5
        send email { subject "{{#each recs as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
      }
    `);
    const l = (sku: string) => ({ sku, name: sku, price: 1, category: "c" });
    const { timeline } = await sim({
      ir,
      catalog: ["A", "B"].map((sku) => ({ sku, name: sku })),
      profiles: [{ id: "p1" }, { id: "q" }],
      events: [
        ev("Order", "q", T0, { orderId: "o", items: [l("A"), l("B")], total: 2 }),
        ev("Cart", "p1", T0 + MIN, { cartId: "first", items: [l("A")], total: 1 }),
        ev("Cart", "p1", T0 + 2 * MIN, { cartId: "second", items: [l("B")], total: 1 }),
      ],
    });
    expect(ofType(timeline, "send").map((s) => String(s.content["subject"]).trim())).toEqual(["A"]);
  });

  // Was bug 14. Same root as BUG 4: resolve.ts evaluates `where` outside any try, so an item
  // for which it throws (here a catalog item without `price`: the catalog feed is not
  // validated against the catalog type) rejects the whole recommendation and the `ingest`,
  // contrary to resolve.ts's own comment ("a failure … is not an error for the journey")
  // and step.ts's ("a recommendation never fails the journey"). Expected: that item is
  // skipped (or rejected when loaded), the others are recommended.
  it("recommend: an item for which `where` cannot be evaluated is skipped, not fatal", async () => {
    const ir = irOf(`${SCHEMA}
      catalog Product { key sku: string  name: string  price: number  signals { purchase Order.items.sku } }
      journey J {
        on Ping
        recommend cheap = popular() where item.price < 50 limit 5
        send email { subject "{{#each cheap as |p|}}{{p.sku}} {{/each}}" text "x" } to profile.email
      }
    `);
    const l = (sku: string) => ({ sku, name: sku, price: 1, category: "c" });
    const result = await sim({
      ir,
      catalog: [{ sku: "A", name: "A", price: 10 }, { sku: "B", name: "B" }],
      profiles: [{ id: "p1" }, { id: "q" }],
      events: [ev("Order", "q", T0, { orderId: "o", items: [l("A"), l("B")], total: 2 }), ev("Ping", "p1", T0 + MIN, { n: 1 })],
    }).catch((e: unknown) => e as Error);
    expect(result).not.toBeInstanceOf(Error);
    const { timeline } = result as Awaited<ReturnType<typeof sim>>;
    expect(ofType(timeline, "send").map((s) => String(s.content["subject"]).trim())).toEqual(["A"]);
  });

  // Was bug 15. docs/language.md `event`: "Events of one profile are applied in time order."
  // `ingest([…])` applies a batch in array order: a batch [Stop at 09:01, Ping at 09:00]
  // applies Stop first (nothing waits for it yet), then Ping starts an instance that times out.
  it("ingest: a batch is applied in time order per profile", async () => {
    const ir = withSchema(`
      journey J {
        on Ping
        wait for Stop within 1h {
          send email { subject "stopped" text "x" } to profile.email
        } timeout {
          send email { subject "timeout" text "x" } to profile.email
        }
      }
    `);
    const timeline: Effect[] = [];
    const runtime = createRuntime({ ir, clock: new VirtualClock(T0 + 2 * MIN), onEffect: (e) => timeline.push(e) });
    await runtime.start();
    await runtime.ingest([ev("Stop", "p1", T0 + MIN, { reason: "" }), ev("Ping", "p1", T0, { n: 1 })]);
    await runtime.advanceTo(T0 + 3 * HOUR);
    await runtime.stop();
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["stopped"]);
  });

  // Was bug 16. An error effect's location comes from `program.location`, which reads the
  // *current* IR's source map. An instance still running an earlier version after a
  // redeploy reports the line of the same node id in the new source (or nothing when the node
  // is gone): here the failing `call` is on line 4 of v1 but on line 6 of v2.
  // Each deployment keeps its journeys' node locations with their versions: an instance on an
  // older version reports the line in the source it was compiled from.
  /**
   * A failing `call` met by an instance still on v1 after a redeploy to v2, which moves the
   * call to another line. `keepLocations` false: v1 as a runtime that kept no locations stored it.
   */
  async function errorOnOldVersion(keepLocations: boolean) {
    const head = `${SCHEMA}
action Fail() -> { ok: bool } { get "https://fail.example.com/" }
`;
    const v1Text = `${head}journey J {
  on Ping
  wait 1h
  call Fail()
}
`;
    const v2Text = `${head}journey J {
  on Ping
  send email { subject "new step" text "x" } to profile.email
  wait 30m
  wait 30m
  call Fail()
}
`;
    const lineOf = (text: string) => text.split("\n").findIndex((l) => l.includes("call Fail()")) + 1;
    expect(lineOf(v1Text)).not.toBe(lineOf(v2Text));
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const timeline: Effect[] = [];
    const rt1 = createRuntime({ ir: irOf(v1Text), store, clock });
    await rt1.start();
    await rt1.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt1.stop();
    if (!keepLocations) {
      const [saved] = await store.loadVersions();
      delete saved!.locations;
      await store.saveVersions([saved!]);
    }
    const rt2 = createRuntime({ ir: irOf(v2Text), store, clock, onEffect: (e) => timeline.push(e) });
    await rt2.start();
    await rt2.advanceTo(T0 + 2 * HOUR);
    await rt2.stop();
    const [error] = ofType(timeline, "error");
    expect(error?.message).toContain("Fail");
    return { error, v1Line: lineOf(v1Text) };
  }

  it("error location: an instance on an old version points at its own source, never the new one", async () => {
    const { error, v1Line } = await errorOnOldVersion(true);
    expect(error?.location).toMatchObject({ line: v1Line, column: 3 });
  });

  it("error location: versions deployed before locations were kept report none rather than a wrong one", async () => {
    const { error } = await errorOnOldVersion(false);
    expect(error?.location).toBeUndefined();
  });

  // Found in the review of 6 December 2026 (CLI and embedding): a `send` looked its template
  // up in the current IR, arguments by position. A redeploy that reordered a template's
  // parameters (and its journey's call) made instances waiting on the old version send the
  // new template filled with the old arguments: an email with blanks, and no error.
  it("an instance on an old version renders with that version's templates and fragments", async () => {
    const v1Text = `${SCHEMA}
fragment Sign """-- {{profile.firstName}}"""
template Reminder(cart: Cart, n: int) for email {
  subject "Cart {{cart.cartId}} ({{n}})"
  text "Total {{cart.total}} {{> Sign}}"
}
journey J {
  on Cart as cart
  wait 1h
  send email Reminder(cart, 1) to profile.email
}
`;
    const v2Text = v1Text
      .replace("template Reminder(cart: Cart, n: int)", "template Reminder(n: int, cart: Cart)")
      .replace("Reminder(cart, 1)", "Reminder(1, cart)")
      .replace('"""-- {{profile.firstName}}"""', '"""Regards, {{profile.firstName}}"""');
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const sent: Effect[] = [];
    const cart = { cartId: "c1", items: [], total: 42 };
    const rt1 = createRuntime({ ir: irOf(v1Text), store, clock });
    await rt1.start();
    await rt1.upsertProfile("old", { firstName: "Ada" });
    await rt1.ingest(ev("Cart", "old", T0, cart));
    await rt1.stop();
    const rt2 = createRuntime({ ir: irOf(v2Text), store, clock, onEffect: (e) => sent.push(e) });
    await rt2.start();
    await rt2.upsertProfile("new", { firstName: "Bo" });
    await rt2.ingest(ev("Cart", "new", T0 + 10 * MIN, cart));
    await rt2.advanceTo(T0 + 2 * HOUR);
    await rt2.stop();
    const content = (who: string) => ofType(sent, "send").find((s) => s.profileId === who)?.content;
    expect(content("old")).toEqual({ subject: "Cart c1 (1)", text: "Total 42 -- Ada" });
    expect(content("new")).toEqual({ subject: "Cart c1 (1)", text: "Total 42 Regards, Bo" });
  });

  // Found in the review of 6 December 2026 (versions): `call` used the current IR's action,
  // so an instance on the old version booked with its arguments swapped, and a response field
  // the new declaration dropped was stripped before the old version's message read it.
  it("an instance on an old version calls the action as that version declared it, and reads its response so", async () => {
    const v1Text = `${SCHEMA}
action Book(city: string, day: string) -> { code: string } { get "https://api.example.com/book/{{city}}/{{day}}" }
journey J {
  on Ping
  wait 1h
  call Book("Oslo", "monday") as r
  send email { subject "code {{r.code}}" text "x" } to profile.email
}
`;
    const v2Text = v1Text
      .replace("action Book(city: string, day: string) -> { code: string }", "action Book(day: string, city: string) -> { ok: bool }")
      .replace("{{city}}/{{day}}", "{{day}}/{{city}}")
      .replace('Book("Oslo", "monday")', 'Book("monday", "Oslo")')
      .replace("code {{r.code}}", "ok {{r.ok}}");
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const urls: string[] = [];
    const actions = { execute: async (r: { url: string }) => (urls.push(r.url), { code: "BK-1", ok: true }) };
    const rt1 = createRuntime({ ir: irOf(v1Text), store, clock, actions });
    await rt1.start();
    await rt1.ingest(ev("Ping", "old", T0, { n: 1 }));
    await rt1.stop();
    const sent: Effect[] = [];
    const rt2 = createRuntime({ ir: irOf(v2Text), store, clock, actions, onEffect: (e) => sent.push(e) });
    await rt2.start();
    await rt2.ingest(ev("Ping", "new", T0 + MIN, { n: 1 }));
    await rt2.advanceTo(T0 + 2 * HOUR);
    await rt2.stop();
    expect(urls).toEqual(["https://api.example.com/book/Oslo/monday", "https://api.example.com/book/monday/Oslo"]);
    const subject = (who: string) => ofType(sent, "send").find((s) => s.profileId === who)?.content["subject"];
    expect(subject("old")).toBe("code BK-1");
    expect(subject("new")).toBe("ok true");
  });

  // Found in the review of 6 December 2026 (versions): an old instance's `jump to` a journey a
  // redeploy removed ended it quietly; a channel only earlier versions send on had no adapter
  // and its messages were retried for ever without a word at start.
  it("after a redeploy: a jump to a removed journey is an error, and a channel only earlier versions use is said at start", async () => {
    const v1Text = `${SCHEMA}
journey J {
  on Ping
  wait 1h
  send sms { text "bye" } to profile.phone ?? ""
  jump to K
}
journey K {
  on Stop
  send email { subject "k" text "x" } to profile.email
}
`;
    const v2Text = `${SCHEMA}
journey J {
  on Ping
  send email { subject "j" text "x" } to profile.email
}
`;
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const channel = { send: async () => {} };
    const rt1 = createRuntime({ ir: irOf(v1Text), store, clock, channels: { sms: channel, email: channel } });
    await rt1.start();
    await rt1.upsertProfile("p1", { phone: "+4670000000" });
    await rt1.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt1.stop();
    const warnings: string[] = [];
    const timeline: Effect[] = [];
    const logger = { info() {}, warn: (_o: unknown, m?: string) => void warnings.push(String(m)), error() {} };
    const rt2 = createRuntime({ ir: irOf(v2Text), store, clock, channels: { email: channel }, logger, onEffect: (e) => timeline.push(e) });
    await rt2.start();
    expect(warnings.some((w) => w.includes("no adapter for `sms`, which earlier versions of the journeys send on"))).toBe(true);
    await rt2.advanceTo(T0 + 2 * HOUR);
    await rt2.stop();
    expect(ofType(timeline, "error").map((e) => e.message)).toEqual(["`jump to K`: no journey `K` is deployed now"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["error"]);
  });

  // Found in the review of 6 December 2026 (docs against tools): a catalog item kept every
  // field of the feed, so `{{json recs}}` and a webhook's body sent the shop's internal
  // fields (cost, margin) to customers, though templates "never read anything undeclared".
  it("recommendations hand out the catalog's declared fields only, to messages and to decisions alike", async () => {
    const ir = irOf(`${SCHEMA}
      catalog Product { key sku: string  name: string  signals { purchase Order.items.sku } }
      journey J {
        on Ping
        recommend recs = popular() limit 5
        send email { subject "x" text "{{json recs}}" } to profile.email
      }
      experience Home {
        surface "web://shop.example.com/#hero"
        format json
        recommend top = popular() limit 5
        variant Default { content "{{json top}}" }
      }
    `);
    const l = (sku: string) => ({ sku, name: sku, price: 1, category: "c" });
    const feed = [{ sku: "A", name: "Hat", cost: 3.2, secretMargin: "40%" }];
    const { timeline, runtime } = await sim({
      ir,
      catalog: feed,
      profiles: [{ id: "p1" }],
      events: [ev("Order", "q", T0, { orderId: "o", items: [l("A")], total: 1 }), ev("Ping", "p1", T0 + MIN, { n: 1 })],
    });
    expect(ofType(timeline, "send").map((s) => s.content["text"])).toEqual(['[{"sku":"A","name":"Hat"}]']);
    const [decision] = await runtime.decide({ surfaces: ["web://shop.example.com/#hero"], profileId: "p1", now: T0 + 2 * MIN });
    expect(decision!.content).toEqual('[{"sku":"A","name":"Hat"}]');
  });

  // Found in the review of 6 December 2026 (versions): schedules were armed only on a profile
  // change, and only when absent. A redeploy that added `on schedule every 1d` never reached
  // the profiles stored before it, and one that changed `every 30d` to `every 1d` kept each
  // profile's firing a month away.
  it("a redeploy that adds a schedule, or changes its cadence, reaches every stored profile", async () => {
    const journey = (name: string, every: string) => `journey ${name} {
  on schedule every ${every} for Everyone
  reentry always
  send email { subject "${name}" text "x" } to profile.email
}
`;
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const rt1 = createRuntime({ ir: irOf(`${SCHEMA}${journey("Monthly", "30d")}`), store, clock });
    await rt1.start();
    await rt1.upsertProfile("before", {});
    await rt1.stop();
    const sent: Effect[] = [];
    const rt2 = createRuntime({ ir: irOf(`${SCHEMA}${journey("Monthly", "1d")}${journey("Digest", "1d")}`), store, clock, onEffect: (e) => sent.push(e) });
    await rt2.start();
    await rt2.upsertProfile("after", {});
    await rt2.advanceTo(T0 + 3 * DAY + MIN);
    await rt2.stop();
    const count = (who: string, subject: string) => ofType(sent, "send").filter((e) => e.profileId === who && e.content["subject"] === subject).length;
    expect([count("before", "Digest"), count("before", "Monthly")]).toEqual([3, 3]);
    expect([count("after", "Digest"), count("after", "Monthly")]).toEqual([3, 3]);
    // A restart with the same deployment passes over nothing again, and changes nothing.
    const rt3 = createRuntime({ ir: irOf(`${SCHEMA}${journey("Monthly", "1d")}${journey("Digest", "1d")}`), store, clock, onEffect: (e) => sent.push(e) });
    await rt3.start();
    await rt3.advanceTo(T0 + 4 * DAY + MIN);
    await rt3.stop();
    expect(count("before", "Digest")).toBe(4);
    // A new version with the same cadences: the pass reads every profile and writes none.
    const written: string[] = [];
    const commit = store.commit.bind(store);
    store.commit = async (b) => (written.push(...b.profiles.map((p) => p.id)), commit(b));
    const rt4 = createRuntime({ ir: irOf(`${SCHEMA}${journey("Monthly", "1d")}${journey("Digest", "1d").replace('text "x"', 'text "y"')}`), store, clock });
    await rt4.start();
    await rt4.stop();
    expect(written).toEqual([]);
  });

  it("a redeploy that adds an audience read with the clock looks at the profiles stored before it, hourly", async () => {
    const store = new MemoryStore();
    const clock = new VirtualClock(T0);
    const rt1 = createRuntime({ ir: irOf(SCHEMA), store, clock });
    await rt1.start();
    await rt1.upsertProfile("idle", { lastOrderAt: iso(T0 - 29 * DAY) });
    await rt1.stop();
    const sent: Effect[] = [];
    const v2 = irOf(`${SCHEMA}
audience Dormant = profile.lastOrderAt != null and daysSince(profile.lastOrderAt) >= 30
journey WinBack {
  on enter Dormant
  send email { subject "we miss you" text "x" } to profile.email
}
`);
    const rt2 = createRuntime({ ir: v2, store, clock, onEffect: (e) => sent.push(e) });
    await rt2.start();
    await rt2.advanceTo(T0 + 2 * DAY);
    await rt2.stop();
    expect(ofType(sent, "send").map((e) => [e.profileId, e.content["subject"]])).toEqual([["idle", "we miss you"]]);
  });

  // Found in the review of December 2026: `xs[3]` of a shorter list was null, so a message
  // went out with blanks; docs/language.md says an index out of range fails the step.
  it("an index out of range fails the step, naming the index and the length", async () => {
    const ir = withSchema(`
      journey J {
        on Cart as cart
        let name = cart.items[0].name
        send email { subject "first: {{name}}" text "x" } to profile.email
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }, { id: "p2" }], events: [ev("Cart", "p1", T0, { cartId: "c1", items: [], total: 0 }), ev("Cart", "p2", T0, { cartId: "c2", items: [{ sku: "s", name: "Hat", price: 1, category: "hats" }], total: 1 })] });
    expect(ofType(timeline, "error").map((e) => [e.profileId, e.message])).toEqual([["p1", "index 0 is out of range of a list of 0"]]);
    expect(ofType(timeline, "send").map((s) => [s.profileId, s.content["subject"]])).toEqual([["p2", "first: Hat"]]);
  });

  // Found in the review of December 2026: `set profile.address.city` on a profile without an
  // address made `{ city }`, a record missing its required `zip`.
  it("`set` of a field of an absent optional record fails the step, saying to set the whole record", async () => {
    const ir = irOf(`
      profile { email: string = "p@example.com", address?: { city: string, zip: string } }
      event Ping { n: int }
      journey J {
        on Ping
        set profile.address.city = "Oslo"
      }
    `);
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }, { id: "p2", address: { city: "Bergen", zip: "5003" } }], events: [ev("Ping", "p1", T0, { n: 1 }), ev("Ping", "p2", T0, { n: 1 })] });
    expect(ofType(timeline, "error").map((e) => [e.profileId, e.message])).toEqual([["p1", "`profile.address` is null: set the whole record (`set profile.address = { … }`) before one of its fields"]]);
    expect(ofType(timeline, "profile").map((e) => [e.profileId, e.set])).toEqual([["p2", { "address.city": "Oslo" }]]);
  });

  // Found in the review of December 2026: `min` of an empty list was null, typed `number`.
  it("`min` and `max` of an empty list fail the step; of a long list, they do not overflow the stack", async () => {
    const ir = withSchema(`
      journey J {
        on Cart as cart
        let cheapest = min(cart.items.price)
        send email { subject "from {{cheapest}}" text "x" } to profile.email
      }
    `);
    const many = Array.from({ length: 200_000 }, (_, i) => ({ sku: `s${i}`, name: "n", price: 1000 - (i % 997), category: "c" }));
    const { timeline } = await sim({ ir, profiles: [{ id: "p1" }, { id: "p2" }], events: [ev("Cart", "p1", T0, { cartId: "c1", items: [], total: 0 }), ev("Cart", "p2", T0, { cartId: "c2", items: many, total: 1 })] });
    expect(ofType(timeline, "error").map((e) => [e.profileId, e.message])).toEqual([["p1", "`min` of an empty list"]]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["from 4"]);
  });

  // Found in the review of December 2026: `length` counted UTF-16 units, templates characters.
  it("`length` of a string counts characters, as the template helper does", async () => {
    const ir = withSchema(`
      journey J {
        on Cart as cart
        send email { subject "{{length cart.cartId}}" text "x" } to profile.email
      }
    `);
    const counted = withSchema(`
      journey J {
        on Cart as cart
        let n = length(cart.cartId)
        send email { subject "{{n}}" text "x" } to profile.email
      }
    `);
    const events = [ev("Cart", "p1", T0, { cartId: "😀å", items: [], total: 0 })];
    expect(ofType((await sim({ ir, profiles: [{ id: "p1" }], events })).timeline, "send")[0]!.content["subject"]).toBe("2");
    expect(ofType((await sim({ ir: counted, profiles: [{ id: "p1" }], events })).timeline, "send")[0]!.content["subject"]).toBe("2");
  });
});
