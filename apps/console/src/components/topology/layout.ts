import { geoEqualEarth } from "d3-geo";
import type { TopologyNode } from "~/server/services/topology-model";

/**
 * Where each site is drawn. Pure: the same sites always give the same picture, whatever order they arrive in.
 *
 * - "network": one cluster per network, its hubs as anchors in the middle and its spokes on rings around them,
 *   ordered by their bearing from the network's geographic centre (so spokes of one region sit together), then by
 *   name. Adjacent spokes are at least SPACING apart, so no two share a pixel.
 * - "geo": the Equal Earth projection of each site's coordinates (the same projection draws the map behind).
 */

export type LayoutMode = "network" | "geo";
export type Point = { x: number; y: number };

/** Minimum distance between two sites in the network layout (graph units). */
export const SPACING = 10;
/** Hubs stand further apart than spokes so their (always shown) labels have room. */
const HUB_SPACING = 5 * SPACING;
const CLUSTER_GAP = 6 * SPACING;

const byName = (a: TopologyNode, b: TopologyNode) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

function bearingOrder(spokes: TopologyNode[]): TopologyNode[] {
  const located = spokes.filter((s) => s.latitude !== null && s.longitude !== null);
  if (located.length === 0) return [...spokes].sort(byName);
  const cLat = located.reduce((s, n) => s + (n.latitude ?? 0), 0) / located.length;
  const cLon = located.reduce((s, n) => s + (n.longitude ?? 0), 0) / located.length;
  const angle = (n: TopologyNode) => Math.atan2((n.latitude ?? 0) - cLat, (n.longitude ?? 0) - cLon);
  // bearings rounded to 10° so sites of one region keep a stable, readable name order among themselves
  const sector = (n: TopologyNode) => Math.round((angle(n) * 18) / Math.PI);
  const sorted = [...located].sort((a, b) => sector(a) - sector(b) || byName(a, b));
  return [...sorted, ...spokes.filter((s) => s.latitude === null || s.longitude === null).sort(byName)];
}

/** One network's sites around (0, 0); returns the positions and the cluster's radius. */
export function clusterLayout(nodes: TopologyNode[]): { positions: Map<string, Point>; radius: number } {
  const positions = new Map<string, Point>();
  const hubs = nodes.filter((n) => n.role === "hub").sort(byName);
  const spokes = bearingOrder(nodes.filter((n) => n.role !== "hub"));
  // hubs on a small circle whose chord between neighbours is HUB_SPACING (one hub: the centre)
  const hubRadius = hubs.length <= 1 ? 0 : HUB_SPACING / (2 * Math.sin(Math.PI / hubs.length));
  hubs.forEach((h, i) => {
    // two hubs side by side (horizontal), so their labels sit left and right of the pair
    const a = Math.PI + (2 * Math.PI * i) / hubs.length;
    positions.set(h.id, { x: hubRadius * Math.cos(a), y: hubRadius * Math.sin(a) });
  });
  let radius = hubRadius + (hubs.length ? SPACING : 0);
  let remaining = spokes;
  let ring = 0;
  while (remaining.length > 0) {
    const r = hubRadius + 3 * SPACING + ring * SPACING;
    const capacity = Math.max(1, Math.floor((2 * Math.PI * r) / SPACING));
    const take = Math.min(capacity, remaining.length);
    // pick `take` spokes evenly from the bearing-ordered rest, so each ring goes round the whole circle in order
    const chosen = new Set<number>();
    for (let j = 0; j < take; j++) chosen.add(Math.floor((j * remaining.length) / take));
    const onRing = remaining.filter((_, i) => chosen.has(i));
    remaining = remaining.filter((_, i) => !chosen.has(i));
    // the ring is only as full as it needs to be: its spokes spread over the whole circle
    onRing.forEach((s, j) => {
      const a = -Math.PI / 2 + (2 * Math.PI * j) / take + (ring % 2 ? Math.PI / take : 0);
      positions.set(s.id, { x: r * Math.cos(a), y: r * Math.sin(a) });
    });
    radius = r;
    ring++;
  }
  return { positions, radius: radius + SPACING };
}

