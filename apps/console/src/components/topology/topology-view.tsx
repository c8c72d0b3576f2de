"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import Graph from "graphology";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { TopologyMessage } from "~/server/api/routers/topology";
import { useTRPC } from "~/trpc/react";
import { Button, Input, Select } from "../ui";
import { countVisible, matchesSearch, NO_FILTERS, networksOf, nodeVisible, type TopologyFilters } from "./filters";
import {
  applyDelta,
  type EdgeAttrs,
  type LayoutMode,
  loadSnapshot,
  type NodeAttrs,
  relayout,
  type SyncContext,
  type TopologyGraphology,
} from "./graph-sync";
import { TopologyDetails } from "./topology-details";
import { TopologyHoverCard } from "./topology-hover-card";
import { TopologyLabels } from "./topology-labels";
import { TopologyLegend } from "./topology-legend";
import { TopologyMap } from "./topology-map";
import type { ProbeHooks } from "./topology-probe";
import { TopologyShortcuts } from "./topology-shortcuts";
import { type Hover, type Selection, useSigma } from "./use-sigma";
import { type ZoomSite, zoomAnchor } from "./zoom";

// Inlined by Next at build time: only `npm run bench` builds with it, so other builds carry no probe.
const probeModule = process.env.NEXT_PUBLIC_TOPOLOGY_PROBE === "1" ? import("./topology-probe") : null;

/**
 * User Timing marks of the first render's steps (standard, free, visible in any browser's performance panel; the
 * benchmark reads them): view mounted, live subscription started, snapshot received, snapshot in the graph.
 */
const mark = (step: "mounted" | "subscribed" | "snapshot-received" | "snapshot-loaded") => {
  if (!performance.getEntriesByName(`topology:${step}`).length) performance.mark(`topology:${step}`);
};

