import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { iosCapture } from "../../apps/agent/src/collectors/fixtures/read-capture";
import { IOS_STATUS_COMMANDS } from "../../apps/agent/src/collectors/ios-status";

/**
 * The Cisco hub of mixed.spec.ts: Debian's OpenSSH server (root needed: a network namespace and sshd) whose
 * ForceCommand is the agent tests' scripted IOS CLI (apps/agent/test/ios-cli.mjs). No real IOS runs: the CLI
 * emulates prompts, configuration mode, the revert timer, confirm and write memory, and nothing of IOS's routing.
 *
 * Its answers to the four status commands are real published IOS output (apps/agent/src/collectors/fixtures/ios,
 * SOURCE.md), served as published with only the fixtures' `# ` source header removed: so the hub's status page
 * shows the captured routers' peers (a vIOS hub's three spokes 20/30/40.1.1.1, a lab router's NHRP cache), not this
 * e2e network's sites. No router was captured in this network's shape, and router output is never made up.
 */
export const HUB_STATUS_CAPTURES: Record<keyof typeof IOS_STATUS_COMMANDS, string> = {
  // one vIOS phase 3 hub (Main10, Tunnel0) at one moment
  dmvpn: "kevin-show-dmvpn-detail-hub.txt",
  ikev2: "kevin-show-crypto-ikev2-sa-hub.txt",
  bgp: "kevin-show-ip-bgp-summary-hub.txt",
  // that hub's `show ip nhrp` was not published; this is another IOS lab router's, also on Tunnel0 (the tunnel
  // the agent reads), so its entries are not filtered out
  nhrp: "clarkson-show-ip-nhrp-nat.txt",
};

/** The show-dir the scripted CLI serves: one file per command, named as ios-cli.mjs looks it up. */
export function writeShowDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [k, command] of Object.entries(IOS_STATUS_COMMANDS))
    writeFileSync(
      join(dir, command.replaceAll(" ", "_")),
      iosCapture(HUB_STATUS_CAPTURES[k as keyof typeof IOS_STATUS_COMMANDS]),
    );
}
export interface ScriptedRouter {
  host: string;
  keyFile: string;
  fingerprint: string;
  /** the running config as indented lines */
  running(): string[];
  stop(): void;
}

const CLI = resolve(import.meta.dirname, "../../apps/agent/test/ios-cli.mjs");

interface Node {
  text: string;
  children: Node[];
}
const flat = (nodes: Node[], depth = 0): string[] =>
  nodes.flatMap((n) => [`${" ".repeat(depth)}${n.text}`, ...flat(n.children, depth + 1)]);
const sh = (...argv: string[]) =>
  execFileSync(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] }).toString();

export async function startScriptedRouter(hostname: string): Promise<ScriptedRouter> {
  if (process.getuid?.() !== 0) throw new Error("the mixed-network walk needs root (network namespace and sshd)");
  const ns = `e2eios${process.pid % 10000}`;
  const subnet = `10.78.${process.pid % 250}`;
  const host = `${subnet}.2`;
  const dir = mkdtempSync(join(tmpdir(), "e2e-ios-"));
  const state = join(dir, "router-state.json");
  writeShowDir(join(dir, "show"));
  sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key"));
  sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key"));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  const fingerprint = (sh("ssh-keygen", "-l", "-f", join(dir, "host_key.pub")).split(" ")[1] as string).trim();
  const archive = { text: "archive", children: [{ text: "path flash:dmvpn-archive", children: [] }] };
  writeFileSync(
    state,
    JSON.stringify({ hostname, running: [archive], startup: [archive], revert: null, files: {}, minuteMs: 60_000 }),
  );
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `ListenAddress ${host}`,
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "PrintMotd no",
      `ForceCommand ${process.execPath} ${CLI} --state ${state} --show-dir ${join(dir, "show")}`,
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
  const sshd: ChildProcess = spawn(
    "ip",
    ["netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", join(dir, "sshd_config")],
    {
      stdio: "ignore",
    },
  );
  for (let i = 0; ; i++) {
    try {
      sh("ip", "netns", "exec", ns, "sh", "-c", `ss -ltn | grep -q '${host}:22 '`);
      break;
    } catch {
      if (i > 50) throw new Error("sshd did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    host,
    keyFile: join(dir, "client_key"),
    fingerprint,
    running: () => flat((JSON.parse(readFileSync(state, "utf8")) as { running: Node[] }).running),
    stop: () => {
      sshd.kill();
      for (const argv of [
        ["ip", "link", "del", `${ns}a`],
        ["ip", "netns", "del", ns],
      ])
        try {
          sh(...argv);
        } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
