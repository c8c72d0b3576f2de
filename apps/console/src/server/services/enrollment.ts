import type { Db } from "@dmvpn/db";
import type { EnrollRequest, EnrollResponse } from "@dmvpn/protocol";
import { DomainError, notFound } from "../errors";
import { type Actor, systemActor } from "./actor";
import { recordAudit } from "./audit";
import { hashSecret, newSecret } from "./credentials";

export const ENROLLMENT_TOKEN_TTL_MINUTES = 60;
/**
 * Platforms no agent can drive, whose configs are only downloaded. Empty since Cisco IOS got its proxy agent (the
 * ios-ssh driver on a Linux host next to the router); a site of any platform without an agent is config-managed.
 */
export const UNMANAGED_PLATFORMS = new Set<string>();

/** A one-time token for the site's install command; shown once, stored hashed. Older unused tokens are revoked. */
export async function createEnrollmentToken(
  db: Db,
  actor: Actor,
  siteId: string,
  ttlMinutes = ENROLLMENT_TOKEN_TTL_MINUTES,
) {
  const site = await db.site.findUnique({
    where: { id: siteId },
    select: { name: true, networkId: true, platform: true },
  });
  if (!site) throw notFound("site");
  if (UNMANAGED_PLATFORMS.has(site.platform)) {
    throw new DomainError(
      "BAD_REQUEST",
      `${site.platform} routers cannot run the agent; download their config instead`,
    );
  }
  const token = newSecret();
  const expiresAt = new Date(Date.now() + ttlMinutes * 60_000);
  await db.enrollmentToken.updateMany({
    where: { siteId, usedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await db.enrollmentToken.create({ data: { siteId, tokenHash: hashSecret(token), createdById: actor.id, expiresAt } });
  await recordAudit(db, actor, {
    action: "agent.enrollment-token-created",
    entityType: "site",
    entityId: siteId,
    entityName: site.name,
    networkId: site.networkId,
    after: { expiresAt },
  });
  return { token, expiresAt };
}

export async function revokeEnrollmentTokens(db: Db, actor: Actor, siteId: string) {
  const site = await db.site.findUnique({ where: { id: siteId }, select: { name: true, networkId: true } });
  if (!site) throw notFound("site");
  const { count } = await db.enrollmentToken.updateMany({
    where: { siteId, usedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await recordAudit(db, actor, {
    action: "agent.enrollment-token-revoked",
    entityType: "site",
    entityId: siteId,
    entityName: site.name,
    networkId: site.networkId,
  });
  return { revoked: count };
}

/**
 * Exchange a one-time token for the site's long-lived credential. The token is consumed by one conditional update,
 * so two agents racing with the same token cannot both win. A new enrolment replaces the site's previous credential.
 */
export async function enrollAgent(db: Db, request: EnrollRequest, websocketUrl: string): Promise<EnrollResponse> {
  const now = new Date();
  const tokenHash = hashSecret(request.token);
  const row = await db.enrollmentToken.findUnique({ where: { tokenHash }, include: { site: true } });
  const refused = new DomainError("UNAUTHORIZED", "unknown, used, expired or revoked enrolment token");
  if (!row) throw refused;
  const { count } = await db.enrollmentToken.updateMany({
    where: { id: row.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw refused;
  const credential = newSecret();
  const data = {
    credentialHash: hashSecret(credential),
    hostname: request.hostname,
    platform: request.platform,
    version: request.agentVersion,
    enrolledAt: now,
    revokedAt: null,
    connected: false,
    lastSeenAt: null,
  };
  await db.agent.upsert({ where: { siteId: row.siteId }, create: { siteId: row.siteId, ...data }, update: data });
  await recordAudit(db, systemActor("agent enrolment"), {
    action: "agent.enrolled",
    entityType: "site",
    entityId: row.siteId,
    entityName: row.site.name,
    networkId: row.site.networkId,
    after: { hostname: request.hostname, platform: request.platform, version: request.agentVersion },
  });
  return { siteId: row.siteId, credential, websocketUrl };
}
