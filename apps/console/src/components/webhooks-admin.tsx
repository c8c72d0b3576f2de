"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { WebhookEvent } from "~/server/services/webhooks";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { LocalTime } from "./local-time";
import { Badge, Button, Card, ErrorBanner, Field, Input, PageHeader, SkeletonRows, tableClass } from "./ui";

const EVENTS = [
  "site.offline",
  "site.online",
  "site.registration-lost",
  "site.sa-down",
  "deployment.failed",
  "deployment.rolled-back",
] as const;

/** Webhook subscriptions and their delivery log (admins). */
export function WebhooksAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.webhooks.list.queryOptions());
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({}, { refetchInterval: 5000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["site.offline", "deployment.failed"]);
  const create = useMutation(trpc.webhooks.create.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSettled: refresh }));
  const ping = useMutation(trpc.webhooks.ping.mutationOptions({ onSettled: refresh }));
  const redeliver = useMutation(trpc.webhooks.redeliver.mutationOptions({ onSettled: refresh }));
  const errors = create.error ? fieldErrors(create.error) : null;

  return (
    <>
      <PageHeader
        title="Webhooks"
        subtitle="POSTs JSON to your URL on events, signed: X-DMVPN-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of “t.body”>. Failed deliveries are retried with backoff."
      />
      <div className="grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="space-y-4">
          <Card title="Subscriptions" className="[&>div]:p-0">
            {hooks.error ? (
              <ErrorBanner message={hooks.error.message} />
            ) : !hooks.data?.length ? (
              hooks.data ? (
                <p className="p-4 text-zinc-500">No webhooks yet.</p>
              ) : (
                <SkeletonRows rows={2} />
              )
            ) : (
              <table className={tableClass}>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>URL</th>
                    <th>Events</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.data.map((h) => (
                    <tr key={h.id}>
                      <td>
                        {h.name} {h.enabled ? null : <Badge>disabled</Badge>}
                      </td>
                      <td className="break-all font-mono text-xs">{h.url}</td>
                      <td className="text-xs">{h.events.join(", ")}</td>
                      <td className="space-x-1 text-right whitespace-nowrap">
                        <Button variant="secondary" onClick={() => ping.mutate({ id: h.id })}>
                          Send test
                        </Button>
                        <Button variant="danger" onClick={() => remove.mutate({ id: h.id })}>
                          Delete
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title="Delivery log" className="[&>div]:p-0">
            {!deliveries.data?.rows.length ? (
              deliveries.data ? (
                <p className="p-4 text-zinc-500">Nothing sent yet.</p>
              ) : deliveries.error ? (
                <div className="p-3">
                  <ErrorBanner message={deliveries.error.message} />
                </div>
              ) : (
                <SkeletonRows rows={3} />
              )
            ) : (
              <table className={tableClass}>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Webhook</th>
                    <th>Event</th>
                    <th>Status</th>
                    <th>Attempts</th>
                    <th>Last error</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.data.rows.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <LocalTime value={d.createdAt} />
                      </td>
                      <td>{d.webhookName}</td>
                      <td className="font-mono text-xs">{d.event}</td>
                      <td>
                        <Badge tone={d.status === "delivered" ? "green" : d.status === "failed" ? "red" : "amber"}>
                          {d.status}
                          {d.responseStatus ? ` (${d.responseStatus})` : ""}
                        </Badge>
                      </td>
                      <td>{d.attempts}</td>
                      <td className="text-xs text-zinc-500">{d.lastError ?? ""}</td>
                      <td className="text-right">
                        {d.status === "failed" ? (
                          <Button variant="secondary" onClick={() => redeliver.mutate({ deliveryId: d.id })}>
                            Retry
                          </Button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
        <Card title="New webhook">
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name, url, events });
            }}
          >
            <Field label="Name" htmlFor="hook-name" error={errorFor(errors?.byField ?? {}, "name")}>
              <Input id="hook-name" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field
              label="URL"
              htmlFor="hook-url"
              error={errorFor(errors?.byField ?? {}, "url")}
              hint="A public receiver: private, loopback and link-local addresses are refused unless the console allows them."
            >
              <Input id="hook-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" />
            </Field>
            <fieldset className="space-y-1 text-[13px]">
              <legend className="text-xs font-medium text-zinc-600">Events</legend>
              {EVENTS.map((ev) => (
                <label key={ev} className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={events.includes(ev)}
                    onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
                  />
                  <span className="font-mono text-xs">{ev}</span>
                </label>
              ))}
              {errorFor(errors?.byField ?? {}, "events") ? (
                <p className="text-xs text-red-600">{errorFor(errors?.byField ?? {}, "events")}</p>
              ) : null}
              <p className="text-xs text-zinc-500" data-testid="webhook-demo-note">
                The demo network&apos;s simulated routers never trigger webhooks: its outages, rollbacks and failed
                deployments are not sent.
              </p>
            </fieldset>
            {errors?.general ? <ErrorBanner message={errors.general} /> : null}
            <Button type="submit" disabled={create.isPending}>
              Add webhook
            </Button>
          </form>
          {create.data ? (
            <div className="mt-4 space-y-1 rounded border border-amber-400 bg-amber-50 p-3 dark:bg-amber-950/30">
              <p className="text-xs font-medium">Signing secret (shown once here; stored encrypted):</p>
              <code className="block break-all font-mono text-xs">{create.data.secret}</code>
            </div>
          ) : null}
        </Card>
      </div>
    </>
  );
}
