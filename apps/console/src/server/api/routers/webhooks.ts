import { z } from "zod";
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  pingWebhook,
  redeliver,
  revealWebhookSecret,
  updateWebhook,
  webhookInputSchema,
} from "../../services/webhooks";
import { adminProcedure, createTRPCRouter } from "../trpc";

const id = z.string().min(1).max(64);

export const webhooksRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listWebhooks(ctx.db)),
  create: adminProcedure
    .input(webhookInputSchema)
    .mutation(({ ctx, input }) => createWebhook(ctx.db, ctx.actor, input)),
  update: adminProcedure
    .meta({ fieldsUnder: "webhook" })
    .input(z.object({ id, webhook: webhookInputSchema }))
    .mutation(({ ctx, input }) => updateWebhook(ctx.db, ctx.actor, input.id, input.webhook)),
  delete: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => deleteWebhook(ctx.db, ctx.actor, input.id)),
  revealSecret: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => revealWebhookSecret(ctx.db, ctx.actor, input.id)),
  ping: adminProcedure.input(z.object({ id })).mutation(({ ctx, input }) => pingWebhook(ctx.db, ctx.actor, input.id)),
  deliveries: adminProcedure
    .input(
      z.object({
        webhookId: id.optional(),
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listDeliveries(ctx.db, input)),
  redeliver: adminProcedure
    .input(z.object({ deliveryId: id }))
    .mutation(({ ctx, input }) => redeliver(ctx.db, ctx.actor, input.deliveryId)),
});
