import { z } from "zod";
import { getSiteStatusView } from "../../services/site-status";
import { siteStatusOutput } from "../rest-schemas";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const statusRouter = createTRPCRouter({
  site: viewerProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites/{siteId}/status",
        tags: ["status"],
        summary: "A site's agent, latest reported status and recent events",
      },
    })
    .input(z.object({ siteId: z.string().min(1).max(64), events: z.number().int().min(1).max(1000).default(100) }))
    .output(siteStatusOutput)
    .query(({ ctx, input }) => getSiteStatusView(ctx.db, input.siteId, input.events)),
});
