import { hostname as osHostname } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Agent } from "./agent";
import { attachOptionValues } from "./cli-args";
import { DEFAULT_CONFIG_PATH, DRIVERS, readAgentConfig, stateDirOf, writeAgentConfig } from "./config";
import { createDriver } from "./drivers";
import { probeHostKey, withIosShell } from "./drivers/ios/ios-ssh";
import { IosSshTarget } from "./drivers/ios/ios-target";
import { enroll } from "./enroll";
import { createLogger, type LogLevel } from "./log";
import { StateStore } from "./state-store";
import { AGENT_VERSION } from "./version";

const USAGE = `dmvpn-agent ${AGENT_VERSION}
usage:
  DMVPN_TOKEN=TOKEN dmvpn-agent enroll --console URL [--config PATH] [--driver frr|vyos|sim] [--hostname NAME]
                     [--netns NS] [--vtysh-arg ARG]... [--vyos-version 1.4|1.5] [--ca-file PEM] [--fingerprint SHA256]
                     [--swanctl-arg ARG]... [--swanctl-conf PATH] [--frr-root DIR]
  DMVPN_TOKEN=TOKEN dmvpn-agent enroll --console URL --driver ios-ssh --config PATH --ssh-host HOST [--ssh-port N]
                     --ssh-user USER (--ssh-key FILE | --ssh-password-env VAR) [--ssh-host-key SHA256:…]
  dmvpn-agent run [--config PATH] [--log-level debug|info|warn|error]
  dmvpn-agent --version
The enrolment token is read from DMVPN_TOKEN (--token TOKEN also works, but shows it in the process list).
ios-ssh is a proxy agent for one Cisco IOS/IOS-XE router (one config file and one process per router). The router's
SSH host key is pinned at enrolment: the one given with --ssh-host-key, else the one the router shows now.`;

const PLATFORM_OF = { frr: "frr-linux", sim: "sim", "ios-ssh": "cisco-ios" } as const;

const OPTIONS = {
  console: { type: "string" },
  token: { type: "string" },
  config: { type: "string" },
  driver: { type: "string" },
  hostname: { type: "string" },
  netns: { type: "string" },
  "vtysh-arg": { type: "string", multiple: true },
  "swanctl-arg": { type: "string", multiple: true },
  "swanctl-conf": { type: "string" },
  "frr-root": { type: "string" },
  "vyos-version": { type: "string" },
  "ca-file": { type: "string" },
  fingerprint: { type: "string" },
  "nbma-address": { type: "string" },
  "ssh-host": { type: "string" },
  "ssh-port": { type: "string" },
  "ssh-user": { type: "string" },
  "ssh-key": { type: "string" },
  "ssh-password-env": { type: "string" },
  "ssh-host-key": { type: "string" },
  "log-level": { type: "string" },
  version: { type: "boolean" },
  help: { type: "boolean" },
} as const;
const VALUE_OPTIONS = new Set(Object.entries(OPTIONS).flatMap(([name, o]) => (o.type === "string" ? [name] : [])));

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: attachOptionValues(argv, VALUE_OPTIONS),
    allowPositionals: true,
    options: OPTIONS,
  });
  if (values.version) {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  const configPath = values.config ?? DEFAULT_CONFIG_PATH;
  const log = createLogger((values["log-level"] as LogLevel | undefined) ?? "info");

  if (command === "enroll") {
    // From the environment, so the one-time token is in no process's argv (ps, /proc/*/cmdline).
    const token = values.token ?? process.env.DMVPN_TOKEN;
    delete process.env.DMVPN_TOKEN;
    if (!values.console || !token) throw new Error("enroll needs --console and the token in DMVPN_TOKEN");
    const driver = (values.driver ?? "frr") as (typeof DRIVERS)[number];
    if (!DRIVERS.includes(driver)) throw new Error(`--driver must be one of ${DRIVERS.join(", ")}`);
    const vyosVersion = values["vyos-version"] === "1.4" ? "1.4" : "1.5";
    const ssh = driver === "ios-ssh" ? await pinnedIosTarget(values) : undefined;
    const hostname = values.hostname ?? ssh?.host ?? osHostname();
    const result = await enroll(values.console, {
      token,
      hostname,
      platform: driver === "vyos" ? `vyos-${vyosVersion}` : PLATFORM_OF[driver],
      agentVersion: AGENT_VERSION,
    });
    await writeAgentConfig(configPath, {
      consoleUrl: values.console,
      websocketUrl: result.websocketUrl,
      siteId: result.siteId,
      credential: result.credential,
      hostname,
      driver,
      driverOptions: {
        netns: values.netns,
        vtyshArgs: values["vtysh-arg"],
        swanctlArgs: values["swanctl-arg"],
        swanctlConf: values["swanctl-conf"],
        frrRoot: values["frr-root"],
        vyosVersion: driver === "vyos" ? vyosVersion : undefined,
        nbmaAddress: values["nbma-address"],
        ssh,
      },
      tls: { caFile: values["ca-file"], fingerprint256: values.fingerprint },
    });
    log("info", "enrolled", {
      siteId: result.siteId,
      config: configPath,
      ...(ssh ? { router: `${ssh.host}:${ssh.port}`, hostKey: ssh.hostKeySha256 } : {}),
    });
    return 0;
  }

  if (command === "run") {
    const config = await readAgentConfig(configPath);
    const stateDir = stateDirOf(config, configPath);
    const agent = new Agent({
      websocketUrl: config.websocketUrl,
      siteId: config.siteId,
      credential: config.credential,
      hostname: config.hostname,
      driver: createDriver(config, stateDir, log),
      store: new StateStore(stateDir),
      statusIntervalMs: config.statusIntervalSeconds * 1000,
      registrationGraceMs: config.registrationGraceSeconds * 1000,
      backoff: config.backoff,
      tls: config.tls,
      log,
    });
    await agent.start();
    log("info", "agent started", { version: AGENT_VERSION, driver: config.driver, siteId: config.siteId });
    await new Promise<void>((resolve) => {
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve());
    });
    agent.stop();
    return 0;
  }

  process.stdout.write(`${USAGE}\n`);
  return values.help ? 0 : 2;
}

/**
 * The router's host key, pinned before the token is spent: the operator's fingerprint must be the one the router
 * shows; without one, the key seen now is trusted (trust on first use). Logging in once proves the credentials.
 */
async function pinnedIosTarget(values: Record<string, string | boolean | string[] | undefined>): Promise<IosSshTarget> {
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const host = str("ssh-host");
  const username = str("ssh-user");
  if (!host || !username) throw new Error("--driver ios-ssh needs --ssh-host and --ssh-user");
  if (!str("ssh-key") === !str("ssh-password-env"))
    throw new Error("--driver ios-ssh needs exactly one of --ssh-key FILE and --ssh-password-env VAR");
  const port = Number(str("ssh-port") ?? 22);
  const seen = await probeHostKey(host, port);
  const given = str("ssh-host-key");
  if (given && given.replace(/=+$/, "") !== seen)
    throw new Error(`the router ${host}:${port} shows host key ${seen}, not the ${given} given with --ssh-host-key`);
  const parsed = IosSshTarget.safeParse({
    host,
    port,
    username,
    privateKeyFile: str("ssh-key") ? resolve(str("ssh-key") as string) : undefined,
    passwordEnv: str("ssh-password-env"),
    hostKeySha256: seen,
  });
  if (!parsed.success)
    throw new Error(
      `invalid SSH options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  await withIosShell(parsed.data, async () => {});
  return parsed.data;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`dmvpn-agent: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
