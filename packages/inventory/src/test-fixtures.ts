import type { NetworkSpec, SiteSpec } from "./schemas";

/** Builders for tests in any package: a valid network and sites with overridable fields. */
export function testNetwork(overrides: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    name: "corp",
    description: "",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
    nhrpHoldtime: 300,
    nhrpAuth: null,
    phase: 3,
    ipsecEnabled: true,
    ikeProposal: "aes256-sha256-modp2048",
    espProposal: "aes256-sha256",
    ipsecPsk: "test-psk-0123456789abcdef",
    routing: "bgp",
    asnPlan: "single",
    bgpAsn: 65000,
    asnRangeStart: 4200000000,
    asnRangeEnd: 4200099999,
    tunnelMtu: 1400,
    tcpMss: 1360,
    bgpKeepalive: 60,
    bgpHoldtime: 180,
    bfd: false,
    bgpSummaryMode: "auto",
    bgpSummaries: [],
    ...overrides,
  };
}

export function testSite(overrides: Partial<SiteSpec> & Pick<SiteSpec, "name" | "tunnelAddress">): SiteSpec {
  return {
    network: "corp",
    role: "spoke",
    platform: "frr-linux",
    wanInterface: "eth0",
    publicAddress: null,
    behindNat: false,
    lanPrefixes: [],
    asn: null,
    latitude: null,
    longitude: null,
    address: null,
    tags: [],
    notes: "",
    ...overrides,
  };
}
