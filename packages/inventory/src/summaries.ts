import { spanToPrefix, validatedPrefixSpan } from "./ip";
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
  // Plain arithmetic on validated prefixes: through ip-num objects 3,000 LANs took over a second (measured), and
  // this runs whenever a network's hubs are rendered.
  const blocks = [...new Set(prefixes)].map(validatedPrefixSpan).sort((a, b) => a.start - b.start || b.size - a.size);
  const stack: { start: number; size: number }[] = [];
  for (const b of blocks) {
    const top = stack[stack.length - 1];
    // Sorted by start, widest first: a block inside an earlier one lies inside the stack's top.
    if (top && b.start + b.size <= top.start + top.size) continue;
    stack.push({ ...b });
    // Merging can make a block that pairs with its left neighbour again (two /24s → /23, beside another /23).
    for (;;) {
      const right = stack[stack.length - 1] as { start: number; size: number };
      const left = stack[stack.length - 2];
      const siblings =
        left &&
        left.size === right.size &&
        left.start + left.size === right.start &&
        left.start % (2 * left.size) === 0;
      if (!siblings || left.size === 2 ** 32) break;
      stack.splice(-2, 2, { start: left.start, size: left.size * 2 });
    }
  }
  return stack.map((b) => spanToPrefix(b.start, b.size));
}

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
  const summaries = network.bgpSummaries.map(validatedPrefixSpan);
  const issues: FieldIssue[] = [];
  sites.forEach((s, i) => {
    if (s.role !== "spoke") return;
    s.lanPrefixes.forEach((p, j) => {
      const lan = validatedPrefixSpan(p);
      if (summaries.some((sum) => sum.start <= lan.start && lan.start + lan.size <= sum.start + sum.size)) return;
      issues.push({
        path: ["sites", i, "lanPrefixes", j],
        message: `${p} of ${s.name} is not covered by any BGP summary (${network.bgpSummaries.join(", ") || "none given"})`,
      });
    });
  });
  return issues;
}
