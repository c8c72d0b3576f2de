import { z } from "zod";
import {
  findDemoNetwork,
  loadDemoNetwork,
  removeDemoNetwork,
  sendDemoTraffic,
  simulateDemoDrift,
} from "../../services/demo";
import { topologyFeed } from "../../services/topology-live";
import { createTRPCRouter, operatorProcedure, requireRuntime, viewerProcedure } from "../trpc";

const id = z.string().min(1).max(64);

export const demoRouter = createTRPCRouter({
  status: viewerProcedure.query(async ({ ctx }) => ({ network: await findDemoNetwork(ctx.db) })),
  load: operatorProcedure.mutation(async ({ ctx }) => {
    const { bus, agentUrl } = requireRuntime(ctx);
    if (!agentUrl) throw new Error("the console's agent endpoint is not running: start the console with server.ts");
    const network = await loadDemoNetwork(ctx.db, ctx.actor, { websocketUrl: agentUrl });
    await topologyFeed(ctx.db, bus).refresh();
    return network;
  }),
  remove: operatorProcedure.mutation(async ({ ctx }) => {
    const result = await removeDemoNetwork(ctx.db, ctx.actor);
    await topologyFeed(ctx.db, requireRuntime(ctx).bus).refresh();
    return result;
  }),
  sendTraffic: operatorProcedure
    .input(z.object({ fromSiteId: id, toSiteId: id }))
    .mutation(({ input }) => sendDemoTraffic(input.fromSiteId, input.toSiteId)),
  /** Changes a demo router's running config by hand (its LAN renumbered), so the next preview shows drift. */
  simulateDrift: operatorProcedure
    .input(z.object({ siteId: id }))
    .mutation(({ input }) => simulateDemoDrift(input.siteId)),
});
