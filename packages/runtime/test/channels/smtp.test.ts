/**
 * SmtpChannel against a real SMTP server on the loopback (smtp-server, no TLS, with a login):
 * the mail that arrives, parsed as a mail client would (mailparser), its deterministic
 * Message-ID, the sender taken from the project, and failures as errors without credentials.
 */
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createRuntime, isPermanentFailure, MemoryChannel, SmtpChannel, verifyUnsubscribeSignature, VirtualClock, type OutgoingMessage } from "@journey/runtime";
import { unsubscribeLinkTemplate } from "@journey/runtime/server";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { T0, ev, withSchema } from "../engine/helpers.js";

const USER = "journey@shop.example";
const PASS = "s3cret-pass";

interface Received {
  mail: ParsedMail;
  envelope: { from: string; to: string[] };
}

/**
 * An SMTP server on a free loopback port that takes mail only after a login with USER and PASS.
 * `slowMs`: how long it takes to answer MAIL FROM, RCPT TO and the end of DATA, each.
 */
async function smtpServer(options: { refuse?: (to: string) => boolean; slowMs?: () => number } = {}): Promise<{ url: string; port: number; received: Received[] }> {
  const slowly = (callback: () => void) => {
    const ms = options.slowMs?.() ?? 0;
    if (ms) setTimeout(callback, ms);
    else callback();
  };
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onMailFrom(_address, _session, callback) {
      slowly(() => callback());
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      else slowly(() => callback());
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const from = session.envelope.mailFrom;
          received.push({ mail, envelope: { from: from ? from.address : "", to: session.envelope.rcptTo.map((r) => r.address) } });
          slowly(() => callback());
        },
        (e: Error) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://${encodeURIComponent(USER)}:${PASS}@127.0.0.1:${port}`, port, received };
}

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function channel(url: string, from?: string, timeoutMs = 2000): SmtpChannel {
  const c = new SmtpChannel({ url, ...(from ? { from } : {}), timeoutMs });
  cleanup.push(() => c.close());
  return c;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const message: OutgoingMessage = {
  key: "AbandonedCart/i7/n4/0",
  at: "2026-01-05T13:00:00.000Z",
  channel: "email",
  to: "ana@example.com",
  from: "Nordvik Outdoor <hello@shop.example.com>",
  profileId: "ana",
  journey: "AbandonedCart",
  template: "CartReminder",
  content: { subject: "Ana, your cart is still here (€129.00)", html: "<h1>Still thinking it over?</h1><p>Tent × 1</p>", text: "Still thinking it over?\n- 1 x Tent" },
};

describe("SmtpChannel", () => {
  it("delivers the rendered subject, html and text from the sender to the address, with a Message-ID derived from the key", async () => {
    const server = await smtpServer();
    const smtp = channel(server.url);
    await smtp.send(message);
    expect(server.received).toHaveLength(1);
    const { mail, envelope } = server.received[0]!;
    expect(envelope).toEqual({ from: "hello@shop.example.com", to: ["ana@example.com"] });
    expect(mail.from?.value).toEqual([{ name: "Nordvik Outdoor", address: "hello@shop.example.com" }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : undefined).toEqual([{ name: "", address: "ana@example.com" }]);
    expect(mail.subject).toBe("Ana, your cart is still here (€129.00)");
    expect(mail.html).toBe("<h1>Still thinking it over?</h1><p>Tent × 1</p>");
    expect(mail.text).toBe("Still thinking it over?\n- 1 x Tent");
    expect(mail.messageId).toBe(`<${sha256("AbandonedCart/i7/n4/0")}@shop.example.com>`);
    // The same message handed over again (after a crash) carries the same id; another key another one.
    await smtp.send(message);
    await smtp.send({ ...message, key: "AbandonedCart/i8/n4/0" });
    expect(server.received.map((r) => r.mail.messageId)).toEqual([mail.messageId, mail.messageId, `<${sha256("AbandonedCart/i8/n4/0")}@shop.example.com>`]);
  });

  it("writes the unsubscribe link as List-Unsubscribe, one-click (RFC 8058) for an https link; none without a link or on transactional mail", async () => {
    const server = await smtpServer();
    const smtp = channel(server.url);
    await smtp.send({ ...message, unsubscribeUrl: "https://shop.example.com/unsubscribe?p=ana&m=k1" });
    await smtp.send({ ...message, key: "k2", unsubscribeUrl: "mailto:unsubscribe@shop.example.com?subject=ana" });
    await smtp.send({ ...message, key: "k3" });
    // A receipt is no list message: no header, though the runtime gave it a link.
    await smtp.send({ ...message, key: "k4", transactional: true, unsubscribeUrl: "https://shop.example.com/unsubscribe?p=ana&m=k4" });
    // Each header as written, unfolded: `List-Unsubscribe: <https://…>`.
    const header = (r: Received, name: string) => r.mail.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, " ");
    const headers = server.received.map((r) => [header(r, "list-unsubscribe"), header(r, "list-unsubscribe-post")]);
    expect(headers[0]![0]).toBe("List-Unsubscribe: <https://shop.example.com/unsubscribe?p=ana&m=k1>");
    expect(headers[0]![1]).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(headers[1]![0]).toBe("List-Unsubscribe: <mailto:unsubscribe@shop.example.com?subject=ana>");
    expect(headers[1]![1]).toBeUndefined();
    expect(headers[2]).toEqual([undefined, undefined]);
    expect(headers[3]).toEqual([undefined, undefined]);
  });

  it("in a runtime given unsubscribeUrl, each message carries its own link, as its content renders it", async () => {
    const sent = new MemoryChannel();
    const ir = withSchema(`journey J {
  on Ping
  send email { subject "hi" text "{{unsubscribeUrl}}" } to profile.email
}
`);
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: sent, unsubscribeUrl: "https://shop.example.com/u?p={profileId}&m={messageId}" });
    await rt.start();
    await rt.ingest(ev("Ping", "p 1", T0, { n: 1 }));
    await rt.stop();
    const [m] = sent.messages;
    expect(m!.unsubscribeUrl).toBe(`https://shop.example.com/u?p=p%201&m=${encodeURIComponent(m!.key)}`);
    expect(m!.content["text"]).toBe(m!.unsubscribeUrl);
    // Without one, the default link is a placeholder: no message claims it.
    const plain = new MemoryChannel();
    const rt2 = createRuntime({ ir, clock: new VirtualClock(T0), channels: plain });
    await rt2.start();
    await rt2.ingest(ev("Ping", "p1", T0, { n: 1 }));
    await rt2.stop();
    expect(plain.messages[0]!.unsubscribeUrl).toBeUndefined();
  });

  it("in a runtime given unsubscribeSecret, List-Unsubscribe is the signed link its content renders, one-click", async () => {
    const server = await smtpServer();
    const smtp = channel(server.url, "Shop <shop@shop.example.com>");
    const ir = withSchema(`journey J {
  on Ping
  send email { subject "hi" text "{{unsubscribeUrl}}" } to profile.email
}
`);
    const secret = "an unsubscribe secret of 32 bytes+";
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: smtp, unsubscribeUrl: unsubscribeLinkTemplate("https://mail.shop.example.com"), unsubscribeSecret: secret });
    await rt.start();
    await rt.ingest(ev("Ping", "p 1", T0, { n: 1 }));
    await rt.stop();
    const [{ mail }] = server.received as [Received];
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, " ");
    const link = mail.text!.trim();
    expect(header("list-unsubscribe")).toBe(`List-Unsubscribe: <${link}>`);
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe("https://mail.shop.example.com/v1/unsubscribe");
    const q = Object.fromEntries(url.searchParams);
    expect(q["p"]).toBe("p 1");
    expect(q["c"]).toBe("email");
    expect(verifyUnsubscribeSignature(secret, { profileId: q["p"]!, messageId: q["m"]!, channel: q["c"]! }, q["s"])).toBe(true);
  });

  it("in a runtime: the sender is the project's `channel email { from }`, and a project without one is refused at createRuntime", async () => {
    const server = await smtpServer();
    const journey = `
      journey J {
        on Ping as ping
        send email { subject "n = {{ping.n}}" text "plain" html "<b>{{ping.n}}</b>" } to profile.email
      }
    `;
    const ir = withSchema(`channel email { from "Shop <hello@shop.example>" }\n${journey}`);
    const rt = createRuntime({ ir, clock: new VirtualClock(T0), channels: { email: channel(server.url) } });
    await rt.start();
    await rt.ingest(ev("Ping", "p1", T0, { n: 7 }));
    await rt.stop();
    expect(server.received.map((r) => [r.envelope.from, r.envelope.to, r.mail.subject, r.mail.text, r.mail.html])).toEqual([["hello@shop.example", ["p@example.com"], "n = 7", "plain", "<b>7</b>"]]);

    const withoutSender = withSchema(journey);
    expect(() => createRuntime({ ir: withoutSender, channels: channel(server.url) })).toThrow(
      'createRuntime: channel `email`: SmtpChannel: no sender for email: declare `channel email { from "Name <address@example.com>" }` in the project',
    );
    // A sender given to the channel serves a project that declares none.
    expect(() => createRuntime({ ir: withoutSender, channels: channel(server.url, "Shop <hello@shop.example>") })).not.toThrow();
    const badSender = withSchema(`channel email { from "the shop" }\n${journey}`);
    expect(() => createRuntime({ ir: badSender, channels: channel(server.url) })).toThrow("createRuntime: channel `email`: SmtpChannel: the sender `the shop` is not an email address");
    const sms = withSchema(`journey S {\n  on Ping\n  send sms { text "hi" } to profile.phone ?? ""\n}\n`);
    expect(() => createRuntime({ ir: sms, channels: { sms: channel(server.url, "hello@shop.example") } })).toThrow("createRuntime: channel `sms`: SmtpChannel: email only: `sms` messages cannot go by SMTP");
  });

  it("a refused connection, a wrong login and a refused recipient are errors naming the server, never the password", async () => {
    const server = await smtpServer({ refuse: (to) => to.startsWith("gone@") });
    const closed = await smtpServer();
    await cleanup.splice(1, 1)[0]!();
    const errorOf = (p: Promise<void>) => p.then(() => new Error("delivered"), (e: Error) => e.message);

    const refused = await errorOf(channel(closed.url).send(message));
    expect(refused).toMatch(new RegExp(`^SMTP smtp://127\\.0\\.0\\.1:${closed.port}: .*ECONNREFUSED`));
    const login = await errorOf(channel(server.url.replace(PASS, "wrong-pass")).send(message));
    expect(login).toMatch(new RegExp(`^SMTP smtp://127\\.0\\.0\\.1:${server.port}: Invalid login`));
    const recipient = await errorOf(channel(server.url).send({ ...message, to: "gone@example.com" }));
    expect(recipient).toMatch(new RegExp(`^SMTP smtp://127\\.0\\.0\\.1:${server.port}: .*550`));
    for (const m of [refused, login, recipient]) {
      expect(m).not.toContain(PASS);
      expect(m).not.toContain("wrong-pass");
    }
    expect(server.received).toHaveLength(0);
  });

  it("a recipient refused (5xx) or an address nodemailer cannot use is a refusal for good; a refused login or connection is not", async () => {
    const server = await smtpServer({ refuse: (to) => to.startsWith("gone@") });
    const closed = await smtpServer();
    await cleanup.splice(1, 1)[0]!();
    const permanent = (p: Promise<void>) => p.then(() => { throw new Error("delivered"); }, (e: Error) => [isPermanentFailure(e), e.message]);
    expect(await permanent(channel(server.url).send({ ...message, to: "gone@example.com" }))).toEqual([true, expect.stringMatching(/^SMTP smtp:\/\/127\.0\.0\.1:\d+: .*550/)]);
    expect(await permanent(channel(server.url).send({ ...message, to: "not an address\n" }))).toEqual([true, expect.stringMatching(/Invalid recipient|No recipients/)]);
    expect(await permanent(channel(server.url.replace(PASS, "wrong-pass")).send(message))).toEqual([false, expect.stringContaining("Invalid login")]);
    expect(await permanent(channel(closed.url).send(message))).toEqual([false, expect.stringContaining("ECONNREFUSED")]);
    expect(server.received).toHaveLength(0);
  });

  it("a send that outlasts timeoutMs in all, each answer of the server in time, is abandoned: a failure to try again; the next send goes", async () => {
    // Each of three answers takes 70% of the time a send has: no step times out, the send would.
    let slowMs = 700;
    const server = await smtpServer({ slowMs: () => slowMs });
    const smtp = channel(server.url, undefined, 1000);
    const started = Date.now();
    const failure = await smtp.send(message).then(
      () => new Error("delivered"),
      (e: Error) => e,
    );
    // Abandoned at 1 s, well before the 2.1 s the answers take.
    expect(Date.now() - started).toBeLessThan(1800);
    expect(failure.message).toBe(`SMTP smtp://127.0.0.1:${server.port}: not done within 1 s: abandoned`);
    expect(isPermanentFailure(failure)).toBe(false);
    slowMs = 0;
    await smtp.send({ ...message, key: "k2" });
    expect(server.received.map((r) => r.mail.messageId)).toEqual([`<${sha256("k2")}@shop.example.com>`]);
  });

  it("refuses, when made, a URL that is not smtp:// or smtps://, without repeating it", () => {
    expect(() => new SmtpChannel({ url: "not a url:pw" })).toThrow("SmtpChannel: the SMTP URL is not a URL (expected smtp://user:pass@host:587 or smtps://user:pass@host:465)");
    expect(() => new SmtpChannel({ url: "https://user:pw@mail.example.com" })).toThrow("SmtpChannel: the SMTP URL must start with smtp:// or smtps://, not https://");
    expect(() => new SmtpChannel({ url: "smtp://localhost:25", from: "nobody" })).toThrow("SmtpChannel: `from` is not an email address: `nobody`");
    expect(() => new SmtpChannel({ url: "smtp://localhost:25", timeoutMs: 0 })).toThrow("SmtpChannel: `timeoutMs` must be a positive number of milliseconds");
    const ok = new SmtpChannel({ url: "smtps://user:pw@mail.example.com:465" });
    expect(ok.server).toBe("smtps://mail.example.com:465");
    ok.close();
  });
});
