"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { Button, ErrorBanner, Field, Textarea } from "./ui";

/**
 * Agentless sites: the operator applied a pending revision on the router by hand and says so here, optionally
 * pasting the router's running config so the console can show drift against that revision.
 */
export function MarkAppliedForm({ siteId, revision }: { siteId: string; revision: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [runningConfig, setRunningConfig] = useState("");
  const mark = useMutation(
    trpc.deployments.markApplied.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        setRunningConfig("");
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
      },
    }),
  );
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)} data-testid={`mark-applied-r${revision}`}>
        Mark applied
      </Button>
    );
  const fieldId = `running-config-${siteId}-${revision}`;
  return (
    <form
      className="w-full space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        mark.mutate({ siteId, revision, runningConfig: runningConfig.trim() ? runningConfig : undefined });
      }}
    >
      <ErrorBanner message={mark.error?.message} />
      <Field
        label={`Running config after applying r${revision} (optional)`}
        htmlFor={fieldId}
        hint="Paste `show running-config`: the console then shows drift between it and this revision."
      >
        <Textarea
          id={fieldId}
          rows={6}
          value={runningConfig}
          onChange={(e) => setRunningConfig(e.target.value)}
          spellCheck={false}
        />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" disabled={mark.isPending}>
          I applied r{revision} on the router
        </Button>
        <Button variant="ghost" type="button" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
