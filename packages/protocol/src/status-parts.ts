import { z } from "zod";
import {
  BgpNeighbor,
  DmvpnPeer,
  IpsecSa,
  NhrpCacheEntry,
  NhrpShortcut,
  NhsRegistration,
  type SiteStatus,
  STATUS_LIST_LIMITS,
  TunnelInterfaceStatus,
} from "./status";

/**
 * A hub's status grows with its spokes (~0.9 KB each): past ~1,100 spokes a snapshot no longer fits one frame.
 * Such a snapshot goes out as ordered parts, each a slice of the status' rows (whole rows, lists in a fixed order),
 * each under the frame limit, each validated like any message. The receiver assembles them in order
 * (`StatusPartAssembler`) and then treats the result as one snapshot with the parts' `seq`.
 */
export const STATUS_PART_MAX = 64;

/** The lists in the order their rows are cut into parts. */
export const STATUS_PART_LISTS = [
  "tunnels",
  "nhs",
  "nhrpCache",
  "shortcuts",
  "dmvpnPeers",
  "ipsecSas",
  "bgpNeighbors",
] as const;
type PartList = (typeof STATUS_PART_LISTS)[number];

export const StatusPartRows = z
  .strictObject({
    tunnels: z.array(TunnelInterfaceStatus).max(STATUS_LIST_LIMITS.tunnels),
    nhs: z.array(NhsRegistration).max(STATUS_LIST_LIMITS.nhs),
    nhrpCache: z.array(NhrpCacheEntry).max(STATUS_LIST_LIMITS.nhrpCache),
    shortcuts: z.array(NhrpShortcut).max(STATUS_LIST_LIMITS.shortcuts),
    dmvpnPeers: z.array(DmvpnPeer).max(STATUS_LIST_LIMITS.dmvpnPeers),
    ipsecSas: z.array(IpsecSa).max(STATUS_LIST_LIMITS.ipsecSas),
    bgpNeighbors: z.array(BgpNeighbor).max(STATUS_LIST_LIMITS.bgpNeighbors),
  })
  .partial();
export type StatusPartRows = z.infer<typeof StatusPartRows>;

export const StatusPart = z
  .strictObject({
    /** the snapshot's seq: the same in every part */
    seq: z.number().int().nonnegative(),
    /** names one snapshot's parts, so parts of two snapshots are never mixed */
    snapshotId: z.string().min(1).max(64),
    index: z
      .number()
      .int()
      .min(0)
      .max(STATUS_PART_MAX - 1),
    count: z.number().int().min(1).max(STATUS_PART_MAX),
    collectedAt: z.iso.datetime(),
    rows: StatusPartRows,
  })
  .refine((p) => p.index < p.count, { message: "index must be below count", path: ["index"] });
export type StatusPart = z.infer<typeof StatusPart>;

/** Room kept in every part for the envelope (`{"v":1,"type":"status-part","payload":{…}}`) and the list names. */
const ENVELOPE_RESERVE = 1024;

export class StatusTooLargeError extends Error {}

/**
 * Cut a status into parts whose frames stay within `maxFrameBytes` (UTF-8). Rows are whole and keep their order.
 * Throws StatusTooLargeError when one row alone does not fit, or more than `STATUS_PART_MAX` parts would be needed.
 */
export function splitStatus(
  status: SiteStatus,
  options: { seq: number; snapshotId: string; maxFrameBytes: number },
): StatusPart[] {
  const budget = options.maxFrameBytes - ENVELOPE_RESERVE;
  const slices: StatusPartRows[] = [];
  let rows: Record<string, unknown[]> = {};
  let size = 0;
  for (const list of STATUS_PART_LISTS) {
    const listOverhead = list.length + 6; // "name":[],
    for (const row of status[list] as unknown[]) {
      const rowBytes = Buffer.byteLength(JSON.stringify(row), "utf8") + 1;
      if (rowBytes + listOverhead > budget) {
        throw new StatusTooLargeError(`a ${list} row of ${rowBytes} bytes does not fit a frame`);
      }
      const extra = rowBytes + (rows[list] ? 0 : listOverhead);
      if (size + extra > budget) {
        slices.push(rows as StatusPartRows);
        rows = {};
        size = 0;
      }
      if (!rows[list]) {
        rows[list] = [];
        size += listOverhead;
      }
      rows[list].push(row);
      size += rowBytes;
    }
  }
  slices.push(rows as StatusPartRows);
  if (slices.length > STATUS_PART_MAX) {
    throw new StatusTooLargeError(`the status needs ${slices.length} parts, more than ${STATUS_PART_MAX}`);
  }
  return slices.map((r, index) => ({
    seq: options.seq,
    snapshotId: options.snapshotId,
    index,
    count: slices.length,
    collectedAt: status.collectedAt,
    rows: r,
  }));
}

