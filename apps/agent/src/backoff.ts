export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so a fleet reconnecting after a
 * console restart spreads out but no agent retries in a tight loop.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(options.maxMs, options.initialMs * (options.factor ?? 2) ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * When the console answered hello with retry-after: a uniformly random point in [min, window], so a fleet the console
 * turned away together comes back spread over the window it asked for (it scales the window to the crowd).
 */
export function retryAfterDelay(windowMs: number, random: () => number = Math.random, minMs = 250): number {
  return Math.round(minMs + random() * Math.max(0, windowMs - minMs));
}
