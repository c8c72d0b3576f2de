import type { Db, PrismaClient } from "@dmvpn/db";
import { renderReadinessIssues } from "@dmvpn/inventory";
import {
  type ConfigFile,
  type ConfigTarget,
  DeploymentItemStatus,
  DeploymentScope,
  DeploymentStatus,
  ITEM_STATUSES_DEPLOYED,
} from "@dmvpn/protocol";
import { bgpTimersChanged, maskedFilesHash, RenderError, renderSiteConfig } from "@dmvpn/render";
import { z } from "zod";
import { DomainError, notFound } from "../errors";
import type { Actor } from "./actor";
import { actorNameView } from "./audit-view";
import { diffMaskedConfigFiles, diffMaskedRunning } from "./config-diff";
import { recordDeployment } from "./deployment-record";
import {
  DEFAULT_WAVE_POLICY,
  planDeploymentWaves,
  policyFromBatchSize,
  type WavePolicy,
  waveKinds,
  wavePolicySchema,
} from "./deployment-waves";
import { loadInventory } from "./inventory-store";
import { normaliseSuppliedConfig, suppliedRunningConfig } from "./mark-applied";
import { maskedRevisionHash, openRevisionFiles } from "./revision-files";
import { isAgentManaged } from "./site-management";
import { siteFilterSchema, siteFilterWhere } from "./sites";

/** Reads the running config from a connected agent, or null (the gateway provides it in the console process). */
export type RunningConfigReader = (siteId: string) => Promise<string | null>;

interface RenderedSite {
  siteId: string;
  name: string;
  role: "hub" | "spoke";
  platform: string;
  networkId: string;
  target: ConfigTarget;
  files: ConfigFile[];
  hash: string;
}

// FRR 8.4 and 10 configs are the same files, applied the same way: the agent knows one "frr" target.
const toConfigTarget = (t: string): ConfigTarget =>
  t === "ios" ? "cisco-ios" : t === "frr-10" ? "frr" : (t as ConfigTarget);

/** Render the sites' configs with the real key (they go to routers); problems name the site and field. */
export async function renderSites(db: Db, siteIds: string[]): Promise<RenderedSite[]> {
  const rows = await db.site.findMany({
    where: { id: { in: siteIds } },
    select: { id: true, name: true, networkId: true, platform: true },
  });
  if (rows.length !== new Set(siteIds).size) throw notFound("site");
  const { networks, sites, ids } = await loadInventory(db, [...new Set(rows.map((r) => r.networkId))]);
  return rows.map((row) => {
    const network = networks.find((n) => ids.get(n.name) === row.networkId);
    const members = sites.filter((s) => s.network === network?.name);
    const site = members.find((s) => s.name === row.name);
    if (!network || !site) throw notFound("site");
    const readiness = renderReadinessIssues(network, members);
    if (readiness.length)
      throw new DomainError("BAD_REQUEST", `${row.name}: ${readiness.map((i) => i.message).join("; ")}`);
    try {
      const config = renderSiteConfig({
        network,
        site,
        hubs: members.filter((s) => s.role === "hub"),
        spokes: members.filter((s) => s.role === "spoke"),
      });
      return {
        siteId: row.id,
        name: row.name,
        role: site.role,
        platform: row.platform,
        networkId: row.networkId,
        target: toConfigTarget(config.target),
        files: config.files,
        hash: config.hash,
      };
    } catch (err) {
      if (err instanceof RenderError) throw new DomainError("BAD_REQUEST", err.message);
      throw err;
    }
  });
}

/**
 * The hash each site's config would have if rendered now (null when it cannot be rendered: readiness issues):
 * compared with the deployed revision's, it says whether the inventory changed since the last deployment.
 */
export async function renderedHashes(db: Db, siteIds: string[]): Promise<Map<string, string | null>> {
  const rows = await db.site.findMany({
    where: { id: { in: siteIds } },
    select: { id: true, name: true, networkId: true },
  });
  const { networks, sites, ids } = await loadInventory(db, [...new Set(rows.map((r) => r.networkId))]);
  const out = new Map<string, string | null>();
  for (const row of rows) {
    const network = networks.find((n) => ids.get(n.name) === row.networkId);
    const members = sites.filter((s) => s.network === network?.name);
    const site = members.find((s) => s.name === row.name);
    let hash: string | null = null;
    if (network && site && renderReadinessIssues(network, members).length === 0) {
      try {
        hash = renderSiteConfig({
          network,
          site,
          hubs: members.filter((s) => s.role === "hub"),
          spokes: members.filter((s) => s.role === "spoke"),
        }).hash;
      } catch (err) {
        if (!(err instanceof RenderError)) throw err;
      }
    }
    out.set(row.id, hash);
  }
  return out;
}

