import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, type testClient } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { systemActor } from "../services/actor";
import { renderedHashes } from "../services/deployments";
import { applyRenumbering } from "../services/renumbering";

/** Issue 15, Inventory: settable BGP summaries and renumbering a network's tunnel prefix. */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let admin: ReturnType<typeof testClient>;
let networkId: string;
let token: string;

const NETWORK = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };
const site = (name: string, role: "hub" | "spoke", n: number, lan: string[]) => ({
  name,
  role,
  platform: "frr-linux" as const,
  wanInterface: "eth0",
  publicAddress: `203.0.113.${n}`,
  lanPrefixes: lan,
});

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  admin = await signedInAdmin(db);
  const api = await admin.api();
  networkId = (await api.networks.create(NETWORK)).id;
  await api.sites.create({ networkId, site: site("hub1", "hub", 1, ["10.0.0.0/24"]) });
  await api.sites.create({ networkId, site: site("hub2", "hub", 2, []) });
  await api.sites.create({ networkId, site: site("s1", "spoke", 11, ["10.1.0.0/24"]) });
  await api.sites.create({ networkId, site: site("s2", "spoke", 12, ["10.6.0.0/24", "10.6.1.0/24"]) });
  token = (await api.apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 })).token;
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

const rest = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

const stored = async () => db.network.findUniqueOrThrow({ where: { id: networkId } });
/** The network as the form sends it back: what `networks.get` returns, less the read-only fields. */
async function editableSettings(api: Awaited<ReturnType<ReturnType<typeof testClient>["api"]>>) {
  const {
    bgpSummariesInEffect: _e,
    id: _id,
    isDemo: _d,
    nhrpAuthSet: _a,
    ...settings
  } = await api.networks.get({
    id: networkId,
  });
  return settings;
}
const addresses = async () =>
  Object.fromEntries(
    (await db.site.findMany({ where: { networkId }, orderBy: { name: "asc" } })).map((s) => [s.name, s.tunnelAddress]),
  );

