"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useTRPC } from "~/trpc/react";
import { ConfirmButton } from "./confirm-button";
import { LocalTime } from "./local-time";
import { formatClock } from "./time";
import { Badge, Button, Card, ErrorBanner, PageHeader, PageSkeleton, tableClass } from "./ui";

const clock = (iso: string) => formatClock(iso);

export function Dashboard({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The dashboard summarises; a 5 s refresh is plenty (the topology page is the live one).
  const dash = useQuery({ ...trpc.topology.dashboard.queryOptions(), refetchInterval: 5_000 });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const refresh = () => queryClient.invalidateQueries();
  const load = useMutation(trpc.demo.load.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.demo.remove.mutationOptions({ onSuccess: refresh }));

  if (dash.error) return <ErrorBanner message={dash.error.message} />;
  if (!dash.data) return <PageSkeleton tiles={8} label="Loading the dashboard" />;
  const { counts, attention, recentEvents, series, demo } = dash.data;

  const demoActions = canOperate ? (
    demo ? (
      <ConfirmButton
        label="Remove demo network"
        confirmLabel="Remove"
        question="Delete the demo network and stop its simulated routers?"
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
      />
    ) : counts.networks > 0 ? (
      <Button variant="secondary" onClick={() => load.mutate()} disabled={load.isPending}>
        Load demo network
      </Button>
    ) : null
  ) : null;

  if (counts.networks === 0) {
    return (
      <div className="mx-auto mt-10 max-w-xl space-y-4">
        <h1 className="text-xl font-semibold">Welcome to DMVPN Console</h1>
        <p className="text-zinc-600 dark:text-zinc-400">
          There is no network yet. Model your own hubs and spokes, import an inventory, or look around a living network
          first: the demo creates two hubs and twenty spokes around the world, driven by simulated routers inside the
          console. No real router is contacted, and it goes away in one click.
        </p>
        <ErrorBanner message={load.error?.message} />
        <div className="flex flex-wrap gap-2">
          {canOperate ? (
            <Button onClick={() => load.mutate()} disabled={load.isPending}>
              {load.isPending ? "Loading demo…" : "Load demo network"}
            </Button>
          ) : null}
          <Link
            href="/networks/new"
            className="rounded border border-zinc-300 px-3 py-1.5 text-[13px] font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            New network
          </Link>
          <Link
            href="/import"
            className="rounded border border-zinc-300 px-3 py-1.5 text-[13px] font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Import
          </Link>
        </div>
      </div>
    );
  }

  const tiles: { label: string; value: string; tone?: "red" | "amber" | "green"; href?: string }[] = [
    // Agentless sites report nothing: they are counted apart, never as offline.
    {
      label: "Sites online",
      value: `${counts.online} / ${counts.agentSites}`,
      tone: counts.online === counts.agentSites ? "green" : undefined,
    },
    { label: "Config-managed (no agent)", value: String(counts.configManaged) },
    {
      label: "Awaiting apply",
      value: String(counts.awaitingApply),
      tone: counts.awaitingApply ? "amber" : undefined,
      href: "/deployments",
    },
    { label: "Sites offline", value: String(counts.offline), tone: counts.offline ? "red" : undefined },
    { label: "Stale reports", value: String(counts.stale), tone: counts.stale ? "amber" : undefined },
    { label: "Hubs with registrations", value: `${counts.hubsWithRegistrations} / ${counts.hubs}` },
    { label: "Tunnels up", value: `${counts.tunnelsUp} / ${counts.tunnelsTotal}` },
    { label: "Shortcuts up", value: String(counts.shortcutsUp) },
    { label: "SAs down", value: String(counts.sasDown), tone: counts.sasDown ? "amber" : undefined },
    {
      label: "Deployments failed",
      value: String(counts.deploymentsFailed),
      tone: counts.deploymentsFailed ? "red" : undefined,
    },
  ];
  const toneClass = { red: "text-red-600", amber: "text-amber-600", green: "text-emerald-700" };

  return (
    <div className="space-y-4">
      <PageHeader
        title="Dashboard"
        subtitle={
          demo ? (
            <>
              Includes <Badge tone="violet">demo</Badge> {demo.name}: simulated routers, no real device is contacted.
            </>
          ) : undefined
        }
        actions={
          <>
            {demoActions}
            <Link
              href="/topology"
              className="rounded bg-sky-700 px-3 py-1.5 text-[13px] font-medium text-white hover:bg-sky-600"
            >
              Open topology
            </Link>
          </>
        }
      />
      <ErrorBanner message={load.error?.message ?? remove.error?.message} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8" data-testid="dashboard-counts">
        {tiles.map((t) => (
          <div
            key={t.label}
            className="rounded-md border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <div className="text-xs text-zinc-500">{t.label}</div>
            <div className={`text-xl font-semibold tabular-nums ${t.tone ? toneClass[t.tone] : ""}`}>{t.value}</div>
          </div>
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Registrations and shortcuts, last hour">
          <div className="h-56">
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={series} margin={{ left: -20, right: 8 }}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis dataKey="t" tickFormatter={clock} fontSize={11} minTickGap={30} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip labelFormatter={(v) => clock(String(v))} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Area
                  type="stepAfter"
                  dataKey="registrations"
                  name="NHS registrations"
                  stroke="#0d9488"
                  fill="#0d9488"
                  fillOpacity={0.15}
                  isAnimationActive={false}
                />
                <Area
                  type="stepAfter"
                  dataKey="shortcuts"
                  name="shortcut routes"
                  stroke="#7c3aed"
                  fill="#7c3aed"
                  fillOpacity={0.15}
                  isAnimationActive={false}
                />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title="Events per 2 minutes">
          <div className="h-56">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={series} margin={{ left: -20, right: 8 }}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis dataKey="t" tickFormatter={clock} fontSize={11} minTickGap={30} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip labelFormatter={(v) => clock(String(v))} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar
                  dataKey="registrationUp"
                  name="registration up"
                  stackId="e"
                  fill="#16a34a"
                  isAnimationActive={false}
                />
                <Bar
                  dataKey="registrationLost"
                  name="registration lost"
                  stackId="e"
                  fill="#dc2626"
                  isAnimationActive={false}
                />
                <Bar dataKey="shortcutUp" name="shortcut up" stackId="e" fill="#7c3aed" isAnimationActive={false} />
                <Bar dataKey="shortcutDown" name="shortcut down" stackId="e" fill="#c4b5fd" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Needs attention">
          {attention.length === 0 ? (
            <p className="text-zinc-500">Every site reports and is registered.</p>
          ) : (
            <table className={tableClass} aria-label="Sites that need attention">
              <thead>
                <tr>
                  <th>Site</th>
                  <th>Why</th>
                  <th>Last report</th>
                </tr>
              </thead>
              <tbody>
                {attention.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/sites/${a.id}`}>
                        {a.name}
                      </Link>
                      <span className="ml-1 text-xs text-zinc-500">{a.role}</span>
                    </td>
                    <td className="text-xs">{a.reasons.join("; ")}</td>
                    <td className="text-xs text-zinc-500">
                      <LocalTime value={a.lastReportAt} format="relative" now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Recent events">
          {recentEvents.length === 0 ? (
            <p className="text-zinc-500">No events yet: they appear once agents report.</p>
          ) : (
            <table className={tableClass} aria-label="Recent events">
              <tbody>
                {recentEvents.map((e) => (
                  <tr key={e.id}>
                    <td className="text-xs whitespace-nowrap text-zinc-500">
                      <LocalTime value={e.at} format="relative" now={now} />
                    </td>
                    <td>
                      <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/sites/${e.siteId}`}>
                        {e.siteName}
                      </Link>
                    </td>
                    <td>
                      <Badge tone={eventTone(e.kind)}>{e.kind}</Badge>
                    </td>
                    <td className="font-mono text-xs text-zinc-500">{eventDetail(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </div>
  );
}

function eventTone(kind: string): "green" | "red" | "violet" | "amber" | "neutral" {
  if (kind.endsWith("-up") || kind === "agent-online") return kind.startsWith("shortcut") ? "violet" : "green";
  if (kind.endsWith("-lost") || kind.endsWith("-down") || kind === "agent-offline") return "red";
  if (kind === "rollback") return "amber";
  return "neutral";
}

function eventDetail(detail: Record<string, unknown>): string {
  const keys = ["prefix", "hubNbma", "neighbor", "remoteHost", "to", "reason"];
  for (const k of keys) if (typeof detail[k] === "string") return `${k} ${detail[k]}`;
  return "";
}