/** The revision last confirmed (or found unchanged) by the agent, or marked applied by an operator (agentless). */
export async function lastDeployedRevision(db: Db, siteId: string) {
  const item = await db.deploymentItem.findFirst({
    where: { siteId, status: { in: [...ITEM_STATUSES_DEPLOYED] } },
    orderBy: { updatedAt: "desc" },
    include: { revision: true },
  });
  return item?.revision ?? null;
}

export const deploymentTargetSchema = z.union([
  z.object({ siteIds: z.array(z.string().min(1).max(64)).min(1).max(5000) }),
  z.object({ networkId: z.string().min(1).max(64) }),
  /** every site matching the sites list's filters (search, network, role, platform, tag) at the time of the call */
  z.object({ filter: siteFilterSchema }),
]);
export type DeploymentTarget = z.infer<typeof deploymentTargetSchema>;

async function resolveSiteIds(db: Db, target: DeploymentTarget): Promise<string[]> {
  if ("siteIds" in target) return [...new Set(target.siteIds)];
  if ("filter" in target) {
    const sites = await db.site.findMany({ where: siteFilterWhere(target.filter), select: { id: true }, take: 5001 });
    if (!sites.length) throw new DomainError("BAD_REQUEST", "no site matches the filter");
    if (sites.length > 5000) throw new DomainError("BAD_REQUEST", "the filter matches more than 5,000 sites");
    return sites.map((s) => s.id);
  }
  const sites = await db.site.findMany({ where: { networkId: target.networkId }, select: { id: true } });
  if (!sites.length) throw new DomainError("BAD_REQUEST", "the network has no sites");
  return sites.map((s) => s.id);
}

/**
 * What a deployment would change, per site: diff against the last deployed revision and against the running config.
 * Operators may not see the keys: diffs are masked by position and the hash is over the masked files.
 */
export async function previewDeployment(db: Db, target: DeploymentTarget, readRunning?: RunningConfigReader) {
  const rendered = await renderSites(db, await resolveSiteIds(db, target));
  return Promise.all(
    rendered.map(async (r) => {
      const deployed = await lastDeployedRevision(db, r.siteId);
      const deployedFiles = deployed ? openRevisionFiles(deployed.files) : [];
      const agent = await db.agent.findUnique({ where: { siteId: r.siteId }, select: { revokedAt: true } });
      const managed = isAgentManaged(r.platform, agent);
      // Agent-managed: the router's config as the agent reads it now. Agentless: what an operator supplied when
      // marking a revision applied. Either way compared with the deployed revision the same way.
      let running: { text: string; label: string; normalise?: (text: string) => string } | null = null;
      if (managed && readRunning) {
        const text = await readRunning(r.siteId).catch(() => null);
        if (text !== null) running = { text, label: "running" };
      } else if (!managed) {
        const supplied = await suppliedRunningConfig(db, r.siteId);
        if (supplied) {
          // A pasted config was stored normalised (line ends, trailing blanks): compare like with like.
          running = {
            text: supplied.content,
            // who supplied it is in the audit log and on the revision (names shown by the reader's role)
            label: "running (supplied when marked applied)",
            normalise: normaliseSuppliedConfig,
          };
        }
      }
      const drift =
        running === null || !deployed
          ? null
          : diffMaskedRunning(
              deployed.target,
              deployedFiles,
              running.text,
              { before: `revision ${deployed.number}`, after: running.label },
              running.normalise,
            );
      return {
        siteId: r.siteId,
        name: r.name,
        role: r.role,
        target: r.target,
        maskedHash: maskedFilesHash(r.files),
        managed,
        deployedRevision: deployed?.number ?? null,
        unchanged: deployed?.contentHash === r.hash,
        /** sessions already up keep their old timers until they restart (said in the preview) */
        bgpTimersChanged: deployed ? bgpTimersChanged(deployedFiles, r.files) : false,
        diff: diffMaskedConfigFiles(deployedFiles, r.files, {
          before: deployed ? `r${deployed.number}` : "none",
          after: "new",
        }),
        /**
         * null when no running config is known (agent unreachable; agentless: none supplied); "" when it matches
         * the deployed revision
         */
        drift,
      };
    }),
  );
}

