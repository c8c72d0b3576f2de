import { consoleMessage } from "@dmvpn/protocol";
import { z } from "zod";
import type { AgentGateway } from "../../gateway/gateway";
import {
  createDeployment,
  deploymentOptionsSchema,
  deploymentTargetSchema,
  getDeployment,
  listDeployments,
  listRevisions,
  previewDeployment,
  type RunningConfigReader,
  revisionDiff,
  rollbackToRevision,
} from "../../services/deployments";
import { markAppliedSchema, markRevisionApplied } from "../../services/mark-applied";
import { deploymentListOutput, deploymentOutput, idOutput, markAppliedOutput } from "../rest-schemas";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

const id = z.string().min(1).max(64);
const tags = ["deployments"];

/** Asks a connected agent for its running config (whitelisted show command), 5 s at most. */
const runningConfigReader =
  (gateway: AgentGateway | undefined): RunningConfigReader =>
  async (siteId) => {
    if (!gateway?.isConnected(siteId)) return null;
    const reply = await gateway.request(siteId, consoleMessage("show", { commandId: "running-config" }), 5000);
    return reply.type === "show-result" && reply.payload.ok ? reply.payload.output : null;
  };

export const deploymentsRouter = createTRPCRouter({
  /** Operators only: previews are rendered with the real configs (the key is masked in the diffs). */
  preview: operatorProcedure
    .input(deploymentTargetSchema)
    .query(({ ctx, input }) => previewDeployment(ctx.db, input, runningConfigReader(ctx.runtime?.gateway))),
  create: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/deployments",
        tags,
        summary: "Deploy one site, selected sites ({ siteIds }) or a whole network ({ networkId })",
      },
    })
    .input(z.object({ target: deploymentTargetSchema, options: deploymentOptionsSchema.partial().default({}) }))
    .output(idOutput)
    .mutation(async ({ ctx, input }) => {
      const d = await createDeployment(ctx.db, ctx.actor, input.target, input.options);
      ctx.runtime?.deployments?.kick();
      return d;
    }),
  rollback: operatorProcedure.input(z.object({ revisionId: id })).mutation(async ({ ctx, input }) => {
    const d = await rollbackToRevision(ctx.db, ctx.actor, input.revisionId);
    ctx.runtime?.deployments?.kick();
    return d;
  }),
  /** Agentless sites: the operator applied the pending revision by hand (optionally with the running config). */
  markApplied: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/sites/{siteId}/mark-applied",
        tags,
        summary:
          "Agentless site: mark its pending revision (default the newest) applied, optionally with the router's running config for drift",
      },
    })
    .input(markAppliedSchema)
    .output(markAppliedOutput)
    .mutation(async ({ ctx, input }) => {
      const r = await markRevisionApplied(ctx.db, ctx.actor, input);
      // After the commit, so live pages and webhooks never hear of a change that was rolled back.
      const bus = ctx.runtime?.bus;
      const at = new Date().toISOString();
      bus?.publish({
        type: "deployment.progress",
        deploymentId: r.deploymentId,
        siteId: input.siteId,
        itemStatus: "marked-applied",
        at,
      });
      for (const deploymentId of r.deploymentsSucceeded) {
        bus?.publish({ type: "deployment.finished", deploymentId, status: "succeeded", summary: null, at });
      }
      return r;
    }),
  list: viewerProcedure
    .meta({ openapi: { method: "GET", path: "/deployments", tags, summary: "Recent deployments, newest first" } })
    .input(z.object({ networkId: id.optional(), siteId: id.optional() }).default({}))
    .output(deploymentListOutput)
    .query(({ ctx, input }) => listDeployments(ctx.db, ctx.actor, input)),
  get: viewerProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/deployments/{id}",
        tags,
        summary: "A deployment with each site's progress (poll until status is awaiting-apply, succeeded or failed)",
      },
    })
    .input(z.object({ id }))
    .output(deploymentOutput)
    .query(({ ctx, input }) => getDeployment(ctx.db, ctx.actor, input.id)),
  revisions: viewerProcedure
    .input(z.object({ siteId: id }))
    .query(({ ctx, input }) => listRevisions(ctx.db, ctx.actor, input.siteId)),
  revisionDiff: viewerProcedure
    .input(z.object({ revisionId: id }))
    .query(({ ctx, input }) => revisionDiff(ctx.db, input.revisionId)),
});
