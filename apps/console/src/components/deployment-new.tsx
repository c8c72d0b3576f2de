"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { DEFAULT_WAVE_POLICY, describeWavePolicy } from "~/server/services/deployment-waves";
import type { DeploymentTarget } from "~/server/services/deployments";
import { useTRPC } from "~/trpc/react";
import { countChanges } from "./config-diff-files";
import { ConfigDiffView } from "./config-diff-view";
import { Badge, Button, Card, cx, ErrorBanner, Field, Input, PageHeader } from "./ui";
import { draftOf, parseDraft, WavePolicyEditor } from "./wave-policy-editor";

type PreviewRow = {
  siteId: string;
  name: string;
  role: string;
  target: string;
  managed: boolean;
  deployedRevision: number | null;
  unchanged: boolean;
  bgpTimersChanged: boolean;
  diff: string;
  drift: string | null;
};

function SiteChange({ p, viewType, open }: { p: PreviewRow; viewType: "split" | "unified"; open: boolean }) {
  const counts = countChanges(p.diff);
  return (
    <details open={open} data-site={p.name} className="group border-t border-zinc-200 dark:border-zinc-800">
      <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
        <span aria-hidden className="text-zinc-400 group-open:rotate-90">
          ▶
        </span>
        <strong>{p.name}</strong>
        <Badge tone={p.role === "hub" ? "blue" : "neutral"}>{p.role}</Badge>
        <Badge>{p.target}</Badge>
        {p.managed ? null : <Badge tone="violet">config-managed</Badge>}
        <span className="ml-auto flex items-center gap-2 text-xs" data-testid="change-count">
          <span className="text-emerald-700 dark:text-emerald-400">+{counts.added}</span>
          <span className="text-red-700 dark:text-red-400">−{counts.removed}</span>
          {p.drift ? <Badge tone="amber">drifted</Badge> : null}
          <span className="text-zinc-500">
            {p.deployedRevision === null ? "never deployed" : `vs r${p.deployedRevision}`}
          </span>
        </span>
      </summary>
      <div className="space-y-2 px-3 pb-3">
        {p.managed ? null : (
          <p className="text-xs text-violet-700 dark:text-violet-300">
            Config-managed: the console stores the revision; you apply it on the router and mark it applied.
          </p>
        )}
        {p.bgpTimersChanged ? (
          <p className="text-xs text-amber-700 dark:text-amber-300" data-testid="site-bgp-timers-note">
            BGP timers change on this router: they take effect when each of its BGP sessions restarts.
          </p>
        ) : null}
        {p.drift ? (
          <div>
            <p className="text-xs text-amber-700 dark:text-amber-300">
              The running config drifted from the deployed revision:
            </p>
            <ConfigDiffView diff={p.drift} viewType={viewType} />
          </div>
        ) : null}
        <ConfigDiffView diff={p.diff} viewType={viewType} />
      </div>
    </details>
  );
}

