/** Where failed sign-ins are counted: this process's memory, or Redis when several instances share the work. */
export interface SignInLimits {
  readonly maxFailures: number;
  /** Milliseconds until this address may try again; 0 when it may now. */
  retryAfterMs(ip: string): number | Promise<number>;
  recordFailure(ip: string): void | Promise<void>;
  reset(ip: string): void | Promise<void>;
}

/**
 * Failed sign-ins per client address in a sliding window, in memory (one console process). Per-account lock-out
 * (User.failedLogins / lockedUntil) stops guessing one password; this stops one address trying many accounts.
 */
export class SignInLimiter implements SignInLimits {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 20,
    readonly windowMs = 15 * 60_000,
    private readonly maxTracked = 10_000,
  ) {}

  /** Milliseconds until this address may try again; 0 when it may now. */
  retryAfterMs(ip: string, now = Date.now()): number {
    const recent = this.recent(ip, now);
    if (recent.length < this.maxFailures) return 0;
    return (recent[recent.length - this.maxFailures] ?? now) + this.windowMs - now;
  }

  recordFailure(ip: string, now = Date.now()): void {
    const recent = this.recent(ip, now);
    recent.push(now);
    this.failures.set(ip, recent.slice(-this.maxFailures));
    // Bounded memory: drop the oldest address when too many are tracked.
    if (this.failures.size > this.maxTracked) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  reset(ip: string): void {
    this.failures.delete(ip);
  }

  private recent(ip: string, now: number): number[] {
    return (this.failures.get(ip) ?? []).filter((t) => now - t < this.windowMs);
  }
}
