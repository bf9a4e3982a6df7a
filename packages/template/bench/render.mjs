/**
 * Render benchmark: a realistic HTML email (a cart of 5 lines, 4 recommendations, loops,
 * conditionals, currency formatting, one partial) rendered by this engine (compiled once),
 * Handlebars (compiled once, equivalent helpers registered) and Mustache.js (pre-formatted
 * values, since Mustache has no helpers). The outputs are checked equal first; then each
 * engine renders in timed rounds, interleaved so that machine noise hits all three alike.
 *
 * Run: npx tsc -b packages/template && npm run bench -w packages/template
 */
import Handlebars from "handlebars";
import Mustache from "mustache";
import { compileTemplate } from "../dist/index.js";

const footer = `<table width="600"><tr><td class="footer">
  <p>You receive this email because you have an account at Shop.</p>
  <p><a href="{{unsubscribeUrl}}">Unsubscribe</a> · <a href="https://shop.example.com/privacy">Privacy</a></p>
</td></tr></table>
`;

// Shared by this engine and Handlebars (the same syntax).
const template = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Your cart is waiting</title></head>
<body style="margin:0;padding:0;font-family:Arial,sans-serif">
  <table width="600" cellpadding="0" cellspacing="0" align="center">
    <tr><td colspan="3"><h1>Hi {{default profile.firstName "there"}}, still thinking it over?</h1></td></tr>
    {{#if profile.loyalty}}
    <tr><td colspan="3" class="tier">{{upper profile.loyalty.tier}} member · {{number profile.loyalty.points}} points</td></tr>
    {{/if}}
    {{#each cart.items as |line|}}
    <tr class="{{#if @first}}first{{else}}line{{/if}}">
      <td><img src="{{line.imageUrl}}" alt="{{line.name}}" width="80"></td>
      <td><a href="{{line.url}}">{{line.name}}</a>{{#if (gt line.qty 1)}} × {{line.qty}}{{/if}}</td>
      <td align="right">{{currency line.price "EUR"}}</td>
    </tr>
    {{/each}}
    <tr><td colspan="3" align="right"><strong>Total: {{currency cart.total "EUR"}}</strong></td></tr>
    {{#if recs}}
    <tr><td colspan="3"><h2>You may also like</h2></td></tr>
    {{#each recs as |p|}}
    <tr>
      <td><a href="{{p.url}}"><img src="{{p.imageUrl}}" alt="{{p.name}}" width="120"></a></td>
      <td><a href="{{p.url}}">{{p.name}}</a>{{#unless p.inStock}} (back soon){{/unless}}</td>
      <td align="right">{{currency p.price "EUR"}}</td>
    </tr>
    {{/each}}
    {{else}}
    <tr><td colspan="3">Browse our <a href="https://shop.example.com/new">new arrivals</a>.</td></tr>
    {{/if}}
  </table>
  {{> Footer}}
</body>
</html>
`;

// Mustache.js: the same email without helpers; values come pre-formatted in the view.
const mustacheTemplate = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Your cart is waiting</title></head>
<body style="margin:0;padding:0;font-family:Arial,sans-serif">
  <table width="600" cellpadding="0" cellspacing="0" align="center">
    <tr><td colspan="3"><h1>Hi {{firstNameOrThere}}, still thinking it over?</h1></td></tr>
    {{#profile.loyalty}}
    <tr><td colspan="3" class="tier">{{tierUpper}} member · {{pointsFormatted}} points</td></tr>
    {{/profile.loyalty}}
    {{#cart.items}}
    <tr class="{{#first}}first{{/first}}{{^first}}line{{/first}}">
      <td><img src="{{imageUrl}}" alt="{{name}}" width="80"></td>
      <td><a href="{{url}}">{{name}}</a>{{#many}} × {{qty}}{{/many}}</td>
      <td align="right">{{priceFormatted}}</td>
    </tr>
    {{/cart.items}}
    <tr><td colspan="3" align="right"><strong>Total: {{totalFormatted}}</strong></td></tr>
    {{#hasRecs}}
    <tr><td colspan="3"><h2>You may also like</h2></td></tr>
    {{#recs}}
    <tr>
      <td><a href="{{url}}"><img src="{{imageUrl}}" alt="{{name}}" width="120"></a></td>
      <td><a href="{{url}}">{{name}}</a>{{^inStock}} (back soon){{/inStock}}</td>
      <td align="right">{{priceFormatted}}</td>
    </tr>
    {{/recs}}
    {{/hasRecs}}
    {{^hasRecs}}
    <tr><td colspan="3">Browse our <a href="https://shop.example.com/new">new arrivals</a>.</td></tr>
    {{/hasRecs}}
  </table>
  {{> Footer}}
</body>
</html>
`;

const product = (n, name, price, category, inStock = true) => ({
  sku: `P${n}`,
  name,
  price,
  category,
  url: `https://shop.example.com/p/${n}?utm_source=email&utm_campaign=cart`,
  imageUrl: `https://cdn.shop.example.com/img/${n}.jpg`,
  inStock,
});

const data = {
  profile: { email: "ana@example.com", firstName: "Ana", timezone: "Europe/Paris", loyalty: { tier: "gold", points: 12480 }, consent: { email: true, sms: false } },
  cart: {
    cartId: "c-8812",
    items: [
      { ...product(11, "Merino wool hat", 29.9, "hats"), qty: 1 },
      { ...product(12, "Cashmere scarf", 89, "scarves"), qty: 1 },
      { ...product(13, "Leather gloves <lined>", 59.5, "gloves"), qty: 2 },
      { ...product(14, "Wool socks (3 pairs)", 19.99, "socks"), qty: 3 },
      { ...product(15, "Rain jacket \"Storm\"", 149, "jackets"), qty: 1 },
    ],
    total: 477.37,
  },
  recs: [
    product(21, "Alpaca beanie", 39, "hats"),
    product(22, "Silk scarf", 79, "scarves", false),
    product(23, "Touchscreen gloves", 25, "gloves"),
    product(24, "Hiking socks & liners", 22.5, "socks"),
  ],
  unsubscribeUrl: "https://shop.example.com/u/ana?token=abc123&list=cart",
};

// --- this engine
const journey = compileTemplate(template, { escape: "html", partials: { Footer: footer } });
const renderJourney = () => journey(data, { locale: "en-US" });

// --- Handlebars, with equivalent helpers (Intl formatters cached, as ours are)
const hb = Handlebars.create();
const eur = new Intl.NumberFormat("en-US", { style: "currency", currency: "EUR" });
const num = new Intl.NumberFormat("en-US");
const fmtCache = new Map();
hb.registerHelper("default", (a, b) => (a === null || a === undefined || a === "" ? b : a));
hb.registerHelper("upper", (s) => String(s ?? "").toUpperCase());
hb.registerHelper("number", (n) => num.format(n));
hb.registerHelper("gt", (a, b) => a > b);
hb.registerHelper("currency", (amount, code) => {
  let f = fmtCache.get(code);
  if (!f) fmtCache.set(code, (f = code === "EUR" ? eur : new Intl.NumberFormat("en-US", { style: "currency", currency: code })));
  return f.format(amount);
});
hb.registerPartial("Footer", footer);
const handlebars = hb.compile(template);
handlebars(data); // Handlebars compiles lazily on first call: keep that out of the timing
const renderHandlebars = () => handlebars(data);

// --- Mustache.js, with Handlebars' escaping so outputs compare byte for byte
Mustache.escape = Handlebars.escapeExpression;
Mustache.parse(mustacheTemplate);
Mustache.parse(footer);
const view = () => ({
  ...data,
  firstNameOrThere: data.profile.firstName ?? "there",
  tierUpper: data.profile.loyalty.tier.toUpperCase(),
  pointsFormatted: num.format(data.profile.loyalty.points),
  cart: { ...data.cart, items: data.cart.items.map((l, i) => ({ ...l, first: i === 0, many: l.qty > 1, priceFormatted: eur.format(l.price) })) },
  totalFormatted: eur.format(data.cart.total),
  hasRecs: data.recs.length > 0,
  recs: data.recs.map((p) => ({ ...p, priceFormatted: eur.format(p.price) })),
});
// The view is built once (pre-formatting is the caller's work in Mustache): only render is timed.
const mustacheView = view();
const renderMustache = () => Mustache.render(mustacheTemplate, mustacheView, { Footer: footer });

// --- equivalence
const outJ = renderJourney();
const outH = renderHandlebars();
const outM = renderMustache();
if (outJ !== outH) {
  console.error("this engine and Handlebars differ:\n--- journey\n" + outJ + "\n--- handlebars\n" + outH);
  process.exit(1);
}
if (outJ !== outM) {
  console.error("this engine and Mustache.js differ:\n--- journey\n" + outJ + "\n--- mustache\n" + outM);
  process.exit(1);
}
console.log(`outputs identical (${outJ.length} characters)`);

// --- timing
function round(fn, ms) {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 200; i++) sink += fn().length;
    n += 200;
    t = performance.now();
  }
  if (sink === 0) throw new Error("unreachable");
  return (n * 1000) / (t - t0);
}

const engines = [
  ["journey", renderJourney],
  ["handlebars", renderHandlebars],
  ["mustache", renderMustache],
];
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
for (const [, fn] of engines) round(fn, 300); // warm-up (JIT)
const results = new Map(engines.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) for (const [name, fn] of engines) results.get(name).push(round(fn, roundMs));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = new Map([...results].map(([name, xs]) => [name, median(xs)]));
const fmt = (x) => Math.round(x).toLocaleString("en-US").padStart(10);
console.log(`\nrenders/second (median of ${rounds} rounds of ${roundMs} ms, Node ${process.version})`);
for (const [name] of engines) console.log(`  ${name.padEnd(12)}${fmt(rate.get(name))}   ${(1e6 / rate.get(name)).toFixed(2)} µs/render`);
const j = rate.get("journey");
const vsHandlebars = j / rate.get("handlebars");
console.log(`\njourney / handlebars: ${vsHandlebars.toFixed(2)}×   (target ≥ 1.5×: ${vsHandlebars >= 1.5 ? "met" : "NOT met"})`);
console.log(`journey / mustache:   ${(j / rate.get("mustache")).toFixed(2)}×`);
