import type { PrismaClient } from "@dmvpn/db";
import type { EventBus } from "../bus";
import type { SignInLimits } from "../services/sign-in-limiter";
import { Leases } from "./leases";
import { Presence } from "./presence";
import { connectRedis, type RedisLink } from "./redis";
import { createRedisBus } from "./redis-bus";
import { RedisSignInLimits } from "./sign-in-limits";

export { linkGateway } from "./agent-link";
export { Leases } from "./leases";
export { Presence } from "./presence";

export interface ClusterOptions {
  redisUrl: string;
  /** every key and channel starts with it: consoles (or test runs) sharing one Redis stay apart */
  prefix: string;
  /** this instance's name; stable across its restarts, so a restart can clear what it held before */
  instanceId: string;
  /** an agent's presence key lives this long without a refresh (also how fast a dead instance's agents show offline) */
  presenceTtlMs: number;
  /** a deployment's lease: how long after its runner dies another instance resumes it */
  leaseMs: number;
}

/** What an instance shares with the others when REDIS_URL is set. */
export interface Cluster {
  instanceId: string;
  redis: RedisLink;
  bus: EventBus;
  presence: Presence;
  leases: Leases;
  signInLimits: SignInLimits;
  close(): Promise<void>;
}

/**
 * Joins the instances sharing this Redis: the event bus across them, agents' presence, leases for work that must
 * run once, sign-in limits counted together. The agent services (gateway, deployment runner) take it from here.
 */
export async function joinCluster(db: PrismaClient, o: ClusterOptions): Promise<Cluster> {
  const redis = await connectRedis(o.redisUrl, o.prefix);
  const bus = createRedisBus(redis, o.instanceId);
  await bus.start();
  const presence = new Presence(redis, db, bus, o.instanceId, o.presenceTtlMs);
  const leases = new Leases(redis, o.instanceId, o.leaseMs);
  return {
    instanceId: o.instanceId,
    redis,
    bus,
    presence,
    leases,
    signInLimits: new RedisSignInLimits(redis),
    async close() {
      presence.stop();
      await redis.close();
    },
  };
}
