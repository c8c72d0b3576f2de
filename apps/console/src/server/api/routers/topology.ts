import { z } from "zod";
import { getRuntime } from "../../runtime";
import { getDashboard } from "../../services/dashboard";
import { loadTopologyInput } from "../../services/topology";
import { topologyFeed } from "../../services/topology-live";
import { buildTopology, type TopologyDelta, type TopologyGraph } from "../../services/topology-model";
import { topologyGraphOutput } from "../rest-schemas";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export type TopologyMessage =
  | { kind: "snapshot"; graph: TopologyGraph; sentAt: number }
  | { kind: "delta"; delta: TopologyDelta; sentAt: number };

export const topologyRouter = createTRPCRouter({
  graph: viewerProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/topology",
        tags: ["status"],
        summary: "Every site as a node, hub-spoke registrations and live NHRP shortcuts as edges",
      },
    })
    .input(z.object({}).optional())
    .output(topologyGraphOutput)
    .query(async ({ ctx }) => buildTopology(await loadTopologyInput(ctx.db))),

  /**
   * The whole graph once, then patches as agents report. Served over SSE from the same /api/trpc route: one-way
   * is all the page needs, it passes the session cookie like any request, and reconnects on its own.
   */
  live: viewerProcedure.input(z.object({}).optional()).subscription(async function* ({ ctx, signal }) {
    const { bus } = getRuntime();
    const queue: TopologyDelta[] = [];
    let wake: (() => void) | null = null;
    const { graph, stop } = await topologyFeed(ctx.db, bus).subscribe((delta) => {
      queue.push(delta);
      wake?.();
    });
    try {
      yield { kind: "snapshot", graph, sentAt: Date.now() } satisfies TopologyMessage as TopologyMessage;
      while (!signal?.aborted) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal?.addEventListener("abort", () => resolve(), { once: true });
          });
          wake = null;
        }
        while (queue.length) {
          yield {
            kind: "delta",
            delta: queue.shift()!,
            sentAt: Date.now(),
          } satisfies TopologyMessage as TopologyMessage;
        }
      }
    } finally {
      stop();
    }
  }),

  dashboard: viewerProcedure.query(({ ctx }) => getDashboard(ctx.db)),
});
