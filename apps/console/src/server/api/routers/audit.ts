import { z } from "zod";
import { listAuditEvents } from "../../services/audit";
import { auditListOutput } from "../rest-schemas";
import { createTRPCRouter, viewerProcedure } from "../trpc";

export const auditRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({
      openapi: { method: "GET", path: "/audit", tags: ["audit"], summary: "The audit log, newest first, filtered" },
    })
    .output(auditListOutput)
    .input(
      z.object({
        entityType: z.string().max(40).optional(),
        action: z.string().max(60).optional(),
        actor: z.string().max(320).optional(),
        networkId: z.string().max(64).optional(),
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
});
