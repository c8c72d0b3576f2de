import type { Db } from "@dmvpn/db";
import { SiteStatus } from "@dmvpn/protocol";
import { isAgentManaged } from "./site-management";
import type { LatestStatus } from "./status-rows";
import type { TopologyAgent, TopologyInput, TopologyReport, TopologySite } from "./topology-model";

/** The agents' default report interval (apps/agent config statusIntervalSeconds); "stale" is twice this. */
export const REPORT_INTERVAL_MS = 10_000;

export async function loadTopologySites(db: Db): Promise<TopologySite[]> {
  const rows = await db.site.findMany({
    select: {
      id: true,
      name: true,
      role: true,
      tunnelAddress: true,
      publicAddress: true,
      latitude: true,
      longitude: true,
      platform: true,
      agent: { select: { revokedAt: true } },
      network: { select: { id: true, name: true, isDemo: true, ipsecEnabled: true } },
    },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    networkId: r.network.id,
    networkName: r.network.name,
    isDemo: r.network.isDemo,
    ipsecEnabled: r.network.ipsecEnabled,
    role: r.role === "hub" ? "hub" : "spoke",
    tunnelAddress: r.tunnelAddress,
    publicAddress: r.publicAddress,
    latitude: r.latitude,
    longitude: r.longitude,
    agentless: !isAgentManaged(r.platform, r.agent),
  }));
}

/** Stored statuses are re-validated on the way out: the JSON column is only as good as whoever wrote it. */
export async function loadTopologyReports(db: Db): Promise<TopologyReport[]> {
  const rows = await db.siteStatus.findMany({ select: { siteId: true, status: true, receivedAt: true } });
  const out: TopologyReport[] = [];
  for (const r of rows) {
    const parsed = SiteStatus.safeParse(JSON.parse(r.status));
    if (parsed.success) out.push({ siteId: r.siteId, status: parsed.data, receivedAt: r.receivedAt.getTime() });
  }
  return out;
}

export async function loadTopologyAgents(db: Db): Promise<TopologyAgent[]> {
  return db.agent.findMany({ where: { revokedAt: null }, select: { siteId: true, connected: true } });
}

/**
 * Sites, their latest reports and agents. `latest` is the gateway's in-memory copy (heldLatestStatus): the database
 * lags it by up to a batch flush, and a graph built from the database alone contradicted the status page in that
 * window (a spoke's status already showed a hub lost while the topology still drew it registered).
 */
export async function loadTopologyInput(db: Db, now = Date.now(), latest?: LatestStatus): Promise<TopologyInput> {
  const [sites, stored, agents] = await Promise.all([
    loadTopologySites(db),
    loadTopologyReports(db),
    loadTopologyAgents(db),
  ]);
  return { sites, reports: withHeldReports(sites, stored, latest), agents, now, reportIntervalMs: REPORT_INTERVAL_MS };
}

/** The stored reports with each site's held (newer) one in its place, including sites not written yet. */
export function withHeldReports(
  sites: Pick<TopologySite, "id">[],
  stored: TopologyReport[],
  latest?: LatestStatus,
): TopologyReport[] {
  if (!latest) return stored;
  const bySite = new Map(stored.map((r) => [r.siteId, r]));
  for (const { id } of sites) {
    const held = latest(id);
    if (held) bySite.set(id, { siteId: id, status: held.status, receivedAt: held.receivedAt.getTime() });
  }
  return [...bySite.values()];
}
