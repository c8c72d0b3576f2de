import type { TopologyEdge, TopologyNode } from "~/server/services/topology-model";

/** Topology nodes and edges for the unit tests, with only the fields a test cares about set. */
export function node(id: string, role: "hub" | "spoke", extra: Partial<TopologyNode> = {}): TopologyNode {
  return {
    id,
    name: id,
    networkId: "net",
    networkName: "corp",
    isDemo: false,
    role,
    tunnelAddress: "10.0.0.1",
    nbma: null,
    latitude: null,
    longitude: null,
    freshness: "fresh",
    lastReportAt: null,
    tunnelState: "up",
    registered: 1,
    registrationsExpected: 1,
    sasUp: 1,
    bgpEstablished: 1,
    bgpNeighbors: 1,
    shortcuts: 0,
    ...extra,
  };
}

export function edge(
  id: string,
  source: string,
  target: string,
  kind: TopologyEdge["kind"] = "hub-spoke",
  extra: Partial<TopologyEdge> = {},
): TopologyEdge {
  return {
    id,
    kind,
    source,
    target,
    state: "up",
    registered: true,
    saUp: true,
    saBytes: 0,
    saUptimeSeconds: 1,
    bgpState: null,
    bgpUptimeSeconds: null,
    sourceNbma: null,
    targetNbma: null,
    expiresAt: null,
    ...extra,
  };
}

/** `networks` networks of `hubs` hubs and `spokes` spokes each, named like the benchmark's. */
export function network(networks: number, hubs: number, spokes: number): TopologyNode[] {
  const out: TopologyNode[] = [];
  for (let n = 0; n < networks; n++) {
    const net = { networkId: `net${n}`, networkName: `network-${n}` };
    for (let h = 0; h < hubs; h++) out.push(node(`n${n}-hub-${h + 1}`, "hub", net));
    for (let s = 0; s < spokes; s++) out.push(node(`n${n}-spoke-${s + 1}`, "spoke", net));
  }
  return out;
}
