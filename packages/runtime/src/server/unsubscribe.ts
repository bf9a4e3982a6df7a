/**
 * The unsubscribe routes: the signed link of each message (see engine/unsubscribe.ts) points
 * here. `GET` answers a page with a button and changes nothing (mail scanners and link
 * previews fetch every link they see); `POST` (the button, or a mail client's one-click
 * request, RFC 8058) checks the signature and turns the unsubscribe into an event of the
 * project, so its journeys decide what it means (set consent, exit).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { IR } from "@journey/ir";
import { escapeHtml, isAssignable, suggest, T, typeToString } from "@journey/template";
import { sentToEarlierProfile, unsubscribeEventId, verifyUnsubscribeSignature, type UnsubscribeTarget } from "../engine/unsubscribe.js";
import type { Runtime } from "../shell/runtime.js";
import type { ServerMetrics } from "./metrics.js";

export const UNSUBSCRIBE_PATH = "/v1/unsubscribe";

export interface UnsubscribeOptions {
  /** The secret the runtime's `unsubscribeSecret` signs links with (32 bytes or more). */
  secret: string;
  /** The event an unsubscribe becomes (default `Unsubscribed`); see `unsubscribeEventProblem` for the fields it must take. */
  event?: string;
}

export const DEFAULT_UNSUBSCRIBE_EVENT = "Unsubscribed";

/** The fields of the event, each a string: the message (its key), its channel, its journey. */
const FIELDS = ["messageId", "channel", "journey"] as const;

/**
 * The runtime's `unsubscribeUrl` for a service reached at `publicUrl` (`https://mail.example.com`,
 * or with a path a proxy forwards: `https://example.com/journey`): its own route, signed.
 */
export function unsubscribeLinkTemplate(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new TypeError(`\`${publicUrl}\` is not a URL (expected https://… , the service's address as mail clients reach it)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`\`${url.protocol}\` URLs cannot take a POST: give an https:// URL`);
  // The link gets its own query; a query, fragment or password here would be lost or leak.
  if (url.search || url.hash) throw new TypeError("give the service's address without a query or fragment (the link adds its own query)");
  if (url.username || url.password) throw new TypeError("give the service's address without a user or password (the link is in every email)");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}${UNSUBSCRIBE_PATH}?p={profileId}&m={messageId}&c={channel}&s={signature}`;
}

/**
 * Why the project cannot take the unsubscribe event, if it cannot: the event is not declared,
 * lacks one of `messageId`, `channel`, `journey` or takes no string there, or requires a field
 * the routes cannot fill. One line, naming the field.
 */
export function unsubscribeEventProblem(ir: IR, event: string): string | undefined {
  const contract = `event ${event} { messageId: string, channel: string, journey: string }`;
  const type = Object.hasOwn(ir.events, event) ? ir.events[event] : undefined;
  if (!type || type.kind !== "record") {
    const near = suggest(event, Object.keys(ir.events));
    return `the project declares no event \`${event}\`${near ? ` (did you mean \`${near}\`?)` : ""}: declare \`${contract}\`, and journeys \`on ${event}\` that act on it`;
  }
  for (const name of FIELDS) {
    const field = type.fields.find((f) => f.name === name);
    if (!field) return `event \`${event}\` has no field \`${name}\`: an unsubscribe sends \`messageId\`, \`channel\` and \`journey\`, each a string (\`${contract}\`)`;
    if (!isAssignable(T.string, field.type)) return `event \`${event}\` field \`${name}\` is \`${typeToString(field.type)}\`: an unsubscribe sends any string there (declare \`${name}: string\`)`;
  }
  const required = type.fields.find((f) => !f.optional && f.default === undefined && !(FIELDS as readonly string[]).includes(f.name));
  if (required) return `event \`${event}\` field \`${required.name}\` is required, and an unsubscribe cannot fill it: make it optional (\`${required.name}?: …\`) or give it a default`;
  return undefined;
}

