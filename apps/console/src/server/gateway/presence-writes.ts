import type { PrismaClient } from "@dmvpn/db";
import type { BatchWriter } from "./batch-writer";
import { DebouncedQueue, type Queued } from "./debounced-queue";

/** An agent that passed hello: marked connected, with an agent-online event. */
export interface OnlineWrite {
  siteId: string;
  networkId: string;
  at: Date;
  /** what the hello says about the router, when it differs from what is stored (a new version, another host) */
  details: { hostname: string; version: string; platform: string } | null;
}

/** An agent whose connection closed: marked not connected, last seen when it last sent, with an agent-offline event. */
export interface OfflineWrite {
  siteId: string;
  networkId: string;
  at: Date;
  lastSeenAt: Date;
}

type PresenceWrite = ({ kind: "online" } & OnlineWrite) | ({ kind: "offline" } & OfflineWrite);

/**
 * Agents coming and going within a few milliseconds are recorded together, in one batch transaction: one
 * `updateMany` marking the newly connected ones (plus an update for each router whose details changed), one
 * `updateMany` per second of last-seen time for the disconnected ones, and one `createMany` of all their
 * agent-online/offline events, instead of an update and an insert per agent. A fleet reconnecting after a restart
 * is thousands of hellos (and a shutdown thousands of closes), and Prisma's work per query was most of the console's
 * time while they came in. Writes for one site stay in order: a batch ends before a site's second write. If a batch
 * fails (a site deleted meanwhile), each write is made again on its own so it fails alone.
 */
export class PresenceWrites {
  private readonly batches: DebouncedQueue<PresenceWrite>;

  constructor(
    private readonly db: PrismaClient,
    private readonly writer: Pick<BatchWriter, "write">,
    options: { delayMs?: number; maxPerBatch?: number } = {},
  ) {
    const max = options.maxPerBatch ?? 500;
    this.batches = new DebouncedQueue({
      delayMs: options.delayMs ?? 10,
      // up to max writes, ending before a site's second one
      take: (queued) => {
        const sites = new Set<string>();
        let n = 0;
        while (n < queued.length && n < max && !sites.has(queued[n]!.value.siteId)) {
          sites.add(queued[n]!.value.siteId);
          n++;
        }
        return n;
      },
      run: (batch) => this.commit(batch),
    });
  }

  /** Resolves once the agent is stored as connected with its event; rejects with the database's error. */
  online(write: OnlineWrite): Promise<void> {
    return this.batches.add({ kind: "online", ...write });
  }

  /** Resolves once the agent is stored as disconnected with its event; rejects with the database's error. */
  offline(write: OfflineWrite): Promise<void> {
    return this.batches.add({ kind: "offline", ...write });
  }

  flush(): Promise<void> {
    return this.batches.flush();
  }

  private async commit(batch: Queued<PresenceWrite>[]) {
    try {
      await this.writer.write(this.queries(batch.map((p) => p.value)));
      for (const p of batch) p.resolve();
      return;
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
    }
    await Promise.all(
      batch.map((p) =>
        this.writer.write(this.queries([p.value])).then(
          () => p.resolve(),
          (e: unknown) => p.reject(e),
        ),
      ),
    );
  }

  private queries(writes: PresenceWrite[]) {
    const online = writes.filter((w) => w.kind === "online");
    const offline = writes.filter((w) => w.kind === "offline");
    const queries = [];
    if (online.length) {
      const at = new Date(Math.max(...online.map((w) => w.at.getTime())));
      queries.push(
        this.db.agent.updateMany({
          where: { siteId: { in: online.map((w) => w.siteId) } },
          data: { connected: true, lastSeenAt: at },
        }),
      );
      for (const w of online) {
        if (w.details) queries.push(this.db.agent.update({ where: { siteId: w.siteId }, data: w.details }));
      }
    }
    // last seen to the second: one statement per second among the batch instead of one per agent
    const bySecond = new Map<number, string[]>();
    for (const w of offline) {
      const second = Math.floor(w.lastSeenAt.getTime() / 1000) * 1000;
      bySecond.set(second, [...(bySecond.get(second) ?? []), w.siteId]);
    }
    for (const [second, siteIds] of bySecond) {
      queries.push(
        this.db.agent.updateMany({
          where: { siteId: { in: siteIds } },
          data: { connected: false, lastSeenAt: new Date(second) },
        }),
      );
    }
    // the rows siteEventsQuery writes for [{ kind: "agent-online" | "agent-offline", at }]
    queries.push(
      this.db.siteEvent.createMany({
        data: writes.map((w) => ({
          siteId: w.siteId,
          networkId: w.networkId,
          kind: w.kind === "online" ? "agent-online" : "agent-offline",
          at: w.at,
          detail: "{}",
        })),
      }),
    );
    return queries;
  }
}
