import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The Cisco hub of mixed.spec.ts: Debian's OpenSSH server (root needed: a network namespace and sshd) whose
 * ForceCommand is the agent tests' scripted IOS CLI (apps/agent/test/ios-cli.mjs). No real IOS runs: the CLI
 * emulates prompts, configuration mode, the revert timer, confirm and write memory, and nothing of IOS's routing.
 */
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
      `ForceCommand ${process.execPath} ${CLI} --state ${state}`,
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
