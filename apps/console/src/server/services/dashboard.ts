import type { Db } from "@dmvpn/db";
import type { SiteStatus } from "@dmvpn/protocol";
import { dashboardCounts } from "./dashboard-counts";
import { findDemoNetwork } from "./demo";
import { loadTopologyInput } from "./topology";
import {
  attentionReasons,
  attentionScore,
  buildTopology,
  type TopologyGraph,
  type TopologyInput,
} from "./topology-model";

const SERIES_MINUTES = 60;
const BUCKET_MINUTES = 2;
const SERIES_KINDS = ["registration-up", "registration-lost", "shortcut-up", "shortcut-down"];

/** Home page: counts, the sites to look at first, recent events and the last hour as a chart. */
export async function getDashboard(
  db: Db,
  now = Date.now(),
  /** the live feed's graph and input (server); without it, both are built from the database */
  live?: { graph: TopologyGraph; input: TopologyInput },
) {
  const input = live?.input ?? (await loadTopologyInput(db, now));
  const graph = live?.graph ?? buildTopology(input);
  const since = new Date(now - SERIES_MINUTES * 60_000);
  const [deploymentsFailed, awaitingApply, networks, demo, events, seriesEvents] = await Promise.all([
    db.deployment.count({ where: { status: "failed" } }),
    // agentless sites' revisions an operator still has to apply and mark applied
    db.deploymentItem.count({ where: { status: "awaiting-apply" } }),
    db.network.count(),
    findDemoNetwork(db),
    db.siteEvent.findMany({
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: 15,
      include: { site: { select: { name: true, network: { select: { name: true } } } } },
    }),
    db.siteEvent.findMany({
      where: { at: { gte: since }, kind: { in: SERIES_KINDS } },
      select: { at: true, kind: true },
      take: 100_000,
    }),
  ]);

  const counts = { networks, ...dashboardCounts(graph), deploymentsFailed, awaitingApply };

  const attention = graph.nodes
    .map((n) => ({ node: n, score: attentionScore(n) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.node.name.localeCompare(b.node.name))
    .slice(0, 10)
    .map(({ node, score }) => ({
      id: node.id,
      name: node.name,
      role: node.role,
      networkName: node.networkName,
      freshness: node.freshness,
      lastReportAt: node.lastReportAt,
      score,
      reasons: attentionReasons(node),
    }));

  return {
    counts,
    attention,
    demo,
    recentEvents: events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      kind: e.kind,
      siteId: e.siteId,
      siteName: e.site.name,
      networkName: e.site.network.name,
      detail: safeJson(e.detail),
    })),
    series: registrationSeries(input.reports, seriesEvents, now),
  };
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Registrations and shortcut routes over the last hour, reconstructed backwards from what is up now and the
 * up/down events in each bucket, so no sampling table is needed. Counts are per reporting router (a shortcut
 * appears on both spokes).
 */
export function registrationSeries(
  reports: { status: SiteStatus }[],
  events: { at: Date; kind: string }[],
  now: number,
) {
  const bucketMs = BUCKET_MINUTES * 60_000;
  const buckets = Math.ceil(SERIES_MINUTES / BUCKET_MINUTES);
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const rows = Array.from({ length: buckets }, (_, i) => ({
    t: new Date(end - (buckets - i) * bucketMs).toISOString(),
    registrations: 0,
    shortcuts: 0,
    registrationUp: 0,
    registrationLost: 0,
    shortcutUp: 0,
    shortcutDown: 0,
  }));
  for (const e of events) {
    const i = buckets - 1 - Math.floor((end - 1 - e.at.getTime()) / bucketMs);
    const row = rows[i];
    if (!row) continue;
    if (e.kind === "registration-up") row.registrationUp++;
    else if (e.kind === "registration-lost") row.registrationLost++;
    else if (e.kind === "shortcut-up") row.shortcutUp++;
    else if (e.kind === "shortcut-down") row.shortcutDown++;
  }
  let registrations = reports.reduce((sum, r) => sum + r.status.nhs.filter((n) => n.registered).length, 0);
  let shortcuts = reports.reduce((sum, r) => sum + r.status.shortcuts.length, 0);
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    row.registrations = registrations;
    row.shortcuts = shortcuts;
    registrations = Math.max(0, registrations - row.registrationUp + row.registrationLost);
    shortcuts = Math.max(0, shortcuts - row.shortcutUp + row.shortcutDown);
  }
  return rows;
}
