import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capturesDir } from "../host/paths";
import { between, countWanPackets, parseWanCapture } from "./wan-capture";

// Real tcpdump output: the lab's capture of the simulated internet with IPsec on (see each file's header).
const fixture = (name: string) => readFileSync(join(capturesDir(), "ipsec", name), "utf8");

describe("parseWanCapture (tcpdump -n -tt -i any on the lab's internet)", () => {
  const packets = parseWanCapture(fixture("tcpdump-wan.txt"));

  it("reads every packet line and nothing else (header and statistics lines are not packets)", () => {
    expect(packets).toHaveLength(50);
    expect(packets[0]).toEqual({
      src: "203.0.113.100",
      dst: "203.0.113.2",
      srcPort: 4500,
      dstPort: 4500,
      kind: "esp-in-udp",
    });
  });

  it("counts ESP, NAT-T ESP-in-UDP and IKE, and no cleartext GRE", () => {
    const counts = countWanPackets(packets);
    expect(counts.gre).toBe(0);
    expect(counts.esp).toBe(20);
    expect(counts["esp-in-udp"]).toBe(16);
    expect(counts.ike).toBe(14);
    expect(counts.other).toBe(0);
  });

  it("tells ESP between two spokes apart and finds the NAT spoke's traffic by its public address", () => {
    expect(countWanPackets(packets, between("203.0.113.12", "203.0.113.1")).esp).toBe(8);
    expect(countWanPackets(packets, between("203.0.113.11", "203.0.113.12")).ike).toBe(2);
    const fromNat = countWanPackets(packets, (p) => p.src === "203.0.113.100");
    expect(fromNat).toMatchObject({ "esp-in-udp": 8, esp: 0, gre: 0 });
  });

  it("classifies cleartext GRE by its outer addresses, not the LAN packet inside", () => {
    const gre = parseWanCapture(fixture("tcpdump-gre-crafted.txt"));
    expect(gre.map((p) => [p.src, p.dst, p.kind])).toEqual([
      ["203.0.113.11", "203.0.113.12", "gre"],
      ["203.0.113.12", "203.0.113.11", "gre"],
    ]);
    expect(countWanPackets(gre).gre).toBe(2);
  });
});
