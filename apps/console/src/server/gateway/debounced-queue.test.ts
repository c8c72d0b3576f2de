import { describe, expect, it } from "vitest";
import { DebouncedQueue } from "./debounced-queue";

describe("DebouncedQueue", () => {
  it("runs values together after the delay, in order, one batch at a time, cut where `take` says", async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    const queue = new DebouncedQueue<number>({
      delayMs: 5,
      take: (queued) => Math.min(2, queued.length),
      run: async (batch) => {
        inFlight++;
        expect(inFlight).toBe(1);
        batches.push(batch.map((q) => q.value));
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        for (const q of batch) q.resolve();
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((v) => queue.add(v)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(queue.pending).toBe(0);
  });

  it("takes at least one value, and flush runs what is queued without waiting for the delay", async () => {
    const batches: string[][] = [];
    const queue = new DebouncedQueue<string>({
      delayMs: 60_000,
      take: () => 0,
      run: async (batch) => {
        batches.push(batch.map((q) => q.value));
        for (const q of batch) q.value === "bad" ? q.reject(new Error("bad")) : q.resolve();
      },
    });
    const ok = queue.add("a");
    const bad = queue.add("bad");
    expect(queue.pending).toBe(2);
    await queue.flush();
    await expect(ok).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("bad");
    expect(batches).toEqual([["a"], ["bad"]]);
  });
});
