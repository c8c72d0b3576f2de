import type { TopologyGraph } from "./topology-model";

/**
 * The dashboard's counts from the topology graph. Agentless (config-managed) sites are a bucket of their own:
 * they report nothing, so they are left out of online/offline, of hubs with registrations and of the tunnels
 * and SAs (an edge counts only when both of its ends have an agent). A healthy mixed network is all green.
 */
export function dashboardCounts(graph: TopologyGraph) {
  const watched = graph.nodes.filter((n) => n.freshness !== "config-managed");
  const watchedIds = new Set(watched.map((n) => n.id));
  const between = graph.edges.filter((e) => watchedIds.has(e.source) && watchedIds.has(e.target));
  const hubSpoke = between.filter((e) => e.kind === "hub-spoke");
  const hubs = watched.filter((n) => n.role === "hub");
  return {
    sites: graph.nodes.length,
    /** sites with an agent: the denominator of "online" */
    agentSites: watched.length,
    configManaged: graph.nodes.length - watched.length,
    online: watched.filter((n) => n.freshness === "fresh" || n.freshness === "stale").length,
    offline: watched.filter((n) => n.freshness === "offline").length,
    stale: watched.filter((n) => n.freshness === "stale").length,
    neverReported: watched.filter((n) => n.freshness === "unknown").length,
    hubs: hubs.length,
    hubsWithRegistrations: hubs.filter((n) => n.registered > 0).length,
    tunnelsUp: hubSpoke.filter((e) => e.state === "up").length,
    tunnelsTotal: hubSpoke.length,
    shortcutsUp: between.filter((e) => e.kind === "shortcut").length,
    sasDown: between.filter((e) => e.state === "degraded").length,
  };
}