describe("BGP summaries", () => {
  it("default to the tightest covering set of the spokes' LANs, shown with the network", async () => {
    const n = await (await admin.api()).networks.get({ id: networkId });
    expect(n.bgpSummaryMode).toBe("auto");
    expect(n.bgpSummariesInEffect).toEqual(["10.1.0.0/24", "10.6.0.0/23"]);
  });

  it("custom summaries are stored and kept by a form or REST PUT that leaves the fields out", async () => {
    const api = await admin.api();
    const settings = await editableSettings(api);
    await api.networks.update({
      id: networkId,
      network: { ...settings, bgpSummaryMode: "custom", bgpSummaries: ["10.0.0.0/12"] },
    });
    expect(await stored()).toMatchObject({ bgpSummaryMode: "custom", bgpSummaries: '["10.0.0.0/12"]' });

    // An older client (no summary fields) changes another setting: the summaries stay.
    const { bgpSummaryMode: _m, bgpSummaries: _s, ...withoutSummaries } = settings;
    await api.networks.update({ id: networkId, network: { ...withoutSummaries, description: "edited" } });
    expect(await stored()).toMatchObject({
      description: "edited",
      bgpSummaryMode: "custom",
      bgpSummaries: '["10.0.0.0/12"]',
    });
    const put = await rest("PUT", `/networks/${networkId}`, {
      network: { ...withoutSummaries, description: "over REST" },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(await stored()).toMatchObject({ description: "over REST", bgpSummaryMode: "custom" });
    expect((await api.networks.get({ id: networkId })).bgpSummariesInEffect).toEqual(["10.0.0.0/12"]);
    // ... and what the hubs render.
    const hub = await db.site.findFirstOrThrow({ where: { name: "hub1" } });
    const rendered = await api.sites.renderedConfig({ id: hub.id });
    expect(JSON.stringify(rendered)).toContain("aggregate-address 10.0.0.0/12 summary-only");
  });

  it("custom summaries that leave a spoke LAN out are refused, naming the site and the LAN; nothing is written", async () => {
    const api = await admin.api();
    const settings = await editableSettings(api);
    const before = await stored();
    await expect(
      api.networks.update({
        id: networkId,
        network: { ...settings, bgpSummaryMode: "custom", bgpSummaries: ["10.1.0.0/16"] },
      }),
    ).rejects.toMatchObject({
      message: expect.stringContaining(
        "bgpSummaries: do not cover every spoke LAN: 10.6.0.0/24 of s2, 10.6.1.0/24 of s2",
      ),
    });
    await expect(
      api.networks.update({ id: networkId, network: { ...settings, bgpSummaryMode: "custom", bgpSummaries: [] } }),
    ).rejects.toMatchObject({ message: expect.stringContaining("bgpSummaries: give at least one prefix") });
    expect((await stored()).updatedAt).toEqual(before.updatedAt);

    // With custom summaries in place, a spoke whose LAN falls outside them is refused at its LAN.
    await api.networks.update({
      id: networkId,
      network: { ...settings, bgpSummaryMode: "custom", bgpSummaries: ["10.0.0.0/12"] },
    });
    await expect(
      api.sites.create({ networkId, site: site("s3", "spoke", 13, ["192.168.9.0/24"]) }),
    ).rejects.toMatchObject({
      message: expect.stringContaining("192.168.9.0/24 of s3 is not covered by any BGP summary (10.0.0.0/12)"),
    });
  });
});

describe("renumbering", () => {
  it("plans old → new per site and for the NHS, then applies it in one transaction with an audit entry", async () => {
    const api = await admin.api();
    const hubs = await db.site.findMany({ where: { networkId }, select: { id: true } });
    const hashesBefore = await renderedHashes(
      db,
      hubs.map((h) => h.id),
    );
    const planned = await rest("POST", `/networks/${networkId}/renumbering-plan`, { tunnelPrefix: "10.99.0.0/24" });
    expect(planned.status).toBe(200);
    const plan = await planned.json();
    expect(plan).toMatchObject({
      fromPrefix: "10.255.0.0/24",
      toPrefix: "10.99.0.0/24",
      method: "offsets",
      issues: [],
    });
    expect(plan.changes.map((c: { name: string; from: string; to: string }) => `${c.name} ${c.from}→${c.to}`)).toEqual([
      "hub1 10.255.0.1→10.99.0.1",
      "hub2 10.255.0.2→10.99.0.2",
      "s1 10.255.0.11→10.99.0.11",
      "s2 10.255.0.12→10.99.0.12",
    ]);
    expect(plan.nhs).toEqual([
      { name: "hub1", from: "10.255.0.1", to: "10.99.0.1" },
      { name: "hub2", from: "10.255.0.2", to: "10.99.0.2" },
    ]);
    // Planning changes nothing.
    expect((await stored()).tunnelPrefix).toBe("10.255.0.0/24");

    const applied = await rest("POST", `/networks/${networkId}/renumber`, {
      tunnelPrefix: "10.99.0.0/24",
      planHash: plan.planHash,
    });
    expect(applied.status).toBe(200);
    expect(await applied.json()).toEqual({ id: networkId, tunnelPrefix: "10.99.0.0/24", sites: 4 });
    expect((await stored()).tunnelPrefix).toBe("10.99.0.0/24");
    expect(await addresses()).toEqual({ hub1: "10.99.0.1", hub2: "10.99.0.2", s1: "10.99.0.11", s2: "10.99.0.12" });
    const s1 = await db.site.findFirstOrThrow({ where: { name: "s1" } });
    expect(s1.tunnelAddressNum).toBe(BigInt(0x0a63000b));
    expect(s1.searchKey).toContain("10.99.0.11");
    // Every site's config changed, so a deployment picks them all up.
    const hashesAfter = await renderedHashes(
      db,
      hubs.map((h) => h.id),
    );
    for (const h of hubs) expect(hashesAfter.get(h.id)).not.toBe(hashesBefore.get(h.id));
    const audit = await api.audit.list({ action: "network.renumber", page: 1, pageSize: 5 });
    const entry = audit.rows.find((r: { action: string }) => r.action === "network.renumber");
    expect(entry).toMatchObject({ entityName: "corp" });
  });

  it("re-allocates compactly into a smaller prefix, and works when the prefixes overlap", async () => {
    const api = await admin.api();
    const plan = await api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.255.0.0/29" });
    expect(plan.method).toBe("compact");
    expect(plan.issues).toEqual([]);
    await api.networks.renumber({ id: networkId, tunnelPrefix: "10.255.0.0/29", planHash: plan.planHash });
    expect(await addresses()).toEqual({ hub1: "10.255.0.1", hub2: "10.255.0.2", s1: "10.255.0.3", s2: "10.255.0.4" });
  });

  it("refuses a stale plan and a plan with issues, writing nothing", async () => {
    const api = await admin.api();
    const plan = await api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.99.0.0/24" });
    // A site added after the plan was shown makes it stale.
    await api.sites.create({ networkId, site: site("s3", "spoke", 13, []) });
    const before = await addresses();
    await expect(
      api.networks.renumber({ id: networkId, tunnelPrefix: "10.99.0.0/24", planHash: plan.planHash }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("stale") });
    const stale = await rest("POST", `/networks/${networkId}/renumber`, {
      tunnelPrefix: "10.99.0.0/24",
      planHash: plan.planHash,
    });
    expect(stale.status).toBe(409);
    expect(await addresses()).toEqual(before);
    expect((await stored()).tunnelPrefix).toBe("10.255.0.0/24");

    // The new prefix overlaps a LAN; /30 has no room; bad input names the field.
    const clash = await api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.1.0.0/24" });
    expect(clash.issues.map((i) => i.message).join("\n")).toContain("s1: 10.1.0.0/24 overlaps the tunnel prefix");
    await expect(
      api.networks.renumber({ id: networkId, tunnelPrefix: "10.1.0.0/24", planHash: clash.planHash }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Custom summaries inside the new prefix would no longer make sense (nor load).
    const settings = await editableSettings(api);
    await api.networks.update({
      id: networkId,
      network: { ...settings, bgpSummaryMode: "custom", bgpSummaries: ["10.0.0.0/12", "10.64.0.0/24"] },
    });
    const swallowing = await api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.64.0.0/23" });
    expect(swallowing.issues.map((i) => i.message)).toContain(
      "bgpSummaries: 10.64.0.0/24 lies inside the tunnel prefix 10.64.0.0/23: a summary is for the spokes' LANs",
    );
    const tiny = await api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.99.0.0/30" });
    expect(tiny.issues[0]?.message).toMatch(/^has no room for /);
    await expect(api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.99.0.1/24" })).rejects.toMatchObject({
      message: expect.stringContaining("tunnelPrefix: has host bits set"),
    });
    const bad = await rest("POST", `/networks/${networkId}/renumber`, { tunnelPrefix: "10.99.0.0/24", planHash: "x" });
    expect(bad.status).toBe(400);
    expect(await addresses()).toEqual(before);
    expect(await db.auditEvent.count({ where: { action: "network.renumber" } })).toBe(0);
  });

  it("a failure halfway through the writes leaves every address and the prefix as they were", async () => {
    const api = await admin.api();
    const plan = await api.networks.renumberingPlan({ id: networkId, tunnelPrefix: "10.99.0.0/24" });
    const before = await addresses();
    let updates = 0;
    // The third site write fails, after two sites have been moved inside the transaction.
    const failing = db.$extends({
      query: {
        site: {
          update({ args, query }) {
            updates++;
            if (updates === 3) throw new Error("disk full (simulated)");
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    await expect(
      applyRenumbering(failing, systemActor("test"), networkId, {
        tunnelPrefix: "10.99.0.0/24",
        planHash: plan.planHash,
      }),
    ).rejects.toThrow("disk full (simulated)");
    expect(updates).toBe(3);
    expect(await addresses()).toEqual(before);
    expect((await stored()).tunnelPrefix).toBe("10.255.0.0/24");
    expect(await db.auditEvent.count({ where: { action: "network.renumber" } })).toBe(0);
  });
});
