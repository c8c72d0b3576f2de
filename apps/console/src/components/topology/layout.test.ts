import { describe, expect, it } from "vitest";
import { geoLayout, networkLayout, type Point, SPACING } from "./layout";
import { network, node } from "./test-nodes";

function minDistance(points: Point[]): number {
  let min = Infinity;
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      min = Math.min(min, Math.hypot(a.x - b.x, a.y - b.y));
    }
  return min;
}

describe("hub-centred network layout", () => {
  it.each([5, 30, 500])("keeps %i sites of one network at least SPACING apart", (count) => {
    const positions = networkLayout(network(1, 2, count - 2));
    expect(positions.size).toBe(count);
    expect(minDistance([...positions.values()])).toBeGreaterThanOrEqual(SPACING * 0.99);
  });

  it("puts the hubs in the middle of their spokes", () => {
    const nodes = network(1, 2, 28);
    const positions = networkLayout(nodes);
    const centre = (ids: string[]) => {
      const ps = ids.map((id) => positions.get(id) as Point);
      return { x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length };
    };
    const hubs = centre(nodes.filter((n) => n.role === "hub").map((n) => n.id));
    const spokes = nodes.filter((n) => n.role === "spoke").map((n) => n.id);
    const spokeCentre = centre(spokes);
    expect(Math.hypot(hubs.x - spokeCentre.x, hubs.y - spokeCentre.y)).toBeLessThan(SPACING);
    const hubDistance = (id: string) => {
      const p = positions.get(id) as Point;
      return Math.hypot(p.x - hubs.x, p.y - hubs.y);
    };
    const nearestSpoke = Math.min(...spokes.map(hubDistance));
    const farthestHub = Math.max(...nodes.filter((n) => n.role === "hub").map((n) => hubDistance(n.id)));
    expect(nearestSpoke).toBeGreaterThan(farthestHub + SPACING);
    // two hubs stand apart, side by side, so both names fit
    const [a, b] = nodes.filter((n) => n.role === "hub").map((n) => positions.get(n.id) as Point);
    expect(Math.abs((a as Point).x - (b as Point).x)).toBeGreaterThanOrEqual(4 * SPACING);
    expect((a as Point).y).toBeCloseTo((b as Point).y);
  });

  it("gives each network its own cluster, with no site of one inside another's", () => {
    const nodes = network(4, 2, 498);
    const positions = networkLayout(nodes);
    expect(positions.size).toBe(2000);
    const boxes = [0, 1, 2, 3].map((n) => {
      const ps = nodes.filter((x) => x.networkId === `net${n}`).map((x) => positions.get(x.id) as Point);
      return {
        minX: Math.min(...ps.map((p) => p.x)),
        maxX: Math.max(...ps.map((p) => p.x)),
        minY: Math.min(...ps.map((p) => p.y)),
        maxY: Math.max(...ps.map((p) => p.y)),
      };
    });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i] as (typeof boxes)[number];
        const b = boxes[j] as (typeof boxes)[number];
        const apart = a.maxX < b.minX || b.maxX < a.minX || a.maxY < b.minY || b.maxY < a.minY;
        expect(apart).toBe(true);
      }
  });

  it("places spokes of one region next to each other", () => {
    const west = Array.from({ length: 5 }, (_, i) => node(`w${i}`, "spoke", { latitude: 40, longitude: -100 + i }));
    const east = Array.from({ length: 5 }, (_, i) => node(`e${i}`, "spoke", { latitude: 35, longitude: 130 + i }));
    const positions = networkLayout([node("hub", "hub"), ...east, ...west]);
    const angle = (id: string) => {
      const p = positions.get(id) as Point;
      return Math.atan2(p.y, p.x);
    };
    const spread = (ids: string[]) => {
      const v = ids.map((id) => ({ x: Math.cos(angle(id)), y: Math.sin(angle(id)) }));
      // mean resultant length: 1 when all at one bearing, 0 when spread round the circle
      return (
        Math.hypot(
          v.reduce((s, p) => s + p.x, 0),
          v.reduce((s, p) => s + p.y, 0),
        ) / v.length
      );
    };
    expect(spread(west.map((n) => n.id))).toBeGreaterThan(0.5);
    expect(spread(east.map((n) => n.id))).toBeGreaterThan(0.5);
  });

  it("is the same whatever order the sites come in", () => {
    const nodes = network(2, 2, 40);
    const a = networkLayout(nodes);
    const b = networkLayout([...nodes].reverse());
    expect([...b].sort()).toEqual([...a].sort());
  });
});

describe("geographic layout", () => {
  it("projects east to the right and north up, and spreads sites at the same place", () => {
    const positions = geoLayout([
      node("tokyo", "spoke", { latitude: 35.68, longitude: 139.69 }),
      node("lima", "spoke", { latitude: -12.05, longitude: -77.04 }),
      node("lima-2", "spoke", { latitude: -12.05, longitude: -77.04 }),
      node("nowhere", "spoke"),
    ]);
    const p = (id: string) => positions.get(id) as Point;
    expect(p("tokyo").x).toBeGreaterThan(p("lima").x);
    expect(p("tokyo").y).toBeGreaterThan(p("lima").y);
    expect(Math.hypot(p("lima").x - p("lima-2").x, p("lima").y - p("lima-2").y)).toBeGreaterThan(1);
    // no coordinates: below the map
    expect(p("nowhere").y).toBeLessThan(-150);
  });
});
