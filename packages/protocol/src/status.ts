import { z } from "zod";

/**
 * What an agent reports about its router. Field names are ours (not FRR's or strongSwan's) so the console does not
 * care which platform produced them; the agent's collectors translate.
 */

const text = (max = 256) => z.string().max(max);
const count = z.number().int().nonnegative();
const ipOrUnspec = text(64);

export const TunnelInterfaceStatus = z.object({
  name: text(64),
  operState: z.enum(["up", "down", "unknown"]),
  mtu: count.nullable(),
  rxBytes: count,
  txBytes: count,
  rxPackets: count,
  txPackets: count,
});
export type TunnelInterfaceStatus = z.infer<typeof TunnelInterfaceStatus>;

export const NHRP_CACHE_TYPES = [
  "invalid",
  "incomplete",
  "negative",
  "cached",
  "dynamic",
  "nhs",
  "static",
  "local",
] as const;

export const NhrpCacheEntry = z.object({
  interface: text(64),
  type: z.enum(NHRP_CACHE_TYPES),
  protocolAddress: ipOrUnspec,
  nbma: ipOrUnspec,
  /** the NBMA address the peer claimed; differs from `nbma` when the peer is behind NAT */
  claimedNbma: ipOrUnspec.nullable(),
  expiresInSeconds: count.nullable(),
  flags: z.object({ used: z.boolean(), timeout: z.boolean(), auth: z.boolean(), up: z.boolean() }),
  identity: text().nullable(),
});
export type NhrpCacheEntry = z.infer<typeof NhrpCacheEntry>;

export const NhsRegistration = z.object({
  interface: text(64),
  /** the configured server: an NBMA address or a DNS name */
  nbma: text(),
  /** the hub's tunnel address once registered, null while unregistered */
  protocolAddress: ipOrUnspec.nullable(),
  registered: z.boolean(),
});
export type NhsRegistration = z.infer<typeof NhsRegistration>;

export const NhrpShortcut = z.object({
  type: text(32),
  prefix: text(64),
  via: ipOrUnspec.nullable(),
  identity: text().nullable(),
});
export type NhrpShortcut = z.infer<typeof NhrpShortcut>;

export const IpsecChildSa = z.object({
  name: text(),
  uniqueId: text(32),
  state: text(32),
  mode: text(32).nullable(),
  bytesIn: count,
  bytesOut: count,
  packetsIn: count,
  packetsOut: count,
  installedSeconds: count.nullable(),
  localTs: z.array(text()).max(64),
  remoteTs: z.array(text()).max(64),
});
export type IpsecChildSa = z.infer<typeof IpsecChildSa>;

export const IpsecSa = z.object({
  name: text(),
  uniqueId: text(32),
  state: text(32),
  localHost: ipOrUnspec.nullable(),
  remoteHost: ipOrUnspec.nullable(),
  remoteId: text().nullable(),
  establishedSeconds: count.nullable(),
  natRemote: z.boolean(),
  children: z.array(IpsecChildSa).max(256),
});
export type IpsecSa = z.infer<typeof IpsecSa>;

export const BgpNeighbor = z.object({
  address: ipOrUnspec,
  remoteAs: z.number().int().nonnegative().nullable(),
  state: text(32),
  prefixesReceived: count.nullable(),
  uptimeSeconds: count.nullable(),
});
export type BgpNeighbor = z.infer<typeof BgpNeighbor>;

/** NBMA-to-NBMA tunnels as `show dmvpn` lists them. */
export const DmvpnPeer = z.object({
  source: ipOrUnspec,
  destination: ipOrUnspec,
  notifierActive: z.boolean(),
  installedSas: count,
  identity: text().nullable(),
});
export type DmvpnPeer = z.infer<typeof DmvpnPeer>;

/**
 * The longest list a status may carry. A hub with 10,000 spokes has 10,000 NHRP entries, 10,000 IKE SAs and as many
 * BGP sessions, with room to spare; such a status is sent in parts (`status-part`), each under the frame limit.
 */
export const STATUS_LIST_MAX = 50_000;
const LIST_MAX = STATUS_LIST_MAX;

/** The most rows each list of a status may hold (a snapshot assembled from parts is held to these too). */
export const STATUS_LIST_LIMITS = {
  tunnels: 64,
  nhrpCache: LIST_MAX,
  nhs: 256,
  shortcuts: LIST_MAX,
  dmvpnPeers: LIST_MAX,
  ipsecSas: LIST_MAX,
  bgpNeighbors: LIST_MAX,
} as const;

/** The row schema of each list. */
export const STATUS_ROW_SCHEMAS = {
  tunnels: TunnelInterfaceStatus,
  nhrpCache: NhrpCacheEntry,
  nhs: NhsRegistration,
  shortcuts: NhrpShortcut,
  dmvpnPeers: DmvpnPeer,
  ipsecSas: IpsecSa,
  bgpNeighbors: BgpNeighbor,
} as const;

export const SiteStatus = z.object({
  collectedAt: z.iso.datetime(),
  tunnels: z.array(TunnelInterfaceStatus).max(STATUS_LIST_LIMITS.tunnels),
  nhrpCache: z.array(NhrpCacheEntry).max(STATUS_LIST_LIMITS.nhrpCache),
  nhs: z.array(NhsRegistration).max(STATUS_LIST_LIMITS.nhs),
  shortcuts: z.array(NhrpShortcut).max(STATUS_LIST_LIMITS.shortcuts),
  dmvpnPeers: z.array(DmvpnPeer).max(STATUS_LIST_LIMITS.dmvpnPeers),
  ipsecSas: z.array(IpsecSa).max(STATUS_LIST_LIMITS.ipsecSas),
  bgpNeighbors: z.array(BgpNeighbor).max(STATUS_LIST_LIMITS.bgpNeighbors),
});
export type SiteStatus = z.infer<typeof SiteStatus>;

export function emptySiteStatus(collectedAt: string): SiteStatus {
  return {
    collectedAt,
    tunnels: [],
    nhrpCache: [],
    nhs: [],
    shortcuts: [],
    dmvpnPeers: [],
    ipsecSas: [],
    bgpNeighbors: [],
  };
}
