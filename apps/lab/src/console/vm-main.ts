import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand, sleep } from "../vm/exec";
import { LabTopology, ns } from "../vm/topology";
import {
  enrollmentTokensSchema,
  LAB_FILES,
  type LabRequest,
  type LabResponse,
  labRequestSchema,
  labVmInputSchema,
  writeExchangeFile,
} from "./lab-spec";

/**
 * Runs inside the lab VM: builds the namespaces, starts FRR with an empty config in each router, enrolls our
 * agent (frr driver) in each router with its one-time token through the console's real enrollment endpoint, starts
 * the agents, and then only answers the host's requests (stop a daemon, shut down). Every router config comes
 * from the console through the agents; nothing here writes one.
 */

const dir = process.argv[2] ?? "/run/lab";
const started = Date.now();
const log = (msg: string) => console.log(`[lab-vm +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const AGENT_DIR = "/run/dmvpn-agent";
const agents = new Map<string, ReturnType<typeof spawn>>();

async function enrollAndStart(router: string, token: string, input: ReturnType<typeof labVmInputSchema.parse>) {
  const configPath = join(AGENT_DIR, router, "config.json");
  const enroll = await runCommand(
    ns(
      router,
      process.execPath,
      input.agentBundle,
      "enroll",
      "--console",
      input.consoleUrl,
      "--token",
      token,
      "--config",
      configPath,
      "--driver",
      "frr",
      "--hostname",
      router,
      // FRR runs with a path space per router namespace (vtysh -N)
      "--vtysh-arg=-N",
      `--vtysh-arg=${router}`,
    ),
    undefined,
    180_000,
  );
  if (enroll.exitCode !== 0) throw new Error(`${router}: enroll exited ${enroll.exitCode}: ${enroll.stderr.trim()}`);
  // Lab timings: report often, and give up on a change that cut a spoke off after a short grace.
  const config = JSON.parse(await readFile(configPath, "utf8"));
  config.statusIntervalSeconds = input.statusIntervalSeconds;
  config.registrationGraceSeconds = input.registrationGraceSeconds;
  config.backoff = { initialMs: 500, maxMs: 5000 };
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });

  const out = createWriteStream(join(dir, LAB_FILES.logs, `${router}-agent.log`));
  const [command, ...args] = ns(router, process.execPath, input.agentBundle, "run", "--config", configPath);
  const child = spawn(command as string, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  child.on("exit", (code, signal) => log(`${router}: agent exited ${code ?? signal}`));
  agents.set(router, child);
}

async function handle(topology: LabTopology, request: LabRequest): Promise<LabResponse> {
  switch (request.action) {
    case "stop-daemon":
      await topology.stopDaemon(request.router, request.daemon);
      return { ok: true, detail: `${request.router}: ${request.daemon} stopped` };
    case "exec": {
      if (!topology.spec.routers.some((r) => r.name === request.router)) throw new Error(`no router ${request.router}`);
      const r = await topology.exec(request.router, request.argv);
      return { ok: r.exitCode === 0, detail: `${r.stdout}${r.stderr}`.slice(-20_000) };
    }
    case "shutdown":
      return { ok: true, detail: "shutting down" };
  }
}

async function serveRequests(topology: LabTopology): Promise<void> {
  const done = new Set<string>();
  for (;;) {
    const names = (await readdir(join(dir, LAB_FILES.requests)).catch(() => [])).filter((n) => n.endsWith(".json"));
    for (const name of names.sort()) {
      if (done.has(name)) continue;
      done.add(name);
      let response: LabResponse;
      let request: LabRequest | null = null;
      try {
        request = labRequestSchema.parse(JSON.parse(await readFile(join(dir, LAB_FILES.requests, name), "utf8")));
        log(`request ${name}: ${request.action}`);
        response = await handle(topology, request);
      } catch (e) {
        response = { ok: false, detail: (e as Error).message };
      }
      await writeExchangeFile(join(dir, LAB_FILES.responses, name), response);
      if (request?.action === "shutdown") return;
    }
    await sleep(300);
  }
}

async function main(): Promise<number> {
  const input = labVmInputSchema.parse(JSON.parse(await readFile(join(dir, LAB_FILES.input), "utf8")));
  const tokens = enrollmentTokensSchema.parse(JSON.parse(await readFile(join(dir, LAB_FILES.tokens), "utf8")));
  await rm(join(dir, LAB_FILES.tokens));
  await mkdir(join(dir, LAB_FILES.logs), { recursive: true });
  await mkdir(join(dir, LAB_FILES.responses), { recursive: true });

  const topology = await LabTopology.create({
    routers: input.routers.map((r) => ({ name: r.name, wanAddress: r.wanAddress, lanAddresses: r.lanAddresses })),
  });
  log("namespaces up");
  await Promise.all(input.routers.map((r) => topology.startFrr(r.name)));
  log("FRR daemons running (empty configuration)");
  await Promise.all(
    input.routers.map((r) => {
      const token = tokens[r.name];
      if (!token) throw new Error(`no enrollment token for ${r.name}`);
      return enrollAndStart(r.name, token, input);
    }),
  );
  log("agents enrolled and started");
  await writeFile(join(dir, LAB_FILES.ready), JSON.stringify({ readyAfterMs: Date.now() - started }));
  await serveRequests(topology);
  for (const child of agents.values()) child.kill("SIGTERM");
  await sleep(1000);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
