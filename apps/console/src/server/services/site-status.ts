import { type Db, type Prisma, sqlDialect } from "@dmvpn/db";
import { SiteStatus } from "@dmvpn/protocol";
import { notFound } from "../errors";
import { getSiteAgent } from "./agents";
import { mergeStatusReport, type StatusReport, type StoredStatus } from "./status-merge";
import { cachedStatus, type LatestStatus, STATUS_ROW_KINDS, type StatusRowKind } from "./status-rows";

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

/** Where LatestStatuses sends its writes: the gateway's BatchWriter (one transaction per batch). */
export type StatusWriter = (queries: Prisma.PrismaPromise<unknown>[]) => Promise<void>;

/**
 * The latest status of every reporting site, held in memory and written to the database in batches. A delta is
 * merged into the copy here (no read, parse and validation of the stored JSON per report) and the site is marked
 * dirty; every `flushMs` the dirty sites are written together. Only a site's first delta after a restart reads its
 * stored status. The bus event goes out at once, so browsers do not wait for the write.
 */
export class LatestStatuses {
  private readonly latest = new Map<string, StoredStatus & { receivedAt: Date }>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  /** when each big status may be written next (see `writeBytesPerSecond`) */
  private readonly notBefore = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly write: StatusWriter,
    private readonly options: {
      flushMs?: number;
      /**
       * A hub with 10,000 spokes has a 9 MB status and writing it takes seconds (Prisma, measured 1.7–4 s on the
       * 2-core machine): its repeated writes are spaced to this many bytes per second (a 9 MB status about every
       * 35 s; a spoke's few KB still every flush). The latest status is in memory meanwhile, and stop() writes all.
       */
      writeBytesPerSecond?: number;
      log?: (msg: string, fields?: Record<string, unknown>) => void;
    } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(true), this.options.flushMs ?? 1000);
    this.timer.unref();
  }

  /** Stops the timer after writing what is still dirty. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  get(siteId: string): (StoredStatus & { receivedAt: Date }) | null {
    return this.latest.get(siteId) ?? null;
  }

  /** Merge one status message; returns the new status, or the verdict that stopped it (as storeStatusReport). */
  async report(siteId: string, report: StatusReport) {
    const stored =
      report.kind === "snapshot" ? null : (this.latest.get(siteId) ?? (await loadStoredStatus(this.db, siteId)));
    const { next, verdict } = mergeStatusReport(stored, report);
    if (!next) return { verdict, status: null };
    this.latest.set(siteId, { ...next, receivedAt: new Date() });
    this.dirty.add(siteId);
    return { verdict, status: next };
  }

  /**
   * Writes the dirty statuses (one batch); statuses that change meanwhile stay dirty for the next flush. `spaced`
   * (the timer's flush) leaves a big status that was written lately for a later flush.
   */
  async flush(spaced = false): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.dirty.size) return;
    const now = Date.now();
    const ids = spaced ? [...this.dirty].filter((id) => (this.notBefore.get(id) ?? 0) <= now) : [...this.dirty];
    for (const id of ids) this.dirty.delete(id);
    const bytesPerSecond = this.options.writeBytesPerSecond ?? 256 * 1024;
    const rows: StatusRow[] = [];
    for (const siteId of ids) {
      const s = this.latest.get(siteId);
      if (!s) continue;
      const row = {
        siteId,
        seq: s.seq,
        status: JSON.stringify(s.status),
        collectedAt: new Date(s.status.collectedAt),
        receivedAt: s.receivedAt,
      };
      const gapMs = (row.status.length / bytesPerSecond) * 1000;
      if (gapMs >= (this.options.flushMs ?? 1000)) this.notBefore.set(siteId, now + Math.min(gapMs, 120_000));
      else this.notBefore.delete(siteId);
      rows.push(row);
    }
    // A few multi-row upserts instead of one Prisma upsert per site: at 5,000 agents (500 statuses a second) Prisma's
    // per-query work was a fifth of the console's time. A chunk that fails (a site deleted since its report) is
    // written again site by site, so that site fails alone (and is forgotten).
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < rows.length; i += STATUS_ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + STATUS_ROWS_PER_STATEMENT);
      jobs.push(this.write([upsertStatusesQuery(this.db, chunk)]).catch(() => this.writeOneByOne(chunk)));
    }
    this.flushing = Promise.all(jobs).then(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writeOneByOne(rows: StatusRow[]) {
    await Promise.all(
      rows.map(({ siteId, ...data }) =>
        this.write([this.db.siteStatus.upsert({ where: { siteId }, create: { siteId, ...data }, update: data })]).catch(
          (e: unknown) => {
            this.options.log?.("could not write a latest status", { siteId, error: (e as Error).message });
            this.latest.delete(siteId);
          },
        ),
      ),
    );
  }
}

export interface StatusRow {
  siteId: string;
  seq: number;
  status: string;
  collectedAt: Date;
  receivedAt: Date;
}

