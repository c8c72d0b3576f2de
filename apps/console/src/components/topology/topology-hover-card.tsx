import { formatBytes, type TopologyGraphology, timeAgo } from "./graph-sync";
import type { Hover } from "./use-sigma";

export function TopologyHoverCard({ hover, graph, now }: { hover: Hover; graph: TopologyGraphology; now: number }) {
  const sel = hover.selection;
  let body: React.ReactNode = null;
  if (sel?.kind === "node" && graph.hasNode(sel.id)) {
    const n = graph.getNodeAttribute(sel.id, "data");
    body = (
      <>
        <div className="font-medium">{n.name}</div>
        <div>
          {n.role} · {n.tunnelAddress} · NBMA {n.nbma ?? "dynamic"}
        </div>
        <div>last report {timeAgo(n.lastReportAt, now)}</div>
      </>
    );
  } else if (sel?.kind === "edge" && graph.hasEdge(sel.id)) {
    const e = graph.getEdgeAttribute(sel.id, "data");
    const [s, t] = graph.extremities(sel.id);
    body = (
      <>
        <div className="font-medium">
          {graph.getNodeAttribute(s, "data").name} ↔ {graph.getNodeAttribute(t, "data").name}
        </div>
        <div>
          {e.kind === "shortcut" ? "shortcut" : e.registered ? "registered" : "not registered"} · SA{" "}
          {e.saUp === null ? "n/a" : e.saUp ? "up" : "down"} · {formatBytes(e.saBytes)}
        </div>
      </>
    );
  }
  if (!body) return null;
  return (
    <div
      className="pointer-events-none absolute z-20 max-w-xs rounded border border-zinc-200 bg-white px-2 py-1 text-xs shadow dark:border-zinc-700 dark:bg-zinc-900"
      style={{ left: hover.x + 12, top: hover.y + 12 }}
      role="tooltip"
    >
      {body}
    </div>
  );
}
