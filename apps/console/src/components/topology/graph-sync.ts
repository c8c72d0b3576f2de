import type Graph from "graphology";
import type {
  Freshness,
  LinkState,
  TopologyDelta,
  TopologyEdge,
  TopologyGraph,
  TopologyNode,
} from "~/server/services/topology-model";

/**
 * Keeps a graphology graph in step with the server's topology: the snapshot once, then deltas, each touching only
 * the nodes and edges it names. Positions come from the site itself (a hash of its id, or its coordinates), so a
 * site keeps its place however many others come and go: the layout never jumps.
 */

export type LayoutMode = "network" | "geo";

export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  data: TopologyNode;
  [key: string]: unknown;
}

export interface EdgeAttrs {
  size: number;
  color: string;
  data: TopologyEdge;
  [key: string]: unknown;
}

export type TopologyGraphology = Graph<NodeAttrs, EdgeAttrs>;

export const FRESHNESS_COLOURS: Record<Freshness, string> = {
  fresh: "#0d9488",
  stale: "#d97706",
  offline: "#dc2626",
  unknown: "#a1a1aa",
  "config-managed": "#8b5cf6",
};

export const LINK_COLOURS: Record<LinkState, string> = {
  up: "#16a34a",
  degraded: "#f59e0b",
  down: "#dc2626",
  unknown: "#d4d4d8",
};

export const SHORTCUT_COLOUR = "#7c3aed";
const HUB_COLOUR = "#1e3a8a";

/** 32-bit FNV-1a, as a fraction in [0, 1). */
function hash01(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** Where each network's cluster sits: a grid ordered by network id, so it is the same on every page load. */
export function networkCentres(nodes: Iterable<TopologyNode>): Map<string, { x: number; y: number }> {
  const ids = [...new Set([...nodes].map((n) => n.networkId))].sort();
  const columns = Math.max(1, Math.ceil(Math.sqrt(ids.length)));
  return new Map(ids.map((id, i) => [id, { x: (i % columns) * 300, y: Math.floor(i / columns) * 300 }]));
}

export function positionOf(
  node: TopologyNode,
  mode: LayoutMode,
  centres: Map<string, { x: number; y: number }>,
): { x: number; y: number } {
  if (mode === "geo" && node.latitude !== null && node.longitude !== null) {
    // equirectangular: longitude → x, latitude → y (sigma's y axis points up)
    return { x: node.longitude * 1.6, y: node.latitude * 1.6 };
  }
  const c = centres.get(node.networkId) ?? { x: 0, y: 0 };
  const angle = hash01(`${node.id}:a`) * Math.PI * 2;
  if (mode === "geo") {
    // sites without coordinates wait in a ring below the map
    return { x: Math.cos(angle) * 60, y: -200 + Math.sin(angle) * 20 };
  }
  // hubs near the centre, spokes spread evenly over a disc around them
  const radius = node.role === "hub" ? 8 + hash01(`${node.id}:r`) * 12 : 30 + Math.sqrt(hash01(`${node.id}:r`)) * 110;
  return { x: c.x + Math.cos(angle) * radius, y: c.y + Math.sin(angle) * radius };
}

export function nodeAttrs(node: TopologyNode, position: { x: number; y: number }): NodeAttrs {
  return {
    ...position,
    size: node.role === "hub" ? 9 : 4,
    color: node.role === "hub" && node.freshness === "fresh" ? HUB_COLOUR : FRESHNESS_COLOURS[node.freshness],
    label: node.name,
    data: node,
  };
}

export function edgeAttrs(edge: TopologyEdge): EdgeAttrs {
  return edge.kind === "shortcut"
    ? { size: 2.5, color: SHORTCUT_COLOUR, data: edge }
    : { size: edge.state === "up" ? 0.8 : 1.2, color: LINK_COLOURS[edge.state], data: edge };
}

export interface SyncContext {
  mode: LayoutMode;
  centres: Map<string, { x: number; y: number }>;
}

export function loadSnapshot(graph: TopologyGraphology, snapshot: TopologyGraph, ctx: SyncContext): void {
  graph.clear();
  ctx.centres = networkCentres(snapshot.nodes);
  for (const n of snapshot.nodes) graph.addNode(n.id, nodeAttrs(n, positionOf(n, ctx.mode, ctx.centres)));
  for (const e of snapshot.edges) addEdge(graph, e);
}

function addEdge(graph: TopologyGraphology, e: TopologyEdge) {
  if (!graph.hasNode(e.source) || !graph.hasNode(e.target)) return;
  if (graph.hasEdge(e.id)) graph.replaceEdgeAttributes(e.id, edgeAttrs(e));
  else graph.addUndirectedEdgeWithKey(e.id, e.source, e.target, edgeAttrs(e));
}

/** Applies one delta; returns the ids of edges it added (the page times them for the benchmark). */
export function applyDelta(graph: TopologyGraphology, delta: TopologyDelta, ctx: SyncContext): string[] {
  for (const id of delta.removeEdges) if (graph.hasEdge(id)) graph.dropEdge(id);
  for (const id of delta.removeNodes) if (graph.hasNode(id)) graph.dropNode(id);
  for (const n of delta.addNodes) {
    if (!ctx.centres.has(n.networkId)) ctx.centres = networkCentres([...nodesOf(graph), n]);
    if (graph.hasNode(n.id)) graph.replaceNodeAttributes(n.id, nodeAttrs(n, positionOf(n, ctx.mode, ctx.centres)));
    else graph.addNode(n.id, nodeAttrs(n, positionOf(n, ctx.mode, ctx.centres)));
  }
  for (const n of delta.updateNodes) {
    if (!graph.hasNode(n.id)) continue;
    const { x, y } = graph.getNodeAttributes(n.id);
    // a moved site (new coordinates) moves; otherwise it keeps its place
    const position =
      graph.getNodeAttribute(n.id, "data").latitude !== n.latitude ||
      graph.getNodeAttribute(n.id, "data").longitude !== n.longitude
        ? positionOf(n, ctx.mode, ctx.centres)
        : { x, y };
    graph.replaceNodeAttributes(n.id, nodeAttrs(n, position));
  }
  const added: string[] = [];
  for (const e of delta.addEdges) {
    addEdge(graph, e);
    added.push(e.id);
  }
  for (const e of delta.updateEdges) addEdge(graph, e);
  return added;
}

function* nodesOf(graph: TopologyGraphology): Generator<TopologyNode> {
  for (const id of graph.nodes()) yield graph.getNodeAttribute(id, "data");
}

/** Re-places every node for a new layout mode (positions only; nothing else changes). */
export function relayout(graph: TopologyGraphology, ctx: SyncContext): void {
  ctx.centres = networkCentres(nodesOf(graph));
  graph.updateEachNodeAttributes((_id, attrs) => ({ ...attrs, ...positionOf(attrs.data, ctx.mode, ctx.centres) }));
}

export function timeAgo(iso: string | null, now: number): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

export function formatBytes(n: number | null): string {
  if (n === null) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "–";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${seconds % 60}s`;
  return `${seconds}s`;
}
