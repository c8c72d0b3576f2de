import type { SiteStatus } from "@dmvpn/protocol";

/**
 * The topology as a graph: pure functions from (sites, latest statuses, agent connectivity, now) to nodes and
 * edges, and from one graph to the next as a patch. The server computes both so the browser only applies patches
 * to its WebGL graph and never rebuilds it.
 */

export type SiteRole = "hub" | "spoke";
/**
 * fresh: reported within 2 × the report interval; stale: older; offline: agent disconnected; unknown: never
 * reported; config-managed: no agent (agentless), so nothing is ever reported and nothing is wrong about that
 */
export const FRESHNESS = ["fresh", "stale", "offline", "unknown", "config-managed"] as const;
export type Freshness = (typeof FRESHNESS)[number];
/** up: registered (and SA established when IPsec is on); degraded: registered, SA down; down: not registered */
export type LinkState = "up" | "degraded" | "down" | "unknown";

export interface TopologySite {
  id: string;
  name: string;
  networkId: string;
  networkName: string;
  isDemo: boolean;
  ipsecEnabled: boolean;
  role: SiteRole;
  tunnelAddress: string;
  publicAddress: string | null;
  latitude: number | null;
  longitude: number | null;
  /** no agent enrolled (or a platform that cannot run one); an agent that comes online overrides it */
  agentless?: boolean;
}

export interface TopologyReport {
  siteId: string;
  status: SiteStatus;
  /** when the console received it (ms since epoch) */
  receivedAt: number;
}

export interface TopologyAgent {
  siteId: string;
  connected: boolean;
}

export interface TopologyInput {
  sites: TopologySite[];
  reports: TopologyReport[];
  agents: TopologyAgent[];
  now: number;
  reportIntervalMs: number;
}

export interface TopologyNode {
  id: string;
  name: string;
  networkId: string;
  networkName: string;
  isDemo: boolean;
  role: SiteRole;
  tunnelAddress: string;
  /** the public address the router reports for itself, else the configured one */
  nbma: string | null;
  latitude: number | null;
  longitude: number | null;
  freshness: Freshness;
  lastReportAt: string | null;
  tunnelState: "up" | "down" | "unknown";
  /** spokes: hubs registered with / hubs configured; hubs: spokes registered here / spokes in the network */
  registered: number;
  registrationsExpected: number;
  sasUp: number;
  bgpEstablished: number;
  bgpNeighbors: number;
  shortcuts: number;
}

export interface TopologyEdge {
  id: string;
  kind: "hub-spoke" | "shortcut";
  source: string;
  target: string;
  state: LinkState;
  registered: boolean;
  /** null when IPsec is off or nothing is known */
  saUp: boolean | null;
  saBytes: number | null;
  saUptimeSeconds: number | null;
  bgpState: string | null;
  bgpUptimeSeconds: number | null;
  sourceNbma: string | null;
  targetNbma: string | null;
  /**
   * shortcuts: when the NHRP entry runs out (ms since epoch) unless traffic refreshes it. Absolute, so the graph
   * does not change every second while nothing happens; the page counts down itself.
   */
  expiresAt: number | null;
}

