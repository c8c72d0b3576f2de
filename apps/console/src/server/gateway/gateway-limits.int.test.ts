import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { createInMemoryBus } from "../bus";
import { systemActor } from "../services/actor";
import { createEnrollmentToken, enrollAgent } from "../services/enrollment";
import type { GatewayOptions } from "./gateway";
import { type AgentGateway, attachAgentUpgrades, createGateway } from "./index";

// Issue 11, L7: anyone can open the agents' WebSocket, so sockets that have not said hello are bounded, in all and
// per address, and closed quickly. Real sockets against the real gateway.

let db: PrismaClient;
let cleanupDb: () => Promise<void>;
const site = { id: "", credential: "" };
let running: { gateway: AgentGateway; server: Server; port: number } | null = null;
const open: WebSocket[] = [];

beforeAll(async () => {
  ({ db, cleanup: cleanupDb } = await createTestDb());
  const api = await (await signedInAdmin(db)).api();
  const { id: networkId } = await api.networks.create({
    name: "lim",
    tunnelPrefix: "10.251.0.0/24",
    greKey: 51,
    nhrpNetworkId: 6,
  });
  site.id = (
    await api.sites.create({
      networkId,
      site: { name: "lim-hub", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.51" },
    })
  ).id;
  const { token } = await createEnrollmentToken(db, systemActor("test"), site.id);
  site.credential = (
    await enrollAgent(db, { token, hostname: "lim", platform: "sim", agentVersion: "t" }, "ws://x")
  ).credential;
});

afterEach(async () => {
  for (const ws of open.splice(0)) ws.terminate();
  if (!running) return;
  await running.gateway.close();
  running.server.closeAllConnections();
  await new Promise<void>((r) => running?.server.close(() => r()));
  running = null;
});
afterAll(() => cleanupDb?.());

/** A gateway behind a real server; the caller's address comes from a test header, as TRUST_PROXY would give it. */
async function start(options: Partial<GatewayOptions> = {}) {
  const gateway = createGateway({ db, bus: createInMemoryBus(), heartbeatSeconds: 600, log: () => {}, ...options });
  const server = createServer((_req, res) => void res.writeHead(404).end());
  const address = (req: IncomingMessage) => String(req.headers["x-test-address"] ?? req.socket.remoteAddress);
  attachAgentUpgrades(server, gateway, undefined, address);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  running = { gateway, server, port: (server.address() as AddressInfo).port };
}

/** Opens a socket; resolves "open", or the HTTP status the upgrade was refused with. */
function connect(address = "127.0.0.1"): Promise<{ result: "open" | number; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${running?.port}/api/agent/ws`, { headers: { "x-test-address": address } });
  open.push(ws);
  return new Promise((resolve) => {
    ws.once("open", () => resolve({ result: "open", ws }));
    ws.once("unexpected-response", (_req, res) => resolve({ result: res.statusCode ?? 0, ws }));
    ws.once("error", () => resolve({ result: -1, ws }));
  });
}

const closed = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve(-1);
    ws.once("close", (code) => resolve(code));
  });

describe("unauthenticated agent sockets", () => {
  it("refuses more than the per-address limit of idle sockets, and admits again when one closes", async () => {
    await start({ maxUnauthenticatedPerAddress: 16 });
    const first = await Promise.all(Array.from({ length: 16 }, () => connect()));
    expect(first.map((c) => c.result)).toEqual(Array(16).fill("open"));
    // the 150 idle sockets of the review: all but the first 16 refused before the handshake
    const flood = await Promise.all(Array.from({ length: 134 }, () => connect()));
    expect(new Set(flood.map((c) => c.result))).toEqual(new Set([503]));
    // another address is not affected
    expect((await connect("192.0.2.9")).result).toBe("open");
    const gone = closed(first[0]!.ws);
    first[0]!.ws.close();
    await gone;
    await new Promise((r) => setTimeout(r, 50));
    expect((await connect()).result).toBe("open");
  });

  it("refuses more than the global limit across addresses", async () => {
    await start({ maxUnauthenticated: 8, maxUnauthenticatedPerAddress: 4 });
    const results = [];
    for (let i = 0; i < 12; i++) results.push((await connect(`198.51.100.${i}`)).result);
    expect(results).toEqual([...Array(8).fill("open"), ...Array(4).fill(503)]);
  });

  it("closes a socket that says nothing within the default hello timeout (5 s)", async () => {
    await start();
    const { ws, result } = await connect();
    expect(result).toBe("open");
    const started = Date.now();
    expect(await closed(ws)).toBe(4001);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it("an authenticated agent no longer counts against the limit", async () => {
    await start({ maxUnauthenticatedPerAddress: 1 });
    const agent = await connect();
    expect(agent.result).toBe("open");
    const welcome = new Promise<string>((resolve) => agent.ws.once("message", (d) => resolve(String(d))));
    agent.ws.send(
      JSON.stringify({
        v: 1,
        type: "hello",
        payload: { agentVersion: "t", platform: "sim", hostname: "lim", siteId: site.id, credential: site.credential },
      }),
    );
    expect(JSON.parse(await welcome).type).toBe("welcome");
    expect((await connect()).result).toBe("open");
    expect((await connect()).result).toBe(503);
  });
});
