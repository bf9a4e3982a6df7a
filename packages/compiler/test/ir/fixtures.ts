/**
 * Inline projects for the IR tests: between them they use every journey node kind, every
 * trigger kind, exits and goals, every experience item and every test expectation kind,
 * so the schema test sees every shape the emitter can produce.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceInput } from "@journey/compiler";
import { briefExample as briefText } from "../support.js";

export interface Project {
  name: string;
  files: SourceInput[];
}

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** The complete example of the language brief (see `briefExample` in ../support.ts), as a project. */
export function briefExample(): Project {
  return { name: "brief example", files: [{ path: "example.journey", text: briefText() }] };
}

/** Every immediate subfolder of `samples/` that holds `.journey` files is one project. */
export function sampleProjects(): Project[] {
  const dir = join(ROOT, "samples");
  let entries: string[] = [];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: Project[] = [];
  for (const name of entries) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    const files: SourceInput[] = [];
    const walk = (d: string, rel: string): void => {
      for (const e of readdirSync(d).sort()) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p, `${rel}${e}/`);
        else if (e.endsWith(".journey")) files.push({ path: `samples/${name}/${rel}${e}`, text: readFileSync(p, "utf8") });
      }
    };
    walk(sub, "");
    if (files.length) out.push({ name: `samples/${name}`, files });
  }
  return out;
}

const SCHEMA = `
/// A shopper.
profile {
  email: string
  firstName?: string
  phone?: string
  pushToken?: string
  timezone: string = "UTC"
  tier: "bronze" | "silver" | "gold" = "bronze"
  points: int = 0
  consent: { email: bool, sms: bool, push: bool }
  lastActiveAt?: datetime
  city?: string
  tags: list<string> = []
}

type LineItem { sku: string, name: string, price: number, qty: int, category: string }
type Address { street: string, city: string, country: "SE" | "DE" | "FR" }

event CartAbandoned { cartId: string, items: list<LineItem>, total: number }
event OrderPlaced   { orderId: string, cartId?: string, items: list<LineItem>, total: number }
event ProductViewed { sku: string, category: string }
event SiteVisited   { url: string }
event Signup        { plan: "free" | "pro", address: Address, referrer?: string, at: datetime }
event EmailOpened   { campaign: string }

catalog Product {
  key sku: string
  name: string
  price: number
  category: string
  url: string
  imageUrl: string
  inStock: bool
  signals {
    view     ProductViewed.sku
    cart     CartAbandoned.items.sku
    purchase OrderPlaced.items.sku
  }
}

audience Gold = profile.tier == "gold"
audience Dormant = profile.lastActiveAt != null and daysSince(profile.lastActiveAt) >= 30

action Weather(city: string) -> { tempC: number, condition: "sun" | "rain" | "snow" } {
  get "https://weather.example.com/v1/now?city={{city}}"
  headers { Authorization: secret("WEATHER_TOKEN") }
  timeout 2s
  retries 2
}

action Crm(email: string, points: int) -> { ok: bool } {
  post "https://crm.example.com/v1/contacts/{{email}}"
  headers { Authorization: secret("CRM_TOKEN"), Accept: "application/json" }
  body { email: email, points: points }
  timeout 1s
}

channel email {
  from "Shop <hello@shop.example.com>"
  cap 3 per 7d
  quiet 21:00 to 08:00
}
channel sms { cap 1 per 1d }
channel push { quiet 22:00 to 7:30 }

fragment Footer """<p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>"""

template CartReminder(cart: CartAbandoned, recs: list<Product>) for email {
  subject "{{default profile.firstName 'Hi'}}, you left {{length cart.items}} items behind"
  html """
    {{#each cart.items as |line|}}<p>{{line.name}} — {{currency line.price "EUR"}}</p>{{/each}}
    {{#each recs as |p|}}<a href="{{p.url}}">{{p.name}}</a>{{/each}}
    {{> Footer}}
  """
  text "You left {{length cart.items}} items in your cart."
}

template Welcome(plan: string) for sms {
  text "Welcome to the {{plan}} plan!"
}
`;

