import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SiteStatus } from "@dmvpn/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { iosCapture } from "./fixtures/read-capture";
import { buildIosStatus, IOS_STATUS_COMMANDS, type IosStatusOutputs } from "./ios-status";
import { parseIosDuration, sameInterface } from "./ios-text";
import { CollectorError } from "./vtysh-output";

const now = new Date("2026-12-06T05:00:00Z");
const none: IosStatusOutputs = { dmvpn: "", ikev2: "", nhrp: "", bgp: "" };

describe("buildIosStatus: a phase 3 hub's published outputs (one vIOS router, one moment)", () => {
  const status = buildIosStatus(
    {
      dmvpn: iosCapture("kevin-show-dmvpn-detail-hub.txt"),
      ikev2: iosCapture("kevin-show-crypto-ikev2-sa-hub.txt"),
      // not published for this router
      nhrp: "",
      bgp: iosCapture("kevin-show-ip-bgp-summary-hub.txt"),
    },
    { tunnelInterface: "Tunnel0", now },
  );

  it("is a valid protocol SiteStatus stamped with the collection time", () => {
    expect(SiteStatus.parse(status)).toEqual(status);
    expect(status.collectedAt).toBe("2026-12-06T05:00:00.000Z");
  });

  it("reports no tunnel counters rather than made-up ones (IOS's dmvpn output has none)", () => {
    expect(status.tunnels).toEqual([]);
  });

  it("NBMA-to-NBMA tunnels from the dmvpn table, with their IKEv2 sessions' identity and SAs", () => {
    expect(status.dmvpnPeers).toEqual([
      { source: "10.1.1.1", destination: "20.1.1.1", notifierActive: true, installedSas: 2, identity: "20.20.20.20" },
      { source: "10.1.1.1", destination: "30.1.1.1", notifierActive: true, installedSas: 2, identity: "30.30.30.30" },
      { source: "10.1.1.1", destination: "40.1.1.1", notifierActive: true, installedSas: 2, identity: "40.40.40.40" },
    ]);
  });

  it("IKEv2 SAs in the console's vocabulary: READY is ESTABLISHED, with its active time", () => {
    expect(status.ipsecSas[0]).toEqual({
      name: "IKEv2 SA 2",
      uniqueId: "2",
      state: "ESTABLISHED",
      localHost: "10.1.1.1",
      remoteHost: "20.1.1.1",
      remoteId: null,
      establishedSeconds: 1161,
      natRemote: false,
      children: [],
    });
    // the topology pairs a site's SA with its peer by NBMA address
    expect(status.ipsecSas.map((sa) => sa.remoteHost)).toEqual(status.dmvpnPeers.map((p) => p.destination));
  });

  it("BGP neighbours with state, prefixes and uptime", () => {
    expect(status.bgpNeighbors).toEqual([
      { address: "172.16.1.2", remoteAs: 65_000, state: "Established", prefixesReceived: 2, uptimeSeconds: 16_415 },
      { address: "172.16.1.3", remoteAs: 65_000, state: "Established", prefixesReceived: 2, uptimeSeconds: 16_270 },
      { address: "172.16.1.4", remoteAs: 65_000, state: "Established", prefixesReceived: 2, uptimeSeconds: 16_242 },
    ]);
  });

  it("the tunnel may be named as IOS abbreviates it", () => {
    const short = buildIosStatus(
      { ...none, dmvpn: iosCapture("kevin-show-dmvpn-detail-hub.txt") },
      { tunnelInterface: "tu0", now },
    );
    expect(short.dmvpnPeers).toHaveLength(3);
  });
});

describe("buildIosStatus: a hub that also registers to another hub (one IOS router, one moment)", () => {
  const status = buildIosStatus(
    {
      ...none,
      dmvpn: iosCapture("clarkson-show-dmvpn-detail-hub-spoke.txt"),
      nhrp: iosCapture("clarkson-show-ip-nhrp-hub-spoke.txt"),
    },
    { tunnelInterface: "Tunnel501", now },
  );

  it("the NHRP cache of the managed tunnel only: registered spokes dynamic, the other hub static", () => {
    expect(status.nhrpCache).toEqual([
      {
        interface: "Tunnel501",
        type: "dynamic",
        protocolAddress: "10.169.128.1",
        nbma: "58.169.1.4",
        claimedNbma: "58.169.1.4",
        expiresInSeconds: 6831,
        flags: { used: false, timeout: true, auth: false, up: true },
        identity: null,
      },
      expect.objectContaining({ type: "dynamic", protocolAddress: "10.169.128.2", nbma: "58.169.1.3" }),
      {
        interface: "Tunnel501",
        type: "static",
        protocolAddress: "10.169.128.253",
        nbma: "58.169.1.2",
        claimedNbma: "58.169.1.2",
        expiresInSeconds: null,
        flags: { used: true, timeout: false, auth: false, up: true },
        identity: null,
      },
    ]);
  });

  it("its NHS registration: responding, so registered, with the hub's NBMA address from the dmvpn table", () => {
    expect(status.nhs).toEqual([
      { interface: "Tunnel501", nbma: "58.169.1.2", protocolAddress: "10.169.128.253", registered: true },
    ]);
  });

  it("NBMA tunnels without IPsec (the tunnel has no protection): no SAs, notifier inactive", () => {
    expect(status.dmvpnPeers.map((p) => [p.source, p.destination, p.notifierActive, p.installedSas])).toEqual([
      ["58.169.1.1", "58.169.1.4", false, 0],
      ["58.169.1.1", "58.169.1.3", false, 0],
      ["58.169.1.1", "58.169.1.2", false, 0],
    ]);
    expect(status.ipsecSas).toEqual([]);
    expect(status.bgpNeighbors).toEqual([]);
  });
});

