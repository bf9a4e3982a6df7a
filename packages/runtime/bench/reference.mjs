// The hand-written reference for the runtime benchmark: the abandoned-cart sample's journey
// coded directly with plain maps and a timer heap, rendering the same templates with the
// same engine, so the difference measured is what the generic runtime costs.
import { compileTemplate } from "../../template/dist/index.js";

const H = 3_600_000;
const DAY = 24 * H;

class Heap {
  constructor() {
    this.a = [];
  }
  push(t, id, kind) {
    const a = this.a;
    a.push({ t, id, kind });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].t <= a[i].t) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  peek() {
    return this.a[0];
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].t < a[m].t) m = l;
        if (r < a.length && a[r].t < a[m].t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

const zoneFormat = new Map();
function localMinutes(ms, tz) {
  let f = zoneFormat.get(tz);
  if (!f) zoneFormat.set(tz, (f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", hour: "2-digit", minute: "2-digit" })));
  const [h, m] = f.format(ms).split(":").map(Number);
  return (h % 24) * 60 + m;
}
/** The end of quiet hours [from, to) in local minutes, or `ms` itself outside them. */
function afterQuiet(ms, tz, from, to) {
  const m = localMinutes(ms, tz);
  const quiet = from <= to ? m >= from && m < to : m >= from || m < to;
  if (!quiet) return ms;
  const wait = (to - m + 1440) % 1440;
  return ms + wait * 60_000 - (ms % 60_000);
}

export class ReferenceJourney {
  constructor(ir, recommend) {
    const t = ir.templates;
    const opts = (escape) => ({ escape, partials: ir.fragments });
    this.reminder = Object.fromEntries(Object.entries(t.CartReminder.content).map(([k, c]) => [k, compileTemplate(c.template, opts(c.escape))]));
    this.nudge = compileTemplate(t.CartNudge.content.text.template, opts("none"));
    this.recommend = recommend;
    this.profiles = new Map();
    this.heap = new Heap();
    this.sent = 0;
  }

  upsertProfile(id, attributes) {
    const p = this.profiles.get(id);
    if (p) p.attributes = attributes;
    else this.profiles.set(id, { attributes, live: null, lastEnded: undefined, entries: 0, sends: { email: [], sms: [] } });
  }

  event(e, now) {
    const p = this.profiles.get(e.profileId);
    if (!p) return;
    if (e.type === "OrderPlaced") {
      if (p.live && e.data.cartId === p.live.cart.cartId) this.end(p, now);
      else if (p.live?.waitingOrder) this.end(p, now);
      return;
    }
    if (e.type !== "CartAbandoned") return;
    const cart = e.data;
    if (!(cart.total > 0 && cart.items.length > 0) || p.live) return;
    if (p.entries > 0 && (p.lastEnded === undefined || now - p.lastEnded < 7 * DAY)) return;
    p.entries++;
    p.live = { cart, since: now, step: "remind", waitingOrder: false, seq: p.entries };
    this.heap.push(now + 4 * H, e.profileId, p.entries);
  }

  runUntil(t) {
    for (let top = this.heap.peek(); top && top.t <= t; top = this.heap.peek()) {
      this.heap.pop();
      const p = this.profiles.get(top.id);
      if (!p?.live || p.live.seq !== top.kind || p.live.due !== undefined && p.live.due !== top.t) continue;
      this.fire(top.id, p, top.t);
    }
  }

  fire(id, p, now) {
    const live = p.live;
    const a = p.attributes;
    const tz = a.timezone;
    if (live.step === "remind") {
      // The journey's own check, once: without consent the instance ends here.
      if (!a.consent.email) return this.end(p, now);
      live.step = "email";
    }
    if (live.step === "email") {
      const at = afterQuiet(now, tz, 21 * 60, 8 * 60);
      if (at > now) return this.later(id, p, at);
      const recs = this.recommend(live.cart);
      // The channel's `consent`, read as the email is handed over (after quiet hours): without
      // it, nothing is rendered and the cap is not spent.
      if (a.consent.email && !this.capped(p.sends.email, now, 3, 7 * DAY)) {
        const data = { profile: a, cart: live.cart, recs, unsubscribeUrl: "u", message: { id: "m" }, journey: { name: "AbandonedCart" } };
        const o = { timeZone: tz, locale: "en-US" };
        this.last = { subject: this.reminder.subject(data, o), html: this.reminder.html(data, o), text: this.reminder.text(data, o) };
        this.sent++;
      }
      live.step = "sms";
      live.waitingOrder = true;
      return this.later(id, p, now + DAY);
    }
    // The `wait for OrderPlaced within 24h` timed out.
    live.waitingOrder = false;
    // After quiet hours (`smsNow`) this runs again: the channel's `consent` read at delivery.
    if (a.consent.sms && a.phone != null) {
      const at = afterQuiet(now, tz, 20 * 60, 9 * 60);
      if (at > now) {
        live.step = "smsNow";
        return this.later(id, p, at);
      }
      if (!this.capped(p.sends.sms, now, 1, 7 * DAY)) {
        this.last = { text: this.nudge({ profile: a, cart: live.cart, message: { id: "m" }, journey: { name: "AbandonedCart" } }, { timeZone: tz }) };
        this.sent++;
      }
    }
    this.end(p, now);
  }

  later(id, p, at) {
    p.live.due = at;
    this.heap.push(at, id, p.live.seq);
  }

  capped(list, now, count, per) {
    while (list.length && now - list[0] >= per) list.shift();
    if (list.length >= count) return true;
    list.push(now);
    return false;
  }

  end(p, now) {
    p.live = null;
    p.lastEnded = now;
  }
}
