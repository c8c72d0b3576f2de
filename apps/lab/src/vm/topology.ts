import { readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { type CommandResult, runCommand, sleep, waitFor } from "./exec";
import { underRoot } from "./frr-root";

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
/** FRR 10 (since 9.0) also needs mgmtd, which holds staticd's and zebra's configuration: it starts first */
export const FRR10_DAEMONS = ["mgmtd", ...FRR_DAEMONS] as const;
export type FrrDaemon = (typeof FRR10_DAEMONS)[number];

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
  /** FRR 10 from this Debian 13 root (frr-root.ts), chrooted in the namespace; default the host's FRR 8.4 */
  frrRoot?: string;
}

export interface TopologySpec {
  routers: LabRouter[];
  nats?: LabNat[];
}

/**
 * Enters only the network namespace. `ip netns exec` also makes a mount namespace and remounts /sys, which costs
 * seconds per call under software emulation; nothing here needs that (FRR's path space keeps sockets apart).
 */
export const ns = (name: string, ...argv: string[]) => ["nsenter", `--net=/run/netns/${name}`, ...argv];

/** Quotes one word for sh; names and addresses here are plain, but a stray character must not become syntax. */
export const shellQuote = (word: string): string =>
  /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;

const addressOf = (cidr: string) => cidr.split("/")[0]!;
/** a router's (or NAT's) port on the internet bridge, in the internet namespace */
const internetPort = (name: string) => `i-${name}`.slice(0, 15);

/**
 * The whole topology as one sh script. Under software emulation every process start costs a lot, so the
 * network is built by one shell rather than by a Node child process per command.
 */