describe("buildIosStatus: a spoke's show dmvpn detail (IOS-XE)", () => {
  const status = buildIosStatus(
    { ...none, dmvpn: iosCapture("enarsi-show-dmvpn-detail-spoke.txt") },
    { tunnelInterface: "Tunnel0", now },
  );

  it("its hub registration: the NHS responds, its NBMA address comes from the hub's row", () => {
    expect(status.nhs).toEqual([
      { interface: "Tunnel0", nbma: "1.1.1.1", protocolAddress: "172.16.123.1", registered: true },
    ]);
  });

  it("one NBMA tunnel per peer; only the hub's is IPsec-protected in this output", () => {
    expect(status.dmvpnPeers).toEqual([
      { source: "4.4.4.4", destination: "1.1.1.1", notifierActive: true, installedSas: 2, identity: "1.1.1.1" },
      { source: "4.4.4.4", destination: "2.2.2.2", notifierActive: false, installedSas: 0, identity: null },
      { source: "4.4.4.4", destination: "3.3.3.3", notifierActive: false, installedSas: 0, identity: null },
    ]);
  });
});

describe("buildIosStatus: NHRP entry types, NAT and shortcuts", () => {
  it("a peer behind NAT keeps both addresses; this router's own entry is local; a route behind a peer is a shortcut", () => {
    const status = buildIosStatus(
      { ...none, nhrp: iosCapture("clarkson-show-ip-nhrp-nat.txt") },
      { tunnelInterface: "Tunnel0", now },
    );
    expect(status.nhrpCache.map((e) => [e.type, e.protocolAddress, e.nbma, e.claimedNbma])).toEqual([
      ["local", "20.169.169.1", "202.100.1.3", "202.100.1.3"],
      ["dynamic", "20.169.169.2", "202.100.1.4", "10.1.1.1"],
      ["static", "20.169.169.253", "202.100.1.2", "202.100.1.2"],
      ["static", "20.169.169.254", "202.100.1.1", "202.100.1.1"],
    ]);
    // the local network 150.1.1.1/32 is this router's own, not a shortcut
    expect(status.shortcuts).toEqual([
      { type: "dynamic", prefix: "150.1.1.2/32", via: "20.169.169.2", identity: null },
    ]);
  });

  it("phase 3 routes (rib, nhop) are shortcuts; the peer entry stays in the cache; other tunnels are left out", () => {
    const status = buildIosStatus(
      { ...none, nhrp: iosCapture("genie-show-ip-nhrp.txt") },
      { tunnelInterface: "Tunnel100", now },
    );
    expect(status.shortcuts.map((s) => [s.prefix, s.via])).toEqual([
      ["100.0.0.2/32", "100.0.0.2"],
      ["123.1.1.0/24", "100.0.0.2"],
    ]);
    expect(status.nhrpCache.map((e) => [e.type, e.protocolAddress, e.expiresInSeconds])).toEqual([
      ["dynamic", "100.0.0.2", 147],
      ["static", "100.0.0.100", null],
      ["local", "100.0.0.1", 149],
    ]);
  });

  it("plain `show dmvpn` (no tunnel source, no NHS list): no NBMA tunnels or registrations are stated", () => {
    const status = buildIosStatus(
      { ...none, dmvpn: iosCapture("ntc-show-dmvpn-spoke.txt") },
      { tunnelInterface: "Tunnel100", now },
    );
    expect(status.dmvpnPeers).toEqual([]);
    expect(status.nhs).toEqual([]);
  });

  it("an IKEv2 peer behind NAT is natRemote; this router behind NAT is not", () => {
    const status = buildIosStatus(
      { ...none, ikev2: iosCapture("genie-show-crypto-ikev2-sa-detailed-4.txt") },
      { tunnelInterface: "Tunnel0", now },
    );
    expect(status.ipsecSas.map((sa) => [sa.uniqueId, sa.remoteHost, sa.remoteId, sa.natRemote])).toEqual([
      ["1", "107.90.29.85", "example-r46.flex.example.com", false],
      ["8", "3.130.109.2", "test-r1.flex.example.com", true],
      ["9", "65.27.58.179", "test2-r1.split.flex.example.com", false],
    ]);
    const inside = buildIosStatus(
      { ...none, ikev2: iosCapture("genie-show-crypto-ikev2-sa-detailed-2.txt") },
      { tunnelInterface: "Tunnel0", now },
    );
    expect(inside.ipsecSas.map((sa) => sa.natRemote)).toEqual([false, false]);
  });
});

