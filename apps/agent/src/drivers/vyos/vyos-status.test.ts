import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SiteStatus } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { opennhrpCapture, readCapture } from "../../collectors/fixtures/read-capture";
import { emulateVtyshBatch } from "../../collectors/vtysh-batch-emulation";
import { CollectorError } from "../../collectors/vtysh-output";
import { VYOS_OPENNHRP_CONF } from "../../collectors/vyos-status";
import type { CommandResult, CommandRunner } from "../exec";
import { VyosDriver } from "./vyos-driver";

/**
 * The VyOS driver's status collection end to end, command execution injected. Every answer is real output: FRR 8.4.4
 * as the lab VM printed it (apps/lab/captures, the same captures frr-captures.test.ts replays), opennhrp 0.14.1 as
 * captured here (collectors/fixtures/opennhrp-0.14.1) and strongSwan 5.9.8 as captured here
 * (collectors/fixtures/swanctl-5.9.8).
 */
const LAB = join(import.meta.dirname, "../../../../lab/captures/frr-8.4.4");

/** A lab capture file for `vtysh -c "<command>"` or another argv: "show ip nhrp cache json" -> show-ip-nhrp-cache-json */
function labAnswer(moment: string, router: string, argv: string[]): CommandResult | null {
  const words = argv[0] === "vtysh" ? (argv[argv.indexOf("-c") + 1] ?? "").split(" ") : argv;
  const base = join(LAB, moment, router, words.map((w) => w.replace(/^-+/, "")).join("-"));
  if (!existsSync(`${base}.txt`)) return null;
  const exitCode = Number(readFileSync(`${base}.exit`, "utf8").trim());
  return { stdout: readFileSync(`${base}.txt`, "utf8"), stderr: "", exitCode };
}

interface Router {
  calls: string[];
  run: CommandRunner;
}

/**
 * A VyOS router answering from captures, one command at a time (calls lists them so). `sudo opennhrpctl show` and `sudo cat opennhrp.conf` from the opennhrp
 * captures; the tunnel interface is the lab's gre1 (asked for as tun0); everything else from the lab moment.
 */
function vyosRouter(o: { moment: string; router: string; opennhrp?: string; opennhrpConf?: string | null }): Router {
  const calls: string[] = [];
  const missing = (argv: string[]) => ({ stdout: "", stderr: `${argv[0]}: not captured`, exitCode: 127 });
  const single = (argv: string[]): CommandResult => {
    calls.push(argv.join(" "));
    const command = argv.join(" ");
    if (command === "sudo opennhrpctl show") {
      if (!o.opennhrp) return missing(argv);
      return { stdout: opennhrpCapture(o.opennhrp), stderr: "", exitCode: 0 };
    }
    if (command === `sudo cat ${VYOS_OPENNHRP_CONF}`) {
      if (!o.opennhrpConf) return { stdout: "", stderr: "cat: No such file or directory", exitCode: 1 };
      return { stdout: opennhrpCapture(o.opennhrpConf), stderr: "", exitCode: 0 };
    }
    if (command === "swanctl --list-sas --pretty") {
      return { stdout: readCapture("swanctl-5.9.8/spoke-established-no-child.txt"), stderr: "", exitCode: 0 };
    }
    const labArgv =
      command === "ip -j -s link show dev tun0" ? ["ip", "-j", "-s", "link", "show", "dev", "gre1"] : argv;
    return labAnswer(o.moment, o.router, labArgv) ?? missing(argv);
  };
  // One collection asks vtysh for all its shows in one batched call; the captures answer one command each.
  const run: CommandRunner = async (argv) => ({
    stdout: "",
    stderr: "",
    exitCode: 0,
    ...emulateVtyshBatch(argv, single),
  });
  return { calls, run };
}

const collect = (version: "1.4" | "1.5", router: Router) =>
  new VyosDriver({ version, stateDir: "/nonexistent", run: router.run }).collectStatus();

