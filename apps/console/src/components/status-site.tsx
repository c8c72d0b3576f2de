"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { ageOf } from "./agent-age";
import { formatDateTime } from "./form-helpers";
import { useSessionUser } from "./session";
import { SiteDiagnostics } from "./site-diagnostics";
import { StaleNotice, staleClass } from "./stale";
import { PagedStatusRows } from "./status-rows";
import { Badge, Card, cx, ErrorBanner, PageHeader, tableClass } from "./ui";

function Table({ head, rows, empty }: { head: string[]; rows: React.ReactNode[][]; empty: string }) {
  if (!rows.length) return <p className="text-zinc-500">{empty}</p>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass}>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a report have no stable id
            <tr key={i}>
              {r.map((c, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                <td key={j} className="font-mono text-xs">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
const secs = (n: number | null) =>
  n === null ? "—" : n < 3600 ? `${n} s` : `${Math.floor(n / 3600)} h ${Math.floor((n % 3600) / 60)} min`;

/** The site status page: what the agent last reported, each table with the age of the report, and the event log. */
export function SiteStatusPage({ siteId }: { siteId: string }) {
  const trpc = useTRPC();
  // the long lists (a hub's NHRP cache, SAs, BGP sessions) come page by page from status.rows, not with the page
  const q = useQuery(trpc.status.site.queryOptions({ siteId, listLimit: 0 }, { refetchInterval: 2000 }));
  const { canEdit } = useSessionUser();
  if (q.error) return <ErrorBanner message={q.error.message} />;
  if (!q.data) return <p className="text-zinc-500">Loading…</p>;
  const { site, status, agent, managed } = q.data;
  // An offline agent's last report is history: shown, but never styled as if it were live.
  const stale = managed && !agent?.connected && status !== null;
  const age = status ? `${stale ? "last known, " : ""}reported ${ageOf(status.collectedAt)}` : "";
  return (
    <>
      <PageHeader
        title={`${site.name} status`}
        subtitle={
          <>
            <Link href={`/sites/${site.id}`} className="hover:underline">
              {site.name}
            </Link>{" "}
            / status
          </>
        }
      />
      <p className="mb-4 flex items-center gap-2" data-testid="status-agent">
        {!managed ? (
          <Badge tone="violet">config-managed</Badge>
        ) : (
          <Badge tone={agent?.connected ? "green" : "red"}>{agent?.connected ? "online" : "offline"}</Badge>
        )}
        <span className="text-zinc-500">
          {managed ? `last seen ${ageOf(agent?.lastSeenAt)}` : "no agent reports for this router"}
          {status ? ` · status ${age}` : ""}
        </span>
      </p>
      {stale ? <StaleNotice at={status?.collectedAt} what="registrations, NHRP cache, SAs and BGP sessions" /> : null}
      {status ? (
        <div
          className={cx("grid gap-4 xl:grid-cols-2", stale && cx(staleClass, "opacity-80"))}
          data-testid="status-tables"
          data-stale={stale || undefined}
        >
          <Card title={`Tunnel interface · ${age}`}>
            <PagedStatusRows
              siteId={site.id}
              kind="tunnels"
              what="tunnel interfaces"
              table={(rows) => (
                <Table head={["Name", "State", "MTU", "Rx", "Tx"]} empty="No tunnel interface." rows={rows} />
              )}
              render={(t) => [t.name, t.operState, t.mtu ?? "—", bytes(t.rxBytes), bytes(t.txBytes)]}
            />
          </Card>
          <Card title={`NHS registrations · ${age}`}>
            <PagedStatusRows
              siteId={site.id}
              kind="nhs"
              what="NHS"
              table={(rows) => (
                <Table
                  head={["Interface", "NHS (NBMA)", "Hub tunnel address", "State"]}
                  empty="No NHS configured (a hub)."
                  rows={rows}
                />
              )}
              render={(n) => [
                n.interface,
                n.nbma,
                n.protocolAddress ?? "—",
                n.registered ? "registered" : "not registered",
              ]}
            />
          </Card>
          <Card title={`NHRP cache · ${age}`} className="xl:col-span-2">
            <PagedStatusRows
              siteId={site.id}
              kind="nhrpCache"
              what="NHRP entries"
              table={(rows) => (
                <Table
                  head={["Type", "Tunnel address", "NBMA", "Claimed NBMA", "Expires", "Flags"]}
                  empty="The NHRP cache is empty."
                  rows={rows}
                />
              )}
              render={(e) => [
                e.type,
                e.protocolAddress,
                e.nbma,
                e.claimedNbma ?? "—",
                // a countdown from an old report has long run on: say when it was counted
                stale && e.expiresInSeconds !== null
                  ? `${secs(e.expiresInSeconds)} at report`
                  : secs(e.expiresInSeconds),
                Object.entries(e.flags)
                  .filter(([, v]) => v)
                  .map(([k]) => k)
                  .join(" ") || "—",
              ]}
            />
          </Card>
          <Card title={`IPsec SAs · ${age}`} className="xl:col-span-2">
            <PagedStatusRows
              siteId={site.id}
              kind="ipsecSas"
              what="SAs"
              table={(rows) => (
                <Table
                  head={["Name", "Remote", "State", "Bytes in", "Bytes out", "Up"]}
                  empty="No IPsec SAs."
                  rows={rows}
                />
              )}
              render={(sa) => [
                sa.name,
                sa.remoteHost ?? "—",
                sa.state,
                bytes(sa.children.reduce((n, c) => n + c.bytesIn, 0)),
                bytes(sa.children.reduce((n, c) => n + c.bytesOut, 0)),
                secs(sa.establishedSeconds),
              ]}
            />
          </Card>
          <Card title={`BGP neighbours · ${age}`}>
            <PagedStatusRows
              siteId={site.id}
              kind="bgpNeighbors"
              what="neighbours"
              table={(rows) => (
                <Table head={["Neighbour", "AS", "State", "Prefixes", "Up"]} empty="No BGP neighbours." rows={rows} />
              )}
              render={(n) => [n.address, n.remoteAs ?? "—", n.state, n.prefixesReceived ?? "—", secs(n.uptimeSeconds)]}
            />
          </Card>
          <Card title={`NHRP shortcuts · ${age}`}>
            <PagedStatusRows
              siteId={site.id}
              kind="shortcuts"
              what="shortcuts"
              table={(rows) => <Table head={["Prefix", "Via", "Type"]} empty="No shortcuts." rows={rows} />}
              render={(s) => [s.prefix, s.via ?? "—", s.type]}
            />
          </Card>
        </div>
      ) : (
        <p className="text-zinc-500">
          {managed
            ? "No status reported yet."
            : "Config-managed (no agent): the console keeps its config revisions but cannot see the router's state."}
        </p>
      )}
      {managed && canEdit ? (
        <div className="mt-4">
          <SiteDiagnostics siteId={site.id} connected={Boolean(agent?.connected)} />
        </div>
      ) : null}
      <div className="mt-4">
        <Card title="Events">
          <Table
            head={["When", "Event", "Detail"]}
            empty="No events yet."
            rows={q.data.events.map((e) => [
              formatDateTime(e.at),
              e.kind,
              Object.entries(e.detail)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(" "),
            ])}
          />
        </Card>
      </div>
    </>
  );
}
