import { describe, expect, it } from "vitest";
import { countVisible, edgeVisible, matchesSearch, NO_FILTERS, networksOf, nodeVisible } from "./filters";
import { edge, node } from "./test-nodes";

const corp = { networkId: "corp", networkName: "corp" };
const lab = { networkId: "lab", networkName: "lab" };
const nodes = [
  node("hub-a", "hub", corp),
  node("spoke-a1", "spoke", corp),
  node("spoke-a2", "spoke", { ...corp, freshness: "offline" }),
  node("hub-b", "hub", lab),
  node("spoke-b1", "spoke", { ...lab, freshness: "stale", tunnelAddress: "10.9.0.11" }),
  node("spoke-b2", "spoke", lab),
];
const edges = [
  edge("hs:a1", "hub-a", "spoke-a1"),
  edge("hs:a2", "hub-a", "spoke-a2", "hub-spoke", { state: "down" }),
  edge("hs:b1", "hub-b", "spoke-b1"),
  edge("hs:b2", "hub-b", "spoke-b2"),
  edge("sc:a", "spoke-a1", "spoke-a2", "shortcut", { expiresAt: 2000 }),
  edge("sc:b", "spoke-b1", "spoke-b2", "shortcut", { expiresAt: 1000 }),
];

describe("topology filters", () => {
  it("counts everything when nothing is filtered, shortcuts soonest-expiring first", () => {
    const c = countVisible(nodes, edges, NO_FILTERS);
    expect(c).toMatchObject({ sites: 6, hubs: 2, spokes: 4, links: 6, linksUp: 5, offline: 1, stale: 1 });
    expect(c.shortcuts.map((e) => e.id)).toEqual(["sc:b", "sc:a"]);
  });

  it("recounts sites, links and shortcuts for one network", () => {
    const c = countVisible(nodes, edges, { ...NO_FILTERS, networkId: "lab" });
    expect(c).toMatchObject({ sites: 3, hubs: 1, spokes: 2, links: 3, linksUp: 3, offline: 0, stale: 1 });
    expect(c.shortcuts.map((e) => e.id)).toEqual(["sc:b"]);
  });

  it("keeps spoke-to-spoke shortcuts when only spokes are shown, and drops the hub links", () => {
    const c = countVisible(nodes, edges, { ...NO_FILTERS, role: "spoke" });
    expect(c).toMatchObject({ sites: 4, hubs: 0, links: 2 });
    const f = { ...NO_FILTERS, role: "spoke" as const };
    expect(edgeVisible(nodes[0]!, nodes[1]!, f)).toBe(false);
    expect(edgeVisible(nodes[1]!, nodes[2]!, f)).toBe(true);
  });

  it("filters by state; a link needs both ends shown", () => {
    const f = { ...NO_FILTERS, freshness: "offline" as const };
    expect(nodes.filter((n) => nodeVisible(n, f)).map((n) => n.id)).toEqual(["spoke-a2"]);
    expect(countVisible(nodes, edges, f)).toMatchObject({ sites: 1, links: 0, shortcuts: [] });
  });

  it("search highlights without hiding, by name or address prefix", () => {
    expect(countVisible(nodes, edges, { ...NO_FILTERS, search: "b1" }).sites).toBe(6);
    expect(matchesSearch(nodes[4]!, "SPOKE-B")).toBe(true);
    expect(matchesSearch(nodes[4]!, "10.9.")).toBe(true);
    expect(matchesSearch(nodes[4]!, "9.0")).toBe(false);
    expect(matchesSearch(nodes[4]!, "  ")).toBe(false);
  });

  it("lists each network once, by name", () => {
    expect(networksOf(nodes).map((n) => n.name)).toEqual(["corp", "lab"]);
  });
});