export default function TopologyView() {
  const trpc = useTRPC();
  const container = useRef<HTMLDivElement>(null);
  const [graph] = useState<TopologyGraphology>(() => new Graph<NodeAttrs, EdgeAttrs>({ type: "undirected" }));
  const ctxRef = useRef<SyncContext>({ mode: "network" });
  const [filters, setFilters] = useState<TopologyFilters>(NO_FILTERS);
  const [mode, setMode] = useState<LayoutMode>("network");
  const [selection, setSelection] = useState<Selection>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [version, setVersion] = useState(0);
  const versionTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [connected, setConnected] = useState(false);
  const [loaded, setLoaded] = useState(false);

  const { sigma, labels, fit, freezeFrame } = useSigma(
    container,
    graph,
    { filters, selection },
    { hover: setHover, select: setSelection },
  );

  useEffect(() => mark("mounted"), []);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const probe = useRef<ProbeHooks | null>(null);
  useEffect(() => {
    if (!sigma || !probeModule) return;
    let hooks: ProbeHooks | null = null;
    let cancelled = false;
    void probeModule.then((m) => {
      if (cancelled) return;
      hooks = m.attachProbe(sigma, graph);
      // a snapshot that came first is timed from now: the figure can only come out too slow, never too fast
      if (graph.order > 0) hooks.snapshot();
      probe.current = hooks;
    });
    return () => {
      cancelled = true;
      hooks?.detach();
      probe.current = null;
    };
  }, [sigma, graph]);

  const onMessage = useCallback(
    (msg: TopologyMessage) => {
      if (msg.kind === "snapshot") {
        mark("snapshot-received");
        loadSnapshot(graph, msg.graph, ctxRef.current);
        mark("snapshot-loaded");
        probe.current?.snapshot();
        setLoaded(true);
      } else {
        const added = applyDelta(graph, msg.delta, ctxRef.current);
        probe.current?.edgesAdded(added);
      }
      // The WebGL view follows the graph at once; the side panels re-render at most every 250 ms.
      if (versionTimer.current === null) {
        versionTimer.current = setTimeout(() => {
          versionTimer.current = null;
          setVersion((v) => v + 1);
        }, 250);
      }
    },
    [graph],
  );

  useSubscription(
    trpc.topology.live.subscriptionOptions(undefined, {
      onStarted: () => {
        mark("subscribed");
        setConnected(true);
      },
      onData: (msg) => onMessage(msg as TopologyMessage),
      onError: () => setConnected(false),
    }),
  );

  // The frame follows the layout: set after the first snapshot and after a change of layout, never on a delta.
  useEffect(() => {
    if (!loaded) return;
    if (ctxRef.current.mode !== mode) {
      ctxRef.current.mode = mode;
      relayout(graph, ctxRef.current);
    }
    freezeFrame(mode);
  }, [loaded, mode, graph, freezeFrame]);

  // Narrowing the view re-frames it on what is left; widening it back shows everything again.
  const { networkId, role, freshness } = filters;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter fields and the layout are the triggers
  useEffect(() => {
    if (!loaded) return;
    const kept = { ...NO_FILTERS, networkId, role, freshness };
    const narrowed = networkId || role || freshness;
    fit(narrowed ? graph.filterNodes((_id, a) => nodeVisible(a.data, kept)) : []);
  }, [loaded, networkId, role, freshness, mode, fit, graph]);

  // version is the cue that the graph changed; the memo reads it from the graph itself.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks graph mutations
  const nodes = useMemo(() => graph.mapNodes((_id, a) => a.data), [graph, version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks graph mutations
  const edges = useMemo(() => graph.mapEdges((_id, a) => a.data), [graph, version]);
  const networks = useMemo(() => networksOf(nodes), [nodes]);
  const counts = useMemo(() => countVisible(nodes, edges, filters), [nodes, edges, filters]);

  const name = (id: string) => (graph.hasNode(id) ? graph.getNodeAttribute(id, "data").name : "(gone)");

  const focus = (id: string) => {
    if (!sigma || !graph.hasNode(id)) return;
    const pos = sigma.getNodeDisplayData(id);
    if (pos) void sigma.getCamera().animate({ x: pos.x, y: pos.y, ratio: 0.25 }, { duration: 400 });
    setSelection({ kind: "node", id });
  };

  const onSearchEnter = () => {
    const hit = nodes.find((n) => nodeVisible(n, filters) && matchesSearch(n, filters.search));
    if (hit) focus(hit.id);
  };

  const zoomTarget = useRef<number | null>(null);
  // Zooming in centres the site nearest the middle (see zoom.ts): the middle of a framed network is often empty.
  const zoom = (factor: number) => {
    if (!sigma) return;
    const camera = sigma.getCamera();
    const sites: ZoomSite[] = [];
    graph.forEachNode((id, a) => {
      const shown = nodeVisible(a.data, filters) ? sigma.getNodeDisplayData(id) : undefined;
      if (shown) sites.push({ id, ...sigma.framedGraphToViewport(shown) });
    });
    const anchor = zoomAnchor(sites, sigma.getDimensions(), factor);
    const at = anchor ? sigma.getNodeDisplayData(anchor.id) : undefined;
    // clicks faster than the animation add up: each one starts from where the previous one is heading
    const from = camera.isAnimated() && zoomTarget.current !== null ? zoomTarget.current : camera.getState().ratio;
    const ratio = from * factor;
    zoomTarget.current = ratio;
    void camera.animate(at ? { x: at.x, y: at.y, ratio } : { ratio }, { duration: 200 });
  };

  const narrowed = Boolean(filters.networkId || filters.role || filters.freshness);
  const fitVisible = () => fit(narrowed ? graph.filterNodes((_id, a) => nodeVisible(a.data, filters)) : []);

  return (
    <div className="flex min-h-[calc(100vh-3rem)] flex-col gap-3 lg:h-[calc(100vh-3rem)]">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-lg font-semibold">Topology</h1>
        <Input
          aria-label="Search sites"
          placeholder="Search name or address, Enter to focus"
          className="w-full! sm:w-64!"
          value={filters.search}
          onChange={(e) => setFilters({ ...filters, search: e.target.value })}
          onKeyDown={(e) => e.key === "Enter" && onSearchEnter()}
        />
        <Select
          aria-label="Network"
          className="w-44!"
          value={filters.networkId}
          onChange={(e) => setFilters({ ...filters, networkId: e.target.value })}
        >
          <option value="">All networks</option>
          {networks.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
              {n.isDemo ? " (demo)" : ""}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Role"
          className="w-36!"
          value={filters.role}
          onChange={(e) => setFilters({ ...filters, role: e.target.value as TopologyFilters["role"] })}
        >
          <option value="">Hubs and spokes</option>
          <option value="hub">Hubs</option>
          <option value="spoke">Spokes</option>
        </Select>
        <Select
          aria-label="State"
          className="w-36!"
          value={filters.freshness}
          onChange={(e) => setFilters({ ...filters, freshness: e.target.value as TopologyFilters["freshness"] })}
        >
          <option value="">Any state</option>
          <option value="fresh">Reporting</option>
          <option value="stale">Stale</option>
          <option value="offline">Offline</option>
          <option value="unknown">Never reported</option>
          <option value="config-managed">Config-managed (no agent)</option>
        </Select>
        <Select
          aria-label="Layout"
          className="w-36!"
          value={mode}
          onChange={(e) => setMode(e.target.value as LayoutMode)}
        >
          <option value="network">By network</option>
          <option value="geo">Geographic</option>
        </Select>
        <div className="flex gap-1">
          <Button variant="secondary" aria-label="Zoom in" onClick={() => zoom(0.66)}>
            +
          </Button>
          <Button variant="secondary" aria-label="Zoom out" onClick={() => zoom(1.5)}>
            −
          </Button>
          <Button variant="secondary" onClick={fitVisible}>
            Fit
          </Button>
        </div>
        <span className="text-xs text-zinc-500 lg:ml-auto" data-testid="topology-summary">
          {counts.sites} sites ({counts.hubs} hubs, {counts.spokes} spokes) · {counts.links} links ({counts.linksUp} up)
          · {counts.shortcuts.length} shortcuts · {counts.offline} offline · {counts.stale} stale ·{" "}
          <span className={connected ? "text-emerald-600" : "text-amber-600"}>{connected ? "live" : "connecting"}</span>
        </span>
      </div>
      <div className="flex min-h-0 flex-1 flex-col gap-3 lg:flex-row">
        <div className="relative h-[60vh] min-w-0 overflow-hidden rounded-md border border-zinc-200 bg-white lg:h-auto lg:flex-1 dark:border-zinc-800 dark:bg-zinc-950">
          {mode === "geo" ? <TopologyMap sigma={sigma} /> : null}
          <div ref={container} className="absolute inset-0" data-testid="topology-canvas" />
          <TopologyLabels store={labels} />
          <TopologyLegend />
          {hover ? <TopologyHoverCard hover={hover} graph={graph} now={now} /> : null}
        </div>
        <aside className="w-full shrink-0 space-y-3 overflow-y-auto text-[13px] lg:w-80">
          <TopologyDetails selection={selection} graph={graph} now={now} name={name} onSelect={setSelection} />
          <TopologyShortcuts
            now={now}
            shortcuts={counts.shortcuts}
            name={name}
            onSelect={(id) => setSelection({ kind: "edge", id })}
          />
        </aside>
      </div>
    </div>
  );
}
