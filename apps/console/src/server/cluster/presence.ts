import type { PrismaClient } from "@dmvpn/db";
import type { EventBus } from "../bus";
import type { GatewayPresence } from "../gateway/gateway";
import { describeInternalError } from "../internal-error";
import { siteEventsQuery } from "../services/site-status";
import type { RedisLink } from "./redis";

/** Deletes the key only if this instance holds it; 1 also when it is gone (expired): the agent is nobody's. */
const RELEASE = `local v = redis.call("get", KEYS[1])
if v == ARGV[1] then redis.call("del", KEYS[1]) return 1 end
if v == false then return 1 end
return 0`;

/** Renews the key only if this instance holds it or nobody does: an agent that moved on stays with its new holder. */
const RENEW = `local v = redis.call("get", KEYS[1])
if v == false or v == ARGV[1] then redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2]) return 1 end
return 0`;

const CHANNEL = "presence";
type PresenceMessage =
  | { from: string; kind: "held"; sites: string[] }
  | { from: string; kind: "released"; sites: string[] }
  | { from: string; kind: "sync" };

/**
 * Which instance holds which agent. Each connected agent has a key `agent:<siteId>` = instance id with a TTL,
 * refreshed (for all of this instance's agents, in one pipeline) every third of the TTL: an instance that dies
 * stops refreshing and its keys expire. The same refresh is published, so every instance keeps an in-memory map
 * of the others' agents (the gateway asks "is it connected" synchronously). A sweeper marks offline the agents the
 * database has online whose key expired; at boot only those nobody holds (or this instance id held before a
 * restart) are marked offline, not every agent.
 */
export class Presence implements GatewayPresence {
  private readonly remote = new Map<string, { instance: string; until: number }>();
  private timers: NodeJS.Timeout[] = [];
  private localSites: () => string[] = () => [];
  private onMoved: (siteId: string) => void = () => undefined;
  private readonly channel: string;

  constructor(
    private readonly redis: RedisLink,
    private readonly db: PrismaClient,
    private readonly bus: EventBus,
    readonly instanceId: string,
    readonly ttlMs: number,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = (m, f) =>
      console.warn(`[cluster] ${m}`, f ? JSON.stringify(f) : ""),
  ) {
    this.channel = redis.channel(CHANNEL);
  }

  private key(siteId: string) {
    return `agent:${siteId}`;
  }

  /**
   * Subscribes to the others' presence and asks them for theirs; call before the gateway accepts agents.
   * `onMoved`: an agent this instance still has a socket for reconnected to another instance (the socket is stale).
   */
  async start(localSites: () => string[], onMoved: (siteId: string) => void): Promise<void> {
    this.localSites = localSites;
    this.onMoved = onMoved;
    this.redis.sub.on("message", (ch: string, raw: string) => {
      if (ch === this.channel) this.onMessage(raw);
    });
    await this.redis.sub.subscribe(this.channel);
    await this.sweep(true);
    await this.publish({ from: this.instanceId, kind: "sync" });
    const refresh = setInterval(() => void this.refresh(), Math.max(100, Math.floor(this.ttlMs / 3)));
    const sweeper = setInterval(() => void this.sweep(false), this.ttlMs);
    for (const t of [refresh, sweeper]) t.unref();
    this.timers = [refresh, sweeper];
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** The instance holding this site's agent other than this one, or null. */
  owner(siteId: string): string | null {
    const e = this.remote.get(siteId);
    if (!e) return null;
    if (e.until < Date.now()) {
      this.remote.delete(siteId);
      return null;
    }
    return e.instance;
  }

  async bound(siteId: string): Promise<void> {
    await this.redis.cmd.set(this.key(siteId), this.instanceId, "PX", this.ttlMs);
    await this.publish({ from: this.instanceId, kind: "held", sites: [siteId] });
  }

  async released(siteId: string): Promise<boolean> {
    const mine = (await this.redis.cmd.eval(RELEASE, 1, this.key(siteId), this.instanceId)) === 1;
    if (mine) await this.publish({ from: this.instanceId, kind: "released", sites: [siteId] });
    return mine;
  }

  /** Renews this instance's keys and tells the others which agents it holds. */
  async refresh(): Promise<void> {
    const sites = this.localSites();
    try {
      const pipe = this.redis.cmd.pipeline();
      for (const s of sites) pipe.eval(RENEW, 1, this.key(s), this.instanceId, this.ttlMs);
      const results = (await pipe.exec()) ?? [];
      const held = sites.filter((s, i) => {
        const [err, renewed] = results[i] ?? [null, 0];
        if (err || renewed === 1) return true;
        this.onMoved(s);
        return false;
      });
      await this.publish({ from: this.instanceId, kind: "held", sites: held });
    } catch (e) {
      this.log("could not refresh presence", { error: describeInternalError(e as Error) });
    }
  }

  /**
   * Marks offline the agents stored as connected that no instance holds any more. The update is conditional
   * (connected → not connected), so when two instances sweep at once only one records the offline event.
   * An agent whose hello is being written right now has a fresh last-seen time and is left alone.
   */
  async sweep(boot: boolean): Promise<number> {
    try {
      const local = new Set(this.localSites());
      const online = await this.db.agent.findMany({
        where: { connected: true },
        select: { siteId: true, lastSeenAt: true, site: { select: { networkId: true } } },
      });
      const candidates = online.filter((a) => !local.has(a.siteId));
      if (!candidates.length) return 0;
      const holders = await this.redis.cmd.mget(candidates.map((a) => this.key(a.siteId)));
      const cutoff = Date.now() - this.ttlMs;
      let marked = 0;
      for (const [i, a] of candidates.entries()) {
        const holder = holders[i] ?? null;
        const stale = boot
          ? holder === null || holder === this.instanceId
          : holder === null && (!a.lastSeenAt || a.lastSeenAt.getTime() < cutoff);
        if (!stale) continue;
        if (boot && holder === this.instanceId) await this.redis.cmd.del(this.key(a.siteId));
        // a hello on another instance writes a fresh last-seen time before it sets the key: left alone
        const r = await this.db.agent.updateMany({
          where: {
            siteId: a.siteId,
            connected: true,
            ...(boot ? {} : { OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: new Date(cutoff) } }] }),
          },
          data: { connected: false },
        });
        if (r.count !== 1) continue;
        const at = new Date().toISOString();
        await siteEventsQuery(this.db, a.siteId, a.site.networkId, [{ kind: "agent-offline", at }]);
        this.bus.publish({ type: "agent.offline", siteId: a.siteId, networkId: a.site.networkId, at });
        marked++;
      }
      return marked;
    } catch (e) {
      this.log("presence sweep failed", { error: describeInternalError(e as Error) });
      return 0;
    }
  }

  private async publish(m: PresenceMessage) {
    await this.redis.cmd.publish(this.channel, JSON.stringify(m));
  }

  private onMessage(raw: string) {
    let m: PresenceMessage;
    try {
      m = JSON.parse(raw) as PresenceMessage;
    } catch {
      return;
    }
    if (m.from === this.instanceId) return;
    if (m.kind === "sync") return void this.refresh();
    if (m.kind === "held") {
      const until = Date.now() + this.ttlMs;
      for (const s of m.sites) this.remote.set(s, { instance: m.from, until });
      return;
    }
    for (const s of m.sites) if (this.remote.get(s)?.instance === m.from) this.remote.delete(s);
  }
}
