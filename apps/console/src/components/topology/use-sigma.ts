"use client";

import { fitViewportToNodes } from "@sigma/utils";
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
import Sigma from "sigma";
import { edgeVisible, matchesSearch, nodeVisible, type TopologyFilters } from "./filters";
import type { EdgeAttrs, NodeAttrs, TopologyGraphology } from "./graph-sync";
import { type LabelCandidate, type PlacedLabel, placeLabels } from "./labels";
import { geoFrame, type LayoutMode } from "./layout";

export type Selection = { kind: "node"; id: string } | { kind: "edge"; id: string } | null;
export interface Hover {
  x: number;
  y: number;
  selection: Selection;
}

/** Edge picking redraws every edge into a hidden buffer each frame; above this many edges it waits for a zoom-in. */
const EDGE_EVENTS_MAX = 1500;
const LABEL_FONT = "11px ui-sans-serif, system-ui, sans-serif";
const LABEL_LINE = 16;
const LABELS_MAX = 150;
/** Above this many sites, names are placed when the camera stops rather than on every frame. */
const LABELS_EVERY_FRAME_MAX = 1000;

/** The placed labels, for useSyncExternalStore. */
export class LabelStore {
  private labels: PlacedLabel[] = [];
  private listeners = new Set<() => void>();
  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  get = () => this.labels;
  set(labels: PlacedLabel[]) {
    this.labels = labels;
    for (const fn of this.listeners) fn();
  }
}

export interface SigmaState {
  filters: TopologyFilters;
  selection: Selection;
}

/**
 * One sigma renderer for the page's lifetime over the given graph: data changes go through the graph, never a new
 * renderer. Filters, search, hover and selection reach the WebGL reducers through a ref, so changing them is a
 * redraw, not a re-index. Site names are drawn by the page (see labels.ts) from the positions this hook computes
 * after each frame.
 */
