import { describe, expect, it } from "vitest";
import { formatIssue, networkInputSchema, siteInputSchema, zodIssues } from "./schemas";
import { testNetwork, testSite } from "./test-fixtures";
import { renderReadinessIssues, validateNetworkSites } from "./validate";

const network = testNetwork();

describe("validateNetworkSites", () => {
  it("accepts a consistent network", () => {
    const sites = [
      testSite({ name: "hub1", role: "hub", tunnelAddress: "10.255.0.1", publicAddress: "203.0.113.1" }),
      testSite({ name: "s1", tunnelAddress: "10.255.0.11", lanPrefixes: ["10.1.0.0/24"] }),
      testSite({ name: "s2", tunnelAddress: "10.255.0.12", lanPrefixes: ["10.2.0.0/24", "10.20.0.0/16"] }),
    ];
    expect(validateNetworkSites(network, sites)).toEqual([]);
  });

  it("reports overlapping LAN prefixes on both sites, naming the other", () => {
    const sites = [
      testSite({ name: "s1", tunnelAddress: "10.255.0.11", lanPrefixes: ["10.1.0.0/16"] }),
      testSite({ name: "s2", tunnelAddress: "10.255.0.12", lanPrefixes: ["10.9.0.0/24", "10.1.5.0/24"] }),
    ];
    expect(validateNetworkSites(network, sites).map(formatIssue).sort()).toEqual([
      "sites[0].lanPrefixes[0]: 10.1.0.0/16 overlaps 10.1.5.0/24 of s2",
      "sites[1].lanPrefixes[1]: 10.1.5.0/24 overlaps 10.1.0.0/16 of s1",
    ]);
  });

  it("reports a LAN that overlaps the tunnel prefix", () => {
    const issues = validateNetworkSites(network, [
      testSite({ name: "s1", tunnelAddress: "10.255.0.11", lanPrefixes: ["10.255.0.128/25"] }),
    ]);
    expect(issues.map(formatIssue)).toEqual([
      "sites[0].lanPrefixes[0]: 10.255.0.128/25 overlaps the tunnel prefix 10.255.0.0/24",
    ]);
  });

  it("reports duplicate public and tunnel addresses and addresses outside the prefix", () => {
    const issues = validateNetworkSites(network, [
      testSite({ name: "h1", role: "hub", tunnelAddress: "10.255.0.1", publicAddress: "198.51.100.1" }),
      testSite({ name: "h2", role: "hub", tunnelAddress: "10.255.0.1", publicAddress: "198.51.100.1" }),
      testSite({ name: "s1", tunnelAddress: "10.254.0.9" }),
      testSite({ name: "s2", tunnelAddress: "10.255.0.255" }),
    ]).map(formatIssue);
    expect(issues).toContain("sites[1].tunnelAddress: 10.255.0.1 is already taken by h1");
    expect(issues).toContain("sites[1].publicAddress: 198.51.100.1 is already the public address of h1");
    expect(issues).toContain(
      "sites[2].tunnelAddress: 10.254.0.9 is not a host address of the tunnel prefix 10.255.0.0/24",
    );
    expect(issues).toContain(
      "sites[3].tunnelAddress: 10.255.0.255 is not a host address of the tunnel prefix 10.255.0.0/24",
    );
  });

  it("checks ASNs against the plan", () => {
    const single = validateNetworkSites(network, [testSite({ name: "s1", tunnelAddress: "10.255.0.11", asn: 65001 })]);
    expect(single.map(formatIssue)).toEqual([
      "sites[0].asn: must be the network's ASN 65000 (or empty) for a single-AS network",
    ]);
    const perSpoke = validateNetworkSites(testNetwork({ asnPlan: "per-spoke" }), [
      testSite({ name: "s1", tunnelAddress: "10.255.0.11", asn: 65001 }),
      testSite({ name: "s2", tunnelAddress: "10.255.0.12", asn: 65001 }),
    ]);
    expect(perSpoke.map(formatIssue)).toEqual(["sites[1].asn: ASN 65001 is already used by s1"]);
  });

  it("requires a hub before configs are rendered", () => {
    expect(renderReadinessIssues(network, [{ role: "spoke" }])[0]?.message).toMatch(/no hub/);
    expect(renderReadinessIssues(network, [{ role: "hub" }])).toEqual([]);
  });
});

