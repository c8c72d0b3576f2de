import { existsSync } from "node:fs";
import { chown, mkdir, readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { type CommandResult, mustRun, runCommand, sleep, waitFor } from "./exec";

/**
 * Builds the lab network inside the VM (run as root there; none of this works on the host, which has no GRE):
 * an "internet" namespace holding a bridge, one namespace per router with its eth0 plugged into that bridge, an
 * optional NAT namespace in front of a router, and a management bridge in the VM's root namespace through which
 * every router reaches the VM's uplink (qemu user net, host at 10.0.2.2).
 */

export const INTERNET_NS = "internet";
export const MGMT_BRIDGE = "mgmtbr";
export const MGMT_GATEWAY = "172.30.0.1";
const MGMT_PREFIX = "172.30.0.0/24";
/** qemu user networking maps this address to the host's loopback. */
export const QEMU_HOST_ADDRESS = "10.0.2.2";

export const FRR_DAEMONS = ["zebra", "staticd", "bgpd", "nhrpd"] as const;
export type FrrDaemon = (typeof FRR_DAEMONS)[number];

export interface LabNat {
  name: string;
  /** CIDR on the NAT's internet side, e.g. 203.0.113.100/24 */
  publicAddress: string;
  /** CIDR on the NAT's inside, the router's gateway, e.g. 192.168.100.1/24 */
  insideAddress: string;
}

export interface LabRouter {
  name: string;
  /** CIDR on eth0: public, or private when behind a NAT */
  wanAddress: string;
  /** Name of a LabNat this router sits behind */
  behindNat?: string;
  /** CIDRs put on a dummy interface lan0 */
  lanAddresses?: string[];
}

export interface TopologySpec {
  routers: LabRouter[];
  nats?: LabNat[];
}

const addressOf = (cidr: string) => cidr.split("/")[0]!;

const ns = (name: string, ...argv: string[]) => ["ip", "netns", "exec", name, ...argv];

export class LabTopology {
  readonly mgmtAddresses = new Map<string, string>();

  private constructor(readonly spec: TopologySpec) {}

  static async create(spec: TopologySpec): Promise<LabTopology> {
    if (userInfo().uid !== 0) throw new Error("the lab topology is built as root inside the lab VM");
    const topology = new LabTopology(spec);
    await topology.build();
    return topology;
  }

  private async build(): Promise<void> {
    await this.addNamespace(INTERNET_NS);
    await mustRun(["ip", "-n", INTERNET_NS, "link", "add", "br0", "type", "bridge"]);
    await mustRun(["ip", "-n", INTERNET_NS, "link", "set", "br0", "up"]);

    await mustRun(["ip", "link", "add", MGMT_BRIDGE, "type", "bridge"]);
    await mustRun(["ip", "addr", "add", `${MGMT_GATEWAY}/24`, "dev", MGMT_BRIDGE]);
    await mustRun(["ip", "link", "set", MGMT_BRIDGE, "up"]);
    await mustRun(["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    await mustRun(["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", MGMT_PREFIX, "-o", "eth0", "-j", "MASQUERADE"]);

    for (const nat of this.spec.nats ?? []) await this.addNat(nat);
    let mgmtHost = 10;
    for (const router of this.spec.routers) {
      await this.addRouter(router, `172.30.0.${mgmtHost++}`);
    }
  }

  private async addNamespace(name: string): Promise<void> {
    await mustRun(["ip", "netns", "add", name]);
    await mustRun(["ip", "-n", name, "link", "set", "lo", "up"]);
    await mustRun(ns(name, "sysctl", "-qw", "net.ipv4.ip_forward=1"));
  }

  /** A veth from `name`'s eth0 into the internet bridge. */
  private async plugIntoInternet(name: string, cidr: string): Promise<void> {
    const port = `i-${name}`.slice(0, 15);
    await mustRun([
      "ip",
      "link",
      "add",
      "eth0",
      "netns",
      name,
      "type",
      "veth",
      "peer",
      "name",
      port,
      "netns",
      INTERNET_NS,
    ]);
    await mustRun(["ip", "-n", INTERNET_NS, "link", "set", port, "master", "br0", "up"]);
    await mustRun(["ip", "-n", name, "addr", "add", cidr, "dev", "eth0"]);
    await mustRun(["ip", "-n", name, "link", "set", "eth0", "up"]);
  }

  private async addNat(nat: LabNat): Promise<void> {
    await this.addNamespace(nat.name);
    await this.plugIntoInternet(nat.name, nat.publicAddress);
    await mustRun(ns(nat.name, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"));
  }

  private async addRouter(router: LabRouter, mgmtAddress: string): Promise<void> {
    const name = router.name;
    await this.addNamespace(name);
    if (router.behindNat) {
      const nat = this.spec.nats?.find((n) => n.name === router.behindNat);
      if (!nat) throw new Error(`${name}: no NAT named ${router.behindNat}`);
      const inside = `n-${name}`.slice(0, 15);
      await mustRun([
        "ip",
        "link",
        "add",
        "eth0",
        "netns",
        name,
        "type",
        "veth",
        "peer",
        "name",
        inside,
        "netns",
        nat.name,
      ]);
      await mustRun(["ip", "-n", nat.name, "addr", "add", nat.insideAddress, "dev", inside]);
      await mustRun(["ip", "-n", nat.name, "link", "set", inside, "up"]);
      await mustRun(["ip", "-n", name, "addr", "add", router.wanAddress, "dev", "eth0"]);
      await mustRun(["ip", "-n", name, "link", "set", "eth0", "up"]);
      await mustRun(["ip", "-n", name, "route", "add", "default", "via", addressOf(nat.insideAddress)]);
    } else {
      await this.plugIntoInternet(name, router.wanAddress);
    }

    if (router.lanAddresses?.length) {
      await mustRun(["ip", "-n", name, "link", "add", "lan0", "type", "dummy"]);
      for (const cidr of router.lanAddresses) await mustRun(["ip", "-n", name, "addr", "add", cidr, "dev", "lan0"]);
      await mustRun(["ip", "-n", name, "link", "set", "lan0", "up"]);
    }

    const port = `m-${name}`.slice(0, 15);
    await mustRun(["ip", "link", "add", "mgmt0", "netns", name, "type", "veth", "peer", "name", port]);
    await mustRun(["ip", "link", "set", port, "master", MGMT_BRIDGE, "up"]);
    await mustRun(["ip", "-n", name, "addr", "add", `${mgmtAddress}/24`, "dev", "mgmt0"]);
    await mustRun(["ip", "-n", name, "link", "set", "mgmt0", "up"]);
    // Only the host is routed over management; the router's own default route stays on its WAN.
    await mustRun(["ip", "-n", name, "route", "add", `${QEMU_HOST_ADDRESS}/32`, "via", MGMT_GATEWAY]);
    this.mgmtAddresses.set(name, mgmtAddress);
  }

  exec(name: string, argv: string[], input?: string): Promise<CommandResult> {
    return runCommand(ns(name, ...argv), input);
  }

  /** Runs a shell script (e.g. a rendered gre.sh) in the router's namespace; fails on the first failing line. */
  async runScript(name: string, script: string): Promise<void> {
    const result = await runCommand(ns(name, "sh", "-e", "-s"), script);
    if (result.exitCode !== 0) throw new Error(`${name}: script exited ${result.exitCode}: ${result.stderr.trim()}`);
  }

  private frrDir(name: string): string {
    return `/run/frr/${name}`;
  }

  /** Starts FRR daemons in the router's namespace with their own path space, as user frr. */
  async startFrr(name: string, daemons: readonly FrrDaemon[] = FRR_DAEMONS): Promise<void> {
    const dir = this.frrDir(name);
    const logDir = `/var/log/frr/${name}`;
    const frr = await frrIds();
    for (const d of [dir, logDir]) {
      await mkdir(d, { recursive: true });
      await chown(d, frr.uid, frr.gid);
    }
    await chown("/var/log/frr", frr.uid, frr.gid);
    for (const daemon of daemons) {
      const config = `${dir}/${daemon}.conf`;
      await writeFile(config, "");
      await chown(config, frr.uid, frr.gid);
      await mustRun(
        ns(
          name,
          `/usr/lib/frr/${daemon}`,
          "-N",
          name,
          "-d",
          "-f",
          config,
          "-i",
          `${dir}/${daemon}.pid`,
          "--log",
          `file:${logDir}/${daemon}.log`,
        ),
      );
      if (daemon === "zebra")
        await waitFor(
          `${name} zebra socket`,
          20_000,
          async () => (existsSync(`${dir}/zserv.api`) ? true : undefined),
          200,
        );
    }
    for (const daemon of daemons) {
      await waitFor(
        `${name} ${daemon} vty`,
        20_000,
        async () => (existsSync(`${dir}/${daemon}.vty`) ? true : undefined),
        200,
      );
    }
  }

  vtysh(name: string, command: string): Promise<CommandResult> {
    return runCommand(["vtysh", "-N", name, "-c", command]);
  }

  /** Applies an integrated frr.conf through vtysh, which hands each line to the daemon that owns it. */
  async applyFrrConfig(name: string, config: string): Promise<void> {
    const file = `${this.frrDir(name)}/frr.conf`;
    await writeFile(file, config);
    const result = await runCommand(["vtysh", "-N", name, "-f", file]);
    if (result.exitCode !== 0) {
      throw new Error(`${name}: vtysh -f exited ${result.exitCode}: ${(result.stdout + result.stderr).trim()}`);
    }
  }

  async daemonPid(name: string, daemon: FrrDaemon): Promise<number | undefined> {
    const text = await readFile(`${this.frrDir(name)}/${daemon}.pid`, "utf8").catch(() => "");
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  async stopDaemon(name: string, daemon: FrrDaemon): Promise<void> {
    const pid = await this.daemonPid(name, daemon);
    if (pid === undefined) throw new Error(`${name}: ${daemon} has no pid file`);
    process.kill(pid, "SIGTERM");
    await waitFor(`${name} ${daemon} to stop`, 15_000, async () => (isAlive(pid) ? undefined : true), 200);
  }

  async readDaemonLog(name: string, daemon: FrrDaemon): Promise<string> {
    return readFile(`/var/log/frr/${name}/${daemon}.log`, "utf8").catch(() => "");
  }

  async ping(
    name: string,
    destination: string,
    options: { source?: string; count?: number; timeoutS?: number } = {},
  ): Promise<boolean> {
    const argv = ["ping", "-n", "-q", "-c", String(options.count ?? 1), "-W", String(options.timeoutS ?? 1)];
    if (options.source) argv.push("-I", options.source);
    const result = await this.exec(name, [...argv, destination]);
    return result.exitCode === 0;
  }

  /** Kills every FRR daemon started here and deletes the namespaces (the VM powers off anyway; this is for reuse). */
  async destroy(): Promise<void> {
    for (const router of this.spec.routers) {
      for (const daemon of FRR_DAEMONS) {
        const pid = await this.daemonPid(router.name, daemon);
        if (pid !== undefined && isAlive(pid)) process.kill(pid, "SIGKILL");
      }
    }
    await sleep(100);
    for (const name of [
      ...this.spec.routers.map((r) => r.name),
      ...(this.spec.nats ?? []).map((n) => n.name),
      INTERNET_NS,
    ]) {
      await runCommand(["ip", "netns", "del", name]);
    }
    await runCommand(["ip", "link", "del", MGMT_BRIDGE]);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function frrIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const line = passwd.split("\n").find((l) => l.startsWith("frr:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) throw new Error("no user frr: install the frr package");
  return { uid: Number(uid), gid: Number(gid) };
}
