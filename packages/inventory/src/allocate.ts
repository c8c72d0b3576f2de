import { hubReserveSize } from "./constants";
import { addressToNumber, hostRange, numberToAddress } from "./ip";
import type { FieldIssue, NetworkSpec, SiteFields } from "./schemas";

export type AllocationRequest = Pick<SiteFields, "role" | "tunnelAddress" | "asn">;

export interface Allocation {
  tunnelAddresses: (string | null)[];
  asns: (number | null)[];
  issues: FieldIssue[];
}

/**
 * Fills in missing tunnel addresses and ASNs for a network's sites, in order, never reusing one that is taken.
 * Hubs take the lowest free address; spokes the lowest free address above the hub reserve (the first few host
 * addresses), so hubs added later still get low, memorable addresses. Addresses set by hand are kept as given
 * (validateNetworkSites reports them if they are outside the prefix or taken).
 */
export function allocate(
  network: Pick<NetworkSpec, "tunnelPrefix" | "asnPlan" | "bgpAsn" | "asnRangeStart" | "asnRangeEnd">,
  sites: AllocationRequest[],
): Allocation {
  const { first, last, size } = hostRange(network.tunnelPrefix);
  const lo = Number(first);
  const hi = Number(last);
  const spokeStart = lo + hubReserveSize(size);
  const usedAddresses = new Set<number>();
  for (const s of sites) if (s.tunnelAddress) usedAddresses.add(Number(addressToNumber(s.tunnelAddress)));

  const usedAsns = new Set<number>([network.bgpAsn]);
  for (const s of sites) if (s.asn !== null) usedAsns.add(s.asn);

  const issues: FieldIssue[] = [];
  const cursors = { hub: lo, spoke: spokeStart };
  const tunnelAddresses = sites.map((s, i) => {
    if (s.tunnelAddress) return s.tunnelAddress;
    let n = cursors[s.role];
    while (n <= hi && usedAddresses.has(n)) n++;
    if (n > hi) {
      const pool =
        s.role === "hub" ? network.tunnelPrefix : `${network.tunnelPrefix} above the ${spokeStart - lo} hub addresses`;
      issues.push({
        path: ["sites", i, "tunnelAddress"],
        message: `no free tunnel address left in ${pool} (pool exhausted)`,
      });
      return null;
    }
    usedAddresses.add(n);
    cursors[s.role] = n + 1;
    return numberToAddress(BigInt(n));
  });

  let asnCursor = network.asnRangeStart;
  const asns = sites.map((s, i) => {
    if (s.asn !== null) return s.asn;
    if (network.asnPlan === "single" || s.role === "hub") return null;
    while (asnCursor <= network.asnRangeEnd && usedAsns.has(asnCursor)) asnCursor++;
    if (asnCursor > network.asnRangeEnd) {
      issues.push({
        path: ["sites", i, "asn"],
        message: `no free ASN left in ${network.asnRangeStart}–${network.asnRangeEnd} (pool exhausted)`,
      });
      return null;
    }
    usedAsns.add(asnCursor);
    return asnCursor++;
  });

  return { tunnelAddresses, asns, issues };
}