export function useSigma(
  container: RefObject<HTMLDivElement | null>,
  graph: TopologyGraphology,
  state: SigmaState,
  on: { hover(h: Hover | null): void; select(s: Selection): void },
) {
  const [sigma, setSigma] = useState<Sigma<NodeAttrs, EdgeAttrs> | null>(null);
  // Labels change every frame while the camera moves: kept outside React state so only the label layer re-renders.
  const [labels] = useState(() => new LabelStore());
  const stateRef = useRef(state);
  stateRef.current = state;
  const hoverRef = useRef<string | null>(null);
  const onRef = useRef(on);
  onRef.current = on;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const s = new Sigma<NodeAttrs, EdgeAttrs>(graph, el, {
      renderLabels: false,
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      hideEdgesOnMove: graph.size > 3000,
      zIndex: true,
      allowInvalidContainer: true,
      // the hovered site gets a ring; its name is already drawn by the page (see labels.ts)
      defaultDrawNodeHover: (ctx, data) => {
        ctx.beginPath();
        ctx.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
        ctx.strokeStyle = "#0284c7";
        ctx.lineWidth = 2;
        ctx.stroke();
      },
      nodeReducer: (id, attrs) => {
        const { filters, selection } = stateRef.current;
        const d = attrs.data;
        if (!nodeVisible(d, filters)) return { ...attrs, hidden: true };
        const emphasised = matchesSearch(d, filters.search) || hoverRef.current === id || selection?.id === id;
        // not sigma's "highlighted", which would draw a second name over the page's own
        return {
          ...attrs,
          size: emphasised ? attrs.size * 1.6 : attrs.size,
          zIndex: emphasised ? 2 : d.role === "hub" ? 1 : 0,
        };
      },
      edgeReducer: (id, attrs) => {
        const { filters, selection } = stateRef.current;
        const [a, b] = graph.extremities(id);
        if (!edgeVisible(graph.getNodeAttribute(a, "data"), graph.getNodeAttribute(b, "data"), filters))
          return { ...attrs, hidden: true };
        const emphasised = hoverRef.current === id || selection?.id === id;
        return {
          ...attrs,
          zIndex: attrs.data.kind === "shortcut" ? 2 : attrs.data.state === "up" ? 0 : 1,
          size: emphasised ? attrs.size * 2.5 : attrs.size,
        };
      },
    });

    const hoverAt = (selection: Selection, event: { x: number; y: number }) => {
      hoverRef.current = selection?.id ?? null;
      onRef.current.hover({ x: event.x, y: event.y, selection });
      s.refresh({ skipIndexation: true });
    };
    const leave = () => {
      hoverRef.current = null;
      onRef.current.hover(null);
      s.refresh({ skipIndexation: true });
    };
    s.on("enterNode", ({ node, event }) => hoverAt({ kind: "node", id: node }, event));
    s.on("enterEdge", ({ edge, event }) => hoverAt({ kind: "edge", id: edge }, event));
    s.on("leaveNode", leave);
    s.on("leaveEdge", leave);
    s.on("clickNode", ({ node }) => onRef.current.select({ kind: "node", id: node }));
    s.on("clickEdge", ({ edge }) => onRef.current.select({ kind: "edge", id: edge }));
    s.on("clickStage", () => onRef.current.select(null));
    const updateEdgeEvents = () => {
      const want = graph.size <= EDGE_EVENTS_MAX || s.getCamera().getState().ratio < 0.4;
      if (s.getSetting("enableEdgeEvents") !== want) s.setSetting("enableEdgeEvents", want);
    };
    s.getCamera().on("updated", updateEdgeEvents);
    graph.on("edgeAdded", updateEdgeEvents);
    graph.on("cleared", updateEdgeEvents);

    // Names are placed once per animation frame at most, after sigma has drawn.
    const measureCtx = document.createElement("canvas").getContext("2d");
    const widths = new Map<string, number>();
    const measure = (text: string) => {
      let w = widths.get(text);
      if (w === undefined) {
        if (measureCtx) measureCtx.font = LABEL_FONT;
        w = measureCtx ? measureCtx.measureText(text).width : text.length * 6.5;
        widths.set(text, w);
      }
      return w;
    };
    let frame: number | null = null;
    const computeLabels = () => {
      frame = null;
      const { filters, selection } = stateRef.current;
      const { width, height } = s.getDimensions();
      const candidates: LabelCandidate[] = [];
      graph.forEachNode((id, attrs) => {
        const d = attrs.data;
        if (!nodeVisible(d, filters)) return;
        const shown = s.getNodeDisplayData(id);
        if (!shown) return;
        const p = s.framedGraphToViewport(shown);
        if (p.x < -50 || p.y < -50 || p.x > width + 50 || p.y > height + 50) return;
        const chosen = selection?.id === id || matchesSearch(d, filters.search);
        candidates.push({
          id,
          text: d.name,
          x: p.x,
          y: p.y,
          radius: s.scaleSize(shown.size),
          forced: chosen || d.role === "hub",
          priority: (chosen ? 1000 : 0) + (d.freshness === "offline" || d.freshness === "stale" ? 10 : 0) + d.shortcuts,
        });
      });
      labels.set(placeLabels(candidates, { width, height, lineHeight: LABEL_LINE, max: LABELS_MAX, measure }));
    };
    // In large graphs names are placed once the camera rests, not on every frame of a zoom or pan: the frame
    // budget goes to the WebGL drawing, and names sliding about mid-move would not be readable anyway.
    let moving = false;
    let settle: ReturnType<typeof setTimeout> | null = null;
    s.getCamera().on("updated", () => {
      if (graph.order <= LABELS_EVERY_FRAME_MAX) return;
      moving = true;
      if (labels.get().length) labels.set([]);
      if (settle !== null) clearTimeout(settle);
      settle = setTimeout(() => {
        settle = null;
        moving = false;
        if (frame === null) frame = requestAnimationFrame(computeLabels);
      }, 150);
    });
    s.on("afterRender", () => {
      if (!moving && frame === null) frame = requestAnimationFrame(computeLabels);
    });

    setSigma(s);
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (settle !== null) clearTimeout(settle);
      graph.off("edgeAdded", updateEdgeEvents);
      graph.off("cleared", updateEdgeEvents);
      s.kill();
      setSigma(null);
    };
  }, [container, graph, labels]);

  // filters, search and selection are read by the reducers: a redraw is enough
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reducers read state through stateRef
  useEffect(() => {
    sigma?.refresh({ skipIndexation: true });
  }, [sigma, state.filters, state.selection]);

  /** Frames the given sites (all visible ones when empty), animated. */
  const fit = useCallback(
    (nodes: string[]) => {
      if (!sigma) return;
      if (nodes.length === 0) {
        void sigma.getCamera().animatedReset({ duration: 300 });
        return;
      }
      // @sigma/utils is typed for sigma's default attributes; ours only add fields to them
      void fitViewportToNodes(sigma as unknown as Sigma, nodes, { animate: true });
    },
    [sigma],
  );

  /**
   * Sigma fits the view to the graph's extent; a site appearing at the edge would rescale everything. Freezing the
   * frame after each layout (the whole projected world in the geographic one) keeps the picture still.
   */
  const freezeFrame = useCallback(
    (mode: LayoutMode) => {
      if (!sigma) return;
      if (mode === "geo") sigma.setCustomBBox(geoFrame());
      else {
        sigma.setCustomBBox(null);
        sigma.refresh();
        sigma.setCustomBBox(sigma.getBBox());
      }
      sigma.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      sigma.refresh();
    },
    [sigma],
  );

  return { sigma, labels, fit, freezeFrame };
}
