import type { AgentToConsole, ConsoleToAgent } from "@dmvpn/protocol";
import type { AgentGateway, AgentMessageListener } from "../gateway/gateway";
import { requestReply } from "../gateway/request-reply";
import type { Presence } from "./presence";
import type { RedisLink } from "./redis";

/** Agent messages others may wait for (apply results, confirmations, diagnostics replies); status and events go
 * through the event bus, heartbeats and hellos concern only the instance holding the connection. */
const LOCAL_ONLY = new Set<AgentToConsole["type"]>(["hello", "heartbeat", "status-snapshot", "status-delta", "event"]);

type Directed =
  | { op: "send"; siteId: string; message: ConsoleToAgent }
  | { op: "disconnect"; siteId: string; reason: string };

/**
 * The gateway as every instance sees it: a message for an agent held by another instance is published on that
 * instance's channel (`to:<id>`), which sends it down the agent's socket; agents' replies are published to all, so
 * whoever waits for one (a deployment runner, a diagnostics request with its time-out) gets it wherever the agent
 * is connected. Only this process's own connections are accepted here (handleUpgrade) and flushed.
 */
export function linkGateway(
  local: AgentGateway,
  redis: RedisLink,
  presence: Presence,
): AgentGateway & {
  start(): Promise<void>;
} {
  const me = presence.instanceId;
  const inbox = redis.channel(`to:${me}`);
  const replies = redis.channel("agent-messages");
  const remoteListeners = new Set<AgentMessageListener>();
  let requestCounter = 0;

  const publish = (channel: string, body: unknown) =>
    redis.cmd
      .publish(channel, JSON.stringify(body))
      .catch((e: Error) => console.warn(`[cluster] publish: ${e.message}`));

  local.onMessage((siteId, message) => {
    if (!LOCAL_ONLY.has(message.type)) void publish(replies, { from: me, siteId, message });
  });

  const gateway: AgentGateway & { start(): Promise<void> } = {
    async start() {
      redis.sub.on("message", (ch: string, raw: string) => {
        if (ch !== inbox && ch !== replies) return;
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          return;
        }
        if (ch === inbox) {
          const d = body as Directed;
          if (d.op === "send") local.send(d.siteId, d.message);
          else if (d.op === "disconnect") local.disconnect(d.siteId, d.reason);
          return;
        }
        const r = body as { from: string; siteId: string; message: AgentToConsole };
        if (r.from === me) return; // this process's listeners had it from the gateway
        for (const l of remoteListeners) {
          try {
            l(r.siteId, r.message);
          } catch (e) {
            console.error("[cluster] agent message listener failed:", (e as Error).message);
          }
        }
      });
      await redis.sub.subscribe(inbox, replies);
    },
    handleUpgrade: (req, socket, head, address) => local.handleUpgrade(req, socket, head, address),
    isConnected: (siteId) => local.isConnected(siteId) || presence.owner(siteId) !== null,
    connectedSites: () => local.connectedSites?.() ?? [],
    send(siteId, message) {
      if (local.send(siteId, message)) return true;
      const owner = presence.owner(siteId);
      if (!owner) return false;
      void publish(redis.channel(`to:${owner}`), { op: "send", siteId, message } satisfies Directed);
      return true;
    },
    onMessage(listener) {
      remoteListeners.add(listener);
      const offLocal = local.onMessage(listener);
      return () => {
        remoteListeners.delete(listener);
        offLocal();
      };
    },
    request(siteId, message, timeoutMs) {
      const id = message.id ?? `req-${me}-${++requestCounter}`;
      return requestReply(gateway, siteId, message, id, timeoutMs);
    },
    disconnect(siteId, reason) {
      if (local.isConnected(siteId)) return local.disconnect(siteId, reason);
      const owner = presence.owner(siteId);
      if (owner) void publish(redis.channel(`to:${owner}`), { op: "disconnect", siteId, reason } satisfies Directed);
    },
    latestStatus: (siteId) => local.latestStatus?.(siteId) ?? null,
    flush: () => local.flush(),
    close: () => local.close(),
  };
  return gateway;
}
