"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "./form-helpers";
import { MarkAppliedForm } from "./mark-applied-form";
import { useSessionUser } from "./session";
import { Badge, Button, Card, ErrorBanner, tableClass } from "./ui";

/** Every revision deployed (or attempted) to the site, its diff, and one-click rollback. */
export function DeploymentRevisions({ siteId }: { siteId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { canEdit } = useSessionUser();
  const revisions = useQuery(trpc.deployments.revisions.queryOptions({ siteId }, { refetchInterval: 5000 }));
  const [shown, setShown] = useState<string | null>(null);
  const diff = useQuery(trpc.deployments.revisionDiff.queryOptions({ revisionId: shown ?? "" }, { enabled: !!shown }));
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({ onSuccess: (d) => router.push(`/deployments/${d.id}`) }),
  );
  if (!revisions.data?.length) return null;
  return (
    <Card title="Revisions">
      <ErrorBanner message={revisions.error?.message ?? rollback.error?.message} />
      <table className={tableClass}>
        <thead>
          <tr>
            <th>Revision</th>
            <th>Created</th>
            <th title="sha256 over the files with secrets masked">Hash (masked)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {revisions.data.map((r) => (
            <tr key={r.id}>
              <td>
                r{r.number} {r.current ? <Badge tone="green">deployed</Badge> : null}{" "}
                {!r.current && r.deployments.some((d) => d.status === "awaiting-apply") ? (
                  <Badge tone="amber">awaiting apply</Badge>
                ) : null}
              </td>
              <td>
                {formatDateTime(r.createdAt)} <span className="text-xs text-zinc-500">{r.createdBy}</span>
              </td>
              <td className="font-mono text-xs">{r.maskedHash.slice(0, 12)}</td>
              <td className="flex flex-wrap justify-end gap-2">
                {canEdit && r.deployments.some((d) => d.status === "awaiting-apply") ? (
                  <MarkAppliedForm siteId={siteId} revision={r.number} />
                ) : null}
                <Button variant="ghost" onClick={() => setShown(shown === r.id ? null : r.id)}>
                  Diff
                </Button>
                {canEdit && !r.current ? (
                  <Button
                    variant="secondary"
                    disabled={rollback.isPending}
                    onClick={() => rollback.mutate({ revisionId: r.id })}
                  >
                    Roll back to this revision
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && diff.data ? (
        <pre className="mt-2 max-h-96 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">
          {diff.data.diff || "No change from the previous revision."}
        </pre>
      ) : null}
    </Card>
  );
}