export function topologyScript(spec: TopologySpec): { script: string; mgmtAddresses: Map<string, string> } {
  const lines: string[] = [];
  const cmd = (...argv: string[]) => lines.push(argv.map(shellQuote).join(" "));
  const mgmtAddresses = new Map<string, string>();
  let veths = 0;

  const addNamespace = (name: string) => {
    cmd("ip", "netns", "add", name);
    cmd("ip", "-n", name, "link", "set", "lo", "up");
    cmd(...ns(name, "sysctl", "-qw", "net.ipv4.ip_forward=1"));
  };
  // Both ends get temporary names in the root namespace first: "eth0" there already exists (the VM's uplink).
  const addVeth = (a: { ns: string | null; name: string }, b: { ns: string | null; name: string }) => {
    const n = veths++;
    const [ta, tb] = [`vtmp${n}a`, `vtmp${n}b`];
    cmd("ip", "link", "add", ta, "type", "veth", "peer", "name", tb);
    for (const [temp, end] of [
      [ta, a],
      [tb, b],
    ] as const) {
      if (end.ns) cmd("ip", "link", "set", temp, "netns", end.ns, "name", end.name);
      else cmd("ip", "link", "set", temp, "name", end.name);
    }
  };
  const plugIntoInternet = (name: string, cidr: string) => {
    const port = internetPort(name);
    addVeth({ ns: name, name: "eth0" }, { ns: INTERNET_NS, name: port });
    cmd("ip", "-n", INTERNET_NS, "link", "set", port, "master", "br0", "up");
    cmd("ip", "-n", name, "addr", "add", cidr, "dev", "eth0");
    cmd("ip", "-n", name, "link", "set", "eth0", "up");
  };

  addNamespace(INTERNET_NS);
  cmd("ip", "-n", INTERNET_NS, "link", "add", "br0", "type", "bridge");
  cmd("ip", "-n", INTERNET_NS, "link", "set", "br0", "up");
  cmd("ip", "link", "add", MGMT_BRIDGE, "type", "bridge");
  cmd("ip", "addr", "add", `${MGMT_GATEWAY}/24`, "dev", MGMT_BRIDGE);
  cmd("ip", "link", "set", MGMT_BRIDGE, "up");
  cmd("sysctl", "-qw", "net.ipv4.ip_forward=1");
  cmd("iptables", "-t", "nat", "-A", "POSTROUTING", "-s", MGMT_PREFIX, "-o", "eth0", "-j", "MASQUERADE");

  for (const nat of spec.nats ?? []) {
    addNamespace(nat.name);
    plugIntoInternet(nat.name, nat.publicAddress);
    cmd(...ns(nat.name, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"));
  }

  spec.routers.forEach((router, i) => {
    const name = router.name;
    addNamespace(name);
    if (router.behindNat) {
      const nat = spec.nats?.find((n) => n.name === router.behindNat);
      if (!nat) throw new Error(`${name}: no NAT named ${router.behindNat}`);
      const inside = `n-${name}`.slice(0, 15);
      addVeth({ ns: name, name: "eth0" }, { ns: nat.name, name: inside });
      cmd("ip", "-n", nat.name, "addr", "add", nat.insideAddress, "dev", inside);
      cmd("ip", "-n", nat.name, "link", "set", inside, "up");
      cmd("ip", "-n", name, "addr", "add", router.wanAddress, "dev", "eth0");
      cmd("ip", "-n", name, "link", "set", "eth0", "up");
      cmd("ip", "-n", name, "route", "add", "default", "via", addressOf(nat.insideAddress));
    } else {
      plugIntoInternet(name, router.wanAddress);
    }
    if (router.lanAddresses?.length) {
      cmd("ip", "-n", name, "link", "add", "lan0", "type", "dummy");
      for (const cidr of router.lanAddresses) cmd("ip", "-n", name, "addr", "add", cidr, "dev", "lan0");
      cmd("ip", "-n", name, "link", "set", "lan0", "up");
    }
    const mgmtAddress = `172.30.0.${10 + i}`;
    const port = `m-${name}`.slice(0, 15);
    addVeth({ ns: name, name: "mgmt0" }, { ns: null, name: port });
    cmd("ip", "link", "set", port, "master", MGMT_BRIDGE, "up");
    cmd("ip", "-n", name, "addr", "add", `${mgmtAddress}/24`, "dev", "mgmt0");
    cmd("ip", "-n", name, "link", "set", "mgmt0", "up");
    // Only the host is routed over management; the router's own default route stays on its WAN.
    cmd("ip", "-n", name, "route", "add", `${QEMU_HOST_ADDRESS}/32`, "via", MGMT_GATEWAY);
    mgmtAddresses.set(name, mgmtAddress);
  });
  return { script: `${lines.join("\n")}\n`, mgmtAddresses };
}

/**
 * Starts FRR daemons in a namespace with its own path space, as user frr, and waits for their vty sockets. With
 * `root`, the daemons run chrooted there (paths below are the root's; the user frr is the root's own).
 */
export function frrStartScript(name: string, daemons: readonly FrrDaemon[], root?: string): string {
  const dir = `/run/frr/${name}`;
  const logDir = `/var/log/frr/${name}`;
  const inRoot = (path: string) => underRoot(root, path);
  const chroot = root ? `chroot ${root} ` : "";
  const lines = [`mkdir -p ${inRoot(dir)} ${inRoot(logDir)}`, `${chroot}chown frr:frr /var/log/frr ${dir} ${logDir}`];
  // FRR 10's vtysh complains on every call about a missing vtysh.conf of the path space (and then about its
  // frr.conf); an empty one keeps its output clean (the root's /etc/frr is a writable copy, frr-root.ts)
  if (root) lines.push(`mkdir -p ${inRoot(`/etc/frr/${name}`)}`, `: > ${inRoot(`/etc/frr/${name}/vtysh.conf`)}`);
  const waitForSocket = (socket: string) =>
    `i=0; while [ ! -S ${inRoot(socket)} ]; do i=$((i+1)); [ $i -gt 300 ] && { echo "${socket} never appeared" >&2; exit 1; }; sleep 0.1; done`;
  for (const daemon of daemons) {
    // FRR 10's mgmtd and staticd have no -f (their configuration goes through mgmtd); they start empty anyway
    const config = root && (daemon === "mgmtd" || daemon === "staticd") ? "" : ` -f ${dir}/${daemon}.conf`;
    lines.push(
      `: > ${inRoot(`${dir}/${daemon}.conf`)} && ${chroot}chown frr:frr ${dir}/${daemon}.conf`,
      `nsenter --net=/run/netns/${name} ${chroot}/usr/lib/frr/${daemon} -N ${name} -d${config} -i ${dir}/${daemon}.pid --log file:${logDir}/${daemon}.log </dev/null >/dev/null 2>&1`,
    );
    if (daemon === "zebra") lines.push(waitForSocket(`${dir}/zserv.api`));
    // staticd and zebra take their configuration from mgmtd (FRR 10): it must listen before they start
    if (daemon === "mgmtd") lines.push(waitForSocket(`${dir}/mgmtd.vty`));
  }
  for (const daemon of daemons) lines.push(waitForSocket(`${dir}/${daemon}.vty`));
  return `${lines.join("\n")}\n`;
}

export class LabTopology {
  private constructor(
    readonly spec: TopologySpec,
    readonly mgmtAddresses: Map<string, string>,
  ) {}

  static async create(spec: TopologySpec): Promise<LabTopology> {
    if (userInfo().uid !== 0) throw new Error("the lab topology is built as root inside the lab VM");
    const { script, mgmtAddresses } = topologyScript(spec);
    const result = await runCommand(["sh", "-e", "-x", "-s"], script, 300_000);
    if (result.exitCode !== 0) {
      throw new Error(
        `topology script exited ${result.exitCode}: ${result.stderr.trim().split("\n").slice(-4).join(" | ")}`,
      );
    }
    return new LabTopology(spec, mgmtAddresses);
  }

  exec(name: string, argv: string[], input?: string): Promise<CommandResult> {
    return runCommand(ns(name, ...argv), input);
  }

  /** Runs a shell script (e.g. a rendered gre.sh) in the router's namespace; fails on the first failing line. */
  async runScript(name: string, script: string): Promise<void> {
    const result = await runCommand(ns(name, "sh", "-e", "-s"), script);
    if (result.exitCode !== 0) throw new Error(`${name}: script exited ${result.exitCode}: ${result.stderr.trim()}`);
  }

  private router(name: string): LabRouter {
    const router = this.spec.routers.find((r) => r.name === name);
    if (!router) throw new Error(`no router ${name}`);
    return router;
  }

  /** FRR's directory for the router, as the VM sees it (under the router's root when it has one) */
  private frrDir(name: string): string {
    return underRoot(this.router(name).frrRoot, `/run/frr/${name}`);
  }

  daemonsOf(name: string): readonly FrrDaemon[] {
    return this.router(name).frrRoot ? FRR10_DAEMONS : FRR_DAEMONS;
  }

  /** vtysh for the router: the host's, or its root's chrooted */
  vtyshArgv(name: string): string[] {
    const root = this.router(name).frrRoot;
    return [...(root ? ["chroot", root] : []), "vtysh", "-N", name];
  }

  /** Starts FRR daemons in the router's namespace with their own path space, as user frr. */
  async startFrr(name: string, daemons: readonly FrrDaemon[] = this.daemonsOf(name)): Promise<void> {
    const script = frrStartScript(name, daemons, this.router(name).frrRoot);
    const result = await runCommand(["sh", "-e", "-s"], script, 180_000);
    if (result.exitCode !== 0)
      throw new Error(`${name}: starting FRR exited ${result.exitCode}: ${result.stderr.trim()}`);
  }

  vtysh(name: string, command: string): Promise<CommandResult> {
    return runCommand([...this.vtyshArgv(name), "-c", command]);
  }

  /** Applies an integrated frr.conf through vtysh, which hands each line to the daemon that owns it. */
  async applyFrrConfig(name: string, config: string): Promise<void> {
    const file = `${this.frrDir(name)}/frr.conf`;
    await writeFile(file, config);
    const result = await runCommand([...this.vtyshArgv(name), "-f", `/run/frr/${name}/frr.conf`]);
    if (result.exitCode !== 0) {
      throw new Error(`${name}: vtysh -f exited ${result.exitCode}: ${(result.stdout + result.stderr).trim()}`);
    }
  }

  /** The router's port on the simulated internet's bridge, down (the router is gone) or up again. */
  async setWanLink(name: string, up: boolean): Promise<void> {
    const router = this.router(name);
    if (router.behindNat) throw new Error(`${name} sits behind a NAT; take the NAT's link instead`);
    const r = await runCommand(["ip", "-n", INTERNET_NS, "link", "set", internetPort(name), up ? "up" : "down"]);
    if (r.exitCode !== 0)
      throw new Error(`${name}: ip link set ${internetPort(name)} exited ${r.exitCode}: ${r.stderr}`);
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
    await waitFor(`${name} ${daemon} to stop`, 15_000, async () => (isAlive(pid) ? undefined : true), {
      everyMs: 200,
    });
  }

  async readDaemonLog(name: string, daemon: FrrDaemon): Promise<string> {
    return readFile(underRoot(this.router(name).frrRoot, `/var/log/frr/${name}/${daemon}.log`), "utf8").catch(() => "");
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
      for (const daemon of this.daemonsOf(router.name)) {
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
