/**
 * A synthetic but realistic Journey project of about `targetLines` lines: one shared schema
 * file (profile, catalog, channels) and as many "store" files as it takes, each with its own
 * types, events, audiences, an action, a fragment, templates, journeys using every step
 * kind, an experience and a test. Every name carries the store's number, and numbers,
 * durations and texts vary with it, so no two declarations are the same.
 */

const pick = (i, list) => list[i % list.length];
const CATEGORIES = ["hats", "boots", "jackets", "tents", "gloves", "socks", "packs", "stoves"];
const COUNTRIES = ['"SE"', '"DE"', '"FR"', '"NL"'];
const CITIES = ["Stockholm", "Berlin", "Paris", "Amsterdam", "Oslo", "Lyon", "Hamburg", "Malmo"];

function schemaFile() {
  return `/// The shopper, kept by the runtime's profile store.
profile {
  email: string
  firstName?: string
  lastName?: string
  phone?: string
  pushToken?: string
  timezone: string = "Europe/Stockholm"
  locale: "en" | "sv" | "de" | "fr" = "en"
  loyalty: { tier: "bronze" | "silver" | "gold", points: int }
  consent: { email: bool, sms: bool, push: bool }
  lastActiveAt?: datetime
  city?: string
  lifetimeValue: number = 0
  tags: list<string> = []
}

catalog Product {
  key sku: string
  name: string
  price: number
  category: string
  url: string
  imageUrl: string
  inStock: bool
}

channel email {
  from "Nordvik Outdoor <hello@shop.example.com>"
  cap 4 per 7d
  quiet 21:00 to 08:00
}

channel sms {
  from "NORDVIK"
  cap 2 per 7d
  quiet 20:00 to 09:00
}

channel push {
  cap 6 per 7d
  quiet 22:00 to 07:30
}
`;
}

