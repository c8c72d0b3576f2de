import Link from "next/link";
import type { TopologyEdge, TopologyNode } from "~/server/services/topology-model";
import {
  FRESHNESS_COLOURS,
  formatBytes,
  formatDuration,
  LINK_COLOURS,
  SHORTCUT_COLOUR,
  secondsUntil,
  type TopologyGraphology,
  timeAgo,
} from "./graph-sync";
import { TopologyDemoTraffic } from "./topology-demo-traffic";
import type { Selection } from "./use-sigma";

const frame = "rounded-md border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900";
const link = "text-sky-700 hover:underline dark:text-sky-400";
const LINKS_SHOWN = 12;

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex justify-between gap-2 py-0.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="text-right font-mono text-xs">{children}</dd>
    </div>
  );
}

function SiteLinks({ id }: { id: string }) {
  return (
    <nav className="flex flex-wrap gap-x-3 text-xs" aria-label="Open the site">
      <Link className={link} href={`/sites/${id}/status`}>
        Status
      </Link>
      <Link className={link} href={`/sites/${id}/status#diag-target`}>
        Diagnostics
      </Link>
      <Link className={link} href={`/sites/${id}`}>
        Site
      </Link>
    </nav>
  );
}

function nhrpEntry(e: TopologyEdge, now: number): string {
  if (e.kind === "shortcut") return `dynamic, expires in ${formatDuration(secondsUntil(e.expiresAt, now))}`;
  return e.registered ? "registered with the hub (nhs)" : "not registered";
}

function saSummary(e: TopologyEdge): string {
  if (e.saUp === null) return "n/a";
  return e.saUp ? `established ${formatDuration(e.saUptimeSeconds)}` : "down";
}

/** The selected site or link: what NHRP, IPsec and BGP say about it, and where to look further. */
export function TopologyDetails({
  selection,
  graph,
  now,
  name,
  onSelect,
}: {
  selection: Selection;
  graph: TopologyGraphology;
  now: number;
  name: (id: string) => string;
  onSelect: (s: Selection) => void;
}) {
  if (selection?.kind === "node" && graph.hasNode(selection.id)) {
    const n: TopologyNode = graph.getNodeAttribute(selection.id, "data");
    const edges = graph
      .mapEdges(selection.id, (id, a) => ({ id, data: a.data }))
      .sort(
        (a, b) => Number(b.data.kind === "shortcut") - Number(a.data.kind === "shortcut") || a.id.localeCompare(b.id),
      );
    return (
      <section className={frame} aria-label="Site details">
        <div className="mb-1 flex items-center justify-between gap-2">
          <h2 className="font-semibold">{n.name}</h2>
          <button type="button" className="text-xs text-zinc-500 hover:underline" onClick={() => onSelect(null)}>
            Close
          </button>
        </div>
        <SiteLinks id={n.id} />
        <dl className="mt-2">
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
        {edges.length ? (
          <>
            <h3 className="mt-3 mb-1 text-xs font-semibold text-zinc-600 dark:text-zinc-400">Links (NHRP · SA)</h3>
            <ul className="space-y-0.5 text-xs" aria-label="Links of this site">
              {edges.slice(0, LINKS_SHOWN).map(({ id, data: e }) => (
                <li key={id}>
                  <button
                    type="button"
                    className="text-left hover:underline"
                    onClick={() => onSelect({ kind: "edge", id })}
                  >
                    <span
                      aria-hidden
                      className="mr-1 inline-block h-0.5 w-3 align-middle"
                      style={{ background: e.kind === "shortcut" ? SHORTCUT_COLOUR : LINK_COLOURS[e.state] }}
                    />
                    {name(e.source === n.id ? e.target : e.source)}
                    <span className="ml-1 text-zinc-500">
                      {e.kind === "shortcut" ? "shortcut" : e.registered ? "registered" : "not registered"} · SA{" "}
                      {e.saUp === null ? "n/a" : e.saUp ? "up" : "down"}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {edges.length > LINKS_SHOWN ? (
              <p className="mt-1 text-xs text-zinc-500">and {edges.length - LINKS_SHOWN} more</p>
            ) : null}
          </>
        ) : null}
        {n.isDemo && n.role === "spoke" ? <TopologyDemoTraffic key={n.id} from={n} graph={graph} /> : null}
      </section>
    );
  }
  if (selection?.kind === "edge" && graph.hasEdge(selection.id)) {
    const e = graph.getEdgeAttribute(selection.id, "data");
    return (
      <section className={frame} aria-label="Link details">
        <div className="mb-1 flex items-center justify-between gap-2">
          <h2 className="font-semibold">
            {name(e.source)} ↔ {name(e.target)}
          </h2>
          <button type="button" className="text-xs text-zinc-500 hover:underline" onClick={() => onSelect(null)}>
            Close
          </button>
        </div>
        <dl>
          <Row label="Kind">{e.kind === "shortcut" ? "spoke-to-spoke shortcut" : "hub–spoke tunnel"}</Row>
          <Row label="State">
            <span style={{ color: e.kind === "shortcut" ? SHORTCUT_COLOUR : LINK_COLOURS[e.state] }}>{e.state}</span>
          </Row>
          <Row label="NHRP entry">{nhrpEntry(e, now)}</Row>
          <Row label="IPsec SA">{saSummary(e)}</Row>
          <Row label="SA age">{formatDuration(e.saUptimeSeconds)}</Row>
          <Row label="SA bytes">{formatBytes(e.saBytes)}</Row>
          {e.kind === "hub-spoke" ? (
            <>
              <Row label="BGP">{e.bgpState ?? "–"}</Row>
              <Row label="BGP uptime">{formatDuration(e.bgpUptimeSeconds)}</Row>
            </>
          ) : null}
          <Row label={`NBMA ${name(e.source)}`}>{e.sourceNbma ?? "–"}</Row>
          <Row label={`NBMA ${name(e.target)}`}>{e.targetNbma ?? "–"}</Row>
        </dl>
        {[e.source, e.target].map((id) => (
          <div key={id} className="mt-2 flex flex-wrap items-center gap-x-3 text-xs">
            <button
              type="button"
              className="font-medium hover:underline"
              onClick={() => onSelect({ kind: "node", id })}
            >
              {name(id)}
            </button>
            <SiteLinks id={id} />
          </div>
        ))}
      </section>
    );
  }
  return (
    <section className={frame}>
      <p className="text-zinc-500">Hover a site or link for a summary; click it for details.</p>
    </section>
  );
}
