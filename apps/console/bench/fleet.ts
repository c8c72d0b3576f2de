// npm run bench:fleet -- --agents N [--database sqlite|postgres] [--instances K] [--steady SECONDS] [--network-size K]
//   [--profile DIR] [--no-restart]
// One console (the production build, dist/server.js) on a fresh database, and N protocol-speaking agents in their own
// process (fleet-agents.ts). --instances K (PostgreSQL): K consoles sharing the work through Redis (BENCH_REDIS_URL,
// default the local port 6379; a prefix unique to the run), the agents dealt out between them, the topology watched
// on the last instance (so updates from agents on the others cross Redis), the API loaded on the first. Prints:
//   - connect time: fleet start → every agent welcomed;
//   - steady state: the console's CPU (share of one core) and RSS over the steady window;
//   - status → browser p50/p99: an SSE client on the real topology subscription (tRPC over SSE with the session
//     cookie, as the topology page consumes it) compares each hub-spoke edge update with the send time the agent
//     wrote into the SA byte counter;
//   - API p50/p99 under load: the sites list and the dashboard, two requests in flight, during the steady window;
//   - restart: console SIGTERM → exit (shutdown time), start again → every agent welcomed again (--no-restart: not).
// --profile DIR: each console runs with node --cpu-prof into DIR, and the phases are printed in seconds since the
// console started, to cut the profile with bench/profile-top.ts.
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrismaClient, repoRoot, resolveDatabase } from "@dmvpn/db";
import { Redis } from "ioredis";
import superjson from "superjson";
// @ts-expect-error plain JS helper shared with npm start
import { ensureConsoleBuilt } from "../../../scripts/prepare.mjs";
import { hashSessionToken } from "../src/server/services/auth";
import { hashSecret } from "../src/server/services/credentials";
import type { FleetReport, FleetSite } from "./fleet-agents";

const { values: args } = parseArgs({
  options: {
    agents: { type: "string", default: "1000" },
    database: { type: "string", default: "sqlite" },
    steady: { type: "string", default: "60" },
    "network-size": { type: "string", default: "250" },
    "connect-timeout": { type: "string", default: "300" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "3298" },
    "no-build": { type: "boolean", default: false },
    instances: { type: "string", default: "1" },
    /** write a V8 CPU profile of each console process into this directory (node --cpu-prof) */
    profile: { type: "string" },
    "no-restart": { type: "boolean", default: false },
  },
});
const INSTANCES = Number(args.instances);
if (!Number.isInteger(INSTANCES) || INSTANCES < 1) throw new Error("--instances must be a whole number ≥ 1");
if (INSTANCES > 1 && args.database !== "postgres") throw new Error("--instances above 1 needs --database postgres");
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const REDIS_PREFIX = `bench-fleet-${process.pid}:`;
const AGENTS = Number(args.agents);
const STEADY_S = Number(args.steady);
const NETWORK_SIZE = Number(args["network-size"]);
const CONNECT_TIMEOUT_S = Number(args["connect-timeout"]);
const PORT = Number(args.port);
/** instance i listens on PORT + i */
const baseOf = (i: number) => `http://127.0.0.1:${PORT + i}`;
const base = baseOf(0);
/** where the topology is watched: the last instance, which holds only its share of the agents */
const watchBase = baseOf(INSTANCES - 1);

