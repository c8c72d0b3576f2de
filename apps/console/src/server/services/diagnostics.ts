import type { Db } from "@dmvpn/db";
import { type AgentToConsole, type ConsoleToAgent, consoleMessage, SHOW_COMMAND_IDS } from "@dmvpn/protocol";
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
  commandId: z.enum(SHOW_COMMAND_IDS),
});
export type ShowInput = z.infer<typeof showInputSchema>;

/** A ping of 20 packets at one per second plus the router's own timeouts. */
const PING_TIMEOUT_MS = 40_000;
const SHOW_TIMEOUT_MS = 20_000;

async function siteWithAgent(db: Db, gateway: AgentGateway | null | undefined, siteId: string) {
  const site = await db.site.findUnique({ where: { id: siteId }, select: { id: true, name: true, networkId: true } });
  if (!site) throw notFound("site");
  if (!gateway?.isConnected(siteId)) {
    throw new DomainError("CONFLICT", `site ${site.name}: its agent is not connected, so nothing can run there`);
  }
  return site;
}

async function ask(gateway: AgentGateway, siteId: string, message: ConsoleToAgent, timeoutMs: number) {
  let reply: AgentToConsole;
  try {
    reply = await gateway.request(siteId, message, timeoutMs);
  } catch (e) {
    throw new DomainError("CONFLICT", (e as Error).message);
  }
  if (reply.type === "error") throw new DomainError("BAD_REQUEST", `the agent refused: ${reply.payload.message}`);
  return reply;
}

export async function runPing(db: Db, gateway: AgentGateway | null | undefined, actor: Actor, input: PingInput) {
  const site = await siteWithAgent(db, gateway, input.siteId);
  const { target, source, count } = input;
  await recordAudit(db, actor, {
    action: "diagnostics.ping",
    entityType: "site",
    entityId: site.id,
    entityName: site.name,
    networkId: site.networkId,
    after: { target, source: source ?? null, count },
  });
  const payload = source === undefined ? { target, count } : { target, source, count };
  const reply = await ask(gateway!, site.id, consoleMessage("ping", payload), PING_TIMEOUT_MS);
  if (reply.type !== "ping-result") throw new DomainError("CONFLICT", `unexpected reply from the agent: ${reply.type}`);
  return { ...reply.payload, source: source ?? null, lossPercent: lossPercent(reply.payload) };
}

export async function runShow(db: Db, gateway: AgentGateway | null | undefined, actor: Actor, input: ShowInput) {
  const site = await siteWithAgent(db, gateway, input.siteId);
  await recordAudit(db, actor, {
    action: "diagnostics.show",
    entityType: "site",
    entityId: site.id,
    entityName: site.name,
    networkId: site.networkId,
    after: { commandId: input.commandId },
  });
  const reply = await ask(gateway!, site.id, consoleMessage("show", { commandId: input.commandId }), SHOW_TIMEOUT_MS);
  if (reply.type !== "show-result") throw new DomainError("CONFLICT", `unexpected reply from the agent: ${reply.type}`);
  return reply.payload;
}

export function lossPercent(r: { sent: number; received: number }): number {
  return r.sent === 0 ? 100 : Math.round(((r.sent - r.received) / r.sent) * 100);
}
