import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseInventoryYaml, planInventory, readInventoryYaml, readSitesCsv, toInventoryYaml } from "./document";
import { formatIssue } from "./schemas";

const YAML = `
version: 1
networks:
  - name: corp
    tunnelPrefix: 10.255.0.0/24
    greKey: 42
    nhrpNetworkId: 1
    sites:
      - { name: hub1, role: hub, platform: vyos-1.5, wanInterface: eth0, publicAddress: 203.0.113.1 }
      - { name: hub2, role: hub, platform: frr-linux, wanInterface: eth0, publicAddress: 203.0.113.2 }
      - { name: branch1, role: spoke, platform: frr-linux, wanInterface: eth0, lanPrefixes: [10.1.0.0/24], behindNat: true }
      - { name: branch2, role: spoke, platform: cisco-ios, wanInterface: Gi0/0, publicAddress: 198.51.100.7, lanPrefixes: [10.2.0.0/24] }
`;

describe("inventory YAML", () => {
  it("completes a file: defaults, generated key, allocated addresses", () => {
    const { inventory, issues } = parseInventoryYaml(YAML);
    expect(issues).toEqual([]);
    expect(inventory.networks[0]?.phase).toBe(3);
    expect(inventory.networks[0]?.ipsecPsk).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inventory.sites.map((s) => [s.name, s.tunnelAddress])).toEqual([
      ["hub1", "10.255.0.1"],
      ["hub2", "10.255.0.2"],
      ["branch1", "10.255.0.11"],
      ["branch2", "10.255.0.12"],
    ]);
  });

  it("round-trips through export unchanged, without the key unless asked", () => {
    const first = parseInventoryYaml(YAML).inventory;
    const withSecrets = toInventoryYaml(first, { includeSecrets: true });
    expect(parseInventoryYaml(withSecrets).inventory).toEqual(first);
    const without = toInventoryYaml(first, { includeSecrets: false });
    expect(without).not.toContain(first.networks[0]?.ipsecPsk);
    expect(without).not.toContain("ipsecPsk");
  });

  it("carries the failover settings both ways, and names a bad one by record and field", () => {
    const fast = parseInventoryYaml(
      YAML.replace("nhrpNetworkId: 1", "nhrpNetworkId: 1\n    bgpKeepalive: 5\n    bgpHoldtime: 15\n    bfd: true"),
    );
    expect(fast.issues).toEqual([]);
    expect(fast.inventory.networks[0]).toMatchObject({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: true });
    const yaml = toInventoryYaml(fast.inventory, { includeSecrets: true });
    expect(yaml).toContain("bgpHoldtime: 15");
    expect(parseInventoryYaml(yaml).inventory).toEqual(fast.inventory);
    const bad = parseInventoryYaml(
      YAML.replace("nhrpNetworkId: 1", "nhrpNetworkId: 1\n    bgpKeepalive: 10\n    bgpHoldtime: 20"),
    );
    expect(bad.issues.map(formatIssue)).toEqual([
      "networks[0].bgpHoldtime: must be at least 3 × bgpKeepalive (30), or 0",
    ]);
  });

  it("leaves the NHRP key out unless asked, and keeps the stored one when a record leaves it out", () => {
    const stored = parseInventoryYaml(
      YAML.replace("nhrpNetworkId: 1", "nhrpNetworkId: 1\n    nhrpAuth: nhrpK3y1"),
    ).inventory;
    expect(stored.networks[0]?.nhrpAuth).toBe("nhrpK3y1");
    const without = toInventoryYaml(stored, { includeSecrets: false });
    expect(without).not.toContain("nhrpAuth");
    expect(toInventoryYaml(stored, { includeSecrets: true })).toContain("nhrpAuth: nhrpK3y1");
    const again = planInventory(readInventoryYaml(without), stored);
    expect(again.issues).toEqual([]);
    expect(again.inventory).toEqual(stored);
    // An explicit null still clears it; a new network left without one has none.
    const cleared = planInventory(
      readInventoryYaml(without.replace("greKey: 42", "greKey: 42\n    nhrpAuth: null")),
      stored,
    );
    expect(cleared.inventory.networks[0]?.nhrpAuth).toBeNull();
    expect(parseInventoryYaml(without).inventory.networks[0]?.nhrpAuth).toBeNull();
  });

  it("reports each bad record at its place in the file", () => {
    const bad = YAML.replace("lanPrefixes: [10.2.0.0/24]", "lanPrefixes: [10.1.0.0/16]").replace(
      "greKey: 42",
      "greKey: -1",
    );
    const messages = parseInventoryYaml(bad).issues.map(formatIssue);
    expect(messages).toEqual(["networks[0].greKey: must be at least 0"]);
    const overlap = parseInventoryYaml(
      YAML.replace("lanPrefixes: [10.2.0.0/24]", "lanPrefixes: [10.1.0.0/16]"),
    ).issues.map(formatIssue);
    expect(overlap).toEqual([
      "networks[0].sites[2].lanPrefixes[0]: 10.1.0.0/24 overlaps 10.1.0.0/16 of branch2",
      "networks[0].sites[3].lanPrefixes[0]: 10.1.0.0/16 overlaps 10.1.0.0/24 of branch1",
    ]);
  });

  it("reports YAML syntax errors with a line number", () => {
    expect(parseInventoryYaml("version: 1\nnetworks: [\n").issues[0]?.message).toMatch(/YAML syntax error at line \d+/);
    expect(parseInventoryYaml("version: 2\nnetworks: []").issues.map(formatIssue)).toEqual(["version: must be 1"]);
  });
});

