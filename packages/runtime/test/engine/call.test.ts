/** `call`: canned responses, `as` binding, `on error`, and an error without `on error`. */
import { describe, expect, it } from "vitest";
import { SCHEMA, T0, ev, irOf, ofType, sim, trace, iso, instanceId } from "./helpers.js";

const ACTIONS = `
action Weather(city: string) -> { tempC: number, condition: "sun" | "rain" | "snow" } {
  get "https://weather.example.com/v1/now?city={{city}}"
  headers { Authorization: secret("WEATHER_TOKEN") }
  timeout 2s
  retries 2
}
action Voucher(customer: string, percent: int) -> { code: string } {
  post "https://coupons.example.com/v1/vouchers"
  body { customer: customer, percentOff: percent }
}
event Visit { city: string }
`;

const SOURCE = `${SCHEMA}${ACTIONS}
journey J {
  on Visit as v
  call Weather(v.city) as w on error {
    send email { subject "no weather" text "x" } to profile.email
  }
  send email { subject "after call" text "x" } to profile.email
  if w != null and w.condition == "rain" {
    call Voucher(profile.email, 10) as voucher
    send email { subject "rainy: {{voucher.code}} {{w.tempC}}" text "x" } to profile.email
  }
}
`;
const ir = irOf(SOURCE);

const responses = {
  Weather: [
    { match: { city: "Bergen" }, response: { tempC: 7.5, condition: "rain" } },
    { match: { city: "São Paulo" }, response: { tempC: 30, condition: "sun" } },
    { match: { city: "Nowhere" }, error: "HTTP 503" },
    { match: { city: "Broken" }, response: { tempC: "hot", condition: "sun" } },
    { match: { city: "Oslo" }, response: { tempC: 2, condition: "rain", humidity: 80, wind: { kmh: 30 } } },
  ],
  Voucher: [{ match: { customer: "ok@example.com" }, response: { code: "RAIN10" } }, { error: "coupon service down" }],
};

/** The same without reading the result after the call. */
const irNoRead = irOf(`${SCHEMA}${ACTIONS}
journey J {
  on Visit as v
  call Weather(v.city) as w on error {
    send email { subject "no weather" text "x" } to profile.email
  }
  send email { subject "after call" text "x" } to profile.email
}
`);

const visit = (city: string, email = "ok@example.com", program = ir) =>
  sim({ ir: program, actionResponses: responses, profiles: [{ id: "p1", email }], events: [ev("Visit", "p1", T0, { city })] });

describe("call", () => {
  it("emits a request (URL-encoded parameters, a reference for each secret), binds the response with `as`", async () => {
    const { timeline } = await visit("Bergen");
    const [req] = ofType(timeline, "callRequest");
    expect(req!.request).toMatchObject({
      action: "Weather",
      args: { city: "Bergen" },
      method: "GET",
      url: "https://weather.example.com/v1/now?city=Bergen",
      // The secret's value is filled in when the call is made: never stored, never in the timeline.
      headers: { Authorization: "\u0000secret:WEATHER_TOKEN\u0000" },
      timeoutMs: 2000,
      retries: 2,
    });
    expect(ofType(timeline, "call").map((c) => [c.action, c.ok])).toEqual([
      ["Weather", true],
      ["Voucher", true],
    ]);
    const voucherReq = ofType(timeline, "callRequest")[1]!;
    expect(voucherReq.request).toMatchObject({ method: "POST", body: { customer: "ok@example.com", percentOff: 10 } });
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["after call", "rainy: RAIN10 7.5"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("percent-encodes parameters in the URL", async () => {
    const { timeline } = await visit("São Paulo");
    expect(ofType(timeline, "callRequest")[0]!.request.url).toBe("https://weather.example.com/v1/now?city=S%C3%A3o%20Paulo");
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["after call"]);
  });

  it("a failure takes the `on error` path, then the steps after the call", async () => {
    const { timeline } = await visit("Nowhere", "ok@example.com", irNoRead);
    expect(ofType(timeline, "call").map((c) => [c.ok, c.error])).toEqual([[false, "HTTP 503"]]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["no weather", "after call"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("after a failed call whose `on error` goes on, the `as` binding is null (the checker types it optional)", async () => {
    const { timeline } = await visit("Nowhere");
    expect(ofType(timeline, "error")).toEqual([]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["no weather", "after call"]);
    expect(ofType(timeline, "ended").map((e) => e.reason)).toEqual(["end"]);
  });

  it("a response that does not fit the declared type is a failure", async () => {
    const { timeline } = await visit("Broken", "ok@example.com", irNoRead);
    const [call] = ofType(timeline, "call");
    expect(call!.ok).toBe(false);
    expect(call!.error).toContain("response.tempC");
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["no weather", "after call"]);
  });

  it("fields the action does not declare are ignored (an API answers with many), and not kept", async () => {
    const { timeline } = await visit("Oslo");
    expect(ofType(timeline, "call").map((c) => [c.action, c.ok])).toEqual([
      ["Weather", true],
      ["Voucher", true],
    ]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["after call", "rainy: RAIN10 2"]);
  });

  it("without canned responses every call fails at once", async () => {
    const { timeline } = await sim({ ir: irNoRead, profiles: [{ id: "p1" }], events: [ev("Visit", "p1", T0, { city: "Bergen" })] });
    expect(ofType(timeline, "call").map((c) => [c.ok, iso(c.at)])).toEqual([[false, iso(T0)]]);
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["no weather", "after call"]);
  });

  it("an error without `on error` ends the instance with reason error and an `error` effect with the call's location", async () => {
    const { timeline } = await visit("Bergen", "other@example.com");
    const [error] = ofType(timeline, "error");
    expect(error).toMatchObject({ journey: "J", instanceId: instanceId("J", "p1", 1, T0) });
    expect(error!.message).toContain("Voucher");
    expect(error!.message).toContain("coupon service down");
    const lines = SOURCE.split("\n");
    const line = lines.findIndex((l) => l.includes("call Voucher(")) + 1;
    const column = lines[line - 1]!.indexOf("call Voucher(") + 1;
    expect(error!.location).toEqual({ file: "t.journey", line, column });
    expect(trace(timeline).slice(-3)).toEqual([`${iso(T0)} call J`, `${iso(T0)} error J`, `${iso(T0)} ended J error`]);
    // Nothing after the failed call ran.
    expect(ofType(timeline, "send").map((s) => s.content["subject"])).toEqual(["after call"]);
  });
});
