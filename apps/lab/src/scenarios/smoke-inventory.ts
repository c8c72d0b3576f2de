import {
  formatIssue,
  type NetworkSpec,
  networkSchema,
  type SiteSpec,
  siteInputSchema,
  validateNetworkSites,
} from "@dmvpn/inventory";
import type { TopologySpec } from "../vm/topology";

/**
 * The smoke network as the console would hold it: two hubs, two public spokes and one spoke behind a NAT.
 * The lab topology (addresses on the simulated internet) is derived from the same records.
 */

export const SMOKE_HOLDTIME_S = 30;

export const smokeNetwork: NetworkSpec = networkSchema.parse({
  name: "lab",
  tunnelPrefix: "10.255.0.0/24",
  greKey: 42,
  nhrpNetworkId: 1,
  // The schema's minimum; short so the smoke can watch a shortcut expire.
  nhrpHoldtime: SMOKE_HOLDTIME_S,
  ipsecEnabled: false,
  ipsecPsk: "lab-only-psk-not-used-0123456789",
  routing: "bgp",
  asnPlan: "single",
  bgpAsn: 65000,
});

const site = (fields: Record<string, unknown>, tunnelAddress: string): SiteSpec => ({
  ...siteInputSchema.parse({ platform: "frr-linux", wanInterface: "eth0", ...fields }),
  network: smokeNetwork.name,
  tunnelAddress,
});

export const smokeSites: SiteSpec[] = [
  site({ name: "hub1", role: "hub", publicAddress: "203.0.113.1" }, "10.255.0.1"),
  site({ name: "hub2", role: "hub", publicAddress: "203.0.113.2" }, "10.255.0.2"),
  site(
    { name: "spoke1", role: "spoke", publicAddress: "203.0.113.11", lanPrefixes: ["192.168.11.0/24"] },
    "10.255.0.11",
  ),
  site(
    { name: "spoke2", role: "spoke", publicAddress: "203.0.113.12", lanPrefixes: ["192.168.12.0/24"] },
    "10.255.0.12",
  ),
  site(
    { name: "spoke3", role: "spoke", publicAddress: "", behindNat: true, lanPrefixes: ["192.168.13.0/24"] },
    "10.255.0.13",
  ),
];

const issues = validateNetworkSites(smokeNetwork, smokeSites);
if (issues.length > 0) throw new Error(`smoke inventory is invalid: ${issues.map(formatIssue).join("; ")}`);

export const smokeHubs = smokeSites.filter((s) => s.role === "hub");
export const smokeSpokes = smokeSites.filter((s) => s.role === "spoke");

/** The first host address of each LAN prefix sits on the spoke's lan0, so pings have a real source and target. */
export const lanAddress = (s: SiteSpec): string => {
  const prefix = s.lanPrefixes[0];
  if (!prefix) throw new Error(`${s.name} has no LAN`);
  return prefix.replace(/\.0\/24$/, ".1");
};

export const SMOKE_NAT = { name: "nat1", publicAddress: "203.0.113.100/24", insideAddress: "192.168.100.1/24" };

export const smokeTopology: TopologySpec = {
  nats: [SMOKE_NAT],
  routers: smokeSites.map((s) => ({
    name: s.name,
    wanAddress: s.behindNat ? "192.168.100.2/24" : `${s.publicAddress}/24`,
    behindNat: s.behindNat ? SMOKE_NAT.name : undefined,
    lanAddresses: s.lanPrefixes.length > 0 ? [`${lanAddress(s)}/24`] : undefined,
  })),
};
