"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ageOf } from "./agent-age";
import { ConfirmButton } from "./confirm-button";
import { LinkButton, textLinkClass } from "./link-button";
import { LocalTime } from "./local-time";
import { useSessionUser } from "./session";
import { Badge, Button, Card, ErrorBanner, SkeletonRows } from "./ui";

/** The site page's agent card: online/offline and last seen, the one-line install command, revocation. */
export function AgentCard({ siteId }: { siteId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { canEdit, isAdmin } = useSessionUser();
  const state = useQuery(trpc.agents.forSite.queryOptions({ siteId }, { refetchInterval: 2000 }));
  const [command, setCommand] = useState<string | null>(null);
  const [proxy, setProxy] = useState(false);
  const [copied, setCopied] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
  const enroll = useMutation(
    trpc.agents.createEnrollment.mutationOptions({
      onSuccess: (r) => {
        setCommand(r.command);
        setProxy(r.mode === "proxy");
        setCopied(false);
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.agents.revokeCredential.mutationOptions({ onSuccess: () => void refresh() }));
  const revokeToken = useMutation(
    trpc.agents.revokeEnrollment.mutationOptions({
      onSuccess: () => {
        setCommand(null);
        void refresh();
      },
    }),
  );

  const data = state.data;
  const agent = data?.agent;
  return (
    <Card
      title="Agent"
      actions={
        <>
          <LinkButton href={`/sites/${siteId}/status`}>Status</LinkButton>
          {canEdit ? <LinkButton href={`/deployments/new?siteId=${siteId}`}>Deploy</LinkButton> : null}
        </>
      }
    >
      <ErrorBanner
        message={state.error?.message ?? enroll.error?.message ?? revoke.error?.message ?? revokeToken.error?.message}
      />
      {!data ? (
        <SkeletonRows rows={3} />
      ) : !data.agentCapable ? (
        <p data-testid="agent-state">
          <Badge tone="violet">config-managed</Badge> This platform cannot run the agent. Deployments store a revision
          that waits for you: apply it on the router (rendered config below), then mark it applied under Revisions. The
          console knows nothing of the router&apos;s live state.
        </p>
      ) : (
        <div className="space-y-3">
          <p className="flex items-center gap-2" data-testid="agent-state">
            {agent ? (
              <>
                <Badge tone={agent.connected ? "green" : "red"}>{agent.connected ? "online" : "offline"}</Badge>
                <span className="text-zinc-500">
                  {agent.hostname} · {agent.platform} · agent {agent.version} · last seen {ageOf(agent.lastSeenAt)}
                </span>
              </>
            ) : (
              <>
                <Badge tone="violet">config-managed</Badge>{" "}
                <span className="text-zinc-500">
                  no agent enrolled: deployments wait for you to apply them and mark them applied
                </span>
              </>
            )}
          </p>
          {canEdit ? (
            <div className="flex flex-wrap gap-2">
              <Button
                variant="secondary"
                disabled={enroll.isPending}
                onClick={() => enroll.mutate({ siteId, origin: window.location.origin })}
              >
                {agent ? "Re-enrol agent" : "Enrol agent"}
              </Button>
              {agent && isAdmin ? (
                <ConfirmButton
                  label="Revoke credential"
                  question="Revoke this agent's credential? It is disconnected and must be enrolled again."
                  confirmLabel="Revoke"
                  pending={revoke.isPending}
                  onConfirm={() => revoke.mutate({ siteId })}
                />
              ) : null}
            </div>
          ) : null}
          {canEdit && data.pendingTokenExpiresAt ? (
            <p className="flex items-center gap-2 text-xs text-zinc-500" data-testid="pending-token">
              An unused enrolment token is outstanding (valid until <LocalTime value={data.pendingTokenExpiresAt} />
              ).
              <Button variant="ghost" disabled={revokeToken.isPending} onClick={() => revokeToken.mutate({ siteId })}>
                Revoke token
              </Button>
            </p>
          ) : null}
          {command ? (
            <div className="space-y-1">
              {proxy ? (
                <p className="text-xs text-zinc-500" data-testid="proxy-instructions">
                  This router is driven by a proxy agent over SSH. Run this as root on a Linux host (with Node 20) that
                  reaches the router: replace ROUTER_SSH_ADDRESS and ROUTER_SSH_USER (a privilege-15 user) and point
                  DMVPN_SSH_KEY at its key (or set DMVPN_SSH_PASSWORD_ENV instead). The router needs{" "}
                  <code>archive</code> with a <code>path</code> for its revert timer. The router&apos;s host key is
                  pinned at enrolment (DMVPN_SSH_HOST_KEY=SHA256:… to give it). The token works once and expires in an
                  hour; it is not shown again.
                </p>
              ) : (
                <p className="text-xs text-zinc-500">
                  Paste this on the router as root. The token works once and expires in an hour; it is not shown again.
                </p>
              )}
              <div className="flex min-w-0 items-start gap-2">
                <pre
                  data-testid="install-command"
                  className="min-w-0 flex-1 overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800"
                >
                  {command}
                </pre>
                <Button
                  variant="secondary"
                  aria-label="Copy install command"
                  onClick={() => {
                    void navigator.clipboard?.writeText(command).then(() => setCopied(true));
                  }}
                >
                  {copied ? "Copied" : "Copy"}
                </Button>
              </div>
            </div>
          ) : null}
          <p className="text-xs">
            <Link href={`/sites/${siteId}/status`} className={textLinkClass}>
              Tunnel, NHRP, IPsec and BGP status →
            </Link>
          </p>
        </div>
      )}
    </Card>
  );
}
