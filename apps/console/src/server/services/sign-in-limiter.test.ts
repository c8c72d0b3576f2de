import { describe, expect, it } from "vitest";
import { SignInLimiter } from "./sign-in-limiter";

describe("SignInLimiter", () => {
  it("blocks an address after too many failures until the window passes", () => {
    const limiter = new SignInLimiter(3, 1000);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs("192.0.2.1", i)).toBe(0);
      limiter.recordFailure("192.0.2.1", i);
    }
    expect(limiter.retryAfterMs("192.0.2.1", 10)).toBe(990);
    expect(limiter.retryAfterMs("192.0.2.2", 10)).toBe(0);
    expect(limiter.retryAfterMs("192.0.2.1", 1000)).toBe(0);
    limiter.recordFailure("192.0.2.3", 0);
    limiter.reset("192.0.2.3");
    expect(limiter.retryAfterMs("192.0.2.3", 0)).toBe(0);
  });

  it("keeps a bounded number of addresses", () => {
    const limiter = new SignInLimiter(1, 1000, 2);
    for (const ip of ["a", "b", "c"]) limiter.recordFailure(ip, 0);
    expect(limiter.retryAfterMs("a", 1)).toBe(0);
    expect(limiter.retryAfterMs("c", 1)).toBeGreaterThan(0);
  });
});
