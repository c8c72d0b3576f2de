import type { Db } from "@dmvpn/db";
import { ITEM_STATUSES_DEPLOYED, SiteStatus } from "@dmvpn/protocol";
import { z } from "zod";
import { renderedHashes } from "./deployments";
import { isAgentManaged } from "./site-management";
import type { LatestStatus } from "./status-rows";

export const siteStatesInputSchema = z.object({
  siteIds: z.array(z.string().min(1).max(64)).max(200, "at most 200 sites at a time"),
});

/**
 * `in-sync`: the inventory renders to the deployed revision. `pending`: the inventory changed since (a deployment
 * would change the router). `never-deployed`: no revision was ever confirmed or marked applied. `unknown`: the
 * config cannot be rendered now (the network is not ready).
 */
export const DRIFT_STATES = ["in-sync", "pending", "never-deployed", "unknown"] as const;

export const siteStateOutput = z.object({
  siteId: z.string(),
  management: z.enum(["agent", "config-managed"]),
  /** agent-managed only: whether the agent is connected now */
  online: z.boolean().nullable(),
  lastSeenAt: z.date().nullable(),
  /**
   * spokes with a status report: hubs registered with as of `statusAt` (stale when the agent is offline);
   * null for hubs and sites without a report
   */
  registeredHubs: z.object({ registered: z.number().int(), configured: z.number().int() }).nullable(),
  statusAt: z.date().nullable(),
  deployedRevision: z.number().int().nullable(),
  deployedAt: z.date().nullable(),
  drift: z.enum(DRIFT_STATES),
});
export type SiteState = z.infer<typeof siteStateOutput>;

/**
 * The sites list's state column for a page of sites: a few queries for the whole page, not per site. `latest` is the
 * gateway's in-memory status of connected sites (heldLatestStatus), newer than the database's by up to a flush.
 */
export async function listSiteStates(db: Db, siteIds: string[], latest?: LatestStatus): Promise<SiteState[]> {
  const ids = [...new Set(siteIds)];
  if (!ids.length) return [];
  const [sites, agents, statuses, deployedItems, hashes] = await Promise.all([
    db.site.findMany({ where: { id: { in: ids } }, select: { id: true, platform: true } }),
    db.agent.findMany({
      where: { siteId: { in: ids } },
      select: { siteId: true, revokedAt: true, connected: true, lastSeenAt: true },
    }),
    db.siteStatus.findMany({
      where: { siteId: { in: ids } },
      select: { siteId: true, status: true, collectedAt: true },
    }),
    db.deploymentItem.findMany({
      where: { siteId: { in: ids }, status: { in: [...ITEM_STATUSES_DEPLOYED] } },
      orderBy: { updatedAt: "desc" },
      select: { siteId: true, updatedAt: true, revision: { select: { number: true, contentHash: true } } },
    }),
    renderedHashes(db, ids),
  ]);
  const agentOf = new Map(agents.map((a) => [a.siteId, a]));
  const statusOf = new Map(statuses.map((s) => [s.siteId, s]));
  const deployedOf = new Map<string, (typeof deployedItems)[number]>();
  // newest first: the first item per site is its deployed revision (as lastDeployedRevision picks it)
  for (const item of deployedItems) if (!deployedOf.has(item.siteId)) deployedOf.set(item.siteId, item);

  return sites.map((site) => {
    const agent = agentOf.get(site.id) ?? null;
    const managed = isAgentManaged(site.platform, agent);
    const held = managed ? latest?.(site.id) : null;
    const stored = held ? null : statusOf.get(site.id);
    const parsed = stored && managed ? SiteStatus.safeParse(JSON.parse(stored.status)) : null;
    const status = held?.status ?? (parsed?.success ? parsed.data : null);
    const collectedAt = held ? new Date(held.status.collectedAt) : (stored?.collectedAt ?? null);
    const deployed = deployedOf.get(site.id);
    const hash = hashes.get(site.id) ?? null;
    return {
      siteId: site.id,
      management: managed ? "agent" : "config-managed",
      online: managed ? Boolean(agent?.connected) : null,
      lastSeenAt: managed ? (agent?.lastSeenAt ?? null) : null,
      registeredHubs:
        status && status.nhs.length
          ? { registered: status.nhs.filter((n) => n.registered).length, configured: status.nhs.length }
          : null,
      statusAt: status ? collectedAt : null,
      deployedRevision: deployed?.revision.number ?? null,
      deployedAt: deployed?.updatedAt ?? null,
      drift: !deployed
        ? "never-deployed"
        : hash === null
          ? "unknown"
          : hash === deployed.revision.contentHash
            ? "in-sync"
            : "pending",
    };
  });
}