/** Every network's cluster, packed in rows (networks by name), none overlapping another. */
export function networkLayout(nodes: TopologyNode[]): Map<string, Point> {
  const groups = new Map<string, TopologyNode[]>();
  for (const n of nodes) {
    const g = groups.get(n.networkId);
    if (g) g.push(n);
    else groups.set(n.networkId, [n]);
  }
  const clusters = [...groups.values()]
    .map((members) => ({
      name: members[0]?.networkName ?? "",
      id: members[0]?.networkId ?? "",
      ...clusterLayout(members),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const totalArea = clusters.reduce((s, c) => s + (2 * c.radius + CLUSTER_GAP) ** 2, 0);
  const rowWidth = Math.max(Math.sqrt(totalArea) * 1.3, ...clusters.map((c) => 2 * c.radius));
  const out = new Map<string, Point>();
  let x = 0;
  let rowTop = 0;
  let rowHeight = 0;
  for (const c of clusters) {
    const width = 2 * c.radius;
    if (x > 0 && x + width > rowWidth) {
      x = 0;
      rowTop += rowHeight + CLUSTER_GAP;
      rowHeight = 0;
    }
    const cx = x + c.radius;
    // sigma's y axis points up: rows go downwards
    const cy = -(rowTop + c.radius);
    for (const [id, p] of c.positions) out.set(id, { x: cx + p.x, y: cy + p.y });
    x += width + CLUSTER_GAP;
    rowHeight = Math.max(rowHeight, width);
  }
  return out;
}

/** The projection shared by the site positions and the map drawn behind them (graph units, y up after flipping). */
export const projection = geoEqualEarth().scale(100).translate([0, 0]);
const SEPARATION = 1.2;

/**
 * Sites with coordinates at their projected place; several sites at one place are spread on a small circle so
 * each stays visible and clickable; sites without coordinates wait in a row below the map.
 */
export function geoLayout(nodes: TopologyNode[]): Map<string, Point> {
  const out = new Map<string, Point>();
  const byPlace = new Map<string, { p: Point; ids: string[] }>();
  const unplaced: TopologyNode[] = [];
  for (const n of [...nodes].sort(byName)) {
    const projected = n.latitude !== null && n.longitude !== null ? projection([n.longitude, n.latitude]) : null;
    if (!projected) {
      unplaced.push(n);
      continue;
    }
    const p = { x: projected[0], y: -projected[1] };
    const key = `${Math.round(p.x / SEPARATION)}:${Math.round(p.y / SEPARATION)}`;
    const place = byPlace.get(key);
    if (place) place.ids.push(n.id);
    else byPlace.set(key, { p, ids: [n.id] });
  }
  for (const { p, ids } of byPlace.values()) {
    if (ids.length === 1) {
      out.set(ids[0] as string, p);
      continue;
    }
    const r = (SEPARATION * ids.length) / (2 * Math.PI) + SEPARATION;
    ids.forEach((id, i) => {
      const a = (2 * Math.PI * i) / ids.length;
      out.set(id, { x: p.x + r * Math.cos(a), y: p.y + r * Math.sin(a) });
    });
  }
  const perRow = 40;
  unplaced.forEach((n, i) => {
    out.set(n.id, { x: -200 + (i % perRow) * SPACING, y: -200 - Math.floor(i / perRow) * SPACING });
  });
  return out;
}

export function layout(nodes: TopologyNode[], mode: LayoutMode): Map<string, Point> {
  return mode === "geo" ? geoLayout(nodes) : networkLayout(nodes);
}

/** The graph-space box the geographic view frames: the whole projected world plus the row of unplaced sites. */
export function geoFrame(): { x: [number, number]; y: [number, number] } {
  // Equal Earth at scale 100 spans about ±273 × ±133
  return { x: [-280, 280], y: [-230, 140] };
}
