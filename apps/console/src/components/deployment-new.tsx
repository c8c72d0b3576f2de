"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { Badge, Button, Card, ErrorBanner, Field, Input, PageHeader } from "./ui";

/** Preview (diff against the deployed revision and drift of the running config), then deploy. */
export function DeploymentNew({ siteId, networkId }: { siteId?: string; networkId?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const target = siteId ? { siteIds: [siteId] } : { networkId: networkId ?? "" };
  const preview = useQuery(trpc.deployments.preview.queryOptions(target, { enabled: !!(siteId || networkId) }));
  const [batchSize, setBatchSize] = useState("10");
  const [window, setWindow] = useState("120");
  const create = useMutation(
    trpc.deployments.create.mutationOptions({ onSuccess: (d) => router.push(`/deployments/${d.id}`) }),
  );
  return (
    <>
      <PageHeader title="New deployment" subtitle="Review what changes on each router, then deploy" />
      <ErrorBanner message={preview.error?.message ?? create.error?.message} />
      {!preview.data ? (
        <p className="text-zinc-500">{preview.isLoading ? "Rendering…" : ""}</p>
      ) : (
        <div className="space-y-4">
          {preview.data.map((p) => (
            <Card
              key={p.siteId}
              title={
                <span className="flex items-center gap-2">
                  {p.name} <Badge>{p.role}</Badge> <Badge>{p.target}</Badge>
                  {p.managed ? null : <Badge tone="violet">config-managed: you apply it and mark it applied</Badge>}
                  {p.unchanged ? <Badge tone="green">no change</Badge> : null}
                </span>
              }
            >
              <p className="mb-2 text-xs text-zinc-500">
                {p.deployedRevision === null ? "Never deployed." : `Against deployed revision ${p.deployedRevision}.`}{" "}
                {p.drift === null
                  ? p.managed
                    ? "Running config not read."
                    : "No running config supplied (paste one when you mark a revision applied)."
                  : p.drift
                    ? "The running config drifted:"
                    : "No drift."}
              </p>
              {p.drift ? (
                <pre className="mb-2 max-h-60 overflow-auto rounded bg-amber-50 p-2 font-mono text-xs dark:bg-amber-950">
                  {p.drift}
                </pre>
              ) : null}
              {p.diff ? (
                <pre
                  data-testid="deployment-diff"
                  className="max-h-96 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800"
                >
                  {p.diff}
                </pre>
              ) : (
                <p className="text-xs text-zinc-500">Same as deployed.</p>
              )}
            </Card>
          ))}
          <Card title="Rollout">
            <div className="flex flex-wrap items-end gap-4">
              <Field label="Batch size after the canary" htmlFor="batch">
                <Input
                  id="batch"
                  value={batchSize}
                  onChange={(e) => setBatchSize(e.target.value)}
                  inputMode="numeric"
                />
              </Field>
              <Field label="Confirm window (s)" htmlFor="window">
                <Input id="window" value={window} onChange={(e) => setWindow(e.target.value)} inputMode="numeric" />
              </Field>
              <Button
                disabled={create.isPending}
                onClick={() =>
                  create.mutate({
                    target,
                    options: { batchSize: Number(batchSize), confirmWindowSeconds: Number(window) },
                  })
                }
              >
                Deploy {preview.data.length === 1 ? preview.data[0]!.name : `${preview.data.length} sites`}
              </Button>
            </div>
          </Card>
        </div>
      )}
    </>
  );
}
