import { createUser, listUsers, newUserSchema, updateUser, userUpdateSchema } from "../../services/auth";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  // Input is checked by the service with field messages; the shape here only bounds it.
  create: adminProcedure
    .input(newUserSchema.partial().passthrough())
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input as never)),
  update: adminProcedure.input(userUpdateSchema).mutation(({ ctx, input }) => updateUser(ctx.db, ctx.actor, input)),
});
