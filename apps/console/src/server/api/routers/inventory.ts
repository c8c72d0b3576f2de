import { z } from "zod";
import { applyImport, exportInventory, importInputSchema, previewImport } from "../../services/inventory-import";
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

export const inventoryRouter = createTRPCRouter({
  previewImport: operatorProcedure.input(importInputSchema).mutation(({ ctx, input }) => previewImport(ctx.db, input)),
  applyImport: operatorProcedure
    .input(importInputSchema)
    .mutation(({ ctx, input }) => applyImport(ctx.db, ctx.actor, input)),
  export: viewerProcedure
    .input(z.object({ networkId: z.string().optional() }))
    .query(({ ctx, input }) =>
      exportInventory(ctx.db, ctx.actor, { includeSecrets: false, networkId: input.networkId }),
    ),
  exportWithSecrets: adminProcedure
    .input(z.object({ networkId: z.string().optional() }))
    .mutation(({ ctx, input }) =>
      exportInventory(ctx.db, ctx.actor, { includeSecrets: true, networkId: input.networkId }),
    ),
});