describe("buildIosStatus: empty and broken input", () => {
  it("all outputs empty: an empty status, not an error", () => {
    expect(buildIosStatus(none, { tunnelInterface: "Tunnel0", now })).toEqual({
      collectedAt: now.toISOString(),
      tunnels: [],
      nhrpCache: [],
      nhs: [],
      shortcuts: [],
      dmvpnPeers: [],
      ipsecSas: [],
      bgpNeighbors: [],
    });
  });

  it("another tunnel than the one asked for: nothing of it is reported", () => {
    const status = buildIosStatus(
      { ...none, dmvpn: iosCapture("kevin-show-dmvpn-detail-hub.txt"), nhrp: iosCapture("genie-show-ip-nhrp.txt") },
      { tunnelInterface: "Tunnel7", now },
    );
    expect([status.dmvpnPeers, status.nhrpCache, status.nhs, status.shortcuts]).toEqual([[], [], [], []]);
  });

  it("a command IOS refused: a CollectorError that names it", () => {
    const refused = "                         ^\r\n% Invalid input detected at '^' marker.\r\n";
    expect(() => buildIosStatus({ ...none, ikev2: refused }, { tunnelInterface: "Tunnel0", now })).toThrow(
      new CollectorError("show crypto ikev2 sa: IOS refused the command: % Invalid input detected at '^' marker."),
    );
  });

  it("text that does not fit the protocol (a 40-character BGP state) is a CollectorError naming the field", () => {
    const bgp = `10.0.0.1        4        65000       1       1        1    0    0 never    ${"X".repeat(40)}`;
    expect(() => buildIosStatus({ ...none, bgp }, { tunnelInterface: "Tunnel0", now })).toThrow(
      /IOS status does not fit the protocol at bgpNeighbors\.0\.state/,
    );
  });

  it("any mix of published lines and noise gives a valid status or a CollectorError, never a crash", () => {
    const dir = join(import.meta.dirname, "fixtures/ios");
    const lines = readdirSync(dir)
      .filter((f) => f.endsWith(".txt"))
      .flatMap((f) => iosCapture(f).split("\n"));
    const line = fc.oneof(fc.constantFrom(...lines), fc.string({ maxLength: 80 }));
    const output = fc.array(line, { maxLength: 40 }).map((l) => l.join("\n"));
    fc.assert(
      fc.property(output, output, output, output, (dmvpn, ikev2, nhrp, bgp) => {
        try {
          const status = buildIosStatus({ dmvpn, ikev2, nhrp, bgp }, { tunnelInterface: "Tunnel0", now });
          expect(SiteStatus.safeParse(status).success).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(CollectorError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("IOS text helpers", () => {
  it("the commands the driver runs", () => {
    expect(Object.values(IOS_STATUS_COMMANDS)).toEqual([
      "show dmvpn detail",
      "show crypto ikev2 sa detailed",
      "show ip nhrp",
      "show ip bgp summary",
    ]);
  });

  it("IOS durations", () => {
    expect(parseIosDuration("00:14:12")).toBe(852);
    expect(parseIosDuration("6d12h")).toBe(6 * 86_400 + 12 * 3600);
    expect(parseIosDuration("3w5d")).toBe(26 * 86_400);
    expect(parseIosDuration("1y10w")).toBe(365 * 86_400 + 70 * 86_400);
    expect(parseIosDuration("never")).toBeNull();
    expect(parseIosDuration("")).toBeNull();
  });

  it("interface names as IOS abbreviates them", () => {
    expect(sameInterface("Tunnel0", "Tu0")).toBe(true);
    expect(sameInterface("Tunnel0", "tunnel 0")).toBe(true);
    expect(sameInterface("Tunnel0", "Tunnel01")).toBe(false);
    expect(sameInterface("Tunnel1", "Tunnel10")).toBe(false);
  });
});
