import { describe, expect, it } from "vitest";
import { renumberAddresses } from "./renumber";
import { testNetwork, testSite } from "./test-fixtures";
import { validateNetworkSites } from "./validate";

const network = testNetwork({ tunnelPrefix: "10.255.0.0/24" });
const sites = [
  testSite({ name: "spoke-b", tunnelAddress: "10.255.0.40" }),
  testSite({ name: "hub-1", role: "hub", tunnelAddress: "10.255.0.1", publicAddress: "203.0.113.1" }),
  testSite({ name: "spoke-a", tunnelAddress: "10.255.0.11" }),
  testSite({ name: "hub-2", role: "hub", tunnelAddress: "10.255.0.2", publicAddress: "203.0.113.2" }),
];

describe("renumberAddresses", () => {
  it("keeps each site's offset when the new prefix holds them all", () => {
    const r = renumberAddresses(network, sites, "10.99.4.0/24");
    expect(r).toEqual({
      addresses: ["10.99.4.40", "10.99.4.1", "10.99.4.11", "10.99.4.2"],
      method: "offsets",
      issues: [],
    });
    const moved = sites.map((s, i) => ({ ...s, tunnelAddress: r.addresses[i] as string }));
    expect(validateNetworkSites({ ...network, tunnelPrefix: "10.99.4.0/24" }, moved)).toEqual([]);
  });

  it("re-allocates in address order when a smaller prefix cannot hold the offsets: hubs lowest", () => {
    const r = renumberAddresses(network, sites, "10.99.0.0/28");
    // /28: 14 hosts, hub reserve of 1, so hubs take .1 and .2 (a hub may use the spoke range), spokes from .2 on.
    expect(r.method).toBe("compact");
    expect(r.issues).toEqual([]);
    expect(r.addresses).toEqual(["10.99.0.4", "10.99.0.1", "10.99.0.3", "10.99.0.2"]);
    const moved = sites.map((s, i) => ({ ...s, tunnelAddress: r.addresses[i] as string }));
    expect(validateNetworkSites({ ...network, tunnelPrefix: "10.99.0.0/28" }, moved)).toEqual([]);
  });

  it("names the site that finds no room", () => {
    const r = renumberAddresses(network, sites, "10.99.0.0/30");
    expect(r.method).toBe("compact");
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues[0]?.path).toEqual(["tunnelPrefix"]);
    expect(r.issues[0]?.message).toMatch(/^has no room for spoke-a: no free tunnel address left in 10\.99\.0\.0\/30/);
  });
});
