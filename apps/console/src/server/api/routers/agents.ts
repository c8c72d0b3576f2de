import { z } from "zod";
import { notFound } from "../../errors";
import { agentMode, agentPlatformOf, installCommand } from "../../services/agent-install";
import { getSiteAgent, listAgentStates, revokeAgentCredential } from "../../services/agents";
import { createEnrollmentToken, revokeEnrollmentTokens } from "../../services/enrollment";
import { siteAgentOutput } from "../rest-schemas";
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc";

const siteId = z.string().min(1).max(64);

export const agentsRouter = createTRPCRouter({
  forSite: viewerProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites/{siteId}/agent",
        tags: ["agents"],
        summary: "The site's agent: online/offline, last seen, version; or null when none is enrolled",
      },
    })
    .input(z.object({ siteId }))
    .output(siteAgentOutput)
    .query(({ ctx, input }) => getSiteAgent(ctx.db, input.siteId)),
  states: viewerProcedure
    .input(z.object({ siteIds: z.array(siteId).max(5000).optional() }))
    .query(({ ctx, input }) => listAgentStates(ctx.db, input.siteIds)),
  /** A one-time token and the install command to paste on the router (shown once). */
  createEnrollment: operatorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/sites/{siteId}/enrollment",
        tags: ["agents"],
        summary:
          "A one-time enrollment token and the install command for the router (origin: the console URL the router reaches)",
      },
    })
    .input(z.object({ siteId, origin: z.url({ protocol: /^https?$/ }) }))
    .output(
      z.object({
        token: z.string(),
        expiresAt: z.date(),
        command: z.string(),
        /** on-router: paste on the router; proxy: on a Linux host that reaches the router over SSH (Cisco IOS) */
        mode: z.enum(["on-router", "proxy"]),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const site = await ctx.db.site.findUnique({ where: { id: input.siteId }, select: { platform: true } });
      if (!site) throw notFound("site");
      const { token, expiresAt } = await createEnrollmentToken(ctx.db, ctx.actor, input.siteId);
      const base = (process.env.PUBLIC_URL ?? input.origin).replace(/\/+$/, "");
      return {
        token,
        expiresAt,
        command: installCommand(base, agentPlatformOf(site.platform), token),
        mode: agentMode(site.platform),
      };
    }),
  revokeEnrollment: operatorProcedure
    .input(z.object({ siteId }))
    .mutation(({ ctx, input }) => revokeEnrollmentTokens(ctx.db, ctx.actor, input.siteId)),
  revokeCredential: adminProcedure.input(z.object({ siteId })).mutation(async ({ ctx, input }) => {
    await revokeAgentCredential(ctx.db, ctx.actor, input.siteId);
    ctx.runtime?.gateway?.disconnect(input.siteId, "credential revoked");
    return { ok: true };
  }),
});
