import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { type AgentServices, startAgentServices } from "../gateway";
import { setRuntime } from "../runtime";

/**
 * Agentless (config-managed) sites against the real database, REST handlers and deployment runner: deploy →
 * awaiting-apply → mark applied → the next preview diffs against the applied revision.
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

const PSK = "s3cret-Cisco-key-for-agentless-tests";
const branchSite = (lanPrefixes: string[]) => ({
  name: "cisco-branch",
  role: "spoke" as const,
  platform: "cisco-ios" as const,
  wanInterface: "GigabitEthernet0/0",
  tunnelAddress: "10.255.0.11",
  publicAddress: "198.51.100.11",
  lanPrefixes,
});

/** Network corp: a Cisco hub and a Cisco spoke, neither of which can run the agent. */
async function ciscoNetwork() {
  const api = await admin.api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
    ipsecPsk: PSK,
  });
  const hub = await api.sites.create({
    networkId,
    site: {
      name: "cisco-hub",
      role: "hub",
      platform: "cisco-ios",
      wanInterface: "GigabitEthernet0/0",
      publicAddress: "203.0.113.1",
    },
  });
  const spoke = await api.sites.create({ networkId, site: branchSite(["10.1.0.0/24"]) });
  return { api, networkId, hubId: hub.id, spokeId: spoke.id };
}

async function settled(id: string) {
  const api = await admin.api();
  await expect
    .poll(async () => (await api.deployments.get({ id })).status, { timeout: 10_000, interval: 50 })
    .not.toMatch(/^(pending|running)$/);
  return api.deployments.get({ id });
}

const changedLines = (diff: string) => diff.split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));

