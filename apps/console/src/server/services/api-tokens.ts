import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@dmvpn/db";
import type { UserRole } from "@dmvpn/inventory";
import { z } from "zod";
import { DomainError, invalidInput } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { SessionUser } from "./auth";

/** Tokens look like dmvpn_<43 base64url chars>; the prefix lets people tell them apart in lists. */
const TOKEN_PREFIX = "dmvpn_";
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
/** lastUsedAt is written at most once a minute per token, so a busy script does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const API_TOKEN_SCOPES = ["read", "read-write"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export const newApiTokenSchema = z.object({
  name: z.string().trim().min(1, "is required").max(80, "must be at most 80 characters"),
  scope: z.enum(API_TOKEN_SCOPES, { error: "must be read or read-write" }),
  /** days until it expires; null: never */
  expiresInDays: z.number().int().min(1, "must be at least 1").max(3650, "must be at most 3650").nullable(),
});

export const hashApiToken = (token: string) => createHash("sha256").update(token).digest("hex");

const tokenFormat = /^dmvpn_[A-Za-z0-9_-]{43}$/;

export interface TokenAuth {
  user: SessionUser;
  token: { id: string; scope: ApiTokenScope; prefix: string };
}

const publicFields = {
  id: true,
  name: true,
  prefix: true,
  scope: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export async function createApiToken(db: Db, actor: Actor, input: z.input<typeof newApiTokenSchema>) {
  const parsed = newApiTokenSchema.safeParse(input);
  if (!parsed.success)
    throw invalidInput(parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  if (actor.type === "system") throw new DomainError("FORBIDDEN", "only users own API tokens");
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const { name, scope, expiresInDays } = parsed.data;
  const row = await db.apiToken.create({
    data: {
      userId: actor.id,
      name,
      scope,
      tokenHash: hashApiToken(token),
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      expiresAt: expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86400_000),
    },
    select: publicFields,
  });
  await recordAudit(db, actor, {
    action: "api-token.create",
    entityType: "api-token",
    entityId: row.id,
    entityName: name,
    after: { name, scope, prefix: row.prefix, expiresAt: row.expiresAt },
  });
  // The only time the token itself leaves the server.
  return { ...row, token };
}

/** A user's own tokens (admins see everyone's, with the owner). */
export async function listApiTokens(db: Db, actor: Actor) {
  const rows = await db.apiToken.findMany({
    where: actor.role === "admin" ? {} : { userId: actor.id ?? "" },
    orderBy: { createdAt: "desc" },
    select: { ...publicFields, user: { select: { email: true } } },
  });
  return rows.map(({ user, ...r }) => ({ ...r, owner: user.email }));
}

export async function revokeApiToken(db: Db, actor: Actor, id: string) {
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row || (actor.role !== "admin" && row.userId !== actor.id))
    throw new DomainError("NOT_FOUND", "token not found");
  if (row.revokedAt) return { id, revokedAt: row.revokedAt };
  const revokedAt = new Date();
  await db.apiToken.update({ where: { id }, data: { revokedAt } });
  await recordAudit(db, actor, {
    action: "api-token.revoke",
    entityType: "api-token",
    entityId: id,
    entityName: row.name,
    before: { prefix: row.prefix, scope: row.scope },
  });
  return { id, revokedAt };
}

/**
 * Revokes every live token of a user being disabled (in the caller's transaction): enabling the user again must
 * not bring tokens back that were out of the owner's control meanwhile.
 */
export async function revokeUserApiTokens(db: Db, userId: string): Promise<void> {
  await db.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** The user and scope behind a Bearer token, or null when it is unknown, revoked, expired or its user disabled. */
export async function authenticateApiToken(db: Db, token: string): Promise<TokenAuth | null> {
  if (!tokenFormat.test(token)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashApiToken(token) }, include: { user: true } });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const { user } = row;
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role as UserRole },
    token: { id: row.id, scope: row.scope as ApiTokenScope, prefix: row.prefix },
  };
}
