import { geoGraticule10, geoPath } from "d3-geo";
import { useEffect, useRef } from "react";
import type Sigma from "sigma";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import land110 from "world-atlas/land-110m.json";
import type { EdgeAttrs, NodeAttrs } from "./graph-sync";
import { projection } from "./layout";

// Natural Earth's land at 1:110m from the world-atlas package: bundled, so the map needs no tile server.
const topology = land110 as unknown as Topology<{ land: GeometryCollection }>;
const path = geoPath(projection);
const landPath = path(feature(topology, topology.objects.land)) ?? "";
const spherePath = path({ type: "Sphere" }) ?? "";
const gridPath = path(geoGraticule10()) ?? "";

/**
 * The world behind the geographic layout, drawn on a canvas under sigma's and moved with sigma's camera: the same
 * projection places the sites, so both agree at every zoom.
 */
export function TopologyMap({ sigma }: { sigma: Sigma<NodeAttrs, EdgeAttrs> | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!sigma || !el) return;
    const land = new Path2D(landPath);
    const sphere = new Path2D(spherePath);
    const grid = new Path2D(gridPath);
    const dark = window.matchMedia?.("(prefers-color-scheme: dark)").matches;
    const draw = () => {
      const { width, height } = sigma.getDimensions();
      const dpr = window.devicePixelRatio || 1;
      if (el.width !== Math.round(width * dpr) || el.height !== Math.round(height * dpr)) {
        el.width = Math.round(width * dpr);
        el.height = Math.round(height * dpr);
      }
      const ctx = el.getContext("2d");
      if (!ctx) return;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, el.width, el.height);
      // sigma's graph → viewport mapping is a scale and a shift per axis; the projection's y grows downwards
      const o = sigma.graphToViewport({ x: 0, y: 0 });
      const u = sigma.graphToViewport({ x: 100, y: 100 });
      const ax = (u.x - o.x) / 100;
      const ay = (u.y - o.y) / 100;
      ctx.setTransform(ax * dpr, 0, 0, -ay * dpr, o.x * dpr, o.y * dpr);
      ctx.fillStyle = dark ? "#0f172a" : "#f0f7ff";
      ctx.fill(sphere);
      ctx.lineWidth = 0.6 / Math.abs(ax);
      ctx.strokeStyle = dark ? "rgba(148,163,184,.15)" : "rgba(100,116,139,.18)";
      ctx.stroke(grid);
      ctx.fillStyle = dark ? "#27272a" : "#e4e4e7";
      ctx.fill(land);
      ctx.strokeStyle = dark ? "#3f3f46" : "#d4d4d8";
      ctx.stroke(land);
    };
    sigma.on("afterRender", draw);
    draw();
    return () => {
      sigma.off("afterRender", draw);
    };
  }, [sigma]);
  return (
    <canvas
      ref={canvas}
      className="pointer-events-none absolute inset-0 h-full w-full"
      data-testid="topology-map"
      aria-hidden
    />
  );
}
