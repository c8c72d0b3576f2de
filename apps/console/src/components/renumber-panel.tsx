"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { textLinkClass } from "./link-button";
import { Badge, Button, Card, ErrorBanner, Field, Input, tableClass } from "./ui";

/**
 * Moving a network to another tunnel prefix: the plan first (every site's old and new address, the hubs' moves
 * that every spoke's NHS follows), then one click applies exactly that plan; the server refuses it if anything
 * changed meanwhile. Afterwards every site's config differs from the deployed one, so the next deployment
 * carries the new addresses.
 */
export function RenumberPanel({
  networkId,
  currentPrefix,
  onClose,
}: {
  networkId: string;
  currentPrefix: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [prefix, setPrefix] = useState("");
  const plan = useMutation(trpc.networks.renumberingPlan.mutationOptions());
  const apply = useMutation(
    trpc.networks.renumber.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.networks.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() });
      },
    }),
  );
  const planErrors = fieldErrors(plan.error);
  const shown = plan.data;

  return (
    <Card
      title="Renumber the network"
      actions={
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      }
    >
      {apply.data ? (
        <div className="space-y-2" role="status" data-testid="renumber-done">
          <p>
            Renumbered {apply.data.sites} site(s) into <span className="font-mono">{apply.data.tunnelPrefix}</span>.
            Every site's configuration has changed: deploy the network to put the new addresses on the routers.
          </p>
          <Link href={`/deployments/new?networkId=${networkId}`} className={textLinkClass}>
            Deploy the network
          </Link>
        </div>
      ) : (
        <form
          className="space-y-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            apply.reset();
            plan.mutate({ id: networkId, tunnelPrefix: prefix.trim() });
          }}
        >
          <p className="text-xs text-zinc-500">
            Every site gets an address in the new prefix in one step; nothing changes until you apply the plan. Sites
            keep their offset (.1 stays .1) when the new prefix has room for all of them.
          </p>
          <div className="flex flex-wrap items-end gap-3">
            <Field
              label={`New tunnel prefix (now ${currentPrefix})`}
              htmlFor="renumberPrefix"
              error={errorFor(planErrors.byField, "tunnelPrefix") ?? planErrors.general ?? undefined}
            >
              <Input
                id="renumberPrefix"
                name="renumberPrefix"
                className="font-mono"
                placeholder="10.99.0.0/24"
                value={prefix}
                onChange={(e) => setPrefix(e.target.value)}
                invalid={Boolean(plan.error)}
              />
            </Field>
            <Button type="submit" variant="secondary" disabled={plan.isPending || !prefix.trim()}>
              Show plan
            </Button>
          </div>
          {shown ? (
            <div className="space-y-3" data-testid="renumber-plan">
              {shown.issues.length ? (
                <ul className="space-y-0.5 text-xs text-red-600 dark:text-red-400" role="alert">
                  {shown.issues.map((i) => (
                    <li key={i.message}>
                      {shown.toPrefix}: {i.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p className="text-xs text-zinc-500">
                {shown.fromPrefix} → {shown.toPrefix}:{" "}
                {shown.method === "offsets"
                  ? "every site keeps its offset."
                  : "the new prefix is smaller: addresses are re-allocated in order, hubs first."}{" "}
                Each hub's new address is also every spoke's next-hop server (NHS):{" "}
                {shown.nhs.map((h) => `${h.name} ${h.from} → ${h.to ?? "none"}`).join(", ") || "no hubs"}.
              </p>
              <div className="max-h-96 overflow-auto">
                <table className={tableClass}>
                  <thead>
                    <tr>
                      <th>Site</th>
                      <th>Role</th>
                      <th>Tunnel address now</th>
                      <th>After renumbering</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.changes.map((c) => (
                      <tr key={c.siteId}>
                        <td>{c.name}</td>
                        <td>
                          <Badge tone={c.role === "hub" ? "blue" : "neutral"}>{c.role}</Badge>
                        </td>
                        <td className="font-mono">{c.from}</td>
                        <td className="font-mono">{c.to ?? <span className="text-red-600">no room</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <ErrorBanner message={apply.error?.message} />
              <Button
                variant="danger"
                disabled={shown.issues.length > 0 || apply.isPending}
                onClick={() => apply.mutate({ id: networkId, tunnelPrefix: shown.toPrefix, planHash: shown.planHash })}
              >
                Apply renumbering ({shown.changes.length} sites)
              </Button>
            </div>
          ) : null}
        </form>
      )}
    </Card>
  );
}
