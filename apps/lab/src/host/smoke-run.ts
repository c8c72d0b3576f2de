import { cp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { type SmokeResult, smokeResultSchema } from "../scenarios/smoke-result";
import { capturesDir, labDir, repoDir } from "./paths";
import { ensureLabHost } from "./setup";
import { newRunDir, runVm, type VmRunResult } from "./vm";

export const FRR_CAPTURE_VERSION = "frr-8.4.4";

export interface SmokeRun {
  vm: VmRunResult;
  /** null when the scenario never wrote its result (VM timeout, crash before the end) */
  result: SmokeResult | null;
  /** Lines the host's probe listener on 127.0.0.1 received from inside the VM. */
  probeLines: string[];
}

/** A listener on the host's loopback only: proves the VM reaches host services through qemu's 10.0.2.2. */
async function startProbeListener(): Promise<{ port: number; lines: string[]; close: () => Promise<void> }> {
  const lines: string[] = [];
  const server = createServer((socket) => {
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
    });
    socket.on("end", () => lines.push(...buffer.split("\n").filter(Boolean)));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("probe listener has no port");
  return { port: address.port, lines, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Bundles a scenario into the run directory. Under software emulation tsx would spend many seconds compiling in
 * the VM; esbuild on the host takes well under a second.
 */
export async function bundleScenario(entry: string, runDir: string): Promise<string> {
  const name = "scenario.mjs";
  await build({
    entryPoints: [entry],
    outfile: join(runDir, name),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    // Bundled CommonJS dependencies (yaml, papaparse via @dmvpn/inventory) call require() for node built-ins.
    banner: {
      js: 'import { createRequire as __labRequire } from "node:module"; const require = __labRequire(import.meta.url);',
    },
  });
  return name;
}

/** Boots the VM, runs the smoke scenario in it, and reads back its result. */
export async function runSmoke(
  options: { timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<SmokeRun> {
  const host = await ensureLabHost((line) => options.onLine?.(`[lab setup] ${line}`));
  const probe = await startProbeListener();
  const runDir = await newRunDir("smoke");
  const bundle = await bundleScenario(join(labDir(), "src", "scenarios", "smoke.ts"), runDir);
  try {
    const vm = await runVm(
      {
        host,
        job: `cd ${repoDir()} && LAB_HOST_PROBE_PORT=${probe.port} exec node /run/lab/${bundle} /run/lab`,
        timeoutMs: options.timeoutMs ?? 25 * 60_000,
        onLine: options.onLine,
      },
      runDir,
    );
    const raw = await readFile(join(runDir, "result.json"), "utf8").catch(() => null);
    const result = raw === null ? null : smokeResultSchema.parse(JSON.parse(raw));
    return { vm, result, probeLines: [...probe.lines] };
  } finally {
    await probe.close();
  }
}

/** Replaces apps/lab/captures/frr-8.4.4 with the captures of a run. */
export async function publishCaptures(runDir: string): Promise<string> {
  const target = join(capturesDir(), FRR_CAPTURE_VERSION);
  await rm(target, { recursive: true, force: true });
  await cp(join(runDir, "captures"), target, { recursive: true });
  return target;
}

export function timingReport(run: SmokeRun): string {
  const r = run.result;
  const s = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? "n/a" : `${(ms / 1000).toFixed(1)} s`;
  const lines = [`VM boot (qemu start -> init ready): ${s(run.vm.bootMs)}`, `whole run: ${s(run.vm.totalMs)}`];
  if (r) {
    lines.push(
      `topology + FRR configured: ${s(r.phases.topology.ms)}`,
      `configured -> all spokes registered: ${s(r.phases.registered.ms)}`,
      `registered -> BGP established: ${s(r.phases.bgp.ms)}`,
      `first packet -> shortcut visible: ${r.phases.shortcut.detail.match(/shortcut visible (\d+) ms/)?.[1] ?? "n/a"} ms`,
      `last packet -> shortcut gone: ${r.phases.shortcutExpired.detail}`,
      `hub failure: ${r.phases.failover.detail}`,
    );
  }
  return lines.join("\n");
}
