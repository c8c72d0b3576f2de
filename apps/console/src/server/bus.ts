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

export interface EventBus {
  publish(event: ConsoleEvent): void;
  /** Returns the function that unsubscribes. Handlers must not throw; errors are logged and swallowed. */
  subscribe(handler: (event: ConsoleEvent) => void): () => void;
}

export function createInMemoryBus(): EventBus {
  const handlers = new Set<(event: ConsoleEvent) => void>();
  return {
    publish(event) {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (err) {
          console.error(`event handler failed for ${event.type}:`, err instanceof Error ? err.message : err);
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}
