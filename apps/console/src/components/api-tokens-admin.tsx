"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { LocalTime } from "./local-time";
import { Badge, Button, Card, ErrorBanner, Field, Input, PageHeader, Select, SkeletonRows, tableClass } from "./ui";

/** Create (shown once), list and revoke API tokens. */
export function ApiTokensAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiTokens.pathKey() });
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"read" | "read-write">("read");
  const [days, setDays] = useState("90");
  const create = useMutation(trpc.apiTokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSettled: refresh }));
  const errors = create.error ? fieldErrors(create.error) : null;

  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle="For scripts and the dmvpn command line: Authorization: Bearer <token>. A token acts with your role; read tokens can only read."
      />
      <div className="grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card title="Tokens" className="[&>div]:p-0">
          {tokens.error ? (
            <ErrorBanner message={tokens.error.message} />
          ) : !tokens.data ? (
            <SkeletonRows />
          ) : tokens.data.length === 0 ? (
            <p className="p-4 text-zinc-500">No tokens yet.</p>
          ) : (
            <table className={tableClass}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Token</th>
                  <th>Scope</th>
                  <th>Owner</th>
                  <th>Expires</th>
                  <th>Last used</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.map((t) => {
                  const expired = t.expiresAt && new Date(t.expiresAt) <= new Date();
                  return (
                    <tr key={t.id} data-token={t.name}>
                      <td>{t.name}</td>
                      <td className="font-mono">{t.prefix}…</td>
                      <td>
                        <Badge tone={t.scope === "read" ? "blue" : "amber"}>{t.scope}</Badge>
                      </td>
                      <td>{t.owner}</td>
                      <td>{t.expiresAt ? <LocalTime value={t.expiresAt} /> : "never"}</td>
                      <td>{t.lastUsedAt ? <LocalTime value={t.lastUsedAt} /> : "never"}</td>
                      <td className="text-right">
                        {t.revokedAt ? (
                          <Badge tone="red">revoked</Badge>
                        ) : expired ? (
                          <Badge tone="neutral">expired</Badge>
                        ) : (
                          <Button
                            variant="danger"
                            disabled={revoke.isPending}
                            onClick={() => revoke.mutate({ id: t.id })}
                          >
                            Revoke
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="New token">
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name, scope, expiresInDays: days === "never" ? null : Number(days) });
            }}
          >
            <Field label="Name" htmlFor="token-name" error={errorFor(errors?.byField ?? {}, "name")}>
              <Input id="token-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="ci-pipeline" />
            </Field>
            <Field label="Scope" htmlFor="token-scope" error={errorFor(errors?.byField ?? {}, "scope")}>
              <Select id="token-scope" value={scope} onChange={(e) => setScope(e.target.value as typeof scope)}>
                <option value="read">read (queries only)</option>
                <option value="read-write">read-write</option>
              </Select>
            </Field>
            <Field label="Expires" htmlFor="token-expiry" error={errorFor(errors?.byField ?? {}, "expiresInDays")}>
              <Select id="token-expiry" value={days} onChange={(e) => setDays(e.target.value)}>
                <option value="7">in 7 days</option>
                <option value="30">in 30 days</option>
                <option value="90">in 90 days</option>
                <option value="365">in a year</option>
                <option value="never">never</option>
              </Select>
            </Field>
            {errors?.general ? <ErrorBanner message={errors.general} /> : null}
            <Button type="submit" disabled={create.isPending}>
              Create token
            </Button>
          </form>
          {create.data ? (
            <div className="mt-4 space-y-2 rounded border border-amber-400 bg-amber-50 p-3 dark:bg-amber-950/30">
              <p className="text-xs font-medium">Copy it now: it is shown only once.</p>
              <code data-testid="new-token" className="block break-all font-mono text-xs">
                {create.data.token}
              </code>
              <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(create.data.token)}>
                Copy
              </Button>
            </div>
          ) : null}
        </Card>
      </div>
    </>
  );
}
