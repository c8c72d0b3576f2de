import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { charonStartScript, charonSwanctlConf, charonViciUri } from "../vm/charon";
import { runCommand, sleep } from "../vm/exec";
import { AGENT_STATE_DIR, frrRootMountScript } from "../vm/frr-root";
import { INTERNET_NS, LabTopology, ns } from "../vm/topology";
import {
  enrollmentTokensSchema,
  LAB_FILES,
  type LabRequest,
  type LabResponse,
  type LabVmInput,
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
const AGENT_DIR = AGENT_STATE_DIR;
const agents = new Map<string, ReturnType<typeof spawn>>();
const captures = new Map<string, { child: ReturnType<typeof spawn>; exited: Promise<void>; stderr: string[] }>();

async function enrollAndStart(router: string, token: string, input: LabVmInput) {
  const frrRoot = input.routers.find((r) => r.name === router)?.frrRoot;
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
      // IPsec: the router's own charon (one per namespace), and a swanctl.conf loaded alone into it
      "--swanctl-arg=--uri",
      `--swanctl-arg=${charonViciUri(router)}`,
      `--swanctl-conf=${charonSwanctlConf(router)}`,
      // an frr-linux-10 router: vtysh, frr-reload.py and swanctl of the Debian 13 root, chrooted
      ...(frrRoot ? [`--frr-root=${frrRoot}`] : []),
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

async function startCharon(router: string, frrRoot: string | undefined): Promise<void> {
  const script = charonStartScript(router, join(dir, LAB_FILES.logs), frrRoot);
  const r = await runCommand(["sh", "-e", "-s"], script, 120_000);
  if (r.exitCode !== 0) throw new Error(`${router}: starting charon exited ${r.exitCode}: ${r.stderr.trim()}`);
}

/**
 * tcpdump on every port of the simulated internet's bridge, inbound only, so each packet between two public
 * addresses is written once (a bridge device itself sees only what is addressed to it, not what it forwards).
 * It runs until capture-stop, with no time bound of its own.
 */
async function startCapture(name: string): Promise<string> {
  if (captures.has(name)) throw new Error(`capture ${name} is running already`);
  await mkdir(join(dir, LAB_FILES.captures), { recursive: true });
  const file = join(dir, LAB_FILES.captures, `${name}.txt`);
  const out = createWriteStream(file);
  const [command, ...args] = ns(INTERNET_NS, "tcpdump", "-n", "-tt", "-l", "-i", "any", "inbound and ip");
  const child = spawn(command as string, args, { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stdout?.pipe(out);
  child.stderr?.on("data", (b: Buffer) => stderr.push(b.toString()));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  captures.set(name, { child, exited, stderr });
  // tcpdump says "listening on any" once the capture is live
  for (let i = 0; i < 300 && !stderr.join("").includes("listening on"); i++) await sleep(100);
  return `capturing into ${file}: ${stderr.join("").trim()}`;
}

async function stopCapture(name: string): Promise<string> {
  const c = captures.get(name);
  if (!c) throw new Error(`no capture ${name}`);
  c.child.kill("SIGINT");
  await c.exited;
  captures.delete(name);
  return c.stderr.join("").trim();
}

async function handle(topology: LabTopology, request: LabRequest, input: LabVmInput): Promise<LabResponse> {
  switch (request.action) {
    case "capture-start":
      return { ok: true, detail: await startCapture(request.name) };
    case "capture-stop":
      return { ok: true, detail: await stopCapture(request.name) };
    case "enroll-agent":
      if (!topology.spec.routers.some((r) => r.name === request.router)) throw new Error(`no router ${request.router}`);
      if (agents.has(request.router)) throw new Error(`${request.router} has an agent already`);
      await enrollAndStart(request.router, request.token, input);
      return { ok: true, detail: `${request.router}: agent enrolled and started` };
    case "wan-link": {
      await topology.setWanLink(request.router, request.up);
      return { ok: true, detail: (Date.now() / 1000).toFixed(3) };
    }
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

async function serveRequests(topology: LabTopology, input: LabVmInput): Promise<void> {
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
        response = await handle(topology, request, input);
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
    routers: input.routers.map((r) => ({
      name: r.name,
      wanAddress: r.wanAddress,
      behindNat: r.behindNat,
      lanAddresses: r.lanAddresses,
      frrRoot: r.frrRoot,
    })),
    nats: input.nats,
  });
  log("namespaces up");
  for (const root of new Set(input.routers.flatMap((r) => (r.frrRoot ? [r.frrRoot] : [])))) {
    const mounted = await runCommand(["sh", "-e", "-s"], frrRootMountScript(root), 60_000);
    if (mounted.exitCode !== 0) throw new Error(`mounting over ${root} exited ${mounted.exitCode}: ${mounted.stderr}`);
    log(`${root}: writable directories mounted for its chrooted FRR and charon`);
  }
  await Promise.all(input.routers.map((r) => topology.startFrr(r.name)));
  log("FRR daemons running (empty configuration)");
  await Promise.all(input.routers.map((r) => startCharon(r.name, r.frrRoot)));
  log("one charon per router running (no connections loaded)");
  // a router without a token is a site the scenario adds later (enroll-agent)
  await Promise.all(
    input.routers.flatMap((r) => {
      const token = tokens[r.name];
      return token ? [enrollAndStart(r.name, token, input)] : [];
    }),
  );
  log("agents enrolled and started");
  await writeFile(join(dir, LAB_FILES.ready), JSON.stringify({ readyAfterMs: Date.now() - started }));
  await serveRequests(topology, input);
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
