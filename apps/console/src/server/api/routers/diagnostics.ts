import { SHOW_COMMAND_IDS, ShowCommandId } from "@dmvpn/protocol";
import { z } from "zod";
import { pingInputSchema, runPing, runShow, showInputSchema } from "../../services/diagnostics";
import { createTRPCRouter, operatorProcedure } from "../trpc";

const tags = ["diagnostics"];

/** Running anything on a router is an operator's action and is audited, even a read-only show command. */
export const diagnosticsRouter = createTRPCRouter({
  ping: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/sites/{siteId}/diagnostics/ping",
        tags,
        summary: "Ping from the router (optionally from one of its addresses, e.g. its LAN address)",
      },
    })
    .input(pingInputSchema)
    .output(
      z.object({
        target: z.string(),
        source: z.string().nullable(),
        sent: z.number(),
        received: z.number(),
        lossPercent: z.number(),
        rttAvgMs: z.number().nullable(),
        output: z.string(),
      }),
    )
    .mutation(({ ctx, input }) => runPing(ctx.db, ctx.runtime?.gateway, ctx.actor, input)),
  show: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/sites/{siteId}/diagnostics/show",
        tags,
        summary: `Run a whitelisted show command on the router: ${SHOW_COMMAND_IDS.join(", ")}`,
      },
    })
    .input(showInputSchema)
    .output(z.object({ commandId: ShowCommandId, ok: z.boolean(), output: z.string() }))
    .mutation(({ ctx, input }) => runShow(ctx.db, ctx.runtime?.gateway, ctx.actor, input)),
});