export const deploymentOptionsSchema = z.object({
  /** equal batches of this size after one canary spoke; ignored when `wavePolicy` is given */
  batchSize: z.number().int().min(1).max(1000).optional(),
  /** how the sites are split into waves; default: hubs one at a time, one canary spoke, then growing batches */
  wavePolicy: wavePolicySchema.optional(),
  confirmWindowSeconds: z.number().int().min(10).max(3600).default(120),
});

/** The policy a deployment stored (older ones: none stored, their batch size stands for equal batches). */
export function storedWavePolicy(d: { wavePolicy: string | null; batchSize: number }): WavePolicy {
  if (d.wavePolicy === null) return policyFromBatchSize(d.batchSize);
  const parsed = wavePolicySchema.safeParse(JSON.parse(d.wavePolicy));
  return parsed.success ? parsed.data : DEFAULT_WAVE_POLICY;
}

/** Render, store a revision per site (reused when the content is the same) and queue the deployment. */
export async function createDeployment(
  db: PrismaClient,
  actor: Actor,
  target: DeploymentTarget,
  options: z.input<typeof deploymentOptionsSchema> = {},
) {
  const opts = deploymentOptionsSchema.parse(options);
  const rendered = await renderSites(db, await resolveSiteIds(db, target));
  const networkIds = [...new Set(rendered.map((r) => r.networkId))];
  const networkId = networkIds.length === 1 ? (networkIds[0] ?? null) : null;
  const policy =
    opts.wavePolicy ?? (opts.batchSize === undefined ? DEFAULT_WAVE_POLICY : policyFromBatchSize(opts.batchSize));
  const waves = planDeploymentWaves(rendered, policy);
  const scope = "networkId" in target ? "network" : rendered.length === 1 ? "site" : "selected";
  return recordDeployment(db, actor, {
    scope,
    networkId,
    batchSize: policy.firstBatch,
    wavePolicy: JSON.stringify(policy),
    confirmWindowSeconds: opts.confirmWindowSeconds,
    sites: waves.map(({ site, wave }) => ({
      siteId: site.siteId,
      wave,
      config: { target: site.target, hash: site.hash, files: site.files },
    })),
    audit: (id) => ({
      action: "deployment.created",
      entityType: "deployment",
      entityId: id,
      networkId,
      after: { scope, sites: rendered.map((r) => r.name), wavePolicy: policy },
    }),
  });
}

/** Deploy an earlier revision of one site again. */
export async function rollbackToRevision(
  db: PrismaClient,
  actor: Actor,
  revisionId: string,
  confirmWindowSeconds = 120,
) {
  const revision = await db.configRevision.findUnique({ where: { id: revisionId }, include: { site: true } });
  if (!revision) throw notFound("revision");
  const current = await lastDeployedRevision(db, revision.siteId);
  if (current?.id === revision.id)
    throw new DomainError(
      "BAD_REQUEST",
      `revision ${revision.number} is already the deployed one: nothing to roll back`,
    );
  return recordDeployment(db, actor, {
    scope: "rollback",
    networkId: revision.site.networkId,
    batchSize: 1,
    wavePolicy: null,
    confirmWindowSeconds,
    sites: [{ siteId: revision.siteId, wave: 0, revisionId }],
    audit: (deploymentId) => ({
      action: "deployment.rollback",
      entityType: "site",
      entityId: revision.siteId,
      entityName: revision.site.name,
      networkId: revision.site.networkId,
      after: { revision: revision.number, deploymentId },
    }),
  });
}

/** Whoever reads deployments: admins see creators as stored, everyone else by display name (actorNameView). */
type Reader = Pick<Actor, "role">;

