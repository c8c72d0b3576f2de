import type { PrismaClient } from "@dmvpn/db";
import { DEPLOYMENT_STATUSES_SETTLED, DeploymentStatus } from "@dmvpn/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { type AgentServices, startAgentServices } from "../gateway";
import { setRuntime } from "../runtime";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let agents: AgentServices;
let admin: Awaited<ReturnType<typeof signedInAdmin>>;

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  // The deployment runner the console process runs, so created deployments really progress.
  agents = await startAgentServices({ db, bus: server.bus, connectWaitMs: 200, log: () => {} });
  setRuntime({ db, bus: server.bus, gateway: agents.gateway, deployments: agents.deployments });
  admin = await signedInAdmin(db);
});
afterEach(async () => {
  await agents.close();
  await server.close();
  await cleanup();
});

const rest = (path: string, token: string, body?: unknown) =>
  fetch(`${server.url}/api/v1${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function hubAndSpoke() {
  const api = await admin.api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  const hub = await api.sites.create({
    networkId,
    site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
  });
  const spoke = await api.sites.create({
    networkId,
    site: { name: "branch1", role: "spoke", platform: "frr-linux", wanInterface: "eth0", lanPrefixes: ["10.1.0.0/24"] },
  });
  return { networkId, hubId: hub.id, spokeId: spoke.id };
}

async function finished(token: string, id: string) {
  let body: { status: string } & Record<string, unknown> = { status: "pending" };
  await expect
    .poll(
      async () => {
        body = await (await rest(`/deployments/${id}`, token)).json();
        return DEPLOYMENT_STATUSES_SETTLED.includes(DeploymentStatus.parse(body.status));
      },
      { timeout: 10_000, interval: 50 },
    )
    .toBe(true);
  return body;
}

describe("deployments, status and agents over REST", () => {
  it("deploys one site with a token, reports progress and lists it", async () => {
    const { hubId, networkId } = await hubAndSpoke();
    const api = await admin.api();
    const token = (await api.apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 })).token;

    const created = await rest("/deployments", token, { target: { siteIds: [hubId] } });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };

    // No agent is enrolled: nothing is pushed; the revision waits for an operator to apply it and say so.
    const done = await finished(token, id);
    expect(done).toMatchObject({ status: "awaiting-apply", scope: "site", network: "corp", networkId });
    expect(done.items).toEqual([
      expect.objectContaining({
        siteId: hubId,
        site: "hub1",
        role: "hub",
        status: "awaiting-apply",
        revision: 1,
        wave: 0,
      }),
    ]);
    expect(typeof done.startedAt).toBe("string");

    const list = await (await rest(`/deployments?siteId=${hubId}`, token)).json();
    expect(list).toEqual([
      expect.objectContaining({ id, sites: 1, counts: { "awaiting-apply": 1 }, status: "awaiting-apply" }),
    ]);
    expect(await (await rest(`/deployments?networkId=other`, token)).json()).toEqual([]);

    const whole = await rest("/deployments", token, { target: { networkId } });
    const all = await finished(token, ((await whole.json()) as { id: string }).id);
    expect(all).toMatchObject({ status: "awaiting-apply", scope: "network" });
    expect((all.items as { site: string }[]).map((i) => i.site).sort()).toEqual(["branch1", "hub1"]);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deployment.created" } });
    expect(audit.actorType).toBe("token");
  });

  it("fails a site whose agent is offline and shows the agent and status", async () => {
    const { spokeId } = await hubAndSpoke();
    await db.agent.create({
      data: {
        siteId: spokeId,
        credentialHash: "x".repeat(64),
        hostname: "branch1",
        platform: "frr-linux",
        version: "1",
      },
    });
    const token = (await (await admin.api()).apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 }))
      .token;
    const { id } = await (await rest("/deployments", token, { target: { siteIds: [spokeId] } })).json();
    const done = await finished(token, id);
    expect(done.status).toBe("failed");
    expect(done.items).toEqual([expect.objectContaining({ status: "failed", error: "the agent is offline" })]);

    const agent = await (await rest(`/sites/${spokeId}/agent`, token)).json();
    expect(agent).toMatchObject({
      agentCapable: true,
      agent: { hostname: "branch1", platform: "frr-linux", connected: false, lastSeenAt: null },
    });
    const status = await (await rest(`/sites/${spokeId}/status?events=5`, token)).json();
    expect(status).toMatchObject({
      site: { id: spokeId, name: "branch1", role: "spoke" },
      managed: true,
      status: null,
      events: [],
    });
    expect((await rest("/sites/nope/status", token)).status).toBe(404);
    expect((await rest("/deployments/nope", token)).status).toBe(404);
  });

  it("refuses deployments to read tokens and viewers, and to an empty target", async () => {
    const { hubId } = await hubAndSpoke();
    const read = (await (await admin.api()).apiTokens.create({ name: "r", scope: "read", expiresInDays: 1 })).token;
    const viewer = await signedInAs(db, admin, "viewer");
    const viewerToken = (
      await (await viewer.api()).apiTokens.create({ name: "v", scope: "read-write", expiresInDays: 1 })
    ).token;
    for (const token of [read, viewerToken]) {
      expect((await rest("/deployments", token, { target: { siteIds: [hubId] } })).status).toBe(403);
      expect((await rest("/deployments", token)).status).toBe(200);
    }
    const write = (await (await admin.api()).apiTokens.create({ name: "w", scope: "read-write", expiresInDays: 1 }))
      .token;
    expect((await rest("/deployments", write, { target: { siteIds: [] } })).status).toBe(400);
    expect(await db.deployment.count()).toBe(0);

    const doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/deployments", "/deployments/{id}", "/sites/{siteId}/status", "/sites/{siteId}/agent"]),
    );
  });
});
