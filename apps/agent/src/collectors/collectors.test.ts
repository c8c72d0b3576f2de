import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFrrBgpSummary } from "./frr-bgp";
import { parseFrrDmvpn } from "./frr-dmvpn";
import { parseFrrNhrpCache, parseFrrNhrpNhs, parseFrrNhrpShortcuts } from "./frr-nhrp";
import { parseIpLink } from "./ip-link";
import { parseSwanctlSas } from "./swanctl";
import { CollectorError, parseVtyshJson } from "./vtysh-output";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("vtysh output", () => {
  it("treats '% No entries' with exit code 1 as an empty table", () => {
    expect(parseVtyshJson(fixture("frr-no-entries.txt"), 1)).toBeNull();
    expect(parseFrrNhrpCache(parseVtyshJson(fixture("frr-no-entries.txt"), 1))).toEqual([]);
  });

  it("skips the text header printed before the JSON", () => {
    const json = parseVtyshJson(fixture("frr-nhrp-shortcut.txt"));
    expect(json).toMatchObject({ attr: { entriesCount: 2 } });
  });

  it("raises a collector error for a real failure", () => {
    expect(() => parseVtyshJson("% Unknown command: show ip nhrp foo\n", 1)).toThrow(CollectorError);
    expect(() => parseVtyshJson('{"attr": ', 0)).toThrow(/malformed/);
  });
});

describe("FRR NHRP", () => {
  const cache = parseFrrNhrpCache(parseVtyshJson(fixture("frr-nhrp-cache.json")));

  it("parses cache rows including NAT (claimed NBMA differs) and identities with spaces", () => {
    expect(cache).toHaveLength(4);
    expect(cache[1]).toEqual({
      interface: "gre1",
      type: "nhs",
      protocolAddress: "10.255.0.1",
      nbma: "203.0.113.1",
      claimedNbma: "203.0.113.1",
      expiresInSeconds: null,
      flags: { used: true, timeout: true, auth: false, up: true },
      identity: null,
    });
    expect(cache[2]).toMatchObject({
      type: "dynamic",
      nbma: "198.51.100.7",
      claimedNbma: "192.168.1.12",
      identity: "C=CH, O=Example, CN=spoke 2",
    });
    expect(cache[3]).toMatchObject({ type: "incomplete", claimedNbma: null, flags: { up: false } });
  });

  it("derives NHS registration from the protocol address and an nhs cache row", () => {
    const nhs = parseFrrNhrpNhs(parseVtyshJson(fixture("frr-nhrp-nhs.json")), cache);
    expect(nhs).toEqual([
      { interface: "gre1", nbma: "203.0.113.1", protocolAddress: "10.255.0.1", registered: true },
      { interface: "gre1", nbma: "203.0.113.2", protocolAddress: null, registered: false },
    ]);
    // without the nhs cache row the hub is not registered
    expect(parseFrrNhrpNhs(parseVtyshJson(fixture("frr-nhrp-nhs.json")), [])[0]!.registered).toBe(false);
  });

  it("parses shortcuts", () => {
    expect(parseFrrNhrpShortcuts(parseVtyshJson(fixture("frr-nhrp-shortcut.txt")))).toEqual([
      { type: "dynamic", prefix: "192.168.12.0/24", via: "10.255.0.12", identity: null },
      { type: "dynamic", prefix: "10.255.0.12/32", via: "10.255.0.12", identity: "CN=spoke 2" },
    ]);
  });

  it("parses a shortcut still being resolved, which FRR prints without `via` (seen in the lab)", () => {
    const json = { attr: { entriesCount: 1 }, table: [{ type: "incomplete", prefix: "192.168.12.1/32" }] };
    expect(parseFrrNhrpShortcuts(json)).toEqual([
      { type: "incomplete", prefix: "192.168.12.1/32", via: null, identity: null },
    ]);
  });

  it("parses show dmvpn json", () => {
    expect(parseFrrDmvpn(parseVtyshJson(fixture("frr-dmvpn.json")))).toEqual([
      { source: "198.51.100.11", destination: "203.0.113.1", notifierActive: true, installedSas: 1, identity: null },
      {
        source: "198.51.100.11",
        destination: "198.51.100.7",
        notifierActive: false,
        installedSas: 0,
        identity: "CN=spoke 2",
      },
    ]);
    expect(parseFrrDmvpn(parseVtyshJson("[]"))).toEqual([]);
  });

  it("rejects rows of the wrong shape", () => {
    expect(() => parseFrrNhrpCache({ table: [{ interface: 1 }] })).toThrow();
  });
});

