import { describe, expect, it } from "vitest";
import { prefixMask } from "./summary";

describe("prefixMask", () => {
  it("turns lengths into dotted masks", () => {
    expect([0, 8, 21, 24, 32].map(prefixMask)).toEqual([
      "0.0.0.0",
      "255.0.0.0",
      "255.255.248.0",
      "255.255.255.0",
      "255.255.255.255",
    ]);
  });
});
