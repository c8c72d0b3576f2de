import { addressToNumber, isHostAddressOf, parsePrefix, prefixesOverlap } from "./ip";
import type { FieldIssue, NetworkSpec, SiteSpec } from "./schemas";
import { uncoveredLanIssues } from "./summaries";

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
  issues.push(...uncoveredLanIssues(network, sites));
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

type CrossSite = Pick<SiteSpec, "name" | "network" | "publicAddress" | "lanPrefixes">;

/**
 * Rules between networks. One router may sit in several clouds (a dual-cloud hub), recognised by its public
 * address; what may not happen is that two clouds cannot be told apart on it, or that an address means two things.
 * Paths: ["networks", i, field] and ["sites", i, "lanPrefixes", j], indices into the arrays given.
 */
export function validateAcrossNetworks(networks: NetworkSpec[], sites: CrossSite[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const netIndex = new Map(networks.map((n, i) => [n.name, i]));

  for (let a = 0; a < networks.length; a++) {
    for (let b = a + 1; b < networks.length; b++) {
      const x = networks[a] as NetworkSpec;
      const y = networks[b] as NetworkSpec;
      if (prefixesOverlap(x.tunnelPrefix, y.tunnelPrefix)) {
        const why = "a tunnel address would be ambiguous between the two clouds";
        issues.push({
          path: ["networks", a, "tunnelPrefix"],
          message: `${x.tunnelPrefix} overlaps the tunnel prefix ${y.tunnelPrefix} of network ${y.name}: ${why}`,
        });
        issues.push({
          path: ["networks", b, "tunnelPrefix"],
          message: `${y.tunnelPrefix} overlaps the tunnel prefix ${x.tunnelPrefix} of network ${x.name}: ${why}`,
        });
      }
    }
  }

  // Routers in more than one network: by public address (a dynamic spoke cannot be recognised, nor share a key).
  const byRouter = new Map<string, Map<number, string>>();
  for (const s of sites) {
    const n = netIndex.get(s.network);
    if (!s.publicAddress || n === undefined) continue;
    const nets = byRouter.get(s.publicAddress) ?? new Map<number, string>();
    if (!nets.has(n)) nets.set(n, s.name);
    byRouter.set(s.publicAddress, nets);
  }
  const reported = new Set<string>();
  for (const [address, nets] of byRouter) {
    const list = [...nets].sort((p, q) => p[0] - q[0]);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, siteA] = list[i] as [number, string];
        const [b, siteB] = list[j] as [number, string];
        const x = networks[a] as NetworkSpec;
        const y = networks[b] as NetworkSpec;
        const shared = `router ${address} (${siteA} in ${x.name}, ${siteB} in ${y.name})`;
        const clash = (field: "greKey" | "nhrpNetworkId", why: string) => {
          if (x[field] !== y[field] || reported.has(`${a}/${b}/${field}`)) return;
          reported.add(`${a}/${b}/${field}`);
          issues.push({
            path: ["networks", a, field],
            message: `${x[field]} is also used by network ${y.name}, which shares ${shared}: ${why}`,
          });
          issues.push({
            path: ["networks", b, field],
            message: `${y[field]} is also used by network ${x.name}, which shares ${shared}: ${why}`,
          });
        };
        clash(
          "greKey",
          "two multipoint GRE tunnels from one address need different keys, or the kernel cannot tell their packets apart",
        );
        clash(
          "nhrpNetworkId",
          "NHRP would treat both tunnels as one network and mix their registrations and shortcuts",
        );
      }
    }
  }

  issues.push(...crossLanIssues(networks, sites, netIndex));
  return issues;
}

/**
 * A LAN may not overlap another network's tunnel prefix or another network's LAN: traffic to it would be routed
 * into the wrong cloud. The same router announcing its LAN into both of its clouds is the exception (dual cloud).
 */
function crossLanIssues(networks: NetworkSpec[], sites: CrossSite[], netIndex: Map<string, number>): FieldIssue[] {
  interface Range {
    net: number;
    site: number | null;
    index: number;
    prefix: string;
    start: bigint;
    end: bigint;
  }
  const span = (p: string) => {
    const r = parsePrefix(p);
    return { start: r.getFirst().value, end: r.getLast().value };
  };
  const ranges: Range[] = networks.map((n, i) => ({
    net: i,
    site: null,
    index: 0,
    prefix: n.tunnelPrefix,
    ...span(n.tunnelPrefix),
  }));
  sites.forEach((s, i) => {
    const net = netIndex.get(s.network);
    if (net === undefined) return;
    s.lanPrefixes.forEach((p, j) => {
      ranges.push({ net, site: i, index: j, prefix: p, ...span(p) });
    });
  });
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : 1));
  const issues: FieldIssue[] = [];
  const describe = (r: Range) => {
    const n = networks[r.net]?.name ?? "?";
    return r.site === null
      ? `the tunnel prefix of network ${n}`
      : `${r.prefix} of ${sites[r.site]?.name} in network ${n}`;
  };
  const report = (mine: Range, other: Range) => {
    if (mine.site === null) return; // tunnel-prefix pairs are reported by validateAcrossNetworks
    const what =
      other.site === null
        ? `${mine.prefix} overlaps ${describe(other)} (${other.prefix})`
        : `${mine.prefix} overlaps ${describe(other)}`;
    issues.push({ path: ["sites", mine.site, "lanPrefixes", mine.index], message: what });
  };
  const open: Range[] = [];
  for (const r of ranges) {
    for (let k = open.length - 1; k >= 0; k--) if ((open[k] as Range).end < r.start) open.splice(k, 1);
    for (const o of open) {
      if (o.net === r.net) continue; // within one network: validateNetworkSites
      const sameRouter =
        o.site !== null &&
        r.site !== null &&
        !!sites[o.site]?.publicAddress &&
        sites[o.site]?.publicAddress === sites[r.site]?.publicAddress;
      if (sameRouter) continue;
      report(r, o);
      report(o, r);
    }
    open.push(r);
  }
  return issues;
}
