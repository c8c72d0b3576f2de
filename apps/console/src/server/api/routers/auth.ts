import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { changeOwnPassword } from "../../services/accounts";
import { createFirstAdmin, hasUsers, SESSION_COOKIE, signIn, signOut } from "../../services/auth";
import { createTRPCRouter, publicProcedure, viewerProcedure } from "../trpc";

/** A token must not change the password of the account it belongs to: that would turn a leaked token into the account. */
const sessionOnly = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.token)
    throw new TRPCError({ code: "FORBIDDEN", message: "change your password in the console, not with a token" });
  return next();
});

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

  /** Any signed-in user, from a session (not a token); the user's other sessions end. */
  changePassword: sessionOnly
    .input(z.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) }))
    .mutation(({ ctx, input }) => changeOwnPassword(ctx.db, ctx.actor, ctx.cookies.get(SESSION_COOKIE), input)),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.db, ctx.cookies.get(SESSION_COOKIE));
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true };
  }),
});