describe("VyOS 1.4 status: opennhrp, swanctl, BGP from vtysh", () => {
  it("a spoke registering with both hubs: a valid status, both hubs unregistered, BGP, IPsec and the tunnel", async () => {
    const router = vyosRouter({
      moment: "registered",
      router: "spoke1",
      opennhrp: "spoke-registering.txt",
      opennhrpConf: "spoke.opennhrp.conf",
    });
    const s = await collect("1.4", router);
    expect(SiteStatus.safeParse(s).success).toBe(true);
    expect(s.nhs).toEqual([
      { interface: "tun0", nbma: "203.0.113.2", protocolAddress: null, registered: false },
      { interface: "tun0", nbma: "203.0.113.1", protocolAddress: null, registered: false },
    ]);
    expect(s.nhrpCache.map((c) => c.type)).toEqual(["local", "local", "static", "static"]);
    expect(s.dmvpnPeers).toEqual([]);
    expect(s.bgpNeighbors.map((n) => [n.address, n.state]).sort()).toEqual([
      ["10.255.0.1", "Established"],
      ["10.255.0.2", "Established"],
    ]);
    expect(s.ipsecSas).toEqual([
      expect.objectContaining({ name: "dmvpn-NHRPVPN-tun0", state: "ESTABLISHED", remoteHost: "203.0.113.1" }),
    ]);
    expect(s.tunnels).toEqual([expect.objectContaining({ name: "gre1", operState: "up", mtu: 1400 })]);
    // as VyOS's op mode runs it; FRR's NHRP commands are not asked on 1.4
    expect(router.calls).toContain("sudo opennhrpctl show");
    expect(router.calls.some((c) => c.includes("nhrp") && c.startsWith("vtysh"))).toBe(false);
    expect(router.calls).toContain("vtysh -c show bgp ipv4 unicast summary json");
  });

  it("a hub: its map to the other hub is up, but the config says it does not register, so no hub is listed", async () => {
    const router = vyosRouter({
      moment: "registered",
      router: "hub1",
      opennhrp: "hub.txt",
      opennhrpConf: "hub.opennhrp.conf",
    });
    const s = await collect("1.4", router);
    expect(s.nhs).toEqual([]);
    expect(s.nhrpCache.filter((c) => c.type === "static").map((c) => [c.nbma, c.flags.up])).toEqual([
      ["203.0.113.2", true],
    ]);
  });

  it("without a readable opennhrp.conf every static map counts as a hub", async () => {
    const router = vyosRouter({ moment: "registered", router: "hub1", opennhrp: "hub.txt", opennhrpConf: null });
    expect((await collect("1.4", router)).nhs).toEqual([
      { interface: "tun0", nbma: "203.0.113.2", protocolAddress: "10.255.0.2", registered: true },
    ]);
  });

  it("opennhrp not running (nothing on stdout) fails the collection with a collector error", async () => {
    const router = vyosRouter({ moment: "registered", router: "spoke1", opennhrpConf: "spoke.opennhrp.conf" });
    await expect(collect("1.4", router)).rejects.toThrow(CollectorError);
  });
});

describe("VyOS 1.5 status: FRR nhrpd through vtysh (the FRR driver's parsers)", () => {
  it("a registered spoke: both hubs registered, iBGP established, a valid status", async () => {
    const router = vyosRouter({ moment: "registered", router: "spoke1" });
    const s = await collect("1.5", router);
    expect(SiteStatus.safeParse(s).success).toBe(true);
    expect(s.nhs.map((n) => [n.nbma, n.registered])).toEqual([
      ["203.0.113.1", true],
      ["203.0.113.2", true],
    ]);
    expect(s.bgpNeighbors.every((n) => n.state === "Established")).toBe(true);
    expect(router.calls).toContain("vtysh -c show ip nhrp cache json");
    expect(router.calls.some((c) => c.includes("opennhrpctl") || c.includes(VYOS_OPENNHRP_CONF))).toBe(false);
  });

  it("a spoke with a shortcut to the other spoke, and a hub seeing a spoke behind NAT", async () => {
    const spoke = await collect("1.5", vyosRouter({ moment: "shortcut-up", router: "spoke1" }));
    expect(spoke.shortcuts).toEqual([expect.objectContaining({ prefix: "192.168.12.0/24", via: "10.255.0.12" })]);
    expect(spoke.dmvpnPeers.map((p) => p.destination)).toContain("203.0.113.12");
    const hub = await collect("1.5", vyosRouter({ moment: "nat-spoke", router: "hub1" }));
    expect(hub.nhrpCache).toContainEqual(
      expect.objectContaining({ protocolAddress: "10.255.0.13", nbma: "203.0.113.100", claimedNbma: "192.168.100.2" }),
    );
  });

  it("a hub's nhrpd down: the spoke reports only the other hub registered", async () => {
    const s = await collect("1.5", vyosRouter({ moment: "hub1-nhrpd-down", router: "spoke1" }));
    expect(s.nhs.filter((n) => n.registered).map((n) => n.nbma)).toEqual(["203.0.113.2"]);
  });
});
