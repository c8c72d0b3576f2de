import { addressToNumber, isHostAddressOf, parsePrefix, prefixesOverlap } from "./ip";
import type { FieldIssue, NetworkSpec, SiteSpec } from "./schemas";

type Checked = Pick<SiteSpec, "name" | "role" | "publicAddress" | "lanPrefixes" | "tunnelAddress" | "asn">;

/**
 * Rules that relate the sites of one network to each other and to the network. Every problem is reported on
 * each site involved (path ["sites", index, field]), so a caller checking one new site can keep just its own.
 */
export function validateNetworkSites(network: NetworkSpec, sites: Checked[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (i: number, ...rest: (string | number)[]) => ["sites", i, ...rest];

  const byTunnel = new Map<string, number>();
  const byPublic = new Map<string, number>();
  const byAsn = new Map<number, number>();
  sites.forEach((s, i) => {
    if (!isHostAddressOf(network.tunnelPrefix, s.tunnelAddress)) {
      issues.push({
        path: at(i, "tunnelAddress"),
        message: `${s.tunnelAddress} is not a host address of the tunnel prefix ${network.tunnelPrefix}`,
      });
    }
    const tunnelOwner = byTunnel.get(s.tunnelAddress);
    if (tunnelOwner !== undefined) {
      issues.push({
        path: at(i, "tunnelAddress"),
        message: `${s.tunnelAddress} is already taken by ${sites[tunnelOwner]?.name}`,
      });
      issues.push({ path: at(tunnelOwner, "tunnelAddress"), message: `${s.tunnelAddress} is also given to ${s.name}` });
    } else byTunnel.set(s.tunnelAddress, i);

    if (s.publicAddress) {
      const publicOwner = byPublic.get(s.publicAddress);
      if (publicOwner !== undefined) {
        issues.push({
          path: at(i, "publicAddress"),
          message: `${s.publicAddress} is already the public address of ${sites[publicOwner]?.name}`,
        });
        issues.push({
          path: at(publicOwner, "publicAddress"),
          message: `${s.publicAddress} is also given to ${s.name}`,
        });
      } else byPublic.set(s.publicAddress, i);
      if (isHostAddressOf(network.tunnelPrefix, s.publicAddress) || s.publicAddress === s.tunnelAddress) {
        issues.push({
          path: at(i, "publicAddress"),
          message: `must not lie inside the tunnel prefix ${network.tunnelPrefix}`,
        });
      }
    }

    issues.push(...asnIssues(network, s, i, byAsn, sites));

    s.lanPrefixes.forEach((p, j) => {
      if (prefixesOverlap(p, network.tunnelPrefix)) {
        issues.push({
          path: at(i, "lanPrefixes", j),
          message: `${p} overlaps the tunnel prefix ${network.tunnelPrefix}`,
        });
      }
    });
  });
  issues.push(...lanOverlapIssues(sites));
  return issues;
}

function asnIssues(
  network: NetworkSpec,
  s: Checked,
  i: number,
  byAsn: Map<number, number>,
  sites: Checked[],
): FieldIssue[] {
  if (network.routing !== "bgp" || s.asn === null) return [];
  const path = ["sites", i, "asn"];
  if (network.asnPlan === "single" || s.role === "hub") {
    return s.asn === network.bgpAsn
      ? []
      : [
          {
            path,
            message: `must be the network's ASN ${network.bgpAsn} (or empty) for ${network.asnPlan === "single" ? "a single-AS network" : "a hub"}`,
          },
        ];
  }
  if (s.asn === network.bgpAsn)
    return [{ path, message: `a spoke's ASN must differ from the hubs' ASN ${network.bgpAsn} in the per-spoke plan` }];
  const owner = byAsn.get(s.asn);
  if (owner !== undefined) return [{ path, message: `ASN ${s.asn} is already used by ${sites[owner]?.name}` }];
  byAsn.set(s.asn, i);
  return [];
}

/** LAN prefixes may not overlap across sites, nor within one site. A sweep over sorted ranges: O(n log n). */
function lanOverlapIssues(sites: Checked[]): FieldIssue[] {
  const ranges = sites.flatMap((s, i) =>
    s.lanPrefixes.map((p, j) => {
      const r = parsePrefix(p);
      return { site: i, index: j, prefix: p, start: r.getFirst().value, end: r.getLast().value };
    }),
  );
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : 1));
  const issues: FieldIssue[] = [];
  const open: typeof ranges = [];
  for (const r of ranges) {
    for (let k = open.length - 1; k >= 0; k--)
      if ((open[k] as (typeof ranges)[number]).end < r.start) open.splice(k, 1);
    for (const o of open) {
      const other = sites[o.site]?.name ?? "?";
      const mine = sites[r.site]?.name ?? "?";
      issues.push({
        path: ["sites", r.site, "lanPrefixes", r.index],
        message: `${r.prefix} overlaps ${o.prefix} of ${other}`,
      });
      issues.push({
        path: ["sites", o.site, "lanPrefixes", o.index],
        message: `${o.prefix} overlaps ${r.prefix} of ${mine}`,
      });
    }
    open.push(r);
  }
  return issues;
}

/** Checks that only matter once configs are rendered for a network. */
export function renderReadinessIssues(
  network: Pick<NetworkSpec, "name">,
  sites: Pick<SiteSpec, "role">[],
): FieldIssue[] {
  if (!sites.some((s) => s.role === "hub")) {
    return [{ path: ["networks", network.name], message: "has no hub: add at least one hub before rendering configs" }];
  }
  return [];
}

export function compareAddresses(a: string, b: string): number {
  const x = addressToNumber(a);
  const y = addressToNumber(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
