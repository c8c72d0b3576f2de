import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createApiToken, listApiTokens, newApiTokenSchema, revokeApiToken } from "../../services/api-tokens";
import { createTRPCRouter, viewerProcedure } from "../trpc";

/** Every user manages their own tokens from a signed-in session; a token cannot mint or revoke tokens. */
const sessionOnly = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.token)
    throw new TRPCError({ code: "FORBIDDEN", message: "API tokens are managed in the console, not with a token" });
  return next();
});

export const apiTokensRouter = createTRPCRouter({
  list: sessionOnly.query(({ ctx }) => listApiTokens(ctx.db, ctx.actor)),
  create: sessionOnly.input(newApiTokenSchema).mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, input)),
  revoke: sessionOnly
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, input.id)),
});
