/** A local HTTP server standing in for an action's endpoint, for tests of `call` through the default executor. */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

export interface ActionServer {
  /** How the next request is answered (a 503 until a test says otherwise). */
  answer: (res: ServerResponse) => void;
  /** The URL of every request, in order. */
  readonly hits: string[];
  /** `http://127.0.0.1:<port>`, once the server listens (in `beforeAll`). */
  origin: string;
}

/** A server listening for the whole test file: started before its tests, closed after them. */
export function actionServer(): ActionServer {
  const s: ActionServer = { answer: (res) => void res.writeHead(503).end(), hits: [], origin: "" };
  const server = createServer((req, res) => {
    s.hits.push(req.url!);
    s.answer(res);
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    s.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return s;
}
