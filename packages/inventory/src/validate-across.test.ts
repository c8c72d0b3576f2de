import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseInventoryYaml } from "./document";
import { formatIssue } from "./schemas";
import { testNetwork, testSite } from "./test-fixtures";
import { validateAcrossNetworks } from "./validate";

const corp = testNetwork({ name: "corp" });
const backup = testNetwork({ name: "backup", tunnelPrefix: "10.254.0.0/24", greKey: 43, nhrpNetworkId: 2 });

describe("validateAcrossNetworks", () => {
  it("accepts a dual-cloud hub: same router, distinct prefix, key and network id, same LAN in both", () => {
    const sites = [
      testSite({
        name: "hub-a",
        network: "corp",
        tunnelAddress: "10.255.0.1",
        publicAddress: "203.0.113.1",
        lanPrefixes: ["10.1.0.0/24"],
      }),
      testSite({
        name: "hub-b",
        network: "backup",
        tunnelAddress: "10.254.0.1",
        publicAddress: "203.0.113.1",
        lanPrefixes: ["10.1.0.0/24"],
      }),
    ];
    expect(validateAcrossNetworks([corp, backup], sites)).toEqual([]);
  });

  it("refuses overlapping tunnel prefixes, naming the other network on both", () => {
    const other = testNetwork({ ...backup, tunnelPrefix: "10.255.0.128/25" });
    expect(validateAcrossNetworks([corp, other], []).map(formatIssue)).toEqual([
      "networks[0].tunnelPrefix: 10.255.0.0/24 overlaps the tunnel prefix 10.255.0.128/25 of network backup: a tunnel address would be ambiguous between the two clouds",
      "networks[1].tunnelPrefix: 10.255.0.128/25 overlaps the tunnel prefix 10.255.0.0/24 of network corp: a tunnel address would be ambiguous between the two clouds",
    ]);
  });

  it("refuses the same GRE key and NHRP network id on a shared router, saying why", () => {
    const same = testNetwork({ ...backup, greKey: corp.greKey, nhrpNetworkId: corp.nhrpNetworkId });
    const sites = [
      testSite({ name: "hub-a", network: "corp", tunnelAddress: "10.255.0.1", publicAddress: "203.0.113.1" }),
      testSite({ name: "hub-b", network: "backup", tunnelAddress: "10.254.0.1", publicAddress: "203.0.113.1" }),
    ];
    const issues = validateAcrossNetworks([corp, same], sites).map(formatIssue);
    expect(issues).toHaveLength(4);
    expect(issues).toContain(
      "networks[1].greKey: 42 is also used by network corp, which shares router 203.0.113.1 (hub-a in corp, hub-b in backup): two multipoint GRE tunnels from one address need different keys, or the kernel cannot tell their packets apart",
    );
    expect(
      issues.filter((i) => i.startsWith("networks[0].nhrpNetworkId: 1 is also used by network backup")),
    ).toHaveLength(1);
    // Without a shared router the same key is harmless.
    const apart = sites.map((s, i) => ({ ...s, publicAddress: `203.0.113.${i + 1}` }));
    expect(validateAcrossNetworks([corp, same], apart)).toEqual([]);
  });

  it("refuses a LAN equal to another network's LAN or inside its tunnel prefix", () => {
    const sites = [
      testSite({ name: "s1", network: "corp", tunnelAddress: "10.255.0.11", lanPrefixes: ["10.1.0.0/24"] }),
      testSite({
        name: "t1",
        network: "backup",
        tunnelAddress: "10.254.0.11",
        lanPrefixes: ["10.1.0.0/24", "10.255.0.0/26"],
      }),
    ];
    expect(validateAcrossNetworks([corp, backup], sites).map(formatIssue).sort()).toEqual([
      "sites[0].lanPrefixes[0]: 10.1.0.0/24 overlaps 10.1.0.0/24 of t1 in network backup",
      "sites[1].lanPrefixes[0]: 10.1.0.0/24 overlaps 10.1.0.0/24 of s1 in network corp",
      "sites[1].lanPrefixes[1]: 10.255.0.0/26 overlaps the tunnel prefix of network corp (10.255.0.0/24)",
    ]);
  });

  it("flags every cross-network LAN overlap and nothing else (property)", () => {
    const lan = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 22, max: 24 }));
    const site = fc.record({ net: fc.integer({ min: 0, max: 1 }), lans: fc.array(lan, { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(site, { maxLength: 8 }), (raw) => {
        const seen = new Set<string>();
        const sites = raw.map((r, i) =>
          testSite({
            name: `s${i}`,
            network: r.net === 0 ? "corp" : "backup",
            tunnelAddress: "10.255.0.1",
            lanPrefixes: r.lans
              .map(([third, len]) => `10.1.${third - (third % 2 ** (24 - len))}.0/${len}`)
              .filter((p) => !seen.has(`${i}${p}`) && seen.add(`${i}${p}`)),
          }),
        );
        const span = (p: string) => {
          const [a, l] = p.split("/");
          const third = Number(a?.split(".")[2]);
          return [third, third + 2 ** (24 - Number(l)) - 1] as const;
        };
        const expected = new Set<string>();
        sites.forEach((s, i) => {
          s.lanPrefixes.forEach((p, j) => {
            const [x0, x1] = span(p);
            const clash = sites.some(
              (o) => o.network !== s.network && o.lanPrefixes.some((q) => span(q)[0] <= x1 && x0 <= span(q)[1]),
            );
            if (clash) expected.add(`sites,${i},lanPrefixes,${j}`);
          });
        });
        const got = new Set(validateAcrossNetworks([corp, backup], sites).map((i) => i.path.join(",")));
        expect(got).toEqual(expected);
      }),
    );
  });
});

describe("parseInventoryYaml across networks", () => {
  it("reports a second network's clashes at its own paths", () => {
    const yaml = `version: 1
networks:
  - name: corp
    tunnelPrefix: 10.255.0.0/24
    greKey: 42
    nhrpNetworkId: 1
    sites:
      - { name: hub1, role: hub, platform: frr-linux, wanInterface: eth0, publicAddress: 203.0.113.1, lanPrefixes: [10.1.0.0/24] }
  - name: copy
    tunnelPrefix: 10.255.0.0/24
    greKey: 42
    nhrpNetworkId: 1
    sites:
      - { name: hub2, role: hub, platform: frr-linux, wanInterface: eth0, publicAddress: 203.0.113.1 }
      - { name: s2, role: spoke, platform: frr-linux, wanInterface: eth0, lanPrefixes: [10.1.0.0/24] }
`;
    const paths = parseInventoryYaml(yaml).issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "networks.1.tunnelPrefix",
        "networks.1.greKey",
        "networks.1.nhrpNetworkId",
        "networks.1.sites.1.lanPrefixes.0",
        "networks.0.sites.0.lanPrefixes.0",
      ]),
    );
  });
});
