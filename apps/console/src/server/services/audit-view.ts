import type { Db } from "@dmvpn/db";
import type { UserRole } from "@dmvpn/inventory";

/**
 * Who may read what in the audit log (M4). Admins manage users, so they see the log as written. Operators and
 * viewers cannot list users, so the log must not list them either:
 * - actors are shown by display name, never by e-mail ("Ada Admin", "Ada Admin (API token)"; a deleted user's
 *   rows read "deleted user");
 * - entries about users and API tokens (user.*, session.*, api-token.*) show what happened and to whom (display
 *   name), without their before/after details;
 * - any e-mail address of a user inside other entries' details is replaced by that user's display name;
 * - the actor filter matches display names, so it cannot be used to test whether an e-mail has an account.
 */
export interface AuditReader {
  id: string | null;
  role: UserRole;
}

interface AuditRow {
  actorType: string;
  actorId: string | null;
  actorName: string;
  entityType: string;
  entityId: string | null;
  entityName: string | null;
  before: unknown;
  after: unknown;
}

/** Entity types whose details are account administration. */
const ACCOUNT_ENTITIES = new Set(["user", "api-token"]);
const DELETED_USER = "deleted user";
const EMAIL = /[^\s@"<>()]+@[^\s@"<>()]+\.[^\s@"<>()]+/g;

const seesEverything = (reader: AuditReader) => reader.role === "admin";

/** The where-clause for "actor contains …", by the names this reader may see. */
export async function actorFilter(db: Db, reader: AuditReader, actor: string) {
  if (seesEverything(reader)) return { actorName: { contains: actor } };
  const users = await db.user.findMany({ where: { name: { contains: actor } }, select: { id: true } });
  return {
    OR: [
      { actorType: { in: ["user", "token"] }, actorId: { in: users.map((u) => u.id) } },
      { actorType: { notIn: ["user", "token"] }, actorName: { contains: actor } },
    ],
  };
}

export async function auditViewFor<T extends AuditRow>(db: Db, reader: AuditReader, rows: T[]): Promise<T[]> {
  if (seesEverything(reader)) return rows;
  const ids = new Set<string>();
  for (const r of rows) {
    if (r.actorId && (r.actorType === "user" || r.actorType === "token")) ids.add(r.actorId);
    if (r.entityType === "user" && r.entityId) ids.add(r.entityId);
  }
  const known = await db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  const nameById = new Map(known.map((u) => [u.id, u.name]));
  const scrubText = await emailScrubber(db);
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return scrubText(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  return rows.map((r) => {
    const personName = (id: string | null) => (id && nameById.get(id)) ?? DELETED_USER;
    const actorName =
      r.actorType === "user"
        ? personName(r.actorId)
        : r.actorType === "token"
          ? `${personName(r.actorId)} (API token)`
          : (scrub(r.actorName) as string);
    const account = ACCOUNT_ENTITIES.has(r.entityType);
    const entityName = r.entityType === "user" ? personName(r.entityId) : (scrub(r.entityName) as string | null);
    return {
      ...r,
      actorName,
      entityName,
      before: account ? null : scrub(r.before),
      after: account ? null : scrub(r.after),
    };
  });
}

/** Replaces every e-mail address in a text by its user's display name ("[e-mail hidden]" for unknown ones). */
async function emailScrubber(db: Db): Promise<(text: string) => string> {
  // Every user's e-mail; one small query (consoles have few users).
  const everyone = await db.user.findMany({ select: { email: true, name: true } });
  const nameByEmail = new Map(everyone.map((u) => [u.email.toLowerCase(), u.name]));
  return (text) => text.replace(EMAIL, (m) => nameByEmail.get(m.toLowerCase()) ?? "[e-mail hidden]");
}

/** How actor names are stored outside the log (deployments, revisions): the e-mail, or "<e-mail> (token <prefix>…)". */
const TOKEN_ACTOR = /^(.*) \(token [^)]*\)$/;

/**
 * The same rule for the actor names stored with deployments and revisions (`createdBy`): admins see them as
 * stored, everyone else by display name ("Ada Admin", "Ada Admin (API token)").
 */
export async function actorNameView(db: Db, reader: Pick<AuditReader, "role">): Promise<(name: string) => string> {
  if (seesEverything({ id: null, role: reader.role })) return (name) => name;
  const scrub = await emailScrubber(db);
  return (name) => {
    const token = TOKEN_ACTOR.exec(name);
    return token ? `${scrub(token[1] ?? "")} (API token)` : scrub(name);
  };
}
