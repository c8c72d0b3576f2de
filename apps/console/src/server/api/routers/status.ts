import { z } from "zod";
import { getSiteStatusView } from "../../services/site-status";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const statusRouter = createTRPCRouter({
  site: viewerProcedure
    .input(z.object({ siteId: z.string().min(1).max(64), events: z.number().int().min(1).max(1000).default(100) }))
    .query(({ ctx, input }) => getSiteStatusView(ctx.db, input.siteId, input.events)),
});
