import { NhrpCacheEntry, NhrpShortcut, NhsRegistration } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { opennhrpCapture } from "./fixtures/read-capture";
import { parseExpiresIn, parseOpennhrpRegisterMaps, parseOpennhrpShow } from "./opennhrp";
import { CollectorError } from "./vtysh-output";

const local = (protocolAddress: string) => ({
  interface: "tun0",
  type: "local",
  protocolAddress,
  nbma: "",
  claimedNbma: null,
  expiresInSeconds: null,
  flags: { used: false, timeout: false, auth: false, up: true },
  identity: null,
});
const hubMap = (protocolAddress: string, nbma: string, up: boolean) => ({
  interface: "tun0",
  type: "static",
  protocolAddress,
  nbma,
  claimedNbma: nbma,
  expiresInSeconds: null,
  flags: { used: false, timeout: false, auth: false, up },
  identity: null,
});

describe("opennhrpctl show (VyOS 1.4), real opennhrp 0.14.1 output", () => {
  it("a spoke registering with two hubs: local entries up, both hub maps lower-up, so neither hub registered", () => {
    const s = parseOpennhrpShow(opennhrpCapture("spoke-registering.txt"));
    expect(s.cache).toEqual([
      local("10.255.0.255"),
      local("10.255.0.11"),
      hubMap("10.255.0.2", "203.0.113.2", false),
      hubMap("10.255.0.1", "203.0.113.1", false),
    ]);
    expect(s.nhs).toEqual([
      { interface: "tun0", nbma: "203.0.113.2", protocolAddress: null, registered: false },
      { interface: "tun0", nbma: "203.0.113.1", protocolAddress: null, registered: false },
    ]);
    expect(s.shortcuts).toEqual([]);
  });

  it("an address being resolved: an incomplete entry without NBMA, flags or expiry", () => {
    const s = parseOpennhrpShow(opennhrpCapture("spoke-resolving.txt"));
    expect(s.cache.find((c) => c.protocolAddress === "10.255.0.12")).toEqual({
      interface: "tun0",
      type: "incomplete",
      protocolAddress: "10.255.0.12",
      nbma: "",
      claimedNbma: null,
      expiresInSeconds: null,
      flags: { used: false, timeout: false, auth: false, up: false },
      identity: null,
    });
    expect(s.nhs.map((n) => n.nbma)).toEqual(["203.0.113.2", "203.0.113.1"]);
  });

  it("a hub's map to the other hub (no register) is up at once: only the config tells it is not a hub to register with", () => {
    const text = opennhrpCapture("hub.txt");
    expect(parseOpennhrpShow(text).nhs).toEqual([
      { interface: "tun0", nbma: "203.0.113.2", protocolAddress: "10.255.0.2", registered: true },
    ]);
    const registerNbmas = parseOpennhrpRegisterMaps(opennhrpCapture("hub.opennhrp.conf"));
    const s = parseOpennhrpShow(text, { registerNbmas });
    expect(s.nhs).toEqual([]);
    expect(s.cache.map((c) => [c.type, c.protocolAddress, c.flags.up])).toEqual([
      ["local", "10.255.0.255", true],
      ["local", "10.255.0.1", true],
      ["static", "10.255.0.2", true],
    ]);
  });

  it("reads the hubs from the register maps of VyOS's opennhrp.conf", () => {
    expect([...parseOpennhrpRegisterMaps(opennhrpCapture("spoke.opennhrp.conf"))]).toEqual([
      "203.0.113.1",
      "203.0.113.2",
    ]);
    expect(parseOpennhrpRegisterMaps(opennhrpCapture("hub.opennhrp.conf")).size).toBe(0);
  });

  it("parses an empty table", () => {
    expect(parseOpennhrpShow(opennhrpCapture("empty-table.txt"))).toEqual({ cache: [], nhs: [], shortcuts: [] });
  });

  it("raises a collector error naming the reason when opennhrp reports a failure or is not running", () => {
    expect(() => parseOpennhrpShow(opennhrpCapture("failed.txt"))).toThrow(
      /Status: failed \(Reason: interface-not-found\)/,
    );
    // not running: the message goes to stderr, stdout is empty
    expect(opennhrpCapture("not-running.stderr.txt")).toMatch(/^Failed to connect to opennhrp daemon/);
    expect(() => parseOpennhrpShow("")).toThrow(CollectorError);
    expect(() => parseOpennhrpShow("")).toThrow(/printed nothing/);
  });

  it("reads opennhrp's m:ss expiry", () => {
    expect(parseExpiresIn("4:52")).toBe(292);
    expect(parseExpiresIn("0:05")).toBe(5);
    expect(parseExpiresIn("1:02:03")).toBe(3723);
    expect(parseExpiresIn("soon")).toBeNull();
  });

  it("produces rows that validate against the protocol schemas", () => {
    for (const name of ["spoke-registering.txt", "spoke-resolving.txt", "hub.txt", "empty-table.txt"]) {
      const s = parseOpennhrpShow(opennhrpCapture(name));
      for (const c of s.cache) expect(NhrpCacheEntry.safeParse(c).success, name).toBe(true);
      for (const n of s.nhs) expect(NhsRegistration.safeParse(n).success, name).toBe(true);
      for (const r of s.shortcuts) expect(NhrpShortcut.safeParse(r).success, name).toBe(true);
    }
  });
});
