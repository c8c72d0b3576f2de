import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { labCacheDir, repoDir, vmInitScript } from "./paths";
import type { LabHost } from "./setup";

/** Printed by init.sh on the serial console; the host parses them, so keep them in sync. */
export const INIT_READY_MARKER = "LAB-INIT-READY";
export const SCENARIO_EXIT_MARKER = "LAB-SCENARIO-EXIT";

export interface VmRunOptions {
  host: LabHost;
  /** Shell script run by PID 1 inside the VM, from the run directory (mounted at /run/lab). */
  job: string;
  /** Killed (SIGKILL) when it runs longer; the result then has timedOut = true. */
  timeoutMs: number;
  memoryMb?: number;
  cpus?: number;
  /** Every serial console line, as it arrives. */
  onLine?: (line: string) => void;
  /** Extra qemu arguments, e.g. a hostfwd on the user network. */
  extraArgs?: string[];
}

export interface VmRunResult {
  /** The job's exit status, or null when the VM never reported one (timeout, crash). */
  exitCode: number | null;
  timedOut: boolean;
  /** From spawning qemu to init.sh being ready to run the job. */
  bootMs: number | null;
  totalMs: number;
  /** Writable from the VM as /run/lab: the scenario leaves its results there. */
  runDir: string;
  lines: string[];
}

const running = new Set<ReturnType<typeof spawn>>();
let exitHookInstalled = false;

/** Kills every lab VM this process started (they are only ever killed, never shut down from outside). */
export function killAllVms(): void {
  for (const child of running) child.kill("SIGKILL");
}

// A VM outliving the test or CLI that started it would keep a CPU busy for nothing.
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill("SIGKILL");
      process.exit(130);
    });
  }
}

export function qemuArgs(host: LabHost, runDir: string, memoryMb: number, cpus: number): string[] {
  const repo = repoDir();
  if (/[\s"']/.test(repo)) throw new Error(`the lab cannot run from a path with spaces or quotes: ${repo}`);
  const kernelCmdline = [
    "console=ttyS0",
    "root=hostroot",
    "rootfstype=9p",
    "rootflags=trans=virtio,version=9p2000.L,msize=262144",
    "ro",
    `init=${vmInitScript()}`,
    "panic=-1",
    "loglevel=3",
    "net.ifnames=0",
    // init.sh mounts the repository here when its own tmpfs (/tmp, /run, …) hides it, e.g. a clone under /tmp
    `lab.repo=${repo}`,
  ].join(" ");
  return [
    "-accel",
    "tcg",
    "-m",
    String(memoryMb),
    "-smp",
    String(cpus),
    "-nographic",
    "-no-reboot",
    "-kernel",
    host.kernel,
    "-initrd",
    host.initrd,
    "-append",
    kernelCmdline,
    "-virtfs",
    "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
    "-virtfs",
    `local,path=${runDir},mount_tag=labrun,security_model=none`,
    "-virtfs",
    `local,path=${repo},mount_tag=labrepo,security_model=none,readonly=on,multidevs=remap`,
    "-nic",
    "user,model=virtio-net-pci",
  ];
}

export async function newRunDir(label: string): Promise<string> {
  const dir = join(labCacheDir(), "runs", `${new Date().toISOString().replace(/[:.]/g, "-")}-${label}-${process.pid}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Boots the lab VM, runs one job in it and always leaves no qemu behind. */
export async function runVm(options: VmRunOptions, runDir?: string): Promise<VmRunResult> {
  const dir = runDir ?? (await newRunDir("vm"));
  await writeFile(join(dir, "job.sh"), `${options.job}\n`);
  killAllOnExit();

  const started = Date.now();
  const child = spawn(
    "qemu-system-x86_64",
    [...qemuArgs(options.host, dir, options.memoryMb ?? 1024, options.cpus ?? 2), ...(options.extraArgs ?? [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);

  const lines: string[] = [];
  let bootMs: number | null = null;
  let reportedExit: number | null = null;
  const onLine = (raw: string) => {
    const line = raw.replace(/\r$/, "");
    lines.push(line);
    options.onLine?.(line);
    if (bootMs === null && line.startsWith(INIT_READY_MARKER)) bootMs = Date.now() - started;
    const exit = line.match(new RegExp(`^${SCENARIO_EXIT_MARKER} (\\d+)`));
    if (exit) reportedExit = Number(exit[1]);
  };
  createInterface({ input: child.stdout }).on("line", onLine);
  createInterface({ input: child.stderr }).on("line", (l) => onLine(`[qemu] ${l}`));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs);

  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (err) => {
      lines.push(`[qemu] ${err.message}`);
      resolve();
    });
  });
  clearTimeout(timer);
  running.delete(child);

  // The serial line can be lost if the VM powers off mid-write; the file on the share is the backup.
  const exitFromFile = await readFile(join(dir, "exit-code"), "utf8").then(
    (s) => Number(s.trim()),
    () => null,
  );
  const exitCode = reportedExit ?? (Number.isInteger(exitFromFile) ? exitFromFile : null);
  return { exitCode, timedOut, bootMs, totalMs: Date.now() - started, runDir: dir, lines };
}
