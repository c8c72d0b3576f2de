import { z } from "zod";
import { applyImport, exportInventory, importInputSchema, previewImport } from "../../services/inventory-import";
import { importAppliedOutput, importPreviewOutput } from "../rest-schemas";
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

// A record id: PostgreSQL refuses a NUL in text (an internal error instead of "no such network").
const networkIdFilter = z
  .string()
  .max(64)
  .refine((id) => !id.includes("\0"), "must not contain NUL characters")
  .optional();

const tags = ["inventory"];
/** the inventory as YAML (the same document `dmvpn` and the import read) */
const yamlOutput = z.string();

export const inventoryRouter = createTRPCRouter({
  previewImport: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/inventory/preview",
        tags,
        summary: "Check an import (YAML or CSV); writes nothing",
      },
    })
    .input(importInputSchema)
    .output(importPreviewOutput)
    .mutation(({ ctx, input }) => previewImport(ctx.db, input)),
  applyImport: operatorProcedure
    .meta({
      openapi: { method: "POST", path: "/inventory/import", tags, summary: "Apply an import: all of it or nothing" },
    })
    .input(importInputSchema)
    .output(importAppliedOutput)
    .mutation(({ ctx, input }) => applyImport(ctx.db, ctx.actor, input)),
  export: viewerProcedure
    .meta({
      openapi: { method: "GET", path: "/inventory/export", tags, summary: "The inventory as YAML, keys left out" },
    })
    .output(yamlOutput)
    .input(z.object({ networkId: networkIdFilter }))
    .query(({ ctx, input }) =>
      exportInventory(ctx.db, ctx.actor, { includeSecrets: false, networkId: input.networkId }),
    ),
  exportWithSecrets: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/inventory/export-with-secrets",
        tags,
        summary: "The inventory as YAML with the pre-shared keys (admin, audited)",
      },
    })
    .output(yamlOutput)
    .input(z.object({ networkId: networkIdFilter }))
    .mutation(({ ctx, input }) =>
      exportInventory(ctx.db, ctx.actor, { includeSecrets: true, networkId: input.networkId }),
    ),
});
