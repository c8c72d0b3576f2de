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
} from "../../services/webhooks";
import { adminProcedure, createTRPCRouter } from "../trpc";

const id = z.string().min(1).max(64);
/** Fields are validated by the service (webhookInputSchema) so errors name each field. */
const webhookFields = z.record(z.string(), z.unknown());

export const webhooksRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listWebhooks(ctx.db)),
  create: adminProcedure
    .input(webhookFields)
    .mutation(({ ctx, input }) => createWebhook(ctx.db, ctx.actor, input as never)),
  update: adminProcedure
    .input(z.object({ id, webhook: webhookFields }))
    .mutation(({ ctx, input }) => updateWebhook(ctx.db, ctx.actor, input.id, input.webhook as never)),
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
