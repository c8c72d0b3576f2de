import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@dmvpn/db";
import { z } from "zod";
import type { ConsoleEvent, EventBus } from "../bus";
import { invalidInput, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { openSecret, sealSecret } from "./secrets";
import { deliveryErrorOf, postToReceiver, shownDeliveryError } from "./webhook-post";
import { checkedAddresses, RefusedTarget, type Resolve, targetPolicyFromEnv, targetProblem } from "./webhook-target";

/** What a webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  "site.offline",
  "site.online",
  "site.registration-lost",
  "site.sa-down",
  "deployment.failed",
  "deployment.rolled-back",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Retries: attempt n (1-based) waits base × 4^(n-1) (10 s, 40 s, 160 s, ~11 min, ~43 min), then gives up. */
export const MAX_ATTEMPTS = 6;
const DEFAULT_BASE_DELAY_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** how long a claimed delivery is left to its worker: longer than an attempt can take */
const CLAIM_MS = 3 * REQUEST_TIMEOUT_MS;

export const webhookInputSchema = z.object({
  name: z.string().trim().min(1, "is required").max(80, "must be at most 80 characters"),
  url: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .max(2000, "must be at most 2000 characters"),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(", ")}` }))
    .min(1, "pick at least one event")
    .max(WEBHOOK_EVENTS.length),
  enabled: z.boolean().default(true),
});
export type WebhookInput = z.input<typeof webhookInputSchema>;

/** Validates the fields, then resolves the URL's host and refuses private, loopback and link-local targets (L2). */
async function parseInput(input: unknown) {
  const parsed = webhookInputSchema.safeParse(input);
  if (!parsed.success)
    throw invalidInput(parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  const policy = targetPolicyFromEnv();
  try {
    await checkedAddresses(new URL(parsed.data.url), policy);
  } catch (err) {
    if (!(err instanceof RefusedTarget)) throw err;
    throw invalidInput([{ path: ["url"], message: targetProblem(err, policy) }]);
  }
  return { ...parsed.data, events: [...new Set(parsed.data.events)] };
}

type WebhookRow = { id: string; name: string; url: string; events: string; enabled: boolean; createdAt: Date };
const toView = (w: WebhookRow) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: JSON.parse(w.events) as WebhookEvent[],
  enabled: w.enabled,
  createdAt: w.createdAt,
});

export async function listWebhooks(db: Db) {
  const rows = await db.webhook.findMany({ orderBy: { name: "asc" } });
  return rows.map(toView);
}

/** The signing secret is returned here once; admins can reveal it again later (audited). */
export async function createWebhook(db: Db, actor: Actor, input: WebhookInput) {
  const data = await parseInput(input);
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const row = await db.webhook.create({
    data: { ...data, events: JSON.stringify(data.events), secret: sealSecret(secret), createdBy: actor.name },
  });
  await recordAudit(db, actor, {
    action: "webhook.create",
    entityType: "webhook",
    entityId: row.id,
    entityName: row.name,
    after: data,
  });
  return { ...toView(row), secret };
}

export async function updateWebhook(db: Db, actor: Actor, id: string, input: WebhookInput) {
  const data = await parseInput(input);
  const before = await db.webhook.findUnique({ where: { id } });
  if (!before) throw notFound("webhook");
  const row = await db.webhook.update({ where: { id }, data: { ...data, events: JSON.stringify(data.events) } });
  await recordAudit(db, actor, {
    action: "webhook.update",
    entityType: "webhook",
    entityId: id,
    entityName: row.name,
    before: toView(before),
    after: data,
  });
  return toView(row);
}

export async function deleteWebhook(db: Db, actor: Actor, id: string) {
  const row = await db.webhook.findUnique({ where: { id } });
  if (!row) throw notFound("webhook");
  await db.webhook.delete({ where: { id } });
  await recordAudit(db, actor, {
    action: "webhook.delete",
    entityType: "webhook",
    entityId: id,
    entityName: row.name,
    before: toView(row),
  });
  return { id };
}

export async function revealWebhookSecret(db: Db, actor: Actor, id: string) {
  const row = await db.webhook.findUnique({ where: { id } });
  if (!row) throw notFound("webhook");
  await recordAudit(db, actor, {
    action: "webhook.reveal-secret",
    entityType: "webhook",
    entityId: id,
    entityName: row.name,
  });
  return { secret: openSecret(row.secret) };
}

export async function listDeliveries(db: Db, q: { webhookId?: string; page: number; pageSize: number }) {
  const where = q.webhookId ? { webhookId: q.webhookId } : {};
  const [rows, total] = await Promise.all([
    db.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      include: { webhook: { select: { name: true } } },
    }),
    db.webhookDelivery.count({ where }),
  ]);
  return {
    total,
    rows: rows.map(({ webhook, ...r }) => ({
      ...r,
      lastError: shownDeliveryError(r.lastError),
      webhookName: webhook.name,
    })),
  };
}

/** Queues a delivery again now (a failed one, or to re-send a delivered one). */
export async function redeliver(db: Db, actor: Actor, deliveryId: string) {
  const row = await db.webhookDelivery.findUnique({ where: { id: deliveryId } });
  if (!row) throw notFound("delivery");
  const copy = await db.webhookDelivery.create({
    data: { webhookId: row.webhookId, event: row.event, payload: row.payload },
  });
  await recordAudit(db, actor, {
    action: "webhook.redeliver",
    entityType: "webhook",
    entityId: row.webhookId,
    after: { deliveryId: copy.id, event: row.event },
  });
  return { id: copy.id };
}

/** The webhook event a console event means, with the data receivers get; null when no webhook cares. */
export function webhookEventOf(event: ConsoleEvent): { event: WebhookEvent; data: Record<string, unknown> } | null {
  switch (event.type) {
    case "agent.offline":
    case "agent.online":
      return {
        event: event.type === "agent.offline" ? "site.offline" : "site.online",
        data: { siteId: event.siteId, networkId: event.networkId, at: event.at },
      };
    case "site.event": {
      const kind = event.event.kind;
      const base = { siteId: event.siteId, networkId: event.networkId, at: event.at, detail: event.event };
      if (kind === "registration-lost") return { event: "site.registration-lost", data: base };
      if (kind === "sa-down") return { event: "site.sa-down", data: base };
      if (kind === "rollback") return { event: "deployment.rolled-back", data: base };
      return null;
    }
    case "deployment.progress":
      return event.itemStatus === "rolled-back"
        ? {
            event: "deployment.rolled-back",
            data: { deploymentId: event.deploymentId, siteId: event.siteId, at: event.at, error: event.error ?? null },
          }
        : null;
    case "deployment.finished":
      return event.status === "failed"
        ? {
            event: "deployment.failed",
            data: { deploymentId: event.deploymentId, at: event.at, summary: event.summary ?? null },
          }
        : null;
    default:
      return null;
  }
}

/**
 * True when the event belongs to the demo network (simulated routers): its outages, rollbacks and failed
 * deployments are make-believe and must never page anyone. A deployment counts as demo when all its sites are.
 */
export async function isDemoEvent(db: Db, event: ConsoleEvent): Promise<boolean> {
  switch (event.type) {
    case "agent.online":
    case "agent.offline":
    case "site.status":
    case "site.event": {
      const network = await db.network.findUnique({ where: { id: event.networkId }, select: { isDemo: true } });
      return network?.isDemo === true;
    }
    case "deployment.progress": {
      const site = await db.site.findUnique({
        where: { id: event.siteId },
        select: { network: { select: { isDemo: true } } },
      });
      return site?.network.isDemo === true;
    }
    case "deployment.finished": {
      const items = await db.deploymentItem.findMany({
        where: { deploymentId: event.deploymentId },
        select: { site: { select: { network: { select: { isDemo: true } } } } },
      });
      return items.length > 0 && items.every((i) => i.site.network.isDemo);
    }
    default:
      return false;
  }
}

/** Queues one delivery per enabled webhook subscribed to the event. Returns how many were queued. */
export async function enqueueWebhookEvent(db: Db, event: string, data: Record<string, unknown>): Promise<number> {
  const hooks = await db.webhook.findMany({ where: { enabled: true } });
  const targets = hooks.filter((h) => (JSON.parse(h.events) as string[]).includes(event));
  const payload = JSON.stringify({ id: randomUUID(), event, createdAt: new Date().toISOString(), data });
  for (const h of targets) await db.webhookDelivery.create({ data: { webhookId: h.id, event, payload } });
  return targets.length;
}

/**
 * The signature receivers check: HMAC-SHA256 over "<timestamp>.<body>" with the webhook's secret, hex, sent as
 * `X-DMVPN-Signature: t=<timestamp>,v1=<hex>`. The timestamp lets receivers refuse replays.
 */
export function signWebhookPayload(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export interface DeliveryOptions {
  /** how receivers' names are resolved (tests stand in a resolver that answers like a rebinding DNS server) */
  resolve?: Resolve;
  baseDelayMs?: number;
  now?: () => Date;
}

async function attempt(url: string, secret: string, event: string, id: string, body: string, resolve?: Resolve) {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": "dmvpn-console-webhooks",
    "x-dmvpn-event": event,
    "x-dmvpn-delivery": id,
    "x-dmvpn-signature": `t=${timestamp},v1=${signWebhookPayload(secret, timestamp, body)}`,
  };
  // The policy is read per attempt: a webhook saved while private targets were allowed is refused once they are not.
  return postToReceiver(new URL(url), headers, body, {
    policy: targetPolicyFromEnv(),
    timeoutMs: REQUEST_TIMEOUT_MS,
    ...(resolve ? { resolve } : {}),
  });
}

/** Sends every delivery that is due and not claimed by another worker; each gets one attempt. Returns how many were attempted. */
export async function deliverDueWebhooks(db: Db, options: DeliveryOptions = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const due = await db.webhookDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now() } },
    orderBy: { nextAttemptAt: "asc" },
    take: 50,
    include: { webhook: true },
  });
  let attempted = 0;
  for (const d of due) {
    // Claimed before it is sent: a conditional update on the row as it was read moves its next attempt past the
    // request's time-out, so another worker (another console instance, or this one's next round) that read the same
    // row finds it changed and skips it. If this process dies mid-attempt, the row is due again after the claim.
    const claim = await db.webhookDelivery.updateMany({
      where: { id: d.id, status: "pending", nextAttemptAt: d.nextAttemptAt, attempts: d.attempts },
      data: { nextAttemptAt: new Date(now().getTime() + CLAIM_MS) },
    });
    if (claim.count !== 1) continue;
    attempted++;
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const secret = openSecret(d.webhook.secret);
      responseStatus = await attempt(d.webhook.url, secret, d.event, d.id, d.payload, options.resolve);
      if (responseStatus < 200 || responseStatus >= 300) error = `receiver answered HTTP ${responseStatus}`;
    } catch (err) {
      // A class only: raw errors name addresses and ports, which would make the log a port scanner's report.
      error = deliveryErrorOf(err);
    }
    const attempts = d.attempts + 1;
    await db.webhookDelivery.update({
      where: { id: d.id },
      data: error
        ? {
            attempts,
            responseStatus,
            lastError: error,
            status: attempts >= MAX_ATTEMPTS ? "failed" : "pending",
            nextAttemptAt: new Date(now().getTime() + base * 4 ** (attempts - 1)),
          }
        : { attempts, responseStatus, lastError: null, status: "delivered", deliveredAt: now() },
    });
  }
  return attempted;
}

/** Turns bus events into deliveries and sends them: started once by server.ts. */
export function startWebhookWorker(
  db: Db,
  bus: EventBus,
  options: DeliveryOptions & { intervalMs?: number } = {},
): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = deliverDueWebhooks(db, options)
      .then(() => undefined)
      .catch((err) => console.error("webhook delivery failed:", err instanceof Error ? err.message : err))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const unsubscribe = bus.subscribe((event, meta) => {
    // every instance sees every event (REDIS_URL); the one where it happened queues it, so it is queued once
    if (!meta.local) return;
    const mapped = webhookEventOf(event);
    if (!mapped) return;
    isDemoEvent(db, event)
      .then((demo) => (demo ? 0 : enqueueWebhookEvent(db, mapped.event, mapped.data)))
      .then((n) => n > 0 && run())
      .catch((err) => console.error("webhook queue failed:", err instanceof Error ? err.message : err));
  });
  const timer = setInterval(run, options.intervalMs ?? 5_000);
  timer.unref();
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}

/** Queues a "ping" to one webhook, so an admin can check the receiver and its signature check. */
export async function pingWebhook(db: Db, actor: Actor, id: string) {
  const row = await db.webhook.findUnique({ where: { id } });
  if (!row) throw notFound("webhook");
  const payload = JSON.stringify({ id: randomUUID(), event: "ping", createdAt: new Date().toISOString(), data: {} });
  const delivery = await db.webhookDelivery.create({ data: { webhookId: id, event: "ping", payload } });
  await recordAudit(db, actor, { action: "webhook.ping", entityType: "webhook", entityId: id, entityName: row.name });
  return { id: delivery.id };
}