/** The query of a link: `p`, `m`, `c`, `s`; a value given twice (a list) counts as missing. */
type LinkQuery = Partial<Record<"p" | "m" | "c" | "s", string | string[]>>;

/** The routes, in a scope of their own: their bodies are form posts, not the API's JSON. */
export function unsubscribeRoutes(runtime: Runtime, options: UnsubscribeOptions, metrics: ServerMetrics): FastifyPluginAsync {
  const event = options.event ?? DEFAULT_UNSUBSCRIBE_EVENT;
  /** The link's target when its signature is good for it. */
  const verified = (query: LinkQuery): UnsubscribeTarget | undefined => {
    const [p, m, c, s] = [query.p, query.m, query.c, query.s];
    if (typeof p !== "string" || typeof m !== "string" || typeof c !== "string") return undefined;
    const target = { profileId: p, messageId: m, channel: c };
    return verifyUnsubscribeSignature(options.secret, target, s) ? target : undefined;
  };
  const refuse = (reply: FastifyReply) =>
    reply.code(403).type("text/plain; charset=utf-8").send("This unsubscribe link is not valid (its signature does not match what it names): nothing was changed.\n");

  return async (scope) => {
    // Mail clients post `List-Unsubscribe=One-Click` form-encoded (RFC 8058), the page's form
    // the same, some nothing at all: the body says nothing the signed query does not, so it is
    // read (within the body limit) and not parsed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (_request, _body, done) => done(null, undefined));

    scope.get<{ Querystring: LinkQuery }>(UNSUBSCRIBE_PATH, async (request, reply) => {
      if (!verified(request.query)) return refuse(reply);
      return page(reply, "Unsubscribe", `<p>Stop receiving these messages?</p>\n<form method="post" action="${escapeHtml(`?${linkQuery(request)}`)}">\n<input type="hidden" name="List-Unsubscribe" value="One-Click">\n<button type="submit">Unsubscribe</button>\n</form>`);
    });

    scope.post<{ Querystring: LinkQuery }>(UNSUBSCRIBE_PATH, async (request, reply) => {
      const target = verified(request.query);
      if (!target) {
        metrics.add("journey_unsubscribes_refused_total");
        return refuse(reply);
      }
      // A profile erased since the message went receives nothing more (an event would make it
      // again), nor does one made again under its id since: the message was not theirs.
      const profile = await runtime.profile(target.profileId);
      const earlier = profile !== undefined && sentToEarlierProfile(target, profile.createdAtSeconds);
      if (profile && !earlier) {
        // The message key starts with its journey's name (`Journey:profile:…`), which holds no `:`.
        const journey = target.messageId.split(":", 1)[0]!;
        // One event per message, whatever the number of requests: the runtime drops a repeated id.
        const { accepted } = await runtime.ingest({
          id: unsubscribeEventId(options.secret, target),
          type: event,
          profileId: target.profileId,
          time: new Date(runtime.clock.now()).toISOString(),
          data: { messageId: target.messageId, channel: target.channel, journey },
        });
        if (accepted) metrics.add("journey_unsubscribes_accepted_total");
        request.log.info({ profileId: target.profileId, messageId: target.messageId, channel: target.channel, journey, event, repeated: !accepted }, "unsubscribed");
      } else request.log.info({ profileId: target.profileId, messageId: target.messageId }, earlier ? "unsubscribe for a message sent before the profile was deleted and made again: nothing to do" : "unsubscribe for a profile that no longer exists: nothing to do");
      return page(reply, "Unsubscribed", "<p>Your unsubscribe request is recorded.</p>");
    });
  };
}

/** The query of the link as it came (`p`, `m`, `c`, `s`, encoded again), for the page's form to post. */
function linkQuery(request: FastifyRequest<{ Querystring: LinkQuery }>): string {
  const q = request.query;
  return new URLSearchParams({ p: q.p as string, m: q.m as string, c: q.c as string, s: q.s as string }).toString();
}

/** A small page, self-contained: no script, no external asset, nothing a mail scanner could follow. */
function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("referrer-policy", "no-referrer")
    .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .send(
      `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`,
    );
}
