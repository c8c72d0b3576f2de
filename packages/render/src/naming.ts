import type { RenderTarget } from "./types";

/** Interface and object names, one place so status parsers and the agent agree with the renderer. */
export const TUNNEL_INTERFACE: Record<RenderTarget, string> = {
  "vyos-1.4": "tun0",
  "vyos-1.5": "tun0",
  frr: "gre1",
  "frr-10": "gre1",
  ios: "Tunnel0",
};

export const IPSEC_NAMES = {
  vyosIkeGroup: "IKE-DMVPN",
  vyosEspGroup: "ESP-DMVPN",
  vyosProfile: "DMVPN",
  /** The name nhrpd asks charon for (`tunnel protection vici profile dmvpn`). */
  swanctlConnection: "dmvpn",
  swanctlChild: "dmvpn",
  swanctlSecret: "ike-dmvpn",
  ios: "DMVPN",
} as const;

export const BGP_SPOKE_PEER_GROUP = "SPOKES";
/** The prefix list a phase-3 hub filters its fellow hubs' routes with (see BgpPlan.rejectFromHubs). */
export const BGP_FROM_HUBS_PREFIX_LIST = "DMVPN-FROM-HUBS";
export const NHRP_NFLOG_GROUP = 1;

export const IKE_LIFETIME_SECONDS = 28800;
export const ESP_LIFETIME_SECONDS = 3600;
export const DPD_INTERVAL_SECONDS = 30;
export const DPD_TIMEOUT_SECONDS = 120;

export const FILE_NAMES = {
  vyos: "commands.vyos",
  ios: "config.ios",
  greScript: "gre.sh",
  frrConf: "frr.conf",
  swanctl: "swanctl.conf",
  iptables: "iptables.sh",
} as const;
