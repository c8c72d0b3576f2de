import { z } from "zod";
import { renderedConfigQuerySchema, renderSiteById } from "../../services/rendered-config";
import { deleteSite, getSite, listSites, listSiteTags, saveSite, siteListQuerySchema } from "../../services/sites";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

const id = z.string().min(1).max(64);
/** Site fields are validated by the service (siteInputSchema + network rules) so errors name each field. */
const siteFields = z.record(z.string(), z.unknown());

export const sitesRouter = createTRPCRouter({
  list: viewerProcedure.input(siteListQuerySchema).query(({ ctx, input }) => listSites(ctx.db, input)),
  tags: viewerProcedure.query(({ ctx }) => listSiteTags(ctx.db)),
  get: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => getSite(ctx.db, input.id)),
  create: operatorProcedure
    .input(z.object({ networkId: id, site: siteFields }))
    .mutation(({ ctx, input }) =>
      saveSite(ctx.db, ctx.actor, { networkId: input.networkId, site: input.site as never }),
    ),
  update: operatorProcedure
    .input(z.object({ id, networkId: id, site: siteFields }))
    .mutation(({ ctx, input }) =>
      saveSite(ctx.db, ctx.actor, { id: input.id, networkId: input.networkId, site: input.site as never }),
    ),
  renderedConfig: viewerProcedure
    .input(renderedConfigQuerySchema)
    .query(({ ctx, input }) => renderSiteById(ctx.db, ctx.actor, input)),
  delete: operatorProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => deleteSite(ctx.db, ctx.actor, input.id)),
});
