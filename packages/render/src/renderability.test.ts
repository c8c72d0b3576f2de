import { describe, expect, it } from "vitest";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderabilityIssues } from "./renderability";

describe("renderabilityIssues: what render would refuse, per site", () => {
  it("finds nothing in the reference network", () => {
    const network = referenceNetwork();
    expect(renderabilityIssues([network], referenceSites(network))).toEqual([]);
  });

  it("names every FRR 8.4 member of a network with NHRP authentication, against the network's field", () => {
    const network = referenceNetwork({ nhrpAuth: "dmvpn1" });
    const sites = referenceSites(network);
    const frr84 = sites.filter((s) => s.platform === "frr-linux").map((s) => s.name);
    expect(frr84.length).toBeGreaterThan(1);
    const issues = renderabilityIssues([network], sites);
    expect(issues.map((i) => i.path)).toEqual(frr84.map(() => ["networks", "corp", "nhrpAuth"]));
    frr84.forEach((name, k) => {
      expect(issues[k]?.message).toContain(`${name} runs FRR 8.4`);
    });
  });

  it("accepts NHRP authentication once those members run FRR 10", () => {
    const network = referenceNetwork({ nhrpAuth: "dmvpn1" });
    const sites = referenceSites(network).map((s) =>
      s.platform === "frr-linux" ? { ...s, platform: "frr-linux-10" as const } : s,
    );
    expect(renderabilityIssues([network], sites)).toEqual([]);
  });

  it("puts a site's own problem on that site's field, and names the site for a network setting it cannot carry", () => {
    const network = referenceNetwork({ tcpMss: 520 });
    const sites = referenceSites(network).map((s) =>
      s.name === "hub-2" ? { ...s, wanInterface: "GigabitEthernet0/0" } : s,
    );
    const issues = renderabilityIssues([network], sites);
    expect(issues).toContainEqual({
      path: ["sites", "hub-2", "wanInterface"],
      message: "GigabitEthernet0/0 is not a Linux interface name",
      site: "hub-2",
    });
    const vyos = sites.filter((s) => s.platform.startsWith("vyos")).map((s) => s.name);
    for (const name of vyos)
      expect(issues).toContainEqual({
        path: ["networks", "corp", "tcpMss"],
        message: `cannot be rendered for ${name}: VyOS accepts ip adjust-mss 536–65535 only`,
        site: name,
      });
  });

  it("refuses BFD while a member runs IOS, naming it; accepts it once every member is FRR or VyOS", () => {
    const network = referenceNetwork({ bfd: true, bgpKeepalive: 5, bgpHoldtime: 15 });
    const sites = referenceSites(network);
    expect(renderabilityIssues([network], sites).map((i) => [i.path.join("."), i.site])).toEqual([
      ["networks.corp.bfd", "spoke-b"],
    ]);
    const noIos = sites.map((s) => (s.platform === "cisco-ios" ? { ...s, platform: "frr-linux-10" as const } : s));
    expect(renderabilityIssues([network], noIos)).toEqual([]);
  });

  it("reports a hubless network once, or not at all when asked not to", () => {
    const network = referenceNetwork();
    const spokes = referenceSites(network).filter((s) => s.role === "spoke");
    expect(renderabilityIssues([network], spokes)).toEqual([
      { path: ["networks", "corp"], message: "has no hub: add at least one hub before rendering configs" },
    ]);
    expect(renderabilityIssues([network], spokes, { requireHub: false })).toEqual([]);
  });
});
