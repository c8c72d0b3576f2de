import { vi } from "vitest";

// react-query polls only in a browser (it checks for `window` when it loads); this is what the browser would do.
vi.hoisted(() => {
  (globalThis as { window?: unknown }).window ??= globalThis;
});

import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFinalError, queryClientConfig, shouldRetry, stopPollingOnRefusal, withRefusalPolicy } from "./query-policy";

/** The error a tRPC link raises for a refused call, shaped as the server's error formatter sends it. */
function refusal(code: string) {
  return new TRPCClientError(`refused: ${code}`, {
    result: { error: { code: -32003, message: "refused", data: { code, httpStatus: 403 } } },
  } as never);
}

describe("error classification", () => {
  it("treats refusals as final, network failures and server errors as transient", () => {
    expect(isFinalError(refusal("FORBIDDEN"))).toBe(true);
    expect(isFinalError(refusal("UNAUTHORIZED"))).toBe(true);
    expect(isFinalError(refusal("INTERNAL_SERVER_ERROR"))).toBe(false);
    expect(isFinalError(new TRPCClientError("fetch failed"))).toBe(false);
    expect(isFinalError(new Error("boom"))).toBe(false);
  });
  it("retries a transient failure once and a refusal never", () => {
    expect(shouldRetry(0, new TRPCClientError("fetch failed"))).toBe(true);
    expect(shouldRetry(1, new TRPCClientError("fetch failed"))).toBe(false);
    expect(shouldRetry(0, refusal("FORBIDDEN"))).toBe(false);
  });
  it("leaves no interval alone and keeps a function interval's own answer", () => {
    expect(stopPollingOnRefusal(false)).toBe(false);
    expect(stopPollingOnRefusal(undefined)).toBe(undefined);
    const wrapped = stopPollingOnRefusal(() => 750);
    expect(typeof wrapped === "function" && wrapped({ state: { error: null, status: "success" } } as never)).toBe(750);
  });
});

describe("a polled query under the console's client", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function pollFor(ms: number, queryFn: () => Promise<unknown>) {
    const client = withRefusalPolicy(new QueryClient(queryClientConfig));
    const observer = new QueryObserver(client, { queryKey: ["polled"], queryFn, refetchInterval: 2_500 });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(ms);
    unsubscribe();
    client.clear();
  }

  it("asks once when the answer is FORBIDDEN, not every 2.5 s (the webhooks page's 12 × 403 in 30 s)", async () => {
    const queryFn = vi.fn(async () => {
      throw refusal("FORBIDDEN");
    });
    await pollFor(30_000, queryFn);
    expect(queryFn).toHaveBeenCalledTimes(1);
  });

  it("stops on UNAUTHORIZED after the session ends mid-way", async () => {
    let calls = 0;
    const queryFn = vi.fn(async () => {
      calls += 1;
      if (calls > 2) throw refusal("UNAUTHORIZED");
      return calls;
    });
    await pollFor(30_000, queryFn);
    expect(queryFn).toHaveBeenCalledTimes(3);
  });

  it("keeps polling a query that answers", async () => {
    const queryFn = vi.fn(async () => "ok");
    await pollFor(10_000, queryFn);
    // the first fetch, then one every 2.5 s
    expect(queryFn).toHaveBeenCalledTimes(5);
  });
});
