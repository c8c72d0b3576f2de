import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A charon of its own for tests: its strongswan.conf (via STRONGSWAN_CONF) puts the VICI socket in a temp dir and
 * asks for random IKE ports; it runs in a private mount namespace with a temp dir over /run, because charon's
 * pid file path (/run/charon.pid) is compiled in. The system's /etc/swanctl and any running charon are untouched.
 * Needs root (CI runs as root).
 */
export interface PrivateCharon {
  dir: string;
  uri: string;
  env: NodeJS.ProcessEnv;
  /** `swanctl --load-all --file FILE` against this charon; output is stdout and stderr together. */
  loadAll(file: string): Promise<{ code: number; output: string }>;
  listConnsRaw(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPrivateCharon(): Promise<PrivateCharon> {
  const dir = mkdtempSync(join(tmpdir(), "dmvpn-charon-"));
  const runDir = join(dir, "run");
  mkdirSync(runDir);
  const socket = join(dir, "charon.vici");
  const conf = join(dir, "strongswan.conf");
  writeFileSync(
    conf,
    [
      "charon {",
      "  port = 0",
      "  port_nat_t = 0",
      "  install_routes = no",
      "  install_virtual_ip = no",
      `  plugins { vici { socket = unix://${socket} } }`,
      `  filelog { log { path = ${join(dir, "charon.log")}\n default = 1 } }`,
      "  syslog { daemon { default = -1 } }",
      "}",
      "",
    ].join("\n"),
  );
  const env = { ...process.env, STRONGSWAN_CONF: conf };
  const child: ChildProcess = spawn(
    "unshare",
    ["--mount", "--propagation", "private", "sh", "-c", `mount --bind '${runDir}' /run && exec /usr/lib/ipsec/charon`],
    {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`private charon did not start (exit ${child.exitCode}): ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const uri = `unix://${socket}`;
  const swanctl = async (args: string[]) => {
    try {
      const { stdout, stderr: err } = await run("swanctl", [...args, "--uri", uri], { env });
      return { code: 0, output: `${stdout}${err}` };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof x.code === "number" ? x.code : 1, output: `${x.stdout ?? ""}${x.stderr ?? ""}` };
    }
  };
  return {
    dir,
    uri,
    env,
    loadAll: (file) => swanctl(["--load-all", "--file", file]),
    listConnsRaw: async () => (await swanctl(["--list-conns", "--raw"])).output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