/** rows per upsert statement: 5 parameters each, far below SQLite's and PostgreSQL's limits */
export const STATUS_ROWS_PER_STATEMENT = 200;

/** One INSERT … ON CONFLICT DO UPDATE for many sites' latest statuses (same syntax on SQLite and PostgreSQL). */
export function upsertStatusesQuery(db: Db, rows: StatusRow[]) {
  const dialect = sqlDialect(db);
  const params: unknown[] = [];
  const values = rows.map((r) => {
    const at = params.length;
    params.push(r.siteId, r.seq, r.status, r.collectedAt, r.receivedAt);
    return `(${[0, 1, 2, 3, 4].map((k) => dialect.param(at + k)).join(", ")})`;
  });
  const columns = ["seq", "status", "collectedAt", "receivedAt"].map((c) => `"${c}" = excluded."${c}"`);
  return db.$executeRawUnsafe(
    `INSERT INTO ${dialect.table("SiteStatus")} ("siteId", "seq", "status", "collectedAt", "receivedAt") VALUES ${values.join(", ")} ON CONFLICT ("siteId") DO UPDATE SET ${columns.join(", ")}`,
    ...params,
  );
}

export async function recordSiteEvents(
  db: Db,
  siteId: string,
  networkId: string,
  events: { kind: string; at: string | Date; [k: string]: unknown }[],
) {
  if (!events.length) return;
  await siteEventsQuery(db, siteId, networkId, events);
}

/** The insert of a site's events, not yet run: for a batch transaction (`$transaction([...])`, BatchWriter). */
export function siteEventsQuery(
  db: Db,
  siteId: string,
  networkId: string,
  events: { kind: string; at: string | Date; [k: string]: unknown }[],
) {
  return db.siteEvent.createMany({
    data: events.map(({ kind, at, ...detail }) => ({
      siteId,
      networkId,
      kind,
      at: new Date(at),
      detail: JSON.stringify(detail),
    })),
  });
}

export interface EventRetention {
  /** events older than this are deleted */
  maxAgeDays: number;
  /** beyond this many, the oldest are deleted */
  maxRows: number;
}

export const DEFAULT_EVENT_RETENTION: EventRetention = { maxAgeDays: 30, maxRows: 1_000_000 };

/**
 * Deletes events past the retention: older than maxAgeDays, then the oldest beyond maxRows. Both are range deletes
 * on the `at` index. Returns how many went.
 */
export async function pruneSiteEvents(db: Db, retention: EventRetention, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - retention.maxAgeDays * 86_400_000);
  const { count: old } = await db.siteEvent.deleteMany({ where: { at: { lt: cutoff } } });
  const boundary = await db.siteEvent.findFirst({
    orderBy: [{ at: "desc" }, { id: "desc" }],
    skip: retention.maxRows,
    select: { at: true },
  });
  if (!boundary) return old;
  // everything at or before the first event past the limit (ties at that instant go too: a few rows, never more)
  const { count: extra } = await db.siteEvent.deleteMany({ where: { at: { lte: boundary.at } } });
  return old + extra;
}

/**
 * The status page: agent state, the latest status with its age, and recent events. With `listLimit` each list
 * holds at most that many rows (a hub's 10,000 are read page by page with getStatusRows) and `listTotals` says how
 * many there are.
 */
export async function getSiteStatusView(
  db: Db,
  siteId: string,
  options: { eventLimit?: number; listLimit?: number; latest?: LatestStatus } = {},
) {
  const { eventLimit = 100, listLimit, latest } = options;
  const site = await db.site.findUnique({
    where: { id: siteId },
    select: { id: true, name: true, role: true, platform: true, networkId: true },
  });
  if (!site) throw notFound("site");
  const [agent, stored, events] = await Promise.all([
    getSiteAgent(db, siteId),
    cachedStatus(db, siteId, latest),
    db.siteEvent.findMany({ where: { siteId }, orderBy: [{ at: "desc" }, { id: "desc" }], take: eventLimit }),
  ]);
  const full = stored?.status ?? null;
  const listTotals = full
    ? (Object.fromEntries(STATUS_ROW_KINDS.map((k) => [k, full[k].length])) as Record<StatusRowKind, number>)
    : null;
  const status =
    full && listLimit !== undefined
      ? ({
          ...full,
          ...Object.fromEntries(STATUS_ROW_KINDS.map((k) => [k, full[k].slice(0, listLimit)])),
        } as typeof full)
      : full;
  return {
    site,
    managed: agent.agent !== null,
    agentCapable: agent.agentCapable,
    agent: agent.agent,
    status,
    listTotals,
    seq: stored?.seq ?? null,
    receivedAt: stored?.receivedAt ?? null,
    events: events.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind,
      detail: JSON.parse(e.detail) as Record<string, unknown>,
    })),
  };
}
