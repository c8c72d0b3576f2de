import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate } from "./allocate";
import { isHostAddressOf } from "./ip";
import { testNetwork } from "./test-fixtures";

const hub = { role: "hub" as const, tunnelAddress: null, asn: null };
const spoke = { role: "spoke" as const, tunnelAddress: null, asn: null };

describe("allocate", () => {
  it("gives hubs the lowest addresses and spokes addresses above the hub reserve", () => {
    const result = allocate(testNetwork(), [hub, spoke, hub, spoke]);
    expect(result.issues).toEqual([]);
    // /24: 254 hosts, reserve min(10, 254/8=31) = 10 → spokes from .11
    expect(result.tunnelAddresses).toEqual(["10.255.0.1", "10.255.0.11", "10.255.0.2", "10.255.0.12"]);
  });

  it("skips addresses set by hand", () => {
    const result = allocate(testNetwork(), [
      { ...spoke, tunnelAddress: "10.255.0.11" },
      spoke,
      { ...hub, tunnelAddress: "10.255.0.1" },
      hub,
    ]);
    expect(result.tunnelAddresses).toEqual(["10.255.0.11", "10.255.0.12", "10.255.0.1", "10.255.0.2"]);
  });

  it("reports pool exhaustion on the site that does not fit", () => {
    const network = testNetwork({ tunnelPrefix: "10.255.0.0/29" }); // 6 hosts, 1 reserved for hubs
    const result = allocate(network, [hub, spoke, spoke, spoke, spoke, spoke, spoke]);
    expect(result.tunnelAddresses.slice(0, 6)).toEqual([
      "10.255.0.1",
      "10.255.0.2",
      "10.255.0.3",
      "10.255.0.4",
      "10.255.0.5",
      "10.255.0.6",
    ]);
    expect(result.tunnelAddresses[6]).toBeNull();
    expect(result.issues).toEqual([
      { path: ["sites", 6, "tunnelAddress"], message: expect.stringContaining("pool exhausted") },
    ]);
  });

  it("allocates private ASNs to spokes only in the per-spoke plan", () => {
    const single = allocate(testNetwork(), [hub, spoke]);
    expect(single.asns).toEqual([null, null]);
    const perSpoke = allocate(testNetwork({ asnPlan: "per-spoke", asnRangeStart: 64512, asnRangeEnd: 64514 }), [
      hub,
      { ...spoke, asn: 64512 },
      spoke,
      spoke,
      spoke,
    ]);
    expect(perSpoke.asns).toEqual([null, 64512, 64513, 64514, null]);
    expect(perSpoke.issues[0]?.path).toEqual(["sites", 4, "asn"]);
  });

  it("never hands out an address twice or outside the prefix (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 28 }),
        fc.array(fc.record({ role: fc.constantFrom("hub" as const, "spoke" as const), manual: fc.nat({ max: 300 }) }), {
          maxLength: 120,
        }),
        (len, requests) => {
          const network = testNetwork({ tunnelPrefix: `10.${len}.0.0/${len}` });
          const hosts = 2 ** (32 - len) - 2;
          // Some requests pin a distinct address by hand, the rest are allocated.
          const pinned = new Set<number>();
          const sites = requests.map((r, i) => {
            const offset = (r.manual % hosts) + 1;
            const manual = i % 3 === 0 && !pinned.has(offset);
            if (manual) pinned.add(offset);
            return {
              role: r.role,
              asn: null,
              tunnelAddress: manual ? `10.${len}.${offset >> 8}.${offset & 255}` : null,
            };
          });
          const result = allocate(network, sites);
          const given = result.tunnelAddresses.filter((a): a is string => a !== null);
          expect(new Set(given).size).toBe(given.length);
          for (const a of given) expect(isHostAddressOf(network.tunnelPrefix, a)).toBe(true);
          // Every site either got an address or was told the pool is exhausted.
          expect(given.length + result.issues.length).toBe(sites.length);
        },
      ),
    );
  });
});
