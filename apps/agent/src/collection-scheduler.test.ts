import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CollectionScheduler } from "./collection-scheduler";

/** A collection that takes `durationMs` of (fake) time and records how many ran at once. */
function slowCollections(durationMs: () => number) {
  const trace = { started: 0, finished: 0, running: 0, maxRunning: 0, startTimes: [] as number[] };
  const run = async () => {
    trace.started++;
    trace.startTimes.push(Date.now());
    trace.running++;
    trace.maxRunning = Math.max(trace.maxRunning, trace.running);
    await new Promise((r) => setTimeout(r, durationMs()));
    trace.running--;
    trace.finished++;
  };
  return { trace, run };
}

describe("CollectionScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("never runs two collections at once, however often one is asked for", async () => {
    const { trace, run } = slowCollections(() => 5_000);
    const s = new CollectionScheduler({ run, intervalMs: 1_000 });
    s.start();
    for (let i = 0; i < 20; i++) {
      void s.runNow();
      await vi.advanceTimersByTimeAsync(700);
    }
    s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(trace.maxRunning).toBe(1);
    // 14 s of requests during 5 s collections: the start, and one right after each, never a queue of them
    expect(trace.started).toBeGreaterThanOrEqual(3);
    expect(trace.started).toBeLessThanOrEqual(4);
  });

  it("runs nothing while paused, waits for a running collection first, and collects once right after", async () => {
    const { trace, run } = slowCollections(() => 2_000);
    const s = new CollectionScheduler({ run, intervalMs: 1_000 });
    s.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(trace.running).toBe(1);
    const seenByApply: number[] = [];
    const applying = s.pausedDuring(async () => {
      seenByApply.push(trace.running);
      const startedBefore = trace.started;
      void s.runNow(); // e.g. the console asks for a snapshot meanwhile
      await new Promise((r) => setTimeout(r, 30_000)); // a long frr-reload
      seenByApply.push(trace.started - startedBefore);
      return "applied";
    });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await applying).toBe("applied");
    // the apply started only after the running collection ended, and none started during it
    expect(seenByApply).toEqual([0, 0]);
    expect(trace.maxRunning).toBe(1);
    // the pause ended 32 s in: one collection at once, then (2 s collections) the next 3 × 2 s after it
    expect(trace.startTimes.slice(1).map((t) => t - trace.startTimes[0]!)).toEqual([32_000, 40_000]);
    s.stop();
  });

  it("waits slowFactor × the last duration after a slow collection, bounded, and the interval after a quick one", async () => {
    let duration = 8_000;
    const { trace, run } = slowCollections(() => duration);
    const onSlow = vi.fn();
    const s = new CollectionScheduler({ run, intervalMs: 4_000, slowFactor: 3, maxIntervalMs: 60_000, onSlow });
    s.start();
    await vi.advanceTimersByTimeAsync(8_000); // first collection done, took 8 s
    expect(s.nextDelayMs()).toBe(24_000);
    expect(onSlow).toHaveBeenCalledWith({ durationMs: 8_000, nextInMs: 24_000 });
    duration = 1_000;
    await vi.advanceTimersByTimeAsync(24_000 + 1_000); // the second starts 24 s later and takes 1 s
    expect(trace.startTimes[1]! - trace.startTimes[0]!).toBe(8_000 + 24_000);
    expect(s.nextDelayMs()).toBe(4_000);
    duration = 50_000;
    await vi.advanceTimersByTimeAsync(4_000 + 50_000);
    expect(trace.startTimes[2]! - trace.startTimes[1]!).toBe(1_000 + 4_000);
    expect(s.nextDelayMs()).toBe(60_000); // 150 s, bounded
    s.stop();
  });

  it("keeps collecting after a collection fails", async () => {
    let calls = 0;
    const s = new CollectionScheduler({
      run: async () => {
        calls++;
        throw new Error("vtysh timed out");
      },
      intervalMs: 1_000,
    });
    s.start();
    await vi.advanceTimersByTimeAsync(3_500);
    s.stop();
    expect(calls).toBe(4);
  });

  it("keeps the plain interval while told to hurry (a change waiting for confirmation), however slow", async () => {
    const { trace, run } = slowCollections(() => 10_000);
    let hurry = true;
    const s = new CollectionScheduler({ run, intervalMs: 4_000, hurry: () => hurry });
    s.start();
    await vi.advanceTimersByTimeAsync(10_000 + 4_000 + 10_000);
    expect(trace.startTimes[1]! - trace.startTimes[0]!).toBe(14_000);
    hurry = false;
    expect(s.nextDelayMs()).toBe(30_000);
    s.stop();
  });
});
