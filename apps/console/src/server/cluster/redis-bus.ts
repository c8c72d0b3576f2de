import { type ConsoleEvent, deliverEvent, type EventBus, type EventHandler } from "../bus";
import type { RedisLink } from "./redis";

const CHANNEL = "events";

/**
 * The console's event bus across instances: an event is handed to this process's subscribers at once (local) and
 * published on Redis; every other instance hands it to its own subscribers (not local). Pub/sub, not a stream:
 * these events feed live pages and waiters that only care about now; anything that must not be lost (deployment
 * state, webhook deliveries) is in the database, and a page that reconnects reloads its snapshot.
 */
export function createRedisBus(redis: RedisLink, instanceId: string): EventBus & { start(): Promise<void> } {
  const handlers = new Set<EventHandler>();
  const channel = redis.channel(CHANNEL);
  return {
    async start() {
      redis.sub.on("message", (ch: string, raw: string) => {
        if (ch !== channel) return;
        let parsed: { from: string; event: ConsoleEvent };
        try {
          parsed = JSON.parse(raw) as { from: string; event: ConsoleEvent };
        } catch {
          return;
        }
        if (parsed.from === instanceId) return; // delivered locally when published
        deliverEvent(handlers, parsed.event, { local: false });
      });
      await redis.sub.subscribe(channel);
    },
    publish(event) {
      deliverEvent(handlers, event, { local: true });
      redis.cmd
        .publish(channel, JSON.stringify({ from: instanceId, event }))
        .catch((e: Error) => console.warn(`[cluster] could not publish ${event.type}: ${e.message}`));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}
