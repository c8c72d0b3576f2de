"use client";

import { SHOW_COMMAND_IDS } from "@dmvpn/protocol";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { Button, Card, ErrorBanner, Field, Input, Select } from "./ui";

/** Ping and whitelisted show commands, run on the router by its agent (operators; every run is audited). */
export function SiteDiagnostics({ siteId, connected }: { siteId: string; connected: boolean }) {
  const trpc = useTRPC();
  const [target, setTarget] = useState("");
  const [source, setSource] = useState("");
  const [commandId, setCommandId] = useState<(typeof SHOW_COMMAND_IDS)[number]>("nhrp-cache");
  const ping = useMutation(trpc.diagnostics.ping.mutationOptions());
  const show = useMutation(trpc.diagnostics.show.mutationOptions());
  const busy = ping.isPending || show.isPending;
  const pingErrors = fieldErrors(ping.error);
  const showErrors = fieldErrors(show.error);
  const output = ping.data
    ? `${ping.data.output}\n${ping.data.received}/${ping.data.sent} received, ${ping.data.lossPercent}% loss`
    : show.data?.output;

  return (
    <Card title="Diagnostics (run on the router)">
      <div className="grid gap-3 md:grid-cols-[1fr_1fr_auto] md:items-end">
        <Field label="Ping target" htmlFor="diag-target" error={errorFor(pingErrors.byField, "target")}>
          <Input
            id="diag-target"
            value={target}
            placeholder="e.g. 192.168.12.1"
            onChange={(e) => setTarget(e.target.value)}
          />
        </Field>
        <Field
          label="From address (optional)"
          htmlFor="diag-source"
          hint="one of the router's own, e.g. its LAN"
          error={errorFor(pingErrors.byField, "source")}
        >
          <Input id="diag-source" value={source} onChange={(e) => setSource(e.target.value)} />
        </Field>
        <Button
          disabled={!connected || busy || !target.trim()}
          onClick={() => {
            show.reset();
            ping.mutate({ siteId, target: target.trim(), source: source.trim() || undefined, count: 3 });
          }}
        >
          {ping.isPending ? "Pinging…" : "Ping"}
        </Button>
        <Field label="Show command" htmlFor="diag-show">
          <Select
            id="diag-show"
            value={commandId}
            onChange={(e) => setCommandId(e.target.value as (typeof SHOW_COMMAND_IDS)[number])}
          >
            {SHOW_COMMAND_IDS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </Field>
        <div />
        <Button
          variant="secondary"
          disabled={!connected || busy}
          onClick={() => {
            ping.reset();
            show.mutate({ siteId, commandId });
          }}
        >
          {show.isPending ? "Running…" : "Run"}
        </Button>
      </div>
      {!connected ? <p className="mt-2 text-xs text-zinc-500">The agent is offline: nothing can run there.</p> : null}
      <div className="mt-3">
        <ErrorBanner message={pingErrors.general ?? showErrors.general} />
        {output !== undefined ? (
          <pre
            data-testid="diagnostics-output"
            className="max-h-96 overflow-auto rounded bg-zinc-950 p-3 font-mono text-xs text-zinc-100"
          >
            {output}
          </pre>
        ) : null}
      </div>
    </Card>
  );
}
