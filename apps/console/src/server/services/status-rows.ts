import type { Db } from "@dmvpn/db";
import { SiteStatus, STATUS_ROW_KEYS } from "@dmvpn/protocol";
import { notFound } from "../errors";

/** The lists of a status that can be read page by page. */
export const STATUS_ROW_KINDS = [
  "nhrpCache",
  "ipsecSas",
  "bgpNeighbors",
  "dmvpnPeers",
  "shortcuts",
  "nhs",
  "tunnels",
] as const;
export type StatusRowKind = (typeof STATUS_ROW_KINDS)[number];

export interface StatusRowsQuery {
  kind: StatusRowKind;
  /** the key of the last row of the previous page; absent for the first page */
  cursor?: string;
  limit: number;
  /** case-insensitive text every shown row contains somewhere (an address, a state, an identity) */
  filter?: string;
}

/** Tunnel addresses sort as people read them: 10.0.1.2 before 10.0.1.10. */
const collator = new Intl.Collator("en", { numeric: true });

interface SortedList {
  keys: string[];
  rows: unknown[];
  /** every text and number of the row, lower-cased, for the filter */
  haystacks: string[];
}

interface Parsed {
  stamp: string;
  seq: number;
  receivedAt: Date;
  status: SiteStatus;
  lists: Map<StatusRowKind, SortedList>;
}

function haystack(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return Object.values(value).map(haystack).join("\u0001");
  return String(value).toLowerCase();
}

/**
 * A hub's stored status is megabytes of JSON (10,000 spokes ~ 9 MB): parsed, validated and sorted once per report
 * (the row's seq and time stamp it), not per page. The last few sites read are kept.
 */
class ParsedStatusCache {
  private readonly entries = new Map<string, Parsed>();
  constructor(private readonly size: number) {}

  async get(db: Db, siteId: string, latest?: LatestStatus): Promise<Parsed | null> {
    const held = latest?.(siteId);
    if (held) {
      // the gateway's copy: newer than the database's while a big status waits for its next write; validated on entry
      const stamp = `${held.seq}@${held.receivedAt.getTime()}`;
      const hit = this.entries.get(siteId);
      if (hit?.stamp === stamp) return this.touch(siteId, hit);
      return this.touch(siteId, { stamp, ...held, lists: new Map() });
    }
    const row = await db.siteStatus.findUnique({ where: { siteId }, select: { seq: true, receivedAt: true } });
    if (!row) return null;
    const stamp = `${row.seq}@${row.receivedAt.getTime()}`;
    const hit = this.entries.get(siteId);
    if (hit?.stamp === stamp) return this.touch(siteId, hit);
    const full = await db.siteStatus.findUnique({ where: { siteId } });
    if (!full) return null;
    const valid = SiteStatus.safeParse(JSON.parse(full.status));
    if (!valid.success) return null;
    const parsed: Parsed = {
      stamp: `${full.seq}@${full.receivedAt.getTime()}`,
      seq: full.seq,
      receivedAt: full.receivedAt,
      status: valid.data,
      lists: new Map(),
    };
    return this.touch(siteId, parsed);
  }

  /** stores `parsed` as the most recently used entry, dropping the least recently used past the size */
  private touch(siteId: string, parsed: Parsed): Parsed {
    this.entries.delete(siteId);
    this.entries.set(siteId, parsed);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
    return parsed;
  }
}

const cache = new ParsedStatusCache(8);

/** The gateway's in-memory latest status of a site (AgentGateway.latestStatus), when this process has one. */
export type LatestStatus = (siteId: string) => { seq: number; receivedAt: Date; status: SiteStatus } | null;

/**
 * A site's latest status, parsed once per report (shared by the status page and the row pages): the gateway's copy
 * when given, else the stored one.
 */
export function cachedStatus(db: Db, siteId: string, latest?: LatestStatus): Promise<Parsed | null> {
  return cache.get(db, siteId, latest);
}

function sortedList(parsed: Parsed, kind: StatusRowKind): SortedList {
  const known = parsed.lists.get(kind);
  if (known) return known;
  const keyOf = STATUS_ROW_KEYS[kind] as (row: unknown) => string;
  const keyed = (parsed.status[kind] as unknown[]).map((row) => ({ key: keyOf(row), row }));
  keyed.sort((a, b) => collator.compare(a.key, b.key));
  const list = {
    keys: keyed.map((k) => k.key),
    rows: keyed.map((k) => k.row),
    haystacks: keyed.map((k) => haystack(k.row)),
  };
  parsed.lists.set(kind, list);
  return list;
}

/** First index whose key sorts after `cursor`. */
function after(keys: string[], cursor: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (collator.compare(keys[mid] as string, cursor) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page of one list of a site's latest status, sorted by the row's key (NHRP: interface and tunnel address; SA:
 * name and id; BGP: neighbour), optionally filtered by text. Keyset paging: a page continues after the key of the
 * previous page's last row, so rows coming and going between two pages neither repeat nor skip the others.
 */
export async function getStatusRows(db: Db, siteId: string, query: StatusRowsQuery, latest?: LatestStatus) {
  const site = await db.site.findUnique({ where: { id: siteId }, select: { id: true } });
  if (!site) throw notFound("site");
  const parsed = await cache.get(db, siteId, latest);
  if (!parsed) return { kind: query.kind, collectedAt: null, total: 0, matched: 0, rows: [], nextCursor: null };
  const list = sortedList(parsed, query.kind);
  const needle = query.filter?.trim().toLowerCase() ?? "";
  const rows: unknown[] = [];
  let last: string | null = null;
  let matched = 0;
  let more = false;
  const start = query.cursor === undefined ? 0 : after(list.keys, query.cursor);
  for (let i = 0; i < list.keys.length; i++) {
    if (needle && !(list.haystacks[i] as string).includes(needle)) continue;
    matched++;
    if (i < start) continue;
    if (rows.length === query.limit) {
      more = true;
      continue;
    }
    rows.push(list.rows[i]);
    last = list.keys[i] as string;
  }
  return {
    kind: query.kind,
    collectedAt: parsed.status.collectedAt,
    total: list.keys.length,
    matched,
    rows,
    nextCursor: more ? last : null,
  };
}
