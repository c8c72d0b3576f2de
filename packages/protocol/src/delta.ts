import { z } from "zod";
import {
  BgpNeighbor,
  DmvpnPeer,
  IpsecSa,
  NhrpCacheEntry,
  NhrpShortcut,
  NhsRegistration,
  STATUS_LIST_MAX,
  TunnelInterfaceStatus,
} from "./status";

/** For each list in SiteStatus: rows added or changed (whole rows) and keys of rows that went away. */
const listChange = <T extends z.ZodType>(row: T) =>
  z
    .object({ upsert: z.array(row).max(STATUS_LIST_MAX), remove: z.array(z.string().max(600)).max(STATUS_LIST_MAX) })
    .partial();

export const StatusChanges = z
  .object({
    tunnels: listChange(TunnelInterfaceStatus),
    nhrpCache: listChange(NhrpCacheEntry),
    nhs: listChange(NhsRegistration),
    shortcuts: listChange(NhrpShortcut),
    dmvpnPeers: listChange(DmvpnPeer),
    ipsecSas: listChange(IpsecSa),
    bgpNeighbors: listChange(BgpNeighbor),
  })
  .partial();
export type StatusChanges = z.infer<typeof StatusChanges>;

export const StatusDelta = z.object({
  collectedAt: z.iso.datetime(),
  changes: StatusChanges,
});
export type StatusDelta = z.infer<typeof StatusDelta>;
