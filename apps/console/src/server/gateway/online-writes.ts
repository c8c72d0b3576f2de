import type { PrismaClient } from "@dmvpn/db";
import type { BatchWriter } from "./batch-writer";

/** An agent that passed hello: marked connected, with an agent-online event. */
export interface OnlineWrite {
  siteId: string;
  networkId: string;
  at: Date;
  /** what the hello says about the router, when it differs from what is stored (a new version, another host) */
  details: { hostname: string; version: string; platform: string } | null;
}

interface Pending {
  write: OnlineWrite;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The hellos admitted within a few milliseconds are recorded together: one `updateMany` marking them connected and
 * one `createMany` of their agent-online events (plus an update for each router whose details changed), in one batch
 * transaction, instead of an update and an insert per agent: a fleet reconnecting is thousands of hellos, and
 * Prisma's work per query was most of the console's time while they came in. If the batch fails (a site deleted
 * meanwhile), each hello is written again on its own so it fails alone.
 */
export class OnlineWrites {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly writer: Pick<BatchWriter, "write">,
    private readonly options: { delayMs?: number; maxPerBatch?: number } = {},
  ) {}

  /** Resolves once the agent is stored as connected with its event; rejects with the database's error. */
  online(write: OnlineWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.schedule();
    });
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running || this.queue.length) {
      if (this.running) await this.running;
      else await this.run();
    }
  }

  private schedule() {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.options.delayMs ?? 10);
  }

  private run(): Promise<void> {
    const batch = this.queue.splice(0, this.options.maxPerBatch ?? 500);
    this.running = this.commit(batch).finally(() => {
      this.running = null;
      if (this.queue.length) this.schedule();
    });
    return this.running;
  }

  private async commit(batch: Pending[]) {
    try {
      await this.writer.write(this.queries(batch.map((p) => p.write)));
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
        this.writer.write(this.queries([p.write])).then(
          () => p.resolve(),
          (e: unknown) => p.reject(e),
        ),
      ),
    );
  }

  private queries(writes: OnlineWrite[]) {
    const at = new Date(Math.max(...writes.map((w) => w.at.getTime())));
    return [
      this.db.agent.updateMany({
        where: { siteId: { in: writes.map((w) => w.siteId) } },
        data: { connected: true, lastSeenAt: at },
      }),
      ...writes.flatMap((w) =>
        w.details ? [this.db.agent.update({ where: { siteId: w.siteId }, data: w.details })] : [],
      ),
      // the rows siteEventsQuery writes for [{ kind: "agent-online", at }]
      this.db.siteEvent.createMany({
        data: writes.map((w) => ({
          siteId: w.siteId,
          networkId: w.networkId,
          kind: "agent-online",
          at: w.at,
          detail: "{}",
        })),
      }),
    ];
  }
}
