import type { FieldIssue, NetworkSpec, SiteSpec } from "@dmvpn/inventory";
import { compareAddresses, effectiveSummaries, NETWORK_DEFAULTS, prefixLength } from "@dmvpn/inventory";
import { configWordIssues } from "./config-words";
import { type Proposal, parseProposal } from "./proposal";
import { RenderError, type RenderInput, type RenderTarget } from "./types";

/**
 * Everything about one site's config that does not depend on the target: who it registers with, who it peers
 * with, which routes it carries. Targets only spell this plan in their own syntax.
 */

export interface HubRef {
  name: string;
  tunnelAddress: string;
  publicAddress: string;
}

export interface BgpNeighbor {
  address: string;
  remoteAs: number;
  description: string;
}

/** Hubs accept spokes dynamically from the tunnel prefix, so adding a spoke changes no hub's BGP config. */
export interface SpokeListener {
  listenRange: string;
  /** "internal" in the single-AS plan; "external" when every spoke has its own ASN. */
  remoteAs: "internal" | "external";
  routeReflectorClient: boolean;
  /** Phase 2 over eBGP: the hub must pass the spoke's own next hop on, not its own. */
  keepNextHop: boolean;
}

export interface BgpPlan {
  asn: number;
  routerId: string;
  /** Explicit neighbours: a spoke's hubs, a hub's fellow hubs. */
  neighbors: BgpNeighbor[];
  spokes: SpokeListener | null;
  /**
   * Explicit spoke neighbours, for targets that cannot listen for eBGP peers of varying ASNs (IOS hubs); null
   * when the spokes were not given. A function so that other targets do not pay for building it.
   */
  spokeNeighbors: (() => BgpNeighbor[]) | null;
  /** Own LAN prefixes. */
  networks: string[];
  /** Phase-3 hub summaries (summary-only aggregates). */
  aggregates: string[];
  /**
   * Phase-3 hubs refuse these (the summaries) from their fellow hubs, so that each hub originates them itself.
   * FRR before 9.0 does not install its own aggregate when it already holds an identical one from a peer; the
   * lab caught it: one hub then only passed the other's summary on, and the spokes' summary went with that hub.
   */
  rejectFromHubs: string[];
  /** Keepalive and hold time in seconds; null while the network keeps the defaults (60/180), which every target has. */
  timers: { keepalive: number; holdtime: number } | null;
  /** BFD on every session (explicit neighbours and the spokes' peer group). */
  bfd: boolean;
}

export interface StaticRoute {
  prefix: string;
  via: string;
  distance?: number;
}

export interface SitePlan {
  target: RenderTarget;
  network: NetworkSpec;
  site: SiteSpec;
  isHub: boolean;
  tunnelAddress: string;
  tunnelPrefixLength: number;
  /** For a spoke every hub; for a hub the other hubs. Sorted by tunnel address. */
  peerHubs: HubRef[];
  /** The address GRE is sourced from, or null when the WAN address is dynamic or NATed. */
  sourceAddress: string | null;
  ike: Proposal | null;
  esp: Proposal | null;
  bgp: BgpPlan | null;
  staticRoutes: StaticRoute[];
}

export const STATIC_TUNNEL_ROUTE_DISTANCE = 250;

/** Per spoke list (and network: the mode decides), computed once for all hubs of a network. */
const summaryCache = new WeakMap<SiteSpec[], Map<NetworkSpec, string[]>>();

function spokeSummary(network: NetworkSpec, spokes: SiteSpec[]): string[] {
  const byNetwork = summaryCache.get(spokes) ?? new Map<NetworkSpec, string[]>();
  summaryCache.set(spokes, byNetwork);
  let s = byNetwork.get(network);
  if (!s) {
    s = effectiveSummaries(network, spokes);
    byNetwork.set(network, s);
  }
  return s;
}

export function buildSitePlan(input: RenderInput, target: RenderTarget): SitePlan {
  const { network, site } = input;
  const issues: FieldIssue[] = [];
  const isHub = site.role === "hub";
  issues.push(...configWordIssues(input));

  if (site.network !== network.name)
    issues.push({ path: ["site", "network"], message: `is ${site.network}, but the network given is ${network.name}` });
  if (input.hubs.length === 0)
    issues.push({
      path: ["hubs"],
      message: `network ${network.name} has no hub: add at least one hub before rendering`,
    });
  if (isHub && !input.hubs.some((h) => h.name === site.name))
    issues.push({ path: ["hubs"], message: `must include the hub ${site.name} itself` });
  for (const hub of input.hubs) {
    const where = hub.name === site.name ? ["site"] : ["hubs", hub.name];
    if (hub.role !== "hub")
      issues.push({ path: [...where, "role"], message: `${hub.name} is listed as a hub but its role is ${hub.role}` });
    if (!hub.publicAddress)
      issues.push({
        path: [...where, "publicAddress"],
        message: `hub ${hub.name} has no static public address; spokes cannot reach it`,
      });
    if (hub.behindNat)
      issues.push({
        path: [...where, "behindNat"],
        message: `hub ${hub.name} is behind NAT; spokes must reach its public address directly`,
      });
  }
  if (site.behindNat && !network.ipsecEnabled) {
    issues.push({
      path: ["network", "ipsecEnabled"],
      message: `${site.name} is behind NAT: plain GRE does not cross NAT, enable IPsec (NAT-T)`,
    });
  }

  let ike: Proposal | null = null;
  let esp: Proposal | null = null;
  if (network.ipsecEnabled) {
    const i = parseProposal(network.ikeProposal, true);
    const e = parseProposal(network.espProposal, false);
    if (typeof i === "string") issues.push({ path: ["network", "ikeProposal"], message: i });
    else ike = i;
    if (typeof e === "string") issues.push({ path: ["network", "espProposal"], message: e });
    else esp = e;
  }

  const needsSpokes = network.routing === "static" || (isHub && network.routing === "bgp" && network.phase === 3);
  if (needsSpokes && !input.spokes) {
    issues.push({
      path: ["spokes"],
      message:
        network.routing === "static"
          ? "static routing needs every spoke of the network (routes to their LANs)"
          : "a phase-3 hub summarises the spokes' LANs: pass every spoke of the network",
    });
  }
  if (network.routing === "bgp" && network.asnPlan === "per-spoke" && !isHub && site.asn === null) {
    issues.push({ path: ["site", "asn"], message: "a spoke needs its own ASN in the per-spoke plan (allocate one)" });
  }
  if (issues.length > 0) throw new RenderError(site.name, issues);

  const peerHubs = sortedHubs(input.hubs).filter((h) => h.name !== site.name);

  return {
    target,
    network,
    site,
    isHub,
    tunnelAddress: site.tunnelAddress,
    tunnelPrefixLength: tunnelPrefixLength(network.tunnelPrefix),
    peerHubs,
    sourceAddress: site.behindNat || !site.publicAddress ? null : site.publicAddress,
    ike,
    esp,
    bgp: network.routing === "bgp" ? bgpPlan(network, site, peerHubs, input.spokes ?? null) : null,
    staticRoutes:
      network.routing === "static" ? staticRoutes(network, site, input.hubs, input.spokes ?? [], peerHubs) : [],
  };
}