export async function listDeployments(
  db: Db,
  reader: Reader,
  q: { networkId?: string; siteId?: string; take?: number },
) {
  const rows = await db.deployment.findMany({
    where: {
      ...(q.networkId ? { networkId: q.networkId } : {}),
      ...(q.siteId ? { items: { some: { siteId: q.siteId } } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: q.take ?? 50,
    include: { network: { select: { name: true } }, items: { select: { status: true } } },
  });
  const creator = await actorNameView(db, reader);
  return rows.map(({ items, network, ...d }) => ({
    ...d,
    createdBy: creator(d.createdBy),
    scope: DeploymentScope.parse(d.scope),
    status: DeploymentStatus.parse(d.status),
    network: network?.name ?? null,
    sites: items.length,
    counts: countStatuses(items),
  }));
}

export async function getDeployment(db: Db, reader: Reader, id: string) {
  const d = await db.deployment.findUnique({
    where: { id },
    include: {
      network: { select: { name: true } },
      items: {
        orderBy: [{ wave: "asc" }, { id: "asc" }],
        include: {
          site: { select: { name: true, role: true } },
          revision: { select: { id: true, number: true, files: true } },
        },
      },
    },
  });
  if (!d) throw notFound("deployment");
  const creator = await actorNameView(db, reader);
  const wavePolicy = storedWavePolicy(d);
  const kinds = waveKinds(
    d.items.map((i) => ({ wave: i.wave, role: i.site.role })),
    d.wavePolicy === null ? { canarySpokes: 1 } : wavePolicy,
  );
  return {
    ...d,
    wavePolicy,
    createdBy: creator(d.createdBy),
    scope: DeploymentScope.parse(d.scope),
    status: DeploymentStatus.parse(d.status),
    network: d.network?.name ?? null,
    items: d.items.map((i) => ({
      waveKind: kinds.get(i.wave) ?? "batch",
      id: i.id,
      siteId: i.siteId,
      site: i.site.name,
      role: i.site.role,
      wave: i.wave,
      status: DeploymentItemStatus.parse(i.status),
      error: i.error,
      markedAppliedBy: i.markedAppliedBy === null ? null : creator(i.markedAppliedBy),
      updatedAt: i.updatedAt,
      revision: i.revision.number,
      maskedHash: maskedRevisionHash(i.revision),
    })),
  };
}

/** Every revision of a site, newest first, with the deployments that carried it. */
export async function listRevisions(db: Db, reader: Reader, siteId: string) {
  const rows = await db.configRevision.findMany({
    where: { siteId },
    orderBy: { number: "desc" },
    include: {
      deploymentItems: {
        select: { deploymentId: true, status: true, updatedAt: true, markedAppliedBy: true },
        orderBy: { updatedAt: "desc" },
      },
    },
  });
  const deployed = await lastDeployedRevision(db, siteId);
  const creator = await actorNameView(db, reader);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    target: r.target,
    maskedHash: maskedRevisionHash(r),
    createdAt: r.createdAt,
    createdBy: creator(r.createdBy),
    current: deployed?.id === r.id,
    deployments: r.deploymentItems.map((d) => ({
      ...d,
      status: DeploymentItemStatus.parse(d.status),
      markedAppliedBy: d.markedAppliedBy === null ? null : creator(d.markedAppliedBy),
    })),
  }));
}

/** Unified diff of a revision against the one before it, secrets masked by position (whichever key they carry). */
export async function revisionDiff(db: Db, revisionId: string) {
  const r = await db.configRevision.findUnique({
    where: { id: revisionId },
  });
  if (!r) throw notFound("revision");
  const prev = await db.configRevision.findFirst({
    where: { siteId: r.siteId, number: { lt: r.number } },
    orderBy: { number: "desc" },
  });
  const diff = diffMaskedConfigFiles(prev ? openRevisionFiles(prev.files) : [], openRevisionFiles(r.files), {
    before: prev ? `r${prev.number}` : "none",
    after: `r${r.number}`,
  });
  return { number: r.number, previous: prev?.number ?? null, diff };
}

/** How many items are in each status (statuses with none are left out). */
function countStatuses(items: { status: string }[]): Partial<Record<DeploymentItemStatus, number>> {
  const counts: Partial<Record<DeploymentItemStatus, number>> = {};
  for (const i of items) {
    const status = DeploymentItemStatus.parse(i.status);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}
