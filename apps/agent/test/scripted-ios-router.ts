import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { probeHostKey } from "../src/drivers/ios/ios-ssh";

/**
 * A stand-in Cisco router for tests (root needed): Debian's OpenSSH server in its own network namespace, reached
 * over a veth pair, whose ForceCommand is the scripted IOS CLI (ios-cli.mjs). No real IOS runs: the CLI emulates
 * prompts, configuration mode, the revert timer, confirm and write memory, and serves `show` output from a directory.
 * Used by the IOS driver's integration test and by the mixed-network browser walk.
 */
export interface ScriptedIosRouterOptions {
  hostname: string;
  /** network namespace name, unique per test process */
  namespace: string;
  /** a free /30 is taken from it: the host side is .1, the router .2 */
  subnet: string;
  /** the directory the CLI serves `show` commands from (one file per command) */
  showDir?: string;
}

export interface ScriptedIosRouter {
  host: string;
  keyFile: string;
  /** the host key's SHA256 fingerprint as `ssh-keygen -l` prints it */
  fingerprint: string;
  /** the CLI's state (running and startup config, revert timer) as JSON; a test may rewrite it */
  statePath: string;
  /** the running config as indented lines */
  running(): string[];
  stop(): void;
}

interface Node {
  text: string;
  children: Node[];
}

export const ARCHIVE_CONFIG: Node = { text: "archive", children: [{ text: "path flash:dmvpn-archive", children: [] }] };

/** The CLI's state: an empty router with (or without) the `archive` the configure-replace rollback needs. */
export function writeRouterState(path: string, hostname: string, withArchive = true, minuteMs = 60_000): void {
  const config = withArchive ? [ARCHIVE_CONFIG] : [];
  writeFileSync(
    path,
    JSON.stringify({ hostname, minuteMs, running: config, startup: config, revert: null, files: {} }),
  );
}

export const flatConfig = (nodes: Node[], depth = 0): string[] =>
  nodes.flatMap((n) => [`${" ".repeat(depth)}${n.text}`, ...flatConfig(n.children, depth + 1)]);

const CLI = resolve(import.meta.dirname, "ios-cli.mjs");
const sh = (...argv: string[]) =>
  execFileSync(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] }).toString();

export async function startScriptedIosRouter(options: ScriptedIosRouterOptions): Promise<ScriptedIosRouter> {
  if (process.getuid?.() !== 0) throw new Error("the scripted IOS router needs root (network namespace and sshd)");
  const { namespace: ns, subnet } = options;
  const host = `${subnet}.2`;
  const dir = mkdtempSync(join(tmpdir(), "scripted-ios-"));
  const statePath = join(dir, "router-state.json");
  sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key"));
  sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key"));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  const fingerprint = (sh("ssh-keygen", "-l", "-f", join(dir, "host_key.pub")).split(" ")[1] as string).trim();
  writeRouterState(statePath, options.hostname);
  const cli = [
    process.execPath,
    CLI,
    "--state",
    statePath,
    ...(options.showDir ? ["--show-dir", options.showDir] : []),
  ];
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `ListenAddress ${host}`,
      "Port 22",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "PrintMotd no",
      "PrintLastLog no",
      `ForceCommand ${cli.join(" ")}`,
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  sh("ip", "netns", "add", ns);
  sh("ip", "link", "add", `${ns}a`, "type", "veth", "peer", "name", `${ns}b`);
  sh("ip", "link", "set", `${ns}b`, "netns", ns);
  sh("ip", "addr", "add", `${subnet}.1/30`, "dev", `${ns}a`);
  sh("ip", "link", "set", `${ns}a`, "up");
  sh("ip", "netns", "exec", ns, "ip", "addr", "add", `${host}/30`, "dev", `${ns}b`);
  sh("ip", "netns", "exec", ns, "ip", "link", "set", `${ns}b`, "up");
  sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
  const sshd: ChildProcess = spawn(
    "ip",
    ["netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", join(dir, "sshd_config")],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  sshd.stderr?.on("data", (d) => {
    log += d;
  });
  const stop = () => {
    sshd.kill();
    for (const argv of [
      ["ip", "link", "del", `${ns}a`],
      ["ip", "netns", "del", ns],
    ])
      try {
        sh(...argv);
      } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  // sshd is ready once it answers with its host key
  for (let i = 0; ; i++) {
    try {
      await probeHostKey(host, 22, 2000);
      break;
    } catch (e) {
      if (i > 50) {
        stop();
        throw new Error(`sshd did not start: ${(e as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    host,
    keyFile: join(dir, "client_key"),
    fingerprint,
    statePath,
    running: () => flatConfig((JSON.parse(readFileSync(statePath, "utf8")) as { running: Node[] }).running),
    stop,
  };
}
