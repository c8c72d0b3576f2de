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
import { applyRenumbering, planRenumbering } from "../../services/renumbering";
import {
  idNameOutput,
  idOutput,
  networkOutput,
  networkSummaryOutput,
  pskOutput,
  renumberingOutput,
  renumberingPlanOutput,
} from "../rest-schemas";
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

const tags = ["networks"];
const id = z.string().min(1).max(64);
/** Checked as a tunnel prefix by the service, so its problems come back on the field like a network edit's. */
const newTunnelPrefix = z.string().max(64).describe("the new tunnel prefix, e.g. 10.99.0.0/24");

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
  renumberingPlan: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/networks/{id}/renumbering-plan",
        tags,
        summary: "Plan moving every site to a new tunnel prefix (old → new per site; nothing is changed)",
      },
    })
    .input(z.object({ id, tunnelPrefix: newTunnelPrefix }))
    .output(renumberingPlanOutput)
    .mutation(({ ctx, input }) => planRenumbering(ctx.db, input.id, input.tunnelPrefix)),
  renumber: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/networks/{id}/renumber",
        tags,
        summary: "Apply a renumbering plan in one transaction; refused when the plan is stale",
      },
    })
    .input(
      z.object({
        id,
        tunnelPrefix: newTunnelPrefix,
        planHash: z
          .string()
          .regex(/^[0-9a-f]{64}$/, "must be the planHash of a plan from renumbering-plan")
          .describe("planHash of the plan shown to the operator"),
      }),
    )
    .output(renumberingOutput)
    .mutation(({ ctx, input }) => applyRenumbering(ctx.db, ctx.actor, input.id, input)),
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