/** Every site of a network shares one hub list; sort it once (ip-num comparisons are not cheap). */
const sortedHubCache = new WeakMap<SiteSpec[], HubRef[]>();
function sortedHubs(hubs: SiteSpec[]): HubRef[] {
  let sorted = sortedHubCache.get(hubs);
  if (!sorted) {
    sorted = hubs
      .map((h) => ({ name: h.name, tunnelAddress: h.tunnelAddress, publicAddress: h.publicAddress as string }))
      .sort((a, b) => compareAddresses(a.tunnelAddress, b.tunnelAddress));
    sortedHubCache.set(hubs, sorted);
  }
  return sorted;
}

const prefixLengthCache = new Map<string, number>();
function tunnelPrefixLength(prefix: string): number {
  let n = prefixLengthCache.get(prefix);
  if (n === undefined) {
    n = prefixLength(prefix);
    prefixLengthCache.set(prefix, n);
  }
  return n;
}

function bgpPlan(network: NetworkSpec, site: SiteSpec, peerHubs: HubRef[], allSpokes: SiteSpec[] | null): BgpPlan {
  const isHub = site.role === "hub";
  const perSpoke = network.asnPlan === "per-spoke";
  const asn = isHub || !perSpoke ? network.bgpAsn : (site.asn as number);
  const neighbors = peerHubs.map((h) => ({ address: h.tunnelAddress, remoteAs: network.bgpAsn, description: h.name }));
  const timers =
    network.bgpKeepalive === NETWORK_DEFAULTS.bgpKeepalive && network.bgpHoldtime === NETWORK_DEFAULTS.bgpHoldtime
      ? null
      : { keepalive: network.bgpKeepalive, holdtime: network.bgpHoldtime };
  const bfd = network.bfd;
  if (!isHub)
    return {
      asn,
      routerId: site.tunnelAddress,
      neighbors,
      spokes: null,
      spokeNeighbors: null,
      networks: site.lanPrefixes,
      aggregates: [],
      rejectFromHubs: [],
      timers,
      bfd,
    };

  const aggregates = network.phase === 3 && allSpokes ? spokeSummary(network, allSpokes) : [];
  const spokeNeighbors = allSpokes
    ? () =>
        allSpokes
          .filter((s) => s.role === "spoke")
          .map((s) => ({
            address: s.tunnelAddress,
            remoteAs: perSpoke ? (s.asn ?? network.bgpAsn) : network.bgpAsn,
            description: s.name,
          }))
          .sort((a, b) => compareAddresses(a.address, b.address))
    : null;
  return {
    asn,
    routerId: site.tunnelAddress,
    neighbors,
    spokes: {
      listenRange: network.tunnelPrefix,
      remoteAs: perSpoke ? "external" : "internal",
      routeReflectorClient: !perSpoke,
      keepNextHop: perSpoke && network.phase === 2,
    },
    spokeNeighbors,
    networks: site.lanPrefixes,
    aggregates,
    rejectFromHubs: neighbors.length > 0 ? aggregates : [],
    timers,
    bfd,
  };
}

/**
 * Static routing: hubs route each spoke's LANs to that spoke; spokes route the other sites' LANs via every hub
 * (phase 3: the hub redirects and NHRP installs the shortcut) or, in phase 2, straight to the owning spoke's
 * tunnel address so NHRP resolves it.
 */
function staticRoutes(
  network: NetworkSpec,
  site: SiteSpec,
  hubs: SiteSpec[],
  spokes: SiteSpec[],
  peerHubs: HubRef[],
): StaticRoute[] {
  const routes: StaticRoute[] = [];
  for (const hub of hubs) {
    if (hub.name === site.name) continue;
    for (const p of hub.lanPrefixes) routes.push({ prefix: p, via: hub.tunnelAddress });
  }
  for (const spoke of spokes) {
    if (spoke.role !== "spoke" || spoke.name === site.name) continue;
    for (const p of spoke.lanPrefixes) {
      if (site.role === "hub" || network.phase === 2) routes.push({ prefix: p, via: spoke.tunnelAddress });
      else for (const hub of peerHubs) routes.push({ prefix: p, via: hub.tunnelAddress });
    }
  }
  return routes;
}
