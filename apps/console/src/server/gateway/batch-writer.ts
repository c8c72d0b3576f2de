import type { Prisma, PrismaClient } from "@dmvpn/db";

/**
 * A Prisma query not yet run: Prisma starts a query only when it is awaited or passed to `$transaction([...])`,
 * and a batch transaction runs it afresh each time, so a failed batch can be retried.
 */
type Query = Prisma.PrismaPromise<unknown>;

interface Job {
  queries: Query[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface BatchWriterOptions {
  /** how long a write waits for company before its batch runs */
  delayMs?: number;
  /** queries per transaction */
  maxQueries?: number;
  log?: (level: "warn", msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The gateway's writes (agent online/offline with their events, agent events, latest statuses, last-seen times) go
 * out as one batch transaction every few milliseconds instead of one interactive transaction each: a fleet
 * reconnecting after a restart is thousands of hellos, and each interactive transaction held SQLite's only
 * connection (or one of PostgreSQL's pool) for several round trips. Each job's queries stay together in one
 * transaction, and jobs run in the order they were written. A batch that fails is retried job by job, so one bad
 * job (a site deleted meanwhile) fails alone.
 */
export class BatchWriter {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly delayMs: number;
  private readonly maxQueries: number;

  constructor(
    private readonly db: PrismaClient,
    private readonly options: BatchWriterOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 10;
    this.maxQueries = options.maxQueries ?? 500;
  }

  /** Resolves once the queries are committed (all together), rejects with the database's error. */
  write(queries: Query[]): Promise<void> {
    if (!queries.length) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ queries, resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Runs everything queued now and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running || this.queue.length) {
      if (this.running) await this.running;
      else await this.runBatch();
    }
  }

  private schedule() {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runBatch();
    }, this.delayMs);
  }

  private runBatch(): Promise<void> {
    const jobs: Job[] = [];
    let size = 0;
    while (this.queue.length && (jobs.length === 0 || size + this.queue[0]!.queries.length <= this.maxQueries)) {
      const job = this.queue.shift()!;
      jobs.push(job);
      size += job.queries.length;
    }
    this.running = this.commit(jobs).finally(() => {
      this.running = null;
      if (this.queue.length) this.schedule();
    });
    return this.running;
  }

  private async commit(jobs: Job[]) {
    try {
      await this.db.$transaction(jobs.flatMap((j) => j.queries));
      for (const j of jobs) j.resolve();
      return;
    } catch (e) {
      if (jobs.length === 1) {
        jobs[0]!.reject(e);
        return;
      }
      this.options.log?.("warn", "batched write failed; retrying its jobs one by one", { jobs: jobs.length });
    }
    for (const j of jobs) {
      try {
        await this.db.$transaction(j.queries);
        j.resolve();
      } catch (e) {
        j.reject(e);
      }
    }
  }
}
