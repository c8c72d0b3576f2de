import type { StatusChanges, StatusDelta } from "./delta";
import type { SiteStatus } from "./status";

type ListKey = Exclude<keyof SiteStatus, "collectedAt">;
type Row<K extends ListKey> = SiteStatus[K][number];

/** How rows of each list are identified across snapshots. */
export const STATUS_ROW_KEYS: { [K in ListKey]: (row: Row<K>) => string } = {
  tunnels: (r) => r.name,
  nhrpCache: (r) => `${r.interface}|${r.protocolAddress}`,
  nhs: (r) => `${r.interface}|${r.nbma}`,
  shortcuts: (r) => `${r.prefix}`,
  dmvpnPeers: (r) => `${r.source}|${r.destination}`,
  ipsecSas: (r) => `${r.name}|${r.uniqueId}`,
  bgpNeighbors: (r) => r.address,
};

export const STATUS_LISTS = Object.keys(STATUS_ROW_KEYS) as ListKey[];

/**
 * Each row without the fields that tick on their own (traffic counters, ages, countdowns). On a busy hub every row's
 * counters move between two collections: a delta that compares them carries the whole status every time. With
 * `ignoreCounters` a row counts as changed only when something else about it changed; the counters travel with
 * changed rows and with the periodic full report.
 */
const WITHOUT_COUNTERS: { [K in ListKey]?: (row: Row<K>) => unknown } = {
  tunnels: ({ rxBytes, txBytes, rxPackets, txPackets, ...rest }) => rest,
  nhrpCache: ({ expiresInSeconds, ...rest }) => rest,
  ipsecSas: ({ establishedSeconds, children, ...rest }) => ({
    ...rest,
    children: children.map(({ bytesIn, bytesOut, packetsIn, packetsOut, installedSeconds, ...c }) => c),
  }),
  bgpNeighbors: ({ uptimeSeconds, ...rest }) => rest,
};

export interface DiffOptions {
  /** compare rows without their counters (see WITHOUT_COUNTERS) */
  ignoreCounters?: boolean;
}

/** Key-order independent equality for JSON-like values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  return ak.every(
    (k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function diffList<K extends ListKey>(list: K, prev: Row<K>[], next: Row<K>[], options: DiffOptions) {
  const keyOf = STATUS_ROW_KEYS[list] as (row: Row<K>) => string;
  const strip = options.ignoreCounters ? (WITHOUT_COUNTERS[list] as ((row: Row<K>) => unknown) | undefined) : undefined;
  const same = strip ? (a: Row<K>, b: Row<K>) => jsonEqual(strip(a), strip(b)) : jsonEqual;
  const before = new Map(prev.map((r) => [keyOf(r), r]));
  const upsert: Row<K>[] = [];
  const seen = new Set<string>();
  for (const row of next) {
    const key = keyOf(row);
    seen.add(key);
    const old = before.get(key);
    if (!old || !same(old, row)) upsert.push(row);
  }
  const remove = [...before.keys()].filter((k) => !seen.has(k));
  return { upsert, remove };
}

/** The changes that turn `prev` into `next`; `isEmptyDelta` tells whether anything changed besides the clock. */
export function diffStatus(prev: SiteStatus, next: SiteStatus, options: DiffOptions = {}): StatusDelta {
  const changes: Record<string, { upsert?: unknown[]; remove?: string[] }> = {};
  for (const list of STATUS_LISTS) {
    const { upsert, remove } = diffList(
      list,
      prev[list] as Row<typeof list>[],
      next[list] as Row<typeof list>[],
      options,
    );
    if (upsert.length || remove.length) {
      changes[list] = {};
      if (upsert.length) changes[list].upsert = upsert;
      if (remove.length) changes[list].remove = remove;
    }
  }
  return { collectedAt: next.collectedAt, changes: changes as StatusChanges };
}

export function isEmptyDelta(delta: StatusDelta): boolean {
  return Object.keys(delta.changes).length === 0;
}

/** Apply a delta to a status; pure (returns a new object). Row order: surviving rows first, then new rows. */
export function applyDelta(status: SiteStatus, delta: StatusDelta): SiteStatus {
  const out: SiteStatus = { ...status, collectedAt: delta.collectedAt };
  for (const list of STATUS_LISTS) {
    const change = delta.changes[list] as { upsert?: Row<typeof list>[]; remove?: string[] } | undefined;
    if (!change) continue;
    const keyOf = STATUS_ROW_KEYS[list] as (row: Row<typeof list>) => string;
    const removed = new Set(change.remove ?? []);
    const upserts = new Map((change.upsert ?? []).map((r) => [keyOf(r), r]));
    const rows: Row<typeof list>[] = [];
    for (const row of status[list] as Row<typeof list>[]) {
      const key = keyOf(row);
      if (removed.has(key)) continue;
      const replacement = upserts.get(key);
      if (replacement) {
        rows.push(replacement);
        upserts.delete(key);
      } else rows.push(row);
    }
    rows.push(...upserts.values());
    (out as Record<ListKey, unknown>)[list] = rows;
  }
  return out;
}
