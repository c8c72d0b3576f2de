export const SITE_ROLES = ["hub", "spoke"] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

/** `frr-linux` is FRR 8.4 (as Debian 12 ships it), `frr-linux-10` FRR 10.x (Debian 13): their configs differ. */
export const PLATFORMS = ["vyos-1.4", "vyos-1.5", "frr-linux", "frr-linux-10", "cisco-ios"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const PLATFORM_LABELS: Record<Platform, string> = {
  "vyos-1.4": "VyOS 1.4",
  "vyos-1.5": "VyOS 1.5",
  "frr-linux": "FRR 8.4 on Linux",
  "frr-linux-10": "FRR 10 on Linux",
  "cisco-ios": "Cisco IOS / IOS-XE",
};

export const ROUTING_PROTOCOLS = ["bgp", "static"] as const;
export type RoutingProtocol = (typeof ROUTING_PROTOCOLS)[number];

/** single: one AS, hubs reflect routes (iBGP). per-spoke: hubs share the network ASN, every spoke has its own (eBGP). */
export const ASN_PLANS = ["single", "per-spoke"] as const;
export type AsnPlan = (typeof ASN_PLANS)[number];

/**
 * What phase-3 hubs announce instead of every spoke LAN (summary-only aggregates). auto: the tightest covering
 * set of the spokes' LANs (summaries.ts); none: no summaries, every spoke LAN is reflected as it is; custom: the
 * operator's list (bgpSummaries), which must cover every spoke LAN.
 */
export const BGP_SUMMARY_MODES = ["auto", "none", "custom"] as const;
export type BgpSummaryMode = (typeof BGP_SUMMARY_MODES)[number];

export const USER_ROLES = ["admin", "operator", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const NETWORK_DEFAULTS = {
  nhrpHoldtime: 300,
  phase: 3,
  ipsecEnabled: true,
  ikeProposal: "aes256-sha256-modp2048",
  espProposal: "aes256-sha256",
  routing: "bgp",
  asnPlan: "single",
  bgpAsn: 65000,
  asnRangeStart: 4200000000,
  asnRangeEnd: 4200099999,
  tunnelMtu: 1400,
  tcpMss: 1360,
  /** The BGP defaults of every target (RFC 4271's suggestion): configs carry no timers while these are kept. */
  bgpKeepalive: 60,
  bgpHoldtime: 180,
  bfd: false,
  bgpSummaryMode: "auto",
} as const;

/** Tunnel addresses at the low end of the prefix kept for hubs, so a hub added later still gets .1, .2, … */
export function hubReserveSize(usableHosts: number): number {
  return Math.max(1, Math.min(10, Math.floor(usableHosts / 8)));
}
