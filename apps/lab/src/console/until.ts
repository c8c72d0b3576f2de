import { sleep } from "../vm/exec";

/**
 * Polls `check` until it returns a value. Its errors count as "not yet" (a console or router still coming up);
 * the last one is named if time runs out. `abort` ends the wait at once with its message.
 */
export async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  options: { everyMs?: number; abort?: () => string | null } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw new Error(aborted);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = ` (last error: ${(e as Error).message})`;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError}`);
    await sleep(options.everyMs ?? 1000);
  }
}
