import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApplyError } from "../driver";
import { FrrDriver } from "./frr-driver";

// Real FRR 8.4 daemons in a network namespace with their own path space (lab.md recipe). No GRE in this kernel, so
// the tests cover config loading through vtysh/frr-reload and status parsing of live daemons.
const NS = `agt${process.pid}${Date.now() % 100000}`;
const DAEMONS = ["zebra", "staticd", "nhrpd", "bgpd"];
const runDir = `/run/frr/${NS}`;
let confDir: string;
let stateDir: string;
let driver: FrrDriver;

const frrUser = () => Number(execFileSync("id", ["-u", "frr"]).toString().trim());
const frrGroup = () => Number(execFileSync("id", ["-g", "frr"]).toString().trim());

beforeAll(() => {
  expect(userInfo().uid).toBe(0);
  execFileSync("ip", ["netns", "add", NS]);
  execFileSync("ip", ["netns", "exec", NS, "ip", "link", "set", "lo", "up"]);
  mkdirSync(runDir, { recursive: true });
  chownSync(runDir, frrUser(), frrGroup());
  mkdirSync("/var/tmp/frr", { recursive: true });
  chownSync("/var/tmp/frr", frrUser(), frrGroup());
  confDir = mkdtempSync(join(tmpdir(), "frr-int-"));
  chmodSync(confDir, 0o755);
  writeFileSync(join(confDir, "frr.conf"), `hostname ${NS}\n`);
  chownSync(join(confDir, "frr.conf"), frrUser(), frrGroup());
  for (const d of DAEMONS) {
    execFileSync(
      "ip",
      [
        "netns",
        "exec",
        NS,
        `/usr/lib/frr/${d}`,
        "-N",
        NS,
        "-d",
        "-f",
        join(confDir, "frr.conf"),
        "-i",
        `${runDir}/${d}.pid`,
      ],
      { stdio: "ignore" },
    );
  }
  stateDir = mkdtempSync(join(tmpdir(), "frr-int-state-"));
  driver = new FrrDriver({ netns: NS, vtyshArgs: ["-N", NS], stateDir });
});

afterAll(() => {
  for (const d of DAEMONS) {
    const pidFile = `${runDir}/${d}.pid`;
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGTERM");
      } catch {}
    }
  }
  execFileSync("sleep", ["0.5"]);
  try {
    execFileSync("ip", ["netns", "del", NS]);
  } catch {}
  rmSync(runDir, { recursive: true, force: true });
  rmSync(confDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

async function waitForDaemons() {
  for (let i = 0; i < 50; i++) {
    try {
      await driver.collectStatus();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const bgpConf = (neighbor: string) =>
  `frr version 8.4.4\nhostname ${NS}\nrouter bgp 65000\n neighbor ${neighbor} remote-as 65000\n neighbor ${neighbor} disable-connected-check\nexit\n`;

describe("FrrDriver against live FRR 8.4 daemons", () => {
  it("collects a status with empty NHRP tables and no BGP from fresh daemons", async () => {
    await waitForDaemons();
    const status = await driver.collectStatus();
    expect(status).toMatchObject({
      nhrpCache: [],
      nhs: [],
      shortcuts: [],
      dmvpnPeers: [],
      bgpNeighbors: [],
      tunnels: [],
    });
  });

  it("applies frr.conf and reports the configured, idle BGP neighbour", async () => {
    await driver.applyConfig([{ name: "frr.conf", content: bgpConf("10.255.0.1") }]);
    const status = await driver.collectStatus();
    expect(status.bgpNeighbors).toEqual([
      {
        address: "10.255.0.1",
        remoteAs: 65000,
        state: expect.stringMatching(/Idle|Active|Connect/),
        prefixesReceived: null,
        uptimeSeconds: null,
      },
    ]);
    const show = await driver.show("bgp-summary");
    expect(show.output).toContain("10.255.0.1");
  });

  it("refuses a broken frr.conf with FRR's own error and changes nothing", async () => {
    const err = await driver
      .applyConfig([{ name: "frr.conf", content: "router bgp 65000\n neighbour bogus\n" }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect(String(err.message)).toMatch(/Unknown command/);
    expect((await driver.collectStatus()).bgpNeighbors.map((n) => n.address)).toEqual(["10.255.0.1"]);
  });

  it("rolls back to the saved running config, removing lines the new config added", async () => {
    const saved = await driver.readRunningConfig();
    expect(saved.files.find((f) => f.name === "frr.conf")!.content).toContain("neighbor 10.255.0.1 remote-as 65000");
    await driver.applyConfig([{ name: "frr.conf", content: bgpConf("10.255.0.2") }]);
    expect((await driver.collectStatus()).bgpNeighbors.map((n) => n.address)).toEqual(["10.255.0.2"]);
    await driver.rollback(saved);
    expect((await driver.collectStatus()).bgpNeighbors.map((n) => n.address)).toEqual(["10.255.0.1"]);
  });

  it("re-applies an nhrpd config that frr-reload.py cannot apply cleanly (repeated nhs lines) and converges", async () => {
    const spoke = (extra: string) =>
      `frr version 8.4.4\nhostname ${NS}\ninterface gre1\n ip nhrp network-id 1\n ip nhrp nhs dynamic nbma 203.0.113.1\n ip nhrp nhs dynamic nbma 203.0.113.2\n ip nhrp shortcut\n${extra}exit\n${bgpConf("10.255.0.1").split("\n").slice(2).join("\n")}`;
    await driver.applyConfig([{ name: "frr.conf", content: spoke("") }]);
    await driver.applyConfig([{ name: "frr.conf", content: spoke(" ip nhrp holdtime 30\n") }]);
    const running = (await driver.readRunningConfig()).files.find((f) => f.name === "frr.conf")!.content;
    expect(running).toContain(" ip nhrp nhs dynamic nbma 203.0.113.1\n ip nhrp nhs dynamic nbma 203.0.113.2");
    expect(running).toContain(" ip nhrp holdtime 30");
    await driver.applyConfig([{ name: "frr.conf", content: bgpConf("10.255.0.1") }]);
    expect((await driver.readRunningConfig()).files.find((f) => f.name === "frr.conf")!.content).not.toContain("nhrp");
  });

  it("runs gre.sh inside the namespace and reports a script failure", async () => {
    await driver.applyConfig([{ name: "gre.sh", content: "ip link set lo mtu 65000\n" }]);
    const err = await driver
      .applyConfig([{ name: "gre.sh", content: "ip tunnel add gre1 mode gre key 42 ttl 64\n" }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.message).toMatch(/gre\.sh/);
  });

  it("pings from inside the namespace", async () => {
    const r = await driver.ping("127.0.0.1", undefined, 2);
    expect(r).toMatchObject({ sent: 2, received: 2 });
    expect(r.rttAvgMs).not.toBeNull();
  });
});
