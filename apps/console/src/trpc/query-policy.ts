import type { Query, QueryClient, QueryClientConfig } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";

/** tRPC error codes that a retry or another poll cannot change: only signing in (as someone else) can. */
const FINAL_CODES = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

/** The tRPC code of a failed query ("FORBIDDEN"…), or null for network failures and non-tRPC errors. */
export function trpcErrorCode(error: unknown): string | null {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? code : null;
  }
  return null;
}

/** A query whose last fetch was refused for who the user is, or for what was asked: asking again gives the same. */
export function isFinalError(error: unknown): boolean {
  const code = trpcErrorCode(error);
  return code !== null && FINAL_CODES.has(code);
}

/** One retry for transient failures (a restart, a dropped connection), none for a refusal. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < 1 && !isFinalError(error);
}

type Interval = number | false | undefined | ((query: Query) => number | false | undefined);

/**
 * Wraps a query's polling interval so that polling stops while the query's last answer is a refusal
 * (FORBIDDEN, UNAUTHORIZED…): an operator on an admin page gets one "needs admin", not a 403 every few seconds.
 * The interval resumes by itself once a later fetch (after signing in again, say) succeeds.
 */
export function stopPollingOnRefusal(interval: Interval): Interval {
  if (!interval) return interval;
  return (query: Query) => {
    if (isFinalError(query.state.error) && query.state.status === "error") return false;
    return typeof interval === "function" ? interval(query) : interval;
  };
}

export const queryClientConfig: QueryClientConfig = {
  defaultOptions: { queries: { staleTime: 5_000, retry: shouldRetry, refetchOnWindowFocus: false } },
};

/**
 * Every query's options pass through the client's defaultQueryOptions (each QueryObserver calls it on every
 * render), so wrapping the polling interval there covers every polled query, including those that set their own
 * refetchInterval, without each component having to remember.
 */
export function withRefusalPolicy(client: QueryClient): QueryClient {
  const defaults = client.defaultQueryOptions.bind(client);
  client.defaultQueryOptions = ((options: Parameters<typeof defaults>[0]) => {
    const resolved = defaults(options);
    if (resolved.refetchInterval) {
      resolved.refetchInterval = stopPollingOnRefusal(
        resolved.refetchInterval as Interval,
      ) as typeof resolved.refetchInterval;
    }
    return resolved;
  }) as typeof client.defaultQueryOptions;
  return client;
}
