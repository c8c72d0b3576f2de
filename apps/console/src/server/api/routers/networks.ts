import { z } from "zod";
import {
  createNetwork,
  deleteNetwork,
  getNetwork,
  listNetworks,
  revealNetworkPsk,
  updateNetwork,
} from "../../services/networks";
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

/** Network fields are validated by the service (networkInputSchema) so errors name each field. */
const networkFields = z.record(z.string(), z.unknown());
const id = z.string().min(1).max(64);

export const networksRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => listNetworks(ctx.db)),
  get: viewerProcedure.input(z.object({ id })).query(({ ctx, input }) => getNetwork(ctx.db, input.id)),
  create: operatorProcedure
    .input(networkFields)
    .mutation(({ ctx, input }) => createNetwork(ctx.db, ctx.actor, input as never)),
  update: operatorProcedure
    .input(z.object({ id, network: networkFields }))
    .mutation(({ ctx, input }) => updateNetwork(ctx.db, ctx.actor, input.id, input.network as never)),
  delete: operatorProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => deleteNetwork(ctx.db, ctx.actor, input.id)),
  revealPsk: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => revealNetworkPsk(ctx.db, ctx.actor, input.id)),
});
