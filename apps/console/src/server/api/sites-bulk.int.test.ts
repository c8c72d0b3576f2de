import type { PrismaClient } from "@dmvpn/db";
import Papa from "papaparse";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { type AgentServices, startAgentServices } from "../gateway";
import { setRuntime } from "../runtime";

/**
 * The sites list's state column and bulk actions, and deployments' wave policies, against the real database and
 * deployment runner.
 */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let agents: AgentServices;
let admin: Awaited<ReturnType<typeof signedInAdmin>>;

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  agents = await startAgentServices({ db, bus: server.bus, connectWaitMs: 200, log: () => {} });
  setRuntime({ db, bus: server.bus, gateway: agents.gateway, deployments: agents.deployments });
  admin = await signedInAdmin(db);
});
afterEach(async () => {
  await agents.close();
  await server.close();
  await cleanup();
});

/** Two Cisco hubs (agentless) and `spokes` Cisco spokes, the first three tagged "east". */
async function network(spokes: number) {
  const api = await admin.api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  const ids: Record<string, string> = {};
  for (const [i, name] of ["hub-a", "hub-b"].entries()) {
    ids[name] = (
      await api.sites.create({
        networkId,
        site: {
          name,
          role: "hub",
          platform: "cisco-ios",
          wanInterface: "Gi0/0",
          publicAddress: `203.0.113.${i + 1}`,
        },
      })
    ).id;
  }
  for (let i = 1; i <= spokes; i++) {
    ids[`br-${i}`] = (
      await api.sites.create({
        networkId,
        site: {
          name: `br-${i}`,
          role: "spoke",
          platform: "cisco-ios",
          wanInterface: "Gi0/0",
          lanPrefixes: [`10.${i}.0.0/24`],
          tags: i <= 3 ? ["east"] : [],
        },
      })
    ).id;
  }
  return { api, networkId, ids };
}

async function settled(id: string) {
  const api = await admin.api();
  await expect
    .poll(async () => (await api.deployments.get({ id })).status, { timeout: 10_000, interval: 50 })
    .not.toMatch(/^(pending|running)$/);
  return api.deployments.get({ id });
}