export type PartVerdict =
  /** more parts to come */
  | { kind: "pending" }
  | { kind: "complete"; seq: number; status: SiteStatus }
  /** a part of a snapshot already rejected: dropped quietly (its first fault was reported once) */
  | { kind: "ignored" }
  | { kind: "rejected"; reason: string };

interface Assembly {
  snapshotId: string;
  seq: number;
  count: number;
  collectedAt: string;
  next: number;
  startedAt: number;
  rows: { [K in PartList]: SiteStatus[K] };
}

/**
 * Receiver side, one per connection: accepts parts strictly in order (0, 1, …, count-1) for one snapshot at a time.
 * A new part 0 abandons any snapshot still being assembled (the sender gave up on it). A part that is out of order,
 * a duplicate, disagrees with its first part, arrives after `ttlMs`, or pushes a list past its limit discards the
 * snapshot being assembled and is rejected with the reason; the rest of that snapshot's parts are then ignored.
 * Memory: at most one snapshot per connection, at most STATUS_PART_MAX frames of rows, lists within their limits.
 */
export class StatusPartAssembler {
  private current: Assembly | null = null;
  private discarded: string | null = null;
  private readonly ttlMs: number;
  private readonly clock: () => number;

  constructor(options: { ttlMs?: number; clock?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
  }

  /** true while a snapshot is partly received */
  get assembling(): boolean {
    return this.current !== null;
  }

  accept(part: StatusPart): PartVerdict {
    const now = this.clock();
    if (part.index === 0) {
      if (part.snapshotId === this.current?.snapshotId) {
        return this.reject(`part 0 of snapshot ${part.snapshotId} is a duplicate`);
      }
      if (part.snapshotId === this.discarded) return { kind: "ignored" };
      this.discarded = null;
      this.current = {
        snapshotId: part.snapshotId,
        seq: part.seq,
        count: part.count,
        collectedAt: part.collectedAt,
        next: 0,
        startedAt: now,
        rows: { tunnels: [], nhs: [], nhrpCache: [], shortcuts: [], dmvpnPeers: [], ipsecSas: [], bgpNeighbors: [] },
      };
    }
    const a = this.current;
    if (!a) {
      if (part.snapshotId === this.discarded) return { kind: "ignored" };
      return this.reject(`part ${part.index} of snapshot ${part.snapshotId} arrived without its part 0`);
    }
    if (part.snapshotId !== a.snapshotId) {
      if (part.snapshotId === this.discarded) return { kind: "ignored" };
      return this.reject(
        `part ${part.index} of snapshot ${part.snapshotId} arrived while ${a.snapshotId} is assembled`,
      );
    }
    if (now - a.startedAt > this.ttlMs) {
      return this.reject(`snapshot ${a.snapshotId} expired: not complete within ${this.ttlMs} ms`);
    }
    if (part.index < a.next) return this.reject(`part ${part.index} of snapshot ${a.snapshotId} is a duplicate`);
    if (part.index > a.next) {
      return this.reject(`part ${part.index} of snapshot ${a.snapshotId} arrived before part ${a.next}`);
    }
    if (part.count !== a.count || part.seq !== a.seq || part.collectedAt !== a.collectedAt) {
      return this.reject(
        `part ${part.index} of snapshot ${a.snapshotId} disagrees with its part 0 (count, seq or time)`,
      );
    }
    for (const list of STATUS_PART_LISTS) {
      const add = part.rows[list];
      if (!add) continue;
      if (a.rows[list].length + add.length > STATUS_LIST_LIMITS[list]) {
        return this.reject(`snapshot ${a.snapshotId} is oversized: ${list} exceeds ${STATUS_LIST_LIMITS[list]} rows`);
      }
      (a.rows[list] as unknown[]).push(...add);
    }
    a.next++;
    if (a.next < a.count) return { kind: "pending" };
    this.current = null;
    return { kind: "complete", seq: a.seq, status: { collectedAt: a.collectedAt, ...a.rows } };
  }

  /** Drops a snapshot that has waited past the time limit (called now and then so an abandoned one is freed). */
  expire(): boolean {
    if (!this.current || this.clock() - this.current.startedAt <= this.ttlMs) return false;
    this.discarded = this.current.snapshotId;
    this.current = null;
    return true;
  }

  private reject(reason: string): PartVerdict {
    if (this.current) this.discarded = this.current.snapshotId;
    this.current = null;
    return { kind: "rejected", reason };
  }
}