const quantile = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const ms = (x: number) => (Number.isNaN(x) ? "n/a" : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function seed(databaseUrl: string, dir: string) {
  const db = createPrismaClient(resolveDatabase({ DATABASE_URL: databaseUrl }));
  const fleet: FleetSite[] = [];
  const networks = Math.ceil(AGENTS / NETWORK_SIZE);
  for (let n = 0; n < networks; n++) {
    const network = await db.network.create({
      data: {
        name: `fleet-${n}`,
        tunnelPrefix: `10.${64 + Math.floor(n / 16)}.${(n % 16) * 16}.0/20`,
        greKey: 100 + n,
        nhrpNetworkId: 100 + n,
        ipsecPsk: "bench-only-pre-shared-key",
      },
    });
    const count = Math.min(NETWORK_SIZE, AGENTS - n * NETWORK_SIZE);
    const addr = (k: number, a: number, b: number) => `${a}.${b + Math.floor(k / 256)}.${k % 256}`;
    const tunnelBase = [64 + Math.floor(n / 16), (n % 16) * 16];
    const hubTunnel = `10.${addr(1, tunnelBase[0]!, tunnelBase[1]!)}`;
    const hubNbma = `100.${64 + (n % 64)}.${Math.floor(n / 64)}.1`;
    const rows = [];
    for (let i = 0; i < count; i++) {
      const k = i + 1;
      const role = i === 0 ? "hub" : "spoke";
      const id = `fleet${n}x${i}`;
      const tunnel = `10.${addr(k, tunnelBase[0]!, tunnelBase[1]!)}`;
      const nbma = i === 0 ? hubNbma : `198.${18 + (n % 2)}.${Math.floor(n / 2) % 256}.${k % 256}`;
      rows.push({
        id,
        networkId: network.id,
        name: `fleet-${n}-${role}-${i}`,
        role,
        platform: "frr-linux",
        wanInterface: "eth0",
        publicAddress: nbma,
        tunnelAddress: tunnel,
        tunnelAddressNum: BigInt(tunnel.split(".").reduce((a, o) => a * 256 + Number(o), 0)),
        latitude: -60 + ((i * 37) % 130),
        longitude: -170 + ((i * 53) % 340),
        searchKey: `fleet-${n}-${role}-${i}`,
      });
      fleet.push({
        id,
        role,
        credential: `bench-credential-${id}-${randomBytes(8).toString("hex")}`,
        tunnel,
        nbma,
        hubTunnel,
        hubNbma,
      });
    }
    await db.site.createMany({ data: rows });
  }
  for (let i = 0; i < fleet.length; i += 500) {
    await db.agent.createMany({
      data: fleet.slice(i, i + 500).map((s) => ({
        siteId: s.id,
        credentialHash: hashSecret(s.credential),
        hostname: s.id,
        platform: "sim",
        version: "bench",
      })),
    });
  }
  const user = await db.user.create({
    data: { email: "bench@example.net", name: "Bench", role: "viewer", passwordHash: "not-a-password" },
  });
  const token = randomBytes(32).toString("base64url");
  await db.session.create({
    data: { id: hashSessionToken(token), userId: user.id, expiresAt: new Date(Date.now() + 86400_000) },
  });
  await db.$disconnect();
  const sitesFile = path.join(dir, "fleet.json");
  writeFileSync(sitesFile, JSON.stringify(fleet));
  return { cookie: `dmvpn_session=${token}`, sitesFile };
}

function startConsole(env: NodeJS.ProcessEnv): ChildProcess {
  const profile = args.profile ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(args.profile)] : [];
  const child = spawn(process.execPath, [...profile, path.join(repoRoot, "apps/console/dist/server.js")], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = 0;
  child.stderr?.on("data", (d: Buffer) => {
    if (errors++ < 5) process.stderr.write(`[console] ${d.toString().slice(0, 300)}`);
  });
  return child;
}

async function waitForServer(at = base) {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${at}/login`);
      if (res.status < 500) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 120_000) throw new Error("console did not start");
    await sleep(100);
  }
}

/** CPU seconds (user + system) and RSS of a process, from /proc. */
function processUsage(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  // schedstat: ns on a CPU, ns runnable but waiting for one (a shared machine's contention, not the console's work)
  const [, waitNs] = readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ").map(Number);
  return { cpuSeconds: ticks / 100, rssMb: rssKb / 1024, waitSeconds: (waitNs ?? 0) / 1e9 };
}

interface EdgeUpdate {
  kind: string;
  saBytes: number | null;
}

/** The topology subscription as the browser's httpSubscriptionLink reads it: SSE, superjson-encoded messages. */
function watchTopology(cookie: string, onLatency: (ms: number) => void) {
  const controller = new AbortController();
  let snapshotAt = 0;
  const done = (async () => {
    const res = await fetch(`${watchBase}/api/trpc/topology.live`, {
      headers: { cookie, accept: "text/event-stream" },
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(`topology subscription: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        const data = frame
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        if (!data || frame.includes("event: ping") || frame.includes("event: connected")) continue;
        const raw = JSON.parse(data) as unknown;
        const message = (
          raw && typeof raw === "object" && "json" in raw ? superjson.deserialize(raw as never) : raw
        ) as { kind?: string; delta?: { addEdges: EdgeUpdate[]; updateEdges: EdgeUpdate[] } };
        const now = Date.now();
        if (message.kind === "snapshot") snapshotAt = now;
        if (message.kind !== "delta" || !message.delta) continue;
        for (const e of [...message.delta.addEdges, ...message.delta.updateEdges]) {
          if (e.kind === "hub-spoke" && e.saBytes && e.saBytes > 1e12) onLatency(now - e.saBytes);
        }
      }
    }
  })().catch((err: unknown) => {
    if (!controller.signal.aborted) console.error("topology subscription ended:", (err as Error).message);
  });
  return {
    stop: () => controller.abort(),
    done,
    get snapshotAt() {
      return snapshotAt;
    },
  };
}

