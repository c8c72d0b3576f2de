import type { DeploymentItemStatus, DeploymentStatus, SiteEvent, SiteStatus } from "@dmvpn/protocol";

/**
 * What happens in the console, for whoever needs to react: live pages (tRPC subscriptions), webhooks, the
 * deployment runner. One small interface so the in-process implementation can become Redis pub/sub or
 * PostgreSQL LISTEN/NOTIFY when the console runs as several processes. Routers never import an EventEmitter.
 */
export type ConsoleEvent =
  | { type: "agent.online" | "agent.offline"; siteId: string; networkId: string; at: string }
  | { type: "site.status"; siteId: string; networkId: string; at: string; seq: number; status: SiteStatus }
  | { type: "site.event"; siteId: string; networkId: string; at: string; event: SiteEvent }
  | {
      type: "deployment.progress";
      deploymentId: string;
      siteId: string;
      itemStatus: DeploymentItemStatus;
      at: string;
      error?: string | null;
    }
  | {
      type: "deployment.finished";
      deploymentId: string;
      status: DeploymentStatus;
      at: string;
      summary?: string | null;
    };

export type ConsoleEventType = ConsoleEvent["type"];

/**
 * `local`: the event happened in this process. With several instances (REDIS_URL) every instance's subscribers
 * also get the others' events (local: false); whatever must happen once per event (queueing a webhook) acts on
 * local ones only.
 */
export type EventMeta = { local: boolean };
export type EventHandler = (event: ConsoleEvent, meta: EventMeta) => void;

export interface EventBus {
  publish(event: ConsoleEvent): void;
  /** Returns the function that unsubscribes. Handlers must not throw; errors are logged and swallowed. */
  subscribe(handler: EventHandler): () => void;
}

/** Hands an event to every handler, each isolated from the others' failures. */
export function deliverEvent(handlers: Iterable<EventHandler>, event: ConsoleEvent, meta: EventMeta): void {
  for (const handler of handlers) {
    try {
      handler(event, meta);
    } catch (err) {
      console.error(`event handler failed for ${event.type}:`, err instanceof Error ? err.message : err);
    }
  }
}

export function createInMemoryBus(): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    publish(event) {
      deliverEvent(handlers, event, { local: true });
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}
