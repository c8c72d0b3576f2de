import { z } from "zod";
import { exportAuditEvents, listAuditEvents } from "../../services/audit";
import { auditListOutput } from "../rest-schemas";
import { createTRPCRouter, viewerProcedure } from "../trpc";

const filters = z.object({
  entityType: z.string().max(40).optional(),
  action: z.string().max(60).optional(),
  actor: z.string().max(320).optional(),
  networkId: z.string().max(64).optional(),
});

export const auditRouter = createTRPCRouter({
  /** The filtered log as one CSV or JSON document (downloaded through /api/audit/export). */
  export: viewerProcedure
    .input(filters.extend({ format: z.enum(["csv", "json"]).default("csv") }))
    .query(({ ctx, input }) => {
      const { format, ...q } = input;
      return exportAuditEvents(ctx.db, ctx.actor, q, format);
    }),
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
    .query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.actor, input)),
});
