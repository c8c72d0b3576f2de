import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { systemActor } from "./actor";
import { type DeploymentSite, recordDeployment } from "./deployment-record";
import { createDeployment, rollbackToRevision } from "./deployments";
import { createNetwork } from "./networks";
import { saveSite } from "./sites";

/** Deployment creation is one transaction: revision numbers, deployment, items and audit entry together. */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let hubId: string;
let spokeId: string;
const actor = systemActor("test");

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  const network = await createNetwork(db, actor, {
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  const site = (name: string, role: "hub" | "spoke", publicAddress?: string) =>
    saveSite(db, actor, {
      networkId: network.id,
      site: { name, role, platform: "vyos-1.5", wanInterface: "eth0", ...(publicAddress ? { publicAddress } : {}) },
    });
  hubId = (await site("hub1", "hub", "203.0.113.1")).id;
  spokeId = (await site("spoke1", "spoke")).id;
});
afterEach(async () => {
  await cleanup();
});

/** A config for one site whose content differs by `n` (a different hash makes a new revision). */
const configFor = (siteId: string, n: number, wave = 0): DeploymentSite => ({
  siteId,
  wave,
  config: { target: "vyos-1.5", hash: `hash-${n}`, files: [{ name: "config.boot", content: `# version ${n}\n` }] },
});

const record = (sites: DeploymentSite[]) =>
  recordDeployment(db, actor, {
    scope: "selected",
    networkId: null,
    batchSize: 10,
    wavePolicy: null,
    confirmWindowSeconds: 120,
    sites,
    audit: (id, numbers) => ({
      action: "deployment.created",
      entityType: "deployment",
      entityId: id,
      after: { revisions: Object.fromEntries(numbers) },
    }),
  });

async function counts() {
  return {
    deployments: await db.deployment.count(),
    items: await db.deploymentItem.count(),
    revisions: await db.configRevision.count(),
    audit: await db.auditEvent.count({ where: { action: { startsWith: "deployment." } } }),
  };
}