const JOURNEYS = `
/// Every step kind of a journey, on an event trigger with exits and goals.
journey Everything {
  on CartAbandoned as cart where cart.total > 0 and length(cart.items) > 0
  reentry after 7d
  exit on OrderPlaced where event.cartId == cart.cartId
  exit on EmailOpened as opened where opened.campaign == "stop"
  goal purchase: OrderPlaced within 7d
  goal engaged: EmailOpened as o where o.campaign == "cart" within 2d

  wait 4h
  wait until atTime(now() + 1d, "09:00", profile.timezone)
  if not profile.consent.email { end }
  let total = cart.total * 1.25
  let first = cart.items[0].category
  recommend recs = cartBased(cart.items.sku)
    where item.inStock and item.price < 500
    exclude purchased, inCart, viewed, ["X1", "X2"]
    limit 4
    backup popular(by: purchases, category: first, window: 14d)
  send email CartReminder(cart, recs) to profile.email
  call Weather(profile.city ?? "Stockholm") as w on error {
    send sms { text "Your cart is waiting, {{profile.firstName}}." } to profile.phone ?? ""
    end
  }
  call Crm(profile.email, profile.points)
  set profile.points = profile.points + 10
  set profile.lastActiveAt = now()
  if w.condition == "rain" {
    send push {
      title "Rainy day?"
      body "Stay in and shop, {{default profile.firstName 'friend'}}."
      data { sku: cart.items[0].sku, kind: "rain", count: length(cart.items) }
    } to profile.pushToken ?? ""
  } else if w.condition == "snow" and total > 100 {
    send webhook {
      url "https://hooks.example.com/snow/{{cart.cartId}}"
      json { cart: cart.cartId, total: total, tags: ["snow", first] }
    }
  } else if w.tempC > 25 {
    wait 1h
  } else {
    let cold = -w.tempC
    send email { subject "Brrr: {{cold}} degrees below" text "Warm up with {{length recs}} picks." } to profile.email
  }
  split "cart-followup" {
    A 50% {
      wait for OrderPlaced as order where order.total >= cart.total within 24h {
        end
      } timeout {
        repeat 3 every 1d {
          send sms { text "Still there?" } to profile.phone ?? ""
        }
      }
    }
    B 40% {
      wait for SiteVisited within 2d { } timeout { jump to WinBack }
    }
    control 10% { }
  }
  repeat 2 { wait 30m }
  jump to WinBack
}

/// A schedule trigger with a duration period, reentry always.
journey WinBack {
  on schedule every 12h at 10:00 for Dormant
  reentry always
  recommend top = popular(by: views) limit 3
  split {
    A 45% { send email { subject "We miss you" html "<b>{{length top}} picks</b>" } to profile.email }
    B 55% { send email { subject "Top picks" text "…" } to profile.email }
  }
  end
}

/// An audience trigger, reentry never, schedule by day elsewhere.
journey GoldWelcome {
  on enter Gold
  reentry never
  send email { subject "Welcome to gold" html "<p>Hi</p>{{> Footer}}" } to profile.email
  wait 1d
  wait 1d
}

/// A monthly schedule on a day that some months do not have.
journey Statement {
  on schedule every month on 31 at 09:00 for Gold
  send email { subject "Your statement" text "…" } to profile.email
}

journey Weekly {
  on schedule every week for Gold
  recommend seen = recentlyViewed() limit 6 backup popular()
  recommend more = viewedTogether(seen[0].sku ?? "none") limit 2
  recommend both = boughtTogether("W1") exclude purchased limit 2
  recommend ext = provider("acme", profile.email) limit 3
  if length(seen) > 0 { send email { subject "Your week" html "{{#each seen as |p|}}{{p.name}}{{/each}}" } to profile.email }
}

journey Onboarding {
  on Signup as s where s.plan == "pro" or s.referrer != null
  wait until s.at + 1h
  send sms Welcome(s.plan) to profile.phone ?? ""
  wait until 2027-01-01T09:00:00Z
  wait until 09:30
  if s.address.country in ["SE", "DE"] { wait 2d } else { wait 3d }
}
`;

const EXPERIENCES = `
/// The home page hero: context, steps, when/active variants and a split variant.
experience HomeHero {
  surface "web://shop.example.com/#hero"
  surface "mobileapp://shop/home#hero"
  format json
  priority 2
  timeout 300ms
  active from 2026-01-01 to 2027-01-01
  context { url: string, locale?: string, cart: list<LineItem> }
  recommend recent = recentlyViewed() where item.inStock exclude purchased limit 6 backup popular(by: views)
  let greeting = profile.firstName ?? "there"
  call Weather(profile.city ?? "Paris") as w
  variant Gold when profile.tier == "gold" {
    content """{"title": "Welcome back, {{greeting}}", "items": {{json recent}} }"""
  }
  variant Winter when w.condition == "snow" active from 2026-12-01 to 2027-02-28 {
    content """{"title": "Snow day", "temp": {{w.tempC}} }"""
  }
  variant Test {
    split "hero-test" {
      A 50% { content """{"title": "A"}""" }
      B 50% { content """{"title": "B"}""" }
    }
  }
}

experience Banner {
  surface "web://shop.example.com/#banner"
  format html
  variant Default { content "<p>Hello {{profile.firstName}}</p>" }
}

experience Plain {
  surface "web://shop.example.com/#plain"
  format text
  variant Default { content "Hello" }
}
`;

