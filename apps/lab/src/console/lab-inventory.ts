import {
  formatIssue,
  type NetworkSpec,
  networkSchema,
  type SiteSpec,
  siteInputSchema,
  tightestSummaries,
  toInventoryYaml,
  validateNetworkSites,
} from "@dmvpn/inventory";
import { SMOKE_HOLDTIME_S, smokeNetwork } from "../scenarios/smoke-inventory";
import type { LabRouterSpec } from "./lab-spec";

/**
 * The network the console lab imports through `dmvpn inventory import`: two hubs and three spokes on a simulated
 * internet (203.0.113.0/24), each spoke with a LAN. Phase 3, iBGP with the hubs as route reflectors, no IPsec
 * (Debian's strongSwan cannot do nhrpd's `tunnel protection`), and the shortest NHRP holdtime the schema allows,
 * so a shortcut's expiry can be watched. The console allocates the tunnel addresses.
 */

export const LAB_HOLDTIME_S = SMOKE_HOLDTIME_S;

/** The smoke's network (same prefix, GRE key, holdtime, iBGP), as the console will hold it. */
export const labNetwork: NetworkSpec = networkSchema.parse({
  ...smokeNetwork,
  description: "DMVPN lab: FRR routers in the lab VM",
  phase: 3,
});

interface LabSiteDef {
  name: string;
  role: "hub" | "spoke";
  publicAddress: string;
  lan?: string;
}

const DEFS: LabSiteDef[] = [
  { name: "hub1", role: "hub", publicAddress: "203.0.113.1" },
  { name: "hub2", role: "hub", publicAddress: "203.0.113.2" },
  { name: "spoke1", role: "spoke", publicAddress: "203.0.113.11", lan: "192.168.11.0/24" },
  { name: "spoke2", role: "spoke", publicAddress: "203.0.113.12", lan: "192.168.12.0/24" },
  { name: "spoke3", role: "spoke", publicAddress: "203.0.113.13", lan: "192.168.13.0/24" },
];

/** The first host of a spoke's LAN sits on its lan0, so pings have a real source and target. */
export const lanHost = (name: string): string => {
  const lan = DEFS.find((d) => d.name === name)?.lan;
  if (!lan) throw new Error(`${name} has no LAN`);
  return lan.replace(/\.0\/24$/, ".1");
};

export const labSiteNames = DEFS.map((d) => d.name);
export const labHubNames = DEFS.filter((d) => d.role === "hub").map((d) => d.name);
export const labSpokeNames = DEFS.filter((d) => d.role === "spoke").map((d) => d.name);
/** What each hub announces to the spokes instead of their LANs (phase 3). */
export const labSpokeSummaries = tightestSummaries(DEFS.flatMap((d) => (d.role === "spoke" && d.lan ? [d.lan] : [])));

export function labInventoryYaml(): string {
  const sites: SiteSpec[] = DEFS.map((d, i) => ({
    ...siteInputSchema.parse({
      name: d.name,
      role: d.role,
      platform: "frr-linux",
      wanInterface: "eth0",
      publicAddress: d.publicAddress,
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

export function labRouters(): LabRouterSpec[] {
  return DEFS.map((d) => ({
    name: d.name,
    wanAddress: `${d.publicAddress}/24`,
    lanAddresses: d.lan ? [`${lanHost(d.name)}/24`] : [],
  }));
}
