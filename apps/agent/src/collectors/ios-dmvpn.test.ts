import { describe, expect, it } from "vitest";
import { iosCapture } from "./fixtures/read-capture";
import { parseIosDmvpn } from "./ios-dmvpn";
import { CollectorError } from "./vtysh-output";

/** Published IOS / IOS-XE output; fixtures/ios/SOURCE.md and each file's header say where from. */
const parse = (name: string) => parseIosDmvpn(iosCapture(name));

describe("show dmvpn detail (IOS), a phase 3 hub with IKEv2-protected spokes (vIOS, indented as published)", () => {
  const d = parse("kevin-show-dmvpn-detail-hub.txt");

  it("reads the tunnel header: line state, own tunnel address, NBMA source and role", () => {
    expect(d.interfaces).toHaveLength(1);
    expect(d.interfaces[0]).toMatchObject({
      name: "Tunnel0",
      lineState: "up/up",
      address: "172.16.1.1",
      source: "10.1.1.1",
      role: "Hub",
      nhs: [],
    });
  });

  it("reads every spoke row with its target network", () => {
    expect(d.interfaces[0]!.peers).toEqual([
      {
        nbma: "20.1.1.1",
        tunnelAddress: "172.16.1.2",
        state: "UP",
        upDownSeconds: 14 * 60 + 12,
        attributes: ["D"],
        targetNetwork: "172.16.1.2/32",
      },
      expect.objectContaining({ nbma: "30.1.1.1", tunnelAddress: "172.16.1.3", upDownSeconds: 855 }),
      expect.objectContaining({ nbma: "40.1.1.1", tunnelAddress: "172.16.1.4", upDownSeconds: 855 }),
    ]);
  });

  it("reads the crypto sessions: IKEv2 peers, session status, identity, SAs and packet counts", () => {
    expect(d.sessions).toHaveLength(3);
    expect(d.sessions[0]).toEqual({
      interface: "Tunnel0",
      ikeVersion: 2,
      local: "10.1.1.1",
      remote: "20.1.1.1",
      ikeState: "Active",
      status: "UP-ACTIVE",
      phase1Id: "20.20.20.20",
      activeSas: 2,
      packetsIn: 41,
      packetsOut: 42,
      pending: false,
    });
    expect(d.sessions.map((s) => [s.remote, s.phase1Id])).toEqual([
      ["20.1.1.1", "20.20.20.20"],
      ["30.1.1.1", "30.30.30.30"],
      ["40.1.1.1", "40.40.40.40"],
    ]);
  });
});

describe("show dmvpn detail (IOS), a hub that registers to another hub, CRLF terminal log", () => {
  const d = parse("clarkson-show-dmvpn-detail-hub-spoke.txt");

  it("lists the admin-down tunnel without peers and reads the live one", () => {
    expect(d.interfaces.map((i) => [i.name, i.lineState])).toEqual([
      ["Tunnel51", "admin down"],
      ["Tunnel501", "up/up"],
    ]);
    expect(d.interfaces[0]!.peers).toEqual([]);
  });

  it("reads the NHS on the `IPv4 NHS:` line: responding (R), so registered", () => {
    const t = d.interfaces[1]!;
    expect(t).toMatchObject({ address: "10.169.128.254", source: "58.169.1.1", role: "Hub/Spoke" });
    expect(t.nhs).toEqual([{ address: "10.169.128.253", flags: "RE" }]);
  });

  it("skips the NHRP group and QoS lines between rows", () => {
    expect(
      d.interfaces[1]!.peers.map((p) => [p.nbma, p.tunnelAddress, p.attributes.join(""), p.targetNetwork]),
    ).toEqual([
      ["58.169.1.4", "10.169.128.1", "D", "10.169.128.1/32"],
      ["58.169.1.3", "10.169.128.2", "D", "10.169.128.2/32"],
      ["58.169.1.2", "10.169.128.253", "S", "10.169.128.253/32"],
    ]);
    expect(d.interfaces[1]!.peers[0]!.upDownSeconds).toBe(5 * 3600 + 51 * 60 + 1);
  });

  it("an empty Crypto Session Details section (no tunnel protection): no sessions", () => {
    expect(d.sessions).toEqual([]);
  });
});

describe("show dmvpn detail (IOS-XE), a spoke registered to its hub, with an IKEv2 session", () => {
  const d = parse("enarsi-show-dmvpn-detail-spoke.txt");

  it("reads the NHS listed on the line after `IPv4 NHS:`", () => {
    expect(d.interfaces[0]).toMatchObject({
      name: "Tunnel0",
      lineState: "up/up",
      address: "172.16.123.4",
      source: "4.4.4.4",
      role: "Spoke",
      nhs: [{ address: "172.16.123.1", flags: "RE" }],
    });
  });

  it("reads a further entry of the same peer that repeats the NBMA address but not # Ent (a temporary I2 entry)", () => {
    expect(
      d.interfaces[0]!.peers.map((p) => [p.nbma, p.tunnelAddress, p.attributes.join(","), p.upDownSeconds]),
    ).toEqual([
      ["1.1.1.1", "172.16.123.1", "S", 13 * 60 + 38],
      ["1.1.1.1", "172.16.123.4", "I2", 6],
      ["2.2.2.2", "172.16.123.2", "D", 17],
      ["3.3.3.3", "172.16.123.3", "D", 8],
    ]);
  });

  it("reads the IKEv2 session to the hub", () => {
    expect(d.sessions).toEqual([
      {
        interface: "Tunnel0",
        ikeVersion: 2,
        local: "4.4.4.4",
        remote: "1.1.1.1",
        ikeState: "Active",
        status: "UP-ACTIVE",
        phase1Id: "1.1.1.1",
        activeSas: 2,
        packetsIn: 47,
        packetsOut: 47,
        pending: false,
      },
    ]);
  });
});

