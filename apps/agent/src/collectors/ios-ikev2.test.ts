import { describe, expect, it } from "vitest";
import { iosCapture } from "./fixtures/read-capture";
import { parseIosIkev2Sas } from "./ios-ikev2";
import { CollectorError } from "./vtysh-output";

/** Published IOS / IOS-XE output; fixtures/ios/SOURCE.md and each file's header say where from. */
const parse = (name: string) => parseIosIkev2Sas(iosCapture(name));

describe("show crypto ikev2 sa detailed (IOS-XE)", () => {
  it("two SAs: one without NAT, one whose own side is behind NAT (NAT-T detected inside, port 4500)", () => {
    expect(parse("genie-show-crypto-ikev2-sa-detailed-2.txt")).toEqual([
      {
        tunnelId: "973",
        local: "92.1.121.1",
        localPort: 500,
        remote: "22.1.1.2",
        remotePort: 500,
        fvrf: "none",
        ivrf: "121",
        status: "READY",
        lifetimeSeconds: 86_400,
        activeSeconds: 12_689,
        statusDescription: "Negotiation done",
        localId: "user2621@cisco.com",
        remoteId: "22.1.1.2",
        nat: "none",
      },
      expect.objectContaining({
        tunnelId: "4",
        local: "10.1.1.2",
        localPort: 4500,
        remote: "10.1.1.1",
        remotePort: 4500,
        activeSeconds: 4006,
        nat: "local",
      }),
    ]);
  });

  it("FQDN identities, VRFs, and a peer behind NAT (`NAT-T is detected  outside`, padded)", () => {
    const sas = parse("genie-show-crypto-ikev2-sa-detailed-4.txt");
    expect(sas.map((s) => [s.tunnelId, s.remote, s.remotePort, s.fvrf, s.remoteId, s.nat])).toEqual([
      ["1", "107.90.29.85", 500, "gre", "example-r46.flex.example.com", "none"],
      ["8", "3.130.109.2", 4500, "gre", "test-r1.flex.example.com", "remote"],
      ["9", "65.27.58.179", 500, "gre", "test2-r1.split.flex.example.com", "none"],
    ]);
  });

  it("the same output with its column spacing collapsed, as published", () => {
    expect(parse("genie-show-crypto-ikev2-sa-detailed-3.txt")).toEqual([
      expect.objectContaining({
        tunnelId: "6",
        local: "1.1.1.2",
        remote: "2.2.2.2",
        status: "READY",
        activeSeconds: 1757,
        remoteId: "2.2.2.2",
        nat: "none",
      }),
    ]);
  });

  it("IPv6 SAs, whose addresses sit on their own Local/Remote lines", () => {
    const sas = parse("genie-show-crypto-ikev2-sa-detailed-7.txt");
    expect(sas.map((s) => [s.tunnelId, s.local, s.localPort, s.remote, s.status, s.activeSeconds])).toEqual([
      ["1", "2001:DB8:1101::131", 500, "2001:DB8:1201::122", "READY", 219],
      ["2", "2001:DB8:1101::131", 500, "2001:DB8:1202::123", "READY", 208],
    ]);
  });
});

describe("show crypto ikev2 sa (IOS, the plain form)", () => {
  it("reads the rows and Life/Active Time; the detailed-only fields stay null", () => {
    const sas = parse("kevin-show-crypto-ikev2-sa-hub.txt");
    expect(sas.map((s) => [s.tunnelId, s.local, s.remote, s.status, s.lifetimeSeconds, s.activeSeconds])).toEqual([
      ["2", "10.1.1.1", "20.1.1.1", "READY", 86_400, 1161],
      ["1", "10.1.1.1", "30.1.1.1", "READY", 86_400, 1165],
      ["3", "10.1.1.1", "40.1.1.1", "READY", 86_400, 1165],
    ]);
    expect(sas[0]).toMatchObject({ remoteId: null, statusDescription: null, nat: null });
  });
});

describe("show crypto ikev2 sa: empty and malformed input", () => {
  it("no SAs: empty output, or only the section titles", () => {
    expect(parseIosIkev2Sas("")).toEqual([]);
    expect(parseIosIkev2Sas(" IPv4 Crypto IKEv2  SA \r\n\r\n IPv6 Crypto IKEv2  SA \r\n")).toEqual([]);
  });

  it("an IPv6-form row whose address lines never came is not an SA", () => {
    expect(
      parseIosIkev2Sas("Tunnel-id    fvrf/ivrf              Status\n1          none/none             READY\n"),
    ).toEqual([]);
  });

  it("IOS refusing the command is a CollectorError", () => {
    expect(() => parseIosIkev2Sas("% Invalid input detected at '^' marker.")).toThrow(CollectorError);
  });
});
