import type { Db } from "@dmvpn/db";
import { toSpreadsheetSafeCsv } from "../csv";
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

/** The most rows one export holds; narrow the filters for more. */
export const AUDIT_EXPORT_LIMIT = 100_000;

/** The filtered log as CSV (one row per event, before/after as JSON text) or JSON, newest first. */
export async function exportAuditEvents(db: Db, q: Omit<AuditQuery, "page" | "pageSize">, format: "csv" | "json") {
  const rows: Awaited<ReturnType<typeof listAuditEvents>>["rows"] = [];
  for (let page = 1; rows.length < AUDIT_EXPORT_LIMIT; page++) {
    const batch = await listAuditEvents(db, { ...q, page, pageSize: 1000 });
    rows.push(...batch.rows);
    if (batch.rows.length < 1000) break;
  }
  const records = rows.slice(0, AUDIT_EXPORT_LIMIT).map((r) => ({
    at: r.at.toISOString(),
    actorType: r.actorType,
    actorName: r.actorName,
    action: r.action,
    entityType: r.entityType,
    entityName: r.entityName ?? "",
    entityId: r.entityId ?? "",
    networkId: r.networkId ?? "",
    before: r.before === null ? "" : JSON.stringify(r.before),
    after: r.after === null ? "" : JSON.stringify(r.after),
  }));
  if (format === "json") return JSON.stringify(records, null, 2);
  return toSpreadsheetSafeCsv(records);
}
