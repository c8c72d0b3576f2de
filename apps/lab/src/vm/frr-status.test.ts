import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capturesDir } from "../host/paths";
import { FRR_CAPTURE_VERSION } from "../host/smoke-run";
import { parseBgpPeers, parseNhrpCache, parseNhrpNhs, parseNhrpShortcuts } from "./frr-status";

// Real FRR 8.4.4 output captured by the smoke scenario (apps/lab/captures); the lab's wait conditions rely on
// reading these exactly.
const captured = (moment: string, router: string, slug: string) => {
  const base = join(capturesDir(), FRR_CAPTURE_VERSION, moment, router, slug);
  return {
    stdout: readFileSync(`${base}.txt`, "utf8"),
    stderr: "",
    exitCode: Number(readFileSync(`${base}.exit`, "utf8").trim()),
  };
};

describe("FRR 8.4.4 status as the lab reads it", () => {
  it("reads a spoke's registered NHSes", () => {
    const nhs = parseNhrpNhs(captured("registered", "spoke1", "show-ip-nhrp-nhs-json"));
    expect(nhs.map((n) => `${n.protocol}@${n.nbma}`).sort()).toEqual([
      "10.255.0.1@203.0.113.1",
      "10.255.0.2@203.0.113.2",
    ]);
  });

  it("reads the single-AFI BGP summary, whose peers are at the top level", () => {
    const peers = parseBgpPeers(captured("registered", "spoke1", "show-bgp-ipv4-unicast-summary-json"));
    expect(Object.keys(peers).sort()).toEqual(["10.255.0.1", "10.255.0.2"]);
    expect(Object.values(peers).every((p) => p.state === "Established")).toBe(true);
  });

  it("skips the text header 8.4 prints before the shortcut JSON", () => {
    const raw = captured("shortcut-up", "spoke1", "show-ip-nhrp-shortcut-json");
    expect(raw.stdout.startsWith("Type")).toBe(true);
    expect(parseNhrpShortcuts(raw)).toEqual([
      { type: "dynamic", prefix: "192.168.12.0/24", via: "10.255.0.12", identity: "" },
    ]);
  });

  it("reads an expired (empty) shortcut table as no shortcuts", () => {
    expect(parseNhrpShortcuts(captured("shortcut-expired", "spoke1", "show-ip-nhrp-shortcut-json"))).toEqual([]);
  });

  it("shows the NATed spoke on the hub with the NAT's address and its own claimed address", () => {
    const row = parseNhrpCache(captured("nat-spoke", "hub1", "show-ip-nhrp-cache-json")).find(
      (c) => c.protocol === "10.255.0.13",
    );
    expect(row).toMatchObject({ type: "dynamic", nbma: "203.0.113.100", claimed_nbma: "192.168.100.2" });
  });

  it("treats vtysh's '% No entries' (exit 1) as an empty table", () => {
    expect(parseNhrpCache({ stdout: "% No entries\n", stderr: "", exitCode: 1 })).toEqual([]);
  });
});
