import { hostname as osHostname } from "node:os";
import { parseArgs } from "node:util";
import { Agent } from "./agent";
import { attachOptionValues } from "./cli-args";
import { DEFAULT_CONFIG_PATH, DRIVERS, readAgentConfig, stateDirOf, writeAgentConfig } from "./config";
import { createDriver } from "./drivers";
import { enroll } from "./enroll";
import { createLogger, type LogLevel } from "./log";
import { StateStore } from "./state-store";
import { AGENT_VERSION } from "./version";

const USAGE = `dmvpn-agent ${AGENT_VERSION}
usage:
  DMVPN_TOKEN=TOKEN dmvpn-agent enroll --console URL [--config PATH] [--driver frr|vyos|sim] [--hostname NAME]
                     [--netns NS] [--vtysh-arg ARG]... [--vyos-version 1.4|1.5] [--ca-file PEM] [--fingerprint SHA256]
  dmvpn-agent run [--config PATH] [--log-level debug|info|warn|error]
  dmvpn-agent --version
The enrolment token is read from DMVPN_TOKEN (--token TOKEN also works, but shows it in the process list).`;

const PLATFORM_OF = { frr: "frr-linux", sim: "sim" } as const;

const OPTIONS = {
  console: { type: "string" },
  token: { type: "string" },
  config: { type: "string" },
  driver: { type: "string" },
  hostname: { type: "string" },
  netns: { type: "string" },
  "vtysh-arg": { type: "string", multiple: true },
  "vyos-version": { type: "string" },
  "ca-file": { type: "string" },
  fingerprint: { type: "string" },
  "nbma-address": { type: "string" },
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
    const hostname = values.hostname ?? osHostname();
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
        vyosVersion: driver === "vyos" ? vyosVersion : undefined,
        nbmaAddress: values["nbma-address"],
      },
      tls: { caFile: values["ca-file"], fingerprint256: values.fingerprint },
    });
    log("info", "enrolled", { siteId: result.siteId, config: configPath });
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`dmvpn-agent: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
