"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ConfirmButton } from "./confirm-button";
import { DeploymentNetworkButton } from "./deployment-network-button";
import { LinkButton, textLinkClass } from "./link-button";
import { NetworkForm, networkValues } from "./network-form";
import { RenumberPanel } from "./renumber-panel";
import { useSessionUser } from "./session";
import { Badge, Button, Card, ErrorBanner, PageHeader, PageSkeleton, SkeletonRows, tableClass } from "./ui";

export function NetworkDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { canEdit } = useSessionUser();
  const network = useQuery(trpc.networks.get.queryOptions({ id }));
  const [renumbering, setRenumbering] = useState(false);
  const remove = useMutation(
    trpc.networks.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.networks.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() });
        router.push("/networks");
        router.refresh();
      },
    }),
  );

  if (network.error) return <ErrorBanner message={network.error.message} />;
  if (!network.data) return <PageSkeleton label="Loading the network" />;
  const n = network.data;

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {n.name} {n.isDemo ? <Badge tone="violet">demo</Badge> : null}
          </span>
        }
        subtitle={
          <>
            <Link href="/networks" className="hover:underline">
              Networks
            </Link>{" "}
            / <span className="font-mono">{n.tunnelPrefix}</span> · phase {n.phase} · {n.routing}
          </>
        }
        actions={
          canEdit ? (
            <>
              <Button variant="secondary" onClick={() => setRenumbering(true)} disabled={renumbering}>
                Renumber…
              </Button>
              <ConfirmButton
                label="Delete network"
                question="Delete this network and all its sites?"
                confirmLabel="Delete"
                pending={remove.isPending}
                onConfirm={() => remove.mutate({ id })}
              />
            </>
          ) : null
        }
      />
      <div className="space-y-4">
        <ErrorBanner message={remove.error?.message} />
        {renumbering ? (
          <RenumberPanel networkId={id} currentPrefix={n.tunnelPrefix} onClose={() => setRenumbering(false)} />
        ) : null}
        <NetworkSites networkId={id} canEdit={canEdit} />
        {/* initialised once: a refetch after saving must not wipe what the user is typing; a renumbering
            changes the prefix under it, so the form starts again from the stored network */}
        <NetworkForm
          key={`${id} ${n.tunnelPrefix}`}
          networkId={id}
          initial={networkValues(n)}
          summariesInEffect={n.bgpSummariesInEffect}
          readOnly={!canEdit}
        />
      </div>
    </>
  );
}

const PREVIEW = 10;

function NetworkSites({ networkId, canEdit }: { networkId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const sites = useQuery(
    trpc.sites.list.queryOptions(
      { networkId, pageSize: PREVIEW, sort: "tunnelAddress" },
      { placeholderData: keepPreviousData },
    ),
  );
  const total = sites.data?.total ?? 0;
  return (
    <Card
      title={`Sites${sites.data ? ` (${total})` : ""}`}
      actions={
        <>
          <LinkButton href={`/sites?networkId=${networkId}`} variant="secondary">
            All sites
          </LinkButton>
          {canEdit ? <LinkButton href={`/sites/new?networkId=${networkId}`}>Add site</LinkButton> : null}
          <DeploymentNetworkButton networkId={networkId} />
        </>
      }
      className="[&>div]:p-0"
    >
      {sites.error ? (
        <div className="p-3">
          <ErrorBanner message={sites.error.message} />
        </div>
      ) : !sites.data ? (
        <SkeletonRows />
      ) : total === 0 ? (
        <p className="p-4 text-zinc-500">No sites in this network yet. Add its hubs first.</p>
      ) : (
        <table className={tableClass}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Platform</th>
              <th>Tunnel address</th>
              <th>Public address</th>
            </tr>
          </thead>
          <tbody>
            {sites.data.rows.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/sites/${s.id}`} className={textLinkClass}>
                    {s.name}
                  </Link>
                </td>
                <td>
                  <Badge tone={s.role === "hub" ? "blue" : "neutral"}>{s.role}</Badge>
                </td>
                <td>{s.platform}</td>
                <td className="font-mono">{s.tunnelAddress}</td>
                <td className="font-mono">{s.publicAddress ?? <span className="text-zinc-500">dynamic</span>}</td>
              </tr>
            ))}
            {total > PREVIEW ? (
              <tr>
                <td colSpan={5} className="text-zinc-500">
                  Showing the first {PREVIEW} by tunnel address.{" "}
                  <Link href={`/sites?networkId=${networkId}`} className={textLinkClass}>
                    See all {total} sites
                  </Link>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      )}
    </Card>
  );
}
