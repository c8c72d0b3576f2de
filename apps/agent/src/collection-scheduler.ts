export interface CollectionSchedulerOptions {
  /** one collection; its errors are the caller's to handle (a rejection is ignored here) */
  run: () => Promise<void>;
  /** the normal time from the end of one collection to the start of the next */
  intervalMs: number;
  /** a slow router waits at least this many times the last collection's duration (default 3) */
  slowFactor?: number;
  /** the adaptive wait never grows past this (default 120 s, never below intervalMs) */
  maxIntervalMs?: number;
  /**
   * While this says yes, the plain interval applies however slow collections are: a change waiting for
   * confirmation is confirmed only on a fresh status that shows it works, and the window is short.
   */
  hurry?: () => boolean;
  now?: () => number;
  /** told when the last collection's duration lengthened the wait */
  onSlow?: (info: { durationMs: number; nextInMs: number }) => void;
}

/**
 * When status collections run: never two at once, none while the router is being changed (an apply competes with
 * collection for the router's CPU and its daemons, and the lab showed overlapping collections starve it), and the
 * wait after a slow collection grows with its duration, so a loaded router spends at most about 1/slowFactor of its
 * time collecting. Generic over drivers: it only times the collection it is given.
 */
export class CollectionScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private pauses = 0;
  /** a collection was asked for while one ran or while paused: it runs as soon as possible */
  private wanted = false;
  private started = false;
  private lastDurationMs = 0;
  private readonly now: () => number;

  constructor(private readonly o: CollectionSchedulerOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.started = true;
    void this.runNow();
  }

  stop(): void {
    this.started = false;
    this.clearTimer();
  }

  get paused(): boolean {
    return this.pauses > 0;
  }

  /** How long after the current collection the next one starts. */
  nextDelayMs(): number {
    if (this.o.hurry?.()) return this.o.intervalMs;
    const bound = Math.max(this.o.intervalMs, this.o.maxIntervalMs ?? 120_000);
    return Math.min(bound, Math.max(this.o.intervalMs, (this.o.slowFactor ?? 3) * this.lastDurationMs));
  }

  /**
   * Collect now. While a collection runs, or while paused, it only asks for one as soon as possible and resolves
   * with the running one (or at once).
   */
  runNow(): Promise<void> {
    if (this.running || this.pauses > 0) {
      this.wanted = true;
      return this.running ?? Promise.resolve();
    }
    this.clearTimer();
    this.wanted = false;
    const startedAt = this.now();
    this.running = this.o
      .run()
      .catch(() => {})
      .finally(() => {
        this.lastDurationMs = this.now() - startedAt;
        this.running = null;
        this.scheduleNext();
      });
    return this.running;
  }

  /**
   * Runs `fn` with collection paused: waits for a running collection to end, starts none until `fn` settles, then
   * collects at once (whatever `fn` changed is worth seeing).
   */
  async pausedDuring<T>(fn: () => Promise<T>): Promise<T> {
    this.pauses++;
    this.clearTimer();
    try {
      await this.running;
      return await fn();
    } finally {
      this.pauses--;
      if (this.pauses === 0 && (this.started || this.wanted)) void this.runNow();
    }
  }

  private scheduleNext(): void {
    if (this.pauses > 0) return;
    if (this.wanted) {
      void this.runNow();
      return;
    }
    if (!this.started) return;
    const delay = this.nextDelayMs();
    if (delay > this.o.intervalMs) this.o.onSlow?.({ durationMs: this.lastDurationMs, nextInMs: delay });
    this.timer = setTimeout(() => void this.runNow(), delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
