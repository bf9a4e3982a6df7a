import { compile } from "@journey/compiler";
import { test } from "vitest";
const head = `
profile { email: string, timezone: string = "UTC", n: int = 0, tier: string = "bronze", firstName?: string, phone?: string }
type Line { sku: string, category: string }
event A { x: int, items: list<Line> = [] }
event B { y: string }
catalog Product {
  key sku: string
  name: string
  category: string
  inStock: bool
  signals { view A.items.sku cart A.items.sku purchase A.items.sku }
}
audience All = true
audience Gold = profile.tier == "gold"
action Weather(city: string) -> { tempC: number } { get "https://w.example.com/?c={{city}}" }
`;
const snippets: Record<string,string> = {
  recWhereAlias: `journey J { on A as a
    recommend r = popular() where item.category == a.items[0].category limit 3
    send email { subject "x" html "{{#each r as |p|}}{{p.name}}{{/each}}" } to profile.email }`,
  every12h: `journey J { on schedule every 12h at 06:00 for All
    send email { subject "x" text "y" } to profile.email }`,
  week: `journey J { on schedule every week at 10:00 for All
    send email { subject "x" text "y" } to profile.email }`,
  repeat: `journey J { on A
    repeat profile.n every 1d { set profile.n = profile.n + 1
     send email { subject "x" text "y" } to profile.email } }`,
  waitfor: `journey J { on A
    wait for B as b where b.y == "go" within 1h { send email { subject "{{b.y}}" text "y" } to profile.email } timeout { end }
    send sms { text "after" } to profile.email
    call Weather("x") as w on error { end }
    split { A 50% { end } B 50% { } }
    split "e" { A 50% { end } B 50% { } }
    jump to K }
    journey K { on B
     send email { subject "x" text "y" } to profile.email }`,
  date: `journey J { on A
    wait until 2026-12-01
    send email { subject "x" text "y" } to profile.email }`,
};
test("x", () => {
  for (const [k, s] of Object.entries(snippets)) {
    const r = compile([{ path: "t.journey", text: head + s }]);
    console.log(k, r.diagnostics.map(d => d.code + " " + d.message), r.ir ? JSON.stringify(Object.values(r.ir.journeys).map(j => [j.trigger, j.entry, j.nodes])) : "");
  }
});
