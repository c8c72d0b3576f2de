import { siteInputSchema } from "@dmvpn/inventory";
import { z } from "zod";
import { heldLatestStatus } from "../../runtime";
import { renderedConfigQuerySchema, renderSiteById } from "../../services/rendered-config";
import { bulkTagInputSchema, bulkTagSites, exportSitesCsv, siteSelectionSchema } from "../../services/site-bulk";
import { listSiteStates, siteStateOutput, siteStatesInputSchema } from "../../services/site-states";
import { deleteSite, getSite, listSites, listSiteTags, saveSite, siteListQuerySchema } from "../../services/sites";
import { idOutput, renderedConfigOutput, siteListOutput, siteOutput, siteSavedOutput } from "../rest-schemas";
import { createTRPCRouter, operatorProcedure, requireSecretAccess, viewerProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const tags = ["sites"];

export const sitesRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({ openapi: { method: "GET", path: "/sites", tags, summary: "Search, filter and page sites" } })
    .input(siteListQuerySchema)
    .output(siteListOutput)
    .query(({ ctx, input }) => listSites(ctx.db, input)),
  tags: viewerProcedure.query(({ ctx }) => listSiteTags(ctx.db)),
  /** The list's state column for a page of sites: agent online/offline or config-managed, hubs, revision, drift. */
  states: viewerProcedure
    .input(siteStatesInputSchema)
    .output(z.array(siteStateOutput))
    .query(({ ctx, input }) => listSiteStates(ctx.db, input.siteIds, heldLatestStatus)),
  /** Add/remove tags on selected sites, or on every site matching the list's filters. */
  bulkTag: operatorProcedure
    .input(bulkTagInputSchema)
    .output(z.object({ selected: z.number().int(), changed: z.number().int() }))
    .mutation(({ ctx, input }) => bulkTagSites(ctx.db, ctx.actor, input)),
  exportCsv: viewerProcedure
    .input(z.object({ selection: siteSelectionSchema }))
    .output(z.object({ filename: z.string(), rows: z.number().int(), csv: z.string() }))
    .query(({ ctx, input }) => exportSitesCsv(ctx.db, input.selection, heldLatestStatus)),
  get: viewerProcedure
    .meta({ openapi: { method: "GET", path: "/sites/{id}", tags, summary: "A site" } })
    .input(z.object({ id }))
    .output(siteOutput)
    .query(({ ctx, input }) => getSite(ctx.db, input.id)),
  create: operatorProcedure
    .meta({
      openapi: { method: "POST", path: "/sites", tags, summary: "Create a site (addresses allocated when left out)" },
      fieldsUnder: "site",
    })
    .input(z.object({ networkId: id, site: siteInputSchema }))
    .output(siteSavedOutput)
    .mutation(({ ctx, input }) => saveSite(ctx.db, ctx.actor, { networkId: input.networkId, site: input.site })),
  update: operatorProcedure
    .meta({ openapi: { method: "PUT", path: "/sites/{id}", tags, summary: "Replace a site" }, fieldsUnder: "site" })
    .input(z.object({ id, networkId: id, site: siteInputSchema }))
    .output(siteSavedOutput)
    .mutation(({ ctx, input }) =>
      saveSite(ctx.db, ctx.actor, { id: input.id, networkId: input.networkId, site: input.site }),
    ),
  renderedConfig: viewerProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites/{id}/config",
        tags,
        summary: "Rendered config; the key only for admins with includeSecrets=true (audited)",
      },
    })
    .input(renderedConfigQuerySchema)
    .output(renderedConfigOutput)
    .query(({ ctx, input }) => {
      if (input.includeSecrets) requireSecretAccess(ctx);
      return renderSiteById(ctx.db, ctx.actor, input);
    }),
  delete: operatorProcedure
    .meta({ openapi: { method: "DELETE", path: "/sites/{id}", tags, summary: "Delete a site" } })
    .input(z.object({ id }))
    .output(idOutput)
    .mutation(({ ctx, input }) => deleteSite(ctx.db, ctx.actor, input.id)),
});
