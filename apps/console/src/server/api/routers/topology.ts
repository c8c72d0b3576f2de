import { EventEmitter, on } from "node:events";
import { z } from "zod";
import { heldLatestStatus } from "../../runtime";
import { getDashboard } from "../../services/dashboard";
import { loadTopologyInput } from "../../services/topology";
import { PendingDelta } from "../../services/topology-incremental";
import { topologyFeed } from "../../services/topology-live";
import { buildTopology, type TopologyDelta, type TopologyGraph } from "../../services/topology-model";
import { topologyGraphOutput } from "../rest-schemas";
import { createTRPCRouter, requireRuntime, viewerProcedure } from "../trpc";

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
    .query(async ({ ctx }) => buildTopology(await loadTopologyInput(ctx.db, Date.now(), heldLatestStatus))),

  /**
   * The whole graph once, then patches as agents report. Served over SSE from the same /api/trpc route: one-way
   * is all the page needs, it passes the session cookie like any request, and reconnects on its own.
   */
  live: viewerProcedure.input(z.object({}).optional()).subscription(async function* ({ ctx, signal }) {
    const { bus } = requireRuntime(ctx);
    // Deltas that arrive while the client is still being written to are merged into one (the later row wins), so a
    // slow browser costs one pending delta, not a queue that grows with every report.
    const pending = new PendingDelta();
    const wakeup = new EventEmitter();
    const { graph, stop } = await topologyFeed(ctx.db, bus).subscribe((delta) => {
      if (pending.add(delta)) wakeup.emit("ready");
    });
    try {
      // events.on removes its listeners (on the emitter and on the signal) when the loop ends or the signal aborts,
      // as tRPC's own subscription examples do; a hand-made promise per wait left one abort listener behind each time.
      const ready = on(wakeup, "ready", { signal });
      yield { kind: "snapshot", graph, sentAt: Date.now() } satisfies TopologyMessage as TopologyMessage;
      if (!pending.empty) wakeup.emit("ready");
      for await (const _ of ready) {
        const delta = pending.take();
        if (delta) yield { kind: "delta", delta, sentAt: Date.now() } satisfies TopologyMessage as TopologyMessage;
      }
    } catch (err) {
      if (!signal?.aborted) throw err;
    } finally {
      stop();
    }
  }),

  dashboard: viewerProcedure.query(async ({ ctx }) => {
    const { bus } = requireRuntime(ctx);
    return getDashboard(ctx.db, Date.now(), await topologyFeed(ctx.db, bus).current());
  }),
});
