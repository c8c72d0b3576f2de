import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { lostAllHubs, type SiteStatus } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../drivers/exec";
import { collectRouterStatus } from "./collect";
import { emulateVtyshBatch } from "./vtysh-batch-emulation";

/**
 * The agent's collection, fed with what real FRR 8.4.4 printed in the lab VM (apps/lab/captures, refreshed by
 * `npm run smoke -w @dmvpn/lab -- --update-captures`): one directory per moment and router, one file per command.
 */
const CAPTURES = join(import.meta.dirname, "../../../lab/captures/frr-8.4.4");

/** "show ip nhrp cache json" -> show-ip-nhrp-cache-json; ip -j -s link show dev gre1 -> ip-j-s-link-show-dev-gre1 */
const slug = (argv: string[]) => {
  const words = argv[0] === "vtysh" ? (argv[argv.indexOf("-c") + 1] ?? "").split(" ") : argv;
  return words.map((w) => w.replace(/^-+/, "")).join("-");
};

function replay(moment: string, router: string): CommandRunner {
  const dir = join(CAPTURES, moment, router);
  if (!existsSync(dir)) throw new Error(`no capture ${moment}/${router}`);
  const one = (argv: string[]) => {
    const base = join(dir, slug(argv));
    const file = `${base}.txt`;
    if (!existsSync(file)) return { stdout: "", stderr: `${argv[0]}: not captured`, exitCode: 127 };
    const exitCode = Number(readFileSync(`${base}.exit`, "utf8").trim());
    return { stdout: readFileSync(file, "utf8"), stderr: "", exitCode };
  };
  // the captures are one file per command; the agent asks vtysh for all of them at once
  return async (argv) => ({ stdout: "", stderr: "", exitCode: 0, ...emulateVtyshBatch(argv, one) });
}

const collect = (moment: string, router: string): Promise<SiteStatus> =>
  collectRouterStatus({
    run: replay(moment, router),
    vtysh: ["vtysh", "-N", router],
    wrap: (argv) => argv,
    tunnelInterface: "gre1",
    nhrp: "frr",
  });

const registeredWith = (s: SiteStatus) =>
  s.nhs
    .filter((n) => n.registered)
    .map((n) => n.nbma)
    .sort();

describe("status collection from real FRR 8.4.4 output (lab captures)", () => {
  it("a registered spoke: both NHSs, iBGP to both hubs, the GRE interface up", async () => {
    const s = await collect("registered", "spoke1");
    expect(registeredWith(s)).toEqual(["203.0.113.1", "203.0.113.2"]);
    expect(s.bgpNeighbors.map((n) => [n.address, n.state]).sort()).toEqual([
      ["10.255.0.1", "Established"],
      ["10.255.0.2", "Established"],
    ]);
    expect(s.tunnels).toEqual([expect.objectContaining({ name: "gre1", mtu: 1400 })]);
    expect(s.shortcuts).toEqual([]);
  });

  it("a hub: every spoke in its cache as a dynamic entry", async () => {
    const s = await collect("registered", "hub1");
    expect(s.nhs).toEqual([]);
    const dynamic = s.nhrpCache.filter((c) => c.type === "dynamic").map((c) => c.nbma);
    expect(dynamic).toEqual(expect.arrayContaining(["203.0.113.11", "203.0.113.12"]));
  });

  it("a shortcut: the prefix via the other spoke, its NBMA in the cache and a DMVPN peer", async () => {
    const s = await collect("shortcut-up", "spoke1");
    expect(s.shortcuts).toEqual([expect.objectContaining({ prefix: "192.168.12.0/24", via: "10.255.0.12" })]);
    expect(s.nhrpCache.some((c) => c.type === "dynamic" && c.nbma === "203.0.113.12")).toBe(true);
    expect(s.dmvpnPeers.map((p) => p.destination)).toContain("203.0.113.12");
    expect((await collect("shortcut-expired", "spoke1")).shortcuts).toEqual([]);
  });

  it("a spoke behind NAT, seen from the hub: NBMA is the NAT's address, claimed NBMA the private one", async () => {
    const s = await collect("nat-spoke", "hub1");
    expect(s.nhrpCache).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          protocolAddress: "10.255.0.13",
          nbma: "203.0.113.100",
          claimedNbma: "192.168.100.2",
        }),
      ]),
    );
  });

  it("a hub's nhrpd down: the spoke reports that NHS unregistered, but is not cut off", async () => {
    const s = await collect("hub1-nhrpd-down", "spoke1");
    expect(registeredWith(s)).toEqual(["203.0.113.2"]);
    expect(lostAllHubs(s)).toBe(false);
  });
});
