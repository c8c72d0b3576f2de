import type Graph from "graphology";
import type {
  Freshness,
  LinkState,
  TopologyDelta,
  TopologyEdge,
  TopologyGraph,
  TopologyNode,
} from "~/server/services/topology-model";
import { type LayoutMode, layout, type Point } from "./layout";

/**
 * Keeps a graphology graph in step with the server's topology: the snapshot once, then deltas, each touching only
 * the nodes and edges it names. Positions come from layout.ts; they are recomputed only when sites come, go or move,
 * so a link appearing or a state changing never moves anything.
 */

export type { LayoutMode } from "./layout";

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
export const HUB_COLOUR = "#1e3a8a";

export function nodeAttrs(node: TopologyNode, position: Point): NodeAttrs {
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
}

export function loadSnapshot(graph: TopologyGraphology, snapshot: TopologyGraph, ctx: SyncContext): void {
  graph.clear();
  const positions = layout(snapshot.nodes, ctx.mode);
  for (const n of snapshot.nodes) graph.addNode(n.id, nodeAttrs(n, positions.get(n.id) ?? { x: 0, y: 0 }));
  for (const e of snapshot.edges) addEdge(graph, e);
}

function addEdge(graph: TopologyGraphology, e: TopologyEdge) {
  if (!graph.hasNode(e.source) || !graph.hasNode(e.target)) return;
  if (graph.hasEdge(e.id)) graph.replaceEdgeAttributes(e.id, edgeAttrs(e));
  else graph.addUndirectedEdgeWithKey(e.id, e.source, e.target, edgeAttrs(e));
}

/** Applies one delta; returns the ids of edges it added (the benchmark build times them). */
export function applyDelta(graph: TopologyGraphology, delta: TopologyDelta, ctx: SyncContext): string[] {
  let moved = delta.addNodes.length > 0 || delta.removeNodes.some((id) => graph.hasNode(id));
  for (const id of delta.removeEdges) if (graph.hasEdge(id)) graph.dropEdge(id);
  for (const id of delta.removeNodes) if (graph.hasNode(id)) graph.dropNode(id);
  for (const n of delta.addNodes) {
    if (graph.hasNode(n.id)) {
      const { x, y } = graph.getNodeAttributes(n.id);
      graph.replaceNodeAttributes(n.id, nodeAttrs(n, { x, y }));
    } else graph.addNode(n.id, nodeAttrs(n, { x: 0, y: 0 }));
  }
  for (const n of delta.updateNodes) {
    if (!graph.hasNode(n.id)) continue;
    const old = graph.getNodeAttributes(n.id);
    // new coordinates, a new name or a new network can change where the site belongs
    if (
      old.data.latitude !== n.latitude ||
      old.data.longitude !== n.longitude ||
      old.data.name !== n.name ||
      old.data.networkId !== n.networkId ||
      old.data.role !== n.role
    )
      moved = true;
    graph.replaceNodeAttributes(n.id, nodeAttrs(n, { x: old.x, y: old.y }));
  }
  if (moved) relayout(graph, ctx);
  const added: string[] = [];
  for (const e of delta.addEdges) {
    addEdge(graph, e);
    added.push(e.id);
  }
  for (const e of delta.updateEdges) addEdge(graph, e);
  return added;
}

/** Re-places every node (a new layout mode, or sites that came, went or moved); nothing else changes. */
export function relayout(graph: TopologyGraphology, ctx: SyncContext): void {
  const positions = layout(
    graph.mapNodes((_id, a) => a.data),
    ctx.mode,
  );
  graph.updateEachNodeAttributes((id, attrs) => ({ ...attrs, ...(positions.get(id) ?? { x: attrs.x, y: attrs.y }) }));
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

export function secondsUntil(at: number | null, now: number): number | null {
  return at === null ? null : Math.max(0, Math.round((at - now) / 1000));
}
