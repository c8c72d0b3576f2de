import { type ChildProcess, execFile, type StdioOptions, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";

/**
 * Agents for the browser tests: the built agent bundle (what a router downloads), enrolled with a one-time token
 * and run as a child process. The sim driver stands in for a router's FRR; mixed.spec.ts also drives a scripted IOS
 * hub over SSH through the same two steps.
 */

const BUNDLE = resolve(import.meta.dirname, "../../apps/agent/dist/dmvpn-agent.mjs");
const run = promisify(execFile);

/** `dmvpn-agent enroll`: redeems the token and writes the agent's config file. */
export async function enrolAgent(consoleUrl: string, token: string, config: string, driver = ["--driver", "sim"]) {
  await run(process.execPath, [
    BUNDLE,
    "enroll",
    "--console",
    consoleUrl,
    "--token",
    token,
    "--config",
    config,
    ...driver,
  ]);
}

/** `dmvpn-agent run` with the given config; the caller kills it. */
export function runAgent(config: string, stdio: StdioOptions = "ignore"): ChildProcess {
  return spawn(process.execPath, [BUNDLE, "run", "--config", config], { stdio });
}

/** A sim agent enrolled with `token` and running, reporting its status every half second so tests need not wait. */
export async function startSimAgent(consoleUrl: string, token: string, config: string): Promise<ChildProcess> {
  await enrolAgent(consoleUrl, token, config);
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, "utf8")), statusIntervalSeconds: 0.5 }));
  return runAgent(config);
}