describe("FRR BGP summary", () => {
  it("parses established and idle neighbours", () => {
    expect(parseFrrBgpSummary(parseVtyshJson(fixture("frr-bgp-summary.json")))).toEqual([
      { address: "10.255.0.1", remoteAs: 65000, state: "Established", prefixesReceived: 4, uptimeSeconds: 2500 },
      { address: "10.255.0.2", remoteAs: 65000, state: "Active", prefixesReceived: null, uptimeSeconds: null },
    ]);
  });

  it("parses FRR 8.4's unwrapped form (captured from a live bgpd with an idle neighbour)", () => {
    expect(parseFrrBgpSummary(parseVtyshJson(fixture("frr-8.4-bgp-ipv4-unicast-summary.json")))).toEqual([
      { address: "10.255.0.1", remoteAs: 65000, state: "Idle", prefixesReceived: null, uptimeSeconds: null },
    ]);
  });

  it("returns no neighbours when BGP is not configured", () => {
    expect(parseFrrBgpSummary(parseVtyshJson("{}\n"))).toEqual([]);
    expect(parseFrrBgpSummary(parseVtyshJson("% No BGP neighbors found in VRF default\n", 0))).toEqual([]);
  });
});

describe("swanctl --list-sas --pretty", () => {
  const sas = parseSwanctlSas(fixture("swanctl-list-sas-pretty.txt"));

  it("parses several IKE SAs with their child SAs", () => {
    expect(sas.map((s) => [s.uniqueId, s.state, s.children.length])).toEqual([
      ["1", "ESTABLISHED", 2],
      ["4", "ESTABLISHED", 1],
      ["5", "CONNECTING", 0],
    ]);
    expect(sas[0]!.children[0]).toEqual({
      name: "dmvpn",
      uniqueId: "7",
      state: "INSTALLED",
      mode: "TRANSPORT",
      bytesIn: 5000,
      bytesOut: 6000,
      packetsIn: 50,
      packetsOut: 60,
      installedSeconds: 280,
      localTs: ["198.51.100.11/32[gre]"],
      remoteTs: ["203.0.113.1/32[gre]"],
    });
    expect(sas[0]!.establishedSeconds).toBe(300);
  });

  it("marks NAT peers and keeps large byte counters", () => {
    expect(sas[1]).toMatchObject({ natRemote: true, remoteHost: "198.51.100.7", remoteId: "192.168.1.12" });
    expect(sas[1]!.children[0]!.bytesIn).toBe(123456789012);
    expect(sas[0]!.natRemote).toBe(false);
  });

  it("returns nothing for empty output and fails on truncated output", () => {
    expect(parseSwanctlSas("")).toEqual([]);
    expect(() => parseSwanctlSas("list-sa event {\n  dmvpn {\n")).toThrow(CollectorError);
  });
});

describe("ip -j -s link", () => {
  it("reads a GRE device (operstate UNKNOWN but UP/LOWER_UP) and its counters", () => {
    expect(parseIpLink(JSON.parse(fixture("ip-link-gre1.json")))).toEqual([
      { name: "gre1", operState: "up", mtu: 1400, rxBytes: 123456, txBytes: 654321, rxPackets: 1000, txPackets: 2000 },
    ]);
    expect(parseIpLink([{ ifname: "gre1", flags: ["POINTOPOINT", "NOARP"], operstate: "DOWN" }])[0]!.operState).toBe(
      "down",
    );
  });
});
