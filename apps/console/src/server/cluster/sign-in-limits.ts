import { randomBytes } from "node:crypto";
import type { SignInLimits } from "../services/sign-in-limiter";
import type { RedisLink } from "./redis";

/**
 * Failed sign-ins per client address, shared by every instance: a sorted set per address (score: when), trimmed
 * to the window and expiring with it. Behind a load balancer an attacker's tries are spread over the instances;
 * counted in one process each, every instance would allow the full count.
 */
export class RedisSignInLimits implements SignInLimits {
  constructor(
    private readonly redis: RedisLink,
    readonly maxFailures = 20,
    readonly windowMs = 15 * 60_000,
  ) {}

  private key(ip: string) {
    return `signin:${ip}`;
  }

  async retryAfterMs(ip: string, now = Date.now()): Promise<number> {
    const key = this.key(ip);
    const [, oldestCounted] = (await this.redis.cmd
      .multi()
      .zremrangebyscore(key, "-inf", now - this.windowMs)
      // the maxFailures-th most recent failure: once it leaves the window, the address may try again
      .zrange(key, -this.maxFailures, -this.maxFailures, "WITHSCORES")
      .exec()) as [[Error | null, number], [Error | null, string[]]];
    const entry = oldestCounted[1];
    if (!entry || entry.length < 2) return 0;
    return Math.max(0, Number(entry[1]) + this.windowMs - now);
  }

  async recordFailure(ip: string, now = Date.now()): Promise<void> {
    const key = this.key(ip);
    await this.redis.cmd
      .multi()
      .zadd(key, now, `${now}-${randomBytes(4).toString("hex")}`)
      .zremrangebyscore(key, "-inf", now - this.windowMs)
      .pexpire(key, this.windowMs)
      .exec();
  }

  async reset(ip: string): Promise<void> {
    await this.redis.cmd.del(this.key(ip));
  }
}