describe("show dmvpn (plain form) across images", () => {
  it("IOS-XE spoke with two tunnels: per-tunnel tables, IKE/NHRP states, week and day durations, T1/T2 attributes", () => {
    const d = parse("genie-show-dmvpn-two-tunnels.txt");
    expect(d.interfaces.map((i) => [i.name, i.role, i.peers.length])).toEqual([
      ["Tunnel84", "Spoke", 1],
      ["Tunnel90", "Spoke", 5],
    ]);
    expect(d.interfaces[0]!.peers[0]).toEqual({
      nbma: "172.30.84.1",
      tunnelAddress: "172.29.0.1",
      state: "NHRP",
      upDownSeconds: null, // never
      attributes: ["S", "C"],
      targetNetwork: null,
    });
    const t90 = d.interfaces[1]!.peers;
    expect(t90[0]).toMatchObject({ nbma: "172.29.0.1", state: "IKE", upDownSeconds: (3 * 7 + 5) * 86_400 });
    // a second entry for the same NBMA peer is a row without # Ent and NBMA address
    expect(t90[2]).toMatchObject({
      nbma: "172.29.0.2",
      tunnelAddress: "172.30.90.25",
      upDownSeconds: 6 * 86_400 + 12 * 3600,
    });
    expect(t90.slice(3).map((p) => p.attributes)).toEqual([
      ["D", "T2"],
      ["D", "T1"],
    ]);
  });

  it("IOS spoke: one hub up, the other unanswered for 48 weeks", () => {
    const d = parse("ntc-show-dmvpn-spoke.txt");
    expect(d.interfaces[0]!.peers.map((p) => [p.nbma, p.tunnelAddress, p.state, p.upDownSeconds])).toEqual([
      ["10.200.0.3", "10.253.0.1", "UP", 3 * 3600 + 19 * 60 + 46],
      ["10.202.0.170", "10.253.0.2", "NHRP", 48 * 7 * 86_400],
    ]);
  });

  it("IOS hub with a NATed spoke (DN) and no-socket entries (DX, DNX)", () => {
    const d = parse("clarkson-show-dmvpn-nat.txt");
    expect(d.interfaces.map((i) => i.name)).toEqual(["Tunnel31", "Tunnel301"]);
    expect(d.interfaces[1]!.peers.map((p) => [p.nbma, p.tunnelAddress, p.attributes.join(",")])).toEqual([
      ["202.100.1.3", "20.169.169.1", "D"],
      ["202.100.1.3", "20.169.169.1", "D,X"],
      ["202.100.1.4", "20.169.169.2", "D,N"],
      ["202.100.1.2", "20.169.169.253", "S"],
    ]);
  });

  it("IPv6 NBMA addresses that wrap the row onto a second line", () => {
    const d = parse("genie-show-dmvpn-ipv6-nbma.txt");
    expect(d.interfaces[0]!.peers.map((p) => [p.nbma, p.tunnelAddress, p.state, p.upDownSeconds])).toEqual([
      ["2001:DB8:1201::122", "192.2.1.122", "UP", 139],
      ["2001:DB8:1202::123", "192.3.1.123", "UP", 128],
    ]);
  });

  it("an UNKNOWN NBMA peer, no legend, no final newline", () => {
    const d = parse("genie-show-dmvpn-unknown.txt");
    expect(d.interfaces[0]).toMatchObject({ name: "Tunnel2238", role: "Unknown" });
    expect(d.interfaces[0]!.peers).toEqual([
      {
        nbma: "UNKNOWN",
        tunnelAddress: "172.28.172.30",
        state: "NHRP",
        upDownSeconds: null,
        attributes: ["I", "X"],
        targetNetwork: null,
      },
    ]);
  });
});

describe("show dmvpn: empty and malformed input", () => {
  it("empty output (no DMVPN tunnel) is an empty result", () => {
    expect(parseIosDmvpn("")).toEqual({ interfaces: [], sessions: [] });
    expect(parseIosDmvpn("\r\n\r\n")).toEqual({ interfaces: [], sessions: [] });
  });

  it("text that is not show dmvpn yields nothing rather than invented peers", () => {
    expect(parseIosDmvpn(iosCapture("ntc-show-ip-bgp-summary.txt"))).toEqual({ interfaces: [], sessions: [] });
    expect(parseIosDmvpn("1 2 3 4 5 6\nfoo bar baz qux\n     1 10.0.0.1 not-an-ip UP 00:00:01 D")).toEqual({
      interfaces: [],
      sessions: [],
    });
  });

  it("IOS refusing the command is a CollectorError naming the command", () => {
    const refused = "show dmvpn detail\n                 ^\n% Invalid input detected at '^' marker.\n";
    expect(() => parseIosDmvpn(refused)).toThrow(CollectorError);
    expect(() => parseIosDmvpn(refused)).toThrow(/show dmvpn: IOS refused the command: % Invalid input detected/);
  });
});