describe("siteInputSchema", () => {
  const base = { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" };

  it("names the field and the problem", () => {
    const result = siteInputSchema.safeParse({
      ...base,
      publicAddress: "",
      lanPrefixes: ["10.1.0.1/16", "nonsense"],
      tags: ["Bad Tag"],
    });
    expect(result.success).toBe(false);
    const messages = result.success ? [] : zodIssues(result.error).map(formatIssue);
    expect(messages).toContain("lanPrefixes[0]: has host bits set; did you mean 10.1.0.0/16?");
    expect(messages).toContain("lanPrefixes[1]: must be an IPv4 prefix such as 10.1.0.0/24");
    expect(messages).toContain("publicAddress: a hub needs a static public address (spokes resolve it)");
    expect(messages.some((m) => m.startsWith("tags[0]:"))).toBe(true);
  });

  it("reports out-of-range octets as field errors instead of failing", () => {
    const result = siteInputSchema.safeParse({ ...base, publicAddress: "10.0.0.300", tunnelAddress: "10.255.0.256" });
    expect(result.success ? [] : zodIssues(result.error).map(formatIssue)).toEqual([
      "publicAddress: must be an IPv4 address such as 203.0.113.10",
      "tunnelAddress: must be an IPv4 address such as 203.0.113.10",
    ]);
  });

  it("refuses a hub behind NAT and accepts a dynamic spoke behind NAT", () => {
    const hub = siteInputSchema.safeParse({ ...base, behindNat: true });
    expect(hub.success ? [] : zodIssues(hub.error).map(formatIssue)).toEqual([
      "behindNat: a hub cannot be behind NAT: spokes must reach its public address directly",
    ]);
    const spoke = siteInputSchema.safeParse({ ...base, role: "spoke", publicAddress: "dynamic", behindNat: true });
    expect(spoke.success && spoke.data.publicAddress).toBe(null);
  });
});

describe("BGP timers and BFD as network settings", () => {
  const base = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };
  const problems = (fields: Record<string, unknown>) => {
    const r = networkInputSchema.safeParse({ ...base, ...fields });
    return r.success ? [] : zodIssues(r.error).map(formatIssue);
  };

  it("default to 60/180 without BFD", () => {
    expect(networkInputSchema.parse(base)).toMatchObject({ bgpKeepalive: 60, bgpHoldtime: 180, bfd: false });
  });

  it("accept a hold time of 0 or at least 3 × keepalive", () => {
    expect(problems({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: true })).toEqual([]);
    expect(problems({ bgpKeepalive: 1, bgpHoldtime: 3 })).toEqual([]);
    expect(problems({ bgpKeepalive: 30, bgpHoldtime: 0 })).toEqual([]);
  });

  it("refuse a hold time below 3 s or below 3 × keepalive, naming the field", () => {
    expect(problems({ bgpKeepalive: 1, bgpHoldtime: 2 })).toEqual([
      "bgpHoldtime: must be 0 (never expire) or at least 3 seconds",
    ]);
    expect(problems({ bgpKeepalive: 10, bgpHoldtime: 20 })).toEqual([
      "bgpHoldtime: must be at least 3 × bgpKeepalive (30), or 0",
    ]);
    expect(problems({ bgpKeepalive: 0 })).toEqual(["bgpKeepalive: must be at least 1"]);
    expect(problems({ bgpHoldtime: 70000 })).toEqual(["bgpHoldtime: must be at most 65535"]);
  });
});

describe("every problem in one pass", () => {
  const base = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };
  const problems = (fields: Record<string, unknown>) => {
    const r = networkInputSchema.safeParse({ ...base, ...fields });
    return r.success ? [] : zodIssues(r.error).map(formatIssue);
  };

  it("says an empty number field is required, and a non-number is not a number", () => {
    expect(problems({ greKey: "", nhrpNetworkId: Number.NaN, tunnelMtu: " ", bgpAsn: null })).toEqual([
      "greKey: is required",
      "nhrpNetworkId: is required",
      "bgpAsn: is required",
      "tunnelMtu: is required",
    ]);
    expect(problems({ greKey: "abc" })).toEqual(["greKey: must be a number"]);
    expect(problems({ greKey: undefined })).toEqual(["greKey: is required"]);
    // Form text still parses, and a left-out field with a default keeps it.
    expect(networkInputSchema.parse({ ...base, greKey: "7", tcpMss: "1300" })).toMatchObject({
      greKey: 7,
      tcpMss: 1300,
    });
  });

  it("reports MSS above MTU − 40 alongside unrelated field errors", () => {
    expect(problems({ name: "bad name", tunnelPrefix: "nonsense", tunnelMtu: 1400, tcpMss: 1400 })).toEqual([
      "name: may contain letters, digits, '.', '_' and '-', and must start with a letter or digit",
      "tunnelPrefix: must be an IPv4 prefix such as 10.1.0.0/24",
      "tcpMss: must be at most tunnelMtu − 40 (1360)",
    ]);
    // Not when one of its own fields is invalid: there is nothing to compare.
    expect(problems({ tunnelMtu: "", tcpMss: 1400 })).toEqual(["tunnelMtu: is required"]);
    expect(problems({ greKey: "", bgpKeepalive: 10, bgpHoldtime: 20, asnRangeStart: 5, asnRangeEnd: 4 })).toEqual([
      "greKey: is required",
      "bgpHoldtime: must be at least 3 × bgpKeepalive (30), or 0",
      "asnRangeEnd: must not be below asnRangeStart",
    ]);
  });

  it("reports a site's cross-field rules alongside field errors", () => {
    const r = siteInputSchema.safeParse({
      name: "-bad",
      role: "hub",
      platform: "vyos-1.5",
      wanInterface: "eth0",
      publicAddress: "",
      lanPrefixes: ["10.1.0.0/24", "10.1.0.0/24"],
      latitude: 10,
      longitude: "",
    });
    expect(r.success ? [] : zodIssues(r.error).map(formatIssue)).toEqual([
      "name: may contain letters, digits, '.', '_' and '-', and must start with a letter or digit",
      "publicAddress: a hub needs a static public address (spokes resolve it)",
      "longitude: give both latitude and longitude, or neither",
      "lanPrefixes[1]: 10.1.0.0/24 is listed twice",
    ]);
    const bad = siteInputSchema.safeParse({
      ...{ name: "s1", role: "spoke", platform: "frr-linux", wanInterface: "eth0" },
      publicAddress: "10.0.0.300",
      latitude: 1,
    });
    expect(bad.success ? [] : zodIssues(bad.error).map(formatIssue)).toEqual([
      "publicAddress: must be an IPv4 address such as 203.0.113.10",
      "longitude: give both latitude and longitude, or neither",
    ]);
    expect(siteInputSchema.safeParse(null).success).toBe(false);
  });
});
