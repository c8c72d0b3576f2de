import type { Db, PrismaClient } from "@dmvpn/db";
import type { ConfigFile, ConfigTarget, DeploymentScope } from "@dmvpn/protocol";
import type { Actor } from "./actor";
import { type AuditEntry, recordAudit } from "./audit";
import { sealRevisionFiles } from "./revision-files";

/** One site of a deployment: a rendered config (stored as a new revision unless unchanged) or an existing revision. */
export type DeploymentSite = { siteId: string; wave: number } & (
  | { config: { target: ConfigTarget; hash: string; files: ConfigFile[] } }
  | { revisionId: string }
);

export interface DeploymentToRecord {
  scope: DeploymentScope;
  networkId: string | null;
  batchSize: number;
  /** JSON WavePolicy; null for a rollback (one site, one wave) */
  wavePolicy: string | null;
  confirmWindowSeconds: number;
  sites: DeploymentSite[];
  /** the audit entry, given the new deployment's id and each site's revision number */
  audit: (deploymentId: string, revisionNumbers: Map<string, number>) => AuditEntry;
}

/**
 * Generous: a network deployment of 5,000 sites runs a few statements per site inside this one transaction, and
 * PostgreSQL's round trips add up (Prisma's default of 5 s would cut it off).
 */
const TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/**
 * Stores a deployment, its sites' revisions and its audit entry in one transaction: all of it or, on any failure
 * (a site deleted meanwhile, a lost connection), none of it.
 */
export async function recordDeployment(db: PrismaClient, actor: Actor, d: DeploymentToRecord): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const revisions = new Map<string, { id: string; number: number }>();
    // Sites in one order: two deployments locking overlapping sites' counters can never wait for each other in a
    // cycle (PostgreSQL would abort one with a deadlock).
    const sites = [...d.sites].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
    for (const site of sites) {
      if ("revisionId" in site) {
        const r = await tx.configRevision.findUniqueOrThrow({
          where: { id: site.revisionId },
          select: { id: true, number: true, siteId: true },
        });
        if (r.siteId !== site.siteId) throw new Error(`revision ${r.id} is not a revision of site ${site.siteId}`);
        revisions.set(site.siteId, r);
      } else revisions.set(site.siteId, await storeRevision(tx, actor, site.siteId, site.config));
    }
    const deployment = await tx.deployment.create({
      data: {
        scope: d.scope,
        networkId: d.networkId,
        batchSize: d.batchSize,
        wavePolicy: d.wavePolicy,
        confirmWindowSeconds: d.confirmWindowSeconds,
        createdBy: actor.name,
        items: {
          create: d.sites.map((s) => ({
            siteId: s.siteId,
            wave: s.wave,
            // every site was given a revision in the loop above
            revisionId: revisions.get(s.siteId)!.id,
          })),
        },
      },
      select: { id: true },
    });
    const numbers = new Map([...revisions].map(([siteId, r]) => [siteId, r.number]));
    await recordAudit(tx, actor, d.audit(deployment.id, numbers));
    return deployment;
  }, TRANSACTION);
}

/**
 * The site's newest revision when its content is the same, else a new revision numbered one past the site's counter.
 * The counter row is written first: on PostgreSQL the write locks it until this transaction ends (SQLite has one
 * writer at a time anyway), so a concurrent deployment of the same site waits here and then reads what this one
 * stored. Numbers stay consecutive: the counter only advances when a revision is stored.
 */
async function storeRevision(
  tx: Db,
  actor: Actor,
  siteId: string,
  config: { target: ConfigTarget; hash: string; files: ConfigFile[] },
) {
  const counter = await tx.siteRevisionCounter.upsert({
    where: { siteId },
    create: { siteId, lastNumber: 0 },
    // a write that changes nothing, for its lock
    update: { lastNumber: { increment: 0 } },
  });
  const latest = await tx.configRevision.findFirst({
    where: { siteId },
    orderBy: { number: "desc" },
    select: { id: true, number: true, contentHash: true, target: true },
  });
  if (latest && latest.contentHash === config.hash && latest.target === config.target) return latest;
  const number = counter.lastNumber + 1;
  await tx.siteRevisionCounter.update({ where: { siteId }, data: { lastNumber: number } });
  return tx.configRevision.create({
    data: {
      siteId,
      number,
      target: config.target,
      contentHash: config.hash,
      files: sealRevisionFiles(config.files),
      createdBy: actor.name,
    },
    select: { id: true, number: true },
  });
}
