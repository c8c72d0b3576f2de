"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { describeWavePolicy } from "~/server/services/deployment-waves";
import { useTRPC } from "~/trpc/react";
import { DeploymentStatusBadge } from "./deployment-status";
import { formatDateTime } from "./form-helpers";
import { textLinkClass } from "./link-button";
import { MarkAppliedForm } from "./mark-applied-form";
import { useSessionUser } from "./session";
import { Card, ErrorBanner, PageHeader, tableClass } from "./ui";

const LIVE = new Set(["pending", "running"]);

/** One deployment with live per-site progress (polled while it runs). */
export function DeploymentDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const { canEdit } = useSessionUser();
  const q = useQuery(
    trpc.deployments.get.queryOptions(
      { id },
      { refetchInterval: (query) => (query.state.data && !LIVE.has(query.state.data.status) ? false : 1000) },
    ),
  );
  if (q.error) return <ErrorBanner message={q.error.message} />;
  if (!q.data) return <p className="text-zinc-500">Loading…</p>;
  const d = q.data;
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Deployment <DeploymentStatusBadge status={d.status} />
          </span>
        }
        subtitle={
          <>
            <Link href="/deployments" className="hover:underline">
              Deployments
            </Link>{" "}
            / {d.scope} {d.network ? `· ${d.network}` : ""} · {formatDateTime(d.createdAt)} by {d.createdBy}
          </>
        }
      />
      {d.summary ? (
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400" data-testid="deployment-summary">
          {d.summary}
        </p>
      ) : null}
      <Card title={`Sites · ${describeWavePolicy(d.wavePolicy)} · confirm window ${d.confirmWindowSeconds} s`}>
        <table className={tableClass} data-testid="deployment-items">
          <thead>
            <tr>
              <th>Wave</th>
              <th>Site</th>
              <th>Revision</th>
              <th>Status</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((i) => (
              <tr key={i.id} data-site={i.site}>
                <td className="whitespace-nowrap">
                  {i.wave + 1} <span className="text-xs text-zinc-500">{i.waveKind}</span>
                </td>
                <td>
                  <Link href={`/sites/${i.siteId}`} className={textLinkClass}>
                    {i.site}
                  </Link>{" "}
                  <span className="text-xs text-zinc-500">{i.role}</span>
                </td>
                <td className="font-mono text-xs">
                  r{i.revision} ·{" "}
                  <span title="sha256 over the files with secrets masked">{i.maskedHash.slice(0, 12)}</span>
                </td>
                <td>
                  <DeploymentStatusBadge status={i.status} />
                </td>
                <td className="text-xs text-zinc-500">
                  {i.status === "awaiting-apply" ? (
                    <div className="space-y-1">
                      <p>
                        Agentless: apply this revision on the router (config on the site page), then mark it applied.
                      </p>
                      {canEdit ? <MarkAppliedForm siteId={i.siteId} revision={i.revision} /> : null}
                    </div>
                  ) : i.status === "marked-applied" ? (
                    `marked applied by ${i.markedAppliedBy ?? "?"}`
                  ) : (
                    (i.error ?? "")
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
