import { z } from "zod";
import { getRuntime } from "../../runtime";
import {
  ensureDemoRunning,
  findDemoNetwork,
  loadDemoNetwork,
  removeDemoNetwork,
  sendDemoTraffic,
} from "../../services/demo";
import { topologyFeed } from "../../services/topology-live";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

const id = z.string().min(1).max(64);

export const demoRouter = createTRPCRouter({
  status: viewerProcedure.query(async ({ ctx }) => {
    await ensureDemoRunning(ctx.db, getRuntime().bus);
    return { network: await findDemoNetwork(ctx.db) };
  }),
  load: operatorProcedure.mutation(async ({ ctx }) => {
    const { bus } = getRuntime();
    const network = await loadDemoNetwork(ctx.db, bus, ctx.actor);
    await topologyFeed(ctx.db, bus).refresh();
    return network;
  }),
  remove: operatorProcedure.mutation(async ({ ctx }) => {
    const result = await removeDemoNetwork(ctx.db, ctx.actor);
    await topologyFeed(ctx.db, getRuntime().bus).refresh();
    return result;
  }),
  sendTraffic: operatorProcedure
    .input(z.object({ fromSiteId: id, toSiteId: id }))
    .mutation(({ ctx, input }) => sendDemoTraffic(ctx.db, getRuntime().bus, input.fromSiteId, input.toSiteId)),
});
