import type { Db } from "@dmvpn/db";
import { SiteStatus } from "@dmvpn/protocol";
import { notFound } from "../errors";
import { getSiteAgent } from "./agents";
import { mergeStatusReport, type StatusReport, type StoredStatus } from "./status-merge";

export async function loadStoredStatus(db: Db, siteId: string): Promise<StoredStatus | null> {
  const row = await db.siteStatus.findUnique({ where: { siteId } });
  if (!row) return null;
  const parsed = SiteStatus.safeParse(JSON.parse(row.status));
  return parsed.success ? { seq: row.seq, status: parsed.data } : null;
}

/** Merge one status message into the stored status; returns the new status, or the verdict that stopped it. */
export async function storeStatusReport(db: Db, siteId: string, report: StatusReport) {
  const stored = report.kind === "snapshot" ? null : await loadStoredStatus(db, siteId);
  const { next, verdict } = mergeStatusReport(stored, report);
  if (!next) return { verdict, status: null };
  const data = {
    seq: next.seq,
    status: JSON.stringify(next.status),
    collectedAt: new Date(next.status.collectedAt),
    receivedAt: new Date(),
  };
  await db.siteStatus.upsert({ where: { siteId }, create: { siteId, ...data }, update: data });
  return { verdict, status: next };
}

export async function recordSiteEvents(
  db: Db,
  siteId: string,
  networkId: string,
  events: { kind: string; at: string | Date; [k: string]: unknown }[],
) {
  if (!events.length) return;
  await db.siteEvent.createMany({
    data: events.map(({ kind, at, ...detail }) => ({
      siteId,
      networkId,
      kind,
      at: new Date(at),
      detail: JSON.stringify(detail),
    })),
  });
}

/** The status page: agent state, the latest status with its age, and recent events. */
export async function getSiteStatusView(db: Db, siteId: string, eventLimit = 100) {
  const site = await db.site.findUnique({
    where: { id: siteId },
    select: { id: true, name: true, role: true, platform: true, networkId: true },
  });
  if (!site) throw notFound("site");
  const [agent, stored, row, events] = await Promise.all([
    getSiteAgent(db, siteId),
    loadStoredStatus(db, siteId),
    db.siteStatus.findUnique({ where: { siteId }, select: { receivedAt: true } }),
    db.siteEvent.findMany({ where: { siteId }, orderBy: [{ at: "desc" }, { id: "desc" }], take: eventLimit }),
  ]);
  return {
    site,
    managed: agent.agent !== null,
    agentCapable: agent.agentCapable,
    agent: agent.agent,
    status: stored?.status ?? null,
    seq: stored?.seq ?? null,
    receivedAt: row?.receivedAt ?? null,
    events: events.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind,
      detail: JSON.parse(e.detail) as Record<string, unknown>,
    })),
  };
}
