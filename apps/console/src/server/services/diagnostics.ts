import type { Db } from "@dmvpn/db";
import {
  type AgentMessage,
  type AgentToConsole,
  type ConsoleToAgent,
  consoleMessage,
  ShowCommandId,
} from "@dmvpn/protocol";
import { maskSecrets } from "@dmvpn/render";
import { z } from "zod";
import { DomainError, notFound } from "../errors";
import type { AgentGateway } from "../gateway/gateway";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";

/**
 * Diagnostics run on the router by its agent: a ping (from the router, optionally from one of its own addresses,
 * e.g. a LAN address to test a spoke-to-spoke path) and a whitelisted show command. Nothing typed by the user
 * reaches a shell: the agent builds the argv from the validated fields and a fixed command list.
 */

export const pingInputSchema = z.object({
  siteId: z.string().min(1).max(64),
  target: z.ipv4({ error: "target must be an IPv4 address" }),
  source: z.ipv4({ error: "source must be an IPv4 address" }).optional(),
  count: z.number().int().min(1).max(20).default(3),
});
export type PingInput = z.infer<typeof pingInputSchema>;

export const showInputSchema = z.object({
  siteId: z.string().min(1).max(64),
  commandId: ShowCommandId,
});
export type ShowInput = z.infer<typeof showInputSchema>;

/** A ping of 20 packets at one per second plus the router's own timeouts. */
const PING_TIMEOUT_MS = 40_000;
const SHOW_TIMEOUT_MS = 20_000;

/**
 * Records who runs what on which router, then asks its agent and checks the reply type. The audit entry comes
 * first: an attempt counts even when the router does not answer.
 */
async function runOnRouter<T extends "ping-result" | "show-result">(
  db: Db,
  gateway: AgentGateway | null | undefined,
  actor: Actor,
  run: { siteId: string; action: string; audited: unknown; message: ConsoleToAgent; timeoutMs: number; reply: T },
): Promise<AgentMessage<T>> {
  const site = await db.site.findUnique({
    where: { id: run.siteId },
    select: { id: true, name: true, networkId: true },
  });
  if (!site) throw notFound("site");
  if (!gateway?.isConnected(site.id)) {
    throw new DomainError("CONFLICT", `site ${site.name}: its agent is not connected, so nothing can run there`);
  }
  await recordAudit(db, actor, {
    action: run.action,
    entityType: "site",
    entityId: site.id,
    entityName: site.name,
    networkId: site.networkId,
    after: run.audited,
  });
  let reply: AgentToConsole;
  try {
    reply = await gateway.request(site.id, run.message, run.timeoutMs);
  } catch (e) {
    throw new DomainError("CONFLICT", (e as Error).message);
  }
  if (reply.type === "error") throw new DomainError("BAD_REQUEST", `the agent refused: ${reply.payload.message}`);
  if (reply.type !== run.reply) throw new DomainError("CONFLICT", `unexpected reply from the agent: ${reply.type}`);
  return reply as AgentMessage<T>;
}

export async function runPing(db: Db, gateway: AgentGateway | null | undefined, actor: Actor, input: PingInput) {
  const { siteId, target, source, count } = input;
  const { payload } = await runOnRouter(db, gateway, actor, {
    siteId,
    action: "diagnostics.ping",
    audited: { target, source: source ?? null, count },
    message: consoleMessage("ping", source === undefined ? { target, count } : { target, source, count }),
    timeoutMs: PING_TIMEOUT_MS,
    reply: "ping-result",
  });
  return { ...payload, source: source ?? null, lossPercent: lossPercent(payload) };
}

export async function runShow(db: Db, gateway: AgentGateway | null | undefined, actor: Actor, input: ShowInput) {
  const { payload } = await runOnRouter(db, gateway, actor, {
    siteId: input.siteId,
    action: "diagnostics.show",
    audited: { commandId: input.commandId },
    message: consoleMessage("show", { commandId: input.commandId }),
    timeoutMs: SHOW_TIMEOUT_MS,
    reply: "show-result",
  });
  // Operators run these and may not see keys: a running config (vtysh prints `ip nhrp authentication` on
  // VyOS 1.5) is masked by the same position rules as rendered configs.
  return { ...payload, output: maskSecrets(payload.output) };
}

export function lossPercent(r: { sent: number; received: number }): number {
  return r.sent === 0 ? 100 : Math.round(((r.sent - r.received) / r.sent) * 100);
}
