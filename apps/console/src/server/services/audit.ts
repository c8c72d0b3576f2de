import type { Db } from "@dmvpn/db";
import { toSpreadsheetSafeCsv } from "../csv";
import type { Actor } from "./actor";
import { type AuditReader, actorFilter, auditViewFor } from "./audit-view";

const SECRET_KEYS = new Set(["ipsecPsk", "nhrpAuth", "passwordHash", "password", "token", "credential", "secret"]);
/** Fields holding a URL (webhook receivers): receivers often take their credential in the URL itself. */
const URL_KEY = /url$/i;

/**
 * A URL as the audit log keeps it: scheme, host and port only. Userinfo, path, query and fragment are all dropped,
 * because each is a common place for a receiver's token (https://hooks.slack.com/services/T…/B…/<token>,
 * ?token=…, user:password@). Enough to tell which receiver a change was about, nothing to call it with.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "[redacted]";
  }
  const hasMore = url.pathname !== "/" || url.search !== "" || url.hash !== "";
  return `${url.protocol}//${url.host}/${hasMore ? "[redacted]" : ""}`;
}

/**
 * Copies a record for the log with secrets replaced, so the audit trail never holds a key, hash or a URL's
 * credential. Applied when writing, and again when reading, so records written before a rule existed are
 * covered too.
 */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (SECRET_KEYS.has(k)) return [k, v ? "[redacted]" : v];
        if (URL_KEY.test(k) && typeof v === "string") return [k, redactUrl(v)];
        return [k, redact(v)];
      }),
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

/** The log as the reader may see it: admins see everything, everyone else the view auditViewFor() gives. */
export async function listAuditEvents(db: Db, reader: AuditReader, q: AuditQuery) {
  const where = {
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.action ? { action: { startsWith: q.action } } : {}),
    ...(q.actor ? await actorFilter(db, reader, q.actor) : {}),
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
  const parsed = rows.map((r) => ({
    ...r,
    before: r.before ? redact(JSON.parse(r.before)) : null,
    after: r.after ? redact(JSON.parse(r.after)) : null,
  }));
  return { total, rows: await auditViewFor(db, reader, parsed) };
}

/** The most rows one export holds; narrow the filters for more. */
export const AUDIT_EXPORT_LIMIT = 100_000;

/** The filtered log as CSV (one row per event, before/after as JSON text) or JSON, newest first. */
export async function exportAuditEvents(
  db: Db,
  reader: AuditReader,
  q: Omit<AuditQuery, "page" | "pageSize">,
  format: "csv" | "json",
) {
  const rows: Awaited<ReturnType<typeof listAuditEvents>>["rows"] = [];
  for (let page = 1; rows.length < AUDIT_EXPORT_LIMIT; page++) {
    const batch = await listAuditEvents(db, reader, { ...q, page, pageSize: 1000 });
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