async function apiLoad(cookie: string, until: number) {
  const input = (v: unknown) => encodeURIComponent(JSON.stringify({ json: v }));
  const endpoints = {
    sites: `${base}/api/trpc/sites.list?input=${input({ page: 1, pageSize: 50 })}`,
    dashboard: `${base}/api/trpc/topology.dashboard`,
  };
  const times: Record<keyof typeof endpoints, number[]> = { sites: [], dashboard: [] };
  let failures = 0;
  const worker = async (which: keyof typeof endpoints) => {
    while (Date.now() < until) {
      const started = performance.now();
      try {
        const res = await fetch(endpoints[which], { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.ok) times[which].push(performance.now() - started);
        else failures++;
      } catch {
        failures++;
      }
      await sleep(200);
    }
  };
  await Promise.all([worker("sites"), worker("dashboard")]);
  return { ...times, failures };
}

async function main() {
  if (!args["no-build"]) ensureConsoleBuilt();
  const dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-fleet-"));
  const pgSchema = `bench_fleet_${process.pid}`;
  const databaseUrl =
    args.database === "postgres"
      ? `${process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres"}?schema=${pgSchema}`
      : `file:${path.join(dir, "bench.db")}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(PORT),
    HOST: "127.0.0.1",
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  execFileSync(process.execPath, ["scripts/db.mjs", "migrate"], { cwd: repoRoot, env, stdio: "ignore" });
  const { cookie, sitesFile } = await seed(databaseUrl, dir);
  console.log(
    `fleet bench: ${AGENTS} agents, ${args.database}, networks of ${NETWORK_SIZE} sites, ${INSTANCES} instance(s)`,
  );
  const envOf = (i: number): NodeJS.ProcessEnv =>
    INSTANCES === 1
      ? env
      : {
          ...env,
          PORT: String(PORT + i),
          REDIS_URL,
          REDIS_PREFIX,
          CONSOLE_INSTANCE_ID: `bench-${i}`,
        };
  const others = Array.from({ length: INSTANCES - 1 }, (_, i) => startConsole(envOf(i + 1)));

  let consoleProcess = startConsole(envOf(0));
  /** phase boundaries in seconds since the console started, to cut its CPU profile (bench/profile-top.ts) */
  const consoleStartedAt = Date.now();
  const phase = (name: string) =>
    args.profile && console.log(`  [phase] ${name} at ${((Date.now() - consoleStartedAt) / 1000).toFixed(1)} s`);
  let fleet: ChildProcess | null = null;
  let watcher: ReturnType<typeof watchTopology> | null = null;
  const results: [string, string][] = [];
  try {
    await waitForServer();
    for (let i = 1; i < INSTANCES; i++) await waitForServer(baseOf(i));
    let latencies: number[] = [];
    let recording = false;
    watcher = watchTopology(cookie, (x) => recording && latencies.push(x));

    let count: FleetReport = { type: "count", ready: 0, helloRetries: 0, welcomes: 0 };
    fleet = fork(path.join(repoRoot, "apps/console/bench/fleet-agents.ts"), [], {
      cwd: repoRoot,
      env: {
        ...process.env,
        FLEET_URL: Array.from({ length: INSTANCES }, (_, i) => `ws://127.0.0.1:${PORT + i}/api/agent/ws`).join(","),
        FLEET_SITES_FILE: sitesFile,
      },
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    fleet.on("message", (m: FleetReport) => {
      count = m;
    });
    const waitAll = async (label: string, from: number) => {
      let lastLog = Date.now();
      while (count.ready < AGENTS) {
        if (Date.now() - from > CONNECT_TIMEOUT_S * 1000) return null;
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          console.log(`  ${label}: ${count.ready}/${AGENTS} after ${((Date.now() - from) / 1000).toFixed(0)} s`);
        }
        await sleep(200);
      }
      return Date.now() - from;
    };
    const fleetStart = Date.now();
    phase("fleet start");
    const connectMs = await waitAll("connecting", fleetStart);
    const connected = count.ready;
    phase("connected");
    results.push([
      "connect (all welcomed)",
      connectMs === null ? `${connected}/${AGENTS} after ${CONNECT_TIMEOUT_S} s` : ms(connectMs),
    ]);
    results.push(["welcomes / retry-after during connect", `${count.welcomes} / ${count.helloRetries}`]);

    // settle (snapshots, first deltas), then the steady window
    await sleep(15_000);
    latencies = [];
    recording = true;
    phase("steady start");
    const pids = [consoleProcess.pid!, ...others.map((o) => o.pid!)];
    const u0 = pids.map(processUsage);
    const t0 = Date.now();
    const rss: number[][] = pids.map(() => []);
    const sampler = setInterval(() => {
      for (const [i, p] of pids.entries()) rss[i]!.push(processUsage(p).rssMb);
    }, 1000);
    const api = await apiLoad(cookie, Date.now() + STEADY_S * 1000);
    clearInterval(sampler);
    const u1 = pids.map(processUsage);
    recording = false;
    phase("steady end");
    results.push(["connected in steady window", `${count.ready}/${AGENTS}`]);
    results.push(["load average (1 min) at the end of the steady window", os.loadavg()[0]!.toFixed(1)]);
    for (const [i] of pids.entries()) {
      const cpu = (u1[i]!.cpuSeconds - u0[i]!.cpuSeconds) / ((Date.now() - t0) / 1000);
      const which = INSTANCES === 1 ? "console" : `instance ${i}`;
      results.push([`${which} CPU (steady, of one core)`, `${(cpu * 100).toFixed(0)} %`]);
      const wait = (u1[i]!.waitSeconds - u0[i]!.waitSeconds) / ((Date.now() - t0) / 1000);
      results.push([`${which} waiting for a CPU (steady)`, `${(wait * 100).toFixed(0)} % of the time`]);
      results.push([`${which} RSS (steady, max)`, `${Math.max(...rss[i]!, u1[i]!.rssMb).toFixed(0)} MB`]);
    }
    results.push([
      `status → browser p50 / p99 (${latencies.length} updates)`,
      `${ms(quantile(latencies, 0.5))} / ${ms(quantile(latencies, 0.99))}`,
    ]);
    results.push([
      `sites list p50 / p99 (${api.sites.length})`,
      `${ms(quantile(api.sites, 0.5))} / ${ms(quantile(api.sites, 0.99))}`,
    ]);
    results.push([
      `dashboard p50 / p99 (${api.dashboard.length})`,
      `${ms(quantile(api.dashboard, 0.5))} / ${ms(quantile(api.dashboard, 0.99))}`,
    ]);
    results.push(["API failures", String(api.failures)]);

    // restart (--no-restart leaves it out: quicker when profiling the steady state)
    if (!args["no-restart"]) {
      watcher.stop();
      const stopStart = Date.now();
      const exited = new Promise((r) => consoleProcess.once("exit", r));
      consoleProcess.kill("SIGTERM");
      await Promise.race([exited, sleep(60_000)]);
      results.push([
        INSTANCES === 1 ? "shutdown (SIGTERM → exit)" : "instance 0 shutdown (SIGTERM → exit)",
        ms(Date.now() - stopStart),
      ]);
      consoleProcess.kill("SIGKILL");
      const restartAt = Date.now();
      consoleProcess = startConsole(envOf(0));
      const readyMs = await waitForServer();
      const reconnectMs = await waitAll("reconnecting", restartAt);
      results.push(["console start → listening", ms(readyMs)]);
      results.push([
        "restart → all reconnected",
        reconnectMs === null ? `${count.ready}/${AGENTS} after ${CONNECT_TIMEOUT_S} s` : ms(reconnectMs),
      ]);
    }
  } finally {
    watcher?.stop();
    fleet?.disconnect();
    fleet?.kill("SIGTERM");
    const exited = new Promise((r) => consoleProcess.once("exit", r));
    consoleProcess.kill("SIGTERM");
    await Promise.race([exited, sleep(30_000)]);
    consoleProcess.kill("SIGKILL");
    for (const o of others) o.kill("SIGKILL");
    if (INSTANCES > 1) {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      const keys = await redis.keys(`${REDIS_PREFIX}*`).catch(() => []);
      if (keys.length) await redis.del(...keys).catch(() => undefined);
      redis.disconnect();
    }
    if (args.database === "postgres") {
      const db = createPrismaClient(resolveDatabase({ DATABASE_URL: databaseUrl }));
      await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`).catch(() => undefined);
      await db.$disconnect();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...results.map(([k]) => k.length));
  console.log(`\n${AGENTS} agents, ${args.database}, ${INSTANCES} instance(s), ${os.cpus().length} cores`);
  for (const [k, v] of results) console.log(`  ${k.padEnd(width)}  ${v}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