describe("deployment wave policy", () => {
  it("by default: each hub alone, one canary spoke, then growing batches; stored and returned with the deployment", async () => {
    const { api, networkId } = await network(9);
    const { id } = await api.deployments.create({ target: { networkId } });
    const d = await settled(id);
    expect(d.wavePolicy).toEqual({ hubsOneAtATime: true, canarySpokes: 1, firstBatch: 2, growth: 2, maxBatch: 25 });
    const waves = new Map<number, { kind: string; sites: string[] }>();
    for (const i of d.items) {
      const w = waves.get(i.wave) ?? { kind: i.waveKind, sites: [] };
      w.sites.push(i.site);
      waves.set(i.wave, w);
    }
    expect([...waves.values()].map((w) => [w.kind, w.sites.length])).toEqual([
      ["hub", 1],
      ["hub", 1],
      ["canary", 1],
      ["batch", 2],
      ["batch", 4],
      ["batch", 2],
    ]);
    const row = await db.deployment.findUniqueOrThrow({ where: { id } });
    expect(JSON.parse(row.wavePolicy ?? "null")).toEqual(d.wavePolicy);
  });

  it("takes an edited policy, and refuses a bad one naming the field", async () => {
    const { api, networkId } = await network(4);
    const policy = { hubsOneAtATime: false, canarySpokes: 0, firstBatch: 4, growth: 1, maxBatch: 4 };
    const { id } = await api.deployments.create({ target: { networkId }, options: { wavePolicy: policy } });
    const d = await settled(id);
    expect(d.wavePolicy).toEqual(policy);
    expect([...new Set(d.items.map((i) => `${i.wave}:${i.waveKind}`))]).toEqual(["0:hub", "1:batch"]);

    await expect(
      api.deployments.create({ target: { networkId }, options: { wavePolicy: { ...policy, firstBatch: 0 } } }),
    ).rejects.toThrow(/firstBatch/);
  });

  it("deploys every site matching a filter", async () => {
    const { api, ids } = await network(5);
    const { id } = await api.deployments.create({ target: { filter: { tag: "east" } } });
    const d = await settled(id);
    expect(d.items.map((i) => i.site).sort()).toEqual(["br-1", "br-2", "br-3"]);
    expect(d.scope).toBe("selected");
    expect(ids["br-1"]).toBeDefined();
    await expect(api.deployments.create({ target: { filter: { tag: "nowhere" } } })).rejects.toThrow(/no site matches/);
  });

  it("refuses to roll back to the revision already deployed, allows an older one", async () => {
    const { api, ids } = await network(1);
    const siteId = ids["br-1"]!;
    const first = await settled((await api.deployments.create({ target: { siteIds: [siteId] } })).id);
    await api.deployments.markApplied({ siteId, revision: first.items[0]!.revision });
    await api.sites.update({
      id: siteId,
      networkId: (await api.sites.get({ id: siteId })).networkId,
      site: { ...(await api.sites.get({ id: siteId })), lanPrefixes: ["10.1.0.0/24", "10.99.0.0/24"] },
    });
    const second = await settled((await api.deployments.create({ target: { siteIds: [siteId] } })).id);
    await api.deployments.markApplied({ siteId, revision: second.items[0]!.revision });
    const revisions = await api.deployments.revisions({ siteId });
    expect(revisions.map((r) => [r.number, r.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    await expect(api.deployments.rollback({ revisionId: revisions[0]!.id })).rejects.toThrow(/already the deployed/);
    await expect(api.deployments.rollback({ revisionId: revisions[1]!.id })).resolves.toMatchObject({
      id: expect.any(String),
    });
  });
});

describe("sites list state column and bulk actions", () => {
  it("states: config-managed sites, deployed revision and drift after an inventory change", async () => {
    const { api, ids } = await network(2);
    const spoke = ids["br-1"]!;
    const before = await api.sites.states({ siteIds: [spoke, ids["hub-a"]!] });
    expect(before.find((s) => s.siteId === spoke)).toMatchObject({
      management: "config-managed",
      online: null,
      deployedRevision: null,
      drift: "never-deployed",
    });
    const d = await settled((await api.deployments.create({ target: { siteIds: [spoke] } })).id);
    await api.deployments.markApplied({ siteId: spoke, revision: d.items[0]!.revision });
    expect((await api.sites.states({ siteIds: [spoke] }))[0]).toMatchObject({ deployedRevision: 1, drift: "in-sync" });

    const site = await api.sites.get({ id: spoke });
    await api.sites.update({ id: spoke, networkId: site.networkId, site: { ...site, lanPrefixes: ["10.50.0.0/24"] } });
    expect((await api.sites.states({ siteIds: [spoke] }))[0]).toMatchObject({ deployedRevision: 1, drift: "pending" });
  });

  it("states: an agent-managed spoke offline keeps its last registrations, dated", async () => {
    const { ids } = await network(1);
    const spoke = ids["br-1"]!;
    await db.site.update({ where: { id: spoke }, data: { platform: "frr-linux" } });
    const lastSeenAt = new Date(Date.now() - 600_000);
    await db.agent.create({
      data: {
        siteId: spoke,
        credentialHash: "y".repeat(64),
        hostname: "br-1",
        platform: "frr-linux",
        version: "1",
        connected: false,
        lastSeenAt,
      },
    });
    const collectedAt = new Date(Date.now() - 650_000);
    const status = {
      collectedAt: collectedAt.toISOString(),
      tunnels: [],
      nhs: [
        { interface: "gre1", nbma: "203.0.113.1", protocolAddress: "10.255.0.1", registered: true },
        { interface: "gre1", nbma: "203.0.113.2", protocolAddress: "10.255.0.2", registered: false },
      ],
      nhrpCache: [],
      ipsecSas: [],
      bgpNeighbors: [],
      shortcuts: [],
      dmvpnPeers: [],
    };
    await db.siteStatus.create({
      data: { siteId: spoke, seq: 1, status: JSON.stringify(status), collectedAt, receivedAt: collectedAt },
    });
    const viewer = await signedInAs(db, admin, "viewer");
    const [state] = await (await viewer.api()).sites.states({ siteIds: [spoke] });
    expect(state).toMatchObject({
      management: "agent",
      online: false,
      lastSeenAt,
      statusAt: collectedAt,
    });
    // the stored report parses with the protocol's schema, or it counts as no report at all
    expect(state!.registeredHubs).toEqual({ registered: 1, configured: 2 });
  });

  it("bulk tag by selection and by filter; the search finds the new tag; viewers may not", async () => {
    const { api, ids } = await network(5);
    const picked = { siteIds: [ids["br-4"]!, ids["br-5"]!] };
    expect(await api.sites.bulkTag({ selection: picked, add: ["West"] })).toEqual({ selected: 2, changed: 2 });
    expect(await api.sites.bulkTag({ selection: picked, add: ["west"] })).toEqual({ selected: 2, changed: 0 });
    const west = await api.sites.list({ search: "west" });
    expect(west.rows.map((r) => r.name).sort()).toEqual(["br-4", "br-5"]);

    const byFilter = await api.sites.bulkTag({
      selection: { filter: { tag: "east" } },
      add: ["pilot"],
      remove: ["east"],
    });
    expect(byFilter).toEqual({ selected: 3, changed: 3 });
    expect((await api.sites.list({ tag: "east" })).total).toBe(0);
    expect((await api.sites.list({ tag: "pilot" })).rows.map((r) => r.name)).toEqual(["br-1", "br-2", "br-3"]);
    expect(await db.auditEvent.count({ where: { action: "site.tags-changed" } })).toBe(3);

    await expect(api.sites.bulkTag({ selection: picked, add: ["no spaces"] })).rejects.toThrow(/tags are lower-case/);
    await expect(api.sites.bulkTag({ selection: picked })).rejects.toThrow(/name a tag/);
    const viewer = await signedInAs(db, admin, "viewer");
    await expect((await viewer.api()).sites.bulkTag({ selection: picked, add: ["x"] })).rejects.toThrow(
      /operator|FORBIDDEN|permission|role/i,
    );
  });

  it("exports the selected or filtered sites as CSV, with their state and no secrets", async () => {
    const { api, ids } = await network(3);
    await api.sites.bulkTag({ selection: { siteIds: [ids["br-2"]!] }, add: ["csv-me"] });
    const csv = await api.sites.exportCsv({ selection: { filter: { role: "spoke" } } });
    expect(csv.rows).toBe(3);
    expect(csv.filename).toMatch(/^sites-\d{4}-\d{2}-\d{2}\.csv$/);
    const parsed = Papa.parse<Record<string, string>>(csv.csv, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual([
      "name",
      "network",
      "role",
      "platform",
      "management",
      "online",
      "tunnelAddress",
      "publicAddress",
      "lanPrefixes",
      "tags",
      "deployedRevision",
      "drift",
    ]);
    expect(parsed.data.map((r) => [r.name, r.tags, r.management, r.drift])).toEqual([
      ["br-1", "east", "config-managed", "never-deployed"],
      ["br-2", "csv-me east", "config-managed", "never-deployed"],
      ["br-3", "east", "config-managed", "never-deployed"],
    ]);
    const picked = await api.sites.exportCsv({ selection: { siteIds: [ids["hub-a"]!] } });
    expect(Papa.parse<string[]>(picked.csv).data[1]?.[0]).toBe("hub-a");
    expect(csv.csv).not.toMatch(/psk|secret/i);
  });
});