describe("agentless sites", () => {
  it("deploy leaves revisions awaiting apply; marking them applied makes them the baseline of the next preview", async () => {
    const { api, networkId, hubId, spokeId } = await ciscoNetwork();
    const { id } = await api.deployments.create({ target: { networkId } });
    const d = await settled(id);
    expect(d.status).toBe("awaiting-apply");
    expect(d.summary).toBe("2 agentless site(s) wait for an operator to mark them applied");
    expect(d.items.map((i) => [i.site, i.status, i.revision])).toEqual([
      ["cisco-hub", "awaiting-apply", 1],
      ["cisco-branch", "awaiting-apply", 1],
    ]);

    // Nothing was applied yet: still never deployed.
    const before = await api.deployments.preview({ siteIds: [spokeId] });
    expect(before[0]).toMatchObject({ managed: false, deployedRevision: null, unchanged: false, drift: null });

    // Hashes shown anywhere agree: the site page (key hidden, and with the key for an admin), the revision list
    // and the deployment show the same hash for the same config, and none of them is the agents' contentHash.
    const masked = await api.sites.renderedConfig({ id: spokeId });
    const withKey = await api.sites.renderedConfig({ id: spokeId, includeSecrets: true });
    const revisions = await api.deployments.revisions({ siteId: spokeId });
    const stored = await db.configRevision.findFirstOrThrow({ where: { siteId: spokeId, number: 1 } });
    if (!masked.ok || !withKey.ok) throw new Error("the site did not render");
    expect(masked.files.map((f) => f.content).join("")).not.toContain(PSK);
    expect(withKey.files.map((f) => f.content).join("")).toContain(PSK);
    const spokeItem = d.items.find((i) => i.siteId === spokeId);
    expect(
      new Set([masked.hash, withKey.hash, revisions[0]?.maskedHash, spokeItem?.maskedHash, before[0]?.maskedHash]).size,
    ).toBe(1);
    expect(masked.hash).not.toBe(stored.contentHash);

    // An operator applies the spoke's config by hand and pastes its running config (CRLF, as terminals do).
    const running = `${withKey.files.map((f) => `# ${f.name}\n${f.content}`).join("\n")}`.replaceAll("\n", "\r\n");
    const marked = await api.deployments.markApplied({ siteId: spokeId, runningConfig: running });
    expect(marked).toMatchObject({ site: "cisco-branch", revision: 1, deploymentId: id, deploymentsSucceeded: [] });
    expect((await api.deployments.get({ id })).status).toBe("awaiting-apply");

    const after = await api.deployments.preview({ siteIds: [spokeId] });
    expect(after[0]).toMatchObject({ deployedRevision: 1, unchanged: true, diff: "", drift: "" });
    expect((await api.deployments.revisions({ siteId: spokeId }))[0]).toMatchObject({ number: 1, current: true });

    // Marking the hub applied (no running config) completes the deployment.
    const hubMarked = await api.deployments.markApplied({ siteId: hubId, revision: 1 });
    expect(hubMarked.deploymentsSucceeded).toEqual([id]);
    expect(await api.deployments.get({ id })).toMatchObject({ status: "succeeded", summary: null });
    expect((await api.deployments.preview({ siteIds: [hubId] }))[0]).toMatchObject({
      deployedRevision: 1,
      unchanged: true,
      diff: "",
      drift: null,
    });

    // One LAN changes: the next preview shows just that against the applied revision, with the key still masked.
    await api.sites.update({ id: spokeId, networkId, site: branchSite(["10.2.0.0/24"]) });
    const [delta] = await api.deployments.preview({ siteIds: [spokeId] });
    expect(delta).toMatchObject({ deployedRevision: 1, unchanged: false });
    const lines = changedLines(delta?.diff ?? "");
    expect(lines.some((l) => l.startsWith("-") && l.includes("10.1.0.0"))).toBe(true);
    expect(lines.some((l) => l.startsWith("+") && l.includes("10.2.0.0"))).toBe(true);
    expect(lines.filter((l) => !/10\.[12]\.0\.0|body-sha256/.test(l))).toEqual([]);
    expect(delta?.diff).toContain("--- r1/");
    expect(delta?.diff).not.toContain(PSK);

    const audit = await db.auditEvent.findMany({
      where: { action: "deployment.marked-applied" },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => [a.entityName, a.actorName, JSON.parse(a.after ?? "{}").runningConfigSupplied])).toEqual([
      ["cisco-branch", "admin@example.net", true],
      ["cisco-hub", "admin@example.net", false],
    ]);
    expect(audit.map((a) => a.after ?? "").join("")).not.toContain("interface");
  });

  it("a supplied running config drives drift; the pasted key is masked and sealed at rest", async () => {
    const { api, spokeId } = await ciscoNetwork();
    const { id } = await api.deployments.create({ target: { siteIds: [spokeId] } });
    expect((await settled(id)).status).toBe("awaiting-apply");
    const withKey = await api.sites.renderedConfig({ id: spokeId, includeSecrets: true });
    if (!withKey.ok) throw new Error("the site did not render");
    const joined = withKey.files.map((f) => `# ${f.name}\n${f.content}`).join("\n");
    // the router's GRE key changed by hand (drift in a section the console owns), and a default route of the
    // operator's own added (not the console's: left out of the comparison)
    const key = /^ tunnel key (\d+)$/m.exec(joined)?.[1];
    expect(key).toBeDefined();
    const edited = `${joined.replace(/^ tunnel key \d+$/m, " tunnel key 4242").trimEnd()}\nip route 0.0.0.0 0.0.0.0 192.0.2.254\n`;
    await api.deployments.markApplied({ siteId: spokeId, runningConfig: edited });

    const stored = await db.siteRunningConfig.findUniqueOrThrow({ where: { siteId: spokeId } });
    expect(stored.content).not.toContain(PSK);
    const [p] = await api.deployments.preview({ siteIds: [spokeId] });
    expect(p?.drift).toContain("running (supplied when marked applied)");
    expect(p?.drift).not.toContain(PSK);
    expect(changedLines(p?.drift ?? "")).toEqual(
      [` tunnel key ${key}`, " tunnel key 4242"].map((l, i) => `${i ? "+" : "-"}${l}`),
    );
  });

  it("over REST for operators only, with clear errors; never for a site with an agent", async () => {
    const { api, hubId, spokeId } = await ciscoNetwork();
    const { id } = await api.deployments.create({ target: { siteIds: [spokeId] } });
    await settled(id);
    const operator = await signedInAs(db, admin, "operator");
    const viewer = await signedInAs(db, admin, "viewer");
    await expect((await viewer.api()).deployments.markApplied({ siteId: spokeId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const token = (await (await operator.api()).apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 }))
      .token;
    const post = (siteId: string, body: unknown) =>
      fetch(`${server.url}/api/v1/sites/${siteId}/mark-applied`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    const wrong = await post(spokeId, { revision: 3 });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("revision: cisco-branch has no pending deployment of revision 3 (pending: 1)");
    const nothing = await post(hubId, {});
    expect(nothing.status).toBe(400);
    expect(await nothing.text()).toContain("cisco-hub: no deployment is waiting to be applied");
    const empty = await post(spokeId, { runningConfig: "  \n" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("runningConfig");

    const heard: string[] = [];
    const off = server.bus.subscribe((e) => {
      if (e.type === "deployment.progress") heard.push(`${e.siteId === spokeId ? "spoke" : e.siteId} ${e.itemStatus}`);
      if (e.type === "deployment.finished")
        heard.push(`${e.deploymentId === id ? "deployment" : e.deploymentId} ${e.status}`);
    });
    const ok = await post(spokeId, { revision: 1 });
    off();
    expect(ok.status).toBe(200);
    // live pages and webhooks hear of it, like of any other deployment progress
    expect(heard).toEqual(["spoke marked-applied", "deployment succeeded"]);
    expect(await ok.json()).toMatchObject({ site: "cisco-branch", revision: 1, deploymentsSucceeded: [id] });
    const item = await db.deploymentItem.findFirstOrThrow({ where: { deploymentId: id } });
    expect(item).toMatchObject({ status: "marked-applied", markedAppliedBy: expect.stringContaining("operator") });

    // A site whose agent is enrolled is confirmed by its agent, never by hand.
    const vyos = await api.sites.create({
      networkId: (await db.site.findUniqueOrThrow({ where: { id: hubId } })).networkId,
      site: { name: "vyos-branch", role: "spoke", platform: "vyos-1.5", wanInterface: "eth0" },
    });
    await db.agent.create({
      data: { siteId: vyos.id, credentialHash: "v".repeat(64), hostname: "v", platform: "vyos-1.5", version: "1" },
    });
    const managed = await post(vyos.id, {});
    expect(managed.status).toBe(400);
    expect(await managed.text()).toContain("vyos-branch has an agent");
  });

  it("the dashboard keeps agentless sites in their own bucket and out of attention", async () => {
    const { api } = await ciscoNetwork();
    const dash = await api.topology.dashboard();
    expect(dash.counts).toMatchObject({
      sites: 2,
      agentSites: 0,
      configManaged: 2,
      online: 0,
      offline: 0,
      neverReported: 0,
      hubs: 0,
      tunnelsTotal: 0,
    });
    expect(dash.attention).toEqual([]);
    const graph = await api.topology.graph();
    expect(graph.nodes.map((n) => n.freshness)).toEqual(["config-managed", "config-managed"]);
  });
});
