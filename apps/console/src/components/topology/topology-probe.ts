import type Sigma from "sigma";
import type { EdgeAttrs, NodeAttrs, TopologyGraphology } from "./graph-sync";

/**
 * The benchmark's window into the page (`npm run bench` in e2e/). Only benchmark builds contain it: the view
 * imports this module behind `process.env.NEXT_PUBLIC_TOPOLOGY_PROBE === "1"`, which Next inlines at build time,
 * so ordinary builds drop the import and the chunk.
 */

/** Edges timed at once; older entries go first, so a long session does not grow the maps without bound. */
const KEEP = 2_000;

export interface TopologyProbe {
  graph: TopologyGraphology;
  sigma: Sigma<NodeAttrs, EdgeAttrs>;
  snapshotAt: number | null;
  firstRenderAt: number | null;
  edgeAddedAt: Record<string, number>;
  /** first frame drawn after the edge was added */
  edgeDrawnAt: Record<string, number>;
  renders: number;
  deltas: number;
}

declare global {
  interface Window {
    __topology?: TopologyProbe;
  }
}

function remember(map: Record<string, number>, order: string[], id: string, at: number) {
  if (!(id in map)) order.push(id);
  map[id] = at;
  while (order.length > KEEP) delete map[order.shift() as string];
}

export interface ProbeHooks {
  snapshot(): void;
  edgesAdded(ids: string[]): void;
  detach(): void;
}

export function attachProbe(sigma: Sigma<NodeAttrs, EdgeAttrs>, graph: TopologyGraphology): ProbeHooks {
  const probe: TopologyProbe = {
    graph,
    sigma,
    snapshotAt: null,
    firstRenderAt: null,
    edgeAddedAt: {},
    edgeDrawnAt: {},
    renders: 0,
    deltas: 0,
  };
  const addedOrder: string[] = [];
  const drawnOrder: string[] = [];
  let pending: string[] = [];
  const afterRender = () => {
    probe.renders++;
    if (pending.length) {
      const at = performance.now();
      for (const id of pending) remember(probe.edgeDrawnAt, drawnOrder, id, at);
      pending = [];
    }
    if (probe.firstRenderAt === null && probe.snapshotAt !== null && graph.order > 0)
      probe.firstRenderAt = performance.now();
  };
  sigma.on("afterRender", afterRender);
  window.__topology = probe;
  return {
    snapshot() {
      probe.snapshotAt = performance.now();
    },
    edgesAdded(ids) {
      probe.deltas++;
      const at = performance.now();
      for (const id of ids) remember(probe.edgeAddedAt, addedOrder, id, at);
      pending.push(...ids);
    },
    detach() {
      sigma.off("afterRender", afterRender);
      if (window.__topology === probe) delete window.__topology;
    },
  };
}
