import type { Db } from "@dmvpn/db";
import { notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { secretMatches } from "./credentials";
import { UNMANAGED_PLATFORMS } from "./enrollment";

/** The agent card on the site page: online/offline with last-seen time, or why the site has no agent. */
export async function getSiteAgent(db: Db, siteId: string) {
  const site = await db.site.findUnique({
    where: { id: siteId },
    select: {
      platform: true,
      agent: true,
      enrollmentTokens: {
        where: { usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
        select: { expiresAt: true },
        orderBy: { createdAt: "desc" },
        take: 1,
      },
    },
  });
  if (!site) throw notFound("site");
  const a = site.agent;
  const agent =
    a && !a.revokedAt
      ? {
          hostname: a.hostname,
          platform: a.platform,
          version: a.version,
          enrolledAt: a.enrolledAt,
          lastSeenAt: a.lastSeenAt,
          connected: a.connected,
        }
      : null;
  return {
    /** false for platforms that cannot run the agent (their status shows "unmanaged") */
    agentCapable: !UNMANAGED_PLATFORMS.has(site.platform),
    agent,
    pendingTokenExpiresAt: site.enrollmentTokens[0]?.expiresAt ?? null,
  };
}

/** Online/offline of every enrolled agent, for lists. */
export async function listAgentStates(db: Db, siteIds?: string[]) {
  const rows = await db.agent.findMany({
    where: { revokedAt: null, ...(siteIds ? { siteId: { in: siteIds } } : {}) },
    select: { siteId: true, connected: true, lastSeenAt: true },
  });
  return rows;
}

/** The credential check the gateway runs on every hello. */
export async function authenticateAgent(db: Db, siteId: string, credential: string) {
  const agent = await db.agent.findUnique({ where: { siteId }, include: { site: { select: { networkId: true } } } });
  if (!agent || agent.revokedAt || !secretMatches(credential, agent.credentialHash)) return null;
  return {
    siteId,
    networkId: agent.site.networkId,
    stored: { hostname: agent.hostname, version: agent.version, platform: agent.platform },
  };
}

export async function revokeAgentCredential(db: Db, actor: Actor, siteId: string) {
  const site = await db.site.findUnique({
    where: { id: siteId },
    select: { name: true, networkId: true, agent: true },
  });
  if (!site) throw notFound("site");
  if (!site.agent || site.agent.revokedAt) throw notFound("enrolled agent");
  await db.agent.update({ where: { siteId }, data: { revokedAt: new Date(), connected: false } });
  await recordAudit(db, actor, {
    action: "agent.credential-revoked",
    entityType: "site",
    entityId: siteId,
    entityName: site.name,
    networkId: site.networkId,
  });
}
