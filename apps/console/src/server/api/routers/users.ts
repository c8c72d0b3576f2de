import { z } from "zod";
import { deleteUser, resetUserPassword, unlockUser } from "../../services/accounts";
import { createUser, listUsers, newUserSchema, updateUser, userUpdateSchema } from "../../services/auth";
import { adminProcedure, createTRPCRouter } from "../trpc";

const userId = z.object({ id: z.string().min(1).max(64) });

/**
 * Account administration is tRPC only (the Users page), like the rest of user management: no REST route, so an
 * API token cannot mint passwords or delete accounts.
 */
export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(newUserSchema).mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  update: adminProcedure.input(userUpdateSchema).mutation(({ ctx, input }) => updateUser(ctx.db, ctx.actor, input)),
  /** The new password is in this response only; the page shows it once. */
  resetPassword: adminProcedure
    .input(userId)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.db, ctx.actor, input.id)),
  unlock: adminProcedure.input(userId).mutation(({ ctx, input }) => unlockUser(ctx.db, ctx.actor, input.id)),
  delete: adminProcedure.input(userId).mutation(({ ctx, input }) => deleteUser(ctx.db, ctx.actor, input.id)),
});
