import {
  type NetworkInput,
  type NetworkSpec,
  networkSchema,
  type SiteInput,
  type SiteSpec,
  siteInputSchema,
} from "@dmvpn/inventory";

/**
 * The reference network of the golden tests: two hubs, five spokes; spoke-c is behind NAT, spoke-d has a
 * dynamic WAN address, spoke-e has no LAN of its own.
 */
export const REFERENCE_PSK = "Reference-PSK-0123456789";

export function referenceNetwork(overrides: Partial<NetworkInput> = {}): NetworkSpec {
  return networkSchema.parse({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
    ipsecPsk: REFERENCE_PSK,
    ...overrides,
  });
}

type SiteRow = Pick<
  SiteInput,
  "name" | "role" | "platform" | "wanInterface" | "publicAddress" | "behindNat" | "lanPrefixes"
>;

const ROWS: SiteRow[] = [
  {
    name: "hub-1",
    role: "hub",
    platform: "vyos-1.5",
    wanInterface: "eth0",
    publicAddress: "203.0.113.1",
    lanPrefixes: ["10.0.0.0/24"],
  },
  {
    name: "hub-2",
    role: "hub",
    platform: "frr-linux",
    wanInterface: "eth0",
    publicAddress: "203.0.113.2",
    lanPrefixes: ["10.0.1.0/24"],
  },
  {
    name: "spoke-a",
    role: "spoke",
    platform: "vyos-1.4",
    wanInterface: "eth0",
    publicAddress: "198.51.100.11",
    lanPrefixes: ["10.1.1.0/24"],
  },
  {
    name: "spoke-b",
    role: "spoke",
    platform: "cisco-ios",
    wanInterface: "eth1",
    publicAddress: "198.51.100.12",
    lanPrefixes: ["10.1.2.0/24", "10.1.3.0/24"],
  },
  {
    name: "spoke-c",
    role: "spoke",
    platform: "frr-linux",
    wanInterface: "eth0",
    publicAddress: "192.0.2.50",
    behindNat: true,
    lanPrefixes: ["10.1.4.0/24"],
  },
  {
    name: "spoke-d",
    role: "spoke",
    platform: "vyos-1.5",
    wanInterface: "pppoe0",
    publicAddress: null,
    lanPrefixes: ["192.168.50.0/24"],
  },
  {
    name: "spoke-e",
    role: "spoke",
    platform: "vyos-1.5",
    wanInterface: "eth0",
    publicAddress: "198.51.100.15",
    lanPrefixes: [],
  },
];
const TUNNEL_ADDRESSES = [
  "10.255.0.1",
  "10.255.0.2",
  "10.255.0.11",
  "10.255.0.12",
  "10.255.0.13",
  "10.255.0.14",
  "10.255.0.15",
];

export function referenceSites(network: NetworkSpec): SiteSpec[] {
  return ROWS.map((row, i) => {
    const parsed = siteInputSchema.parse({ ...row, tunnelAddress: null, asn: null });
    const asn = network.asnPlan === "per-spoke" && row.role === "spoke" ? 4200000000 + i : null;
    return { ...parsed, network: network.name, tunnelAddress: TUNNEL_ADDRESSES[i] as string, asn };
  });
}