export interface TopologyGraph {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

export interface TopologyDelta {
  addNodes: TopologyNode[];
  updateNodes: TopologyNode[];
  removeNodes: string[];
  addEdges: TopologyEdge[];
  updateEdges: TopologyEdge[];
  removeEdges: string[];
}

const ESTABLISHED = "ESTABLISHED";

export function freshnessOf(
  report: TopologyReport | undefined,
  agent: TopologyAgent | undefined,
  now: number,
  reportIntervalMs: number,
): Freshness {
  if (agent && !agent.connected) return "offline";
  if (!report) return "unknown";
  return now - report.receivedAt > 2 * reportIntervalMs ? "stale" : "fresh";
}

function selfNbma(status: SiteStatus | undefined): string | null {
  const local = status?.nhrpCache.find((e) => e.type === "local");
  return local && local.nbma !== "0.0.0.0" ? local.nbma : null;
}

function establishedSa(status: SiteStatus | undefined, remote: string | null) {
  if (!status || !remote) return undefined;
  return status.ipsecSas.find((sa) => sa.remoteHost === remote && sa.state === ESTABLISHED);
}

function saBytes(sa: SiteStatus["ipsecSas"][number] | undefined): number | null {
  if (!sa) return null;
  return sa.children.reduce((sum, c) => sum + c.bytesIn + c.bytesOut, 0);
}

const edgeKey = (a: string, b: string) => (a < b ? `${a}~${b}` : `${b}~${a}`);

/** When a cache entry runs out: the report's "expires in" counted from when the report was collected. */
function expiryOf(expiresInSeconds: number | null, report: TopologyReport): number | null {
  if (expiresInSeconds === null) return null;
  const collected = Date.parse(report.status.collectedAt);
  return (Number.isNaN(collected) ? report.receivedAt : collected) + expiresInSeconds * 1000;
}

/**
 * When the next of a report's dynamic cache entries runs out after `now` (null: none will). Each such moment can
 * change a shortcut even while the other end's entry keeps it alive (the edge then loses this end's view).
 */
export function nextDynamicExpiry(report: TopologyReport, now: number): number | null {
  let next: number | null = null;
  for (const entry of report.status.nhrpCache) {
    if (entry.type !== "dynamic") continue;
    const at = expiryOf(entry.expiresInSeconds, report);
    if (at !== null && at > now && (next === null || at < next)) next = at;
  }
  return next;
}

export function buildTopology(input: TopologyInput): TopologyGraph {
  const { now, reportIntervalMs } = input;
  const reports = new Map(input.reports.map((r) => [r.siteId, r]));
  const agents = new Map(input.agents.map((a) => [a.siteId, a]));
  const byNetwork = new Map<string, TopologySite[]>();
  for (const s of input.sites) {
    const list = byNetwork.get(s.networkId) ?? [];
    list.push(s);
    byNetwork.set(s.networkId, list);
  }
  const freshness = new Map(
    input.sites.map((s): [string, Freshness] => [
      s.id,
      s.agentless && !agents.has(s.id)
        ? "config-managed"
        : freshnessOf(reports.get(s.id), agents.get(s.id), now, reportIntervalMs),
    ]),
  );
  const nbmaOf = (s: TopologySite) => selfNbma(reports.get(s.id)?.status) ?? s.publicAddress;
  const live = (siteId: string) => {
    const f = freshness.get(siteId);
    return f === "fresh" || f === "stale";
  };

  const edges: TopologyEdge[] = [];
  const shortcutsPerSite = new Map<string, number>();
  const registeredHere = new Map<string, number>();

  for (const sites of byNetwork.values()) {
    const hubs = sites.filter((s) => s.role === "hub");
    const spokes = sites.filter((s) => s.role === "spoke");
    const spokeByTunnel = new Map(spokes.map((s) => [s.tunnelAddress, s]));

    for (const spoke of spokes) {
      const report = reports.get(spoke.id);
      const status = live(spoke.id) ? report?.status : undefined;
      const spokeNbma = nbmaOf(spoke);
      for (const hub of hubs) {
        const hubNbma = nbmaOf(hub);
        const hubStatus = live(hub.id) ? reports.get(hub.id)?.status : undefined;
        // The spoke's own NHS view is authoritative; the hub's cache is the fallback when the spoke is silent.
        const nhs = status?.nhs.find(
          (n) => n.protocolAddress === hub.tunnelAddress || (hubNbma !== null && n.nbma === hubNbma),
        );
        const registered = nhs
          ? nhs.registered
          : (hubStatus?.nhrpCache.some((e) => e.type === "dynamic" && e.protocolAddress === spoke.tunnelAddress) ??
            false);
        const sa = establishedSa(status, hubNbma) ?? establishedSa(hubStatus, spokeNbma);
        const known = status !== undefined || hubStatus !== undefined;
        const saUp = spoke.ipsecEnabled && known ? sa !== undefined : null;
        const bgp = status?.bgpNeighbors.find((n) => n.address === hub.tunnelAddress);
        const state: LinkState = !known ? "unknown" : !registered ? "down" : saUp === false ? "degraded" : "up";
        if (registered) registeredHere.set(hub.id, (registeredHere.get(hub.id) ?? 0) + 1);
        edges.push({
          id: `hs:${hub.id}:${spoke.id}`,
          kind: "hub-spoke",
          source: hub.id,
          target: spoke.id,
          state,
          registered,
          saUp,
          saBytes: saBytes(sa),
          saUptimeSeconds: sa?.establishedSeconds ?? null,
          bgpState: bgp?.state ?? null,
          bgpUptimeSeconds: bgp?.uptimeSeconds ?? null,
          sourceNbma: hubNbma,
          targetNbma: spokeNbma,
          expiresAt: null,
        });
      }
    }

    const shortcuts = new Map<string, TopologyEdge>();
    for (const spoke of spokes) {
      const report = reports.get(spoke.id);
      if (!report || !live(spoke.id)) continue;
      for (const entry of report.status.nhrpCache) {
        if (entry.type !== "dynamic") continue;
        const peer = spokeByTunnel.get(entry.protocolAddress);
        if (!peer || peer.id === spoke.id) continue;
        const expiresAt = expiryOf(entry.expiresInSeconds, report);
        if (expiresAt !== null && expiresAt <= now) continue; // expired since the report; the next one drops it
        const id = `sc:${edgeKey(spoke.id, peer.id)}`;
        const sa = establishedSa(report.status, entry.nbma);
        const existing = shortcuts.get(id);
        if (existing) {
          existing.expiresAt = maxNullable(existing.expiresAt, expiresAt);
          existing.saUp = existing.saUp || sa !== undefined;
          existing.saBytes = existing.saBytes ?? saBytes(sa);
          continue;
        }
        const [source, target] = spoke.id < peer.id ? [spoke, peer] : [peer, spoke];
        shortcuts.set(id, {
          id,
          kind: "shortcut",
          source: source.id,
          target: target.id,
          state: !spoke.ipsecEnabled || sa ? "up" : "degraded",
          registered: true,
          saUp: spoke.ipsecEnabled ? sa !== undefined : null,
          saBytes: saBytes(sa),
          saUptimeSeconds: sa?.establishedSeconds ?? null,
          bgpState: null,
          bgpUptimeSeconds: null,
          sourceNbma: source === spoke ? selfNbma(report.status) : entry.nbma,
          targetNbma: target === spoke ? selfNbma(report.status) : entry.nbma,
          expiresAt,
        });
      }
    }
    for (const e of shortcuts.values()) {
      if (e.saUp) e.state = "up";
      edges.push(e);
      shortcutsPerSite.set(e.source, (shortcutsPerSite.get(e.source) ?? 0) + 1);
      shortcutsPerSite.set(e.target, (shortcutsPerSite.get(e.target) ?? 0) + 1);
    }
  }

  const hubsIn = new Map<string, number>();
  for (const [networkId, sites] of byNetwork) hubsIn.set(networkId, sites.filter((x) => x.role === "hub").length);
  const nodes: TopologyNode[] = input.sites.map((s) => {
    const report = reports.get(s.id);
    const status = report?.status;
    const hubCount = hubsIn.get(s.networkId) ?? 0;
    const siteCount = byNetwork.get(s.networkId)?.length ?? 0;
    const isHub = s.role === "hub";
    return {
      id: s.id,
      name: s.name,
      networkId: s.networkId,
      networkName: s.networkName,
      isDemo: s.isDemo,
      role: s.role,
      tunnelAddress: s.tunnelAddress,
      nbma: nbmaOf(s),
      latitude: s.latitude,
      longitude: s.longitude,
      freshness: freshness.get(s.id) ?? "unknown",
      lastReportAt: report ? new Date(report.receivedAt).toISOString() : null,
      tunnelState: status?.tunnels[0]?.operState ?? "unknown",
      registered: isHub ? (registeredHere.get(s.id) ?? 0) : (status?.nhs.filter((n) => n.registered).length ?? 0),
      registrationsExpected: isHub ? siteCount - hubCount : hubCount,
      sasUp: status?.ipsecSas.filter((sa) => sa.state === ESTABLISHED).length ?? 0,
      bgpEstablished: status?.bgpNeighbors.filter((n) => n.state === "Established").length ?? 0,
      bgpNeighbors: status?.bgpNeighbors.length ?? 0,
      shortcuts: shortcutsPerSite.get(s.id) ?? 0,
    };
  });
  return { nodes, edges };
}

function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * What changed between two graphs. Countdown fields (seconds left, uptimes, bytes) change on every report, so
 * they are compared too: the details panel shows them; the renderer restyles only when a drawn attribute moved.
 */
export function diffTopology(prev: TopologyGraph, next: TopologyGraph): TopologyDelta {
  const delta: TopologyDelta = {
    addNodes: [],
    updateNodes: [],
    removeNodes: [],
    addEdges: [],
    updateEdges: [],
    removeEdges: [],
  };
  diffList(prev.nodes, next.nodes, delta.addNodes, delta.updateNodes, delta.removeNodes);
  diffList(prev.edges, next.edges, delta.addEdges, delta.updateEdges, delta.removeEdges);
  return delta;
}

function diffList<T extends { id: string }>(before: T[], after: T[], added: T[], updated: T[], removed: string[]) {
  const old = new Map(before.map((x) => [x.id, x]));
  for (const x of after) {
    const o = old.get(x.id);
    if (!o) added.push(x);
    else if (!shallowEqual(o, x)) updated.push(x);
    old.delete(x.id);
  }
  removed.push(...old.keys());
}

function shallowEqual<T extends object>(a: T, b: T): boolean {
  for (const k of Object.keys(a) as (keyof T)[]) if (a[k] !== b[k]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

export function isEmptyDelta(d: TopologyDelta): boolean {
  return (
    !d.addNodes.length &&
    !d.updateNodes.length &&
    !d.removeNodes.length &&
    !d.addEdges.length &&
    !d.updateEdges.length &&
    !d.removeEdges.length
  );
}

/** Applies a delta to a graph (the browser does the same on its graphology instance). */
export function applyTopologyDelta(graph: TopologyGraph, delta: TopologyDelta): TopologyGraph {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = new Map(graph.edges.map((e) => [e.id, e]));
  for (const id of delta.removeNodes) nodes.delete(id);
  for (const n of [...delta.addNodes, ...delta.updateNodes]) nodes.set(n.id, n);
  for (const id of delta.removeEdges) edges.delete(id);
  for (const e of [...delta.addEdges, ...delta.updateEdges]) edges.set(e.id, e);
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** Severity for "sites that need attention first": higher is worse; 0 is fine. */
export function attentionScore(node: TopologyNode): number {
  // Nothing is reported for an agentless site, so nothing can be wrong with it as far as the console knows.
  if (node.freshness === "config-managed") return 0;
  if (node.freshness === "offline") return node.role === "hub" ? 100 : 80;
  if (node.freshness === "unknown") return 10;
  let score = 0;
  if (node.registrationsExpected > 0 && node.registered === 0) score += node.role === "hub" ? 70 : 60;
  else if (node.role === "spoke" && node.registered < node.registrationsExpected) score += 30;
  if (node.bgpNeighbors > node.bgpEstablished) score += 20;
  if (node.tunnelState === "down") score += 40;
  if (node.freshness === "stale") score += 25;
  return score;
}

export function attentionReasons(node: TopologyNode): string[] {
  const out: string[] = [];
  if (node.freshness === "config-managed") return out;
  if (node.freshness === "offline") out.push("agent offline");
  if (node.freshness === "unknown") out.push("no report yet");
  if (node.freshness === "stale") out.push("report is stale");
  if (node.freshness === "offline" || node.freshness === "unknown") return out;
  if (node.registrationsExpected > 0 && node.registered === 0)
    out.push(node.role === "hub" ? "no spoke registered" : "registered with no hub");
  else if (node.role === "spoke" && node.registered < node.registrationsExpected)
    out.push(`registered with ${node.registered} of ${node.registrationsExpected} hubs`);
  if (node.bgpNeighbors > node.bgpEstablished) out.push(`BGP ${node.bgpEstablished}/${node.bgpNeighbors} established`);
  if (node.tunnelState === "down") out.push("tunnel interface down");
  return out;
}
