import { Redis } from "ioredis";

/**
 * The two Redis connections an instance needs: one for commands, one in subscriber mode (a connection that
 * subscribes can run nothing else). Every key and channel starts with `prefix`, so several consoles (or test
 * runs) can share one Redis without seeing each other.
 */
export interface RedisLink {
  cmd: Redis;
  sub: Redis;
  prefix: string;
  /** a channel name under the prefix (ioredis's keyPrefix applies to keys, not to channels) */
  channel(name: string): string;
  close(): Promise<void>;
}

export async function connectRedis(url: string, prefix: string): Promise<RedisLink> {
  const options = { keyPrefix: prefix, maxRetriesPerRequest: 3, lazyConnect: true } as const;
  const cmd = new Redis(url, options);
  const sub = new Redis(url, { ...options, keyPrefix: undefined });
  // ioredis logs an unhandled "error" event to stderr on its own; a line naming the problem (never the URL,
  // which may carry a password) is enough, and it reconnects by itself.
  for (const c of [cmd, sub]) c.on("error", (e: Error) => console.warn(`[cluster] redis: ${e.message}`));
  await Promise.all([cmd.connect(), sub.connect()]);
  return {
    cmd,
    sub,
    prefix,
    channel: (name) => `${prefix}${name}`,
    async close() {
      await Promise.allSettled([cmd.quit(), sub.quit()]);
    },
  };
}
