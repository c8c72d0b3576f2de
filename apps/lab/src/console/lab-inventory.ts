import {
  formatIssue,
  type NetworkSpec,
  networkSchema,
  type SiteSpec,
  siteInputSchema,
  toInventoryYaml,
  validateNetworkSites,
} from "@dmvpn/inventory";
import { SMOKE_HOLDTIME_S, smokeNetwork } from "../scenarios/smoke-inventory";
import type { LabRouterSpec } from "./lab-spec";

/**
 * The network the console lab imports through `dmvpn inventory import`: two hubs and three spokes on a simulated
 * internet (203.0.113.0/24), each spoke with a LAN, spoke3 behind a NAT. Phase 3, iBGP with the hubs as route
 * reflectors, IPsec ON (PSK; the renderer's trap-policy design for stock strongSwan: one charon per router), and
 * the shortest NHRP holdtime the schema allows, so a shortcut's expiry can be watched. A mixed-version fleet: hub2
 * and spoke2 are frr-linux-10 (FRR 10.3 and strongSwan 6.0.1 from a Debian 13 root), the others the host's FRR 8.4
 * and strongSwan 5.9 (so NHRP authentication, which FRR 8.4 lacks, must be refused for this network). The console allocates the
 * tunnel addresses and the PSK. spoke4 is not imported: the scenario adds it to the running network later.
 */

export const LAB_HOLDTIME_S = SMOKE_HOLDTIME_S;

/** The smoke's network (same prefix, GRE key, holdtime, iBGP), as the console will hold it. */
export const labNetwork: NetworkSpec = networkSchema.parse({
  ...smokeNetwork,
  description: "DMVPN lab: FRR routers in the lab VM",
  phase: 3,
  ipsecEnabled: true,
  // set by the operator rather than the tightest cover of today's LANs (192.168.11.0/24, 192.168.12.0/23), so that
  // a spoke added later inside it (spoke4) changes no hub's config
  bgpSummaryMode: "custom",
  bgpSummaries: ["192.168.8.0/21"],
});

/** The NAT in front of spoke3: its SAs must go ESP-in-UDP (4500) from this public address. */
export const LAB_NAT = { name: "nat1", publicAddress: "203.0.113.100/24", insideAddress: "192.168.100.1/24" };
export const LAB_NAT_PUBLIC = LAB_NAT.publicAddress.split("/")[0] as string;

interface LabSiteDef {
  name: string;
  role: "hub" | "spoke";
  /** on the simulated internet; behind a NAT, the router's inside address (the inventory then has none) */
  publicAddress: string;
  lan?: string;
  behindNat?: boolean;
  /** added through the console during the scenario, not imported */
  late?: boolean;
  /** platform frr-linux-10: FRR 10.3 and strongSwan 6 from the Debian 13 root; the others run the host's FRR 8.4 */
  frr10?: boolean;
}

const DEFS: LabSiteDef[] = [
  { name: "hub1", role: "hub", publicAddress: "203.0.113.1" },
  { name: "hub2", role: "hub", publicAddress: "203.0.113.2", frr10: true },
  { name: "spoke1", role: "spoke", publicAddress: "203.0.113.11", lan: "192.168.11.0/24" },
  { name: "spoke2", role: "spoke", publicAddress: "203.0.113.12", lan: "192.168.12.0/24", frr10: true },
  { name: "spoke3", role: "spoke", publicAddress: "192.168.100.2", lan: "192.168.13.0/24", behindNat: true },
  // inside the hubs' existing summary of the spokes' LANs (192.168.8.0/21), so adding it changes no hub
  { name: "spoke4", role: "spoke", publicAddress: "203.0.113.14", lan: "192.168.14.0/24", late: true },
];
const IMPORTED = DEFS.filter((d) => !d.late);

/** The first host of a spoke's LAN sits on its lan0, so pings have a real source and target. */
export const lanHost = (name: string): string => {
  const lan = DEFS.find((d) => d.name === name)?.lan;
  if (!lan) throw new Error(`${name} has no LAN`);
  return lan.replace(/\.0\/24$/, ".1");
};

export const labSiteNames = IMPORTED.map((d) => d.name);
/** the FRR a site's platform promises, as `show version` prints it */
export const FRR_VERSION_OF_PLATFORM: Record<string, string> = { "frr-linux": "8.4", "frr-linux-10": "10.3" };
const platformOf = (d: LabSiteDef) => (d.frr10 ? "frr-linux-10" : "frr-linux");
export const labHubNames = IMPORTED.filter((d) => d.role === "hub").map((d) => d.name);
export const labSpokeNames = IMPORTED.filter((d) => d.role === "spoke").map((d) => d.name);
/** What each hub announces to the spokes instead of their LANs (phase 3). */
export const labSpokeSummaries = labNetwork.bgpSummaries;

/** The spoke the scenario adds through the console API, as the site it creates. */
export function lateSpokeInput(): Record<string, unknown> {
  const d = DEFS.find((x) => x.late);
  if (!d?.lan) throw new Error("the lab has no late spoke");
  return {
    name: d.name,
    role: d.role,
    platform: platformOf(d),
    wanInterface: "eth0",
    publicAddress: d.publicAddress,
    lanPrefixes: [d.lan],
    tags: ["lab"],
  };
}
export const LATE_SPOKE = DEFS.find((d) => d.late)?.name as string;

export function labInventoryYaml(): string {
  const sites: SiteSpec[] = IMPORTED.map((d, i) => ({
    ...siteInputSchema.parse({
      name: d.name,
      role: d.role,
      platform: platformOf(d),
      wanInterface: "eth0",
      publicAddress: d.behindNat ? "" : d.publicAddress,
      behindNat: d.behindNat ?? false,
      lanPrefixes: d.lan ? [d.lan] : [],
      tags: ["lab"],
    }),
    network: labNetwork.name,
    // only for the check below: the import leaves tunnel addresses to the console's allocator
    tunnelAddress: `10.255.0.${i + 1}`,
  }));
  const issues = validateNetworkSites(labNetwork, sites);
  if (issues.length) throw new Error(`lab inventory is invalid: ${issues.map(formatIssue).join("; ")}`);
  const yaml = toInventoryYaml({ networks: [labNetwork], sites }, { includeSecrets: false });
  return yaml.replace(/^\s*tunnelAddress: .*\n/gm, "");
}

/** `frrRoot`: the Debian 13 root (scripts/debian-root.mjs) the frr-linux-10 routers run from */
export function labRouters(frrRoot: string): LabRouterSpec[] {
  return DEFS.map((d) => ({
    name: d.name,
    frrRoot: d.frr10 ? frrRoot : undefined,
    wanAddress: `${d.publicAddress}/24`,
    behindNat: d.behindNat ? LAB_NAT.name : undefined,
    lanAddresses: d.lan ? [`${lanHost(d.name)}/24`] : [],
  }));
}
