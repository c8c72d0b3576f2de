import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { openApiDocument } from "../src/server/api/openapi";
import { handleRestRequest } from "../src/server/api/rest-handler";
import { appRouter } from "../src/server/api/root";
import { createInMemoryBus, type EventBus } from "../src/server/bus";
import { contextFromRequest } from "../src/server/request-context";
import { setRuntime } from "../src/server/runtime";

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  // What Next's server adds: the peer's address.
  headers.set("x-forwarded-for", [headers.get("x-forwarded-for"), req.socket.remoteAddress].filter(Boolean).join(", "));
  const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", base), { method: req.method, headers, body });
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
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * The console's API routes (/api/trpc, /api/v1, /api/openapi.json) on a real HTTP server, without building
 * Next: the route files are thin wrappers over these same handlers.
 */
export async function startApiServer(db: PrismaClient, bus: EventBus = createInMemoryBus()) {
  setRuntime({ db, bus } as never);
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host ?? "localhost"}`;
    void (async () => {
      try {
        const request = await toRequest(req, base);
        const path = new URL(request.url).pathname;
        if (path.startsWith("/api/trpc")) {
          await send(
            res,
            await fetchRequestHandler({
              endpoint: "/api/trpc",
              req: request,
              router: appRouter,
              createContext: ({ req, resHeaders }) => contextFromRequest(req, resHeaders),
            }),
          );
        } else if (path.startsWith("/api/v1")) await send(res, await handleRestRequest(request));
        else if (path === "/api/openapi.json") await send(res, Response.json(openApiDocument()));
        else await send(res, new Response("not found", { status: 404 }));
      } catch (err) {
        res.writeHead(500).end(err instanceof Error ? err.message : "error");
      }
    })();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, bus, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