describe("hostile YAML", () => {
  it("reports an alias bomb as an issue instead of expanding or throwing", () => {
    // nine levels of nine aliases: 9^9 values if expanded
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const [p, n] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(", ")}]`);
    }
    const read = readInventoryYaml(`${levels.join("\n")}\nnetworks: [*i]\n`);
    expect(read.networks).toEqual([]);
    expect(read.issues).toEqual([{ path: [], message: expect.stringMatching(/aliases expand too far/) }]);
  });
});

describe("site CSV", () => {
  const existing = parseInventoryYaml(YAML).inventory;
  const csv = [
    "network,name,role,platform,wanInterface,publicAddress,lanPrefixes,tags",
    "corp,branch3,spoke,vyos-1.4,eth0,192.0.2.10,10.3.0.0/24;10.33.0.0/24,emea paris",
    "corp,branch4,spoke,vyos-1.4,eth0,192.0.2.10,10.2.0.128/25,",
    "corp,branch5,spoke,juniper,eth0,,10.5.0.0/24,",
  ].join("\n");

  it("validates rows against what is stored, naming the row and field", () => {
    const raw = readSitesCsv(csv);
    expect(raw.issues).toEqual([]);
    const plan = planInventory({ networks: [], sites: raw.sites }, existing);
    expect(plan.issues.map(formatIssue)).toEqual([
      "row[4].platform: must be one of vyos-1.4, vyos-1.5, frr-linux, frr-linux-10, cisco-ios",
      "row[3].publicAddress: 192.0.2.10 is already the public address of branch3",
      "row[2].publicAddress: 192.0.2.10 is also given to branch4",
      "row[3].lanPrefixes[0]: 10.2.0.128/25 overlaps 10.2.0.0/24 of branch2",
    ]);
    const branch3 = plan.inventory.sites.find((s) => s.name === "branch3");
    expect(branch3).toMatchObject({
      tunnelAddress: "10.255.0.13",
      tags: ["emea", "paris"],
      lanPrefixes: ["10.3.0.0/24", "10.33.0.0/24"],
    });
  });

  it("refuses unknown and missing columns", () => {
    expect(readSitesCsv("name,colour\nx,red").issues.map(formatIssue)).toEqual([
      "header: unknown column(s) colour; expected network, name, role, platform, wanInterface, publicAddress, behindNat, lanPrefixes, tunnelAddress, asn, latitude, longitude, address, tags, notes",
      "header: missing required column network",
      "header: missing required column role",
      "header: missing required column platform",
      "header: missing required column wanInterface",
    ]);
  });

  it("never accepts duplicate or out-of-prefix tunnel addresses for random site lists (property)", () => {
    const site = fc.record({
      role: fc.constantFrom("hub", "spoke"),
      lan: fc.integer({ min: 0, max: 40 }),
      pin: fc.option(fc.integer({ min: 1, max: 62 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(site, { maxLength: 70 }), (list) => {
        const text = [
          "version: 1",
          "networks:",
          "  - { name: n, tunnelPrefix: 10.255.0.0/26, greKey: 1, nhrpNetworkId: 1 }",
        ].join("\n");
        const raw = readInventoryYaml(text);
        raw.sites = list.map((s, i) => ({
          network: "n",
          at: ["sites", i],
          fields: {
            name: `s${i}`,
            role: s.role,
            platform: "frr-linux",
            wanInterface: "eth0",
            publicAddress: s.role === "hub" ? `198.51.100.${i + 1}` : null,
            lanPrefixes: [`10.${s.lan}.${i}.0/24`],
            tunnelAddress: s.pin ? `10.255.0.${s.pin}` : null,
          },
        }));
        const { inventory, issues } = planInventory(raw);
        const addresses = inventory.sites.map((s) => s.tunnelAddress);
        const pins = list.flatMap((s) => (s.pin ? [s.pin] : []));
        if (new Set(pins).size !== pins.length) expect(issues.some((i) => /already taken/.test(i.message))).toBe(true);
        // An import with issues writes nothing; one without issues must be sound.
        if (issues.length === 0) {
          expect(new Set(addresses).size).toBe(addresses.length);
          for (const a of addresses) expect(a).toMatch(/^10\.255\.0\.([1-9]|[1-5]\d|6[0-2])$/);
          expect(addresses.length).toBe(list.length);
        }
      }),
    );
  });
});
