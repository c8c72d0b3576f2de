import type { Prisma, PrismaClient } from "@dmvpn/db";
import { DebouncedQueue, type Queued } from "./debounced-queue";

/**
 * A Prisma query not yet run: Prisma starts a query only when it is awaited or passed to `$transaction([...])`,
 * and a batch transaction runs it afresh each time, so a failed batch can be retried.
 */
type Query = Prisma.PrismaPromise<unknown>;

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
  private readonly batches: DebouncedQueue<Query[]>;

  constructor(
    private readonly db: PrismaClient,
    private readonly options: BatchWriterOptions = {},
  ) {
    const maxQueries = options.maxQueries ?? 500;
    this.batches = new DebouncedQueue({
      delayMs: options.delayMs ?? 10,
      // whole jobs, up to maxQueries queries (a larger job goes alone)
      take: (queued) => {
        let n = 0;
        let size = 0;
        while (n < queued.length && (n === 0 || size + queued[n]!.value.length <= maxQueries)) {
          size += queued[n]!.value.length;
          n++;
        }
        return n;
      },
      run: (jobs) => this.commit(jobs),
    });
  }

  /** Resolves once the queries are committed (all together), rejects with the database's error. */
  write(queries: Query[]): Promise<void> {
    if (!queries.length) return Promise.resolve();
    return this.batches.add(queries);
  }

  get pending(): number {
    return this.batches.pending;
  }

  /** Runs everything queued now and waits for it. */
  flush(): Promise<void> {
    return this.batches.flush();
  }

  private async commit(jobs: Queued<Query[]>[]) {
    try {
      await this.db.$transaction(jobs.flatMap((j) => j.value));
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
        await this.db.$transaction(j.value);
        j.resolve();
      } catch (e) {
        j.reject(e);
      }
    }
  }
}
