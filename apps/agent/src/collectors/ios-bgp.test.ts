import { describe, expect, it } from "vitest";
import { iosCapture } from "./fixtures/read-capture";
import { parseAsNumber, parseIosBgpSummary } from "./ios-bgp";
import { CollectorError } from "./vtysh-output";

/** Published IOS / IOS-XE output; fixtures/ios/SOURCE.md and each file's header say where from. */
const parse = (name: string) => parseIosBgpSummary(iosCapture(name));

describe("show ip bgp summary (IOS / IOS-XE)", () => {
  it("a DMVPN hub's iBGP spokes (vIOS, indented as published)", () => {
    const s = parse("kevin-show-ip-bgp-summary-hub.txt");
    expect(s.routerId).toBe("10.10.10.10");
    expect(s.localAs).toBe(65_000);
    expect(s.neighbors).toEqual([
      {
        address: "172.16.1.2",
        remoteAs: 65_000,
        state: "Established",
        prefixesReceived: 2,
        upDownSeconds: 4 * 3600 + 33 * 60 + 35,
        messagesReceived: 305,
        messagesSent: 308,
      },
      expect.objectContaining({ address: "172.16.1.3", prefixesReceived: 2, upDownSeconds: 4 * 3600 + 31 * 60 + 10 }),
      expect.objectContaining({ address: "172.16.1.4", prefixesReceived: 2, upDownSeconds: 4 * 3600 + 30 * 60 + 42 }),
    ]);
  });

  it("an Internet edge: big counters, year-and-week uptimes, an `Idle (Admin)` neighbour", () => {
    const s = parse("ntc-show-ip-bgp-summary.txt");
    expect(s.neighbors).toHaveLength(10);
    expect(s.neighbors[0]).toMatchObject({ address: "10.0.0.1", remoteAs: 65_000, prefixesReceived: 558_720 });
    expect(s.neighbors[3]).toMatchObject({
      address: "10.0.0.4",
      state: "Established",
      prefixesReceived: 1351,
      upDownSeconds: 365 * 86_400 + 50 * 7 * 86_400,
    });
    // 0 prefixes is still an established session
    expect(s.neighbors[2]).toMatchObject({ state: "Established", prefixesReceived: 0 });
    expect(s.neighbors[9]).toMatchObject({
      address: "10.0.0.10",
      remoteAs: 65_009,
      state: "Idle (Admin)",
      prefixesReceived: null,
    });
  });

  it("asdot AS numbers, and the prompt after the table is not a neighbour", () => {
    const s = parse("ntc-show-ip-bgp-summary-asdot.txt");
    expect(s.localAs).toBe(65_000 * 65_536 + 1000);
    expect(s.neighbors.map((n) => [n.address, n.remoteAs, n.prefixesReceived])).toEqual([
      ["100.127.255.1", 65_000 * 65_536 + 1000, 6],
      ["100.127.255.7", 65_000 * 65_536 + 1001, 4],
      ["100.127.255.9", 65_000 * 65_536 + 1002, 4],
      ["192.88.99.1", 662 * 65_536 + 47_492, 435],
    ]);
  });

  it("`all` with two address families keeps IPv4 Unicast only", () => {
    const s = parse("ntc-show-ip-bgp-summary-all.txt");
    expect(s.routerId).toBe("1.1.1.1");
    expect(s.neighbors.map((n) => [n.address, n.remoteAs, n.state, n.prefixesReceived])).toEqual([
      ["10.0.14.4", 65_001, "Established", 7],
    ]);
  });

  it("an Idle neighbour that was never up, among prompt and Load/Time lines", () => {
    const s = parse("genie-show-ip-bgp-summary-idle.txt");
    expect(s.localAs).toBe(5918);
    expect(s.neighbors).toEqual([
      {
        address: "192.168.10.253",
        remoteAs: 61_100,
        state: "Idle",
        prefixesReceived: null,
        upDownSeconds: null,
        messagesReceived: 0,
        messagesSent: 0,
      },
    ]);
  });

  it("an IPv6 neighbour address wrapping its row (the only family printed is kept)", () => {
    const s = parse("genie-show-ip-bgp-summary-ipv6-wrapped.txt");
    expect(s.neighbors).toEqual([
      expect.objectContaining({ address: "1000:192:168:0:1::1", remoteAs: 100, state: "Idle", upDownSeconds: 7 }),
    ]);
  });
});

describe("show ip bgp summary: empty and malformed input", () => {
  it("BGP not configured, or no output: no neighbours", () => {
    const none = { routerId: null, localAs: null, neighbors: [] };
    expect(parseIosBgpSummary("")).toEqual(none);
    expect(parseIosBgpSummary("% BGP not active\r\n")).toEqual(none);
  });

  it("rows of another table are not neighbours", () => {
    expect(parseIosBgpSummary(iosCapture("ntc-show-dmvpn-spoke.txt")).neighbors).toEqual([]);
  });

  it("asdot halves out of range are no AS number", () => {
    expect(parseAsNumber("65536.1")).toBeNull();
    expect(parseAsNumber("x")).toBeNull();
    expect(parseAsNumber("4200000000")).toBe(4_200_000_000);
  });

  it("IOS refusing the command is a CollectorError", () => {
    expect(() => parseIosBgpSummary('% Ambiguous command:  "show ip bgp s"')).toThrow(CollectorError);
  });
});
