import { STATUS_LIST_MAX } from "@dmvpn/protocol";
import { z } from "zod";
import { heldLatestStatus as latest } from "../../runtime";
import { getSiteStatusView } from "../../services/site-status";
import { getStatusRows, STATUS_ROW_KINDS } from "../../services/status-rows";
import { siteStatusOutput, statusRowsOutput } from "../rest-schemas";
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
    .input(
      z.object({
        siteId: z.string().min(1).max(64),
        events: z.number().int().min(1).max(1000).default(100),
        /** at most this many rows per list (a hub's lists are read page by page with /status/rows) */
        listLimit: z.number().int().min(0).max(STATUS_LIST_MAX).optional(),
      }),
    )
    .output(siteStatusOutput)
    .query(({ ctx, input }) =>
      getSiteStatusView(ctx.db, input.siteId, { eventLimit: input.events, listLimit: input.listLimit, latest }),
    ),
  rows: viewerProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites/{siteId}/status/rows",
        tags: ["status"],
        summary: "One page of one list of a site's latest status (NHRP cache, SAs, BGP…), sorted, filterable",
      },
    })
    .input(
      z.object({
        siteId: z.string().min(1).max(64),
        kind: z.enum(STATUS_ROW_KINDS),
        cursor: z.string().max(1000).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        filter: z.string().max(200).optional(),
      }),
    )
    .output(statusRowsOutput)
    .query(
      ({ ctx, input }) =>
        getStatusRows(ctx.db, input.siteId, input, latest) as Promise<z.infer<typeof statusRowsOutput>>,
    ),
});
