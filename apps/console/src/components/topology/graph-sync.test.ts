import Graph from "graphology";
import { describe, expect, it } from "vitest";
import { applyDelta, type EdgeAttrs, loadSnapshot, type NodeAttrs, type SyncContext, timeAgo } from "./graph-sync";
import { edge, node } from "./test-nodes";

const empty = { addNodes: [], updateNodes: [], removeNodes: [], addEdges: [], updateEdges: [], removeEdges: [] };

describe("graph sync", () => {
  it("patches edges in and out without moving any site", () => {
    const graph = new Graph<NodeAttrs, EdgeAttrs>({ type: "undirected" });
    const ctx: SyncContext = { mode: "network" };
    loadSnapshot(
      graph,
      { nodes: [node("h", "hub"), node("a", "spoke"), node("b", "spoke")], edges: [edge("hs:h:a", "h", "a")] },
      ctx,
    );
    const before = graph.mapNodes((id, a) => [id, a.x, a.y]);

    const added = applyDelta(graph, { ...empty, addEdges: [edge("sc:a~b", "a", "b", "shortcut")] }, ctx);
    expect(added).toEqual(["sc:a~b"]);
    expect(graph.hasEdge("sc:a~b")).toBe(true);

    applyDelta(graph, { ...empty, updateNodes: [node("a", "spoke", { freshness: "offline" })] }, ctx);
    expect(graph.getNodeAttribute("a", "data").freshness).toBe("offline");
    expect(graph.mapNodes((id, a) => [id, a.x, a.y])).toEqual(before);

    applyDelta(graph, { ...empty, removeEdges: ["sc:a~b"] }, ctx);
    expect(graph.hasEdge("sc:a~b")).toBe(false);
    expect(graph.size).toBe(1);
  });

  it("places sites with coordinates by longitude and latitude in the geographic layout", () => {
    const graph = new Graph<NodeAttrs, EdgeAttrs>({ type: "undirected" });
    const ctx: SyncContext = { mode: "geo" };
    loadSnapshot(
      graph,
      {
        nodes: [
          node("tokyo", "spoke", { latitude: 35.68, longitude: 139.69 }),
          node("lima", "spoke", { latitude: -12.05, longitude: -77.04 }),
        ],
        edges: [],
      },
      ctx,
    );
    const tokyo = graph.getNodeAttributes("tokyo");
    const lima = graph.getNodeAttributes("lima");
    expect(tokyo.x).toBeGreaterThan(lima.x);
    expect(tokyo.y).toBeGreaterThan(lima.y);
  });

  it("says how old a report is", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(timeAgo("2026-01-01T11:57:00Z", now)).toBe("3 min ago");
    expect(timeAgo(null, now)).toBe("never");
  });
});
