import type { RedisLink } from "./redis";

/** Extends the lease only while this instance still holds it. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
/** Gives the lease up only if this instance still holds it (an expired one may be someone else's by now). */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Named leases: SET NX PX, renewed while the work runs. One holder at a time; if the holder dies, the lease
 * expires and another instance takes the work over. (Redlock's several-server quorum is not needed: one Redis is
 * the source of truth here, and the work itself is idempotent per step.)
 */
export class Leases {
  constructor(
    private readonly redis: RedisLink,
    private readonly instanceId: string,
    readonly ttlMs: number,
  ) {}

  private key(name: string) {
    return `lease:${name}`;
  }

  async acquire(name: string): Promise<boolean> {
    return (await this.redis.cmd.set(this.key(name), this.instanceId, "PX", this.ttlMs, "NX")) === "OK";
  }

  async renew(name: string): Promise<boolean> {
    return (await this.redis.cmd.eval(RENEW, 1, this.key(name), this.instanceId, this.ttlMs)) === 1;
  }

  async release(name: string): Promise<void> {
    await this.redis.cmd.eval(RELEASE, 1, this.key(name), this.instanceId);
  }

  holder(name: string): Promise<string | null> {
    return this.redis.cmd.get(this.key(name));
  }

  /**
   * Runs `work` holding the lease, renewing it every third of its time; null when another instance holds it.
   * `lost()` turns true if a renewal finds the lease gone (this process stalled past it): the work should stop at
   * its next safe point, as another instance may have taken over.
   */
  async run<T>(name: string, work: (lost: () => boolean) => Promise<T>): Promise<{ value: T } | null> {
    if (!(await this.acquire(name))) return null;
    let lost = false;
    const timer = setInterval(
      () => {
        this.renew(name)
          .then((ok) => {
            if (!ok) lost = true;
          })
          .catch(() => undefined); // Redis briefly away: the next renewal tries again before the lease runs out
      },
      Math.max(100, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    try {
      return { value: await work(() => lost) };
    } finally {
      clearInterval(timer);
      await this.release(name).catch(() => undefined);
    }
  }
}
