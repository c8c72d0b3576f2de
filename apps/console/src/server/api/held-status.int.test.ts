import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { type AgentToConsole, agentMessage, emptySiteStatus } from "@dmvpn/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { enrolledCredentials } from "../../../test/inventory";
import { until } from "../../../test/until";
import { createInMemoryBus } from "../bus";
import { type AgentGateway, attachAgentUpgrades, createGateway } from "../gateway";
import { setRuntime } from "../runtime";

// The gateway holds each connected site's latest status in memory and writes it in batches. The lab once read a
// spoke's status (from memory: hub1 lost) and then GET /topology (from the database, a flush behind: still
// registered) and failed. Here the flush never comes during the test, so any read of the database alone shows it.

let db: PrismaClient;
let cleanupDb: () => Promise<void>;
let api: Awaited<ReturnType<Awaited<ReturnType<typeof signedInAdmin>>["api"]>>;
let gateway: AgentGateway;
let server: Server;
let ws: WebSocket;
const hub = { id: "", tunnelAddress: "10.9.0.1", publicAddress: "203.0.113.1" };
let spokeId = "";

const send = (m: AgentToConsole) => ws.send(JSON.stringify(m));

/** the spoke's status with its one NHS (hub) registered or not */
function spokeStatus(registered: boolean) {
  const status = emptySiteStatus(new Date().toISOString());
  status.nhs.push({ interface: "gre1", nbma: hub.publicAddress, protocolAddress: hub.tunnelAddress, registered });
  return status;
}

const registeredHubs = async () => (await api.sites.states({ siteIds: [spokeId] }))[0]?.registeredHubs;

const hubEdge = async () =>
  (await api.topology.graph()).edges.find((e) => e.kind === "hub-spoke" && e.source === hub.id && e.target === spokeId);

beforeAll(async () => {
  ({ db, cleanup: cleanupDb } = await createTestDb());
  api = await (await signedInAdmin(db)).api();
  const { id: networkId } = await api.networks.create({
    name: "held",
    tunnelPrefix: "10.9.0.0/24",
    greKey: 9,
    nhrpNetworkId: 9,
  });
  hub.id = (
    await api.sites.create({
      networkId,
      site: {
        name: "hub1",
        role: "hub",
        platform: "frr-linux",
        wanInterface: "eth0",
        publicAddress: hub.publicAddress,
        tunnelAddress: hub.tunnelAddress,
      },
    })
  ).id;
  spokeId = (
    await api.sites.create({
      networkId,
      site: {
        name: "spoke1",
        role: "spoke",
        platform: "frr-linux",
        wanInterface: "eth0",
        lanPrefixes: ["10.1.0.0/24"],
      },
    })
  ).id;
  const { credential } = (await enrolledCredentials(db, [spokeId]))[0]!;

  // a flush far beyond the test: the database keeps whatever it had before the reports below
  const bus = createInMemoryBus();
  gateway = createGateway({ db, bus, heartbeatSeconds: 600, statusFlushMs: 600_000, log: () => {} });
  server = createServer((_req, res) => void res.writeHead(404).end());
  attachAgentUpgrades(server, gateway);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  setRuntime({ db, bus, gateway });

  ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/agent/ws`);
  const welcomed = new Promise<void>((resolve) =>
    ws.on("message", (d) => {
      if ((JSON.parse(String(d)) as { type: string }).type === "welcome") resolve();
    }),
  );
  await new Promise((r, j) => ws.once("open", r).once("error", j));
  send(
    agentMessage("hello", {
      agentVersion: "t",
      platform: "frr-linux",
      hostname: "spoke1",
      siteId: spokeId,
      credential,
    }),
  );
  await welcomed;
  await until(
    async () => (await db.agent.findUniqueOrThrow({ where: { siteId: spokeId } })).connected,
    "online",
    10_000,
  );
}, 60_000);

afterAll(async () => {
  ws?.terminate();
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await cleanupDb?.();
});

describe("the status page, GET /topology and the sites list agree on a connected site's latest status", () => {
  it("draws the hub registered from a status not yet written to the database", async () => {
    send(agentMessage("status-snapshot", { seq: 1, status: spokeStatus(true) }));
    await until(() => gateway.latestStatus?.(spokeId)?.seq === 1, "the snapshot held by the gateway", 10_000);
    expect(await db.siteStatus.findUnique({ where: { siteId: spokeId } })).toBeNull();
    expect(await hubEdge()).toMatchObject({ registered: true, state: "degraded" }); // IPsec is on and no SA is reported
    expect(await registeredHubs()).toEqual({ registered: 1, configured: 1 });
  });

  it("draws the registration lost as soon as the status page shows it, before any flush", async () => {
    send(
      agentMessage("status-delta", {
        seq: 2,
        collectedAt: new Date().toISOString(),
        changes: {
          nhs: { upsert: [spokeStatus(false).nhs[0]!] },
        },
      }),
    );
    await until(() => gateway.latestStatus?.(spokeId)?.seq === 2, "the delta held by the gateway", 10_000);
    const view = await api.status.site({ siteId: spokeId });
    expect(view.status?.nhs).toEqual([expect.objectContaining({ registered: false })]);
    expect(await hubEdge()).toMatchObject({ registered: false, state: "down" });
    expect(await registeredHubs()).toEqual({ registered: 0, configured: 1 });
  });
});
