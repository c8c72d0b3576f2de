import { networkInputSchema } from "@dmvpn/inventory";
import { z } from "zod";
import {
  createNetwork,
  deleteNetwork,
  getNetwork,
  listNetworks,
  revealNetworkPsk,
  updateNetwork,
} from "../../services/networks";
import { idNameOutput, idOutput, networkOutput, networkSummaryOutput, pskOutput } from "../rest-schemas";
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

const tags = ["networks"];
const id = z.string().min(1).max(64);

export const networksRouter = createTRPCRouter({
  list: viewerProcedure
    .meta({ openapi: { method: "GET", path: "/networks", tags, summary: "List networks" } })
    .input(z.void())
    .output(z.array(networkSummaryOutput))
    .query(({ ctx }) => listNetworks(ctx.db)),
  get: viewerProcedure
    .meta({ openapi: { method: "GET", path: "/networks/{id}", tags, summary: "A network (without its keys)" } })
    .input(z.object({ id }))
    .output(networkOutput)
    .query(({ ctx, input }) => getNetwork(ctx.db, input.id)),
  create: operatorProcedure
    .meta({ openapi: { method: "POST", path: "/networks", tags, summary: "Create a network" } })
    .input(networkInputSchema)
    .output(idNameOutput)
    .mutation(({ ctx, input }) => createNetwork(ctx.db, ctx.actor, input)),
  update: operatorProcedure
    .meta({
      openapi: { method: "PUT", path: "/networks/{id}", tags, summary: "Replace a network's settings" },
      fieldsUnder: "network",
    })
    .input(z.object({ id, network: networkInputSchema }))
    .output(idNameOutput)
    .mutation(({ ctx, input }) => updateNetwork(ctx.db, ctx.actor, input.id, input.network)),
  delete: operatorProcedure
    .meta({ openapi: { method: "DELETE", path: "/networks/{id}", tags, summary: "Delete a network and its sites" } })
    .input(z.object({ id }))
    .output(idOutput)
    .mutation(({ ctx, input }) => deleteNetwork(ctx.db, ctx.actor, input.id)),
  revealPsk: adminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/networks/{id}/reveal-psk",
        tags,
        summary: "Read the pre-shared key and the NHRP key (admin, audited)",
      },
    })
    .input(z.object({ id }))
    .output(pskOutput)
    .mutation(({ ctx, input }) => revealNetworkPsk(ctx.db, ctx.actor, input.id)),
});
