import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { AGENT_WS_PATH, type AgentServices, attachAgentUpgrades, startAgentServices } from "../gateway";
import { setRuntime } from "../runtime";
import { systemActor } from "./actor";
import { findDemoNetwork, loadDemoNetwork, runningDemo, stopDemo } from "./demo";
import { startWebhookWorker } from "./webhooks";

/**
 * The demo network end to end against the real database, gateway, deployment runner and webhook worker: its
 * simulated agents connect to the gateway's WebSocket endpoint like real ones, so a deployment reaches every site
 * and is confirmed, a LAN change is a small diff, a rollback restores the previous revision on the (simulated)
 * router, a hand edit on the router shows as drift, and none of it reaches the user's webhooks.
 */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let agents: AgentServices;
let agentListener: Server;
let agentUrl: string;
let admin: Awaited<ReturnType<typeof signedInAdmin>>;
let stopWebhooks: () => void;
let receiver: Server;
let received: { event: string; data: Record<string, unknown> }[];

beforeEach(async () => {
  vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true"); // the receiver listens on loopback
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  agents = await startAgentServices({ db, bus: server.bus, log: () => {} });
  agentListener = createServer();
  attachAgentUpgrades(agentListener, agents.gateway);
  agentListener.listen(0, "127.0.0.1");
  await once(agentListener, "listening");
  agentUrl = `ws://127.0.0.1:${(agentListener.address() as AddressInfo).port}${AGENT_WS_PATH}`;
  setRuntime({ db, bus: server.bus, gateway: agents.gateway, deployments: agents.deployments, agentUrl });
  admin = await signedInAdmin(db);
  received = [];
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  stopWebhooks = startWebhookWorker(db, server.bus, { baseDelayMs: 50, intervalMs: 25 });
});

afterEach(async () => {
  stopDemo();
  stopWebhooks();
  receiver.close();
  await agents.close();
  agentListener.close();
  await server.close();
  await cleanup();
  vi.unstubAllEnvs();
});

async function settled(id: string) {
  const api = await admin.api();
  await expect
    .poll(async () => (await api.deployments.get({ id })).status, { timeout: 60_000, interval: 100 })
    .not.toMatch(/^(pending|running)$/);
  return api.deployments.get({ id });
}

const changedLines = (diff: string) => diff.split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));

