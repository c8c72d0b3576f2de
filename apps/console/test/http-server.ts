import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { PrismaClient } from "@dmvpn/db";
import { handleEnrollRequest } from "../src/server/api/enroll-handler";
import { openApiDocument } from "../src/server/api/openapi";
import { handleRestRequest } from "../src/server/api/rest-handler";
import { handleTrpcRequest } from "../src/server/api/trpc-handler";
import { createInMemoryBus, type EventBus } from "../src/server/bus";
import { clientAddressResolver } from "../src/server/http/client-address";
import { prepareRequest } from "../src/server/http/node-request";
import { setRuntime } from "../src/server/runtime";

/** As Next hands a route its request: the body streams from the socket as the handler reads it (nothing buffered). */
function toRequest(req: IncomingMessage, base: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const body = req.method !== "GET" && req.method !== "HEAD" ? (req as unknown as RequestInit["body"]) : undefined;
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    body,
    duplex: "half",
    signal,
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k === "set-cookie") return;
    headers[k] = v;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  // streamed, not buffered: a subscription (SSE) answers with a body that only ends when the client leaves
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  res.on("close", () => body.destroy());
  body.on("error", () => res.destroy());
  body.pipe(res);
}

/** The console's API routes for a node HTTP server, each request prepared as server.ts does. */
export function apiRequestListener(clientAddress: (req: IncomingMessage) => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    prepareRequest(req, res, clientAddress);
    const base = `http://${req.headers.host ?? "localhost"}`;
    // the request's signal ends when the client leaves, as Next's does: subscriptions stop with it
    const left = new AbortController();
    res.on("close", () => left.abort());
    void (async () => {
      try {
        const request = toRequest(req, base, left.signal);
        const path = new URL(request.url).pathname;
        if (path.startsWith("/api/trpc")) await send(res, await handleTrpcRequest(request));
        else if (path === "/api/agent/enroll" && req.method === "POST")
          await send(res, await handleEnrollRequest(request));
        else if (path.startsWith("/api/v1")) await send(res, await handleRestRequest(request));
        else if (path === "/api/openapi.json") await send(res, Response.json(openApiDocument()));
        else await send(res, new Response("not found", { status: 404 }));
      } catch (err) {
        res.writeHead(500).end(err instanceof Error ? err.message : "error");
      }
    })();
  };
}

/**
 * The console's API routes (/api/trpc, /api/v1, /api/agent/enroll, /api/openapi.json) on a real HTTP server,
 * without building Next: the route files are thin wrappers over these same handlers, and the server prepares each
 * request as server.ts does.
 */
export async function startApiServer(
  db: PrismaClient,
  bus: EventBus = createInMemoryBus(),
  options: { trustedProxies?: string[] } = {},
) {
  setRuntime({ db, bus } as never);
  const server = createServer(apiRequestListener(clientAddressResolver(options.trustedProxies ?? [])));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, bus, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
