import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  const opts = { initialMs: 1000, maxMs: 60_000 };

  it("doubles per attempt within [step/2, step]", () => {
    expect(backoffDelay(0, opts, () => 0)).toBe(500);
    expect(backoffDelay(0, opts, () => 1)).toBe(1000);
    expect(backoffDelay(3, opts, () => 0)).toBe(4000);
    expect(backoffDelay(3, opts, () => 1)).toBe(8000);
  });

  it("is capped at maxMs", () => {
    expect(backoffDelay(30, opts, () => 1)).toBe(60_000);
    expect(backoffDelay(1000, opts, () => 0)).toBe(30_000);
  });

  it("spreads agents out (jitter)", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, opts)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(16_000);
  });
});