describe("the demo network", () => {
  it("deploys, confirms, rolls back and shows drift through the real gateway, and never fires webhooks", {
    timeout: 400_000,
  }, async () => {
    const api = await admin.api();
    await api.webhooks.create({
      name: "ops",
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      events: [
        "site.offline",
        "site.online",
        "site.registration-lost",
        "site.sa-down",
        "deployment.failed",
        "deployment.rolled-back",
      ],
    });

    const { id: networkId } = await loadDemoNetwork(db, systemActor("demo test"), {
      websocketUrl: agentUrl,
      liveliness: false,
      spokeStaggerMs: 0,
      statusIntervalMs: 1_000,
    });
    const siteCount = await db.site.count({ where: { networkId } });
    expect(siteCount).toBe(22);
    // Every simulated agent authenticated at the gateway with its credential (the gateway sets `connected`).
    await runningDemo()?.whenStarted();
    await expect
      .poll(() => db.agent.count({ where: { connected: true, platform: "sim" } }), { timeout: 60_000 })
      .toBe(siteCount);
    for (const s of await db.site.findMany({ where: { networkId }, select: { id: true } })) {
      expect(agents.gateway.isConnected(s.id)).toBe(true);
    }

    // 1. The whole demo network: every site confirmed by its agent.
    const first = await settled((await api.deployments.create({ target: { networkId } })).id);
    expect(first.summary).toBeNull();
    expect(first.status).toBe("succeeded");
    expect(first.items).toHaveLength(siteCount);
    expect(first.items.map((i) => [i.site, i.status])).toEqual(first.items.map((i) => [i.site, "confirmed"]));

    // 2. London's LAN renumbered: a small diff, deployed and confirmed; the hubs (which carry the spokes' LANs) take
    // their change too, the other spokes find theirs unchanged.
    const london = await db.site.findFirstOrThrow({ where: { networkId, name: "demo-london" } });
    expect(JSON.parse(london.lanPrefixes)).toEqual(["10.200.1.0/24"]);
    await db.site.update({ where: { id: london.id }, data: { lanPrefixes: JSON.stringify(["10.210.1.0/24"]) } });
    const [preview] = await api.deployments.preview({ siteIds: [london.id] });
    expect(preview!.deployedRevision).toBe(1);
    expect(preview!.drift).toBe("");
    // the LAN line, and the header's checksum of the body
    const changed = changedLines(preview!.diff).filter((l) => !l.slice(1).startsWith("# body-sha256: "));
    expect(changed).toHaveLength(2);
    expect(changed.some((l) => l.startsWith("-") && l.includes("10.200.1.0/24"))).toBe(true);
    expect(changed.some((l) => l.startsWith("+") && l.includes("10.210.1.0/24"))).toBe(true);

    const second = await settled((await api.deployments.create({ target: { networkId } })).id);
    expect(second.status).toBe("succeeded");
    const byName = new Map(second.items.map((i) => [i.site, i]));
    expect(byName.get("demo-london")).toMatchObject({ revision: 2 });
    const expected = (i: (typeof second.items)[number]) =>
      i.role === "hub" || i.site === "demo-london" ? "confirmed" : "unchanged";
    expect(second.items.map((i) => [i.site, i.status])).toEqual(second.items.map((i) => [i.site, expected(i)]));
    const demo = runningDemo()!;
    const londonRunning = () =>
      demo.fabric
        .runningFiles(london.id)
        .map((f) => f.content)
        .join("\n");
    expect(londonRunning()).toContain("10.210.1.0/24");
    expect(demo.fabric.getConfig(london.id)?.lanPrefixes).toEqual(["10.210.1.0/24"]);

    // 3. Roll London back to revision 1: the agent applies it and confirms; the router runs the old LAN again.
    const revisions = await api.deployments.revisions({ siteId: london.id });
    const r1 = revisions.find((r) => r.number === 1)!;
    const rollback = await settled((await api.deployments.rollback({ revisionId: r1.id })).id);
    expect(rollback.status).toBe("succeeded");
    expect(rollback.items).toMatchObject([{ site: "demo-london", status: "confirmed", revision: 1 }]);
    expect(londonRunning()).toContain("10.200.1.0/24");
    expect(londonRunning()).not.toContain("10.210.1.0/24");

    // 4. Someone edits Paris's router by hand: the preview reads its running config through the agent and shows it.
    const paris = await db.site.findFirstOrThrow({ where: { networkId, name: "demo-paris" } });
    expect((await api.deployments.preview({ siteIds: [paris.id] }))[0]!.drift).toBe("");
    const { runningConfig } = await api.demo.simulateDrift({ siteId: paris.id });
    expect(runningConfig).toContain("10.201.2.0/24");
    const drift = (await api.deployments.preview({ siteIds: [paris.id] }))[0]!.drift!;
    const driftLines = changedLines(drift);
    expect(driftLines.some((l) => l.startsWith("-") && l.includes("10.200.2.0/24"))).toBe(true);
    expect(driftLines.some((l) => l.startsWith("+") && l.includes("10.201.2.0/24"))).toBe(true);

    // 5. Diagnostics reach a demo router through the gateway too.
    const hub = await db.site.findFirstOrThrow({ where: { networkId, role: "hub" } });
    // The hand edit changed Paris's LAN, so its simulated tunnel re-registers (registrationDelayMs) before the hub
    // answers again: ping until it has, as an operator would after touching a router.
    const ping = () => api.diagnostics.ping({ siteId: paris.id, target: hub.tunnelAddress });
    await expect.poll(async () => (await ping()).received, { timeout: 30_000, interval: 1_000 }).toBe(3);
    expect(await ping()).toMatchObject({ target: hub.tunnelAddress, sent: 3, received: 3, lossPercent: 0 });

    // 6. Webhooks: a failed demo deployment and demo sites going offline are not sent; a real site's outage is.
    server.bus.publish({ type: "deployment.finished", deploymentId: first.id, status: "failed", at: "now" });
    server.bus.publish({ type: "agent.offline", siteId: paris.id, networkId, at: new Date().toISOString() });
    server.bus.publish({ type: "agent.offline", siteId: "real-site", networkId: "real", at: new Date().toISOString() });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([
      expect.objectContaining({ event: "site.offline", data: expect.objectContaining({ siteId: "real-site" }) }),
    ]);
    expect(await db.webhookDelivery.count()).toBe(1);
  });

  it("reading the dashboard, topology and demo status never starts the demo; loading or booting does", {
    timeout: 240_000,
  }, async () => {
    const api = await admin.api();
    await loadDemoNetwork(db, systemActor("demo test"), {
      websocketUrl: agentUrl,
      liveliness: false,
      spokeStaggerMs: 0,
    });
    expect(runningDemo()).not.toBeNull();
    stopDemo();
    await expect.poll(() => db.agent.count({ where: { connected: true } }), { timeout: 10_000 }).toBe(0);
    expect((await api.demo.status()).network?.name).toBe("demo-simulated");
    await api.topology.dashboard();
    await api.topology.graph();
    expect(runningDemo()).toBeNull();
    expect(await db.agent.count({ where: { connected: true } })).toBe(0);

    const { startDemo } = await import("./demo");
    const demo = await startDemo(db, { websocketUrl: agentUrl, liveliness: false, spokeStaggerMs: 0 });
    expect(demo?.networkId).toBe((await findDemoNetwork(db))?.id);
    await demo?.whenStarted();
    await expect.poll(() => db.agent.count({ where: { connected: true } }), { timeout: 60_000 }).toBe(22);

    await api.demo.remove();
    expect(runningDemo()).toBeNull();
    expect(await findDemoNetwork(db)).toBeNull();
  });
});
