import { z } from "zod";
import { createFirstAdmin, hasUsers, SESSION_COOKIE, signIn, signOut } from "../../services/auth";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const authRouter = createTRPCRouter({
  status: publicProcedure.query(async ({ ctx }) => ({ hasUsers: await hasUsers(ctx.db), user: ctx.user })),

  createFirstAdmin: publicProcedure
    .input(z.object({ email: z.string(), name: z.string(), password: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await createFirstAdmin(ctx.db, input);
      const session = await signIn(ctx.db, input.email, input.password, ctx.userAgent, ctx.clientIp);
      ctx.cookies.set(SESSION_COOKIE, session.token, { expires: session.expiresAt, secure: ctx.secure });
      return { ok: true };
    }),

  signIn: publicProcedure
    .input(z.object({ email: z.string().max(320), password: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      const session = await signIn(ctx.db, input.email, input.password, ctx.userAgent, ctx.clientIp);
      ctx.cookies.set(SESSION_COOKIE, session.token, { expires: session.expiresAt, secure: ctx.secure });
      return { ok: true };
    }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.cookies.get(SESSION_COOKIE));
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true };
  }),
});
