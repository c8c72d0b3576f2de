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
    for (const site of d.sites) {
      if (!("revisionId" in site)) continue;
      const r = await tx.configRevision.findUniqueOrThrow({
        where: { id: site.revisionId },
        select: { id: true, number: true, siteId: true },
      });
      if (r.siteId !== site.siteId) throw new Error(`revision ${r.id} is not a revision of site ${site.siteId}`);
      revisions.set(site.siteId, r);
    }
    const configs = d.sites.flatMap((s) => ("config" in s ? [{ siteId: s.siteId, ...s.config }] : []));
    for (const [siteId, r] of await storeRevisions(tx, actor, configs)) revisions.set(siteId, r);
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
            // every site was given a revision above
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

type SiteConfig = { siteId: string; target: ConfigTarget; hash: string; files: ConfigFile[] };

/**
 * Each site's newest revision when its content is the same, else a new revision numbered one past the site's counter.
 * The counter rows are written first, one site at a time in id order: on PostgreSQL the write locks the row until
 * this transaction ends (SQLite has one writer at a time anyway), so a concurrent deployment of the same site waits
 * there and then reads what this one stored; the fixed order means two deployments of overlapping sites never wait
 * for each other in a cycle (PostgreSQL would abort one as a deadlock). Numbers stay consecutive: a counter only
 * advances when a revision is stored. The rest is a few statements for all sites together.
 */
async function storeRevisions(tx: Db, actor: Actor, configs: SiteConfig[]) {
  const sorted = [...configs].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
  const last = new Map<string, number>();
  for (const c of sorted) {
    const counter = await tx.siteRevisionCounter.upsert({
      where: { siteId: c.siteId },
      create: { siteId: c.siteId, lastNumber: 0 },
      // a write that changes nothing, for its lock
      update: { lastNumber: { increment: 0 } },
    });
    last.set(c.siteId, counter.lastNumber);
  }
  // the newest revisions, in chunks (query parameter limits): a superset by (site, number), narrowed to each
  // site's own newest below
  const newest = new Map<string, { id: string; number: number; contentHash: string; target: string }>();
  for (let i = 0; i < sorted.length; i += 500) {
    const chunk = sorted.slice(i, i + 500).filter((c) => (last.get(c.siteId) ?? 0) > 0);
    if (!chunk.length) continue;
    const rows = await tx.configRevision.findMany({
      where: {
        siteId: { in: chunk.map((c) => c.siteId) },
        number: { in: [...new Set(chunk.map((c) => last.get(c.siteId) ?? 0))] },
      },
      select: { id: true, siteId: true, number: true, contentHash: true, target: true },
    });
    for (const r of rows) if (r.number === last.get(r.siteId)) newest.set(r.siteId, r);
  }
  const out = new Map<string, { id: string; number: number }>();
  const fresh: SiteConfig[] = [];
  for (const c of sorted) {
    const latest = newest.get(c.siteId);
    if (latest && latest.contentHash === c.hash && latest.target === c.target) out.set(c.siteId, latest);
    else fresh.push(c);
  }
  if (!fresh.length) return out;
  // in chunks: one statement of every row would pass SQLite's limit on query parameters (P2029)
  for (let i = 0; i < fresh.length; i += 100) {
    const created = await tx.configRevision.createManyAndReturn({
      data: fresh.slice(i, i + 100).map((c) => ({
        siteId: c.siteId,
        number: (last.get(c.siteId) ?? 0) + 1,
        target: c.target,
        contentHash: c.hash,
        files: sealRevisionFiles(c.files),
        createdBy: actor.name,
      })),
      select: { id: true, siteId: true, number: true },
    });
    for (const r of created) out.set(r.siteId, r);
  }
  for (let i = 0; i < fresh.length; i += 500) {
    await tx.siteRevisionCounter.updateMany({
      where: { siteId: { in: fresh.slice(i, i + 500).map((c) => c.siteId) } },
      data: { lastNumber: { increment: 1 } },
    });
  }
  return out;
}
