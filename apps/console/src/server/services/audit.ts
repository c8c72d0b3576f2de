import type { Db } from "@dmvpn/db";
import type { Actor } from "./actor";

const SECRET_KEYS = new Set(["ipsecPsk", "passwordHash", "password", "token", "credential", "secret"]);

/** Copies a record for the log with secrets replaced, so the audit trail never holds a key or hash. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) ? (v ? "[redacted]" : v) : redact(v)]),
    );
  }
  return value;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  entityName?: string | null;
  networkId?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      entityName: entry.entityName ?? null,
      networkId: entry.networkId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
      after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
    },
  });
}

export interface AuditQuery {
  entityType?: string;
  action?: string;
  actor?: string;
  networkId?: string;
  page: number;
  pageSize: number;
}

export async function listAuditEvents(db: Db, q: AuditQuery) {
  const where = {
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.action ? { action: { startsWith: q.action } } : {}),
    ...(q.actor ? { actorName: { contains: q.actor } } : {}),
    ...(q.networkId ? { networkId: q.networkId } : {}),
  };
  const [rows, total] = await Promise.all([
    db.auditEvent.findMany({
      where,
      orderBy: [{ at: "desc" }, { id: "desc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.auditEvent.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((r) => ({
      ...r,
      before: r.before ? (JSON.parse(r.before) as unknown) : null,
      after: r.after ? (JSON.parse(r.after) as unknown) : null,
    })),
  };
}
