"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { DeploymentStatusBadge } from "./deployment-status";
import { formatDateTime } from "./form-helpers";
import { textLinkClass } from "./link-button";
import { Card, ErrorBanner, PageHeader, tableClass } from "./ui";

export function DeploymentList() {
  const trpc = useTRPC();
  const q = useQuery(trpc.deployments.list.queryOptions({}, { refetchInterval: 2000 }));
  return (
    <>
      <PageHeader title="Deployments" subtitle="Every rollout of rendered configs to the routers" />
      <ErrorBanner message={q.error?.message} />
      <Card>
        {!q.data ? (
          <p className="text-zinc-500">Loading…</p>
        ) : !q.data.length ? (
          <p className="text-zinc-500">No deployments yet. Deploy from a site or network page.</p>
        ) : (
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Created</th>
                <th>Scope</th>
                <th>Network</th>
                <th>Sites</th>
                <th>Status</th>
                <th>By</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link href={`/deployments/${d.id}`} className={textLinkClass}>
                      {formatDateTime(d.createdAt)}
                    </Link>
                  </td>
                  <td>{d.scope}</td>
                  <td>{d.network ?? "—"}</td>
                  <td>
                    {d.sites}{" "}
                    <span className="text-xs text-zinc-500">
                      {Object.entries(d.counts)
                        .map(([k, v]) => `${v} ${k}`)
                        .join(", ")}
                    </span>
                  </td>
                  <td>
                    <DeploymentStatusBadge status={d.status} />
                  </td>
                  <td>{d.createdBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
