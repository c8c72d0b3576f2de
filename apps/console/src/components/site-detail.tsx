"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTRPC } from "~/trpc/react";
import { AgentCard } from "./agent-card";
import { ConfirmButton } from "./confirm-button";
import { DeploymentRevisions } from "./deployment-revisions";
import { LinkButton, textLinkClass } from "./link-button";
import { LocalTime } from "./local-time";
import { RenderedConfig } from "./rendered-config";
import { useSessionUser } from "./session";
import { SiteForm, siteValues } from "./site-form";
import { Badge, Card, ErrorBanner, PageHeader, PageSkeleton } from "./ui";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[7rem_minmax(0,1fr)] gap-2 py-1 sm:grid-cols-[9rem_minmax(0,1fr)]">
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const none = <span className="text-zinc-400 dark:text-zinc-600">—</span>;

export function SiteDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { canEdit } = useSessionUser();
  const site = useQuery(trpc.sites.get.queryOptions({ id }));
  const remove = useMutation(
    trpc.sites.delete.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.networks.pathKey() }),
        ]);
        router.push(site.data ? `/sites?networkId=${site.data.networkId}` : "/sites");
      },
    }),
  );

  if (site.error) return <ErrorBanner message={site.error.message} />;
  if (!site.data) return <PageSkeleton label="Loading the site" />;
  const s = site.data;

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {s.name} <Badge tone={s.role === "hub" ? "blue" : "neutral"}>{s.role}</Badge>
          </span>
        }
        subtitle={
          <>
            <Link href="/sites" className="hover:underline">
              Sites
            </Link>{" "}
            /{" "}
            <Link href={`/networks/${s.networkId}`} className="hover:underline">
              {s.network}
            </Link>{" "}
            / <span className="font-mono">{s.tunnelAddress}</span>
          </>
        }
        actions={
          canEdit ? (
            <>
              <LinkButton href={`/sites/${id}/edit`}>Edit</LinkButton>
              <ConfirmButton
                label="Delete"
                question={`Delete ${s.name}?`}
                confirmLabel="Delete site"
                pending={remove.isPending}
                onConfirm={() => remove.mutate({ id })}
              />
            </>
          ) : null
        }
      />
      <ErrorBanner message={remove.error?.message} />
      {/* Sections are independent cards so rendered config and live status can be added beside these. */}
      <div className="grid gap-4 xl:grid-cols-2" data-testid="site-sections">
        <Card title="Tunnel and WAN">
          <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
            <Row label="Network">
              <Link href={`/networks/${s.networkId}`} className={textLinkClass}>
                {s.network}
              </Link>
            </Row>
            <Row label="Role">{s.role}</Row>
            <Row label="Platform">{s.platform}</Row>
            <Row label="Tunnel address">
              <span className="font-mono">{s.tunnelAddress}</span>
            </Row>
            <Row label="ASN">
              {s.asn === null ? (
                <span className="text-zinc-500">per plan</span>
              ) : (
                <span className="font-mono">{s.asn}</span>
              )}
            </Row>
            <Row label="WAN interface">
              <span className="font-mono">{s.wanInterface}</span>
            </Row>
            <Row label="Public address">
              {s.publicAddress ? (
                <span className="font-mono">{s.publicAddress}</span>
              ) : (
                <span className="text-zinc-500">dynamic</span>
              )}{" "}
              {s.behindNat ? <Badge tone="amber">NAT</Badge> : null}
            </Row>
            <Row label="Behind NAT">{s.behindNat ? "yes" : "no"}</Row>
            <Row label="LAN prefixes">
              {s.lanPrefixes.length ? (
                <ul className="font-mono">
                  {s.lanPrefixes.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              ) : (
                none
              )}
            </Row>
          </dl>
        </Card>
        <div className="space-y-4">
          <Card title="Location">
            <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
              <Row label="Latitude, longitude">
                {s.latitude !== null && s.longitude !== null ? (
                  <span className="font-mono">
                    {s.latitude}, {s.longitude}
                  </span>
                ) : (
                  none
                )}
              </Row>
              <Row label="Address">{s.address ?? none}</Row>
            </dl>
          </Card>
          <Card title="Tags and notes">
            <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
              <Row label="Tags">
                {s.tags.length ? (
                  <span className="flex flex-wrap gap-1">
                    {s.tags.map((t) => (
                      <Link key={t} href={`/sites?tag=${encodeURIComponent(t)}`}>
                        <Badge>{t}</Badge>
                      </Link>
                    ))}
                  </span>
                ) : (
                  none
                )}
              </Row>
              <Row label="Notes">{s.notes ? <p className="whitespace-pre-wrap">{s.notes}</p> : none}</Row>
              <Row label="Created">
                <LocalTime value={s.createdAt} />
              </Row>
              <Row label="Updated">
                <LocalTime value={s.updatedAt} />
              </Row>
            </dl>
          </Card>
        </div>
      </div>
      <div className="mt-4 grid gap-4 xl:grid-cols-2">
        <AgentCard siteId={s.id} />
        <DeploymentRevisions siteId={s.id} />
      </div>
      <div className="mt-4">
        <RenderedConfig siteId={s.id} siteName={s.name} />
      </div>
    </>
  );
}

/** The edit page: loads the stored site into the form. */
export function SiteEditor({ id }: { id: string }) {
  const trpc = useTRPC();
  const site = useQuery(trpc.sites.get.queryOptions({ id }));
  if (site.error) return <ErrorBanner message={site.error.message} />;
  if (!site.data) return <PageSkeleton label="Loading the site" />;
  return <SiteEditorLoaded site={site.data} />;
}

function SiteEditorLoaded({ site }: { site: Parameters<typeof siteValues>[0] & { id: string } }) {
  return (
    <>
      <PageHeader
        title={`Edit ${site.name}`}
        subtitle={
          <>
            <Link href="/sites" className="hover:underline">
              Sites
            </Link>{" "}
            /{" "}
            <Link href={`/sites/${site.id}`} className="hover:underline">
              {site.name}
            </Link>{" "}
            / edit
          </>
        }
      />
      <SiteForm siteId={site.id} initial={siteValues(site)} />
    </>
  );
}
