import { describe, expect, it } from "vitest";
import { iosCapture } from "./fixtures/read-capture";
import { parseIosNhrp } from "./ios-nhrp";
import { CollectorError } from "./vtysh-output";

/** Published IOS / IOS-XE output; fixtures/ios/SOURCE.md and each file's header say where from. */
const parse = (name: string) => parseIosNhrp(iosCapture(name));

describe("show ip nhrp (IOS-XE), a phase 3 spoke on two tunnels", () => {
  const entries = parse("genie-show-ip-nhrp.txt");

  it("skips the echoed command and reads all five entries with their interfaces", () => {
    expect(entries.map((e) => [`${e.prefix}/${e.prefixLength}`, e.via, e.interface])).toEqual([
      ["100.0.0.2/32", "100.0.0.2", "Tunnel100"],
      ["100.0.0.100/32", "100.0.0.100", "Tunnel100"],
      ["123.1.1.0/24", "100.0.0.2", "Tunnel100"],
      ["100.0.0.1/32", "100.0.0.1", "Tunnel100"],
      ["111.0.0.100/32", "111.0.0.100", "Tunnel111"],
    ]);
  });

  it("a dynamic peer entry with a next-hop override route installed: flags, expiry, shortcut", () => {
    expect(entries[0]).toEqual({
      prefix: "100.0.0.2",
      prefixLength: 32,
      via: "100.0.0.2",
      interface: "Tunnel100",
      createdSeconds: 32,
      expiresInSeconds: 2 * 60 + 27,
      type: "dynamic",
      flags: ["router", "nhop", "rib"],
      nbma: "103.1.1.1",
      claimedNbma: null,
      noSocket: false,
      shortcut: true,
    });
  });

  it("a static hub entry with empty flags never expires; created 10w2d ago", () => {
    expect(entries[1]).toMatchObject({
      type: "static",
      flags: [],
      nbma: "101.1.1.1",
      expiresInSeconds: null,
      createdSeconds: (10 * 7 + 2) * 86_400,
      shortcut: false,
    });
  });

  it("a /24 shortcut route via a peer, and this router's own local no-socket entry", () => {
    expect(entries[2]).toMatchObject({ type: "dynamic", flags: ["router", "rib"], via: "100.0.0.2", shortcut: true });
    expect(entries[3]).toMatchObject({ flags: ["router", "unique", "local"], noSocket: true, nbma: "102.1.1.1" });
  });

  it("show ip nhrp detail reads the same, skipping Preference and Requester lines", () => {
    const detail = parse("genie-show-ip-nhrp-detail.txt");
    expect(detail.map((e) => [e.prefix, e.type, e.flags.join(" "), e.nbma, e.noSocket])).toEqual(
      entries.map((e) => [e.prefix, e.type, e.flags.join(" "), e.nbma, e.noSocket]),
    );
    expect(detail[0]!.expiresInSeconds).toBe(2 * 60 + 17);
  });
});

describe("show ip nhrp (IOS), CRLF terminal logs", () => {
  it("a spoke talking to a peer behind NAT: the claimed (private) NBMA address next to the public one", () => {
    const entries = parse("clarkson-show-ip-nhrp-nat.txt");
    expect(entries).toHaveLength(6);
    expect(entries[1]).toEqual({
      prefix: "20.169.169.2",
      prefixLength: 32,
      via: "20.169.169.2",
      interface: "Tunnel0",
      createdSeconds: 17 * 60 + 44,
      expiresInSeconds: 3600 + 42 * 60 + 17,
      type: "dynamic",
      flags: ["router"],
      nbma: "202.100.1.4",
      claimedNbma: "10.1.1.1",
      noSocket: false,
      shortcut: false,
    });
    // a network behind a peer (a /32 loopback via another address) is a route, not the peer itself
    expect(entries[5]).toMatchObject({
      prefix: "150.1.1.2",
      via: "20.169.169.2",
      shortcut: true,
      claimedNbma: "10.1.1.1",
    });
    expect(entries.filter((e) => e.type === "static").map((e) => [e.via, e.nbma, e.expiresInSeconds])).toEqual([
      ["20.169.169.253", "202.100.1.2", null],
      ["20.169.169.254", "202.100.1.1", null],
    ]);
  });

  it("a hub: spokes' registrations (unique registered) with NHRP groups, and a static entry on another tunnel", () => {
    const entries = parse("clarkson-show-ip-nhrp-hub-spoke.txt");
    expect(entries.map((e) => [e.via, e.interface, e.type, e.flags.join(" "), e.expiresInSeconds])).toEqual([
      ["10.169.169.253", "Tunnel51", "static", "", null],
      ["10.169.128.1", "Tunnel501", "dynamic", "unique registered", 3600 + 53 * 60 + 51],
      ["10.169.128.2", "Tunnel501", "dynamic", "unique registered", 3600 + 53 * 60 + 50],
      ["10.169.128.253", "Tunnel501", "static", "used", null],
    ]);
  });
});

describe("show ip nhrp (IOS-XE), a spoke with next-hop overrides", () => {
  it("the hub static, peers with nhop, its own local no-socket entry", () => {
    const entries = parse("enarsi-show-ip-nhrp-phase2-spoke.txt");
    expect(entries.map((e) => [e.via, e.type, e.flags.join(" "), e.nbma, e.expiresInSeconds, e.noSocket])).toEqual([
      ["172.16.123.1", "static", "used", "1.1.1.1", null, false],
      ["172.16.123.2", "dynamic", "router used nhop", "2.2.2.2", 9 * 60 + 52, false],
      ["172.16.123.3", "dynamic", "router unique local", "3.3.3.3", 9 * 60 + 52, true],
      ["172.16.123.4", "dynamic", "router used nhop", "4.4.4.4", 9 * 60 + 56, false],
    ]);
    // a next-hop override alone (no rib route) is a peer entry, not a shortcut route
    expect(entries.map((e) => e.shortcut)).toEqual([false, false, false, false]);
  });
});

describe("show ip nhrp: empty and malformed input", () => {
  it("an empty cache is an empty list", () => {
    expect(parseIosNhrp("")).toEqual([]);
  });

  it("an entry header without its Type line, or unrelated text, yields no entry", () => {
    expect(parseIosNhrp("10.0.0.1/32 via 10.0.0.1\n")).toEqual([]);
    expect(parseIosNhrp(iosCapture("kevin-show-dmvpn-detail-hub.txt"))).toEqual([]);
  });

  it("IOS refusing the command is a CollectorError", () => {
    expect(() => parseIosNhrp("% Incomplete command.\n")).toThrow(CollectorError);
  });
});