function storeFile(i) {
  const cat = pick(i, CATEGORIES);
  const city = pick(i, CITIES);
  const h = 1 + (i % 9);
  const d = 1 + (i % 5);
  const pts = 1000 + 37 * i;
  return `// Store ${i}: ${city}, ${cat}.

/// A line of a cart or an order at store ${i}.
type Item${i} { sku: string, name: string, price: number, qty: int, category: string }

type Address${i} {
  street: string
  city: string
  zip: string
  country: ${COUNTRIES.join(" | ")}
}

/// A cart left behind at store ${i}.
event CartAbandoned${i} { cartId: string, items: list<Item${i}>, total: number, store: string }

/// An order paid at store ${i}.
event OrderPlaced${i} {
  orderId: string
  cartId?: string
  items: list<Item${i}>
  total: number
  shipTo: Address${i}
}

event PageViewed${i} { url: string, sku?: string, category: string, seconds: int }

event Subscribed${i} {
  list: string
  source: "web" | "app" | "store"
  at: datetime
}

audience Vip${i} = profile.loyalty.points > ${pts} and profile.consent.email
audience Lapsed${i} = profile.lastActiveAt != null and daysSince(profile.lastActiveAt) >= ${30 + (i % 60)}

/// Live stock of store ${i}.
action Stock${i}(sku: string, store: string) -> { available: int, eta?: string, status: "ok" | "low" | "out" } {
  get "https://inventory.example.com/v1/stores/${i}/stock/{{sku}}?store={{store}}"
  headers { Authorization: secret("INVENTORY_TOKEN"), Accept: "application/json" }
  timeout ${300 + (i % 7) * 100}ms
  retries ${i % 3}
}

fragment Signature${i} """
  <p>The team at ${city} (store ${i})</p>
  <p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>
"""

template CartMail${i}(cart: CartAbandoned${i}, recs: list<Product>) for email {
  subject "{{default profile.firstName 'Hi'}}, your ${cat} from ${city} are waiting"
  html """
    <h1>Still thinking it over?</h1>
    {{#each cart.items as |line|}}
      <p>{{line.name}} x {{line.qty}}: {{currency line.price "EUR"}}</p>
    {{/each}}
    <p>Total: {{currency cart.total "EUR"}}</p>
    {{#if recs}}
      <h2>You may also like</h2>
      {{#each recs as |p|}}<a href="{{p.url}}"><img src="{{p.imageUrl}}" alt="{{p.name}}"></a>{{/each}}
    {{/if}}
    {{> Signature${i}}}
  """
  text "You left {{length cart.items}} items behind at store ${i}."
}

template OrderThanks${i}(order: OrderPlaced${i}) for email {
  subject "Thank you for order {{order.orderId}}"
  html """
    <h1>Thanks, {{default profile.firstName 'friend'}}!</h1>
    <p>We ship to {{order.shipTo.street}}, {{order.shipTo.zip}} {{order.shipTo.city}}.</p>
    {{#each order.items as |line|}}<p>{{line.name}}</p>{{/each}}
    {{> Signature${i}}}
  """
}

template Nudge${i}(name: string) for sms {
  text "{{name}}, ${city} has new ${cat} in stock. Reply STOP to opt out."
}

/// Abandoned carts of store ${i}: reminder, recommendations, stock check, SMS fallback.
journey AbandonedCart${i} {
  on CartAbandoned${i} as cart where cart.total > ${i % 50} and length(cart.items) > 0
  reentry after ${d + 5}d
  exit on OrderPlaced${i} where event.cartId == cart.cartId
  goal purchase${i}: OrderPlaced${i} where event.total >= cart.total within ${d + 6}d

  wait ${h}h
  if not profile.consent.email { end }

  recommend recs = cartBased(cart.items.sku)
    where item.inStock and item.price < ${200 + i}
    exclude purchased, inCart
    limit ${3 + (i % 4)}
    backup popular(by: purchases, category: cart.items[0].category, window: ${7 + (i % 14)}d)

  send email CartMail${i}(cart, recs) to profile.email

  call Stock${i}(cart.items[0].sku, cart.store) as stock on error {
    wait ${h + 1}h
  }

  wait for OrderPlaced${i} as order where order.cartId == cart.cartId within ${24 + i % 24}h {
    set profile.lifetimeValue = profile.lifetimeValue + order.total
    send email OrderThanks${i}(order) to profile.email
  } timeout {
    if profile.consent.sms and profile.phone != null {
      send sms Nudge${i}(profile.firstName ?? "Hi") to profile.phone ?? ""
    } else if profile.consent.push and profile.pushToken != null {
      send push {
        title "Your cart at store ${i}"
        body "{{length cart.items}} items are waiting for you"
        data { cartId: cart.cartId, store: cart.store, items: length(cart.items) }
      } to profile.pushToken ?? ""
    } else {
      let discount = round(cart.total * 0.${10 + (i % 10)}, 2)
      send email {
        subject "A little something for your cart"
        html "<p>Take {{currency discount 'EUR'}} off your {{length cart.items}} items.</p>"
      } to profile.email
    }
  }
}

/// Store ${i}: welcome series for new subscribers.
journey Welcome${i} {
  on Subscribed${i} as sub where sub.list == "news-${i}"
  reentry never
  goal firstOrder${i}: OrderPlaced${i} within ${14 + d}d

  send email {
    subject "Welcome to ${city}, {{default profile.firstName 'friend'}}"
    html "<h1>Welcome!</h1><p>You joined from {{sub.source}}.</p>"
  } to profile.email
  wait until sub.at + ${d}d
  recommend picks = popular(by: views, category: "${cat}") limit ${4 + (i % 3)}
  split "welcome-${i}" {
    A ${40 + (i % 10)}% {
      send email { subject "Our ${cat} picks" html "{{#each picks as |p|}}<p>{{p.name}}</p>{{/each}}" } to profile.email
    }
    B ${50 - (i % 10)}% {
      repeat ${2 + (i % 3)} every ${d}d {
        send push { title "New in ${cat}" body "{{length picks}} new picks" } to profile.pushToken ?? ""
      }
    }
    control 10% { }
  }
  wait ${d + 2}d
  if profile.loyalty.tier == "gold" {
    jump to VipCare${i}
  }
}

/// Store ${i}: care for VIP shoppers.
journey VipCare${i} {
  on enter Vip${i}
  reentry after ${30 + i % 30}d
  exit on OrderPlaced${i} where event.total > ${500 + i}

  let bonus = ${50 + (i % 50)}
  set profile.loyalty.points = profile.loyalty.points + bonus
  send webhook {
    url "https://crm.example.com/v1/vip/${i}/{{profile.email}}"
    json { email: profile.email, bonus: bonus, tier: profile.loyalty.tier, store: "${i}" }
  }
  wait ${h + 2}h
  recommend seen = recentlyViewed() where item.inStock limit 6 backup popular(by: views)
  if length(seen) > 0 {
    send email {
      subject "Picked for you, {{default profile.firstName 'friend'}}"
      html "{{#each seen as |p|}}<a href='{{p.url}}'>{{p.name}}</a>{{/each}}"
    } to profile.email
  }
}

/// Store ${i}: daily win-back of lapsed shoppers.
journey WinBack${i} {
  on schedule every day at ${String(8 + (i % 10)).padStart(2, "0")}:${pick(i, ["00", "15", "30", "45"])} for Lapsed${i}
  reentry after ${20 + (i % 20)}d
  goal back${i}: PageViewed${i} where event.category == "${cat}" within ${d + 2}d

  recommend top = popular(by: purchases, window: ${14 + (i % 14)}d) exclude purchased limit 4
  if profile.consent.email {
    send email { subject "We miss you at ${city}" html "<p>{{length top}} top picks this week</p>" } to profile.email
  } else if profile.consent.sms {
    send sms { text "We miss you! ${city} has {{length top}} new favourites." } to profile.phone ?? ""
  }
  wait for PageViewed${i} as view within ${d + 1}d {
    end
  } timeout {
    wait ${d}d
    send email { subject "Last call from ${city}" text "Your {{length top}} picks are still here." } to profile.email
  }
}

/// Store ${i}: the product page banner.
experience Banner${i} {
  surface "web://shop.example.com/stores/${i}#banner"
  format json
  timeout ${100 + (i % 5) * 25}ms
  context { url: string, locale?: string }
  recommend recent = recentlyViewed() where item.inStock limit 4 backup popular(by: views)
  let greeting = profile.firstName ?? "there"
  variant Gold${i} when profile.loyalty.tier == "gold" {
    content """{"title": "Welcome back, {{greeting}}", "store": ${i}, "items": {{json recent}} }"""
  }
  variant Season${i} active from 2026-${String(1 + (i % 12)).padStart(2, "0")}-01 to 2026-${String(1 + (i % 12)).padStart(2, "0")}-28 {
    content """{"title": "Season ${cat}", "store": ${i}}"""
  }
  variant Default${i} {
    split "banner-${i}" {
      A 50% { content """{"title": "Trending ${cat}", "items": {{json recent}} }""" }
      B 50% { content """{"title": "Popular in ${city}", "items": {{json recent}} }""" }
    }
  }
}

test "store ${i}: the cart reminder goes out after ${h} hours" {
  profile "p${i}" { email: "shopper${i}@example.com", firstName: "Ana",
                 loyalty: { tier: "silver", points: ${i} }, consent: { email: true, sms: false, push: false } }
  catalog Product [
    { sku: "S${i}", name: "Item ${i}", price: ${10 + (i % 90)}, category: "${cat}", url: "https://s/${i}", imageUrl: "https://s/${i}.png", inStock: true }
  ]
  at 0m "p${i}" CartAbandoned${i} { cartId: "c${i}", total: ${60 + (i % 90)}, store: "${city}",
         items: [{ sku: "S${i}", name: "Item ${i}", price: ${60 + (i % 90)}, qty: 1, category: "${cat}" }] }
  expect at ${h}h send email to "shopper${i}@example.com" where subject contains "Ana"
  expect no send sms
  expect at ${d + 7}d ended AbandonedCart${i}
  expect decide "web://shop.example.com/stores/${i}#banner" for "p${i}" variant Default${i}
}
`;
}

/** The project's files; their lines add up to at least `targetLines`. */
export function generateProject(targetLines = 100_000) {
  const files = [{ path: "shop/schema.journey", text: schemaFile() }];
  let lines = countLines(files[0].text);
  for (let i = 1; lines < targetLines; i++) {
    const text = storeFile(i);
    files.push({ path: `shop/stores/store-${String(i).padStart(4, "0")}.journey`, text });
    lines += countLines(text);
  }
  return files;
}

export function countLines(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.length && text.charCodeAt(text.length - 1) !== 10 ? n + 1 : n;
}
