import type { IPv4CidrRange } from "ip-num";
import { parsePrefix } from "./ip";
import type { FieldIssue, NetworkSpec, SiteSpec } from "./schemas";

/**
 * The BGP summaries a phase-3 hub announces (summary-only) in place of the spokes' LANs.
 *
 * "Tightest covering set", as `auto` computes it: the smallest set of prefixes whose union is exactly the union
 * of the spokes' LANs. Every LAN is covered, and no summary covers an address that is not in some spoke's LAN
 * (no space that no site uses, unlike one prefix per block: 10.1.0.0/24 and 10.6.0.0/24 gave 10.0.0.0/13).
 * LANs inside another are dropped and aligned neighbours merged (10.1.2.0/24 + 10.1.3.0/24 → 10.1.2.0/23),
 * repeatedly. This decomposition is unique, so the result does not depend on the order of the LANs. Shorter
 * lists that cover unused space are the operator's choice (mode `custom`).
 */
export function tightestSummaries(prefixes: readonly string[]): string[] {
  const ranges = [...new Set(prefixes)]
    .map((p) => parsePrefix(p))
    .sort((a, b) => cmp(a.getFirst().value, b.getFirst().value) || cmp(b.getLast().value, a.getLast().value));
  const stack: IPv4CidrRange[] = [];
  for (const r of ranges) {
    const top = stack[stack.length - 1];
    // Sorted by start, widest first: a range inside an earlier one lies inside the stack's top.
    if (top && r.getLast().value <= top.getLast().value) continue;
    stack.push(r);
    // Merging can make a block that pairs with its left neighbour again (two /24s → /23, beside another /23).
    for (;;) {
      const right = stack[stack.length - 1] as IPv4CidrRange;
      const left = stack[stack.length - 2];
      if (!left || !left.isCidrMergeable(right)) break;
      stack.splice(-2, 2, left.merge(right) as IPv4CidrRange);
    }
  }
  return stack.map((r) => r.toCidrString());
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

type SummarySettings = Pick<NetworkSpec, "bgpSummaryMode" | "bgpSummaries">;

/** The summaries the network's hubs announce, given every spoke of the network (hubs in the list are ignored). */
export function effectiveSummaries(network: SummarySettings, sites: Pick<SiteSpec, "role" | "lanPrefixes">[]) {
  if (network.bgpSummaryMode === "none") return [];
  if (network.bgpSummaryMode === "custom") return [...network.bgpSummaries];
  return tightestSummaries(sites.filter((s) => s.role === "spoke").flatMap((s) => s.lanPrefixes));
}

/**
 * With custom summaries every spoke LAN must lie inside one of them: a LAN outside them would be announced as it
 * is and bypass the phase-3 design, so it is refused, naming the site and the LAN (path ["sites", i, "lanPrefixes", j]).
 */
export function uncoveredLanIssues(
  network: SummarySettings,
  sites: Pick<SiteSpec, "name" | "role" | "lanPrefixes">[],
): FieldIssue[] {
  if (network.bgpSummaryMode !== "custom") return [];
  const summaries = network.bgpSummaries.map((p) => parsePrefix(p));
  const issues: FieldIssue[] = [];
  sites.forEach((s, i) => {
    if (s.role !== "spoke") return;
    s.lanPrefixes.forEach((p, j) => {
      const lan = parsePrefix(p);
      if (summaries.some((sum) => sum.contains(lan))) return;
      issues.push({
        path: ["sites", i, "lanPrefixes", j],
        message: `${p} of ${s.name} is not covered by any BGP summary (${network.bgpSummaries.join(", ") || "none given"})`,
      });
    });
  });
  return issues;
}
