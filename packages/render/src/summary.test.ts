import { describe, expect, it } from "vitest";
import { prefixMask, summarisePrefixes } from "./summary";

describe("summarisePrefixes", () => {
  it("covers each private block's LANs with one prefix", () => {
    expect(summarisePrefixes(["10.1.2.0/24", "10.1.4.0/24", "192.168.50.0/24", "10.1.1.0/24"])).toEqual([
      "10.1.0.0/21",
      "192.168.50.0/24",
    ]);
    expect(summarisePrefixes(["172.16.0.0/24", "172.31.255.0/24"])).toEqual(["172.16.0.0/12"]);
  });

  it("never widens beyond a /8 for public space and keeps a lone prefix as is", () => {
    expect(summarisePrefixes(["100.64.1.0/24", "100.200.0.0/16"])).toEqual(["100.0.0.0/8"]);
    expect(summarisePrefixes(["198.51.100.0/24"])).toEqual(["198.51.100.0/24"]);
    expect(summarisePrefixes([])).toEqual([]);
  });
});

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
