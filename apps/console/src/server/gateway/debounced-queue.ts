/** A value waiting in a DebouncedQueue, settled by the batch that takes it. */
export interface Queued<T> {
  value: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface DebouncedQueueOptions<T> {
  /** how long the first value waits for company before its batch runs */
  delayMs: number;
  /** how many of the queued values (at least 1) the next batch takes, from the front */
  take: (queued: readonly Queued<T>[]) => number;
  /** writes one batch and settles each of its values */
  run: (batch: Queued<T>[]) => Promise<void>;
}

/**
 * The gateway's write batching (BatchWriter, PresenceWrites): values wait a few milliseconds for company, then go out
 * together, one batch at a time and in the order they came; the next batch is scheduled once the running one ends.
 */
export class DebouncedQueue<T> {
  private queue: Queued<T>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly o: DebouncedQueueOptions<T>) {}

  /** Resolves or rejects as the batch that takes the value settles it. */
  add(value: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ value, resolve, reject });
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
    }, this.o.delayMs);
  }

  private runBatch(): Promise<void> {
    const batch = this.queue.splice(0, Math.max(1, this.o.take(this.queue)));
    this.running = this.o.run(batch).finally(() => {
      this.running = null;
      if (this.queue.length) this.schedule();
    });
    return this.running;
  }
}
