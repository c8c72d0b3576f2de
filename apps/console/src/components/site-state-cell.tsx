"use client";

import type { SiteState } from "~/server/services/site-states";
import { ageOf } from "./agent-age";
import { formatDateTime } from "./form-helpers";
import { staleClass } from "./stale";
import { Badge, cx } from "./ui";

const DRIFT = {
  "in-sync": { tone: "green", label: "in sync", title: "the inventory renders to the deployed revision" },
  pending: { tone: "amber", label: "changes pending", title: "the inventory changed since the deployed revision" },
  "never-deployed": { tone: "neutral", label: "never deployed", title: "no revision was confirmed or marked applied" },
  unknown: { tone: "red", label: "cannot render", title: "the network is not ready to render (see its page)" },
} as const;

/** The sites list's state column: management and liveness, registrations (dated when stale), revision, drift. */
export function SiteStateCell({ state, role }: { state: SiteState | undefined; role: string }) {
  if (!state) return <span className="text-xs text-zinc-400">…</span>;
  const stale = state.online === false;
  const drift = DRIFT[state.drift];
  return (
    <div className="flex flex-wrap items-center gap-1" data-testid="site-state">
      {state.management === "config-managed" ? (
        <Badge tone="violet">config-managed</Badge>
      ) : state.online ? (
        <Badge tone="green">online</Badge>
      ) : (
        <span title={state.lastSeenAt ? `last seen ${formatDateTime(state.lastSeenAt)}` : "never seen"}>
          <Badge tone="red">offline</Badge>
        </span>
      )}
      {role === "spoke" && state.registeredHubs ? (
        <span
          data-stale={stale || undefined}
          title={state.statusAt ? `as reported ${formatDateTime(state.statusAt)}` : undefined}
          className={cx("text-xs", stale ? staleClass : "text-zinc-600 dark:text-zinc-400")}
        >
          {state.registeredHubs.registered}/{state.registeredHubs.configured} hubs
          {stale ? ` (${ageOf(state.statusAt)})` : ""}
        </span>
      ) : null}
      <span className="text-xs text-zinc-500">
        {state.deployedRevision === null ? "" : `r${state.deployedRevision}`}
      </span>
      <span title={drift.title}>
        <Badge tone={drift.tone}>{drift.label}</Badge>
      </span>
    </div>
  );
}