/** Preview per site (changes counted, diffs folded, unchanged sites set apart), the wave plan, then deploy. */
export function DeploymentNew({ target }: { target: DeploymentTarget | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const preview = useQuery(
    trpc.deployments.preview.queryOptions(target ?? { siteIds: [] }, { enabled: target !== null }),
  );
  const [draft, setDraft] = useState(draftOf(DEFAULT_WAVE_POLICY));
  const [window, setWindow] = useState("120");
  const [viewType, setViewType] = useState<"split" | "unified">("unified");
  const create = useMutation(
    trpc.deployments.create.mutationOptions({ onSuccess: (d) => router.push(`/deployments/${d.id}`) }),
  );
  const rows = preview.data ?? [];
  const changed = useMemo(() => rows.filter((p) => !p.unchanged), [rows]);
  const unchanged = useMemo(() => rows.filter((p) => p.unchanged), [rows]);
  const timersChanged = useMemo(() => rows.filter((p) => p.bgpTimersChanged), [rows]);
  const policy = parseDraft(draft);
  const windowSeconds = Number(window);
  const windowError =
    Number.isInteger(windowSeconds) && windowSeconds >= 10 && windowSeconds <= 3600
      ? undefined
      : "a whole number of seconds from 10 to 3600";

  if (!target) return <ErrorBanner message="Choose sites or a network to deploy (from the sites list)." />;
  return (
    <>
      <PageHeader title="New deployment" subtitle="Review what changes on each router, then deploy" />
      <ErrorBanner message={preview.error?.message ?? create.error?.message} />
      {!preview.data ? (
        <p className="text-zinc-500">{preview.isLoading ? "Rendering…" : ""}</p>
      ) : (
        <div className="space-y-4">
          <Card
            title={
              <span className="flex flex-wrap items-center gap-2" data-testid="deploy-summary">
                {rows.length} site{rows.length === 1 ? "" : "s"}: {changed.length} with changes, {unchanged.length}{" "}
                unchanged
              </span>
            }
          >
            <div className="space-y-3" data-testid="deploy-action">
              {timersChanged.length ? (
                <p
                  role="note"
                  data-testid="bgp-timers-note"
                  className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
                >
                  <strong>
                    BGP timers change on {timersChanged.length} site{timersChanged.length === 1 ? "" : "s"}.
                  </strong>{" "}
                  Routers agree BGP timers when a session opens: sessions already up keep the old keepalive and hold
                  time until they restart. To apply them now, reset the hubs' BGP sessions (<code>clear bgp *</code> in
                  the vtysh of FRR and VyOS, <code>clear ip bgp *</code> on IOS); routes through a hub drop for a few
                  seconds while its sessions come back.
                </p>
              ) : null}
              <WavePolicyEditor draft={draft} onChange={setDraft} sites={rows} />
              <div className="flex flex-wrap items-end gap-3">
                <Field label="Confirm window (s)" htmlFor="window" error={windowError}>
                  <Input
                    id="window"
                    className="w-24"
                    value={window}
                    invalid={!!windowError}
                    onChange={(e) => setWindow(e.target.value)}
                    inputMode="numeric"
                  />
                </Field>
                <Button
                  disabled={create.isPending || !policy.success || !!windowError}
                  onClick={() =>
                    policy.success &&
                    create.mutate({ target, options: { wavePolicy: policy.data, confirmWindowSeconds: windowSeconds } })
                  }
                >
                  Deploy {rows.length === 1 ? rows[0]!.name : `${rows.length} sites`}
                </Button>
                {policy.success ? (
                  <span className="text-xs text-zinc-500" data-testid="policy-summary">
                    {describeWavePolicy(policy.data)}; each wave is verified before the next starts.
                  </span>
                ) : null}
              </div>
            </div>
          </Card>
          <Card
            title="Changes per site"
            actions={
              <span className="inline-flex rounded border border-zinc-300 text-xs dark:border-zinc-700">
                {(["unified", "split"] as const).map((v) => (
                  <button
                    key={v}
                    type="button"
                    aria-pressed={viewType === v}
                    onClick={() => setViewType(v)}
                    className={cx("px-2 py-0.5", viewType === v && "bg-zinc-200 dark:bg-zinc-700")}
                  >
                    {v === "split" ? "Side by side" : "Unified"}
                  </button>
                ))}
              </span>
            }
            className="[&>div:last-child]:p-0"
          >
            {changed.length === 0 ? <p className="p-3 text-zinc-500">No site changes.</p> : null}
            {changed.map((p) => (
              <SiteChange key={p.siteId} p={p} viewType={viewType} open={changed.length <= 3} />
            ))}
            {unchanged.length ? (
              <details data-testid="unchanged-sites" className="border-t border-zinc-200 dark:border-zinc-800">
                <summary className="cursor-pointer px-3 py-2 text-zinc-500">
                  {unchanged.length} unchanged site{unchanged.length === 1 ? "" : "s"} (same as deployed)
                </summary>
                <ul className="flex flex-wrap gap-1.5 px-3 pb-3 text-xs">
                  {unchanged.map((p) => (
                    <li key={p.siteId}>
                      <Badge>{p.name}</Badge>
                      {p.drift ? <Badge tone="amber">drifted</Badge> : null}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </Card>
        </div>
      )}
    </>
  );
}
