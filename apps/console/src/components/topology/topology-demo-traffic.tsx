import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { TopologyNode } from "~/server/services/topology-model";
import { useTRPC } from "~/trpc/react";
import { Button, Select } from "../ui";
import type { TopologyGraphology } from "./graph-sync";

/** The demo's "send traffic" action: two spokes exchange packets, and a shortcut should appear. */
export function TopologyDemoTraffic({ from, graph }: { from: TopologyNode; graph: TopologyGraphology }) {
  const trpc = useTRPC();
  const peers = graph
    .filterNodes((_id, a) => a.data.isDemo && a.data.role === "spoke" && a.data.id !== from.id)
    .map((id) => graph.getNodeAttribute(id, "data"))
    .sort((a, b) => a.name.localeCompare(b.name));
  const [to, setTo] = useState(peers[0]?.id ?? "");
  const send = useMutation(trpc.demo.sendTraffic.mutationOptions());
  const canSend = useQuery({ ...trpc.auth.status.queryOptions(), select: (s) => s.user?.role !== "viewer" });
  if (!canSend.data) return null;
  return (
    <div className="mt-3 space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <label htmlFor="traffic-to" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Demo: send traffic from {from.name} to
      </label>
      <div className="flex gap-2">
        <Select id="traffic-to" value={to} onChange={(e) => setTo(e.target.value)}>
          {peers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
        <Button disabled={!to || send.isPending} onClick={() => send.mutate({ fromSiteId: from.id, toSiteId: to })}>
          Send traffic
        </Button>
      </div>
      {send.data ? (
        <p className="text-xs text-zinc-500" role="status">
          {send.data.shortcut ? "Traffic sent: the spokes build a shortcut." : send.data.reason}
        </p>
      ) : null}
      {send.error ? (
        <p className="text-xs text-red-600" role="alert">
          {send.error.message}
        </p>
      ) : null}
    </div>
  );
}