const TESTS = `
test "everything: the reminder goes out" {
  start 2026-03-01T08:00:00Z
  profile "p1" { email: "ana@example.com", firstName: "Ana", phone: "+46700000000",
                 consent: { email: true, sms: true, push: false } }
  profile "p2" { email: "bo@example.com", tier: "gold", consent: { email: true, sms: false, push: false } }
  catalog Product [
    { sku: "W1", name: "Wool hat", price: 20, category: "hats", url: "https://s/w1", imageUrl: "https://s/w1.png", inStock: true }
  ]
  at 0m "p1" CartAbandoned { cartId: "c1", total: 20,
         items: [{ sku: "W1", name: "Wool hat", price: 20, qty: 1, category: "hats" }] }
  at 30h "p1" OrderPlaced { orderId: "o1", cartId: "c1", total: 20, items: [] }
  respond Weather where city == "Oslo" error "timeout"
  respond Weather { tempC: 3, condition: "rain" }
  expect at 4h send email to "ana@example.com" where subject contains "Ana" and html contains "Wool"
  expect send sms where text == "Still there?"
  expect no send push
  expect at 1d no send webhook
  expect ended Everything reason exit
  expect at 2d ended
  expect goal purchase
  expect at 1d no goal engaged
  expect decide "web://shop.example.com/#hero" for "p2" variant Gold
  expect at 1h decide "web://shop.example.com/#banner" for "p1" content contains "Ana"
  expect decide "web://shop.example.com/#hero" for "p2" json title == "Welcome back, there"
  expect send email where html not contains "Rainy"
  expect at 2d profile "p1" where lastActiveAt != null and tags not contains "vip" and consent.sms == true
  expect profile "p2" where tier == "gold" and email contains "@"
  expect at 1d suppressed sms reason cap
  expect no suppressed email
  expect call Weather where city == "Stockholm" times 1
  expect at 2h no call Crm
}
`;

/** Inline projects (files split the way a real project would be). */
export function inlineProjects(): Project[] {
  return [
    {
      name: "inline: everything",
      files: [
        { path: "shop/schema.journey", text: SCHEMA },
        { path: "shop/journeys.journey", text: JOURNEYS },
        { path: "shop/experiences.journey", text: EXPERIENCES },
        { path: "shop/tests.journey", text: TESTS },
      ],
    },
    {
      name: "inline: minimal",
      files: [
        {
          path: "min.journey",
          text: `profile { email: string }\nevent Ping { n: int }\njourney Pong {\n  on Ping\n  end\n}\n`,
        },
      ],
    },
    {
      name: "inline: webhook and push only",
      files: [
        {
          path: "hooks.journey",
          text: `
profile { id: string, pushToken?: string, score: number = 0.5 }
event Scored { value: number, reasons: list<string> }
audience High = profile.score > 0.9
journey Notify {
  on Scored as s where s.value > 0.5
  exit on Scored where event.value < 0.1
  goal high: Scored where event.value > 0.9 within 1w
  if profile.pushToken != null {
    send push { title "Score {{s.value}}" body "{{join s.reasons ', '}}" data { v: s.value, r: s.reasons, nested: { ok: true, none: null } } } to profile.pushToken
  }
  send webhook { url "https://hooks.example.com/score" json { id: profile.id, value: s.value } }
  set profile.score = s.value
}
journey Enter {
  on enter High
  send webhook { url "https://hooks.example.com/high/{{profile.id}}" json { id: profile.id } }
}
test "notify" {
  profile "x" { id: "x", pushToken: "tok" }
  at 0m "x" Scored { value: 0.95, reasons: ["a", "b"] }
  expect send push where title contains "0.95"
  expect send webhook
  expect goal high
  expect ended Notify reason end
}
`,
        },
      ],
    },
  ];
}
