import {
  allocate,
  type NetworkInput,
  type NetworkSpec,
  networkSchema,
  PLATFORMS,
  type Platform,
  type SiteSpec,
} from "@dmvpn/inventory";
import fc from "fast-check";

export interface SiteShape {
  platform: Platform;
  /** static public address, dynamic (none) or behind NAT */
  wan: "static" | "dynamic" | "nat";
  lanCount: number;
}

export interface NetworkShape {
  phase: 2 | 3;
  routing: "bgp" | "static";
  asnPlan: "single" | "per-spoke";
  ipsecEnabled: boolean;
  hubs: Platform[];
  spokes: SiteShape[];
}

/**
 * Builds a valid inventory from a shape: addresses and ASNs come from the inventory's own allocator, LANs and
 * public addresses are distinct by construction.
 */
export function buildNetwork(
  shape: NetworkShape,
  overrides: Partial<NetworkInput> = {},
): { network: NetworkSpec; sites: SiteSpec[] } {
  const total = shape.hubs.length + shape.spokes.length;
  const network = networkSchema.parse({
    name: "gen",
    tunnelPrefix: total > 200 ? "172.31.0.0/16" : "10.255.0.0/24",
    greKey: 7,
    nhrpNetworkId: 9,
    ipsecPsk: "Generated-PSK-0123456789",
    phase: shape.phase,
    routing: shape.routing,
    asnPlan: shape.asnPlan,
    ipsecEnabled: shape.ipsecEnabled,
    ...overrides,
  });
  const rows = [
    ...shape.hubs.map((platform) => ({ role: "hub" as const, platform, wan: "static" as const, lanCount: 1 })),
    ...shape.spokes.map((s) => ({ role: "spoke" as const, ...s })),
  ];
  const allocation = allocate(
    network,
    rows.map((r) => ({ role: r.role, tunnelAddress: null, asn: null })),
  );
  let lan = 0;
  const sites = rows.map((r, i): SiteSpec => {
    const lanPrefixes = Array.from({ length: r.lanCount }, () => {
      const n = lan++;
      return `10.${(n >> 8) & 255}.${n & 255}.0/24`;
    });
    const wan = r.wan === "nat" && !network.ipsecEnabled ? "static" : r.wan;
    return {
      name: `${r.role}-${i}`,
      network: network.name,
      role: r.role,
      platform: r.platform,
      // One name every target accepts, so any site can be rendered for any target.
      wanInterface: "eth0",
      publicAddress: wan === "dynamic" ? null : `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`,
      behindNat: wan === "nat",
      lanPrefixes,
      tunnelAddress: allocation.tunnelAddresses[i] as string,
      asn: allocation.asns[i] ?? null,
      latitude: null,
      longitude: null,
      address: null,
      tags: [],
      notes: "",
    };
  });
  return { network, sites };
}

export const networkShapeArbitrary: fc.Arbitrary<NetworkShape> = fc.record({
  phase: fc.constantFrom(2 as const, 3 as const),
  routing: fc.constantFrom("bgp" as const, "static" as const),
  asnPlan: fc.constantFrom("single" as const, "per-spoke" as const),
  ipsecEnabled: fc.boolean(),
  hubs: fc.array(fc.constantFrom(...PLATFORMS), { minLength: 1, maxLength: 3 }),
  spokes: fc.array(
    fc.record({
      platform: fc.constantFrom(...PLATFORMS),
      wan: fc.constantFrom("static" as const, "dynamic" as const, "nat" as const),
      lanCount: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 12 },
  ),
});
