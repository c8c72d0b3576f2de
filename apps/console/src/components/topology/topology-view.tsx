"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Graph from "graphology";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import Sigma from "sigma";
import type { TopologyMessage } from "~/server/api/routers/topology";
import type { Freshness, TopologyEdge, TopologyNode } from "~/server/services/topology-model";
import { useTRPC } from "~/trpc/react";
import { Button, Input, Select } from "../ui";
import {
  applyDelta,
  type EdgeAttrs,
  FRESHNESS_COLOURS,
  formatBytes,
  formatDuration,
  type LayoutMode,
  LINK_COLOURS,
  loadSnapshot,
  type NodeAttrs,
  relayout,
  SHORTCUT_COLOUR,
  type SyncContext,
  type TopologyGraphology,
  timeAgo,
} from "./graph-sync";

interface Filters {
  search: string;
  networkId: string;
  role: "" | "hub" | "spoke";
  freshness: "" | Freshness;
}

const EDGE_EVENTS_MAX = 1500;

type Selection = { kind: "node"; id: string } | { kind: "edge"; id: string } | null;

/** Numbers the benchmark and the browser tests read; nothing in the page depends on them. */
interface TopologyProbe {
  graph: TopologyGraphology;
  sigma: Sigma<NodeAttrs, EdgeAttrs> | null;
  snapshotAt: number | null;
  firstRenderAt: number | null;
  edgeAddedAt: Record<string, number>;
  /** first frame drawn after the edge was added */
  edgeDrawnAt: Record<string, number>;
  pendingDraw: string[];
  renders: number;
  deltas: number;
}

declare global {
  interface Window {
    __topology?: TopologyProbe;
  }
}

