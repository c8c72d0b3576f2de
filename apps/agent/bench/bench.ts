// Footprint of the agent (sim driver) connected to an in-process test console: RSS after warm-up and idle CPU over
// ~20 s, read from /proc. Measured twice: the bundle under this node (Linux routers) and the linux-x64 single
// executable (VyOS, which has no node). Goals: RSS < 60 MB, idle CPU < 1 %.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestConsole } from "@dmvpn/protocol/testing";

const BUNDLE = join(import.meta.dirname, "..", "dist", "dmvpn-agent.mjs");
const SEA = join(import.meta.dirname, "..", "dist", "dmvpn-agent-linux-x64");
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  // fields after the command name (which may contain spaces): utime is field 14, stime 15
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function statusMb(pid: number, field: string): number {
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return kb / 1024;
}
const rssMb = (pid: number) => statusMb(pid, "VmRSS");

/** One agent process from connect to the end of the idle period; prints its figures. */
async function measure(label: string, command: string, args: string[], file: string): Promise<void> {
  const console_ = await new TestConsole({ acceptAnyCredential: true, heartbeatSeconds: 15 }).start();
  const dir = mkdtempSync(join(tmpdir(), "dmvpn-bench-"));
  const configPath = join(dir, "config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      consoleUrl: console_.url,
      websocketUrl: console_.websocketUrl,
      siteId: "bench-1",
      credential: "bench-credential-000000",
      driver: "sim",
      statusIntervalSeconds: 10,
    }),
  );
  const child = spawn(command, [...args, "run", "--config", configPath], {
    stdio: "ignore",
    // AGENT_NODE_OPTIONS tries V8/node flags on the agent alone (NODE_OPTIONS would also change tsx running this)
    env: { ...process.env, NODE_OPTIONS: process.env.AGENT_NODE_OPTIONS ?? "" },
  });
  const pid = child.pid!;
  try {
    await console_.waitForMessage("status-snapshot");
    const rssConnected = rssMb(pid);
    console_.send("bench-1", "apply", {
      deploymentId: "b1",
      revision: 1,
      contentHash: "bench",
      target: "frr",
      confirmWindowSeconds: 60,
      files: [
        { name: "gre.sh", content: "ip addr add 10.255.0.11/32 dev gre1\n" },
        {
          name: "frr.conf",
          content:
            "interface gre1\n ip nhrp nhs dynamic nbma 203.0.113.1\nrouter bgp 65000\n neighbor 10.255.0.1 remote-as 65000\n",
        },
      ],
    });
    await console_.waitForMessage("apply-result");
    console_.send("bench-1", "confirm", { deploymentId: "b1" });
    await console_.waitForMessage("confirmed");
    await sleep(5000); // warm-up
    const rssWarm = rssMb(pid);
    const hz = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
    const t0 = cpuTicks(pid);
    const w0 = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const cpuSeconds = (cpuTicks(pid) - t0) / hz;
    const wallSeconds = (performance.now() - w0) / 1000;
    const rssEnd = rssMb(pid);
    const cpuPercent = (100 * cpuSeconds) / wallSeconds;
    const deltas = console_.received.filter((r) => r.message.type === "status-delta").length;
    console.log(`--- ${label}`);
    console.log(`file size:              ${(statSync(file).size / 1024).toFixed(0)} KiB`);
    console.log(`RSS connected:          ${rssConnected.toFixed(1)} MB`);
    console.log(`RSS after warm-up:      ${rssWarm.toFixed(1)} MB (goal < 60 MB)`);
    console.log(`RSS after idle period:  ${rssEnd.toFixed(1)} MB (status every 10 s meanwhile)`);
    console.log(
      `  of which heap/stacks:  ${statusMb(pid, "RssAnon").toFixed(1)} MB; mapped files: ${statusMb(pid, "RssFile").toFixed(1)} MB`,
    );
    console.log(
      `idle CPU over ${wallSeconds.toFixed(1)} s:   ${cpuPercent.toFixed(2)} % (${cpuSeconds.toFixed(2)} s CPU; goal < 1 %)`,
    );
    console.log(`status deltas received: ${deltas}`);
  } finally {
    child.kill("SIGTERM");
    await console_.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await measure("bundle (node dist/dmvpn-agent.mjs): Linux routers", process.execPath, [BUNDLE], BUNDLE);
if (existsSync(SEA)) await measure("single executable (dist/dmvpn-agent-linux-x64): VyOS", SEA, [], SEA);
else console.log("--- single executable: not built on this platform (see scripts/build-sea.mjs)");