describe("recordDeployment", () => {
  it("gives concurrent deployments of one site distinct consecutive revision numbers", async () => {
    const created = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => record([configFor(spokeId, n)])));
    const revisions = await db.configRevision.findMany({ where: { siteId: spokeId }, orderBy: { number: "asc" } });
    expect(revisions.map((r) => r.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(revisions.map((r) => r.contentHash)).size).toBe(6);
    // each deployment carries its own revision, and its audit entry names that revision's number
    for (const { id } of created) {
      const item = await db.deploymentItem.findFirstOrThrow({
        where: { deploymentId: id },
        include: { revision: true },
      });
      const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: id } });
      expect(JSON.parse(audit.after ?? "{}")).toEqual({ revisions: { [spokeId]: item.revision.number } });
    }
    // a later deployment continues after the last one
    await record([configFor(spokeId, 7)]);
    expect(await db.configRevision.count({ where: { siteId: spokeId, number: 7 } })).toBe(1);
  });

  it("stores one revision when concurrent deployments carry the same content", async () => {
    await record([configFor(spokeId, 1)]);
    const created = await Promise.all([1, 2, 3].map(() => record([configFor(spokeId, 2)])));
    const revisions = await db.configRevision.findMany({ where: { siteId: spokeId }, orderBy: { number: "asc" } });
    expect(revisions.map((r) => [r.number, r.contentHash])).toEqual([
      [1, "hash-1"],
      [2, "hash-2"],
    ]);
    const items = await db.deploymentItem.findMany({ where: { deploymentId: { in: created.map((c) => c.id) } } });
    expect(items.map((i) => i.revisionId)).toEqual([revisions[1]?.id, revisions[1]?.id, revisions[1]?.id]);
  });

  it("numbers concurrent deployments of overlapping sites without a deadlock", async () => {
    await Promise.all([
      record([configFor(hubId, 1), configFor(spokeId, 1, 1)]),
      record([configFor(spokeId, 2), configFor(hubId, 2, 1)]),
      record([configFor(hubId, 3), configFor(spokeId, 3, 1)]),
    ]);
    for (const siteId of [hubId, spokeId]) {
      const numbers = await db.configRevision.findMany({ where: { siteId }, select: { number: true } });
      expect(numbers.map((r) => r.number).sort()).toEqual([1, 2, 3]);
    }
  });

  it("writes nothing when a site fails mid-way", async () => {
    await record([configFor(spokeId, 1)]);
    const before = await counts();
    // The hub's revision is stored first (sites go in id order, and the missing id sorts last); then the missing
    // site fails: the hub's revision and counter must go too.
    await expect(
      record([configFor(hubId, 2), configFor(spokeId, 2), configFor("zzzz-no-such-site", 2)]),
    ).rejects.toThrow();
    expect(await counts()).toEqual(before);
    expect(await db.siteRevisionCounter.findUnique({ where: { siteId: hubId } })).toBeNull();
    expect(await db.siteRevisionCounter.findUniqueOrThrow({ where: { siteId: spokeId } })).toMatchObject({
      lastNumber: 1,
    });
    // and the numbers it would have taken are still free
    await record([configFor(hubId, 2), configFor(spokeId, 2)]);
    expect((await db.configRevision.findMany({ select: { number: true } })).map((r) => r.number).sort()).toEqual([
      1, 1, 2,
    ]);
  });

  it("records more sites than one statement may carry (SQLite's parameter limit), twice", async () => {
    const network = await db.network.findFirstOrThrow();
    await db.site.createMany({
      data: Array.from({ length: 600 }, (_, i) => ({
        networkId: network.id,
        name: `bulk${i}`,
        role: "spoke",
        platform: "vyos-1.5",
        wanInterface: "eth0",
        tunnelAddress: `10.255.${1 + (i >> 8)}.${i & 255}`,
        tunnelAddressNum: BigInt(i + 1000),
      })),
    });
    const ids = (await db.site.findMany({ where: { name: { startsWith: "bulk" } }, select: { id: true } })).map(
      (s) => s.id,
    );
    await record(ids.map((id, i) => configFor(id, 1, i % 5)));
    // a second time: half unchanged (same revision), half new (revision 2)
    const second = await record(ids.map((id, i) => configFor(id, i % 2 ? 1 : 2, i % 5)));
    const items = await db.deploymentItem.findMany({ where: { deploymentId: second.id }, include: { revision: true } });
    expect(items).toHaveLength(600);
    expect(items.filter((i) => i.revision.number === 1)).toHaveLength(300);
    expect(items.filter((i) => i.revision.number === 2)).toHaveLength(300);
    expect(await db.siteRevisionCounter.count({ where: { lastNumber: 2 } })).toBe(300);
  });

  it("writes nothing when the audit entry fails", async () => {
    const before = await counts();
    await expect(
      recordDeployment(db, actor, {
        scope: "site",
        networkId: null,
        batchSize: 1,
        wavePolicy: null,
        confirmWindowSeconds: 120,
        sites: [configFor(spokeId, 1)],
        audit: () => {
          throw new Error("audit failed");
        },
      }),
    ).rejects.toThrow("audit failed");
    expect(await counts()).toEqual(before);
  });
});

describe("createDeployment and rollbackToRevision", () => {
  it("write the deployment, its revisions and the audit entry together", async () => {
    const { id } = await createDeployment(db, actor, { siteIds: [hubId, spokeId] });
    const items = await db.deploymentItem.findMany({ where: { deploymentId: id }, include: { revision: true } });
    expect(items.map((i) => i.revision.number)).toEqual([1, 1]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deployment.created", entityId: id } });
    expect(JSON.parse(audit.after ?? "{}")).toMatchObject({ scope: "selected", sites: ["hub1", "spoke1"] });

    // unchanged inventory: the same revisions again
    const again = await createDeployment(db, actor, { siteIds: [spokeId] });
    const item = await db.deploymentItem.findFirstOrThrow({ where: { deploymentId: again.id } });
    expect(item.revisionId).toBe(items.find((i) => i.siteId === spokeId)?.revisionId);

    const back = await rollbackToRevision(db, actor, item.revisionId).catch((e: Error) => e);
    // nothing is deployed yet, so revision 1 is not "the deployed one": a rollback to it is a deployment of it
    expect(back).not.toBeInstanceOf(Error);
    const rollback = await db.auditEvent.findFirstOrThrow({ where: { action: "deployment.rollback" } });
    expect(JSON.parse(rollback.after ?? "{}")).toEqual({ revision: 1, deploymentId: (back as { id: string }).id });
    expect(await db.configRevision.count()).toBe(2);
  });
});