export default function TopologyView() {
  const trpc = useTRPC();
  const container = useRef<HTMLDivElement>(null);
  const graphRef = useRef<TopologyGraphology>(new Graph<NodeAttrs, EdgeAttrs>({ type: "undirected" }));
  const sigmaRef = useRef<Sigma<NodeAttrs, EdgeAttrs> | null>(null);
  const ctxRef = useRef<SyncContext>({ mode: "network", centres: new Map() });
  const filtersRef = useRef<Filters>({ search: "", networkId: "", role: "", freshness: "" });
  const hoverRef = useRef<string | null>(null);
  const [filters, setFilters] = useState<Filters>(filtersRef.current);
  const [mode, setMode] = useState<LayoutMode>("network");
  const [selection, setSelection] = useState<Selection>(null);
  const [hover, setHover] = useState<{ x: number; y: number; selection: Selection } | null>(null);
  const [version, setVersion] = useState(0);
  const versionTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  // One sigma instance for the page's lifetime; data changes go through the graph, never a new renderer.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const graph = graphRef.current;
    const probe: TopologyProbe = {
      graph,
      sigma: null,
      snapshotAt: null,
      firstRenderAt: null,
      edgeAddedAt: {},
      edgeDrawnAt: {},
      pendingDraw: [],
      renders: 0,
      deltas: 0,
    };
    window.__topology = probe;
    const sigma = new Sigma<NodeAttrs, EdgeAttrs>(graph, el, {
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      hideEdgesOnMove: graph.size > 3000,
      labelRenderedSizeThreshold: 7,
      labelDensity: 0.5,
      zIndex: true,
      allowInvalidContainer: true,
      nodeReducer: (id, attrs) => {
        const f = filtersRef.current;
        const d = attrs.data;
        const hidden =
          (f.networkId && d.networkId !== f.networkId) ||
          (f.role && d.role !== f.role) ||
          (f.freshness && d.freshness !== f.freshness);
        if (hidden) return { ...attrs, hidden: true };
        const match = f.search && matches(d, f.search);
        const hovered = hoverRef.current === id;
        return {
          ...attrs,
          highlighted: Boolean(match) || hovered,
          size: match || hovered ? attrs.size * 1.6 : attrs.size,
          zIndex: match || hovered ? 2 : d.role === "hub" ? 1 : 0,
          forceLabel: Boolean(match) || d.role === "hub",
        };
      },
      edgeReducer: (id, attrs) => {
        const f = filtersRef.current;
        const [s, t] = graph.extremities(id);
        const hiddenEnd = (n: string) => {
          const d = graph.getNodeAttribute(n, "data");
          return (
            (f.networkId && d.networkId !== f.networkId) ||
            (f.role === "hub" && d.role !== "hub") ||
            (f.freshness && d.freshness !== f.freshness)
          );
        };
        if (f.role !== "spoke" && (hiddenEnd(s) || hiddenEnd(t))) return { ...attrs, hidden: true };
        if (f.role === "spoke" && (hiddenEnd(s) || hiddenEnd(t)) && attrs.data.kind !== "shortcut")
          return { ...attrs, hidden: true };
        return {
          ...attrs,
          zIndex: attrs.data.kind === "shortcut" ? 2 : attrs.data.state === "up" ? 0 : 1,
          size: hoverRef.current === id ? attrs.size * 2 : attrs.size,
        };
      },
    });
    sigma.on("afterRender", () => {
      probe.renders++;
      if (probe.pendingDraw.length) {
        const at = performance.now();
        for (const id of probe.pendingDraw) probe.edgeDrawnAt[id] = at;
        probe.pendingDraw = [];
      }
      if (probe.firstRenderAt === null && probe.snapshotAt !== null && graph.order > 0)
        probe.firstRenderAt = performance.now();
    });
    const hoverAt = (selection: Selection, event: { x: number; y: number }) => {
      hoverRef.current = selection?.id ?? null;
      setHover({ x: event.x, y: event.y, selection });
      sigma.refresh({ skipIndexation: true });
    };
    const leave = () => {
      hoverRef.current = null;
      setHover(null);
      sigma.refresh({ skipIndexation: true });
    };
    sigma.on("enterNode", ({ node, event }) => hoverAt({ kind: "node", id: node }, event));
    sigma.on("enterEdge", ({ edge, event }) => hoverAt({ kind: "edge", id: edge }, event));
    sigma.on("leaveNode", leave);
    sigma.on("leaveEdge", leave);
    sigma.on("clickNode", ({ node }) => setSelection({ kind: "node", id: node }));
    sigma.on("clickEdge", ({ edge }) => setSelection({ kind: "edge", id: edge }));
    sigma.on("clickStage", () => setSelection(null));
    // Edge picking redraws every edge into a hidden buffer each frame: with thousands of edges it halves the frame
    // rate, so edges become hoverable once zoomed in (where single edges can be told apart anyway) or in small graphs.
    const updateEdgeEvents = () => {
      const want = graph.size <= EDGE_EVENTS_MAX || sigma.getCamera().getState().ratio < 0.4;
      if (sigma.getSetting("enableEdgeEvents") !== want) sigma.setSetting("enableEdgeEvents", want);
    };
    sigma.getCamera().on("updated", updateEdgeEvents);
    graph.on("edgeAdded", updateEdgeEvents);
    graph.on("cleared", updateEdgeEvents);
    probe.sigma = sigma;
    sigmaRef.current = sigma;
    return () => {
      sigma.kill();
      sigmaRef.current = null;
    };
  }, []);

  const onMessage = useCallback((msg: TopologyMessage) => {
    const graph = graphRef.current;
    const probe = window.__topology;
    if (msg.kind === "snapshot") {
      loadSnapshot(graph, msg.graph, ctxRef.current);
      if (probe) probe.snapshotAt = performance.now();
      freezeFrame(sigmaRef.current, ctxRef.current.mode);
    } else {
      const added = applyDelta(graph, msg.delta, ctxRef.current);
      if (probe) {
        probe.deltas++;
        const at = performance.now();
        for (const id of added) probe.edgeAddedAt[id] = at;
        probe.pendingDraw.push(...added);
      }
    }
    // The WebGL view follows the graph at once; the side panels re-render at most every 250 ms.
    if (versionTimer.current === null) {
      versionTimer.current = setTimeout(() => {
        versionTimer.current = null;
        setVersion((v) => v + 1);
      }, 250);
    }
  }, []);

  useSubscription(
    trpc.topology.live.subscriptionOptions(undefined, {
      onStarted: () => setConnected(true),
      onData: (msg) => onMessage(msg as TopologyMessage),
      onError: () => setConnected(false),
    }),
  );

  useEffect(() => {
    filtersRef.current = filters;
    sigmaRef.current?.refresh({ skipIndexation: true });
  }, [filters]);

  useEffect(() => {
    if (ctxRef.current.mode === mode) return;
    ctxRef.current.mode = mode;
    relayout(graphRef.current, ctxRef.current);
    freezeFrame(sigmaRef.current, mode);
  }, [mode]);

  // version is the cue that the graph changed; the memo reads it from the graph itself.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks graph mutations
  const summary = useMemo(() => {
    const graph = graphRef.current;
    const nodes: TopologyNode[] = graph.mapNodes((_id, a) => a.data);
    const edges: TopologyEdge[] = graph.mapEdges((_id, a) => a.data);
    const networks = new Map(nodes.map((n) => [n.networkId, { name: n.networkName, isDemo: n.isDemo }]));
    return {
      nodes,
      networks: [...networks].sort((a, b) => a[1].name.localeCompare(b[1].name)),
      shortcuts: edges.filter((e) => e.kind === "shortcut"),
      offline: nodes.filter((n) => n.freshness === "offline").length,
      stale: nodes.filter((n) => n.freshness === "stale").length,
      edges: edges.length,
    };
  }, [version]);

  const name = (id: string) =>
    graphRef.current.hasNode(id) ? graphRef.current.getNodeAttribute(id, "data").name : "(gone)";

  const focus = (id: string) => {
    const sigma = sigmaRef.current;
    if (!sigma || !graphRef.current.hasNode(id)) return;
    const pos = sigma.getNodeDisplayData(id);
    if (pos) void sigma.getCamera().animate({ x: pos.x, y: pos.y, ratio: 0.25 }, { duration: 400 });
    setSelection({ kind: "node", id });
  };

  const onSearchEnter = () => {
    const hit = summary.nodes.find((n) => matches(n, filters.search));
    if (hit) focus(hit.id);
  };

  const zoom = (factor: number) => {
    const camera = sigmaRef.current?.getCamera();
    if (camera) void camera.animate({ ratio: camera.getState().ratio * factor }, { duration: 200 });
  };

  return (
    <div className="flex h-[calc(100vh-3rem)] flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-lg font-semibold">Topology</h1>
        <Input
          aria-label="Search sites"
          placeholder="Search name or address, Enter to focus"
          className="w-64!"
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
          {summary.networks.map(([id, n]) => (
            <option key={id} value={id}>
              {n.name}
              {n.isDemo ? " (demo)" : ""}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Role"
          className="w-32!"
          value={filters.role}
          onChange={(e) => setFilters({ ...filters, role: e.target.value as Filters["role"] })}
        >
          <option value="">Hubs and spokes</option>
          <option value="hub">Hubs</option>
          <option value="spoke">Spokes</option>
        </Select>
        <Select
          aria-label="State"
          className="w-36!"
          value={filters.freshness}
          onChange={(e) => setFilters({ ...filters, freshness: e.target.value as Filters["freshness"] })}
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
          <Button variant="secondary" onClick={() => sigmaRef.current?.getCamera().animatedReset()}>
            Fit
          </Button>
        </div>
        <span className="ml-auto text-xs text-zinc-500" data-testid="topology-summary">
          {summary.nodes.length} sites · {summary.edges} links · {summary.shortcuts.length} shortcuts ·{" "}
          {summary.offline} offline · {summary.stale} stale ·{" "}
          <span className={connected ? "text-emerald-600" : "text-amber-600"}>{connected ? "live" : "connecting"}</span>
        </span>
      </div>
      <div className="flex min-h-0 flex-1 gap-3">
        <div className="relative min-w-0 flex-1 overflow-hidden rounded-md border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
          {mode === "geo" ? <GeoBackdrop /> : null}
          <div ref={container} className="absolute inset-0" data-testid="topology-canvas" />
          <Legend />
          {hover ? <HoverCard hover={hover} graph={graphRef.current} now={now} /> : null}
        </div>
        <aside className="w-80 shrink-0 space-y-3 overflow-y-auto text-[13px]">
          <Details selection={selection} graph={graphRef.current} now={now} name={name} version={version} />
          <ShortcutList
            now={now}
            shortcuts={summary.shortcuts}
            name={name}
            onSelect={(id) => setSelection({ kind: "edge", id })}
          />
        </aside>
      </div>
    </div>
  );
}

/**
 * Sigma fits the view to the graph's extent; a site appearing at the edge would rescale everything. Freezing the
 * frame after the snapshot (or to the whole world in the geographic layout) keeps the picture still.
 */
function freezeFrame(sigma: Sigma<NodeAttrs, EdgeAttrs> | null, mode: LayoutMode) {
  if (!sigma) return;
  if (mode === "geo") {
    sigma.setCustomBBox({ x: [-180 * 1.6, 180 * 1.6], y: [-220, 90 * 1.6] });
  } else {
    sigma.setCustomBBox(null);
    sigma.refresh();
    sigma.setCustomBBox(sigma.getBBox());
  }
  sigma.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
}

function secondsUntil(at: number | null, now: number): number | null {
  return at === null ? null : Math.max(0, Math.round((at - now) / 1000));
}

function matches(n: TopologyNode, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return false;
  return n.name.toLowerCase().includes(q) || n.tunnelAddress.startsWith(q) || (n.nbma ?? "").startsWith(q);
}

function Legend() {
  const item = (colour: string, label: string, line = false) => (
    <span className="flex items-center gap-1">
      <span
        className={line ? "inline-block h-0.5 w-4" : "inline-block h-2.5 w-2.5 rounded-full"}
        style={{ background: colour }}
      />
      {label}
    </span>
  );
  return (
    <div className="pointer-events-none absolute bottom-2 left-2 flex flex-wrap gap-x-3 gap-y-1 rounded bg-white/85 px-2 py-1 text-[11px] text-zinc-600 dark:bg-zinc-900/85 dark:text-zinc-300">
      {item("#1e3a8a", "hub")}
      {item(FRESHNESS_COLOURS.fresh, "reporting")}
      {item(FRESHNESS_COLOURS.stale, "stale")}
      {item(FRESHNESS_COLOURS.offline, "offline")}
      {item(FRESHNESS_COLOURS.unknown, "never reported")}
      {item(FRESHNESS_COLOURS["config-managed"], "config-managed (no agent)")}
      {item(LINK_COLOURS.up, "registered, SA up", true)}
      {item(LINK_COLOURS.degraded, "SA down", true)}
      {item(LINK_COLOURS.down, "not registered", true)}
      {item(SHORTCUT_COLOUR, "shortcut", true)}
    </div>
  );
}

/** A light graticule behind the geographic layout (no map tiles: the console works offline). */
function GeoBackdrop() {
  return (
    <div
      className="pointer-events-none absolute inset-0 opacity-40"
      style={{
        backgroundImage:
          "linear-gradient(to right, rgba(113,113,122,.25) 1px, transparent 1px), linear-gradient(to bottom, rgba(113,113,122,.25) 1px, transparent 1px)",
        backgroundSize: "60px 60px",
      }}
    />
  );
}

function HoverCard({
  hover,
  graph,
  now,
}: {
  hover: { x: number; y: number; selection: Selection };
  graph: TopologyGraphology;
  now: number;
}) {
  const sel = hover.selection;
  if (!sel) return null;
  let body: React.ReactNode = null;
  if (sel.kind === "node" && graph.hasNode(sel.id)) {
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
  } else if (sel.kind === "edge" && graph.hasEdge(sel.id)) {
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
      className="pointer-events-none absolute z-10 max-w-xs rounded border border-zinc-200 bg-white px-2 py-1 text-xs shadow dark:border-zinc-700 dark:bg-zinc-900"
      style={{ left: hover.x + 12, top: hover.y + 12 }}
      role="tooltip"
    >
      {body}
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex justify-between gap-2 py-0.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="text-right font-mono text-xs">{children}</dd>
    </div>
  );
}

function Details({
  selection,
  graph,
  now,
  name,
}: {
  selection: Selection;
  graph: TopologyGraphology;
  now: number;
  name: (id: string) => string;
  version: number;
}) {
  const frame = "rounded-md border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900";
  if (selection?.kind === "node" && graph.hasNode(selection.id)) {
    const n = graph.getNodeAttribute(selection.id, "data");
    return (
      <section className={frame} aria-label="Site details">
        <div className="mb-2 flex items-center justify-between">
          <h2 className="font-semibold">{n.name}</h2>
          <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/sites/${n.id}`}>
            Site page →
          </Link>
        </div>
        <dl>
          <Row label="Network">
            {n.networkName}
            {n.isDemo ? " (demo)" : ""}
          </Row>
          <Row label="Role">{n.role}</Row>
          <Row label="Tunnel address">{n.tunnelAddress}</Row>
          <Row label="NBMA address">{n.nbma ?? "dynamic"}</Row>
          <Row label="State">
            <span style={{ color: FRESHNESS_COLOURS[n.freshness] }}>{n.freshness}</span>
          </Row>
          <Row label="Last report">{timeAgo(n.lastReportAt, now)}</Row>
          <Row label="Tunnel interface">{n.tunnelState}</Row>
          <Row label={n.role === "hub" ? "Spokes registered" : "Hubs registered"}>
            {n.registered} / {n.registrationsExpected}
          </Row>
          <Row label="IPsec SAs up">{n.sasUp}</Row>
          <Row label="BGP established">
            {n.bgpEstablished} / {n.bgpNeighbors}
          </Row>
          <Row label="Shortcuts">{n.shortcuts}</Row>
        </dl>
        {n.isDemo && n.role === "spoke" ? <DemoTraffic from={n} graph={graph} /> : null}
      </section>
    );
  }
  if (selection?.kind === "edge" && graph.hasEdge(selection.id)) {
    const e = graph.getEdgeAttribute(selection.id, "data");
    return (
      <section className={frame} aria-label="Link details">
        <h2 className="mb-2 font-semibold">
          {name(e.source)} ↔ {name(e.target)}
        </h2>
        <dl>
          <Row label="Kind">{e.kind === "shortcut" ? "spoke-to-spoke shortcut" : "hub–spoke tunnel"}</Row>
          <Row label="State">
            <span style={{ color: e.kind === "shortcut" ? SHORTCUT_COLOUR : LINK_COLOURS[e.state] }}>{e.state}</span>
          </Row>
          <Row label="NHRP registered">{e.registered ? "yes" : "no"}</Row>
          <Row label="IPsec SA">{e.saUp === null ? "n/a" : e.saUp ? "established" : "down"}</Row>
          <Row label="SA bytes">{formatBytes(e.saBytes)}</Row>
          <Row label="SA uptime">{formatDuration(e.saUptimeSeconds)}</Row>
          {e.kind === "hub-spoke" ? (
            <>
              <Row label="BGP">{e.bgpState ?? "–"}</Row>
              <Row label="BGP uptime">{formatDuration(e.bgpUptimeSeconds)}</Row>
            </>
          ) : (
            <Row label="Expires in">{formatDuration(secondsUntil(e.expiresAt, now))}</Row>
          )}
          <Row label={`NBMA ${name(e.source)}`}>{e.sourceNbma ?? "–"}</Row>
          <Row label={`NBMA ${name(e.target)}`}>{e.targetNbma ?? "–"}</Row>
        </dl>
      </section>
    );
  }
  return (
    <section className={frame}>
      <p className="text-zinc-500">Hover a site or link for a summary; click it for details.</p>
    </section>
  );
}

/** The demo's "send traffic" action: two spokes exchange packets, and a shortcut should appear. */
function DemoTraffic({ from, graph }: { from: TopologyNode; graph: TopologyGraphology }) {
  const trpc = useTRPC();
  const peers = graph
    .filterNodes((_id, a) => a.data.isDemo && a.data.role === "spoke" && a.data.id !== from.id)
    .map((id) => graph.getNodeAttribute(id, "data"))
    .sort((a, b) => a.name.localeCompare(b.name));
  const [to, setTo] = useState(peers[0]?.id ?? "");
  const send = useMutation(trpc.demo.sendTraffic.mutationOptions());
  const canSend = useQuery({ ...trpc.auth.status.queryOptions(), select: (s) => s.user?.role !== "viewer" });
  if (!canSend.data) return null;
  return (
    <div className="mt-3 space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <label htmlFor="traffic-to" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Demo: send traffic from {from.name} to
      </label>
      <div className="flex gap-2">
        <Select id="traffic-to" value={to} onChange={(e) => setTo(e.target.value)}>
          {peers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
        <Button disabled={!to || send.isPending} onClick={() => send.mutate({ fromSiteId: from.id, toSiteId: to })}>
          Send traffic
        </Button>
      </div>
      {send.data ? (
        <p className="text-xs text-zinc-500" role="status">
          {send.data.shortcut ? "Traffic sent: the spokes build a shortcut." : send.data.reason}
        </p>
      ) : null}
      {send.error ? (
        <p className="text-xs text-red-600" role="alert">
          {send.error.message}
        </p>
      ) : null}
    </div>
  );
}

function ShortcutList({
  shortcuts,
  name,
  onSelect,
  now,
}: {
  now: number;
  shortcuts: TopologyEdge[];
  name: (id: string) => string;
  onSelect: (id: string) => void;
}) {
  const shown = shortcuts.slice(0, 50);
  return (
    <section
      className="rounded-md border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
      aria-label="Active shortcuts"
    >
      <h2 className="mb-2 font-semibold">Active shortcuts ({shortcuts.length})</h2>
      {shown.length === 0 ? <p className="text-zinc-500">No spoke-to-spoke shortcut right now.</p> : null}
      <ul className="space-y-0.5" data-testid="shortcut-list">
        {shown.map((e) => (
          <li key={e.id}>
            <button type="button" className="text-left hover:underline" onClick={() => onSelect(e.id)}>
              {[name(e.source), name(e.target)].sort().join(" ↔ ")}
              <span className="ml-1 text-xs text-zinc-500">{formatDuration(secondsUntil(e.expiresAt, now))} left</span>
            </button>
          </li>
        ))}
      </ul>
      {shortcuts.length > shown.length ? (
        <p className="mt-1 text-xs text-zinc-500">and {shortcuts.length - shown.length} more</p>
      ) : null}
    </section>
  );
}
