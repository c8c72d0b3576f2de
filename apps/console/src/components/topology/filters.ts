import type { Freshness, TopologyEdge, TopologyNode } from "~/server/services/topology-model";

/**
 * What the filter bar keeps, and the figures the page shows for what is kept. Pure, so the WebGL reducers, the
 * counts and the shortcut list cannot disagree.
 */

export interface TopologyFilters {
  search: string;
  networkId: string;
  role: "" | "hub" | "spoke";
  freshness: "" | Freshness;
}

export const NO_FILTERS: TopologyFilters = { search: "", networkId: "", role: "", freshness: "" };

/** Search narrows nothing: it highlights (and Enter focuses) the sites it matches. */
export function nodeVisible(n: TopologyNode, f: TopologyFilters): boolean {
  if (f.networkId && n.networkId !== f.networkId) return false;
  if (f.role && n.role !== f.role) return false;
  if (f.freshness && n.freshness !== f.freshness) return false;
  return true;
}

/** A link shows when both its ends do. */
export function edgeVisible(source: TopologyNode, target: TopologyNode, f: TopologyFilters): boolean {
  return nodeVisible(source, f) && nodeVisible(target, f);
}

export function matchesSearch(n: TopologyNode, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return false;
  return n.name.toLowerCase().includes(q) || n.tunnelAddress.startsWith(q) || (n.nbma ?? "").startsWith(q);
}

export interface TopologyCounts {
  sites: number;
  hubs: number;
  spokes: number;
  links: number;
  linksUp: number;
  offline: number;
  stale: number;
  /** visible shortcuts, soonest to expire first */
  shortcuts: TopologyEdge[];
}

export function countVisible(
  nodes: Iterable<TopologyNode>,
  edges: Iterable<TopologyEdge>,
  f: TopologyFilters,
): TopologyCounts {
  const visible = new Map<string, TopologyNode>();
  const counts: TopologyCounts = {
    sites: 0,
    hubs: 0,
    spokes: 0,
    links: 0,
    linksUp: 0,
    offline: 0,
    stale: 0,
    shortcuts: [],
  };
  for (const n of nodes) {
    if (!nodeVisible(n, f)) continue;
    visible.set(n.id, n);
    counts.sites++;
    if (n.role === "hub") counts.hubs++;
    else counts.spokes++;
    if (n.freshness === "offline") counts.offline++;
    if (n.freshness === "stale") counts.stale++;
  }
  for (const e of edges) {
    if (!visible.has(e.source) || !visible.has(e.target)) continue;
    counts.links++;
    if (e.state === "up") counts.linksUp++;
    if (e.kind === "shortcut") counts.shortcuts.push(e);
  }
  counts.shortcuts.sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || a.id.localeCompare(b.id));
  return counts;
}

/** The networks present, by name, for the network filter. */
export function networksOf(nodes: Iterable<TopologyNode>): { id: string; name: string; isDemo: boolean }[] {
  const seen = new Map<string, { id: string; name: string; isDemo: boolean }>();
  for (const n of nodes)
    if (!seen.has(n.networkId)) seen.set(n.networkId, { id: n.networkId, name: n.networkName, isDemo: n.isDemo });
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}
