import { allocate } from "./allocate";
import { addressToNumber, isHostAddressOf, numberToAddress, parsePrefix } from "./ip";
import type { FieldIssue, NetworkSpec, SiteSpec } from "./schemas";
import { compareAddresses } from "./validate";

type Renumbered = Pick<SiteSpec, "name" | "role" | "tunnelAddress" | "asn">;

export interface RenumberResult {
  /** The new tunnel address of each site, in the order given; null where the new prefix has no room. */
  addresses: (string | null)[];
  /** "offsets": every site kept its host offset (10.255.0.11 → 10.99.0.11); "compact": re-allocated in order. */
  method: "offsets" | "compact";
  issues: FieldIssue[];
}

/**
 * New tunnel addresses for every site of a network moving to another tunnel prefix. Each site keeps its offset
 * in the prefix when every offset is a host address of the new one (the addresses operators know stay
 * recognisable: .1 stays .1); otherwise, in a smaller prefix, all are re-allocated as new sites would be (hubs
 * lowest, spokes above the hub reserve), in the order of their current addresses.
 */
export function renumberAddresses(
  network: Pick<NetworkSpec, "tunnelPrefix" | "asnPlan" | "bgpAsn" | "asnRangeStart" | "asnRangeEnd">,
  sites: Renumbered[],
  newPrefix: string,
): RenumberResult {
  const oldBase = parsePrefix(network.tunnelPrefix).getFirst().value;
  const newBase = parsePrefix(newPrefix).getFirst().value;
  const byOffset = sites.map((s) => numberToAddress(newBase + (addressToNumber(s.tunnelAddress) - oldBase)));
  if (byOffset.every((a) => isHostAddressOf(newPrefix, a)))
    return { addresses: byOffset, method: "offsets", issues: [] };

  const order = sites.map((s, i) => ({ s, i })).sort((a, b) => compareAddresses(a.s.tunnelAddress, b.s.tunnelAddress));
  const allocation = allocate(
    { ...network, tunnelPrefix: newPrefix },
    order.map(({ s }) => ({ role: s.role, tunnelAddress: null, asn: s.asn })),
  );
  const addresses: (string | null)[] = sites.map(() => null);
  order.forEach(({ i }, k) => {
    addresses[i] = allocation.tunnelAddresses[k] ?? null;
  });
  const issues = allocation.issues
    .filter((issue) => issue.path[2] === "tunnelAddress")
    .map((issue) => {
      const site = sites[order[issue.path[1] as number]?.i ?? -1];
      return { path: ["tunnelPrefix"], message: `has no room for ${site?.name ?? "a site"}: ${issue.message}` };
    });
  return { addresses, method: "compact", issues };
}
